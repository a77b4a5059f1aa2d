//! The gate in front of the sign-in listener. tiny_http is the listener's HTTP server, but
//! on its own it can be stopped by one local request: it allocates the whole declared
//! `Content-Length` when it drops an unread body (a huge one aborts the app), it sets no
//! socket timeouts (a body or header that never arrives blocks its only request thread),
//! and it starts an unbounded thread per connection (hundreds of idle ones exhaust
//! descriptors). So tiny_http never touches the public socket. The gate owns
//! `127.0.0.1:<registered port>` and, for each connection, on its own small runtime:
//!
//! - reads the request head within [`HEAD_DEADLINE`] and at most [`MAX_HEAD`] bytes,
//!   parsed by `httparse`; anything else is answered with a 4xx, or dropped, and closed;
//! - refuses any request that declares a body (`Content-Length` other than 0,
//!   `Transfer-Encoding`, `Expect`): the callback is a bodiless GET;
//! - hands tiny_http one clean request (method, target, `Cookie`, `Connection: close`)
//!   over a Unix socket in a 0700 folder, and relays its answer back within
//!   [`RELAY_DEADLINE`]; where there is no such socket (Windows), it hands the request to
//!   the listener in-process instead ([`Inner::InProcess`]) and writes its answer itself,
//!   so that nothing but the gate ever listens on a TCP port another process can reach;
//! - keeps at most [`MAX_OPEN`] connections, closing the oldest to make room, and rides
//!   out `accept` errors (descriptor exhaustion) with a short pause;
//! - counts itself dead when tiny_http cannot be reached (its socket was removed, say),
//!   so that the sign-in ends at once with a clear message and the port is freed.
//!
//! Anything after the first request on a connection (pipelining) is never read.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::AbortHandle;

pub const MAX_HEAD: usize = 8 * 1024;
pub const HEAD_DEADLINE: Duration = Duration::from_secs(2);
pub const RELAY_DEADLINE: Duration = Duration::from_secs(2);
pub const MAX_OPEN: usize = 128;
const MAX_ANSWER: u64 = 256 * 1024;

/// Who answers behind the gate, reachable only by this process's user.
pub enum Inner {
    /// tiny_http, on a Unix socket in a folder only this user can enter.
    #[cfg(unix)]
    Unix(std::path::PathBuf),
    /// The listener itself, over a channel: no socket at all.
    InProcess(std::sync::mpsc::Sender<Asked>),
}

/// One clean request handed to the listener in-process, and where its answer (a whole
/// HTTP response) goes.
pub struct Asked {
    pub method: String,
    pub target: String,
    pub cookie: Option<String>,
    pub answer: tokio::sync::oneshot::Sender<Vec<u8>>,
}

