//! Keeping the folder in order through `Browser`, against fakebox: a new folder is made
//! where the person is and appears in the listing through the watch; a name Dropbox would
//! refuse, or one the folder already has in another case, is refused before any request;
//! a name taken at Dropbox meanwhile is refused by Dropbox and reported as taken, the
//! entry there untouched. Delete with Undo: a batch delete leaves the listing at once and
//! Undo brings back every file at the revision it had and folders with their contents; an
//! entry gone meanwhile is reported without stopping the rest; an Undo that finds a name
//! taken overwrites nothing and can be tried again. Versions: listed newest first; an old
//! one previewed, saved as a copy, and restored (its bytes current again, the listing
//! showing the new revision at once). Move and copy: entries moved into a folder leave
//! their listing at once and show in the target's; a copy leaves the originals; a name
//! the target has is reported taken (Dropbox asked only when its listing is not cached),
//! nothing overwritten; a folder is never put into itself. Deleted files: a file deleted
//! in a folder is listed there with when, and restored from there with its bytes.

mod support;

use std::sync::Arc;

use dropdesk::browser::delete::Along;
use dropdesk::browser::trash::Was;
use dropdesk::browser::versions::Author;
use dropdesk::browser::Browser;
use dropdesk::error::{FileProblem, SessionError};
use dropdesk::files::names::NameProblem;
use dropdesk::listing::Change;
use support::*;

struct Rig {
    w: World<'static>,
    browser: Arc<Browser>,
    events: Events,
}

/// A writing account whose root holds the folder `/Notes`, opened in a browser.
async fn rig() -> Rig {
    let w = writing_world().await;
    w.session.create_folder("/Notes").await.unwrap();
    let browser = Browser::new(w.session.clone());
    let (events, report) = recorder();
    browser.open("", "", &by_name(), 50, report).await.unwrap();
    Rig { w, browser, events }
}

/// How many rows of the root are named `name`.
fn rows_named(browser: &Browser, name: &str) -> usize {
    all_names(browser, "").iter().filter(|n| *n == name).count()
}

async fn requests_to(w: &World<'_>, route: &str) -> usize {
    state(w).await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == route)
        .count()
}

async fn folders_made(w: &World<'_>) -> usize {
    requests_to(w, "/2/files/create_folder_v2").await
}

async fn moves(w: &World<'_>) -> usize {
    requests_to(w, "/2/files/move_v2").await
}

/// The names in `path` at Dropbox.
async fn names_at_dropbox(w: &World<'_>, path: &str) -> Vec<String> {
    let listed = w.session.list_folder(path).await.unwrap();
    let mut names: Vec<_> = listed
        .changes
        .iter()
        .map(|c| match c {
            Change::Upsert(e) => e.name.clone(),
            Change::Removed(key) => panic!("a removal in a first page: {key}"),
        })
        .collect();
    names.sort();
    names
}

