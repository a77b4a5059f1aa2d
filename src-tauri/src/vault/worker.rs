//! [`Keyring`]: the vault as the rest of the app uses it. One worker thread runs every
//! call in the order it was made (a save and a later delete can never swap, and the
//! index's read-modify-write cannot interleave), each caller waits at most a timeout for
//! its answer (a keychain that hangs on an unlock prompt never blocks the app), and a save
//! overtaken by Disconnect, a revocation or an abandoned sign-in of its account never runs,
//! or, when it was given up while the keychain was writing it, is undone: what the item
//! held before is put back. Other accounts' saves are not touched.

use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{AccountIndex, Profile, Store, StoredGrant, Vault, VaultError};

type Job = Box<dyn FnOnce(&dyn Vault) + Send>;

#[derive(Clone)]
pub struct Keyring {
    jobs: mpsc::Sender<Job>,
    timeout: Duration,
    /// Saves carry their account's epoch; [`Keyring::abandon`] starts a new one for it.
    epochs: Epochs,
}

/// A save of a grant, made at one moment: each attempt runs only while no later save or
/// abandon of its account came after that moment.
pub struct PendingSave {
    keyring: Keyring,
    grant: StoredGrant,
    made_in: u64,
}

impl PendingSave {
    /// Write the grant (a refreshed one: its account is known already).
    pub async fn attempt(&self) -> Result<(), VaultError> {
        self.attempt_then(|_| Ok(())).await
    }

    async fn attempt_then(
        &self,
        then: impl FnOnce(&dyn Vault) -> Result<(), VaultError> + Send + 'static,
    ) -> Result<(), VaultError> {
        let grant = self.grant.clone();
        let (epochs, made_in) = (self.keyring.epochs.clone(), self.made_in);
        self.keyring
            .run(move |v| {
                let id = &grant.account_id;
                if epochs.of(id) != made_in {
                    return Err(VaultError::Overtaken);
                }
                // An item that cannot be read is no grant to put back.
                let before = v.load(id).unwrap_or(None);
                v.save(&grant)?;
                if epochs.of(id) != made_in {
                    match before {
                        Some(before) => v.save(&before)?,
                        None => v.delete(id)?,
                    }
                    return Err(VaultError::Overtaken);
                }
                then(v)
            })
            .await
    }
}

/// Each account's epoch (none yet: 0).
#[derive(Clone, Default)]
struct Epochs(Arc<Mutex<HashMap<String, u64>>>);

impl Epochs {
    fn of(&self, account_id: &str) -> u64 {
        let epochs = self.0.lock().unwrap_or_else(|e| e.into_inner());
        epochs.get(account_id).copied().unwrap_or(0)
    }

