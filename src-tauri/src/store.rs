//! The listing store: every folder's listing and cursor kept on disk per account (and
//! where each unfinished upload stands, to resume it after a restart), in SQLite
//! (rusqlite over the system's SQLite; a bundled copy on Windows, which has none), so that a start shows the last folders at once and they stay
//! browsable offline, then catch up through their cursors. File names and metadata only,
//! never a token. In `$XDG_CACHE_HOME/dropdesk/` (folder 0700, file 0600). Crash-safe: a
//! folder is written in one transaction (write-ahead log), and only whole listings are
//! written, so a kill in the middle leaves the previous state, never half a listing.
//! Bounded: past [`MAX_ENTRIES`] rows in all, the least recently used folders go. Image
//! thumbnails are kept beside the listings, per file revision, at most
//! [`MAX_THUMBNAILS`]. An account's folders and thumbnails are deleted on Disconnect and on
//! revocation, from every file: SQLite overwrites deleted content (`secure_delete`), and
//! the write-ahead log, which still holds the pages as they were, is checkpointed and
//! truncated.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};

use crate::listing::Change;
use crate::vault::now_unix;
use crate::view::{Entry, Kind};

/// Rows kept at most, over every folder of every account.
pub const MAX_ENTRIES: i64 = 500_000;

/// What is stored of a folder besides its entries.
pub struct Stored {
    pub cursor: String,
    /// Unix seconds when it was written.
    pub saved_at: u64,
}

pub struct ListingStore {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA secure_delete = ON;
    CREATE TABLE IF NOT EXISTS folders (
        account TEXT NOT NULL, folder TEXT NOT NULL, cursor TEXT NOT NULL,
        saved_at INTEGER NOT NULL, used_at INTEGER NOT NULL, entries INTEGER NOT NULL,
        PRIMARY KEY (account, folder));
    CREATE TABLE IF NOT EXISTS entries (
        account TEXT NOT NULL, folder TEXT NOT NULL, path_lower TEXT NOT NULL,
        folder_kind INTEGER NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL,
        size INTEGER, modified TEXT, rev TEXT,
        PRIMARY KEY (account, folder, path_lower));
    CREATE TABLE IF NOT EXISTS uploads (
        account TEXT NOT NULL, target TEXT NOT NULL, local BLOB NOT NULL,
        size INTEGER NOT NULL, modified_ns INTEGER NOT NULL, replace_rev TEXT,
        autorename INTEGER NOT NULL, session_id TEXT NOT NULL, offset INTEGER NOT NULL,
        PRIMARY KEY (account, target));
    CREATE TABLE IF NOT EXISTS thumbnails (
        account TEXT NOT NULL, path_lower TEXT NOT NULL, rev TEXT NOT NULL,
        mime TEXT NOT NULL, bytes BLOB NOT NULL, used_at INTEGER NOT NULL,
        PRIMARY KEY (account, path_lower, rev));
";

/// An upload not finished yet, kept so that it can go on after a restart: where it goes,
/// the local file as it was, how it commits, and its session at Dropbox with the offset
/// Dropbox confirmed (never a token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnfinishedUpload {
    /// Its path in the app folder.
    pub target: String,
    pub local: PathBuf,
    pub size: u64,
    /// The local file's modification time, in nanoseconds since 1970.
    pub modified_ns: i64,
    /// Replace only this revision (`None`: add).
    pub replace_rev: Option<String>,
    pub autorename: bool,
    pub session_id: String,
    pub offset: u64,
}

/// A local path as stored: its bytes (any name the system allows, not only UTF-8).
fn path_bytes(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned().into_bytes()
    }
}

fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Thumbnails kept at most (the least recently used go first).
pub const MAX_THUMBNAILS: i64 = 2000;

