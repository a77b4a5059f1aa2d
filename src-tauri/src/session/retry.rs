//! The one owner of retrying: how transient failures (network, 5xx, 429, an unreachable
//! token endpoint) are retried before the user sees them, and the call wrapper that
//! refreshes once and retries once when Dropbox refuses the access token.

use std::future::Future;
use std::time::Duration;

use super::token_source::TokenSource;
use crate::dropbox::{ApiError, AuthError};
use crate::error::SessionError;
use crate::secret::AccessToken;

/// Exponential backoff with jitter from `base`, at most `attempts` more tries, and a 429's
/// `Retry-After` honoured when it is no longer than `max_wait`.
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
    /// No retries: one try, its error as it is.
    pub const NONE: Retry = Retry {
        attempts: 0,
        base: Duration::ZERO,
        max_wait: Duration::ZERO,
    };

    /// How long to wait before trying again after `e`, or `None` to give up now.
    pub fn delay(&self, e: &SessionError, attempt: u32) -> Option<Duration> {
        if attempt >= self.attempts || !e.is_transient() {
            return None;
        }
        let wait = match e {
            SessionError::Api(ApiError::RateLimited { retry_after }) => *retry_after,
            _ => {
                let jitter = 0.5 + rand::random::<f64>();
                self.base
                    .mul_f64(f64::from(1u32 << attempt.min(16)) * jitter)
            }
        };
        (wait <= self.max_wait).then_some(wait)
    }
}

/// A 401 that a refresh may cure: expired, or invalid (which a refresh tells apart from
/// revoked). `missing_scope` and the like are not.
fn token_refused(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Unauthorized(AuthError::ExpiredAccessToken | AuthError::InvalidAccessToken)
    )
}

