//! Hostile variants of a JSON document, for the property tests: the spec's own examples with
//! fields dropped, nulled, retyped, blown up or buried.

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Value, json};

/// One change to one node of a document.
#[derive(Clone, Debug)]
pub enum Change {
    Drop,
    Null,
    /// A value of another JSON type.
    Retype(u8),
    /// A string of this many characters (up to 200,000).
    HugeString(usize),
    /// A number no field expects: beyond 64 bits, negative, fractional, or extreme.
    OddNumber(u8),
    /// A string no enum lists.
    UnknownText,
    /// The value wrapped in this many arrays (past serde_json's depth limit of 128 at times).
    Bury(usize),
    /// A field the spec does not name, added beside it.
    Extra,
    /// The node's list (or the node as one) with its items repeated.
    Repeat(usize),
}

/// 1 to 4 changes, each at the node picked by its index (modulo the number of nodes).
pub fn changes() -> impl Strategy<Value = Vec<(usize, Change)>> {
    let change = prop_oneof![
        Just(Change::Drop),
        Just(Change::Null),
        (0u8..5).prop_map(Change::Retype),
        prop_oneof![0usize..64, Just(65_536), Just(200_000)].prop_map(Change::HugeString),
        (0u8..7).prop_map(Change::OddNumber),
        Just(Change::UnknownText),
        prop_oneof![1usize..8, Just(100), Just(127), Just(200)].prop_map(Change::Bury),
        Just(Change::Extra),
        (2usize..50).prop_map(Change::Repeat),
    ];
    proptest::collection::vec((any::<usize>(), change), 1..5)
}

/// Every node of `value` as a JSON pointer, the root first.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn odd_number(kind: u8) -> Value {
    match kind {
        0 => json!(u64::MAX),
        1 => json!(i64::MIN),
        2 => json!(-1),
        3 => json!(1.5),
        4 => json!(1e308),
        5 => json!(0),
        // Past u64: serde_json reads it as f64, so integer fields must refuse it.
        _ => serde_json::from_str("123456789012345678901234567890").unwrap(),
    }
}

fn retyped(old: &Value, kind: u8) -> Value {
    let options = [
        json!(true),
        json!(42),
        json!("text"),
        json!([1, "a", null]),
        json!({"k": 1}),
    ];
    let pick = options[kind as usize % options.len()].clone();
    // Another type than the old one, whichever that was.
    if std::mem::discriminant(&pick) == std::mem::discriminant(old) {
        options[(kind as usize + 1) % options.len()].clone()
    } else {
        pick
    }
}

/// `doc` with `changes` applied in turn.
pub fn apply(mut doc: Value, changes: &[(usize, Change)]) -> Value {
    for (pick, change) in changes {
        let mut all = Vec::new();
        pointers(&doc, String::new(), &mut all);
        let at = &all[pick % all.len()];
        let (parent, key) = match at.rfind('/') {
            Some(i) => (
                at[..i].to_string(),
                Some(at[i + 1..].replace("~1", "/").replace("~0", "~")),
            ),
            None => (String::new(), None),
        };
        if let (Change::Drop, Some(key)) = (change, &key) {
            match doc.pointer_mut(&parent) {
                Some(Value::Object(map)) => {
                    map.remove(key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>() {
                        items.remove(i);
                    }
                }
                _ => {}
            }
            continue;
        }
        if let (Change::Extra, Some(Value::Object(map))) = (change, doc.pointer_mut(&parent)) {
            map.insert("unexpectedField".into(), json!({"nested": [1, 2, 3]}));
            continue;
        }
        let Some(node) = doc.pointer_mut(at) else {
            continue;
        };
        let old = std::mem::take(node);
        *node = match change {
            Change::Drop | Change::Null | Change::Extra => Value::Null,
            Change::Retype(kind) => retyped(&old, *kind),
            Change::HugeString(n) => Value::String("界".repeat(*n)),
            Change::OddNumber(kind) => odd_number(*kind),
            Change::UnknownText => json!("NOT_A_VALUE_ANY_SPEC_LISTS"),
            Change::Bury(depth) => (0..*depth).fold(old, |inner, _| Value::Array(vec![inner])),
            Change::Repeat(n) => match old {
                Value::Array(items) => Value::Array(
                    items
                        .iter()
                        .cycle()
                        .take(items.len() * n)
                        .cloned()
                        .collect(),
                ),
                other => Value::Array(vec![other; *n]),
            },
        };
    }
    doc
}

/// The body of a document, as bytes; `Bury` past serde_json's depth limit cannot be written
/// by `to_vec` either, so it is written by hand.
pub fn to_bytes(doc: &Value) -> Vec<u8> {
    fn write(value: &Value, out: &mut Vec<u8>) {
        match value {
            Value::Array(items) => {
                out.push(b'[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write(v, out);
                }
                out.push(b']');
            }
            Value::Object(map) => {
                out.push(b'{');
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.extend(serde_json::to_vec(k).unwrap());
                    out.push(b':');
                    write(v, out);
                }
                out.push(b'}');
            }
            leaf => out.extend(serde_json::to_vec(leaf).unwrap()),
        }
    }
    let mut out = Vec::new();
    write(doc, &mut out);
    out
}

/// `cases` cases, without writing failures next to the sources (a failing case is printed).
pub fn quiet(cases: u32) -> Config {
    Config {
        failure_persistence: None,
        ..Config::with_cases(cases)
    }
}
