//! The host key: an ed25519 key created once (mode 0600) and reused. `ttx serve` shows it to the
//! seats' `ssh`, so participants' `known_hosts` entries stay valid from one run to the next, and
//! every ended exercise's journal is signed with it (`signature`).

use std::io::Write;
use std::path::{Path, PathBuf};

use russh::keys::ssh_key::LineEnding;
use russh::keys::{Algorithm, PrivateKey};

/// The key's file name beside the journal, where no other is given.
pub const DEFAULT_NAME: &str = "ttx_host_ed25519";

/// The default key of a journal: `ttx_host_ed25519` in its directory.
pub fn beside(journal: &Path) -> PathBuf {
    journal.parent().unwrap_or(Path::new("")).join(DEFAULT_NAME)
}

/// The key at `path`, created there (and its directory) the first time. Its public half is
/// written beside it as `PATH.pub` when that is missing, for those who check signatures.
pub fn load_or_create(path: &Path) -> Result<PrivateKey, String> {
    let key = if path.exists() {
        PrivateKey::read_openssh_file(path)
            .map_err(|e| format!("{}: not a usable host key: {e}", path.display()))?
    } else {
        create(path)?
    };
    // Only a convenience: the public key is in the private key's file too
    // (`ssh-keygen -y -f PATH`), so a directory that refuses it fails nothing.
    let _ = write_public(&key, &public_path(path));
    Ok(key)
}

/// `PATH.pub`, where `ssh-keygen` puts a key's public half.
pub fn public_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

fn create(path: &Path) -> Result<PrivateKey, String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no system randomness for a host key: {e}"))?;
    let key = PrivateKey::from(russh::keys::ssh_key::private::Ed25519Keypair::from_seed(
        &seed,
    ));
    let text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| format!("cannot encode the host key: {e}"))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| format!("{}: cannot create the host key: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("{}: cannot write the host key: {e}", path.display()))?;
    debug_assert_eq!(key.algorithm(), Algorithm::Ed25519);
    Ok(key)
}

/// Writes the public key as one OpenSSH line, never over an existing file.
fn write_public(key: &PrivateKey, path: &Path) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let line = key
        .public_key()
        .to_openssh()
        .map_err(std::io::Error::other)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(format!("{line}\n").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use russh::keys::{HashAlg, PublicKey};

    #[test]
    fn a_host_key_is_created_once_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("host_ed25519");
        let first = load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = load_or_create(&path).unwrap();
        assert_eq!(
            first.public_key().fingerprint(HashAlg::Sha256),
            again.public_key().fingerprint(HashAlg::Sha256)
        );
    }

    #[test]
    fn the_public_half_is_written_beside_it_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("host_ed25519");
        let key = load_or_create(&path).unwrap();
        let public = PublicKey::read_openssh_file(public_path(&path)).unwrap();
        assert_eq!(public.key_data(), key.public_key().key_data());
        // A key made before the `.pub` was written gets one the next time it is used.
        std::fs::remove_file(public_path(&path)).unwrap();
        load_or_create(&path).unwrap();
        assert!(public_path(&path).exists());
    }

    #[test]
    fn the_default_key_is_beside_the_journal() {
        assert_eq!(
            beside(Path::new("exercises/run.jsonl")),
            Path::new("exercises/ttx_host_ed25519")
        );
        assert_eq!(
            beside(Path::new("run.jsonl")),
            Path::new("ttx_host_ed25519")
        );
    }
}
