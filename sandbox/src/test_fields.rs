//! Test fields: made-up fields the sandbox can add to its answers wherever the spec records
//! that the reference pages stop inside an object (`x-truncated: true`), so clients and their
//! tests can see that whatever the real API sends there is kept.
//!
//! The names say what they are (`sandboxTestField…`): they are not, and never claim to be,
//! fields of the real Partner API, whose names there are unknown.

use crate::server::App;
use crate::{Sandbox, SandboxBuilder};
use serde_json::Value;
use std::sync::atomic::Ordering;

/// The text field added to every `x-truncated` object.
pub const TEST_TEXT_FIELD: &str = "sandboxTestFieldText";
/// The number field added to every `x-truncated` object: 1 for the first such object of an
/// answer, 2 for the next, and so on, so rows can be told apart.
pub const TEST_NUMBER_FIELD: &str = "sandboxTestFieldNumber";
/// The value of [`TEST_TEXT_FIELD`].
pub const TEST_TEXT_VALUE: &str = "added by the sandbox; not a Partner API field";

impl crate::spec::Spec {
    /// Adds the test fields to every object of `value` whose schema is `x-truncated`.
    pub(crate) fn add_test_fields(&self, schema: &Value, value: &mut Value) {
        let mut n = 0;
        self.add_test_fields_at(schema, value, &mut n, 0);
    }

    fn add_test_fields_at(&self, schema: &Value, value: &mut Value, n: &mut u64, depth: u32) {
        if depth > 16 {
            return;
        }
        let schema = self.resolve(schema);
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.add_test_fields_at(part, value, n, depth + 1);
            }
        }
        match value {
            Value::Object(object) => {
                if schema.get("x-truncated").and_then(Value::as_bool) == Some(true) {
                    *n += 1;
                    object.insert(TEST_TEXT_FIELD.into(), TEST_TEXT_VALUE.into());
                    object.insert(TEST_NUMBER_FIELD.into(), (*n).into());
                }
                let Some(props) = schema.get("properties").and_then(Value::as_object) else {
                    return;
                };
                for (name, sub) in props {
                    if let Some(v) = object.get_mut(name) {
                        self.add_test_fields_at(sub, v, n, depth + 1);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for item in items {
                        self.add_test_fields_at(item_schema, item, n, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

impl App {
    pub(crate) fn test_fields(&self) -> bool {
        self.test_fields.load(Ordering::Relaxed)
    }
}

impl Sandbox {
    /// Turns test fields on or off (`POST /sandbox/test-fields` with `{"enabled": true}`).
    ///
    /// While on, every object in an answer whose reference pages are cut off inside it (the
    /// spec marks it `x-truncated`; invoice lines, subscriptions, options) gets two fields the
    /// spec does not name: [`TEST_TEXT_FIELD`] and [`TEST_NUMBER_FIELD`]. They stand in for
    /// whatever the real API sends there, so a test can check that a client keeps fields it
    /// cannot name; they are made up and are not the real API's field names.
    ///
    /// ```
    /// use lineworks_partner::{Client, Credentials};
    /// use lineworks_partner_sandbox::{Sandbox, Seed, TEST_NUMBER_FIELD};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = Sandbox::builder().seed(Seed::demo()).start().await?;
    /// sandbox.set_test_fields(true);
    /// let client = Client::builder()
    ///     .base_url(sandbox.base_url())
    ///     .credentials(Credentials::access_token("test"))
    ///     .build()?;
    /// let list = client.list_subscriptions().domain_id(10000001).send().await?;
    /// assert_eq!(list.subscriptions[0].extra[TEST_NUMBER_FIELD], 1);
    /// # Ok(()) }
    /// ```
    pub fn set_test_fields(&self, on: bool) {
        self.app.test_fields.store(on, Ordering::Relaxed);
    }
}

impl SandboxBuilder {
    /// Starts with test fields on; see [`Sandbox::set_test_fields`]. The binary's flag is
    /// `--test-fields`.
    pub fn test_fields(mut self, on: bool) -> Self {
        self.config.test_fields = on;
        self
    }
}
