//! Helpers for tests and benchmarks: an in-memory recorder and small scenarios.

use std::sync::{Arc, Mutex};

use super::{NotRecorded, Recorder};
use crate::debrief::{DebriefEvent, SeatEvent};
use crate::engine::{Event, Exercise, Settings};
use std::fmt::Write as _;
use time::OffsetDateTime;

use crate::scenario::{Scenario, load_scenario};

/// Keeps every recorded event in memory; clones share the list. `fail` makes the next records
/// fail (a full disk, say).
#[derive(Debug, Clone, Default)]
pub struct MemoryRecorder {
    pub events: Arc<Mutex<Vec<Event>>>,
    pub debrief: Arc<Mutex<Vec<DebriefEvent>>>,
    pub fail: Arc<Mutex<Option<String>>>,
    pub seats: Arc<Mutex<Vec<SeatEvent>>>,
}

impl MemoryRecorder {
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

impl Recorder for MemoryRecorder {
    fn record(
        &mut self,
        _exercise: &Exercise,
        events: &[Event],
    ) -> Result<Option<OffsetDateTime>, NotRecorded> {
        if let Some(error) = self.fail.lock().ok().and_then(|f| f.clone()) {
            return Err(NotRecorded(error));
        }
        if let Ok(mut list) = self.events.lock() {
            list.extend_from_slice(events);
        }
        Ok(None)
    }

    fn record_debrief(
        &mut self,
        _exercise: &Exercise,
        event: &DebriefEvent,
    ) -> Result<Option<OffsetDateTime>, NotRecorded> {
        if let Some(error) = self.fail.lock().ok().and_then(|f| f.clone()) {
            return Err(NotRecorded(error));
        }
        if let Ok(mut list) = self.debrief.lock() {
            list.push(event.clone());
        }
        Ok(None)
    }

    fn record_seat(
        &mut self,
        _exercise: &Exercise,
        event: &SeatEvent,
    ) -> Result<Option<OffsetDateTime>, NotRecorded> {
        if let Some(error) = self.fail.lock().ok().and_then(|f| f.clone()) {
            return Err(NotRecorded(error));
        }
        if let Ok(mut list) = self.seats.lock() {
            list.push(event.clone());
        }
        Ok(None)
    }

    fn location(&self) -> String {
        "exercises/test.jsonl".into()
    }

    fn journal(&self) -> Option<&std::path::Path> {
        None
    }

    fn take_signing_failure(&mut self) -> Option<String> {
        None
    }
}

/// The spec's worked example (`tests/fixtures/phishing-example/scenario.ron`).
pub fn phishing() -> Scenario {
    load(include_str!(
        "../../tests/fixtures/phishing-example/scenario.ron"
    ))
}

/// A scenario of `count` injects, one a minute, alternating between two teams, each expecting
/// an acknowledgement: for benchmarks.
pub fn generated(count: usize) -> Scenario {
    let mut source = String::from(
        r#"Scenario(title: "Generated", teams: [(id: "soc", name: "Company SOC"), (id: "cert", name: "National CERT")],
        actions: [(id: "ack", name: "Acknowledge")], injects: ["#,
    );
    for i in 0..count {
        let team = ["soc", "cert"][i % 2];
        let _ = write!(
            source,
            r#"(id: "inject-{i:05}", when: At("{i}m"), to: ["{team}"], title: "Generated inject number {i}",
             body: "Something happens that needs an acknowledgement.", expect: [(action: "ack", within: "15m")]),"#
        );
    }
    source.push_str("])");
    load(&source)
}

fn load(source: &str) -> Scenario {
    match load_scenario("test.ron", source) {
        Ok(scenario) => scenario,
        Err(diagnostics) => panic!("a test scenario is valid: {diagnostics:?}"),
    }
}

/// An exercise of `scenario` with its own settings.
pub fn exercise(scenario: Scenario) -> Exercise {
    let settings = Settings::of(&scenario);
    Exercise::new(Arc::new(scenario), settings)
}

/// The discussion's modules added to the phishing example: `detect` from 0m (`who-tells`, for
/// the SOC, under `report`; `first-need`, for both teams) and `recover` from 1h (`lessons`, for
/// both, under `contain`).
pub const MODULES: &str = r#"    modules: [
        (id: "detect", title: "Module 1: Detection", from: "0m",
         narrative: "Mails with a fake password-expiry link arrive.",
         questions: [
            (id: "who-tells", text: "Who tells the CERT, and how?", to: ["soc"], objective: "report"),
            (id: "first-need", text: "What do you need from the other side first?"),
         ]),
        (id: "recover", title: "Module 2: Recovery", from: "1h",
         narrative: "The wave ebbs; the press calls.",
         questions: [(id: "lessons", text: "What would you change?", objective: "contain")]),
    ],
"#;

/// The phishing example with the discussion's `MODULES`.
pub fn discussion() -> Scenario {
    let source = include_str!("../../tests/fixtures/phishing-example/scenario.ron");
    let end = source.rfind(')').unwrap_or(source.len());
    load(&format!("{}{MODULES}{}", &source[..end], &source[end..]))
}

/// A session of the phishing example recording into `recorder`, its reports under `reports`.
#[cfg(test)]
pub(crate) fn session(recorder: &MemoryRecorder) -> super::Session {
    session_of(phishing(), recorder)
}

/// A session of `scenario` recording into `recorder`.
#[cfg(test)]
pub(crate) fn session_of(scenario: Scenario, recorder: &MemoryRecorder) -> super::Session {
    super::Session::new(
        exercise(scenario),
        Box::new(recorder.clone()),
        std::path::PathBuf::from("reports"),
    )
}
