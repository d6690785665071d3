//! The exercise engine: pure (no terminal, no file, no wall clock), command in, events out, state
//! as a fold of events.
//!
//! `execute` (in `decide`) checks a command against the state and, if it is accepted, produces
//! the events it causes, applying each as it is decided (a release can trigger another, a missed
//! deadline can release a contingency inject, so later events depend on earlier ones). `apply`
//! (in `fold`) is the only code that changes the state; a replay applies a journal's events and
//! gets the same state. The screens and reports ask `queries` and `score`, and get data back
//! (ids, indices, statuses): the words they show are theirs.

mod agenda;
mod command;
mod decide;
mod draw;
mod event;
mod fold;
mod queries;
mod replay;
mod requests;
mod score;
mod state;
mod triggers;

pub use command::{Command, Refusal};
pub use draw::{Draw, draw};
pub use event::{Answers, Event, ExpectationIx, NoteKind, Outcome, Response};
pub use queries::{ExpectationName, InboxItem};
pub use replay::{Inconsistency, Judgement, Pending};
pub use score::{Score, Status};
pub use state::{
    Clarified, Done, Exercise, Expectation, Finding, FoundBy, InjectState, JudgementRecord,
    Message, Note, RequestThread, ResponseRecord, Rules, Settings, SkipCause, Source,
};
