//! The built Dropdesk, launched in a [`Desktop`] through tauri-driver (WebKitWebDriver),
//! with helpers to read and click the page and take screenshots.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};

use crate::desktop::Desktop;
use crate::procs::{free_port, port_open, wait_until, Proc};
use crate::webdriver::{WdError, WebDriver};

pub const STEP: Duration = Duration::from_secs(30);
/// How long a new WebDriver session (the app started, its page loaded) may take.
const SESSION_START: Duration = Duration::from_secs(90);

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// The app to drive: `$DROPDESK_APP`, else the release build in the workspace's target
/// dir, built as the package is (`--no-default-features`: no demo), the build users run
/// (`panic = "abort"`, so a panic in a test is an abort as it would be for them).
pub fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("DROPDESK_APP") {
        return PathBuf::from(p);
    }
    target_dir().join("release").join("dropdesk")
}

/// The demo, for the few tests of the demo itself: `$DROPDESK_DEMO_APP`, else the
/// development build (`cargo run -p dropdesk`'s, with the `demo` feature), which building
/// the workspace's tests makes.
pub fn demo_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("DROPDESK_DEMO_APP") {
        return PathBuf::from(p);
    }
    target_dir().join("debug").join("dropdesk")
}

/// How to launch the app beyond its environment and arguments.
#[derive(Default)]
pub struct Options {
    /// A lower limit on open files for the app (and the drivers that start it).
    pub max_files: Option<u32>,
    /// A core-dump limit (soft and hard, in bytes) for the app and the drivers.
    pub max_core: Option<u64>,
    /// Another program to start than [`app_binary`] (the demo, or a wrapper).
    pub binary: Option<PathBuf>,
}

/// Where screenshots go: `target/screenshots/`, so a test run never changes a tracked file;
/// `DROPDESK_SCREENSHOTS` names another folder (`bash tests/screenshots.sh` sets it to
/// `tests/e2e/screenshots/`, the README's pictures).
pub fn screenshots_dir() -> PathBuf {
    let dir = match std::env::var_os("DROPDESK_SCREENSHOTS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots"),
    };
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// What the problem banner shows.
#[derive(Debug, PartialEq, Eq)]
pub struct Shown {
    pub code: String,
    pub title: String,
    pub action: String,
}

pub struct App {
    pub wd: WebDriver,
    /// The app's own log in the desktop session, quoted when a wait fails.
    log: PathBuf,
    /// The X display the window is on, for screenshots.
    display: String,
    _driver: Proc,
}

impl App {
    /// Start tauri-driver with the desktop's variables plus `env` (the app inherits them),
    /// and open the app in a WebDriver session.
    pub async fn launch(
        desktop: &Desktop,
        env: &[(&str, String)],
        args: &[&str],
    ) -> Result<App, String> {
        App::launch_with(desktop, env, args, Options::default()).await
    }

    /// The demo ([`demo_binary`]) with no app key configured.
    pub async fn launch_demo(desktop: &Desktop, env: &[(&str, String)]) -> Result<App, String> {
        let options = Options {
            binary: Some(demo_binary()),
            ..Options::default()
        };
        App::launch_with(desktop, env, &[], options).await
    }

    pub async fn launch_with(
        desktop: &Desktop,
        env: &[(&str, String)],
        args: &[&str],
        options: Options,
    ) -> Result<App, String> {
        let binary = options.binary.clone().unwrap_or_else(app_binary);
        if !binary.exists() {
            return Err(format!(
                "{} is missing: build it with `cargo build --release -p dropdesk \
                 --no-default-features --features tauri/custom-protocol` (the demo: \
                 `cargo build -p dropdesk`)",
                binary.display()
            ));
        }
        let port = free_port();
        let native = std::iter::repeat_with(free_port)
            .find(|&p| p != port)
            .expect("a second free port");
        let mut limits = Vec::new();
        if let Some(n) = options.max_files {
            limits.push(format!("--nofile={n}:{n}"));
        }
        if let Some(n) = options.max_core {
            limits.push(format!("--core={n}:{n}"));
        }
        let mut cmd = if limits.is_empty() {
            desktop.command("tauri-driver")
        } else {
            let mut c = desktop.command("prlimit");
            c.args(&limits).arg("tauri-driver");
            c
        };
        if let Some(home) = std::env::var_os("HOME") {
            // tauri-driver lives in the real ~/.cargo/bin.
            let cargo_bin = Path::new(&home).join(".cargo/bin");
            let path = format!(
                "{}:{}",
                cargo_bin.display(),
                std::env::var("PATH").unwrap_or_default()
            );
            cmd.env("PATH", path);
        }
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .envs(env.iter().map(|(k, v)| (k.to_string(), v.clone())))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        let driver = Proc::spawn("tauri-driver", cmd).map_err(|e| e.to_string())?;
        // tauri-driver listens at once but forwards the new-session request to
        // WebKitWebDriver, which starts a moment later; a request sent before that is
        // dropped without an answer. Wait for both.
        wait_until(Duration::from_secs(20), "tauri-driver to listen", || {
            (port_open(port) && port_open(native)).then_some(())
        })?;
        let caps = json!({
            "tauri:options": {
                "application": binary.display().to_string(),
                "args": args,
            }
        });
        // The new session's answer waits for WebKitWebDriver to start the app and its web
        // view: seconds alone, more than half a minute beside a heavy test on two cores
        // (a CI run on 2026-12-05 timed out at 30 s), so it has its own longer bound.
        let wd = WebDriver::connect(
            &format!("http://127.0.0.1:{port}"),
            caps,
            SESSION_START,
            STEP,
        )
        .await
        .map_err(|e| {
            format!(
                "{e}\napp log:\n{}",
                std::fs::read_to_string(desktop.app_log()).unwrap_or_default()
            )
        })?;
        let app = App {
            wd,
            log: desktop.app_log(),
            display: desktop.var("DISPLAY").unwrap_or_default().to_string(),
            _driver: driver,
        };
        app.wd
            .wait_for(
                "return document.body && document.body.dataset.ready === 'true'",
                STEP,
            )
            .await
            .map_err(|e| e.to_string())?;
        Ok(app)
    }

