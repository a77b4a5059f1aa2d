//! The token source: holds the one grant in memory and hands out fresh access tokens.
//! Refreshes proactively when under five minutes remain and reactively after a refusal,
//! single-flight (the grant's lock is held across the refresh, so concurrent callers share
//! one, but never across a keychain call), writes refreshed tokens back to the keychain (a
//! rotated refresh token until it is stored), and drops the grant only when
//! Dropbox says it was revoked. Every change of the grant gets a new generation, so a
//! caller can tell whether the grant it used is still the one held.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{Mutex, MutexGuard};

use crate::auth::OAuth;
use crate::dropbox::ApiError;
use crate::error::SessionError;
use crate::secret::AccessToken;
use crate::vault::{now_unix, Keyring, PendingSave, StoredGrant, VaultError};

/// Refresh when fewer than this many seconds remain on the access token.
pub const REFRESH_MARGIN_SECS: u64 = 300;

/// An access token and the generation of the grant it came from.
#[derive(Clone, Debug)]
pub struct Lease {
    pub token: AccessToken,
    pub generation: u64,
}

#[derive(Default)]
struct Held {
    grant: Option<StoredGrant>,
    generation: u64,
}

pub struct TokenSource {
    oauth: OAuth,
    keyring: Keyring,
    held: Mutex<Held>,
    generations: AtomicU64,
    /// Set, under the lock, when Dropbox revoked the grant held, so every caller that then
    /// finds no grant learns why (a listing racing the account fetch must not see a plain
    /// "not connected"). Cleared when a grant is held again or the user disconnects.
    revoked: AtomicBool,
    /// The account whose grant was dropped as revoked last: signing it in again is
    /// reconnecting, not a new account.
    last_revoked: std::sync::Mutex<Option<String>>,
}

impl TokenSource {
    pub fn new(oauth: OAuth, keyring: Keyring) -> Self {
        TokenSource {
            oauth,
            keyring,
            held: Mutex::new(Held::default()),
            generations: AtomicU64::new(0),
            revoked: AtomicBool::new(false),
            last_revoked: std::sync::Mutex::default(),
        }
    }

