//! wsql's additions to datafusion-pg-catalog's `pg_catalog`:
//!
//! - Column and table descriptions as Postgres comments: `pg_description` holds a row per
//!   described table, view and column (what JDBC's `getColumns` `REMARKS`, DBeaver and Metabase
//!   join), and `col_description(oid, attnum)` / `obj_description(oid[, catalog])` answer them
//!   (what psql's `\d+` and `\dt+`, and SQLAlchemy's inspector, call). The texts are
//!   [`crate::cli::column_docs`]'.
//! - The nested columns' type as clients receive it: `json` in `pg_attribute.atttypid` (psql's
//!   `\d`, JDBC's `TYPE_NAME`, SQLAlchemy's reflected `JSON`), where datafusion-pg-catalog says
//!   `text`.
//!
//! Postgres clients name a table by its oid, which datafusion-pg-catalog hands out as it lists
//! the catalog (kept stable across its queries, but not known before). So the `pg_catalog`
//! schema is wrapped: every plan reading `pg_class`, `pg_attribute` or `pg_description` first
//! lists `pg_class` and `pg_namespace` and keeps which oid is which table ([`OidNames`]); the
//! functions read that. A client only holds an oid it read from those tables, and a statement's
//! scans are planned before any of its functions run, so the oids a function sees are known.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int32Array, RecordBatch, StringArray, StringBuilder,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int32Type, SchemaRef};
use datafusion::catalog::{MemTable, SchemaProvider, Session, TableProvider};
use datafusion::common::{Result, exec_err, plan_err};
use datafusion::datasource::TableType;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::physical_plan::{ExecutionPlan, collect};

use super::json::is_json_text;
use crate::cli::column_docs::{column_descriptions, relation_description};
use crate::cli::session::SCHEMA;

/// Postgres's own oid of `pg_class`, for description rows when the catalog does not list it.
const PG_CLASS_OID: i32 = 1259;
/// Postgres's oid of the `json` type.
const JSON_OID: i32 = 114;

/// Which oid is which relation of the tables' schema, as the catalog last listed them.
#[derive(Debug, Default)]
pub struct OidNames {
    known: RwLock<Known>,
}

#[derive(Debug, Default)]
struct Known {
    /// Relation oid to name, for the relations of [`SCHEMA`].
    relations: HashMap<i32, String>,
    /// The oid of `pg_catalog.pg_class`, which description rows name as their catalog.
    pg_class: Option<i32>,
}

impl OidNames {
    /// The name of the relation of [`SCHEMA`] with `oid`.
    fn relation(&self, oid: i32) -> Option<String> {
        self.known.read().ok()?.relations.get(&oid).cloned()
    }

    /// Lists `pg_class` and `pg_namespace` (as `catalog` has them) and keeps what it learns.
    async fn refresh(&self, catalog: &dyn SchemaProvider, state: &dyn Session) -> Result<()> {
        let namespaces = scan_all(catalog, "pg_namespace", &["oid", "nspname"], state).await?;
        let mut namespace_names = HashMap::new();
        for batch in &namespaces {
            let oids = batch.column(0).as_primitive::<Int32Type>();
            let names = batch.column(1).as_string::<i32>();
            for row in 0..batch.num_rows() {
                namespace_names.insert(oids.value(row), names.value(row).to_string());
            }
        }
        let classes = scan_all(
            catalog,
            "pg_class",
            &["oid", "relname", "relnamespace"],
            state,
        )
        .await?;
        let mut known = Known::default();
        for batch in &classes {
            let oids = batch.column(0).as_primitive::<Int32Type>();
            let names = batch.column(1).as_string::<i32>();
            let namespaces = batch.column(2).as_primitive::<Int32Type>();
            for row in 0..batch.num_rows() {
                let namespace = namespace_names
                    .get(&namespaces.value(row))
                    .map(String::as_str);
                match (namespace, names.value(row)) {
                    (Some(SCHEMA), name) => {
                        known.relations.insert(oids.value(row), name.to_string());
                    }
                    (Some("pg_catalog"), "pg_class") => known.pg_class = Some(oids.value(row)),
                    _ => {}
                }
            }
        }
        if let Ok(mut slot) = self.known.write() {
            *slot = known;
        }
        Ok(())
    }

    /// The description rows of the relations and their columns, as `pg_description` holds them.
    fn description_rows(&self, schema: &SchemaRef) -> Result<RecordBatch> {
        let (mut objects, mut catalogs, mut columns, mut texts) = (vec![], vec![], vec![], vec![]);
        if let Ok(known) = self.known.read() {
            let catalog = known.pg_class.unwrap_or(PG_CLASS_OID);
            let mut relations: Vec<(&i32, &String)> = known.relations.iter().collect();
            relations.sort();
            for (oid, name) in relations {
                if let Some(text) = relation_description(name) {
                    objects.push(*oid);
                    catalogs.push(catalog);
                    columns.push(0);
                    texts.push(text);
                }
                for (index, text) in column_descriptions(name)
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                {
                    if let (Some(text), Ok(attnum)) = (text, i32::try_from(index + 1)) {
                        objects.push(*oid);
                        catalogs.push(catalog);
                        columns.push(attnum);
                        texts.push(text.to_string());
                    }
                }
            }
        }
        Ok(RecordBatch::try_new(
            Arc::clone(schema),
            vec![
                Arc::new(Int32Array::from(objects)),
                Arc::new(Int32Array::from(catalogs)),
                Arc::new(Int32Array::from(columns)),
                Arc::new(StringArray::from(texts)),
            ],
        )?)
    }
}

