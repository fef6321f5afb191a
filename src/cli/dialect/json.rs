//! Postgres's json operators over the nested columns (`tags`, a map; `errors`, a list of
//! structs; every list, map and struct column a table has), with Postgres's semantics:
//!
//! | operator | function | what it answers |
//! |---|---|---|
//! | `v -> 'key'` / `v -> n` | `json_get` | the member `key` of an object (map, struct) or element `n` of an array (list; negative from the end), as json |
//! | `v ->> 'key'` / `v ->> n` | `json_get_text` | the same as text: a string unquoted, anything else its JSON text, JSON null as NULL |
//! | `v #> '{a,0,b}'` | `json_extract_path` | the value at a path (text[]: keys, and array indexes as text), as json |
//! | `v #>> '{a,0,b}'` | `json_extract_path_text` | the same as text |
//! | `v ? 'key'` | `jsonb_exists` | whether an object has the key, or an array of strings the string |
//!
//! A missing key or index, a key on an array, an index on an object, or any step into a scalar
//! answers NULL (`?` answers false); a NULL operand answers NULL.
//!
//! The values are walked as Arrow holds them (map entries, struct fields, list elements), never
//! re-parsed from JSON text. What `->` selects keeps its Arrow type when it is nested (so
//! `errors -> 0 -> 'error_code'` walks a struct, and a client gets json); a scalar it selects is
//! answered as its JSON text (`"alice"`, `5`, `null`) in a string column marked with Arrow's
//! canonical `arrow.json` extension type, which `wsql serve` sends as `json`. `->>` and `#>>`
//! answer plain text.
//!
//! `?` needs the PostgreSQL dialect's tokenizer (in the generic dialect `?` is a placeholder);
//! every session parses in that dialect.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanBuilder, GenericListArray, OffsetSizeTrait, StringArray,
    StringBuilder, new_null_array,
};
use arrow::compute::interleave;
use arrow::datatypes::{DataType, Field, FieldRef};
use arrow::json::writer::{EncoderOptions, make_encoder};
use datafusion::common::{DFSchema, DataFusionError, Result, ScalarValue, exec_err, plan_err};
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::planner::{ExprPlanner, PlannerResult, RawBinaryExpr};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ExprSchemable, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF,
    ScalarUDFImpl, Signature, Volatility,
};
use datafusion::sql::sqlparser::ast::BinaryOperator;

/// The field metadata key of Arrow extension types.
const EXTENSION_NAME_KEY: &str = "ARROW:extension:name";
/// Arrow's canonical extension type of a string column holding JSON text.
pub const JSON_EXTENSION: &str = "arrow.json";

/// Whether `field` holds JSON text (Arrow's `arrow.json` extension type).
pub fn is_json_text(field: &Field) -> bool {
    field.metadata().get(EXTENSION_NAME_KEY).map(String::as_str) == Some(JSON_EXTENSION)
}

/// A nullable string field named `name` marked as JSON text.
pub fn json_text_field(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true).with_metadata(HashMap::from([(
        EXTENSION_NAME_KEY.to_string(),
        JSON_EXTENSION.to_string(),
    )]))
}

/// One of the json operators, each a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonOperator {
    /// `->`: a member or element, as json.
    Get,
    /// `->>`: a member or element, as text.
    GetText,
    /// `#>`: the value at a path, as json.
    Path,
    /// `#>>`: the value at a path, as text.
    PathText,
    /// `?`: whether a key (or string element) exists.
    Exists,
}

impl JsonOperator {
    /// Every operator.
    pub const ALL: [JsonOperator; 5] = [
        JsonOperator::Get,
        JsonOperator::GetText,
        JsonOperator::Path,
        JsonOperator::PathText,
        JsonOperator::Exists,
    ];

