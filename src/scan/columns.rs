//! Column definitions: each column of a table is declared once with its Arrow field and how to
//! read it from an API item, and a page converts to a batch of only the projected columns.
//!
//! A column the model marks required is declared [`ColumnDef::required`]: it is not nullable,
//! and an item without it makes the page an error naming the item and the member, never a
//! made-up value.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_smithy_types::DateTime;
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, Int32Builder, ListBuilder, MapBuilder, MapFieldNames,
    StringBuilder, StructBuilder, TimestampMicrosecondBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};

use crate::error::{Cause, Error, Result};
use crate::targets::Place;

/// The entries of one map cell: (key, value) pairs.
pub(crate) type MapEntries<'a> = Vec<(&'a str, Option<&'a str>)>;
/// The records of one list-of-structs cell: each record's string fields, in field order.
pub(crate) type Records<'a> = Vec<Vec<Option<&'a str>>>;

/// How one column is read from an item `T`.
enum Read<T> {
    /// The region the page came from.
    Region,
    /// The account the page came from.
    Account,
    /// A string member.
    Text(fn(&T) -> Option<&str>),
    /// An integer member.
    Int(fn(&T) -> Option<i32>),
    /// A floating-point member (CloudWatch's statistics).
    Float(fn(&T) -> Option<f64>),
    /// A boolean member.
    Flag(fn(&T) -> Option<bool>),
    /// A timestamp member, as UTC microseconds.
    Time(fn(&T) -> Option<&DateTime>),
    /// A list of strings (`NULL` when the member is absent).
    TextList(fn(&T) -> Option<Vec<&str>>),
    /// A string-to-string map (`NULL` when unknown); a repeated key keeps its last value.
    Map(fn(&T) -> Option<MapEntries<'_>>),
    /// A list of structs of string fields (`NULL` when the member is absent).
    Records {
        fields: &'static [&'static str],
        read: fn(&T) -> Option<Records<'_>>,
    },
}

/// One column: its field and how it is read.
pub(crate) struct ColumnDef<T> {
    field: Field,
    read: Read<T>,
    /// The model's member, when the column is required: an item without it is an error.
    required: Option<&'static str>,
    /// Where the value is in the model's item shape (`CapacityStatus.AvailableUserSessions`),
    /// when it is not the column's name in PascalCase: what the column's description is read
    /// from.
    member: Option<&'static str>,
    /// The column's description when the model has none (the target's columns, columns the
    /// scan makes).
    about: Option<&'static str>,
}

/// What a column is, for its description: where its value is in the model's item shape, or a
/// description of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSource {
    /// The column's name.
    pub name: String,
    /// The member path in the table's item shape (`PoolId`, `CapacityStatus.ActiveUserSessions`),
    /// `None` for a column the model does not describe.
    pub member: Option<String>,
    /// A description of wsql's own, for columns the model does not describe.
    pub about: Option<&'static str>,
}

/// `Timestamp(Microsecond, "UTC")`, the type of every time column.
pub(crate) fn utc_micros() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

fn list_of_text() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

fn map_of_text() -> DataType {
    let entries = Fields::from(vec![
        Field::new("key", DataType::Utf8, false),
        Field::new("value", DataType::Utf8, true),
    ]);
    DataType::Map(
        Arc::new(Field::new("entries", DataType::Struct(entries), false)),
        false,
    )
}

fn record_fields(fields: &[&str]) -> Fields {
    fields
        .iter()
        .map(|name| Field::new(*name, DataType::Utf8, true))
        .collect()
}

fn list_of_records(fields: &[&str]) -> DataType {
    let item = Field::new("item", DataType::Struct(record_fields(fields)), true);
    DataType::List(Arc::new(item))
}

impl<T> ColumnDef<T> {
    fn new(name: &str, data_type: DataType, read: Read<T>) -> Self {
        Self {
            field: Field::new(name, data_type, true),
            read,
            required: None,
            member: None,
            about: None,
        }
    }

    /// `region`, never NULL.
    fn region() -> Self {
        Self::new("region", DataType::Utf8, Read::Region)
            .not_null()
            .about("The AWS Region the row was read from.")
    }

    /// `account_id`, never NULL.
    fn account() -> Self {
        Self::new("account_id", DataType::Utf8, Read::Account)
            .not_null()
            .about("The AWS account the row was read from.")
    }

