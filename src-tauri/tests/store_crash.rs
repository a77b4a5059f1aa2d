//! The listing store survives being killed in the middle of writing a 100,000-entry
//! listing: a child process writes whole listings in a loop (or, in the second test,
//! applies changes to every row as deltas, each onto the cursor before it) and is killed
//! with SIGKILL at spread-out moments once it is writing, a few dozen times; every time
//! the store still opens, passes SQLite's integrity check, and holds one whole listing
//! (the one written before, or one the child finished) with its own cursor, never half of
//! one; a write that finished is the one kept.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use dropdesk::listing::Change;
use dropdesk::store::ListingStore;
use dropdesk::view::{Entry, Kind};

const ENTRIES: usize = 100_000;
const WRITER: &str = "DROPDESK_STORE_WRITER";
/// Set for a writer that applies deltas instead of whole listings.
const DELTAS: &str = "DROPDESK_STORE_DELTAS";

fn listing(round: u64) -> Vec<Entry> {
    (0..ENTRIES)
        .map(|i| Entry {
            kind: Kind::File,
            name: format!("file {i} of round {round}"),
            path: format!("/big/file {i}"),
            path_lower: format!("/big/file {i}"),
            size: Some(i as u64),
            modified: None,
            rev: Some(format!("{round:016x}")),
        })
        .collect()
}

/// The child: write whole listings (or deltas) until killed. Not a test of its own: the
/// tests below run it in a child process (`--ignored --exact writer`).
#[test]
#[ignore = "the child process of the tests below"]
fn writer() {
    let path = std::env::var(WRITER).expect("run by the crash test");
    let store = ListingStore::open(Path::new(&path)).unwrap();
    // Go on from the round stored.
    let mut entries = 0;
    let stored = store
        .load("acct", "/big", &mut |_| entries += 1)
        .unwrap()
        .unwrap();
    let from: u64 = stored.cursor.trim_start_matches("cursor ").parse().unwrap();
    // Tell the test that writing starts now, so its kill lands in the writes, however slow
    // this machine is to start a process.
    let mut out = std::io::stdout();
    writeln!(out, "writing").unwrap();
    out.flush().unwrap();
    let deltas = std::env::var_os(DELTAS).is_some();
    for round in from + 1.. {
        let cursor = format!("cursor {round}");
        if deltas {
            // Every row changes, as one delta onto the round before.
            let changes: Vec<Change> = listing(round).into_iter().map(Change::Upsert).collect();
            let before = format!("cursor {}", round - 1);
            let applied = store
                .apply_delta("acct", "/big", &before, &changes, &cursor)
                .unwrap();
            assert!(applied, "each delta follows the cursor stored");
        } else {
            store.save("acct", "/big", listing(round), &cursor).unwrap();
        }
        writeln!(out, "wrote {round}").unwrap();
        out.flush().unwrap();
    }
}

/// A writer on the store at `path`, and its output once it says it is writing.
fn start_writer(path: &Path, deltas: bool) -> (Child, impl Iterator<Item = String>) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    if deltas {
        command.env(DELTAS, "1");
    }
    let mut child = command
        .args([
            "--ignored",
            "--exact",
            "writer",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(WRITER, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The harness prints its own words first (`test writer ... `); wait for the writer's.
    let mut lines = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok);
    assert!(lines.any(|l| l.ends_with("writing")), "the writer started");
    (child, lines)
}

/// Kill `child` with SIGKILL, which it must still be alive for.
fn kill(mut child: Child) {
    assert!(
        child.try_wait().unwrap().is_none(),
        "the writer was still writing when killed"
    );
    child.kill().unwrap();
    let _ = child.wait();
}

/// Kill writers (of whole listings, or of `deltas`) in the middle of their writes, a few
/// dozen times, checking what is kept each time; then one after a write finished.
fn killed_in_the_middle(deltas: bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("listings.sqlite3");
    ListingStore::open(&path)
        .unwrap()
        .save("acct", "/big", listing(0), "cursor 0")
        .unwrap();
    let mut kept = 0;
    for n in 0..30u64 {
        let (child, _output) = start_writer(&path, deltas);
        // Somewhere in the writes: one takes a few hundred ms here.
        std::thread::sleep(Duration::from_millis((n * 37) % 400));
        kill(child);
        kept = kept_round(&path, &format!("kill {n}"));
    }
    // A write that finished is what is kept: the writer is killed in the write after it.
    let (child, mut output) = start_writer(&path, deltas);
    let next = format!("wrote {}", kept + 1);
    assert!(output.any(|l| l == next), "the writer finished a write");
    kill(child);
    assert!(
        kept_round(&path, "the last kill") > kept,
        "the finished write is kept"
    );
}

#[test]
fn a_kill_in_the_middle_of_a_write_never_leaves_half_a_listing() {
    killed_in_the_middle(false);
}

#[test]
fn a_kill_in_the_middle_of_a_delta_never_leaves_half_of_it() {
    killed_in_the_middle(true);
}

/// The store at `path` opens, is intact and holds one whole listing; its round.
fn kept_round(path: &Path, after: &str) -> u64 {
    let store = ListingStore::open(path).expect("the store opens after a kill");
    let conn = rusqlite::Connection::open(path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok", "after {after}");
    let mut entries = Vec::new();
    let stored = store
        .load("acct", "/big", &mut |e| entries.push(e))
        .unwrap()
        .unwrap_or_else(|| panic!("a listing is kept, after {after}"));
    assert_eq!(entries.len(), ENTRIES, "a whole listing, after {after}");
    let rev = entries[0].rev.clone();
    assert!(
        entries.iter().all(|e| e.rev == rev),
        "one round's entries only, after {after}"
    );
    let round = u64::from_str_radix(rev.as_deref().unwrap(), 16).unwrap();
    assert_eq!(
        stored.cursor,
        format!("cursor {round}"),
        "the cursor of that same round"
    );
    round
}
