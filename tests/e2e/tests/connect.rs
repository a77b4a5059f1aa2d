//! Connect Dropbox through the real window: the system browser (headless Chromium driven
//! by `e2e-browser`) approves or declines on fakebox's consent page, the window asks
//! whether a new account is the person's, shows the account, the keychain holds the
//! grant, and no token leaks anywhere else.

use std::path::PathBuf;
use std::time::Duration;

use e2e::app::{App, STEP};
use e2e::desktop::Desktop;
use e2e::fixture::{app_env, browser_log, files_containing, setup, stored_grant, wait_for_name};

#[tokio::test]
async fn connect_approve_keychain_restart_and_no_leaks() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;

    let app = App::launch(
        &desktop,
        &app_env(&s, env!("CARGO_BIN_EXE_e2e-browser"), "allow"),
        &[],
    )
    .await
    .expect("app launches");
    assert!(
        !app.visible("demo-badge").await.unwrap(),
        "a configured app key is not the demo"
    );
    app.click("connect").await.unwrap();
    assert_eq!(wait_for_name(&app, &s).await, "Alex Morgan");
    assert_eq!(
        app.text("account-store").await.unwrap().as_deref(),
        Some("Signed in; kept in your GNOME Keyring (Secret Service).")
    );
    assert_eq!(
        app.text("account-email").await.unwrap().as_deref(),
        Some("alex.morgan@example.com")
    );
    assert_eq!(app.text("avatar").await.unwrap().as_deref(), Some("AM"));
    assert_eq!(
        app.text("key-source").await.unwrap().as_deref(),
        Some("Dropbox app key: from DROPBOX_APP_KEY"),
        "where the key came from, never the key"
    );
    app.wd
        .wait_for(
            "return document.querySelectorAll('#entries .entry').length > 5;",
            STEP,
        )
        .await
        .expect("the app folder is listed");
    app.screenshot("connected").await.unwrap();
    let log = browser_log(&s);
    assert!(log.contains("clicked allow"), "{log}");
    assert!(
        log.contains("return to Dropdesk"),
        "the tab says what happened: {log}"
    );

    // The keychain holds the grant; nothing else does.
    let grant = stored_grant(&desktop).expect("secret-tool finds the grant");
    let access = grant["access_token"].as_str().unwrap().to_string();
    let refresh = grant["refresh_token"].as_str().unwrap().to_string();
    assert!(access.starts_with("sl.") && refresh.len() > 20);
    let dom = app.dom().await.unwrap();
    for secret in [&access, &refresh] {
        assert!(!dom.contains(secret.as_str()), "a token reached the DOM");
    }
    app.quit().await;
    let files = desktop.files_outside_keychain();
    let log_file = desktop.app_log();
    assert!(
        files.contains(&log_file),
        "the app writes its log file: {files:?}"
    );
    for secret in [&access, &refresh] {
        assert_eq!(
            files_containing(&files, secret),
            Vec::<PathBuf>::new(),
            "a token leaked to a file"
        );
    }

    // Restart: connected again without the browser.
    let app = App::launch(
        &desktop,
        &app_env(&s, env!("CARGO_BIN_EXE_e2e-browser"), "allow"),
        &[],
    )
    .await
    .expect("app relaunches");
    assert_eq!(wait_for_name(&app, &s).await, "Alex Morgan");
    assert_eq!(
        browser_log(&s).matches("opened ").count(),
        1,
        "no second browser round-trip"
    );
    app.quit().await;
}

#[tokio::test]
async fn declining_in_the_browser_is_a_calm_state() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let app = App::launch(
        &desktop,
        &app_env(&s, env!("CARGO_BIN_EXE_e2e-browser"), "deny"),
        &[],
    )
    .await
    .expect("app launches");
    app.click("connect").await.unwrap();
    app.wd
        .wait_for(
            "const n = document.getElementById('welcome-note'); return n && !n.hidden && n.textContent.includes('declined');",
            Duration::from_secs(90),
        )
        .await
        .unwrap_or_else(|e| panic!("the declined note never showed: {e}\nbrowser: {}", browser_log(&s)));
    assert!(
        !app.visible("problem").await.unwrap(),
        "no error banner for a decline"
    );
    assert!(app.visible("connect").await.unwrap());
    app.screenshot("declined").await.unwrap();
    assert!(stored_grant(&desktop).is_none(), "nothing stored");
    assert!(browser_log(&s).contains("clicked deny"));
    app.quit().await;
}

