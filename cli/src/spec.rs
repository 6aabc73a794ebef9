//! The shape of the generated command table (`COMMANDS`, built by `codegen/src/cli.rs`).

/// One operation of the spec, as a command.
#[derive(Debug)]
pub struct CommandSpec {
    /// The `operationId` (snake_case), the crate's method name.
    pub id: &'static str,
    /// The command name: the `operationId` in kebab-case.
    pub name: &'static str,
    /// The spec's first tag, the group alias (`customers`, `subscriptions`, ...).
    pub tag: &'static str,
    pub method: &'static str,
    /// `deprecated: true` in the spec: hidden from the help listing, and running it prints
    /// [`CommandSpec::deprecation_notice`] on stderr.
    pub deprecated: bool,
    /// The commands that replace a deprecated one (`x-replaced-by`, kebab-case).
    pub replaced_by: &'static [&'static str],
    /// Path template relative to the base URL.
    pub path: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    /// A command line with every required flag, from the spec's examples.
    pub example: &'static str,
    pub docs_url: Option<&'static str>,
    pub params: &'static [ParamSpec],
    pub body: Option<BodySpec>,
    /// For lists: the answer's array of items (rows of ndjson, csv and table output).
    pub items_field: Option<&'static str>,
    /// DELETE and operations summed up as a cancellation: confirmed on a terminal, refused
    /// without `--yes` otherwise (and so is a body field that schedules one, `Cancels`).
    pub destructive: bool,
    /// Cursor-paged: `--all` follows `nextCursor`.
    pub paged: bool,
    /// The page-size parameter of a paged list, and the largest value the spec allows.
    pub count_param: Option<&'static str>,
    pub count_max: Option<i64>,
    /// JSON pointer to a page's next cursor (`/responseMetaData/nextCursor`).
    pub next_cursor: Option<&'static str>,
    /// Table columns, most telling first (dotted for nested fields).
    pub columns: &'static [&'static str],
    /// Every field of a row as the csv header (dotted, spec order); empty when the spec
    /// declares no answer schema.
    pub csv_columns: &'static [&'static str],
    /// A row's arrays of objects and their items' columns (`FIELD.name`), for `--explode`.
    pub lists: &'static [(&'static str, &'static [&'static str])],
    /// For a write whose `x-read-back` proves creation (`proves: creation`): how a resume
    /// tells whether a row of unknown outcome was created.
    pub creation_check: Option<CreationCheck>,
}

/// The listing that shows whether a create was applied: exactly one item matching the row
/// means it was, none that it was not.
#[derive(Debug)]
pub struct CreationCheck {
    /// The read's `operationId`.
    pub read: &'static str,
    /// Each parameter of the read (wire name) and where the row holds its value.
    pub params: &'static [(&'static str, Source)],
    /// The listing's array of items.
    pub items: &'static str,
    /// Each field of an item and the row's value it must equal.
    pub matches: &'static [(&'static str, Source)],
}

/// A value of the write's request, as `x-read-back` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A path parameter (wire name).
    Path(&'static str),
    /// A top-level body field.
    Body(&'static str),
}

impl CommandSpec {
    /// One line for stderr when a deprecated command runs, naming its replacement.
    pub fn deprecation_notice(&self) -> Option<String> {
        if !self.deprecated {
            return None;
        }
        let name = self.name;
        let quoted: Vec<String> = self.replaced_by.iter().map(|r| format!("`{r}`")).collect();
        Some(match quoted.as_slice() {
            [] => format!(
                "warning: `{name}` is deprecated upstream and will be withdrawn; it has no replacement"
            ),
            [one] => format!(
                "warning: `{name}` is deprecated upstream and will be withdrawn; use {one} instead"
            ),
            [init @ .., last] => format!(
                "warning: `{name}` is deprecated upstream and will be withdrawn; use {} or {last} instead, whichever covers your change",
                init.join(", ")
            ),
        })
    }

    /// Whether the operation takes the customer's `domainId` in its path.
    pub fn takes_domain_id(&self) -> bool {
        self.params
            .iter()
            .any(|p| p.wire == "domainId" && p.location == Location::Path)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
}

/// How a flag's text becomes a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// No flag of today's spec is a number or boolean; an operation adding one still gets its flag.
#[allow(dead_code)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Enum,
}

/// A path or query parameter.
#[derive(Debug)]
pub struct ParamSpec {
    /// The name on the wire (`domainId`).
    pub wire: &'static str,
    /// The flag (`domain-id`).
    pub flag: &'static str,
    pub location: Location,
    pub kind: Kind,
    pub required: bool,
    pub default: Option<&'static str>,
    /// The spec's enum values, listed in `--help`.
    pub values: &'static [&'static str],
    pub description: &'static str,
}

/// Whether setting a body field schedules a cancellation (confirmed like a DELETE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancels {
    No,
    /// Any value but `null` (`withdrawalDate`; `null` drops the scheduled cancellation).
    AnyValue,
    /// These values of an enum (`type: CANCEL`).
    Values(&'static [&'static str]),
}

/// The JSON request body.
#[derive(Debug)]
pub struct BodySpec {
    pub required: bool,
    /// Top-level scalar properties, one flag each.
    pub fields: &'static [FieldSpec],
    /// The names of every top-level property.
    pub properties: &'static [&'static str],
}

/// A top-level scalar property of a request body.
#[derive(Debug)]
pub struct FieldSpec {
    pub wire: &'static str,
    pub flag: &'static str,
    pub kind: Kind,
    /// Whether `--clear FIELD` (an explicit JSON `null`) is allowed.
    pub nullable: bool,
    pub required: bool,
    pub values: &'static [&'static str],
    pub description: &'static str,
    pub cancels: Cancels,
}
