//! Dropbox's content hash, computed as the bytes stream by: SHA-256 of each 4 MiB block,
//! then SHA-256 of the concatenated block digests, as 64 lowercase hex characters. An
//! empty file hashes over no blocks. [`HashedBytes`] are bytes to send with their block
//! digests taken once, so that a request's hash and the file's running hash share them.

use bytes::Bytes;
use ring::digest::{digest, Context, SHA256};

const BLOCK: usize = 4 * 1024 * 1024;

/// SHA-256 from ring, which rustls already brings: its assembly uses the CPU's SHA
/// instructions (about 1.7 GB/s here, against 0.3 GB/s for the `sha2` crate, whose
/// detection of them fails on this kind of machine), so hashing keeps up with a
/// download on loopback.
pub struct ContentHasher {
    overall: Context,
    block: Context,
    in_block: usize,
}

impl Default for ContentHasher {
    fn default() -> Self {
        ContentHasher {
            overall: Context::new(&SHA256),
            block: Context::new(&SHA256),
            in_block: 0,
        }
    }
}

impl ContentHasher {
    pub fn update(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let take = (BLOCK - self.in_block).min(bytes.len());
            self.block.update(&bytes[..take]);
            self.in_block += take;
            bytes = &bytes[take..];
            if self.in_block == BLOCK {
                self.close_block();
            }
        }
    }

    fn close_block(&mut self) {
        let block = std::mem::replace(&mut self.block, Context::new(&SHA256));
        self.overall.update(block.finish().as_ref());
        self.in_block = 0;
    }

    /// Add bytes whose blocks are already hashed. Their digests are taken as they are
    /// when the bytes start on a block boundary of what came before (a chunk of an upload
    /// always does); a short last block, or bytes that start mid-block, are hashed again.
    pub fn update_hashed(&mut self, hashed: &HashedBytes) {
        if self.in_block != 0 {
            return self.update(&hashed.bytes);
        }
        let full = hashed.bytes.len() / BLOCK;
        for block in &hashed.blocks[..full] {
            self.overall.update(block);
        }
        self.update(&hashed.bytes[full * BLOCK..]);
    }

    pub fn finish(mut self) -> String {
        if self.in_block > 0 {
            self.close_block();
        }
        hex(self.overall.finish().as_ref())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes to send, with the SHA-256 of each of their 4 MiB blocks counted from their
/// start: the request's content hash is made from these, and so is the file's when the
/// bytes are a chunk of it (see [`ContentHasher::update_hashed`]), so each byte is hashed
/// once. Cloning shares the bytes.
#[derive(Clone)]
pub struct HashedBytes {
    bytes: Bytes,
    blocks: Vec<[u8; 32]>,
}

impl From<Bytes> for HashedBytes {
    fn from(bytes: Bytes) -> Self {
        let blocks = bytes
            .chunks(BLOCK)
            .map(|block| {
                let mut d = [0; 32];
                d.copy_from_slice(digest(&SHA256, block).as_ref());
                d
            })
            .collect();
        HashedBytes { bytes, blocks }
    }
}

impl HashedBytes {
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// Dropbox's content hash of these bytes alone.
    pub fn content_hash(&self) -> String {
        let mut overall = Context::new(&SHA256);
        for block in &self.blocks {
            overall.update(block);
        }
        hex(overall.finish().as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(bytes: &[u8], chunk: usize) -> String {
        let mut h = ContentHasher::default();
        for part in bytes.chunks(chunk.max(1)) {
            h.update(part);
        }
        h.finish()
    }

    #[test]
    fn matches_dropbox_across_block_boundaries_whatever_the_chunks() {
        // 9 MiB and a bit: three blocks, the last one short.
        let data: Vec<u8> = (0..(9 * 1024 * 1024 + 12_345))
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let expected = fakebox::files::content_hash(&data);
        assert_eq!(expected.len(), 64);
        for chunk in [1 << 20, 4 * 1024 * 1024, 65_537, data.len()] {
            assert_eq!(hash(&data, chunk), expected, "chunks of {chunk}");
        }
    }

    #[test]
    fn block_digests_taken_once_give_the_same_hashes_as_hashing_the_bytes() {
        // Two chunks of two blocks, then a short one: as an upload reads a file.
        let data: Vec<u8> = (0..(17 * 1024 * 1024 + 99))
            .map(|i| (i * 7 % 253) as u8)
            .collect();
        let mut file = ContentHasher::default();
        for chunk in data.chunks(8 * 1024 * 1024) {
            let hashed = HashedBytes::from(Bytes::copy_from_slice(chunk));
            assert_eq!(
                hashed.content_hash(),
                hash(chunk, chunk.len()),
                "request hash"
            );
            file.update_hashed(&hashed);
        }
        assert_eq!(file.finish(), hash(&data, data.len()), "file hash");
        // Bytes that start mid-block (a resume at an odd confirmed offset).
        let mut odd = ContentHasher::default();
        odd.update(&data[..10]);
        odd.update_hashed(&HashedBytes::from(Bytes::copy_from_slice(&data[10..])));
        assert_eq!(odd.finish(), hash(&data, data.len()), "after an odd offset");
    }

    #[test]
    fn an_empty_file_hashes_over_no_blocks() {
        assert_eq!(
            hash(b"", 1),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
