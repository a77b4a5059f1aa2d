//! Transfers against fakebox: saved copies land under their final name only when complete
//! and hash-checked; a download cut off mid-body resumes with a `Range` for only the
//! rest; one that keeps failing stops with its part kept and Retry resumes it; Cancel
//! leaves nothing; a 429's wait is shown; a file changed meanwhile is refused; a full disk
//! names the folder and leaves nothing; taken names are kept both, skipped or replaced;
//! a folder is saved as a zip archive. Parts: a file another program left at a part's
//! name is never trusted nor removed, a planted link never followed, and a file that
//! appears at the target meanwhile never replaced.

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dropdesk::browser::Browser;
use dropdesk::error::{FileProblem, SessionError};
use dropdesk::files::{Files, OnConflict, Phase, Programs, Report};
use serde_json::{json, Value};
use support::*;

/// A file's bytes that are not all alike, so a wrong offset would show.
fn bytes(n: usize) -> String {
    (0..n)
        .map(|i| (b'a' + (i * 7 % 26) as u8) as char)
        .collect()
}

struct Rig {
    w: World<'static>,
    browser: Arc<Browser>,
    reports: Arc<Mutex<Vec<Report>>>,
    _cache: tempfile::TempDir,
}

async fn rig(ops: Value) -> Rig {
    let mut w = memory_world().await;
    connect(&mut w).await;
    post(&w, "files", json!({ "ops": ops })).await;
    let cache = tempfile::tempdir().unwrap();
    let files = Files::new(
        w.session.clone(),
        cache.path().join("files"),
        1 << 30,
        Arc::new(|_: &Path| Ok(())),
    );
    let reports = Arc::new(Mutex::new(Vec::new()));
    let sink = reports.clone();
    files
        .transfers
        .listen(Arc::new(move |r| sink.lock().unwrap().push(r)));
    let browser = Browser::with_parts(w.session.clone(), Some(files), None);
    let (_, report) = recorder();
    browser.open("", "", &by_name(), 50, report).await.unwrap();
    Rig {
        w,
        browser,
        reports,
        _cache: cache,
    }
}

impl Rig {
    async fn fault(&self, fault: Value) {
        post(&self.w, "faults", fault).await;
    }

