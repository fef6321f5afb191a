//! Column definitions shared by the sibling tables: each column is declared once with its Arrow
//! field and how to read it from an API item, and a page converts to a batch of only the
//! projected columns.

use std::sync::Arc;

use aws_smithy_types::DateTime;
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Int32Builder, ListBuilder, StringBuilder, TimestampMicrosecondBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};

use crate::error::{Error, Result};

/// How one column is read from an item `T`.
pub enum Read<T> {
    /// The region the page came from.
    Region,
    /// A string member.
    Text(fn(&T) -> Option<&str>),
    /// An integer member.
    Int(fn(&T) -> Option<i32>),
    /// A boolean member.
    Flag(fn(&T) -> Option<bool>),
    /// A timestamp member, as UTC microseconds.
    Time(fn(&T) -> Option<&DateTime>),
    /// A list of strings (`NULL` when the member is absent).
    TextList(fn(&T) -> Option<Vec<&str>>),
}

/// One column: its field and how it is read.
pub struct ColumnDef<T> {
    field: Field,
    read: Read<T>,
}

/// `Timestamp(Microsecond, "UTC")`, the type of every time column.
pub fn utc_micros() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

fn list_of_text() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

impl<T> ColumnDef<T> {
    /// `region`, never NULL.
    pub fn region() -> Self {
        Self {
            field: Field::new("region", DataType::Utf8, false),
            read: Read::Region,
        }
    }

    /// A string column; `nullable` false only for members the model marks required.
    pub fn text(name: &str, nullable: bool, read: fn(&T) -> Option<&str>) -> Self {
        Self {
            field: Field::new(name, DataType::Utf8, nullable),
            read: Read::Text(read),
        }
    }

    /// A nullable Int32 column.
    pub fn int(name: &str, read: fn(&T) -> Option<i32>) -> Self {
        Self {
            field: Field::new(name, DataType::Int32, true),
            read: Read::Int(read),
        }
    }

    /// A nullable Boolean column.
    pub fn flag(name: &str, read: fn(&T) -> Option<bool>) -> Self {
        Self {
            field: Field::new(name, DataType::Boolean, true),
            read: Read::Flag(read),
        }
    }

    /// A nullable UTC timestamp column.
    pub fn time(name: &str, read: fn(&T) -> Option<&DateTime>) -> Self {
        Self {
            field: Field::new(name, utc_micros(), true),
            read: Read::Time(read),
        }
    }

    /// A nullable `List<Utf8>` column.
    pub fn text_list(name: &str, read: fn(&T) -> Option<Vec<&str>>) -> Self {
        Self {
            field: Field::new(name, list_of_text(), true),
            read: Read::TextList(read),
        }
    }

    fn build(&self, region: &str, items: &[T]) -> ArrayRef {
        match &self.read {
            Read::Region => text_array(items, |_| Some(region)),
            Read::Text(read) => text_array(items, read),
            Read::Int(read) => {
                let mut b = Int32Builder::with_capacity(items.len());
                items.iter().for_each(|i| b.append_option(read(i)));
                Arc::new(b.finish())
            }
            Read::Flag(read) => {
                let mut b = BooleanBuilder::with_capacity(items.len());
                items.iter().for_each(|i| b.append_option(read(i)));
                Arc::new(b.finish())
            }
            Read::Time(read) => {
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
        }
    }
}

fn text_array<'a, T: 'a>(items: &'a [T], read: impl Fn(&'a T) -> Option<&'a str>) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(items.len(), items.len() * 16);
    items.iter().for_each(|i| b.append_option(read(i)));
    Arc::new(b.finish())
}

/// Microseconds since the epoch.
pub fn micros(t: &DateTime) -> i64 {
    t.secs() * 1_000_000 + i64::from(t.subsec_nanos() / 1_000)
}

/// The columns of one table, in order, and the schema they make.
pub struct Columns<T> {
    operation: &'static str,
    defs: Vec<ColumnDef<T>>,
    schema: SchemaRef,
}

impl<T> Columns<T> {
    /// The columns of a table read with `operation`.
    pub fn new(operation: &'static str, defs: Vec<ColumnDef<T>>) -> Self {
        let schema = Arc::new(Schema::new(
            defs.iter().map(|d| d.field.clone()).collect::<Vec<_>>(),
        ));
        Self {
            operation,
            defs,
            schema,
        }
    }

