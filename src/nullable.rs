//! Request fields the API lets you clear.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The value of a request field that the spec marks nullable: the API reads an explicit `null`
/// as "clear this setting" (no user limit, no scheduled withdrawal, no memo), which is not the
/// same as leaving the field out.
///
/// Such fields have the type `Option<Nullable<T>>`: `None` leaves the field out,
/// `Some(Nullable::Null)` sends `null`, `Some(Nullable::Value(v))` sends `v`.
///
/// The setters of request types take a plain value where a value is meant, and
/// `Nullable::Null` for the explicit clear:
///
/// ```
/// use lineworks_partner::{types, Nullable};
/// // Drop a scheduled withdrawal, keep the user limit as it is.
/// let body = types::UsageStatusPatchRequest::new().withdrawal_date(Nullable::Null);
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"withdrawalDate":null}"#);
/// // Set a user limit of 50.
/// let body = types::UsageStatusPatchRequest::new().max_member_count(50);
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"maxMemberCount":50}"#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// Send `null`: clear the setting.
    Null,
    /// Send this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, or `None` for `Null`.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(v) => Some(v),
        }
    }
}

impl<T> Nullable<T> {
    /// The value, or `None` for `Null`; `field.and_then(Nullable::into_value)` reads
    /// an `Option<Nullable<T>>` as "absent or null alike".
    pub fn into_value(self) -> Option<T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(v) => Some(v),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

/// So a text field takes a literal: `.memo("renewed by phone")`.
impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_string())
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Null => serializer.serialize_none(),
            Nullable::Value(v) => v.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        })
    }
}