/// `/Notes/Draft` made, `/Notes` listed and left (its listing cached, no longer watched):
/// what changes in it at Dropbox now, the browser does not hear of.
async fn draft_listed_then_left(r: &Rig) {
    r.w.session.create_folder("/Notes/Draft").await.unwrap();
    let (_, report) = recorder();
    r.browser
        .open("/Notes", "/notes", &by_name(), 50, report.clone())
        .await
        .unwrap();
    r.browser
        .open("", "", &by_name(), 50, report)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_new_folder_is_made_where_the_person_is_and_the_listing_shows_it() {
    let r = rig().await;
    let (path, path_lower) = r.browser.new_folder(("", ""), "Travel 2027").await.unwrap();
    assert_eq!(
        (path.as_str(), path_lower.as_str()),
        ("/Travel 2027", "/travel 2027")
    );
    assert_eq!(
        rows_named(&r.browser, "Travel 2027"),
        1,
        "listed at once, before the watch hears of it"
    );
    // The watch's news of it later is the same row, not a second one.
    until(&r.events, "the watch's news of it", |p| {
        p.version > 1 && p.fresh.iter().any(|f| f == "/travel 2027")
    })
    .await;
    assert_eq!(rows_named(&r.browser, "Travel 2027"), 1, "one row, not two");
    let inside = r
        .browser
        .new_folder((&path, &path_lower), "Tickets")
        .await
        .unwrap();
    assert_eq!(inside.0, "/Travel 2027/Tickets");
}

#[tokio::test]
async fn a_name_the_folder_has_in_another_case_is_taken_before_any_request() {
    let r = rig().await;
    let before = folders_made(&r.w).await;
    let refused = r.browser.new_folder(("", ""), "NOTES").await.unwrap_err();
    assert!(
        matches!(&refused, SessionError::File(FileProblem::NameTaken { name }) if name == "NOTES"),
        "{refused:?}"
    );
    assert_eq!(folders_made(&r.w).await, before, "no request made");
}

#[tokio::test]
async fn names_dropbox_refuses_are_refused_with_why_before_any_request() {
    let r = rig().await;
    let before = folders_made(&r.w).await;
    for (name, why) in [
        ("", NameProblem::Empty),
        ("..", NameProblem::Dots),
        ("a/b", NameProblem::Slash),
        ("trailing ", NameProblem::SpaceAtEnd),
        (&"n".repeat(256), NameProblem::TooLong),
        ("desktop.ini", NameProblem::Reserved),
    ] {
        let refused = r.browser.new_folder(("", ""), name).await.unwrap_err();
        assert!(
            matches!(refused, SessionError::File(FileProblem::NameRefused(p)) if p == why),
            "{name:?}: {refused:?}"
        );
    }
    assert_eq!(folders_made(&r.w).await, before, "no request made");
}

#[tokio::test]
async fn a_name_taken_at_dropbox_unknown_to_the_listing_is_reported_taken_and_left_alone() {
    let r = rig().await;
    // Someone else makes "plans" inside a folder this browser has not listed.
    r.w.session.create_folder("/Notes/plans").await.unwrap();
    let before = folders_made(&r.w).await;
    let refused = r
        .browser
        .new_folder(("/Notes", "/notes"), "Plans")
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, SessionError::File(FileProblem::NameTaken { name }) if name == "Plans"),
        "{refused:?}"
    );
    assert_eq!(folders_made(&r.w).await, before + 1, "Dropbox was asked");
    assert_eq!(
        names_at_dropbox(&r.w, "/Notes").await,
        ["plans"],
        "theirs untouched, nothing beside it"
    );
}

#[tokio::test]
async fn a_rename_is_made_at_dropbox_and_listed_at_once_under_the_new_name_only() {
    let r = rig().await;
    let (path, path_lower) = r.browser.rename("/notes", "Notes 2026").await.unwrap();
    assert_eq!(
        (path.as_str(), path_lower.as_str()),
        ("/Notes 2026", "/notes 2026")
    );
    assert_eq!(rows_named(&r.browser, "Notes 2026"), 1, "listed at once");
    assert_eq!(rows_named(&r.browser, "Notes"), 0, "the old name gone");
    assert!(names_at_dropbox(&r.w, "")
        .await
        .contains(&"Notes 2026".to_string()));
}

#[tokio::test]
async fn a_rename_that_changes_only_the_case_is_a_rename_not_a_taken_name() {
    let r = rig().await;
    let (path, _) = r.browser.rename("/notes", "NOTES").await.unwrap();
    assert_eq!(path, "/NOTES");
    assert_eq!(
        rows_named(&r.browser, "NOTES"),
        1,
        "listed at once, the watch never tells"
    );
    assert_eq!(rows_named(&r.browser, "Notes"), 0);
    assert!(names_at_dropbox(&r.w, "")
        .await
        .contains(&"NOTES".to_string()));
}

