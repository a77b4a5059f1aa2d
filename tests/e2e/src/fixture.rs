//! What the Dropbox-facing end-to-end tests share: a fakebox whose redirect URIs are the
//! app's ports, the environment that points the app at it with `e2e-browser` as the
//! system browser, and readers for the browser's log and the keychain.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fakebox::{Config, Fakebox};
use serde_json::{json, Value};

use crate::app::App;
use crate::desktop::Desktop;
use crate::procs::free_port;

pub const SERVICE: &str = "app.dropdesk.desktop";

pub struct Setup {
    pub fakebox: Fakebox,
    pub ports: Vec<u16>,
    pub browser_log: PathBuf,
}

pub async fn setup(desktop: &Desktop) -> Setup {
    setup_with(desktop, |_| {}).await
}

/// As [`setup`], with fakebox's configuration adjusted (say, a generated folder).
pub async fn setup_with(desktop: &Desktop, tweak: impl FnOnce(&mut Config)) -> Setup {
    let ports = vec![free_port(), free_port()];
    let mut config = Config {
        redirect_uris: ports
            .iter()
            .map(|p| format!("http://127.0.0.1:{p}/callback"))
            .collect(),
        sample: true,
        ..Config::default()
    };
    tweak(&mut config);
    let fakebox = fakebox_control::start(config).await.expect("fakebox");
    Setup {
        fakebox,
        ports,
        browser_log: desktop.dir.join("browser.log"),
    }
}

/// The app's environment: fakebox as Dropbox, `e2e-browser` in `mode` as the browser.
pub fn app_env(s: &Setup, browser: &str, mode: &str) -> Vec<(&'static str, String)> {
    vec![
        ("DROPBOX_APP_KEY", s.fakebox.app_key().to_string()),
        ("DROPDESK_DROPBOX_URL", s.fakebox.base_url().to_string()),
        (
            "DROPDESK_REDIRECT_PORTS",
            s.ports
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(","),
        ),
        ("BROWSER", browser.to_string()),
        ("E2E_BROWSER_MODE", mode.to_string()),
        ("E2E_BROWSER_LOG", s.browser_log.display().to_string()),
    ]
}

/// The app's environment, with `e2e-browser` acting at each sign-in as the file `mode`
/// says then (`allow` or `deny`: a test changes the person's mind by rewriting it).
pub fn app_env_with_mode_file(
    s: &Setup,
    browser: &str,
    mode: &Path,
) -> Vec<(&'static str, String)> {
    app_env(s, browser, &format!("file:{}", mode.display()))
}

/// A window connected (read-only, as every sign-in is) to a fakebox that grants write
/// access when asked, with the browser acting as the file `mode` says (`allow` to begin
/// with), at the app folder's root with its rows shown.
pub async fn connected_read_only(desktop: &Desktop, browser: &str, mode: &Path) -> (App, Setup) {
    std::fs::write(mode, "allow").unwrap();
    let s = setup_with(desktop, |c| c.app_scopes.push("files.content.write".into())).await;
    let app = App::launch(desktop, &app_env_with_mode_file(&s, browser, mode), &[])
        .await
        .expect("app launches");
    app.click("connect").await.unwrap();
    wait_for_name(&app, &s).await;
    app.wait_for(
        "return document.querySelectorAll('#entries .entry').length > 3",
        Duration::from_secs(30),
    )
    .await
    .expect("the root's rows");
    (app, s)
}

pub fn browser_log(s: &Setup) -> String {
    std::fs::read_to_string(&s.browser_log).unwrap_or_default()
}

/// The grant JSON stored in the keychain, read back with secret-tool.
pub fn stored_grant(desktop: &Desktop) -> Option<Value> {
    desktop
        .keychain_items(SERVICE)
        .lines()
        .filter_map(|l| l.strip_prefix("secret = "))
        .filter_map(|s| serde_json::from_str::<Value>(s).ok())
        .find(|v| v.get("access_token").is_some())
}

pub fn files_containing(paths: &[PathBuf], needle: &str) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|p| {
            std::fs::read(p).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
        })
        .cloned()
        .collect()
}

/// Script that plays the person at the window when it asks "Connect Dropbox as …?": yes
/// (a statement, for the start of a polled script).
pub const CONFIRM_NEW_ACCOUNT: &str = "if (document.getElementById('confirm-account')?.open) document.getElementById('confirm-account-yes').click();";

