//! fakebox: a faithful local stand-in for Dropbox's OAuth 2 server and the API v2 routes
//! Dropdesk uses, so every test and the demo run offline. Dropbox's own documentation of the HTTP wire format is the reference for every status,
//! content type and error text.
//!
//! One loopback origin serves all of Dropbox's hosts' paths:
//!
//! | path | Dropbox host |
//! | --- | --- |
//! | `GET/POST /oauth2/authorize` | www (consent page and its form) |
//! | `POST /oauth2/token` | api |
//! | `POST /2/auth/token/revoke`, `/2/users/*`, `/2/files/*` | api |
//! | `POST|GET /2/files/download`, `POST /2/files/download_zip`, `/2/files/get_thumbnail_v2` | content (see `content`) |
//! | `POST /2/files/search_v2`, `/2/files/search/continue_v2` | api (names only, see `search`) |
//! | `POST /2/files/upload`, `/2/files/upload_session/{start,append_v2,finish}` | content (see `upload`) |
//! | `POST /2/files/upload_session/finish_batch_v2`, `/2/files/create_folder_v2` | api (see `upload`) |
//! | `POST /2/files/{move_v2,copy_v2,delete_v2}` and their batches with their checks | api (see `organize`) |
//! | `POST /2/files/list_revisions`, `/2/files/restore` | api (see `revisions`) |
//! | `POST /2/files/list_folder/longpoll` | notify |
//!
//! # Control surface
//!
//! This crate has none: the `/__fakebox/` routes that tests use to steer it are in the
//! `fakebox-control` crate, which mounts them through [`Fakebox::start_with`]. The app
//! depends on this crate only, so no way of building it (feature unification in a
//! workspace build included) can link those routes into it.
//!
//! # Several users
//!
//! `Config::extra_accounts` adds users, each with an app folder of their own; the consent
//! page then lets the user choose who approves (radio `account`, the first by default).
//! Grants, codes and cursors belong to one user; another user's cursor is refused.
//!
//! # Strict choices where the reference is unconfirmed
//!
//! - PKCE is required (`S256` only; `plain` is refused) since the app is a public client.
//! - Codes live 10 minutes and are single-use; a replayed code also revokes the grant it
//!   minted. A wrong verifier is `invalid_grant` / "invalid code verifier".
//! - An authorize request whose client or redirect URI is bad shows an error page and never
//!   redirects; other bad parameters redirect with `error=invalid_request`.
//! - `include_granted_scopes=user` adds to the grant the scopes of this user's grants of the
//!   app that are still alive; any other value is `invalid_request`.
//! - Unknown API routes get 404 `Unknown API function: "<route>"` as plain text.
//! - `include_deleted` lists what was deleted in the folder (and is not there now) with the
//!   listing's last page.
//! - `list_folder/continue` reports deletions whether or not `include_deleted` was set; the
//!   default page size is 2000.

// Handlers return their error answers as `Err(Response)`; boxing them gains nothing here.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod content;
pub mod cursor;
pub mod files;
pub mod oauth;
pub mod organize;
pub mod revisions;
pub mod search;
pub mod seed;
mod serve;
pub mod state;
pub mod upload;
pub mod wire;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

pub use crate::serve::{HEAD_TIMEOUT, MAX_CONNECTIONS};
use crate::state::{App, LogEntry, Shared};

/// What a handler adds to the request log besides method, path and status.
#[derive(Clone, Debug)]
pub struct LogDetail(pub String);

