//! For each pushdown form of `workspaces_pools`: the rows answered and the
//! `DescribeWorkspacesPools` calls made against a 300-pool, one-region emulated fleet, beside the
//! same query with pushdown off. Shows how to register the library over the emulator.
//!
//! `cargo run --example pushdown_counts`

use std::sync::Arc;

use datafusion::prelude::SessionContext;
use wsql::{AwsSettings, Library, Table};
use wsql_emulator::{Emulator, Fleet};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let region = "us-east-1";
    let emulator = Emulator::start(Fleet::seeded(7, &[region], 300)).await?;
    let library = Library::new(AwsSettings::emulator(emulator.endpoint_url(), &[region]));
    let ctx = SessionContext::new();
    library.register(&ctx)?;
    let reference = library
        .table(Table::named("workspaces_pools").expect("a table"))
        .with_pushdown(false);
    ctx.register_table("pools_reference", Arc::new(reference))?;

    let pools = emulator.fleet().pools(region);
    let ids: Vec<String> = pools.iter().map(|p| format!("'{}'", p.pool_id)).collect();
    let name = &pools
        .iter()
        .find(|p| p.pool_name.len() > 8)
        .ok_or("the fleet has no long pool name")?
        .pool_name;
    let forms = [
        format!("pool_id = {}", ids[0]),
        format!("pool_id IN ({})", ids[..3].join(", ")),
        format!("pool_id = {} OR pool_id = {}", ids[0], ids[1]),
        format!("pool_id IN ({})", ids[..60].join(", ")),
        "pool_id = 'not-an-id'".to_string(),
        format!("pool_id = {} AND pool_id = {}", ids[0], ids[1]),
        format!("pool_name = '{name}'"),
        format!("pool_name IN ('{name}', 'finance47')"),
        format!("pool_name <> '{name}'"),
        "pool_name LIKE '%fin%'".to_string(),
        "pool_name LIKE 'eng_build%'".to_string(),
        "pool_name NOT LIKE '%fin%'".to_string(),
        "pool_name ILIKE '%FIN%'".to_string(),
        "pool_name = 'has space'".to_string(),
        "region = 'eu-west-1'".to_string(),
        "state = 'RUNNING'".to_string(),
    ];
    println!("| WHERE | rows | calls with pushdown | calls without |");
    println!("|---|---|---|---|");
    for form in forms {
        let shown = if form.len() > 60 {
            format!("{}…", &form[..60])
        } else {
            form.clone()
        };
        let mut calls = Vec::new();
        let mut rows = 0;
        for table in ["workspaces_pools", "pools_reference"] {
            emulator.clear_request_log();
            let sql = format!("SELECT pool_id FROM {table} WHERE {form}");
            let batches = ctx.sql(&sql).await?.collect().await?;
            rows = batches.iter().map(|b| b.num_rows()).sum::<usize>();
            calls.push(emulator.request_log().len());
        }
        println!("| `{shown}` | {rows} | {} | {} |", calls[0], calls[1]);
    }
    for limit in [5, 30] {
        emulator.clear_request_log();
        let sql = format!("SELECT pool_id FROM workspaces_pools LIMIT {limit}");
        ctx.sql(&sql).await?.collect().await?;
        let pushed = emulator.request_log().len();
        emulator.clear_request_log();
        let sql = format!("SELECT pool_id FROM pools_reference LIMIT {limit}");
        ctx.sql(&sql).await?.collect().await?;
        let reference = emulator.request_log().len();
        println!("| `LIMIT {limit}` | {limit} | {pushed} | {reference} |");
    }
    Ok(())
}
