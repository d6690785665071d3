//! The journal as the app's recorder: every accepted command's events, synced to disk, before
//! the screen shows them.

use time::OffsetDateTime;

use super::Recorder;
use crate::debrief::{DebriefEvent, SeatEvent};
use crate::engine::{Event, Exercise};
use crate::journal::JournalWriter;
use crate::session::NotRecorded;

impl Recorder for JournalWriter {
    fn record(
        &mut self,
        exercise: &Exercise,
        events: &[Event],
    ) -> Result<Option<OffsetDateTime>, NotRecorded> {
        self.append(exercise, events)
            .map_err(|e| NotRecorded(e.to_string()))
    }

    fn record_debrief(
        &mut self,
        exercise: &Exercise,
        event: &DebriefEvent,
    ) -> Result<Option<OffsetDateTime>, NotRecorded> {
        self.append_debrief(exercise, event)
            .map_err(|e| NotRecorded(e.to_string()))
    }

    fn record_seat(
        &mut self,
        exercise: &Exercise,
        event: &SeatEvent,
    ) -> Result<Option<OffsetDateTime>, NotRecorded> {
        self.append_seat(exercise, event)
            .map_err(|e| NotRecorded(e.to_string()))
    }

    fn location(&self) -> String {
        self.path().display().to_string()
    }

    fn journal(&self) -> Option<&std::path::Path> {
        Some(self.path())
    }

    fn take_signing_failure(&mut self) -> Option<String> {
        JournalWriter::take_signing_failure(self)
    }
}
