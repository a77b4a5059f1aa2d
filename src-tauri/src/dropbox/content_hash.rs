//! Dropbox's content hash, computed as the bytes stream by: SHA-256 of each 4 MiB block,
//! then SHA-256 of the concatenated block digests, as 64 lowercase hex characters. An
//! empty file hashes over no blocks.

use sha2::{Digest, Sha256};

const BLOCK: usize = 4 * 1024 * 1024;

#[derive(Default)]
pub struct ContentHasher {
    overall: Sha256,
    block: Sha256,
    in_block: usize,
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
        let digest = std::mem::take(&mut self.block).finalize();
        self.overall.update(digest);
        self.in_block = 0;
    }

    pub fn finish(mut self) -> String {
        if self.in_block > 0 {
            self.close_block();
        }
        self.overall
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
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
    fn an_empty_file_hashes_over_no_blocks() {
        assert_eq!(
            hash(b"", 1),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
