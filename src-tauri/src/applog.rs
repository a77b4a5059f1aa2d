//! The app's log: one line per event, to stderr and to `dropdesk.log` in the XDG state
//! dir (`~/.local/state/dropdesk/`). Nothing secret is ever logged: tokens travel as
//! `Secret`, which prints `[redacted]`.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

struct AppLog {
    file: Option<Mutex<File>>,
    level: log::LevelFilter,
}

impl log::Log for AppLog {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= self.level
    }

    fn log(&self, record: &log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let line = format!(
            "{now} {:5} {}: {}\n",
            record.level(),
            record.target(),
            record.args()
        );
        eprint!("{line}");
        if let Some(file) = &self.file {
            if let Ok(mut f) = file.lock() {
                let _ = f.write_all(line.as_bytes());
            }
        }
    }

    fn flush(&self) {}
}

/// Where the log file goes.
pub fn log_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("dropdesk").join("dropdesk.log"))
}

/// Install the logger once; `DROPDESK_LOG=debug` for more.
pub fn init() {
    let level = match std::env::var("DROPDESK_LOG").as_deref() {
        Ok("debug") => log::LevelFilter::Debug,
        Ok("warn") => log::LevelFilter::Warn,
        _ => log::LevelFilter::Info,
    };
    let file = log_path().and_then(|path| {
        std::fs::create_dir_all(path.parent()?).ok()?;
        OpenOptions::new().create(true).append(true).open(path).ok()
    });
    let logger = AppLog {
        file: file.map(Mutex::new),
        level,
    };
    if log::set_boxed_logger(Box::new(logger)).is_ok() {
        // Only our own crate logs at info; dependencies only at warn.
        log::set_max_level(level);
    }
}