/// Dropbox signed in an account this computer has not connected (perhaps someone else's,
/// who raced to a sign-in link): the window asks "Connect Dropbox as …?" with its name and
/// email; Don't connect keeps nothing and revokes the grant at Dropbox.
#[tokio::test]
async fn an_account_is_connected_only_after_the_person_says_it_is_theirs() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let app = App::launch(
        &desktop,
        &app_env(&s, env!("CARGO_BIN_EXE_e2e-browser"), "allow"),
        &[],
    )
    .await
    .expect("app launches");
    app.click("connect").await.unwrap();
    app.wait_visible("confirm-account-yes", Duration::from_secs(90))
        .await
        .unwrap_or_else(|e| panic!("never asked: {e}\nbrowser: {}", browser_log(&s)));
    assert_eq!(
        app.text("confirm-account-name").await.unwrap().as_deref(),
        Some("Alex Morgan")
    );
    assert_eq!(
        app.text("confirm-account-email").await.unwrap().as_deref(),
        Some("alex.morgan@example.com")
    );
    assert!(
        stored_grant(&desktop).is_none(),
        "nothing kept while asking"
    );
    app.screenshot("confirm-account").await.unwrap();
    app.click("confirm-account-no").await.unwrap();
    app.wait_visible("connect", STEP)
        .await
        .expect("back to Connect");
    assert!(stored_grant(&desktop).is_none(), "nothing kept");
    let state = e2e::fixture::control(&s, reqwest::Method::GET, "state").await;
    assert_eq!(
        state["grants"][0]["revoked"], true,
        "revoked at Dropbox: {state}"
    );
    app.quit().await;
}

#[tokio::test]
async fn waiting_state_offers_the_link_and_cancel_frees_the_port() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let app = App::launch(
        &desktop,
        &app_env(&s, env!("CARGO_BIN_EXE_e2e-browser"), "ignore"),
        &[],
    )
    .await
    .expect("app launches");
    app.click("connect").await.unwrap();
    app.wait_visible("view-waiting", STEP)
        .await
        .expect("waiting view");
    assert!(app.visible("copy-link").await.unwrap() && app.visible("reopen").await.unwrap());
    app.screenshot("waiting").await.unwrap();
    // A second Connect while waiting does not start a second flow or listener.
    let again = app
        .wd
        .execute(
            "return window.__TAURI__.core.invoke('start_connect').then(w => w.listening);",
            serde_json::json!([]),
        )
        .await
        .unwrap();
    assert_eq!(again.as_bool(), Some(true), "the same sign-in, listening");
    assert!(
        std::net::TcpListener::bind(("127.0.0.1", s.ports[0])).is_err(),
        "the listener holds the first port"
    );
    assert!(
        std::net::TcpListener::bind(("127.0.0.1", s.ports[1])).is_ok(),
        "no second listener"
    );
    app.click("reopen").await.unwrap();
    e2e::procs::wait_until(
        Duration::from_secs(10),
        "the page to be opened again",
        || (browser_log(&s).matches("opened ").count() == 2).then_some(()),
    )
    .unwrap();
    app.click("cancel").await.unwrap();
    app.wait_visible("connect", STEP)
        .await
        .expect("back to Connect");
    e2e::procs::wait_port_free(s.ports[0]).unwrap();
    app.quit().await;
}

/// Every registered port is taken by another program: the window offers the paste-code
/// view by itself; the code Dropbox shows in the browser is pasted and the account appears.
#[tokio::test]
async fn with_every_port_taken_the_window_signs_in_with_a_pasted_code() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let _taken: Vec<_> = s
        .ports
        .iter()
        .map(|&p| std::net::TcpListener::bind(("127.0.0.1", p)).unwrap())
        .collect();
    let app = App::launch(
        &desktop,
        &app_env(&s, env!("CARGO_BIN_EXE_e2e-browser"), "code"),
        &[],
    )
    .await
    .expect("app launches");
    app.click("connect").await.unwrap();
    app.wait_visible("paste", STEP)
        .await
        .expect("the paste-code view opens by itself");
    assert!(app.visible("no-listener").await.unwrap());
    // Poll without blocking: fakebox answers Chromium on this test's runtime.
    let mut code = None;
    for _ in 0..300 {
        code = browser_log(&s)
            .lines()
            .find_map(|l| l.strip_prefix("code ").map(str::to_string));
        if code.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let code = code.unwrap_or_else(|| panic!("no code; the browser's log: {}", browser_log(&s)));
    app.screenshot("paste-code").await.unwrap();
    // A wrong code first: a clear message, and the field is there to try again.
    app.wd
        .execute(
            "const f = document.getElementById('paste-code'); f.value = 'wrong-code'; document.getElementById('paste-submit').click();",
            serde_json::json!([]),
        )
        .await
        .unwrap();
    app.wait_visible("paste-error", STEP)
        .await
        .expect("the refusal");
    app.wd
        .execute(
            "const f = document.getElementById('paste-code'); f.value = arguments[0]; document.getElementById('paste-submit').click();",
            serde_json::json!([code]),
        )
        .await
        .unwrap();
    assert_eq!(wait_for_name(&app, &s).await, "Alex Morgan");
    assert!(stored_grant(&desktop).is_some());
    app.quit().await;
}
