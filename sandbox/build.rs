//! Embeds the spec the sandbox routes and checks requests by: `lineworks-partner-codegen`
//! ships it, so the package reads nothing outside itself.

fn main() {
    lineworks_partner_codegen::build_sandbox();
}
