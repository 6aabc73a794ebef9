//! What a change of the public API asks of the version number: the snapshot file format, the
//! comparison of two snapshots (removed, changed, added items) and the version step it needs.

use semver::Version;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The public API of one crate version: one line per item (`kind path signature`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub krate: String,
    pub version: Version,
    pub items: BTreeSet<String>,
}

const HEADER: &str = "\
# The public Rust API of this crate with every feature on, one line per item, sorted.
# Written by `cargo xtask public-api` from nightly rustdoc JSON; checked by .ci/semver.
# Do not edit by hand: see docs/VERSIONING.md.
";

impl Snapshot {
    pub fn render(&self) -> String {
        let mut s = format!("{HEADER}crate {} {}\n", self.krate, self.version);
        for item in &self.items {
            s.push_str(item);
            s.push('\n');
        }
        s
    }

    pub fn parse(text: &str) -> Result<Snapshot, String> {
        let mut lines = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        let head = lines
            .next()
            .ok_or("empty snapshot: no `crate NAME VERSION` line")?;
        let (krate, version) = match head.split(' ').collect::<Vec<_>>()[..] {
            ["crate", name, version] => (name, version),
            _ => {
                return Err(format!(
                    "first line must be `crate NAME VERSION`, not `{head}`"
                ));
            }
        };
        let version = Version::parse(version).map_err(|e| format!("version `{version}`: {e}"))?;
        Ok(Snapshot {
            krate: krate.to_string(),
            version,
            items: lines.map(str::to_string).collect(),
        })
    }
}

/// The identity of an item line: its kind and path (`fn a::b::c`), so that the same item with
/// another signature counts as changed. An `impl` line is its own identity (a trait impl either
/// exists or not).
pub fn key(line: &str) -> &str {
    if line.starts_with("impl ") {
        return line;
    }
    let Some(space) = line.find(' ') else {
        return line;
    };
    let path_len = line[space + 1..]
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '!'))
        .unwrap_or(line.len() - space - 1);
    // `field a::S::x: u8`: the colon after the path is not part of it.
    line[..space + 1 + path_len].trim_end_matches(':')
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub removed: Vec<String>,
    /// (before, after) of the items whose line differs under the same kind and path.
    pub changed: Vec<(String, String)>,
    pub added: Vec<String>,
}

/// How much a change asks of the version, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The API is the same.
    None,
    /// Only additions: code that compiled against the old version still compiles.
    Additive,
    /// Something was removed or changed: code using it may no longer compile.
    Breaking,
}

impl Level {
    fn describe(self) -> &'static str {
        match self {
            Level::None => "no API change",
            Level::Additive => "an additive change",
            Level::Breaking => "a breaking change",
        }
    }
}

pub fn diff(old: &BTreeSet<String>, new: &BTreeSet<String>) -> Changes {
    let by_key = |set: &BTreeSet<String>| -> BTreeMap<String, Vec<String>> {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for line in set {
            map.entry(key(line).to_string())
                .or_default()
                .push(line.clone());
        }
        map
    };
    let (old_keys, new_keys) = (by_key(old), by_key(new));
    let mut changes = Changes::default();
    for (k, before) in &old_keys {
        match new_keys.get(k) {
            None => changes.removed.extend(before.iter().cloned()),
            Some(after) if after != before => {
                // One line each side is a changed signature; more (overloads do not exist, but
                // the same path reached twice may) are shown as removed and added.
                if let ([b], [a]) = (&before[..], &after[..]) {
                    changes.changed.push((b.clone(), a.clone()));
                } else {
                    changes
                        .removed
                        .extend(before.iter().filter(|l| !after.contains(l)).cloned());
                    changes
                        .added
                        .extend(after.iter().filter(|l| !before.contains(l)).cloned());
                }
            }
            Some(_) => {}
        }
    }
    for (k, after) in &new_keys {
        if !old_keys.contains_key(k) {
            changes.added.extend(after.iter().cloned());
        }
    }
    changes
}

impl Changes {
    pub fn required(&self) -> Level {
        if !self.removed.is_empty() || !self.changed.is_empty() {
            Level::Breaking
        } else if !self.added.is_empty() {
            Level::Additive
        } else {
            Level::None
        }
    }

