//! One folder's listing as Dropdesk keeps it: the entries, their cursor, the deltas from
//! `list_folder/continue` applied in order, and sorted, filtered views served a window at
//! a time, so the web view only ever holds the rows in sight (100,000 entries included).
//! Some 200 of its lines are its tests.

mod item;

use std::cmp::Ordering;
use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;

use crate::dropbox::Metadata;
use crate::view::{Entry, Kind, SortKey, ViewSpec, Window};
use item::{last, Folder, Item};

/// One change of a listing page, in order: an entry added or replaced, or a path removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Upsert(Entry),
    /// The `path_lower` of what was deleted.
    Removed(String),
}

impl From<Metadata> for Change {
    fn from(m: Metadata) -> Self {
        let (kind, name, display, lower, size, modified, rev) = match m {
            Metadata::File(f) => (
                Kind::File,
                f.name,
                f.path_display,
                f.path_lower,
                Some(f.size),
                Some(f.server_modified),
                Some(f.rev).filter(|r| !r.is_empty()),
            ),
            Metadata::Folder(f) => (
                Kind::Folder,
                f.name,
                f.path_display,
                f.path_lower,
                None,
                None,
                None,
            ),
            Metadata::Deleted(d) => {
                let path = d.path_lower.or(d.path_display.map(|p| p.to_lowercase()));
                return Change::Removed(path.unwrap_or_default());
            }
        };
        let path = display.unwrap_or_default();
        Change::Upsert(Entry {
            kind,
            path_lower: lower.unwrap_or_else(|| path.to_lowercase()),
            path,
            name,
            size,
            modified,
            rev,
        })
    }
}

/// One page of `list_folder` or its `continue`.
#[derive(Clone, Debug)]
pub struct Page {
    pub changes: Vec<Change>,
    pub cursor: String,
    pub has_more: bool,
}

/// Natural, case-insensitive sort key: lower-cased characters, with each run of digits
/// replaced by a marker, its length and the digits without leading zeros, so that
/// `file2` sorts before `file10` with a plain byte comparison.
pub fn natural_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() + 8);
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut digits = String::from(c);
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            let trimmed = digits.trim_start_matches('0');
            let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
            key.push('\u{1}');
            key.push(char::from_u32(trimmed.len().min(0xD7FF) as u32 + 0x20).unwrap_or('\u{20}'));
            key.push_str(trimmed);
        } else {
            key.extend(c.to_lowercase());
        }
    }
    key
}

#[derive(Default)]
pub struct Listing {
    items: Vec<Item>,
    /// Positions in `items`, found by the hash of their `path_lower`'s last component.
    index: HashTable<u32>,
    hasher: RandomState,
    /// Taken from the first entry.
    folder: Option<Folder>,
    pub cursor: String,
    pub complete: bool,
    /// A background task is fetching pages or changes for it.
    pub loading: bool,
    /// Bumped on every change, so views and the UI know to refresh.
    pub version: u64,
    /// Taken from the store on disk, written then, and not yet caught up with Dropbox.
    pub saved_at: Option<u64>,
    view: Option<View>,
}

/// A listing's entries as they were at one moment, to be written away from its lock.
pub struct Snapshot {
    folder: Option<Folder>,
    items: Vec<Item>,
}

impl Snapshot {
    /// Every entry, in no particular order, made one at a time.
    pub fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        let folder = self.folder.as_ref();
        self.items
            .iter()
            .filter_map(move |item| folder.map(|f| item.entry(f)))
    }
}

