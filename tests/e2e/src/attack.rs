//! Hostile clients of the sign-in listener, over raw TCP on loopback: each opens what a
//! local program could, and hands back the sockets it holds so the attack lasts as long
//! as the test wants. Every read and write is bounded in time.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);

fn connect(port: u16) -> std::io::Result<TcpStream> {
    let s = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), WAIT)?;
    s.set_read_timeout(Some(WAIT))?;
    s.set_write_timeout(Some(WAIT))?;
    Ok(s)
}

/// Send `raw` on a new connection and keep it open without reading.
pub fn hold(port: u16, raw: &[u8]) -> TcpStream {
    let mut s = connect(port).expect("connects");
    // A server that closes early may refuse the rest: that is its right.
    let _ = s.write_all(raw);
    s
}

/// Send `raw` on a new connection and read the answer until the server closes.
pub fn exchange(port: u16, raw: &[u8]) -> std::io::Result<String> {
    let mut s = connect(port)?;
    let _ = s.write_all(raw);
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// A plain request the listener must answer (404: not for us): proof that it serves.
pub fn probe(port: u16) -> std::io::Result<String> {
    exchange(
        port,
        b"GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    )
}

/// `n` connections that never send a byte.
pub fn idle(port: u16, n: usize) -> Vec<TcpStream> {
    (0..n).filter_map(|_| connect(port).ok()).collect()
}

/// Open connections until the machine refuses more or `max` are open.
pub fn exhaust(port: u16, max: usize) -> Vec<TcpStream> {
    let mut open = Vec::new();
    while open.len() < max {
        match connect(port) {
            Ok(s) => open.push(s),
            Err(_) => break,
        }
    }
    open
}

pub const HUGE_BODY: &[u8] =
    b"POST /callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 18446744073709551615\r\n\r\n";
pub const BODY_NEVER_SENT: &[u8] =
    b"POST /callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n";
pub const EXPECT_CONTINUE: &[u8] = b"POST /callback HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n";
pub const ENDLESS_HEADERS: &[u8] = b"GET /callback HTTP/1.1\r\nHost: 127.0.0.1\r\nX-More: ";

/// A 100 KB request line.
pub fn long_request_line() -> Vec<u8> {
    format!(
        "GET /callback?x={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "a".repeat(100 * 1024)
    )
    .into_bytes()
}

/// Many requests in one write, whose answers are never read.
pub fn pipelined(n: usize) -> Vec<u8> {
    "GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        .repeat(n)
        .into_bytes()
}