impl ListingStore {
    /// The platform's place for the store.
    pub fn default_path() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("dropdesk").join("listings.sqlite3"))
    }

    pub fn open(path: &Path) -> rusqlite::Result<ListingStore> {
        if let Some(dir) = path.parent() {
            let _ = crate::files::private_dir(dir);
        }
        let conn = Connection::open(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for file in [path.to_path_buf(), path.with_extension("sqlite3-wal")] {
                let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
            }
        }
        conn.execute_batch(SCHEMA)?;
        Ok(ListingStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replace a folder's stored listing with this whole one, in one transaction.
    pub fn save(
        &self,
        account: &str,
        folder: &str,
        entries: impl IntoIterator<Item = Entry>,
        cursor: &str,
    ) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM entries WHERE account = ?1 AND folder = ?2",
            params![account, folder],
        )?;
        let mut count = 0i64;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR REPLACE INTO entries VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for e in entries {
                insert.execute(row(account, folder, &e))?;
                count += 1;
            }
        }
        let now = now_unix() as i64;
        tx.execute(
            "INSERT OR REPLACE INTO folders VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
            params![account, folder, cursor, now, count],
        )?;
        evict(&tx)?;
        tx.commit()
    }

    /// Apply the changes Dropbox reported after `from` to a stored folder, in order and in
    /// one transaction, when what is stored is at `from`; `false`, and nothing written,
    /// when it is not (a whole listing must be written instead).
    pub fn apply_delta(
        &self,
        account: &str,
        folder: &str,
        from: &str,
        changes: &[Change],
        cursor: &str,
    ) -> rusqlite::Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let stored: Option<String> = tx
            .query_row(
                "SELECT cursor FROM folders WHERE account = ?1 AND folder = ?2",
                params![account, folder],
                |r| r.get(0),
            )
            .optional()?;
        if stored.as_deref() != Some(from) {
            return Ok(false);
        }
        {
            let mut upsert = tx.prepare_cached(
                "INSERT OR REPLACE INTO entries VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            let mut remove = tx.prepare_cached(
                "DELETE FROM entries WHERE account = ?1 AND folder = ?2 AND path_lower = ?3",
            )?;
            for change in changes {
                match change {
                    Change::Upsert(e) => upsert.execute(row(account, folder, e))?,
                    Change::Removed(path_lower) => {
                        remove.execute(params![account, folder, path_lower])?
                    }
                };
            }
        }
        let now = now_unix() as i64;
        tx.execute(
            "UPDATE folders SET cursor = ?3, saved_at = ?4, used_at = ?4,
                entries = (SELECT COUNT(*) FROM entries WHERE account = ?1 AND folder = ?2)
             WHERE account = ?1 AND folder = ?2",
            params![account, folder, cursor, now],
        )?;
        evict(&tx)?;
        tx.commit()?;
        Ok(true)
    }

    /// A folder's stored listing, marked as just used: each entry is handed to `each` as it
    /// is read (a folder of 100,000 is never all in memory twice).
    pub fn load(
        &self,
        account: &str,
        folder: &str,
        each: &mut dyn FnMut(Entry),
    ) -> rusqlite::Result<Option<Stored>> {
        let conn = self.conn();
        let Some((cursor, saved_at)) = conn
            .query_row(
                "SELECT cursor, saved_at FROM folders WHERE account = ?1 AND folder = ?2",
                params![account, folder],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()?
        else {
            return Ok(None);
        };
        conn.execute(
            "UPDATE folders SET used_at = ?3 WHERE account = ?1 AND folder = ?2",
            params![account, folder, now_unix() as i64],
        )?;
        let mut rows = conn.prepare_cached(
            "SELECT path_lower, folder_kind, name, path, size, modified, rev
             FROM entries WHERE account = ?1 AND folder = ?2",
        )?;
        let entries = rows.query_map(params![account, folder], |r| {
            Ok(Entry {
                path_lower: r.get(0)?,
                kind: if r.get::<_, i64>(1)? == 1 {
                    Kind::Folder
                } else {
                    Kind::File
                },
                name: r.get(2)?,
                path: r.get(3)?,
                size: r.get::<_, Option<i64>>(4)?.map(|s| s as u64),
                modified: r.get(5)?,
                rev: r.get(6)?,
            })
        })?;
        for entry in entries {
            each(entry?);
        }
        Ok(Some(Stored {
            cursor,
            saved_at: saved_at as u64,
        }))
    }

    /// Forget one folder (it vanished at Dropbox), in one transaction.
    pub fn forget_folder(&self, account: &str, folder: &str) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        delete_folder(&tx, account, folder)?;
        tx.commit()
    }

    /// The thumbnail of a file's revision, if one is kept: `(mime, bytes)`.
    pub fn thumbnail(
        &self,
        account: &str,
        path_lower: &str,
        rev: &str,
    ) -> rusqlite::Result<Option<(String, Vec<u8>)>> {
        let conn = self.conn();
        let key = params![account, path_lower, rev];
        let found = conn
            .query_row(
                "SELECT mime, bytes FROM thumbnails
                 WHERE account = ?1 AND path_lower = ?2 AND rev = ?3",
                key,
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if found.is_some() {
            conn.execute(
                "UPDATE thumbnails SET used_at = ?4
                 WHERE account = ?1 AND path_lower = ?2 AND rev = ?3",
                params![account, path_lower, rev, now_unix() as i64],
            )?;
        }
        Ok(found)
    }

    /// Keep a file revision's thumbnail (older revisions' go), within the bound.
    pub fn keep_thumbnail(
        &self,
        account: &str,
        path_lower: &str,
        rev: &str,
        mime: &str,
        bytes: &[u8],
    ) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM thumbnails WHERE account = ?1 AND path_lower = ?2",
            params![account, path_lower],
        )?;
        tx.execute(
            "INSERT INTO thumbnails VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![account, path_lower, rev, mime, bytes, now_unix() as i64],
        )?;
        tx.execute(
            "DELETE FROM thumbnails WHERE rowid NOT IN
             (SELECT rowid FROM thumbnails ORDER BY used_at DESC, rowid DESC LIMIT ?1)",
            params![MAX_THUMBNAILS],
        )?;
        tx.commit()
    }

    /// Forget every folder and thumbnail of an account (on Disconnect and revocation).
    /// Keep (or update) where an unfinished upload stands.
    pub fn keep_upload(&self, account: &str, u: &UnfinishedUpload) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT OR REPLACE INTO uploads VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                account,
                u.target,
                path_bytes(&u.local),
                u.size as i64,
                u.modified_ns,
                u.replace_rev,
                u.autorename,
                u.session_id,
                u.offset as i64
            ],
        )?;
        Ok(())
    }

    /// The upload to `target` finished, failed for good or was cancelled: nothing to resume.
    pub fn forget_upload(&self, account: &str, target: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "DELETE FROM uploads WHERE account = ?1 AND target = ?2",
            params![account, target],
        )?;
        Ok(())
    }

    /// The account's unfinished uploads.
    pub fn unfinished_uploads(&self, account: &str) -> rusqlite::Result<Vec<UnfinishedUpload>> {
        let conn = self.conn();
        let mut select = conn.prepare_cached(
            "SELECT target, local, size, modified_ns, replace_rev, autorename, session_id, offset
             FROM uploads WHERE account = ?1 ORDER BY target",
        )?;
        let rows = select.query_map(params![account], |r| {
            let local: Vec<u8> = r.get(1)?;
            Ok(UnfinishedUpload {
                target: r.get(0)?,
                local: path_from_bytes(local),
                size: r.get::<_, i64>(2)? as u64,
                modified_ns: r.get(3)?,
                replace_rev: r.get(4)?,
                autorename: r.get(5)?,
                session_id: r.get(6)?,
                offset: r.get::<_, i64>(7)? as u64,
            })
        })?;
        rows.collect()
    }

    pub fn forget_account(&self, account: &str) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM thumbnails WHERE account = ?1",
            params![account],
        )?;
        tx.execute("DELETE FROM entries WHERE account = ?1", params![account])?;
        tx.execute("DELETE FROM uploads WHERE account = ?1", params![account])?;
        tx.execute("DELETE FROM folders WHERE account = ?1", params![account])?;
        tx.commit()?;
        // The log still holds the pages as they were before: copy the overwritten pages
        // into the database and empty the log.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
    }
}