/// Every row of `catalog`'s table `name`, only `columns`.
async fn scan_all(
    catalog: &dyn SchemaProvider,
    name: &str,
    columns: &[&str],
    state: &dyn Session,
) -> Result<Vec<RecordBatch>> {
    let Some(table) = catalog.table(name).await? else {
        return plan_err!("pg_catalog has no {name}");
    };
    let schema = table.schema();
    let projection = columns
        .iter()
        .map(|c| schema.index_of(c))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let plan = table.scan(state, Some(&projection), &[], None).await?;
    collect(plan, state.task_ctx()).await
}

/// datafusion-pg-catalog's `pg_catalog` with wsql's additions: its `pg_description` gains a row
/// per described relation and column, its `pg_attribute` says `json` for the nested columns, and
/// reading `pg_class` or `pg_attribute` refreshes the [`OidNames`] the description functions
/// read.
#[derive(Debug)]
pub struct DescribedCatalog {
    inner: Arc<dyn SchemaProvider>,
    /// The schema of the tables and views, for their columns' types.
    tables: Arc<dyn SchemaProvider>,
    names: Arc<OidNames>,
}

impl DescribedCatalog {
    /// `inner` (the `pg_catalog` schema) with wsql's additions for the relations of `tables`,
    /// keeping its oids in `names`.
    pub fn new(
        inner: Arc<dyn SchemaProvider>,
        tables: Arc<dyn SchemaProvider>,
        names: Arc<OidNames>,
    ) -> Self {
        Self {
            inner,
            tables,
            names,
        }
    }
}

#[async_trait]
impl SchemaProvider for DescribedCatalog {
    fn table_names(&self) -> Vec<String> {
        self.inner.table_names()
    }

    async fn table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        let Some(table) = self.inner.table(name).await? else {
            return Ok(None);
        };
        let role = match name.to_ascii_lowercase().as_str() {
            "pg_description" => Role::Descriptions,
            "pg_attribute" => Role::Attributes,
            "pg_class" => Role::Listing,
            _ => return Ok(Some(table)),
        };
        Ok(Some(Arc::new(Refreshing {
            inner: table,
            catalog: Arc::clone(&self.inner),
            tables: Arc::clone(&self.tables),
            names: Arc::clone(&self.names),
            role,
        })))
    }

    fn table_exist(&self, name: &str) -> bool {
        self.inner.table_exist(name)
    }
}

/// What a wrapped catalog table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `pg_class`: as it is, the oids learnt on the way.
    Listing,
    /// `pg_attribute`: the nested columns typed `json`.
    Attributes,
    /// `pg_description`: Postgres's own rows, and the tables' and columns'.
    Descriptions,
}

/// A catalog table whose scan first refreshes the [`OidNames`].
#[derive(Debug)]
struct Refreshing {
    inner: Arc<dyn TableProvider>,
    catalog: Arc<dyn SchemaProvider>,
    tables: Arc<dyn SchemaProvider>,
    names: Arc<OidNames>,
    role: Role,
}

impl Refreshing {
    /// The `(relation oid, column number)` of every column sent as `json`.
    async fn json_columns(&self) -> Result<HashSet<(i32, i32)>> {
        let relations = match self.names.known.read() {
            Ok(known) => known.relations.clone(),
            Err(_) => HashMap::new(),
        };
        let mut columns = HashSet::new();
        for (oid, name) in relations {
            let Some(table) = self.tables.table(&name).await? else {
                continue;
            };
            for (index, field) in table.schema().fields().iter().enumerate() {
                if (field.data_type().is_nested() || is_json_text(field))
                    && let Ok(number) = i32::try_from(index + 1)
                {
                    columns.insert((oid, number));
                }
            }
        }
        Ok(columns)
    }

