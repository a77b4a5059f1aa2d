//! The release build (`panic = "abort"`) against hostile local programs while it waits for
//! the browser: requests that declare bodies (huge, never sent, `Expect: 100-continue`),
//! headers that never end, a 100 KB request line, unread pipelined requests, 300 idle
//! connections, descriptor exhaustion. After each, the app is alive, its listener answers
//! the next request, and the user's sign-in completes (or Cancel frees the port). The
//! demo's emulator (in the development build only) offers no control surface, and a thousand idle connections to it leave
//! the app its file descriptors. The start link never travels on a command line, and
//! "Open the page again" works after the browser used the first link. tests/BENCHMARKS.md has the table.

use std::time::{Duration, Instant};

use e2e::app::{app_binary, demo_binary, App, Options, STEP};
use e2e::attack;
use e2e::desktop::Desktop;
use e2e::fixture::{
    app_env, browser_client, browser_log, consent, decide, open_start, setup, start_link_of,
    wait_for_name, Setup,
};

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

async fn launch_limited(desktop: &Desktop, env: &[(&str, String)], max_files: Option<u32>) -> App {
    launch_with_files(desktop, env, max_files, None).await
}

/// The app (or `binary`) with at most `max_files` open files.
async fn launch_with_files(
    desktop: &Desktop,
    env: &[(&str, String)],
    max_files: Option<u32>,
    binary: Option<std::path::PathBuf>,
) -> App {
    App::launch_with(
        desktop,
        env,
        &[],
        Options {
            max_files,
            binary,
            ..Options::default()
        },
    )
    .await
    .expect("the app launches")
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
    let app = launch_limited(desktop, &app_env(s, BROWSER, "ignore"), max_files).await;
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

/// What the app gives the browser on its command line (which any local user can read in
/// `/proc`) is a forwarding page only this user can read, never the one-time link itself.
#[tokio::test]
async fn the_start_link_never_travels_on_a_command_line() {
    use std::os::unix::fs::PermissionsExt;
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let (app, url) = waiting(&desktop, &s, None).await;
    assert!(url.starts_with("file://"), "{url}");
    assert!(!url.contains("t="), "no token on the command line: {url}");
    let page = url::Url::parse(&url).unwrap().to_file_path().unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&page), 0o600, "only this user reads the page");
    assert_eq!(mode(page.parent().unwrap()), 0o700);
    sign_in(&app, &s, &url).await;
    assert!(!page.exists(), "gone with the sign-in");
    app.quit().await;
}

/// The browser opened the link already (a tab closed before Dropbox answered): "Open the
/// page again" gets a new link, and the sign-in completes with it.
#[tokio::test]
async fn open_the_page_again_works_after_the_browser_used_the_link() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let (app, first) = waiting(&desktop, &s, None).await;
    open_start(&browser_client(), &first).await;
    app.click("reopen").await.unwrap();
    let second = e2e::procs::wait_until(Duration::from_secs(10), "the page opened again", || {
        browser_log(&s)
            .lines()
            .filter_map(|l| l.strip_prefix("opened "))
            .nth(1)
            .map(str::to_string)
    })
    .unwrap();
    assert_ne!(start_link_of(&second), start_link_of(&first), "a new link");
    sign_in(&app, &s, &second).await;
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

/// The demo (the development build: the package has no emulator) with no app key, its
/// sign-in started; the browser is ours to play: the client that opened the start link,
/// and the authorize URL on the demo's emulator it was sent to.
async fn demo_signing_in(
    desktop: &Desktop,
    s: &Setup,
    max_files: Option<u32>,
) -> (App, reqwest::Client, String) {
    let env: Vec<_> = app_env(s, BROWSER, "ignore")
        .into_iter()
        .filter(|(k, _)| !matches!(*k, "DROPBOX_APP_KEY" | "DROPDESK_DROPBOX_URL"))
        .collect();
    let app = launch_with_files(desktop, &env, max_files, Some(demo_binary())).await;
    app.click("connect").await.unwrap();
    let client = browser_client();
    let authorize = open_start(&client, &opened_url(s)).await;
    (app, client, authorize)
}

#[tokio::test]
async fn the_demo_emulator_has_no_control_surface() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let (app, _, authorize) = demo_signing_in(&desktop, &s, None).await;
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

#[tokio::test]
async fn a_thousand_idle_connections_to_the_demo_emulator_leave_the_app_its_descriptors() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    // The app may open 512 files: a thousand connections held by its emulator would
    // leave it none for its own sign-in.
    let (app, b, authorize) = demo_signing_in(&desktop, &s, Some(512)).await;
    let emulator = url::Url::parse(&authorize).unwrap().port().unwrap();
    let held = attack::idle(emulator, 1000);
    assert!(held.len() > 512, "opened {}", held.len());
    let callback = consent(&b, &authorize, "allow").await;
    let landed = b
        .get(&callback)
        .send()
        .await
        .expect("the callback is answered");
    assert_eq!(landed.status(), 200);
    assert_eq!(wait_for_name(&app, &s).await, "Alex Morgan");
    drop(held);
    app.quit().await;
}

#[tokio::test]
async fn the_app_never_writes_a_core_dump() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let (app, _url) = waiting(&desktop, &s, None).await;
    let pid = desktop.pid_of(&app_binary()).expect("the app's process");
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    // The soft limit: the process is non-dumpable as well, which the kernel honours
    // whatever the hard limit; the hard one stays for the programs the app opens.
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(fields[4], "0", "{core}");
    app.quit().await;
}

