//! The release build (`panic = "abort"`) against hostile local programs while it waits for
//! the browser: requests that declare bodies (huge, never sent, `Expect: 100-continue`),
//! headers that never end, a 100 KB request line, unread pipelined requests, 300 idle
//! connections, descriptor exhaustion. After each, the app is alive, its listener answers
//! the next request, and the user's sign-in completes (or Cancel frees the port). The
//! demo's emulator offers no control surface. tests/BENCHMARKS.md has the table.

use std::time::{Duration, Instant};

use e2e::app::{release_binary, App, Options, STEP};
use e2e::attack;
use e2e::desktop::Desktop;
use e2e::fixture::{
    app_env, browser_client, browser_log, decide, open_start, setup, wait_for_name, Setup,
};

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

async fn launch_release(desktop: &Desktop, env: &[(&str, String)], max_files: Option<u32>) -> App {
    App::launch_with(
        desktop,
        env,
        &[],
        Options {
            binary: Some(release_binary()),
            max_files,
        },
    )
    .await
    .expect("the release app launches")
}

/// The URL the app sent the browser to.
fn opened_url(s: &Setup) -> String {
    e2e::procs::wait_until(Duration::from_secs(10), "the browser to be sent", || {
        browser_log(s)
            .lines()
            .next()
            .map(|l| l.trim_start_matches("opened ").to_string())
    })
    .unwrap()
}

/// The release app, waiting for a browser that never comes; the start URL it opened.
async fn waiting(desktop: &Desktop, s: &Setup, max_files: Option<u32>) -> (App, String) {
    let app = launch_release(desktop, &app_env(s, BROWSER, "ignore"), max_files).await;
    app.click("connect").await.unwrap();
    app.wait_visible("view-waiting", STEP)
        .await
        .expect("waiting view");
    (app, opened_url(s))
}

/// The listener answers a plain request (bounded wait, not a timing claim).
fn answers(port: u16) -> Duration {
    let started = Instant::now();
    let answer = attack::probe(port).expect("the listener answers");
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    started.elapsed()
}

/// The user's own browser finishes the sign-in, and the window shows the account.
async fn sign_in(app: &App, s: &Setup, url: &str) {
    let b = browser_client();
    let callback = decide(&b, url, "allow").await;
    let landed = b
        .get(&callback)
        .send()
        .await
        .expect("the callback is answered");
    assert_eq!(landed.status(), 200);
    assert_eq!(wait_for_name(app, s).await, "Alex Morgan");
}

/// Attack, then prove the app alive, the listener answering and the flow intact.
async fn survives(attack: impl FnOnce(u16) -> Vec<std::net::TcpStream>) {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let (app, url) = waiting(&desktop, &s, None).await;
    let port = s.ports[0];
    let held = attack(port);
    let took = answers(port);
    eprintln!("listener answered {} ms after the attack", took.as_millis());
    sign_in(&app, &s, &url).await;
    drop(held);
    app.quit().await;
}

#[tokio::test]
async fn a_huge_declared_body_does_not_end_the_app() {
    survives(|port| {
        let answer = attack::exchange(port, attack::HUGE_BODY).unwrap_or_default();
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 400"),
            "{answer}"
        );
        Vec::new()
    })
    .await;
}

#[tokio::test]
async fn a_body_that_never_arrives_does_not_block_the_listener() {
    survives(|port| vec![attack::hold(port, attack::BODY_NEVER_SENT)]).await;
}

#[tokio::test]
async fn expect_100_continue_does_not_block_the_listener() {
    survives(|port| vec![attack::hold(port, attack::EXPECT_CONTINUE)]).await;
}

#[tokio::test]
async fn headers_that_never_end_do_not_block_the_listener() {
    survives(|port| vec![attack::hold(port, attack::ENDLESS_HEADERS)]).await;
}

#[tokio::test]
async fn a_100_kb_request_line_is_refused() {
    survives(|port| {
        let answer = attack::exchange(port, &attack::long_request_line()).unwrap_or_default();
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
            "{answer}"
        );
        Vec::new()
    })
    .await;
}

