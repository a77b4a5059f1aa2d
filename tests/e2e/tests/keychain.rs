//! The keychain through the real window: locked with no prompter to unlock it, the window
//! says so at start instead of hanging, keeps the sign-in, and is connected again after
//! the keyring is unlocked and the user presses Retry.

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

    let _unlocked = desktop.unlock_keychain().unwrap();
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
    let app = App::launch(&desktop, &[], &[]).await.expect("app launches");
    app.wait_visible("connect", STEP)
        .await
        .expect("the welcome view, not Starting… forever");
    app.quit().await;
}
