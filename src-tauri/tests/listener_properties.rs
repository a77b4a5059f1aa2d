//! Property tests of the sign-in listener: whatever bytes arrive, the gate's judgement of
//! a request head and the listener's judgement of a request never panic, always answer,
//! and end the sign-in only for a valid callback after a start link; a live listener fed
//! arbitrary bytes keeps answering.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use dropdesk::auth::gate::{judge_head, Head};
use dropdesk::auth::listener::{Flow, Outcome};
use dropdesk::auth::start_links::{StartLinks, Use};
use dropdesk::auth::{Expect, Listener};
use proptest::prelude::*;
use tiny_http::Method;

fn expect() -> Expect {
    Expect {
        state: "the-state".into(),
        authorize_url: "https://www.dropbox.com/oauth2/authorize".into(),
    }
}

fn method(i: u8) -> Method {
    [
        Method::Get,
        Method::Post,
        Method::Head,
        Method::Put,
        Method::Options,
    ][i as usize % 5]
        .clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn any_request_head_is_judged_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        match judge_head(&bytes) {
            Head::Refuse(status) => prop_assert!(status == 400 || status == 431),
            Head::Forward { target, .. } => prop_assert!(target.starts_with('/')),
            Head::Partial => prop_assert!(bytes.len() < dropdesk::auth::gate::MAX_HEAD),
        }
    }

    #[test]
    fn any_request_gets_an_answer_and_only_valid_ones_end_the_sign_in(
        m in any::<u8>(),
        path in "/(start|callback|favicon.ico|)",
        query in "\\PC{0,60}",
        cookie in proptest::option::of("\\PC{0,40}"),
        started in any::<bool>(),
    ) {
        let e = expect();
        let links = StartLinks::new(53682, Duration::from_secs(600), None);
        let link = links.mint();
        let token = link.split("t=").nth(1).unwrap();
        let issued = match started.then(|| links.open(Some(token))) {
            Some(Use::Cookie(c, _)) => Some(c),
            _ => None,
        };
        let flow = Flow { expect: &e, links: &links };
        let url = format!("{path}?{query}");
        let answer = flow.judge(&method(m), &url, cookie.as_deref());
        prop_assert!((200..600).contains(&answer.status));
        match answer.end {
            None => {}
            Some(Outcome::Callback(_)) => {
                prop_assert!(path == "/callback");
                let issued = issued.unwrap_or_default();
                prop_assert!(!issued.is_empty() && cookie.unwrap_or_default().contains(&issued));
                prop_assert!(query.contains("state=the-state"));
            }
            Some(other) => prop_assert!(false, "{other:?}"),
        }
    }
}

#[test]
fn a_live_listener_fed_arbitrary_bytes_keeps_answering() {
    use proptest::strategy::ValueTree;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listener = Listener::bind(&[port], Duration::from_secs(60)).unwrap();
    let waiter = std::thread::spawn(move || {
        listener.wait(&expect(), Duration::from_secs(60), Arc::default())
    });
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let inputs = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..2000),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(|tail| {
            let mut head = b"GET /callback?code=x&state=y HTTP/1.1\r\n".to_vec();
            head.extend(tail);
            head
        }),
    ];
    for _ in 0..150 {
        let bytes = inputs.new_tree(&mut runner).unwrap().current();
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = s.write_all(&bytes);
        let _ = s.shutdown(std::net::Shutdown::Write);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        assert!(
            out.is_empty() || out.starts_with(b"HTTP/1.1 "),
            "{:?}",
            String::from_utf8_lossy(&out)
        );
    }
    let probe = e2e::attack::probe(port).expect("still answering");
    assert!(probe.starts_with("HTTP/1.1 404"), "{probe}");
    assert!(!waiter.is_finished(), "the sign-in is still waiting");
}
