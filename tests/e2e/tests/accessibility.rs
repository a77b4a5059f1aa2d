//! The accessibility audit of the whole real window: axe-core (npm, `tests/e2e/
//! node_modules`) injected through WebDriver into each state a person meets (the welcome
//! view; the file browser with a file selected and its preview; the context menu open;
//! the transfers panel; the taken-names question), each audited against WCAG 2.x A and AA
//! rules. No serious or critical violation is allowed; the others are printed.

use std::time::Duration;

use e2e::app::App;
use e2e::desktop::Desktop;
use e2e::fixture::{app_env, setup, wait_for_name};
use serde_json::{json, Value};

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

fn axe_source() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/node_modules/axe-core/axe.min.js"
    );
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}; run `npm ci --prefix tests/e2e` (.ci/setup does)"))
}

async fn js(app: &App, script: &str) -> Value {
    app.wd
        .execute(script, json!([]))
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

async fn wait(app: &App, what: &str, script: &str) {
    app.wd
        .wait_for(script, Duration::from_secs(30))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
}

/// Audit the window as it is now; the serious and critical violations, described.
async fn audit(app: &App, state: &str) -> Vec<String> {
    let loaded = js(app, "return typeof window.axe === 'object';").await;
    if loaded != json!(true) {
        js(app, &format!("{}\nreturn true;", axe_source())).await;
    }
    let result = js(
        app,
        "return axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})
           .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})));",
    )
    .await;
    let mut bad = Vec::new();
    for v in result.as_array().expect("axe answers a list") {
        let line = format!(
            "{state}: {} ({}) {} at {}",
            v["id"], v["impact"], v["help"], v["nodes"]
        );
        if matches!(v["impact"].as_str(), Some("serious" | "critical")) {
            bad.push(line);
        } else {
            eprintln!("minor: {line}");
        }
    }
    bad
}

#[tokio::test]
async fn the_window_has_no_serious_or_critical_accessibility_violations() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup(&desktop).await;
    let app = App::launch(&desktop, &app_env(&s, BROWSER, "allow"), &[])
        .await
        .expect("app launches");
    app.wait_visible("connect", Duration::from_secs(30))
        .await
        .unwrap();
    let mut bad = audit(&app, "welcome").await;

    app.click("connect").await.unwrap();
    wait_for_name(&app, &s).await;
    wait(
        &app,
        "rows",
        "return document.querySelectorAll('#entries .entry').length > 5",
    )
    .await;
    js(
        &app,
        "const r = [...document.querySelectorAll('#entries .entry')].find(r => r.querySelector('.label').textContent === 'Notes with spaces.txt'); \
         r.dispatchEvent(new MouseEvent('click', {bubbles: true}));",
    )
    .await;
    wait(
        &app,
        "the preview",
        "return !document.getElementById('preview-text').hidden",
    )
    .await;
    bad.extend(audit(&app, "browser with a preview").await);

    js(
        &app,
        "document.getElementById('entries').dispatchEvent(new KeyboardEvent('keydown', {key: 'ContextMenu', bubbles: true}));",
    )
    .await;
    wait(
        &app,
        "the menu",
        "return !document.getElementById('context-menu').hidden",
    )
    .await;
    bad.extend(audit(&app, "context menu").await);
    js(
        &app,
        "document.getElementById('context-menu').dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));",
    )
    .await;

    // A transfer in the panel: open a file (downloaded, then handed to the opener).
    js(
        &app,
        "const r = [...document.querySelectorAll('#entries .entry')].find(r => r.querySelector('.label').textContent === 'Budget 2026.xlsx'); \
         r.dispatchEvent(new MouseEvent('dblclick', {bubbles: true}));",
    )
    .await;
    wait(
        &app,
        "a transfer",
        "return !document.getElementById('transfers').hidden",
    )
    .await;
    bad.extend(audit(&app, "transfers").await);

    // The taken-names question, as Download to folder… asks it.
    js(
        &app,
        "const d = document.getElementById('conflict-dialog'); \
         document.getElementById('conflict-names').innerHTML = '<li>file2.txt</li>'; d.showModal();",
    )
    .await;
    bad.extend(audit(&app, "taken-names question").await);

    // New folder, with a name refused and why.
    js(
        &app,
        "document.getElementById('conflict-dialog').close(); \
         const why = document.getElementById('new-folder-error'); \
         why.textContent = 'A name cannot contain “/”.'; why.hidden = false; \
         document.getElementById('new-folder-name').setAttribute('aria-invalid', 'true'); \
         document.getElementById('new-folder').showModal();",
    )
    .await;
    bad.extend(audit(&app, "new folder, a name refused").await);

    // The delete's toast with Undo, over the list.
    js(
        &app,
        "document.getElementById('new-folder').close(); \
         document.getElementById('toast-text').textContent = 'Deleted 3 items'; \
         document.getElementById('toast-undo').hidden = false; \
         document.getElementById('toast').hidden = false;",
    )
    .await;
    bad.extend(audit(&app, "deleted, with Undo").await);

    // Versions of a file, one of them previewed.
    js(
        &app,
        "document.getElementById('toast').hidden = true; \
         const r = [...document.querySelectorAll('#entries .entry')].find(r => r.querySelector('.label').textContent === 'Notes with spaces.txt'); \
         r.dispatchEvent(new MouseEvent('click', {bubbles: true})); \
         setTimeout(() => document.getElementById('act-versions').click(), 200);",
    )
    .await;
    wait(
        &app,
        "the versions",
        "return document.querySelectorAll('#versions-list li').length > 0",
    )
    .await;
    js(
        &app,
        "document.querySelector('#versions-list li button').click();",
    )
    .await;
    wait(
        &app,
        "a version's preview",
        "return !document.getElementById('versions-preview').hidden",
    )
    .await;
    bad.extend(audit(&app, "versions, one previewed").await);

    // Move to…: the picker over the app folder.
    js(
        &app,
        "document.getElementById('versions').close(); \
         setTimeout(() => document.getElementById('act-move').click(), 200);",
    )
    .await;
    wait(
        &app,
        "the picker's folders",
        "return document.querySelectorAll('#picker-list li[aria-selected=true]').length === 1",
    )
    .await;
    bad.extend(audit(&app, "move to, the picker").await);

    // Deleted files in the folder in view.
    js(
        &app,
        "document.getElementById('picker').close(); \
         setTimeout(() => document.getElementById('show-deleted').click(), 200);",
    )
    .await;
    wait(
        &app,
        "the deleted files looked for",
        "const s = document.getElementById('deleted-status').textContent; \
         return document.getElementById('deleted').open && !s.startsWith('Looking');",
    )
    .await;
    bad.extend(audit(&app, "deleted files").await);
    assert!(
        bad.is_empty(),
        "serious or critical violations:\n{}",
        bad.join("\n")
    );
    app.quit().await;
}
