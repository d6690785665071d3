//! A small scenario for unit tests: the spec's phishing example in brief, loaded by the real
//! loader, and a run of commands on it.

use crate::engine::{Answers, Command, NoteKind, Response};
use crate::scenario::*;

/// The spec's phishing example, in brief: a SOC (`soc`, 0) and a CERT (`cert`, 1).
/// Actions: ack 0, block 1, report 2 (a message that asks `advise` within 2h), advise 3,
/// takedown 4. Injects: mail-wave 0 (at 0), cert-heads-up 1 (20m after mail-wave),
/// takedown-request 2 (10m after mail-wave.block is met), wildcard 3 (chance 0: always skipped),
/// press 4 (by hand).
pub const PHISHING: &str = r#"Scenario(
    title: "Phishing wave",
    end: "4h",
    seed: 7,
    objectives: [
        (id: "contain", name: "Contain the phishing wave"),
        (id: "report", name: "Report incidents with complete information"),
    ],
    teams: [(id: "soc", name: "Company SOC"), (id: "cert", name: "National CERT")],
    actions: [
        (id: "ack", name: "Acknowledge"),
        (id: "block", name: "Block the sender domain", teams: ["soc"]),
        (id: "report", name: "Report the incident to the CERT", teams: ["soc"],
         fields: ["summary", "indicators", "impact"],
         message: (to: Others, reply: (action: "advise", within: "2h"))),
        (id: "advise", name: "Send advice", teams: ["cert"], fields: ["advice"],
         message: (to: Others)),
        (id: "takedown", name: "Request a takedown", teams: ["cert"]),
    ],
    injects: [
        (id: "mail-wave", when: At("0m"), to: ["soc"], title: "Phishing wave",
         body: "The body of mail-wave.",
         expect: [
            (action: "ack", within: "10m"),
            (action: "block", within: "30m", weight: 2.0, objective: "contain"),
            (action: "report", within: "1h", fields: ["summary", "indicators"], objective: "report"),
         ]),
        (id: "cert-heads-up", when: Released("mail-wave"), delay: "20m", to: ["cert"],
         title: "Other sectors see the same lures", body: "The body of cert-heads-up.",
         expect: [(action: "ack", within: "15m")]),
        (id: "takedown-request", when: Met("mail-wave.block"), delay: "10m", to: ["cert"],
         title: "Hosting provider calls", body: "The body of takedown-request.",
         expect: [(action: "takedown", within: "1h")]),
        (id: "wildcard", when: At("10m"), chance: 0.0, to: ["soc"], title: "A wild card",
         body: "The body of wildcard."),
        (id: "press", when: Manual, to: ["soc", "cert"], title: "Journalists call",
         body: "The body of press."),
    ],
)"#;

pub fn phishing() -> Scenario {
    match load_scenario("phishing.ron", PHISHING) {
        Ok(scenario) => scenario,
        Err(diagnostics) => panic!("the test scenario is valid: {diagnostics:?}"),
    }
}

pub fn respond(
    team: usize,
    action: usize,
    fields: &[(&str, &str)],
    answers: Option<Answers>,
) -> Command {
    Command::Respond(Response {
        team: TeamIx(team),
        action: ActionIx(action),
        fields: fields
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
        note: None,
        answers,
        insufficient: Vec::new(),
    })
}

/// A run that produces every kind of event but `ended`.
pub fn first_half() -> Vec<Command> {
    vec![
        Command::Start,
        Command::AdvanceTo(300),
        respond(0, 0, &[], None),
        Command::AdvanceTo(1500),
        respond(0, 1, &[], None),
        Command::Pause,
        Command::Resume,
        Command::SetSpeed(2.5),
        Command::AdvanceTo(3600),
        respond(
            0,
            2,
            &[("summary", "Fake password mail"), ("indicators", " ")],
            Some(Answers::Inject(InjectIx(0))),
        ),
        Command::Release(InjectIx(4)),
        Command::Note {
            team: Some(TeamIx(0)),
            objective: None,
            kind: NoteKind::Strength,
            text: "Blocked the domain <fast> & well".into(),
        },
    ]
}

pub fn second_half() -> Vec<Command> {
    vec![
        Command::AdvanceTo(5000),
        respond(1, 4, &[], None),
        respond(
            1,
            3,
            &[("advice", "Reset passwords")],
            Some(Answers::Message(1)),
        ),
        respond(1, 0, &[], None),
        respond(1, 0, &[], None),
        Command::Note {
            team: None,
            objective: None,
            kind: NoteKind::Improvement,
            text: "The report lacked indicators".into(),
        },
        Command::End,
    ]
}

/// The whole run of `first_half` and `second_half` on `phishing`, ended.
pub fn played() -> crate::engine::Exercise {
    let scenario = std::sync::Arc::new(phishing());
    let settings = crate::engine::Settings::of(&scenario);
    let mut exercise = crate::engine::Exercise::new(scenario, settings);
    for command in first_half().into_iter().chain(second_half()) {
        exercise.execute(command).expect("the test run is accepted");
    }
    exercise
}