#[tokio::test]
async fn unread_pipelined_requests_do_not_block_the_listener() {
    survives(|port| vec![attack::hold(port, &attack::pipelined(500))]).await;
}

#[tokio::test]
async fn three_hundred_idle_connections_do_not_block_the_listener() {
    survives(|port| {
        let idle = attack::idle(port, 300);
        assert_eq!(idle.len(), 300);
        idle
    })
    .await;
}

#[tokio::test]
async fn descriptor_exhaustion_does_not_end_the_app() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    // The app may open 512 files: 2000 connections would exhaust it many times over.
    let (app, url) = waiting(&desktop, &s, Some(512)).await;
    let port = s.ports[0];
    let held = attack::exhaust(port, 2000);
    assert!(held.len() > 512, "opened {}", held.len());
    answers(port);
    sign_in(&app, &s, &url).await;
    drop(held);
    app.quit().await;
}

#[tokio::test]
async fn cancel_ends_the_sign_in_while_a_request_hangs() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let (app, _url) = waiting(&desktop, &s, None).await;
    let port = s.ports[0];
    let _held = [
        attack::hold(port, attack::BODY_NEVER_SENT),
        attack::hold(port, attack::ENDLESS_HEADERS),
    ];
    app.click("cancel").await.unwrap();
    app.wait_visible("connect", STEP)
        .await
        .expect("back to Connect");
    e2e::procs::wait_port_free(port).unwrap();
    app.quit().await;
}

#[tokio::test]
async fn the_demo_emulator_has_no_control_surface() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    // No app key: the release app runs its demo; the browser is ours to play.
    let env: Vec<_> = app_env(&s, BROWSER, "ignore")
        .into_iter()
        .filter(|(k, _)| !matches!(*k, "DROPBOX_APP_KEY" | "DROPDESK_DROPBOX_URL"))
        .collect();
    let app = launch_release(&desktop, &env, None).await;
    app.click("connect").await.unwrap();
    let url = opened_url(&s);
    let authorize = open_start(&browser_client(), &url).await;
    let emulator = url::Url::parse(&authorize).unwrap();
    for path in ["/__fakebox/state", "/__fakebox/unlink", "/__fakebox/files"] {
        let target = emulator.join(path).unwrap();
        let c = reqwest::Client::new();
        assert_eq!(
            c.get(target.clone()).send().await.unwrap().status(),
            404,
            "{path}"
        );
        assert_eq!(c.post(target).send().await.unwrap().status(), 404, "{path}");
    }
    app.quit().await;
}

/// The pid of the running app built at `binary`.
fn app_pid(binary: &std::path::Path) -> Option<u32> {
    let want = binary.canonicalize().ok()?;
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let exe = std::fs::read_link(e.path().join("exe")).ok()?;
        (exe == want).then_some(pid)
    })
}

#[tokio::test]
async fn the_app_never_writes_a_core_dump() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let (app, _url) = waiting(&desktop, &s, None).await;
    let pid = app_pid(&release_binary()).expect("the app's process");
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
    app.quit().await;
}

/// tiny_http's socket vanishes while the app waits (a cleaner emptied the runtime folder):
/// the sign-in ends at once with a clear message, and the port is freed.
#[tokio::test]
async fn a_listener_that_dies_ends_the_sign_in_with_a_message() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let (app, _url) = waiting(&desktop, &s, None).await;
    let run = std::path::PathBuf::from(desktop.var("XDG_RUNTIME_DIR").unwrap());
    let socket = std::fs::read_dir(&run)
        .unwrap()
        .flatten()
        .map(|e| e.path().join("listener.sock"))
        .find(|p| p.exists())
        .expect("the listener's socket in the runtime folder");
    std::fs::remove_file(&socket).unwrap();
    let answer = attack::probe(s.ports[0]).unwrap_or_default();
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 503"),
        "{answer}"
    );
    assert_eq!(app.problem().await.code, "listener_failed");
    e2e::procs::wait_port_free(s.ports[0]).unwrap();
    app.quit().await;
}
