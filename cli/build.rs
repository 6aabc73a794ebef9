//! Generates one command per operation of the spec with `lineworks-partner-codegen`, which
//! prepares the spec as it does for the client, so the CLI and the crate cannot disagree.

fn main() {
    lineworks_partner_codegen::build_cli();
}
