//! The token lifecycle and the connect/disconnect state machine. The one owner of the
//! current grant: hands out fresh access tokens (refreshing proactively when under five
//! minutes remain, reactively once on `expired_access_token`, single-flight), writes new
//! tokens back to the vault, and drops a grant only on Disconnect or a revocation.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;

use crate::auth::{self, Callback, Listener, OAuth, Outcome, PortsBusy, TokenError};
use crate::dropbox::{self, ApiError, FullAccount, Metadata, SpaceUsage};
use crate::messages::{self, Problem};
use crate::secret::Secret;
use crate::vault::{now_unix, StoredGrant, Vault, VaultError};

/// Refresh when fewer than this many seconds remain on the access token.
pub const REFRESH_MARGIN_SECS: u64 = 300;
/// A keychain call that takes longer is reported as not answering.
const VAULT_TIMEOUT: Duration = Duration::from_secs(20);
const PAGE_LIMIT: u32 = 2000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Ports(#[from] PortsBusy),
    #[error("the grant was revoked")]
    Revoked,
    #[error("Dropbox reported {error}: {description}")]
    AuthFailed { error: String, description: String },
    #[error("not connected")]
    NotConnected,
    #[error("no sign-in is in progress")]
    NotWaiting,
}

/// The account as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountView {
    pub display_name: String,
    pub email: String,
    pub initials: String,
    pub used: u64,
    pub allocated: Option<u64>,
}

impl AccountView {
    fn new(account: FullAccount, usage: SpaceUsage) -> Self {
        let initials = if account.name.abbreviated_name.is_empty() {
            account
                .name
                .display_name
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .take(2)
                .collect()
        } else {
            account.name.abbreviated_name.clone()
        };
        AccountView {
            display_name: account.name.display_name,
            email: account.email,
            initials,
            used: usage.used,
            allocated: usage.allocated(),
        }
    }
}

/// What the window should show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    Connected {
        account: AccountView,
    },
    Disconnected {
        problem: Option<Problem>,
    },
    /// A grant is kept but cannot be used right now (offline, keychain locked, …).
    Problem {
        problem: Problem,
    },
}

/// A sign-in waiting for the browser.
#[derive(Clone, Debug, Serialize)]
pub struct Waiting {
    pub url: String,
    pub browser_opened: bool,
}

/// How a sign-in ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectResult {
    Connected { account: AccountView },
    Declined,
    Cancelled,
    TimedOut,
    Failed { problem: Problem },
}

/// How a disconnect ended. The local entry is always gone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Disconnected {
    pub revoke_confirmed: bool,
    pub message: String,
}

/// One listing page as the UI gets it.
#[derive(Clone, Debug, Serialize)]
pub struct Page {
    pub entries: Vec<Entry>,
    pub cursor: String,
    pub has_more: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub kind: &'static str,
    pub name: String,
    pub path: String,
    pub path_lower: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
}

impl From<Metadata> for Entry {
    fn from(m: Metadata) -> Self {
        let (kind, name, display, lower, size, modified) = match m {
            Metadata::File(f) => (
                "file",
                f.name,
                f.path_display,
                f.path_lower,
                Some(f.size),
                Some(f.server_modified),
            ),
            Metadata::Folder(f) => ("folder", f.name, f.path_display, f.path_lower, None, None),
            Metadata::Deleted(d) => ("deleted", d.name, d.path_display, d.path_lower, None, None),
        };
        let path = display.unwrap_or_default();
        Entry {
            kind,
            path_lower: lower.unwrap_or_else(|| path.to_lowercase()),
            path,
            name,
            size,
            modified,
        }
    }
}

/// Opens a URL in the system browser.
pub type Opener = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

struct Flow {
    url: String,
    cancel: Arc<AtomicBool>,
    outcome: watch::Receiver<Option<ConnectResult>>,
}

