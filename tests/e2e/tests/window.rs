//! The window opens in a real desktop session: title, Connect button, a screenshot; the
//! demo says it is one; a build with no app key says where to put one, and listens on
//! nothing.

use std::time::Duration;

use e2e::app::{App, STEP};
use e2e::desktop::Desktop;

/// An app key, as a person would configure one (nothing reaches Dropbox before Connect).
fn a_key() -> Vec<(&'static str, String)> {
    vec![("DROPBOX_APP_KEY", "dropdesktestkey".into())]
}

#[tokio::test]
async fn window_opens_with_title_and_connect_button() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let app = App::launch(&desktop, &a_key(), &[])
        .await
        .expect("app launches");
    assert_eq!(app.wd.title().await.unwrap(), "Dropdesk");
    app.wait_visible("connect", STEP)
        .await
        .expect("Connect button visible");
    assert_eq!(
        app.text("connect").await.unwrap().as_deref(),
        Some("Connect Dropbox")
    );
    assert!(!app.visible("demo-badge").await.unwrap(), "not the demo");
    let shot = app.screenshot("window-welcome").await.expect("screenshot");
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "a real picture"
    );
    app.quit().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// The development build with no app key runs the demo against its emulator, and says so.
#[tokio::test]
async fn the_demo_says_it_is_the_demo() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let app = App::launch_demo(&desktop, &[])
        .await
        .expect("the demo launches");
    app.wait_visible("connect", STEP).await.unwrap();
    assert!(app.visible("demo-badge").await.unwrap());
    app.quit().await;
}

/// The package's build with no app key anywhere opens on where to put one, starts no
/// emulator and listens on nothing.
#[tokio::test]
async fn a_build_without_a_key_says_where_to_put_one_and_listens_on_nothing() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let app = App::launch(&desktop, &[], &[])
        .await
        .expect("the app opens");
    let shown = app.problem().await;
    assert_eq!(shown.code, "no_app_key", "{shown:?}");
    let message = app
        .text("problem-message")
        .await
        .unwrap()
        .unwrap_or_default();
    let file =
        std::path::Path::new(desktop.var("XDG_CONFIG_HOME").unwrap()).join("dropdesk/config.toml");
    for part in [file.display().to_string().as_str(), "DROPBOX_APP_KEY"] {
        assert!(message.contains(part), "names {part}: {message}");
    }
    assert!(!app.visible("demo-badge").await.unwrap());
    let pid = desktop
        .pid_of(&e2e::app::app_binary())
        .expect("the app's process");
    // WebDriver's own: WebKitWebDriver has the web view serve its inspector there.
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
    let inspector: Option<u16> = environ
        .split(|&b| b == 0)
        .filter_map(|v| std::str::from_utf8(v).ok())
        .find_map(|v| v.strip_prefix("WEBKIT_INSPECTOR_SERVER="))
        .and_then(|a| a.rsplit(':').next()?.parse().ok());
    let ports: Vec<u16> = e2e::procs::listening_ports(pid)
        .into_iter()
        .filter(|p| Some(*p) != inspector)
        .collect();
    assert_eq!(ports, Vec::<u16>::new(), "the inspector's is {inspector:?}");
    app.screenshot("no-app-key").await.unwrap();
    app.quit().await;
}

#[tokio::test]
async fn a_bad_config_file_is_explained_in_the_window() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let file =
        std::path::Path::new(desktop.var("XDG_CONFIG_HOME").unwrap()).join("dropdesk/config.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "redirect_ports = [80]\n").unwrap();
    let app = App::launch(&desktop, &[], &[])
        .await
        .expect("the app still opens");
    let shown = app.problem().await;
    assert_eq!(
        (shown.code.as_str(), shown.title.as_str()),
        ("settings", "Settings need attention")
    );
    let message = app
        .text("problem-message")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        message.contains(&file.display().to_string()),
        "names the file: {message}"
    );
    assert!(
        message.contains("redirect_ports"),
        "names the key: {message}"
    );
    app.screenshot("bad-config").await.unwrap();
    app.quit().await;
}

#[tokio::test]
async fn a_second_launch_hands_over_to_the_running_window() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let app = App::launch(&desktop, &a_key(), &[])
        .await
        .expect("app launches");
    app.wait_visible("connect", STEP).await.unwrap();
    let mut second = desktop
        .command(e2e::app::app_binary())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("a second launch starts");
    let status =
        e2e::procs::wait_until(Duration::from_secs(30), "the second launch to exit", || {
            second.try_wait().ok().flatten()
        });
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            let _ = second.kill();
            panic!("{e}");
        }
    };
    assert!(status.success(), "{status}");
    e2e::procs::wait_until(
        Duration::from_secs(10),
        "the first window to hear of it",
        || {
            std::fs::read_to_string(desktop.app_log())
                .ok()
                .filter(|log| log.contains("another launch asked for this window"))
        },
    )
    .unwrap();
    assert!(
        app.visible("connect").await.unwrap(),
        "the first window goes on"
    );
    app.quit().await;
}

/// The packaged desktop entry's `StartupWMClass` is the class the window really has, so
/// that docks group the running window with its launcher.
#[tokio::test]
async fn the_desktop_entry_names_the_windows_class() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let app = App::launch(&desktop, &[], &[]).await.expect("app launches");
    let entry = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../src-tauri/packaging/dropdesk.desktop"
    ))
    .unwrap();
    let wanted = entry
        .lines()
        .find_map(|l| l.strip_prefix("StartupWMClass="))
        .expect("StartupWMClass in the entry");
    let run = |program: &str, args: &[&str]| {
        let out = desktop.command(program).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let windows = run("xdotool", &["search", "--name", "^Dropdesk$"]);
    let classes: Vec<String> = windows
        .split_whitespace()
        .map(|id| run("xprop", &["-id", id, "WM_CLASS"]))
        .collect();
    assert!(
        classes
            .iter()
            .any(|c| c.trim_end().ends_with(&format!(", \"{wanted}\""))),
        "StartupWMClass={wanted}, the window's WM_CLASS: {classes:?}"
    );
    app.quit().await;
}