/// The table's hash for an item's 32-bit one, spread over 64 bits (hashbrown reads the
/// top bits too).
fn spread(hash: u32) -> u64 {
    u64::from(hash).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Listing {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn entry(&self, item: &Item) -> Entry {
        item.entry(
            self.folder
                .as_ref()
                .expect("a listing with items has a folder"),
        )
    }

    /// The entries as they are now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            folder: self.folder.clone(),
            items: self.items.clone(),
        }
    }

    fn hash(&self, name_lower: &str) -> u32 {
        self.hasher.hash_one(name_lower) as u32
    }

    fn position(&self, hash: u32, name_lower: &str) -> Option<usize> {
        let items = &self.items;
        self.index
            .find(spread(hash), |&i| items[i as usize].is(hash, name_lower))
            .map(|&i| i as usize)
    }

    /// The entry at `path_lower`, if the listing has it.
    pub fn get(&self, path_lower: &str) -> Option<Entry> {
        let name = last(path_lower);
        let i = self.position(self.hash(name), name)?;
        Some(self.entry(&self.items[i])).filter(|e| e.path_lower == path_lower)
    }

    /// Apply changes in order, as Dropbox says: an upsert replaces whatever is at its path,
    /// a removal removes it. Returns the removed paths, so that cached listings below them
    /// can be dropped.
    pub fn apply(&mut self, changes: impl IntoIterator<Item = Change>) -> Vec<String> {
        let mut removed = Vec::new();
        let mut any = false;
        for change in changes {
            any = true;
            match change {
                Change::Removed(path_lower) => {
                    self.remove(&path_lower);
                    removed.push(path_lower);
                }
                Change::Upsert(entry) => self.upsert(entry),
            }
        }
        if any {
            self.version += 1;
        }
        removed
    }

    fn upsert(&mut self, entry: Entry) {
        let name = last(&entry.path_lower).to_string();
        let hash = self.hash(&name);
        let position = self.position(hash, &name);
        let folder = self.folder.get_or_insert_with(|| Folder::of(&entry));
        let item = Item::new(entry, folder, hash);
        match position {
            Some(i) => self.items[i] = item,
            None => {
                let items = &self.items;
                self.index
                    .insert_unique(spread(hash), items.len() as u32, |&i| {
                        spread(items[i as usize].hash)
                    });
                self.items.push(item);
            }
        }
    }

    fn remove(&mut self, path_lower: &str) {
        let name = last(path_lower);
        let hash = self.hash(name);
        let items = &self.items;
        let Ok(found) = self
            .index
            .find_entry(spread(hash), |&i| items[i as usize].is(hash, name))
        else {
            return;
        };
        let i = found.remove().0 as usize;
        self.items.swap_remove(i);
        // The last item moved into its place.
        let was = self.items.len() as u32;
        if let Some(moved) = self.items.get(i) {
            if let Some(slot) = self.index.find_mut(spread(moved.hash), |&j| j == was) {
                *slot = i as u32;
            }
        }
    }

    /// Give back the room kept for growth (once the last page is in).
    pub fn shrink_to_fit(&mut self) {
        self.items.shrink_to_fit();
        let items = &self.items;
        self.index
            .shrink_to_fit(|&i| spread(items[i as usize].hash));
    }

    /// Start over (after a `reset`): forget every entry.
    pub fn clear(&mut self) {
        let version = self.version + 1;
        *self = Listing {
            version,
            loading: self.loading,
            ..Listing::default()
        };
    }

    fn compare(&self, spec: &ViewSpec, a: usize, b: usize) -> Ordering {
        let (ea, eb) = (&self.items[a], &self.items[b]);
        let folder_first = (eb.kind == Kind::Folder).cmp(&(ea.kind == Kind::Folder));
        if folder_first != Ordering::Equal {
            return folder_first;
        }
        let by_name = || {
            ea.sort_key
                .cmp(&eb.sort_key)
                .then_with(|| ea.name.cmp(&eb.name))
        };
        let primary = match spec.sort {
            SortKey::Name => by_name(),
            SortKey::Size => ea.size.cmp(&eb.size).then_with(by_name),
            SortKey::Modified => ea.modified.cmp(&eb.modified).then_with(by_name),
        };
        if spec.descending {
            primary.reverse()
        } else {
            primary
        }
    }

    /// The view for `spec`: its order (indices into `items`) and totals, computed once
    /// per spec and version, so that each window costs only its own rows.
    fn view(&mut self, spec: &ViewSpec) -> &View {
        let fresh = matches!(&self.view, Some(v) if v.spec == *spec && v.version == self.version);
        if !fresh {
            let needle = spec.filter.to_lowercase();
            let mut order: Vec<u32> = (0..self.items.len() as u32)
                .filter(|&i| {
                    needle.is_empty()
                        || self.items[i as usize].name.to_lowercase().contains(&needle)
                })
                .collect();
            order.sort_unstable_by(|&a, &b| self.compare(spec, a as usize, b as usize));
            let (mut folders, mut files, mut bytes) = (0, 0, 0);
            for &i in &order {
                let item = &self.items[i as usize];
                if item.kind == Kind::Folder {
                    folders += 1;
                } else {
                    files += 1;
                    bytes += item.size;
                }
            }
            self.view = Some(View {
                spec: spec.clone(),
                version: self.version,
                order,
                folders,
                files,
                bytes,
            });
        }
        self.view.as_ref().expect("just set")
    }

    /// Rows `start..start + count` of the view.
    pub fn window(&mut self, spec: &ViewSpec, start: usize, count: usize) -> Window {
        self.view(spec);
        let view = self.view.as_ref().expect("computed");
        let start = start.min(view.order.len());
        let end = start.saturating_add(count).min(view.order.len());
        Window {
            start,
            rows: view.order[start..end]
                .iter()
                .map(|&i| self.entry(&self.items[i as usize]))
                .collect(),
            total: view.order.len(),
            folders: view.folders,
            files: view.files,
            bytes: view.bytes,
            complete: self.complete,
            version: self.version,
        }
    }

    /// Type-ahead: the first row at or after `from` (wrapping) whose name starts with
    /// `prefix`, case-insensitively.
    pub fn seek(&mut self, spec: &ViewSpec, prefix: &str, from: usize) -> Option<usize> {
        let needle = prefix.to_lowercase();
        self.view(spec);
        let order = &self.view.as_ref().expect("computed").order;
        let n = order.len();
        (0..n).map(|k| (from + k) % n).find(|&pos| {
            self.items[order[pos] as usize]
                .name
                .to_lowercase()
                .starts_with(&needle)
        })
    }
}

