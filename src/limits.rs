//! Limits shared across modules. A leaf: it imports nothing from the crate, so any module may
//! take its limits from here without an import running up or around.

// Input sizes: what ttx reads of a file before refusing it, so that a damaged or hostile input
// (a device, a sparse file, a journal that is not one) costs bounded time and memory.

/// The largest scenario or script file that is read at all.
pub const MAX_INPUT_BYTES: u64 = 16 << 20;
/// A journal larger than this is refused; a journal's signature covers at most this much.
pub const MAX_JOURNAL_BYTES: u64 = 512 * 1024 * 1024;
/// A journal line longer than this (without its `\n`) is refused, so a scenario whose source
/// would make the journal's header longer is refused before its exercise starts.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;
