//! A request as the flags describe it, before it is typed: parameter texts and the JSON body.
//! The generated dispatch turns it into the crate's typed builder; `--dry-run` prints it.

use crate::error::CliError;
use crate::spec::{Cancels, CommandSpec, FieldSpec, Kind, Location};
use clap::ArgMatches;
use futures_util::stream::BoxStream;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::io::Read;

/// `--allow-unknown-values`: send enum values and body fields the spec does not list. Set
/// once, before any request is read.
pub static ALLOW_UNKNOWN: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

pub fn allow_unknown() -> bool {
    ALLOW_UNKNOWN.get().copied().unwrap_or(false)
}

/// The opt-in named by errors about values the spec does not know.
pub const OPT_IN: &str =
    "if the API takes it though the spec does not list it yet, pass --allow-unknown-values";

/// How far the dispatch goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Build the typed request (types, enums, required body fields) and stop.
    Check,
    /// Send it once.
    One,
    /// Every page of a paged list (a single call otherwise).
    All,
}

/// What the dispatch produced.
pub enum Outcome<'a> {
    Checked,
    One(Value),
    /// Whole pages as JSON, requested one at a time.
    Pages(BoxStream<'a, Result<Value, CliError>>),
}

#[derive(Debug, Clone)]
pub struct Request {
    pub op: &'static CommandSpec,
    /// Parameter texts by wire name.
    pub params: BTreeMap<&'static str, String>,
    pub body: Option<Value>,
    /// The body fields set by their own flag (`--withdrawal-date`), to name them in errors.
    pub flag_fields: Vec<&'static FieldSpec>,
}

impl Request {
    /// Reads the command's flags (and `--body`, which may be `-` for stdin).
    pub fn from_matches(op: &'static CommandSpec, m: &ArgMatches) -> Result<Self, CliError> {
        let mut params = BTreeMap::new();
        let mut flag_fields = Vec::new();
        for p in op.params {
            if let Some(v) = m.get_one::<String>(p.flag) {
                params.insert(p.wire, v.clone());
            }
        }
        let body = match &op.body {
            None => None,
            Some(spec) => {
                let mut body = match m.get_one::<String>("body") {
                    Some(source) => Some(read_body(source)?),
                    None => None,
                };
                let mut set = |field: &FieldSpec, value: Value| -> Result<(), CliError> {
                    let obj = body
                        .get_or_insert_with(|| Value::Object(Map::new()))
                        .as_object_mut()
                        .ok_or_else(|| CliError::flag("body", "must be a JSON object"))?;
                    obj.insert(field.wire.to_string(), value);
                    Ok(())
                };
                for field in spec.fields {
                    if let Some(text) = m.get_one::<String>(field.flag) {
                        set(field, typed(field.flag, field.kind, text)?)?;
                        flag_fields.push(field);
                    }
                }
                // `--clear` exists only where a field is nullable.
                let cleared = m.try_get_many::<String>("clear").ok().flatten();
                for name in cleared.into_iter().flatten() {
                    let field = spec
                        .fields
                        .iter()
                        .find(|f| f.flag == name || f.wire == name)
                        .ok_or_else(|| {
                            CliError::flag("clear", format!("{name} is not a field of this body"))
                        })?;
                    // Both would set the field; which one wins would be a guess.
                    if m.get_one::<String>(field.flag).is_some() {
                        return Err(CliError::flag(
                            "clear",
                            format!(
                                "--clear {name} and --{} both set {}; give one of them",
                                field.flag, field.wire
                            ),
                        ));
                    }
                    if !field.nullable {
                        return Err(CliError::flag(
                            "clear",
                            format!("{name} cannot be cleared (the spec does not allow null)"),
                        ));
                    }
                    set(field, Value::Null)?;
                }
                if body.is_none() && spec.required {
                    body = Some(Value::Object(Map::new()));
                }
                body
            }
        };
        Ok(Request {
            op,
            params,
            body,
            flag_fields,
        })
    }