    fn function_name(self) -> &'static str {
        match self {
            JsonOperator::Get => "json_get",
            JsonOperator::GetText => "json_get_text",
            JsonOperator::Path => "json_extract_path",
            JsonOperator::PathText => "json_extract_path_text",
            JsonOperator::Exists => "jsonb_exists",
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            JsonOperator::Get => "->",
            JsonOperator::GetText => "->>",
            JsonOperator::Path => "#>",
            JsonOperator::PathText => "#>>",
            JsonOperator::Exists => "?",
        }
    }

    fn of(op: &BinaryOperator) -> Option<Self> {
        match op {
            BinaryOperator::Arrow => Some(JsonOperator::Get),
            BinaryOperator::LongArrow => Some(JsonOperator::GetText),
            BinaryOperator::HashArrow => Some(JsonOperator::Path),
            BinaryOperator::HashLongArrow => Some(JsonOperator::PathText),
            BinaryOperator::Question => Some(JsonOperator::Exists),
            _ => None,
        }
    }

    /// Whether the right operand is a path (text[]) rather than one key or index.
    fn takes_path(self) -> bool {
        matches!(self, JsonOperator::Path | JsonOperator::PathText)
    }

    /// The function implementing the operator.
    pub fn udf(self) -> ScalarUDF {
        ScalarUDF::new_from_impl(JsonFunction::new(self))
    }
}

/// Plans `->`, `->>`, `#>`, `#>>` and `?` on json values into [`JsonFunction`]s.
#[derive(Debug, Default)]
pub struct JsonOperators;

impl ExprPlanner for JsonOperators {
    fn plan_binary_op(
        &self,
        expr: RawBinaryExpr,
        schema: &DFSchema,
    ) -> Result<PlannerResult<RawBinaryExpr>> {
        let Some(operator) = JsonOperator::of(&expr.op) else {
            return Ok(PlannerResult::Original(expr));
        };
        let (_, field) = expr.left.to_field(schema)?;
        if !field.data_type().is_nested() && !is_json_text(&field) {
            return plan_err!(
                "the {} operator reads json values (the nested columns, such as tags and errors); \
                 {} is {}",
                operator.symbol(),
                expr.left.schema_name(),
                field.data_type()
            );
        }
        Ok(PlannerResult::Planned(Expr::ScalarFunction(
            ScalarFunction::new_udf(Arc::new(operator.udf()), vec![expr.left, expr.right]),
        )))
    }
}

/// One step of a walk into a value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// `-> 'key'`: an object's member (a text key never indexes an array).
    Key(String),
    /// `-> n`: an array's element (an integer never names an object's member).
    Index(i64),
    /// A path element: a member of an object, or the element of an array it spells.
    Either(String),
}

/// The function behind one json operator.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct JsonFunction {
    operator: JsonOperator,
    signature: Signature,
}

impl JsonFunction {
    fn new(operator: JsonOperator) -> Self {
        let signature = match operator.takes_path() {
            true => Signature::variadic_any(Volatility::Immutable),
            false => Signature::any(2, Volatility::Immutable),
        };
        Self {
            operator,
            signature,
        }
    }

    /// The steps of row `row`'s right operand(s).
    fn steps(&self, args: &[ArrayRef], row: usize) -> Option<Vec<Step>> {
        if self.operator.takes_path() && args.len() > 1 {
            // json_extract_path(v, 'a', '0'): each argument is one step.
            return args
                .iter()
                .map(|a| match key_step(&scalar_at(a, row)?)? {
                    Step::Key(text) => Some(Step::Either(text)),
                    Step::Index(n) => Some(Step::Either(n.to_string())),
                    Step::Either(text) => Some(Step::Either(text)),
                })
                .collect();
        }
        let value = scalar_at(args.first()?, row)?;
        match self.operator.takes_path() {
            true => path_steps(&value),
            false => key_step(&value).map(|s| vec![s]),
        }
    }
}

impl ScalarUDFImpl for JsonFunction {
    fn name(&self) -> &str {
        self.operator.function_name()
    }