    /// The column's value is the model's `path` in the item shape (`CapacityStatus.ActiveUserSessions`),
    /// not the member named as the column in PascalCase.
    pub fn member(mut self, path: &'static str) -> Self {
        self.member = Some(path);
        self
    }

    /// The column is not a member of the model: `text` describes it.
    pub fn about(mut self, text: &'static str) -> Self {
        self.about = Some(text);
        self
    }

    /// What the column is, for its description.
    fn source(&self) -> ColumnSource {
        let name = self.field.name();
        let member = match (self.about, self.member) {
            (Some(_), None) => None,
            (_, Some(path)) => Some(path.to_string()),
            (None, None) => Some(pascal_case(name)),
        };
        ColumnSource {
            name: name.clone(),
            member,
            about: self.about,
        }
    }

    /// A nullable string column.
    pub fn text(name: &str, read: fn(&T) -> Option<&str>) -> Self {
        Self::new(name, DataType::Utf8, Read::Text(read))
    }

    /// A nullable Int32 column.
    pub fn int(name: &str, read: fn(&T) -> Option<i32>) -> Self {
        Self::new(name, DataType::Int32, Read::Int(read))
    }

    /// A nullable Float64 column.
    pub fn float(name: &str, read: fn(&T) -> Option<f64>) -> Self {
        Self::new(name, DataType::Float64, Read::Float(read))
    }

    /// A nullable Boolean column.
    pub fn flag(name: &str, read: fn(&T) -> Option<bool>) -> Self {
        Self::new(name, DataType::Boolean, Read::Flag(read))
    }

    /// A nullable UTC timestamp column.
    pub fn time(name: &str, read: fn(&T) -> Option<&DateTime>) -> Self {
        Self::new(name, utc_micros(), Read::Time(read))
    }

    /// A nullable `List<Utf8>` column.
    pub fn text_list(name: &str, read: fn(&T) -> Option<Vec<&str>>) -> Self {
        Self::new(name, list_of_text(), Read::TextList(read))
    }

    /// A nullable `Map<Utf8, Utf8>` column (keys unique, entries sorted by key).
    pub fn map(name: &str, read: fn(&T) -> Option<MapEntries<'_>>) -> Self {
        Self::new(name, map_of_text(), Read::Map(read))
    }

    /// A nullable `List<Struct<fields: Utf8>>` column; an empty list is not NULL.
    pub fn records(
        name: &str,
        fields: &'static [&'static str],
        read: fn(&T) -> Option<Records<'_>>,
    ) -> Self {
        Self::new(
            name,
            list_of_records(fields),
            Read::Records { fields, read },
        )
    }

    /// The column is never NULL (a member the service always sends, or the SDK defaults).
    pub fn not_null(mut self) -> Self {
        self.field = self.field.with_nullable(false);
        self
    }

    /// The column is the model's required `member`: never NULL, and an item without it makes
    /// the page an error.
    pub fn required(mut self, member: &'static str) -> Self {
        self.required = Some(member);
        self.not_null()
    }

    /// The column's values for `items`; `Err(index)` names the first item lacking a required
    /// member.
    fn build(&self, place: &Place, items: &[T]) -> std::result::Result<ArrayRef, usize> {
        let missing = |present: &dyn Fn(&T) -> bool| match self.required {
            Some(_) => items.iter().position(|i| !present(i)),
            None => None,
        };
        let array: ArrayRef = match &self.read {
            Read::Region => text_array(items, |_| Some(place.region.as_str())),
            Read::Account => text_array(items, |_| place.account.as_deref()),
            Read::Text(read) => {
                if let Some(i) = missing(&|t| read(t).is_some()) {
                    return Err(i);
                }
                text_array(items, read)
            }
            Read::Int(read) => {
                if let Some(i) = missing(&|t| read(t).is_some()) {
                    return Err(i);
                }
                let mut b = Int32Builder::with_capacity(items.len());
                items.iter().for_each(|i| b.append_option(read(i)));
                Arc::new(b.finish())
            }
            Read::Float(read) => {
                if let Some(i) = missing(&|t| read(t).is_some()) {
                    return Err(i);
                }
                let mut b = Float64Builder::with_capacity(items.len());
                items.iter().for_each(|i| b.append_option(read(i)));
                Arc::new(b.finish())
            }
            Read::Flag(read) => {
                let mut b = BooleanBuilder::with_capacity(items.len());
                items.iter().for_each(|i| b.append_option(read(i)));
                Arc::new(b.finish())
            }
            Read::Time(read) => {
                if let Some(i) = missing(&|t| read(t).is_some()) {
                    return Err(i);
                }
                let mut b = TimestampMicrosecondBuilder::with_capacity(items.len());
                items
                    .iter()
                    .for_each(|i| b.append_option(read(i).map(micros)));
                Arc::new(b.finish().with_timezone("UTC"))
            }
            Read::TextList(read) => {
                let mut b = ListBuilder::new(StringBuilder::new());
                for item in items {
                    match read(item) {
                        Some(values) => {
                            values.into_iter().for_each(|v| b.values().append_value(v));
                            b.append(true);
                        }
                        None => b.append_null(),
                    }
                }
                Arc::new(b.finish())
            }
            Read::Map(read) => map_array(items, read),
            Read::Records { fields, read } => records_array(items, fields, read),
        };
        Ok(array)
    }
}

