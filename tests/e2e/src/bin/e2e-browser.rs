//! A stand-in for the user's browser in end-to-end tests, used as `BROWSER=e2e-browser`.
//! Like a real browser launcher it returns at once; in the background it drives a real
//! headless Chromium (through chromedriver) to the URL and acts as the user would.
//!
//! `E2E_BROWSER_MODE`: `allow` (press Allow), `allow-N` (choose fakebox's user N, then
//! Allow), `deny` (press Cancel), `code` (press Allow on a page without a redirect and read
//! the code it shows), `ignore` (open nothing: the user never approves), or `file:<path>`
//! (the mode written in that file). `E2E_BROWSER_LOG`: a file that gets one line per step (`opened
//! <url>`, `clicked allow`, `landed <page text>`, `code <code>`).

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use e2e::chromium::Chromium;
use e2e::webdriver::WebDriver;
use serde_json::json;

fn log(line: &str) {
    if let Ok(path) = std::env::var("E2E_BROWSER_LOG") {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{line}");
        }
    }
}

fn main() {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: e2e-browser URL");
        std::process::exit(2);
    };
    if std::env::var("E2E_BROWSER_DETACHED").is_err() {
        // Return at once, as xdg-open does; the work goes on in a child.
        let spawned = Command::new(std::env::current_exe().expect("own path"))
            .arg(&url)
            .env("E2E_BROWSER_DETACHED", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        std::process::exit(if spawned.is_ok() { 0 } else { 1 });
    }
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    log(&format!("opened {url}"));
    log(&format!("started-at-ms {now_ms}"));
    let mut mode = std::env::var("E2E_BROWSER_MODE").unwrap_or_else(|_| "allow".into());
    // `file:<path>`: the mode is read from that file at each launch, so a test can change
    // it between two sign-ins of one app.
    if let Some(path) = mode.strip_prefix("file:") {
        mode = std::fs::read_to_string(path)
            .map(|m| m.trim().to_string())
            .unwrap_or_else(|_| "allow".into());
    }
    if mode == "ignore" {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if let Err(e) = runtime.block_on(act(&url, &mode)) {
        log(&format!("failed {e}"));
    }
}

async fn act(url: &str, mode: &str) -> Result<(), String> {
    let chromium = Chromium::start("e2e-browser").await?;
    let result = drive(&chromium.wd, url, mode).await;
    chromium.close().await;
    result
}

async fn drive(wd: &WebDriver, url: &str, mode: &str) -> Result<(), String> {
    wd.navigate(url).await.map_err(|e| e.to_string())?;
    let button = if mode == "deny" { "deny" } else { "allow" };
    // `allow-N`: approve as fakebox's user number N (chosen on the consent page).
    let account = mode
        .strip_prefix("allow-")
        .and_then(|n| n.parse::<usize>().ok());
    // The consent page, unless Dropbox redirected at once (an app approved before).
    wd.wait_for(
        &format!(
            "return !!document.getElementById('{button}') || location.pathname === '/callback';"
        ),
        Duration::from_secs(20),
    )
    .await
    .map_err(|e| e.to_string())?;
    let here = wd.current_url().await.map_err(|e| e.to_string())?;
    if let Some(n) = account {
        wd.execute(
            &format!("document.getElementById('account-{n}').checked = true;"),
            json!([]),
        )
        .await
        .map_err(|e| e.to_string())?;
    }
    if !here.contains("/callback") {
        wd.execute(
            &format!("document.getElementById('{button}').click();"),
            json!([]),
        )
        .await
        .map_err(|e| e.to_string())?;
        log(&format!("clicked {button}"));
    }
    if mode == "code" {
        // Opened without a redirect: Dropbox shows the code to paste into the app.
        let code = wd
            .wait_for(
                "const c = document.getElementById('code'); return c ? c.textContent : null;",
                Duration::from_secs(20),
            )
            .await
            .map_err(|e| e.to_string())?;
        log(&format!("code {}", code.as_str().unwrap_or_default()));
        return Ok(());
    }
    let text = wd
        .wait_for(
            "return location.pathname === '/callback' && document.readyState === 'complete' ? document.body.innerText : null;",
            Duration::from_secs(20),
        )
        .await
        .map_err(|e| e.to_string())?;
    log(&format!(
        "landed {}",
        text.as_str().unwrap_or_default().replace('\n', " ")
    ));
    Ok(())
}
