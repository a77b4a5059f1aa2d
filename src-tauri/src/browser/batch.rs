//! A Dropbox batch job run to its end: the launch's answer, then its check polled with
//! growing waits (50 ms, doubling up to 2 s) until it is done; each entry's outcome, in
//! the order asked. A batch Dropbox failed as a whole is an error naming its route.

use std::future::Future;
use std::time::Duration;

use crate::dropbox::organize::BatchJob;
use crate::dropbox::{ApiError, RouteError};
use crate::session::SessionError;

/// The error for a batch that failed as a whole (or answered out of shape).
pub fn failed(route: &str) -> SessionError {
    SessionError::Api(ApiError::Route {
        route: route.into(),
        error: RouteError::Other,
        summary: "failed".into(),
    })
}

/// Each entry's outcome of the batch `launched` (by `route`), polling `check` with the
/// job's id while it runs.
pub async fn finish<T, F, Fut>(
    route: &str,
    launched: BatchJob<T>,
    check: F,
) -> Result<Vec<T>, SessionError>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<BatchJob<T>, SessionError>>,
{
    let id = match launched {
        BatchJob::Complete { entries } => return Ok(entries),
        BatchJob::AsyncJobId { async_job_id } => async_job_id,
        BatchJob::InProgress | BatchJob::Failed => return Err(failed(route)),
    };
    let mut wait = Duration::from_millis(50);
    loop {
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(2));
        match check(id.clone()).await? {
            BatchJob::InProgress => {}
            BatchJob::Complete { entries } => return Ok(entries),
            BatchJob::AsyncJobId { .. } | BatchJob::Failed => return Err(failed(route)),
        }
    }
}
