//! Where a saved copy goes in a folder the person chose, and what happens when a file of
//! that name is already there: replace it, keep both (`name (1).ext`, as file managers
//! do), or skip this one.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The person's answer to "a file of this name is already there".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnConflict {
    Replace,
    #[default]
    KeepBoth,
    Skip,
}

/// The targets of one batch of copies into a folder: a name given to one copy is taken
/// for the rest, so two copies of one batch never resolve to the same file (say a folder
/// `A` as `A.zip` beside a file `A.zip`).
pub struct Batch<'a> {
    dir: &'a Path,
    reserved: HashSet<PathBuf>,
}

impl<'a> Batch<'a> {
    pub fn new(dir: &'a Path) -> Self {
        Batch {
            dir,
            reserved: HashSet::new(),
        }
    }

    /// The target for `name` and whether the person agreed to replace a file there, or
    /// `None` to skip it. `on_conflict` answers for a file that was there before; a name
    /// another copy of this batch took is always kept beside it.
    pub fn resolve(&mut self, name: &str, on_conflict: OnConflict) -> Option<(PathBuf, bool)> {
        let plain = self.dir.join(name);
        let (target, replace) = if self.reserved.contains(&plain) {
            (self.free_name(name), false)
        } else if !taken(&plain) {
            (plain, false)
        } else {
            match on_conflict {
                OnConflict::Replace => (plain, true),
                OnConflict::Skip => return None,
                OnConflict::KeepBoth => (self.free_name(name), false),
            }
        };
        self.reserved.insert(target.clone());
        Some((target, replace))
    }

    fn free_name(&self, name: &str) -> PathBuf {
        numbered(self.dir, name, |p| taken(p) || self.reserved.contains(p))
    }
}

/// Which of `names` are already in `dir`.
pub fn conflicts(dir: &Path, names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter(|n| taken(&dir.join(n)))
        .cloned()
        .collect()
}

fn taken(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// `report.pdf` → `report (1).pdf`, `(2)`, … the first not in `dir`; a leading dot is part
/// of the name (`.bashrc (1)`), and so is everything when there is no extension.
pub fn free_name(dir: &Path, name: &str) -> PathBuf {
    numbered(dir, name, taken)
}

/// `name` numbered as [`free_name`] does, the first for which `is_taken` says no.
fn numbered(dir: &Path, name: &str, is_taken: impl Fn(&Path) -> bool) -> PathBuf {
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    };
    (1u32..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !is_taken(p))
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_both_numbers_the_name_before_its_extension() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("report.pdf"), "a").unwrap();
        std::fs::write(dir.path().join("report (1).pdf"), "b").unwrap();
        let got = Batch::new(dir.path())
            .resolve("report.pdf", OnConflict::KeepBoth)
            .unwrap();
        assert_eq!(got.0.file_name().unwrap(), "report (2).pdf");
        assert!(!got.1, "nothing to replace");
    }

    #[test]
    fn a_name_without_extension_or_with_a_leading_dot_is_numbered_at_its_end() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".bashrc"), "a").unwrap();
        std::fs::write(dir.path().join("README"), "a").unwrap();
        assert_eq!(
            free_name(dir.path(), ".bashrc").file_name().unwrap(),
            ".bashrc (1)"
        );
        assert_eq!(
            free_name(dir.path(), "README").file_name().unwrap(),
            "README (1)"
        );
    }

    #[test]
    fn skip_and_replace_answer_only_when_the_name_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let resolve = |name: &str, how| Batch::new(dir.path()).resolve(name, how);
        assert_eq!(
            resolve("new.txt", OnConflict::Skip),
            Some((dir.path().join("new.txt"), false))
        );
        std::fs::write(dir.path().join("old.txt"), "a").unwrap();
        assert_eq!(resolve("old.txt", OnConflict::Skip), None);
        assert_eq!(
            resolve("old.txt", OnConflict::Replace),
            Some((dir.path().join("old.txt"), true)),
            "replacing it is agreed"
        );
        assert_eq!(
            conflicts(dir.path(), &["old.txt".into(), "new.txt".into()]),
            vec!["old.txt".to_string()]
        );
    }

    #[test]
    fn two_copies_of_one_batch_never_get_the_same_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("A.zip"), "there before").unwrap();
        for how in [OnConflict::KeepBoth, OnConflict::Replace, OnConflict::Skip] {
            let mut batch = Batch::new(dir.path());
            // A folder `A` (saved as `A.zip`) and a file `A.zip`, and a new name twice.
            let first = batch.resolve("A.zip", how);
            let second = batch.resolve("A.zip", how);
            let new = batch.resolve("B.txt", how).unwrap().0;
            let new_again = batch.resolve("B.txt", how).unwrap().0;
            assert_ne!(new, new_again, "{how:?}");
            assert_eq!(new_again.file_name().unwrap(), "B (1).txt");
            match how {
                OnConflict::Skip => assert_eq!((first, second), (None, None)),
                _ => assert_ne!(first.unwrap(), second.unwrap(), "{how:?}"),
            }
        }
    }
}
