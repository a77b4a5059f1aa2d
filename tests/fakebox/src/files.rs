//! The app folder: an in-memory tree of files and folders, case-insensitive and
//! case-preserving, with a change log so that finished cursors can report what changed.
//! Listing a page costs O(page) (ordered maps and resumable cursors), not O(folder). Long
//! because the tree, its change log and its paging are one data structure.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::Arc;

use ring::digest::{digest, Context, SHA256};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::wire::timestamp;

/// 4 MiB: the block size of Dropbox's content hash.
pub const BLOCK: usize = 4 * 1024 * 1024;

/// What a download returns. Generated files are all zero bytes, which lets their content
/// hashes be computed for 100,000 files in one pass (see [`zero_hashes`]).
#[derive(Clone, Debug)]
pub enum Content {
    Bytes(Arc<[u8]>),
    Zeros(u64),
}

impl Content {
    pub fn len(&self) -> u64 {
        match self {
            Content::Bytes(b) => b.len() as u64,
            Content::Zeros(n) => *n,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Clone, Debug)]
pub struct FileInfo {
    pub id: String,
    pub rev: String,
    pub client_modified: i64,
    pub server_modified: i64,
    pub content_hash: String,
    pub content: Content,
    /// Who made this revision, when someone else did (a file of a shared folder): an
    /// account id, reported as `sharing_info.modified_by`.
    pub modified_by: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Node {
    /// The true case of the last component.
    pub name: String,
    pub path_display: String,
    /// `None` for folders.
    pub file: Option<FileInfo>,
    pub folder_id: String,
    /// Lower-cased names of direct children (folders only).
    pub children: BTreeSet<String>,
}

impl Node {
    pub fn is_folder(&self) -> bool {
        self.file.is_none()
    }

    pub fn id(&self) -> &str {
        match &self.file {
            Some(f) => &f.id,
            None => &self.folder_id,
        }
    }
}

/// A change log record: the path (lower case) that changed, at a sequence number.
#[derive(Clone, Debug)]
struct Change {
    seq: u64,
    path_lower: String,
}

/// The tree plus its history.
#[derive(Clone, Debug)]
pub struct Tree {
    /// Every node by `path_lower`; the root is `""`. Ordered, so a folder's descendants
    /// are one contiguous range (`"/a/"..`).
    nodes: BTreeMap<String, Node>,
    ids: HashMap<String, String>,
    changes: Vec<Change>,
    seq: u64,
    next_id: u64,
    next_rev: u64,
    /// Bumped to invalidate every cursor handed out before (`reset`).
    pub epoch: u64,
    /// Deleted entries, for `deleted` metadata and `list_revisions`.
    tombstones: HashMap<String, Tombstone>,
    /// Earlier revisions of each file path (lower case), oldest first; the current one is
    /// its node. A file replaced, deleted or moved away leaves its revision here.
    history: HashMap<String, Vec<Revision>>,
    /// The bytes of every file, kept as files come and go (summing them on each write
    /// made a 100,000-file upload quadratic).
    used: u64,
}

/// What is left of a deleted entry.
#[derive(Clone, Debug)]
pub struct Tombstone {
    pub path_display: String,
    /// Unix seconds.
    pub deleted_at: i64,
}

/// A file's revision as it was at its path.
#[derive(Clone, Debug)]
pub struct Revision {
    pub path_display: String,
    pub file: FileInfo,
}

/// A file or folder to add.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub path: String,
    pub folder: bool,
    pub content: Content,
    pub content_hash: Option<String>,
    pub modified: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum TreeError {
    NotFound,
    NotFolder,
    NotFile,
    Malformed,
    Conflict,
}

impl Default for Tree {
    fn default() -> Self {
        let mut nodes = BTreeMap::new();
        nodes.insert(
            String::new(),
            Node {
                name: String::new(),
                path_display: String::new(),
                file: None,
                folder_id: "id:root".into(),
                children: BTreeSet::new(),
            },
        );
        Tree {
            nodes,
            ids: HashMap::new(),
            changes: Vec::new(),
            seq: 0,
            next_id: 1,
            next_rev: 0x5a2c_f1a0_0001,
            epoch: 1,
            tombstones: HashMap::new(),
            history: HashMap::new(),
            used: 0,
        }
    }
}

/// Split a normalized path (`/a/b`) into (parent lower, name).
fn split(path: &str) -> (&str, &str) {
    let cut = path.rfind('/').unwrap_or(0);
    (&path[..cut], &path[cut + 1..])
}

/// Validate an API path for a file or folder that is not the root: starts with `/`,
/// no empty components, no trailing slash or whitespace.
/// The deepest path fakebox takes (Dropbox's own limit is looser; no test needs more, and
/// it bounds the work any one path can cause).
pub const MAX_DEPTH: usize = 64;

pub fn check_path(path: &str) -> Result<(), TreeError> {
    if !path.starts_with('/')
        || path.len() > 4096
        || path.split('/').count() > MAX_DEPTH + 1
        || path.ends_with('/')
        || path.ends_with(char::is_whitespace)
        || path.contains("//")
        || path
            .split('/')
            .skip(1)
            .any(|c| c.len() > 255 || c == "." || c == "..")
    {
        return Err(TreeError::Malformed);
    }
    Ok(())
}

impl Tree {
    pub fn seq(&self) -> u64 {
        self.seq
    }

