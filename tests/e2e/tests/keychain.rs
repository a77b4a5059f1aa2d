//! The keychain through the real window: locked with no prompter to unlock it, the window
//! says so at start instead of hanging, keeps the sign-in, and is connected again after
//! the keyring is unlocked and the user presses Retry; a start paints the account shown
//! last before the keychain answers.

use e2e::app::{App, STEP};
use e2e::desktop::Desktop;
use e2e::fixture::{app_env, setup, stored_grant, wait_for_name};

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

#[tokio::test]
async fn a_locked_keychain_is_explained_and_retry_recovers_after_unlock() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let env = app_env(&s, BROWSER, "allow");
    e2e::fixture::first_run(&desktop, &s, &env).await;

    desktop.without_prompter().unwrap();
    desktop.lock_keychain().unwrap();
    let app = App::launch(&desktop, &env, &[])
        .await
        .expect("app relaunches");
    let shown = app.problem().await;
    assert_eq!(
        (shown.code.as_str(), shown.action.as_str()),
        ("keychain_locked", "Retry")
    );
    app.screenshot("keychain-locked").await.unwrap();

    desktop.unlock_keychain().unwrap();
    assert!(stored_grant(&desktop).is_some(), "the sign-in was kept");
    app.click("problem-action").await.unwrap();
    assert_eq!(wait_for_name(&app, &s).await, "Alex Morgan");
    app.quit().await;
}

/// The demo removes an earlier demo grant at start; with the keychain locked that call
/// fails, bounded, and the window still opens on the welcome view.
#[tokio::test]
async fn the_demo_starts_with_a_locked_keychain() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    desktop.without_prompter().unwrap();
    desktop.lock_keychain().unwrap();
    let app = App::launch_demo(&desktop, &[])
        .await
        .expect("the demo launches");
    app.wait_visible("connect", STEP)
        .await
        .expect("the welcome view, not Starting… forever");
    app.quit().await;
}

/// A start paints the account shown last at once, before the keychain answers (here it
/// never does until it is resumed), then goes on as usual once it does.
#[tokio::test]
async fn a_start_paints_the_last_account_before_the_keychain_answers() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let env = app_env(&s, BROWSER, "allow");
    e2e::fixture::first_run(&desktop, &s, &env).await;

    desktop.pause_keychain().unwrap();
    let app = App::launch(&desktop, &env, &[])
        .await
        .expect("app relaunches");
    let first = app
        .wd
        .wait_for(
            "return document.body.dataset.firstView ? [document.body.dataset.firstView, document.getElementById('account-name').textContent] : null;",
            STEP,
        )
        .await
        .expect("a first view is painted while the keychain is silent");
    assert_eq!(
        first[0], "connected",
        "the account shown last, not a spinner"
    );
    assert_eq!(first[1], "Alex Morgan");
    assert_ne!(
        app.text("status-text").await.unwrap().as_deref(),
        Some("Connected"),
        "never connected without the keychain"
    );
    desktop.resume_keychain().unwrap();
    // The keychain may have been given up on meanwhile: then its Retry connects.
    let settled = app
        .wd
        .wait_for(
            "return document.getElementById('status-text').textContent === 'Connected' ? 'connected' : !document.getElementById('problem').hidden ? 'problem' : null;",
            STEP,
        )
        .await
        .expect("connected, or a problem to retry");
    if settled == "problem" {
        app.click("problem-action").await.unwrap();
    }
    app.wd
        .wait_for(
            "return document.getElementById('status-text').textContent === 'Connected' ? true : null;",
            STEP,
        )
        .await
        .expect("connected once the keychain answers");
    assert_eq!(wait_for_name(&app, &s).await, "Alex Morgan");
    app.quit().await;
}