    /// The typed value of a parameter, when given. With `--allow-unknown-values`, an enum
    /// value the spec does not list is sent as it is.
    pub fn param<T>(&self, wire: &str) -> Result<Option<T>, CliError>
    where
        T: std::str::FromStr + serde::de::DeserializeOwned,
        T::Err: std::fmt::Display,
    {
        let Some(text) = self.params.get(wire) else {
            return Ok(None);
        };
        let is_enum = self
            .op
            .params
            .iter()
            .any(|p| p.wire == wire && p.kind == Kind::Enum);
        text.parse::<T>().map(Some).or_else(|e| {
            // Open enums read any text through serde (`Unknown(..)`); only on request.
            if is_enum
                && allow_unknown()
                && let Ok(v) = serde_json::from_value::<T>(Value::String(text.clone()))
            {
                return Ok(Some(v));
            }
            let e = if is_enum {
                format!("{e}; {OPT_IN}")
            } else {
                e.to_string()
            };
            let flag = self
                .op
                .params
                .iter()
                .find(|p| p.wire == wire)
                .map_or(wire, |p| p.flag);
            Err(CliError::flag(flag, format!("{text:?} is not valid: {e}")))
        })
    }

    /// Strict by default: a body field the spec does not declare, or an enum value of a
    /// top-level field it does not list, is a usage error naming the opt-in.
    pub fn check_known(&self) -> Result<(), CliError> {
        if allow_unknown() {
            return Ok(());
        }
        let (Some(Value::Object(body)), Some(spec)) = (&self.body, &self.op.body) else {
            return Ok(());
        };
        for (name, value) in body {
            if !spec.properties.is_empty() && !spec.properties.contains(&name.as_str()) {
                return Err(CliError::flag(
                    "body",
                    format!(
                        "field {name} is not in the spec's {} body (it has {}); {OPT_IN}",
                        self.op.name,
                        spec.properties.join(", ")
                    ),
                )
                .with("field", name.as_str()));
            }
            let Some(field) = spec.fields.iter().find(|f| f.wire == name) else {
                continue;
            };
            if let (Kind::Enum, Value::String(text)) = (field.kind, value)
                && !field.values.is_empty()
                && !field.values.contains(&text.as_str())
            {
                let flag = if self.flag_fields.iter().any(|f| f.wire == field.wire) {
                    field.flag
                } else {
                    "body"
                };
                return Err(CliError::flag(
                    flag,
                    format!(
                        "field {name}: {text:?} is not one of {}; {OPT_IN}",
                        field.values.join(", ")
                    ),
                )
                .with("field", name.as_str()));
            }
        }
        Ok(())
    }

    /// The body as it goes on the wire: the fields the API takes Base64-encoded (`format: byte`
    /// in the spec, such as `administrator.password`) encoded from the text the user gave, so
    /// nobody encodes a password by hand. `self.body` keeps the user's text (a bulk row may
    /// replace part of it), so encoding happens once, here.
    pub fn wire_body(&self) -> Option<Value> {
        let mut body = self.body.clone()?;
        let rules = lineworks_partner::validate::operation(self.op.id).map_or(&[][..], |s| s.rules);
        for rule in rules.iter().filter(|r| {
            r.location == lineworks_partner::validate::Location::Body
                && r.kind == lineworks_partner::validate::RuleKind::Base64
        }) {
            encode_at(&mut body, rule.field);
        }
        Some(body)
    }