    pub fn len(&self) -> usize {
        self.nodes.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn total_size(&self) -> u64 {
        self.used
    }

    fn new_id(&mut self) -> String {
        use base64::Engine;
        let n = self.next_id;
        self.next_id += 1;
        // 22 url-safe characters, shaped like the ids Dropbox hands out.
        let digest = Sha256::digest(n.to_le_bytes());
        format!(
            "id:{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
        )
    }

    fn new_rev(&mut self) -> String {
        self.next_rev += 1;
        format!("0{:x}", self.next_rev)
    }

    fn log(&mut self, path_lower: String) {
        self.seq += 1;
        self.changes.push(Change {
            seq: self.seq,
            path_lower,
        });
    }

    /// Resolve an API path (`""`, `/…`, `id:…`) to its lower-case key.
    pub fn resolve(&self, path: &str) -> Result<String, TreeError> {
        if path.is_empty() {
            return Ok(String::new());
        }
        if let Some(rest) = path.strip_prefix("id:") {
            let (id, tail) = match rest.find('/') {
                Some(i) => (&path[..3 + i], &rest[i..]),
                None => (path, ""),
            };
            let base = self.ids.get(id).ok_or(TreeError::NotFound)?;
            let key = format!("{base}{}", tail.to_lowercase());
            return self
                .nodes
                .contains_key(&key)
                .then_some(key)
                .ok_or(TreeError::NotFound);
        }
        check_path(path)?;
        let key = path.to_lowercase();
        if self.nodes.contains_key(&key) {
            Ok(key)
        } else {
            Err(TreeError::NotFound)
        }
    }

    /// Every node below the folder `key` (not the folder itself), in path order.
    pub fn below<'a>(&'a self, key: &str) -> impl Iterator<Item = (&'a String, &'a Node)> {
        let prefix = format!("{key}/");
        self.nodes
            .range(prefix.clone()..)
            .take_while(move |(k, _)| k.starts_with(&prefix))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.nodes.get(key)
    }

