//! The connect flow. Two ways back from Dropbox's authorize page, both exchanged with the
//! one PKCE verifier, the first to succeed ends the flow:
//!
//! - the loopback listener, when a registered port can be bound: the browser opens its
//!   one-time start URL, Dropbox redirects back to it with the code;
//! - a pasted code: the same authorization without a redirect, where Dropbox shows the
//!   code to copy (on this machine, or on a phone through the QR code). Always offered, and
//!   the only way when no port can be bound or no browser starts.
//!
//! Then the grant goes into the keychain and the account is fetched. Nothing is stored
//! until an exchange succeeded. One flow at a time; cancellable; bounded in time.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oauth2::basic::BasicErrorResponseType;
use tokio::sync::watch;

use super::Session;
use crate::auth::{Callback, Expect, Listener, Outcome, TokenError};
use crate::error::SessionError;
use crate::secret::{AuthCode, PkceVerifier};
use crate::vault::{now_unix, StoredGrant};
use crate::view::{AccountView, Paste, Waiting};

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
    waiting: Waiting,
    cancel: Arc<AtomicBool>,
    outcome: watch::Sender<Option<ConnectOutcome>>,
    /// The account, as soon as Dropbox named it (its grant may still be on its way to the
    /// keychain: not connected yet).
    named: watch::Sender<Option<AccountView>>,
    verifier: PkceVerifier,
    redirect_uri: Option<String>,
    /// Held while a code is exchanged, so a callback and a pasted code never both connect.
    completing: tokio::sync::Mutex<()>,
}

impl Flow {
    /// The flow's outcome, unless it already has one.
    fn settle(&self, outcome: ConnectOutcome) {
        self.outcome.send_if_modified(|slot| {
            let first = slot.is_none();
            if first {
                *slot = Some(outcome);
            }
            first
        });
    }

    fn settled(&self) -> bool {
        self.outcome.borrow().is_some()
    }
}

pub(super) type FlowSlot = Mutex<Option<Arc<Flow>>>;

/// A pasted code is short and URL-safe; anything else is refused before Dropbox sees it.
fn plausible_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 512
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}

impl Session {
    fn flow(&self) -> std::sync::MutexGuard<'_, Option<Arc<Flow>>> {
        self.flow.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Start a sign-in: bind the listener if a registered port is free, open the browser.
    /// A second call while one is waiting returns the waiting one.
    pub async fn start_connect(self: &Arc<Self>) -> Result<Waiting, SessionError> {
        // Which store the keychain is, asked now: at the callback the keychain is busy
        // writing the grant, and the account's name must not wait for it.
        let me = self.clone();
        tokio::spawn(async move { me.store().await });
        let flow = {
            let mut slot = self.flow();
            // A flow that just ended (its listener still closing) is not the waiting one.
            if let Some(flow) = slot.as_ref().filter(|f| !f.settled()) {
                return Ok(Waiting {
                    browser_opened: true,
                    ..flow.waiting.clone()
                });
            }
            let listener = match Listener::bind(&self.settings.ports) {
                Ok(l) => {
                    log::info!("sign-in listener waiting on {}", l.addr());
                    Some(l)
                }
                Err(busy) => {
                    log::warn!("no sign-in listener ({busy}): only a pasted code can connect");
                    None
                }
            };
            let redirect_uri = listener.as_ref().map(Listener::redirect_uri);
            let authorization = self.tokens.oauth().begin(redirect_uri.as_deref());
            let paste = Paste::new(authorization.paste_url.as_str());
            let (url, expect) = match &listener {
                Some(l) => (
                    l.start_url(),
                    Some(Expect {
                        state: authorization.state.secret().clone(),
                        authorize_url: authorization.url.to_string(),
                    }),
                ),
                None => (paste.url.clone(), None),
            };
            let flow = Arc::new(Flow {
                waiting: Waiting {
                    url,
                    browser_opened: false,
                    listening: listener.is_some(),
                    paste,
                },
                cancel: Arc::new(AtomicBool::new(false)),
                outcome: watch::channel(None).0,
                named: watch::channel(None).0,
                verifier: authorization.verifier,
                redirect_uri,
                completing: tokio::sync::Mutex::new(()),
            });
            *slot = Some(flow.clone());
            let me = self.clone();
            let waiter = flow.clone();
            tokio::spawn(async move {
                let outcome = me.wait_for_browser(listener, expect, &waiter).await;
                log::info!("sign-in wait finished: {}", outcome.describe());
                let result = me.finish(&waiter, outcome).await;
                waiter.settle(result);
                let mut slot = me.flow();
                if slot.as_ref().is_some_and(|f| Arc::ptr_eq(f, &waiter)) {
                    *slot = None;
                }
            });
            flow
        };
        let browser_opened = self.open(&flow.waiting.url).await;
        Ok(Waiting {
            browser_opened,
            ..flow.waiting.clone()
        })
    }

