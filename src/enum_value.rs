//! The error of turning caller text into an enum value.

use std::fmt;

/// Text that is none of the values the spec lists for an enum, e.g. `"jp"` for a
/// [`Locale`](crate::types::Locale).
///
/// ```
/// use lineworks_partner::types::Locale;
/// let err = "jp".parse::<Locale>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "`jp` is not a Locale value the spec lists; expected one of: ja_JP, ko_KR, en_US, zh_TW, zh_CN"
/// );
/// // Sending a value the spec does not list is possible, but only on purpose:
/// let new_locale = Locale::Unknown("fr_FR".into());
/// # let _ = new_locale;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownValue {
    type_name: &'static str,
    value: String,
    allowed: &'static [&'static str],
}

impl UnknownValue {
    pub(crate) fn new(
        type_name: &'static str,
        value: &str,
        allowed: &'static [&'static str],
    ) -> Self {
        Self {
            type_name,
            value: value.to_string(),
            allowed,
        }
    }
    /// The enum the text was meant for.
    pub fn type_name(&self) -> &str {
        self.type_name
    }
    /// The text that was refused.
    pub fn value(&self) -> &str {
        &self.value
    }
    /// The values the spec lists.
    pub fn allowed(&self) -> &'static [&'static str] {
        self.allowed
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a {} value the spec lists; expected one of: {}",
            self.value,
            self.type_name,
            self.allowed.join(", ")
        )
    }
}

impl std::error::Error for UnknownValue {}
