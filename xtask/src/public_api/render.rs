//! Rustdoc JSON (the `rustdoc-types` model) to one line per public item: every path a user can
//! name, with the signature that code using it depends on. Items hidden from the docs are not
//! listed (rustdoc leaves them out), nor are blanket impls (they follow from the others).
//!
//! Types are written with the path a user names them by: the crate's own items by their first
//! public path (not the private module that defines them, so moving code is no API change),
//! other crates' items by the canonical path rustdoc records.

use rustdoc_types::{
    Crate, GenericArg, GenericArgs, GenericBound, GenericParamDef, GenericParamDefKind, Generics,
    Id, Item, ItemEnum, Path, StructKind, Term, TraitBoundModifier, Type, VariantKind, Visibility,
    WherePredicate,
};
use std::collections::{BTreeSet, HashMap, HashSet};

const STABLE_AUTO_TRAITS: &[&str] = &["Send", "Sync", "Unpin", "UnwindSafe", "RefUnwindSafe"];

pub fn lines(krate: &Crate) -> Result<BTreeSet<String>, String> {
    let root = krate
        .index
        .get(&krate.root)
        .ok_or("the root module is not in the index")?;
    let name = root.name.clone().ok_or("the root module has no name")?;
    let mut walker = Walker {
        krate,
        public: HashMap::new(),
        seen: HashSet::new(),
        found: Vec::new(),
    };
    walker.module(root, &name);
    // The public name of each of the crate's items: the shortest path, then the first in order.
    for (id, path) in &walker.found {
        let better = walker.public.get(id).is_none_or(|p: &String| {
            (path.matches("::").count(), path) < (p.matches("::").count(), p)
        });
        if better {
            walker.public.insert(*id, path.clone());
        }
    }
    let r = Render {
        krate,
        public: &walker.public,
    };
    let mut out = BTreeSet::new();
    for (id, path) in &walker.found {
        if let Some(item) = krate.index.get(id) {
            r.item(item, path, &mut out);
        }
    }
    Ok(out)
}

struct Walker<'a> {
    krate: &'a Crate,
    public: HashMap<Id, String>,
    seen: HashSet<(Id, String)>,
    /// Every (item, public path) reached from the root.
    found: Vec<(Id, String)>,
}

impl Walker<'_> {
    fn module(&mut self, module: &Item, path: &str) {
        if !self.seen.insert((module.id, path.to_string())) {
            return;
        }
        self.found.push((module.id, path.to_string()));
        let ItemEnum::Module(m) = &module.inner else {
            return;
        };
        for id in &m.items {
            let Some(item) = self.krate.index.get(id) else {
                continue;
            };
            match &item.inner {
                ItemEnum::Use(u) => {
                    let target = u.id.and_then(|id| self.krate.index.get(&id));
                    match (target, u.is_glob) {
                        (Some(t), true) => self.glob(t, path),
                        (Some(t), false) => self.named(t, &format!("{path}::{}", u.name)),
                        // A re-export of an item rustdoc did not inline (another crate's).
                        (None, _) => self.found.push((item.id, format!("{path}::{}", u.name))),
                    }
                }
                _ => {
                    if let Some(name) = &item.name {
                        self.named(item, &format!("{path}::{name}"));
                    }
                }
            }
        }
    }

    fn glob(&mut self, target: &Item, path: &str) {
        if let ItemEnum::Module(m) = &target.inner {
            for id in m.items.clone() {
                if let Some(item) = self.krate.index.get(&id)
                    && let Some(name) = &item.name
                {
                    self.named(item, &format!("{path}::{name}"));
                }
            }
        }
    }

    fn named(&mut self, item: &Item, path: &str) {
        match &item.inner {
            ItemEnum::Module(_) => self.module(item, path),
            _ => {
                if self.seen.insert((item.id, path.to_string())) {
                    self.found.push((item.id, path.to_string()));
                }
            }
        }
    }
}

struct Render<'a> {
    krate: &'a Crate,
    public: &'a HashMap<Id, String>,
}

