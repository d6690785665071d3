//! RON files read with positions: the spanned reader, the typed layer over it, and diagnostics
//! that show the offending line; and the literals of the RON that ttx writes. Shared by the
//! scenario and the script loaders and by what writes scenarios and scripts.

pub mod diagnostic;
pub mod parse;
pub mod typed;
pub mod write;

pub use diagnostic::{Diagnostic, Severity, SourceMap};
pub use parse::{Arena, Field, Kind, Span, Value, Written};
pub(crate) use typed::record;
pub use typed::{
    Each, Errors, Fields, FromValue, Got, Positive, Presence, SHOWN_NAMES, Share, Spanned,
    list_first_names, list_names, parse_file, string, text_of,
};
pub use write::quoted;
