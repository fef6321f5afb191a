//! Authentication is wsql's own: with a password set, only the password lets a client in,
//! whatever its user name; without one, the server only listens on loopback.

use crate::serve::support::{Server, connect, db_error, emulator};
use crate::support::command::Wsql;

const REGIONS: &[&str] = &["us-east-1"];
const PASSWORD: &str = "correct horse battery staple";

async fn assert_only_the_password_lets_in(server: &Server) {
    let wrong = connect(&server.url(Some("Tr0ub4dor&3")))
        .await
        .err()
        .expect("refused");
    let (code, message) = db_error(&wrong);
    assert_eq!(code, "28P01", "{message}");

    // Asked for a password it does not have, the client gives up ("password missing").
    let missing = connect(&server.url(None)).await.err().expect("refused");
    assert!(missing.to_string().contains("configuration"), "{missing}");

    let admitted = connect(&server.url(Some(PASSWORD)))
        .await
        .expect("admitted");
    let row = admitted
        .client
        .query_one("SELECT 41 + 1", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 42);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scram_takes_only_the_password() {
    let emulator = emulator(REGIONS, 1).await;
    let server = Server::start(&emulator, REGIONS, &[], &[("WSQL_PASSWORD", PASSWORD)]);
    assert!(
        server
            .stderr()
            .contains("password required (SCRAM-SHA-256)")
    );
    assert_only_the_password_lets_in(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn md5_from_a_password_file_takes_only_the_password() {
    let emulator = emulator(REGIONS, 1).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("password");
    std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();
    let file = file.to_str().unwrap();
    let server = Server::start(
        &emulator,
        REGIONS,
        &["--auth", "md5", "--password-file", file],
        // The file wins over the variable.
        &[("WSQL_PASSWORD", "not this one")],
    );
    assert_only_the_password_lets_in(&server).await;
}

#[test]
fn a_non_loopback_address_without_a_password_refuses_to_start() {
    let run = Wsql::new()
        .args(["serve", "--demo", "--listen", "0.0.0.0:0"])
        .run();
    let line = run.one_line_failure();
    assert!(
        line.starts_with("error: --listen 0.0.0.0:0 is reachable from other machines"),
        "{line}"
    );
    assert!(
        line.contains("WSQL_PASSWORD=") && line.contains("--password-file FILE"),
        "{line}"
    );
}

#[test]
fn the_password_itself_is_refused_without_tls() {
    let mut wsql = Wsql::new().args(["serve", "--demo", "--auth", "password"]);
    wsql.command.env("WSQL_PASSWORD", PASSWORD);
    let run = wsql.run();
    let line = run.one_line_failure();
    assert!(line.contains("--tls-cert"), "{line}");
}