/// Wait until the account card shows a name, past the moment the sign-in is still being
/// saved, and return it.
pub async fn wait_for_name(app: &App, s: &Setup) -> String {
    app.wd
        .wait_for(
            &format!("{CONFIRM_NEW_ACCOUNT} const e = document.getElementById('account-name'); return e && e.textContent && document.getElementById('status').dataset.state !== 'saving' ? e.textContent : null;"),
            Duration::from_secs(90),
        )
        .await
        .unwrap_or_else(|e| panic!("the account name never showed: {e}\nbrowser: {}", browser_log(s)))
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A first run: launch the app with `env`, connect, let the root folder load, quit. What
/// it leaves (the grant in the keychain, the stored listing) is what the next start finds.
pub async fn first_run(desktop: &Desktop, s: &Setup, env: &[(&str, String)]) {
    let app = App::launch(desktop, env, &[]).await.expect("app launches");
    app.click("connect").await.unwrap();
    wait_for_name(&app, s).await;
    app.wd
        .wait_for(
            "return document.getElementById('entries').dataset.complete === 'true';",
            Duration::from_secs(60),
        )
        .await
        .expect("the folder loads");
    // The listing is written to the store just after it is complete.
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.quit().await;
}

/// The faults that make Dropbox unreachable: every route the app uses drops its
/// connection, as when the network is gone (post them to `faults`).
pub fn offline_faults() -> Value {
    let routes = [
        "users/get_current_account",
        "users/get_space_usage",
        "files/list_folder",
        "files/list_folder/continue",
        "files/list_folder/longpoll",
        "/oauth2/token",
    ];
    routes
        .iter()
        .map(|r| json!({"route": r, "drop": true, "count": 10000}))
        .collect()
}

/// fakebox's control surface (`/__fakebox/<path>`), without a body.
pub async fn control(s: &Setup, method: reqwest::Method, path: &str) -> Value {
    fakebox_control(&s.fakebox, method, path, Value::Null).await
}

/// fakebox's control surface with a JSON body (none when `body` is null); its JSON answer.
pub async fn fakebox_control(
    fakebox: &Fakebox,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> Value {
    let mut request =
        reqwest::Client::new().request(method, format!("{}/__fakebox/{path}", fakebox.base_url()));
    if !body.is_null() {
        request = request.json(&body);
    }
    request
        .send()
        .await
        .expect("fakebox answers")
        .json()
        .await
        .expect("JSON")
}

/// A client that plays the user's browser: keeps cookies, follows no redirects.
pub fn browser_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

/// The start link behind what the app gave the browser: a forwarding page (`file://…`,
/// which a browser follows at once), or the link itself.
pub fn start_link_of(opened: &str) -> String {
    match url::Url::parse(opened) {
        Ok(u) if u.scheme() == "file" => {
            let page = std::fs::read_to_string(u.to_file_path().expect("a file path"))
                .expect("the forwarding page");
            let start = page.find("url=").expect("a forwarding page") + 4;
            page[start..start + page[start..].find('"').unwrap()].to_string()
        }
        _ => opened.to_string(),
    }
}

/// Open a sign-in's start URL as the browser does (through its forwarding page): it sets
/// the listener's cookie and redirects to the authorize page, whose URL this returns.
pub async fn open_start(client: &reqwest::Client, url: &str) -> String {
    let r = client
        .get(start_link_of(url))
        .send()
        .await
        .expect("the start URL answers");
    assert_eq!(r.status(), 302, "the start URL redirects to Dropbox");
    r.headers()["location"].to_str().unwrap().to_string()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("form field") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// Press Allow or Cancel on Dropbox's consent page at `authorize`, as the user chosen
/// there (fakebox's users by number; the first by default); the answer.
async fn press(
    client: &reqwest::Client,
    authorize: &str,
    decision: &str,
    account: usize,
) -> reqwest::Response {
    let page = client.get(authorize).send().await.unwrap();
    let origin = page.url().origin().ascii_serialization();
    let html = page.text().await.unwrap();
    client
        .post(format!("{origin}/oauth2/authorize"))
        .form(&[
            ("pending", hidden(&html, "pending")),
            ("csrf", hidden(&html, "csrf")),
            ("decision", decision.to_string()),
            ("account", account.to_string()),
        ])
        .send()
        .await
        .unwrap()
}

/// Play the user on Dropbox's consent page at `authorize`; returns where it redirected.
pub async fn consent(client: &reqwest::Client, authorize: &str, decision: &str) -> String {
    consent_as(client, authorize, decision, 0).await
}

/// As [`consent`], as fakebox's user number `account`.
pub async fn consent_as(
    client: &reqwest::Client,
    authorize: &str,
    decision: &str,
    account: usize,
) -> String {
    let r = press(client, authorize, decision, account).await;
    assert_eq!(r.status(), 302);
    r.headers()["location"].to_str().unwrap().to_string()
}

/// Approve on an authorize page without a redirect, and read the code Dropbox shows.
pub async fn code_from_page(client: &reqwest::Client, authorize: &str) -> String {
    let r = press(client, authorize, "allow", 0).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let start = html.find("<code id=\"code\">").expect("a code on the page") + 16;
    html[start..start + html[start..].find('<').unwrap()].to_string()
}

/// From the start URL through the consent page; returns where Dropbox redirected. Use the
/// same client for the callback: it holds the listener's cookie.
pub async fn decide(client: &reqwest::Client, url: &str, decision: &str) -> String {
    decide_as(client, url, decision, 0).await
}

/// As [`decide`], as fakebox's user number `account`.
pub async fn decide_as(
    client: &reqwest::Client,
    url: &str,
    decision: &str,
    account: usize,
) -> String {
    let authorize = open_start(client, url).await;
    consent_as(client, &authorize, decision, account).await
}

/// Every file below `dir`, at any depth (none when it does not exist).
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path().is_dir() {
            out.extend(files_below(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}
