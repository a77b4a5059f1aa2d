//! The short-lived loopback listener that catches Dropbox's redirect: tiny_http behind
//! the [`gate`](super::gate), which alone faces `127.0.0.1:<registered port>` (where there
//! is no private Unix socket for tiny_http, on Windows, the gate hands requests over
//! in-process instead, and no other port is ever opened). Binds the
//! first free port of the registered list; closes on success, cancel or timeout; never
//! panics.
//!
//! The sign-in is bound to the user's own browser: the browser opens a one-time start
//! link (`/start?t=…`, see [`start_links`](super::start_links)) that sets a cookie and
//! redirects to Dropbox, and only a callback that brings such a cookie back is accepted.
//! About 400 lines: the listener and its judgement of every request are one protocol,
//! kept in one place (its tests are in `listener_tests.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tiny_http::{Header, Method, Response, Server};

use super::gate::{Asked, Gate, Inner};
use super::start_links::{StartLinks, Use, COOKIE};
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

/// Where the requests the gate passes on arrive.
enum Requests {
    /// tiny_http, on the gate's private socket.
    #[cfg(unix)]
    Server(Server),
    /// Straight from the gate, in-process.
    InProcess(std::sync::mpsc::Receiver<Asked>),
}

/// One request the gate passed on, and how to answer it.
enum Incoming {
    #[cfg(unix)]
    Tiny(tiny_http::Request),
    Asked(Asked),
}

impl Requests {
    fn next(&self, wait: Duration) -> std::io::Result<Option<Incoming>> {
        match self {
            #[cfg(unix)]
            Requests::Server(server) => Ok(server.recv_timeout(wait)?.map(Incoming::Tiny)),
            Requests::InProcess(asked) => match asked.recv_timeout(wait) {
                Ok(a) => Ok(Some(Incoming::Asked(a))),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Ok(None),
                Err(e) => Err(std::io::Error::other(e)),
            },
        }
    }
}

pub struct Listener {
    requests: Requests,
    gate: Gate,
    port: u16,
    addr: std::net::SocketAddr,
    links: Arc<StartLinks>,
}

impl Listener {
    /// Bind 127.0.0.1 on the first port of `ports` that is free, for a sign-in that
    /// lasts at most `lifetime`.
    pub fn bind(ports: &[u16], lifetime: Duration) -> Result<Listener, PortsBusy> {
        Listener::bind_with(ports, lifetime, cfg!(unix))
    }

    /// As [`Listener::bind`], with the gate answering in-process (as on Windows) even
    /// where tiny_http could have a private socket: for tests of that mode.
    pub fn bind_in_process(ports: &[u16], lifetime: Duration) -> Result<Listener, PortsBusy> {
        Listener::bind_with(ports, lifetime, false)
    }

    fn bind_with(
        ports: &[u16],
        lifetime: Duration,
        tiny_http: bool,
    ) -> Result<Listener, PortsBusy> {
        let busy = || PortsBusy {
            ports: ports.to_vec(),
        };
        for &port in ports {
            let Ok(public) = std::net::TcpListener::bind(("127.0.0.1", port)) else {
                continue;
            };
            return Listener::behind_gate(public, port, lifetime, tiny_http).map_err(|e| {
                log::warn!("could not start the sign-in listener on port {port}: {e}");
                busy()
            });
        }
        Err(busy())
    }

