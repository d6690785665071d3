//! The standard output, the one way every command writes its result. A reader that has gone
//! (`ttx validate … | head -1`) is not an error: what it did not read was not wanted, and the
//! command goes on quietly to its own exit code. Any other failure to write (a full disk) is.

use std::io::{self, ErrorKind, Write};

use super::Failure;

/// Writes `text` to the standard output.
pub fn print(text: &str) -> Result<(), Failure> {
    write(text.as_bytes())
}

/// Writes `bytes` to the standard output.
pub fn write(bytes: &[u8]) -> Result<(), Failure> {
    written(io::stdout().lock().write_all(bytes))
}

/// What came of a write to the standard output, flushed: this module's own, or one by a writer
/// that does more than bytes (clap's, which colours its help on a terminal).
pub fn written(write: io::Result<()>) -> Result<(), Failure> {
    match write.and_then(|()| io::stdout().flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(Failure::Stdout(e)),
        _ => Ok(()),
    }
}
