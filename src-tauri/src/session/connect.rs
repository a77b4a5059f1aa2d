//! The connect flow. Two ways back from Dropbox's authorize page, both exchanged with the
//! one PKCE verifier, the first to succeed ends the flow:
//!
//! - the loopback listener, when a registered port can be bound: the browser opens a
//!   one-time start link (through a forwarding page only this user can read, never on a
//!   command line; "Open the page again" and "Copy link" each get a new one), Dropbox
//!   redirects back to it with the code;
//! - a pasted code: the same authorization without a redirect, where Dropbox shows the
//!   code to copy (on this machine, or on a phone through the QR code). Always offered, and
//!   the only way when no port can be bound or no browser starts.
//!
//! Then, for an account that is not connected here already (not the one in use, none in
//! the keychain's list, not the one whose grant was just revoked), the window asks
//! "Connect Dropbox as ⟨name, email⟩?": a link someone else raced to could otherwise
//! connect *their* account. Only a yes keeps the grant; a no revokes it. Then the grant
//! goes into the keychain and the account is fetched. Nothing is stored until an exchange
//! succeeded. One flow at a time; cancellable; bounded in time.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oauth2::basic::BasicErrorResponseType;
use tokio::sync::watch;

use super::Session;
use crate::auth::start_links::StartLinks;
use crate::auth::{Access, Callback, Expect, Listener, Outcome, TokenError};
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

/// What the window hears of a sign-in before it ends.
#[derive(Clone, Debug)]
pub enum Heard {
    /// Dropbox named the account; its grant is on its way to the keychain.
    Named(AccountView),
    /// Dropbox named an account not connected here: keep it only if the person says so
    /// ([`Session::confirm_connect`]).
    Asking(AccountView),
}

