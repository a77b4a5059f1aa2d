//! The browser's use of the listing store: a folder not in memory is taken from disk, at
//! once and even offline (then caught up through its cursor), and every complete listing
//! is written back, off the async threads: whole after it was listed, as its changes after
//! a refresh or a live update. Each account's folders are its own.

use std::sync::Arc;

use super::Browser;
use crate::listing::{Change, Listing};
use crate::store::ListingStore;

impl Browser {
    /// The account the cached folders belong to, as the session holds it now.
    pub(super) async fn account(&self) -> Option<String> {
        let id = self.session.account_id().await;
        *self.account.lock().unwrap_or_else(|e| e.into_inner()) = id.clone();
        id
    }

    /// Put `key`'s stored listing in the cache; its save time when there was one.
    pub(super) async fn from_store(self: &Arc<Self>, generation: u64, key: &str) -> Option<u64> {
        let store = self.store.clone()?;
        let account = self.account().await?;
        let folder = key.to_string();
        let listing = tokio::task::spawn_blocking(move || {
            let mut listing = Listing::default();
            let mut entries = Vec::new();
            let stored = store.load(&account, &folder, &mut |e| {
                entries.push(Change::Upsert(e));
                if entries.len() == 1000 {
                    listing.apply(entries.drain(..));
                }
            });
            listing.apply(entries);
            listing.shrink_to_fit();
            let stored = stored
                .map_err(|e| log::warn!("could not read a stored listing: {e}"))
                .ok()??;
            listing.cursor = stored.cursor;
            listing.complete = true;
            listing.saved_at = Some(stored.saved_at);
            Some(listing)
        })
        .await
        .ok()??;
        let saved_at = listing.saved_at;
        let mut cache = self.cache();
        if cache.generation != generation {
            return None;
        }
        cache.folders.insert(key.to_string(), listing);
        saved_at
    }

    /// The store and the account whose folders go there now.
    pub(super) fn store_and_account(&self) -> Option<(Arc<ListingStore>, String)> {
        let account = self
            .account
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()?;
        Some((self.store.clone()?, account))
    }

    /// `key`'s cursor, when its listing is complete and of `generation`.
    fn complete_cursor(&self, generation: u64, key: &str) -> Option<String> {
        let cache = self.cache();
        match cache.folders.get(key) {
            Some(l) if l.complete && cache.generation == generation => Some(l.cursor.clone()),
            _ => None,
        }
    }

    /// Write `key`'s whole listing to the store, when it is complete.
    pub(super) fn persist(self: &Arc<Self>, generation: u64, key: &str) {
        let Some((store, account)) = self.store_and_account() else {
            return;
        };
        let snapshot = {
            let cache = self.cache();
            match cache.folders.get(key) {
                Some(l) if l.complete && cache.generation == generation => {
                    (l.snapshot(), l.cursor.clone())
                }
                _ => return,
            }
        };
        let folder = key.to_string();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = store.save(&account, &folder, snapshot.0.entries(), &snapshot.1) {
                log::warn!("could not store a listing: {e}");
            }
            drop(snapshot);
            crate::process::release_free_memory();
        });
    }

    /// Write the changes that followed `from` to `key`'s stored listing; the whole listing
    /// when what is stored is not at `from` (not written yet, or written at another cursor).
    pub(super) fn persist_changes(
        self: &Arc<Self>,
        generation: u64,
        key: &str,
        from: String,
        changes: Vec<Change>,
    ) {
        let Some((store, account)) = self.store_and_account() else {
            return;
        };
        let Some(cursor) = self.complete_cursor(generation, key) else {
            return;
        };
        let me = self.clone();
        let folder = key.to_string();
        tokio::task::spawn_blocking(move || {
            match store.apply_delta(&account, &folder, &from, &changes, &cursor) {
                Ok(true) => {}
                Ok(false) => me.persist(generation, &folder),
                Err(e) => log::warn!("could not store a listing's changes: {e}"),
            }
        });
    }

    /// Forget a stored folder that vanished at Dropbox.
    pub(super) fn forget_stored_folder(&self, key: &str) {
        let account = self
            .account
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let (Some(store), Some(account)) = (self.store.clone(), account) {
            let folder = key.to_string();
            tokio::task::spawn_blocking(move || store.forget_folder(&account, &folder));
        }
    }

    /// Forget what is stored of an account (on Disconnect and revocation).
    pub(super) fn forget_stored(&self, account: Option<String>) {
        if let (Some(store), Some(account)) = (self.store.clone(), account) {
            tokio::task::spawn_blocking(move || store.forget_account(&account));
        }
    }
}
