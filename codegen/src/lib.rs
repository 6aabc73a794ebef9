//! The generator behind [`lineworks-partner`](https://docs.rs/lineworks-partner) and its
//! command line, and the LINE WORKS Partner API spec they are generated from.
//!
//! This is a build-time crate: the packages of the project use it from their build scripts,
//! so none of them reads a file outside its own package.
//!
//! | package | build script | what it gets |
//! |---|---|---|
//! | `lineworks-partner` | [`build_client`] | the typed client from its own `openapi/partner.yaml` ([`generate`], [`OUTPUTS`]) |
//! | `lineworks-partner-cli` | [`build_cli`] | one command per operation ([`cli_commands`]), from [`SPEC_YAML`] |
//! | `lineworks-partner-sandbox` | [`build_sandbox`] | [`SPEC_YAML`] itself, which it routes and checks requests by |
//!
//! [`SPEC_YAML`] is a copy of the repository's `openapi/partner.yaml`, the single source of
//! truth, written by `cargo xtask regen` (and checked by `cargo xtask regen --check`), so the
//! client, the commands and the sandbox are generated from the same document. Both halves of
//! the generation (the client's and the CLI's) go through the same preparation of the spec
//! for Rust (open enums, request rules, lenient responses; see the repository's
//! `docs/ARCHITECTURE.md`), so the commands and the client's builders cannot disagree.
//!
//! Errors are plain `String`s naming the spec element: they are printed by a build script and
//! end the build.

mod api;
mod body_builders;
mod cli;
mod deprecated;
mod docs;
mod emit;
mod fixtures;
mod mock_docs;
mod prepare;
mod read_back;
mod types_ext;

use std::path::Path;

/// The files written to `OUT_DIR`, in the order `src/generated.rs` includes them.
pub const OUTPUTS: [&str; 5] = [
    "progenitor.rs",
    "enums.rs",
    "operations.rs",
    "api.rs",
    "httpmock.rs",
];

/// Schemas whose Rust name differs from the spec's: `Error`, the API's error body, would read
/// as `lineworks_partner::Error`, the crate's error. The published spec keeps its names.
const RENAMES: [(&str, &str); 1] = [("Error", "ApiErrorBody")];

/// The spec's name of a generated type.
pub(crate) fn schema_name(rust: &str) -> &str {
    RENAMES
        .iter()
        .find(|(_, r)| *r == rust)
        .map_or(rust, |(spec, _)| spec)
}

/// The spec (`openapi/partner.yaml`) as this version of the crate ships it.
pub const SPEC_YAML: &str = include_str!("../spec/partner.yaml");

/// Everything generated from one spec.
#[derive(Debug)]
pub struct Generated {
    /// Each file's name (one of [`OUTPUTS`], in that order) and its Rust code.
    pub files: Vec<(&'static str, String)>,
}

/// Reads and parses a spec file (YAML or JSON).
pub fn load_spec(path: &Path) -> Result<serde_json::Value, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    serde_saphyr::from_str(&text).map_err(|e| format!("parsing {}: {e}", path.display()))
}

/// [`SPEC_YAML`], parsed.
pub fn spec() -> Result<serde_json::Value, String> {
    serde_saphyr::from_str(SPEC_YAML).map_err(|e| format!("parsing the shipped spec: {e}"))
}

