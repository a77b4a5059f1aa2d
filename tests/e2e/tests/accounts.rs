//! Several Dropbox accounts through the real window: add a second account, switch between
//! them (each shows its own files), disconnect one, and at the next start the other is
//! still connected.

use e2e::app::{App, STEP};
use e2e::desktop::Desktop;
use e2e::fixture::{app_env, setup_with, wait_for_name};
use serde_json::json;

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

async fn names_shown(app: &App) -> Vec<String> {
    let v = app
        .wd
        .execute(
            "return [...document.querySelectorAll('#entries .entry .label')].map(l => l.textContent);",
            json!([]),
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

async fn wait_row(app: &App, name: &str) {
    app.wd
        .wait_for(
            &format!(
                "return [...document.querySelectorAll('#entries .entry .label')].some(l => l.textContent === {name:?});"
            ),
            STEP,
        )
        .await
        .unwrap_or_else(|e| panic!("{name} never shown: {e}"));
}

async fn wait_account(app: &App, name: &str) {
    app.wd
        .wait_for(
            &format!(
                "{} const e = document.getElementById('account-name'); return !document.getElementById('view-connected').hidden && e && e.textContent === {name:?} && document.getElementById('status').dataset.state !== 'saving';",
                e2e::fixture::CONFIRM_NEW_ACCOUNT
            ),
            STEP,
        )
        .await
        .unwrap_or_else(|e| panic!("{name} never in use: {e}"));
}

#[tokio::test]
async fn two_accounts_switch_and_disconnect_one() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup_with(&desktop, |c| {
        c.extra_accounts = vec![fakebox::ExtraAccount::sam()]
    })
    .await;
    let mode = desktop.dir.join("browser-mode");
    std::fs::write(&mode, "allow").unwrap();
    let env = app_env(&s, BROWSER, &format!("file:{}", mode.display()));
    let app = App::launch(&desktop, &env, &[])
        .await
        .expect("app launches");
    app.click("connect").await.unwrap();
    assert_eq!(wait_for_name(&app, &s).await, "Alex Morgan");
    wait_row(&app, "Documents").await;

    // Add Sam's account: Alex stays connected, listed in the switcher.
    std::fs::write(&mode, "allow-1").unwrap();
    app.click("add-account").await.unwrap();
    wait_account(&app, "Sam Lee").await;
    wait_row(&app, "Sam's notes.txt").await;
    assert!(!names_shown(&app).await.contains(&"Documents".to_string()));
    app.wd
        .wait_for(
            "return document.querySelectorAll('#account-list .account-switch').length === 1;",
            STEP,
        )
        .await
        .expect("Alex in the switcher");
    app.screenshot("two-accounts").await.unwrap();

    // Switch back to Alex with the switcher (a plain button, so Tab and Enter reach it).
    app.wd
        .execute(
            "const b = document.querySelector('#account-list .account-switch'); b.focus(); b.click();",
            json!([]),
        )
        .await
        .unwrap();
    wait_account(&app, "Alex Morgan").await;
    wait_row(&app, "Documents").await;
    assert!(!names_shown(&app)
        .await
        .contains(&"Sam's notes.txt".to_string()));

    // Disconnect Alex: Sam is shown, and still there at the next start.
    app.click("disconnect").await.unwrap();
    app.wait_visible("confirm-yes", STEP).await.unwrap();
    app.click("confirm-yes").await.unwrap();
    wait_account(&app, "Sam Lee").await;
    app.quit().await;
    let app = App::launch(&desktop, &env, &[])
        .await
        .expect("app relaunches");
    wait_account(&app, "Sam Lee").await;
    wait_row(&app, "Sam's notes.txt").await;
    app.quit().await;
}
