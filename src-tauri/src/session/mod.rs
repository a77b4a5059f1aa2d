//! The session: the facade the commands call for everything about the connection: the
//! account in use, switching between the connected accounts, Disconnect. It composes the token source (`token_source`: the grant, single-flight refresh), the retry
//! policy (`retry`: backoff, one refresh then one retry), and the connect flow
//! (`connect`); Disconnect is here. Returns typed outcomes and [`SessionError`]s; the
//! words for them are `messages`'.

mod connect;
pub mod retry;
pub mod token_source;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use connect::{ConnectOutcome, Heard, Opener};
pub use retry::Retry;
pub use token_source::REFRESH_MARGIN_SECS;

use crate::auth::OAuth;
use crate::dropbox::organize::{DeleteJob, RelocationJob, Revisions};
use crate::dropbox::{self, ApiError, AuthError};
use crate::error::FileProblem;
pub use crate::error::SessionError;
use crate::listing::{Change, Page};
use crate::secret::AccessToken;
use crate::vault::{Keyring, Profile, Store};
use crate::view::{AccountView, Entry};
use token_source::TokenSource;
use tokio_util::sync::CancellationToken;

const PAGE_LIMIT: u32 = 2000;

pub struct Settings {
    pub ports: Vec<u16>,
    pub auth_timeout: Duration,
    pub retry: Retry,
}

/// How a Disconnect ended. The keychain item is gone either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Revoke {
    /// There was a grant to disconnect.
    pub was_connected: bool,
    /// Dropbox confirmed that the grant is dead (or it already was).
    pub confirmed: bool,
    /// Other accounts are still connected.
    pub remaining: bool,
}

pub struct Session {
    tokens: TokenSource,
    /// Which store the keychain is, asked once.
    store: tokio::sync::OnceCell<Store>,
    api: dropbox::Client,
    settings: Settings,
    opener: Opener,
    flow: connect::FlowSlot,
}

impl Session {
    pub fn new(
        oauth: OAuth,
        api: dropbox::Client,
        keyring: Keyring,
        settings: Settings,
        opener: Opener,
    ) -> Arc<Self> {
        Arc::new(Session {
            tokens: TokenSource::new(oauth, keyring),
            store: tokio::sync::OnceCell::new(),
            api,
            settings,
            opener,
            flow: Mutex::new(None),
        })
    }

    /// At start-up (and after the account in use was disconnected): load the grant of the
    /// account used last from the keychain and check it with Dropbox, once: offline, the
    /// account as last seen answers at once (so the stored folders show), and the folders'
    /// own retries find Dropbox again.
    pub async fn restore(&self) -> Result<AccountView, SessionError> {
        let Some(grant) = self.tokens.keyring().current().await? else {
            return Err(SessionError::NotConnected);
        };
        let id = grant.account_id.clone();
        self.tokens.hold(grant).await;
        let checked = match self.account_with(&Retry::NONE).await {
            Err(e) if e.is_transient() => match self.last_seen(&id).await? {
                Some(offline) => return Ok(offline),
                None => self.account().await,
            },
            other => other,
        };
        let account = checked?;
        self.remember(&account).await;
        Ok(account)
    }

    /// The account as the keychain's index last saw it, marked offline.
    async fn last_seen(&self, account_id: &str) -> Result<Option<AccountView>, SessionError> {
        let index = self.tokens.keyring().index().await?;
        let profile = index
            .accounts
            .into_iter()
            .find(|a| a.account_id == account_id && !a.display_name.is_empty());
        Ok(match profile {
            Some(p) => Some(AccountView::offline(p, self.store().await)),
            None => None,
        })
    }

    /// Use another connected account: its grant from the keychain, checked with Dropbox.
    /// The grant put down stays connected (and in the keychain).
    pub async fn switch(&self, account_id: &str) -> Result<AccountView, SessionError> {
        let grant = self
            .tokens
            .keyring()
            .load(account_id)
            .await?
            .ok_or(SessionError::NotConnected)?;
        self.tokens.hold(grant).await;
        let account = self.account().await?;
        self.remember(&account).await;
        Ok(account)
    }

    /// The account whose grant is held.
    pub async fn account_id(&self) -> Option<String> {
        self.tokens.account_id().await
    }