    /// The typed body, when there is one.
    pub fn body<T: serde::de::DeserializeOwned>(&self) -> Result<Option<T>, CliError> {
        let Some(body) = self.wire_body() else {
            return Ok(None);
        };
        serde_path_to_error::deserialize(body.clone())
            .map(Some)
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                // A field a flag set is that flag's fault, not the body document's.
                let top = path.split(['.', '[']).next().unwrap_or_default();
                match self.flag_fields.iter().find(|f| f.wire == top) {
                    Some(field) => {
                        let given = body.get(field.wire).map(Value::to_string);
                        CliError::flag(
                            field.flag,
                            format!("{} is not valid: {inner}", given.unwrap_or_default()),
                        )
                    }
                    None if path.is_empty() || path == "." => CliError::flag(
                        "body",
                        format!("the request body does not fit the spec: {inner}"),
                    ),
                    None => CliError::flag(
                        "body",
                        format!("the request body does not fit the spec: field {path}: {inner}"),
                    )
                    .with("field", path),
                }
            })
    }

    /// The body field that schedules a cancellation, as `withdrawalDate "2030-01-31"`, if any
    /// (from a flag or `--body` alike).
    pub fn cancellation(&self) -> Option<String> {
        let body = self.body.as_ref()?.as_object()?;
        let spec = self.op.body.as_ref()?;
        spec.fields.iter().find_map(|f| {
            let value = body.get(f.wire).filter(|v| !v.is_null())?;
            let hit = match f.cancels {
                Cancels::No => false,
                Cancels::AnyValue => true,
                Cancels::Values(values) => value.as_str().is_some_and(|v| values.contains(&v)),
            };
            hit.then(|| format!("{} {value}", f.wire))
        })
    }

    /// The path with its parameters filled in, percent-encoded.
    pub fn path(&self) -> String {
        let mut path = self.op.path.to_string();
        for p in self
            .op
            .params
            .iter()
            .filter(|p| p.location == Location::Path)
        {
            if let Some(v) = self.params.get(p.wire) {
                let encoded = url_segment(v);
                path = path.replace(&format!("{{{}}}", p.wire), &encoded);
            }
        }
        path
    }

    /// Query pairs in spec order.
    pub fn query(&self) -> Vec<(String, String)> {
        self.op
            .params
            .iter()
            .filter(|p| p.location == Location::Query)
            .filter_map(|p| {
                self.params
                    .get(p.wire)
                    .map(|v| (p.wire.to_string(), v.clone()))
            })
            .collect()
    }

    /// The same request for another customer (`--each-customer`).
    pub fn for_domain(&self, domain_id: i64) -> Request {
        let mut r = self.clone();
        r.params.insert("domainId", domain_id.to_string());
        r
    }
}

/// Base64-encodes the text at a dotted body path (`[]` steps go through every item); values
/// that are not text are left for the typed body to refuse.
fn encode_at(value: &mut Value, path: &str) {
    let (step, rest) = match path.split_once('.') {
        Some((step, rest)) => (step, Some(rest)),
        None => (path, None),
    };
    let (name, each) = match step.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (step, false),
    };
    let Some(child) = value.get_mut(name) else {
        return;
    };
    let mut targets: Vec<&mut Value> = match (each, child) {
        (true, Value::Array(items)) => items.iter_mut().collect(),
        (true, _) => Vec::new(),
        (false, child) => vec![child],
    };
    for target in targets.iter_mut() {
        match rest {
            Some(rest) => encode_at(target, rest),
            None => {
                if let Value::String(text) = &**target {
                    let wire = lineworks_partner::SecretText::new(text.as_str()).to_base64();
                    **target = Value::String(wire);
                }
            }
        }
    }
}

/// Everything but unreserved characters (RFC 3986) is encoded in a path segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn url_segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}

/// A field flag's text as the JSON value of its kind.
pub fn typed(flag: &str, kind: Kind, text: &str) -> Result<Value, CliError> {
    let bad = |what: &str| CliError::flag(flag, format!("{text:?} is not {what}"));
    Ok(match kind {
        Kind::String | Kind::Enum => Value::String(text.to_string()),
        Kind::Integer => Value::from(text.parse::<i64>().map_err(|_| bad("an integer"))?),
        Kind::Number => {
            let n = text.parse::<f64>().map_err(|_| bad("a number"))?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| bad("a finite number"))?
        }
        Kind::Boolean => Value::Bool(text.parse::<bool>().map_err(|_| bad("true or false"))?),
    })
}

/// `--body FILE|-`: a JSON or YAML document.
fn read_body(source: &str) -> Result<Value, CliError> {
    let text = if source == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::flag("body", format!("reading stdin: {e}")))?;
        s
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| CliError::flag("body", format!("reading {source}: {e}")))?
    };
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(json_err) => serde_saphyr::from_str(&text).map_err(|yaml_err| {
            CliError::flag(
                "body",
                format!("{source} is neither JSON ({json_err}) nor YAML ({yaml_err})"),
            )
        })?,
    };
    if !value.is_object() {
        return Err(CliError::flag("body", "the document must be an object"));
    }
    Ok(value)
}
