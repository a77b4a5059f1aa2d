//! A minimal W3C WebDriver client over reqwest: sessions, script execution, screenshots.
//! Every request has a timeout, so a driver that hangs fails the test instead of it.

use std::time::Duration;

use serde_json::{json, Value};

#[derive(Debug, thiserror::Error)]
pub enum WdError {
    #[error("WebDriver request failed: {0}")]
    Http(String),
    #[error("WebDriver error: {0}")]
    Driver(String),
}

pub struct WebDriver {
    http: reqwest::Client,
    base: String,
    session: String,
}

impl WebDriver {
    /// Open a session with these capabilities (the `alwaysMatch` object), waiting up to
    /// `start` for it; each later request may take up to `timeout`.
    pub async fn connect(
        base: &str,
        capabilities: Value,
        start: Duration,
        timeout: Duration,
    ) -> Result<WebDriver, WdError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| WdError::Http(with_causes(&e)))?;
        let v = send(
            http.post(format!("{base}/session"))
                .timeout(start)
                .json(&json!({"capabilities": {"alwaysMatch": capabilities}})),
        )
        .await?;
        let session = v["sessionId"]
            .as_str()
            .ok_or_else(|| WdError::Driver(format!("no session id in {v}")))?
            .to_string();
        Ok(WebDriver {
            http,
            base: base.to_string(),
            session,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.session)
    }

    /// Run a synchronous script in the page; its `return` value comes back.
    pub async fn execute(&self, script: &str, args: Value) -> Result<Value, WdError> {
        send(
            self.http
                .post(self.url("/execute/sync"))
                .json(&json!({"script": script, "args": args})),
        )
        .await
    }

    /// A Chrome DevTools Protocol command (chromedriver only), such as an emulated media
    /// feature.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, WdError> {
        send(
            self.http
                .post(self.url("/goog/cdp/execute"))
                .json(&json!({"cmd": cmd, "params": params})),
        )
        .await
    }

    pub async fn navigate(&self, url: &str) -> Result<(), WdError> {
        send(self.http.post(self.url("/url")).json(&json!({"url": url}))).await?;
        Ok(())
    }

    pub async fn current_url(&self) -> Result<String, WdError> {
        let v = send(self.http.get(self.url("/url"))).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    pub async fn title(&self) -> Result<String, WdError> {
        let v = send(self.http.get(self.url("/title"))).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Poll a script until it returns something other than `null`/`false`.
    pub async fn wait_for(&self, script: &str, timeout: Duration) -> Result<Value, WdError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let v = self.execute(script, json!([])).await?;
            if !(v.is_null() || v == Value::Bool(false)) {
                return Ok(v);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(WdError::Driver(format!(
                    "timed out after {timeout:?} waiting for: {script}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn quit(self) -> Result<(), WdError> {
        send(
            self.http
                .delete(format!("{}/session/{}", self.base, self.session)),
        )
        .await?;
        Ok(())
    }
}

/// The error with each of its causes, so "error sending request" says whether it timed
/// out, was refused or was cut off.
fn with_causes(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

async fn send(request: reqwest::RequestBuilder) -> Result<Value, WdError> {
    let response = request
        .send()
        .await
        .map_err(|e| WdError::Http(with_causes(&e)))?;
    let body: Value = response
        .json()
        .await
        .map_err(|e| WdError::Http(with_causes(&e)))?;
    let value = body.get("value").cloned().unwrap_or(Value::Null);
    if let Some(error) = value.get("error").and_then(Value::as_str) {
        let message = value["message"].as_str().unwrap_or_default();
        return Err(WdError::Driver(format!("{error}: {message}")));
    }
    Ok(value)
}
