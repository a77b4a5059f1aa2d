//! The short-lived loopback listener that catches Dropbox's redirect: tiny_http behind
//! the [`gate`](super::gate), which alone faces `127.0.0.1:<registered port>`. Binds the
//! first free port of the registered list; closes on success, cancel or timeout; never
//! panics.
//!
//! The sign-in is bound to the user's own browser: the app opens a one-time start URL
//! (`/start?t=…`) that sets a cookie and redirects to Dropbox, and only a callback that
//! brings the cookie back is accepted. Another local user who reads the start URL from a
//! command line or the clipboard and opens it first makes the user's own browser meet
//! "already used", which ends the sign-in loudly instead of connecting their account.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::distributions::{Alphanumeric, DistString};
use tiny_http::{Header, Method, Response, Server};

use super::gate::{Gate, Inner};
use crate::auth::page;
use crate::secret::{self, AuthCode};

/// The cookie that ties the callback to the browser that opened the start URL.
const COOKIE: &str = "dropdesk_signin";

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
    /// The one-time start URL was opened a second time: someone else may have it.
    StartReused,
    /// The listener stopped serving (its socket failed); the port is freed.
    ListenerFailed,
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
            Outcome::StartReused => "the start link was opened twice",
            Outcome::ListenerFailed => "the listener stopped",
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

/// What one sign-in expects of the browser.
pub struct Expect {
    /// The OAuth `state` Dropbox must bring back.
    pub state: String,
    /// Where the start URL sends the browser: Dropbox's authorize page.
    pub authorize_url: String,
}

/// A folder only this user can enter, removed when dropped.
#[cfg(unix)]
struct PrivateDir(std::path::PathBuf);

#[cfg(unix)]
impl PrivateDir {
    fn new() -> std::io::Result<PrivateDir> {
        use std::os::unix::fs::DirBuilderExt;
        let base = std::env::var_os("XDG_RUNTIME_DIR")
            .map(std::path::PathBuf::from)
            .filter(|p| p.is_dir())
            .unwrap_or_else(std::env::temp_dir);
        let dir = base.join(format!("dropdesk-{}", random(16)));
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        Ok(PrivateDir(dir))
    }
}

#[cfg(unix)]
impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn random(n: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), n)
}

pub struct Listener {
    server: Server,
    gate: Gate,
    port: u16,
    addr: std::net::SocketAddr,
    start_token: String,
    cookie: String,
    #[cfg(unix)]
    dir: PrivateDir,
}

impl Listener {
    /// Bind 127.0.0.1 on the first port of `ports` that is free.
    pub fn bind(ports: &[u16]) -> Result<Listener, PortsBusy> {
        let busy = || PortsBusy {
            ports: ports.to_vec(),
        };
        for &port in ports {
            let Ok(public) = std::net::TcpListener::bind(("127.0.0.1", port)) else {
                continue;
            };
            return Listener::behind_gate(public, port).map_err(|e| {
                log::warn!("could not start the sign-in listener on port {port}: {e}");
                busy()
            });
        }
        Err(busy())
    }

