use datafusion::prelude::SessionContext;
use wsql::{AwsSettings, Library};

#[tokio::main]
async fn main() -> datafusion::error::Result<()> {
    let ctx = SessionContext::new();
    Library::new(AwsSettings::emulator(
        "http://127.0.0.1:1",
        &["us-east-1", "eu-west-1"],
    ))
    .register(&ctx)?;
    for sql in std::env::args().skip(1) {
        let df = ctx.sql(&format!("EXPLAIN {sql}")).await?;
        df.show().await?;
    }
    Ok(())
}