    /// The connected accounts, as the keychain's index lists them, and the one in use.
    pub async fn accounts(&self) -> Result<(Vec<Profile>, Option<String>), SessionError> {
        let index = self.tokens.keyring().index().await?;
        let current = match self.tokens.account_id().await {
            Some(id) => Some(id),
            None => index.current().map(str::to_string),
        };
        Ok((index.accounts, current))
    }

    /// Keep the account's names for the switcher, and note it as the one used last.
    pub(super) async fn remember(&self, account: &AccountView) {
        let profile = Profile {
            account_id: account.account_id.clone(),
            display_name: account.display_name.clone(),
            email: account.email.clone(),
            initials: account.initials.clone(),
        };
        if let Err(e) = self.tokens.keyring().remember(profile).await {
            log::warn!("could not update the list of accounts in the keychain: {e}");
        }
    }

    /// Ask Dropbox who we are with the grant in memory.
    pub async fn status(&self) -> Result<AccountView, SessionError> {
        if !self.tokens.is_holding().await {
            return Err(if self.tokens.was_revoked() {
                SessionError::Revoked
            } else {
                SessionError::NotConnected
            });
        }
        self.account().await
    }

    /// How full the account's Dropbox is.
    pub async fn space_usage(&self) -> Result<dropbox::SpaceUsage, SessionError> {
        retry::call(&self.tokens, &self.settings.retry, |t| async move {
            self.api.space_usage(&t).await
        })
        .await
    }

    pub async fn account(&self) -> Result<AccountView, SessionError> {
        self.account_with(&self.settings.retry).await
    }

    async fn account_with(&self, retry: &Retry) -> Result<AccountView, SessionError> {
        let (account, usage, store) = tokio::join!(
            retry::call(&self.tokens, retry, |t| async move {
                self.api.current_account(&t).await
            }),
            retry::call(&self.tokens, retry, |t| async move {
                self.api.space_usage(&t).await
            }),
            self.store()
        );
        let mut view = AccountView::new(account?, usage?, store);
        view.may_write = self.tokens.may_write().await;
        Ok(view)
    }

    /// Whether the grant in use may write (`files.content.write`).
    pub async fn may_write(&self) -> bool {
        self.tokens.may_write().await
    }

    /// Which store keeps the grant (a Secret Service provider whose name cannot be learnt
    /// is just the Secret Service).
    pub async fn store(&self) -> Store {
        *self
            .store
            .get_or_init(|| async {
                self.tokens
                    .keyring()
                    .store()
                    .await
                    .unwrap_or(Store::SecretService)
            })
            .await
    }

    pub async fn list_folder(&self, path: &str) -> Result<Page, SessionError> {
        let r = self
            .call(|t| async move { self.api.list_folder(&t, path, PAGE_LIMIT).await })
            .await?;
        Ok(page(r))
    }

    pub async fn list_folder_continue(&self, cursor: &str) -> Result<Page, SessionError> {
        let r = self
            .call(|t| async move { self.api.list_folder_continue(&t, cursor).await })
            .await?;
        Ok(page(r))
    }

