//! The installed package in a clean Debian 12 root (`.ci/clean-root` makes the root,
//! installs the `.deb` there with apt, starts a desktop session inside it and runs this
//! test): `/usr/bin/dropdesk`, started inside that root and pointed at fakebox running
//! outside it, connects with the app key built into it (fakebox's: `.ci/clean-root` builds
//! the package so, and no key is configured); the account name shows, the account panel
//! says the key is built in, and the grant is in that root's keychain.
//! The window is driven from outside through WebDriver (WebKitWebDriver reaches the app's
//! inspector over loopback, which the root shares); the system browser inside the root
//! only writes down the page it was sent to, which a real Chromium outside then opens.

use std::path::{Path, PathBuf};
use std::time::Duration;

use e2e::app::{App, Options};
use e2e::desktop::Desktop;
use e2e::fixture::{setup, wait_for_name, SERVICE};
use e2e::procs::wait_until;

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

/// What `.ci/clean-root` hands over: the root, its session's variables (`KEY=value` lines
/// in `<root>/tmp/session.env`) and the program that starts the root's `/usr/bin/dropdesk`.
struct Root {
    dir: PathBuf,
    session: Vec<(String, String)>,
    launcher: PathBuf,
}

impl Root {
    fn from_env() -> Root {
        let dir =
            PathBuf::from(std::env::var_os("CLEAN_ROOT").expect("CLEAN_ROOT: run .ci/clean-root"));
        let text =
            std::fs::read_to_string(dir.join("tmp/session.env")).expect("the root's session");
        let session = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let launcher =
            PathBuf::from(std::env::var_os("CLEAN_ROOT_LAUNCHER").expect("CLEAN_ROOT_LAUNCHER"));
        Root {
            dir,
            session,
            launcher,
        }
    }

    /// A path inside the root, as seen from outside it.
    fn outside(&self, inside: &str) -> PathBuf {
        self.dir.join(inside.trim_start_matches('/'))
    }

    /// Run a program inside the root, in its session, and return what it printed.
    fn run(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("chroot")
            .arg(&self.dir)
            .arg("env")
            .args(self.session.iter().map(|(k, v)| format!("{k}={v}")))
            .args(args)
            .output()
            .expect("chroot runs");
        String::from_utf8_lossy(&out.stdout).to_string()
    }
}

#[tokio::test]
#[ignore = "needs the clean root that .ci/clean-root makes"]
async fn the_installed_package_connects_in_a_clean_root() {
    let root = Root::from_env();
    // tauri-driver and WebKitWebDriver run out here, in a desktop of their own.
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let urls = root.outside("/tmp/browser-urls");
    let _ = std::fs::remove_file(&urls);
    let mut env: Vec<(&str, String)> = root
        .session
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    env.extend([
        // No DROPBOX_APP_KEY: the package was built with fakebox's app key, as a
        // packager builds it with theirs.
        ("DROPDESK_DROPBOX_URL", s.fakebox.base_url().to_string()),
        (
            "DROPDESK_REDIRECT_PORTS",
            s.ports
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(","),
        ),
        ("BROWSER", "/usr/local/bin/note-url".to_string()),
    ]);
    let options = Options {
        binary: Some(root.launcher.clone()),
        ..Options::default()
    };
    let app = App::launch_with(&desktop, &env, &[], options)
        .await
        .expect("the installed app opens in the root");
    app.click("connect").await.unwrap();

    // The root's browser wrote down the page; a real browser outside opens the same file.
    let page = wait_until(Duration::from_secs(30), "the browser to be sent", || {
        std::fs::read_to_string(&urls)
            .ok()
            .and_then(|t| t.lines().next().map(str::to_string))
    })
    .unwrap();
    let inside = page
        .strip_prefix("file://")
        .expect("a file:// forwarding page");
    let forwarding = root.outside(inside);
    assert!(forwarding.exists(), "{}", forwarding.display());
    let opened = std::process::Command::new(BROWSER)
        .arg(format!("file://{}", forwarding.display()))
        .env("E2E_BROWSER_MODE", "allow")
        .env("E2E_BROWSER_LOG", &s.browser_log)
        .status()
        .expect("the browser starts");
    assert!(opened.success());

    assert_eq!(wait_for_name(&app, &s).await, "Alex Morgan");
    assert_eq!(
        app.text("key-source").await.unwrap().as_deref(),
        Some("Dropbox app key: built into this package")
    );
    let items = root.run(&[
        "dbus-send",
        "--session",
        "--print-reply",
        "--dest=org.freedesktop.secrets",
        "/org/freedesktop/secrets",
        "org.freedesktop.Secret.Service.SearchItems",
        &format!("dict:string:string:service,{SERVICE}"),
    ]);
    assert!(
        items.contains("/org/freedesktop/secrets/collection/"),
        "the grant is in the root's keychain: {items}"
    );
    app.quit().await;
    assert!(Path::new(&root.dir).join("usr/bin/dropdesk").exists());
}