/// A running gate. Dropping it stops accepting and frees the port.
pub struct Gate {
    stop: Arc<AtomicBool>,
    dead: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Gate {
    /// Serve `public` (already bound) in front of `inner`.
    pub fn start(public: std::net::TcpListener, inner: Inner) -> std::io::Result<Gate> {
        public.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let dead = Arc::new(AtomicBool::new(false));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let backend = Arc::new(Backend {
            inner,
            dead: dead.clone(),
        });
        let s = stop.clone();
        let thread = std::thread::Builder::new()
            .name("sign-in gate".into())
            .spawn(move || {
                runtime.block_on(accept_loop(public, backend.clone(), s));
                backend.dead.store(true, Ordering::SeqCst);
            })?;
        Ok(Gate {
            stop,
            dead,
            thread: Some(thread),
        })
    }

    /// The gate stopped without being asked to.
    pub fn is_dead(&self) -> bool {
        self.dead.load(Ordering::SeqCst) && !self.stop.load(Ordering::SeqCst)
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

type Conn = (u64, AbortHandle, Arc<AtomicBool>);

/// The connections being served, oldest first, so the oldest can make room.
#[derive(Default)]
struct Open {
    next: AtomicU64,
    /// Each connection's id, task, and whether tiny_http already has its request (those
    /// answers are spared when making room, and let through at the end).
    list: Mutex<VecDeque<Conn>>,
}

impl Open {
    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Conn>> {
        self.list.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// tiny_http behind the gate, and whether it was found unreachable.
struct Backend {
    inner: Inner,
    dead: Arc<AtomicBool>,
}

async fn accept_loop(public: std::net::TcpListener, inner: Arc<Backend>, stop: Arc<AtomicBool>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(public) else {
        return;
    };
    let open = Arc::new(Open::default());
    while !stop.load(Ordering::SeqCst) && !inner.dead.load(Ordering::SeqCst) {
        let accepted = tokio::time::timeout(Duration::from_millis(50), listener.accept()).await;
        let stream = match accepted {
            Err(_) => continue,
            Ok(Ok((stream, _))) => stream,
            // Out of descriptors, or a connection reset before it was accepted: pause and
            // go on; the oldest connections time out and free theirs.
            Ok(Err(_)) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let id = open.next.fetch_add(1, Ordering::SeqCst);
        {
            let mut list = open.lock();
            // Make room by closing the oldest connection that has not yet sent a whole
            // request (a flood's), sparing those being answered (the browser's callback).
            while list.len() >= MAX_OPEN {
                let victim = list
                    .iter()
                    .position(|(_, _, relaying)| !relaying.load(Ordering::SeqCst))
                    .unwrap_or(0);
                if let Some((_, task, _)) = list.remove(victim) {
                    task.abort();
                }
            }
        }
        let (inner, done) = (inner.clone(), open.clone());
        let relaying = Arc::new(AtomicBool::new(false));
        let flag = relaying.clone();
        let task = tokio::spawn(async move {
            let served = serve(stream, &inner, &flag);
            let _ = tokio::time::timeout(HEAD_DEADLINE + RELAY_DEADLINE, served).await;
            done.lock().retain(|(i, _, _)| *i != id);
        });
        open.lock().push_back((id, task.abort_handle(), relaying));
    }
    // The last answer (the page that says "return to Dropdesk") is still on its way back
    // to the browser: let relays finish, briefly, before closing everything.
    let grace = tokio::time::Instant::now() + RELAY_DEADLINE;
    let relaying = |open: &Open| open.lock().iter().any(|(_, _, r)| r.load(Ordering::SeqCst));
    while relaying(&open) && tokio::time::Instant::now() < grace {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for (_, task, _) in open.lock().drain(..) {
        task.abort();
    }
}

/// What the gate makes of a request head.
#[derive(Debug, PartialEq, Eq)]
pub enum Head {
    /// Pass on to tiny_http.
    Forward {
        method: String,
        target: String,
        cookie: Option<String>,
    },
    /// Answer this status and close.
    Refuse(u16),
    /// More bytes are needed.
    Partial,
}

/// Judge the bytes read so far of a request head.
pub fn judge_head(bytes: &[u8]) -> Head {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(bytes) {
        Ok(httparse::Status::Partial) if bytes.len() >= MAX_HEAD => Head::Refuse(431),
        Ok(httparse::Status::Partial) => Head::Partial,
        Err(httparse::Error::TooManyHeaders) => Head::Refuse(431),
        Err(_) => Head::Refuse(400),
        Ok(httparse::Status::Complete(_)) => {
            let mut cookie = None;
            for h in request.headers.iter() {
                let name = h.name.to_ascii_lowercase();
                let declares_body = match name.as_str() {
                    "content-length" => h.value.trim_ascii() != b"0",
                    "transfer-encoding" | "expect" => true,
                    _ => false,
                };
                if declares_body {
                    return Head::Refuse(400);
                }
                if name == "cookie" {
                    match std::str::from_utf8(h.value) {
                        Ok(v) if cookie.is_none() => cookie = Some(v.to_string()),
                        _ => return Head::Refuse(400),
                    }
                }
            }
            match (request.method, request.path) {
                (Some(method), Some(target)) if target.starts_with('/') => Head::Forward {
                    method: method.to_string(),
                    target: target.to_string(),
                    cookie,
                },
                _ => Head::Refuse(400),
            }
        }
    }
}

async fn serve(mut client: tokio::net::TcpStream, inner: &Backend, relaying: &AtomicBool) {
    let mut head = Vec::with_capacity(1024);
    let judged = tokio::time::timeout(HEAD_DEADLINE, async {
        let mut buf = [0u8; 1024];
        loop {
            let room = MAX_HEAD.saturating_sub(head.len()).min(buf.len()).max(1);
            match client.read(&mut buf[..room]).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
            match judge_head(&head) {
                Head::Partial => continue,
                other => return Some(other),
            }
        }
    })
    .await;
    let (method, target, cookie) = match judged {
        Ok(Some(Head::Forward {
            method,
            target,
            cookie,
        })) => (method, target, cookie),
        Ok(Some(Head::Refuse(status))) => {
            let _ = tokio::time::timeout(RELAY_DEADLINE, refuse(&mut client, status)).await;
            return;
        }
        _ => return,
    };
    relaying.store(true, Ordering::SeqCst);
    let asked = Clean {
        method,
        target,
        cookie,
    };
    let _ = tokio::time::timeout(RELAY_DEADLINE, relay(&mut client, inner, asked)).await;
}

/// A request as the gate passes it on.
struct Clean {
    method: String,
    target: String,
    cookie: Option<String>,
}

impl Clean {
    /// As HTTP/1.1 bytes, for tiny_http.
    #[cfg(unix)]
    fn bytes(&self) -> String {
        let mut request = format!(
            "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n",
            self.method, self.target
        );
        if let Some(c) = &self.cookie {
            request.push_str(&format!("Cookie: {c}\r\n"));
        }
        request.push_str("Connection: close\r\n\r\n");
        request
    }
}

async fn refuse(client: &mut tokio::net::TcpStream, status: u16) {
    let reason = match status {
        431 => "Request Header Fields Too Large",
        _ => "Bad Request",
    };
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n"
    );
    let _ = client.write_all(answer.as_bytes()).await;
    let _ = client.shutdown().await;
}

async fn relay(client: &mut tokio::net::TcpStream, backend: &Backend, request: Clean) {
    let mut answer = Vec::new();
    let read = match &backend.inner {
        #[cfg(unix)]
        Inner::Unix(path) => match tokio::net::UnixStream::connect(path).await {
            Ok(mut s) => Some(exchange(&mut s, &request.bytes(), &mut answer).await),
            Err(_) => None,
        },
        Inner::InProcess(listener) => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let asked = Asked {
                method: request.method,
                target: request.target,
                cookie: request.cookie,
                answer: tx,
            };
            match listener.send(asked) {
                Ok(()) => rx.await.ok().map(|bytes| {
                    answer = bytes;
                    true
                }),
                Err(_) => None,
            }
        }
    };
    let Some(read) = read else {
        // tiny_http is gone: nothing can answer the browser any more.
        backend.dead.store(true, Ordering::SeqCst);
        let _ = client
            .write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await;
        let _ = client.shutdown().await;
        return;
    };
    if read {
        let _ = client.write_all(&closing(answer)).await;
    }
    let _ = client.shutdown().await;
}

/// The answer with `Connection: close` after its status line: the gate serves one request
/// per connection, and a client must not send another on it.
fn closing(mut answer: Vec<u8>) -> Vec<u8> {
    if let Some(end) = answer.windows(2).position(|w| w == b"\r\n") {
        answer.splice(end + 2..end + 2, b"Connection: close\r\n".iter().copied());
    }
    answer
}

async fn exchange<S>(inner: &mut S, request: &str, answer: &mut Vec<u8>) -> bool
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    if inner.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    inner.take(MAX_ANSWER).read_to_end(answer).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_get_is_forwarded_with_its_cookie_only() {
        let head = b"GET /callback?code=a&state=b HTTP/1.1\r\nHost: x\r\nCookie: k=v\r\nX-Other: 1\r\n\r\n";
        assert_eq!(
            judge_head(head),
            Head::Forward {
                method: "GET".into(),
                target: "/callback?code=a&state=b".into(),
                cookie: Some("k=v".into()),
            }
        );
        assert_eq!(
            judge_head(b"GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
            Head::Forward {
                method: "GET".into(),
                target: "/".into(),
                cookie: None
            }
        );
    }

    #[test]
    fn answers_say_that_the_connection_closes() {
        let a = closing(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec());
        assert_eq!(
            a,
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
        );
    }

    #[test]
    fn declared_bodies_are_refused() {
        for head in [
            &b"POST /callback HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n"[..],
            b"POST /callback HTTP/1.1\r\nContent-Length: 5\r\n\r\n",
            b"POST /callback HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"POST /callback HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n",
        ] {
            assert_eq!(
                judge_head(head),
                Head::Refuse(400),
                "{}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn heads_that_are_too_long_or_broken_are_refused_and_short_ones_wait() {
        assert_eq!(
            judge_head(b"GET /callback HTTP/1.1\r\nHost:"),
            Head::Partial
        );
        let long = format!("GET /{} HTTP/1.1\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(judge_head(long.as_bytes()), Head::Refuse(431));
        let many: String = (0..40).map(|i| format!("X-{i}: y\r\n")).collect();
        assert_eq!(
            judge_head(format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes()),
            Head::Refuse(431)
        );
        assert_eq!(judge_head(b"\x00\x01garbage\r\n\r\n"), Head::Refuse(400));
        assert_eq!(
            judge_head(b"GET http://evil/ HTTP/1.1\r\n\r\n"),
            Head::Refuse(400)
        );
    }
}
