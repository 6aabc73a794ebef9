//! Where a profile's client secret is kept: the OS keyring (macOS Keychain, Windows Credential
//! Manager, the Secret Service on Linux) or the config file (mode 0600).
//!
//! `auth login --secret-store auto` (the default, also `LW_SECRET_STORE`) tries the keyring and
//! falls back to the file, saying so: a headless Linux machine has no Secret Service, and a
//! login that then failed would leave such machines without a way to save a profile. `keyring`
//! refuses the fallback, `file` never tries the keyring. The keyring entry is service
//! [`SERVICE`], account the client id: one client id has one secret, whichever profile names it.

use serde::{Deserialize, Serialize};

/// The keyring entry's service name.
pub const SERVICE: &str = "lineworks-partner";

/// Where a profile's `client_secret` is; written to the profile as `secret_store`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// In the config file itself (a profile without `secret_store` is one).
    #[default]
    File,
    /// In the OS keyring, under [`SERVICE`] and the client id.
    Keyring,
}

impl Place {
    /// For `skip_serializing_if`: a file profile is written as before the keyring existed.
    pub fn is_file(&self) -> bool {
        *self == Place::File
    }
}

/// What `--secret-store` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    Auto,
    Keyring,
    File,
}

impl Choice {
    pub fn parse(text: &str) -> Option<Choice> {
        match text {
            "auto" => Some(Choice::Auto),
            "keyring" => Some(Choice::Keyring),
            "file" => Some(Choice::File),
            _ => None,
        }
    }
}

/// The three keyring operations the CLI needs, behind a trait so the login and fallback logic
/// is tested with a store that can be made to fail.
pub trait Keyring {
    fn set(&self, account: &str, secret: &str) -> Result<(), String>;
    /// `Ok(None)`: the keyring answers but has no such entry.
    fn get(&self, account: &str) -> Result<Option<String>, String>;
    /// Removing an entry that is not there succeeds.
    fn delete(&self, account: &str) -> Result<(), String>;
}

/// The platform's keyring through the `keyring` crate.
pub struct Os;

impl Os {
    fn entry(account: &str) -> Result<keyring::Entry, String> {
        // keyring's fallback on a platform without a store keeps the secret in the entry
        // object only: it would be lost when the process ends, so it counts as no keyring.
        if !matches!(
            keyring::default::default_credential_builder().persistence(),
            keyring::credential::CredentialPersistence::UntilDelete
        ) {
            return Err("this platform has no OS keyring the CLI can use".into());
        }
        keyring::Entry::new(SERVICE, account).map_err(describe)
    }
}

impl Keyring for Os {
    fn set(&self, account: &str, secret: &str) -> Result<(), String> {
        Self::entry(account)?.set_password(secret).map_err(describe)
    }
    fn get(&self, account: &str) -> Result<Option<String>, String> {
        read(Self::entry(account)?.get_password())
    }
    fn delete(&self, account: &str) -> Result<(), String> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(describe(e)),
        }
    }
}

