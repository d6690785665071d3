//! The hash chain that ends every line (see the journal's module documentation): each line's
//! `chain` key is a digest of the previous line's and of the line itself.

use sha2::{Digest, Sha256};

/// Lowercase hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    hex_text(hex(&Sha256::digest(text.as_bytes())))
}

/// A SHA-256 digest in lower-case hex, by the `hex` crate into a buffer on the stack: formatting
/// byte by byte took an eighth of reading a journal, whose every line carries a digest, and
/// `hex::encode` (one `char` at a time) still a twentieth.
fn hex(digest: &[u8]) -> [u8; 64] {
    let mut text = [0; 64];
    hex::encode_to_slice(digest, &mut text).expect("the buffer holds two digits per byte");
    text
}

fn hex_text(digits: [u8; 64]) -> String {
    String::from_utf8(digits.to_vec()).expect("hex digits are ASCII")
}

/// The key that ends every line of a chained journal: `,"chain":"<64 hex digits>"}`.
const CHAIN_KEY: &[u8] = b",\"chain\":\"";
pub(super) const CHAIN_SUFFIX_LEN: usize = CHAIN_KEY.len() + 64 + 2;

/// A line's JSON object with its hash-chain digest added as its last key: the SHA-256 of the
/// previous line's digest (empty for the header) followed by the object as it was before the
/// key was added. Returns the line and its digest.
pub(super) fn chained(prev: &str, mut json: Vec<u8>) -> (Vec<u8>, String) {
    let digest = chain_at(prev, &mut json, 0);
    (json, digest)
}

/// [`chained`] in place: the object is `buf[start..]`, made there (a journal's lines are
/// serialised straight into the piece they are written in). Returns its digest.
pub(super) fn chain_at(prev: &str, buf: &mut Vec<u8>, start: usize) -> String {
    let digest = chain_digest(prev, &[&buf[start..]]);
    buf.pop(); // the closing brace, put back after the digest
    buf.extend_from_slice(CHAIN_KEY);
    buf.extend_from_slice(&digest);
    buf.extend_from_slice(b"\"}");
    hex_text(digest)
}

/// The SHA-256, in hex, of the previous line's digest followed by the object, given in pieces.
fn chain_digest(prev: &str, object: &[&[u8]]) -> [u8; 64] {
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    object.iter().for_each(|piece| hasher.update(piece));
    hex(&hasher.finalize())
}

/// A line split, when it ends with a digest, into its object before the digest's key (without
/// the closing brace: the object is that and `}`) and the digest.
pub(super) fn split_chain(content: &[u8]) -> Option<(&[u8], &str)> {
    let at = content.len().checked_sub(CHAIN_SUFFIX_LEN)?;
    let (open, suffix) = content.split_at(at);
    let digest = suffix.strip_prefix(CHAIN_KEY)?.strip_suffix(b"\"}")?;
    // Every digit is looked at, without stopping at the first that is not one: a digest's
    // digits and letters come in no order a branch predictor could learn, and the early exit
    // cost a twentieth of reading a journal.
    let hex = digest
        .iter()
        .fold(true, |hex, b| hex & b.is_ascii_hexdigit());
    if !hex {
        return None;
    }
    Some((open, std::str::from_utf8(digest).ok()?))
}

/// Whether a line's digest is the one of its object after `prev`.
pub(super) fn chain_holds(prev: &str, open: &[u8], digest: &str) -> bool {
    // Compared on the stack: reading a journal checks every line.
    chain_digest(prev, &[open, b"}"]) == digest.as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chained_line_splits_back_into_its_object_and_digest() {
        let object = br#"{"at_s":0,"event":"started"}"#;
        let (line, digest) = chained("", object.to_vec());
        assert_eq!(line.len(), object.len() + CHAIN_SUFFIX_LEN - 1);
        let (open, found) = split_chain(&line).unwrap();
        assert_eq!(found, digest);
        assert_eq!([open, b"}"].concat(), object);
        assert!(chain_holds("", open, &digest));
        // The same line after another one is not the same link.
        assert!(!chain_holds(&digest, open, &digest));
        assert_eq!(split_chain(object), None);
    }
}
