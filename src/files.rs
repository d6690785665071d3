//! Reading inputs and writing outputs safely.
//!
//! Every input (scenario, script, journal, and any later roster or profile) is read through
//! [`check_size`]: its size is checked before a byte is read, and the read itself stops just past
//! the limit, so a device (`/dev/zero`), a pipe or a sparse file costs no more than the limit in
//! time and memory. An output never replaces an input or a journal, and replaces an existing
//! file only when asked to (`--force`).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: cannot read: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}: file too large: {size}, the limit is {} MiB", limit >> 20)]
    TooLarge {
        path: String,
        /// What is known of its size: the size its metadata gives, or "more than N bytes" for a
        /// file that gives none (a device, a pipe).
        size: String,
        limit: u64,
    },
    #[error("{path}: not UTF-8 text: {source}")]
    NotText {
        path: String,
        source: std::string::FromUtf8Error,
    },
}

/// Checks an open input's size against `limit` before anything is read from it; returns it.
/// Callers then read through `Read::take(limit + 1)`: a file that claims less than it holds
/// (a device, a pipe, a file growing as it is read) is still bounded.
pub fn check_size(file: &File, path: &Path, limit: u64) -> Result<u64, ReadError> {
    let size = file
        .metadata()
        .map_err(|source| ReadError::Io {
            path: show(path),
            source,
        })?
        .len();
    if size > limit {
        return Err(too_large(path, format!("{size} bytes"), limit));
    }
    Ok(size)
}

fn too_large(path: &Path, size: String, limit: u64) -> ReadError {
    ReadError::TooLarge {
        path: show(path),
        size,
        limit,
    }
}

/// The bytes of a file of at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let io_error = |source| ReadError::Io {
        path: show(path),
        source,
    };
    let file = File::open(path).map_err(io_error)?;
    let size = check_size(&file, path, limit)?;
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, format!("more than {limit} bytes"), limit));
    }
    Ok(bytes)
}

/// Hands everything `reader` gives to `take`, a piece at a time, so that a large file (a journal
/// being hashed) is never held whole.
pub fn read_in_pieces(mut reader: impl Read, mut take: impl FnMut(&[u8])) -> io::Result<()> {
    let mut buf = vec![0; 64 * 1024];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => take(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The text of a UTF-8 file of at most `limit` bytes.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(read_bounded(path, limit)?).map_err(|source| ReadError::NotText {
        path: show(path),
        source,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "{path} is {what}; ttx never writes over it (not even with --force): choose another file"
    )]
    IsInput { path: String, what: &'static str },
    #[error(
        "{path} already exists; ttx never overwrites a file: choose another name, or add --force to replace it"
    )]
    Exists { path: String },
    #[error("{path}: cannot write: {source}")]
    Io { path: String, source: io::Error },
}

/// Refuses an output that is one of the command's inputs (each given with what it is, for the
/// message: "the journal being read"), or, without `force`, that exists. Done before any work,
/// so nothing is half done when the output is refused.
pub fn check_output(
    output: &Path,
    inputs: &[(&Path, &'static str)],
    force: bool,
) -> Result<(), WriteError> {
    for (input, what) in inputs {
        if same_file(output, input) {
            return Err(WriteError::IsInput {
                path: show(output),
                what,
            });
        }
    }
    if !force && fs::symlink_metadata(output).is_ok() {
        return Err(WriteError::Exists { path: show(output) });
    }
    Ok(())
}

/// Refuses an output that is an input known by its recorded path and its text (the scenario a
/// journal was played from): the file at that path, or any file holding exactly that text, which
/// is the input copied, moved or reached through a link where the recorded path, taken from
/// another directory, does not lead.
pub fn check_output_is_not(
    output: &Path,
    (input, text): (&Path, &[u8]),
    what: &'static str,
) -> Result<(), WriteError> {
    if same_file(output, input) || holds(output, text) {
        return Err(WriteError::IsInput {
            path: show(output),
            what,
        });
    }
    Ok(())
}

/// Whether the file at `path` holds exactly `text`; it is read only when its size is the text's.
fn holds(path: &Path, text: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == text.len() as u64 => {
            read_bounded(path, text.len() as u64).is_ok_and(|bytes| bytes == text)
        }
        _ => false,
    }
}

/// Writes an output checked with [`check_output`]: a new file, or with `force` over an existing
/// one (a file that appeared since the check is still never replaced without `force`).
pub fn write_output(output: &Path, bytes: &[u8], force: bool) -> Result<(), WriteError> {
    write_output_with(output, force, |file| file.write_all(bytes))
}

/// [`write_output`] of what `write` writes into the file as it goes.
pub fn write_output_with(
    output: &Path,
    force: bool,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), WriteError> {
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let io_error = |source: io::Error| match source.kind() {
        io::ErrorKind::AlreadyExists => WriteError::Exists { path: show(output) },
        _ => WriteError::Io {
            path: show(output),
            source,
        },
    };
    let mut file = options.open(output).map_err(io_error)?;
    write(&mut file).map_err(io_error)
}

/// Whether two paths name the same file: the same device and inode where both exist, else the
/// same absolute path once their directories are resolved (a file still to be created).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    if let (Ok(ma), Ok(mb)) = (fs::metadata(a), fs::metadata(b)) {
        use std::os::unix::fs::MetadataExt;
        return (ma.dev(), ma.ino()) == (mb.dev(), mb.ino());
    }
    match (resolved(a), resolved(b)) {
        (Some(ra), Some(rb)) => ra == rb,
        _ => a == b,
    }
}

