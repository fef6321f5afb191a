//! Pools that no longer exist: however the service answers `PoolIds` naming them (an empty list,
//! `ResourceNotFoundException` when none of the ids exists, or when any of them is unknown), the
//! answer equals the answer without pushdown, and the calls stay few.

use wsql_emulator::{Faults, LoggedRequest, UnknownPoolIds};

use crate::support::{Harness, POOLS, harness_in};

const REGION: &str = "us-east-1";
/// Valid ids (`^wspool-[0-9a-z]{9}$`) that the seeded fleet does not hold.
const GONE: [&str; 5] = [
    "wspool-gone00001",
    "wspool-gone00002",
    "wspool-gone00003",
    "wspool-zzzzzzzz4",
    "wspool-00gone005",
];
const BEHAVIOURS: [UnknownPoolIds; 3] = [
    UnknownPoolIds::Omitted,
    UnknownPoolIds::NotFoundWhenNoneExist,
    UnknownPoolIds::NotFoundWhenAnyUnknown,
];

fn quoted(ids: &[String]) -> String {
    ids.iter()
        .map(|id| format!("'{id}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `WHERE condition` on the table and on its no-pushdown reference: the answers must be equal.
/// Returns the row count and the calls the pushed-down query made.
async fn equivalent(h: &Harness, condition: &str) -> (usize, Vec<LoggedRequest>) {
    let reference = h
        .rows(&format!(
            "SELECT * FROM workspaces_pools_reference WHERE {condition}"
        ))
        .await;
    h.clear();
    let pushed = h
        .rows(&format!("SELECT * FROM workspaces_pools WHERE {condition}"))
        .await;
    let calls = h.calls(POOLS);
    assert_eq!(pushed, reference, "the answer changed: WHERE {condition}");
    (pushed.len(), calls)
}

async fn existing_ids(h: &Harness, count: usize) -> Vec<String> {
    let ids: Vec<String> = h.emulator.fleet().pools(REGION)[..count]
        .iter()
        .map(|p| p.pool_id.clone())
        .collect();
    assert_eq!(ids.len(), count);
    ids
}

#[tokio::test]
async fn a_gone_id_alone_answers_no_row_with_one_call() {
    let h = harness_in(&[REGION], 60).await;
    for behaviour in BEHAVIOURS {
        h.emulator.set_faults(Faults {
            unknown_pool_ids: behaviour,
            ..Faults::default()
        });
        let (rows, calls) = equivalent(&h, &format!("pool_id = '{}'", GONE[0])).await;
        assert_eq!(rows, 0, "{behaviour:?}");
        assert_eq!(calls.len(), 1, "{behaviour:?}: {calls:?}");
        let expected_status = match behaviour {
            UnknownPoolIds::Omitted => 200,
            _ => 400,
        };
        assert_eq!(calls[0].status, expected_status, "{behaviour:?}");
    }
}

#[tokio::test]
async fn a_gone_id_inside_a_full_chunk_leaves_the_others_answered() {
    let h = harness_in(&[REGION], 60).await;
    let mut ids = existing_ids(&h, 24).await;
    ids.push(GONE[1].to_string());
    let condition = format!("pool_id IN ({})", quoted(&ids));
    let mut counts = Vec::new();
    for behaviour in BEHAVIOURS {
        h.emulator.set_faults(Faults {
            unknown_pool_ids: behaviour,
            ..Faults::default()
        });
        let (rows, calls) = equivalent(&h, &condition).await;
        assert_eq!(rows, 24, "{behaviour:?}");
        counts.push(calls.len());
    }
    // One call when the service leaves the gone id out or answers the ones that exist; split in
    // halves (at most 1 + 2 × 5 calls for 25 ids) when any unknown id fails the whole chunk.
    assert_eq!(&counts[..2], &[1, 1], "{counts:?}");
    assert!((3..=11).contains(&counts[2]), "{counts:?}");
    println!("a gone id inside a 25-id chunk: calls {counts:?} (omitted, none exist, any unknown)");
}

#[tokio::test]
async fn several_gone_ids_across_chunks_and_with_name_filters() {
    let h = harness_in(&[REGION], 60).await;
    let mut ids = existing_ids(&h, 40).await;
    ids.extend(GONE.iter().map(|g| g.to_string()));
    let all = format!("pool_id IN ({})", quoted(&ids));
    let only_gone = format!(
        "pool_id IN ({})",
        quoted(&GONE.iter().map(|g| g.to_string()).collect::<Vec<_>>())
    );
    let named = format!("{all} AND pool_name LIKE '%-%'");
    for behaviour in BEHAVIOURS {
        h.emulator.set_faults(Faults {
            unknown_pool_ids: behaviour,
            ..Faults::default()
        });
        let (rows, _) = equivalent(&h, &all).await;
        assert_eq!(rows, 40, "{behaviour:?}");
        let (rows, calls) = equivalent(&h, &only_gone).await;
        assert_eq!(rows, 0, "{behaviour:?}");
        // Halving down to single ids costs at most 2n - 1 calls for n ids.
        assert!(
            calls.len() < 2 * GONE.len(),
            "{behaviour:?}: {} calls for 5 gone ids",
            calls.len()
        );
        equivalent(&h, &named).await;
    }
}
