//! What another local process can do to fakebox's port with bare connections: however
//! many it opens, fakebox keeps at most `MAX_CONNECTIONS` and serves the next request at
//! once; an idle one is closed when its head has not come within `HEAD_TIMEOUT`. The
//! attacks use blocking sockets, so fakebox serves from a runtime thread of its own.

use std::io::{ErrorKind, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use fakebox::{Config, Fakebox, HEAD_TIMEOUT, MAX_CONNECTIONS};

fn port(fb: &Fakebox) -> u16 {
    url::Url::parse(fb.base_url()).unwrap().port().unwrap()
}

/// Whether the server still holds this connection open.
fn still_open(s: &mut TcpStream) -> bool {
    s.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    matches!(s.read(&mut byte), Err(e) if e.kind() == ErrorKind::WouldBlock)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_idle_connections_keeps_few_open_and_leaves_room_for_a_request() {
    let fb = Fakebox::start(Config::default()).await.unwrap();
    let port = port(&fb);
    let mut idle: Vec<TcpStream> = (0..1000)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).expect("connects"))
        .collect();
    let answer = reqwest::Client::new()
        .post(format!("{}/2/users/get_current_account", fb.base_url()))
        .send()
        .await
        .expect("served despite the flood");
    assert_eq!(
        answer.status(),
        400,
        "no token: a 400, from the server itself"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    let open = loop {
        let open = idle.iter_mut().map(still_open).filter(|o| *o).count();
        if open <= MAX_CONNECTIONS || Instant::now() > deadline {
            break open;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        open <= MAX_CONNECTIONS,
        "{open} of 1000 idle connections held open"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_that_sends_no_request_is_closed() {
    let fb = Fakebox::start(Config::default()).await.unwrap();
    let mut idle = TcpStream::connect(("127.0.0.1", port(&fb))).unwrap();
    idle.set_read_timeout(Some(HEAD_TIMEOUT + Duration::from_secs(10)))
        .unwrap();
    let mut rest = Vec::new();
    match idle.read_to_end(&mut rest) {
        Ok(_) => {}
        Err(e) => assert_eq!(
            e.kind(),
            ErrorKind::ConnectionReset,
            "closed, not kept: {e}"
        ),
    }
}