/// An entry as a row of `entries`.
fn row<'a>(account: &'a str, folder: &'a str, e: &'a Entry) -> impl rusqlite::Params + 'a {
    (
        account,
        folder,
        &e.path_lower,
        i64::from(e.kind == Kind::Folder),
        &e.name,
        &e.path,
        e.size.map(|s| s as i64),
        &e.modified,
        &e.rev,
    )
}

/// Drop the least recently used folders until at most [`MAX_ENTRIES`] rows remain.
fn evict(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    loop {
        let total: i64 =
            tx.query_row("SELECT COALESCE(SUM(entries), 0) FROM folders", [], |r| {
                r.get(0)
            })?;
        if total <= MAX_ENTRIES {
            return Ok(());
        }
        let oldest: Option<(String, String)> = tx
            .query_row(
                "SELECT account, folder FROM folders ORDER BY used_at, saved_at LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((account, folder)) = oldest else {
            return Ok(());
        };
        delete_folder(tx, &account, &folder)?;
    }
}

/// A folder's entries and its row; the caller's transaction makes them go together.
fn delete_folder(tx: &rusqlite::Transaction, account: &str, folder: &str) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM entries WHERE account = ?1 AND folder = ?2",
        params![account, folder],
    )?;
    tx.execute(
        "DELETE FROM folders WHERE account = ?1 AND folder = ?2",
        params![account, folder],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> Entry {
        Entry {
            kind: Kind::File,
            name: name.into(),
            path: format!("/{name}"),
            path_lower: format!("/{}", name.to_lowercase()),
            size: Some(3),
            modified: Some("2026-01-01T00:00:00Z".into()),
            rev: Some("0123456789abcdef".into()),
        }
    }

    fn load(store: &ListingStore, account: &str, folder: &str) -> Option<(Stored, Vec<Entry>)> {
        let mut entries = Vec::new();
        let stored = store
            .load(account, folder, &mut |e| entries.push(e))
            .unwrap()?;
        Some((stored, entries))
    }

    #[test]
    fn a_folder_round_trips_and_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = ListingStore::open(&dir.path().join("d/listings.sqlite3")).unwrap();
        store
            .save("a", "", [entry("One"), entry("Two")], "c1")
            .unwrap();
        let (back, entries) = load(&store, "a", "").unwrap();
        assert_eq!(back.cursor, "c1");
        let mut names: Vec<_> = entries.iter().map(|e| e.name.clone()).collect();
        names.sort();
        assert_eq!(names, ["One", "Two"]);
        assert_eq!(entries[0].rev.as_deref(), Some("0123456789abcdef"));
        store.save("a", "", [entry("Three")], "c2").unwrap();
        assert_eq!(load(&store, "a", "").unwrap().1.len(), 1);
        assert!(load(&store, "b", "").is_none(), "accounts apart");
        store.forget_account("a").unwrap();
        assert!(load(&store, "a", "").is_none());
    }

    #[test]
    fn a_delta_is_applied_in_order_only_onto_the_cursor_it_follows() {
        let dir = tempfile::tempdir().unwrap();
        let store = ListingStore::open(&dir.path().join("l.sqlite3")).unwrap();
        store
            .save("a", "", [entry("One"), entry("Two")], "c1")
            .unwrap();
        let changes = [
            Change::Removed("/one".into()),
            Change::Upsert(entry("Three")),
            Change::Removed("/three".into()),
            Change::Upsert(entry("Three")),
        ];
        assert!(
            !store.apply_delta("a", "", "c0", &changes, "c2").unwrap(),
            "not onto another cursor"
        );
        assert!(store.apply_delta("a", "", "c1", &changes, "c2").unwrap());
        let (back, entries) = load(&store, "a", "").unwrap();
        assert_eq!(back.cursor, "c2");
        let mut names: Vec<_> = entries.iter().map(|e| e.name.clone()).collect();
        names.sort();
        assert_eq!(names, ["Three", "Two"]);
        assert!(
            !store
                .apply_delta("a", "/elsewhere", "c1", &changes, "c2")
                .unwrap(),
            "not onto a folder that is not stored"
        );
    }

    #[test]
    fn the_file_and_its_folder_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache/dropdesk/listings.sqlite3");
        let store = ListingStore::open(&path).unwrap();
        store.save("a", "", [entry("x")], "c").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    /// What is on disk in the store's files, the write-ahead log included.
    fn bytes_on_disk(path: &Path) -> Vec<u8> {
        let mut all = std::fs::read(path).unwrap();
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut side = path.as_os_str().to_owned();
            side.push(suffix);
            all.extend(std::fs::read(&side).unwrap_or_default());
        }
        all
    }

    fn holds(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }

    #[test]
    fn a_forgotten_accounts_names_are_read_from_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("listings.sqlite3");
        let store = ListingStore::open(&path).unwrap();
        let secret: Vec<Entry> = (0..500)
            .map(|i| entry(&format!("Merger-plan-{i}.txt")))
            .collect();
        store.save("gone", "", secret.clone(), "c1").unwrap();
        store.save("gone", "/sub", secret, "c2").unwrap();
        store
            .keep_thumbnail(
                "gone",
                "/merger-plan-0.txt",
                "r1",
                "image/png",
                b"Merger-thumb",
            )
            .unwrap();
        store
            .save("stays", "", [entry("Kept-note.txt")], "c")
            .unwrap();
        assert!(holds(&bytes_on_disk(&path), "Merger-plan-499"), "written");
        store.forget_account("gone").unwrap();
        let disk = bytes_on_disk(&path);
        for name in ["Merger-plan", "merger-plan", "Merger-thumb"] {
            assert!(!holds(&disk, name), "{name} is still on disk");
        }
        assert!(
            load(&store, "stays", "").is_some(),
            "the other account stays"
        );
        drop(store);
        let again = ListingStore::open(&path).unwrap();
        assert_eq!(
            load(&again, "stays", "").unwrap().1[0].name,
            "Kept-note.txt"
        );
    }

    #[test]
    fn the_least_recently_used_folders_go_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let store = ListingStore::open(&dir.path().join("l.sqlite3")).unwrap();
        let many: Vec<Entry> = (0..(MAX_ENTRIES / 2 + 1))
            .map(|i| entry(&format!("f{i}")))
            .collect();
        store.save("a", "/old", many.clone(), "c").unwrap();
        store.save("a", "/new", many, "c").unwrap();
        assert!(load(&store, "a", "/old").is_none(), "evicted");
        assert!(load(&store, "a", "/new").is_some());
    }
}
