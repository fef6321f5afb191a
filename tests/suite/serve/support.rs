//! Shared set-up: an emulator in the test's runtime, `wsql serve` started against it, and
//! tokio-postgres clients whose NOTICEs are kept.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, Client, NoTls};
use wsql_emulator::{Emulator, Fleet};

use crate::support::command::Wsql;

pub const POOLS: &str = "DescribeWorkspacesPools";

/// A running `wsql serve`; killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// Everything the server printed on stderr so far.
    stderr: Arc<Mutex<String>>,
    _home: tempfile::TempDir,
}

impl Server {
    /// `wsql serve` on a free loopback port against `emulator` for `regions`, with `args`
    /// after `serve` and `env` added to its clean environment.
    pub fn start(
        emulator: &Emulator,
        regions: &[&str],
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        let Wsql { mut command, home } = Wsql::new();
        command
            .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
            .env("AWS_SECRET_ACCESS_KEY", "test-secret")
            .args(["serve", "--listen", "127.0.0.1:0", "--endpoint-url"])
            .arg(emulator.endpoint_url())
            .arg("--region")
            .arg(regions.join(","))
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("wsql serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let pipe = child.stderr.take().expect("stderr");
        let kept = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                {
                    let mut kept = kept.lock().unwrap();
                    kept.push_str(&line);
                    kept.push('\n');
                }
                if let Some(addr) = listening_addr(&line) {
                    let _ = addr_tx.send(addr);
                }
            }
        });
        let addr = match addr_rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "wsql serve did not say where it listens:\n{}",
                    stderr.lock().unwrap()
                );
            }
        };
        Server {
            child,
            addr,
            stderr,
            _home: home,
        }
    }

    /// A connection string for `user` with `password`.
    pub fn url(&self, password: Option<&str>) -> String {
        let mut url = format!(
            "host={} port={} user=wsql dbname=wsql",
            self.addr.ip(),
            self.addr.port()
        );
        if let Some(password) = password {
            url.push_str(&format!(" password='{password}'"));
        }
        url
    }

    /// A client without a password, its NOTICEs kept.
    pub async fn connect(&self) -> Connected {
        connect(&self.url(None)).await.expect("connects")
    }

    /// What the server printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().expect("waits") {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("wsql serve did not stop on SIGTERM:\n{}", self.stderr());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `127.0.0.1:PORT` from `wsql serve: listening on 127.0.0.1:PORT, ...`.
fn listening_addr(line: &str) -> Option<SocketAddr> {
    let rest = line.strip_prefix("wsql serve: listening on ")?;
    rest.split(',').next()?.parse().ok()
}

/// A client, and the NOTICEs its connection received.
pub struct Connected {
    pub client: Client,
    notices: mpsc::UnboundedReceiver<String>,
}

impl Connected {
    /// The NOTICEs received so far (`severity: message`).
    pub fn notices(&mut self) -> Vec<String> {
        let mut notices = Vec::new();
        while let Ok(notice) = self.notices.try_recv() {
            notices.push(notice);
        }
        notices
    }
}

/// Connects with `url`, keeping every NOTICE.
pub async fn connect(url: &str) -> Result<Connected, tokio_postgres::Error> {
    let (client, mut connection) = tokio_postgres::connect(url, NoTls).await?;
    let (tx, notices) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(Ok(message)) = futures::StreamExt::next(&mut messages).await {
            if let AsyncMessage::Notice(notice) = message {
                let _ = tx.send(format!("{}: {}", notice.severity(), notice.message()));
            }
        }
    });
    Ok(Connected { client, notices })
}

/// An emulator over a seeded fleet of `pools` pools in each of `regions`.
pub async fn emulator(regions: &[&str], pools: usize) -> Emulator {
    Emulator::start(Fleet::seeded(11, regions, pools))
        .await
        .expect("emulator starts")
}

/// Calls of `operation` the emulator has received.
pub fn calls(emulator: &Emulator, operation: &str) -> usize {
    emulator
        .request_log()
        .iter()
        .filter(|r| r.operation == operation)
        .count()
}

/// The SQLSTATE and message of a failed statement.
pub fn db_error(error: &tokio_postgres::Error) -> (String, String) {
    let db = error
        .as_db_error()
        .unwrap_or_else(|| panic!("not a server error: {error:?}"));
    (db.code().code().to_string(), db.message().to_string())
}