    fn next(&self, account_id: &str) {
        let mut epochs = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *epochs.entry(account_id.to_string()).or_default() += 1;
    }
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
            epochs: Epochs::default(),
        }
    }

    /// Drop every save of `account_id` still waiting, and undo one being written: the grant
    /// they carry is no longer wanted. Other accounts' saves go on.
    pub fn abandon(&self, account_id: &str) {
        self.epochs.next(account_id);
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

    /// A save that runs only if no later save of its account was made and
    /// [`Keyring::abandon`] was not called for it since (the later one carries newer tokens),
    /// and is undone if that happened while the keychain wrote it (an unlock prompt can
    /// hold a write past every timeout).
    async fn save_unless_abandoned(
        &self,
        grant: &StoredGrant,
        then: impl FnOnce(&dyn Vault) -> Result<(), VaultError> + Send + 'static,
    ) -> Result<(), VaultError> {
        self.pending_save(grant).attempt_then(then).await
    }

    /// A save of `grant` made now (later saves of its account overtake it), to attempt as
    /// often as need be.
    pub fn pending_save(&self, grant: &StoredGrant) -> PendingSave {
        self.epochs.next(&grant.account_id);
        PendingSave {
            keyring: self.clone(),
            grant: grant.clone(),
            made_in: self.epochs.of(&grant.account_id),
        }
    }

    /// The grant of the account used last.
    pub async fn current(&self) -> Result<Option<StoredGrant>, VaultError> {
        self.run(|v| v.current()).await
    }

    pub async fn load(&self, account_id: &str) -> Result<Option<StoredGrant>, VaultError> {
        let id = account_id.to_string();
        self.run(move |v| v.load(&id)).await
    }

    pub async fn index(&self) -> Result<AccountIndex, VaultError> {
        self.run(|v| v.index()).await
    }

    /// Keep a newly connected grant, and make its account the one in use (a new account is
    /// listed by its id until [`Keyring::remember`] gives its names).
    pub async fn keep(&self, grant: &StoredGrant) -> Result<(), VaultError> {
        let id = grant.account_id.clone();
        self.save_unless_abandoned(grant, move |v| {
            let mut index = v.index()?;
            let profile = index
                .accounts
                .iter()
                .find(|a| a.account_id == id)
                .cloned()
                .unwrap_or(Profile {
                    account_id: id,
                    display_name: String::new(),
                    email: String::new(),
                    initials: String::new(),
                });
            index.remember(profile);
            v.set_index(&index)
        })
        .await
    }

    /// Update an account's names in the index and make it the one in use; nothing is
    /// written when nothing changed.
    pub async fn remember(&self, profile: Profile) -> Result<(), VaultError> {
        self.run(move |v| {
            let mut index = v.index()?;
            let before = index.clone();
            index.remember(profile);
            if index == before {
                return Ok(());
            }
            v.set_index(&index)
        })
        .await
    }

    /// Remove an account's grant and its place in the index.
    pub async fn forget(&self, account_id: &str) -> Result<(), VaultError> {
        let id = account_id.to_string();
        self.run(move |v| {
            v.delete(&id)?;
            let mut index = v.index()?;
            index.forget(&id);
            v.set_index(&index)
        })
        .await
    }

    /// Remove what cannot be read: the grant of the account in use, or the index itself.
    pub async fn forget_unreadable(&self) -> Result<(), VaultError> {
        self.run(|v| match v.index() {
            Ok(mut index) => {
                if let Some(id) = index.current().map(str::to_string) {
                    v.delete(&id)?;
                    index.forget(&id);
                }
                v.set_index(&index)
            }
            Err(VaultError::Corrupt) => v.set_index(&AccountIndex::default()),
            Err(e) => Err(e),
        })
        .await
    }

    /// Remove every account (the demo's grants from an earlier run).
    pub async fn forget_all(&self) -> Result<(), VaultError> {
        self.run(|v| {
            let index = v.index()?;
            for a in &index.accounts {
                v.delete(&a.account_id)?;
            }
            v.set_index(&AccountIndex::default())
        })
        .await
    }

    /// Which store this is (asked of the system, bounded like every call).
    pub async fn store(&self) -> Result<Store, VaultError> {
        self.run(|v| Ok(v.store())).await
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::grant;
    use super::super::MemoryVault;
    use super::*;

    /// A vault whose loads take a while, whose saves can be held mid-write (an unlock
    /// prompt), and which records what ran, in order, with the account.
    #[derive(Default)]
    struct Slow {
        ran: std::sync::Mutex<Vec<String>>,
        /// While set, a save tells `writing` it started and waits for `release`.
        hold: std::sync::Mutex<Option<(mpsc::Sender<()>, mpsc::Receiver<()>)>>,
    }

    impl Slow {
        fn ran(&self) -> Vec<String> {
            self.ran.lock().unwrap().clone()
        }
        fn push(&self, what: &str, id: &str) {
            self.ran.lock().unwrap().push(format!("{what} {id}"));
        }
    }

    impl Vault for Slow {
        fn store(&self) -> Store {
            Store::Memory
        }
        fn load(&self, id: &str) -> Result<Option<StoredGrant>, VaultError> {
            std::thread::sleep(Duration::from_millis(300));
            self.push("load", id);
            Ok(None)
        }
        fn save(&self, g: &StoredGrant) -> Result<(), VaultError> {
            if let Some((writing, release)) = self.hold.lock().unwrap().take() {
                writing.send(()).unwrap();
                release.recv().unwrap();
            }
            self.push("save", &g.account_id);
            Ok(())
        }
        fn delete(&self, id: &str) -> Result<(), VaultError> {
            self.push("delete", id);
            Ok(())
        }
        fn index(&self) -> Result<AccountIndex, VaultError> {
            Ok(AccountIndex::default())
        }
        fn set_index(&self, _: &AccountIndex) -> Result<(), VaultError> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn keyring_calls_are_bounded_and_run_in_order() {
        let slow = Arc::new(Slow::default());
        let keyring = Keyring::new(slow.clone(), Duration::from_millis(50));
        assert_eq!(keyring.load("a").await.unwrap_err(), VaultError::Timeout);
        // The timed-out load still runs first; the save and the delete follow in order.
        let bounded = Keyring {
            timeout: Duration::from_secs(5),
            ..keyring
        };
        bounded.pending_save(&grant("a")).attempt().await.unwrap();
        bounded.forget("a").await.unwrap();
        assert_eq!(slow.ran(), ["load a", "load a", "save a", "delete a"]);
    }

    #[tokio::test]
    async fn a_save_overtaken_before_its_turn_never_runs() {
        let slow = Arc::new(Slow::default());
        let keyring = Keyring::new(slow.clone(), Duration::from_millis(50));
        // A load keeps the worker busy; a save queued behind it times out for its caller.
        let g = grant("a");
        let busy = keyring.load("a");
        let save = keyring.pending_save(&g);
        let late = save.attempt();
        let (_, late) = tokio::join!(busy, late);
        assert_eq!(late.unwrap_err(), VaultError::Timeout);
        // Disconnect gives the grant up before the save got its turn.
        keyring.abandon("a");
        let bounded = Keyring {
            timeout: Duration::from_secs(5),
            ..keyring
        };
        bounded.forget("a").await.unwrap();
        assert_eq!(slow.ran(), ["load a", "delete a"], "the save never ran");
        bounded.pending_save(&grant("a")).attempt().await.unwrap();
        assert_eq!(
            slow.ran(),
            ["load a", "delete a", "load a", "save a"],
            "a new save runs"
        );
    }

    #[tokio::test]
    async fn abandoning_one_account_keeps_the_saves_of_the_others() {
        let slow = Arc::new(Slow::default());
        let keyring = Keyring::new(slow.clone(), Duration::from_millis(50));
        let busy = keyring.load("x");
        let (a, b) = (grant("a"), grant("b"));
        let (save_a, save_b) = (keyring.pending_save(&a), keyring.pending_save(&b));
        let (_, late_a, late_b) = tokio::join!(busy, save_a.attempt(), save_b.attempt());
        assert_eq!(late_a.unwrap_err(), VaultError::Timeout);
        assert_eq!(late_b.unwrap_err(), VaultError::Timeout);
        // Disconnect of account a: b's refreshed grant must still be written.
        keyring.abandon("a");
        let bounded = Keyring {
            timeout: Duration::from_secs(5),
            ..keyring
        };
        bounded.forget("a").await.unwrap();
        assert_eq!(slow.ran(), ["load x", "load b", "save b", "delete a"]);
    }

    #[tokio::test]
    async fn a_save_given_up_while_it_is_written_is_undone() {
        let slow = Arc::new(Slow::default());
        let (writing, started) = mpsc::channel();
        let (release, held) = mpsc::channel();
        *slow.hold.lock().unwrap() = Some((writing, held));
        let keyring = Keyring::new(slow.clone(), Duration::from_millis(50));
        // The keychain sits in an unlock prompt while it writes the new sign-in's grant; the
        // sign-in times out and is abandoned (and its grant revoked) meanwhile.
        let g = grant("a");
        let saving = keyring.keep(&g);
        let abandon = async {
            tokio::task::spawn_blocking(move || started.recv().unwrap())
                .await
                .unwrap();
            keyring.abandon("a");
            release.send(()).unwrap();
        };
        let (kept, ()) = tokio::join!(saving, abandon);
        assert_eq!(kept.unwrap_err(), VaultError::Timeout);
        // The worker undoes the write as soon as it lands: nothing was there before.
        let bounded = Keyring {
            timeout: Duration::from_secs(5),
            ..keyring
        };
        bounded.index().await.unwrap();
        assert_eq!(slow.ran(), ["load a", "save a", "delete a"]);
    }

    #[tokio::test]
    async fn accounts_are_kept_remembered_and_forgotten() {
        let vault = Arc::new(MemoryVault::default());
        let keyring = Keyring::new(vault.clone(), Duration::from_secs(5));
        keyring.keep(&grant("a")).await.unwrap();
        keyring.keep(&grant("b")).await.unwrap();
        assert_eq!(keyring.current().await.unwrap().unwrap().account_id, "b");
        keyring
            .remember(Profile {
                account_id: "a".into(),
                display_name: "Alex".into(),
                email: "a@example.com".into(),
                initials: "A".into(),
            })
            .await
            .unwrap();
        let index = keyring.index().await.unwrap();
        assert_eq!(index.current(), Some("a"));
        assert_eq!(index.accounts[0].display_name, "Alex");
        keyring.forget("a").await.unwrap();
        assert_eq!(keyring.current().await.unwrap().unwrap().account_id, "b");
        assert!(vault.load("a").unwrap().is_none());
        keyring.forget_all().await.unwrap();
        assert!(keyring.current().await.unwrap().is_none());
    }
}