    pub fn report(&self) -> String {
        let mut s = String::new();
        for line in &self.removed {
            let _ = writeln!(s, "  removed: {line}");
        }
        for (before, after) in &self.changed {
            let _ = writeln!(s, "  changed: {before}\n       to: {after}");
        }
        for line in &self.added {
            let _ = writeln!(s, "  added:   {line}");
        }
        s
    }
}

/// The largest change the step from `old` to `new` allows, as Cargo reads versions: below 1.0
/// the leftmost non-zero number is the breaking one (0.y.z: y; 0.0.z: z), and an addition needs
/// at least the number after it (0.y.z: z). From 1.0 on, semver itself: major breaks, minor
/// adds, patch changes no API.
pub fn allowed(old: &Version, new: &Version) -> Result<Level, String> {
    if new < old {
        return Err(format!("the version went back from {old} to {new}"));
    }
    let compat = |v: &Version| match (v.major, v.minor) {
        (0, 0) => (0, 0, v.patch),
        (0, minor) => (0, minor, 0),
        (major, _) => (major, 0, 0),
    };
    Ok(if new == old {
        Level::None
    } else if compat(new) != compat(old) {
        Level::Breaking
    } else if old.major > 0 && (new.major, new.minor) == (old.major, old.minor) {
        Level::None
    } else {
        Level::Additive
    })
}

/// The smallest version after `old` that allows `level`.
pub fn next_version(old: &Version, level: Level) -> Version {
    let (major, minor, patch) = (old.major, old.minor, old.patch);
    match (level, major, minor) {
        (Level::None, ..) => old.clone(),
        (Level::Breaking, 0, 0) => Version::new(0, 0, patch + 1),
        (Level::Breaking, 0, _) => Version::new(0, minor + 1, 0),
        (Level::Breaking, ..) => Version::new(major + 1, 0, 0),
        (Level::Additive, 0, 0) => Version::new(0, 0, patch + 1),
        (Level::Additive, 0, _) => Version::new(0, minor, patch + 1),
        (Level::Additive, ..) => Version::new(major, minor + 1, 0),
    }
}

