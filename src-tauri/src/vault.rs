//! The keychain: the only place a grant (refresh token, access token, expiry, scopes,
//! account id) is persisted, as one keychain item under the app identifier. Behind the
//! small [`Vault`] trait; the real one is the OS keychain through the keyring crate (Secret
//! Service on Linux). There is no fallback store: no keychain is an error the user sees.
//! [`Keyring`] runs every call in order on one worker thread, each bounded in time, so a
//! keychain that hangs (an unlock prompt nobody answers) never blocks the app, and drops a
//! save that was overtaken (by Disconnect, a revocation or an abandoned sign-in) instead of
//! bringing a dead grant back. A third of the file is its tests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::secret::{AccessToken, RefreshToken};

/// The keychain service name: the app identifier from `tauri.conf.json`.
pub const SERVICE: &str = "app.dropdesk.desktop";
/// The demo keeps its emulated grants apart from real ones.
pub const DEMO_SERVICE: &str = "app.dropdesk.desktop.demo";
/// The one item's user name under the service.
const GRANT_USER: &str = "grant";
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

/// The keychain item's text: the one place a grant is serialized.
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
    /// The stored item is not a grant Dropdesk wrote.
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

/// Where the grant lives. Blocking calls: use them through [`Keyring`].
pub trait Vault: Send + Sync + 'static {
    /// The store behind this vault.
    fn store(&self) -> Store;
    /// The saved grant, if any.
    fn load(&self) -> Result<Option<StoredGrant>, VaultError>;
    /// Create or replace the saved grant.
    fn save(&self, grant: &StoredGrant) -> Result<(), VaultError>;
    /// Remove the saved grant; removing a missing one is not an error.
    fn delete(&self) -> Result<(), VaultError>;
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

    fn entry(&self) -> Result<keyring::Entry, VaultError> {
        keyring::Entry::new(&self.service, GRANT_USER).map_err(map_error)
    }
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

    fn load(&self) -> Result<Option<StoredGrant>, VaultError> {
        match self.entry()?.get_password() {
            Ok(text) => StoredGrant::from_record(&text).map(Some),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn save(&self, grant: &StoredGrant) -> Result<(), VaultError> {
        self.entry()?
            .set_password(&grant.to_record())
            .map_err(map_error)
    }

    fn delete(&self) -> Result<(), VaultError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e)),
        }
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

type Job = Box<dyn FnOnce(&dyn Vault) + Send>;

/// A vault used from async code: one worker thread runs the calls in the order they were
/// made (a save and a later delete can never swap), and each caller waits at most
/// `timeout` for its answer. Saves carry the epoch they were made in; [`Keyring::abandon`]
/// starts a new one, and a save of an older epoch that has not run yet never runs.
#[derive(Clone)]
pub struct Keyring {
    jobs: mpsc::Sender<Job>,
    timeout: Duration,
    epoch: Arc<AtomicU64>,
}

impl Keyring {
    pub fn new(vault: Arc<dyn Vault>, timeout: Duration) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("keychain".into())
            .spawn(move || {
                for job in queue {
                    job(vault.as_ref());
                }
            })
            .expect("the keychain thread starts");
        Keyring {
            jobs,
            timeout,
            epoch: Arc::default(),
        }
    }

    /// Drop every save still waiting: the grant they carry is no longer wanted.
    pub fn abandon(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Vault) -> Result<T, VaultError> + Send + 'static,
    ) -> Result<T, VaultError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |v| {
            let _ = tx.send(f(v));
        });
        self.jobs
            .send(job)
            .map_err(|_| VaultError::Other("the keychain thread has stopped".into()))?;
        match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(VaultError::Other("the keychain thread has stopped".into())),
            Err(_) => Err(VaultError::Timeout),
        }
    }

    pub async fn load(&self) -> Result<Option<StoredGrant>, VaultError> {
        self.run(|v| v.load()).await
    }

    /// Save, unless [`Keyring::abandon`] is called before the save gets its turn.
    pub async fn save(&self, grant: &StoredGrant) -> Result<(), VaultError> {
        let grant = grant.clone();
        let (epoch, made_in) = (self.epoch.clone(), self.epoch.load(Ordering::SeqCst));
        self.run(move |v| {
            if epoch.load(Ordering::SeqCst) != made_in {
                return Err(VaultError::Overtaken);
            }
            v.save(&grant)
        })
        .await
    }

    pub async fn delete(&self) -> Result<(), VaultError> {
        self.run(|v| v.delete()).await
    }

    /// Which store this is (asked of the system, bounded like every call).
    pub async fn store(&self) -> Result<Store, VaultError> {
        self.run(|v| Ok(v.store())).await
    }
}

