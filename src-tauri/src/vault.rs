//! The keychain: the only place a grant (refresh token, access token, expiry, scopes,
//! account id) is persisted. One keychain entry per account under the app identifier as
//! service, plus an index entry listing the connected account ids. Behind the small
//! [`Vault`] trait; the real one is the OS keychain through the keyring crate (Secret
//! Service on Linux). There is no fallback store: no keychain is an error the user sees.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// The keychain service name: the app identifier from `tauri.conf.json`.
pub const SERVICE: &str = "app.dropdesk.desktop";
/// The demo keeps its emulated grants apart from real ones.
pub const DEMO_SERVICE: &str = "app.dropdesk.desktop.demo";
const INDEX_USER: &str = "accounts";

/// A grant as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredGrant {
    pub account_id: String,
    pub access_token: Secret,
    /// `None` only for a legacy long-lived token.
    pub refresh_token: Option<Secret>,
    /// Unix seconds when the access token expires; `None` if it does not.
    pub expires_at: Option<u64>,
    pub scopes: Vec<String>,
}

pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl StoredGrant {
    /// Fewer than `margin_secs` left on the access token.
    pub fn expires_within(&self, margin_secs: u64) -> bool {
        self.expires_at
            .is_some_and(|at| at <= now_unix().saturating_add(margin_secs))
    }
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
    /// The stored entry is not a grant Dropdesk wrote.
    #[error("the saved sign-in in the keychain cannot be read")]
    Corrupt,
    #[error("the keychain failed: {0}")]
    Other(String),
}

/// Where grants live.
pub trait Vault: Send + Sync + 'static {
    /// The connected account's grant, if any.
    fn load(&self) -> Result<Option<StoredGrant>, VaultError>;
    /// Create or update the account's entry.
    fn save(&self, grant: &StoredGrant) -> Result<(), VaultError>;
    /// Remove the account's entry; removing a missing entry is not an error.
    fn delete(&self, account_id: &str) -> Result<(), VaultError>;
}

/// The OS keychain.
pub struct Keychain {
    service: String,
}

impl Keychain {
    pub fn new(service: &str) -> Self {
        Keychain {
            service: service.to_string(),
        }
    }

    fn entry(&self, user: &str) -> Result<keyring::Entry, VaultError> {
        keyring::Entry::new(&self.service, user).map_err(map_error)
    }

    fn read(&self, user: &str) -> Result<Option<String>, VaultError> {
        match self.entry(user)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn index(&self) -> Result<Vec<String>, VaultError> {
        match self.read(INDEX_USER)? {
            Some(text) => serde_json::from_str(&text).map_err(|_| VaultError::Corrupt),
            None => Ok(Vec::new()),
        }
    }

    fn write_index(&self, ids: &[String]) -> Result<(), VaultError> {
        let entry = self.entry(INDEX_USER)?;
        if ids.is_empty() {
            return match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(map_error(e)),
            };
        }
        let text = serde_json::to_string(ids).expect("ids serialize");
        entry.set_password(&text).map_err(map_error)
    }
}

fn account_user(account_id: &str) -> String {
    format!("account:{account_id}")
}

impl Vault for Keychain {
    fn load(&self) -> Result<Option<StoredGrant>, VaultError> {
        for id in self.index()? {
            if let Some(text) = self.read(&account_user(&id))? {
                let grant: StoredGrant =
                    serde_json::from_str(&text).map_err(|_| VaultError::Corrupt)?;
                return Ok(Some(grant));
            }
        }
        Ok(None)
    }

    fn save(&self, grant: &StoredGrant) -> Result<(), VaultError> {
        let text = serde_json::to_string(grant).expect("grant serializes");
        // Each keychain call is a D-Bus round trip with its own key exchange: write the
        // entry and bring the index up to date side by side.
        std::thread::scope(|scope| {
            let entry = scope.spawn(|| {
                self.entry(&account_user(&grant.account_id))?
                    .set_password(&text)
                    .map_err(map_error)
            });
            let index = self.index().and_then(|mut ids| {
                if ids.contains(&grant.account_id) {
                    return Ok(());
                }
                ids.push(grant.account_id.clone());
                self.write_index(&ids)
            });
            let entry = entry
                .join()
                .unwrap_or_else(|_| Err(VaultError::Other("keychain thread failed".into())));
            entry.and(index)
        })
    }

    fn delete(&self, account_id: &str) -> Result<(), VaultError> {
        match self.entry(&account_user(account_id))?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(e) => return Err(map_error(e)),
        }
        let mut ids = self.index()?;
        ids.retain(|id| id != account_id);
        self.write_index(&ids)
    }
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

/// A vault in memory, for unit tests of the code above it. The real keychain is covered
/// by the integration tests that run against gnome-keyring.
#[cfg(test)]
#[derive(Default)]
pub struct MemoryVault {
    pub grants: std::sync::Mutex<Vec<StoredGrant>>,
    pub fail: std::sync::Mutex<Option<VaultError>>,
}

#[cfg(test)]
impl Vault for MemoryVault {
    fn load(&self) -> Result<Option<StoredGrant>, VaultError> {
        if let Some(e) = self.fail.lock().unwrap().clone() {
            return Err(e);
        }
        Ok(self.grants.lock().unwrap().first().cloned())
    }

    fn save(&self, grant: &StoredGrant) -> Result<(), VaultError> {
        if let Some(e) = self.fail.lock().unwrap().clone() {
            return Err(e);
        }
        let mut g = self.grants.lock().unwrap();
        g.retain(|x| x.account_id != grant.account_id);
        g.push(grant.clone());
        Ok(())
    }

    fn delete(&self, account_id: &str) -> Result<(), VaultError> {
        if let Some(e) = self.fail.lock().unwrap().clone() {
            return Err(e);
        }
        self.grants
            .lock()
            .unwrap()
            .retain(|x| x.account_id != account_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_debug_is_redacted() {
        let g = StoredGrant {
            account_id: "dbid:x".into(),
            access_token: Secret::new("sl.abc"),
            refresh_token: Some(Secret::new("refresh-xyz")),
            expires_at: Some(now_unix() + 100),
            scopes: vec![],
        };
        let shown = format!("{g:?}");
        assert!(!shown.contains("sl.abc") && !shown.contains("refresh-xyz"));
        assert!(g.expires_within(300));
        assert!(!g.expires_within(10));
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
