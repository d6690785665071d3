//! Helpers for tests and benchmarks: an in-memory recorder and scenarios built by hand.

use std::sync::{Arc, Mutex};

use super::Recorder;
use crate::engine::{Event, Exercise, Settings};
use crate::scenario::{
    Action, ActionIx, Expectation, ExpectationRef, Inject, InjectIx, MessageSpec, Objective,
    ObjectiveIx, Recipients, ReplySpec, Scenario, Team, TeamIx, Trigger,
};

/// Keeps every recorded event in memory; clones share the list. `fail` makes the next records
/// fail (a full disk, say).
#[derive(Debug, Clone, Default)]
pub struct MemoryRecorder {
    pub events: Arc<Mutex<Vec<Event>>>,
    pub fail: Arc<Mutex<Option<String>>>,
}

impl MemoryRecorder {
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

impl Recorder for MemoryRecorder {
    fn record(&mut self, _exercise: &Exercise, events: &[Event]) -> Result<(), String> {
        if let Some(error) = self.fail.lock().ok().and_then(|f| f.clone()) {
            return Err(error);
        }
        if let Ok(mut list) = self.events.lock() {
            list.extend_from_slice(events);
        }
        Ok(())
    }

    fn location(&self) -> String {
        "exercises/test.jsonl".into()
    }
}

fn action(id: &str, name: &str, teams: Option<Vec<usize>>, fields: &[&str]) -> Action {
    Action {
        id: id.into(),
        name: name.into(),
        description: None,
        teams: teams.map(|t| t.into_iter().map(TeamIx).collect()),
        fields: fields.iter().map(|f| f.to_string()).collect(),
        message: None,
    }
}

fn inject(id: &str, when: Trigger, to: &[usize], title: &str, body: &str) -> Inject {
    Inject {
        id: id.into(),
        when,
        to: to.iter().copied().map(TeamIx).collect(),
        title: title.into(),
        body: body.into(),
        from: None,
        expect: Vec::new(),
        delay: 0,
        jitter: 0,
        chance: 1.0,
        notes: None,
    }
}

fn expect(action: usize, within: u64, by: &[usize], fields: &[usize]) -> Expectation {
    Expectation {
        action: ActionIx(action),
        within,
        by: by.iter().copied().map(TeamIx).collect(),
        fields: fields.to_vec(),
        weight: 1.0,
        objective: None,
    }
}

/// The spec's worked example (`tests/fixtures/phishing-example/scenario.ron`), built by hand.
pub fn phishing() -> Scenario {
    let mut report = action(
        "report",
        "Report the incident to the CERT",
        Some(vec![0]),
        &["summary", "indicators", "impact"],
    );
    report.message = Some(MessageSpec {
        to: Recipients::Others,
        reply: Some(ReplySpec {
            action: ActionIx(3),
            within: 7200,
        }),
    });
    let mut advise = action(
        "advise",
        "Send advice to the reporting organisation",
        Some(vec![1]),
        &["advice"],
    );
    advise.message = Some(MessageSpec {
        to: Recipients::Others,
        reply: None,
    });
    let mut mail_wave = inject(
        "mail-wave",
        Trigger::At(0),
        &[0],
        "Phishing wave",
        "Hundreds of staff received a fake password-expiry mail.",
    );
    mail_wave.from = Some("Mail gateway".into());
    mail_wave.expect = vec![
        expect(0, 600, &[0], &[]),
        Expectation {
            weight: 2.0,
            objective: Some(ObjectiveIx(0)),
            ..expect(1, 1800, &[0], &[])
        },
        Expectation {
            objective: Some(ObjectiveIx(1)),
            ..expect(2, 3600, &[0], &[0, 1])
        },
    ];
    let mut heads_up = inject(
        "cert-heads-up",
        Trigger::Released(InjectIx(0)),
        &[1],
        "Other sectors see the same lures",
        "Two banks report the same mail.",
    );
    heads_up.delay = 1200;
    heads_up.expect = vec![expect(0, 900, &[1], &[])];
    let mut no_report = inject(
        "no-report",
        Trigger::Missed(ExpectationRef {
            inject: InjectIx(0),
            expectation: 2,
            team: Some(TeamIx(0)),
        }),
        &[0],
        "Why no report?",
        "The regulator asks why no report was filed.",
    );
    no_report.expect = vec![expect(2, 1800, &[0], &[0, 1, 2])];
    let mut takedown = inject(
        "takedown-request",
        Trigger::Met(ExpectationRef {
            inject: InjectIx(0),
            expectation: 1,
            team: None,
        }),
        &[1],
        "Hosting provider calls",
        "Should we take the phishing site down?",
    );
    takedown.delay = 600;
    takedown.expect = vec![expect(4, 3600, &[1], &[])];
    let mut public = inject(
        "public-warning",
        Trigger::Taken {
            action: ActionIx(5),
            team: None,
        },
        &[0],
        "The warning makes the news",
        "Customers call the help desk.",
    );
    public.expect = vec![expect(0, 1800, &[0], &[])];
    let mut press = inject(
        "press",
        Trigger::Manual,
        &[0, 1],
        "Journalists call",
        "A reporter asks both organisations for comment.",
    );
    press.notes = Some("Release when the room needs pressure.".into());
    let mut scenario = Scenario {
        title: "Phishing wave".into(),
        summary: Some(
            "A credential-phishing wave hits a company; the national CERT coordinates.".into(),
        ),
        speed: 1.0,
        end: Some(4 * 3600),
        seed: 0,
        late_credit: 0.5,
        objectives: vec![
            Objective {
                id: "contain".into(),
                name: "Contain the phishing wave".into(),
            },
            Objective {
                id: "report".into(),
                name: "Report incidents to the national CERT with complete information".into(),
            },
        ],
        teams: vec![
            Team {
                id: "soc".into(),
                name: "Company SOC".into(),
                summary: None,
            },
            Team {
                id: "cert".into(),
                name: "National CERT".into(),
                summary: None,
            },
        ],
        actions: vec![
            action("ack", "Acknowledge", None, &[]),
            action("block", "Block the sender domain", Some(vec![0]), &[]),
            report,
            advise,
            action(
                "takedown",
                "Request a takedown of the phishing site",
                Some(vec![1]),
                &[],
            ),
            action(
                "warn-public",
                "Publish a public warning",
                Some(vec![1]),
                &[],
            ),
        ],
        injects: vec![mail_wave, heads_up, no_report, takedown, public, press],
        index: Default::default(),
    };
    scenario.build_index();
    scenario
}

/// A scenario of `count` injects, one a minute, alternating between two teams, each expecting
/// an acknowledgement: for benchmarks.
pub fn generated(count: usize) -> Scenario {
    let mut base = phishing();
    base.end = None;
    base.injects = (0..count)
        .map(|i| {
            let mut inject = inject(
                &format!("inject-{i:05}"),
                Trigger::At(i as u64 * 60),
                &[i % 2],
                &format!("Generated inject number {i}"),
                "Something happens that needs an acknowledgement.",
            );
            inject.expect = vec![expect(0, 900, &[i % 2], &[])];
            inject
        })
        .collect();
    base.build_index();
    base
}

/// An exercise of `scenario` with its own settings.
pub fn exercise(scenario: Scenario) -> Exercise {
    let settings = Settings::of(&scenario);
    Exercise::new(Arc::new(scenario), settings)
}
