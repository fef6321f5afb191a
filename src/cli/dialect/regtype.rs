//! `to_regtype(name)`: a type's oid from its name, NULL when there is no such type, as psycopg
//! asks on connect (`TypeInfo.fetch`, which SQLAlchemy calls for `hstore`). The names are
//! `pg_catalog.pg_type`'s (`int4`, `timestamptz`, `json`), the SQL names Postgres also reads
//! (`integer`, `timestamp with time zone`), and either with `[]` for the array type.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, Int32Builder};
use datafusion::arrow::datatypes::{DataType, Int32Type};
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::SessionContext;

/// SQL's names of types whose `pg_type` name differs.
const SQL_NAMES: &[(&str, &str)] = &[
    ("integer", "int4"),
    ("int", "int4"),
    ("smallint", "int2"),
    ("bigint", "int8"),
    ("boolean", "bool"),
    ("real", "float4"),
    ("double precision", "float8"),
    ("character varying", "varchar"),
    ("character", "bpchar"),
    ("char", "bpchar"),
    ("decimal", "numeric"),
    ("timestamp with time zone", "timestamptz"),
    ("timestamp without time zone", "timestamp"),
    ("time with time zone", "timetz"),
    ("time without time zone", "time"),
];

/// Type names to oids (`pg_type.typname`, and `name[]` for each array type).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TypeOids(HashMap<String, i32>);

impl TypeOids {
    /// Reads `pg_catalog.pg_type` of `ctx`.
    pub async fn read(ctx: &SessionContext) -> Result<Self> {
        let batches = ctx
            .sql("SELECT typname, oid, typarray FROM pg_catalog.pg_type")
            .await?
            .collect()
            .await?;
        let mut oids = HashMap::new();
        for batch in batches {
            let names = datafusion::arrow::compute::cast(batch.column(0), &DataType::Utf8)?;
            let names = names.as_string::<i32>();
            let types = datafusion::arrow::compute::cast(batch.column(1), &DataType::Int32)?;
            let arrays = datafusion::arrow::compute::cast(batch.column(2), &DataType::Int32)?;
            let (types, arrays) = (
                types.as_primitive::<Int32Type>(),
                arrays.as_primitive::<Int32Type>(),
            );
            for row in 0..batch.num_rows() {
                if names.is_null(row) || types.is_null(row) {
                    continue;
                }
                let name = names.value(row).to_string();
                if arrays.is_valid(row) && arrays.value(row) != 0 {
                    oids.insert(format!("{name}[]"), arrays.value(row));
                }
                oids.insert(name, types.value(row));
            }
        }
        Ok(Self(oids))
    }

    /// The oid of the type named `name`.
    fn oid(&self, name: &str) -> Option<i32> {
        let name = name
            .trim()
            .trim_start_matches("pg_catalog.")
            .to_ascii_lowercase();
        let (base, array) = match name.strip_suffix("[]") {
            Some(base) => (base.trim_end(), "[]"),
            None => (name.as_str(), ""),
        };
        let base = SQL_NAMES
            .iter()
            .find(|(sql, _)| *sql == base)
            .map_or(base, |(_, typname)| typname);
        self.0.get(&format!("{base}{array}")).copied()
    }
}

/// `to_regtype(text)`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct ToRegtype {
    oids: Arc<TypeOids>,
    signature: Signature,
}

impl std::hash::Hash for TypeOids {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.len().hash(state);
    }
}

/// The `to_regtype` function over `oids`.
pub fn to_regtype_udf(oids: TypeOids) -> ScalarUDF {
    ScalarUDF::new_from_impl(ToRegtype {
        oids: Arc::new(oids),
        signature: Signature::any(1, Volatility::Stable),
    })
}

impl ScalarUDFImpl for ToRegtype {
    fn name(&self) -> &str {
        "to_regtype"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int32)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let names = datafusion::arrow::compute::cast(&arrays[0], &DataType::Utf8)?;
        let names = names.as_string::<i32>();
        let mut oids = Int32Builder::with_capacity(rows);
        for row in 0..rows {
            oids.append_option(
                names
                    .is_valid(row)
                    .then(|| self.oids.oid(names.value(row)))
                    .flatten(),
            );
        }
        Ok(ColumnarValue::Array(Arc::new(oids.finish())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_as_postgres_reads_them() {
        let oids = TypeOids(HashMap::from([
            ("int4".to_string(), 23),
            ("int4[]".to_string(), 1007),
            ("timestamptz".to_string(), 1184),
        ]));
        assert_eq!(oids.oid("int4"), Some(23));
        assert_eq!(oids.oid("INTEGER"), Some(23));
        assert_eq!(oids.oid("integer[]"), Some(1007));
        assert_eq!(oids.oid("pg_catalog.timestamp with time zone"), Some(1184));
        assert_eq!(oids.oid("hstore"), None);
    }
}