    fn behind_gate(
        public: std::net::TcpListener,
        port: u16,
    ) -> Result<Listener, Box<dyn std::error::Error + Send + Sync>> {
        #[cfg(unix)]
        let (server, inner, dir) = {
            let dir = PrivateDir::new()?;
            let path = dir.0.join("listener.sock");
            (Server::http_unix(&path)?, Inner::Unix(path), dir)
        };
        #[cfg(not(unix))]
        let (server, inner) = {
            let server = Server::http("127.0.0.1:0")?;
            let addr = server.server_addr().to_ip().ok_or("no address")?;
            (server, Inner::Tcp(addr))
        };
        let addr = public.local_addr()?;
        Ok(Listener {
            server,
            gate: Gate::start(public, inner)?,
            port,
            addr,
            start_token: random(32),
            cookie: random(43),
            #[cfg(unix)]
            dir,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The address the gate listens on.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// Where tiny_http listens behind the gate, when that is a Unix socket.
    #[cfg(unix)]
    pub fn socket(&self) -> std::path::PathBuf {
        self.dir.0.join("listener.sock")
    }

    pub fn redirect_uri(&self) -> String {
        crate::config::Config::redirect_uri(self.port)
    }

    /// The one-time URL the browser opens to begin.
    pub fn start_url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/start?t={}",
            self.port, self.start_token
        )
    }

    /// Serve until one valid callback arrives, `cancel` is set, or `timeout` passes.
    /// Blocking: run it on a blocking thread. The port is free again when this returns.
    pub fn wait(self, expect: &Expect, timeout: Duration, cancel: Arc<AtomicBool>) -> Outcome {
        let port = self.port;
        let outcome = self.serve(expect, timeout, &cancel);
        release(port);
        outcome
    }

    fn serve(self, expect: &Expect, timeout: Duration, cancel: &AtomicBool) -> Outcome {
        let deadline = Instant::now() + timeout;
        let mut flow = Flow {
            expect,
            start_token: &self.start_token,
            cookie: &self.cookie,
            started: false,
        };
        loop {
            if cancel.load(Ordering::SeqCst) {
                return Outcome::Cancelled;
            }
            if self.gate.is_dead() {
                return Outcome::ListenerFailed;
            }
            let now = Instant::now();
            if now >= deadline {
                return Outcome::TimedOut;
            }
            let slice = (deadline - now).min(Duration::from_millis(100));
            let request = match self.server.recv_timeout(slice) {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(e) => {
                    log::warn!("the sign-in listener failed: {e}");
                    return Outcome::ListenerFailed;
                }
            };
            let cookie = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Cookie"))
                .map(|h| h.value.as_str().to_string());
            let answer = flow.judge(request.method(), request.url(), cookie.as_deref());
            let mut response = Response::from_string(answer.html)
                .with_status_code(answer.status)
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
                .with_header(header("Cache-Control", "no-store"))
                .with_header(header("Referrer-Policy", "no-referrer"))
                .with_header(header(
                    "Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
                ));
            for (name, value) in answer.headers {
                response = response.with_header(header(name, &value));
            }
            // A browser that went away is no reason to stop.
            let _ = request.respond(response);
            if let Some(end) = answer.end {
                return end;
            }
        }
    }
}

/// tiny_http and the gate close their sockets on their own threads; wait (briefly,
/// bounded) until the port can be bound again, so a new sign-in can reuse it.
fn release(port: u16) {
    for _ in 0..100 {
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// One answer of the listener, and whether it ends the wait.
pub struct Answer {
    pub status: u16,
    pub html: String,
    pub headers: Vec<(&'static str, String)>,
    pub end: Option<Outcome>,
}

fn answer(status: u16, html: String) -> Answer {
    Answer {
        status,
        html,
        headers: Vec::new(),
        end: None,
    }
}

/// One sign-in's state as the listener sees it.
pub struct Flow<'a> {
    pub expect: &'a Expect,
    pub start_token: &'a str,
    pub cookie: &'a str,
    /// The start URL was opened.
    pub started: bool,
}

impl Flow<'_> {
    /// Decide what to answer to one request.
    pub fn judge(&mut self, method: &Method, raw_url: &str, cookie: Option<&str>) -> Answer {
        let (path, query) = raw_url.split_once('?').unwrap_or((raw_url, ""));
        if *method != Method::Get && (path == "/start" || path == "/callback") {
            return answer(405, page::not_for_us());
        }
        match path {
            "/start" => self.start(query),
            "/callback" => {
                if !self.started || !has_cookie(cookie, self.cookie) {
                    return answer(400, page::other_browser());
                }
                let (status, html, callback) = judge(method, raw_url, &self.expect.state);
                Answer {
                    end: callback.map(Outcome::Callback),
                    ..answer(status, html)
                }
            }
            _ => answer(404, page::not_for_us()),
        }
    }

    fn start(&mut self, query: &str) -> Answer {
        let token = url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "t")
            .map(|(_, v)| v.into_owned());
        if !token.is_some_and(|t| secret::same(&t, self.start_token)) {
            return answer(404, page::not_for_us());
        }
        if self.started {
            return Answer {
                end: Some(Outcome::StartReused),
                ..answer(410, page::start_reused())
            };
        }
        self.started = true;
        Answer {
            status: 302,
            html: page::redirecting(),
            headers: vec![
                ("Location", self.expect.authorize_url.clone()),
                (
                    "Set-Cookie",
                    format!(
                        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600",
                        self.cookie
                    ),
                ),
            ],
            end: None,
        }
    }
}

/// The request's `Cookie` header holds our cookie with this value.
fn has_cookie(header: Option<&str>, expected: &str) -> bool {
    header.is_some_and(|h| {
        h.split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(k, v)| k == COOKIE && secret::same(v, expected))
    })
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
    fn judges_each_kind_of_callback() {
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

    fn expect() -> Expect {
        Expect {
            state: STATE.into(),
            authorize_url: "https://www.dropbox.com/oauth2/authorize?x=1".into(),
        }
    }

    #[test]
    fn the_start_url_sets_the_cookie_once_and_a_second_use_ends_the_flow() {
        let e = expect();
        let mut flow = Flow {
            expect: &e,
            start_token: "tok",
            cookie: "c00kie",
            started: false,
        };
        let get = Method::Get;
        assert_eq!(flow.judge(&get, "/start?t=wrong", None).status, 404);
        let callback = "/callback?code=abc&state=s7aTe-xyz";
        assert_eq!(
            flow.judge(&get, callback, Some("dropdesk_signin=c00kie"))
                .status,
            400,
            "not started"
        );
        let started = flow.judge(&get, "/start?t=tok", None);
        assert_eq!(started.status, 302);
        assert!(started
            .headers
            .contains(&("Location", e.authorize_url.clone())));
        let cookie = &started
            .headers
            .iter()
            .find(|(k, _)| *k == "Set-Cookie")
            .unwrap()
            .1;
        assert!(cookie.starts_with("dropdesk_signin=c00kie;") && cookie.contains("HttpOnly"));
        assert!(started.end.is_none());
        for jar in [None, Some("dropdesk_signin=other"), Some("x=c00kie")] {
            let a = flow.judge(&get, callback, jar);
            assert_eq!(a.status, 400, "{jar:?}");
            assert!(
                a.end.is_none(),
                "a callback from another browser does not end the flow"
            );
        }
        let ok = flow.judge(&get, callback, Some("a=b; dropdesk_signin=c00kie"));
        assert!(matches!(ok.end, Some(Outcome::Callback(Callback::Code(_)))));
        let again = flow.judge(&get, "/start?t=tok", None);
        assert_eq!(again.status, 410);
        assert!(matches!(again.end, Some(Outcome::StartReused)));
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

    /// The cookie the start URL set, as a `Cookie` header.
    fn start(port: u16, url: &str) -> String {
        let target = url.split_once(&format!(":{port}")).unwrap().1;
        let answer = send(port, &format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n"));
        assert!(answer.starts_with("HTTP/1.1 302"), "{answer}");
        let line = answer
            .lines()
            .find(|l| l.starts_with("Set-Cookie:"))
            .unwrap();
        format!(
            "Cookie: {}",
            line["Set-Cookie: ".len()..].split(';').next().unwrap()
        )
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
        let url = l.start_url();
        let waiter =
            std::thread::spawn(move || l.wait(&expect(), Duration::from_secs(20), Arc::default()));
        assert!(
            send(port, "GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n").starts_with("HTTP/1.1 404")
        );
        assert!(send(port, "\x00\x01garbage\r\n\r\n").starts_with("HTTP/1.1 400"));
        assert!(send(port, "POST /callback?code=a&state=s7aTe-xyz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").starts_with("HTTP/1.1 405"));
        let cookie = start(port, &url);
        assert!(send(
            port,
            &format!("GET /callback?code=a&state=nope HTTP/1.1\r\n{cookie}\r\n\r\n")
        )
        .starts_with("HTTP/1.1 400"));
        let ok = send(port, &format!("GET /callback?code=the-code&state=s7aTe-xyz HTTP/1.1\r\nHost: x\r\n{cookie}\r\n\r\n"));
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
        let waiter = std::thread::spawn(move || l.wait(&expect(), Duration::from_secs(30), flag));
        cancel.store(true, Ordering::SeqCst);
        assert!(matches!(waiter.join().unwrap(), Outcome::Cancelled));
        std::net::TcpListener::bind(("127.0.0.1", ports[0])).expect("free after cancel");

        let l = Listener::bind(&ports).unwrap();
        assert!(matches!(
            l.wait(&expect(), Duration::from_millis(150), Arc::default()),
            Outcome::TimedOut
        ));
        std::net::TcpListener::bind(("127.0.0.1", ports[0])).expect("free after timeout");
    }

    /// tiny_http's socket vanishes (a cleaner emptied the runtime folder, say): the next
    /// request finds nobody behind the gate, and the sign-in ends at once, port freed.
    #[test]
    fn a_listener_that_dies_ends_the_flow_and_frees_the_port() {
        let ports = free_ports(1);
        let l = Listener::bind(&ports).unwrap();
        std::fs::remove_file(l.socket()).unwrap();
        let waiter =
            std::thread::spawn(move || l.wait(&expect(), Duration::from_secs(30), Arc::default()));
        let answer = send(ports[0], "GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
        assert!(matches!(waiter.join().unwrap(), Outcome::ListenerFailed));
        std::net::TcpListener::bind(("127.0.0.1", ports[0])).expect("free after the failure");
    }

    #[test]
    fn binds_loopback_only() {
        let ports = free_ports(1);
        let l = Listener::bind(&ports).unwrap();
        assert!(l.addr().ip().is_loopback(), "{}", l.addr());
        assert!(
            std::net::TcpListener::bind(("127.0.0.1", ports[0])).is_err(),
            "held"
        );
    }
}
