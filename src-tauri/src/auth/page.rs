//! The small pages the browser tab shows after the redirect: self-contained HTML with
//! inline styles, no scripts and no external resources; they say what happened and to
//! return to Dropdesk, in the desktop's language (`core.ftl`'s `page-*` messages).

use fluent_bundle::FluentArgs;

use crate::phrasebook::{self, args, text};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The page of message `id` (its `title` and its text) with `args`.
fn render(id: &str, args: FluentArgs) -> String {
    let book = phrasebook::desktop();
    let title = escape(&book.attribute(id, "title", &args));
    let message = escape(&book.say(id, &args));
    let lang = book.language();
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
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
    render("page-approved", FluentArgs::new())
}

pub fn declined() -> String {
    render("page-declined", FluentArgs::new())
}

pub fn failed(error: &str, description: &str) -> String {
    render(
        "page-failed",
        args([("error", text(error)), ("description", text(description))]),
    )
}

pub fn stale_link() -> String {
    render("page-stale-link", FluentArgs::new())
}

pub fn not_for_us() -> String {
    render("page-not-for-us", FluentArgs::new())
}

pub fn other_browser() -> String {
    render("page-other-browser", FluentArgs::new())
}

pub fn start_used() -> String {
    render("page-start-used", FluentArgs::new())
}

pub fn redirecting() -> String {
    render("page-redirecting", FluentArgs::new())
}