/// A program the app opens a file with (the desktop's default, through the real
/// xdg-open) starts as the person would have started it: with their core-dump limit, not
/// the app's zero, and without the WebKit setting the app made for its own web view.
#[tokio::test]
async fn a_program_the_app_opens_inherits_none_of_its_protections() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    desktop.default_opener("text/plain");
    let s = setup(&desktop).await;
    let limit: u64 = 4 << 20;
    let app = App::launch_with(
        &desktop,
        &app_env(&s, BROWSER, "allow"),
        &[],
        Options {
            max_core: Some(limit),
            ..Options::default()
        },
    )
    .await
    .expect("the release app launches");
    app.click("connect").await.unwrap();
    wait_for_name(&app, &s).await;
    app.double_click_row("Notes with spaces.txt")
        .await
        .expect("the file's row shows");
    let started =
        match e2e::procs::wait_until(Duration::from_secs(30), "the program to start", || {
            std::fs::read_to_string(desktop.opener_env()).ok()
        }) {
            Ok(started) => started,
            Err(e) => panic!("{e}\n{}", app.what_it_was_doing().await),
        };
    // The app itself runs with none, and WebKit's software renderer chosen (no GPU here).
    let pid = desktop.pid_of(&app_binary()).expect("the app's process");
    let own = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    assert!(
        own.lines().any(
            |l| l.starts_with("Max core file size") && l.split_whitespace().nth(4) == Some("0")
        ),
        "{own}"
    );
    // `ulimit` counts in blocks (of 512 or 1024 bytes, as the shell has it).
    let line = started.lines().next().unwrap();
    let blocks = format!("{}", limit / 512);
    let kib = format!("{}", limit / 1024);
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert!(
        fields[1] == fields[2] && (fields[1] == blocks || fields[1] == kib),
        "the person's limit, soft and hard: {line}"
    );
    assert_eq!(fields[3..], ["webkit", "unset"], "{line}");
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

/// An argument that is not UTF-8 (legal in a Linux file name, say from a file manager's
/// "Open with"): the release app starts and goes on instead of aborting.
#[tokio::test]
async fn a_non_utf8_argument_does_not_abort_the_app() {
    use std::os::unix::ffi::OsStrExt;
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mut app = desktop
        .command(app_binary())
        .arg(std::ffi::OsStr::from_bytes(b"/tmp/caf\xe9.txt"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the app starts");
    let loaded = e2e::procs::wait_until(Duration::from_secs(60), "the page to load", || {
        if let Ok(Some(status)) = app.try_wait() {
            return Some(Err(status));
        }
        std::fs::read_to_string(desktop.app_log())
            .ok()
            .filter(|log| log.contains("page loaded"))
            .map(Ok)
    });
    let running = app.try_wait().ok().flatten().is_none();
    let _ = app.kill();
    let _ = app.wait();
    match loaded {
        Ok(Ok(_)) => assert!(running, "the app went on after its page loaded"),
        Ok(Err(status)) => panic!("the app ended: {status}"),
        Err(e) => panic!("{e}"),
    }
}

/// A file whose default program may run it (a `.desktop` launcher here) is opened only
/// after the person says so: a double-click asks first, "Don't open" downloads and starts
/// nothing, "Open anyway" opens it.
#[tokio::test]
async fn a_program_is_opened_only_after_the_person_says_so() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let opened = desktop.default_opener_for(&["text/plain", "application/x-desktop"]);
    let s = setup(&desktop).await;
    e2e::fixture::fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "files",
        serde_json::json!({"ops": [{"op": "add_file", "path": "/Setup.desktop",
            "content": "[Desktop Entry]\nType=Application\nName=Setup\nExec=sh -c 'touch /tmp/ran'\n"}]}),
    )
    .await;
    let app = App::launch(&desktop, &app_env(&s, BROWSER, "allow"), &[])
        .await
        .expect("the release app launches");
    app.click("connect").await.unwrap();
    wait_for_name(&app, &s).await;
    app.double_click_row("Setup.desktop")
        .await
        .expect("the row shows");
    app.wait_visible("program-dialog", STEP)
        .await
        .expect("the question is asked first");
    // The name is isolated (U+2068…U+2069) in the sentence, as every name is.
    let title = app.text("program-title").await.unwrap().unwrap_or_default();
    assert_eq!(
        title.replace(['\u{2068}', '\u{2069}'], ""),
        "Open “Setup.desktop”?"
    );
    app.click("program-cancel").await.unwrap();
    assert!(!app.visible("program-dialog").await.unwrap());
    assert!(!opened.exists(), "nothing opened on \"Don't open\"");
    let cached = e2e::fixture::files_below(&desktop.dir.join("cache"));
    assert!(
        !cached.iter().any(|p| p.ends_with("Setup.desktop")),
        "nothing downloaded either: {cached:?}"
    );
    app.double_click_row("Setup.desktop").await.unwrap();
    app.wait_visible("program-dialog", STEP).await.unwrap();
    app.click("program-open").await.unwrap();
    let line = e2e::procs::wait_until(Duration::from_secs(30), "the program to be opened", || {
        std::fs::read_to_string(&opened).ok()
    })
    .unwrap();
    assert!(line.trim_end().ends_with("/Setup.desktop"), "{line}");
    app.quit().await;
}