    /// The listener's wait, or without one, the wait for Cancel or the timeout.
    async fn wait_for_browser(
        &self,
        listener: Option<Listener>,
        expect: Option<Expect>,
        flow: &Flow,
    ) -> Outcome {
        let timeout = self.settings.auth_timeout;
        let cancel = flow.cancel.clone();
        match (listener, expect) {
            (Some(listener), Some(expect)) => {
                tokio::task::spawn_blocking(move || listener.wait(&expect, timeout, cancel))
                    .await
                    .unwrap_or(Outcome::ListenerFailed)
            }
            _ => {
                let deadline = tokio::time::Instant::now() + timeout;
                while !cancel.load(Ordering::SeqCst) {
                    if tokio::time::Instant::now() >= deadline {
                        return Outcome::TimedOut;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Outcome::Cancelled
            }
        }
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
        self.flow().as_ref().map(|f| f.waiting.url.clone())
    }

    /// Wait for the running sign-in to end; `named` hears of the account as soon as
    /// Dropbox names it, while its grant is still being written to the keychain.
    pub async fn finish_connect(
        &self,
        named: impl Fn(AccountView),
    ) -> Result<ConnectOutcome, SessionError> {
        let (mut outcome, mut early) = {
            let flow = self.flow();
            let flow = flow.as_ref().ok_or(SessionError::NotWaiting)?;
            (flow.outcome.subscribe(), flow.named.subscribe())
        };
        let mut told = false;
        loop {
            tokio::select! {
                result = outcome.wait_for(Option::is_some) => {
                    let result = result.map_err(|_| SessionError::NotWaiting)?;
                    return Ok(result.clone().expect("waited for Some"));
                }
                account = early.wait_for(Option::is_some), if !told => {
                    told = true;
                    if let Some(account) = account.ok().and_then(|a| a.clone()) {
                        named(account);
                    }
                }
            }
        }
    }

    pub fn cancel_connect(&self) {
        if let Some(flow) = self.flow().as_ref() {
            flow.cancel.store(true, Ordering::SeqCst);
        }
    }

    /// Exchange a code the user pasted. A code Dropbox refuses (mistyped, used, expired,
    /// for another sign-in) is [`SessionError::CodeRefused`] and the sign-in goes on, so
    /// the user can try again; nothing is stored until an exchange succeeds.
    pub async fn submit_code(&self, code: &str) -> Result<(), SessionError> {
        let flow = self.flow().clone().ok_or(SessionError::NotWaiting)?;
        let code = code.trim();
        if !plausible_code(code) {
            return Err(SessionError::CodeRefused);
        }
        let _one = flow.completing.lock().await;
        if flow.settled() {
            return Err(SessionError::NotWaiting);
        }
        match self.complete(None, &flow, AuthCode::new(code)).await {
            Ok(account) => {
                flow.settle(ConnectOutcome::Connected(account));
                flow.cancel.store(true, Ordering::SeqCst);
                Ok(())
            }
            Err(SessionError::Token(TokenError::Rejected {
                error: BasicErrorResponseType::InvalidGrant | BasicErrorResponseType::InvalidRequest,
                ..
            })) => Err(SessionError::CodeRefused),
            Err(e) => Err(e),
        }
    }

    async fn finish(&self, flow: &Flow, outcome: Outcome) -> ConnectOutcome {
        match outcome {
            Outcome::Callback(Callback::Code(code)) => {
                let _one = flow.completing.lock().await;
                if flow.settled() {
                    return ConnectOutcome::Cancelled;
                }
                match self
                    .complete(flow.redirect_uri.as_deref(), flow, code)
                    .await
                {
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

    /// Exchange the code, then keep the grant in the keychain while the account is
    /// fetched (the flow hears its name at once), then use the grant.
    async fn complete(
        &self,
        redirect_uri: Option<&str>,
        flow: &Flow,
        code: AuthCode,
    ) -> Result<AccountView, SessionError> {
        let started = std::time::Instant::now();
        let tokens = self
            .tokens
            .oauth()
            .exchange(redirect_uri, &flow.verifier, code)
            .await?;
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
        // This account's grant kept from before, which the new one replaces in the
        // keychain: whichever account is in use, it must not live on at Dropbox, where no
        // Disconnect could reach it any more.
        let before = match self.tokens.keyring().load(&account_id).await {
            Ok(before) => before,
            Err(e) => {
                log::warn!("could not read the grant being replaced: {e}");
                None
            }
        };
        let grant = StoredGrant {
            account_id,
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_at: tokens.expires_in.map(|s| now_unix() + s),
            scopes: tokens.scopes,
        };
        let keep = async {
            let kept = self.tokens.keyring().keep(&grant).await;
            (kept, started.elapsed())
        };
        let name = async {
            let token = &grant.access_token;
            let (account, usage, store) = tokio::join!(
                self.api.current_account(token),
                self.api.space_usage(token),
                self.store()
            );
            let account = match (account, usage) {
                (Ok(account), Ok(usage)) => Some(AccountView::new(account, usage, store)),
                // Asked again below, with the retries every call has.
                _ => None,
            };
            if let Some(account) = &account {
                flow.named.send_replace(Some(account.clone()));
            }
            (account, started.elapsed())
        };
        let ((kept, stored), (early, named)) = tokio::join!(keep, name);
        if let Err(e) = kept {
            // A grant we cannot keep must not stay alive at Dropbox either, nor land in
            // the keychain later when a save that merely timed out gets its turn.
            self.tokens.keyring().abandon(&grant.account_id);
            let _ = self.api.revoke(&grant.access_token).await;
            return Err(SessionError::Vault(e));
        }
        let account_id = grant.account_id.clone();
        let old = self.tokens.hold(grant).await;
        // The same account's grant held until now, or kept in the keychain from before: the
        // keychain item holds the new one now. Another account's grant was only put down;
        // it stays connected.
        let mut replaced: Vec<StoredGrant> = Vec::new();
        for old in [old.filter(|o| o.account_id == account_id), before]
            .into_iter()
            .flatten()
        {
            if !replaced
                .iter()
                .any(|r| r.access_token.same_as(&old.access_token))
            {
                replaced.push(old);
            }
        }
        for old in replaced {
            let Some(token) = self.tokens.token_to_revoke(&old).await else {
                continue;
            };
            if let Err(e) = self.api.revoke(&token).await {
                log::warn!("could not revoke the replaced grant: {e}");
            }
        }
        let account = match early {
            Some(account) => Ok(account),
            None => self.account().await,
        };
        if let Ok(a) = &account {
            self.remember(a).await;
        }
        log::info!(
            "connected: token exchange {} ms, account named at {} ms, keychain write {} ms, \
             all done at {} ms",
            exchanged.as_millis(),
            named.as_millis(),
            (stored - exchanged).as_millis(),
            started.elapsed().as_millis()
        );
        account
    }
}

#[cfg(test)]
mod tests {
    use super::plausible_code;

    #[test]
    fn only_plausible_codes_are_sent_to_dropbox() {
        assert!(plausible_code("sjdkf_Hs-8dfh.Kd~"));
        for bad in ["", "has space", "a\"b", "<script>", &"a".repeat(513)] {
            assert!(!plausible_code(bad), "{bad}");
        }
    }
}