    /// Add (or replace) a file, or add a folder, creating missing parents.
    pub fn add(&mut self, entry: NewEntry) -> Result<String, TreeError> {
        check_path(&entry.path)?;
        let key = entry.path.to_lowercase();
        // Create the parents first.
        let (parent_display, name) = split(&entry.path);
        let parent_key = parent_display.to_lowercase();
        if !parent_key.is_empty() && !self.nodes.contains_key(&parent_key) {
            self.add(NewEntry {
                path: parent_display.to_string(),
                folder: true,
                content: Content::Zeros(0),
                content_hash: None,
                modified: entry.modified,
            })?;
        }
        match self.nodes.get(&parent_key) {
            Some(parent) if parent.is_folder() => {}
            _ => return Err(TreeError::Conflict),
        }
        if let Some(existing) = self.nodes.get(&key) {
            if existing.is_folder() != entry.folder {
                return Err(TreeError::Conflict);
            }
            if entry.folder {
                return Ok(key);
            }
        }
        // Display path: the parent's display path plus this name's true case.
        let parent_path = self.nodes[&parent_key].path_display.clone();
        let path_display = format!("{parent_path}/{name}");
        let file = if entry.folder {
            None
        } else {
            let id = match self.nodes.get(&key).and_then(|n| n.file.as_ref()) {
                Some(old) => old.id.clone(),
                None => self.new_id(),
            };
            let content_hash = entry
                .content_hash
                .unwrap_or_else(|| content_hash_of(&entry.content));
            Some(FileInfo {
                id,
                rev: self.new_rev(),
                client_modified: entry.modified,
                server_modified: entry.modified,
                content_hash,
                content: entry.content,
                modified_by: None,
            })
        };
        let folder_id = if entry.folder {
            self.new_id()
        } else {
            String::new()
        };
        let node = Node {
            name: name.to_string(),
            path_display,
            file,
            folder_id,
            children: BTreeSet::new(),
        };
        self.ids.insert(node.id().to_string(), key.clone());
        self.used += node.file.as_ref().map_or(0, |f| f.content.len());
        if let Some(old) = self.nodes.insert(key.clone(), node) {
            self.used -= old.file.as_ref().map_or(0, |f| f.content.len());
            self.remember(&key, old);
        }
        self.tombstones.remove(&key);
        self.nodes
            .get_mut(&parent_key)
            .expect("parent exists")
            .children
            .insert(name.to_lowercase());
        self.log(key.clone());
        Ok(key)
    }

    /// Set a file's `client_modified` (what the uploader says), keeping its revision.
    pub fn set_client_modified(&mut self, key: &str, when: i64) {
        if let Some(file) = self.nodes.get_mut(key).and_then(|n| n.file.as_mut()) {
            file.client_modified = when;
        }
    }

    /// Delete a file, or a folder with everything in it.
    pub fn delete(&mut self, path: &str) -> Result<(), TreeError> {
        let key = self.resolve(path)?;
        if key.is_empty() {
            return Err(TreeError::Malformed);
        }
        let prefix = format!("{key}/");
        let doomed: Vec<String> = std::iter::once(key.clone())
            .chain(
                self.nodes
                    .range::<String, _>((Bound::Included(&prefix), Bound::Unbounded))
                    .take_while(|(k, _)| k.starts_with(&prefix))
                    .map(|(k, _)| k.clone()),
            )
            .collect();
        for k in doomed {
            self.remove_node(k);
        }
        let (parent, name) = split(&key);
        if let Some(p) = self.nodes.get_mut(parent) {
            p.children.remove(name);
        }
        Ok(())
    }

    /// Say the current revision of the file at `key` was made by the account `by` (as in
    /// a shared folder); false when there is no file there.
    pub fn set_modified_by(&mut self, key: &str, by: &str) -> bool {
        match self.nodes.get_mut(key).and_then(|n| n.file.as_mut()) {
            Some(f) => {
                f.modified_by = Some(by.to_string());
                true
            }
            None => false,
        }
    }

    /// Take the node at `key` out of the tree (not out of its parent's children), leaving
    /// a tombstone and, for a file, its revision in the history.
    fn remove_node(&mut self, key: String) {
        if let Some(node) = self.nodes.remove(&key) {
            self.used -= node.file.as_ref().map_or(0, |f| f.content.len());
            self.ids.remove(node.id());
            self.tombstones.insert(
                key.clone(),
                Tombstone {
                    path_display: node.path_display.clone(),
                    deleted_at: crate::wire::now_unix(),
                },
            );
            self.remember(&key, node);
            self.log(key);
        }
    }

    /// Keep a file node's revision in the history of `key`.
    fn remember(&mut self, key: &str, node: Node) {
        if let Some(file) = node.file {
            self.history
                .entry(key.to_string())
                .or_default()
                .push(Revision {
                    path_display: node.path_display,
                    file,
                });
        }
    }

    /// The revisions of the file path `key`, newest first (the current one first, when
    /// there is a file there), and when it was deleted, when it is deleted.
    pub fn revisions(&self, key: &str) -> (Vec<Revision>, Option<i64>) {
        let current = self.nodes.get(key).and_then(|n| {
            n.file.as_ref().map(|f| Revision {
                path_display: n.path_display.clone(),
                file: f.clone(),
            })
        });
        let earlier = self.history.get(key).into_iter().flatten().rev().cloned();
        let deleted = match current {
            None => self.tombstones.get(key).map(|t| t.deleted_at),
            Some(_) => None,
        };
        (current.into_iter().chain(earlier).collect(), deleted)
    }

