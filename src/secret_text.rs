//! Secret text the API takes Base64-encoded (`format: byte` with `writeOnly: true` in the spec).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A secret the API takes Base64-encoded, such as the initial password of a new customer's
/// administrator (`administrator.password`).
///
/// It holds the text itself: give the password as you would type it, and the client puts
/// standard Base64 (padded) on the wire. Reading a body back (`Deserialize`) decodes it again,
/// so the sandbox sees the text. `Debug` never shows the text; [`SecretText::expose`] does.
///
/// ```
/// use lineworks_partner::{types, SecretText};
/// let admin = types::AdministratorCreateRequest::builder()
///     .last_name("Works")
///     .password("Passw0rd1357")
///     .id("admin")
///     .private_email("a@example.com")
///     .build();
/// let wire = serde_json::to_value(&admin).unwrap();
/// assert_eq!(wire["password"], "UGFzc3cwcmQxMzU3");
/// assert!(!format!("{admin:?}").contains("Passw0rd1357"));
/// assert_eq!(SecretText::from("Passw0rd1357"), admin.password);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(String);

impl SecretText {
    /// The secret, from the text itself (not Base64).
    pub fn new(text: impl Into<String>) -> Self {
        SecretText(text.into())
    }

    /// The text itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The text as the API takes it: standard Base64 with padding.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.as_bytes())
    }

    /// Reads the wire form: standard Base64 (with padding) of UTF-8 text. `None` for anything
    /// else.
    pub fn from_base64(wire: &str) -> Option<Self> {
        let bytes = STANDARD.decode(wire).ok()?;
        String::from_utf8(bytes).ok().map(SecretText)
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(<redacted>)")
    }
}

impl From<&str> for SecretText {
    fn from(text: &str) -> Self {
        SecretText::new(text)
    }
}

impl From<String> for SecretText {
    fn from(text: String) -> Self {
        SecretText(text)
    }
}

impl Serialize for SecretText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = String::deserialize(deserializer)?;
        SecretText::from_base64(&wire)
            .ok_or_else(|| serde::de::Error::custom("not standard Base64 (padded) of UTF-8 text"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_round_trips_and_refuses_what_is_not_base64() {
        let secret = SecretText::from("pässwörd1");
        let wire = serde_json::to_string(&secret).unwrap();
        assert_eq!(wire, "\"cMOkc3N3w7ZyZDE=\"");
        assert_eq!(serde_json::from_str::<SecretText>(&wire).unwrap(), secret);
        // Not Base64; padding left off; Base64 of bytes that are not UTF-8.
        for bad in ["\"Passw0rd!\"", "\"cMOkc3N3w7ZyZDE\"", "\"/w==\""] {
            assert!(serde_json::from_str::<SecretText>(bad).is_err(), "{bad}");
        }
        assert_eq!(format!("{secret:?}"), "SecretText(<redacted>)");
    }
}