    /// Wait until transfer `id` is no longer running; its last report.
    async fn settled(&self, id: u64) -> Report {
        for _ in 0..600 {
            let last = self
                .browser
                .files()
                .unwrap()
                .transfers
                .reports()
                .into_iter()
                .find(|r| r.id == id)
                .expect("the transfer is listed");
            if !matches!(last.phase, Phase::Running | Phase::Waiting(_)) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("transfer {id} never settled");
    }

    fn save(&self, paths: &[&str], dir: &Path, on_conflict: OnConflict) -> Vec<u64> {
        let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        self.browser.save(&paths, dir, on_conflict).unwrap()
    }

    async fn save_one(&self, path: &str, dir: &Path) -> Report {
        let id = self.save(&[path], dir, OnConflict::KeepBoth)[0];
        self.settled(id).await
    }

    /// The `Range` headers of the downloads fakebox served, in order (`None`: whole).
    async fn ranges(&self) -> Vec<Option<String>> {
        state(&self.w).await["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["path"] == "/2/files/download")
            .map(|r| r["detail"].as_str().map(str::to_string))
            .collect()
    }
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn range_start(range: &str) -> u64 {
    range
        .strip_prefix("range=bytes=")
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not an open range: {range}"))
}

#[tokio::test]
async fn a_saved_copy_is_complete_under_its_name_and_nothing_else_is_left() {
    let content = bytes(300_000);
    let rig = rig(json!([{"op": "add_file", "path": "/Big.txt", "content": content}])).await;
    let dir = tempfile::tempdir().unwrap();
    let done = rig.save_one("/big.txt", dir.path()).await;
    assert_eq!(done.phase, Phase::Done);
    assert_eq!(done.done, 300_000);
    assert_eq!(done.total, 300_000);
    assert_eq!(done.target, dir.path().join("Big.txt"));
    assert_eq!(std::fs::read_to_string(&done.target).unwrap(), content);
    assert_eq!(listing(dir.path()), ["Big.txt"], "no part left beside it");
}

#[tokio::test]
async fn a_download_cut_off_mid_body_resumes_with_only_the_rest() {
    let content = bytes(900_000);
    let rig = rig(json!([{"op": "add_file", "path": "/Big.txt", "content": content}])).await;
    rig.fault(json!({"route": "files/download", "drop_after": 300_000}))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let done = rig.save_one("/big.txt", dir.path()).await;
    assert_eq!(done.phase, Phase::Done, "{:?}", done.phase);
    assert_eq!(std::fs::read_to_string(&done.target).unwrap(), content);
    let ranges = rig.ranges().await;
    assert_eq!(ranges.len(), 2, "one try and one resume: {ranges:?}");
    assert_eq!(
        ranges[0], None,
        "the first asks for the whole file: {ranges:?}"
    );
    let from = range_start(
        ranges[1]
            .as_deref()
            .unwrap_or_else(|| panic!("the resume asks for a range: {ranges:?}")),
    );
    assert!(
        from > 0 && from <= 300_000,
        "the resume starts after what was kept: {from}"
    );
    assert_eq!(listing(dir.path()), ["Big.txt"]);
}

#[tokio::test]
async fn a_download_that_keeps_failing_keeps_its_part_and_retry_resumes_it() {
    let content = bytes(900_000);
    let rig = rig(json!([{"op": "add_file", "path": "/Big.txt", "content": content}])).await;
    rig.fault(json!([
        {"route": "files/download", "drop_after": 500_000},
        {"route": "files/download", "status": 503, "count": 10}
    ]))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let id = rig.save(&["/big.txt"], dir.path(), OnConflict::KeepBoth)[0];
    let failed = rig.settled(id).await;
    assert!(
        matches!(failed.phase, Phase::Failed(ref e) if e.is_transient()),
        "{:?}",
        failed.phase
    );
    assert_eq!(
        listing(dir.path()),
        [".Big.txt.dropdesk-part"],
        "the part is kept"
    );
    assert!(
        rig.reports
            .lock()
            .unwrap()
            .iter()
            .any(|r| matches!(r.phase, Phase::Waiting(_))),
        "the waits between tries were shown"
    );

    fb(&rig.w, reqwest::Method::DELETE, "faults", Value::Null).await;
    assert!(rig.browser.files().unwrap().transfers.retry(id));
    let done = rig.settled(id).await;
    assert_eq!(done.phase, Phase::Done);
    assert_eq!(std::fs::read_to_string(&done.target).unwrap(), content);
    let last = rig.ranges().await.pop().unwrap();
    assert!(range_start(last.as_deref().unwrap()) > 0, "Retry resumed");
    assert_eq!(listing(dir.path()), ["Big.txt"]);
}

#[tokio::test]
async fn cancel_stops_a_transfer_and_leaves_nothing() {
    let rig = rig(json!([{"op": "add_file", "path": "/Huge.bin", "size": 2_000_000_000u64}])).await;
    let dir = tempfile::tempdir().unwrap();
    let id = rig.save(&["/huge.bin"], dir.path(), OnConflict::KeepBoth)[0];
    let transfers = rig.browser.files().unwrap().transfers.clone();
    let started = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let r = transfers.reports().pop().unwrap();
            if r.done > 0 {
                return r;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("bytes arrive");
    assert!(started.done < started.total);
    transfers.cancel(id);
    let cancelled = rig.settled(id).await;
    assert_eq!(cancelled.phase, Phase::Cancelled);
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_and_the_wait_is_shown() {
    let rig = rig(json!([{"op": "add_file", "path": "/Notes.txt", "content": "notes"}])).await;
    rig.fault(json!({"route": "files/download", "status": 429, "retry_after": 1}))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let done = rig.save_one("/notes.txt", dir.path()).await;
    assert_eq!(done.phase, Phase::Done);
    let waits: Vec<Duration> = rig
        .reports
        .lock()
        .unwrap()
        .iter()
        .filter_map(|r| match r.phase {
            Phase::Waiting(d) => Some(d),
            _ => None,
        })
        .collect();
    assert_eq!(
        waits,
        [Duration::from_secs(1)],
        "Retry-After is what is shown"
    );
}

#[tokio::test]
async fn a_file_changed_at_dropbox_meanwhile_is_refused_and_nothing_is_kept() {
    let rig = rig(json!([{"op": "add_file", "path": "/Notes.txt", "content": "first"}])).await;
    let dir = tempfile::tempdir().unwrap();
    let part = std::fs::File::create(dir.path().join("part")).unwrap();
    // What the window shows is an older revision than Dropbox's.
    let err = rig
        .w
        .session
        .download(
            "/Notes.txt",
            Some("0123456789abcdef"),
            &part,
            0,
            &dir.path().join("Notes.txt"),
            &|_, _| {},
            &Default::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err, SessionError::File(FileProblem::Changed));
    assert_eq!(part.metadata().unwrap().len(), 0, "nothing written");
}

#[tokio::test]
async fn a_full_disk_names_the_folder_and_leaves_nothing() {
    let rig = rig(json!([{"op": "add_file", "path": "/Big.txt", "content": bytes(400_000)}])).await;
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small");
    std::fs::create_dir(&small).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=128k", "tmpfs"])
        .arg(&small)
        .status()
        .expect("mount runs");
    assert!(
        mounted.success(),
        "this test mounts a 128 KiB tmpfs (it needs root, as CI has)"
    );
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(small.clone());
    let failed = rig.save_one("/big.txt", &small).await;
    assert_eq!(
        failed.phase,
        Phase::Failed(SessionError::File(FileProblem::Disk {
            folder: small.display().to_string(),
            kind: std::io::ErrorKind::StorageFull,
        }))
    );
    assert!(listing(&small).is_empty(), "{:?}", listing(&small));
}

#[tokio::test]
async fn taken_names_are_kept_both_skipped_or_replaced_as_asked() {
    let rig = rig(json!([
        {"op": "add_file", "path": "/a.txt", "content": "new a"},
        {"op": "add_file", "path": "/b.txt", "content": "new b"}
    ]))
    .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "old a").unwrap();
    let paths = ["/a.txt".to_string(), "/b.txt".to_string()];
    assert_eq!(
        rig.browser.conflicts(&paths, dir.path()).unwrap(),
        ["a.txt"]
    );

    assert!(rig
        .save(&["/a.txt"], dir.path(), OnConflict::Skip)
        .is_empty());
    for id in rig.save(&["/a.txt", "/b.txt"], dir.path(), OnConflict::KeepBoth) {
        assert_eq!(rig.settled(id).await.phase, Phase::Done);
    }
    assert_eq!(listing(dir.path()), ["a (1).txt", "a.txt", "b.txt"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a (1).txt")).unwrap(),
        "new a"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
        "old a"
    );

    let id = rig.save(&["/a.txt"], dir.path(), OnConflict::Replace)[0];
    assert_eq!(rig.settled(id).await.phase, Phase::Done);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
        "new a"
    );
}

#[tokio::test]
async fn a_folder_is_saved_as_a_zip_of_its_files() {
    let rig = rig(json!([
        {"op": "add_file", "path": "/Trip/day1.txt", "content": "sun"},
        {"op": "add_file", "path": "/Trip/Inner/day2.txt", "content": "rain"}
    ]))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let done = rig.save_one("/trip", dir.path()).await;
    assert_eq!(done.phase, Phase::Done, "{:?}", done.phase);
    assert_eq!(done.target, dir.path().join("Trip.zip"));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&done.target).unwrap()).unwrap();
    let mut names: Vec<String> = zip.file_names().map(str::to_string).collect();
    names.sort();
    assert_eq!(names, ["Trip/Inner/day2.txt", "Trip/day1.txt"]);
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("Trip/day1.txt").unwrap(), &mut text).unwrap();
    assert_eq!(text, "sun");
}

/// Files another program left where Dropdesk would write its part (a browser's
/// `Big.txt.part`, even a file at Dropdesk's own part name): none is appended to, trusted
/// for a resume, or removed; the download is whole and correct.
#[tokio::test]
async fn a_part_someone_else_left_is_neither_resumed_nor_removed() {
    let content = bytes(600_000);
    let rig = rig(json!([{"op": "add_file", "path": "/Big.txt", "content": content}])).await;
    let dir = tempfile::tempdir().unwrap();
    let theirs = [
        (
            dir.path().join("Big.txt.part"),
            &content.as_bytes()[..250_000],
        ),
        (dir.path().join(".Big.txt.dropdesk-part"), &[b'#'; 1000][..]),
    ];
    for (path, bytes) in &theirs {
        std::fs::write(path, bytes).unwrap();
    }
    let done = rig.save_one("/big.txt", dir.path()).await;
    assert_eq!(done.phase, Phase::Done);
    assert_eq!(std::fs::read_to_string(&done.target).unwrap(), content);
    assert_eq!(rig.ranges().await, [None], "the whole file was fetched");
    for (path, bytes) in &theirs {
        assert_eq!(std::fs::read(path).unwrap(), *bytes, "{}", path.display());
    }
}

/// Links planted at the names a part could have (in a folder others can write, say) are
/// never followed: the file they point at keeps its bytes.
#[tokio::test]
async fn a_link_planted_as_a_part_is_never_followed() {
    let content = bytes(300_000);
    let rig = rig(json!([{"op": "add_file", "path": "/Big.txt", "content": content}])).await;
    let dir = tempfile::tempdir().unwrap();
    let precious = dir.path().join("precious.txt");
    std::fs::write(&precious, "the person's own file").unwrap();
    for name in ["Big.txt.part", ".Big.txt.dropdesk-part"] {
        std::os::unix::fs::symlink(&precious, dir.path().join(name)).unwrap();
    }
    let done = rig.save_one("/big.txt", dir.path()).await;
    assert_eq!(done.phase, Phase::Done);
    assert_eq!(std::fs::read_to_string(&done.target).unwrap(), content);
    assert_eq!(
        std::fs::read_to_string(&precious).unwrap(),
        "the person's own file"
    );
}

/// A Dropbox file called `a.part` saved beside `a` has nothing to do with `a`'s part.
#[tokio::test]
async fn a_dropbox_file_named_like_a_part_does_not_share_one() {
    let (first, second) = (bytes(400_000), "a file of its own".to_string());
    let rig = rig(json!([
        {"op": "add_file", "path": "/a", "content": first},
        {"op": "add_file", "path": "/a.part", "content": second},
    ]))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let ids = rig.save(&["/a", "/a.part"], dir.path(), OnConflict::KeepBoth);
    for id in ids {
        assert_eq!(rig.settled(id).await.phase, Phase::Done);
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a")).unwrap(),
        first
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.part")).unwrap(),
        second
    );
    assert_eq!(listing(dir.path()), ["a", "a.part"]);
}

/// A file that appears at the target while the download runs (the person saved one
/// there, or another program did) is not replaced: nobody agreed to that. The copy
/// goes beside it, numbered as "keep both" does.
#[tokio::test]
async fn a_file_that_appears_at_the_target_meanwhile_is_not_replaced() {
    let content = bytes(300_000);
    let rig = rig(json!([{"op": "add_file", "path": "/Big.txt", "content": content}])).await;
    rig.fault(json!({"route": "files/download", "delay_ms": 1500}))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let id = rig.save(&["/big.txt"], dir.path(), OnConflict::KeepBoth)[0];
    tokio::time::sleep(Duration::from_millis(300)).await;
    std::fs::write(dir.path().join("Big.txt"), "written meanwhile").unwrap();
    let done = rig.settled(id).await;
    assert_eq!(done.phase, Phase::Done);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Big.txt")).unwrap(),
        "written meanwhile"
    );
    assert_eq!(done.target, dir.path().join("Big (1).txt"));
    assert_eq!(std::fs::read_to_string(&done.target).unwrap(), content);
}

