//! Benchmark (not a test): keeping the folder in order, side by side in one run. A delete
//! of 1,000 files in one batch (`Browser::delete`: one `delete_batch`, its checks) and its
//! Undo (a `restore` per file, four at a time), against fakebox through one TLS front:
//! time and requests made, by route. And the listing store's write for one live change in
//! a folder of 100,000 entries: the whole listing written again (what each change cost
//! before the delta writes) beside the change alone (`apply_delta`), time and bytes this
//! process handed to write() (`wchar` of `/proc/self/io`). Prints Markdown; nothing is
//! asserted.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use dropdesk::browser::Browser;
use dropdesk::listing::Change;
use dropdesk::store::ListingStore;
use dropdesk::view::{Entry, Kind, SortKey, ViewSpec};
use fakebox::Config;
use serde_json::Value;

#[path = "support/tls_front.rs"]
mod tls_front;
#[path = "support/writing.rs"]
mod writing;

const RUNS: usize = 3;
const FILES: usize = 1000;
const ENTRIES: usize = 100_000;

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

/// Bytes this process has handed to write() so far.
fn written() -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("wchar: "))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Requests fakebox logged since the last call, by route; the log is cleared.
async fn requests(control: &reqwest::Client, base: &str) -> BTreeMap<String, usize> {
    let state: Value = control
        .get(format!("{base}/__fakebox/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    control
        .delete(format!("{base}/__fakebox/log"))
        .send()
        .await
        .unwrap();
    let mut by_route = BTreeMap::new();
    for r in state["requests"].as_array().unwrap() {
        let path = r["path"].as_str().unwrap().trim_start_matches("/2/");
        *by_route.entry(path.to_string()).or_default() += 1;
    }
    by_route
}

fn said(by_route: &BTreeMap<String, usize>) -> String {
    let total: usize = by_route.values().sum();
    let parts: Vec<String> = by_route.iter().map(|(r, n)| format!("{r} {n}")).collect();
    format!("{total} ({})", parts.join(", "))
}

fn entry(i: usize, round: u64) -> Entry {
    Entry {
        kind: Kind::File,
        name: format!("file {i:06}.txt"),
        path: format!("/big/file {i:06}.txt"),
        path_lower: format!("/big/file {i:06}.txt"),
        size: Some(i as u64),
        modified: Some("2026-12-01T10:00:00Z".into()),
        rev: Some(format!("{round:016x}")),
    }
}

/// One live change in a stored folder of 100,000: written whole, then as a delta; each
/// run's milliseconds and bytes.
fn store_writes() -> [(Vec<f64>, Vec<f64>); 2] {
    let dir = tempfile::tempdir().unwrap();
    let store = ListingStore::open(&dir.path().join("listings.sqlite3")).unwrap();
    let mut listing: Vec<Entry> = (0..ENTRIES).map(|i| entry(i, 0)).collect();
    store
        .save("acct", "/big", listing.clone(), "cursor 0")
        .unwrap();
    let (mut whole, mut delta) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
    let mut cursor = 0;
    for run in 0..RUNS * 2 {
        cursor += 1;
        let changed = entry(run * 7, cursor);
        listing[run * 7] = changed.clone();
        let (t, w) = (Instant::now(), written());
        if run % 2 == 0 {
            store
                .save("acct", "/big", listing.clone(), &format!("cursor {cursor}"))
                .unwrap();
            whole.0.push(t.elapsed().as_secs_f64() * 1000.0);
            whole.1.push((written() - w) as f64);
        } else {
            let applied = store
                .apply_delta(
                    "acct",
                    "/big",
                    &format!("cursor {}", cursor - 1),
                    &[Change::Upsert(changed)],
                    &format!("cursor {cursor}"),
                )
                .unwrap();
            assert!(applied);
            delta.0.push(t.elapsed().as_secs_f64() * 1000.0);
            delta.1.push((written() - w) as f64);
        }
    }
    [whole, delta]
}

#[tokio::main]
async fn main() {
    let mut config = Config::default();
    config.app_scopes.push("files.content.write".into());
    config.generate = (0..RUNS).map(|r| (format!("/run{r}"), FILES)).collect();
    let fb = fakebox_control::start(config).await.expect("fakebox");
    let front = tls_front::TlsFront::start(fb.base_url());
    let base = front.base();
    let session = writing::writing_session(
        fb.app_key(),
        fb.mint_grant(),
        &base,
        writing::https(&front.dir.join("ca.pem")),
    )
    .await;
    let control = reqwest::Client::new();
    let spec = ViewSpec {
        sort: SortKey::Name,
        descending: false,
        filter: String::new(),
    };
    let (mut deleting, mut undoing) = (Vec::new(), Vec::new());
    let (mut asked_delete, mut asked_undo) = (BTreeMap::new(), BTreeMap::new());
    for run in 0..RUNS {
        let browser = Browser::new(session.clone());
        let folder = format!("/run{run}");
        browser
            .open(&folder, &folder, &spec, 10, Arc::new(|_| {}))
            .await
            .unwrap();
        let paths: Vec<String> = (0..FILES)
            .map(|i| {
                browser.window(&folder, &spec, i, 1).unwrap().rows[0]
                    .path_lower
                    .clone()
            })
            .collect();
        requests(&control, fb.base_url()).await;
        let t = Instant::now();
        let deleted = browser.delete(&paths, Arc::new(|_, _| {})).await.unwrap();
        deleting.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(deleted.deleted, FILES);
        asked_delete = requests(&control, fb.base_url()).await;
        let t = Instant::now();
        let undone = browser
            .undo_delete(deleted.undo.unwrap(), Arc::new(|_, _| {}))
            .await
            .unwrap();
        undoing.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(undone.restored, FILES);
        asked_undo = requests(&control, fb.base_url()).await;
    }
    let (dm, dmin, dmax) = median(deleting);
    let (um, umin, umax) = median(undoing);
    println!("| 1,000 files (n={RUNS}) | median | min | max | requests (one run) |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| delete, one batch | {dm:.0} ms | {dmin:.0} ms | {dmax:.0} ms | {} |",
        said(&asked_delete)
    );
    println!(
        "| Undo: every file restored | {um:.0} ms | {umin:.0} ms | {umax:.0} ms | {} |",
        said(&asked_undo)
    );
    println!();
    let [whole, delta] = store_writes();
    println!("| one live change, 100,000-entry folder (n={RUNS}) | median | min | max | bytes written (median) |");
    println!("| --- | --- | --- | --- | --- |");
    for (what, (ms, bytes)) in [
        ("whole listing written again", whole),
        ("the change alone", delta),
    ] {
        let (m, lo, hi) = median(ms);
        let (b, _, _) = median(bytes);
        println!(
            "| {what} | {m:.1} ms | {lo:.1} ms | {hi:.1} ms | {:.1} KiB |",
            b / 1024.0
        );
    }
}
