//! Misbehaving NextTokens on a sibling table (the pools table has its own tests in
//! `tests/pools/paging.rs`): a repeated token stops paging with an error, an endless chain
//! stops at the page limit, and neither hangs.

use std::sync::Arc;

use wsql::Table;
use wsql_emulator::{Faults, Fleet};

use crate::reliability::setup::{fleet_with_workspaces, within};
use crate::support::{DIRECTORIES, REGION, WORKSPACES, harness_with};

#[tokio::test]
async fn a_repeating_next_token_on_workspaces_stops_with_an_error() {
    let h = harness_with(fleet_with_workspaces(REGION, 100), &[REGION], None).await;
    h.emulator.set_faults(Faults {
        repeat_next_token: true,
        ..Faults::default()
    });
    let error = within(30, "repeated token", h.error("SELECT * FROM workspaces")).await;
    assert_eq!(
        error,
        format!(
            "{WORKSPACES} in {REGION} returned the same NextToken twice (page 3); stopped paging to avoid an endless loop"
        )
    );
    assert_eq!(
        h.calls(WORKSPACES).len(),
        2,
        "the repeated token is never sent"
    );
}

#[tokio::test]
async fn an_endless_chain_of_a_sibling_table_stops_at_the_page_limit() {
    let h = harness_with(Fleet::seeded(3, &[REGION], 10), &[REGION], None).await;
    let workspaces = h
        .library
        .table(Table::named("workspaces").expect("a table"))
        .with_max_pages(40);
    let directories = h
        .library
        .table(Table::named("workspaces_directories").expect("a table"))
        .with_max_pages(30);
    h.ctx
        .register_table("bounded_workspaces", Arc::new(workspaces))
        .expect("registers");
    h.ctx
        .register_table("bounded_directories", Arc::new(directories))
        .expect("registers");
    h.emulator.set_faults(Faults {
        endless_pages: true,
        ..Faults::default()
    });
    for (table, operation, pages) in [
        ("bounded_workspaces", WORKSPACES, 40),
        ("bounded_directories", DIRECTORIES, 30),
    ] {
        h.clear();
        let sql = format!("SELECT count(*) FROM {table}");
        let error = within(60, &sql, h.error(&sql)).await;
        assert!(
            error.starts_with(&format!(
                "{operation} in {REGION} was still paging after {pages} pages"
            )),
            "{error}"
        );
        assert_eq!(h.calls(operation).len(), pages);
    }
}