    /// Names in the whole app folder that match `query` (Dropbox's search: words and word
    /// beginnings, any case or accent), at most `limit` of them in Dropbox's order.
    pub async fn search(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<(Vec<Entry>, bool), SessionError> {
        let mut page = self
            .call(|t| async move { self.api.search(&t, query).await })
            .await?;
        let mut found = Vec::new();
        loop {
            found.extend(page.matches.into_iter().filter_map(|m| match m.metadata {
                dropbox::MetadataV2::Metadata { metadata } => match Change::from(metadata) {
                    Change::Upsert(entry) => Some(entry),
                    Change::Removed(_) => None,
                },
                dropbox::MetadataV2::Other => None,
            }));
            let more = page.has_more && page.cursor.is_some();
            if found.len() >= limit || !more {
                let truncated = more || found.len() > limit;
                found.truncate(limit);
                return Ok((found, truncated));
            }
            let cursor = page.cursor.unwrap_or_default();
            page = self
                .call(|t| {
                    let cursor = cursor.clone();
                    async move { self.api.search_continue(&t, &cursor).await }
                })
                .await?;
        }
    }

    /// Download the file at `path` into `part`, a file for `dest` (resuming after the
    /// `have` bytes there when it is revision `rev`'s), refreshing the token once if
    /// refused. Not retried here: a transfer retries on its own so that it can show its
    /// waits (`files::transfers`).
    #[allow(clippy::too_many_arguments)]
    pub async fn download(
        &self,
        path: &str,
        rev: Option<&str>,
        part: &std::fs::File,
        have: u64,
        dest: &std::path::Path,
        on_bytes: dropbox::content::OnBytes<'_>,
        cancel: &CancellationToken,
    ) -> Result<dropbox::Fetched, SessionError> {
        self.content(dest, |t| async move {
            self.api
                .download(&t, path, rev, part, have, on_bytes, cancel)
                .await
        })
        .await
    }

    /// A folder as a zip archive into `part`, a file for `dest`; returns its length. Not
    /// retried here.
    pub async fn download_zip(
        &self,
        path: &str,
        part: &std::fs::File,
        dest: &std::path::Path,
        on_bytes: dropbox::content::OnBytes<'_>,
        cancel: &CancellationToken,
    ) -> Result<u64, SessionError> {
        let dir = dest.parent().unwrap_or(dest);
        self.content(dest, |t| async move {
            self.api
                .download_zip(&t, path, part, dir, on_bytes, cancel)
                .await
        })
        .await
    }

    /// Commit a small file in one request. This and the upload-session calls below
    /// refresh the token once if refused and are not retried here: the uploader retries
    /// on its own, at the offset Dropbox confirms (`files::upload`). Dropbox refusing
    /// them for want of the write scope makes the grant held read-only (see
    /// [`Session::write_call`]).
    pub async fn upload(
        &self,
        commit: &dropbox::Commit,
        bytes: impl Into<dropbox::HashedBytes>,
    ) -> Result<dropbox::FileMetadata, SessionError> {
        let bytes = bytes.into();
        self.write_call(|t| {
            let bytes = bytes.clone();
            async move { self.api.upload(&t, commit, bytes).await }
        })
        .await
    }

    /// Open an upload session with its first bytes; returns its id.
    pub async fn upload_session_start(
        &self,
        bytes: impl Into<dropbox::HashedBytes>,
        close: bool,
    ) -> Result<String, SessionError> {
        let bytes = bytes.into();
        self.write_call(|t| {
            let bytes = bytes.clone();
            async move { self.api.upload_session_start(&t, bytes, close).await }
        })
        .await
    }

    /// Add bytes to an upload session at `offset`.
    pub async fn upload_session_append(
        &self,
        session_id: &str,
        offset: u64,
        bytes: impl Into<dropbox::HashedBytes>,
    ) -> Result<(), SessionError> {
        let bytes = bytes.into();
        self.write_call(|t| {
            let bytes = bytes.clone();
            async move {
                self.api
                    .upload_session_append(&t, session_id, offset, bytes, false)
                    .await
            }
        })
        .await
    }

    /// Add the last bytes at `offset` and commit the session's file.
    pub async fn upload_session_finish(
        &self,
        session_id: &str,
        offset: u64,
        bytes: impl Into<dropbox::HashedBytes>,
        commit: &dropbox::Commit,
    ) -> Result<dropbox::FileMetadata, SessionError> {
        let bytes = bytes.into();
        self.write_call(|t| {
            let bytes = bytes.clone();
            async move {
                self.api
                    .upload_session_finish(&t, session_id, offset, bytes, commit)
                    .await
            }
        })
        .await
    }

    /// Make a folder (and any parents missing).
    pub async fn create_folder(&self, path: &str) -> Result<dropbox::FolderMetadata, SessionError> {
        self.write_call(|t| async move { self.api.create_folder(&t, path).await })
            .await
    }

    /// Move or rename the entry at `from` to `to`; what is there now.
    pub async fn move_entry(
        &self,
        from: &str,
        to: &str,
    ) -> Result<dropbox::Metadata, SessionError> {
        self.write_call(|t| async move { self.api.move_entry(&t, from, to).await })
            .await
    }

    /// Start deleting the entries at `paths` (at most 1,000) as one job; not retried (a
    /// second try would find them gone).
    pub async fn delete_batch(&self, paths: &[String]) -> Result<DeleteJob, SessionError> {
        self.write_call(|t| async move { self.api.delete_batch(&t, paths).await })
            .await
    }

    /// How a `delete_batch` job stands, retried like any call.
    pub async fn delete_batch_check(&self, id: &str) -> Result<DeleteJob, SessionError> {
        self.write_retried(&self.settings.retry, |t| async move {
            self.api.delete_batch_check(&t, id).await
        })
        .await
    }

    /// Start moving (or, with `copy`, copying) each `(from, to)` as one job; not retried.
    pub async fn relocate_batch(
        &self,
        pairs: &[(String, String)],
        copy: bool,
    ) -> Result<RelocationJob, SessionError> {
        self.write_call(|t| async move { self.api.relocate_batch(&t, pairs, copy).await })
            .await
    }

    /// How a move or copy batch stands, retried like any call.
    pub async fn relocate_batch_check(
        &self,
        id: &str,
        copy: bool,
    ) -> Result<RelocationJob, SessionError> {
        self.write_retried(&self.settings.retry, |t| async move {
            self.api.relocate_batch_check(&t, id, copy).await
        })
        .await
    }

    /// The first page of everything below the folder `path`.
    pub async fn list_folder_recursive(&self, path: &str) -> Result<Page, SessionError> {
        let r = self
            .call(|t| async move { self.api.list_folder_recursive(&t, path).await })
            .await?;
        Ok(page(r))
    }

    /// What was deleted in the folder `path` (and in its subfolders when `recursive`) and is
    /// not there now, every page read.
    pub async fn list_deleted(
        &self,
        path: &str,
        recursive: bool,
    ) -> Result<Vec<dropbox::types::DeletedMetadata>, SessionError> {
        let mut page = self
            .call(|t| async move { self.api.list_folder_with_deleted(&t, path, recursive).await })
            .await?;
        let mut deleted = Vec::new();
        loop {
            deleted.extend(page.entries.into_iter().filter_map(|m| match m {
                dropbox::Metadata::Deleted(d) => Some(d),
                _ => None,
            }));
            if !page.has_more {
                return Ok(deleted);
            }
            let cursor = page.cursor;
            page = self
                .call(|t| {
                    let cursor = cursor.clone();
                    async move { self.api.list_folder_continue(&t, &cursor).await }
                })
                .await?;
        }
    }

    /// The file at `path`'s revisions, newest first (at most 100).
    pub async fn list_revisions(&self, path: &str) -> Result<Revisions, SessionError> {
        self.call(|t| async move { self.api.list_revisions(&t, path, 100).await })
            .await
    }

    /// Make the revision `rev` the file at `path` again; retried (the same revision twice
    /// is one restore).
    pub async fn restore_revision(
        &self,
        path: &str,
        rev: &str,
    ) -> Result<dropbox::FileMetadata, SessionError> {
        self.write_retried(&self.settings.retry, |t| async move {
            self.api.restore(&t, path, rev).await
        })
        .await
    }

    /// Commit closed upload sessions at once, each on its own.
    pub async fn upload_session_finish_batch(
        &self,
        entries: &[dropbox::Finish],
    ) -> Result<Vec<dropbox::Committed>, SessionError> {
        self.write_call(|t| async move { self.api.upload_session_finish_batch(&t, entries).await })
            .await
    }

    /// The first `limit` bytes of a file, retried like any call.
    pub async fn download_head(
        &self,
        path: &str,
        limit: usize,
    ) -> Result<(dropbox::FileMetadata, Vec<u8>), SessionError> {
        self.call(|t| async move { self.api.download_head(&t, path, limit).await })
            .await
    }

    /// A thumbnail of an image file and its metadata, retried like any call.
    pub async fn thumbnail(
        &self,
        path: &str,
        size: &str,
    ) -> Result<(dropbox::FileMetadata, dropbox::Thumbnail), SessionError> {
        self.call(|t| async move { self.api.thumbnail(&t, path, size).await })
            .await
    }

    /// One entry's metadata, retried like any call.
    pub async fn metadata(&self, path: &str) -> Result<dropbox::Metadata, SessionError> {
        self.call(|t| async move { self.api.metadata(&t, path).await })
            .await
    }

    /// A content call once (with the one refresh a refused token gets); the local
    /// failures become `FileProblem`s naming the folder of `dest`.
    async fn content<T, F, Fut>(&self, dest: &std::path::Path, f: F) -> Result<T, SessionError>
    where
        F: Fn(AccessToken) -> Fut,
        Fut: Future<Output = Result<T, dropbox::DownloadError>>,
    {
        let answer = retry::call(&self.tokens, &Retry::NONE, |t| {
            let fut = f(t);
            async move {
                use dropbox::DownloadError as D;
                match fut.await {
                    Ok(v) => Ok(Ok(v)),
                    Err(D::Api(e)) => Err(e),
                    Err(D::Disk(e)) => Ok(Err(FileProblem::disk(dest, &e))),
                    Err(D::Corrupt) => Ok(Err(FileProblem::Corrupt)),
                    Err(D::Changed) => Ok(Err(FileProblem::Changed)),
                    Err(D::Cancelled) => Ok(Err(FileProblem::Cancelled)),
                }
            }
        })
        .await?;
        answer.map_err(SessionError::File)
    }

    /// Wait until something changes below the cursor's folder (or the long-poll's time is
    /// up). Dropbox's shortest long-poll is 30 s; it answers at once when there is a change.
    pub async fn longpoll(&self, cursor: &str) -> Result<dropbox::Longpoll, SessionError> {
        Ok(self.api.longpoll(cursor, 30).await?)
    }

    async fn call<T, F, Fut>(&self, f: F) -> Result<T, SessionError>
    where
        F: Fn(AccessToken) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        retry::call(&self.tokens, &self.settings.retry, f).await
    }

