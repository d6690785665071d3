//! The debrief as seats write it: ratings, the summary, the improvement plan, each checked and
//! in the journal before it is kept; and the teams' view of the report.

use super::{Refused, Session};
use crate::debrief::{DebriefEvent, PlanEdited, PlanField, check_entry};
use crate::role::{Request, Role};
use crate::text::capitalise;

impl Session {
    /// Lets the teams see the after-action report (their own results) from now on.
    pub fn release_report(&mut self, role: Role) -> Result<String, Refused> {
        Self::allow(role, Request::ReleaseReport)?;
        if self.report_released {
            return Err(Refused::ReportAlreadyReleased);
        }
        self.report_released = true;
        self.version += 1;
        Ok("The teams now see their results.".into())
    }

    /// Records a debrief event through the one path the CLI uses too (`Debrief::record`): it is
    /// checked, in the journal (fsync) and only then kept and shown. Refused while the journal
    /// is in error, so that nothing is written out of order.
    pub fn write_debrief(&mut self, role: Role, event: DebriefEvent) -> Result<String, Refused> {
        Self::allow(role, debrief_request(&event))?;
        if let Some(error) = &self.record_error {
            return Err(error.clone().into());
        }
        let said = self.say_debrief(&event);
        let recorder = &mut self.recorder;
        let exercise = &self.exercise;
        self.debrief
            .record(exercise, event, |event| {
                recorder
                    .record_debrief(exercise, event)
                    .map_err(|error| error.to_string())
            })
            .map_err(Refused::Debrief)?;
        self.version += 1;
        self.log.push((self.exercise.now(), said.clone()));
        self.note_signing();
        Ok(format!("{}.", capitalise(&said)))
    }

    /// Sets the changed fields of an improvement-plan item, one event each, after checking
    /// every value first, so a bad date writes nothing.
    pub fn edit_plan_item(
        &mut self,
        role: Role,
        item: &str,
        changes: Vec<(PlanField, String)>,
    ) -> Result<String, Refused> {
        Self::allow(role, Request::Plan)?;
        for (field, value) in &changes {
            check_entry(&DebriefEvent::PlanEdited(PlanEdited {
                item: item.to_string(),
                field: *field,
                value: value.clone(),
            }))
            .map_err(Refused::Debrief)?;
        }
        if changes.is_empty() {
            return Ok("Nothing changed.".into());
        }
        let count = changes.len();
        for (field, value) in changes {
            self.write_debrief(
                role,
                DebriefEvent::PlanEdited(PlanEdited {
                    item: item.to_string(),
                    field,
                    value,
                }),
            )?;
        }
        Ok(format!(
            "Improvement item {item}: {count} field{} saved.",
            if count == 1 { "" } else { "s" }
        ))
    }
}

/// What asking for a debrief event is.
fn debrief_request(event: &DebriefEvent) -> Request {
    match event {
        DebriefEvent::Rated(_) => Request::Rate,
        DebriefEvent::Summary(_) => Request::Summarise,
        DebriefEvent::PlanAdded(_) | DebriefEvent::PlanEdited(_) | DebriefEvent::PlanDropped(_) => {
            Request::Plan
        }
    }
}