/// Make an API call with a fresh token; when the token is refused, refresh once and retry
/// once. A refusal right after a refresh is a revocation only when the token endpoint
/// says so (`invalid_grant`); otherwise the live grant is kept and the refusal reported.
/// Transient failures are retried per `retry`.
pub async fn call<T, F, Fut>(tokens: &TokenSource, retry: &Retry, f: F) -> Result<T, SessionError>
where
    F: Fn(AccessToken) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut attempt = 0;
    loop {
        match call_once(tokens, &f).await {
            Err(e) => match retry.delay(&e, attempt) {
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

async fn call_once<T, F, Fut>(tokens: &TokenSource, f: &F) -> Result<T, SessionError>
where
    F: Fn(AccessToken) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let lease = tokens.fresh().await?;
    match f(lease.token.clone()).await {
        Err(e) if token_refused(&e) => {
            let lease = tokens.refresh_after(&lease).await?;
            match f(lease.token.clone()).await {
                Err(e) if token_refused(&e) => Err(tokens.refused_after_refresh(&lease, e).await),
                other => other.map_err(SessionError::Api),
            }
        }
        other => other.map_err(SessionError::Api),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::session::token_source::tests::{grant, keep, rig};
    use crate::vault::Vault;

    const QUICK: Retry = Retry {
        attempts: 3,
        base: Duration::from_millis(1),
        max_wait: Duration::from_secs(2),
    };

    #[test]
    fn transient_failures_back_off_and_others_give_up_at_once() {
        let r = Retry::default();
        let offline = SessionError::Api(ApiError::Network("could not connect"));
        let first = r.delay(&offline, 0).unwrap();
        assert!(first >= Duration::from_millis(250) && first <= Duration::from_millis(750));
        let third = r.delay(&offline, 2).unwrap();
        assert!(third >= Duration::from_millis(1000), "{third:?}");
        assert_eq!(r.delay(&offline, 3), None, "attempts run out");
        assert_eq!(r.delay(&SessionError::Revoked, 0), None);
        assert_eq!(
            r.delay(&SessionError::Api(ApiError::Decode("x".into())), 0),
            None
        );
    }

    #[test]
    fn a_rate_limit_waits_as_asked_unless_that_is_too_long() {
        let r = Retry::default();
        let soon = SessionError::Api(ApiError::RateLimited {
            retry_after: Duration::from_secs(7),
        });
        assert_eq!(r.delay(&soon, 0), Some(Duration::from_secs(7)));
        let late = SessionError::Api(ApiError::RateLimited {
            retry_after: Duration::from_secs(300),
        });
        assert_eq!(r.delay(&late, 0), None, "the user hears of a long wait");
    }

    #[tokio::test]
    async fn a_transient_failure_is_retried_until_it_clears() {
        let rig = rig().await;
        rig.tokens.hold(grant(&rig, 3600)).await;
        let tries = AtomicU32::new(0);
        let got = call(&rig.tokens, &QUICK, |_| async {
            match tries.fetch_add(1, Ordering::SeqCst) {
                0 | 1 => Err(ApiError::Server { status: 503 }),
                _ => Ok("listed"),
            }
        })
        .await;
        assert_eq!(got.unwrap(), "listed");
        assert_eq!(tries.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn an_expired_token_is_refreshed_once_and_the_call_retried_once() {
        let rig = rig().await;
        let g = grant(&rig, 3600);
        let old = g.access_token.clone();
        rig.tokens.hold(g).await;
        let tries = AtomicU32::new(0);
        let got = call(&rig.tokens, &QUICK, |t| {
            let first = tries.fetch_add(1, Ordering::SeqCst) == 0;
            let old = old.clone();
            async move {
                if first {
                    assert!(t.same_as(&old));
                    Err(ApiError::Unauthorized(AuthError::ExpiredAccessToken))
                } else {
                    assert!(!t.same_as(&old), "the retry uses the refreshed token");
                    Ok(())
                }
            }
        })
        .await;
        assert!(got.is_ok());
        assert_eq!(tries.load(Ordering::SeqCst), 2);
    }

    /// Dropbox refuses the refreshed token too, but its token endpoint still refreshes
    /// the grant: it is live, so it is kept (dropped, it would stay live at Dropbox with
    /// no way left to revoke it) and the refusal is reported as it came.
    #[tokio::test]
    async fn a_refusal_after_a_refresh_keeps_a_grant_that_still_refreshes() {
        let rig = rig().await;
        let g = grant(&rig, 3600);
        keep(&rig, &g);
        rig.tokens.hold(g).await;
        let tries = AtomicU32::new(0);
        let got: Result<(), _> = call(&rig.tokens, &QUICK, |_| async {
            tries.fetch_add(1, Ordering::SeqCst);
            Err(ApiError::Unauthorized(AuthError::InvalidAccessToken))
        })
        .await;
        assert_eq!(
            got.unwrap_err(),
            SessionError::Api(ApiError::Unauthorized(AuthError::InvalidAccessToken))
        );
        assert_eq!(
            tries.load(Ordering::SeqCst),
            2,
            "tried once more, not again"
        );
        assert!(rig.tokens.is_holding().await, "the live grant is kept");
        assert!(
            rig.vault.current().unwrap().is_some(),
            "and stays in the keychain"
        );
        assert!(!rig.tokens.was_revoked());
    }

    /// The grant is revoked between the refresh and the retry: the token endpoint then
    /// says `invalid_grant`, and only that drops it.
    #[tokio::test]
    async fn a_refusal_after_a_refresh_is_a_revocation_when_the_grant_is_dead() {
        let rig = rig().await;
        let g = grant(&rig, 3600);
        keep(&rig, &g);
        rig.tokens.hold(g).await;
        let revoke = format!("{}/2/auth/token/revoke", rig.fakebox.base_url());
        let tries = AtomicU32::new(0);
        let got: Result<(), _> = call(&rig.tokens, &QUICK, |t| {
            let retry = tries.fetch_add(1, Ordering::SeqCst) == 1;
            let revoke = revoke.clone();
            async move {
                if retry {
                    let revoked = reqwest::Client::new()
                        .post(revoke)
                        .bearer_auth(t.expose())
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(revoked.status(), 200);
                }
                Err(ApiError::Unauthorized(AuthError::InvalidAccessToken))
            }
        })
        .await;
        assert_eq!(got.unwrap_err(), SessionError::Revoked);
        assert!(!rig.tokens.is_holding().await);
        assert!(rig.vault.current().unwrap().is_none(), "deleted");
    }

    #[tokio::test]
    async fn a_missing_scope_is_not_cured_by_a_refresh() {
        let rig = rig().await;
        rig.tokens.hold(grant(&rig, 3600)).await;
        let got: Result<(), _> = call(&rig.tokens, &QUICK, |_| async {
            Err(ApiError::Unauthorized(AuthError::MissingScope))
        })
        .await;
        assert_eq!(
            got.unwrap_err(),
            SessionError::Api(ApiError::Unauthorized(AuthError::MissingScope))
        );
        assert!(rig.tokens.is_holding().await, "the grant is kept");
    }
}