pub(super) struct Flow {
    waiting: Waiting,
    /// The start links, when the listener is up.
    links: Option<Arc<StartLinks>>,
    /// What the window was told, newest last (a new account is asked about first).
    heard: watch::Sender<Option<Heard>>,
    /// The person's answer to "Connect Dropbox as …?".
    answer: watch::Sender<Option<bool>>,
    cancel: Arc<AtomicBool>,
    outcome: watch::Sender<Option<ConnectOutcome>>,
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
        self.start_connect_for(Access::Read).await
    }

    /// Start a sign-in asking for `access`: [`Access::Write`] asks the account for write
    /// access on top of what it granted (the new grant replaces the old one in the
    /// keychain, and the old one is revoked; declining leaves the old one as it was).
    pub async fn start_connect_for(
        self: &Arc<Self>,
        access: Access,
    ) -> Result<Waiting, SessionError> {
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
            let listener = match Listener::bind(&self.settings.ports, self.settings.auth_timeout) {
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
            let authorization = self.tokens.oauth().begin(redirect_uri.as_deref(), access);
            let paste = Paste::new(authorization.paste_url.as_str());
            let links = listener.as_ref().map(Listener::links);
            let expect = listener.as_ref().map(|_| Expect {
                state: authorization.state.secret().clone(),
                authorize_url: authorization.url.to_string(),
            });
            let flow = Arc::new(Flow {
                waiting: Waiting {
                    browser_opened: false,
                    listening: listener.is_some(),
                    paste,
                },
                links,
                heard: watch::channel(None).0,
                answer: watch::channel(None).0,
                cancel: Arc::new(AtomicBool::new(false)),
                outcome: watch::channel(None).0,
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
        let browser_opened = self.open(&for_browser(&flow)).await;
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

    /// Open the waiting sign-in's page again, with a new start link (the one opened
    /// before may have been used: a closed tab, a second click).
    pub async fn reopen(&self) -> Result<bool, SessionError> {
        let flow = self.flow().clone().ok_or(SessionError::NotWaiting)?;
        Ok(self.open(&for_browser(&flow)).await)
    }

    /// A new start link for the person to paste into a browser ("Copy link"), or without
    /// a listener, the page that shows a code to paste.
    pub fn start_link(&self) -> Result<String, SessionError> {
        let flow = self.flow().clone().ok_or(SessionError::NotWaiting)?;
        Ok(match &flow.links {
            Some(links) => links.mint(),
            None => flow.waiting.paste.url.clone(),
        })
    }

    /// Wait for the running sign-in to end; `heard` hears of the account as soon as
    /// Dropbox names it (asking first, for an account not connected here), while its grant
    /// is still being written to the keychain.
    pub async fn finish_connect(
        &self,
        heard: impl Fn(Heard),
    ) -> Result<ConnectOutcome, SessionError> {
        let (mut outcome, mut early) = {
            let flow = self.flow();
            let flow = flow.as_ref().ok_or(SessionError::NotWaiting)?;
            (flow.outcome.subscribe(), flow.heard.subscribe())
        };
        early.mark_changed();
        loop {
            tokio::select! {
                result = outcome.wait_for(Option::is_some) => {
                    let result = result.map_err(|_| SessionError::NotWaiting)?;
                    return Ok(result.clone().expect("waited for Some"));
                }
                changed = early.changed() => {
                    if changed.is_err() {
                        continue;
                    }
                    let news = early.borrow_and_update().clone();
                    if let Some(news) = news {
                        heard(news);
                    }
                }
            }
        }
    }

    /// The person's answer to "Connect Dropbox as …?".
    pub fn confirm_connect(&self, yes: bool) -> Result<(), SessionError> {
        let flow = self.flow().clone().ok_or(SessionError::NotWaiting)?;
        flow.answer.send_replace(Some(yes));
        Ok(())
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
            Ok(kept) => {
                flow.settle(match kept {
                    Some(account) => ConnectOutcome::Connected(account),
                    None => ConnectOutcome::Cancelled,
                });
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
                    Ok(Some(account)) => ConnectOutcome::Connected(account),
                    Ok(None) => ConnectOutcome::Cancelled,
                    Err(e) => ConnectOutcome::Failed(e),
                }
            }
            Outcome::Callback(Callback::Denied) => ConnectOutcome::Declined,
            Outcome::Callback(Callback::Failed { error, description }) => {
                ConnectOutcome::Failed(SessionError::AuthFailed { error, description })
            }
            Outcome::ListenerFailed => ConnectOutcome::Failed(SessionError::ListenerFailed),
            Outcome::Cancelled => ConnectOutcome::Cancelled,
            Outcome::TimedOut => ConnectOutcome::TimedOut,
        }
    }

    /// Whether `account_id` is connected here already: the one in use, one in the
    /// keychain's list, or the one whose grant was just found revoked (reconnecting).
    async fn is_known(&self, account_id: &str) -> bool {
        if self.tokens.account_id().await.as_deref() == Some(account_id)
            || self.tokens.last_revoked().as_deref() == Some(account_id)
        {
            return true;
        }
        self.tokens
            .keyring()
            .index()
            .await
            .is_ok_and(|i| i.accounts.iter().any(|a| a.account_id == account_id))
    }

    /// Name the account `token` belongs to and ask the person whether to connect it;
    /// `None` when they say no, cancel, or let the sign-in time out.
    async fn ask(
        &self,
        flow: &Flow,
        token: &crate::secret::AccessToken,
    ) -> Result<Option<AccountView>, SessionError> {
        let (account, usage, store) = tokio::join!(
            self.api.current_account(token),
            self.api.space_usage(token),
            self.store()
        );
        let account = AccountView::new(account?, usage?, store);
        flow.heard
            .send_replace(Some(Heard::Asking(account.clone())));
        let mut answer = flow.answer.subscribe();
        let deadline = tokio::time::Instant::now() + self.settings.auth_timeout;
        loop {
            if let Some(yes) = *answer.borrow_and_update() {
                return Ok(yes.then_some(account));
            }
            if flow.cancel.load(Ordering::SeqCst) || tokio::time::Instant::now() >= deadline {
                return Ok(None);
            }
            let _ = tokio::time::timeout(Duration::from_millis(100), answer.changed()).await;
        }
    }

    /// Exchange the code; for an account not connected here, ask first (a no revokes the
    /// grant: `None`); then keep the grant in the keychain while the account is fetched
    /// (the flow hears its name at once), then use the grant.
    async fn complete(
        &self,
        redirect_uri: Option<&str>,
        flow: &Flow,
        code: AuthCode,
    ) -> Result<Option<AccountView>, SessionError> {
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
        let asked = if self.is_known(&account_id).await {
            None
        } else {
            match self.ask(flow, &tokens.access_token).await {
                Ok(Some(account)) => Some(account),
                other => {
                    // Not to be kept: it must not stay alive at Dropbox either.
                    if let Err(e) = self.api.revoke(&tokens.access_token).await {
                        log::warn!("could not revoke a grant the person did not keep: {e}");
                    }
                    return other.map(|_| None);
                }
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
            if let Some(account) = &asked {
                flow.heard.send_replace(Some(Heard::Named(account.clone())));
                return (Some(account.clone()), started.elapsed());
            }
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
                flow.heard.send_replace(Some(Heard::Named(account.clone())));
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
            Some(mut account) => {
                account.may_write = self.tokens.may_write().await;
                Ok(account)
            }
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
        account.map(Some)
    }
}

/// What to give the browser: a new start link behind its forwarding page, or without a
/// listener, the page that shows a code to paste.
fn for_browser(flow: &Flow) -> String {
    match &flow.links {
        Some(links) => links.for_browser(),
        None => flow.waiting.paste.url.clone(),
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
