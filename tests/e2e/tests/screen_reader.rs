//! What a screen reader hears from the real window, read over AT-SPI as Orca reads it:
//! every control has a name, the file list is a list box whose rows say name, kind, size
//! and when (not "image"), moving the selection is announced, a finished transfer's bar is
//! a progress bar with its value, and a problem banner is an alert.

use std::time::Duration;

use e2e::app::App;
use e2e::atspi::{self, Node};
use e2e::desktop::Desktop;
use e2e::fixture::{connected_read_only, fakebox_control};
use e2e::input::Keyboard;
use serde_json::{json, Value};

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

async fn wait(app: &App, what: &str, script: &str) -> Value {
    app.wait_for(script, Duration::from_secs(30))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The tree once `ready` holds for it (the bus catches up with the page a moment later).
async fn tree_when(desktop: &Desktop, what: &str, ready: impl Fn(&[Node]) -> bool) -> Vec<Node> {
    let mut last = Vec::new();
    for _ in 0..40 {
        last = atspi::tree(desktop).expect("the accessibility tree");
        if ready(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let shown: Vec<String> = last
        .iter()
        .map(|n| format!("{}{} {:?}", " ".repeat(n.depth), n.role, n.name))
        .collect();
    panic!("{what}; the tree:\n{}", shown.join("\n"))
}

const CONTROLS: &[&str] = &[
    "push button",
    "toggle button",
    "entry",
    "separator",
    "check box",
    "combo box",
    "list box",
];

#[tokio::test]
async fn a_screen_reader_hears_named_controls_rows_with_their_kind_selection_progress_and_alerts() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected_read_only(&desktop, BROWSER, &mode).await;

    let tree = tree_when(&desktop, "the file list's rows", |t| {
        t.iter()
            .any(|n| n.role == "list item" && n.spoken().starts_with("Budget 2026.xlsx"))
    })
    .await;
    let unnamed: Vec<&Node> = tree
        .iter()
        .filter(|n| n.shown() && CONTROLS.contains(&n.role.as_str()) && n.name.trim().is_empty())
        .collect();
    assert!(unnamed.is_empty(), "controls without a name: {unnamed:?}");
    let list = tree
        .iter()
        .position(|n| n.role == "list box" && n.name == "Files and folders")
        .expect("the file list is a list box");
    let rows: Vec<String> = tree[list + 1..]
        .iter()
        .take_while(|n| n.depth > tree[list].depth)
        .filter(|n| n.role == "list item")
        .map(Node::spoken)
        .collect();
    assert!(rows.contains(&"Documents, folder".to_string()), "{rows:?}");
    let budget = rows
        .iter()
        .find(|r| r.starts_with("Budget 2026.xlsx"))
        .unwrap();
    assert!(
        budget.starts_with("Budget 2026.xlsx, Document, 38.9 KB, modified "),
        "name, kind, size, when: {budget}"
    );

    // Moving the selection with the keyboard is announced.
    app.wd
        .execute("document.getElementById('entries').focus();", json!([]))
        .await
        .unwrap();
    let listening = atspi::listen(&desktop, 4).expect("listening on the bus");
    let keys = Keyboard::new(&desktop);
    keys.press("Down");
    keys.press("Down");
    let heard = listening.heard().expect("the events heard");
    let spoken: Vec<String> = heard
        .iter()
        .filter(|e| e.kind == "object:active-descendant-changed" && e.name == "Files and folders")
        .map(|e| {
            e.child
                .chars()
                .filter(|c| !('\u{2066}'..='\u{2069}').contains(c))
                .collect()
        })
        .collect();
    assert_eq!(
        spoken,
        ["Empty folder, folder", "Music, folder"],
        "each row moved to is announced: {heard:?}"
    );

    // A finished transfer's bar.
    app.wd
        .execute(
            "const r = [...document.querySelectorAll('#entries .entry')].find(r => \
               r.querySelector('.label').textContent === 'Notes with spaces.txt'); \
             r.dispatchEvent(new MouseEvent('click', {bubbles: true})); \
             document.dispatchEvent(new KeyboardEvent('keydown', {key: 's', ctrlKey: true, bubbles: true}));",
            json!([]),
        )
        .await
        .unwrap();
    let target = desktop.dir.join("Saved notes.txt");
    e2e::dialog::answer(
        &desktop,
        "Save a copy",
        &target.display().to_string(),
        false,
    )
    .expect("the save dialog takes the path");
    wait(
        &app,
        "the download done",
        "return [...document.querySelectorAll('#transfer-list .transfer')].some(t => t.dataset.state === 'done');",
    )
    .await;
    let tree = tree_when(&desktop, "a progress bar", |t| {
        t.iter().any(|n| n.role == "progress bar")
    })
    .await;
    let bar = tree.iter().find(|n| n.role == "progress bar").unwrap();
    assert!(!bar.name.is_empty(), "the bar is named: {bar:?}");
    let (now, max) = bar.value.expect("the bar has a value");
    assert!(max > 0.0 && now == max, "done: {bar:?}");

    // A problem banner: the grant revoked at Dropbox, then a refresh.
    fakebox_control(&s.fakebox, reqwest::Method::POST, "unlink", json!({})).await;
    app.click("refresh").await.unwrap();
    app.wait_visible("problem", Duration::from_secs(30))
        .await
        .expect("the banner");
    let tree = tree_when(&desktop, "the banner as an alert", |t| {
        t.iter()
            .any(|n| n.role == "alert" || n.role == "notification")
    })
    .await;
    let alert = tree
        .iter()
        .position(|n| n.role == "alert" || n.role == "notification")
        .unwrap();
    let inside: Vec<&Node> = tree[alert + 1..]
        .iter()
        .take_while(|n| n.depth > tree[alert].depth)
        .collect();
    assert!(
        inside
            .iter()
            .any(|n| n.role == "push button" && !n.name.is_empty()),
        "the banner's action is a named button: {inside:?}"
    );
    app.quit().await;
}