    /// The revision `rev` of any file, current or earlier, deleted or not.
    pub fn revision(&self, rev: &str) -> Option<Revision> {
        let current = self.nodes.values().find_map(|n| {
            n.file.as_ref().filter(|f| f.rev == rev).map(|f| Revision {
                path_display: n.path_display.clone(),
                file: f.clone(),
            })
        });
        current.or_else(|| {
            self.history
                .values()
                .flatten()
                .find(|r| r.file.rev == rev)
                .cloned()
        })
    }

    /// Move (or, with `copy`, copy) the entry at `from` (a key) and everything below it to
    /// the display path `to`, making missing parents; the caller has checked that `to` is
    /// free (or is `from` itself, in another case). A move keeps ids and revisions, a copy
    /// gets new ones. Old paths read as deleted to cursors, new ones as added. Returns the
    /// new key.
    pub fn relocate(&mut self, from: &str, to: &str, copy: bool) -> Result<String, TreeError> {
        check_path(to)?;
        let (to_parent, to_name) = split(to);
        let to_parent_key = to_parent.to_lowercase();
        if !to_parent_key.is_empty() && !self.nodes.contains_key(&to_parent_key) {
            self.add(NewEntry {
                path: to_parent.to_string(),
                folder: true,
                content: Content::Zeros(0),
                content_hash: None,
                modified: 0,
            })?;
        }
        let parent_display = match self.nodes.get(&to_parent_key) {
            Some(p) if p.is_folder() => p.path_display.clone(),
            _ => return Err(TreeError::Conflict),
        };
        let from_display = self
            .nodes
            .get(from)
            .ok_or(TreeError::NotFound)?
            .path_display
            .len();
        let keys: Vec<String> = std::iter::once(from.to_string())
            .chain(self.below(from).map(|(k, _)| k.clone()))
            .collect();
        let moving: Vec<Node> = keys.iter().map(|k| self.nodes[k].clone()).collect();
        if !copy {
            for k in keys {
                self.remove_node(k);
            }
            let (old_parent, old_name) = split(from);
            if let Some(p) = self.nodes.get_mut(old_parent) {
                p.children.remove(old_name);
            }
        }
        let top = format!("{parent_display}/{to_name}").to_lowercase();
        for mut node in moving {
            let below = node.path_display[from_display..].to_string();
            if below.is_empty() {
                node.name = to_name.to_string();
            }
            node.path_display = format!("{parent_display}/{to_name}{below}");
            if copy {
                let id = self.new_id();
                match &mut node.file {
                    Some(f) => {
                        f.id = id;
                        f.rev = self.new_rev();
                    }
                    None => node.folder_id = id,
                }
            }
            let key = node.path_display.to_lowercase();
            self.used += node.file.as_ref().map_or(0, |f| f.content.len());
            self.ids.insert(node.id().to_string(), key.clone());
            self.tombstones.remove(&key);
            self.nodes.insert(key.clone(), node);
            self.log(key);
        }
        self.nodes
            .get_mut(&to_parent_key)
            .expect("made above")
            .children
            .insert(to_name.to_lowercase());
        Ok(top)
    }

    /// The metadata JSON of a node, with or without `.tag`.
    pub fn metadata(&self, key: &str, tagged: bool) -> Option<Value> {
        let node = self.nodes.get(key)?;
        let mut v = match &node.file {
            Some(f) => file_metadata(&node.path_display, f),
            None => json!({
                ".tag": "folder",
                "name": node.name,
                "path_lower": key,
                "path_display": node.path_display,
                "id": node.folder_id,
            }),
        };
        if !tagged {
            v.as_object_mut().expect("object").remove(".tag");
        }
        Some(v)
    }

    fn deleted_metadata(&self, key: &str) -> Value {
        let display = self
            .tombstones
            .get(key)
            .map_or_else(|| key.to_string(), |t| t.path_display.clone());
        json!({
            ".tag": "deleted",
            "name": split(&display).1,
            "path_lower": key,
            "path_display": display,
        })
    }

