//! The listener's tests: its judgement of requests, the start links and their cookies,
//! and real requests on loopback through the gate.

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

fn token(link: &str) -> String {
    link.split("t=").nth(1).unwrap().to_string()
}

fn set_cookie(a: &Answer) -> String {
    a.headers
        .iter()
        .find(|(k, _)| *k == "Set-Cookie")
        .unwrap()
        .1
        .clone()
}

#[test]
fn a_start_link_sets_a_cookie_for_the_callback_only_and_for_the_sign_in_only() {
    let e = expect();
    let links = StartLinks::new(53682, Duration::from_secs(600), None);
    let flow = Flow {
        expect: &e,
        links: &links,
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
    let started = flow.judge(&get, &format!("/start?t={}", token(&links.mint())), None);
    assert_eq!(started.status, 302);
    assert!(started
        .headers
        .contains(&("Location", e.authorize_url.clone())));
    let cookie = set_cookie(&started);
    assert!(cookie.contains("; Path=/callback;"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let max_age: u64 = cookie.rsplit("Max-Age=").next().unwrap().parse().unwrap();
    assert!(max_age <= 600, "no longer than the sign-in: {cookie}");
    assert!(started.end.is_none());
    let value = cookie.split(';').next().unwrap().to_string();
    for jar in [None, Some("dropdesk_signin=other"), Some("x=c00kie")] {
        let a = flow.judge(&get, callback, jar);
        assert_eq!(a.status, 400, "{jar:?}");
        assert!(
            a.end.is_none(),
            "a callback from another browser does not end the flow"
        );
    }
    let ok = flow.judge(&get, callback, Some(&format!("a=b; {value}")));
    assert!(matches!(ok.end, Some(Outcome::Callback(Callback::Code(_)))));
}

/// The browser opened the link already (a closed tab, a second click): the link opened
/// again is refused without ending the sign-in, and "Open the page again" gives a new
/// link that works.
#[test]
fn opening_the_page_again_never_ends_a_working_sign_in() {
    let e = expect();
    let links = StartLinks::new(53682, Duration::from_secs(600), None);
    let flow = Flow {
        expect: &e,
        links: &links,
    };
    let get = Method::Get;
    let first = format!("/start?t={}", token(&links.mint()));
    assert_eq!(flow.judge(&get, &first, None).status, 302);
    let again = flow.judge(&get, &first, None);
    assert_eq!(again.status, 410);
    assert!(again.end.is_none(), "the sign-in goes on");
    let reopened = flow.judge(&get, &format!("/start?t={}", token(&links.mint())), None);
    assert_eq!(reopened.status, 302);
    let value = set_cookie(&reopened).split(';').next().unwrap().to_string();
    let ok = flow.judge(&get, "/callback?code=abc&state=s7aTe-xyz", Some(&value));
    assert!(matches!(ok.end, Some(Outcome::Callback(Callback::Code(_)))));
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
    let l = Listener::bind(&ports, Duration::from_secs(60)).unwrap();
    assert_eq!(l.port(), ports[1]);
    assert_eq!(
        l.redirect_uri(),
        format!("http://127.0.0.1:{}/callback", ports[1])
    );
    let err = Listener::bind(&ports, Duration::from_secs(60))
        .err()
        .unwrap();
    assert_eq!(err.ports, ports);
    drop(blocker);
}

#[test]
fn serves_garbage_then_accepts_the_valid_callback_and_frees_the_port() {
    let ports = free_ports(1);
    serves_then_accepts(Listener::bind(&ports, Duration::from_secs(60)).unwrap());
}

/// Where tiny_http can have no private socket (Windows), the gate answers in-process: the
/// same judgement, and no port but the gate's.
#[test]
fn the_gate_answers_in_process_where_tiny_http_has_no_private_socket() {
    let ports = free_ports(1);
    serves_then_accepts(Listener::bind_in_process(&ports, Duration::from_secs(60)).unwrap());
}

fn serves_then_accepts(l: Listener) {
    let port = l.port();
    let url = l.links().mint();
    let waiter =
        std::thread::spawn(move || l.wait(&expect(), Duration::from_secs(20), Arc::default()));
    assert!(send(port, "GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n").starts_with("HTTP/1.1 404"));
    assert!(send(port, "\x00\x01garbage\r\n\r\n").starts_with("HTTP/1.1 400"));
    assert!(send(
        port,
        "POST /callback?code=a&state=s7aTe-xyz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    )
    .starts_with("HTTP/1.1 405"));
    let cookie = start(port, &url);
    assert!(send(
        port,
        &format!("GET /callback?code=a&state=nope HTTP/1.1\r\n{cookie}\r\n\r\n")
    )
    .starts_with("HTTP/1.1 400"));
    let ok = send(
        port,
        &format!(
            "GET /callback?code=the-code&state=s7aTe-xyz HTTP/1.1\r\nHost: x\r\n{cookie}\r\n\r\n"
        ),
    );
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
    let l = Listener::bind(&ports, Duration::from_secs(60)).unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let waiter = std::thread::spawn(move || l.wait(&expect(), Duration::from_secs(30), flag));
    cancel.store(true, Ordering::SeqCst);
    assert!(matches!(waiter.join().unwrap(), Outcome::Cancelled));
    std::net::TcpListener::bind(("127.0.0.1", ports[0])).expect("free after cancel");

    let l = Listener::bind(&ports, Duration::from_secs(60)).unwrap();
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
    let l = Listener::bind(&ports, Duration::from_secs(60)).unwrap();
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
    let l = Listener::bind(&ports, Duration::from_secs(60)).unwrap();
    assert!(l.addr().ip().is_loopback(), "{}", l.addr());
    assert!(
        std::net::TcpListener::bind(("127.0.0.1", ports[0])).is_err(),
        "held"
    );
}
