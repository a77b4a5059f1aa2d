//! The small pages the browser tab shows after the redirect: self-contained HTML with
//! inline styles, no scripts and no external resources; they say what happened and to
//! return to Dropdesk.

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn render(title: &str, message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width\"><title>{title} · Dropdesk</title>\
<style>:root{{color-scheme:light dark}}body{{margin:0;font:16px/1.5 system-ui,sans-serif;\
background:#f4f6fb;color:#1d2433;display:grid;place-items:center;min-height:100vh}}\
main{{max-width:28rem;padding:2rem 2.25rem;background:#fff;border-radius:14px;\
box-shadow:0 4px 24px #0b1b4a1f}}h1{{font-size:1.3rem;margin:0 0 .5rem}}p{{margin:.4rem 0;color:#4a5468}}\
@media (prefers-color-scheme:dark){{body{{background:#11151d;color:#e8ecf4}}main{{background:#1a202b}}p{{color:#aab3c5}}}}\
</style></head><body><main><h1>{title}</h1><p>{message}</p></main></body></html>"
    )
}

pub fn approved() -> String {
    render(
        "You're connected",
        "Dropdesk has your approval. You can close this tab and return to Dropdesk.",
    )
}

pub fn declined() -> String {
    render(
        "Request declined",
        "You declined to connect Dropdesk. You can close this tab and return to Dropdesk; connect again any time.",
    )
}

pub fn failed(error: &str, description: &str) -> String {
    render(
        "Dropbox could not connect Dropdesk",
        &format!(
            "Dropbox said: {} {}. Close this tab and return to Dropdesk to try again.",
            escape(error),
            escape(description)
        ),
    )
}

pub fn stale_link() -> String {
    render(
        "This sign-in link has expired",
        "It does not belong to the sign-in Dropdesk is waiting for. Return to Dropdesk and use Connect Dropbox again.",
    )
}

pub fn not_for_us() -> String {
    render(
        "Nothing here",
        "This address is only used by Dropdesk while you sign in.",
    )
}

pub fn other_browser() -> String {
    render(
        "This sign-in did not start here",
        "Dropdesk accepts the answer only in the browser where its sign-in began. Return to Dropdesk and use Connect Dropbox again.",
    )
}

pub fn start_used() -> String {
    render(
        "This sign-in link was already used",
        "Each of Dropdesk's sign-in links opens Dropbox once. Return to Dropdesk and press Open the page again for a new one.",
    )
}

pub fn redirecting() -> String {
    render(
        "On to Dropbox…",
        "Taking you to Dropbox to approve Dropdesk.",
    )
}