#[tokio::test]
async fn a_rename_to_a_name_another_entry_has_in_another_case_is_refused_before_any_request() {
    let r = rig().await;
    r.w.session.create_folder("/Plans").await.unwrap();
    until(&r.events, "Plans listed", |_| {
        rows_named(&r.browser, "Plans") == 1
    })
    .await;
    let refused = r.browser.rename("/notes", "PLANS").await.unwrap_err();
    assert!(
        matches!(&refused, SessionError::File(FileProblem::NameTaken { name }) if name == "PLANS"),
        "{refused:?}"
    );
    let refused = r.browser.rename("/notes", "a/b").await.unwrap_err();
    assert!(
        matches!(
            refused,
            SessionError::File(FileProblem::NameRefused(NameProblem::Slash))
        ),
        "{refused:?}"
    );
    assert_eq!(moves(&r.w).await, 0, "no request made");
}

#[tokio::test]
async fn a_rename_onto_a_name_taken_at_dropbox_after_the_listing_leaves_both_entries_as_they_were()
{
    let r = rig().await;
    draft_listed_then_left(&r).await;
    r.w.session.create_folder("/Notes/Final").await.unwrap();
    let refused = r.browser.rename("/notes/draft", "Final").await.unwrap_err();
    assert!(
        matches!(&refused, SessionError::File(FileProblem::NameTaken { name }) if name == "Final"),
        "{refused:?}"
    );
    assert_eq!(moves(&r.w).await, 1, "Dropbox was asked, and refused");
    assert_eq!(names_at_dropbox(&r.w, "/Notes").await, ["Draft", "Final"]);
}

#[tokio::test]
async fn a_rename_of_an_entry_moved_away_at_dropbox_meanwhile_is_reported_gone() {
    let r = rig().await;
    draft_listed_then_left(&r).await;
    r.w.session
        .move_entry("/Notes/Draft", "/Notes/Moved")
        .await
        .unwrap();
    let refused = r
        .browser
        .rename("/notes/draft", "Renamed")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, SessionError::File(FileProblem::Gone)),
        "{refused:?}"
    );
    assert_eq!(names_at_dropbox(&r.w, "/Notes").await, ["Moved"]);
}

/// Files put at fakebox directly: `(path, content)`.
async fn files_at_dropbox(w: &World<'_>, files: &[(&str, &str)]) {
    let ops: Vec<_> = files
        .iter()
        .map(|(path, content)| serde_json::json!({"op": "add_file", "path": path, "content": content}))
        .collect();
    post(w, "files", serde_json::json!({ "ops": ops })).await;
}

/// The bytes of the file at `path` at Dropbox.
async fn bytes_at_dropbox(w: &World<'_>, path: &str) -> Vec<u8> {
    w.session.download_head(path, 1 << 20).await.unwrap().1
}

async fn exists_at_dropbox(w: &World<'_>, path: &str) -> bool {
    w.session.metadata(path).await.is_ok()
}

fn ignored() -> Along {
    Arc::new(|_, _| {})
}