    fn schema_name(&self, args: &[Expr]) -> Result<String> {
        match args {
            [left, right] => Ok(format!(
                "{} {} {}",
                left.schema_name(),
                self.operator.symbol(),
                operand_text(right)
            )),
            _ => Ok(format!(
                "{}({})",
                self.name(),
                args.iter().map(operand_text).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        exec_err!("{} answers through return_field_from_args", self.name())
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let Some(value) = args.arg_fields.first() else {
            return plan_err!("{} needs a json value", self.name());
        };
        if args.arg_fields.len() < 2 {
            return plan_err!("{} needs a key or a path", self.name());
        }
        let name = self.name();
        let field = match self.operator {
            JsonOperator::GetText | JsonOperator::PathText => {
                Field::new(name, DataType::Utf8, true)
            }
            JsonOperator::Exists => Field::new(name, DataType::Boolean, true),
            JsonOperator::Get | JsonOperator::Path => {
                let steps: Option<Vec<Option<Step>>> = match self.operator {
                    JsonOperator::Get => Some(vec![
                        args.scalar_arguments
                            .get(1)
                            .copied()
                            .flatten()
                            .and_then(key_step),
                    ]),
                    _ if args.arg_fields.len() > 2 => Some(
                        args.scalar_arguments[1..]
                            .iter()
                            .map(|s| {
                                s.and_then(|s| match s.to_string().as_str() {
                                    "NULL" => None,
                                    text => Some(Step::Either(text.to_string())),
                                })
                            })
                            .collect(),
                    ),
                    _ => args
                        .scalar_arguments
                        .get(1)
                        .copied()
                        .flatten()
                        .map(|s| path_steps(s).map(|p| p.into_iter().map(Some).collect()))
                        .unwrap_or(Some(vec![None])),
                };
                let selected = match (&steps, is_json_text(value)) {
                    (Some(steps), false) => selected_type(value.data_type(), steps),
                    _ => None,
                };
                match selected {
                    Some(data_type) if data_type.is_nested() => Field::new(name, data_type, true),
                    _ => json_text_field(name),
                }
            }
        };
        Ok(Arc::new(field))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let Some((value, operands)) = arrays.split_first() else {
            return exec_err!("{} needs a json value", self.name());
        };
        let value_is_text = args.arg_fields.first().is_some_and(|f| is_json_text(f));
        let walked: Vec<Option<Leaf>> = (0..rows)
            .map(|row| {
                let steps = self.steps(operands, row)?;
                walk(value, value_is_text, row, &steps)
            })
            .collect();
        let result: ArrayRef = match self.operator {
            JsonOperator::Exists => {
                let mut answers = BooleanBuilder::with_capacity(rows);
                for row in 0..rows {
                    let key = operands.first().and_then(|k| scalar_at(k, row));
                    answers.append_option(exists(value, value_is_text, row, key));
                }
                Arc::new(answers.finish())
            }
            JsonOperator::GetText | JsonOperator::PathText => {
                Arc::new(texts(&walked, value, true)?)
            }
            JsonOperator::Get | JsonOperator::Path => match args.return_type() {
                DataType::Utf8 => Arc::new(texts(&walked, value, false)?),
                nested => select_nested(&walked, nested)?,
            },
        };
        Ok(ColumnarValue::Array(result))
    }
}

/// How an operand reads in a column name: a string literal quoted, anything else as planned.
fn operand_text(expr: &Expr) -> String {
    match expr {
        Expr::Literal(ScalarValue::Utf8(Some(s)), _)
        | Expr::Literal(ScalarValue::Utf8View(Some(s)), _)
        | Expr::Literal(ScalarValue::LargeUtf8(Some(s)), _) => {
            format!("'{}'", s.replace('\'', "''"))
        }
        other => other.schema_name().to_string(),
    }
}

/// The value of `array` at `row`, or `None` when NULL.
fn scalar_at(array: &ArrayRef, row: usize) -> Option<ScalarValue> {
    if array.is_null(row) {
        return None;
    }
    ScalarValue::try_from_array(array, row).ok()
}

/// The step of `->`'s right operand: a text key or an integer index.
fn key_step(value: &ScalarValue) -> Option<Step> {
    match value {
        ScalarValue::Utf8(Some(s))
        | ScalarValue::Utf8View(Some(s))
        | ScalarValue::LargeUtf8(Some(s)) => Some(Step::Key(s.clone())),
        ScalarValue::Int8(Some(n)) => Some(Step::Index(i64::from(*n))),
        ScalarValue::Int16(Some(n)) => Some(Step::Index(i64::from(*n))),
        ScalarValue::Int32(Some(n)) => Some(Step::Index(i64::from(*n))),
        ScalarValue::Int64(Some(n)) => Some(Step::Index(*n)),
        ScalarValue::UInt8(Some(n)) => Some(Step::Index(i64::from(*n))),
        ScalarValue::UInt16(Some(n)) => Some(Step::Index(i64::from(*n))),
        ScalarValue::UInt32(Some(n)) => Some(Step::Index(i64::from(*n))),
        ScalarValue::UInt64(Some(n)) => i64::try_from(*n).ok().map(Step::Index),
        _ => None,
    }
}

/// The steps of a path: a text[] literal (`'{a,0,b}'`) or an array of strings.
fn path_steps(value: &ScalarValue) -> Option<Vec<Step>> {
    match value {
        ScalarValue::Utf8(Some(s))
        | ScalarValue::Utf8View(Some(s))
        | ScalarValue::LargeUtf8(Some(s)) => {
            parse_text_array(s).map(|elements| elements.into_iter().map(Step::Either).collect())
        }
        ScalarValue::List(list) if list.len() == 1 && !list.is_null(0) => {
            let values = list.value(0);
            (0..values.len())
                .map(|i| match scalar_at(&values, i)? {
                    ScalarValue::Utf8(Some(s))
                    | ScalarValue::Utf8View(Some(s))
                    | ScalarValue::LargeUtf8(Some(s)) => Some(Step::Either(s)),
                    other => key_step(&other).map(|s| match s {
                        Step::Index(n) => Step::Either(n.to_string()),
                        step => step,
                    }),
                })
                .collect()
        }
        _ => None,
    }
}

/// The elements of a Postgres text[] literal: `{a,"b c",d}`. `None` when it is not one, or has a
/// NULL element (a path with a NULL step selects nothing).
fn parse_text_array(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut elements = Vec::new();
    if inner.trim().is_empty() {
        return Some(elements);
    }
    let mut chars = inner.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut element = String::new();
        let quoted = chars.next_if_eq(&'"').is_some();
        if quoted {
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => element.push(chars.next()?),
                    c => element.push(c),
                }
            }
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
        } else {
            while let Some(c) = chars.next_if(|c| *c != ',') {
                element.push(c);
            }
            element = element.trim().to_string();
            if element.eq_ignore_ascii_case("null") {
                return None;
            }
        }
        elements.push(element);
        match chars.next() {
            Some(',') => continue,
            None => return Some(elements),
            Some(_) => return None,
        }
    }
}

