//! Headless Chromium through chromedriver, in a profile of its own: the browser the
//! `e2e-browser` stand-in drives, and the engine WebView2 (Dropdesk's web view on
//! Windows) is made of, for what WebKitGTK cannot show (forced colors).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::procs::{free_port, port_open, wait_until, Proc};
use crate::webdriver::WebDriver;

/// A running Chromium session; `close` ends it and removes its profile.
pub struct Chromium {
    pub wd: WebDriver,
    _driver: Proc,
    profile: PathBuf,
}

impl Chromium {
    /// Start chromedriver and a headless Chromium with a fresh profile named after `name`.
    pub async fn start(name: &str) -> Result<Chromium, String> {
        let port = free_port();
        let mut cmd = Command::new("chromedriver");
        cmd.arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let driver = Proc::spawn("chromedriver", cmd).map_err(|e| e.to_string())?;
        wait_until(Duration::from_secs(20), "chromedriver", || {
            port_open(port).then_some(())
        })?;
        let profile = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let wd = WebDriver::connect(
            &format!("http://127.0.0.1:{port}"),
            caps,
            Duration::from_secs(90),
            Duration::from_secs(30),
        )
        .await
        .map_err(|e| e.to_string())?;
        Ok(Chromium {
            wd,
            _driver: driver,
            profile,
        })
    }

    /// End the session, then chromedriver, and remove the profile.
    pub async fn close(self) {
        let _ = self.wd.quit().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