/// A vault in memory, for tests of the code above the keychain that run in parallel. The
/// real keychain is covered by the integration tests that run against gnome-keyring.
#[cfg(any(test, feature = "test-support"))]
#[derive(Default)]
pub struct MemoryVault {
    pub grant: std::sync::Mutex<Option<StoredGrant>>,
    /// Every call fails with this while it is set.
    pub fail: std::sync::Mutex<Option<VaultError>>,
}

#[cfg(any(test, feature = "test-support"))]
impl MemoryVault {
    fn check(&self) -> Result<(), VaultError> {
        self.fail.lock().unwrap().clone().map_or(Ok(()), Err)
    }
}

#[cfg(any(test, feature = "test-support"))]
impl Vault for MemoryVault {
    fn store(&self) -> Store {
        Store::Memory
    }

    fn load(&self) -> Result<Option<StoredGrant>, VaultError> {
        self.check()?;
        Ok(self.grant.lock().unwrap().clone())
    }

    fn save(&self, grant: &StoredGrant) -> Result<(), VaultError> {
        self.check()?;
        *self.grant.lock().unwrap() = Some(grant.clone());
        Ok(())
    }

    fn delete(&self) -> Result<(), VaultError> {
        self.check()?;
        *self.grant.lock().unwrap() = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> StoredGrant {
        StoredGrant {
            account_id: "dbid:x".into(),
            access_token: AccessToken::new("sl.abc"),
            refresh_token: Some(RefreshToken::new("refresh-xyz")),
            expires_at: Some(now_unix() + 100),
            scopes: vec!["files.metadata.read".into()],
        }
    }

    #[test]
    fn grant_debug_is_redacted_and_expiry_is_judged() {
        let g = grant();
        let shown = format!("{g:?}");
        assert!(!shown.contains("sl.abc") && !shown.contains("refresh-xyz"));
        assert!(g.expires_within(300));
        assert!(!g.expires_within(10));
    }

    #[test]
    fn a_record_round_trips_and_junk_is_corrupt() {
        let back = StoredGrant::from_record(&grant().to_record()).unwrap();
        assert_eq!(back.access_token.expose(), "sl.abc");
        assert_eq!(back.refresh_token.unwrap().expose(), "refresh-xyz");
        assert_eq!(back.scopes, ["files.metadata.read"]);
        assert_eq!(
            StoredGrant::from_record("{\"x\":1}").unwrap_err(),
            VaultError::Corrupt
        );
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

    /// A vault whose calls take a while and record the order they ran in.
    struct Slow(std::sync::Mutex<Vec<&'static str>>);

    impl Vault for Slow {
        fn store(&self) -> Store {
            Store::Memory
        }
        fn load(&self) -> Result<Option<StoredGrant>, VaultError> {
            std::thread::sleep(Duration::from_millis(300));
            self.0.lock().unwrap().push("load");
            Ok(None)
        }
        fn save(&self, _: &StoredGrant) -> Result<(), VaultError> {
            self.0.lock().unwrap().push("save");
            Ok(())
        }
        fn delete(&self) -> Result<(), VaultError> {
            self.0.lock().unwrap().push("delete");
            Ok(())
        }
    }

    #[tokio::test]
    async fn keyring_calls_are_bounded_and_run_in_order() {
        let slow = Arc::new(Slow(Default::default()));
        let keyring = Keyring::new(slow.clone(), Duration::from_millis(50));
        assert_eq!(keyring.load().await.unwrap_err(), VaultError::Timeout);
        // The timed-out load still runs first; the save and the delete follow in order.
        let bounded = Keyring {
            timeout: Duration::from_secs(5),
            ..keyring
        };
        bounded.save(&grant()).await.unwrap();
        bounded.delete().await.unwrap();
        assert_eq!(*slow.0.lock().unwrap(), ["load", "save", "delete"]);
    }

    #[tokio::test]
    async fn a_save_overtaken_before_its_turn_never_runs() {
        let slow = Arc::new(Slow(Default::default()));
        let keyring = Keyring::new(slow.clone(), Duration::from_millis(50));
        // A load keeps the worker busy; a save queued behind it times out for its caller.
        let g = grant();
        let busy = keyring.load();
        let late = keyring.save(&g);
        let (_, late) = tokio::join!(busy, late);
        assert_eq!(late.unwrap_err(), VaultError::Timeout);
        // Disconnect gives the grant up before the save got its turn.
        keyring.abandon();
        let bounded = Keyring {
            timeout: Duration::from_secs(5),
            ..keyring
        };
        bounded.delete().await.unwrap();
        assert_eq!(
            *slow.0.lock().unwrap(),
            ["load", "delete"],
            "the save never ran"
        );
        bounded.save(&grant()).await.unwrap();
        assert_eq!(
            *slow.0.lock().unwrap(),
            ["load", "delete", "save"],
            "a new save runs"
        );
    }
}
