//! The keychain's items on Linux's Secret Service, over one kept connection. The keyring
//! crate's own Secret Service credential opens a new D-Bus connection, with its own
//! Diffie-Hellman key exchange, for every call (two for a write): a sign-in's five calls
//! cost 100–160 ms. This credential keeps keyring's item layout (its attributes, label and
//! collection, found through keyring's own `SsCredential`), so items written before are
//! found, but makes every call over one connection and session. Unlike keyring, it does
//! not also look for items of keyring v1 (no target attribute): Dropdesk never wrote any.
//! A call that fails below the Secret Service (the daemon restarted, the bus
//! went away) drops the connection and is tried once more over a new one; the next call
//! after a failed connect tries to connect again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use dbus_secret_service::{EncryptionType, Item, SecretService};
use keyring::credential::{Credential, CredentialApi};
use keyring::secret_service::{self as items, SsCredential};
use keyring::{Error, Result};

/// The collection keyring puts items in: the default one.
const TARGET: &str = "default";
/// The attributes keyring finds an item by, and those it writes.
const SEARCHED: &[&str] = &["service", "username", "target"];
const WRITTEN: &[&str] = &["service", "username", "target", "application"];

/// The one connection, made at the first call.
#[derive(Default)]
pub struct Link(Mutex<Option<SecretService>>);

impl Link {
    /// Run `call` over the kept connection; once more over a new one when it fails below
    /// the Secret Service (a locked keychain, a missing item and the like are answers).
    fn with<T>(&self, call: impl Fn(&SecretService) -> Result<T>) -> Result<T> {
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut tries = if held.is_some() { 2 } else { 1 };
        loop {
            let service = match held.as_ref() {
                Some(service) => service,
                None => held.insert(SecretService::connect(EncryptionType::Dh).map_err(broken)?),
            };
            let outcome = call(service);
            tries -= 1;
            if matches!(outcome, Err(Error::PlatformFailure(_))) {
                *held = None;
                if tries > 0 {
                    continue;
                }
            }
            return outcome;
        }
    }
}

fn broken(e: dbus_secret_service::Error) -> Error {
    Error::PlatformFailure(Box::new(e))
}

/// One keychain item (a service and a user) reached over a [`Link`].
pub struct KeptCredential {
    item: SsCredential,
    link: Arc<Link>,
}

impl KeptCredential {
    pub fn entry(link: &Arc<Link>, service: &str, user: &str) -> Result<keyring::Entry> {
        let item = SsCredential::new_with_target(Some(TARGET), service, user)?;
        Ok(keyring::Entry::new_with_credential(Box::new(
            KeptCredential {
                item,
                link: link.clone(),
            },
        )))
    }

    /// The item's attributes named by `keys`.
    fn attributes(&self, keys: &[&str]) -> HashMap<&str, &str> {
        self.item
            .attributes
            .iter()
            .filter(|(k, _)| keys.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// `f` on the one item that is this credential's, unlocked first. None is
    /// [`Error::NoEntry`], several [`Error::Ambiguous`].
    fn on_the_item<T>(&self, service: &SecretService, f: impl Fn(&Item) -> Result<T>) -> Result<T> {
        let search = service
            .search_items(self.attributes(SEARCHED))
            .map_err(items::decode_error)?;
        let locked = search.locked.iter().map(|i| (i, true));
        let found: Vec<_> = search
            .unlocked
            .iter()
            .map(|i| (i, false))
            .chain(locked)
            .collect();
        match found.as_slice() {
            [] => Err(Error::NoEntry),
            [(item, locked)] => {
                if *locked {
                    item.unlock().map_err(items::decode_error)?;
                }
                f(item)
            }
            _ => Err(Error::Ambiguous(
                found
                    .iter()
                    .map(|(i, _)| Ok(Box::new(SsCredential::new_from_item(i)?) as Box<Credential>))
                    .collect::<Result<_>>()?,
            )),
        }
    }
}

impl CredentialApi for KeptCredential {
    fn set_secret(&self, secret: &[u8]) -> Result<()> {
        self.link.with(|service| {
            match self.on_the_item(service, |item| items::set_item_secret(item, secret)) {
                Err(Error::NoEntry) => {
                    let collection = items::get_collection(service, TARGET)?;
                    let written = self.attributes(WRITTEN);
                    collection
                        .create_item(&self.item.label, written, secret, true, "text/plain")
                        .map_err(items::decode_error)?;
                    Ok(())
                }
                other => other,
            }
        })
    }

    fn get_secret(&self) -> Result<Vec<u8>> {
        self.link
            .with(|service| self.on_the_item(service, items::get_item_secret))
    }

    fn delete_credential(&self) -> Result<()> {
        self.link
            .with(|service| self.on_the_item(service, items::delete_item))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn debug_fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names of the item only: a credential never holds its secret.
        write!(f, "KeptCredential({})", self.item.label)
    }
}
