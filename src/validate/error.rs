//! The error of a request that breaks the spec's rules, and the translation of the
//! generator's builder messages into it.

use super::{Location, OperationSpec, RuleKind};
use std::fmt;

/// A request that breaks rules of the spec. Nothing was sent.
///
/// It lists every problem found (all missing required body fields, for instance); the
/// accessors `location`, `field` and `violation` describe the first.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationError {
    operation: &'static str,
    problems: Vec<Problem>,
}

/// One value that breaks a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    location: Location,
    field: String,
    violation: Violation,
}

impl Problem {
    /// Where the offending value is.
    pub fn location(&self) -> Location {
        self.location
    }
    /// The spec's parameter name or dotted body path, with array indexes (`items[2].id`);
    /// empty for the body as a whole.
    pub fn field(&self) -> &str {
        &self.field
    }
    /// The rule the value broke.
    pub fn violation(&self) -> &Violation {
        &self.violation
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location == Location::Body && self.field.is_empty() {
            write!(f, "the body {}", self.violation)
        } else {
            write!(f, "{} `{}` {}", self.location, self.field, self.violation)
        }
    }
}

/// Which rule a value broke.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Violation {
    /// A rule of the spec.
    Rule(RuleKind),
    /// A required value was not set.
    Required,
    /// The value could not be converted to the parameter's type, or the body is not valid JSON.
    Malformed(String),
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Rule(rule) => rule.fmt(f),
            Violation::Required => f.write_str("is required"),
            Violation::Malformed(why) => write!(f, "is malformed: {why}"),
        }
    }
}

impl fmt::Display for ValidationError {
    /// `invalid request for create_customer: body fields `domain` and `locale` are required`:
    /// missing values of one location are named together, other problems follow, `; `-separated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid request for {}: ", self.operation)?;
        let mut first = true;
        let mut rest = self.problems.as_slice();
        while let Some(problem) = rest.first() {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            let run = rest
                .iter()
                .take_while(|p| {
                    p.violation == Violation::Required
                        && problem.violation == Violation::Required
                        && p.location == problem.location
                })
                .count();
            if run > 1 {
                let names: Vec<String> = rest[..run]
                    .iter()
                    .map(|p| format!("`{}`", p.field))
                    .collect();
                let (last, init) = names.split_last().expect("run > 1");
                let plural = match problem.location {
                    Location::Query => "query parameters",
                    Location::Path => "path parameters",
                    Location::Body => "body fields",
                };
                write!(f, "{plural} {} and {last} are required", init.join(", "))?;
                rest = &rest[run..];
            } else {
                problem.fmt(f)?;
                rest = &rest[1..];
            }
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

impl ValidationError {
    pub(crate) fn new(
        operation: &'static str,
        location: Location,
        field: impl Into<String>,
        violation: Violation,
    ) -> Self {
        Self {
            operation,
            problems: vec![Problem {
                location,
                field: field.into(),
                violation,
            }],
        }
    }
    /// The operation the request was for.
    pub fn operation(&self) -> &str {
        self.operation
    }
    /// Every problem found, in the order of the spec's fields.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
    fn first(&self) -> &Problem {
        // Never empty: every constructor adds a problem.
        &self.problems[0]
    }
    /// Where the (first) offending value is.
    pub fn location(&self) -> Location {
        self.first().location
    }
    /// The (first) parameter name or dotted body path, with array indexes (`items[2].id`).
    pub fn field(&self) -> &str {
        &self.first().field
    }
    /// The rule the (first) value broke.
    pub fn violation(&self) -> &Violation {
        &self.first().violation
    }
}

/// The problems of a request body a typify builder reports: `(field, message)` pairs of the
/// fields that hold no value or a value that failed to convert, in the builder's words
/// ("no value supplied for locale", "error converting supplied value for plan: ...").
pub(crate) fn body_problems(
    op: &'static OperationSpec,
    problems: &[(&'static str, &str)],
) -> Option<ValidationError> {
    let problems: Vec<Problem> = problems
        .iter()
        .map(|(field, message)| {
            let violation = if message.starts_with("no value supplied for ") {
                Violation::Required
            } else {
                let why = message
                    .split_once(": ")
                    .filter(|(head, _)| head.starts_with("error converting supplied value for "))
                    .map_or(*message, |(_, why)| why);
                Violation::Malformed(why.to_string())
            };
            Problem {
                location: Location::Body,
                field: (*field).to_string(),
                violation,
            }
        })
        .collect();
    (!problems.is_empty()).then_some(ValidationError {
        operation: op.id,
        problems,
    })
}

/// progenitor's builder messages as typed errors. Their forms are fixed by the pinned
/// generator version: "domain_id was not initialized", "conversion to `i64` for domain_id
/// failed: ...". Parameters are named as the spec names them (`domainId`), and placed by the
/// operation's path template: a name in it is a path parameter.
pub(crate) fn from_builder_message(message: &str, op: &'static OperationSpec) -> ValidationError {
    let place = |snake: &str| {
        let name = camel_case(snake);
        let location = if op.path.contains(&format!("{{{name}}}")) {
            Location::Path
        } else {
            Location::Query
        };
        (location, name)
    };
    if let Some(field) = message.strip_suffix(" was not initialized") {
        let (location, name) = place(field);
        return ValidationError::new(op.id, location, name, Violation::Required);
    }
    let conversion = message
        .strip_prefix("conversion to `")
        .and_then(|rest| rest.split_once("` for "))
        .and_then(|(ty, rest)| {
            rest.split_once(" failed")
                .map(|(field, why)| (ty, field, why))
        });
    match conversion {
        Some((ty, field, why)) => {
            let (location, name) = place(field);
            let why = match why.strip_prefix(": ") {
                Some(why) => why.to_string(),
                None => {
                    let name = ty.rsplit("::").next().unwrap_or(ty).trim();
                    match crate::generated::enums::known_values(name) {
                        Some(known) => format!(
                            "not a {name} value the spec lists; expected one of: {}",
                            known.join(", ")
                        ),
                        None => format!("not a valid `{name}`"),
                    }
                }
            };
            ValidationError::new(op.id, location, name, Violation::Malformed(why))
        }
        None => ValidationError::new(
            op.id,
            Location::Body,
            "",
            Violation::Malformed(message.to_string()),
        ),
    }
}

/// `domain_id` -> `domainId`: builder setters are snake_case, the spec's names camelCase.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