    /// The account whose grant was dropped as revoked last, if any.
    pub fn last_revoked(&self) -> Option<String> {
        self.last_revoked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn oauth(&self) -> &OAuth {
        &self.oauth
    }

    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    fn next_generation(&self) -> u64 {
        self.generations.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Hold a grant restored from the keychain or just granted; returns the grant it
    /// replaces, if one was held.
    pub async fn hold(&self, grant: StoredGrant) -> Option<StoredGrant> {
        let mut held = self.held.lock().await;
        let replaced = held.grant.replace(grant);
        held.generation = self.next_generation();
        self.revoked.store(false, Ordering::SeqCst);
        replaced
    }

    pub async fn is_holding(&self) -> bool {
        self.held.lock().await.grant.is_some()
    }

    pub fn was_revoked(&self) -> bool {
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

    fn lease(held: &Held) -> Option<Lease> {
        held.grant.as_ref().map(|g| Lease {
            token: g.access_token.clone(),
            generation: held.generation,
        })
    }

    /// The access token, refreshed first if it is about to expire.
    pub async fn fresh(&self) -> Result<Lease, SessionError> {
        let (lease, saving) = {
            let mut held = self.held.lock().await;
            let grant = held.grant.as_ref().ok_or_else(|| self.no_grant())?;
            let saving = if grant.expires_within(REFRESH_MARGIN_SECS) {
                Some(self.refresh_locked(&mut held).await?)
            } else {
                None
            };
            (Self::lease(&held).ok_or_else(|| self.no_grant())?, saving)
        };
        store_refreshed(saving).await;
        Ok(lease)
    }

    /// Refresh because `stale` was refused, unless another caller already did.
    pub async fn refresh_after(&self, stale: &Lease) -> Result<Lease, SessionError> {
        let (lease, saving) = {
            let mut held = self.held.lock().await;
            if held.grant.is_none() {
                return Err(self.no_grant());
            }
            let saving = if held.generation == stale.generation {
                Some(self.refresh_locked(&mut held).await?)
            } else {
                None
            };
            (Self::lease(&held).ok_or_else(|| self.no_grant())?, saving)
        };
        store_refreshed(saving).await;
        Ok(lease)
    }

    /// Refresh with the lock held (concurrent callers share one refresh); the refreshed
    /// grant's save is made in order but written by the caller once the lock is released
    /// ([`store_refreshed`]), so a slow keychain never holds up the calls that wait for the
    /// lock. Only `invalid_grant` drops the grant; network errors, 5xx, 429 and keychain
    /// hiccups keep it.
    async fn refresh_locked(
        &self,
        held: &mut MutexGuard<'_, Held>,
    ) -> Result<Refreshed, SessionError> {
        let grant = held.grant.as_mut().ok_or_else(|| self.no_grant())?;
        let Some(refresh_token) = grant.refresh_token.clone() else {
            // A legacy token cannot be refreshed; if it is refused, it was revoked.
            return Err(SessionError::Revoked);
        };
        match self.oauth.refresh(&refresh_token).await {
            Ok(tokens) => {
                grant.access_token = tokens.access_token;
                grant.expires_at = tokens.expires_in.map(|s| now_unix() + s);
                let rotated = match tokens.refresh_token {
                    Some(new) if !new.same_as(&refresh_token) => {
                        grant.refresh_token = Some(new);
                        true
                    }
                    _ => false,
                };
                let save = self.keyring.pending_save(grant);
                held.generation = self.next_generation();
                Ok(Refreshed { save, rotated })
            }
            Err(e) if e.is_invalid_grant() => {
                let gone = held.grant.take().map(|g| g.account_id);
                held.generation = self.next_generation();
                self.revoked.store(true, Ordering::SeqCst);
                if let Some(id) = gone {
                    self.delete_revoked(&id).await;
                }
                Err(SessionError::Revoked)
            }
            Err(e) => Err(SessionError::Token(e)),
        }
    }

    /// `refused`, fresh from a refresh, was refused too (`e`). Only the token endpoint can
    /// say whether the grant is dead, so ask it once more: `invalid_grant` drops the grant
    /// (in memory and in the keychain) and is a revocation; a refresh that works means the
    /// grant is live, and it is kept (dropping it would leave a live grant at Dropbox that
    /// no Disconnect could reach), the refusal reported as it came. When the grant held
    /// is another one by now (a refresh, a disconnect or a new sign-in meanwhile), nothing
    /// is asked.
    pub async fn refused_after_refresh(&self, refused: &Lease, e: ApiError) -> SessionError {
        let saving = {
            let mut held = self.held.lock().await;
            if held.grant.is_none() {
                return self.no_grant();
            }
            if held.generation != refused.generation {
                return SessionError::Api(e);
            }
            match self.refresh_locked(&mut held).await {
                Ok(saving) => saving,
                Err(SessionError::Revoked) => return SessionError::Revoked,
                Err(_) => return SessionError::Api(e),
            }
        };
        store_refreshed(Some(saving)).await;
        SessionError::Api(e)
    }

    /// Only this account's grant goes; the other accounts stay connected.
    async fn delete_revoked(&self, account_id: &str) {
        *self.last_revoked.lock().unwrap_or_else(|e| e.into_inner()) = Some(account_id.to_string());
        self.keyring.abandon(account_id);
        if let Err(e) = self.keyring.forget(account_id).await {
            log::warn!("could not delete a revoked grant from the keychain: {e}");
        }
    }

    /// Whether the grant held may write.
    pub async fn may_write(&self) -> bool {
        self.held
            .lock()
            .await
            .grant
            .as_ref()
            .is_some_and(|g| g.scopes.iter().any(|s| s == crate::auth::WRITE_SCOPE))
    }

    /// Dropbox refused a write with this grant (`missing_scope`): it is held as read-only
    /// from now on, so the window asks for write access again. The keychain item is left
    /// as it is; its next write refusal says the same.
    pub async fn write_refused(&self) {
        if let Some(g) = self.held.lock().await.grant.as_mut() {
            g.scopes.retain(|s| s != crate::auth::WRITE_SCOPE);
        }
    }

    /// The account of the grant held, if any.
    pub async fn account_id(&self) -> Option<String> {
        self.held
            .lock()
            .await
            .grant
            .as_ref()
            .map(|g| g.account_id.clone())
    }

    /// A token that can revoke `grant`, which is not the one held (a grant being replaced
    /// in the keychain): its access token, or a fresh one from its refresh token when it
    /// has expired; `None` when Dropbox says the grant is dead already.
    pub async fn token_to_revoke(&self, grant: &StoredGrant) -> Option<AccessToken> {
        if !grant.expires_within(60) {
            return Some(grant.access_token.clone());
        }
        match &grant.refresh_token {
            Some(refresh) => match self.oauth.refresh(refresh).await {
                Ok(tokens) => Some(tokens.access_token),
                Err(e) if e.is_invalid_grant() => None,
                // Unreachable now: the old token is the best there is.
                Err(_) => Some(grant.access_token.clone()),
            },
            None => Some(grant.access_token.clone()),
        }
    }

    /// For Disconnect of `account_id`: stop holding its grant if it is the one held (or
    /// load it from the keychain: never another account's, whichever is "current" there)
    /// and return it with the token to revoke, refreshed first if it has expired; `None`
    /// for the token when the grant turned out to be revoked already, and `None` in all
    /// when the keychain has no grant of that account (or one that cannot be read, which
    /// is removed: it holds nothing Dropdesk could revoke).
    pub async fn release(
        &self,
        account_id: &str,
    ) -> Result<Option<(StoredGrant, Option<AccessToken>)>, SessionError> {
        let mut held = self.held.lock().await;
        let holding = held
            .grant
            .as_ref()
            .is_some_and(|g| g.account_id == account_id);
        // No save of this account's still waiting for the keychain may bring it back.
        self.keyring.abandon(account_id);
        if !holding {
            drop(held);
            let grant = match self.keyring.load(account_id).await {
                Err(VaultError::Corrupt) => {
                    self.keyring.forget(account_id).await?;
                    None
                }
                other => other?,
            };
            return Ok(match grant {
                Some(grant) => {
                    let token = self.token_to_revoke(&grant).await;
                    Some((grant, token))
                }
                None => None,
            });
        }
        let Some(grant) = held.grant.clone() else {
            return Ok(None);
        };
        let token = if grant.expires_within(60) {
            // Its save is dropped: the grant is being let go.
            match self.refresh_locked(&mut held).await {
                Ok(_) => held.grant.as_ref().map(|g| g.access_token.clone()),
                Err(SessionError::Revoked) => None,
                Err(_) => Some(grant.access_token.clone()),
            }
        } else {
            Some(grant.access_token.clone())
        };
        held.grant = None;
        held.generation = self.next_generation();
        self.revoked.store(false, Ordering::SeqCst);
        Ok(Some((grant, token)))
    }
}

/// A refresh that succeeded: the save of the refreshed grant, and whether Dropbox rotated
/// the refresh token (the one in the keychain then no longer works).
struct Refreshed {
    save: PendingSave,
    rotated: bool,
}

/// The longest wait between two tries to store a rotated refresh token.
const STORE_RETRY_MAX: Duration = Duration::from_secs(60);

/// Write a refreshed grant, with no lock held. A rotated refresh token is retried until
/// stored (in the background after a first failure, waiting longer each time), unless a
/// later save or Disconnect of its account overtakes it: the one in the keychain is dead.
/// Without rotation one try is enough: the refresh token in the keychain still works, and
/// the new access token lives in memory until the next write.
async fn store_refreshed(refreshed: Option<Refreshed>) {
    let Some(Refreshed { save, rotated }) = refreshed else {
        return;
    };
    match save.attempt().await {
        Ok(()) | Err(VaultError::Overtaken) => {}
        Err(e) if !rotated => {
            log::warn!("could not write the refreshed grant to the keychain: {e}");
        }
        Err(e) => {
            log::warn!(
                "could not write the rotated refresh token to the keychain ({e}); trying again"
            );
            tokio::spawn(async move {
                let mut wait = Duration::from_secs(1);
                loop {
                    tokio::time::sleep(wait).await;
                    match save.attempt().await {
                        Ok(()) | Err(VaultError::Overtaken) => return,
                        Err(e) => {
                            log::warn!("still could not store the rotated refresh token: {e}")
                        }
                    }
                    wait = (wait * 2).min(STORE_RETRY_MAX);
                }
            });
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::config::Endpoints;
    use crate::secret::RefreshToken;
    use crate::vault::{MemoryVault, Vault};

    pub(crate) struct Rig {
        pub fakebox: fakebox::Fakebox,
        pub vault: Arc<MemoryVault>,
        pub tokens: TokenSource,
    }

    /// A token source against fakebox, on the in-memory vault.
    pub(crate) async fn rig() -> Rig {
        rig_with(fakebox::Config::default()).await
    }

    pub(crate) async fn rig_with(config: fakebox::Config) -> Rig {
        let fakebox = fakebox::Fakebox::start(config).await.unwrap();
        let base = url::Url::parse(fakebox.base_url()).unwrap();
        let oauth = OAuth::new(
            fakebox.app_key(),
            &Endpoints::single(&base),
            crate::dropbox::http_client(),
        );
        let vault = Arc::new(MemoryVault::default());
        let tokens = TokenSource::new(oauth, Keyring::new(vault.clone(), Duration::from_secs(5)));
        Rig {
            fakebox,
            vault,
            tokens,
        }
    }

    /// A token source against a fakebox that rotates refresh tokens, as RFC 9700 asks.
    async fn rotating_rig() -> Rig {
        rig_with(fakebox::Config {
            rotate_refresh_tokens: true,
            ..fakebox::Config::default()
        })
        .await
    }

    /// Store a grant as a connect does: its item, and the index naming it as in use.
    pub(crate) fn keep(rig: &Rig, g: &StoredGrant) {
        rig.vault.save(g).unwrap();
        let mut index = rig.vault.index().unwrap();
        index.remember(crate::vault::Profile {
            account_id: g.account_id.clone(),
            display_name: String::new(),
            email: String::new(),
            initials: String::new(),
        });
        rig.vault.set_index(&index).unwrap();
    }

    pub(crate) fn grant(rig: &Rig, expires_in: u64) -> StoredGrant {
        let (access, refresh) = rig.fakebox.mint_grant();
        StoredGrant {
            account_id: "dbid:test".into(),
            access_token: AccessToken::new(access),
            refresh_token: Some(RefreshToken::new(refresh)),
            expires_at: Some(now_unix() + expires_in),
            scopes: vec![],
        }
    }

    #[tokio::test]
    async fn a_fresh_token_is_handed_out_without_a_refresh() {
        let rig = rig().await;
        let g = grant(&rig, 3600);
        let token = g.access_token.clone();
        rig.tokens.hold(g).await;
        let lease = rig.tokens.fresh().await.unwrap();
        assert!(lease.token.same_as(&token));
        assert!(
            rig.vault.grants.lock().unwrap().is_empty(),
            "nothing written"
        );
    }

    #[tokio::test]
    async fn an_expiring_token_is_refreshed_once_for_many_callers_and_saved() {
        let rig = rig().await;
        let g = grant(&rig, 10);
        let old = g.access_token.clone();
        rig.tokens.hold(g).await;
        let leases = futures::future::join_all((0..8).map(|_| rig.tokens.fresh())).await;
        let first = leases[0].as_ref().unwrap().clone();
        assert!(!first.token.same_as(&old), "a new token");
        for l in &leases {
            let l = l.as_ref().unwrap();
            assert!(l.token.same_as(&first.token), "all share one refresh");
            assert_eq!(l.generation, first.generation);
        }
        let saved = rig.vault.load("dbid:test").unwrap().expect("saved");
        assert!(saved.access_token.same_as(&first.token));
    }

    #[tokio::test]
    async fn a_rotated_refresh_token_is_stored_once_the_keychain_answers_again() {
        let rig = rotating_rig().await;
        let g = grant(&rig, 10);
        let first = g.refresh_token.clone().unwrap();
        keep(&rig, &g);
        rig.tokens.hold(g).await;
        *rig.vault.fail.lock().unwrap() = Some(VaultError::Other("locked".into()));
        rig.tokens.fresh().await.unwrap();
        // The keychain in the vault still holds the first refresh token, dead at Dropbox.
        *rig.vault.fail.lock().unwrap() = None;
        // Bounded, so that a save never retried fails the test instead of hanging it.
        let mut stored = false;
        for _ in 0..100 {
            let saved = rig.vault.grants.lock().unwrap().get("dbid:test").cloned();
            let refresh = saved.and_then(|g| g.refresh_token);
            if refresh.is_some_and(|r| !r.same_as(&first)) {
                stored = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(stored, "the rotated refresh token was stored after all");
    }

    #[tokio::test]
    async fn a_slow_keychain_does_not_hold_up_the_callers_of_the_token_source() {
        let rig = rig().await;
        rig.tokens.hold(grant(&rig, 10)).await;
        let (started, save_started) = std::sync::mpsc::channel();
        let (release, held) = std::sync::mpsc::channel();
        *rig.vault.hold_save.lock().unwrap() = Some((started, held));
        // One caller refreshes, and its save sits in an unlock prompt.
        let refreshing = rig.tokens.fresh();
        let others = async {
            tokio::task::spawn_blocking(move || save_started.recv().unwrap())
                .await
                .unwrap();
            // Another caller (browsing) gets its token meanwhile.
            let other = tokio::time::timeout(Duration::from_secs(3), rig.tokens.fresh()).await;
            release.send(()).unwrap();
            other
        };
        let (first, other) = tokio::join!(refreshing, others);
        let other = other.expect("not held up by the keychain").unwrap();
        assert!(other.token.same_as(&first.unwrap().token));
    }

    #[tokio::test]
    async fn a_rotated_refresh_token_is_kept_and_used_next_time() {
        let rig = rotating_rig().await;
        let g = grant(&rig, 10);
        let first = g.refresh_token.clone().unwrap();
        rig.tokens.hold(g).await;
        rig.tokens.fresh().await.unwrap();
        let saved = rig.vault.load("dbid:test").unwrap().unwrap();
        let rotated = saved.refresh_token.clone().unwrap();
        assert!(!rotated.same_as(&first), "the new refresh token is stored");
        // The old one is dead at the server; the next refresh works only with the new one.
        let stale = rig.tokens.fresh().await.unwrap();
        assert!(rig.tokens.refresh_after(&stale).await.is_ok());
    }

    #[tokio::test]
    async fn a_refusal_already_cured_by_another_caller_does_not_refresh_again() {
        let rig = rig().await;
        rig.tokens.hold(grant(&rig, 3600)).await;
        let stale = rig.tokens.fresh().await.unwrap();
        let cured = rig.tokens.refresh_after(&stale).await.unwrap();
        assert_ne!(cured.generation, stale.generation);
        let again = rig.tokens.refresh_after(&stale).await.unwrap();
        assert_eq!(again.generation, cured.generation, "no second refresh");
        assert!(again.token.same_as(&cured.token));
    }

    #[tokio::test]
    async fn invalid_grant_drops_the_grant_and_says_revoked() {
        let rig = rig().await;
        let mut g = grant(&rig, 10);
        g.refresh_token = Some(RefreshToken::new("not-a-refresh-token"));
        keep(&rig, &g);
        rig.tokens.hold(g).await;
        assert_eq!(rig.tokens.fresh().await.unwrap_err(), SessionError::Revoked);
        assert!(rig.tokens.was_revoked());
        assert!(!rig.tokens.is_holding().await);
        assert!(rig.vault.current().unwrap().is_none(), "deleted");
        assert_eq!(rig.tokens.fresh().await.unwrap_err(), SessionError::Revoked);
    }

    #[tokio::test]
    async fn a_refusal_of_an_older_grant_asks_nothing() {
        let rig = rig().await;
        rig.tokens.hold(grant(&rig, 3600)).await;
        let old = rig.tokens.fresh().await.unwrap();
        rig.tokens.hold(grant(&rig, 3600)).await;
        let refused = ApiError::Unauthorized(crate::dropbox::AuthError::InvalidAccessToken);
        let e = rig.tokens.refused_after_refresh(&old, refused).await;
        assert!(matches!(e, SessionError::Api(_)), "{e:?}");
        assert!(rig.tokens.is_holding().await);
        assert!(!rig.tokens.was_revoked());
    }

    #[tokio::test]
    async fn release_hands_over_the_grant_and_forgets_it() {
        let rig = rig().await;
        let g = grant(&rig, 3600);
        keep(&rig, &g);
        let (released, token) = rig
            .tokens
            .release("dbid:test")
            .await
            .unwrap()
            .expect("loaded");
        assert_eq!(released.account_id, "dbid:test");
        assert!(token.unwrap().same_as(&g.access_token));
        assert!(!rig.tokens.is_holding().await);
        assert!(rig.tokens.release("dbid:nobody").await.unwrap().is_none());
    }

    /// The account on screen was revoked and dropped; the keychain's "current" account is
    /// now another one. Disconnecting the first must not touch the second.
    #[tokio::test]
    async fn release_of_a_dropped_account_never_takes_the_current_one() {
        let rig = rig().await;
        let mut other = grant(&rig, 3600);
        other.account_id = "dbid:other".into();
        keep(&rig, &other);
        assert_eq!(rig.vault.index().unwrap().current(), Some("dbid:other"));
        assert!(rig.tokens.release("dbid:test").await.unwrap().is_none());
        assert!(rig.vault.load("dbid:other").unwrap().is_some(), "kept");
    }
}
