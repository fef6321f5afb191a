//! Set-up shared by the benches: a session over an emulator, a query run to the end, and the
//! floor a scan is measured against (a bare keep-alive HTTP/1.1 loop making the same calls).

#![allow(dead_code)] // each bench uses its own part of this module

pub mod usage;

use std::net::SocketAddr;

use datafusion::prelude::SessionContext;
use futures::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use wsql::{AwsSettings, Library};

/// Rows a `DescribeWorkspacesPools` page holds at most.
pub const PAGE_SIZE: usize = 25;

/// The listing the scan benches and `compare.sh` time.
pub const LISTING: &str = "SELECT pool_id, pool_name, state FROM workspaces_pools";

/// An earlier build of `wsql` to measure beside this one's, taking turns in the same runs, so
/// that a change of load hits both alike: `WSQL_BASELINE=PATH`.
pub fn baseline() -> Option<std::path::PathBuf> {
    std::env::var_os("WSQL_BASELINE").map(std::path::PathBuf::from)
}

/// Pages a full listing of `pools` pools takes (at least one, even when empty).
pub fn pages(pools: usize) -> usize {
    pools.div_ceil(PAGE_SIZE).max(1)
}

/// A session with every wsql table over the emulator at `url`.
pub fn session(url: &str, regions: &[&str]) -> SessionContext {
    let ctx = SessionContext::new();
    Library::new(AwsSettings::emulator(url, regions))
        .register(&ctx)
        .expect("tables register");
    ctx
}

/// Runs `sql` to the end, streaming, and returns how many rows it produced.
pub async fn row_count(ctx: &SessionContext, sql: &str) -> usize {
    let frame = ctx.sql(sql).await.expect("plans");
    let mut stream = frame.execute_stream().await.expect("executes");
    let mut rows = 0;
    while let Some(batch) = stream.next().await {
        rows += batch.expect("batch").num_rows();
    }
    rows
}

/// The floor: every page of `DescribeWorkspacesPools` in `region` over one keep-alive
/// connection, with hand-written HTTP/1.1 and no SDK (no signing, no retries, no conversion).
/// Returns the pools listed.
pub async fn floor_listing(addr: SocketAddr, region: &str) -> usize {
    let stream = TcpStream::connect(addr).await.expect("connects");
    stream.set_nodelay(true).expect("nodelay");
    let mut stream = BufReader::new(stream);
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential=AKIDFLOOR/20240101/{region}/workspaces/aws4_request, \
         SignedHeaders=host, Signature=0"
    );
    let mut token: Option<String> = None;
    let mut pools = 0;
    loop {
        let body = match &token {
            None => r#"{"Limit":25}"#.to_string(),
            Some(t) => serde_json::json!({ "Limit": 25, "NextToken": t }).to_string(),
        };
        let request = format!(
            "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-amz-json-1.1\r\n\
             x-amz-target: WorkspacesService.DescribeWorkspacesPools\r\n\
             authorization: {authorization}\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        stream
            .get_mut()
            .write_all(request.as_bytes())
            .await
            .expect("writes");
        let answer = read_response(&mut stream).await;
        let page: serde_json::Value = serde_json::from_slice(&answer).expect("json");
        pools += page["WorkspacesPools"].as_array().map_or(0, Vec::len);
        token = page["NextToken"].as_str().map(str::to_string);
        if token.is_none() {
            return pools;
        }
    }
}

/// One HTTP/1.1 response's body (the emulator always sends `content-length`).
async fn read_response(stream: &mut BufReader<TcpStream>) -> Vec<u8> {
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        stream.read_line(&mut line).await.expect("reads a header");
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().expect("a length");
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.expect("reads the body");
    body
}
