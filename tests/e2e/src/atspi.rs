//! What a screen reader gets from the app's window: its accessibility tree and events over
//! AT-SPI, the desktop's accessibility bus, read by `tests/e2e/atspi/read.py` (Python's
//! AT-SPI bindings, as Orca uses them) inside the desktop session.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use serde::Deserialize;

use crate::desktop::Desktop;

const READER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/atspi/read.py");
const PYTHON: &str = "/usr/bin/python3";

/// One node of the tree, as AT-SPI gives it.
#[derive(Clone, Debug, Deserialize)]
pub struct Node {
    pub depth: usize,
    pub role: String,
    pub name: String,
    pub states: Vec<String>,
    /// Current and maximum, for a node with a value (a progress bar).
    #[serde(default)]
    pub value: Option<(f64, f64)>,
}

impl Node {
    pub fn shown(&self) -> bool {
        self.states.iter().any(|s| s == "showing")
    }

    /// The name without the isolation marks (U+2066–U+2069) around names in sentences,
    /// which a screen reader does not speak.
    pub fn spoken(&self) -> String {
        self.name
            .chars()
            .filter(|c| !('\u{2066}'..='\u{2069}').contains(c))
            .collect()
    }
}

/// An event a screen reader hears.
#[derive(Clone, Debug, Deserialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: String,
    pub detail: i64,
    pub role: String,
    pub name: String,
    /// The descendant an active-descendant change made active, by its name.
    #[serde(default)]
    pub child: String,
}

/// The app's accessibility tree now, in document order.
pub fn tree(desktop: &Desktop) -> Result<Vec<Node>, String> {
    let out = desktop
        .command(PYTHON)
        .args([READER, "tree"])
        .output()
        .map_err(|e| format!("{PYTHON}: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if text.contains("\"error\"") || !out.status.success() {
        return Err(format!("{text}{}", String::from_utf8_lossy(&out.stderr)));
    }
    text.lines()
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{e}: {l}")))
        .collect()
}

/// Events heard for a while, from when `listen` returns.
pub struct Listening {
    child: Child,
}

/// Listen to selection, focus and active-descendant events for `seconds`.
pub fn listen(desktop: &Desktop, seconds: u32) -> Result<Listening, String> {
    let mut child = desktop
        .command(PYTHON)
        .args([READER, "events", &seconds.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{PYTHON}: {e}"))?;
    let mut first = String::new();
    let stdout = child.stdout.as_mut().ok_or("no output")?;
    BufReader::new(stdout)
        .read_line(&mut first)
        .map_err(|e| e.to_string())?;
    if !first.contains("ready") {
        return Err(format!("the listener did not start: {first}"));
    }
    Ok(Listening { child })
}

impl Listening {
    /// Every event heard, once the time is up.
    pub fn heard(self) -> Result<Vec<Event>, String> {
        let out = self.child.wait_with_output().map_err(|e| e.to_string())?;
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).map_err(|e| format!("{e}: {l}")))
            .collect()
    }
}
