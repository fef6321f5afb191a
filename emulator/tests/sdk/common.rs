//! Set-up shared by the tests: clients of the emulator, and one raw HTTP exchange.

use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_workspaces::Client;
use aws_sdk_workspaces::config::retry::RetryConfig;
use aws_sdk_workspaces::config::{Credentials, Region, SharedCredentialsProvider};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wsql_emulator::{Emulator, Fleet};

pub const REGION: &str = "us-east-1";

/// The static credentials of the tests: the management account's.
pub fn static_credentials() -> Credentials {
    Credentials::new("AKIDEMULATORTEST", "emulator-secret", None, None, "test")
}

/// Clients of `regions` against the emulator, one attempt per call so that faults surface.
pub async fn clients(emulator: &Emulator, regions: &[&str]) -> Vec<Client> {
    regions
        .iter()
        .map(|region| client_with_attempts(emulator, region, 1))
        .collect()
}

/// A client of `region` against the emulator making up to `attempts` attempts per call.
pub fn client_with_attempts(emulator: &Emulator, region: &str, attempts: u32) -> Client {
    let config = aws_sdk_workspaces::Config::builder()
        .behavior_version_latest()
        .endpoint_url(emulator.endpoint_url())
        .region(Region::new(region.to_string()))
        .credentials_provider(static_credentials())
        .retry_config(RetryConfig::standard().with_max_attempts(attempts))
        .build();
    Client::from_conf(config)
}

pub async fn start(fleet: Fleet) -> (Emulator, Client) {
    let emulator = Emulator::start(fleet).await.expect("emulator starts");
    let client = clients(&emulator, &[REGION]).await.remove(0);
    (emulator, client)
}

/// Shared configuration of every client, as an application builds it with aws-config: the
/// emulator's endpoint for every service, `region`, `credentials`, one attempt per call.
pub async fn sdk_config(
    emulator: &Emulator,
    region: &str,
    credentials: SharedCredentialsProvider,
) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(emulator.endpoint_url())
        .region(Region::new(region.to_string()))
        .credentials_provider(credentials)
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .load()
        .await
}

/// One HTTP/1.1 exchange on an open connection; returns the status and the body's text.
pub async fn exchange_text(
    stream: &mut TcpStream,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut request = format!(
        "POST / HTTP/1.1\r\nhost: localhost\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut buffer = Vec::new();
    loop {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.expect("read");
        assert!(n > 0, "connection closed early");
        buffer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buffer).to_string();
        let Some(head_end) = text.find("\r\n\r\n") else {
            continue;
        };
        let length: usize = text[..head_end]
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().to_string())
            })
            .and_then(|v| v.parse().ok())
            .expect("content-length");
        if buffer.len() >= head_end + 4 + length {
            let status = text[9..12].parse().expect("status");
            let body = &buffer[head_end + 4..head_end + 4 + length];
            return (status, String::from_utf8_lossy(body).into_owned());
        }
    }
}

/// One HTTP/1.1 exchange on an open connection; returns the status and the JSON body.
pub async fn exchange(
    stream: &mut TcpStream,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Value) {
    let (status, text) = exchange_text(stream, headers, body).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// An answer read off the wire, bytes and all.
pub struct RawAnswer {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 POST of a binary body to `path` on an open connection; `None` when the server
/// closed the connection without an answer.
pub async fn exchange_raw(
    stream: &mut TcpStream,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<RawAnswer> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nhost: localhost\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await.ok()?;
    let mut buffer = Vec::new();
    loop {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        let Some(head_end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
        let headers: Vec<(String, String)> = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .expect("content-length");
        if buffer.len() >= head_end + 4 + length {
            let status = head[9..12].parse().expect("status");
            let body = buffer[head_end + 4..head_end + 4 + length].to_vec();
            return Some(RawAnswer {
                status,
                headers,
                body,
            });
        }
    }
}
