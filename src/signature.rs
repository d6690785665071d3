//! The journal's signature: `JOURNAL.sig` beside it (`run.jsonl.sig`), an OpenSSH signature of
//! the journal's bytes in the SSHSIG format (armored `-----BEGIN SSH SIGNATURE-----`, namespace
//! `ttx-journal`, SHA-256), exactly what `ssh-keygen -Y sign -n ttx-journal -O hashalg=sha256`
//! makes, so that `ssh-keygen -Y verify` checks it without ttx. A signature by SHA-512 (the
//! `ssh-keygen` default, and what ttx made before) is checked as well.
//!
//! Once an exercise has ended, its journal writer signs the journal as it stands after every
//! append (the end, each debrief entry, a seat leaving), with the server's host key or, for
//! `ttx run`, the key of the same kind beside the journal (`host_key`).
//!
//! What it proves: that the holder of that key signed these bytes. Unlike the hash chain, it
//! has a secret, so someone without the key who edits the journal cannot make it match again.
//! What it does not prove: that the events happened as written. Whoever holds the key can edit
//! the journal and sign it again.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use russh::keys::ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};
use sha2::{Digest, Sha256, Sha512};

use crate::files::{ReadError, check_size, read_bounded, read_in_pieces};
use crate::limits::MAX_JOURNAL_BYTES;
use crate::report::SignatureReport;

/// The SSHSIG namespace: a signature made for something else (a git commit, a file signed with
/// `-n file`) never passes for a journal's.
pub const NAMESPACE: &str = "ttx-journal";

/// A signature file is a few hundred bytes; anything much larger is not one.
const MAX_SIGNATURE_BYTES: u64 = 64 << 10;

/// Where a journal's signature is: its path with `.sig` appended.
pub fn path_for(journal: &Path) -> PathBuf {
    let mut name = journal.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

/// A key's SHA-256 fingerprint as `ssh` prints it: `SHA256:…`.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// The hash a journal's signature is made over. SHA-256 rather than `ssh-keygen`'s default
/// SHA-512: both are SSHSIG's, and processors of the last years compute SHA-256 in hardware
/// (x86's SHA extensions, ARMv8's), at more than twice the speed of SHA-512 in software; a report
/// hashes its whole journal for the signature. (On a processor without them, SHA-256 is the
/// slower of the two, by about a third.)
pub type JournalDigest = Sha256;

/// Signs the journal whose bytes `digest` has hashed and writes the signature to `JOURNAL.sig`:
/// to a temporary file beside it, synced, then renamed over it, so that a crash leaves the
/// earlier signature or this one, never half of one.
pub fn write(journal: &Path, digest: JournalDigest, key: &PrivateKey) -> Result<(), String> {
    let path = path_for(journal);
    let armored = SshSig::sign_digest(key, NAMESPACE, digest)
        .and_then(|signature| signature.to_pem(LineEnding::LF))
        .map_err(|e| format!("{}: cannot sign: {e}", path.display()))?;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    replace(&temporary, &path, armored.as_bytes())
        .map_err(|e| format!("{}: cannot write: {e}", path.display()))
}

/// Writes `bytes` to `temporary` (created afresh: a link planted under the name is removed,
/// never followed), then renames it over `path` and syncs the directory.
fn replace(temporary: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    match fs::remove_file(temporary) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(temporary, path));
    if written.is_err() {
        let _ = fs::remove_file(temporary);
    }
    written?;
    File::open(crate::files::directory_of(path))?.sync_all()
}