fn pretty(tokens: proc_macro2::TokenStream, what: &str) -> Result<String, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("{what}: generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// The client's code: progenitor's client and types with the crate's additions, the open
/// enums, the request rule table, the typed builders and the httpmock helpers.
pub fn generate(spec: &serde_json::Value) -> Result<Generated, String> {
    let prepared = prepare::prepare(spec)?;
    let openapi: openapiv3::OpenAPI = serde_json::from_value(prepared.spec.clone())
        .map_err(|e| format!("the prepared spec is not OpenAPI 3.0: {e}"))?;

    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_inner_type(quote::quote!(crate::hooks::Shared))
        .with_hooks(progenitor::HooksMode::Expected)
        .with_derive("PartialEq")
        // The only maps are the kept unknown fields of `x-truncated` objects: serde_json's map
        // is ordered (sorted, or as sent with `preserve_order`), so exports are stable.
        .with_map_type("::serde_json::Map");
    for (spec_name, rust) in RENAMES {
        settings.with_patch(
            spec_name,
            progenitor::TypePatch::default().with_rename(rust),
        );
    }
    for e in &prepared.enums {
        settings.with_replacement(
            &e.name,
            format!("crate::generated::enums::{}", e.name),
            [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr].into_iter(),
        );
    }
    for placeholder in &prepared.secrets {
        settings.with_replacement(placeholder, "crate::SecretText", std::iter::empty());
    }
    for (placeholder, inner) in &prepared.nullables {
        settings.with_replacement(
            placeholder,
            format!("crate::Nullable<{inner}>"),
            std::iter::empty(),
        );
    }
    let mut generator = progenitor::Generator::new(&settings);
    let raw = generator
        .generate_tokens(&openapi)
        .map_err(|e| format!("progenitor: {e}"))?;
    let mut raw_file: syn::File =
        syn::parse2(raw).map_err(|e| format!("progenitor output does not parse: {e}"))?;
    // The raw client is private; its `ignore`d usage snippets would only show up as skipped
    // doctests. The public wrappers carry compiled examples instead.
    syn::visit_mut::VisitMut::visit_file_mut(&mut DropIgnoredExamples, &mut raw_file);
    let requests = prepare::request_schemas(&prepared.spec);
    let index = types_ext::extend(
        &mut raw_file,
        spec,
        &prepared.spec,
        &prepared.enums,
        &requests,
    )?;
    body_builders::apply(types_ext::types_module(&mut raw_file)?, &index, spec)?;
    fixtures::fixtures(&mut raw_file, spec, &index)?;
    body_builders::rename_drafts(&mut raw_file)?;
    let mut api_file: syn::File = syn::parse2(api::client_api(
        &raw_file,
        &prepared.operations,
        &index,
        spec,
    )?)
    .map_err(|e| format!("api: generated code does not parse: {e}"))?;
    deprecated::mark_deprecated(spec, &prepared.operations, &mut raw_file, &mut api_file);
    read_back::apply(
        spec,
        &prepared.operations,
        &index,
        &mut raw_file,
        &mut api_file,
    )?;

    let mocks = generator
        .httpmock(&openapi, "crate")
        .map_err(|e| format!("progenitor httpmock: {e}"))?;
    let files = vec![
        (OUTPUTS[0], prettyplease::unparse(&raw_file)),
        (
            OUTPUTS[1],
            pretty(emit::open_enums(&prepared.enums), "enums")?,
        ),
        (
            OUTPUTS[2],
            pretty(emit::operations_table(&prepared.operations), "operations")?,
        ),
        (OUTPUTS[3], prettyplease::unparse(&api_file)),
        (OUTPUTS[4], {
            let mut file: syn::File = syn::parse2(mocks)
                .map_err(|e| format!("httpmock: generated code does not parse: {e}"))?;
            mock_docs::document(&mut file);
            prettyplease::unparse(&file)
        }),
    ];
    Ok(Generated { files })
}

struct DropIgnoredExamples;

impl syn::visit_mut::VisitMut for DropIgnoredExamples {
    fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
        attrs.retain(|attr| {
            let text = quote::ToTokens::to_token_stream(attr).to_string();
            !(attr.path().is_ident("doc") && text.contains("```ignore"))
        });
    }
}

/// The build script of `lineworks-partner`: generates [`OUTPUTS`] from the package's
/// `openapi/partner.yaml` into `OUT_DIR`, and sets `LINEWORKS_PARTNER_SPEC_VERSION` to the
/// spec's `info.version`. On an error it prints the reason and exits with status 1.
pub fn build_client() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let spec_path = Path::new(&manifest).join("openapi/partner.yaml");
    // A change to the generator reaches the build through this crate's version or path.
    println!("cargo:rerun-if-changed=openapi/partner.yaml");
    let result = load_spec(&spec_path).and_then(|spec| {
        // The spec's own semver, for `lineworks_partner::SPEC_VERSION`.
        let version = spec
            .pointer("/info/version")
            .and_then(serde_json::Value::as_str)
            .ok_or("the spec has no info.version")?;
        println!("cargo:rustc-env=LINEWORKS_PARTNER_SPEC_VERSION={version}");
        generate(&spec)
    });
    let generated = match result {
        Ok(g) => g,
        Err(e) => {
            // A panic would bury the reason in a backtrace; this is the message users need.
            eprintln!("error: generating the client from openapi/partner.yaml failed: {e}");
            std::process::exit(1);
        }
    };
    for (name, code) in &generated.files {
        let header = "// Generated by build.rs from openapi/partner.yaml. Do not edit.\n";
        std::fs::write(Path::new(&out).join(name), format!("{header}{code}"))
            .expect("OUT_DIR is writable");
    }
}

/// The command table and typed dispatch of the CLI (`commands.rs`), generated from `spec`
/// prepared exactly as [`generate`] prepares it.
pub fn cli_commands(spec: &serde_json::Value) -> Result<String, String> {
    let prepared = prepare::prepare(spec)?;
    let tokens = cli::commands(spec, &prepared)?;
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("generated code: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// The build script of `lineworks-partner-cli`: writes `commands.rs` ([`cli_commands`] of
/// [`SPEC_YAML`]) into `OUT_DIR`. On an error it prints the reason and exits with status 1.
pub fn build_cli() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    // Nothing but this crate feeds the commands; without a rerun line cargo would rerun the
    // script on any change in the package.
    println!("cargo:rerun-if-changed=build.rs");
    match spec().and_then(|spec| cli_commands(&spec)) {
        Ok(code) => {
            let header = "// Generated by cli/build.rs from openapi/partner.yaml. Do not edit.\n";
            std::fs::write(
                Path::new(&out).join("commands.rs"),
                format!("{header}{code}"),
            )
            .expect("OUT_DIR is writable")
        }
        Err(e) => {
            eprintln!("error: generating the commands from openapi/partner.yaml failed: {e}");
            std::process::exit(1);
        }
    }
}

/// The build script of `lineworks-partner-sandbox`: writes [`SPEC_YAML`] to
/// `OUT_DIR/partner.yaml`, which the sandbox embeds with `include_str!`.
pub fn build_sandbox() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    std::fs::write(Path::new(&out).join("partner.yaml"), SPEC_YAML).expect("OUT_DIR is writable");
}
