//! Everything fakebox remembers: the account, OAuth grants, codes, tokens, pending
//! consents, the file tree, injected faults and the request log. One mutex guards it;
//! every critical section is short and never awaits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rand::distributions::Alphanumeric;
use rand::Rng;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::files::Tree;
use crate::Config;

/// How long an authorization code and a pending consent stay valid, unless configured.
pub const CODE_TTL: Duration = Duration::from_secs(600);

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessType {
    Offline,
    Online,
    Legacy,
}

#[derive(Clone, Debug, Serialize)]
pub struct Grant {
    pub id: u64,
    /// Whose grant (an index into the accounts).
    pub account: usize,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub access_type: AccessType,
    pub revoked: bool,
    pub refreshes: u64,
    #[serde(skip)]
    pub refresh_token: Option<String>,
}

#[derive(Clone, Debug)]
pub struct AccessToken {
    pub grant: u64,
    pub scopes: Vec<String>,
    /// `None` for legacy long-lived tokens.
    pub expires_at: Option<Instant>,
}

#[derive(Clone, Debug)]
pub struct Code {
    pub account: usize,
    pub client_id: String,
    pub redirect_uri: Option<String>,
    pub challenge: String,
    pub scopes: Vec<String>,
    pub access_type: AccessType,
    pub issued: Instant,
    pub used: bool,
    /// The grant minted from this code, revoked if the code is replayed.
    pub grant: Option<u64>,
}

/// A validated authorize request, waiting for the user's Allow or Deny.
#[derive(Clone, Debug)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: Option<String>,
    pub state: Option<String>,
    pub challenge: String,
    pub scopes: Vec<String>,
    pub access_type: AccessType,
    /// `include_granted_scopes=user`: the grant also carries what this user granted the
    /// app before.
    pub include_granted: bool,
}

#[derive(Clone, Debug)]
pub struct Pending {
    pub csrf: String,
    pub request: AuthorizeRequest,
    pub created: Instant,
}

/// A fault to inject into the next `count` requests to a route.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Fault {
    /// A request path such as `/2/files/list_folder` or `/oauth2/token`; a bare route
    /// (`files/list_folder`) means `/2/<route>`.
    pub route: String,
    /// Answer with this status instead (429 gets `Retry-After` and a RateLimitError body).
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Hold the request this long before handling it (or before the injected answer).
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Close the connection before a complete response.
    #[serde(default)]
    pub drop: bool,
    /// Close the connection after this many bytes of the body.
    #[serde(default)]
    pub drop_after: Option<u64>,
    /// The `AuthError` tag of an injected 401 (default `invalid_access_token`).
    #[serde(default)]
    pub auth_tag: Option<String>,
    /// The `RateLimitReason` of an injected 429 (default `too_many_requests`; also
    /// `too_many_write_operations`).
    #[serde(default)]
    pub rate_limit_reason: Option<String>,
    #[serde(default = "one")]
    pub count: u32,
    /// Let this many matching requests through untouched first.
    #[serde(default)]
    pub after: u32,
}

fn one() -> u32 {
    1
}

/// What fakebox keeps of each kind at most; past it, the oldest go first.
pub const MAX_KEPT: usize = 10_000;

impl Fault {
    /// Small enough that no control request can hold a request for long.
    pub fn within_limits(&self) -> bool {
        self.count <= 10_000 && self.delay_ms.unwrap_or(0) <= 60_000
    }

    pub fn normalized(mut self) -> Self {
        if !self.route.starts_with('/') {
            self.route = format!("/2/{}", self.route);
        }
        self
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    pub method: String,
    pub path: String,
    pub status: u16,
    /// For `/oauth2/token`, the grant type; never a token value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Account {
    pub account_id: String,
    pub given_name: String,
    pub surname: String,
    pub email: String,
    pub allocated: u64,
}

pub struct State {
    /// The first is the default; each has its own app folder in `trees`.
    pub accounts: Vec<Account>,
    pub grants: Vec<Grant>,
    pub access: HashMap<String, AccessToken>,
    pub refresh: HashMap<String, u64>,
    pub codes: HashMap<String, Code>,
    pub pending: HashMap<String, Pending>,
    pub trees: Vec<Tree>,
    pub faults: Vec<Fault>,
    pub log: Vec<LogEntry>,
    /// Unfinished upload sessions.
    pub sessions: crate::upload::Sessions,
    /// Batch jobs by `async_job_id`.
    pub jobs: HashMap<String, Job>,
}

/// A batch job: done when launched, reported `in_progress` to the first check (so that a
/// client's polling is exercised), then with its result.
#[derive(Clone, Debug)]
pub struct Job {
    pub account: usize,
    pub checked: bool,
    /// The check's `complete` answer.
    pub result: serde_json::Value,
}

/// What every handler shares.
pub struct Shared {
    pub config: Config,
    state: Mutex<State>,
    /// Bumped after every change to the tree, to wake long-polls.
    pub changed: watch::Sender<u64>,
    /// Key for the cursors' integrity tag.
    pub cursor_key: [u8; 32],
}

pub type App = Arc<Shared>;

pub fn random_token(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

impl Shared {
    pub fn new(config: Config, tree: Tree) -> App {
        let account = |given: &str, surname: &str, email: &str| Account {
            account_id: format!("dbid:AA{}", random_token(33)),
            given_name: given.to_string(),
            surname: surname.to_string(),
            email: email.to_string(),
            allocated: config.allocated,
        };
        let mut accounts = vec![account(
            &config.account_given_name,
            &config.account_surname,
            &config.account_email,
        )];
        let mut trees = vec![tree];
        for extra in &config.extra_accounts {
            accounts.push(account(&extra.given_name, &extra.surname, &extra.email));
            let mut own = Tree::default();
            crate::seed::for_extra_account(&mut own, &extra.given_name);
            trees.push(own);
        }
        let (changed, _) = watch::channel(0);
        Arc::new(Shared {
            config,
            state: Mutex::new(State {
                accounts,
                grants: Vec::new(),
                access: HashMap::new(),
                refresh: HashMap::new(),
                codes: HashMap::new(),
                pending: HashMap::new(),
                trees,
                faults: Vec::new(),
                log: Vec::new(),
                sessions: Default::default(),
                jobs: HashMap::new(),
            }),
            changed,
            cursor_key: rand::random(),
        })
    }

    /// Lock the state. A handler that panicked while holding the lock must not take the
    /// emulator down with it, so a poisoned lock is recovered.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn notify_changed(&self, seq: u64) {
        self.changed.send_replace(seq);
    }
}

impl State {
    /// Mint an access token for a grant.
    pub fn mint_access(
        &mut self,
        grant: u64,
        scopes: Vec<String>,
        ttl: Option<Duration>,
    ) -> String {
        let legacy = ttl.is_none();
        let token = if legacy {
            random_token(64)
        } else {
            format!("sl.u.{}", random_token(140))
        };
        self.access.insert(
            token.clone(),
            AccessToken {
                grant,
                scopes,
                expires_at: ttl.map(|t| Instant::now() + t),
            },
        );
        token
    }