/// A read's result: a missing entry is an answer, not a failure of the keyring.
fn read(result: keyring::Result<String>) -> Result<Option<String>, String> {
    match result {
        Ok(secret) => Ok(Some(secret)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(describe(e)),
    }
}

/// keyring's error as one line. Its `Display` never holds the secret (only `BadEncoding`
/// carries bytes, and its text does not show them).
fn describe(e: keyring::Error) -> String {
    e.to_string().replace('\n', " ")
}

/// Where `auth login` put the secret.
pub struct Stored {
    pub place: Place,
    /// Why the keyring was not used, for the notice of an `auto` fallback.
    pub fallback: Option<String>,
}

/// Keeps `secret` for `account` as `choice` asks; `Err` only for `keyring` when no keyring
/// takes it. A keyring that takes the secret but does not give it back is not used.
pub fn store(
    keyring: &dyn Keyring,
    choice: Choice,
    account: &str,
    secret: &str,
) -> Result<Stored, String> {
    if choice == Choice::File {
        return Ok(Stored {
            place: Place::File,
            fallback: None,
        });
    }
    let kept = keyring
        .set(account, secret)
        .and_then(|()| keyring.get(account))
        .and_then(|back| match back {
            Some(back) if back == secret => Ok(()),
            _ => Err("the keyring did not give the secret back".into()),
        });
    match (kept, choice) {
        (Ok(()), _) => Ok(Stored {
            place: Place::Keyring,
            fallback: None,
        }),
        (Err(why), Choice::Auto) => Ok(Stored {
            place: Place::File,
            fallback: Some(why),
        }),
        (Err(why), _) => Err(why),
    }
}

/// The secret of a profile whose `secret_store` is the keyring.
pub fn load(keyring: &dyn Keyring, account: &str) -> Result<String, String> {
    match keyring.get(account) {
        Ok(Some(secret)) => Ok(secret),
        Ok(None) => Err(format!(
            "the OS keyring has no client secret for {account:?} (service {SERVICE:?}); run `lineworks-partner auth login` again or set LW_CLIENT_SECRET"
        )),
        Err(e) => Err(format!(
            "the client secret is kept in the OS keyring, which could not be read ({e}); set LW_CLIENT_SECRET, or run `lineworks-partner auth login --secret-store file`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::HashMap;

    const SECRET: &str = "client-secret-k3y-never-printed";

    /// A keyring in memory; `broken` makes every call fail as an absent Secret Service does.
    #[derive(Default)]
    struct Memory {
        entries: RefCell<HashMap<String, String>>,
        broken: bool,
        forgetful: bool,
    }

    impl Keyring for Memory {
        fn set(&self, account: &str, secret: &str) -> Result<(), String> {
            if self.broken {
                return Err("no Secret Service on the session bus".into());
            }
            if !self.forgetful {
                self.entries
                    .borrow_mut()
                    .insert(account.into(), secret.into());
            }
            Ok(())
        }
        fn get(&self, account: &str) -> Result<Option<String>, String> {
            if self.broken {
                return Err("no Secret Service on the session bus".into());
            }
            Ok(self.entries.borrow().get(account).cloned())
        }
        fn delete(&self, account: &str) -> Result<(), String> {
            self.entries.borrow_mut().remove(account);
            Ok(())
        }
    }

    #[test]
    fn auto_uses_a_working_keyring_and_the_secret_comes_back() {
        let keyring = Memory::default();
        let stored = store(&keyring, Choice::Auto, "cid", SECRET).unwrap();
        assert_eq!(stored.place, Place::Keyring);
        assert!(stored.fallback.is_none());
        assert_eq!(load(&keyring, "cid").unwrap(), SECRET);
        keyring.delete("cid").unwrap();
        let err = load(&keyring, "cid").unwrap_err();
        assert!(err.contains("has no client secret"), "{err}");
    }

    #[test]
    fn auto_falls_back_to_the_file_and_says_why() {
        for keyring in [
            Memory {
                broken: true,
                ..Memory::default()
            },
            // Takes the secret and loses it: not a keyring to rely on.
            Memory {
                forgetful: true,
                ..Memory::default()
            },
        ] {
            let stored = store(&keyring, Choice::Auto, "cid", SECRET).unwrap();
            assert_eq!(stored.place, Place::File);
            let why = stored.fallback.expect("a reason");
            assert!(!why.contains(SECRET), "{why}");
            // `keyring` asked for explicitly is an error instead.
            let err = store(&keyring, Choice::Keyring, "cid", SECRET)
                .err()
                .expect("refused");
            assert!(!err.contains(SECRET), "{err}");
        }
    }

    #[test]
    fn file_never_touches_the_keyring() {
        let keyring = Memory::default();
        let stored = store(&keyring, Choice::File, "cid", SECRET).unwrap();
        assert_eq!(stored.place, Place::File);
        assert!(keyring.entries.borrow().is_empty());
    }

    #[test]
    fn an_unreadable_keyring_names_the_ways_out_not_the_secret() {
        let keyring = Memory {
            broken: true,
            ..Memory::default()
        };
        let err = load(&keyring, "cid").unwrap_err();
        assert!(
            err.contains("LW_CLIENT_SECRET") && err.contains("--secret-store file"),
            "{err}"
        );
    }

    /// keyring's own mock store: its errors are mapped as the Secret Service's would be (an
    /// unreachable store is an error, a missing entry is `None`), and none shows the secret.
    #[test]
    fn keyring_crate_errors_map_to_unavailable_or_absent() {
        use keyring::mock::MockCredential;
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        let entry = keyring::Entry::new(SERVICE, "cid").unwrap();
        assert_eq!(read(entry.get_password()).unwrap(), None);
        entry.set_password(SECRET).unwrap();
        assert_eq!(read(entry.get_password()).unwrap().as_deref(), Some(SECRET));

        let mock: &MockCredential = entry.get_credential().downcast_ref().unwrap();
        mock.set_error(keyring::Error::NoStorageAccess(
            "org.freedesktop.secrets was not provided by any .service files".into(),
        ));
        let err = read(entry.get_password()).unwrap_err();
        assert!(err.contains("org.freedesktop.secrets"), "{err}");
        mock.set_error(keyring::Error::BadEncoding(SECRET.as_bytes().to_vec()));
        let err = read(entry.get_password()).unwrap_err();
        assert!(!err.contains(SECRET), "{err}");
    }
}