#[tokio::test]
async fn a_batch_delete_leaves_at_once_and_undo_brings_back_files_at_their_revision_and_folders_with_contents(
) {
    let r = rig().await;
    files_at_dropbox(
        &r.w,
        &[
            ("/Notes/a.txt", "alpha"),
            ("/Notes/Sub/b.txt", "beta"),
            ("/top.txt", "top, first"),
        ],
    )
    .await;
    r.w.session.create_folder("/Notes/Empty").await.unwrap();
    // The revision deleted is the one Undo brings back, not an older one.
    files_at_dropbox(&r.w, &[("/top.txt", "top, second")]).await;
    until(&r.events, "top.txt listed", |_| {
        rows_named(&r.browser, "top.txt") == 1
    })
    .await;
    let heard = Arc::new(std::sync::Mutex::new(Vec::new()));
    let along: Along = {
        let heard = heard.clone();
        Arc::new(move |done, total| heard.lock().unwrap().push((done, total)))
    };
    let deleted = r
        .browser
        .delete(&["/notes".into(), "/top.txt".into()], along)
        .await
        .unwrap();
    assert_eq!(deleted.deleted, 2, "{:?}", deleted.problems);
    assert!(deleted.problems.is_empty());
    assert_eq!(heard.lock().unwrap().last(), Some(&(2, 2)));
    assert_eq!(
        rows_named(&r.browser, "Notes"),
        0,
        "gone from the listing at once"
    );
    assert_eq!(rows_named(&r.browser, "top.txt"), 0);
    assert!(!exists_at_dropbox(&r.w, "/Notes").await);
    assert!(!exists_at_dropbox(&r.w, "/top.txt").await);
    assert_eq!(
        requests_to(&r.w, "/2/files/delete_batch").await,
        1,
        "one batch"
    );

    let undone = r
        .browser
        .undo_delete(deleted.undo.expect("undoable"), ignored())
        .await
        .unwrap();
    assert_eq!(undone.restored, 2, "{:?}", undone.problems);
    assert_eq!(
        rows_named(&r.browser, "Notes"),
        1,
        "back in the listing at once"
    );
    assert_eq!(rows_named(&r.browser, "top.txt"), 1);
    assert_eq!(bytes_at_dropbox(&r.w, "/top.txt").await, b"top, second");
    assert_eq!(bytes_at_dropbox(&r.w, "/Notes/a.txt").await, b"alpha");
    assert_eq!(bytes_at_dropbox(&r.w, "/Notes/Sub/b.txt").await, b"beta");
    assert!(
        exists_at_dropbox(&r.w, "/Notes/Empty").await,
        "the empty folder made again"
    );
}

#[tokio::test]
async fn an_entry_gone_at_dropbox_before_the_delete_is_reported_and_the_others_still_go() {
    let r = rig().await;
    files_at_dropbox(&r.w, &[("/Notes/x.txt", "x"), ("/Notes/y.txt", "y")]).await;
    draft_listed_then_left(&r).await;
    post(
        &r.w,
        "files",
        serde_json::json!({"ops": [{"op": "delete", "path": "/Notes/x.txt"}]}),
    )
    .await;
    let deleted = r
        .browser
        .delete(&["/notes/x.txt".into(), "/notes/y.txt".into()], ignored())
        .await
        .unwrap();
    assert_eq!(deleted.deleted, 1);
    assert!(
        matches!(
            deleted.problems.as_slice(),
            [(name, SessionError::File(FileProblem::Gone))] if name == "x.txt"
        ),
        "{:?}",
        deleted.problems
    );
    assert!(!exists_at_dropbox(&r.w, "/Notes/y.txt").await);
    assert_eq!(names_at_dropbox(&r.w, "/Notes").await, ["Draft"]);
}

#[tokio::test]
async fn an_undo_that_finds_the_name_taken_overwrites_nothing_and_can_be_tried_again() {
    let r = rig().await;
    files_at_dropbox(&r.w, &[("/report.txt", "mine"), ("/keep.txt", "keep")]).await;
    until(&r.events, "both listed", |_| {
        rows_named(&r.browser, "report.txt") == 1 && rows_named(&r.browser, "keep.txt") == 1
    })
    .await;
    let deleted = r
        .browser
        .delete(&["/report.txt".into(), "/keep.txt".into()], ignored())
        .await
        .unwrap();
    let undo = deleted.undo.unwrap();
    // Someone makes a folder where the file was.
    r.w.session.create_folder("/report.txt").await.unwrap();
    let undone = r.browser.undo_delete(undo, ignored()).await.unwrap();
    assert_eq!(undone.restored, 1, "keep.txt came back");
    assert!(
        matches!(undone.problems.as_slice(), [(name, _)] if name == "report.txt"),
        "{:?}",
        undone.problems
    );
    assert_eq!(bytes_at_dropbox(&r.w, "/keep.txt").await, b"keep");
    assert!(
        exists_at_dropbox(&r.w, "/report.txt").await,
        "their folder untouched"
    );
    // The folder goes; Undo again brings back what was left.
    post(
        &r.w,
        "files",
        serde_json::json!({"ops": [{"op": "delete", "path": "/report.txt"}]}),
    )
    .await;
    let again = r.browser.undo_delete(undo, ignored()).await.unwrap();
    assert_eq!(again.restored, 1, "{:?}", again.problems);
    assert_eq!(bytes_at_dropbox(&r.w, "/report.txt").await, b"mine");
}

