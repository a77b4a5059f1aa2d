//! The window opens in a real desktop session: title, Connect button, a screenshot; the
//! demo says it is one; a build with no app key says where to put one, and listens on
//! nothing; the window comes back with the size, place and maximized state it was left
//! in (moved, resized and maximized by xdotool and a real window manager, openbox).

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

/// The main window's X id, once it is on screen.
fn main_window(desktop: &Desktop) -> String {
    let ids = desktop
        .xdotool(&["search", "--sync", "--onlyvisible", "--name", "^Dropdesk$"])
        .expect("the window is on screen");
    ids.lines().last().unwrap_or_default().to_string()
}

/// Where X says the window's inside is on the screen, and its size:
/// `((x, y), (width, height))` (xwininfo's absolute figures, right under a window manager's
/// frame too).
fn geometry(desktop: &Desktop, id: &str) -> ((i32, i32), (u32, u32)) {
    let out = desktop
        .command("xwininfo")
        .args(["-id", id])
        .output()
        .expect("xwininfo runs");
    let out = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| -> i64 {
        let line = out.lines().find(|l| l.trim().starts_with(name)).unwrap();
        line.trim()[name.len()..].trim().parse().unwrap()
    };
    let at = |name| field(name) as i32;
    let size = |name| field(name) as u32;
    (
        (at("Absolute upper-left X:"), at("Absolute upper-left Y:")),
        (size("Width:"), size("Height:")),
    )
}

/// What the app kept of its window (the file, as text), once `done` says it is there.
async fn kept_place(desktop: &Desktop, done: impl Fn(&str) -> bool) -> String {
    let path =
        std::path::Path::new(desktop.var("XDG_STATE_HOME").unwrap()).join("dropdesk/window.json");
    let until = std::time::Instant::now() + STEP;
    loop {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if done(&text) {
            return text;
        }
        assert!(
            std::time::Instant::now() < until,
            "window place kept: {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Quit, and wait until the process is gone (a second one would hand over to it).
async fn quit_and_wait(app: App, desktop: &Desktop) {
    app.quit().await;
    let binary = e2e::app::app_binary();
    let until = std::time::Instant::now() + STEP;
    while desktop.pid_of(&binary).is_some() {
        assert!(std::time::Instant::now() < until, "the app ended");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Moved and resized, then ended without closing (as a logout or a kill ends it), the
/// window opens again where it was left, at the size it had.
#[tokio::test]
async fn a_moved_and_resized_window_comes_back_where_it_was() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let app = App::launch(&desktop, &a_key(), &[]).await.unwrap();
    app.wait_visible("connect", STEP).await.unwrap();
    let id = main_window(&desktop);
    let first = geometry(&desktop, &id);
    assert_ne!(first, ((150, 90), (900, 600)), "not already there");
    desktop.xdotool(&["windowsize", &id, "900", "600"]).unwrap();
    desktop.xdotool(&["windowmove", &id, "150", "90"]).unwrap();
    kept_place(&desktop, |t| {
        t.contains("\"width\":900") && t.contains("\"x\":150")
    })
    .await;
    quit_and_wait(app, &desktop).await;

    let app = App::launch(&desktop, &a_key(), &[]).await.unwrap();
    app.wait_visible("connect", STEP).await.unwrap();
    let id = main_window(&desktop);
    assert_eq!(geometry(&desktop, &id), ((150, 90), (900, 600)));
    app.quit().await;
}

/// Maximized under a window manager (a double click on its title bar), the window starts
/// maximized next time.
#[tokio::test]
async fn a_maximized_window_starts_maximized() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mut wm = desktop.command("openbox");
    wm.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let _wm = e2e::procs::Proc::spawn("openbox", wm)
        .expect("openbox starts (is the openbox package installed?)");
    let maximized = |id: &str| {
        let out = desktop
            .command("xprop")
            .args(["-id", id, "_NET_WM_STATE"])
            .output()
            .expect("xprop runs");
        let state = String::from_utf8_lossy(&out.stdout).to_string();
        state.contains("_NET_WM_STATE_MAXIMIZED_VERT")
            && state.contains("_NET_WM_STATE_MAXIMIZED_HORZ")
    };
    let app = App::launch(&desktop, &a_key(), &[]).await.unwrap();
    app.wait_visible("connect", STEP).await.unwrap();
    let id = main_window(&desktop);
    // Wait for the manager to frame the window, then double-click its title bar.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!maximized(&id), "not maximized at first");
    // The title bar is the frame's top, just above the window's inside.
    let ((x, y), (w, _)) = geometry(&desktop, &id);
    let (tx, ty) = ((x + w as i32 / 2).to_string(), (y - 8).to_string());
    desktop.xdotool(&["mousemove", "--sync", &tx, &ty]).unwrap();
    desktop
        .xdotool(&["click", "--repeat", "2", "--delay", "80", "1"])
        .unwrap();
    kept_place(&desktop, |t| t.contains("\"maximized\":true")).await;
    assert!(maximized(&id));
    quit_and_wait(app, &desktop).await;

    let app = App::launch(&desktop, &a_key(), &[]).await.unwrap();
    app.wait_visible("connect", STEP).await.unwrap();
    let id = main_window(&desktop);
    let until = std::time::Instant::now() + STEP;
    while !maximized(&id) {
        assert!(std::time::Instant::now() < until, "started maximized");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.quit().await;
}
