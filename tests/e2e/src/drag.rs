//! A real drag and drop between two windows under Xvfb: `support/drag_source.py` (a small
//! GTK window offering files as `text/uri-list`, as a file manager does) is dragged from
//! with xdotool's pointer and dropped on a point of the screen. GTK and WebKitGTK speak
//! XDND between them, so the app gets the drop exactly as from a file manager.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::desktop::Desktop;

/// A window's place on the screen: x, y, width, height.
pub fn geometry(desktop: &Desktop, window: &str) -> Result<(i64, i64, i64, i64), String> {
    let shell = desktop.xdotool(&["getwindowgeometry", "--shell", window])?;
    let field = |name: &str| {
        shell
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("no {name} in {shell}"))
    };
    Ok((field("X")?, field("Y")?, field("WIDTH")?, field("HEIGHT")?))
}

/// The visible window titled exactly `title`.
pub fn window_titled(desktop: &Desktop, title: &str) -> Result<String, String> {
    let found = desktop.xdotool(&["search", "--onlyvisible", "--name", &format!("^{title}$")])?;
    found
        .lines()
        .next()
        .map(str::to_string)
        .ok_or_else(|| format!("no window titled {title}"))
}

/// Drag `files` from a file-manager-like window and drop them at screen point `(x, y)`.
pub fn drop_files(desktop: &Desktop, files: &[&Path], (x, y): (i64, i64)) -> Result<(), String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("support/drag_source.py");
    let mut source = desktop
        .command("/usr/bin/python3")
        .arg(script)
        .args(files)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("the drag source: {e} (is python3-gi installed?)"))?;
    let mut said = BufReader::new(source.stdout.take().expect("piped")).lines();
    let dropped = (|| {
        match said.next() {
            Some(Ok(l)) if l == "ready" => {}
            other => {
                let _ = source.kill();
                let mut why = String::new();
                if let Some(mut err) = source.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut err, &mut why);
                }
                return Err(format!("the drag source did not start: {other:?} {why}"));
            }
        }
        let started = Instant::now();
        let window = loop {
            match window_titled(desktop, "Drag source") {
                Ok(w) => break w,
                Err(e) if started.elapsed() > Duration::from_secs(10) => return Err(e),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        };
        // Out of the way of the drop point: the screen's bottom-right corner.
        let screen = desktop.xdotool(&["getdisplaygeometry"])?;
        let mut wh = screen
            .split_whitespace()
            .filter_map(|v| v.parse::<i64>().ok());
        let (w, h) = (wh.next().unwrap_or(1024), wh.next().unwrap_or(768));
        desktop.xdotool(&[
            "windowmove",
            "--sync",
            &window,
            &(w - 170).to_string(),
            &(h - 130).to_string(),
        ])?;
        desktop.xdotool(&["windowraise", &window])?;
        let (sx, sy, sw, sh) = geometry(desktop, &window)?;
        let (from_x, from_y) = (sx + sw / 2, sy + sh / 2);
        let at = |px: i64, py: i64| {
            desktop.xdotool(&["mousemove", "--sync", &px.to_string(), &py.to_string()])
        };
        at(from_x, from_y)?;
        desktop.xdotool(&["mousedown", "1"])?;
        // Past GTK's drag threshold first, then on to the target in steps, as a hand moves.
        for i in 1..=20 {
            at(
                from_x + (x - from_x) * i / 20,
                from_y + (y - from_y) * i / 20,
            )?;
            std::thread::sleep(Duration::from_millis(40));
        }
        at(x + 1, y + 1)?;
        std::thread::sleep(Duration::from_millis(300));
        at(x, y)?;
        std::thread::sleep(Duration::from_millis(300));
        desktop.xdotool(&["mouseup", "1"])?;
        // The target asks for the URIs, then the drag ends; a drag that never ends is
        // stopped after a while (its output ends with it).
        let pid = source.id().to_string();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(15));
            let _ = std::process::Command::new("kill").arg(pid).status();
        });
        let mut sent = false;
        for line in said.by_ref().map_while(Result::ok) {
            match line.as_str() {
                "sent" => sent = true,
                "ended" => break,
                _ => {}
            }
        }
        if sent {
            Ok(())
        } else {
            Err("the drop target never asked for the files".into())
        }
    })();
    let _ = source.kill();
    let _ = source.wait();
    dropped
}
