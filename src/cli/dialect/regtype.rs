//! `to_regtype(name)`: a type's oid from its name, NULL when there is no such type, as psycopg
//! asks on connect (`TypeInfo.fetch`, which SQLAlchemy calls for `hstore`). The names are
//! `pg_catalog.pg_type`'s (`int4`, `timestamptz`, `json`), the SQL names Postgres also reads
//! (`integer`, `timestamp with time zone`), and either with `[]` for the array type.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use datafusion::arrow::array::{Array, AsArray, Int32Builder};
use datafusion::arrow::datatypes::{DataType, Int32Type};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use crate::cli::pg_catalog::{get_or_try_init, static_tables};

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
    /// The process's: `pg_catalog.pg_type`'s static rows, read at the first call.
    fn of_process() -> Result<&'static Self> {
        static OIDS: OnceLock<TypeOids> = OnceLock::new();
        get_or_try_init(&OIDS, || {
            Self::from_pg_type(static_tables()?.pg_type.data())
        })
    }

    /// Reads the rows of `pg_type` (`typname`, `oid`, `typarray`, ...).
    fn from_pg_type(batches: &[RecordBatch]) -> Result<Self> {
        let mut oids = HashMap::new();
        for batch in batches {
            let column = |name: &str, to: &DataType| {
                let index = batch.schema().index_of(name)?;
                Ok::<_, DataFusionError>(datafusion::arrow::compute::cast(batch.column(index), to)?)
            };
            let names = column("typname", &DataType::Utf8)?;
            let names = names.as_string::<i32>();
            let types = column("oid", &DataType::Int32)?;
            let arrays = column("typarray", &DataType::Int32)?;
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

/// `to_regtype(text)`, over the process's type oids ([`TypeOids::of_process`]).
#[derive(Debug, PartialEq, Eq, Hash)]
struct ToRegtype {
    signature: Signature,
}

/// The `to_regtype` function.
pub fn to_regtype_udf() -> ScalarUDF {
    ScalarUDF::new_from_impl(ToRegtype {
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
        let type_oids = TypeOids::of_process()?;
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let names = datafusion::arrow::compute::cast(&arrays[0], &DataType::Utf8)?;
        let names = names.as_string::<i32>();
        let mut oids = Int32Builder::with_capacity(rows);
        for row in 0..rows {
            oids.append_option(
                names
                    .is_valid(row)
                    .then(|| type_oids.oid(names.value(row)))
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
