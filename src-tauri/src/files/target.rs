//! Where a saved copy goes in a folder the person chose, and what happens when a file of
//! that name is already there: replace it, keep both (`name (1).ext`, as file managers
//! do), or skip this one.

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

/// The target for `name` in `dir`, or `None` to skip it.
pub fn resolve(dir: &Path, name: &str, on_conflict: OnConflict) -> Option<PathBuf> {
    let plain = dir.join(name);
    if !taken(&plain) {
        return Some(plain);
    }
    match on_conflict {
        OnConflict::Replace => Some(plain),
        OnConflict::Skip => None,
        OnConflict::KeepBoth => Some(free_name(dir, name)),
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
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    };
    (1u32..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !taken(p))
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
        let got = resolve(dir.path(), "report.pdf", OnConflict::KeepBoth).unwrap();
        assert_eq!(got.file_name().unwrap(), "report (2).pdf");
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
        assert_eq!(
            resolve(dir.path(), "new.txt", OnConflict::Skip),
            Some(dir.path().join("new.txt"))
        );
        std::fs::write(dir.path().join("old.txt"), "a").unwrap();
        assert_eq!(resolve(dir.path(), "old.txt", OnConflict::Skip), None);
        assert_eq!(
            resolve(dir.path(), "old.txt", OnConflict::Replace),
            Some(dir.path().join("old.txt"))
        );
        assert_eq!(
            conflicts(dir.path(), &["old.txt".into(), "new.txt".into()]),
            vec!["old.txt".to_string()]
        );
    }
}
