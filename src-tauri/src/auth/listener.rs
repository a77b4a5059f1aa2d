//! The short-lived loopback listener (tiny_http) that catches Dropbox's redirect. Binds
//! 127.0.0.1 only, on the first free port of the registered list; accepts exactly one
//! valid callback (`GET /callback` with the expected `state`); answers anything else with
//! a harmless 4xx and keeps waiting; closes on success, cancel or timeout. Never panics.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tiny_http::{Header, Method, Response, Server};

use crate::auth::page;
use crate::secret::{self, AuthCode};

/// What the browser brought back.
#[derive(Debug)]
pub enum Callback {
    Code(AuthCode),
    /// The user pressed Cancel/Deny on Dropbox's page.
    Denied,
    /// Dropbox reported another error (for example a misconfigured app).
    Failed {
        error: String,
        description: String,
    },
}

/// How the wait ended.
#[derive(Debug)]
pub enum Outcome {
    Callback(Callback),
    Cancelled,
    TimedOut,
}

impl Outcome {
    /// For the log: what happened, never the code.
    pub fn describe(&self) -> &'static str {
        match self {
            Outcome::Callback(Callback::Code(_)) => "callback with a code",
            Outcome::Callback(Callback::Denied) => "declined in the browser",
            Outcome::Callback(Callback::Failed { .. }) => "error from Dropbox",
            Outcome::Cancelled => "cancelled",
            Outcome::TimedOut => "timed out",
        }
    }
}

/// Every registered port was taken.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("ports {ports:?} on 127.0.0.1 are all in use")]
pub struct PortsBusy {
    pub ports: Vec<u16>,
}

pub struct Listener {
    server: Server,
    port: u16,
}