    /// `batch` of `pg_attribute` with the columns of `json` typed so.
    fn with_json_types(batch: &RecordBatch, json: &HashSet<(i32, i32)>) -> Result<RecordBatch> {
        let schema = batch.schema();
        let (relation, number, type_index) = (
            schema.index_of("attrelid")?,
            schema.index_of("attnum")?,
            schema.index_of("atttypid")?,
        );
        let relations = cast(batch.column(relation), &DataType::Int32)?;
        let numbers = cast(batch.column(number), &DataType::Int32)?;
        let types = cast(batch.column(type_index), &DataType::Int32)?;
        let (relations, numbers, types) = (
            relations.as_primitive::<Int32Type>(),
            numbers.as_primitive::<Int32Type>(),
            types.as_primitive::<Int32Type>(),
        );
        let typed: Int32Array = (0..batch.num_rows())
            .map(|row| {
                let key = (relations.value(row), numbers.value(row));
                match json.contains(&key) {
                    true => Some(JSON_OID),
                    false => types.is_valid(row).then(|| types.value(row)),
                }
            })
            .collect();
        let mut columns = batch.columns().to_vec();
        columns[type_index] = cast(
            &(Arc::new(typed) as ArrayRef),
            schema.field(type_index).data_type(),
        )?;
        Ok(RecordBatch::try_new(schema, columns)?)
    }
}

#[async_trait]
impl TableProvider for Refreshing {
    fn schema(&self) -> SchemaRef {
        self.inner.schema()
    }

    fn table_type(&self) -> TableType {
        self.inner.table_type()
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        self.names.refresh(self.catalog.as_ref(), state).await?;
        match self.role {
            Role::Listing => self.inner.scan(state, projection, filters, limit).await,
            Role::Attributes => {
                let json = self.json_columns().await?;
                let batches = collect(
                    self.inner.scan(state, None, &[], None).await?,
                    state.task_ctx(),
                )
                .await?
                .iter()
                .map(|batch| Self::with_json_types(batch, &json))
                .collect::<Result<Vec<_>>>()?;
                let table = MemTable::try_new(self.inner.schema(), vec![batches])?;
                table.scan(state, projection, filters, limit).await
            }
            Role::Descriptions => {
                let schema = self.inner.schema();
                let mut batches = collect(
                    self.inner.scan(state, None, &[], None).await?,
                    state.task_ctx(),
                )
                .await?;
                batches.push(self.names.description_rows(&schema)?);
                let table = MemTable::try_new(schema, vec![batches])?;
                table.scan(state, projection, filters, limit).await
            }
        }
    }
}

/// `col_description(table oid, column number)` or `obj_description(oid[, catalog])`.
#[derive(Debug)]
struct Description {
    column: bool,
    names: Arc<OidNames>,
    signature: Signature,
}

impl PartialEq for Description {
    fn eq(&self, other: &Self) -> bool {
        self.column == other.column && Arc::ptr_eq(&self.names, &other.names)
    }
}

impl Eq for Description {}

impl std::hash::Hash for Description {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.column.hash(state);
        Arc::as_ptr(&self.names).hash(state);
    }
}

/// `col_description` and `obj_description`, reading `names`.
pub fn description_udfs(names: &Arc<OidNames>) -> [ScalarUDF; 2] {
    [true, false].map(|column| {
        ScalarUDF::new_from_impl(Description {
            column,
            names: Arc::clone(names),
            signature: Signature::variadic_any(Volatility::Stable),
        })
    })
}

impl ScalarUDFImpl for Description {
    fn name(&self) -> &str {
        match self.column {
            true => "col_description",
            false => "obj_description",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match (self.column, arg_types.len()) {
            (true, 2) | (false, 1) | (false, 2) => Ok(DataType::Utf8),
            (true, _) => plan_err!("col_description takes a table's oid and a column number"),
            (false, _) => {
                plan_err!("obj_description takes an object's oid, and its catalog's name")
            }
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let oids = datafusion::arrow::compute::cast(&arrays[0], &DataType::Int32)?;
        let oids = oids.as_primitive::<Int32Type>();
        let second = match arrays.get(1) {
            Some(array) if self.column => {
                Some(datafusion::arrow::compute::cast(array, &DataType::Int32)?)
            }
            Some(array) => Some(datafusion::arrow::compute::cast(array, &DataType::Utf8)?),
            None => None,
        };
        let mut out = StringBuilder::with_capacity(rows, rows * 32);
        for row in 0..rows {
            let relation = oids
                .is_valid(row)
                .then(|| self.names.relation(oids.value(row)))
                .flatten();
            let text = match (relation, &second) {
                (None, _) => None,
                (Some(name), Some(numbers)) if self.column => {
                    let numbers = numbers.as_primitive::<Int32Type>();
                    numbers
                        .is_valid(row)
                        .then(|| usize::try_from(numbers.value(row)).ok())
                        .flatten()
                        .and_then(|n| {
                            column_descriptions(&name)?
                                .get(n.checked_sub(1)?)
                                .copied()
                                .flatten()
                        })
                        .map(str::to_string)
                }
                (Some(_), None) if self.column => {
                    return exec_err!("col_description needs a column number");
                }
                (Some(name), Some(catalogs)) => {
                    let catalogs = catalogs.as_string::<i32>();
                    (catalogs.is_valid(row) && catalogs.value(row) == "pg_class")
                        .then(|| relation_description(&name))
                        .flatten()
                }
                (Some(name), None) => relation_description(&name),
            };
            out.append_option(text);
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}
