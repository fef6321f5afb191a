//! The `wsql` binary driven from outside: flags, formats, reports, errors, local files and the
//! demo, against an in-process emulator.

use std::collections::BTreeSet;

use crate::support::command::{REGIONS, SEED, TestEmulator, Wsql};
use serde_json::{Map, Value};
use wsql_emulator::Fleet;

type Row = Map<String, Value>;

/// Every pool as the table returns it (the reference the reports are checked against).
fn all_pools(emulator: &TestEmulator) -> Vec<Row> {
    Wsql::against(emulator)
        .args(["--format", "json", "-c", "SELECT * FROM workspaces_pools"])
        .run()
        .success()
        .json_rows()
}

fn report(emulator: &TestEmulator, name: &str) -> Vec<Row> {
    Wsql::against(emulator)
        .args(["--format", "json", "--report", name])
        .run()
        .success()
        .json_rows()
}

fn int(row: &Row, column: &str) -> Option<i64> {
    row.get(column)
        .unwrap_or_else(|| panic!("no column {column} in {row:?}"))
        .as_i64()
}

fn text<'a>(row: &'a Row, column: &str) -> Option<&'a str> {
    row.get(column)
        .unwrap_or_else(|| panic!("no column {column} in {row:?}"))
        .as_str()
}

fn pool_ids<'a>(rows: impl IntoIterator<Item = &'a Row>) -> BTreeSet<String> {
    rows.into_iter()
        .map(|r| text(r, "pool_id").expect("pool_id").to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// -c, -f and the session

#[test]
fn several_statements_in_one_c_run_in_order() {
    let run = Wsql::new()
        .args([
            "-c",
            "SELECT 1 AS first; SELECT 'two;2' AS second",
            "-c",
            "SELECT 3 AS third",
        ])
        .run()
        .success();
    let first = run.stdout.find("| first |").expect("first table");
    let second = run.stdout.find("| two;2  |").expect("second table");
    let third = run.stdout.find("| third |").expect("third table");
    assert!(first < second && second < third, "{}", run.stdout);
    // One footer per statement, on stderr so it never mixes with the data.
    let footers: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(footers.len(), 3, "{}", run.stderr);
    assert!(
        footers.iter().all(|l| l.starts_with("1 row in ")),
        "{}",
        run.stderr
    );
}

#[test]
fn f_runs_a_file_with_comments_and_several_statements() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("script.sql");
    std::fs::write(
        &file,
        "-- a script; with a semicolon in a comment\n\
         SELECT 'a;b' AS x;\n/* block; comment */\nSELECT 2 AS y\n",
    )
    .unwrap();
    let run = Wsql::new()
        .args(["--format", "csv", "--quiet", "-f"])
        .arg(&file)
        .run()
        .success();
    assert_eq!(run.stdout, "x\na;b\ny\n2\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn external_csv_joins_and_copy_exports() {
    let emulator = TestEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("owners.csv"),
        "region,team\nus-east-1,americas\neu-west-1,emea\nap-southeast-2,apac\n",
    )
    .unwrap();
    let sql = "CREATE EXTERNAL TABLE owners STORED AS CSV LOCATION 'owners.csv' \
                   OPTIONS ('format.has_header' 'true');
               COPY (SELECT o.team, count(*) AS pools FROM workspaces_pools p \
                     JOIN owners o ON p.region = o.region GROUP BY o.team ORDER BY o.team) \
                   TO 'by_team.csv' STORED AS CSV;";
    let run = Wsql::against(&emulator)
        .current_dir(dir.path())
        .args(["--format", "json", "-c", sql])
        .run()
        .success();
    // COPY answers with the number of rows written.
    assert_eq!(run.json_rows()[0]["count"], 3);
    let exported = std::fs::read_to_string(dir.path().join("by_team.csv")).unwrap();
    let mut lines: Vec<&str> = exported.lines().collect();
    assert_eq!(lines.remove(0), "team,pools");
    let per_region = emulator.pool_count() / REGIONS.len();
    assert_eq!(
        lines,
        vec![
            format!("americas,{per_region}"),
            format!("apac,{per_region}"),
            format!("emea,{per_region}"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Formats

#[test]
fn csv_is_rfc4180_with_one_header_rfc3339_times_and_json_lists() {
    let emulator = TestEmulator::start();
    let run = Wsql::against(&emulator)
        .args([
            "--format",
            "csv",
            "-c",
            "SELECT pool_id, pool_name, created_at, desired_user_sessions, errors \
             FROM workspaces_pools ORDER BY pool_id",
        ])
        .run()
        .success();
    assert!(
        !run.stdout.contains('\r'),
        "LF line ends, as Unix tools expect"
    );
    assert!(run.stdout.ends_with('\n'));
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "pool_id",
            "pool_name",
            "created_at",
            "desired_user_sessions",
            "errors"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), emulator.pool_count());

    let reference = all_pools(&emulator);
    let mut by_id: Vec<&Row> = reference.iter().collect();
    by_id.sort_by_key(|r| text(r, "pool_id").unwrap().to_string());
    let mut errors_seen = 0;
    for (record, pool) in records.iter().zip(by_id) {
        assert_eq!(&record[0], text(pool, "pool_id").unwrap());
        assert_eq!(&record[1], text(pool, "pool_name").unwrap());
        assert_eq!(&record[2], text(pool, "created_at").unwrap());
        assert!(is_rfc3339_utc(&record[2]), "{}", &record[2]);
        assert_eq!(
            record[3].parse::<i64>().ok(),
            int(pool, "desired_user_sessions")
        );
        // Lists are JSON text in CSV, equal to what the json format gives.
        if record[4].is_empty() {
            assert!(pool["errors"].is_null());
        } else {
            let errors: Value = serde_json::from_str(&record[4]).expect("errors cell is JSON");
            assert_eq!(errors, pool["errors"]);
            errors_seen += errors.as_array().unwrap().len();
        }
    }
    assert_eq!(errors_seen, emulator.error_count());
}

fn is_rfc3339_utc(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 20
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':'
        && text.ends_with('Z')
}

#[test]
fn json_is_one_array_and_ndjson_one_object_per_line_with_the_same_rows() {
    let emulator = TestEmulator::start();
    let sql =
        "SELECT region, pool_id, state, created_at, errors FROM workspaces_pools ORDER BY pool_id";
    let json = Wsql::against(&emulator)
        .args(["--format", "json", "-c", sql])
        .run()
        .success();
    let rows = json.json_rows();
    assert_eq!(rows.len(), emulator.pool_count());
    assert!(
        rows.iter().all(|r| r.len() == 5),
        "every column in every object"
    );
    assert!(
        rows.iter()
            .all(|r| is_rfc3339_utc(text(r, "created_at").unwrap()))
    );
    let regions: BTreeSet<&str> = rows.iter().map(|r| text(r, "region").unwrap()).collect();
    assert_eq!(regions, REGIONS.iter().copied().collect());

    let ndjson = Wsql::against(&emulator)
        .args(["--format", "ndjson", "-c", sql])
        .run()
        .success();
    let lines: Vec<Row> = ndjson
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one object"))
        .collect();
    assert_eq!(lines, rows);
}

#[test]
fn empty_results_in_every_format() {
    let sql = "SELECT 1 AS a WHERE false";
    let out = |format: &str| {
        Wsql::new()
            .args(["--quiet", "--format", format, "-c", sql])
            .run()
            .success()
            .stdout
    };
    assert_eq!(out("csv"), "a\n");
    assert_eq!(out("json"), "[]\n");
    assert_eq!(out("ndjson"), "");
    assert_eq!(out("table"), "+---+\n| a |\n+---+\n");
}

#[test]
fn table_is_aligned_cuts_long_cells_and_shows_lists_as_json() {
    let run = Wsql::new()
        .args([
            "-c",
            "SELECT 7 AS n, repeat('x', 100) AS long, [named_struct('error_code', 'E1')] AS errors",
        ])
        .run()
        .success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{}", run.stdout);
    let width = lines[0].chars().count();
    assert!(
        lines.iter().all(|l| l.chars().count() == width),
        "{}",
        run.stdout
    );
    assert!(
        lines[3].contains(&format!("{}…", "x".repeat(47))),
        "{}",
        lines[3]
    );
    assert!(
        lines[3].contains(r#"[{"error_code":"E1"}]"#),
        "{}",
        lines[3]
    );
    assert!(lines[3].starts_with("| 7 |"));
    assert!(run.stderr.starts_with("1 row in "), "{}", run.stderr);
}

#[test]
fn maxrows_caps_the_table_and_says_how_many_were_not_shown() {
    let emulator = TestEmulator::start();
    let run = Wsql::against(&emulator)
        .args([
            "--maxrows",
            "5",
            "-c",
            "SELECT pool_id FROM workspaces_pools",
        ])
        .run()
        .success();
    let data_rows = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("| ") && !l.contains("pool_id"))
        .count();
    assert_eq!(data_rows, 5, "{}", run.stdout);
    let hidden = emulator.pool_count() - 5;
    assert!(
        run.stdout.contains(&format!(
            "({hidden} more rows not shown: showing the first 5;"
        )),
        "{}",
        run.stdout
    );
    // The footer counts every row, shown or not.
    assert!(
        run.stderr
            .starts_with(&format!("{} rows in ", emulator.pool_count())),
        "{}",
        run.stderr
    );
}

#[test]
fn quiet_drops_the_footer() {
    let loud = Wsql::new().args(["-c", "SELECT 1"]).run().success();
    assert!(loud.stderr.starts_with("1 row in "));
    let quiet = Wsql::new().args(["-q", "-c", "SELECT 1"]).run().success();
    assert_eq!(quiet.stderr, "");
    assert_eq!(quiet.stdout, loud.stdout);
}

#[test]
fn csv_streams_batch_by_batch() {
    // Six pages a region, every one slow: the first rows must reach stdout while the process
    // is still fetching the rest (a second and more).
    let emulator = TestEmulator::start_with(Fleet::seeded(SEED, REGIONS, 150));
    emulator.set_faults(wsql_emulator::Faults {
        latency: std::time::Duration::from_millis(200),
        ..Default::default()
    });
    let mut wsql = Wsql::against(&emulator).args([
        "--format",
        "csv",
        "-c",
        "SELECT pool_id FROM workspaces_pools",
    ]);
    wsql.command.stdout(std::process::Stdio::piped());
    let mut child = wsql.command.spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut header = String::new();
    let mut first_row = String::new();
    use std::io::BufRead;
    stdout.read_line(&mut header).unwrap();
    stdout.read_line(&mut first_row).unwrap();
    assert_eq!(header, "pool_id\n");
    assert!(first_row.starts_with("wsp"), "{first_row:?}");
    let still_running = child.try_wait().unwrap().is_none();
    let rest: Vec<String> = stdout.lines().map(|l| l.unwrap()).collect();
    assert!(child.wait().unwrap().success());
    assert_eq!(rest.len() + 1, emulator.pool_count());
    assert!(
        still_running,
        "all output arrived only when the query had finished"
    );
}

// ---------------------------------------------------------------------------------------------
// Saved reports, each checked against the fleet or against its own reading of the table

#[test]
fn fleet_summary_counts_every_pool_once() {
    let emulator = TestEmulator::start();
    let rows = report(&emulator, "fleet_summary");
    let total: i64 = rows.iter().map(|r| int(r, "pools").unwrap()).sum();
    assert_eq!(total as usize, emulator.pool_count());
    let regions: BTreeSet<&str> = rows.iter().map(|r| text(r, "region").unwrap()).collect();
    assert_eq!(regions, REGIONS.iter().copied().collect());
    let keys: BTreeSet<(&str, &str)> = rows
        .iter()
        .map(|r| (text(r, "region").unwrap(), text(r, "state").unwrap()))
        .collect();
    assert_eq!(keys.len(), rows.len(), "one row per region and state");
}

#[test]
fn pool_errors_has_one_row_per_error_in_the_fleet() {
    let emulator = TestEmulator::start();
    assert!(
        emulator.error_count() > 0,
        "the test fleet should have errors"
    );
    let rows = report(&emulator, "pool_errors");
    assert_eq!(rows.len(), emulator.error_count());
    let reference = all_pools(&emulator);
    for row in &rows {
        let pool = reference
            .iter()
            .find(|p| p["pool_id"] == row["pool_id"])
            .expect("the error's pool exists");
        let errors = pool["errors"].as_array().expect("the pool has errors");
        assert!(
            errors.iter().any(|e| e["error_code"] == row["error_code"]
                && e["error_message"] == row["error_message"]),
            "{row:?} not among {errors:?}"
        );
    }
}

#[test]
fn capacity_headroom_lists_every_pool_worst_first() {
    let emulator = TestEmulator::start();
    let rows = report(&emulator, "capacity_headroom");
    assert_eq!(rows.len(), emulator.pool_count());
    let mut previous = f64::MIN;
    let mut seen_null = false;
    for row in &rows {
        let actual = int(row, "actual_user_sessions").unwrap();
        let available = int(row, "available_user_sessions").unwrap();
        match row["headroom_pct"].as_f64() {
            Some(headroom) => {
                assert!(!seen_null, "pools without capacity come last");
                let expected = (1000.0 * available as f64 / actual as f64).round() / 10.0;
                assert!((headroom - expected).abs() < 0.051, "{row:?}");
                assert!(
                    headroom >= previous,
                    "sorted worst first: {previous} then {headroom}"
                );
                previous = headroom;
            }
            None => {
                assert_eq!(actual, 0, "{row:?}");
                seen_null = true;
            }
        }
    }
}

#[test]
fn idle_capacity_is_desired_sessions_without_active_users() {
    let emulator = TestEmulator::start();
    let rows = report(&emulator, "idle_capacity");
    let expected = pool_ids(all_pools(&emulator).iter().filter(|p| {
        int(p, "desired_user_sessions").unwrap_or(0) > 0
            && int(p, "active_user_sessions").unwrap_or(0) == 0
    }));
    assert_eq!(pool_ids(&rows), expected);
    assert_eq!(rows.len(), expected.len());
}

#[test]
fn timeout_audit_flags_missing_and_out_of_range_timeouts() {
    let emulator = TestEmulator::start();
    let rows = report(&emulator, "timeout_audit");
    let out_of =
        |value: Option<i64>, low: i64, high: i64| value.is_none_or(|v| v < low || v > high);
    let expected = pool_ids(all_pools(&emulator).iter().filter(|p| {
        out_of(int(p, "disconnect_timeout_in_seconds"), 300, 14_400)
            || out_of(int(p, "idle_disconnect_timeout_in_seconds"), 300, 3_600)
            || out_of(int(p, "max_user_duration_in_seconds"), 3_600, 86_400)
    }));
    assert_eq!(pool_ids(&rows), expected);
    assert!(
        rows.iter()
            .all(|r| !text(r, "findings").unwrap().is_empty())
    );
}

#[test]
fn app_settings_audit_flags_disabled_or_bucketless_settings() {
    let emulator = TestEmulator::start();
    let rows = report(&emulator, "app_settings_audit");
    let expected = pool_ids(all_pools(&emulator).iter().filter(|p| {
        text(p, "application_settings_status") != Some("ENABLED")
            || text(p, "application_settings_s3_bucket_name")
                .unwrap_or("")
                .is_empty()
    }));
    assert_eq!(pool_ids(&rows), expected);
}

#[test]
fn migration_inventory_has_every_pool_once_with_days_left() {
    let emulator = TestEmulator::start();
    let rows = report(&emulator, "migration_inventory");
    assert_eq!(rows.len(), emulator.pool_count());
    assert_eq!(pool_ids(&rows), pool_ids(&all_pools(&emulator)));
    let days: BTreeSet<i64> = rows
        .iter()
        .map(|r| int(r, "days_until_end_of_support").unwrap())
        .collect();
    assert_eq!(days.len(), 1, "the same deadline for every pool");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let end_of_support = 1_830_297_600; // 2028-01-01T00:00:00Z
    let expected = (end_of_support - now).div_euclid(86_400);
    let got = *days.iter().next().unwrap();
    assert!((got - expected).abs() <= 1, "{got} vs {expected}");
    assert!(
        rows.iter()
            .all(|r| (1..=3).contains(&int(r, "suggested_wave").unwrap()))
    );
}

#[test]
fn report_takes_a_path_too() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.sql");
    std::fs::write(&file, "-- mine\nSELECT 'from a file' AS origin;").unwrap();
    let run = Wsql::new()
        .args(["--quiet", "--format", "csv", "--report"])
        .arg(&file)
        .run()
        .success();
    assert_eq!(run.stdout, "origin\nfrom a file\n");
}

// ---------------------------------------------------------------------------------------------
// Failures: non-zero exit and exactly one line on stderr

#[test]
fn bad_sql_fails_on_one_line() {
    let run = Wsql::new().args(["-c", "SELEC 1"]).run();
    assert!(
        run.one_line_failure()
            .starts_with("error: sql parser error:")
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn unknown_table_fails_on_one_line() {
    let run = Wsql::new()
        .args(["-c", "SELECT * FROM no_such_table"])
        .run();
    let line = run.one_line_failure();
    assert!(
        line.contains("no_such_table") && line.contains("not found"),
        "{line}"
    );
}

#[test]
fn unknown_column_fails_on_one_line() {
    let run = Wsql::new()
        .args(["-c", "SELECT no_such_column FROM workspaces_pools"])
        .run();
    let line = run.one_line_failure();
    assert!(line.contains("no_such_column"), "{line}");
}

#[test]
fn bad_flags_fail_on_one_line() {
    for args in [
        vec!["--no-such-flag"],
        vec!["--format", "xml", "-c", "SELECT 1"],
        vec!["--maxrows", "many"],
        vec!["--retry-mode", "eager"],
    ] {
        let run = Wsql::new().args(&args).run();
        let line = run.one_line_failure();
        assert!(line.starts_with("error: "), "{args:?}: {line}");
        assert!(line.ends_with("see wsql --help"), "{args:?}: {line}");
        assert_eq!(run.code, Some(2));
    }
}

#[test]
fn missing_region_fails_on_one_line_saying_how_to_set_it() {
    let run = Wsql::new()
        .args(["-c", "SELECT count(*) FROM workspaces_pools"])
        .run();
    let line = run.one_line_failure();
    assert!(line.contains("no AWS region"), "{line}");
    assert!(line.contains("--region"), "{line}");
}

#[test]
fn api_errors_fail_on_one_line_naming_the_region() {
    let emulator = TestEmulator::start();
    emulator.set_faults(wsql_emulator::Faults {
        access_denied_regions: vec!["eu-west-1".into()],
        ..Default::default()
    });
    let run = Wsql::against(&emulator)
        .args(["-c", "SELECT count(*) FROM workspaces_pools"])
        .run();
    let line = run.one_line_failure();
    assert!(line.contains("eu-west-1"), "{line}");
    assert!(line.contains("AccessDenied"), "{line}");
}

#[test]
fn unknown_report_fails_on_one_line_listing_the_reports() {
    let run = Wsql::new().args(["--report", "no_such_report"]).run();
    let line = run.one_line_failure();
    assert!(line.contains("no report named 'no_such_report'"), "{line}");
    assert!(line.contains("fleet_summary"), "{line}");
}

#[test]
fn a_failing_statement_stops_the_script() {
    let run = Wsql::new()
        .args([
            "--quiet",
            "--format",
            "csv",
            "-c",
            "SELECT 1 AS a; SELEC 2; SELECT 3 AS c",
        ])
        .run();
    assert_eq!(run.stdout, "a\n1\n");
    run.one_line_failure();
}

// ---------------------------------------------------------------------------------------------
// The demo

#[test]
fn demo_answers_without_a_network_and_says_it_is_demo_data() {
    let run = Wsql::new()
        .args([
            "--demo",
            "--format",
            "json",
            "-c",
            "SELECT region, count(*) AS pools FROM workspaces_pools GROUP BY region ORDER BY region",
        ])
        .run()
        .success();
    let rows = run.json_rows();
    let regions: Vec<&str> = rows.iter().map(|r| text(r, "region").unwrap()).collect();
    assert_eq!(regions, vec!["ap-southeast-2", "eu-west-1", "us-east-1"]);
    assert!(rows.iter().all(|r| int(r, "pools") == Some(100)));
    let stderr: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(stderr.len(), 2, "{}", run.stderr);
    assert!(
        stderr[0].starts_with("wsql demo: synthetic data"),
        "{}",
        stderr[0]
    );
    assert!(stderr[1].starts_with("3 rows in "));
}

#[test]
fn demo_runs_every_report() {
    for report in [
        "capacity_headroom",
        "pool_errors",
        "idle_capacity",
        "timeout_audit",
        "app_settings_audit",
        "fleet_summary",
        "migration_inventory",
    ] {
        Wsql::new()
            .args(["--demo", "--quiet", "--format", "csv", "--report", report])
            .run()
            .success();
    }
}

#[test]
fn demo_table_snapshot() {
    let run = Wsql::new()
        .args([
            "--demo",
            "-c",
            "SELECT region, count(*) FROM workspaces_pools GROUP BY region ORDER BY region",
        ])
        .run()
        .success();
    let shown = format!("{}--- stderr ---\n{}", run.stdout, run.stderr);
    insta::with_settings!({filters => vec![(r"in \d+\.\d{3} s", "in [elapsed] s")]}, {
        insta::assert_snapshot!(shown);
    });
}

// ---------------------------------------------------------------------------------------------
// The response cache

#[test]
fn cache_ttl_answers_repeated_statements_from_the_cache_and_scripts_default_to_none() {
    let emulator = TestEmulator::start();
    let sql = "SELECT count(*) FROM workspaces_directories";
    let twice = ["-q", "-c", sql, "-c", sql];

    Wsql::against(&emulator).args(twice).run().success();
    let uncached = emulator.calls("DescribeWorkspaceDirectories");
    assert!(uncached >= 2 * REGIONS.len(), "{uncached}");

    emulator.emulator.clear_request_log();
    Wsql::against(&emulator)
        .args(["--cache-ttl", "60"])
        .args(twice)
        .run()
        .success();
    let cached = emulator.calls("DescribeWorkspaceDirectories");
    assert_eq!(cached * 2, uncached, "the second statement made no call");

    emulator.emulator.clear_request_log();
    Wsql::against(&emulator)
        .args(["--cache-ttl", "0"])
        .args(twice)
        .run()
        .success();
    assert_eq!(emulator.calls("DescribeWorkspaceDirectories"), uncached);

    let run = Wsql::new().args(["--cache-ttl", "soon"]).run();
    assert!(run.one_line_failure().contains("--cache-ttl"));
}