/// The type a walk of `steps` (`None` where the step is not known while planning) selects in
/// a value of `data_type`, when it can be told while planning.
fn selected_type(data_type: &DataType, steps: &[Option<Step>]) -> Option<DataType> {
    let Some((step, rest)) = steps.split_first() else {
        return Some(data_type.clone());
    };
    let inner = match data_type {
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(fields) => fields.get(1)?.data_type().clone(),
            _ => return None,
        },
        DataType::List(item) | DataType::LargeList(item) => item.data_type().clone(),
        DataType::Struct(fields) => match step {
            Some(Step::Key(name)) | Some(Step::Either(name)) => fields
                .iter()
                .find(|f| f.name() == name)?
                .data_type()
                .clone(),
            _ => return None,
        },
        _ => return None,
    };
    selected_type(&inner, rest)
}

/// What a walk selected: row `row` of one of the arrays walked through, or (for an empty path
/// on JSON text) the operand's own text at that row.
#[derive(Debug, Clone)]
enum Leaf {
    Value(ArrayRef, usize),
    JsonText(usize),
}

/// Walks `steps` into row `row` of `value`. `None` when a step finds nothing; a JSON null at
/// the end of the walk is found (`->` answers it as `null`), one on the way is not walked into.
fn walk(value: &ArrayRef, value_is_text: bool, row: usize, steps: &[Step]) -> Option<Leaf> {
    if value.is_null(row) {
        return None;
    }
    if value_is_text {
        // JSON text holds a scalar here (what `->` answered): nothing is inside it.
        return steps.is_empty().then_some(Leaf::JsonText(row));
    }
    let mut current = (Arc::clone(value), row);
    for step in steps {
        current = step_into(&current.0, current.1, step)?;
    }
    Some(Leaf::Value(current.0, current.1))
}

