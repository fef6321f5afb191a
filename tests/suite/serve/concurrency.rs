//! Many connections at once: each gets the right answer, and the warnings of its own
//! statements (a region left out under `--on-region-error warn`) as NOTICEs, nobody else's.

use wsql_emulator::Faults;

use crate::serve::support::{POOLS, Server, calls, emulator};

const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-southeast-2"];
const DENIED: &str = "ap-southeast-2";
const CLIENTS: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_clients_get_their_answers_and_only_their_own_warnings() {
    let emulator = emulator(REGIONS, 40).await;
    emulator.set_faults(Faults {
        access_denied_regions: vec![DENIED.to_string()],
        ..Faults::default()
    });
    let server = Server::start(&emulator, REGIONS, &["--on-region-error", "warn"], &[]);
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        clients.push(server.connect().await);
    }

    // Even clients read every region (one of which is denied), odd ones only a healthy one.
    let mut runs = Vec::new();
    for (index, mut connected) in clients.into_iter().enumerate() {
        runs.push(tokio::spawn(async move {
            let sql = if index % 2 == 0 {
                "SELECT count(*) FROM workspaces_pools"
            } else {
                "SELECT count(*) FROM workspaces_pools WHERE region = 'eu-west-1'"
            };
            let mut answers = Vec::new();
            for _ in 0..3 {
                let row = connected.client.query_one(sql, &[]).await.expect("answers");
                answers.push(row.get::<_, i64>(0));
            }
            // A round trip after the statements, so every NOTICE has arrived.
            connected.client.simple_query("SELECT 1").await.unwrap();
            (index, answers, connected.notices())
        }));
    }
    for run in runs {
        let (index, answers, notices) = run.await.expect("client task");
        if index % 2 == 0 {
            assert_eq!(
                answers,
                vec![80; 3],
                "client {index}: the two healthy regions"
            );
            assert_eq!(
                notices.len(),
                3,
                "client {index}: one warning a statement: {notices:?}"
            );
            for notice in &notices {
                assert!(notice.starts_with("WARNING: "), "{notice}");
                assert!(
                    notice.contains(DENIED) && notice.contains("results exclude that region"),
                    "{notice}"
                );
            }
        } else {
            assert_eq!(answers, vec![40; 3], "client {index}");
            assert!(
                notices.is_empty(),
                "client {index} got another's warnings: {notices:?}"
            );
        }
    }
    assert!(calls(&emulator, POOLS) > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_share_the_cache_but_not_their_settings() {
    let emulator = emulator(&["us-east-1"], 30).await;
    let server = Server::start(&emulator, &["us-east-1"], &["--cache-ttl", "300"], &[]);
    let first = server.connect().await;
    let second = server.connect().await;
    let sql = "SELECT count(*) FROM workspaces_pools";
    assert_eq!(
        first
            .client
            .query_one(sql, &[])
            .await
            .unwrap()
            .get::<_, i64>(0),
        30
    );
    let after_first = calls(&emulator, POOLS);
    assert_eq!(
        second
            .client
            .query_one(sql, &[])
            .await
            .unwrap()
            .get::<_, i64>(0),
        30
    );
    assert_eq!(
        calls(&emulator, POOLS),
        after_first,
        "the second connection reads the cache"
    );

    first
        .client
        .simple_query("SET datafusion.execution.batch_size = 7")
        .await
        .unwrap();
    let setting = |messages: Vec<tokio_postgres::SimpleQueryMessage>| {
        messages.into_iter().find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(1).map(str::to_string),
            _ => None,
        })
    };
    let show = "SHOW datafusion.execution.batch_size";
    assert_eq!(
        setting(first.client.simple_query(show).await.unwrap()).as_deref(),
        Some("7")
    );
    assert_eq!(
        setting(second.client.simple_query(show).await.unwrap()).as_deref(),
        Some("8192")
    );
}