    /// One page of a listing: entries after `after` (a lower-case key) in `folder`.
    /// Returns the entries and the key to resume after, or `None` when done.
    pub fn list_page(
        &self,
        folder: &str,
        recursive: bool,
        after: Option<&str>,
        limit: usize,
    ) -> (Vec<Value>, Option<String>) {
        let mut out = Vec::new();
        let mut last = None;
        if recursive {
            let prefix = if folder.is_empty() {
                "/".to_string()
            } else {
                format!("{folder}/")
            };
            let start = match after {
                Some(a) => Bound::Excluded(a.to_string()),
                None => Bound::Included(prefix.clone()),
            };
            let mut iter = self
                .nodes
                .range::<String, _>((start, Bound::Unbounded))
                .take_while(|(k, _)| k.starts_with(&prefix));
            for (key, _) in iter.by_ref().take(limit) {
                out.push(self.metadata(key, true).expect("listed"));
                last = Some(key.clone());
            }
            let more = iter.next().is_some();
            (out, if more { last } else { None })
        } else {
            let Some(node) = self.nodes.get(folder) else {
                return (out, None);
            };
            let start = match after {
                Some(a) => Bound::Excluded(split(a).1.to_string()),
                None => Bound::Unbounded,
            };
            let mut iter = node.children.range::<String, _>((start, Bound::Unbounded));
            for name in iter.by_ref().take(limit) {
                let key = format!("{folder}/{name}");
                out.push(self.metadata(&key, true).expect("child exists"));
                last = Some(key);
            }
            let more = iter.next().is_some();
            (out, if more { last } else { None })
        }
    }

    /// Whether `key` is reported by a listing of `folder`.
    fn in_scope(folder: &str, recursive: bool, key: &str) -> bool {
        if recursive {
            key.len() > folder.len()
                && key.starts_with(folder)
                && key[folder.len()..].starts_with('/')
        } else {
            split(key).0 == folder && !key.is_empty()
        }
    }

    /// Changes after `since` within a listing's scope, at most `limit` paths, each with
    /// its current metadata or a `deleted` entry. Returns the entries, the sequence they
    /// run up to, and whether more remain.
    pub fn changes_since(
        &self,
        folder: &str,
        recursive: bool,
        since: u64,
        limit: usize,
    ) -> (Vec<Value>, u64, bool) {
        let start = self.changes.partition_point(|c| c.seq <= since);
        let mut seen: BTreeMap<String, ()> = BTreeMap::new();
        let mut upto = since;
        let mut more = false;
        for change in &self.changes[start..] {
            if Self::in_scope(folder, recursive, &change.path_lower)
                && !seen.contains_key(&change.path_lower)
            {
                if seen.len() == limit {
                    more = true;
                    break;
                }
                seen.insert(change.path_lower.clone(), ());
            }
            upto = change.seq;
        }
        // Report each path once, in path order so parents come before children.
        let entries = seen
            .keys()
            .map(|k| {
                self.metadata(k, true)
                    .unwrap_or_else(|| self.deleted_metadata(k))
            })
            .collect();
        (entries, upto, more)
    }

    /// `deleted` metadata for what was deleted in a listing's scope and is not there now,
    /// in path order.
    pub fn deleted_in(&self, folder: &str, recursive: bool) -> Vec<Value> {
        let mut gone: Vec<&String> = self
            .tombstones
            .keys()
            .filter(|k| Self::in_scope(folder, recursive, k) && !self.nodes.contains_key(*k))
            .collect();
        gone.sort();
        gone.into_iter().map(|k| self.deleted_metadata(k)).collect()
    }

