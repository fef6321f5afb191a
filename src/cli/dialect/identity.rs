//! What the server says it is: the Postgres version it presents, then wsql and DataFusion, in
//! the forms Postgres and the servers compatible with it use, so clients that parse the version
//! (SQLAlchemy's `_get_server_version_info`, libpq's `PQserverVersion`, JDBC, asyncpg) read
//! a Postgres version, and people read what answers.
//!
//! | where | Postgres 16 answers | wsql answers |
//! |---|---|---|
//! | `version()` | `PostgreSQL 16.6 on x86_64-pc-linux-gnu, compiled by gcc ..., 64-bit` | `PostgreSQL 16.6 (wsql 0.1.0, Apache DataFusion 55.2.0) on x86_64-linux, 64-bit` |
//! | `server_version` (start-up and `SHOW`) | `16.6 (Debian 16.6-1.pgdg120+1)` | `16.6 (wsql 0.1.0, Apache DataFusion 55.2.0)` |
//! | `server_version_num` | `160006` | `160006` |
//!
//! (CockroachDB, Materialize and RisingWave answer the same way: `PostgreSQL 13.14.0-RisingWave-...`,
//! `PostgreSQL 9.5 on x86_64-pc-linux-gnu (Materialize v0.x)`.) The Postgres version is the one
//! pgwire presents and datafusion-pg-catalog's catalog follows.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

/// The Postgres version the server presents.
pub const POSTGRES_VERSION: &str = "16.6";
/// [`POSTGRES_VERSION`] as `server_version_num` spells it.
pub const SERVER_VERSION_NUM: &str = "160006";

/// What answers besides Postgres's version: `wsql 0.1.0, Apache DataFusion 55.2.0`.
fn implementation() -> String {
    format!(
        "wsql {}, Apache DataFusion {}",
        env!("CARGO_PKG_VERSION"),
        datafusion::DATAFUSION_VERSION
    )
}

/// `server_version`: `16.6 (wsql 0.1.0, Apache DataFusion 55.2.0)`.
pub fn server_version() -> String {
    format!("{POSTGRES_VERSION} ({})", implementation())
}

/// `version()`: `PostgreSQL 16.6 (wsql 0.1.0, Apache DataFusion 55.2.0) on x86_64-linux, 64-bit`.
pub fn version() -> String {
    format!(
        "PostgreSQL {POSTGRES_VERSION} ({}) on {}-{}, {}-bit",
        implementation(),
        std::env::consts::ARCH,
        std::env::consts::OS,
        usize::BITS
    )
}

/// `version()` as a function (in place of DataFusion's own, which names only DataFusion).
#[derive(Debug, PartialEq, Eq, Hash)]
struct Version {
    signature: Signature,
}

/// The `version()` function.
pub fn version_udf() -> ScalarUDF {
    ScalarUDF::new_from_impl(Version {
        signature: Signature::nullary(Volatility::Stable),
    })
}

impl ScalarUDFImpl for Version {
    fn name(&self) -> &str {
        "version"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(version()))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLAlchemy's `PGDialect._get_server_version_info`, in Rust: the digits after
    /// `PostgreSQL `.
    fn sqlalchemy_version(text: &str) -> Option<(u32, u32)> {
        let rest = &text[text.find("PostgreSQL ")? + "PostgreSQL ".len()..];
        let mut numbers = rest.split(|c: char| !c.is_ascii_digit());
        Some((numbers.next()?.parse().ok()?, numbers.next()?.parse().ok()?))
    }

    /// libpq's `PQserverVersion` reading of `server_version`: major * 10000 + minor.
    fn libpq_version(text: &str) -> Option<u32> {
        let mut numbers = text.split(|c: char| !c.is_ascii_digit());
        let major: u32 = numbers.next()?.parse().ok()?;
        let minor: u32 = numbers.next()?.parse().ok()?;
        Some(major * 10000 + minor)
    }

    #[test]
    fn clients_read_a_postgres_version_and_people_read_wsql() {
        let version = version();
        assert!(version.starts_with("PostgreSQL 16.6 (wsql "), "{version}");
        assert!(version.contains("Apache DataFusion 55."), "{version}");
        assert_eq!(sqlalchemy_version(&version), Some((16, 6)));
        let server = server_version();
        assert!(server.starts_with("16.6 (wsql "), "{server}");
        assert_eq!(
            libpq_version(&server).map(|v| v.to_string()).as_deref(),
            Some(SERVER_VERSION_NUM)
        );
    }
}