    /// Forget what can no longer matter, so that no client can grow fakebox without bound:
    /// pending consents and codes past their lifetime, access tokens expired an hour ago,
    /// and the oldest of each (and of the request log) past [`MAX_KEPT`].
    pub fn prune(&mut self, code_ttl: Duration) {
        let now = Instant::now();
        self.pending
            .retain(|_, p| now.duration_since(p.created) < code_ttl);
        // Expired codes are kept as long again, so that a late one is refused as expired.
        self.codes
            .retain(|_, c| now.duration_since(c.issued) < code_ttl * 2);
        let hour = Duration::from_secs(3600);
        self.access
            .retain(|_, t| t.expires_at.is_none_or(|at| at + hour > now));
        cap(&mut self.pending, |p| p.created);
        cap(&mut self.codes, |c| c.issued);
        if self.log.len() > MAX_KEPT {
            let extra = self.log.len() - MAX_KEPT;
            self.log.drain(..extra);
        }
    }

    /// Revoke a grant: its refresh token and every access token minted from it die.
    pub fn revoke_grant(&mut self, grant: u64) {
        if let Some(g) = self.grants.iter_mut().find(|g| g.id == grant) {
            g.revoked = true;
            if let Some(rt) = g.refresh_token.take() {
                self.refresh.remove(&rt);
            }
        }
        self.access.retain(|_, t| t.grant != grant);
    }

    /// Whose grant this is (the first account for an unknown one).
    pub fn account_of(&self, grant: u64) -> usize {
        self.grant(grant).map_or(0, |g| g.account)
    }

    pub fn grant(&self, id: u64) -> Option<&Grant> {
        self.grants.iter().find(|g| g.id == id)
    }

    /// Take the first matching fault, counting it down.
    pub fn take_fault(&mut self, path: &str) -> Option<Fault> {
        let i = self
            .faults
            .iter()
            .position(|f| f.route == path && f.count > 0)?;
        if self.faults[i].after > 0 {
            self.faults[i].after -= 1;
            return None;
        }
        self.faults[i].count -= 1;
        let fault = self.faults[i].clone();
        if self.faults[i].count == 0 {
            self.faults.remove(i);
        }
        Some(fault)
    }
}

/// Keep the newest [`MAX_KEPT`] of a map, by the time each was made.
fn cap<V>(map: &mut HashMap<String, V>, made: impl Fn(&V) -> Instant) {
    if map.len() <= MAX_KEPT {
        return;
    }
    let mut times: Vec<Instant> = map.values().map(&made).collect();
    times.sort_unstable();
    let cutoff = times[times.len() - MAX_KEPT];
    map.retain(|_, v| made(v) >= cutoff);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_fakebox_keeps_is_bounded() {
        let app = Shared::new(Config::default(), Tree::default());
        let mut s = app.lock();
        let request = AuthorizeRequest {
            client_id: "k".into(),
            redirect_uri: None,
            state: None,
            challenge: "c".into(),
            scopes: vec![],
            access_type: AccessType::Offline,
            include_granted: false,
        };
        for i in 0..MAX_KEPT + 50 {
            s.pending.insert(
                format!("p{i}"),
                Pending {
                    csrf: String::new(),
                    request: request.clone(),
                    created: Instant::now(),
                },
            );
            s.log.push(LogEntry {
                method: "GET".into(),
                path: "/".into(),
                status: 200,
                detail: None,
            });
        }
        s.pending.insert(
            "old".into(),
            Pending {
                csrf: String::new(),
                request,
                created: Instant::now() - CODE_TTL,
            },
        );
        s.prune(CODE_TTL);
        assert_eq!(s.pending.len(), MAX_KEPT);
        assert!(!s.pending.contains_key("old"), "expired consents go");
        assert_eq!(s.log.len(), MAX_KEPT);
    }
}
