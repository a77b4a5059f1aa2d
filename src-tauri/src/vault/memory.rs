//! A vault in memory, for tests of the code above the keychain that run in parallel. The
//! real keychain is covered by the integration tests that run against gnome-keyring.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{AccountIndex, Store, StoredGrant, Vault, VaultError};

#[derive(Default)]
pub struct MemoryVault {
    pub grants: Mutex<HashMap<String, StoredGrant>>,
    pub index: Mutex<AccountIndex>,
    /// Every call fails with this while it is set.
    pub fail: Mutex<Option<VaultError>>,
    /// While set, the next save says on the first that it started, then waits on the
    /// second (a keychain in an unlock prompt).
    pub hold_save: Mutex<Option<(std::sync::mpsc::Sender<()>, std::sync::mpsc::Receiver<()>)>>,
}

impl MemoryVault {
    fn check(&self) -> Result<(), VaultError> {
        self.fail.lock().unwrap().clone().map_or(Ok(()), Err)
    }
}

impl Vault for MemoryVault {
    fn store(&self) -> Store {
        Store::Memory
    }

    fn load(&self, account_id: &str) -> Result<Option<StoredGrant>, VaultError> {
        self.check()?;
        Ok(self.grants.lock().unwrap().get(account_id).cloned())
    }

    fn save(&self, grant: &StoredGrant) -> Result<(), VaultError> {
        let hold = self.hold_save.lock().unwrap().take();
        if let Some((started, release)) = hold {
            let _ = started.send(());
            let _ = release.recv();
        }
        self.check()?;
        self.grants
            .lock()
            .unwrap()
            .insert(grant.account_id.clone(), grant.clone());
        Ok(())
    }

    fn delete(&self, account_id: &str) -> Result<(), VaultError> {
        self.check()?;
        self.grants.lock().unwrap().remove(account_id);
        Ok(())
    }

    fn index(&self) -> Result<AccountIndex, VaultError> {
        self.check()?;
        Ok(self.index.lock().unwrap().clone())
    }

    fn set_index(&self, index: &AccountIndex) -> Result<(), VaultError> {
        self.check()?;
        *self.index.lock().unwrap() = index.clone();
        Ok(())
    }
}
