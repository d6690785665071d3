//! The exercise engine: pure, command in, events out, state as a fold of events.

use serde::{Deserialize, Serialize};

/// What a facilitator's observation is, in HSEEP's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    Strength,
    Improvement,
}