/// How a fakebox is set up.
#[derive(Clone, Debug)]
pub struct Config {
    /// Must be a loopback address; port 0 picks a free one.
    pub listen: SocketAddr,
    pub app_key: String,
    pub app_name: String,
    /// Registered redirect URIs, matched exactly.
    pub redirect_uris: Vec<String>,
    /// The user approved this app before: authorize redirects at once.
    pub auto_approve: bool,
    pub access_token_ttl: Duration,
    /// How long an authorization code and a pending consent stay valid.
    pub code_ttl: Duration,
    /// The scopes enabled for the app in its console.
    pub app_scopes: Vec<String>,
    pub account_given_name: String,
    pub account_surname: String,
    pub account_email: String,
    /// More Dropbox users who can sign in (the consent page lets the user pick), each with
    /// an app folder of their own.
    pub extra_accounts: Vec<ExtraAccount>,
    /// Mirror this directory into the app folder.
    pub seed_dir: Option<PathBuf>,
    /// Generated folders: (path, number of files).
    pub generate: Vec<(String, usize)>,
    /// Add the demo's sample files.
    pub sample: bool,
    /// Ask long-polling clients to wait this many seconds before the next long-poll.
    pub longpoll_backoff: Option<u64>,
    /// Every API request held this long before it is handled, as a network's round trip
    /// to Dropbox would (benchmarks of many small requests).
    pub round_trip: Option<Duration>,
    /// Each account's space, in bytes (Dropbox's `allocated`); a write past it is
    /// `insufficient_space`.
    pub allocated: u64,
    /// The largest file an upload session takes (`too_large` past it).
    pub max_file_size: u64,
    /// Hand out a new refresh token on every refresh, and refuse the old one (as RFC 9700
    /// asks of servers with public clients; Dropbox does not do it today).
    pub rotate_refresh_tokens: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            app_key: "fakeboxappkey".into(),
            app_name: "Dropdesk".into(),
            redirect_uris: Vec::new(),
            auto_approve: false,
            access_token_ttl: Duration::from_secs(14_400),
            code_ttl: state::CODE_TTL,
            app_scopes: vec![
                "account_info.read".into(),
                "files.metadata.read".into(),
                "files.content.read".into(),
            ],
            account_given_name: "Alex".into(),
            account_surname: "Morgan".into(),
            account_email: "alex.morgan@example.com".into(),
            extra_accounts: Vec::new(),
            seed_dir: None,
            generate: Vec::new(),
            sample: false,
            rotate_refresh_tokens: false,
            longpoll_backoff: None,
            round_trip: None,
            allocated: 2 << 40,
            max_file_size: upload::MAX_FILE_SIZE,
        }
    }
}

/// Another user of this fakebox.
#[derive(Clone, Debug)]
pub struct ExtraAccount {
    pub given_name: String,
    pub surname: String,
    pub email: String,
}

impl ExtraAccount {
    /// Sam Lee, the second user the tests sign in.
    pub fn sam() -> Self {
        ExtraAccount {
            given_name: "Sam".into(),
            surname: "Lee".into(),
            email: "sam.lee@example.com".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("fakebox only listens on loopback addresses, not {0}")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("cannot seed from {0}: {1}")]
    Seed(PathBuf, std::io::Error),
    #[error("cannot generate {0}: {1}")]
    Generate(String, String),
    #[error("cannot start the emulator's own thread: {0}")]
    Thread(String),
}

/// A running fakebox. Dropping it shuts the server down.
pub struct Fakebox {
    base_url: String,
    app: App,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    /// The thread of a fakebox started with [`Fakebox::spawn`].
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Fakebox {
    /// Build the data, bind, and serve in the background on the current tokio runtime.
    pub async fn start(config: Config) -> Result<Fakebox, StartError> {
        Fakebox::start_with(config, Router::new()).await
    }

    /// As [`Fakebox::start`], with `extra` routes served beside Dropbox's (a test
    /// crate's control surface).
    pub async fn start_with(config: Config, extra: Router<App>) -> Result<Fakebox, StartError> {
        if !config.listen.ip().is_loopback() {
            return Err(StartError::NotLoopback(config.listen));
        }
        let mut tree = files::Tree::default();
        if config.sample {
            seed::sample(&mut tree);
        }
        if let Some(dir) = &config.seed_dir {
            seed::from_dir(&mut tree, dir).map_err(|e| StartError::Seed(dir.clone(), e))?;
        }
        for (i, (path, n)) in config.generate.iter().enumerate() {
            seed::generate(&mut tree, path, *n, i as u64 + 1)
                .map_err(|e| StartError::Generate(path.clone(), format!("{e:?}")))?;
        }
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| StartError::Bind(config.listen, e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartError::Bind(config.listen, e))?;
        let app = Shared::new(config, tree);
        let router = router(app.clone(), extra);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve::serve(listener, router, rx));
        Ok(Fakebox {
            base_url: format!("http://{addr}"),
            app,
            shutdown: Some(tx),
            task: Some(task),
            thread: None,
        })
    }