    /// A write: refreshed once if the token is refused, not retried otherwise; a
    /// `missing_scope` answer (the write scope was taken back, or never given) leaves the
    /// grant held read-only, so the account says it may not write and the window asks for
    /// write access again.
    async fn write_call<T, F, Fut>(&self, f: F) -> Result<T, SessionError>
    where
        F: Fn(AccessToken) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        self.write_retried(&Retry::NONE, f).await
    }

    /// A write that is the same write when made twice (a restore of one revision, say):
    /// retried per `retry`, and a `missing_scope` answer handled as [`Session::write_call`]
    /// handles it.
    async fn write_retried<T, F, Fut>(&self, retry: &Retry, f: F) -> Result<T, SessionError>
    where
        F: Fn(AccessToken) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let answer = retry::call(&self.tokens, retry, f).await;
        if let Err(SessionError::Api(ApiError::Unauthorized(dropbox::AuthError::MissingScope))) =
            &answer
        {
            self.tokens.write_refused().await;
        }
        answer
    }

    /// Disconnect `account_id` (the account the window shows, never the keychain's
    /// "current" one): revoke at Dropbox (best effort, refreshing first if the token
    /// expired), then delete its keychain item whatever happened, and say whether the
    /// revoke was confirmed. The other accounts stay.
    pub async fn disconnect(&self, account_id: &str) -> Result<Revoke, SessionError> {
        let remaining = |keyring: Keyring| async move {
            keyring
                .index()
                .await
                .map(|i| !i.accounts.is_empty())
                .unwrap_or(false)
        };
        let Some((grant, token)) = self.tokens.release(account_id).await? else {
            return Ok(Revoke {
                was_connected: false,
                confirmed: true,
                remaining: remaining(self.tokens.keyring().clone()).await,
            });
        };
        let confirmed = match token {
            None => true,
            Some(t) => match self.api.revoke(&t).await {
                Ok(()) => true,
                // Only the answers that mean the token is dead count as confirmed.
                Err(ApiError::Unauthorized(AuthError::InvalidAccessToken)) => true,
                Err(e) => {
                    log::warn!("revoke failed: {e}");
                    false
                }
            },
        };
        self.tokens.keyring().forget(&grant.account_id).await?;
        Ok(Revoke {
            was_connected: true,
            confirmed,
            remaining: remaining(self.tokens.keyring().clone()).await,
        })
    }

    /// Remove a saved sign-in that cannot be read (the window shows no account then, only
    /// the problem): it holds no grant Dropdesk could revoke.
    pub async fn forget_unreadable(&self) -> Result<(), SessionError> {
        Ok(self.tokens.keyring().forget_unreadable().await?)
    }
}

fn page(r: dropbox::ListFolderResult) -> Page {
    Page {
        changes: r.entries.into_iter().map(Change::from).collect(),
        cursor: r.cursor,
        has_more: r.has_more,
    }
}
