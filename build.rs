//! Generates the typed client from `openapi/partner.yaml`; see `codegen/` and
//! `docs/ARCHITECTURE.md`.

#[path = "codegen/mod.rs"]
mod codegen;

fn main() {
    codegen::run();
}