    /// The table's schema.
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// One page of `items` from `region` as a batch of the `projection` columns (all when
    /// `None`); `schema` must be that projection of [`Columns::schema`].
    pub fn to_batch(
        &self,
        region: &str,
        items: &[T],
        projection: Option<&[usize]>,
        schema: &SchemaRef,
    ) -> Result<RecordBatch> {
        let all: Vec<usize> = (0..self.defs.len()).collect();
        let columns = projection
            .unwrap_or(&all)
            .iter()
            .map(|&i| {
                self.defs
                    .get(i)
                    .map(|d| d.build(region, items))
                    .ok_or_else(|| {
                        Error::Config(format!("{} has no column number {i}", self.operation))
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        let options = RecordBatchOptions::new().with_row_count(Some(items.len()));
        RecordBatch::try_new_with_options(Arc::clone(schema), columns, &options).map_err(|e| {
            Error::Api {
                operation: self.operation,
                region: region.to_string(),
                message: format!("could not convert the response to Arrow: {e}"),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Array, AsArray};
    use datafusion::arrow::datatypes::{Int32Type, TimestampMicrosecondType};

    struct Thing {
        name: Option<String>,
        size: Option<i32>,
        on: Option<bool>,
        at: Option<DateTime>,
        tags: Option<Vec<String>>,
    }

    fn columns() -> Columns<Thing> {
        Columns::new(
            "DescribeThings",
            vec![
                ColumnDef::region(),
                ColumnDef::text("name", true, |t| t.name.as_deref()),
                ColumnDef::int("size", |t| t.size),
                ColumnDef::flag("on", |t| t.on),
                ColumnDef::time("at", |t| t.at.as_ref()),
                ColumnDef::text_list("tags", |t| {
                    t.tags
                        .as_ref()
                        .map(|v| v.iter().map(String::as_str).collect())
                }),
            ],
        )
    }

    fn things() -> Vec<Thing> {
        vec![
            Thing {
                name: Some("a".into()),
                size: Some(3),
                on: Some(true),
                at: Some(DateTime::from_fractional_secs(1_700_000_000, 0.5)),
                tags: Some(vec!["x".into(), "y".into()]),
            },
            Thing {
                name: None,
                size: None,
                on: None,
                at: None,
                tags: None,
            },
        ]
    }

    #[test]
    fn converts_every_kind_with_nulls() {
        let c = columns();
        let batch = c
            .to_batch("eu-west-1", &things(), None, &c.schema())
            .expect("converts");
        assert_eq!(batch.num_columns(), 6);
        assert_eq!(batch.column(0).as_string::<i32>().value(1), "eu-west-1");
        assert!(batch.column(1).is_null(1));
        assert_eq!(batch.column(2).as_primitive::<Int32Type>().value(0), 3);
        assert!(batch.column(3).as_boolean().value(0));
        assert_eq!(
            batch
                .column(4)
                .as_primitive::<TimestampMicrosecondType>()
                .value(0),
            1_700_000_000_500_000
        );
        let tags = batch.column(5).as_list::<i32>();
        assert_eq!(tags.value_length(0), 2);
        assert!(tags.is_null(1));
    }

    #[test]
    fn builds_only_the_projection() {
        let c = columns();
        let schema = Arc::new(c.schema().project(&[2, 0]).expect("projects"));
        let batch = c
            .to_batch("r", &things(), Some(&[2, 0]), &schema)
            .expect("converts");
        assert_eq!(batch.num_columns(), 2);
        assert_eq!(batch.column(1).as_string::<i32>().value(0), "r");
        let empty = Arc::new(c.schema().project(&[]).expect("projects"));
        let batch = c
            .to_batch("r", &things(), Some(&[]), &empty)
            .expect("converts");
        assert_eq!(batch.num_rows(), 2);
    }

    #[test]
    fn a_missing_required_member_is_an_error_not_a_panic() {
        let c = Columns::new(
            "DescribeThings",
            vec![ColumnDef::text("name", false, |t: &Thing| {
                t.name.as_deref()
            })],
        );
        assert!(c.to_batch("r", &things(), None, &c.schema()).is_err());
    }
}
