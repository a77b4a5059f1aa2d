//! Process-wide protections set first thing at start, and taken off again for the programs
//! Dropdesk starts: no core dumps, so an abort (release builds use `panic = "abort"`)
//! never writes tokens held in memory to disk, and on Linux the process is not dumpable, so
//! other processes of the same user cannot attach to it or read its memory through
//! `/proc`. What Dropdesk changes in its own environment for itself (WebKit's settings) is
//! recorded here too, so that a program it opens gets the person's environment and limits,
//! not Dropdesk's. And one allocator setting: freed memory goes back.

use std::ffi::OsString;
use std::sync::{Mutex, OnceLock};

/// Hand the memory freed by a large piece of work (a folder of 100,000 entries written to
/// the store) back to the system: glibc's malloc keeps freed small blocks in its arenas
/// otherwise, and the app's resident memory would stay at its peak.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks and trims the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The core-dump limit the process was started with, given back to the programs it starts.
#[cfg(unix)]
static CORE_LIMIT: OnceLock<libc::rlimit> = OnceLock::new();

/// The variables Dropdesk set in its own environment, for itself only.
static OWN_VARS: Mutex<Vec<OsString>> = Mutex::new(Vec::new());

/// Forbid core dumps (the soft limit, so that the programs Dropdesk opens can have theirs
/// back) and, on Linux, make the process non-dumpable, which also keeps the kernel from
/// writing a core whatever the limit. Failures are logged, not fatal: the app still works
/// without these extra walls. Call it once the log is open.
pub fn harden() {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into a valid struct.
        if unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut limit) } == 0 {
            let _ = CORE_LIMIT.set(limit);
        }
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: setrlimit reads a valid, fully initialised struct and has no other effect
        // on memory.
        if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) } != 0 {
            log::warn!(
                "could not forbid core dumps: {}",
                std::io::Error::last_os_error()
            );
        }
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_DUMPABLE takes plain integer arguments.
        if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
            log::warn!(
                "could not make the process non-dumpable: {}",
                std::io::Error::last_os_error()
            );
        }
    }
}

/// Set a variable in Dropdesk's own environment that the programs it starts must not
/// inherit. Only before any other thread is started.
pub fn set_own_var(name: &str, value: &str) {
    std::env::set_var(name, value);
    OWN_VARS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(name.into());
}

/// Make `command` start as if the person had started it: without the variables Dropdesk
/// set for itself, and with the core-dump limit the process was started with.
pub fn as_the_persons(command: &mut std::process::Command) {
    for name in OWN_VARS.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        command.env_remove(name);
    }
    #[cfg(unix)]
    if let Some(&limit) = CORE_LIMIT.get() {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec the closure only calls setrlimit, which is
        // async-signal-safe, on a struct copied before the fork.
        unsafe {
            command.pre_exec(move || {
                libc::setrlimit(libc::RLIMIT_CORE, &limit);
                Ok(())
            });
        }
    }
}
