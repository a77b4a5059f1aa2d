//! The app's log: one line per event, to stderr and to `dropdesk.log` in the platform's
//! state dir (`$XDG_STATE_HOME/dropdesk/` on Linux). The file is 0600 in a 0700 folder and
//! bounded: past 1 MiB at start it is rotated to `dropdesk.log.1`. Dropdesk's own lines
//! are kept from `info` (or `DROPDESK_LOG`), its dependencies' only from `warn`. Nothing
//! secret is ever logged: secret types print `[redacted]` and errors carry no tokens.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A log file past this size at start is rotated.
const MAX_BYTES: u64 = 1 << 20;

struct AppLog {
    file: Option<Mutex<File>>,
    level: log::LevelFilter,
}

/// Our crate's targets start with `dropdesk`; everything else is a dependency.
fn allowed(metadata: &log::Metadata, level: log::LevelFilter) -> bool {
    let ours = metadata.target().starts_with("dropdesk");
    let limit = if ours {
        level
    } else {
        level.min(log::LevelFilter::Warn)
    };
    metadata.level() <= limit
}

impl log::Log for AppLog {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        allowed(metadata, self.level)
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
    let base = dirs::state_dir().or_else(dirs::data_local_dir)?;
    Some(base.join("dropdesk").join("dropdesk.log"))
}

/// Open the log file private to the user, rotating a large one first.
fn open(path: &Path) -> std::io::Result<File> {
    crate::files::private_dir(path.parent().unwrap_or(Path::new(".")))?;
    if std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_BYTES) {
        std::fs::rename(path, path.with_extension("log.1"))?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        // A file left by an older version keeps its mode on open: set it.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// Install the logger once; `DROPDESK_LOG=debug` for more, `warn` for less.
pub fn init() {
    let level = match std::env::var("DROPDESK_LOG").as_deref() {
        Ok("debug") => log::LevelFilter::Debug,
        Ok("warn") => log::LevelFilter::Warn,
        _ => log::LevelFilter::Info,
    };
    let file = log_path().and_then(|path| open(&path).ok());
    let logger = AppLog {
        file: file.map(Mutex::new),
        level,
    };
    if log::set_boxed_logger(Box::new(logger)).is_ok() {
        log::set_max_level(level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(target: &str, level: log::Level) -> log::Metadata<'_> {
        log::Metadata::builder().target(target).level(level).build()
    }

    #[test]
    fn dependencies_log_only_warnings() {
        let info = log::LevelFilter::Info;
        assert!(allowed(&meta("dropdesk::session", log::Level::Info), info));
        assert!(!allowed(&meta("reqwest::connect", log::Level::Info), info));
        assert!(allowed(&meta("tao::platform", log::Level::Warn), info));
        assert!(!allowed(&meta("dropdesk::app", log::Level::Debug), info));
    }

    #[test]
    fn the_file_is_private_and_rotated_when_large() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs").join("dropdesk.log");
        drop(open(&path).unwrap());
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        std::fs::write(&path, vec![b'x'; MAX_BYTES as usize + 1]).unwrap();
        drop(open(&path).unwrap());
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
        assert!(path.with_extension("log.1").exists());
    }
}
