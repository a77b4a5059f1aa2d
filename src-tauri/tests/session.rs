//! The core without a window, against fakebox and a real keychain (gnome-keyring's Secret
//! Service in a private D-Bus session): connect by approving the consent form over HTTP,
//! replayed callbacks, denial, redirect mismatch, refresh, revocation and disconnect.

use std::sync::Arc;
use std::time::Duration;

use dropdesk::auth::OAuth;
use dropdesk::browser::{Browser, Progress, Reporter};
use dropdesk::config::{Config as AppConfig, Endpoints};
use dropdesk::listing::{SortKey, ViewSpec};
use dropdesk::session::{ConnectResult, Retry, Session, SessionError, Settings, Status};
use dropdesk::vault::{Keychain, Vault};
use dropdesk::{dropbox, secret::Secret};
use e2e::desktop::Desktop;
use e2e::procs::free_port;
use fakebox::{Config, Fakebox};
use serde_json::{json, Value};
use tokio::sync::mpsc;

struct World<'d> {
    desktop: &'d Desktop,
    fakebox: Fakebox,
    session: Arc<Session>,
    vault: Arc<Keychain>,
    service: String,
    urls: mpsc::UnboundedReceiver<String>,
    ports: Vec<u16>,
}

/// A desktop session with a keychain, a fakebox whose registered redirect URIs are
/// `registered` (defaults to the app's ports), and a session wired to both. The "browser"
/// only reports the URL it was asked to open; tests play the user.
async fn world(
    desktop: &Desktop,
    tweak: impl FnOnce(&mut Config),
    auth_timeout: Duration,
) -> World<'_> {
    let ports = vec![free_port(), free_port()];
    let mut config = Config {
        redirect_uris: ports.iter().map(|&p| AppConfig::redirect_uri(p)).collect(),
        sample: true,
        ..Config::default()
    };
    tweak(&mut config);
    let fakebox = Fakebox::start(config).await.expect("fakebox");
    let base = url::Url::parse(fakebox.base_url()).unwrap();
    let endpoints = Endpoints::single(&base);
    let http = dropbox::http_client();
    let service = format!("test.dropdesk.{}", free_port());
    let vault = Arc::new(Keychain::new(&service));
    let (tx, urls) = mpsc::unbounded_channel();
    let session = Session::new(
        OAuth::new(fakebox.app_key(), &endpoints, http.clone()),
        dropbox::Client::new(http, endpoints.api.clone()),
        vault.clone(),
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

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("form field") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// Play the user on the consent page; returns where Dropbox redirected.
async fn decide(client: &reqwest::Client, url: &str, decision: &str) -> String {
    let page = client.get(url).send().await.unwrap();
    let origin = page.url().origin().ascii_serialization();
    let html = page.text().await.unwrap();
    let r = client
        .post(format!("{origin}/oauth2/authorize"))
        .form(&[
            ("pending", hidden(&html, "pending")),
            ("csrf", hidden(&html, "csrf")),
            ("decision", decision.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    r.headers()["location"].to_str().unwrap().to_string()
}

async fn fb(w: &World<'_>, method: reqwest::Method, path: &str, body: Value) -> Value {
    e2e::fixture::fakebox_control(&w.fakebox, method, path, body).await
}

async fn post(w: &World<'_>, path: &str, body: Value) -> Value {
    fb(w, reqwest::Method::POST, path, body).await
}

async fn state(w: &World<'_>) -> Value {
    fb(w, reqwest::Method::GET, "state", Value::Null).await
}

/// Connect by approving in the "browser"; returns the callback URL the browser visited.
async fn connect(w: &mut World<'_>) -> String {
    w.session.start_connect().await.expect("flow starts");
    let url = w.urls.recv().await.expect("browser opened");
    let callback = decide(&browser(), &url, "allow").await;
    let landed = browser().get(&callback).send().await.unwrap();
    assert_eq!(landed.status(), 200);
    match w.session.finish_connect().await.unwrap() {
        ConnectResult::Connected { account } => assert_eq!(account.display_name, "Alex Morgan"),
        other => panic!("not connected: {other:?}"),
    }
    callback
}

fn keychain_has_grant(w: &World<'_>) -> bool {
    w.desktop
        .keychain_items(&w.service)
        .contains("access_token")
}

async fn connect_stores_the_grant_and_a_replayed_callback_is_refused(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    let callback = connect(&mut w).await;
    assert!(keychain_has_grant(&w), "secret-tool finds the grant");
    let stored = w.vault.load().unwrap().expect("grant in keychain");
    assert!(stored.refresh_token.is_some());
    assert!(stored.scopes.contains(&"files.metadata.read".to_string()));
    // The listener has closed: replaying the callback reaches nobody.
    assert!(reqwest::get(&callback).await.is_err(), "listener is gone");
    // The code itself is single-use at Dropbox too.
    let s = state(&w).await;
    assert_eq!(s["codes_used"], 1);
    // A fresh session restores from the keychain without a browser.
    match w.session.restore().await {
        Status::Connected { account } => assert_eq!(account.email, "alex.morgan@example.com"),
        other => panic!("{other:?}"),
    }
    let page = w.session.list_folder("").await.unwrap();
    assert!(page
        .entries
        .iter()
        .any(|e| e.name == "Documents" && e.kind == "folder"));
}

async fn wrong_state_and_junk_do_not_end_the_flow(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    w.session.start_connect().await.unwrap();
    let url = w.urls.recv().await.unwrap();
    let redirect = w.session.waiting_url().unwrap();
    assert_eq!(redirect, url);
    let port = w.ports[0];
    let c = reqwest::Client::new();
    for junk in [
        "/callback?code=x&state=forged",
        "/favicon.ico",
        "/callback",
        "/",
    ] {
        let r = c
            .get(format!("http://127.0.0.1:{port}{junk}"))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{junk}");
    }
    let r = c
        .post(format!("http://127.0.0.1:{port}/callback"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    // The real approval still completes.
    let callback = decide(&browser(), &url, "allow").await;
    assert_eq!(browser().get(&callback).send().await.unwrap().status(), 200);
    assert!(matches!(
        w.session.finish_connect().await.unwrap(),
        ConnectResult::Connected { .. }
    ));
}

async fn denial_is_declined_and_stores_nothing(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    w.session.start_connect().await.unwrap();
    let url = w.urls.recv().await.unwrap();
    let callback = decide(&browser(), &url, "deny").await;
    assert!(callback.contains("error=access_denied"));
    browser().get(&callback).send().await.unwrap();
    assert_eq!(
        w.session.finish_connect().await.unwrap(),
        ConnectResult::Declined
    );
    assert!(!keychain_has_grant(&w));
    assert_eq!(w.vault.load().unwrap(), None);
}

async fn unregistered_redirect_uri_never_redirects_and_the_flow_times_out(desktop: &Desktop) {
    let mut w = world(
        desktop,
        |c| c.redirect_uris = vec!["http://127.0.0.1:1/callback".into()],
        Duration::from_secs(2),
    )
    .await;
    w.session.start_connect().await.unwrap();
    let url = w.urls.recv().await.unwrap();
    let r = browser().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
    assert!(r.text().await.unwrap().contains("Invalid redirect_uri"));
    assert_eq!(
        w.session.finish_connect().await.unwrap(),
        ConnectResult::TimedOut
    );
    // The port is free again after the timeout.
    std::net::TcpListener::bind(("127.0.0.1", w.ports[0])).expect("port released");
}

async fn expiry_refreshes_once_for_many_parallel_calls(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    let before = w.vault.load().unwrap().unwrap();
    fb(&w, reqwest::Method::DELETE, "log", Value::Null).await;
    post(&w, "expire-access-tokens", Value::Null).await;
    let calls = (0..20).map(|_| {
        let s = w.session.clone();
        tokio::spawn(async move { s.list_folder("/Documents").await })
    });
    for call in calls {
        call.await
            .unwrap()
            .expect("every call succeeds after one refresh");
    }
    let log = state(&w).await["requests"].clone();
    let refreshes = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["detail"] == "grant_type=refresh_token")
        .count();
    assert_eq!(refreshes, 1, "single-flight refresh: {log}");
    let after = w.vault.load().unwrap().unwrap();
    assert_ne!(
        after.access_token, before.access_token,
        "new token written back"
    );
    assert_eq!(
        after.refresh_token, before.refresh_token,
        "refresh token kept"
    );
}

async fn refresh_failures_keep_the_grant_and_revocation_drops_it(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    post(&w, "expire-access-tokens", Value::Null).await;
    for (status, retry_after) in [(500, 0), (429, 1), (503, 0)] {
        // More failures than the session retries: the user sees an error, the grant stays.
        post(&w, "faults", json!({"route": "/oauth2/token", "status": status, "retry_after": retry_after, "count": 10})).await;
        let err = w.session.list_folder("").await.unwrap_err();
        assert!(!matches!(err, SessionError::Revoked), "{status}: {err:?}");
        assert!(
            w.vault.load().unwrap().is_some(),
            "grant kept after {status}"
        );
        fb(&w, reqwest::Method::DELETE, "faults", Value::Null).await;
    }
    post(
        &w,
        "faults",
        json!({"route": "/oauth2/token", "drop": true, "count": 10}),
    )
    .await;
    assert!(w.session.list_folder("").await.is_err());
    assert!(
        w.vault.load().unwrap().is_some(),
        "grant kept after dropped connections"
    );
    fb(&w, reqwest::Method::DELETE, "faults", Value::Null).await;
    // Recovers once Dropbox answers again.
    assert!(w.session.list_folder("").await.is_ok());

    // Removed on dropbox.com: the next call finds out, and the local entry goes.
    post(&w, "unlink", Value::Null).await;
    let err = w.session.list_folder("").await.unwrap_err();
    assert_eq!(err, SessionError::Revoked);
    assert_eq!(w.vault.load().unwrap(), None);
    assert!(!keychain_has_grant(&w));
    let shown = dropdesk::messages::session(&err);
    assert!(shown.title.contains("revoked"), "{shown:?}");
    assert_eq!(shown.action, dropdesk::messages::Action::Reconnect);
    assert!(matches!(
        w.session.status().await,
        Status::Disconnected { .. }
    ));
}

/// Removed on dropbox.com while many calls are in flight (the account fetch and a listing
/// at start-up): one of them finds out and drops the grant, and every other one must also
/// say "revoked", not "not connected", whichever finishes first.
async fn a_revocation_met_by_parallel_calls_is_revoked_for_each(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    post(&w, "unlink", Value::Null).await;
    let listings = (0..8).map(|_| {
        let s = w.session.clone();
        tokio::spawn(async move { s.list_folder("").await.map(drop) })
    });
    let accounts = (0..4).map(|_| {
        let s = w.session.clone();
        tokio::spawn(async move { s.account().await.map(drop) })
    });
    let calls: Vec<_> = listings.chain(accounts).collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), Err(SessionError::Revoked));
    }
    assert_eq!(w.vault.load().unwrap(), None);
    match w.session.status().await {
        Status::Disconnected { problem: Some(p) } => assert!(p.title.contains("revoked"), "{p:?}"),
        other => panic!("expected the revoked message, got {other:?}"),
    }
    // Connecting again starts clean.
    connect(&mut w).await;
    assert!(matches!(w.session.status().await, Status::Connected { .. }));
}

async fn disconnect_revokes_at_dropbox_and_deletes_locally(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    let done = w.session.disconnect().await.unwrap();
    assert!(done.revoke_confirmed, "{}", done.message);
    assert!(!keychain_has_grant(&w));
    let s = state(&w).await;
    assert_eq!(s["grants"][0]["revoked"], true);
    assert!(matches!(
        w.session.status().await,
        Status::Disconnected { problem: None }
    ));
}

async fn disconnect_while_dropbox_is_down_still_deletes_and_says_so(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    let stored = w.vault.load().unwrap().unwrap();
    // Take Dropbox away.
    let spare = Fakebox::start(Config::default()).await.unwrap();
    std::mem::replace(&mut w.fakebox, spare).shutdown().await;
    let done = w.session.disconnect().await.unwrap();
    assert!(!done.revoke_confirmed);
    assert!(done.message.contains("dropbox.com"), "{}", done.message);
    assert_eq!(w.vault.load().unwrap(), None);
    assert!(!w
        .desktop
        .keychain_items(&w.service)
        .contains(&stored.account_id));
    // Secrets never show in messages.
    assert!(!done.message.contains(Secret::expose(&stored.access_token)));
}

async fn transient_failures_are_retried_with_backoff(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    fb(&w, reqwest::Method::DELETE, "log", Value::Null).await;
    post(
        &w,
        "faults",
        json!([
            {"route": "files/list_folder", "status": 500},
            {"route": "files/list_folder", "status": 429, "retry_after": 1},
            {"route": "files/list_folder", "drop": true},
        ]),
    )
    .await;
    let started = std::time::Instant::now();
    w.session.list_folder("").await.expect("retried to success");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    let statuses: Vec<u64> = state(&w).await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/2/files/list_folder")
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [500, 429, 200, 200],
        "one try per fault, then success"
    );
}

async fn expiry_during_a_paged_listing_continues(desktop: &Desktop) {
    let mut w = world(
        desktop,
        |c| c.generate = vec![("/big".into(), 5000)],
        Duration::from_secs(60),
    )
    .await;
    connect(&mut w).await;
    let mut page = w.session.list_folder("/big").await.unwrap();
    let mut count = page.entries.len();
    post(&w, "expire-access-tokens", Value::Null).await;
    while page.has_more {
        page = w
            .session
            .list_folder_continue(&page.cursor)
            .await
            .expect("continues transparently");
        count += page.entries.len();
    }
    assert_eq!(count, 5000);
}

async fn disconnect_during_a_refresh_leaves_nothing_behind(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    post(&w, "expire-access-tokens", Value::Null).await;
    post(
        &w,
        "faults",
        json!({"route": "/oauth2/token", "delay_ms": 700}),
    )
    .await;
    let listing = {
        let s = w.session.clone();
        tokio::spawn(async move { s.list_folder("").await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let done = w.session.disconnect().await.unwrap();
    assert!(done.revoke_confirmed);
    let _ = listing.await.expect("no panic");
    assert_eq!(
        w.vault.load().unwrap(),
        None,
        "no token written back after the delete"
    );
    assert!(!keychain_has_grant(&w));
    assert!(matches!(
        w.session.status().await,
        Status::Disconnected { .. }
    ));
    assert_eq!(state(&w).await["grants"][0]["revoked"], true);
}

/// A call whose token is refused even after a refresh drops the grant as revoked, but
/// only the grant it was made with: if the user disconnected and connected again while the
/// call was on its way, the new grant stays.
async fn a_late_refusal_never_drops_a_newer_grant(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    // The listing's token is refused; so is the refreshed one, but only after 3 s.
    post(
        &w,
        "faults",
        json!([
            {"route": "files/list_folder", "status": 401},
            {"route": "files/list_folder", "status": 401, "delay_ms": 3000},
        ]),
    )
    .await;
    let listing = {
        let s = w.session.clone();
        tokio::spawn(async move { s.list_folder("").await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(w.session.disconnect().await.unwrap().revoke_confirmed);
    connect(&mut w).await;
    let newer = w.vault.load().unwrap().expect("the new grant is stored");
    assert!(listing.await.unwrap().is_err(), "the old call failed");
    assert_eq!(
        w.vault.load().unwrap(),
        Some(newer),
        "the new grant is kept"
    );
    assert!(keychain_has_grant(&w));
    assert!(matches!(w.session.status().await, Status::Connected { .. }));
}

type Events = Arc<std::sync::Mutex<Vec<Progress>>>;

fn recorder() -> (Events, Reporter) {
    let events: Events = Arc::default();
    let sink = events.clone();
    (
        events,
        Arc::new(move |p: Progress| sink.lock().unwrap().push(p)),
    )
}

async fn until(events: &Events, what: &str, check: impl Fn(&Progress) -> bool) -> Progress {
    for _ in 0..600 {
        if let Some(p) = events.lock().unwrap().iter().find(|p| check(p)) {
            return p.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never saw {what}: {:?}", events.lock().unwrap());
}

const BY_NAME: fn() -> ViewSpec = || ViewSpec {
    sort: SortKey::Name,
    descending: false,
    filter: String::new(),
};

fn all_names(browser: &Browser, key: &str) -> Vec<String> {
    let total = browser.window(key, &BY_NAME(), 0, 0).unwrap().total;
    (0..total)
        .step_by(1000)
        .flat_map(|start| browser.window(key, &BY_NAME(), start, 1000).unwrap().rows)
        .map(|e| e.name)
        .collect()
}

fn checksum(mut names: Vec<String>) -> (usize, u64) {
    use std::hash::{Hash, Hasher};
    names.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    names.hash(&mut h);
    (names.len(), h.finish())
}

async fn hundred_thousand_entries_list_completely(desktop: &Desktop) {
    let mut w = world(
        desktop,
        |c| c.generate = vec![("/Big".into(), 100_000)],
        Duration::from_secs(60),
    )
    .await;
    connect(&mut w).await;
    let browser = Browser::new(w.session.clone());
    let (events, report) = recorder();
    let opened = browser.open("/Big", &BY_NAME(), 50, report).await.unwrap();
    assert!(!opened.from_cache);
    let first = browser
        .window(&opened.path_lower, &BY_NAME(), 0, 50)
        .unwrap();
    assert_eq!(first.total, 2000, "the first page shows at once");
    assert!(!first.complete);
    until(&events, "the whole listing", |p| p.complete).await;
    let ours = checksum(all_names(&browser, "/big"));
    // The same folder listed straight from the API, without the cache.
    let (token, _) = w.fakebox.mint_grant();
    let api = dropbox::Client::new(
        dropbox::http_client(),
        url::Url::parse(w.fakebox.base_url()).unwrap(),
    );
    let token = Secret::new(token);
    let mut page = api.list_folder(&token, "/big", 2000).await.unwrap();
    let mut names: Vec<String> = Vec::new();
    loop {
        names.extend(page.entries.iter().map(|m| match m {
            dropbox::Metadata::File(f) => f.name.clone(),
            dropbox::Metadata::Folder(f) => f.name.clone(),
            dropbox::Metadata::Deleted(d) => d.name.clone(),
        }));
        if !page.has_more {
            break;
        }
        page = api
            .list_folder_continue(&token, &page.cursor)
            .await
            .unwrap();
    }
    assert_eq!(ours, checksum(names));
    assert_eq!(ours.0, 100_000);
}

async fn cached_folders_show_at_once_then_apply_changes(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    let browser = Browser::new(w.session.clone());
    let (events, report) = recorder();
    browser
        .open("", &BY_NAME(), 50, report.clone())
        .await
        .unwrap();
    browser
        .open("/Photos/Holiday 2025", &BY_NAME(), 50, report.clone())
        .await
        .unwrap();
    post(
        &w,
        "files",
        json!({"ops": [
            {"op": "add_file", "path": "/Fresh.txt", "content": "new"},
            {"op": "add_file", "path": "/file2.txt", "content": "changed, longer"},
            {"op": "delete", "path": "/Photos"},
        ]}),
    )
    .await;
    let before = browser.window("", &BY_NAME(), 0, 100).unwrap();
    let opened = browser.open("", &BY_NAME(), 50, report).await.unwrap();
    assert!(opened.from_cache, "shown from the cache at once");
    until(&events, "the changes", |p| {
        p.path_lower.is_empty() && p.version > before.version
    })
    .await;
    let names = all_names(&browser, "");
    assert!(names.contains(&"Fresh.txt".to_string()));
    assert!(
        !names.contains(&"Photos".to_string()),
        "deleted folder gone"
    );
    let changed = browser.window("", &BY_NAME(), 0, 100).unwrap();
    let file2 = changed.rows.iter().find(|e| e.name == "file2.txt").unwrap();
    assert_eq!(file2.size, Some(15));
    assert!(
        browser
            .window("/photos/holiday 2025", &BY_NAME(), 0, 1)
            .is_none(),
        "its children's cache dropped too"
    );
}

async fn reset_relists_and_vanished_folders_fall_back(desktop: &Desktop) {
    let mut w = world(desktop, |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    let browser = Browser::new(w.session.clone());
    let (events, report) = recorder();
    browser
        .open("/Documents", &BY_NAME(), 50, report.clone())
        .await
        .unwrap();
    post(&w, "reset-cursors", Value::Null).await;
    post(
        &w,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Documents/After reset.txt", "content": "x"}]}),
    )
    .await;
    browser
        .open("/Documents", &BY_NAME(), 50, report.clone())
        .await
        .unwrap();
    until(&events, "a re-listing", |p| {
        p.path_lower == "/documents" && p.complete && p.version > 1
    })
    .await;
    let names = all_names(&browser, "/documents");
    assert!(names.contains(&"After reset.txt".to_string()), "{names:?}");
    assert_eq!(
        names.iter().filter(|n| *n == "Taxes").count(),
        1,
        "no duplicates after the reset"
    );

    // A cached folder that vanished: the refresh says so, and opening it again lands on
    // the nearest existing parent with a notice.
    post(
        &w,
        "files",
        json!({"ops": [{"op": "delete", "path": "/Documents"}]}),
    )
    .await;
    browser
        .open("/Documents", &BY_NAME(), 50, report.clone())
        .await
        .unwrap();
    until(&events, "the folder reported gone", |p| p.gone).await;
    let opened = browser
        .open("/Documents/Taxes/2025", &BY_NAME(), 50, report)
        .await
        .unwrap();
    assert_eq!(opened.path, "");
    assert!(opened.notice.unwrap().contains("2025"));
}

/// The keyring crate's D-Bus library reads the session bus address once per process, so
/// every scenario shares one desktop session; each gets its own fakebox and keychain
/// service name.
#[tokio::test]
async fn session_against_fakebox_and_a_real_keychain() {
    let desktop = Desktop::start().expect("desktop session");
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        desktop.var("DBUS_SESSION_BUS_ADDRESS").unwrap(),
    );
    connect_stores_the_grant_and_a_replayed_callback_is_refused(&desktop).await;
    wrong_state_and_junk_do_not_end_the_flow(&desktop).await;
    denial_is_declined_and_stores_nothing(&desktop).await;
    unregistered_redirect_uri_never_redirects_and_the_flow_times_out(&desktop).await;
    expiry_refreshes_once_for_many_parallel_calls(&desktop).await;
    refresh_failures_keep_the_grant_and_revocation_drops_it(&desktop).await;
    a_revocation_met_by_parallel_calls_is_revoked_for_each(&desktop).await;
    disconnect_revokes_at_dropbox_and_deletes_locally(&desktop).await;
    disconnect_while_dropbox_is_down_still_deletes_and_says_so(&desktop).await;
    transient_failures_are_retried_with_backoff(&desktop).await;
    expiry_during_a_paged_listing_continues(&desktop).await;
    disconnect_during_a_refresh_leaves_nothing_behind(&desktop).await;
    a_late_refusal_never_drops_a_newer_grant(&desktop).await;
    hundred_thousand_entries_list_completely(&desktop).await;
    cached_folders_show_at_once_then_apply_changes(&desktop).await;
    reset_relists_and_vanished_folders_fall_back(&desktop).await;
}
