//! SHA-256 hashes in hex, for the render cache's keys and the output folder's names. A leaf.

use sha2::{Digest, Sha256};

/// The SHA-256 of `bytes`, in hex.
pub fn hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// A running hash over several parts, each length-prefixed so no two lists of parts collide.
#[derive(Default)]
pub struct Hasher(Sha256);

impl Hasher {
    /// Adds one part.
    pub fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// The hash of the parts added, in hex.
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}
