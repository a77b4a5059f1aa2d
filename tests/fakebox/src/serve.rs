//! Serving connections with bounds, so that nothing another local process does to the
//! port can exhaust the file descriptors of the program that embeds fakebox (the app's
//! demo) or keep it from being served: at most [`MAX_CONNECTIONS`] are open at a time,
//! a new one closing the oldest to make room, and a connection whose next request head
//! has not arrived within [`HEAD_TIMEOUT`] (an idle keep-alive one included) is closed.
//! Long-polls and long downloads are not cut by time: only the head is timed.

use std::collections::VecDeque;
use std::time::Duration;

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{AbortHandle, JoinSet};
use tower::ServiceExt;

/// The most connections served at once.
pub const MAX_CONNECTIONS: usize = 64;

/// How long a connection may take to send a request's head, or stay idle between requests.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Serve `router` on `listener` until `stop` fires (or its sender is dropped); every
/// connection still open then is closed.
pub(crate) async fn serve(listener: TcpListener, router: Router, stop: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    let mut oldest_first: VecDeque<AbortHandle> = VecDeque::new();
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => accepted,
        };
        while connections.try_join_next().is_some() {}
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of descriptors or the like: let a connection end, then go on.
            Err(_) => {
                if let Some(oldest) = oldest_first.pop_front() {
                    oldest.abort();
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        oldest_first.retain(|c| !c.is_finished());
        if oldest_first.len() >= MAX_CONNECTIONS {
            if let Some(oldest) = oldest_first.pop_front() {
                oldest.abort();
            }
        }
        let router = router.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            router.clone().oneshot(request.map(Body::new))
        });
        oldest_first.push_back(connections.spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        }));
    }
}