pub struct Session {
    oauth: OAuth,
    api: dropbox::Client,
    vault: Arc<dyn Vault>,
    ports: Vec<u16>,
    auth_timeout: Duration,
    retry: Retry,
    opener: Opener,
    /// The grant. Held across a refresh, so concurrent callers share one refresh.
    grant: tokio::sync::Mutex<Option<StoredGrant>>,
    /// Set, under the grant's lock, when Dropbox revoked the grant this session held, so
    /// every caller that then finds no grant learns why: a listing racing the account
    /// fetch must not see a plain "not connected". Cleared when a grant is held again or
    /// the user disconnects.
    revoked: AtomicBool,
    flow: Mutex<Option<Arc<Flow>>>,
}

pub struct Settings {
    pub ports: Vec<u16>,
    pub auth_timeout: Duration,
    pub retry: Retry,
}

/// How transient failures (network, 5xx, 429) are retried before the user sees them:
/// exponential backoff with jitter from `base`, at most `attempts` more tries, and a
/// 429's `Retry-After` honoured when it is no longer than `max_wait`.
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    pub attempts: u32,
    pub base: Duration,
    pub max_wait: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 3,
            base: Duration::from_millis(500),
            max_wait: Duration::from_secs(30),
        }
    }
}

impl Retry {
    /// How long to wait before trying again after `e`, or `None` to give up now.
    pub fn delay(&self, e: &SessionError, attempt: u32) -> Option<Duration> {
        if attempt >= self.attempts {
            return None;
        }
        let wait = match e {
            SessionError::Api(ApiError::RateLimited { retry_after }) => *retry_after,
            SessionError::Api(ApiError::Server { .. } | ApiError::Network(_))
            | SessionError::Token(TokenError::Unavailable(_)) => {
                let jitter = 0.5 + rand::random::<f64>();
                self.base
                    .mul_f64(f64::from(1u32 << attempt.min(16)) * jitter)
            }
            _ => return None,
        };
        (wait <= self.max_wait).then_some(wait)
    }
}

impl Session {
    pub fn new(
        oauth: OAuth,
        api: dropbox::Client,
        vault: Arc<dyn Vault>,
        settings: Settings,
        opener: Opener,
    ) -> Arc<Self> {
        Arc::new(Session {
            oauth,
            api,
            vault,
            ports: settings.ports,
            auth_timeout: settings.auth_timeout,
            retry: settings.retry,
            opener,
            grant: tokio::sync::Mutex::new(None),
            revoked: AtomicBool::new(false),
            flow: Mutex::new(None),
        })
    }

