//! The window opens in a real desktop session: title, Connect button, a screenshot.

use std::time::Duration;

use e2e::app::{App, STEP};
use e2e::desktop::Desktop;

#[tokio::test]
async fn window_opens_with_title_and_connect_button() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let app = App::launch(&desktop, &[], &[]).await.expect("app launches");
    assert_eq!(app.wd.title().await.unwrap(), "Dropdesk");
    app.wait_visible("connect", STEP)
        .await
        .expect("Connect button visible");
    assert_eq!(
        app.text("connect").await.unwrap().as_deref(),
        Some("Connect Dropbox")
    );
    // No app key is configured in this session: the demo runs, and says so.
    assert!(app.visible("demo-badge").await.unwrap());
    let shot = app.screenshot("window-welcome").await.expect("screenshot");
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "a real picture"
    );
    app.quit().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
}
