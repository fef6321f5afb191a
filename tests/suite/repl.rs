//! The REPL through a pseudo-terminal: multi-line statements, meta-commands, history across
//! sessions, Ctrl-C cancelling a slow query, Ctrl-D leaving.

use std::time::Duration;

use crate::support::command::{REGIONS, SEED, TestEmulator, Wsql};
use rexpect::reader::Options;
use rexpect::session::PtySession;
use wsql_emulator::Fleet;

const PROMPT: &str = "wsql> ";
/// Generous: a debug build on a busy 2-core machine.
const TIMEOUT_MS: u64 = 30_000;

/// Starts the REPL of `wsql` in a pseudo-terminal and waits for its first prompt.
fn spawn(wsql: Wsql) -> (PtySession, tempfile::TempDir) {
    let Wsql { command, home } = wsql;
    let options = Options::default()
        .timeout_ms(Some(TIMEOUT_MS))
        .strip_ansi_escape_codes(true);
    let mut session = rexpect::session::spawn_with_options(command, options).expect("spawns");
    session.exp_string(PROMPT).expect("first prompt");
    (session, home)
}

/// Ctrl-D at the prompt: the REPL ends, successfully.
fn quit(mut session: PtySession) {
    session.send_control('d').unwrap();
    session.exp_eof().expect("exits on Ctrl-D");
    let status = session.process().wait().unwrap();
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 0)),
        "{status:?}"
    );
}

#[test]
fn a_statement_spans_lines_until_its_semicolon() {
    let emulator = TestEmulator::start();
    let (mut repl, _home) = spawn(Wsql::against(&emulator));
    repl.send_line("SELECT count(*) AS pools").unwrap();
    repl.send_line("FROM workspaces_pools").unwrap();
    // Not run yet: the statement has no `;`. The next line completes it.
    repl.send_line("WHERE region = 'eu-west-1';").unwrap();
    let before_last_line = repl.exp_string("WHERE region").unwrap();
    assert!(
        !before_last_line.contains("| pools |"),
        "ran before its ';': {before_last_line}"
    );
    let per_region = emulator.pool_count() / REGIONS.len();
    repl.exp_string(&format!(" {per_region} |"))
        .expect("the count of one region");
    repl.exp_string("1 row in ").expect("footer");
    repl.exp_string(PROMPT).unwrap();
    quit(repl);
}

#[test]
fn meta_commands_describe_tables_and_reports_and_bad_ones_keep_the_prompt() {
    let emulator = TestEmulator::start();
    let (mut repl, _home) = spawn(Wsql::against(&emulator));
    repl.send_line("\\d").unwrap();
    // Column widths follow the longest table name, so match the row, not its padding.
    repl.exp_regex(r"\| workspaces_pools +\| DescribeWorkspacesPools +\|")
        .expect("the table and its API");
    repl.exp_string(PROMPT).unwrap();

    repl.send_line("\\d workspaces_pools").unwrap();
    repl.exp_string("| pool_id ").expect("a column");
    repl.exp_string("| The identifier of a pool. ")
        .expect("its description, from the service model");
    repl.exp_string("Rows come from DescribeWorkspacesPools. Pushed into the call:")
        .expect("the pushdown list");
    repl.exp_string(PROMPT).unwrap();

    repl.send_line("\\reports").unwrap();
    repl.exp_string("| fleet_summary ").expect("a report");
    repl.exp_string(PROMPT).unwrap();

    repl.send_line("\\nonsense").unwrap();
    repl.exp_string("error: unknown command '\\nonsense'; \\? lists the commands")
        .unwrap();
    repl.exp_string(PROMPT).expect("the prompt comes back");

    repl.send_line("\\format csv").unwrap();
    repl.exp_string("format set to csv").unwrap();
    repl.send_line("\\r fleet_summary").unwrap();
    repl.exp_string("region,state,pools,desired_user_sessions,active_user_sessions")
        .expect("the report in csv");
    repl.exp_string(PROMPT).unwrap();
    quit(repl);
}

#[test]
fn history_persists_across_sessions() {
    let data = tempfile::tempdir().unwrap();
    let with_data = |wsql: Wsql| {
        let mut wsql = wsql;
        wsql.command.env("XDG_DATA_HOME", data.path());
        wsql
    };

    let (mut first, _home) = spawn(with_data(Wsql::new()));
    first.send_line("SELECT 6 * 7 AS answer;").unwrap();
    first.exp_string(" 42 |").unwrap();
    first.exp_string(PROMPT).unwrap();
    quit(first);

    let history = std::fs::read_to_string(data.path().join("wsql").join("history"))
        .expect("history file in the data dir");
    assert!(history.contains("SELECT 6 * 7 AS answer;"), "{history}");

    // A new session: Up recalls the statement, Enter runs it again.
    let (mut second, _home) = spawn(with_data(Wsql::new()));
    second.send("\x1b[A").unwrap();
    second.send("\r").unwrap();
    second.flush().unwrap();
    second
        .exp_string(" 42 |")
        .expect("the recalled statement ran");
    second.exp_string(PROMPT).unwrap();
    quit(second);
}