/// Removes a journal's signature, which no longer says anything true of it; nothing there is
/// fine.
pub fn remove(journal: &Path) -> io::Result<()> {
    match fs::remove_file(path_for(journal)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// What a journal's signature says of it.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// A good signature of these very bytes, by this key.
    Signed(PublicKey),
    /// No `JOURNAL.sig`.
    NotSigned,
    /// `JOURNAL.sig` is not a good signature of these bytes: why, in plain words.
    DoesNotMatch(String),
}

impl Verdict {
    /// The verdict as the report's cover and JSON give it.
    pub fn for_report(&self) -> SignatureReport {
        match self {
            Verdict::Signed(key) => SignatureReport::signed(fingerprint(key)),
            Verdict::NotSigned => SignatureReport::not_signed(),
            Verdict::DoesNotMatch(_) => SignatureReport::does_not_match(),
        }
    }
}

/// Checks `signature`, the text of a `JOURNAL.sig`, against the journal's bytes.
pub fn check(journal: &[u8], signature: &[u8]) -> Verdict {
    match check_digest(signature, |alg| {
        Ok::<_, std::convert::Infallible>(alg.digest(journal))
    }) {
        Ok(verdict) => verdict,
        Err(never) => match never {},
    }
}

/// Checks `signature` against the journal whose digest `digest` gives, by the hash the
/// signature names, so that the journal need not be held whole.
fn check_digest<E>(
    signature: &[u8],
    digest: impl FnOnce(HashAlg) -> Result<Vec<u8>, E>,
) -> Result<Verdict, E> {
    let signature = match SshSig::from_pem(signature) {
        Ok(signature) => signature,
        Err(e) => {
            return Ok(Verdict::DoesNotMatch(format!(
                "it is not an SSH signature ({e})"
            )));
        }
    };
    if signature.namespace() != NAMESPACE {
        return Ok(Verdict::DoesNotMatch(format!(
            "it was made for \"{}\", not for a ttx journal (\"{NAMESPACE}\")",
            signature.namespace()
        )));
    }
    let key = PublicKey::from(signature.public_key().clone());
    let prehash = digest(signature.hash_alg())?;
    Ok(match key.verify_prehash(NAMESPACE, &prehash, &signature) {
        Ok(()) => Verdict::Signed(key),
        Err(_) => Verdict::DoesNotMatch(format!(
            "the journal is not what {} signed: it changed after it was signed, or the \
             signature is another journal's",
            fingerprint(&key)
        )),
    })
}

/// Reads a journal and its signature and checks them.
pub fn verdict_of(journal: &Path) -> Result<Verdict, ReadError> {
    // The journal first: a journal that is not there is an error, not "not signed".
    let read_error = |source| ReadError::Io {
        path: journal.display().to_string(),
        source,
    };
    let file = File::open(journal).map_err(read_error)?;
    check_size(&file, journal, MAX_JOURNAL_BYTES)?;
    let signature = match read_bounded(&path_for(journal), MAX_SIGNATURE_BYTES) {
        Ok(signature) => signature,
        Err(ReadError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
            return Ok(Verdict::NotSigned);
        }
        Err(ReadError::TooLarge { .. }) => {
            return Ok(Verdict::DoesNotMatch(
                "it is far too large to be an SSH signature".into(),
            ));
        }
        Err(e) => return Err(e),
    };
    // Hashed a piece at a time: a journal may be hundreds of megabytes.
    check_digest(&signature, |alg| digest_in_pieces(&file, alg)).map_err(read_error)
}

/// A file's digest by `alg` (the SSHSIG hashes: SHA-256 and SHA-512), read a piece at a time.
fn digest_in_pieces(file: &File, alg: HashAlg) -> io::Result<Vec<u8>> {
    fn hashed<D: Digest>(file: &File) -> io::Result<Vec<u8>> {
        let mut digest = D::new();
        read_in_pieces(file, |piece| digest.update(piece))?;
        Ok(digest.finalize().to_vec())
    }
    match alg {
        HashAlg::Sha256 => hashed::<Sha256>(file),
        _ => hashed::<Sha512>(file),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> PrivateKey {
        PrivateKey::from(russh::keys::ssh_key::private::Ed25519Keypair::from_seed(
            &[7; 32],
        ))
    }

    fn signed(dir: &Path, bytes: &[u8]) -> PathBuf {
        let journal = dir.join("run.jsonl");
        fs::write(&journal, bytes).unwrap();
        write(&journal, JournalDigest::new_with_prefix(bytes), &key()).unwrap();
        journal
    }

    #[test]
    fn a_signature_is_armored_sshsig_beside_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let journal = signed(dir.path(), b"{\"at_s\":0}\n");
        let text = fs::read_to_string(dir.path().join("run.jsonl.sig")).unwrap();
        assert!(
            text.starts_with("-----BEGIN SSH SIGNATURE-----\n"),
            "{text}"
        );
        assert!(text.ends_with("-----END SSH SIGNATURE-----\n"), "{text}");
        let parsed = SshSig::from_pem(&text).unwrap();
        assert_eq!(parsed.namespace(), NAMESPACE);
        assert_eq!(parsed.hash_alg(), HashAlg::Sha256);
        assert_eq!(
            verdict_of(&journal).unwrap(),
            Verdict::Signed(key().public_key().clone())
        );
        // Nothing of the temporary file is left.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn any_change_of_the_journal_no_longer_matches() {
        let dir = tempfile::tempdir().unwrap();
        let journal = signed(dir.path(), b"{\"at_s\":0}\n");
        fs::write(&journal, b"{\"at_s\":1}\n").unwrap();
        assert!(matches!(
            verdict_of(&journal).unwrap(),
            Verdict::DoesNotMatch(why) if why.contains("changed after it was signed")
        ));
        let sig = fs::read(path_for(&journal)).unwrap();
        assert_eq!(
            check(b"{\"at_s\":0}\n", &sig).for_report(),
            SignatureReport::signed(fingerprint(key().public_key()))
        );
        assert_eq!(check(b"", &sig).for_report().status, "does_not_match");
    }

    #[test]
    fn no_signature_file_is_not_signed_and_garbage_does_not_match() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("run.jsonl");
        fs::write(&journal, b"{}\n").unwrap();
        assert_eq!(verdict_of(&journal).unwrap(), Verdict::NotSigned);
        fs::write(path_for(&journal), "not a signature").unwrap();
        assert!(matches!(
            verdict_of(&journal).unwrap(),
            Verdict::DoesNotMatch(why) if why.contains("not an SSH signature")
        ));
    }

    #[test]
    fn a_journal_signed_by_sha512_as_before_still_matches() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("run.jsonl");
        let bytes = b"{\"at_s\":0}\n";
        fs::write(&journal, bytes).unwrap();
        let sha512 = key()
            .sign(NAMESPACE, HashAlg::Sha512, bytes)
            .unwrap()
            .to_pem(LineEnding::LF)
            .unwrap();
        fs::write(path_for(&journal), sha512).unwrap();
        assert_eq!(
            verdict_of(&journal).unwrap(),
            Verdict::Signed(key().public_key().clone())
        );
        fs::write(&journal, b"{\"at_s\":1}\n").unwrap();
        assert!(matches!(
            verdict_of(&journal).unwrap(),
            Verdict::DoesNotMatch(_)
        ));
    }

    #[test]
    fn a_signature_for_another_namespace_does_not_pass_for_a_journals() {
        let bytes = b"{}\n";
        let other = key()
            .sign("file", HashAlg::Sha512, bytes)
            .unwrap()
            .to_pem(LineEnding::LF)
            .unwrap();
        assert!(matches!(
            check(bytes, other.as_bytes()),
            Verdict::DoesNotMatch(why) if why.contains("\"file\"")
        ));
    }

    #[test]
    fn signing_again_replaces_the_signature() {
        let dir = tempfile::tempdir().unwrap();
        let journal = signed(dir.path(), b"one\n");
        fs::write(&journal, b"one\ntwo\n").unwrap();
        write(
            &journal,
            JournalDigest::new_with_prefix(b"one\ntwo\n"),
            &key(),
        )
        .unwrap();
        assert!(matches!(verdict_of(&journal).unwrap(), Verdict::Signed(_)));
        remove(&journal).unwrap();
        remove(&journal).unwrap();
        assert_eq!(verdict_of(&journal).unwrap(), Verdict::NotSigned);
    }
}