fn text_array<'a, T: 'a>(items: &'a [T], read: impl Fn(&'a T) -> Option<&'a str>) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(items.len(), items.len() * 16);
    items.iter().for_each(|i| b.append_option(read(i)));
    Arc::new(b.finish())
}

fn map_array<T>(items: &[T], read: &fn(&T) -> Option<MapEntries<'_>>) -> ArrayRef {
    let names = MapFieldNames {
        entry: "entries".to_string(),
        key: "key".to_string(),
        value: "value".to_string(),
    };
    let mut builder = MapBuilder::new(Some(names), StringBuilder::new(), StringBuilder::new());
    for item in items {
        let Some(entries) = read(item) else {
            // A map builder's append only fails on mismatched key/value counts.
            let _ = builder.append(false);
            continue;
        };
        let unique: BTreeMap<&str, Option<&str>> = entries.into_iter().collect();
        for (key, value) in unique {
            builder.keys().append_value(key);
            builder.values().append_option(value);
        }
        let _ = builder.append(true);
    }
    Arc::new(builder.finish())
}

fn records_array<T>(
    items: &[T],
    fields: &[&str],
    read: &fn(&T) -> Option<Records<'_>>,
) -> ArrayRef {
    let struct_fields = record_fields(fields);
    let builders = fields
        .iter()
        .map(|_| Box::new(StringBuilder::new()) as Box<dyn datafusion::arrow::array::ArrayBuilder>)
        .collect();
    let values = StructBuilder::new(struct_fields.clone(), builders);
    let item = Field::new("item", DataType::Struct(struct_fields), true);
    let mut builder = ListBuilder::new(values).with_field(Arc::new(item));
    for item in items {
        let Some(records) = read(item) else {
            builder.append_null();
            continue;
        };
        let entries = builder.values();
        for record in records {
            for (i, value) in record.into_iter().enumerate().take(fields.len()) {
                if let Some(field) = entries.field_builder::<StringBuilder>(i) {
                    field.append_option(value);
                }
            }
            entries.append(true);
        }
        builder.append(true);
    }
    Arc::new(builder.finish())
}