    fn behind_gate(
        public: std::net::TcpListener,
        port: u16,
        lifetime: Duration,
        tiny_http: bool,
    ) -> Result<Listener, Box<dyn std::error::Error + Send + Sync>> {
        #[cfg(unix)]
        let dir = Some(super::start_links::PrivateDir::new()?);
        #[cfg(not(unix))]
        let dir = None;
        let (requests, inner) = match &dir {
            #[cfg(unix)]
            Some(dir) if tiny_http => {
                let path = dir.path().join("listener.sock");
                (
                    Requests::Server(Server::http_unix(&path)?),
                    Inner::Unix(path),
                )
            }
            _ => {
                let (tx, rx) = std::sync::mpsc::channel();
                (Requests::InProcess(rx), Inner::InProcess(tx))
            }
        };
        let links = StartLinks::new(port, lifetime, dir);
        let addr = public.local_addr()?;
        Ok(Listener {
            requests,
            gate: Gate::start(public, inner)?,
            port,
            addr,
            links: Arc::new(links),
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
        self.links
            .dir()
            .map(|d| d.join("listener.sock"))
            .unwrap_or_default()
    }

    pub fn redirect_uri(&self) -> String {
        crate::config::Config::redirect_uri(self.port)
    }

    /// The sign-in's start links, which outlive the wait (a link minted after it ended
    /// is refused like any stranger's).
    pub fn links(&self) -> Arc<StartLinks> {
        self.links.clone()
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
        let flow = Flow {
            expect,
            links: &self.links,
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
            let request = match self.requests.next(slice) {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(e) => {
                    log::warn!("the sign-in listener failed: {e}");
                    return Outcome::ListenerFailed;
                }
            };
            let end = match request {
                #[cfg(unix)]
                Incoming::Tiny(request) => {
                    let cookie = request
                        .headers()
                        .iter()
                        .find(|h| h.field.equiv("Cookie"))
                        .map(|h| h.value.as_str().to_string());
                    let answer = flow.judge(request.method(), request.url(), cookie.as_deref());
                    let mut response =
                        Response::from_string(answer.html).with_status_code(answer.status);
                    for (name, value) in answer_headers(answer.headers) {
                        response = response.with_header(header(name, &value));
                    }
                    // A browser that went away is no reason to stop.
                    let _ = request.respond(response);
                    answer.end
                }
                Incoming::Asked(asked) => {
                    let method = asked
                        .method
                        .parse()
                        .unwrap_or_else(|_| Method::NonStandard("X".parse().expect("ASCII")));
                    let answer = flow.judge(&method, &asked.target, asked.cookie.as_deref());
                    let _ = asked.answer.send(http_bytes(
                        answer.status,
                        answer_headers(answer.headers),
                        &answer.html,
                    ));
                    answer.end
                }
            };
            if let Some(end) = end {
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

/// Every answer's headers: its own, and those that keep the page from being cached, sent
/// on, framed or made to run anything.
fn answer_headers(own: Vec<(&'static str, String)>) -> Vec<(&'static str, String)> {
    let mut all = vec![
        ("Content-Type", "text/html; charset=utf-8".to_string()),
        ("Cache-Control", "no-store".to_string()),
        ("Referrer-Policy", "no-referrer".to_string()),
        (
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'".to_string(),
        ),
    ];
    all.extend(own);
    all
}

/// A whole HTTP/1.1 response, for an answer the gate writes itself.
fn http_bytes(status: u16, headers: Vec<(&'static str, String)>, body: &str) -> Vec<u8> {
    let reason = tiny_http::StatusCode(status).default_reason_phrase();
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    out.into_bytes()
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

/// One sign-in as the listener sees it.
pub struct Flow<'a> {
    pub expect: &'a Expect,
    pub links: &'a StartLinks,
}

impl Flow<'_> {
    /// Decide what to answer to one request.
    pub fn judge(&self, method: &Method, raw_url: &str, cookie: Option<&str>) -> Answer {
        let (path, query) = raw_url.split_once('?').unwrap_or((raw_url, ""));
        if *method != Method::Get && (path == "/start" || path == "/callback") {
            return answer(405, page::not_for_us());
        }
        match path {
            "/start" => self.start(query),
            "/callback" => {
                if !self.links.has_cookie(cookie) {
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

    fn start(&self, query: &str) -> Answer {
        let token = url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "t")
            .map(|(_, v)| v.into_owned());
        match self.links.open(token.as_deref()) {
            Use::Unknown => answer(404, page::not_for_us()),
            // A reload or the Back button: the sign-in goes on ("Open the page again").
            Use::Used => answer(410, page::start_used()),
            Use::Cookie(cookie, secs) => Answer {
                status: 302,
                html: page::redirecting(),
                headers: vec![
                    ("Location", self.expect.authorize_url.clone()),
                    (
                        "Set-Cookie",
                        format!(
                            "{COOKIE}={cookie}; Path=/callback; HttpOnly; SameSite=Lax; \
                             Max-Age={secs}"
                        ),
                    ),
                ],
                end: None,
            },
        }
    }
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
#[path = "listener_tests.rs"]
mod tests;
