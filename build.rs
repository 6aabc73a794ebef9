//! Generates the typed client from `openapi/partner.yaml` with the `lineworks-partner-codegen`
//! crate; see `docs/ARCHITECTURE.md`.

fn main() {
    lineworks_partner_codegen::build_client();
}