impl Render<'_> {
    fn item(&self, item: &Item, path: &str, out: &mut BTreeSet<String>) {
        let attrs = if item
            .attrs
            .iter()
            .any(|a| matches!(a, rustdoc_types::Attribute::NonExhaustive))
        {
            " #[non_exhaustive]"
        } else {
            ""
        };
        match &item.inner {
            ItemEnum::Module(_) => {
                out.insert(format!("mod {path}"));
            }
            ItemEnum::Use(u) => {
                out.insert(format!("use {path} = {}", u.source));
            }
            ItemEnum::Struct(s) => {
                let shape = match &s.kind {
                    StructKind::Unit => String::new(),
                    StructKind::Tuple(fields) => {
                        let f: Vec<String> = fields
                            .iter()
                            .map(|f| match f.and_then(|id| self.krate.index.get(&id)) {
                                Some(Item {
                                    inner: ItemEnum::StructField(t),
                                    ..
                                }) => self.ty(t),
                                _ => "_".to_string(),
                            })
                            .collect();
                        format!("({})", f.join(", "))
                    }
                    StructKind::Plain {
                        fields,
                        has_stripped_fields,
                    } => {
                        self.fields(fields, path, out);
                        if *has_stripped_fields {
                            " {..}".to_string()
                        } else {
                            " {}".to_string()
                        }
                    }
                };
                let g = self.generics(&s.generics);
                out.insert(format!("struct {path}{}{shape}{}{attrs}", g.0, g.1));
                self.impls(&s.impls, path, out);
            }
            ItemEnum::Union(u) => {
                self.fields(&u.fields, path, out);
                let g = self.generics(&u.generics);
                out.insert(format!("union {path}{}{}{attrs}", g.0, g.1));
                self.impls(&u.impls, path, out);
            }
            ItemEnum::Enum(e) => {
                let g = self.generics(&e.generics);
                out.insert(format!("enum {path}{}{}{attrs}", g.0, g.1));
                for id in &e.variants {
                    if let Some(v) = self.krate.index.get(id) {
                        self.variant(v, path, out);
                    }
                }
                self.impls(&e.impls, path, out);
            }
            ItemEnum::Function(f) => {
                out.insert(format!("fn {path}{}", self.function(f)));
            }
            ItemEnum::Trait(t) => {
                let g = self.generics(&t.generics);
                let bounds = if t.bounds.is_empty() {
                    String::new()
                } else {
                    format!(": {}", self.bounds(&t.bounds))
                };
                let unsafe_ = if t.is_unsafe { " unsafe" } else { "" };
                out.insert(format!("trait {path}{}{bounds}{}{unsafe_}", g.0, g.1));
                for id in &t.items {
                    if let Some(i) = self.krate.index.get(id) {
                        self.assoc(i, path, true, out);
                    }
                }
            }
            ItemEnum::TypeAlias(t) => {
                let g = self.generics(&t.generics);
                out.insert(format!("type {path}{} = {}{}", g.0, self.ty(&t.type_), g.1));
            }
            ItemEnum::Constant { type_, .. } => {
                out.insert(format!("const {path}: {}", self.ty(type_)));
            }
            ItemEnum::Static(s) => {
                let m = if s.is_mutable { "mut " } else { "" };
                out.insert(format!("static {path}: {m}{}", self.ty(&s.type_)));
            }
            ItemEnum::Macro(_) => {
                out.insert(format!("macro {path}!"));
            }
            ItemEnum::ProcMacro(_) => {
                out.insert(format!("proc_macro {path}"));
            }
            ItemEnum::TraitAlias(_) => {
                out.insert(format!("trait_alias {path}"));
            }
            _ => {}
        }
    }

    fn fields(&self, fields: &[Id], path: &str, out: &mut BTreeSet<String>) {
        for id in fields {
            if let Some(f) = self.krate.index.get(id)
                && let (ItemEnum::StructField(t), Some(name)) = (&f.inner, &f.name)
                && f.visibility == Visibility::Public
            {
                out.insert(format!("field {path}::{name}: {}", self.ty(t)));
            }
        }
    }

    fn variant(&self, v: &Item, path: &str, out: &mut BTreeSet<String>) {
        let (ItemEnum::Variant(var), Some(name)) = (&v.inner, &v.name) else {
            return;
        };
        let field_ty = |id: &Id| match self.krate.index.get(id) {
            Some(Item {
                inner: ItemEnum::StructField(t),
                name,
                ..
            }) => (name.clone().unwrap_or_default(), self.ty(t)),
            _ => (String::new(), "_".to_string()),
        };
        let shape = match &var.kind {
            VariantKind::Plain => String::new(),
            VariantKind::Tuple(fields) => {
                let f: Vec<String> = fields
                    .iter()
                    .map(|f| f.as_ref().map_or("_".to_string(), |id| field_ty(id).1))
                    .collect();
                format!("({})", f.join(", "))
            }
            VariantKind::Struct {
                fields,
                has_stripped_fields,
            } => {
                let mut f: Vec<String> = fields
                    .iter()
                    .map(|id| {
                        let (n, t) = field_ty(id);
                        format!("{n}: {t}")
                    })
                    .collect();
                if *has_stripped_fields {
                    f.push("..".into());
                }
                format!(" {{ {} }}", f.join(", "))
            }
        };
        let non_exhaustive = if v
            .attrs
            .iter()
            .any(|a| matches!(a, rustdoc_types::Attribute::NonExhaustive))
        {
            " #[non_exhaustive]"
        } else {
            ""
        };
        out.insert(format!("variant {path}::{name}{shape}{non_exhaustive}"));
    }

    fn impls(&self, impls: &[Id], path: &str, out: &mut BTreeSet<String>) {
        for id in impls {
            let Some(Item {
                inner: ItemEnum::Impl(imp),
                ..
            }) = self.krate.index.get(id)
            else {
                continue;
            };
            if imp.blanket_impl.is_some() {
                continue;
            }
            // Auto traits: the stable ones only, so that a nightly adding an unstable one
            // (Freeze, UnsafeUnpin) does not make the snapshot stale.
            if imp.is_synthetic
                && !imp.trait_.as_ref().is_some_and(|t| {
                    let name = t.path.rsplit("::").next().unwrap_or_default();
                    STABLE_AUTO_TRAITS.contains(&name)
                })
            {
                continue;
            }
            match &imp.trait_ {
                None => {
                    for id in &imp.items {
                        if let Some(i) = self.krate.index.get(id)
                            && i.visibility == Visibility::Public
                        {
                            self.assoc(i, path, false, out);
                        }
                    }
                }
                Some(t) => {
                    let g = self.generics(&imp.generics);
                    let neg = if imp.is_negative { "!" } else { "" };
                    let unsafe_ = if imp.is_unsafe { "unsafe " } else { "" };
                    out.insert(format!(
                        "impl {unsafe_}{neg}{}{} for {}{}",
                        self.path(t),
                        if g.0.is_empty() {
                            String::new()
                        } else {
                            format!(" with {}", g.0)
                        },
                        self.ty(&imp.for_),
                        g.1
                    ));
                }
            }
        }
    }

    /// An item of a trait or of an inherent impl, under its owner's path.
    fn assoc(&self, i: &Item, owner: &str, in_trait: bool, out: &mut BTreeSet<String>) {
        let Some(name) = &i.name else { return };
        let path = format!("{owner}::{name}");
        match &i.inner {
            ItemEnum::Function(f) => {
                let provided = if in_trait && f.has_body {
                    " (provided)"
                } else {
                    ""
                };
                out.insert(format!("fn {path}{}{provided}", self.function(f)));
            }
            ItemEnum::AssocConst { type_, .. } => {
                out.insert(format!("const {path}: {}", self.ty(type_)));
            }
            ItemEnum::AssocType {
                generics,
                bounds,
                type_,
            } => {
                let g = self.generics(generics);
                let b = if bounds.is_empty() {
                    String::new()
                } else {
                    format!(": {}", self.bounds(bounds))
                };
                let t = type_
                    .as_ref()
                    .map_or(String::new(), |t| format!(" = {}", self.ty(t)));
                out.insert(format!("type {path}{}{b}{t}{}", g.0, g.1));
            }
            _ => {}
        }
    }

    fn function(&self, f: &rustdoc_types::Function) -> String {
        let g = self.generics(&f.generics);
        let args: Vec<String> = f
            .sig
            .inputs
            .iter()
            .map(|(name, t)| match (name.as_str(), t) {
                ("self", Type::Generic(s)) if s == "Self" => "self".to_string(),
                (
                    "self",
                    Type::BorrowedRef {
                        is_mutable,
                        type_,
                        lifetime,
                    },
                ) if matches!(&**type_, Type::Generic(s) if s == "Self") => {
                    let l = lifetime.as_ref().map_or(String::new(), |l| format!("{l} "));
                    let m = if *is_mutable { "mut " } else { "" };
                    format!("&{l}{m}self")
                }
                _ => self.ty(t),
            })
            .collect();
        let ret = f
            .sig
            .output
            .as_ref()
            .map_or(String::new(), |t| format!(" -> {}", self.ty(t)));
        let h = &f.header;
        let mut quals = String::new();
        for (on, word) in [
            (h.is_const, " const"),
            (h.is_async, " async"),
            (h.is_unsafe, " unsafe"),
        ] {
            if on {
                quals.push_str(word);
            }
        }
        format!("{}({}){ret}{}{quals}", g.0, args.join(", "), g.1)
    }

    /// `<params>` and ` where predicates` of a generics list.
    fn generics(&self, g: &Generics) -> (String, String) {
        let params: Vec<String> = g
            .params
            .iter()
            .filter(|p| {
                !matches!(
                    p.kind,
                    GenericParamDefKind::Type {
                        is_synthetic: true,
                        ..
                    }
                )
            })
            .map(|p| self.param(p))
            .collect();
        let params = if params.is_empty() {
            String::new()
        } else {
            format!("<{}>", params.join(", "))
        };
        let preds: Vec<String> = g
            .where_predicates
            .iter()
            .map(|w| match w {
                WherePredicate::BoundPredicate {
                    type_,
                    bounds,
                    generic_params,
                } => format!(
                    "{}{}: {}",
                    self.hrtb(generic_params),
                    self.ty(type_),
                    self.bounds(bounds)
                ),
                WherePredicate::LifetimePredicate { lifetime, outlives } => {
                    format!("{lifetime}: {}", outlives.join(" + "))
                }
                WherePredicate::EqPredicate { lhs, rhs } => {
                    format!("{} = {}", self.ty(lhs), self.term(rhs))
                }
            })
            .collect();
        let preds = if preds.is_empty() {
            String::new()
        } else {
            format!(" where {}", preds.join(", "))
        };
        (params, preds)
    }

    fn param(&self, p: &GenericParamDef) -> String {
        match &p.kind {
            GenericParamDefKind::Lifetime { outlives } if outlives.is_empty() => p.name.clone(),
            GenericParamDefKind::Lifetime { outlives } => {
                format!("{}: {}", p.name, outlives.join(" + "))
            }
            GenericParamDefKind::Type {
                bounds, default, ..
            } => {
                let b = if bounds.is_empty() {
                    String::new()
                } else {
                    format!(": {}", self.bounds(bounds))
                };
                let d = default
                    .as_ref()
                    .map_or(String::new(), |t| format!(" = {}", self.ty(t)));
                format!("{}{b}{d}", p.name)
            }
            GenericParamDefKind::Const { type_, default } => {
                let d = default
                    .as_ref()
                    .map_or(String::new(), |d| format!(" = {d}"));
                format!("const {}: {}{d}", p.name, self.ty(type_))
            }
        }
    }

    fn hrtb(&self, params: &[GenericParamDef]) -> String {
        if params.is_empty() {
            return String::new();
        }
        let p: Vec<String> = params.iter().map(|p| self.param(p)).collect();
        format!("for<{}> ", p.join(", "))
    }

    fn bounds(&self, bounds: &[GenericBound]) -> String {
        let b: Vec<String> = bounds
            .iter()
            .map(|b| match b {
                GenericBound::TraitBound {
                    trait_,
                    generic_params,
                    modifier,
                } => {
                    let m = match modifier {
                        TraitBoundModifier::None => "",
                        TraitBoundModifier::Maybe => "?",
                        TraitBoundModifier::MaybeConst => "~const ",
                    };
                    format!("{}{m}{}", self.hrtb(generic_params), self.path(trait_))
                }
                GenericBound::Outlives(l) => l.clone(),
                GenericBound::Use(args) => {
                    let a: Vec<String> = args
                        .iter()
                        .map(|a| match a {
                            rustdoc_types::PreciseCapturingArg::Lifetime(l) => l.clone(),
                            rustdoc_types::PreciseCapturingArg::Param(p) => p.clone(),
                        })
                        .collect();
                    format!("use<{}>", a.join(", "))
                }
            })
            .collect();
        b.join(" + ")
    }

    fn term(&self, t: &Term) -> String {
        match t {
            Term::Type(t) => self.ty(t),
            Term::Constant(c) => c.expr.clone(),
        }
    }

    /// A path as a user writes it: the crate's items by their public path, others' by theirs.
    fn path(&self, p: &Path) -> String {
        let name = self.public.get(&p.id).cloned().unwrap_or_else(|| {
            self.krate
                .paths
                .get(&p.id)
                .map_or_else(|| p.path.clone(), |s| s.path.join("::"))
        });
        format!(
            "{name}{}",
            p.args.as_deref().map_or(String::new(), |a| self.args(a))
        )
    }

    fn args(&self, a: &GenericArgs) -> String {
        match a {
            GenericArgs::AngleBracketed { args, constraints } => {
                let mut parts: Vec<String> = args
                    .iter()
                    .map(|a| match a {
                        GenericArg::Lifetime(l) => l.clone(),
                        GenericArg::Type(t) => self.ty(t),
                        GenericArg::Const(c) => c.expr.clone(),
                        GenericArg::Infer => "_".to_string(),
                    })
                    .collect();
                for c in constraints {
                    let args = c.args.as_deref().map_or(String::new(), |a| self.args(a));
                    parts.push(match &c.binding {
                        rustdoc_types::AssocItemConstraintKind::Equality(t) => {
                            format!("{}{args} = {}", c.name, self.term(t))
                        }
                        rustdoc_types::AssocItemConstraintKind::Constraint(b) => {
                            format!("{}{args}: {}", c.name, self.bounds(b))
                        }
                    });
                }
                if parts.is_empty() {
                    String::new()
                } else {
                    format!("<{}>", parts.join(", "))
                }
            }
            GenericArgs::Parenthesized { inputs, output } => {
                let i: Vec<String> = inputs.iter().map(|t| self.ty(t)).collect();
                let o = output
                    .as_ref()
                    .map_or(String::new(), |t| format!(" -> {}", self.ty(t)));
                format!("({}){o}", i.join(", "))
            }
            GenericArgs::ReturnTypeNotation => "(..)".to_string(),
        }
    }

    fn ty(&self, t: &Type) -> String {
        match t {
            Type::ResolvedPath(p) => self.path(p),
            Type::DynTrait(d) => {
                let mut parts: Vec<String> = d
                    .traits
                    .iter()
                    .map(|p| format!("{}{}", self.hrtb(&p.generic_params), self.path(&p.trait_)))
                    .collect();
                parts.extend(d.lifetime.clone());
                format!("dyn {}", parts.join(" + "))
            }
            Type::Generic(s) | Type::Primitive(s) => s.clone(),
            Type::FunctionPointer(f) => {
                let i: Vec<String> = f.sig.inputs.iter().map(|(_, t)| self.ty(t)).collect();
                let o = f
                    .sig
                    .output
                    .as_ref()
                    .map_or(String::new(), |t| format!(" -> {}", self.ty(t)));
                format!("{}fn({}){o}", self.hrtb(&f.generic_params), i.join(", "))
            }
            Type::Tuple(ts) => {
                let t: Vec<String> = ts.iter().map(|t| self.ty(t)).collect();
                if t.len() == 1 {
                    format!("({},)", t[0])
                } else {
                    format!("({})", t.join(", "))
                }
            }
            Type::Slice(t) => format!("[{}]", self.ty(t)),
            Type::Array { type_, len } => format!("[{}; {len}]", self.ty(type_)),
            Type::Pat { type_, .. } => self.ty(type_),
            Type::ImplTrait(b) => format!("impl {}", self.bounds(b)),
            Type::Infer => "_".to_string(),
            Type::RawPointer { is_mutable, type_ } => {
                let m = if *is_mutable { "mut" } else { "const" };
                format!("*{m} {}", self.ty(type_))
            }
            Type::BorrowedRef {
                lifetime,
                is_mutable,
                type_,
            } => {
                let l = lifetime.as_ref().map_or(String::new(), |l| format!("{l} "));
                let m = if *is_mutable { "mut " } else { "" };
                format!("&{l}{m}{}", self.ty(type_))
            }
            Type::QualifiedPath {
                name,
                args,
                self_type,
                trait_,
            } => {
                let a = args.as_deref().map_or(String::new(), |a| self.args(a));
                match trait_ {
                    Some(t) => format!("<{} as {}>::{name}{a}", self.ty(self_type), self.path(t)),
                    None => format!("{}::{name}{a}", self.ty(self_type)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// rustdoc JSON of `fixture/fixture.rs`, made with (then `paths` trimmed to the items the
    /// index names, spans dropped, to keep it small):
    /// `rustup run nightly rustdoc -Z unstable-options --output-format json --crate-type lib
    /// --crate-name fixture --crate-version 1.2.3 --edition 2024 fixture.rs`.
    /// Made again when `rustdoc-types` moves to a new format.
    const FIXTURE: &str = include_str!("fixture/fixture.json");

    fn lines() -> Vec<String> {
        let krate: rustdoc_types::Crate = serde_json::from_str(FIXTURE).unwrap();
        super::lines(&krate).unwrap().into_iter().collect()
    }

    #[test]
    fn public_items_under_their_public_paths() {
        let lines = lines();
        let has = |l: &str| lines.iter().any(|x| x == l);
        for want in [
            "mod fixture",
            "mod fixture::kinds",
            // Defined in a private module: named by its re-export, private fields summed up.
            "struct fixture::Thing {..} #[non_exhaustive]",
            "field fixture::Thing::id: u32",
            "fn fixture::Thing::new<T: core::convert::Into<alloc::string::String>>(u32, T) -> Self",
            "fn fixture::Thing::fetch(&mut self) -> core::option::Option<&str> async",
            "impl core::clone::Clone for fixture::Thing",
            "impl core::marker::Send for fixture::Thing",
            "enum fixture::kinds::Kind",
            "variant fixture::kinds::Kind::B(u8, alloc::string::String)",
            "variant fixture::kinds::Kind::C { x: i64 }",
            "trait fixture::kinds::Named: core::clone::Clone",
            "fn fixture::kinds::Named::twice(&self) -> alloc::string::String (provided)",
            "type fixture::kinds::Named::Out",
            "const fixture::kinds::Named::N: usize",
            "fn fixture::kinds::make(&[fixture::Thing]) -> core::result::Result<alloc::vec::Vec<fixture::kinds::Kind>, alloc::boxed::Box<dyn core::error::Error + core::marker::Send>>",
            "const fixture::LIMIT: usize",
            "type fixture::Alias = std::collections::hash::map::HashMap<alloc::string::String, fixture::Thing>",
        ] {
            assert!(has(want), "missing `{want}` in:\n{}", lines.join("\n"));
        }
        for line in &lines {
            // Private and hidden items, the private module, unstable auto traits.
            for absent in [
                "inner",
                "secret",
                "private",
                "hidden",
                "Freeze",
                "UnsafeUnpin",
            ] {
                assert!(!line.contains(absent), "`{line}` should not be listed");
            }
        }
    }
}
