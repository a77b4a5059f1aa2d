//! The main window's size, position and maximized state, kept between starts (part of
//! the Tauri layer) in `window.json` beside the log (`$XDG_STATE_HOME/dropdesk/`, folder
//! 0700, file 0600). Saved half a second after a move or resize settles and when the window
//! closes, so a window ended any other way (a logout, a kill) still comes back where it
//! was; put back at the next start only where a screen still shows its top edge, so an
//! unplugged monitor never leaves it out of sight.
//!
//! tauri-plugin-window-state does much the same, but keeps its file in a folder of its own
//! beside none of Dropdesk's, writes it in place (a kill mid-write loses it) and saves only
//! on close and quit.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Where the window was: its outer top-left corner and inner size in physical pixels, as
/// last seen unmaximized, and whether it was maximized.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub maximized: bool,
}

/// A monitor's area in physical pixels.
#[derive(Clone, Copy, Debug)]
pub struct Screen {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

/// How a kept place is put back on the screens there are now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fit {
    /// `None` when no screen shows the window's top edge: the window stays where the
    /// desktop puts it.
    pub position: Option<(i32, i32)>,
    pub size: (u32, u32),
    pub maximized: bool,
}

/// How much of the top edge (where the title bar is) a screen must show: enough to grab.
const GRAB: (i64, i64) = (64, 16);

impl Place {
    /// Put back on `screens`: the position only if one of them shows enough of the top
    /// edge to grab it; the size no larger than the screen it is on (or the largest).
    pub fn fit(self, screens: &[Screen]) -> Fit {
        let shows_top = |s: &Screen| {
            let left = i64::from(self.x).max(i64::from(s.x));
            let right = (i64::from(self.x) + i64::from(self.width))
                .min(i64::from(s.x) + i64::from(s.width));
            let top = i64::from(self.y).max(i64::from(s.y));
            let bottom = (i64::from(self.y) + GRAB.1).min(i64::from(s.y) + i64::from(s.height));
            right - left >= GRAB.0 && bottom - top >= GRAB.1
        };
        let on = screens.iter().find(|s| shows_top(s));
        let room = on.or_else(|| {
            screens
                .iter()
                .max_by_key(|s| u64::from(s.width) * u64::from(s.height))
        });
        let size = match room {
            Some(s) => (self.width.min(s.width), self.height.min(s.height)),
            None => (self.width, self.height),
        };
        Fit {
            position: on.map(|_| (self.x, self.y)),
            size,
            maximized: self.maximized,
        }
    }
}

/// The platform's place for the file.
pub fn default_path() -> Option<PathBuf> {
    let base = dirs::state_dir().or_else(dirs::data_local_dir)?;
    Some(base.join("dropdesk").join("window.json"))
}

/// What the file says, if it says anything readable.
pub fn read(path: &Path) -> Option<Place> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn write(path: &Path, place: &Place) {
    let bytes = serde_json::to_vec(place).expect("a place serializes");
    if let Err(e) = crate::files::write_private(path, &bytes) {
        log::warn!("could not keep the window's place: {e}");
    }
}

/// How long a move or resize must be still before the place is written.
const SETTLE: Duration = Duration::from_millis(500);

/// Put the window back where it was left, and keep its place from now on.
pub fn keep<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    let Some(path) = default_path() else { return };
    let kept = read(&path);
    if let Some(place) = kept {
        put_back(window, place);
    }
    // The last unmaximized place: what a maximized window goes back to when restored.
    let normal = Arc::new(Mutex::new(kept));
    let moves = Arc::new(AtomicU64::new(0));
    let window_of = window.clone();
    window.on_window_event(move |event| match event {
        tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_) => {
            let this_move = moves.fetch_add(1, Ordering::SeqCst) + 1;
            let (moves, window, normal, path) = (
                moves.clone(),
                window_of.clone(),
                normal.clone(),
                path.clone(),
            );
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(SETTLE).await;
                if moves.load(Ordering::SeqCst) == this_move {
                    save(&window, &normal, &path);
                }
            });
        }
        tauri::WindowEvent::CloseRequested { .. } => save(&window_of, &normal, &path),
        _ => {}
    });
}

