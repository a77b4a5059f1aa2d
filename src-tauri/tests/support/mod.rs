//! What the core's integration tests share: a fakebox, a session wired to it on a vault
//! (the real keychain of a desktop session, or the in-memory one for tests that are not
//! about the keychain), a "browser" that only reports the URL it was asked to open, and
//! helpers that play the user on the consent page and watch a folder's progress.

#![allow(dead_code, unused_imports)] // each test binary uses its own part of this

use std::sync::Arc;
use std::time::Duration;

use dropdesk::auth::{Access, OAuth};
use dropdesk::browser::{Browser, Progress, Reporter};
use dropdesk::config::{Config as AppConfig, Endpoints};
use dropdesk::dropbox;
use dropdesk::session::{ConnectOutcome, Heard, Retry, Revoke, Session, Settings};
use dropdesk::vault::{self, Keychain, Keyring, MemoryVault, Vault};
use dropdesk::view::{SortKey, ViewSpec};
use e2e::desktop::Desktop;
use e2e::procs::free_port;
use fakebox::{Config, Fakebox};
use serde_json::Value;
use tokio::sync::mpsc;

pub struct World<'d> {
    pub desktop: Option<&'d Desktop>,
    pub fakebox: Fakebox,
    pub session: Arc<Session>,
    pub vault: Arc<dyn Vault>,
    pub service: String,
    pub urls: mpsc::UnboundedReceiver<String>,
    pub ports: Vec<u16>,
}

/// A fakebox whose registered redirect URIs are the session's ports (unless `tweak`
/// changes them), and a session on the real keychain of `desktop`, or on the in-memory
/// vault when there is none.
pub async fn world<'d>(
    desktop: Option<&'d Desktop>,
    tweak: impl FnOnce(&mut Config),
    auth_timeout: Duration,
) -> World<'d> {
    let service = format!("test.dropdesk.{}", free_port());
    let vault: Arc<dyn Vault> = match desktop {
        Some(_) => Arc::new(Keychain::new(&service)),
        None => Arc::new(MemoryVault::default()),
    };
    world_on(desktop, vault, service, tweak, auth_timeout).await
}

/// A world on the in-memory vault with the usual settings.
pub async fn memory_world() -> World<'static> {
    world(None, |_| {}, Duration::from_secs(60)).await
}

/// A world on `vault`, with the usual settings.
pub async fn vault_world(vault: Arc<dyn Vault>) -> World<'static> {
    world_on(None, vault, String::new(), |_| {}, Duration::from_secs(60)).await
}

async fn world_on<'d>(
    desktop: Option<&'d Desktop>,
    vault: Arc<dyn Vault>,
    service: String,
    tweak: impl FnOnce(&mut Config),
    auth_timeout: Duration,
) -> World<'d> {
    let ports = vec![free_port(), free_port()];
    let mut config = Config {
        redirect_uris: ports.iter().map(|&p| AppConfig::redirect_uri(p)).collect(),
        sample: true,
        ..Config::default()
    };
    tweak(&mut config);
    let fakebox = fakebox_control::start(config).await.expect("fakebox");
    let base = url::Url::parse(fakebox.base_url()).unwrap();
    let endpoints = Endpoints::single(&base);
    let http = dropbox::http_client();
    let (tx, urls) = mpsc::unbounded_channel();
    let session = Session::new(
        OAuth::new(fakebox.app_key(), &endpoints, http.clone()),
        dropbox::Client::new(http, endpoints.api.clone()),
        Keyring::new(vault.clone(), vault::TIMEOUT),
        Settings {
            ports: ports.clone(),
            auth_timeout,
            retry: Retry {
                attempts: 3,
                base: Duration::from_millis(10),
                max_wait: Duration::from_secs(2),
            },
        },
        Arc::new(move |url: &str| tx.send(url.to_string()).map_err(|e| e.to_string())),
    );
    World {
        desktop,
        fakebox,
        session,
        vault,
        service,
        urls,
        ports,
    }
}

pub use e2e::fixture::{
    browser_client as browser, code_from_page, consent, decide, decide_as, open_start,
    start_link_of,
};

pub async fn fb(w: &World<'_>, method: reqwest::Method, path: &str, body: Value) -> Value {
    e2e::fixture::fakebox_control(&w.fakebox, method, path, body).await
}

pub async fn post(w: &World<'_>, path: &str, body: Value) -> Value {
    fb(w, reqwest::Method::POST, path, body).await
}

pub async fn state(w: &World<'_>) -> Value {
    fb(w, reqwest::Method::GET, "state", Value::Null).await
}

/// Disconnect the account in use, as the window's Disconnect does: naming the account it
/// shows.
pub async fn disconnect_shown(session: &Session) -> Revoke {
    let shown = session.account_id().await.expect("an account shown");
    session.disconnect(&shown).await.unwrap()
}

/// The person at the window: waits for the running sign-in to end, saying yes when asked
/// "Connect Dropbox as …?".
pub fn approve_in_window(session: &Arc<Session>) -> tokio::task::JoinHandle<ConnectOutcome> {
    let s = session.clone();
    tokio::spawn(async move {
        let asked = s.clone();
        s.finish_connect(move |heard| {
            if let Heard::Asking(_) = heard {
                asked.confirm_connect(true).unwrap();
            }
        })
        .await
        .unwrap()
    })
}