/// A browser with files (to save copies) whose root lists `/plan.txt`, written twice.
async fn plan_in_two_versions(w: &World<'_>, cache: &std::path::Path) -> Arc<Browser> {
    files_at_dropbox(w, &[("/plan.txt", "first plan")]).await;
    files_at_dropbox(w, &[("/plan.txt", "second plan")]).await;
    let browser = support::browser_with_files(w.session.clone(), cache, None);
    let (_, report) = recorder();
    browser.open("", "", &by_name(), 50, report).await.unwrap();
    browser
}

#[tokio::test]
async fn versions_are_listed_newest_first_and_an_old_one_restored_is_current_again() {
    let w = writing_world().await;
    let cache = tempfile::tempdir().unwrap();
    let browser = plan_in_two_versions(&w, cache.path()).await;
    let versions = browser.versions("/plan.txt").await.unwrap();
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert!(versions[0].current && !versions[1].current);
    assert_eq!((versions[0].size, versions[1].size), (11, 10));

    browser
        .restore_version("/plan.txt", &versions[1].rev)
        .await
        .unwrap();
    assert_eq!(bytes_at_dropbox(&w, "/plan.txt").await, b"first plan");
    let now = browser.versions("/plan.txt").await.unwrap();
    assert_eq!(now.len(), 3, "restoring adds a version, the others kept");
    assert_eq!(
        browser.entry_at("/plan.txt").unwrap().rev.as_deref(),
        Some(now[0].rev.as_str()),
        "the listing shows the new revision at once"
    );
}

#[tokio::test]
async fn an_old_version_is_previewed_and_saved_as_a_copy_without_changing_the_file() {
    let w = writing_world().await;
    let cache = tempfile::tempdir().unwrap();
    let browser = plan_in_two_versions(&w, cache.path()).await;
    let versions = browser.versions("/plan.txt").await.unwrap();
    let old = &versions[1].rev;
    let preview = browser.preview_version("/plan.txt", old).await.unwrap();
    assert_eq!(
        preview.body,
        dropdesk::browser::preview::Body::Text {
            text: "first plan".into(),
            whole: true
        }
    );
    let target = cache.path().join("plan (first).txt");
    let id = browser
        .save_version("/plan.txt", old, target.clone())
        .unwrap();
    let done = settled(&browser, id).await;
    assert_eq!(done.phase, dropdesk::files::Phase::Done, "{done:?}");
    assert_eq!(std::fs::read(&target).unwrap(), b"first plan");
    assert_eq!(bytes_at_dropbox(&w, "/plan.txt").await, b"second plan");
}

/// `/a.txt` and `/Sub/s.txt` beside `/Notes`, listed in the root.
async fn beside_notes(r: &Rig) {
    files_at_dropbox(&r.w, &[("/a.txt", "a"), ("/Sub/s.txt", "s")]).await;
    until(&r.events, "a.txt and Sub listed", |_| {
        rows_named(&r.browser, "a.txt") == 1 && rows_named(&r.browser, "Sub") == 1
    })
    .await;
}