#[tokio::test]
async fn opening_a_file_twice_at_once_downloads_it_once() {
    let content = bytes(800_000);
    let rig = rig(json!([{"op": "add_file", "path": "/Big.txt", "content": content}])).await;
    let (a, b) = tokio::join!(
        rig.browser.open_file("/big.txt", Programs::Ask),
        rig.browser.open_file("/big.txt", Programs::Ask)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a, b);
    assert_eq!(std::fs::read_to_string(&a).unwrap(), content);
    assert_eq!(rig.ranges().await.len(), 1, "one download for both");
}

/// A name of 255 bytes, the most Linux takes, is saved: the part it is written as fits too.
#[tokio::test]
async fn a_name_of_255_bytes_is_saved() {
    let name = format!("{}.txt", "n".repeat(251));
    let rig = rig(json!([{"op": "add_file", "path": format!("/{name}"), "content": "long"}])).await;
    let dir = tempfile::tempdir().unwrap();
    let done = rig
        .save_one(&format!("/{}", name.to_lowercase()), dir.path())
        .await;
    assert_eq!(done.phase, Phase::Done);
    assert_eq!(std::fs::read_to_string(&done.target).unwrap(), "long");
    assert_eq!(listing(dir.path()), [name], "no part left beside it");
}

/// Saving several files, one of which has a name that cannot be a file name here (a `\`,
/// legal in a Dropbox name): the others are saved, and the window is told which one was
/// not, and why, instead of it being skipped silently.
#[tokio::test]
async fn a_name_that_cannot_be_a_file_name_here_is_named_not_skipped_silently() {
    let rig = rig(json!([
        {"op": "add_file", "path": "/ok.txt", "content": "fine"},
        {"op": "add_file", "path": "/..\\..\\x.txt", "content": "sly"},
    ]))
    .await;
    let paths = vec!["/ok.txt".to_string(), "/..\\..\\x.txt".to_string()];
    let refused = rig.browser.refused_names(&paths).unwrap();
    assert_eq!(refused, ["..\\..\\x.txt"]);
    let dir = tempfile::tempdir().unwrap();
    let proposal = rig.browser.propose_save(&paths, dir.path().into()).unwrap();
    let shown = dropdesk::messages::save_choice(Some(proposal.clone()), &refused);
    let ids = proposal.expect("no name taken");
    assert_eq!(ids.len(), 1, "the other file is saved");
    assert_eq!(rig.settled(ids[0]).await.phase, Phase::Done);
    let problem = shown.refused.expect("the window is told");
    assert_eq!(problem.code, "names_refused");
    assert!(
        problem.message.contains("“\u{2068}..\\..\\x.txt\u{2069}”"),
        "{}",
        problem.message
    );
    assert_eq!(listing(dir.path()), ["ok.txt"]);
}
