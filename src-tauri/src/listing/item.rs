//! One entry as a cached listing keeps it, compactly (a folder of 100,000 entries is
//! held whole): the name, its natural sort key (the only lower-cased copy), the revision,
//! size and time as numbers, and its paths only when they are not the folder's paths
//! followed by the name (Dropbox's casing, rarely). The window's [`Entry`] is made again
//! from it for the rows in sight.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::view::{Entry, Kind};

/// The paths every entry of one listing starts with, taken from its first entry.
#[derive(Clone, Debug)]
pub struct Folder {
    path: Box<str>,
    path_lower: Box<str>,
}

impl Folder {
    /// The folder `entry` is in.
    pub fn of(entry: &Entry) -> Folder {
        Folder {
            path: parent(&entry.path).into(),
            path_lower: parent(&entry.path_lower).into(),
        }
    }
}

fn parent(path: &str) -> &str {
    &path[..path.rfind('/').unwrap_or(0)]
}

/// What follows `folder` and a slash in `path`.
fn child<'a>(path: &'a str, folder: &str) -> Option<&'a str> {
    path.strip_prefix(folder)?.strip_prefix('/')
}

/// The last component of a path.
pub fn last(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A time Dropbox did not give (folders have none).
const NO_TIME: i64 = i64::MIN;

#[derive(Clone, Debug)]
pub struct Item {
    pub name: Box<str>,
    /// [`super::natural_key`] of the name.
    pub sort_key: Box<str>,
    rev: Option<Box<str>>,
    /// Its paths, when they are not the folder's followed by the name.
    paths: Option<Box<(Box<str>, Box<str>)>>,
    pub size: u64,
    /// Unix seconds, or [`NO_TIME`].
    pub modified: i64,
    /// The listing's hash of the last component of `path_lower`.
    pub hash: u32,
    pub kind: Kind,
}

impl Item {
    pub fn new(entry: Entry, folder: &Folder, hash: u32) -> Item {
        let derived = child(&entry.path, &folder.path) == Some(&*entry.name)
            && child(&entry.path_lower, &folder.path_lower) == Some(&*entry.name.to_lowercase());
        let modified = entry
            .modified
            .and_then(|m| OffsetDateTime::parse(&m, &Rfc3339).ok())
            .map_or(NO_TIME, OffsetDateTime::unix_timestamp);
        Item {
            sort_key: super::natural_key(&entry.name).into(),
            name: entry.name.into(),
            rev: entry.rev.map(String::into_boxed_str),
            paths: (!derived).then(|| Box::new((entry.path.into(), entry.path_lower.into()))),
            size: entry.size.unwrap_or(0),
            modified,
            hash,
            kind: entry.kind,
        }
    }

    /// Whether this is the entry whose `path_lower` ends in `name_lower` (hashed to `hash`).
    pub fn is(&self, hash: u32, name_lower: &str) -> bool {
        self.hash == hash
            && match &self.paths {
                Some(paths) => last(&paths.1) == name_lower,
                None => self.name.to_lowercase() == name_lower,
            }
    }

    /// The row the window shows.
    pub fn entry(&self, folder: &Folder) -> Entry {
        let (path, path_lower) = match &self.paths {
            Some(paths) => (paths.0.to_string(), paths.1.to_string()),
            None => (
                format!("{}/{}", folder.path, self.name),
                format!("{}/{}", folder.path_lower, self.name.to_lowercase()),
            ),
        };
        let file = self.kind == Kind::File;
        Entry {
            kind: self.kind,
            name: self.name.to_string(),
            path,
            path_lower,
            size: file.then_some(self.size),
            modified: (self.modified != NO_TIME)
                .then(|| OffsetDateTime::from_unix_timestamp(self.modified).ok())
                .flatten()
                .and_then(|t| t.format(&Rfc3339).ok()),
            rev: self.rev.as_deref().map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, path_lower: &str) -> Entry {
        Entry {
            kind: Kind::File,
            name: last(path).to_string(),
            path: path.into(),
            path_lower: path_lower.into(),
            size: Some(7),
            modified: Some("2026-03-04T05:06:07Z".into()),
            rev: Some("015f0f0e4d3e".into()),
        }
    }

    #[test]
    fn an_entry_comes_back_as_it_went_in() {
        let first = entry("/Photos/Beach.JPG", "/photos/beach.jpg");
        let folder = Folder::of(&first);
        for e in [
            first,
            // Dropbox's casing of the folder differs for this one: its paths are kept.
            entry("/PHOTOS/Sea.png", "/photos/sea.png"),
            // A lower-casing that is not Rust's: kept too.
            entry("/Photos/İ.txt", "/photos/i.txt"),
        ] {
            let item = Item::new(e.clone(), &folder, 1);
            assert_eq!(item.entry(&folder), e);
            assert!(item.is(1, last(&e.path_lower)));
        }
    }

    #[test]
    fn an_item_is_small() {
        assert!(std::mem::size_of::<Item>() <= 80);
    }
}