impl Listener {
    /// Bind 127.0.0.1 on the first port of `ports` that is free.
    pub fn bind(ports: &[u16]) -> Result<Listener, PortsBusy> {
        for &port in ports {
            if let Ok(server) = Server::http(("127.0.0.1", port)) {
                return Ok(Listener { server, port });
            }
        }
        Err(PortsBusy {
            ports: ports.to_vec(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn redirect_uri(&self) -> String {
        crate::config::Config::redirect_uri(self.port)
    }

    /// Serve until one valid callback arrives, `cancel` is set, or `timeout` passes.
    /// Blocking: run it on a blocking thread. The port is free again when this returns.
    pub fn wait(self, expected_state: &str, timeout: Duration, cancel: Arc<AtomicBool>) -> Outcome {
        let port = self.port;
        let outcome = self.serve(expected_state, timeout, &cancel);
        release(port);
        outcome
    }

    fn serve(self, expected_state: &str, timeout: Duration, cancel: &AtomicBool) -> Outcome {
        let deadline = Instant::now() + timeout;
        loop {
            if cancel.load(Ordering::SeqCst) {
                return Outcome::Cancelled;
            }
            let now = Instant::now();
            if now >= deadline {
                return Outcome::TimedOut;
            }
            let slice = (deadline - now).min(Duration::from_millis(100));
            let request = match self.server.recv_timeout(slice) {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(_) => continue,
            };
            let (status, html, callback) = judge(request.method(), request.url(), expected_state);
            let response = Response::from_string(html)
                .with_status_code(status)
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
                .with_header(header("Cache-Control", "no-store"))
                .with_header(header("Referrer-Policy", "no-referrer"))
                .with_header(header(
                    "Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
                ));
            // A browser that went away is no reason to stop.
            let _ = request.respond(response);
            if let Some(cb) = callback {
                return Outcome::Callback(cb);
            }
        }
    }
}

/// tiny_http closes its socket on a background thread after the server is dropped; wait
/// (briefly, bounded) until the port can be bound again, so a new sign-in can reuse it.
fn release(port: u16) {
    for _ in 0..100 {
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header")
}

/// Decide what to answer to one request, and whether it ends the wait.
pub fn judge(
    method: &Method,
    raw_url: &str,
    expected_state: &str,
) -> (u16, String, Option<Callback>) {
    if raw_url.len() > 8192 {
        return (414, page::not_for_us(), None);
    }
    let (path, query) = raw_url.split_once('?').unwrap_or((raw_url, ""));
    if path != "/callback" {
        return (404, page::not_for_us(), None);
    }
    if *method != Method::Get {
        return (405, page::not_for_us(), None);
    }
    let mut state = None;
    let mut code = None;
    let mut error = None;
    let mut description = String::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match k.as_ref() {
            "state" => &mut state,
            "code" => &mut code,
            "error" => &mut error,
            "error_description" => {
                description = v.into_owned();
                continue;
            }
            _ => continue,
        };
        if slot.is_some() {
            // A repeated parameter is not something Dropbox sends.
            return (400, page::stale_link(), None);
        }
        *slot = Some(v.into_owned());
    }
    match state {
        Some(s) if secret::same(&s, expected_state) => {}
        _ => return (400, page::stale_link(), None),
    }
    match (code, error) {
        (Some(code), None) if !code.is_empty() => (
            200,
            page::approved(),
            Some(Callback::Code(AuthCode::new(code))),
        ),
        (None, Some(e)) if e == "access_denied" => (200, page::declined(), Some(Callback::Denied)),
        (None, Some(e)) => (
            200,
            page::failed(&e, &description),
            Some(Callback::Failed {
                error: e,
                description,
            }),
        ),
        _ => (400, page::stale_link(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    const STATE: &str = "s7aTe-xyz";

    #[test]
    fn judges_each_kind_of_request() {
        let ok = judge(&Method::Get, "/callback?code=abc&state=s7aTe-xyz", STATE);
        assert_eq!(ok.0, 200);
        assert!(matches!(ok.2, Some(Callback::Code(ref c)) if c.expose() == "abc"));
        let denied = judge(
            &Method::Get,
            "/callback?error=access_denied&error_description=no&state=s7aTe-xyz",
            STATE,
        );
        assert!(matches!(denied.2, Some(Callback::Denied)));
        let failed = judge(
            &Method::Get,
            "/callback?error=invalid_scope&error_description=%3Cb%3E&state=s7aTe-xyz",
            STATE,
        );
        assert!(
            matches!(failed.2, Some(Callback::Failed { ref error, .. }) if error == "invalid_scope")
        );
        assert!(!failed.1.contains("<b>"), "descriptions are escaped");
        for (method, url, status) in [
            (Method::Get, "/callback?code=abc&state=wrong", 400),
            (Method::Get, "/callback?code=abc", 400),
            (
                Method::Get,
                "/callback?code=abc&state=s7aTe-xyz&state=s7aTe-xyz",
                400,
            ),
            (Method::Get, "/callback?code=&state=s7aTe-xyz", 400),
            (Method::Get, "/callback?state=s7aTe-xyz", 400),
            (Method::Get, "/favicon.ico", 404),
            (Method::Get, "/", 404),
            (Method::Get, "/callback/?code=abc&state=s7aTe-xyz", 404),
            (Method::Post, "/callback?code=abc&state=s7aTe-xyz", 405),
            (Method::Get, "/callback?%ff%fe=%00&state=%zz", 400),
        ] {
            let (s, _, cb) = judge(&method, url, STATE);
            assert_eq!(s, status, "{method} {url}");
            assert!(cb.is_none(), "{url} must not end the flow");
        }
        let long = format!("/callback?x={}", "a".repeat(9000));
        assert_eq!(judge(&Method::Get, &long, STATE).0, 414);
    }

    fn free_ports(n: usize) -> Vec<u16> {
        let listeners: Vec<_> = (0..n)
            .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
            .collect();
        listeners
            .iter()
            .map(|l| l.local_addr().unwrap().port())
            .collect()
    }

    fn send(port: u16, raw: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut out = String::new();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = s.read_to_string(&mut out);
        out
    }

    #[test]
    fn falls_back_to_the_next_port_and_reports_all_busy() {
        let ports = free_ports(2);
        let blocker = std::net::TcpListener::bind(("127.0.0.1", ports[0])).unwrap();
        let l = Listener::bind(&ports).unwrap();
        assert_eq!(l.port(), ports[1]);
        assert_eq!(
            l.redirect_uri(),
            format!("http://127.0.0.1:{}/callback", ports[1])
        );
        let err = Listener::bind(&ports).err().unwrap();
        assert_eq!(err.ports, ports);
        drop(blocker);
    }

    #[test]
    fn serves_garbage_then_accepts_the_valid_callback_and_frees_the_port() {
        let ports = free_ports(1);
        let l = Listener::bind(&ports).unwrap();
        let port = l.port();
        let waiter =
            std::thread::spawn(move || l.wait(STATE, Duration::from_secs(20), Arc::default()));
        assert!(send(
            port,
            "GET /favicon.ico HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .starts_with("HTTP/1.1 404"));
        // Garbage gets whatever answer tiny_http gives; what matters is that the wait goes on.
        let _ = send(port, "\x00\x01garbage\r\n\r\n");
        assert!(send(port, "POST /callback?code=a&state=s7aTe-xyz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").starts_with("HTTP/1.1 405"));
        assert!(send(
            port,
            "GET /callback?code=a&state=nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .starts_with("HTTP/1.1 400"));
        let ok = send(port, "GET /callback?code=the-code&state=s7aTe-xyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
        assert!(ok.contains("return to Dropdesk"));
        assert!(!ok.contains("the-code"), "the code is not echoed");
        let outcome = waiter.join().unwrap();
        assert!(
            matches!(outcome, Outcome::Callback(Callback::Code(ref c)) if c.expose() == "the-code"),
            "{outcome:?}"
        );
        // The port can be bound again at once.
        std::net::TcpListener::bind(("127.0.0.1", port)).expect("port is free after success");
    }

    #[test]
    fn cancel_and_timeout_free_the_port() {
        let ports = free_ports(1);
        let l = Listener::bind(&ports).unwrap();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = cancel.clone();
        let waiter = std::thread::spawn(move || l.wait(STATE, Duration::from_secs(30), flag));
        cancel.store(true, Ordering::SeqCst);
        assert!(matches!(waiter.join().unwrap(), Outcome::Cancelled));
        std::net::TcpListener::bind(("127.0.0.1", ports[0])).expect("free after cancel");

        let l = Listener::bind(&ports).unwrap();
        assert!(matches!(
            l.wait(STATE, Duration::from_millis(150), Arc::default()),
            Outcome::TimedOut
        ));
        std::net::TcpListener::bind(("127.0.0.1", ports[0])).expect("free after timeout");
    }

    #[test]
    fn binds_loopback_only() {
        let ports = free_ports(1);
        let l = Listener::bind(&ports).unwrap();
        let addr = l.server.server_addr().to_ip().unwrap();
        assert!(addr.ip().is_loopback());
    }
}