/// A sorted, filtered view of a listing at one version.
struct View {
    spec: ViewSpec,
    version: u64,
    order: Vec<u32>,
    folders: usize,
    files: usize,
    bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, size: u64, modified: &str) -> Change {
        Change::Upsert(Entry {
            kind: Kind::File,
            name: name.into(),
            path: format!("/{name}"),
            path_lower: format!("/{}", name.to_lowercase()),
            size: Some(size),
            modified: Some(modified.into()),
            rev: Some("0123456789abcdef".into()),
        })
    }

    fn folder(name: &str) -> Change {
        Change::Upsert(Entry {
            kind: Kind::Folder,
            name: name.into(),
            path: format!("/{name}"),
            path_lower: format!("/{}", name.to_lowercase()),
            size: None,
            modified: None,
            rev: None,
        })
    }

    fn deleted(name: &str) -> Change {
        Change::Removed(format!("/{}", name.to_lowercase()))
    }

    fn names(w: &Window) -> Vec<&str> {
        w.rows.iter().map(|e| e.name.as_str()).collect()
    }

    const BY_NAME: ViewSpec = ViewSpec {
        sort: SortKey::Name,
        descending: false,
        filter: String::new(),
    };

    #[test]
    fn natural_case_insensitive_order_with_folders_first() {
        let mut l = Listing::default();
        l.apply(vec![
            file("file10.txt", 1, "2026-01-01T00:00:00Z"),
            file("File2.txt", 1, "2026-01-01T00:00:00Z"),
            file("file1.txt", 1, "2026-01-01T00:00:00Z"),
            file("file002b.txt", 1, "2026-01-01T00:00:00Z"),
            folder("zeta"),
            file("Éclair.txt", 1, "2026-01-01T00:00:00Z"),
            file("apple.txt", 1, "2026-01-01T00:00:00Z"),
            folder("Alpha"),
        ]);
        let w = l.window(&BY_NAME, 0, 100);
        assert_eq!(
            names(&w),
            [
                "Alpha",
                "zeta",
                "apple.txt",
                "file1.txt",
                "File2.txt",
                "file002b.txt",
                "file10.txt",
                "Éclair.txt"
            ]
        );
        let desc = ViewSpec {
            descending: true,
            ..BY_NAME
        };
        assert_eq!(
            names(&l.window(&desc, 0, 2)),
            ["zeta", "Alpha"],
            "folders stay first"
        );
        assert!(natural_key("a9") < natural_key("a10"));
        assert!(natural_key("a09") < natural_key("a10"));
        assert_eq!(natural_key("ÀB"), natural_key("àb"));
    }

    #[test]
    fn sorts_by_size_and_date_and_filters() {
        let mut l = Listing::default();
        l.apply(vec![
            file("big.bin", 900, "2024-01-01T00:00:00Z"),
            file("small.txt", 3, "2026-05-01T00:00:00Z"),
            file("mid.pdf", 50, "2025-01-01T00:00:00Z"),
        ]);
        let size = ViewSpec {
            sort: SortKey::Size,
            ..BY_NAME
        };
        assert_eq!(
            names(&l.window(&size, 0, 9)),
            ["small.txt", "mid.pdf", "big.bin"]
        );
        let newest = ViewSpec {
            sort: SortKey::Modified,
            descending: true,
            ..BY_NAME
        };
        assert_eq!(
            names(&l.window(&newest, 0, 9)),
            ["small.txt", "mid.pdf", "big.bin"]
        );
        let filtered = ViewSpec {
            filter: "I".into(),
            ..BY_NAME
        };
        let w = l.window(&filtered, 0, 9);
        assert_eq!(names(&w), ["big.bin", "mid.pdf"]);
        assert_eq!((w.total, w.files, w.bytes), (2, 2, 950));
    }

    #[test]
    fn deltas_add_change_and_delete() {
        let mut l = Listing::default();
        l.apply(vec![
            file("a.txt", 1, "x"),
            file("b.txt", 2, "x"),
            folder("dir"),
            file("c.txt", 3, "x"),
        ]);
        let v = l.version;
        let removed = l.apply(vec![
            file("b.txt", 20, "y"),
            deleted("a.txt"),
            deleted("dir"),
            file("d.txt", 4, "z"),
            deleted("never-was"),
        ]);
        assert!(l.version > v);
        assert_eq!(removed, ["/a.txt", "/dir", "/never-was"]);
        let w = l.window(&BY_NAME, 0, 10);
        assert_eq!(names(&w), ["b.txt", "c.txt", "d.txt"]);
        assert_eq!(w.rows[0].size, Some(20));
        assert_eq!(l.len(), 3);
        // The index still points at the right rows after swap-removes.
        l.apply(vec![deleted("d.txt"), deleted("b.txt")]);
        assert_eq!(names(&l.window(&BY_NAME, 0, 10)), ["c.txt"]);
        let before = l.version;
        assert!(l.apply(Vec::new()).is_empty());
        assert_eq!(l.version, before, "no change, same version");
    }

    #[test]
    fn dropbox_metadata_becomes_upserts_and_removals() {
        let page: crate::dropbox::ListFolderResult = serde_json::from_str(
            r#"{"entries": [
              {".tag": "file", "name": "A.txt", "path_lower": "/a.txt", "path_display": "/A.txt",
               "id": "id:1", "server_modified": "2026-01-01T00:00:00Z", "size": 5},
              {".tag": "folder", "name": "D", "path_lower": "/d", "path_display": "/D", "id": "id:2"},
              {".tag": "deleted", "name": "Gone", "path_display": "/Gone"}],
              "cursor": "c", "has_more": false}"#,
        )
        .unwrap();
        let changes: Vec<Change> = page.entries.into_iter().map(Change::from).collect();
        assert!(
            matches!(&changes[0], Change::Upsert(e) if e.kind == Kind::File && e.size == Some(5))
        );
        assert!(
            matches!(&changes[1], Change::Upsert(e) if e.kind == Kind::Folder && e.path == "/D")
        );
        assert_eq!(changes[2], Change::Removed("/gone".into()));
    }

    #[test]
    fn windows_are_bounded_and_seek_wraps() {
        let mut l = Listing::default();
        l.apply((0..50).map(|i| file(&format!("n{i}"), i, "x")));
        let w = l.window(&BY_NAME, 45, 10);
        assert_eq!((w.start, w.rows.len(), w.total), (45, 5, 50));
        assert_eq!(l.window(&BY_NAME, 500, 10).rows.len(), 0);
        assert_eq!(l.seek(&BY_NAME, "N4", 0), Some(4));
        assert_eq!(l.seek(&BY_NAME, "n4", 5), Some(40));
        assert_eq!(l.seek(&BY_NAME, "n3", 45), Some(3), "wraps around");
        assert_eq!(l.seek(&BY_NAME, "zzz", 0), None);
        l.clear();
        assert!(l.is_empty());
    }
}