/// One step into row `row` of `array`.
fn step_into(array: &ArrayRef, row: usize, step: &Step) -> Option<(ArrayRef, usize)> {
    if array.is_null(row) {
        return None;
    }
    match array.data_type() {
        DataType::Map(_, _) => {
            let key = match step {
                Step::Key(key) | Step::Either(key) => key,
                Step::Index(_) => return None,
            };
            let map = array.as_map();
            let offsets = map.value_offsets();
            let (start, end) = (offsets[row] as usize, offsets[row + 1] as usize);
            let keys = map.keys();
            // The last entry wins, as a repeated key does in Postgres's json.
            (start..end)
                .rev()
                .find(|&entry| string_at(keys, entry).is_some_and(|k| k == key))
                .map(|entry| (Arc::clone(map.values()), entry))
        }
        DataType::Struct(_) => {
            let name = match step {
                Step::Key(name) | Step::Either(name) => name,
                Step::Index(_) => return None,
            };
            let column = array.as_struct().column_by_name(name)?;
            Some((Arc::clone(column), row))
        }
        DataType::List(_) => list_element(array.as_list::<i32>(), row, step),
        DataType::LargeList(_) => list_element(array.as_list::<i64>(), row, step),
        _ => None,
    }
}

/// The element of a list `step` names: an index, or a path element spelling one; negative
/// counts from the end.
fn list_element<O: OffsetSizeTrait>(
    list: &GenericListArray<O>,
    row: usize,
    step: &Step,
) -> Option<(ArrayRef, usize)> {
    let index = match step {
        Step::Index(n) => *n,
        Step::Either(text) => text.trim().parse().ok()?,
        Step::Key(_) => return None,
    };
    let offsets = list.value_offsets();
    let start = offsets[row].as_usize();
    let len = i64::try_from(offsets[row + 1].as_usize() - start).ok()?;
    let index = if index < 0 { len + index } else { index };
    if !(0..len).contains(&index) {
        return None;
    }
    Some((
        Arc::clone(list.values()),
        start + usize::try_from(index).ok()?,
    ))
}

/// The string at `index` of a string array of any width.
fn string_at(array: &ArrayRef, index: usize) -> Option<&str> {
    if array.is_null(index) {
        return None;
    }
    match array.data_type() {
        DataType::Utf8 => Some(array.as_string::<i32>().value(index)),
        DataType::LargeUtf8 => Some(array.as_string::<i64>().value(index)),
        DataType::Utf8View => Some(array.as_string_view().value(index)),
        _ => None,
    }
}

/// Whether row `row` of `value` has the key (object) or string element (array) `key`.
fn exists(
    value: &ArrayRef,
    value_is_text: bool,
    row: usize,
    key: Option<ScalarValue>,
) -> Option<bool> {
    if value.is_null(row) {
        return None;
    }
    let key = match key? {
        ScalarValue::Utf8(Some(s))
        | ScalarValue::Utf8View(Some(s))
        | ScalarValue::LargeUtf8(Some(s)) => s,
        _ => return None,
    };
    if value_is_text {
        return Some(false);
    }
    let found = match value.data_type() {
        DataType::Map(_, _) | DataType::Struct(_) => {
            step_into(value, row, &Step::Key(key)).is_some()
        }
        DataType::List(_) | DataType::LargeList(_) => {
            let (values, range) = match value.data_type() {
                DataType::List(_) => {
                    let list = value.as_list::<i32>();
                    let offsets = list.value_offsets();
                    (
                        list.values(),
                        offsets[row] as usize..offsets[row + 1] as usize,
                    )
                }
                _ => {
                    let list = value.as_list::<i64>();
                    let offsets = list.value_offsets();
                    (
                        list.values(),
                        offsets[row] as usize..offsets[row + 1] as usize,
                    )
                }
            };
            range
                .into_iter()
                .any(|i| string_at(values, i) == Some(key.as_str()))
        }
        _ => false,
    };
    Some(found)
}