    /// Start on a thread and runtime of its own, so that a slow emulator (the demo's) can
    /// never stall the runtime of the program that embeds it.
    pub fn spawn(config: Config) -> Result<Fakebox, StartError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("fakebox".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready_tx.send(Err(StartError::Thread(e.to_string())));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Fakebox::start(config).await {
                        Ok(fakebox) => {
                            let _ =
                                ready_tx.send(Ok((fakebox.base_url.clone(), fakebox.app.clone())));
                            let _ = stop_rx.await;
                            fakebox.shutdown().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| StartError::Thread(e.to_string()))?;
        let (base_url, app) = ready_rx
            .recv()
            .map_err(|_| StartError::Thread("the emulator's thread stopped".into()))??;
        Ok(Fakebox {
            base_url,
            app,
            shutdown: Some(stop_tx),
            task: None,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The app key this fakebox accepts.
    pub fn app_key(&self) -> &str {
        &self.app.config.app_key
    }

    /// Mint an offline grant for the configured app and all its scopes without the OAuth
    /// flow, for tests and benchmarks that are not about signing in. Returns
    /// `(access_token, refresh_token)`.
    pub fn mint_grant(&self) -> (String, String) {
        let scopes: Vec<&str> = self
            .app
            .config
            .app_scopes
            .iter()
            .map(String::as_str)
            .collect();
        self.mint_grant_with_scopes(&scopes)
    }

    /// As [`Fakebox::mint_grant`], with only these scopes.
    pub fn mint_grant_with_scopes(&self, scopes: &[&str]) -> (String, String) {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        let config = &self.app.config;
        let mut s = self.app.lock();
        let id = s.grants.len() as u64 + 1;
        let refresh = format!(
            "{}AAAAAAAAAA{}",
            state::random_token(11),
            state::random_token(43)
        );
        s.grants.push(state::Grant {
            id,
            account: 0,
            client_id: config.app_key.clone(),
            scopes: scopes.clone(),
            access_type: state::AccessType::Offline,
            revoked: false,
            refreshes: 0,
            refresh_token: Some(refresh.clone()),
        });
        s.refresh.insert(refresh.clone(), id);
        let access = s.mint_access(id, scopes, Some(config.access_token_ttl));
        (access, refresh)
    }

    /// Every grant, and every live token minted from one, loses `scope`, as when a
    /// permission is withdrawn: calls that need it answer 401 `missing_scope`.
    pub fn take_back_scope(&self, scope: &str) {
        let mut s = self.app.lock();
        for grant in &mut s.grants {
            grant.scopes.retain(|g| g != scope);
        }
        for token in s.access.values_mut() {
            token.scopes.retain(|t| t != scope);
        }
    }

    /// Each account's space (Dropbox's `allocated`) from now on: `used` plus `free` bytes.
    pub fn leave_free(&self, free: u64) {
        let mut s = self.app.lock();
        for account in 0..s.accounts.len() {
            let used = s.trees.get(account).map_or(0, |t| t.total_size());
            s.accounts[account].allocated = used + free;
        }
    }

    /// Stop accepting connections and wait for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

impl Drop for Fakebox {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        // A spawned fakebox's thread ends on its own once told to stop.
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The whole HTTP surface, with `extra` routes beside Dropbox's.
pub fn router(app: App, extra: Router<App>) -> Router {
    let router = Router::new()
        .route(
            "/oauth2/authorize",
            get(oauth::authorize).post(oauth::decide),
        )
        .route("/oauth2/token", post(oauth::token))
        .route("/2/auth/token/revoke", post(api::revoke))
        .route(
            "/2/users/get_current_account",
            post(api::get_current_account),
        )
        .route("/2/users/get_space_usage", post(api::get_space_usage))
        .route("/2/files/list_folder", post(api::list_folder))
        .route(
            "/2/files/list_folder/continue",
            post(api::list_folder_continue),
        )
        .route(
            "/2/files/list_folder/get_latest_cursor",
            post(api::get_latest_cursor),
        )
        .route("/2/files/list_folder/longpoll", post(api::longpoll))
        .route("/2/files/get_metadata", post(api::get_metadata))
        .route(
            "/2/files/download",
            post(content::download).get(content::download),
        )
        .route("/2/files/download_zip", post(content::download_zip))
        .route("/2/files/get_thumbnail_v2", post(content::get_thumbnail_v2))
        .route("/2/files/search_v2", post(search::search_v2))
        .route(
            "/2/files/search/continue_v2",
            post(search::search_continue_v2),
        )
        .route(
            "/2/files/upload_session/finish_batch_v2",
            post(upload::finish_batch_v2),
        )
        .route("/2/files/create_folder_v2", post(upload::create_folder_v2))
        .route("/2/files/move_v2", post(organize::move_v2))
        .route("/2/files/copy_v2", post(organize::copy_v2))
        .route("/2/files/delete_v2", post(organize::delete_v2))
        .route("/2/files/delete_batch", post(organize::delete_batch))
        .route("/2/files/move_batch_v2", post(organize::move_batch_v2))
        .route("/2/files/copy_batch_v2", post(organize::copy_batch_v2))
        .route(
            "/2/files/move_batch/check_v2",
            post(organize::move_batch_check_v2),
        )
        .route(
            "/2/files/copy_batch/check_v2",
            post(organize::copy_batch_check_v2),
        )
        .route(
            "/2/files/delete_batch/check",
            post(organize::delete_batch_check),
        )
        .route("/2/files/list_revisions", post(revisions::list_revisions))
        .route("/2/files/restore", post(revisions::restore));
    // The routes that take file bytes: up to Dropbox's 150 MiB a request (and a little
    // over, so that the route itself can say `payload_too_large`).
    let uploads = Router::new()
        .route("/2/files/upload", post(upload::upload))
        .route("/2/files/upload_session/start", post(upload::start))
        .route("/2/files/upload_session/append_v2", post(upload::append_v2))
        .route("/2/files/upload_session/finish", post(upload::finish))
        .layer(DefaultBodyLimit::max(upload::MAX_REQUEST + 1));
    let router = router.merge(uploads);
    router
        .merge(extra)
        .fallback(unknown)
        .method_not_allowed_fallback(wrong_method)
        .layer(axum::middleware::from_fn_with_state(app.clone(), track))
        .layer(axum::middleware::from_fn(loopback_host))
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .with_state(app)
}

async fn unknown(request: Request) -> Response {
    let path = request.uri().path();
    let route = path.strip_prefix("/2/").unwrap_or(path);
    wire::respond(
        StatusCode::NOT_FOUND,
        wire::TEXT,
        format!("Unknown API function: \"{route}\""),
    )
}

async fn wrong_method(request: Request) -> Response {
    let path = request.uri().path();
    let route = path.strip_prefix("/2/").unwrap_or(path);
    wire::bad_input(
        route,
        &format!(
            "Unexpected HTTP method \"{}\"; expecting \"POST\".",
            request.method()
        ),
    )
}

/// Only requests addressed to this machine by name are served: a web page that rebinds
/// its own host name to 127.0.0.1 (DNS rebinding) gets 421 and learns nothing.
async fn loopback_host(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    if matches!(name, "127.0.0.1" | "localhost" | "[::1]") {
        next.run(request).await
    } else {
        wire::respond(
            StatusCode::MISDIRECTED_REQUEST,
            wire::TEXT,
            "This server answers only requests addressed to 127.0.0.1.",
        )
    }
}

/// Faults, the request log and `X-Dropbox-Request-Id`, around every non-control request.
async fn track(State(app): State<App>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/__fakebox/") {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    if let Some(rtt) = app.config.round_trip {
        tokio::time::sleep(rtt).await;
    }
    let fault = app.lock().take_fault(&path);
    let injected = match &fault {
        Some(f) => {
            if let Some(ms) = f.delay_ms {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            if f.drop {
                Some(dropped())
            } else {
                f.status.map(|s| canned(s, f))
            }
        }
        None => None,
    };
    let mut response = match injected {
        Some(r) => r,
        None => next.run(request).await,
    };
    if let Some(n) = fault.as_ref().and_then(|f| f.drop_after) {
        response = cut_after(response, n);
    }
    let detail = response
        .extensions()
        .get::<LogDetail>()
        .map(|d| d.0.clone());
    let mut s = app.lock();
    s.log.push(LogEntry {
        method,
        path,
        status: response.status().as_u16(),
        detail,
    });
    let extra = s.log.len().saturating_sub(state::MAX_KEPT);
    s.log.drain(..extra);
    drop(s);
    let id = files::hex(&rand::random::<[u8; 16]>());
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("X-Dropbox-Request-Id", v);
    }
    response
}

fn canned(status: u16, fault: &state::Fault) -> Response {
    let retry_after = fault.retry_after;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match status {
        StatusCode::TOO_MANY_REQUESTS => wire::rate_limited(
            retry_after.unwrap_or(1),
            fault
                .rate_limit_reason
                .as_deref()
                .unwrap_or("too_many_requests"),
        ),
        StatusCode::UNAUTHORIZED => {
            wire::auth_error(fault.auth_tag.as_deref().unwrap_or("invalid_access_token"))
        }
        _ => {
            let mut r = wire::respond(
                status,
                wire::TEXT,
                status.canonical_reason().unwrap_or("Error").to_string(),
            );
            if let Some(s) = retry_after {
                r.headers_mut().insert("Retry-After", HeaderValue::from(s));
            }
            r
        }
    }
}

/// The same response, its connection closed after `n` bytes of the body (sent first, so
/// the client has them before the connection breaks).
fn cut_after(response: Response, n: u64) -> Response {
    use futures_util::StreamExt;
    let (parts, body) = response.into_parts();
    let start = (body.into_data_stream(), n, false);
    let cut = futures_util::stream::unfold(start, |(mut data, left, over)| async move {
        if over {
            return None;
        }
        if left == 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let e = std::io::Error::other("fakebox: dropped mid-body");
            return Some((Err(e), (data, 0, true)));
        }
        match data.next().await? {
            Ok(chunk) => {
                let take = (chunk.len() as u64).min(left);
                Some((Ok(chunk.slice(..take as usize)), (data, left - take, false)))
            }
            Err(e) => Some((Err(std::io::Error::other(e)), (data, 0, true))),
        }
    });
    Response::from_parts(parts, Body::from_stream(cut))
}

/// A response whose body fails at once: the server closes the connection before the
/// client has a complete answer.
fn dropped() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<axum::body::Bytes, _>(std::io::Error::other("fakebox: dropped connection"))
    });
    let mut r = Response::new(Body::from_stream(failing));
    r.headers_mut().insert(
        axum::http::header::CONTENT_LENGTH,
        HeaderValue::from(1024u32),
    );
    r
}
