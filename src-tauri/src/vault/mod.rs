//! The keychain: the only place grants (refresh token, access token, expiry, scopes,
//! account id) are persisted, one keychain item per Dropbox account under the app
//! identifier, plus one index item: the accounts' names for the switcher (nothing secret)
//! and which one was used last. Behind the small [`Vault`] trait; the real one is the OS
//! keychain through the keyring crate (Secret Service on Linux, over one kept connection:
//! `secret_service.rs`). There is no fallback
//! store: no keychain is an error the user sees. [`Keyring`] (in `worker.rs`) is how the
//! rest of the app uses it: in order, bounded, and never bringing a given-up grant back.

#[cfg(any(test, feature = "test-support"))]
mod memory;
#[cfg(target_os = "linux")]
mod secret_service;
mod worker;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::secret::{AccessToken, RefreshToken};

#[cfg(any(test, feature = "test-support"))]
pub use memory::MemoryVault;
pub use worker::{Keyring, PendingSave};

/// The keychain service name: the app identifier from `tauri.conf.json`.
pub const SERVICE: &str = "app.dropdesk.desktop";
/// The demo keeps its emulated grants apart from real ones.
pub const DEMO_SERVICE: &str = "app.dropdesk.desktop.demo";
/// The index item's user name under the service.
const INDEX_USER: &str = "accounts";
/// A keychain call that takes longer is reported as not answering.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A grant as Dropdesk holds it.
#[derive(Clone, Debug)]
pub struct StoredGrant {
    pub account_id: String,
    pub access_token: AccessToken,
    /// `None` only for a legacy long-lived token.
    pub refresh_token: Option<RefreshToken>,
    /// Unix seconds when the access token expires; `None` if it does not.
    pub expires_at: Option<u64>,
    pub scopes: Vec<String>,
}

/// A grant's keychain item: the one place a grant is serialized.
#[derive(Serialize, Deserialize)]
struct Record {
    account_id: String,
    access_token: String,
    refresh_token: Option<String>,
    expires_at: Option<u64>,
    scopes: Vec<String>,
}

impl StoredGrant {
    fn to_record(&self) -> String {
        serde_json::to_string(&Record {
            account_id: self.account_id.clone(),
            access_token: self.access_token.expose().to_string(),
            refresh_token: self.refresh_token.as_ref().map(|r| r.expose().to_string()),
            expires_at: self.expires_at,
            scopes: self.scopes.clone(),
        })
        .expect("a record serializes")
    }

    fn from_record(text: &str) -> Result<StoredGrant, VaultError> {
        let r: Record = serde_json::from_str(text).map_err(|_| VaultError::Corrupt)?;
        Ok(StoredGrant {
            account_id: r.account_id,
            access_token: AccessToken::new(r.access_token),
            refresh_token: r.refresh_token.map(RefreshToken::new),
            expires_at: r.expires_at,
            scopes: r.scopes,
        })
    }

    /// Fewer than `margin_secs` left on the access token.
    pub fn expires_within(&self, margin_secs: u64) -> bool {
        self.expires_at
            .is_some_and(|at| at <= now_unix().saturating_add(margin_secs))
    }
}

/// A connected account as the switcher shows it without asking Dropbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub account_id: String,
    pub display_name: String,
    pub email: String,
    pub initials: String,
}

/// The index item: every connected account, and the one used last.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountIndex {
    pub accounts: Vec<Profile>,
    pub current: Option<String>,
}

impl AccountIndex {
    /// The account to use: the one used last, else the first.
    pub fn current(&self) -> Option<&str> {
        self.current
            .as_deref()
            .filter(|c| self.accounts.iter().any(|a| a.account_id == *c))
            .or_else(|| self.accounts.first().map(|a| a.account_id.as_str()))
    }

    /// Add or update an account's profile, and make it the one in use.
    pub fn remember(&mut self, profile: Profile) {
        self.current = Some(profile.account_id.clone());
        match self
            .accounts
            .iter_mut()
            .find(|a| a.account_id == profile.account_id)
        {
            Some(known) => *known = profile,
            None => self.accounts.push(profile),
        }
    }

    /// Forget an account; the one in use becomes the first that remains.
    pub fn forget(&mut self, account_id: &str) {
        self.accounts.retain(|a| a.account_id != account_id);
        if self.current.as_deref() == Some(account_id) {
            self.current = self.accounts.first().map(|a| a.account_id.clone());
        }
    }
}

pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// No keychain service answers (no D-Bus session, no Secret Service provider).
    #[error("no keychain is available: {0}")]
    Unavailable(String),
    /// The keychain is locked, or access was denied.
    #[error("the keychain is locked or refused access: {0}")]
    Locked(String),
    /// The keychain did not answer in time (perhaps an unlock prompt is waiting).
    #[error("the keychain did not answer in time")]
    Timeout,
    /// The stored item is not one Dropdesk wrote.
    #[error("the saved sign-in in the keychain cannot be read")]
    Corrupt,
    #[error("the keychain failed: {0}")]
    Other(String),
    /// A save dropped because the grant it carried was given up before it ran.
    #[error("the save was overtaken")]
    Overtaken,
}

/// Which store holds the grant, to tell the user where their sign-in is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    GnomeKeyring,
    KWallet,
    KeePassXc,
    /// Another Secret Service provider.
    SecretService,
    MacKeychain,
    WindowsCredentials,
    /// The in-memory vault of tests.
    Memory,
}

/// Where grants live. Blocking calls: use them through [`Keyring`].
pub trait Vault: Send + Sync + 'static {
    /// The store behind this vault.
    fn store(&self) -> Store;
    /// The saved grant of an account, if any.
    fn load(&self, account_id: &str) -> Result<Option<StoredGrant>, VaultError>;
    /// Create or replace an account's grant.
    fn save(&self, grant: &StoredGrant) -> Result<(), VaultError>;
    /// Remove an account's grant; removing a missing one is not an error.
    fn delete(&self, account_id: &str) -> Result<(), VaultError>;
    /// The index (empty when there is none yet).
    fn index(&self) -> Result<AccountIndex, VaultError>;
    fn set_index(&self, index: &AccountIndex) -> Result<(), VaultError>;

    /// The grant of the account used last, if any.
    fn current(&self) -> Result<Option<StoredGrant>, VaultError> {
        match self.index()?.current() {
            Some(id) => self.load(id),
            None => Ok(None),
        }
    }
}

/// The OS keychain.
pub struct Keychain {
    service: String,
    /// Linux: every call over one Secret Service connection.
    #[cfg(target_os = "linux")]
    link: std::sync::Arc<secret_service::Link>,
}

impl Keychain {
    pub fn new(service: &str) -> Self {
        Keychain {
            service: service.to_string(),
            #[cfg(target_os = "linux")]
            link: Default::default(),
        }
    }

    #[cfg(target_os = "linux")]
    fn entry(&self, user: &str) -> Result<keyring::Entry, VaultError> {
        secret_service::KeptCredential::entry(&self.link, &self.service, user).map_err(map_error)
    }

    #[cfg(not(target_os = "linux"))]
    fn entry(&self, user: &str) -> Result<keyring::Entry, VaultError> {
        keyring::Entry::new(&self.service, user).map_err(map_error)
    }

    fn read(&self, user: &str) -> Result<Option<String>, VaultError> {
        match self.entry(user)?.get_password() {
            Ok(text) => Ok(Some(text)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn remove(&self, user: &str) -> Result<(), VaultError> {
        match self.entry(user)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e)),
        }
    }
}

fn grant_user(account_id: &str) -> String {
    format!("account:{account_id}")
}

impl Vault for Keychain {
    fn store(&self) -> Store {
        if cfg!(target_os = "macos") {
            Store::MacKeychain
        } else if cfg!(target_os = "windows") {
            Store::WindowsCredentials
        } else {
            secret_service_provider().unwrap_or(Store::SecretService)
        }
    }

    fn load(&self, account_id: &str) -> Result<Option<StoredGrant>, VaultError> {
        self.read(&grant_user(account_id))?
            .map(|text| StoredGrant::from_record(&text))
            .transpose()
    }

    fn save(&self, grant: &StoredGrant) -> Result<(), VaultError> {
        self.entry(&grant_user(&grant.account_id))?
            .set_password(&grant.to_record())
            .map_err(map_error)
    }

    fn delete(&self, account_id: &str) -> Result<(), VaultError> {
        self.remove(&grant_user(account_id))
    }

    fn index(&self) -> Result<AccountIndex, VaultError> {
        match self.read(INDEX_USER)? {
            Some(text) => serde_json::from_str(&text).map_err(|_| VaultError::Corrupt),
            None => Ok(AccountIndex::default()),
        }
    }