/// Each leaf as text: its JSON text (`as_text: false`, for `->` and `#>` on scalars), or, for
/// `->>` and `#>>`, a JSON string unquoted and JSON null as NULL.
fn texts(leaves: &[Option<Leaf>], operand: &ArrayRef, as_text: bool) -> Result<StringArray> {
    // The arrays the leaves are in (one per walk, in practice), each with one JSON encoder.
    let mut arrays: Vec<&ArrayRef> = Vec::new();
    for leaf in leaves.iter().flatten() {
        if let Leaf::Value(array, _) = leaf
            && !arrays.iter().any(|a| Arc::ptr_eq(a, array))
        {
            arrays.push(array);
        }
    }
    let fields: Vec<FieldRef> = arrays
        .iter()
        .map(|a| Arc::new(Field::new("value", a.data_type().clone(), true)))
        .collect();
    let options = EncoderOptions::default().with_explicit_nulls(true);
    let mut encoders = arrays
        .iter()
        .zip(&fields)
        .map(|(array, field)| make_encoder(field, array.as_ref(), &options))
        .collect::<Result<Vec<_>, _>>()?;

    let mut out = StringBuilder::with_capacity(leaves.len(), leaves.len() * 16);
    let mut json = Vec::new();
    for leaf in leaves {
        json.clear();
        match leaf {
            None => {
                out.append_null();
                continue;
            }
            Some(Leaf::JsonText(row)) => match string_at(operand, *row) {
                Some(text) => json.extend_from_slice(text.as_bytes()),
                None => {
                    out.append_null();
                    continue;
                }
            },
            Some(Leaf::Value(array, row)) if array.is_null(*row) => json.extend_from_slice(b"null"),
            Some(Leaf::Value(array, row)) => {
                let Some(index) = arrays.iter().position(|a| Arc::ptr_eq(a, array)) else {
                    return exec_err!("a json value's array was not encoded");
                };
                encoders[index].encode(*row, &mut json);
            }
        }
        let text =
            std::str::from_utf8(&json).map_err(|e| DataFusionError::External(Box::new(e)))?;
        match (as_text, text) {
            (false, text) => out.append_value(text),
            (true, "null") => out.append_null(),
            (true, text) if text.starts_with('"') => {
                let unquoted: String = serde_json::from_str(text)
                    .map_err(|e| DataFusionError::External(Box::new(e)))?;
                out.append_value(unquoted);
            }
            (true, text) => out.append_value(text),
        }
    }
    Ok(out.finish())
}

/// The leaves as values of the nested type `data_type` (what `->` selects when it is nested); a
/// leaf not found is NULL.
fn select_nested(leaves: &[Option<Leaf>], data_type: &DataType) -> Result<ArrayRef> {
    let nulls = new_null_array(data_type, 1);
    let mut sources: Vec<&dyn Array> = vec![nulls.as_ref()];
    let mut owners: Vec<&ArrayRef> = Vec::new();
    let mut indices = Vec::with_capacity(leaves.len());
    for leaf in leaves {
        match leaf {
            Some(Leaf::Value(array, row)) if array.data_type() == data_type => {
                let position = match owners.iter().position(|a| Arc::ptr_eq(a, array)) {
                    Some(position) => position,
                    None => {
                        owners.push(array);
                        sources.push(array.as_ref());
                        owners.len() - 1
                    }
                };
                indices.push((position + 1, *row));
            }
            _ => indices.push((0, 0)),
        }
    }
    Ok(interleave(&sources, &indices)?)
}

#[cfg(test)]
mod tests {
    use arrow::array::{ListBuilder, MapBuilder, RecordBatch, StringBuilder};
    use arrow::datatypes::Schema;
    use datafusion::prelude::{SessionConfig, SessionContext};

    use super::*;

