//! An offline start through the real window: with Dropbox unreachable, the window shows
//! the account and the folder as last seen, says since when, and recovers by itself once
//! Dropbox answers again.

use std::time::Duration;

use e2e::app::{App, STEP};
use e2e::desktop::Desktop;
use e2e::fixture::{app_env, fakebox_control, setup, wait_for_name};
use serde_json::Value;

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

#[tokio::test]
async fn an_offline_start_shows_the_last_listing_and_recovers_by_itself() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let env = app_env(&s, BROWSER, "allow");
    e2e::fixture::first_run(&desktop, &s, &env).await;

    // Dropbox unreachable: every route drops its connection.
    fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "faults",
        e2e::fixture::offline_faults(),
    )
    .await;
    let app = App::launch(&desktop, &env, &[])
        .await
        .expect("app relaunches");
    assert_eq!(wait_for_name(&app, &s).await, "Alex Morgan");
    app.wd
        .wait_for(
            "return [...document.querySelectorAll('#entries .entry .label')].some(l => l.textContent === 'Documents');",
            STEP,
        )
        .await
        .expect("the stored folder shows");
    let shown = app.problem().await;
    assert_eq!(shown.code, "offline");
    assert_eq!(
        app.text("status-text").await.unwrap().as_deref(),
        Some("Offline")
    );
    let message = app
        .text("problem-message")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        message.starts_with("Offline — showing the folder as of "),
        "{message}"
    );
    assert!(
        !message.contains("{time}"),
        "the time is filled in: {message}"
    );
    app.screenshot("offline").await.unwrap();

    // Dropbox is back: the window recovers by itself (the banner's own retry).
    fakebox_control(&s.fakebox, reqwest::Method::DELETE, "faults", Value::Null).await;
    app.wd
        .wait_for(
            "return document.getElementById('problem').hidden && document.getElementById('entries').dataset.complete === 'true' && document.getElementById('status-text').textContent === 'Connected';",
            Duration::from_secs(60),
        )
        .await
        .expect("the offline note goes by itself, and the header says Connected");
    app.quit().await;
}