/// `pool_id` → `PoolId`: the model's name of a member a column is named after.
fn pascal_case(column: &str) -> String {
    column
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// Microseconds since the epoch.
pub(crate) fn micros(t: &DateTime) -> i64 {
    t.secs() * 1_000_000 + i64::from(t.subsec_nanos() / 1_000)
}

/// The columns of one table, in order, and the schema they make.
pub(crate) struct Columns<T> {
    operation: &'static str,
    defs: Vec<ColumnDef<T>>,
    schema: SchemaRef,
    /// How an item is named in an error (its id).
    identify: fn(&T) -> Option<&str>,
}

impl<T> Columns<T> {
    /// The columns of a table read with `operation`, whose items `identify` names in errors:
    /// the target's columns (`region`, `account_id`), then `defs`.
    pub fn new(
        operation: &'static str,
        identify: fn(&T) -> Option<&str>,
        defs: Vec<ColumnDef<T>>,
    ) -> Self {
        let target = [ColumnDef::region(), ColumnDef::account()];
        let defs: Vec<ColumnDef<T>> = target.into_iter().chain(defs).collect();
        let schema = Arc::new(Schema::new(
            defs.iter().map(|d| d.field.clone()).collect::<Vec<_>>(),
        ));
        Self {
            operation,
            defs,
            schema,
            identify,
        }
    }

    /// The table's schema.
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// The index of column `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.defs.iter().position(|d| d.field.name() == name)
    }

    /// How text column `name` is read from an item: what a pushed value of it is checked with.
    /// `None` if the table has no such text column.
    pub fn text_reader(&self, name: &str) -> Option<fn(&T) -> Option<&str>> {
        self.defs
            .iter()
            .find(|d| d.field.name() == name)
            .and_then(|d| match d.read {
                Read::Text(read) => Some(read),
                _ => None,
            })
    }

    /// What each column is, for its description, in order.
    pub fn sources(&self) -> Vec<ColumnSource> {
        self.defs.iter().map(ColumnDef::source).collect()
    }

    /// The names of the text columns read from items (not the target's).
    #[cfg(test)]
    pub fn text_columns(&self) -> Vec<&str> {
        self.defs
            .iter()
            .filter(|d| matches!(d.read, Read::Text(_)))
            .map(|d| d.field.name().as_str())
            .collect()
    }

    /// One page of `items` read at `place` as a batch of the `projection` columns (all when
    /// `None`); `schema` must be that projection of [`Columns::schema`].
    pub fn to_batch(
        &self,
        place: &Place,
        items: &[T],
        projection: Option<&[usize]>,
        schema: &SchemaRef,
    ) -> Result<RecordBatch> {
        let unreadable = |cause: String| Error::UnreadableResponse {
            call: place.call_site(self.operation),
            cause: Cause::message(cause),
        };
        let all: Vec<usize> = (0..self.defs.len()).collect();
        let columns = projection
            .unwrap_or(&all)
            .iter()
            .map(|&i| {
                let def = self.defs.get(i).ok_or_else(|| {
                    Error::Internal(format!("{} has no column number {i}", self.operation))
                })?;
                def.build(place, items).map_err(|item| {
                    let id = items.get(item).and_then(self.identify).unwrap_or("an item");
                    let member = def.required.unwrap_or_else(|| def.field.name());
                    unreadable(format!("{id} has no {member} in the response"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let options = RecordBatchOptions::new().with_row_count(Some(items.len()));
        RecordBatch::try_new_with_options(Arc::clone(schema), columns, &options)
            .map_err(|e| unreadable(format!("could not convert it to Arrow: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Array, AsArray};
    use datafusion::arrow::datatypes::{Float64Type, Int32Type, TimestampMicrosecondType};

    struct Thing {
        name: Option<String>,
        size: Option<i32>,
        weight: Option<f64>,
        on: Option<bool>,
        at: Option<DateTime>,
        tags: Option<Vec<String>>,
        labels: Option<Vec<(String, Option<String>)>>,
        problems: Option<Vec<(String, Option<String>)>>,
    }

    fn columns() -> Columns<Thing> {
        Columns::new(
            "DescribeThings",
            |t| t.name.as_deref(),
            vec![
                ColumnDef::text("name", |t| t.name.as_deref()),
                ColumnDef::int("size", |t| t.size),
                ColumnDef::float("weight", |t| t.weight),
                ColumnDef::flag("on", |t| t.on),
                ColumnDef::time("at", |t| t.at.as_ref()),
                ColumnDef::text_list("tags", |t| {
                    t.tags
                        .as_ref()
                        .map(|v| v.iter().map(String::as_str).collect())
                }),
                ColumnDef::map("labels", |t| {
                    t.labels
                        .as_ref()
                        .map(|v| v.iter().map(|(k, v)| (k.as_str(), v.as_deref())).collect())
                }),
                ColumnDef::records("problems", &["code", "message"], |t| {
                    t.problems.as_ref().map(|v| {
                        v.iter()
                            .map(|(c, m)| vec![Some(c.as_str()), m.as_deref()])
                            .collect()
                    })
                }),
            ],
        )
    }

    fn things() -> Vec<Thing> {
        vec![
            Thing {
                name: Some("a".into()),
                size: Some(3),
                weight: Some(2.5),
                on: Some(true),
                at: Some(DateTime::from_fractional_secs(1_700_000_000, 0.5)),
                tags: Some(vec!["x".into(), "y".into()]),
                labels: Some(vec![
                    ("owner".into(), Some("a".into())),
                    ("cost".into(), None),
                    ("owner".into(), Some("b".into())),
                ]),
                problems: Some(vec![("E1".into(), Some("gone".into()))]),
            },
            Thing {
                name: None,
                size: None,
                weight: None,
                on: None,
                at: None,
                tags: None,
                labels: None,
                problems: Some(vec![]),
            },
        ]
    }

    #[test]
    fn converts_every_kind_with_nulls() {
        let c = columns();
        let batch = c
            .to_batch(&Place::in_region("eu-west-1"), &things(), None, &c.schema())
            .expect("converts");
        assert_eq!(batch.num_columns(), 10);
        assert_eq!(batch.column(0).as_string::<i32>().value(1), "eu-west-1");
        assert_eq!(batch.column(1).as_string::<i32>().value(1), "123456789012");
        assert!(batch.column(2).is_null(1));
        assert_eq!(batch.column(3).as_primitive::<Int32Type>().value(0), 3);
        assert_eq!(batch.column(4).as_primitive::<Float64Type>().value(0), 2.5);
        assert!(batch.column(4).is_null(1));
        assert!(batch.column(5).as_boolean().value(0));
        assert_eq!(
            batch
                .column(6)
                .as_primitive::<TimestampMicrosecondType>()
                .value(0),
            1_700_000_000_500_000
        );
        let tags = batch.column(7).as_list::<i32>();
        assert_eq!(tags.value_length(0), 2);
        assert!(tags.is_null(1));
    }

    #[test]
    fn maps_keep_the_last_value_of_a_key_and_records_keep_empty_lists() {
        let c = columns();
        let batch = c
            .to_batch(&Place::in_region("r"), &things(), None, &c.schema())
            .expect("converts");
        let map = batch.column(8).as_map();
        assert_eq!(map.value_length(0), 2);
        let first = map.value(0);
        assert_eq!(first.column(0).as_string::<i32>().value(0), "cost");
        assert!(first.column(1).is_null(0));
        assert_eq!(first.column(1).as_string::<i32>().value(1), "b");
        assert!(map.is_null(1));
        let problems = batch.column(9).as_list::<i32>();
        let record = problems.value(0);
        assert_eq!(
            record.as_struct().column(1).as_string::<i32>().value(0),
            "gone"
        );
        assert!(!problems.is_null(1));
        assert_eq!(problems.value_length(1), 0);
    }

    #[test]
    fn builds_only_the_projection() {
        let c = columns();
        let schema = Arc::new(c.schema().project(&[3, 0]).expect("projects"));
        let batch = c
            .to_batch(&Place::in_region("r"), &things(), Some(&[3, 0]), &schema)
            .expect("converts");
        assert_eq!(batch.num_columns(), 2);
        assert_eq!(batch.column(1).as_string::<i32>().value(0), "r");
        let empty = Arc::new(c.schema().project(&[]).expect("projects"));
        let batch = c
            .to_batch(&Place::in_region("r"), &things(), Some(&[]), &empty)
            .expect("converts");
        assert_eq!(batch.num_rows(), 2);
    }

    #[test]
    fn a_missing_required_member_is_an_error_naming_it_not_a_panic() {
        let c = Columns::new(
            "DescribeThings",
            |t: &Thing| t.name.as_deref(),
            vec![
                ColumnDef::text("name", |t: &Thing| t.name.as_deref()),
                ColumnDef::int("size", |t: &Thing| t.size).required("Size"),
            ],
        );
        let mut items = things();
        items.swap(0, 1);
        items[0].name = Some("thing-1".into());
        let error = c
            .to_batch(&Place::in_region("r"), &items, None, &c.schema())
            .expect_err("size is required");
        assert_eq!(
            error.to_string(),
            "DescribeThings in r failed: unreadable response: thing-1 has no Size in the response"
        );
        let not_null = Columns::new(
            "DescribeThings",
            |t: &Thing| t.name.as_deref(),
            vec![ColumnDef::text("name", |t: &Thing| t.name.as_deref()).not_null()],
        );
        assert!(
            not_null
                .to_batch(&Place::in_region("r"), &things(), None, &not_null.schema())
                .is_err()
        );
    }
}