fn put_back<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>, place: Place) {
    let screens: Vec<Screen> = window
        .available_monitors()
        .unwrap_or_default()
        .iter()
        .map(|m| Screen {
            x: m.position().x,
            y: m.position().y,
            width: m.size().width,
            height: m.size().height,
        })
        .collect();
    let fit = place.fit(&screens);
    let (width, height) = fit.size;
    let _ = window.set_size(tauri::PhysicalSize::new(width, height));
    if let Some((x, y)) = fit.position {
        let _ = window.set_position(tauri::PhysicalPosition::new(x, y));
    }
    if fit.maximized {
        let _ = window.maximize();
    }
}

/// Write where the window is now (a minimized window keeps the place it had).
fn save<R: tauri::Runtime>(
    window: &tauri::WebviewWindow<R>,
    normal: &Mutex<Option<Place>>,
    path: &Path,
) {
    if window.is_minimized().unwrap_or(false) {
        return;
    }
    let maximized = window.is_maximized().unwrap_or(false);
    let mut normal = normal.lock().unwrap_or_else(|e| e.into_inner());
    if !maximized {
        if let (Ok(at), Ok(size)) = (window.outer_position(), window.inner_size()) {
            *normal = Some(Place {
                x: at.x,
                y: at.y,
                width: size.width,
                height: size.height,
                maximized: false,
            });
        }
    }
    if let Some(place) = *normal {
        write(path, &Place { maximized, ..place });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAPTOP: Screen = Screen {
        x: 0,
        y: 0,
        width: 1920,
        height: 1080,
    };
    const BESIDE: Screen = Screen {
        x: 1920,
        y: 0,
        width: 2560,
        height: 1440,
    };

    fn place(x: i32, y: i32, width: u32, height: u32) -> Place {
        Place {
            x,
            y,
            width,
            height,
            maximized: false,
        }
    }

    #[test]
    fn a_place_on_a_screen_comes_back_as_it_was() {
        let p = Place {
            maximized: true,
            ..place(2100, 200, 1200, 800)
        };
        let fit = p.fit(&[LAPTOP, BESIDE]);
        assert_eq!(
            fit,
            Fit {
                position: Some((2100, 200)),
                size: (1200, 800),
                maximized: true
            }
        );
    }

    #[test]
    fn a_place_on_an_unplugged_screen_lets_the_desktop_place_it_no_larger_than_the_screen_left() {
        let fit = place(2100, 200, 2400, 1300).fit(&[LAPTOP]);
        assert_eq!(fit.position, None);
        assert_eq!(fit.size, (1920, 1080));
    }

    #[test]
    fn a_title_bar_above_every_screen_is_not_put_back_there() {
        // Only the bottom of the window would show: nothing to grab it by.
        assert_eq!(place(100, -500, 1000, 700).fit(&[LAPTOP]).position, None);
        // A sliver of the top edge at the right is not enough either.
        assert_eq!(place(1900, 10, 1000, 700).fit(&[LAPTOP]).position, None);
        assert_eq!(
            place(1800, 10, 1000, 700).fit(&[LAPTOP]).position,
            Some((1800, 10))
        );
    }

    #[test]
    fn with_no_screen_known_the_size_is_kept_and_the_position_left_to_the_desktop() {
        let fit = place(10, 10, 900, 600).fit(&[]);
        assert_eq!(fit.position, None);
        assert_eq!(fit.size, (900, 600));
    }

    #[test]
    fn the_place_is_kept_privately_and_a_damaged_file_reads_as_nothing() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/dropdesk/window.json");
        assert_eq!(read(&path), None);
        let p = place(10, 20, 900, 600);
        write(&path, &p);
        assert_eq!(read(&path), Some(p));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        std::fs::write(&path, "{\"x\":1").unwrap();
        assert_eq!(read(&path), None);
    }
}