    /// Whether anything within scope changed after `since`.
    pub fn changed_since(&self, folder: &str, recursive: bool, since: u64) -> bool {
        let start = self.changes.partition_point(|c| c.seq <= since);
        self.changes[start..]
            .iter()
            .any(|c| Self::in_scope(folder, recursive, &c.path_lower))
    }
}

/// A file's metadata JSON (with `.tag`) at the display path `path_display`.
pub fn file_metadata(path_display: &str, f: &FileInfo) -> Value {
    let mut metadata = json!({
        ".tag": "file",
        "name": split(path_display).1,
        "path_lower": path_display.to_lowercase(),
        "path_display": path_display,
        "id": f.id,
        "client_modified": timestamp(f.client_modified),
        "server_modified": timestamp(f.server_modified),
        "rev": f.rev,
        "size": f.content.len(),
        "is_downloadable": true,
        "content_hash": f.content_hash,
    });
    if let Some(by) = &f.modified_by {
        metadata["sharing_info"] = json!({
            "read_only": false,
            "parent_shared_folder_id": "84528192421",
            "modified_by": by,
        });
    }
    metadata
}

/// Dropbox's content hash: SHA-256 over the concatenated SHA-256 digests of 4 MiB blocks.
/// SHA-256 from ring (its assembly uses the CPU's SHA instructions, several times faster
/// than the `sha2` crate here), so fakebox hashing what it is sent does not slow the
/// uploads measured against it.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut outer = Context::new(&SHA256);
    for block in bytes.chunks(BLOCK) {
        outer.update(digest(&SHA256, block).as_ref());
    }
    hex(outer.finish().as_ref())
}

fn content_hash_of(content: &Content) -> String {
    match content {
        Content::Bytes(b) => content_hash(b),
        Content::Zeros(n) => zero_hashes(&[*n]).remove(0),
    }
}

/// Content hashes of all-zero files of the given sizes, in one pass: the SHA-256 state
/// over zeros is shared, so each size costs a clone and a finalize, not a re-hash.
pub fn zero_hashes(sizes: &[u64]) -> Vec<String> {
    static FULL_BLOCK: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    let full_block = *FULL_BLOCK.get_or_init(|| {
        let mut d = [0; 32];
        d.copy_from_slice(digest(&SHA256, &vec![0u8; BLOCK]).as_ref());
        d
    });
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| sizes[i] % BLOCK as u64);
    let mut tails = vec![[0u8; 32]; sizes.len()];
    let mut hasher = Context::new(&SHA256);
    let mut done = 0u64;
    let zeros = vec![0u8; 64 * 1024];
    for &i in &order {
        let want = sizes[i] % BLOCK as u64;
        while done < want {
            let step = (want - done).min(zeros.len() as u64) as usize;
            hasher.update(&zeros[..step]);
            done += step as u64;
        }
        tails[i].copy_from_slice(hasher.clone().finish().as_ref());
    }
    sizes
        .iter()
        .zip(tails)
        .map(|(&size, tail)| {
            let mut outer = Context::new(&SHA256);
            for _ in 0..size / BLOCK as u64 {
                outer.update(&full_block);
            }
            if size % BLOCK as u64 != 0 {
                outer.update(&tail);
            }
            hex(outer.finish().as_ref())
        })
        .collect()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, body: &str) -> NewEntry {
        NewEntry {
            path: path.into(),
            folder: false,
            content: Content::Bytes(body.as_bytes().into()),
            content_hash: None,
            modified: 1_700_000_000,
        }
    }

    #[test]
    fn content_hash_vectors() {
        assert_eq!(
            content_hash(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            content_hash(b"hello"),
            "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50"
        );
        let hashes = zero_hashes(&[4_194_305, 4_194_304, 0, 5]);
        assert_eq!(
            hashes[0],
            "14a4d47f23a30177885d9820122f17d2d3a55fe63f7f5c27b95f689e0b2accd6"
        );
        assert_eq!(
            hashes[1],
            "c7e946d101855255d919ef0c70718633adf77d3dfb3adeeecf5d0cb4e951be58"
        );
        assert_eq!(hashes[2], content_hash(b""));
        assert_eq!(hashes[3], content_hash(&[0u8; 5]));
    }

    #[test]
    fn the_space_used_follows_files_added_replaced_and_deleted() {
        let mut t = Tree::default();
        t.add(file("/a.txt", "12345")).unwrap();
        t.add(file("/Docs/b.txt", "123")).unwrap();
        assert_eq!(t.total_size(), 8);
        t.add(file("/a.txt", "1")).unwrap();
        assert_eq!(
            t.total_size(),
            4,
            "a replaced file counts once, as it is now"
        );
        t.delete("/docs").unwrap();
        assert_eq!(t.total_size(), 1, "a folder's files go with it");
    }

    #[test]
    fn a_moved_folder_keeps_its_ids_and_contents_and_its_old_paths_read_as_deleted() {
        let mut t = Tree::default();
        t.add(file("/Docs/a.txt", "a")).unwrap();
        t.add(file("/Docs/Sub/b.txt", "bb")).unwrap();
        let id = t.metadata("/docs/sub/b.txt", false).unwrap()["id"].clone();
        let since = t.seq();
        let key = t.relocate("/docs", "/Archive/Old Docs", false).unwrap();
        assert_eq!(key, "/archive/old docs");
        let moved = t.metadata("/archive/old docs/sub/b.txt", false).unwrap();
        assert_eq!(moved["id"], id, "a move keeps the id");
        assert_eq!(moved["path_display"], "/Archive/Old Docs/Sub/b.txt");
        assert!(t.resolve("/docs/a.txt").is_err());
        assert_eq!(t.total_size(), 3);
        let (changes, _, _) = t.changes_since("", true, since, 100);
        assert!(changes
            .iter()
            .any(|c| c[".tag"] == "deleted" && c["path_lower"] == "/docs/a.txt"));
        // A copy gets new ids, and the space it takes.
        t.relocate("/archive/old docs/sub", "/Sub copy", true)
            .unwrap();
        assert_ne!(t.metadata("/sub copy/b.txt", false).unwrap()["id"], id);
        assert_eq!(t.total_size(), 5);
        // A change of case only.
        t.relocate("/sub copy", "/SUB COPY", false).unwrap();
        assert_eq!(t.metadata("/sub copy", false).unwrap()["name"], "SUB COPY");
    }

    #[test]
    fn case_insensitive_and_case_preserving() {
        let mut t = Tree::default();
        t.add(file("/Docs/Report.PDF", "x")).unwrap();
        let key = t.resolve("/docs/report.pdf").unwrap();
        let meta = t.metadata(&key, true).unwrap();
        assert_eq!(meta["name"], "Report.PDF");
        assert_eq!(meta["path_display"], "/Docs/Report.PDF");
        assert_eq!(meta["path_lower"], "/docs/report.pdf");
        let id = meta["id"].as_str().unwrap();
        assert_eq!(t.resolve(id).unwrap(), key);
        assert!(meta["rev"].as_str().unwrap().len() >= 9);
    }

    #[test]
    fn pages_resume_and_cover_everything() {
        let mut t = Tree::default();
        for i in 0..25 {
            t.add(file(&format!("/f/{i:03}.txt"), "x")).unwrap();
        }
        let mut after = None;
        let mut names = Vec::new();
        loop {
            let (page, next) = t.list_page("/f", false, after.as_deref(), 10);
            names.extend(page.iter().map(|e| e["name"].as_str().unwrap().to_string()));
            match next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        assert_eq!(names.len(), 25);
        assert_eq!(names[0], "000.txt");
        assert_eq!(names[24], "024.txt");
    }

    #[test]
    fn recursive_lists_parents_before_children() {
        let mut t = Tree::default();
        t.add(file("/a/b/c.txt", "x")).unwrap();
        t.add(file("/a b.txt", "x")).unwrap();
        let (page, next) = t.list_page("", true, None, 100);
        assert!(next.is_none());
        let paths: Vec<_> = page
            .iter()
            .map(|e| e["path_lower"].as_str().unwrap())
            .collect();
        assert_eq!(paths, ["/a", "/a b.txt", "/a/b", "/a/b/c.txt"]);
    }

    #[test]
    fn deletes_are_reported_as_changes() {
        let mut t = Tree::default();
        t.add(file("/keep.txt", "x")).unwrap();
        t.add(file("/dir/inner.txt", "x")).unwrap();
        let since = t.seq();
        t.delete("/dir").unwrap();
        t.add(file("/new.txt", "y")).unwrap();
        let (entries, upto, more) = t.changes_since("", false, since, 100);
        assert!(!more);
        assert_eq!(upto, t.seq());
        let tags: Vec<_> = entries
            .iter()
            .map(|e| {
                (
                    e[".tag"].as_str().unwrap(),
                    e["path_lower"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(tags, [("deleted", "/dir"), ("file", "/new.txt")]);
        assert_eq!(entries[0]["path_display"], "/dir");
        assert!(t.resolve("/dir/inner.txt").is_err());
    }

    #[test]
    fn malformed_paths_are_rejected() {
        for p in ["a", "/a/", "/a//b", "/a ", "/../x"] {
            assert_eq!(check_path(p), Err(TreeError::Malformed), "{p}");
        }
        assert!(check_path("/a b/ü.txt").is_ok());
    }
}