#[tokio::test]
async fn entries_moved_into_a_folder_leave_their_listing_at_once_and_show_in_the_targets() {
    let r = rig().await;
    beside_notes(&r).await;
    let (_, report) = recorder();
    r.browser
        .open("/Notes", "/notes", &by_name(), 50, report.clone())
        .await
        .unwrap();
    r.browser
        .open("", "", &by_name(), 50, report)
        .await
        .unwrap();
    let moved = r
        .browser
        .relocate(
            &["/a.txt".into(), "/sub".into()],
            ("/Notes", "/notes"),
            false,
            ignored(),
        )
        .await
        .unwrap();
    assert_eq!(moved.done, 2, "{:?}", moved.problems);
    assert_eq!(
        rows_named(&r.browser, "a.txt"),
        0,
        "gone from the root at once"
    );
    assert_eq!(rows_named(&r.browser, "Sub"), 0);
    let mut there = all_names(&r.browser, "/notes");
    there.sort();
    assert_eq!(there, ["Sub", "a.txt"], "in the target's listing at once");
    assert_eq!(bytes_at_dropbox(&r.w, "/Notes/Sub/s.txt").await, b"s");
    assert!(!exists_at_dropbox(&r.w, "/a.txt").await);
    assert_eq!(
        requests_to(&r.w, "/2/files/move_batch_v2").await,
        1,
        "one batch"
    );
}

#[tokio::test]
async fn a_copy_leaves_the_originals_and_a_name_taken_there_is_reported_and_left_alone() {
    let r = rig().await;
    beside_notes(&r).await;
    // Someone else's file in the target, unknown to this browser.
    files_at_dropbox(&r.w, &[("/Notes/A.TXT", "theirs")]).await;
    let copied = r
        .browser
        .relocate(
            &["/a.txt".into(), "/sub".into()],
            ("/Notes", "/notes"),
            true,
            ignored(),
        )
        .await
        .unwrap();
    assert_eq!(copied.done, 1);
    assert!(
        matches!(
            copied.problems.as_slice(),
            [(name, SessionError::File(FileProblem::NameTaken { .. }))] if name == "a.txt"
        ),
        "{:?}",
        copied.problems
    );
    assert_eq!(bytes_at_dropbox(&r.w, "/Notes/A.TXT").await, b"theirs");
    assert_eq!(
        bytes_at_dropbox(&r.w, "/a.txt").await,
        b"a",
        "the original stays"
    );
    assert_eq!(bytes_at_dropbox(&r.w, "/Notes/Sub/s.txt").await, b"s");
    assert_eq!(rows_named(&r.browser, "Sub"), 1);
}

#[tokio::test]
async fn a_folder_is_never_put_into_itself_and_no_request_is_made() {
    let r = rig().await;
    r.w.session.create_folder("/Notes/Inner").await.unwrap();
    let moved = r
        .browser
        .relocate(
            &["/notes".into()],
            ("/Notes/Inner", "/notes/inner"),
            false,
            ignored(),
        )
        .await
        .unwrap();
    assert_eq!(moved.done, 0);
    assert!(
        matches!(
            moved.problems.as_slice(),
            [(_, SessionError::File(FileProblem::IntoItself))]
        ),
        "{:?}",
        moved.problems
    );
    assert_eq!(requests_to(&r.w, "/2/files/move_batch_v2").await, 0);
}

#[tokio::test]
async fn a_deleted_file_is_listed_in_its_folder_with_when_and_restored_from_there() {
    let r = rig().await;
    files_at_dropbox(
        &r.w,
        &[("/old notes.txt", "kept for later"), ("/stays.txt", "s")],
    )
    .await;
    until(&r.events, "both listed", |_| {
        rows_named(&r.browser, "old notes.txt") == 1 && rows_named(&r.browser, "stays.txt") == 1
    })
    .await;
    r.browser
        .delete(&["/old notes.txt".into()], ignored())
        .await
        .unwrap();
    let deleted = r.browser.deleted_in("").await.unwrap();
    assert_eq!(deleted.len(), 1, "{deleted:?}");
    let file = &deleted[0];
    let Was::File { rev, size } = &file.was else {
        panic!("a file: {file:?}")
    };
    assert_eq!((file.name.as_str(), *size), ("old notes.txt", 14));
    assert!(
        file.deleted_at.as_deref().is_some_and(|t| t.ends_with('Z')),
        "{file:?}"
    );
    r.browser.restore_deleted(&file.path, rev).await.unwrap();
    assert_eq!(
        rows_named(&r.browser, "old notes.txt"),
        1,
        "back in the listing at once"
    );
    assert_eq!(
        bytes_at_dropbox(&r.w, "/old notes.txt").await,
        b"kept for later"
    );
    assert!(r.browser.deleted_in("").await.unwrap().is_empty());
}