    /// `test_data::pools()` with `tags`: `{owner: alice, team: NULL}`, `{}`, NULL; and
    /// `names`: `[a, b]`, `[]`, NULL.
    fn pools() -> RecordBatch {
        let pools = crate::cli::print::test_data::pools();
        let mut tags = MapBuilder::new(None, StringBuilder::new(), StringBuilder::new());
        tags.keys().append_value("owner");
        tags.values().append_value("alice");
        tags.keys().append_value("team");
        tags.values().append_null();
        tags.append(true).unwrap();
        tags.append(true).unwrap();
        tags.append(false).unwrap();
        let tags = tags.finish();
        let mut names = ListBuilder::new(StringBuilder::new());
        names.append_value([Some("a"), Some("b")]);
        names.append_value::<[Option<&str>; 0], _>([]);
        names.append_null();
        let names = names.finish();
        let mut fields: Vec<Field> = pools
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        fields.push(Field::new("tags", tags.data_type().clone(), true));
        fields.push(Field::new("names", names.data_type().clone(), true));
        let mut columns = pools.columns().to_vec();
        columns.push(Arc::new(tags));
        columns.push(Arc::new(names));
        RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap()
    }

    /// A session with the operators, over the three rows of [`pools`].
    fn session() -> SessionContext {
        let ctx = SessionContext::new_with_config(
            SessionConfig::new().set_str("datafusion.sql_parser.dialect", "PostgreSQL"),
        );
        let mut ctx = ctx;
        datafusion::execution::FunctionRegistry::register_expr_planner(
            &mut ctx,
            Arc::new(JsonOperators),
        )
        .unwrap();
        for operator in JsonOperator::ALL {
            ctx.register_udf(operator.udf());
        }
        ctx.register_batch("pools", pools()).unwrap();
        ctx
    }

    /// The one column `sql` answers, as text (NULL as `None`).
    async fn column(ctx: &SessionContext, sql: &str) -> Vec<Option<String>> {
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        let mut values = Vec::new();
        for batch in batches {
            let batch = crate::cli::json_text::nested_as_json(&batch).unwrap();
            let column = arrow::compute::cast(batch.column(0), &DataType::Utf8).unwrap();
            let strings = column.as_string::<i32>();
            values.extend(
                (0..strings.len())
                    .map(|i| strings.is_valid(i).then(|| strings.value(i).to_string())),
            );
        }
        values
    }

    fn text(value: &str) -> Option<String> {
        Some(value.to_string())
    }

