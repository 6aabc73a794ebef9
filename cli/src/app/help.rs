//! The words of the help pages that are not about one flag: where to start on the top-level
//! page, and the one line on a command's page that points to the global options.

/// The top-level page's starting point, before the list of command groups.
pub const START: &str = "\
Start here:
  lineworks-partner --sandbox list-customers    try it on demo data, no credentials
  lineworks-partner auth login --help           save credentials in a profile
  lineworks-partner list-customers --all -o csv every customer, as csv
  lineworks-partner get-customer --domain-id N  one customer
  lineworks-partner customers                   the commands of a group

Every operation is a command of its own (list-customers, create-subscription, ...) and,
shorter, in its group (customers list); `lineworks-partner help COMMAND` shows its flags.";

/// The top-level page: what it is, how to call it, where to start, then the groups and the
/// global options.
pub const ROOT_TEMPLATE: &str =
    "{about-with-newline}\n{usage-heading} {usage}\n\n{before-help}{all-args}{after-help}";

/// Below a command's own flags: the global ones are documented once.
pub const GLOBALS_HINT: &str = "\
Global options (-o, --fields, --jq, --all, --dry-run, --sandbox, --each-row, ...) work here \
too: lineworks-partner --help";

/// A group's line on the top-level page: its commands' short names.
pub fn group_about(shorts: &[&str]) -> String {
    const SHOWN: usize = 4;
    let mut text = shorts
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if shorts.len() > SHOWN {
        text.push_str(&format!(", ... ({} commands)", shorts.len()));
    }
    text
}
