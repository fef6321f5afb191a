//! The Postgres clients nobody here wrote, against `wsql serve` on the emulator: psycopg 3,
//! psycopg2, asyncpg, SQLAlchemy with pandas, node-postgres, the JDBC driver and psql. Each runs
//! its script from `tests/clients/` (installed by `tests/clients/install.sh` into
//! `$WSQL_CLIENTS`; a missing client fails the test): connect, the catalog inspection its tools
//! do, a parameterised query checked against what the library itself reads (the oracle, passed
//! in the environment), the types, `tags->>'owner'`, `current_setting`, `version()`, and a
//! cancel. One server per client; its cache off, so the cancelled scan calls the API.
//!
//! The cancel: the script prints `ready to cancel`; the test slows the emulator down (a full
//! scan then takes six seconds) and answers `go`; the script cancels its scan a second in, its
//! own way. Its API calls must stop: the emulator's request log shows none after.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{Int32Type, TimestampMicrosecondType};
use datafusion::prelude::SessionContext;
use wsql::{AwsSettings, Library};
use wsql_emulator::{Emulator, Faults};

use crate::serve::support::{POOLS, Server, calls, emulator};

const REGIONS: &[&str] = &["us-east-1"];
/// 40 pages of 25 pools: a full scan is 40 calls, six seconds once slowed down.
const PAGES: usize = 40;
/// How long a script may take.
const CLIENT_TIME: Duration = Duration::from_secs(180);

/// Where `tests/clients/install.sh` put the clients.
fn clients_dir() -> PathBuf {
    match std::env::var_os("WSQL_CLIENTS") {
        Some(dir) => PathBuf::from(dir),
        None => dirs_home().join(".cache/wsql-clients"),
    }
}

fn dirs_home() -> PathBuf {
    PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
}

/// `path`, which must exist: else the test fails saying how to install it.
fn installed(path: PathBuf, what: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{what} is missing ({}): run tests/clients/install.sh (WSQL_CLIENTS={})",
        path.display(),
        clients_dir().display()
    );
    path
}

/// A program on PATH, which must be there.
fn on_path(program: &str, what: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| panic!("{what} ({program}) is missing: run tests/clients/install.sh"))
}

/// The script `name` of `tests/clients/`.
fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients")
        .join(name)
}

/// The Python of the clients' virtual environment, running `name`.
fn python(name: &str) -> Command {
    let python = installed(clients_dir().join("venv/bin/python"), "the clients' Python");
    let mut command = Command::new(python);
    command.arg(script(name));
    command
}

