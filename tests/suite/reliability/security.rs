//! Only read-only operations are ever called, and no credential appears in an error, an
//! EXPLAIN, a debug rendering or anything the binary prints (`--debug` included).

use datafusion::physical_plan::displayable;
use wsql_emulator::{Faults, Fleet};

use crate::reliability::setup::{REGIONS, assert_read_only, tables};
use crate::support::command::{TestEmulator, Wsql};
use crate::support::{harness_with, library_message, sorted_rows};

/// The secret key of `AwsSettings::emulator`.
const EMULATOR_SECRET: &str = "wsql-emulator-secret";
/// A secret given to the binary through the environment.
const ENV_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSECRETKEY";

/// Queries touching every table (with the saved reports): filters, joins, EXPLAIN, EXPLAIN
/// ANALYZE.
const SAMPLE: &[&str] = &[
    "SELECT * FROM workspaces_pools WHERE pool_name LIKE '%a%' LIMIT 5",
    "SELECT count(*) FROM workspaces_pool_sessions",
    "SELECT * FROM workspaces_directories WHERE workspace_type = 'PERSONAL'",
    "SELECT * FROM workspaces_bundles WHERE owner = 'AMAZON'",
    "SELECT w.workspace_id, d.directory_id FROM workspaces w JOIN workspaces_directories d ON w.directory_id = d.directory_id",
    "EXPLAIN SELECT * FROM workspaces WHERE workspace_id = 'ws-abcdefghi'",
    "EXPLAIN ANALYZE SELECT p.pool_id, s.session_id FROM workspaces_pools p JOIN workspaces_pool_sessions s USING (pool_id)",
    "SELECT image_id, state, error_details FROM workspaces_image_imports",
    "SELECT * FROM workspaces_image_associations WHERE associated_resource_type = 'APPLICATION'",
    "SELECT b.name, a.associated_resource_id FROM workspaces_bundles b JOIN workspaces_bundle_associations a USING (bundle_id)",
    "SELECT kind, count(*) FROM workspaces_snapshots GROUP BY kind",
    "SELECT a.alias_id, p.shared_account_id FROM workspaces_connection_aliases a JOIN workspaces_connection_alias_permissions p USING (alias_id)",
    "SELECT d.directory_id, c.reconnect_enabled, b.device_type, i.name FROM workspaces_directories d \
     JOIN workspaces_client_properties c ON c.resource_id = d.directory_id \
     LEFT JOIN workspaces_client_branding b ON b.resource_id = d.directory_id \
     LEFT JOIN workspaces_connect_client_add_ins i ON i.resource_id = d.directory_id",
];

/// Every saved report's name, from `queries/`.
fn report_names() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("queries/ is readable")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".sql").map(String::from)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn every_report_and_sample_query_calls_only_describe_operations() {
    let emulator = TestEmulator::start();
    let names = report_names();
    assert!(names.len() >= 10, "{names:?}");
    let mut wsql = Wsql::against(&emulator).args(["--quiet", "--format", "csv"]);
    for name in &names {
        wsql = wsql.args(["--report", name]);
    }
    for sql in SAMPLE {
        wsql = wsql.args(["-c", sql]);
    }
    wsql.run().success();
    let log = emulator.emulator.request_log();
    assert_read_only(&log);
    for (table, operation) in tables() {
        assert!(
            log.iter().any(|call| call.operation == *operation),
            "{table}'s {operation} was never called: the check saw too little"
        );
    }
}

#[tokio::test]
async fn no_credential_in_errors_explain_or_debug_renderings() {
    let regions = &REGIONS[..2];
    let h = harness_with(Fleet::seeded(4, regions, 10), regions, None).await;
    let mut texts = vec![
        format!("{:?}", h.library),
        format!("{:?}", h.library.settings()),
    ];
    for sql in SAMPLE {
        texts.extend(h.rows(sql).await);
        let plan = h
            .ctx
            .sql(sql)
            .await
            .expect("plans")
            .create_physical_plan()
            .await
            .expect("physical plan");
        texts.push(displayable(plan.as_ref()).indent(true).to_string());
        texts.push(format!("{plan:?}"));
    }
    for faults in [
        Faults {
            access_denied_regions: vec!["eu-west-1".into()],
            ..Faults::default()
        },
        Faults {
            malformed_json_rate: 1.0,
            ..Faults::default()
        },
        Faults {
            repeat_next_token: true,
            ..Faults::default()
        },
    ] {
        h.emulator.set_faults(faults);
        for (table, _) in tables() {
            match h.try_batches(&format!("SELECT * FROM {table}")).await {
                Ok(batches) => texts.extend(sorted_rows(&batches)),
                Err(error) => {
                    texts.push(library_message(&error));
                    texts.push(format!("{error:?}"));
                }
            }
        }
    }
    assert_read_only(&h.emulator.request_log());
    assert!(texts.len() > 20);
    for text in &texts {
        assert!(!text.contains(EMULATOR_SECRET), "the secret key in: {text}");
    }
}

#[test]
fn the_binary_never_prints_the_secret_key_even_with_debug() {
    let emulator = TestEmulator::start();
    emulator.set_faults(Faults {
        access_denied_regions: vec!["ap-southeast-2".into()],
        ..Faults::default()
    });
    let mut runs = Vec::new();
    for policy in ["warn", "fail"] {
        let mut wsql = Wsql::against(&emulator).args(["--debug", "--on-region-error", policy]);
        wsql.command.env("AWS_SECRET_ACCESS_KEY", ENV_SECRET);
        for sql in SAMPLE {
            wsql = wsql.args(["-c", sql]);
        }
        runs.push(wsql.arg("-c").arg("SELECT nope FROM nowhere").run());
    }
    let [warned, failed] = &runs[..] else {
        unreachable!("two runs")
    };
    assert!(
        warned.stderr.contains("debug: physical plan:"),
        "{}",
        warned.stderr
    );
    assert!(warned.stderr.contains("warning: "), "{}", warned.stderr);
    assert!(failed.stderr.contains("error: "), "{}", failed.stderr);
    for run in &runs {
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                !text.contains(ENV_SECRET),
                "the secret key on {stream}:\n{text}"
            );
            assert!(
                !text.contains("wJalrXUtnFEMI"),
                "part of the secret key on {stream}"
            );
        }
    }
    assert_read_only(&emulator.emulator.request_log());
}