    fn set_index(&self, index: &AccountIndex) -> Result<(), VaultError> {
        if index.accounts.is_empty() {
            return self.remove(INDEX_USER);
        }
        let text = serde_json::to_string(index).expect("the index serializes");
        self.entry(INDEX_USER)?
            .set_password(&text)
            .map_err(map_error)
    }
}

#[cfg(not(target_os = "linux"))]
fn secret_service_provider() -> Option<Store> {
    None
}

/// The program that owns the Secret Service on the session bus, by its process name.
#[cfg(target_os = "linux")]
fn secret_service_provider() -> Option<Store> {
    let bus = dbus::blocking::Connection::new_session().ok()?;
    let daemon = bus.with_proxy(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        Duration::from_secs(2),
    );
    let (pid,): (u32,) = daemon
        .method_call(
            "org.freedesktop.DBus",
            "GetConnectionUnixProcessID",
            ("org.freedesktop.secrets",),
        )
        .ok()?;
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    Some(match name.trim() {
        n if n.starts_with("gnome-keyring") => Store::GnomeKeyring,
        n if n.starts_with("kwalletd") || n.starts_with("ksecretd") => Store::KWallet,
        n if n.starts_with("keepassxc") => Store::KeePassXc,
        _ => Store::SecretService,
    })
}

/// keyring's errors, sorted by what the user can do about them. The platform's own text
/// is kept (it never contains the secret).
pub fn map_error(e: keyring::Error) -> VaultError {
    match e {
        keyring::Error::PlatformFailure(inner) => VaultError::Unavailable(inner.to_string()),
        keyring::Error::NoStorageAccess(inner) => VaultError::Locked(inner.to_string()),
        keyring::Error::BadEncoding(_) => VaultError::Corrupt,
        other => VaultError::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn grant(account_id: &str) -> StoredGrant {
        StoredGrant {
            account_id: account_id.into(),
            access_token: AccessToken::new("sl.abc"),
            refresh_token: Some(RefreshToken::new("refresh-xyz")),
            expires_at: Some(now_unix() + 100),
            scopes: vec!["files.metadata.read".into()],
        }
    }

    #[test]
    fn grant_debug_is_redacted_and_expiry_is_judged() {
        let g = grant("dbid:x");
        let shown = format!("{g:?}");
        assert!(!shown.contains("sl.abc") && !shown.contains("refresh-xyz"));
        assert!(g.expires_within(300));
        assert!(!g.expires_within(10));
    }

    #[test]
    fn a_record_round_trips_and_junk_is_corrupt() {
        let back = StoredGrant::from_record(&grant("dbid:x").to_record()).unwrap();
        assert_eq!(back.access_token.expose(), "sl.abc");
        assert_eq!(back.refresh_token.unwrap().expose(), "refresh-xyz");
        assert_eq!(back.scopes, ["files.metadata.read"]);
        assert_eq!(
            StoredGrant::from_record("{\"x\":1}").unwrap_err(),
            VaultError::Corrupt
        );
    }

    fn profile(id: &str) -> Profile {
        Profile {
            account_id: id.into(),
            display_name: format!("User {id}"),
            email: format!("{id}@example.com"),
            initials: "U".into(),
        }
    }

    #[test]
    fn the_index_keeps_the_account_used_last() {
        let mut index = AccountIndex::default();
        assert_eq!(index.current(), None);
        index.remember(profile("a"));
        index.remember(profile("b"));
        assert_eq!(index.current(), Some("b"));
        index.remember(Profile {
            display_name: "Renamed".into(),
            ..profile("a")
        });
        assert_eq!(index.accounts.len(), 2, "no duplicate");
        assert_eq!(index.current(), Some("a"));
        index.forget("a");
        assert_eq!(index.current(), Some("b"), "the next one");
        index.forget("b");
        assert_eq!(index.current(), None);
    }

    #[test]
    fn keyring_errors_map_to_what_the_user_can_do() {
        let platform =
            keyring::Error::PlatformFailure("org.freedesktop.DBus.Error.ServiceUnknown".into());
        assert!(
            matches!(map_error(platform), VaultError::Unavailable(m) if m.contains("ServiceUnknown"))
        );
        let locked = keyring::Error::NoStorageAccess("locked".into());
        assert!(matches!(map_error(locked), VaultError::Locked(_)));
        assert_eq!(
            map_error(keyring::Error::BadEncoding(vec![0xff])),
            VaultError::Corrupt
        );
    }
}
