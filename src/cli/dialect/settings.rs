//! The server's settings as Postgres names them, for `current_setting(name)` (every front end)
//! and `SHOW name` (`wsql serve`): what clients and dashboards ask on connect
//! (`server_version_num`, `standard_conforming_strings`, `search_path`, ...), and every
//! `datafusion.*` setting of the session.
//!
//! The values are the server's: the ones a client may `SET` over the wire (`DateStyle`,
//! `search_path`, `statement_timeout`, ...) are answered per connection by datafusion-postgres's
//! `SHOW` hook, and `current_setting` gives their defaults, except `TimeZone`, which follows the
//! session (`SET TIME ZONE` changes it).

use datafusion::arrow::array::{Array, AsArray, StringBuilder};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::config::ConfigOptions;
use datafusion::common::{Result, exec_err, plan_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion_postgres::pgwire::types::format::FormatOptions;

use super::identity;

/// Settings a client may change for its connection: `SHOW` of them is answered by the
/// connection's own value, not here.
pub const CLIENT_SETTINGS: &[&str] = &[
    "application_name",
    "bytea_output",
    "datestyle",
    "extra_float_digits",
    "intervalstyle",
    "search_path",
    "statement_timeout",
    "timezone",
];

/// The value of the Postgres setting `name` (any case), or of the `datafusion.*` setting, in
/// the session whose settings are `config`. `None` for a name Postgres would not know.
pub fn setting(name: &str, config: &ConfigOptions) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("datafusion.") {
        return config
            .entries()
            .into_iter()
            .find(|entry| entry.key == lower)
            .map(|entry| entry.value.unwrap_or_default());
    }
    let format = FormatOptions::default();
    let value = match lower.as_str() {
        "server_version" => identity::server_version(),
        "server_version_num" => identity::SERVER_VERSION_NUM.to_string(),
        "server_encoding" | "client_encoding" => "UTF8".to_string(),
        "standard_conforming_strings" | "integer_datetimes" => "on".to_string(),
        // The server never writes: every transaction is read-only.
        "default_transaction_read_only" | "transaction_read_only" => "on".to_string(),
        "is_superuser" | "in_hot_standby" => "off".to_string(),
        "datestyle" => format.date_style,
        "intervalstyle" => format.interval_style,
        "bytea_output" => format.bytea_output,
        "extra_float_digits" => format.extra_float_digits.to_string(),
        "timezone" => config
            .execution
            .time_zone
            .clone()
            .unwrap_or_else(|| "UTC".to_string()),
        "search_path" => "public".to_string(),
        "application_name" => String::new(),
        "statement_timeout" | "lock_timeout" | "idle_in_transaction_session_timeout" => {
            "0".to_string()
        }
        "transaction_isolation" | "default_transaction_isolation" => "read committed".to_string(),
        "max_identifier_length" => "63".to_string(),
        "max_index_keys" => "32".to_string(),
        "block_size" => "8192".to_string(),
        "lc_collate" | "lc_ctype" => "C.UTF-8".to_string(),
        _ => return None,
    };
    Some(value)
}

/// Whether `SHOW name` is answered by the server's value (not the connection's own).
pub fn is_server_setting(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !CLIENT_SETTINGS.contains(&lower.as_str())
        && !lower.starts_with("datafusion.")
        && setting(&lower, &ConfigOptions::default()).is_some()
}

/// `current_setting(name [, missing_ok])`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CurrentSetting {
    signature: Signature,
}

/// The `current_setting` function.
pub fn current_setting_udf() -> ScalarUDF {
    ScalarUDF::new_from_impl(CurrentSetting {
        signature: Signature::variadic_any(Volatility::Stable),
    })
}

impl ScalarUDFImpl for CurrentSetting {
    fn name(&self) -> &str {
        "current_setting"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match arg_types {
            [_] | [_, _] => Ok(DataType::Utf8),
            _ => plan_err!("current_setting takes a setting's name, and whether it may be missing"),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let names = datafusion::arrow::compute::cast(&arrays[0], &DataType::Utf8)?;
        let names = names.as_string::<i32>();
        let missing_ok = match arrays.get(1) {
            Some(flags) => Some(datafusion::arrow::compute::cast(flags, &DataType::Boolean)?),
            None => None,
        };
        let mut values = StringBuilder::with_capacity(rows, rows * 8);
        for row in 0..rows {
            if names.is_null(row) {
                values.append_null();
                continue;
            }
            let name = names.value(row);
            match setting(name, &args.config_options) {
                Some(value) => values.append_value(value),
                None if missing_ok.as_ref().is_some_and(|ok| {
                    ok.as_boolean().is_valid(row) && ok.as_boolean().value(row)
                }) =>
                {
                    values.append_null()
                }
                None => return exec_err!("unrecognized configuration parameter \"{name}\""),
            }
        }
        Ok(ColumnarValue::Array(std::sync::Arc::new(values.finish())))
    }
}

#[cfg(test)]
mod tests {
    use datafusion::prelude::SessionContext;

    use super::*;

    async fn answer(ctx: &SessionContext, sql: &str) -> Result<String> {
        let batches = ctx.sql(sql).await?.collect().await?;
        let column = batches[0].column(0);
        let strings = column.as_string::<i32>();
        Ok(if strings.is_null(0) {
            "NULL".into()
        } else {
            strings.value(0).to_string()
        })
    }

    #[tokio::test]
    async fn current_setting_answers_postgres_and_datafusion_names() {
        let ctx = SessionContext::new();
        ctx.register_udf(current_setting_udf());
        assert_eq!(
            answer(&ctx, "SELECT current_setting('server_version_num')")
                .await
                .unwrap(),
            "160006"
        );
        assert_eq!(
            answer(
                &ctx,
                "SELECT current_setting('Standard_Conforming_Strings')"
            )
            .await
            .unwrap(),
            "on"
        );
        assert_eq!(
            answer(
                &ctx,
                "SELECT current_setting('datafusion.execution.batch_size')"
            )
            .await
            .unwrap(),
            "8192"
        );
        ctx.sql("SET datafusion.execution.time_zone = 'Europe/Paris'")
            .await
            .unwrap();
        assert_eq!(
            answer(&ctx, "SELECT current_setting('TimeZone')")
                .await
                .unwrap(),
            "Europe/Paris"
        );
        assert_eq!(
            answer(&ctx, "SELECT current_setting('nope', true)")
                .await
                .unwrap(),
            "NULL"
        );
        let error = answer(&ctx, "SELECT current_setting('nope')")
            .await
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("unrecognized configuration parameter \"nope\""),
            "{error}"
        );
    }

    #[test]
    fn only_what_a_client_cannot_set_is_the_servers_to_show() {
        assert!(is_server_setting("server_version"));
        assert!(is_server_setting("SERVER_VERSION_NUM"));
        assert!(!is_server_setting("search_path"));
        assert!(!is_server_setting("TimeZone"));
        assert!(!is_server_setting("datafusion.execution.batch_size"));
        assert!(!is_server_setting("nope"));
    }
}
