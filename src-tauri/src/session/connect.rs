//! The connect flow: bind the loopback listener, open the system browser at the authorize
//! URL, wait (cancellable, bounded) for the callback, exchange the code with the PKCE
//! verifier, keep the grant in the keychain, and fetch the account. One flow at a time.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use super::Session;
use crate::auth::{Authorization, Callback, Expect, Listener, Outcome};
use crate::error::SessionError;
use crate::secret::AuthCode;
use crate::vault::{now_unix, StoredGrant};
use crate::view::{AccountView, Waiting};

/// Opens a URL in the system browser.
pub type Opener = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// How a sign-in ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectOutcome {
    Connected(AccountView),
    Declined,
    Cancelled,
    TimedOut,
    Failed(SessionError),
}

pub(super) struct Flow {
    url: String,
    cancel: Arc<AtomicBool>,
    outcome: watch::Receiver<Option<ConnectOutcome>>,
}

pub(super) type FlowSlot = Mutex<Option<Arc<Flow>>>;

impl Session {
    fn flow(&self) -> std::sync::MutexGuard<'_, Option<Arc<Flow>>> {
        self.flow.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Start a sign-in: bind the listener, open the browser. A second call while one is
    /// waiting returns the waiting one.
    pub async fn start_connect(self: &Arc<Self>) -> Result<Waiting, SessionError> {
        let url = {
            let mut slot = self.flow();
            if let Some(flow) = slot.as_ref() {
                return Ok(Waiting {
                    url: flow.url.clone(),
                    browser_opened: true,
                });
            }
            let listener = Listener::bind(&self.settings.ports)?;
            log::info!("sign-in listener waiting on {}", listener.addr());
            let authorization = self.tokens.oauth().begin(&listener.redirect_uri());
            // The browser opens the one-time start URL, which sends it on to Dropbox.
            let url = listener.start_url();
            let expect = Expect {
                state: authorization.state.secret().clone(),
                authorize_url: authorization.url.to_string(),
            };
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
                let timeout = me.settings.auth_timeout;
                let outcome =
                    tokio::task::spawn_blocking(move || listener.wait(&expect, timeout, cancel))
                        .await
                        .unwrap_or(Outcome::ListenerFailed);
                log::info!("sign-in listener finished: {}", outcome.describe());
                let result = me.finish(authorization, outcome).await;
                let _ = tx.send(Some(result));
                let mut slot = me.flow();
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
        self.flow().as_ref().map(|f| f.url.clone())
    }

    /// Wait for the running sign-in to end.
    pub async fn finish_connect(&self) -> Result<ConnectOutcome, SessionError> {
        let mut rx = self
            .flow()
            .as_ref()
            .ok_or(SessionError::NotWaiting)?
            .outcome
            .clone();
        let result = rx
            .wait_for(Option::is_some)
            .await
            .map_err(|_| SessionError::NotWaiting)?;
        Ok(result.clone().expect("waited for Some"))
    }

    pub fn cancel_connect(&self) {
        if let Some(flow) = self.flow().as_ref() {
            flow.cancel.store(true, Ordering::SeqCst);
        }
    }

    async fn finish(&self, authorization: Authorization, outcome: Outcome) -> ConnectOutcome {
        match outcome {
            Outcome::Callback(Callback::Code(code)) => {
                match self.complete(authorization, code).await {
                    Ok(account) => ConnectOutcome::Connected(account),
                    Err(e) => ConnectOutcome::Failed(e),
                }
            }
            Outcome::Callback(Callback::Denied) => ConnectOutcome::Declined,
            Outcome::Callback(Callback::Failed { error, description }) => {
                ConnectOutcome::Failed(SessionError::AuthFailed { error, description })
            }
            Outcome::StartReused => ConnectOutcome::Failed(SessionError::LinkReused),
            Outcome::ListenerFailed => ConnectOutcome::Failed(SessionError::ListenerFailed),
            Outcome::Cancelled => ConnectOutcome::Cancelled,
            Outcome::TimedOut => ConnectOutcome::TimedOut,
        }
    }

    /// Exchange the code, keep the grant in the keychain, fetch the account.
    async fn complete(
        &self,
        authorization: Authorization,
        code: AuthCode,
    ) -> Result<AccountView, SessionError> {
        let started = std::time::Instant::now();
        let tokens = self.tokens.oauth().exchange(authorization, code).await?;
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
        if let Err(e) = self.tokens.keyring().save(&grant).await {
            // A grant we cannot keep must not stay alive at Dropbox either, nor land in
            // the keychain later when a save that merely timed out gets its turn.
            self.tokens.keyring().abandon();
            let _ = self.api.revoke(&grant.access_token).await;
            return Err(SessionError::Vault(e));
        }
        let stored = started.elapsed();
        if let Some(old) = self.tokens.hold(grant).await {
            // A grant the user replaced (Reconnect while one was held) must not live on at
            // Dropbox; the keychain item already holds the new one.
            if let Err(e) = self.api.revoke(&old.access_token).await {
                log::warn!("could not revoke the replaced grant: {e}");
            }
        }
        let account = self.account().await;
        log::info!(
            "connected: token exchange {} ms, keychain write {} ms, account {} ms",
            exchanged.as_millis(),
            (stored - exchanged).as_millis(),
            (started.elapsed() - stored).as_millis()
        );
        account
    }
}
