//! The benchmarks' TLS front for fakebox: a CA and a leaf for 127.0.0.1 made with the
//! openssl CLI, and `tests/bench/tls_front.py` terminating TLS in front of fakebox, so
//! clients speak https as they would to Dropbox. Stopped, and its folder removed, when
//! dropped.

// Each benchmark uses its own part of this.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct TlsFront {
    /// Holds `ca.pem` (trust it) and the leaf.
    pub dir: PathBuf,
    pub port: u16,
    /// The Python that runs it (`$BENCH_PYTHON`, else `python3`).
    pub python: String,
    child: Child,
}

impl TlsFront {
    /// Start a front for fakebox at `base_url` (`http://127.0.0.1:<port>`).
    pub fn start(base_url: &str) -> TlsFront {
        let dir = std::env::temp_dir().join(format!(
            "dropdesk-bench-{}-{}",
            std::process::id(),
            rand_suffix()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        certificates(&dir);
        let script = dir.join("tls_front.py");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bench/tls_front.py"),
            &script,
        )
        .unwrap();
        let python = std::env::var("BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
        let mut child = Command::new(&python)
            .arg(&script)
            .args([
                "--cert",
                "leaf.pem",
                "--key",
                "leaf.key",
                "--to",
                base_url.trim_start_matches("http://"),
            ])
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("TLS front");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line
            .trim()
            .strip_prefix("PORT ")
            .expect("PORT line")
            .parse()
            .unwrap();
        TlsFront {
            dir,
            port,
            python,
            child,
        }
    }

    /// `https://127.0.0.1:<port>`.
    pub fn base(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
}

/// A CA and a CA:FALSE leaf for 127.0.0.1, made with the openssl CLI.
fn certificates(dir: &Path) {
    let run = |args: &[&str]| {
        let ok = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stderr(Stdio::null())
            .status()
            .expect("openssl");
        assert!(ok.success(), "openssl {args:?}");
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Dropdesk bench CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(dir.join("leaf.ext"), "basicConstraints=critical,CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n").unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
    ]);
}