    /// Run a keychain call off the async threads, bounded in time.
    async fn vault_call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Vault) -> Result<T, VaultError> + Send + 'static,
    ) -> Result<T, VaultError> {
        let vault = self.vault.clone();
        match tokio::time::timeout(
            VAULT_TIMEOUT,
            tokio::task::spawn_blocking(move || f(vault.as_ref())),
        )
        .await
        {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(VaultError::Other(format!("keychain task failed: {join}"))),
            Err(_) => Err(VaultError::Timeout),
        }
    }

    /// At start-up: load the grant from the keychain and check it with Dropbox.
    pub async fn restore(&self) -> Status {
        let loaded = self.vault_call(|v| v.load()).await;
        match loaded {
            Err(e) => Status::Problem {
                problem: messages::keychain(&e),
            },
            Ok(None) => Status::Disconnected { problem: None },
            Ok(Some(grant)) => {
                self.hold(grant).await;
                self.status().await
            }
        }
    }

    /// Ask Dropbox who we are with the grant in memory.
    pub async fn status(&self) -> Status {
        if self.grant.lock().await.is_none() {
            return Status::Disconnected {
                problem: self.was_revoked().then(messages::revoked),
            };
        }
        match self.account().await {
            Ok(account) => Status::Connected { account },
            Err(SessionError::Revoked) => Status::Disconnected {
                problem: Some(messages::revoked()),
            },
            Err(SessionError::NotConnected) => Status::Disconnected { problem: None },
            Err(e) => Status::Problem {
                problem: messages::session(&e),
            },
        }
    }

    pub async fn account(&self) -> Result<AccountView, SessionError> {
        let (account, usage) = tokio::join!(
            self.call(|t| async move { self.api.current_account(&t).await }),
            self.call(|t| async move { self.api.space_usage(&t).await })
        );
        Ok(AccountView::new(account?, usage?))
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

    /// Make an API call with a fresh token; on `expired_access_token` (or an invalid token
    /// that a refresh may cure) refresh once and retry once. A 401 right after a refresh
    /// means the grant was revoked elsewhere. Transient failures are retried per `Retry`.
    async fn call<T, F, Fut>(&self, f: F) -> Result<T, SessionError>
    where
        F: Fn(Secret) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut attempt = 0;
        loop {
            match self.call_once(&f).await {
                Err(e) => match self.retry.delay(&e, attempt) {
                    Some(wait) => {
                        log::info!("retrying in {} ms after: {e}", wait.as_millis());
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                    }
                    None => return Err(e),
                },
                ok => return ok,
            }
        }
    }

    async fn call_once<T, F, Fut>(&self, f: &F) -> Result<T, SessionError>
    where
        F: Fn(Secret) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let token = self.fresh_token().await?;
        match f(token.clone()).await {
            Err(e) if token_refused(&e) => {
                let token = self.refresh_after(&token).await?;
                match f(token.clone()).await {
                    Err(e) if token_refused(&e) => {
                        self.forget_revoked(&token).await;
                        Err(SessionError::Revoked)
                    }
                    other => other.map_err(SessionError::Api),
                }
            }
            other => other.map_err(SessionError::Api),
        }
    }

    /// The access token, refreshed first if it is about to expire.
    async fn fresh_token(&self) -> Result<Secret, SessionError> {
        let mut guard = self.grant.lock().await;
        let grant = guard.as_ref().ok_or_else(|| self.no_grant())?;
        if grant.expires_within(REFRESH_MARGIN_SECS) {
            return self.refresh_locked(&mut guard).await;
        }
        Ok(grant.access_token.clone())
    }

    /// Refresh because `stale` was refused, unless another caller already did.
    async fn refresh_after(&self, stale: &Secret) -> Result<Secret, SessionError> {
        let mut guard = self.grant.lock().await;
        let grant = guard.as_ref().ok_or_else(|| self.no_grant())?;
        if grant.access_token != *stale {
            return Ok(grant.access_token.clone());
        }
        self.refresh_locked(&mut guard).await
    }

    /// Refresh with the lock held. Only `invalid_grant` drops the grant; network errors,
    /// 5xx, 429 and keychain hiccups keep it.
    async fn refresh_locked(
        &self,
        guard: &mut Option<StoredGrant>,
    ) -> Result<Secret, SessionError> {
        let grant = guard.as_mut().ok_or_else(|| self.no_grant())?;
        let Some(refresh_token) = grant.refresh_token.clone() else {
            // A legacy token cannot be refreshed; if it is refused, it was revoked.
            return Err(SessionError::Revoked);
        };
        match self.oauth.refresh(&refresh_token).await {
            Ok(tokens) => {
                grant.access_token = tokens.access_token;
                grant.expires_at = tokens.expires_in.map(|s| now_unix() + s);
                let saved = grant.clone();
                let token = saved.access_token.clone();
                if let Err(e) = self.vault_call(move |v| v.save(&saved)).await {
                    // The refresh token is still in the keychain; the new access token
                    // lives in memory until the next successful write.
                    log::warn!("could not write the refreshed access token to the keychain: {e}");
                }
                Ok(token)
            }
            Err(e) if e.is_invalid_grant() => {
                let account_id = grant.account_id.clone();
                *guard = None;
                self.revoked.store(true, Ordering::SeqCst);
                self.delete_entry(account_id).await;
                Err(SessionError::Revoked)
            }
            Err(e) => Err(SessionError::Token(e)),
        }
    }

    /// Hold a grant restored from the keychain or just granted.
    async fn hold(&self, grant: StoredGrant) {
        let mut guard = self.grant.lock().await;
        *guard = Some(grant);
        self.revoked.store(false, Ordering::SeqCst);
    }

    fn was_revoked(&self) -> bool {
        self.revoked.load(Ordering::SeqCst)
    }

    /// Why a call found no grant.
    fn no_grant(&self) -> SessionError {
        if self.was_revoked() {
            SessionError::Revoked
        } else {
            SessionError::NotConnected
        }
    }

    /// `refused`, fresh from a refresh, was refused too: the grant was revoked elsewhere.
    /// Drop it in memory and in the keychain, unless the grant held now is another one
    /// (the user disconnected or reconnected meanwhile).
    async fn forget_revoked(&self, refused: &Secret) {
        let mut guard = self.grant.lock().await;
        let Some(gone) = guard.take_if(|g| g.access_token == *refused) else {
            return;
        };
        self.revoked.store(true, Ordering::SeqCst);
        drop(guard);
        self.delete_entry(gone.account_id).await;
    }

    async fn delete_entry(&self, account_id: String) {
        if let Err(e) = self.vault_call(move |v| v.delete(&account_id)).await {
            log::warn!("could not delete a revoked grant from the keychain: {e}");
        }
    }

    /// Start a sign-in: bind the listener, open the browser. A second call while one is
    /// waiting returns the waiting one.
    pub async fn start_connect(self: &Arc<Self>) -> Result<Waiting, SessionError> {
        let url = {
            let mut slot = self.flow.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(flow) = slot.as_ref() {
                return Ok(Waiting {
                    url: flow.url.clone(),
                    browser_opened: true,
                });
            }
            let listener = Listener::bind(&self.ports)?;
            let authorization = self.oauth.begin(&listener.redirect_uri());
            let url = authorization.url.to_string();
            let cancel = Arc::new(AtomicBool::new(false));
            let (tx, rx) = watch::channel(None);
            let flow = Arc::new(Flow {
                url: url.clone(),
                cancel: cancel.clone(),
                outcome: rx,
            });
            *slot = Some(flow.clone());
            let me = self.clone();
            tokio::spawn(async move {
                let state = authorization.state.secret().clone();
                let timeout = me.auth_timeout;
                let outcome =
                    tokio::task::spawn_blocking(move || listener.wait(&state, timeout, cancel))
                        .await
                        .unwrap_or(Outcome::Cancelled);
                log::info!("sign-in listener finished: {}", outcome.describe());
                let result = me.finish(authorization, outcome).await;
                let _ = tx.send(Some(result));
                let mut slot = me.flow.lock().unwrap_or_else(|e| e.into_inner());
                if slot.as_ref().is_some_and(|f| Arc::ptr_eq(f, &flow)) {
                    *slot = None;
                }
            });
            url
        };
        let browser_opened = self.open(&url).await;
        Ok(Waiting {
            url,
            browser_opened,
        })
    }

    async fn open(&self, url: &str) -> bool {
        let opener = self.opener.clone();
        let url = url.to_string();
        match tokio::task::spawn_blocking(move || opener(&url)).await {
            Ok(Ok(())) => true,
            Ok(Err(e)) => {
                log::warn!("could not open the system browser: {e}");
                false
            }
            Err(_) => false,
        }
    }

    /// Open the waiting sign-in's page again.
    pub async fn reopen(&self) -> Result<bool, SessionError> {
        let url = self.waiting_url().ok_or(SessionError::NotWaiting)?;
        Ok(self.open(&url).await)
    }

    pub fn waiting_url(&self) -> Option<String> {
        let slot = self.flow.lock().unwrap_or_else(|e| e.into_inner());
        slot.as_ref().map(|f| f.url.clone())
    }

    /// Wait for the running sign-in to end.
    pub async fn finish_connect(&self) -> Result<ConnectResult, SessionError> {
        let mut rx = {
            let slot = self.flow.lock().unwrap_or_else(|e| e.into_inner());
            slot.as_ref()
                .ok_or(SessionError::NotWaiting)?
                .outcome
                .clone()
        };
        let result = rx
            .wait_for(Option::is_some)
            .await
            .map_err(|_| SessionError::NotWaiting)?;
        Ok(result.clone().expect("waited for Some"))
    }

    pub fn cancel_connect(&self) {
        let slot = self.flow.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(flow) = slot.as_ref() {
            flow.cancel.store(true, Ordering::SeqCst);
        }
    }

    async fn finish(&self, authorization: auth::Authorization, outcome: Outcome) -> ConnectResult {
        match outcome {
            Outcome::Callback(Callback::Code(code)) => {
                match self.complete(authorization, code).await {
                    Ok(account) => ConnectResult::Connected { account },
                    Err(e) => ConnectResult::Failed {
                        problem: messages::session(&e),
                    },
                }
            }
            Outcome::Callback(Callback::Denied) => ConnectResult::Declined,
            Outcome::Callback(Callback::Failed { error, description }) => ConnectResult::Failed {
                problem: messages::session(&SessionError::AuthFailed { error, description }),
            },
            Outcome::Cancelled => ConnectResult::Cancelled,
            Outcome::TimedOut => ConnectResult::TimedOut,
        }
    }

    /// Exchange the code, keep the grant in the keychain, fetch the account.
    async fn complete(
        &self,
        authorization: auth::Authorization,
        code: Secret,
    ) -> Result<AccountView, SessionError> {
        let started = std::time::Instant::now();
        let tokens = self.oauth.exchange(authorization, code).await?;
        let exchanged = started.elapsed();
        let account_id = match tokens.account_id.clone() {
            Some(id) => id,
            None => {
                self.api
                    .current_account(&tokens.access_token)
                    .await?
                    .account_id
            }
        };
        let grant = StoredGrant {
            account_id,
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_at: tokens.expires_in.map(|s| now_unix() + s),
            scopes: tokens.scopes,
        };
        let saved = grant.clone();
        if let Err(e) = self.vault_call(move |v| v.save(&saved)).await {
            // A grant we cannot keep must not stay alive at Dropbox either.
            let _ = self.api.revoke(&grant.access_token).await;
            return Err(SessionError::Vault(e));
        }
        let stored = started.elapsed();
        self.hold(grant).await;
        let account = self.account().await;
        log::info!(
            "connected: token exchange {} ms, keychain write {} ms, account {} ms",
            exchanged.as_millis(),
            (stored - exchanged).as_millis(),
            (started.elapsed() - stored).as_millis()
        );
        account
    }

    /// Revoke at Dropbox (best effort, refreshing first if the token expired), then delete
    /// the keychain entry whatever happened, and say which of the two was confirmed.
    pub async fn disconnect(&self) -> Result<Disconnected, SessionError> {
        let mut guard = self.grant.lock().await;
        if guard.is_none() {
            *guard = self.vault_call(|v| v.load()).await?;
        }
        let Some(grant) = guard.clone() else {
            return Ok(Disconnected {
                revoke_confirmed: true,
                message: "Dropdesk was not connected.".into(),
            });
        };
        let token = if grant.expires_within(60) {
            match self.refresh_locked(&mut guard).await {
                Ok(t) => Some(t),
                Err(SessionError::Revoked) => None,
                Err(_) => Some(grant.access_token.clone()),
            }
        } else {
            Some(grant.access_token.clone())
        };
        *guard = None;
        self.revoked.store(false, Ordering::SeqCst);
        drop(guard);
        let revoke_confirmed = match token {
            None => true,
            Some(t) => match self.api.revoke(&t).await {
                Ok(()) => true,
                // The token is already dead at Dropbox.
                Err(ApiError::Unauthorized(_)) => true,
                Err(e) => {
                    log::warn!("revoke failed: {e}");
                    false
                }
            },
        };
        let account_id = grant.account_id.clone();
        self.vault_call(move |v| v.delete(&account_id)).await?;
        let message = if revoke_confirmed {
            "Disconnected. Dropbox confirmed that Dropdesk's access is revoked, and the sign-in was removed from this computer.".into()
        } else {
            "Disconnected on this computer, but Dropbox could not confirm the revoke. To be sure, remove Dropdesk under \
             Settings → Connected apps on dropbox.com."
                .into()
        };
        Ok(Disconnected {
            revoke_confirmed,
            message,
        })
    }
}

/// A 401 that a refresh may cure: expired, or invalid (which a refresh tells apart from
/// revoked). `missing_scope` and the like are not.
fn token_refused(e: &ApiError) -> bool {
    match e {
        ApiError::Expired => true,
        ApiError::Unauthorized(tag) => tag == "invalid_access_token",
        _ => false,
    }
}

fn page(r: dropbox::ListFolderResult) -> Page {
    Page {
        entries: r.entries.into_iter().map(Entry::from).collect(),
        cursor: r.cursor,
        has_more: r.has_more,
    }
}
