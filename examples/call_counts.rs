//! API calls a selective query makes against a 10,000-pool fleet, next to the full scan the
//! same query makes without pushdown. Counts come from the emulator's request log. A LIKE
//! whose longest literal is one character cannot be sent (`DescribeWorkspacesPoolsFilter`
//! values are at least two characters), so it lists every pool.
//!
//! `cargo run --profile release-nonlto --example call_counts` (call counts do not need LTO)

use std::sync::Arc;

use datafusion::prelude::SessionContext;
use futures::StreamExt;
use wsql::{AwsSettings, Library, Table};
use wsql_emulator::{Emulator, Fleet};

const REGION: &str = "us-east-1";
const POOLS: usize = 10_000;
const OPERATION: &str = "DescribeWorkspacesPools";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(Fleet::seeded(7, &[REGION], POOLS)).await?;
    let library = Library::new(AwsSettings::emulator(emulator.endpoint_url(), &[REGION]));
    let ctx = SessionContext::new();
    library.register(&ctx)?;
    let reference = library
        .table(Table::named("workspaces_pools").expect("a table"))
        .with_pushdown(false);
    ctx.register_table("pools_reference", Arc::new(reference))?;

    // Sixty ids spread over the fleet.
    let ids: Vec<String> = emulator
        .fleet()
        .pools(REGION)
        .iter()
        .step_by(POOLS / 60)
        .take(60)
        .map(|p| format!("'{}'", p.pool_id))
        .collect();
    let queries = [
        (
            "pool_id IN (60 ids)",
            format!("WHERE pool_id IN ({})", ids.join(", ")),
        ),
        (
            "pool_name LIKE '%fin%'",
            "WHERE pool_name LIKE '%fin%'".into(),
        ),
        // One character is not a valid filter value (the API wants at least two): not pushed.
        ("pool_name LIKE '%x%'", "WHERE pool_name LIKE '%x%'".into()),
        ("LIMIT 5", "LIMIT 5".into()),
        ("full scan", String::new()),
    ];

    println!("{POOLS} pools in {REGION}; calls of {OPERATION}\n");
    println!(
        "{:<22} {:>6} {:>8} {:>17} {:>9}",
        "query", "rows", "calls", "without pushdown", "saved"
    );
    for (name, tail) in queries {
        let (rows, calls) = count(&ctx, &emulator, &format!("workspaces_pools {tail}")).await?;
        let (reference_rows, reference_calls) =
            count(&ctx, &emulator, &format!("pools_reference {tail}")).await?;
        assert_eq!(rows, reference_rows, "{name}: pushdown changed the answer");
        println!(
            "{name:<22} {rows:>6} {calls:>8} {reference_calls:>17} {:>8.1}×",
            reference_calls as f64 / calls.max(1) as f64
        );
    }
    Ok(())
}

/// Rows of `SELECT pool_id FROM {from}` and the calls it made.
async fn count(
    ctx: &SessionContext,
    emulator: &Emulator,
    from: &str,
) -> Result<(usize, usize), Box<dyn std::error::Error>> {
    emulator.clear_request_log();
    let mut stream = ctx
        .sql(&format!("SELECT pool_id FROM {from}"))
        .await?
        .execute_stream()
        .await?;
    let mut rows = 0;
    while let Some(batch) = stream.next().await {
        rows += batch?.num_rows();
    }
    let calls = emulator
        .request_log()
        .iter()
        .filter(|r| r.operation == OPERATION)
        .count();
    Ok((rows, calls))
}
