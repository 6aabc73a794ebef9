//! `--jq EXPR`: a jq filter (the jaq implementation) run on each JSON value the command would
//! print; like gh's `--jq`, a string result is written as plain text, anything else as
//! compact JSON, one result a line.

use crate::error::CliError;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;
use std::io::{self, Write};

type Data = data::JustLut<Val>;

pub struct Jq {
    filter: jaq_core::Filter<Data>,
}

impl Jq {
    /// Parses and compiles `code`; a mistake is a usage error, before anything is sent.
    pub fn compile(code: &str) -> Result<Jq, CliError> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let arena = Arena::default();
        let program = File { code, path: () };
        let bad =
            |what: &str, detail: String| CliError::flag("jq", format!("{what} {code:?}: {detail}"));
        let modules = Loader::new(defs).load(&arena, program).map_err(|errors| {
            let detail: Vec<String> = errors.iter().map(|(_, e)| format!("{e:?}")).collect();
            bad("cannot parse", detail.join("; "))
        })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let detail: Vec<String> = errors
                    .iter()
                    .flat_map(|(_, list)| list.iter().map(|(name, why)| format!("{why:?} {name}")))
                    .collect();
                bad("cannot compile", detail.join("; "))
            })?;
        Ok(Jq { filter })
    }

    /// Runs the filter on `value` and writes each result on its own line. A runtime error
    /// (`.a` of a string) is `InvalidInput`, reported as a usage error.
    pub fn write(&self, out: &mut impl Write, value: &serde_json::Value) -> io::Result<()> {
        let text = serde_json::to_vec(value)?;
        let input = jaq_json::read::parse_single(&text)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("--jq: {e}")))?;
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([]));
        for result in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let v = result
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("--jq: {e}")))?;
            match &v {
                Val::TStr(s) => out.write_all(s)?,
                other => write!(out, "{other}")?,
            }
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}