    /// Double-click the row named `name` once the window is connected and the folder's
    /// listing complete (a row clicked while the list is still being drawn can be
    /// replaced under the click).
    pub async fn double_click_row(&self, name: &str) -> Result<(), WdError> {
        let script = format!(
            "const list = document.getElementById('entries'); \
             if (document.getElementById('status').dataset.state !== 'connected' \
                 || list.dataset.complete !== 'true' || list.hidden) return null; \
             const r = [...list.querySelectorAll('.entry')].find(r => r.querySelector('.label').textContent === {name:?}); \
             if (!r) return null; \
             r.dispatchEvent(new MouseEvent('dblclick', {{bubbles: true}})); return true;"
        );
        self.wd.wait_for(&script, STEP).await.map(drop)
    }

    /// The text of the element with this id (`null` when it does not exist).
    pub async fn text(&self, id: &str) -> Result<Option<String>, WdError> {
        let v = self
            .wd
            .execute(
                "const e = document.getElementById(arguments[0]); return e ? e.textContent : null;",
                json!([id]),
            )
            .await?;
        Ok(v.as_str().map(str::to_string))
    }

    /// Wait for the problem banner, and read it: its stable code (`revoked`, `settings`,
    /// …), title and button label.
    pub async fn problem(&self) -> Shown {
        self.wait_visible("problem", STEP)
            .await
            .expect("the problem banner shows");
        let v = self
            .wd
            .execute(
                "const t = (id) => document.getElementById(id).textContent; \
                 return [document.getElementById('problem').dataset.code, t('problem-title'), t('problem-action')];",
                json!([]),
            )
            .await
            .expect("the banner reads");
        let [code, title, action]: [String; 3] = serde_json::from_value(v).expect("three strings");
        Shown {
            code,
            title,
            action,
        }
    }

    /// Whether the element exists and is shown (no `hidden` on it or its ancestors).
    pub async fn visible(&self, id: &str) -> Result<bool, WdError> {
        let v = self
            .wd
            .execute(
                "const e = document.getElementById(arguments[0]); return !!e && e.getClientRects().length > 0;",
                json!([id]),
            )
            .await?;
        Ok(v == Value::Bool(true))
    }

    pub async fn click(&self, id: &str) -> Result<(), WdError> {
        self.wd
            .execute(
                "const e = document.getElementById(arguments[0]); if (!e) throw new Error('no #' + arguments[0]); e.click();",
                json!([id]),
            )
            .await?;
        Ok(())
    }

    /// Wait until the element is visible; a timeout says what [`App::wait_for`] says.
    pub async fn wait_visible(&self, id: &str, timeout: Duration) -> Result<(), WdError> {
        self.wait_for(
            &format!("const e = document.getElementById('{id}'); return !!e && e.getClientRects().length > 0;"),
            timeout,
        )
        .await
        .map(drop)
    }

    /// Wait until `script` returns something other than null or false. A timeout names
    /// the folder in view and the transfers listed, and quotes the app's log, so a failure
    /// in CI says what the app was doing.
    pub async fn wait_for(&self, script: &str, timeout: Duration) -> Result<Value, WdError> {
        match self.wd.wait_for(script, timeout).await {
            Err(WdError::Driver(m)) => Err(WdError::Driver(format!(
                "{m}\n{}",
                self.what_it_was_doing().await
            ))),
            other => other,
        }
    }

    /// The folder in view, the transfers listed, the problem shown and the app's log: what
    /// a failure in CI quotes to say what the app was doing.
    pub async fn what_it_was_doing(&self) -> String {
        let shown = |script: &'static str| async move {
            self.wd.execute(script, json!([])).await.unwrap_or_default()
        };
        let folder = shown("return document.getElementById('crumbs')?.textContent;").await;
        let transfers = shown(
            "return [...document.querySelectorAll('#transfer-list .transfer')]\
             .map(t => `${t.dataset.state}: ${t.textContent}`);",
        )
        .await;
        let problem = shown(
            "const p = document.getElementById('problem'); return p && !p.hidden ? p.textContent : null;",
        )
        .await;
        format!(
            "folder in view: {folder}\ntransfers: {transfers}\nproblem: {problem}\napp log:\n{}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        )
    }

    /// The whole DOM as HTML.
    pub async fn dom(&self) -> Result<String, WdError> {
        let v = self
            .wd
            .execute("return document.documentElement.outerHTML;", json!([]))
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Save a screenshot as `<name>.png` in [`screenshots_dir`] and return its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf, String> {
        // WebKit paints after the DOM settles: wait for two frames and a moment more, so
        // the picture is current.
        let _ = self
            .wd
            .execute(
                "return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))));",
                json!([]),
            )
            .await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let display = self.display.clone();
        let png = tokio::task::spawn_blocking(move || crate::xwd::window_png(&display, "Dropdesk"))
            .await
            .map_err(|e| e.to_string())??;
        let path = screenshots_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).map_err(|e| e.to_string())?;
        Ok(path)
    }

    pub async fn quit(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.wd.quit()).await;
    }
}