    #[test]
    fn text_array_literals_parse_as_postgres_writes_them() {
        assert_eq!(
            parse_text_array("{a,0,b}"),
            Some(vec!["a".into(), "0".into(), "b".into()])
        );
        assert_eq!(
            parse_text_array(r#"{"a b", "c,d" , e }"#),
            Some(vec!["a b".into(), "c,d".into(), "e".into()])
        );
        assert_eq!(parse_text_array("{}"), Some(vec![]));
        assert_eq!(parse_text_array("{a,NULL}"), None);
        assert_eq!(parse_text_array("a,b"), None);
    }

    #[tokio::test]
    async fn arrows_walk_lists_of_structs() {
        let ctx = session();
        // errors: [{IAM_SERVICE_ROLE_MISSING, role "x", missing}], [], NULL
        assert_eq!(
            column(&ctx, "SELECT errors -> 0 ->> 'error_code' FROM pools").await,
            vec![text("IAM_SERVICE_ROLE_MISSING"), None, None]
        );
        assert_eq!(
            column(&ctx, "SELECT errors -> -1 -> 'error_message' FROM pools").await,
            vec![text(r#""role \"x\", missing""#), None, None]
        );
        assert_eq!(
            column(&ctx, "SELECT errors #>> '{0,error_message}' FROM pools").await,
            vec![text(r#"role "x", missing"#), None, None]
        );
        assert_eq!(
            column(
                &ctx,
                "SELECT errors #>> ARRAY['0', 'error_code'] FROM pools"
            )
            .await,
            vec![text("IAM_SERVICE_ROLE_MISSING"), None, None]
        );
        // A text key never indexes an array; an index never names a member.
        assert_eq!(
            column(&ctx, "SELECT errors -> '0' FROM pools").await,
            vec![None, None, None]
        );
        assert_eq!(
            column(&ctx, "SELECT errors -> 0 -> 1 FROM pools").await,
            vec![None, None, None]
        );
        assert_eq!(
            column(&ctx, "SELECT errors -> 5 FROM pools").await,
            vec![None, None, None]
        );
        // ->> of a nested value is its JSON text; -> keeps it nested.
        assert_eq!(
            column(&ctx, "SELECT errors ->> 0 FROM pools").await,
            vec![
                text(
                    r#"{"error_code":"IAM_SERVICE_ROLE_MISSING","error_message":"role \"x\", missing"}"#
                ),
                None,
                None
            ]
        );
        let nested = ctx.sql("SELECT errors -> 0 AS e FROM pools").await.unwrap();
        assert!(nested.schema().field(0).data_type().is_nested());
    }

    #[tokio::test]
    async fn arrows_read_map_members_as_json_and_text() {
        let ctx = session();
        assert_eq!(
            column(&ctx, "SELECT tags ->> 'owner' FROM pools").await,
            vec![text("alice"), None, None]
        );
        assert_eq!(
            column(&ctx, "SELECT tags -> 'owner' FROM pools").await,
            vec![text(r#""alice""#), None, None]
        );
        // A member whose value is null: json null to ->, SQL NULL to ->>.
        assert_eq!(
            column(&ctx, "SELECT tags -> 'team' FROM pools").await,
            vec![text("null"), None, None]
        );
        assert_eq!(
            column(&ctx, "SELECT tags ->> 'team' FROM pools").await,
            vec![None, None, None]
        );
        assert_eq!(
            column(&ctx, "SELECT tags #>> '{owner}' FROM pools").await,
            vec![text("alice"), None, None]
        );
        assert_eq!(
            column(&ctx, "SELECT tags -> 0 FROM pools").await,
            vec![None, None, None]
        );
        let field = ctx
            .sql("SELECT tags -> 'owner' AS o FROM pools")
            .await
            .unwrap();
        assert!(is_json_text(field.schema().field(0)));
        // Nothing is inside a scalar; an empty path is the value itself.
        assert_eq!(
            column(&ctx, "SELECT tags -> 'owner' -> 'x' FROM pools").await,
            vec![None, None, None]
        );
        assert_eq!(
            column(&ctx, "SELECT (tags -> 'owner') #>> '{}' FROM pools").await,
            vec![text("alice"), None, None]
        );
        assert_eq!(
            column(&ctx, "SELECT tags #> '{}' FROM pools").await,
            vec![text(r#"{"owner":"alice","team":null}"#), text("{}"), None]
        );
    }

    #[tokio::test]
    async fn question_mark_asks_for_a_key_or_a_string() {
        let ctx = session();
        assert_eq!(
            column(&ctx, "SELECT tags ? 'owner' FROM pools").await,
            vec![text("true"), text("false"), None]
        );
        assert_eq!(
            column(&ctx, "SELECT tags ? 'team' FROM pools").await,
            vec![text("true"), text("false"), None]
        );
        assert_eq!(
            column(&ctx, "SELECT names ? 'b' FROM pools").await,
            vec![text("true"), text("false"), None]
        );
        assert_eq!(
            column(&ctx, "SELECT errors -> 0 ? 'error_code' FROM pools").await,
            vec![text("true"), None, None]
        );
        assert_eq!(
            column(&ctx, "SELECT count(*) FROM pools WHERE tags ? 'owner'").await,
            vec![text("1")]
        );
    }

    #[tokio::test]
    async fn operators_name_their_columns_and_refuse_flat_values() {
        let ctx = session();
        let frame = ctx
            .sql("SELECT tags ->> 'owner', errors #> '{0}' FROM pools")
            .await
            .unwrap();
        let names: Vec<&String> = frame.schema().fields().iter().map(|f| f.name()).collect();
        assert_eq!(names, ["pools.tags ->> 'owner'", "pools.errors #> '{0}'"]);
        let error = ctx
            .sql("SELECT pool_name -> 'x' FROM pools")
            .await
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("the -> operator reads json values"),
            "{error}"
        );
        // The functions behind them answer by name too.
        assert_eq!(
            column(
                &ctx,
                "SELECT json_extract_path_text(errors, '0', 'error_code') FROM pools"
            )
            .await,
            vec![text("IAM_SERVICE_ROLE_MISSING"), None, None]
        );
    }
}
