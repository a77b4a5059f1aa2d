//! The browser's use of the listing store: a folder not in memory is taken from disk, at
//! once and even offline (then caught up through its cursor), and every complete listing
//! is written back, off the async threads: whole after it was listed, as its changes after
//! a refresh or a live update. Each account's folders are its own. Where each unfinished
//! upload stands is kept there too, and listed again (to Resume) at the next start.

use std::sync::Arc;

use super::Browser;
use crate::dropbox::{timestamp, Commit, WriteMode};
use crate::files::upload::{Local, Resume};
use crate::listing::{Change, Listing};
use crate::store::{ListingStore, UnfinishedUpload};

impl Browser {
    /// Keep where every upload stands in the store, for the account in use.
    pub(super) fn keep_uploads_in_store(self: &Arc<Self>) {
        let (Some(files), Some(_)) = (&self.files, &self.store) else {
            return;
        };
        let me = Arc::downgrade(self);
        files
            .transfers
            .keep_uploads(Arc::new(move |local, commit, resume| {
                if let Some(me) = me.upgrade() {
                    me.keep_upload(local, commit, resume);
                }
            }));
    }

    fn keep_upload(&self, local: &Local, commit: &Commit, resume: Option<&Resume>) {
        let (Some(store), Some(account)) = (
            &self.store,
            self.account
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        ) else {
            return;
        };
        let kept = match resume {
            Some(r) => store.keep_upload(
                &account,
                &UnfinishedUpload {
                    target: commit.path.clone(),
                    local: local.path.clone(),
                    size: local.size,
                    modified_ns: local
                        .modified
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_nanos() as i64),
                    replace_rev: match &commit.mode {
                        WriteMode::Update(rev) => Some(rev.clone()),
                        _ => None,
                    },
                    autorename: commit.autorename,
                    session_id: r.session_id.clone(),
                    offset: r.offset,
                },
            ),
            None => store.forget_upload(&account, &commit.path),
        };
        if let Err(e) = kept {
            log::warn!("could not keep where an upload stands: {e}");
        }
    }

    /// List the uploads the account in use left unfinished (in an earlier run), each
    /// stopped where its session stands, for Resume; those listed already are not listed
    /// again. Returns how many were.
    pub async fn restore_uploads(&self) -> usize {
        let (Some(files), Some(store)) = (&self.files, self.store.clone()) else {
            return 0;
        };
        let Some(account) = self.account().await else {
            return 0;
        };
        let found = tokio::task::spawn_blocking(move || store.unfinished_uploads(&account))
            .await
            .ok()
            .and_then(|r| {
                r.map_err(|e| log::warn!("could not read unfinished uploads: {e}"))
                    .ok()
            })
            .unwrap_or_default();
        let listed: Vec<std::path::PathBuf> = files
            .transfers
            .reports()
            .into_iter()
            .map(|r| r.target)
            .collect();
        let mut restored = 0;
        for u in found {
            if listed.contains(&std::path::PathBuf::from(&u.target)) {
                continue;
            }
            let name = u.target.rsplit('/').next().unwrap_or_default().to_string();
            let modified = std::time::UNIX_EPOCH
                + std::time::Duration::from_nanos(u.modified_ns.max(0) as u64);
            let commit = Commit {
                path: u.target.clone(),
                mode: u.replace_rev.map_or(WriteMode::Add, WriteMode::Update),
                autorename: u.autorename,
                client_modified: Some(timestamp(modified)),
            };
            let local = Local {
                path: u.local,
                size: u.size,
                modified,
            };
            let resume = Resume {
                session_id: u.session_id,
                offset: u.offset,
            };
            files.transfers.restore_upload(&name, local, commit, resume);
            restored += 1;
        }
        restored
    }

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