#[test]
fn ctrl_c_cancels_a_slow_query_and_the_repl_keeps_answering() {
    // Ten pages a region, every call taking 300 ms: the scan takes seconds, so the Ctrl-C sent
    // once the progress line shows always lands while it runs.
    let emulator = TestEmulator::start_with(Fleet::seeded(SEED, REGIONS, 250));
    emulator.set_faults(wsql_emulator::Faults {
        latency: Duration::from_millis(300),
        ..Default::default()
    });
    let (mut repl, _home) = spawn(Wsql::against(&emulator));
    repl.send_line("SELECT count(*) FROM workspaces_pools;")
        .unwrap();
    // The progress line (shown once a scan has run 0.5 s) says the query is under way.
    repl.exp_string("workspaces_pools: ")
        .expect("progress on stderr");
    repl.send_control('c').unwrap();
    repl.exp_string("^C: query cancelled").expect("cancelled");
    repl.exp_string(PROMPT).expect("back at the prompt");
    let calls_at_cancel = emulator.calls("DescribeWorkspacesPools");

    repl.send_line("SELECT 'still here' AS status;").unwrap();
    repl.exp_string("| still here |")
        .expect("answers after the cancel");
    repl.exp_string(PROMPT).unwrap();

    // Dropping the stream stopped the paging: at most the calls in flight finished after it.
    let calls_after = emulator.calls("DescribeWorkspacesPools");
    assert!(
        calls_after <= calls_at_cancel + REGIONS.len(),
        "paging went on after the cancel: {calls_at_cancel} then {calls_after}"
    );
    quit(repl);
}

#[test]
fn ctrl_c_at_the_prompt_clears_the_line() {
    let (mut repl, _home) = spawn(Wsql::new());
    repl.send("SELECT 'never run' AS x").unwrap();
    repl.flush().unwrap();
    // The editor redraws "wsql> ..." as it echoes: wait for the whole echo first, so that the
    // prompt awaited below is the fresh one (drawn once the editor reads keys again; a line sent
    // before that could be dropped by the terminal's mode switch).
    repl.exp_string("AS x").expect("the typed text echoed");
    repl.send_control('c').unwrap();
    repl.exp_string(PROMPT).expect("a fresh prompt");
    repl.send_line("SELECT 'ran' AS y;").unwrap();
    let output = repl.exp_string("1 row in ").unwrap();
    assert!(output.contains("| ran |"), "{output}");
    assert!(!output.contains("never run |"), "{output}");
    quit(repl);
}

#[test]
fn demo_starts_the_repl_too() {
    let (mut repl, _home) = spawn(Wsql::new().args(["--demo"]));
    repl.send_line("SELECT count(*) AS n FROM workspaces_pools;")
        .unwrap();
    repl.exp_string("| 300 |").unwrap();
    quit(repl);
}

#[test]
fn the_repl_caches_by_default_and_cache_switches_it() {
    let emulator = TestEmulator::start();
    let (mut repl, _home) = spawn(Wsql::against(&emulator));
    let query = "SELECT count(*) AS n FROM workspaces_bundles;";
    let operation = "DescribeWorkspaceBundles";
    let run = |repl: &mut PtySession| {
        repl.send_line(query).unwrap();
        repl.exp_string("1 row in ").expect("an answer");
        repl.exp_string(PROMPT).unwrap();
    };

    run(&mut repl);
    let first = emulator.calls(operation);
    assert!(first > 0);
    run(&mut repl);
    assert_eq!(
        emulator.calls(operation),
        first,
        "the REPL caches by default"
    );

    repl.send_line("\\cache stats").unwrap();
    repl.exp_regex(
        r"cache on \(responses kept 300 s\): [1-9][0-9]* hit\(s\), [1-9][0-9]* miss\(es\)",
    )
    .expect("the counters");
    repl.exp_string(PROMPT).unwrap();

    repl.send_line("\\cache clear").unwrap();
    repl.exp_string("cache cleared").unwrap();
    run(&mut repl);
    assert_eq!(
        emulator.calls(operation),
        2 * first,
        "cleared: called again"
    );

    repl.send_line("\\cache off").unwrap();
    repl.exp_string("cache off").unwrap();
    run(&mut repl);
    run(&mut repl);
    assert_eq!(
        emulator.calls(operation),
        4 * first,
        "off: every query calls"
    );

    repl.send_line("\\cache on").unwrap();
    repl.exp_string("cache on").unwrap();
    run(&mut repl);
    run(&mut repl);
    assert_eq!(
        emulator.calls(operation),
        5 * first,
        "on again: one call for two queries"
    );

    repl.send_line("\\cache maybe").unwrap();
    repl.exp_string("error: usage: \\cache on|off|clear|stats")
        .unwrap();
    repl.exp_string(PROMPT).unwrap();
    quit(repl);
}

#[test]
fn cache_ttl_zero_turns_the_repl_cache_off() {
    let emulator = TestEmulator::start();
    let (mut repl, _home) = spawn(Wsql::against(&emulator).args(["--cache-ttl", "0"]));
    repl.send_line("\\cache").unwrap();
    repl.exp_string("cache off: 0 hit(s)").unwrap();
    repl.exp_string(PROMPT).unwrap();
    quit(repl);
}
