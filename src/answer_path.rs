//! Where a success answer stops matching its type, as a JSON path: an answer without a field
//! the spec requires is reported as `administrator.lastName`, not as serde's position in the
//! text.

use serde::de::DeserializeOwned;

/// Why an answer did not read as its type: serde's error and the JSON path where it arose.
#[derive(Debug)]
pub(crate) struct Mismatch {
    /// The container the error arose in (`administrator`, `customers[0]`); `.` at the top.
    pub path: String,
    pub error: serde_json::Error,
}

impl Mismatch {
    /// The JSON path of a required field the answer lacks, if that is what went wrong.
    pub fn missing_field(&self) -> Option<String> {
        let text = self.error.to_string();
        let field = text.strip_prefix("missing field `")?.split('`').next()?;
        Some(match self.path.as_str() {
            "." | "" => field.to_string(),
            container => format!("{container}.{field}"),
        })
    }
}

fn tracked<T: DeserializeOwned>(body: &[u8]) -> Result<T, Mismatch> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| Mismatch {
        path: e.path().to_string(),
        error: e.into_inner(),
    })
}

/// `body` read as `T`, as progenitor reads it.
pub(crate) fn strict<T: DeserializeOwned>(body: &[u8]) -> Result<(), Mismatch> {
    tracked::<T>(body).map(drop)
}

/// `body` read as the lenient reader does (`crate::lenient::parse`); a mismatch names the path
/// of the direct reading, which is what the spec describes.
pub(crate) fn lenient<T: DeserializeOwned>(body: &[u8]) -> Result<(), Mismatch> {
    match crate::lenient::parse::<T>(body) {
        Ok(_) => Ok(()),
        Err(error) => Err(match tracked::<T>(body) {
            Err(m) => m,
            Ok(_) => Mismatch {
                path: ".".into(),
                error,
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Inner {
        name: String,
    }
    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Outer {
        id: u32,
        items: Vec<Inner>,
    }

    #[test]
    fn missing_fields_are_named_by_path() {
        let m = strict::<Outer>(br#"{"items": []}"#).unwrap_err();
        assert_eq!(m.missing_field().as_deref(), Some("id"));
        let m = strict::<Outer>(br#"{"id": 1, "items": [{}, {}]}"#).unwrap_err();
        assert_eq!(m.missing_field().as_deref(), Some("items[0].name"));
        let m = strict::<Outer>(br#"{"id": "x", "items": []}"#).unwrap_err();
        assert_eq!(m.missing_field(), None);
    }
}