/// The verdict of going from the `base` snapshot to `current`: the changes, and an error
/// naming the version needed when the version step is too small.
pub fn gate(base: &Snapshot, current: &Snapshot) -> (Changes, Result<String, String>) {
    let changes = diff(&base.items, &current.items);
    let need = changes.required();
    let verdict = allowed(&base.version, &current.version).and_then(|step| {
        let (from, to) = (&base.version, &current.version);
        if need <= step {
            Ok(format!(
                "{} from {from} to {to}: the version step allows it",
                need.describe()
            ))
        } else {
            Err(format!(
                "{} from {from} needs version {} or later, the crate says {to}",
                need.describe(),
                next_version(from, need)
            ))
        }
    });
    (changes, verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(lines: &[&str]) -> BTreeSet<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    fn snap(version: &str, lines: &[&str]) -> Snapshot {
        Snapshot {
            krate: "k".into(),
            version: Version::parse(version).unwrap(),
            items: set(lines),
        }
    }

    const BASE: &[&str] = &[
        "fn k::a(u8) -> u8",
        "impl Clone for k::S",
        "struct k::S",
        "field k::S::x: u8",
    ];

    #[test]
    fn key_is_kind_and_path_except_for_impls() {
        assert_eq!(key("fn k::a::b(u8) -> u8"), "fn k::a::b");
        assert_eq!(key("fn k::a<T: Into<String>>(T)"), "fn k::a");
        assert_eq!(key("field k::S::x: u8"), "field k::S::x");
        assert_eq!(key("macro k::m!"), "macro k::m!");
        assert_eq!(key("mod k::m"), "mod k::m");
        assert_eq!(key("impl Clone for k::S"), "impl Clone for k::S");
    }

    #[test]
    fn removed_item_is_breaking() {
        let c = diff(&set(BASE), &set(&BASE[1..]));
        assert_eq!(c.removed, vec!["fn k::a(u8) -> u8".to_string()]);
        assert!(c.changed.is_empty() && c.added.is_empty());
        assert_eq!(c.required(), Level::Breaking);
    }

    #[test]
    fn removed_trait_impl_is_breaking() {
        let new: Vec<&str> = BASE
            .iter()
            .copied()
            .filter(|l| !l.starts_with("impl"))
            .collect();
        let c = diff(&set(BASE), &set(&new));
        assert_eq!(c.removed, vec!["impl Clone for k::S".to_string()]);
        assert_eq!(c.required(), Level::Breaking);
    }

    #[test]
    fn changed_signature_is_breaking_and_paired() {
        let mut new = BASE.to_vec();
        new[0] = "fn k::a(u16) -> u8";
        let c = diff(&set(BASE), &set(&new));
        assert_eq!(
            c.changed,
            vec![(
                "fn k::a(u8) -> u8".to_string(),
                "fn k::a(u16) -> u8".to_string()
            )]
        );
        assert!(c.removed.is_empty() && c.added.is_empty());
        assert_eq!(c.required(), Level::Breaking);
        assert!(
            c.report().contains("changed: fn k::a(u8) -> u8"),
            "{}",
            c.report()
        );
    }

    #[test]
    fn added_items_are_additive_and_nothing_is_none() {
        let mut new = BASE.to_vec();
        new.push("fn k::b()");
        new.push("impl Copy for k::S");
        let c = diff(&set(BASE), &set(&new));
        assert_eq!(c.added.len(), 2);
        assert!(c.removed.is_empty() && c.changed.is_empty());
        assert_eq!(c.required(), Level::Additive);
        assert_eq!(diff(&set(BASE), &set(BASE)).required(), Level::None);
    }

    #[test]
    fn version_steps_below_one() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(allowed(&v("0.1.0"), &v("0.1.0")), Ok(Level::None));
        assert_eq!(allowed(&v("0.1.0"), &v("0.1.1")), Ok(Level::Additive));
        assert_eq!(allowed(&v("0.1.3"), &v("0.2.0")), Ok(Level::Breaking));
        assert_eq!(allowed(&v("0.9.0"), &v("1.0.0")), Ok(Level::Breaking));
        assert_eq!(allowed(&v("0.0.1"), &v("0.0.2")), Ok(Level::Breaking));
        assert!(allowed(&v("0.2.0"), &v("0.1.9")).is_err());
    }

    #[test]
    fn version_steps_from_one() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(allowed(&v("1.2.3"), &v("1.2.4")), Ok(Level::None));
        assert_eq!(allowed(&v("1.2.3"), &v("1.3.0")), Ok(Level::Additive));
        assert_eq!(allowed(&v("1.2.3"), &v("2.0.0")), Ok(Level::Breaking));
    }

    #[test]
    fn next_version_is_the_smallest_sufficient_step() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(next_version(&v("0.1.2"), Level::Breaking), v("0.2.0"));
        assert_eq!(next_version(&v("0.1.2"), Level::Additive), v("0.1.3"));
        assert_eq!(next_version(&v("1.4.2"), Level::Breaking), v("2.0.0"));
        assert_eq!(next_version(&v("1.4.2"), Level::Additive), v("1.5.0"));
        assert_eq!(next_version(&v("0.0.2"), Level::Additive), v("0.0.3"));
        for (old, level) in [
            ("0.1.2", Level::Breaking),
            ("0.1.2", Level::Additive),
            ("1.4.2", Level::Additive),
        ] {
            let old = v(old);
            assert!(allowed(&old, &next_version(&old, level)).unwrap() >= level);
        }
    }

    #[test]
    fn gate_needs_minor_for_removal_and_patch_for_addition_below_one() {
        let base = snap("0.1.0", BASE);
        let removed = &BASE[1..];
        assert!(gate(&base, &snap("0.1.0", removed)).1.is_err());
        let (_, verdict) = gate(&base, &snap("0.1.1", removed));
        assert_eq!(
            verdict,
            Err(
                "a breaking change from 0.1.0 needs version 0.2.0 or later, the crate says 0.1.1"
                    .into()
            )
        );
        assert!(gate(&base, &snap("0.2.0", removed)).1.is_ok());

        let mut added = BASE.to_vec();
        added.push("fn k::b()");
        assert!(gate(&base, &snap("0.1.0", &added)).1.is_err());
        assert!(gate(&base, &snap("0.1.1", &added)).1.is_ok());
        assert!(gate(&base, &snap("0.1.0", BASE)).1.is_ok());
    }

    #[test]
    fn snapshot_round_trips_through_its_text() {
        let s = snap("0.3.1", BASE);
        let text = s.render();
        assert!(text.contains("crate k 0.3.1\n"), "{text}");
        assert_eq!(Snapshot::parse(&text), Ok(s));
        assert!(Snapshot::parse("# only a comment\n").is_err());
        assert!(Snapshot::parse("crate k not-a-version\n").is_err());
    }
}