/// What the library reads for one pool with an owner tag (errors if any has them), and the
/// number of pools: what every client must read through the server.
async fn oracle(emulator: &Emulator) -> Vec<(String, String)> {
    let library = Library::new(AwsSettings::emulator(emulator.endpoint_url(), REGIONS));
    let ctx = SessionContext::new();
    library.register(&ctx).expect("registers");
    let count = ctx
        .sql("SELECT count(*) FROM workspaces_pools")
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let pools = count[0]
        .column(0)
        .as_primitive::<datafusion::arrow::datatypes::Int64Type>()
        .value(0);
    let batches = ctx
        .sql(
            "SELECT pool_id, pool_name, tags['owner'], created_at, desired_user_sessions, errors \
             FROM workspaces_pools WHERE tags['owner'] IS NOT NULL \
             ORDER BY coalesce(array_length(errors), 0) DESC, pool_id LIMIT 1",
        )
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let row = &batches[0];
    let text = |column: usize| row.column(column).as_string::<i32>().value(0).to_string();
    let created = row
        .column(3)
        .as_primitive::<TimestampMicrosecondType>()
        .value(0);
    let desired = row.column(4).as_primitive::<Int32Type>().value(0);
    let errors = row.column(5).as_list::<i32>();
    let codes: Vec<String> = if errors.is_null(0) {
        Vec::new()
    } else {
        let records = errors.value(0);
        let records = records.as_struct();
        let codes = records.column_by_name("error_code").expect("error_code");
        let codes = codes.as_string::<i32>();
        (0..codes.len())
            .map(|i| codes.value(i).to_string())
            .collect()
    };
    [
        ("WSQL_EXPECT_POOLS", pools.to_string()),
        ("WSQL_EXPECT_POOL_ID", text(0)),
        ("WSQL_EXPECT_POOL_NAME", text(1)),
        ("WSQL_EXPECT_OWNER", text(2)),
        ("WSQL_EXPECT_CREATED_AT_US", created.to_string()),
        ("WSQL_EXPECT_DESIRED", desired.to_string()),
        ("WSQL_EXPECT_ERROR_CODES", codes.join(",")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Runs `command` (a client script) against a fresh server, answering its cancel hand-shake,
/// and checks that it passed and that the API calls stopped at its cancel.
async fn run_client(mut command: Command, what: &str) {
    let emulator = emulator(REGIONS, PAGES * 25).await;
    let server = Server::start(&emulator, REGIONS, &["--cache-ttl", "0"], &[]);
    let expected = oracle(&emulator).await;
    command
        .env("WSQL_HOST", server.addr.ip().to_string())
        .env("WSQL_PORT", server.addr.port().to_string())
        .envs(expected)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("{what} does not start: {e}"));
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            text.push_str(&line);
            text.push('\n');
        }
        text
    });
    let fail = |message: String, errors: std::thread::JoinHandle<String>, server: &Server| -> ! {
        panic!(
            "{what}: {message}\n--- its stderr:\n{}\n--- the server's stderr:\n{}",
            errors.join().unwrap_or_default(),
            server.stderr()
        )
    };

    let mut said = Vec::new();
    let mut before_cancel = None;
    // Until the script closes its output (it exits), or goes silent for CLIENT_TIME.
    while let Ok(line) = tokio::task::block_in_place(|| lines.recv_timeout(CLIENT_TIME)) {
        if line == "ready to cancel" {
            before_cancel = Some(calls(&emulator, POOLS));
            emulator.set_faults(Faults {
                latency: Duration::from_millis(150),
                ..Faults::default()
            });
            let stdin = child.stdin.as_mut().expect("stdin");
            stdin
                .write_all(b"go\n")
                .and_then(|()| stdin.flush())
                .expect("go is sent");
        }
        said.push(line);
    }
    let status = tokio::task::block_in_place(|| child.wait()).expect("waits");
    if !status.success() || said.last().map(String::as_str) != Some("ok") {
        fail(
            format!("exited {status}, having said {said:?}"),
            errors,
            &server,
        );
    }
    let Some(before) = before_cancel else {
        fail("never got to its cancel".into(), errors, &server);
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    let settled = calls(&emulator, POOLS);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let later = calls(&emulator, POOLS);
    assert_eq!(settled, later, "{what}: API calls went on after the cancel");
    assert!(
        later - before < PAGES,
        "{what}: {} calls after go: the scan ran to its end",
        later - before
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psycopg3() {
    run_client(python("psycopg_client.py"), "psycopg 3").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psycopg2() {
    run_client(python("psycopg2_client.py"), "psycopg2").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asyncpg() {
    run_client(python("asyncpg_client.py"), "asyncpg").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlalchemy_and_pandas() {
    run_client(python("sqlalchemy_client.py"), "SQLAlchemy and pandas").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_postgres() {
    let node = on_path("node", "Node.js");
    let modules = installed(clients_dir().join("node/node_modules/pg"), "node-postgres");
    let mut command = Command::new(node);
    command
        .env("NODE_PATH", modules.parent().expect("node_modules"))
        .arg(script("node_pg_client.js"));
    run_client(command, "node-postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jdbc() {
    let javac = on_path("javac", "a JDK");
    let java = on_path("java", "a JDK");
    let driver = installed(
        PathBuf::from("/usr/share/java/postgresql.jar"),
        "the PostgreSQL JDBC driver",
    );
    let classes = tempfile::tempdir().expect("temp dir");
    let compiled = Command::new(javac)
        .arg("-cp")
        .arg(&driver)
        .arg("-d")
        .arg(classes.path())
        .arg(script("JdbcClient.java"))
        .output()
        .expect("javac runs");
    assert!(
        compiled.status.success(),
        "JdbcClient.java does not compile:\n{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    let mut command = Command::new(java);
    command
        .arg("-cp")
        .arg(std::env::join_paths([classes.path(), driver.as_path()]).expect("class path"))
        .arg("JdbcClient");
    run_client(command, "JDBC").await;
}

/// psql, as people use it: `\d+`, `\dt+`, `\dv`, a query with the json operators, and Ctrl-C.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psql() {
    let psql = on_path("psql", "psql (postgresql-client)");
    let emulator = emulator(REGIONS, PAGES * 25).await;
    let server = Server::start(&emulator, REGIONS, &["--cache-ttl", "0"], &[]);
    let expected: std::collections::HashMap<String, String> =
        oracle(&emulator).await.into_iter().collect();
    let run = |command: &str| {
        let output = Command::new(&psql)
            .args(["-X", "-h", &server.addr.ip().to_string()])
            .args([
                "-p",
                &server.addr.port().to_string(),
                "-U",
                "wsql",
                "-d",
                "wsql",
            ])
            .args(["-v", "ON_ERROR_STOP=1", "-c", command])
            .env("PGCONNECT_TIMEOUT", "10")
            .output()
            .expect("psql runs");
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(
            output.status.success(),
            "psql -c {command:?}:\n{stdout}\n{stderr}\n{}",
            server.stderr()
        );
        stdout
    };
    let columns = run("\\d+ workspaces_pools");
    assert!(columns.contains("The identifier of a pool."), "{columns}");
    assert!(
        columns
            .lines()
            .any(|l| l.starts_with(" tags ") && l.contains("| json ")),
        "{columns}"
    );
    let tables = run("\\dt+");
    assert!(
        tables.contains("One row per WorkSpaces Pool, from DescribeWorkspacesPools."),
        "{tables}"
    );
    let views = run("\\dv");
    assert!(views.contains("fleet_summary"), "{views}");
    let owner = run(&format!(
        "SELECT tags->>'owner' AS owner, current_setting('server_version_num') AS num, version() \
         FROM workspaces_pools WHERE pool_id = '{}'",
        expected["WSQL_EXPECT_POOL_ID"]
    ));
    assert!(owner.contains(&expected["WSQL_EXPECT_OWNER"]), "{owner}");
    assert!(
        owner.contains("160006") && owner.contains("PostgreSQL 16.6 (wsql"),
        "{owner}"
    );

    // Ctrl-C: psql sends a cancel request.
    let before = calls(&emulator, POOLS);
    emulator.set_faults(Faults {
        latency: Duration::from_millis(150),
        ..Faults::default()
    });
    let child = Command::new(&psql)
        .args(["-X", "-h", &server.addr.ip().to_string()])
        .args([
            "-p",
            &server.addr.port().to_string(),
            "-U",
            "wsql",
            "-d",
            "wsql",
        ])
        .args(["-c", "SELECT * FROM workspaces_pools"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("psql starts");
    for _ in 0..200 {
        if calls(&emulator, POOLS) >= before + 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let signal = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(signal.success());
    let output = tokio::task::block_in_place(|| child.wait_with_output()).expect("psql ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("canceling statement due to user request"),
        "{stderr}\n{}",
        server.stderr()
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let settled = calls(&emulator, POOLS);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        settled,
        calls(&emulator, POOLS),
        "API calls went on after Ctrl-C"
    );
    assert!(settled - before < PAGES, "the scan ran to its end");
}
