//! The shapes Dropdesk reads from Dropbox's API v2 (its stone JSON: `.tag` for unions,
//! snake_case fields). Unknown fields are ignored; optional ones default.

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
pub struct Name {
    pub display_name: String,
    #[serde(default)]
    pub abbreviated_name: String,
}

/// `users/get_current_account`, the fields Dropdesk shows.
#[derive(Clone, Debug, Deserialize)]
pub struct FullAccount {
    pub account_id: String,
    pub name: Name,
    pub email: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum Allocation {
    Individual {
        allocated: u64,
    },
    Team {
        allocated: u64,
    },
    #[serde(other)]
    Other,
}

/// `users/get_space_usage`.
#[derive(Clone, Debug, Deserialize)]
pub struct SpaceUsage {
    pub used: u64,
    pub allocation: Allocation,
}

impl SpaceUsage {
    pub fn allocated(&self) -> Option<u64> {
        match self.allocation {
            Allocation::Individual { allocated } | Allocation::Team { allocated } => {
                Some(allocated)
            }
            Allocation::Other => None,
        }
    }
}

/// One entry of a listing (`Metadata` with its `.tag`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum Metadata {
    File(FileMetadata),
    Folder(FolderMetadata),
    Deleted(DeletedMetadata),
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct FileMetadata {
    pub name: String,
    #[serde(default)]
    pub path_lower: Option<String>,
    #[serde(default)]
    pub path_display: Option<String>,
    pub id: String,
    pub server_modified: String,
    pub size: u64,
    /// The file's revision: a new one on every change.
    #[serde(default)]
    pub rev: String,
    /// Dropbox's hash of the content (see [`crate::dropbox::ContentHasher`]).
    #[serde(default)]
    pub content_hash: Option<String>,
    /// For a file in a shared folder: who made this revision, among other things.
    #[serde(default)]
    pub sharing_info: Option<FileSharingInfo>,
}

/// `FileSharingInfo`: Dropbox says it only for files in shared folders.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct FileSharingInfo {
    /// The account id of who last changed the file (absent once that account is gone).
    #[serde(default)]
    pub modified_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct FolderMetadata {
    pub name: String,
    #[serde(default)]
    pub path_lower: Option<String>,
    #[serde(default)]
    pub path_display: Option<String>,
    pub id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct DeletedMetadata {
    pub name: String,
    #[serde(default)]
    pub path_lower: Option<String>,
    #[serde(default)]
    pub path_display: Option<String>,
}

/// `files/search_v2` and `search/continue_v2`.
#[derive(Clone, Debug, Deserialize)]
pub struct SearchResult {
    pub matches: Vec<SearchMatch>,
    pub has_more: bool,
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SearchMatch {
    pub metadata: MetadataV2,
}

/// search_v2 wraps each entry's metadata once more.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum MetadataV2 {
    Metadata {
        metadata: Metadata,
    },
    #[serde(other)]
    Other,
}

/// `files/list_folder` and `/continue`.
#[derive(Clone, Debug, Deserialize)]
pub struct ListFolderResult {
    pub entries: Vec<Metadata>,
    pub cursor: String,
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_shapes() {
        let page: ListFolderResult = serde_json::from_str(
            r#"{"entries": [{".tag": "file", "name": "Get Started with Dropbox.pdf", "path_lower": "/get started with dropbox.pdf",
  "path_display": "/Get Started with Dropbox.pdf", "id": "id:NY2cP0crwoAAAAAAAAAABw",
  "client_modified": "2020-04-08T22:34:21Z", "server_modified": "2020-04-08T22:34:21Z",
  "rev": "015a2cf1a0002b900000001bb1c96b0", "size": 1102331, "is_downloadable": true,
  "content_hash": "f7ad488deb7d81790340ecd676fe6e47f0a6064fb99b982685b752d58611c1cb"},
  {".tag": "folder", "name": "A", "path_lower": "/a", "path_display": "/A", "id": "id:x"},
  {".tag": "deleted", "name": "B", "path_lower": "/b", "path_display": "/B"}],
 "cursor": "AAGCmtkBfAAx", "has_more": false}"#,
        )
        .unwrap();
        assert_eq!(page.entries.len(), 3);
        assert!(matches!(&page.entries[0], Metadata::File(f) if f.size == 1102331));
        let usage: SpaceUsage = serde_json::from_str(
            r#"{"used": 1102571, "allocation": {".tag": "individual", "allocated": 2147483648}}"#,
        )
        .unwrap();
        assert_eq!(usage.allocated(), Some(2147483648));
    }
}