#[tokio::test]
async fn a_deleted_folder_is_listed_with_when_and_comes_back_with_its_files_and_subfolders() {
    let r = rig().await;
    files_at_dropbox(
        &r.w,
        &[
            ("/Trip/day 1.txt", "sunny"),
            ("/Trip/Photos/beach.jpg", "sand"),
        ],
    )
    .await;
    r.w.session.create_folder("/Trip/Empty").await.unwrap();
    until(&r.events, "the folder listed", |_| {
        rows_named(&r.browser, "Trip") == 1
    })
    .await;
    r.browser
        .delete(&["/trip".into()], ignored())
        .await
        .unwrap();
    let deleted = r.browser.deleted_in("").await.unwrap();
    assert_eq!(deleted.len(), 1, "{deleted:?}");
    let folder = &deleted[0];
    assert_eq!(
        (folder.name.as_str(), &folder.was),
        ("Trip", &Was::Folder { held: 4 }),
        "two files and two subfolders below it"
    );
    assert!(
        folder
            .deleted_at
            .as_deref()
            .is_some_and(|t| t.ends_with('Z')),
        "when its files went: {folder:?}"
    );
    r.browser
        .restore_deleted_folder(&folder.path, ignored())
        .await
        .unwrap();
    assert_eq!(
        rows_named(&r.browser, "Trip"),
        1,
        "back in the listing at once"
    );
    assert_eq!(bytes_at_dropbox(&r.w, "/Trip/day 1.txt").await, b"sunny");
    assert_eq!(
        bytes_at_dropbox(&r.w, "/Trip/Photos/beach.jpg").await,
        b"sand"
    );
    assert_eq!(names_at_dropbox(&r.w, "/Trip").await.len(), 3, "Empty too");
    assert!(r.browser.deleted_in("").await.unwrap().is_empty());
}

#[tokio::test]
async fn versions_in_a_shared_folder_say_whether_you_or_another_person_made_each() {
    let mut w = world(
        None,
        |c| c.extra_accounts.push(fakebox::ExtraAccount::sam()),
        std::time::Duration::from_secs(60),
    )
    .await;
    connect(&mut w).await;
    let by = |account: usize, content: &str| {
        serde_json::json!({"ops": [{"op": "add_file", "path": "/Shared/plan.txt",
                                    "content": content, "modified_by": account}]})
    };
    post(&w, "files", by(1, "Sam's draft")).await;
    post(&w, "files", by(0, "my edit")).await;
    files_at_dropbox(&w, &[("/mine.txt", "not shared")]).await;
    let cache = tempfile::tempdir().unwrap();
    let browser = support::browser_with_files(w.session.clone(), cache.path(), None);
    let (_, report) = recorder();
    browser
        .open("/Shared", "/shared", &by_name(), 50, report.clone())
        .await
        .unwrap();
    browser.open("", "", &by_name(), 50, report).await.unwrap();

    let versions = browser.versions("/shared/plan.txt").await.unwrap();
    let who: Vec<_> = versions.iter().map(|v| v.by).collect();
    assert_eq!(who, [Some(Author::You), Some(Author::Another)]);
    let versions = browser.versions("/mine.txt").await.unwrap();
    assert_eq!(
        versions[0].by, None,
        "Dropbox says who only in a shared folder"
    );
}
