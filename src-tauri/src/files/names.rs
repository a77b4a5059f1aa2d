//! The names Dropbox takes for a new file or folder, checked before any request so that a
//! name refused says why at once: not empty, not `.` or `..`, no `/`, no space at the end
//! (Dropbox refuses a path that ends in whitespace), at most 255 bytes, and none of the
//! names Dropbox keeps out of every folder (`desktop.ini`, `thumbs.db`, `.ds_store`,
//! `icon\r`, `.dropbox`, `.dropbox.attr`). Dropbox matches names without regard to case,
//! so a name is taken when another differs from it only in case.

/// Why Dropbox would not take a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    Dots,
    Slash,
    SpaceAtEnd,
    TooLong,
    Reserved,
}

/// The longest name Dropbox takes, in bytes of UTF-8.
pub const MAX_NAME_BYTES: usize = 255;

/// Names Dropbox never stores, compared in lower case.
const RESERVED: [&str; 6] = [
    "desktop.ini",
    "thumbs.db",
    ".ds_store",
    "icon\r",
    ".dropbox",
    ".dropbox.attr",
];

/// Whether Dropbox takes `name` for a new entry.
pub fn check(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        Err(NameProblem::Empty)
    } else if name == "." || name == ".." {
        Err(NameProblem::Dots)
    } else if name.contains('/') {
        Err(NameProblem::Slash)
    } else if name.ends_with(char::is_whitespace) {
        Err(NameProblem::SpaceAtEnd)
    } else if name.len() > MAX_NAME_BYTES {
        Err(NameProblem::TooLong)
    } else if RESERVED.contains(&name.to_lowercase().as_str()) {
        Err(NameProblem::Reserved)
    } else {
        Ok(())
    }
}

/// The key Dropbox would give `name` in the folder whose key is `folder_lower`.
pub fn key_in(folder_lower: &str, name: &str) -> String {
    format!("{folder_lower}/{}", name.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_dropbox_refuses_are_refused_with_why() {
        assert_eq!(check(""), Err(NameProblem::Empty));
        assert_eq!(check(".."), Err(NameProblem::Dots));
        assert_eq!(check("."), Err(NameProblem::Dots));
        assert_eq!(check("a/b"), Err(NameProblem::Slash));
        assert_eq!(check("notes "), Err(NameProblem::SpaceAtEnd));
        assert_eq!(
            check(&"é".repeat(128)),
            Err(NameProblem::TooLong),
            "256 bytes"
        );
        assert_eq!(check("Thumbs.db"), Err(NameProblem::Reserved));
    }

    #[test]
    fn ordinary_names_pass_whatever_their_script_or_dots() {
        for name in [
            "Report.final.pdf",
            ".hidden",
            "数据",
            " leading space",
            "a..b",
            &"x".repeat(255),
        ] {
            assert_eq!(check(name), Ok(()), "{name:?}");
        }
    }

    #[test]
    fn a_name_is_keyed_in_lower_case_as_dropbox_matches_it() {
        assert_eq!(key_in("/docs", "ReadMe.TXT"), "/docs/readme.txt");
        assert_eq!(key_in("", "Ä"), "/ä");
    }
}