/// Connect by approving in the "browser"; returns the callback URL the browser visited.
pub async fn connect(w: &mut World<'_>) -> String {
    connect_as(w, 0, "Alex Morgan").await
}

/// Connect fakebox's user number `account`, who is called `name`.
pub async fn connect_as(w: &mut World<'_>, account: usize, name: &str) -> String {
    w.session.start_connect().await.expect("flow starts");
    let url = w.urls.recv().await.expect("browser opened");
    let b = browser();
    let callback = decide_as(&b, &url, "allow", account).await;
    let landed = b.get(&callback).send().await.unwrap();
    assert_eq!(landed.status(), 200);
    match approve_in_window(&w.session).await.unwrap() {
        ConnectOutcome::Connected(a) => assert_eq!(a.display_name, name),
        other => panic!("not connected: {other:?}"),
    }
    callback
}

/// Ask for write access and answer Dropbox's page with `decision`.
pub async fn ask_to_write(w: &mut World<'_>, decision: &str) -> ConnectOutcome {
    w.session.start_connect_for(Access::Write).await.unwrap();
    let url = w.urls.recv().await.expect("browser opened");
    let b = browser();
    let callback = decide(&b, &url, decision).await;
    b.get(&callback).send().await.unwrap();
    approve_in_window(&w.session).await.unwrap()
}

/// A world whose app may ask for write access, connected and granted it.
pub async fn writing_world() -> World<'static> {
    let mut w = world(
        None,
        |c| c.app_scopes.push("files.content.write".into()),
        Duration::from_secs(60),
    )
    .await;
    connect(&mut w).await;
    match ask_to_write(&mut w, "allow").await {
        ConnectOutcome::Connected(a) => assert!(a.may_write),
        other => panic!("write access not granted: {other:?}"),
    }
    w
}

/// Wait until transfer `id` no longer runs or waits; its last report.
pub async fn settled(browser: &Browser, id: u64) -> dropdesk::files::Report {
    for _ in 0..1000 {
        let last = browser
            .files()
            .unwrap()
            .transfers
            .reports()
            .into_iter()
            .find(|r| r.id == id)
            .expect("the transfer is listed");
        if !matches!(
            last.phase,
            dropdesk::files::Phase::Running | dropdesk::files::Phase::Waiting(_)
        ) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("transfer {id} did not settle");
}

/// A browser on `session` with files (their cache below `cache`) and, when given, the
/// listing store at `store`.
pub fn browser_with_files(
    session: Arc<Session>,
    cache: &std::path::Path,
    store: Option<&std::path::Path>,
) -> Arc<Browser> {
    let files = dropdesk::files::Files::new(
        session.clone(),
        cache.join("files"),
        1 << 30,
        Arc::new(|_: &std::path::Path| Ok(())),
    );
    let store = store.map(|s| Arc::new(dropdesk::store::ListingStore::open(s).unwrap()));
    Browser::with_parts(session, Some(files), store)
}

/// A commit that adds `path`, never replacing.
pub fn adding(path: &str) -> dropdesk::dropbox::Commit {
    dropdesk::dropbox::Commit {
        path: path.into(),
        mode: dropdesk::dropbox::WriteMode::Add,
        autorename: false,
        client_modified: None,
    }
}

/// The app started again: a new session on the same keychain and Dropbox.
pub fn restart(w: &World<'_>) -> Arc<Session> {
    let base = url::Url::parse(w.fakebox.base_url()).unwrap();
    let endpoints = Endpoints::single(&base);
    let http = dropbox::http_client();
    Session::new(
        OAuth::new(w.fakebox.app_key(), &endpoints, http.clone()),
        dropbox::Client::new(http, endpoints.api.clone()),
        Keyring::new(w.vault.clone(), vault::TIMEOUT),
        Settings {
            ports: w.ports.clone(),
            auth_timeout: Duration::from_secs(60),
            retry: Retry::default(),
        },
        Arc::new(|_: &str| Ok(())),
    )
}

/// The vault holds a grant; on the real keychain, `secret-tool` finds it too.
pub fn has_grant(w: &World<'_>) -> bool {
    let stored = w.vault.current().unwrap().is_some();
    if let Some(desktop) = w.desktop {
        let found = desktop.keychain_items(&w.service).contains("access_token");
        assert_eq!(stored, found, "the keyring crate and secret-tool agree");
    }
    stored
}

pub type Events = Arc<std::sync::Mutex<Vec<Progress>>>;

pub fn recorder() -> (Events, Reporter) {
    let events: Events = Arc::default();
    let sink = events.clone();
    (
        events,
        Arc::new(move |p: Progress| sink.lock().unwrap().push(p)),
    )
}

pub async fn until(events: &Events, what: &str, check: impl Fn(&Progress) -> bool) -> Progress {
    for _ in 0..600 {
        if let Some(p) = events.lock().unwrap().iter().find(|p| check(p)) {
            return p.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never saw {what}: {:?}", events.lock().unwrap());
}

pub fn by_name() -> ViewSpec {
    ViewSpec {
        sort: SortKey::Name,
        descending: false,
        filter: String::new(),
    }
}

pub fn all_names(browser: &Browser, key: &str) -> Vec<String> {
    let total = browser.window(key, &by_name(), 0, 0).unwrap().total;
    (0..total)
        .step_by(1000)
        .flat_map(|start| browser.window(key, &by_name(), start, 1000).unwrap().rows)
        .map(|e| e.name)
        .collect()
}
