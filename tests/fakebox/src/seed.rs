//! Filling the app folder: from a directory on disk (`--seed`), with generated folders of
//! N realistic files (`--generate /path=N`), or with the demo's sample folder.

use std::path::Path;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::files::{zero_hashes, Content, NewEntry, Tree, TreeError};

/// A fixed "now" for generated dates, so runs are reproducible: 2026-06-01T12:00:00Z.
const EPOCH_NOW: i64 = 1_780_315_200;

/// Add `count` generated files under `folder`. Sizes are log-uniform from 120 bytes to
/// 40 MB, dates spread over three years, names varied and unique; the content of each
/// file is zero bytes, so its hash is exact and cheap.
pub fn generate(tree: &mut Tree, folder: &str, count: usize, seed: u64) -> Result<(), TreeError> {
    const STEMS: &[(&str, &str)] = &[
        ("IMG_", "jpg"),
        ("Invoice ", "pdf"),
        ("notes-", "md"),
        ("Quarterly report ", "docx"),
        ("backup-", "zip"),
        ("Track ", "mp3"),
        ("clip_", "mp4"),
        ("budget ", "xlsx"),
        ("main_", "rs"),
        ("scan ", "png"),
        ("Screenshot ", "png"),
        ("data_", "csv"),
        ("slides ", "pptx"),
        ("README-", "txt"),
    ];
    let mut rng = StdRng::seed_from_u64(seed);
    let mut entries = Vec::with_capacity(count);
    for i in 0..count {
        let (stem, ext) = STEMS[rng.gen_range(0..STEMS.len())];
        let size = (rng.gen_range(4.8f64..17.5).exp()) as u64;
        let age = rng.gen_range(0..3 * 365 * 86_400);
        entries.push((
            format!("{folder}/{stem}{i:06}.{ext}"),
            size,
            EPOCH_NOW - age,
        ));
    }
    let sizes: Vec<u64> = entries.iter().map(|e| e.1).collect();
    let hashes = zero_hashes(&sizes);
    if !folder.is_empty() {
        tree.add(NewEntry {
            path: folder.to_string(),
            folder: true,
            content: Content::Zeros(0),
            content_hash: None,
            modified: EPOCH_NOW,
        })?;
    }
    for ((path, size, modified), hash) in entries.into_iter().zip(hashes) {
        tree.add(NewEntry {
            path,
            folder: false,
            content: Content::Zeros(size),
            content_hash: Some(hash),
            modified,
        })?;
    }
    Ok(())
}

/// Mirror a directory into the app folder root: names, sizes, modification times, bytes.
pub fn from_dir(tree: &mut Tree, dir: &Path) -> std::io::Result<()> {
    walk(tree, dir, "")
}

fn walk(tree: &mut Tree, dir: &Path, prefix: &str) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{prefix}/{name}");
        let meta = entry.metadata()?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(EPOCH_NOW, |d| d.as_secs() as i64);
        let invalid = |e: TreeError| std::io::Error::other(format!("{path}: {e:?}"));
        if meta.is_dir() {
            tree.add(NewEntry {
                path: path.clone(),
                folder: true,
                content: Content::Zeros(0),
                content_hash: None,
                modified,
            })
            .map_err(invalid)?;
            walk(tree, &entry.path(), &path)?;
        } else if meta.is_file() {
            let bytes = std::fs::read(entry.path())?;
            tree.add(NewEntry {
                path: path.clone(),
                folder: false,
                content: Content::Bytes(bytes.into()),
                content_hash: None,
                modified,
            })
            .map_err(invalid)?;
        }
    }
    Ok(())
}

