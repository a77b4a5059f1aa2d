//! Disconnect and revocation through the real window: Disconnect revokes at Dropbox and
//! empties the keychain; a grant revoked on dropbox.com shows a calm Reconnect message at
//! the next start, not an error dump, and while the window is open, whichever path meets
//! it first (the preview here) takes the window to Reconnect.

use e2e::app::{App, STEP};
use e2e::desktop::Desktop;
use e2e::fixture::{
    app_env, control, fakebox_control, setup, stored_grant, wait_for_name, SERVICE,
};
use serde_json::json;

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

#[tokio::test]
async fn disconnect_revokes_and_forgets() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let app = App::launch(&desktop, &app_env(&s, BROWSER, "allow"), &[])
        .await
        .expect("app launches");
    app.click("connect").await.unwrap();
    wait_for_name(&app, &s).await;
    assert!(stored_grant(&desktop).is_some());

    app.click("disconnect").await.unwrap();
    app.wait_visible("confirm-yes", STEP)
        .await
        .expect("a confirmation first");
    app.screenshot("disconnect-confirm").await.unwrap();
    // A refresh of the folder is still on its way when the user disconnects: its late
    // answer must not put a "not connected" message over the calm Disconnected note.
    fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "faults",
        json!({"route": "files/list_folder/continue", "status": 401, "delay_ms": 2500}),
    )
    .await;
    app.click("refresh").await.unwrap();
    app.click("confirm-yes").await.unwrap();
    app.wait_visible("connect", STEP)
        .await
        .expect("the Connect button is back");
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert!(!app.visible("problem").await.unwrap(), "no late problem");
    let note = app.text("welcome-note").await.unwrap().unwrap_or_default();
    assert!(note.contains("revoked"), "{note}");
    assert!(
        !desktop.keychain_items(SERVICE).contains("access_token"),
        "secret-tool finds nothing"
    );
    let state = control(&s, reqwest::Method::GET, "state").await;
    assert_eq!(state["grants"][0]["revoked"], true, "revoked at Dropbox");
    app.quit().await;
}

#[tokio::test]
async fn restart_after_a_revoke_elsewhere_offers_reconnect() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let env = app_env(&s, BROWSER, "allow");
    e2e::fixture::first_run(&desktop, &s, &env).await;

    // The user removes Dropdesk on dropbox.com while it is closed.
    control(&s, reqwest::Method::POST, "unlink").await;
    let app = App::launch(&desktop, &env, &[])
        .await
        .expect("app relaunches");
    let shown = app.problem().await;
    assert_eq!(
        (
            shown.code.as_str(),
            shown.title.as_str(),
            shown.action.as_str()
        ),
        ("revoked", "Dropbox access was revoked", "Reconnect")
    );
    assert!(app.visible("connect").await.unwrap());
    app.screenshot("revoked").await.unwrap();
    assert!(
        stored_grant(&desktop).is_none(),
        "the dead grant is gone from the keychain"
    );
    app.quit().await;
}

/// The grant is revoked on dropbox.com while the window is open, and the preview of a file
/// (not the listing) is what meets it: the window goes to the Reconnect state, as on every
/// other path, and names no account any Disconnect could act on.
#[tokio::test]
async fn a_revocation_met_by_the_preview_takes_the_window_to_reconnect() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let app = App::launch(&desktop, &app_env(&s, BROWSER, "allow"), &[])
        .await
        .expect("app launches");
    app.click("connect").await.unwrap();
    wait_for_name(&app, &s).await;
    app.wd
        .wait_for(
            "return document.getElementById('entries').dataset.complete === 'true' || null;",
            STEP,
        )
        .await
        .expect("the folder is listed");
    control(&s, reqwest::Method::POST, "unlink").await;
    app.wd
        .wait_for(
            "const r = [...document.querySelectorAll('#entries .entry')].find(r => r.querySelector('.label').textContent === 'Notes with spaces.txt'); \
             if (!r) return null; r.dispatchEvent(new MouseEvent('click', {bubbles: true})); return true;",
            STEP,
        )
        .await
        .expect("a file to select");
    let shown = app.problem().await;
    assert_eq!(
        (shown.code.as_str(), shown.action.as_str()),
        ("revoked", "Reconnect")
    );
    assert!(app.visible("connect").await.unwrap(), "the welcome view");
    assert_eq!(
        app.wd
            .execute(
                "return document.getElementById('view-connected').dataset.accountId;",
                json!([])
            )
            .await
            .unwrap()
            .as_str(),
        Some(""),
        "no account is named for Disconnect"
    );
    app.quit().await;
}
