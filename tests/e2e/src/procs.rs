//! Child processes that never outlive the test: each runs in its own process group, and
//! the whole group is killed when its guard drops (also when a test panics). Also the
//! ports: a free one, whether one is open, and those a process listens on.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Proc {
    name: String,
    child: Child,
}

impl Proc {
    /// Spawn `cmd` in a new process group.
    pub fn spawn(name: &str, mut cmd: Command) -> std::io::Result<Proc> {
        cmd.process_group(0);
        let child = cmd
            .spawn()
            .map_err(|e| std::io::Error::new(e.kind(), format!("cannot start {name}: {e}")))?;
        Ok(Proc {
            name: name.to_string(),
            child,
        })
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Read the first stdout line (the process must have been spawned with piped stdout).
    pub fn first_line(&mut self, timeout: Duration) -> std::io::Result<String> {
        let stdout = self
            .child
            .stdout
            .take()
            .ok_or_else(|| std::io::Error::other("no stdout"))?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let mut reader = BufReader::new(stdout);
            let _ = tx.send(reader.read_line(&mut line).map(|_| line));
            // Keep draining so the child never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        rx.recv_timeout(timeout)
            .map_err(|_| {
                std::io::Error::other(format!("{} printed nothing in {timeout:?}", self.name))
            })?
            .map(|l| l.trim().to_string())
    }

    /// The child's stderr, to read it (the process must have been spawned with it piped).
    pub fn take_stderr(&mut self) -> Option<std::process::ChildStderr> {
        self.child.stderr.take()
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Poll `check` until it returns `Some`, or fail after `timeout` with `what`.
pub fn wait_until<T>(
    timeout: Duration,
    what: &str,
    mut check: impl FnMut() -> Option<T>,
) -> Result<T, String> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check() {
            return Ok(v);
        }
        if Instant::now() >= deadline {
            return Err(format!("timed out after {timeout:?} waiting for {what}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A free loopback port (bound and released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

pub fn port_open(port: u16) -> bool {
    std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_millis(200),
    )
    .is_ok()
}

/// Wait (at most 10 s) until `port` on 127.0.0.1 can be bound again: whoever held it let
/// it go.
pub fn wait_port_free(port: u16) -> Result<(), String> {
    wait_until(Duration::from_secs(10), "the port to be free", || {
        std::net::TcpListener::bind(("127.0.0.1", port))
            .ok()
            .map(drop)
    })
}

impl Proc {
    /// Write to the child's stdin and close it.
    pub fn write_stdin_and_close(&mut self, bytes: &[u8]) -> Result<(), String> {
        use std::io::Write;
        let mut stdin = self.child.stdin.take().ok_or("no stdin")?;
        stdin.write_all(bytes).map_err(|e| e.to_string())
    }
}

/// The TCP ports process `pid` listens on (its own sockets, IPv4 and IPv6), read from
/// `/proc`: the sockets among its descriptors that the kernel lists as listening.
pub fn listening_ports(pid: u32) -> Vec<u16> {
    let inodes: std::collections::HashSet<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .filter_map(|l| {
                    let l = l.to_string_lossy().to_string();
                    Some(l.strip_prefix("socket:[")?.strip_suffix(']')?.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    let mut ports = Vec::new();
    for table in ["tcp", "tcp6"] {
        let text = std::fs::read_to_string(format!("/proc/{pid}/net/{table}")).unwrap_or_default();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            // local_address, st (0A: LISTEN), inode.
            if f.len() > 9 && f[3] == "0A" && inodes.contains(f[9]) {
                if let Some(port) = f[1].rsplit(':').next() {
                    ports.extend(u16::from_str_radix(port, 16).ok());
                }
            }
        }
    }
    ports
}
