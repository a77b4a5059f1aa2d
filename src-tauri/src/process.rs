//! Process-wide protections set first thing at start: no core dumps, so an abort (release
//! builds use `panic = "abort"`) never writes tokens held in memory to disk, and on Linux
//! the process is not dumpable, so other processes of the same user cannot attach to it or
//! read its memory through `/proc`. And one allocator setting: freed memory goes back.

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

/// Forbid core dumps and, on Linux, make the process non-dumpable. Failures are logged,
/// not fatal: the app still works without these extra walls.
pub fn harden() {
    #[cfg(unix)]
    {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
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