/// The directory a file is in: its parent, or `.` for a bare file name.
pub fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// The path with its directory made absolute and free of links.
fn resolved(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    Some(fs::canonicalize(directory_of(path)).ok()?.join(name))
}

fn show(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::MAX_INPUT_BYTES;

    #[test]
    fn a_device_that_never_ends_is_refused_at_the_limit() {
        let error = read_bounded(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(
            error.to_string(),
            "/dev/zero: file too large: more than 1024 bytes, the limit is 0 MiB"
        );
    }

    #[test]
    fn a_sparse_file_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sparse.ron");
        // 3 GiB that take no disk: reading them would take seconds and gigabytes.
        File::create(&path).unwrap().set_len(3 << 30).unwrap();
        let started = std::time::Instant::now();
        let error = read_text(&path, MAX_INPUT_BYTES).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(
            error
                .to_string()
                .ends_with("file too large: 3221225472 bytes, the limit is 16 MiB"),
            "{error}"
        );
    }

    #[test]
    fn an_output_never_replaces_an_input_nor_without_force_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("j.jsonl");
        fs::write(&input, "precious").unwrap();
        let inputs = [(input.as_path(), "the journal being read")];
        for force in [false, true] {
            let error = check_output(&input, &inputs, force).unwrap_err();
            assert!(matches!(error, WriteError::IsInput { .. }), "{error}");
        }
        // The same file by another name.
        let other_name = dir.path().join(".").join("j.jsonl");
        assert!(check_output(&other_name, &inputs, true).is_err());
        let existing = dir.path().join("r.md");
        fs::write(&existing, "old").unwrap();
        let error = check_output(&existing, &inputs, false).unwrap_err();
        assert!(matches!(error, WriteError::Exists { .. }), "{error}");
        assert!(write_output(&existing, b"new", false).is_err());
        check_output(&existing, &inputs, true).unwrap();
        write_output(&existing, b"new", true).unwrap();
        assert_eq!(fs::read_to_string(&existing).unwrap(), "new");
        assert_eq!(fs::read_to_string(&input).unwrap(), "precious");
    }

    #[test]
    fn an_output_is_never_an_input_known_by_its_recorded_path_or_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let scenario = dir.path().join("s.ron");
        fs::write(&scenario, "Scenario()").unwrap();
        let recorded = (scenario.as_path(), &b"Scenario()"[..]);
        let refused = |output: &Path| {
            matches!(
                check_output_is_not(output, recorded, "the scenario"),
                Err(WriteError::IsInput { .. })
            )
        };
        assert!(refused(&scenario));
        // A copy elsewhere: its text.
        let copy = dir.path().join("copy.ron");
        fs::write(&copy, "Scenario()").unwrap();
        assert!(refused(&copy));
        // Another file, even of the same size, and a new one are fine.
        let other = dir.path().join("other.ron");
        fs::write(&other, "Scenario[]").unwrap();
        assert!(!refused(&other));
        assert!(!refused(&dir.path().join("new.md")));
    }
}