/// The demo's sample app folder: a few folders, files of varied types and sizes, a deep
/// path, names with spaces and non-ASCII, and one name that looks like HTML.
pub fn sample(tree: &mut Tree) {
    let day = 86_400;
    let text = |s: &str| Content::Bytes(s.as_bytes().into());
    let files: Vec<(&str, Content, i64)> = vec![
        (
            "/Documents/Quarterly report Q3.docx",
            Content::Zeros(482_113),
            40 * day,
        ),
        (
            "/Documents/Résumé – Alex Morgan.pdf",
            Content::Zeros(96_551),
            210 * day,
        ),
        (
            "/Documents/Taxes/2025/Return summary.pdf",
            Content::Zeros(1_204_551),
            120 * day,
        ),
        (
            "/Documents/Taxes/2025/Receipts/Café Müller 2025-03-14.jpg",
            Content::Zeros(2_311_004),
            255 * day,
        ),
        (
            "/Photos/Holiday 2025/IMG_2041.jpg",
            Content::Zeros(3_912_775),
            160 * day,
        ),
        (
            "/Photos/Holiday 2025/IMG_2042.jpg",
            Content::Zeros(4_406_013),
            160 * day,
        ),
        (
            "/Photos/Holiday 2025/IMG_2043.HEIC",
            Content::Zeros(2_004_118),
            159 * day,
        ),
        (
            "/Photos/Holiday 2025/Beach at dusk.mp4",
            Content::Zeros(48_221_905),
            158 * day,
        ),
        (
            "/Photos/東京 2024/Shibuya crossing.png",
            Content::Zeros(5_882_001),
            500 * day,
        ),
        (
            "/Music/Demo tape/01 – Opening.mp3",
            Content::Zeros(7_340_032),
            700 * day,
        ),
        (
            "/Music/Demo tape/02 – Interlude.flac",
            Content::Zeros(21_004_811),
            700 * day,
        ),
        (
            "/Projects/dropdesk/src/auth/pkce/tests/vectors/rfc7636.txt",
            text("verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk\n"),
            2 * day,
        ),
        (
            "/Projects/dropdesk/README.md",
            text("# Dropdesk\n\nA small Dropbox client.\n"),
            3600,
        ),
        (
            "/Projects/dropdesk/Cargo.toml",
            text("[package]\nname = \"dropdesk\"\n"),
            7200,
        ),
        (
            "/Projects/site-backup-2025.tar.gz",
            Content::Zeros(73_400_320),
            30 * day,
        ),
        (
            "/Notes with spaces.txt",
            text("Remember: the app folder is all Dropdesk can see.\n"),
            600,
        ),
        ("/Budget 2026.xlsx", Content::Zeros(38_912), 5 * day),
        (
            "/<img src=x onerror=alert(1)>.txt",
            text("This name is text, not markup.\n"),
            12 * day,
        ),
        (
            "/Photos/Harbour at dusk.png",
            Content::Bytes(crate::content::gradient_png(640, 400).into()),
            20 * day,
        ),
        ("/file2.txt", text("two\n"), 9 * day),
        ("/file10.txt", text("ten\n"), 9 * day),
    ];
    for (path, content, age) in files {
        tree.add(NewEntry {
            path: path.to_string(),
            folder: false,
            content,
            content_hash: None,
            modified: EPOCH_NOW - age,
        })
        .expect("sample paths are valid");
    }
    tree.add(NewEntry {
        path: "/Empty folder".into(),
        folder: true,
        content: Content::Zeros(0),
        content_hash: None,
        modified: EPOCH_NOW,
    })
    .expect("sample paths are valid");
}

/// The app folder of an extra account: a few files of its own, named after its user, so
/// that each account is told apart at a glance.
pub fn for_extra_account(tree: &mut Tree, given_name: &str) {
    for (path, text) in [
        (
            format!("/{given_name}'s notes.txt"),
            "Only in this account.",
        ),
        ("/Plans/Trip.md".to_string(), "# Trip\n"),
    ] {
        let _ = tree.add(NewEntry {
            path,
            folder: false,
            content: Content::Bytes(text.as_bytes().to_vec().into()),
            content_hash: None,
            modified: EPOCH_NOW,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_are_unique_and_counted() {
        let mut t = Tree::default();
        generate(&mut t, "/big", 3000, 1).unwrap();
        assert_eq!(t.len(), 3001);
        let (page, more) = t.list_page("/big", false, None, 2000);
        assert_eq!(page.len(), 2000);
        assert!(more.is_some());
    }

    #[test]
    fn sample_has_deep_and_unicode_paths() {
        let mut t = Tree::default();
        sample(&mut t);
        assert!(t
            .resolve("/projects/dropdesk/src/auth/pkce/tests/vectors/rfc7636.txt")
            .is_ok());
        assert!(t.resolve("/photos/東京 2024/shibuya crossing.png").is_ok());
    }
}
