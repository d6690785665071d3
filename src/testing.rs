//! Small scenarios built by hand for unit tests.

use crate::engine::{Answers, Command, NoteKind, Response};
use crate::scenario::*;

fn team(id: &str, name: &str) -> Team {
    Team {
        id: id.into(),
        name: name.into(),
        summary: None,
    }
}

fn action(id: &str, name: &str, teams: Option<Vec<TeamIx>>, fields: &[&str]) -> Action {
    Action {
        id: id.into(),
        name: name.into(),
        description: None,
        teams,
        fields: fields.iter().map(|f| f.to_string()).collect(),
        message: None,
    }
}

fn expect(action: usize, within: Secs, by: usize) -> Expectation {
    Expectation {
        action: ActionIx(action),
        within,
        by: vec![TeamIx(by)],
        fields: Vec::new(),
        weight: 1.0,
        objective: None,
    }
}

fn inject(id: &str, when: Trigger, to: usize, title: &str, expect: Vec<Expectation>) -> Inject {
    Inject {
        id: id.into(),
        when,
        to: vec![TeamIx(to)],
        title: title.into(),
        body: format!("The body of {id}."),
        from: None,
        expect,
        delay: 0,
        jitter: 0,
        chance: 1.0,
        notes: None,
    }
}

/// The spec's phishing example, in brief: a SOC (`soc`, 0) and a CERT (`cert`, 1).
/// Actions: ack 0, block 1, report 2 (a message that asks `advise` within 2h), advise 3,
/// takedown 4. Injects: mail-wave 0 (at 0), cert-heads-up 1 (20m after mail-wave),
/// takedown-request 2 (10m after mail-wave.block is met), wildcard 3 (chance 0: always skipped),
/// press 4 (by hand).
pub fn phishing() -> Scenario {
    let (soc, cert) = (0, 1);
    let mut report = action(
        "report",
        "Report the incident to the CERT",
        Some(vec![TeamIx(soc)]),
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
        "Send advice",
        Some(vec![TeamIx(cert)]),
        &["advice"],
    );
    advise.message = Some(MessageSpec {
        to: Recipients::Others,
        reply: None,
    });
    let mut block = expect(1, 1800, soc);
    block.weight = 2.0;
    block.objective = Some(ObjectiveIx(0));
    let mut report_expect = expect(2, 3600, soc);
    report_expect.fields = vec![0, 1];
    report_expect.objective = Some(ObjectiveIx(1));
    let mut heads_up = inject(
        "cert-heads-up",
        Trigger::Released(InjectIx(0)),
        cert,
        "Other sectors see the same lures",
        vec![expect(0, 900, cert)],
    );
    heads_up.delay = 1200;
    let mut takedown = inject(
        "takedown-request",
        Trigger::Met(ExpectationRef {
            inject: InjectIx(0),
            expectation: 1,
            team: None,
        }),
        cert,
        "Hosting provider calls",
        vec![expect(4, 3600, cert)],
    );
    takedown.delay = 600;
    let mut wildcard = inject("wildcard", Trigger::At(600), soc, "A wild card", vec![]);
    wildcard.chance = 0.0;
    let mut press = inject("press", Trigger::Manual, soc, "Journalists call", vec![]);
    press.to = vec![TeamIx(soc), TeamIx(cert)];
    let mut scenario = Scenario {
        title: "Phishing wave".into(),
        summary: None,
        speed: 1.0,
        end: Some(14400),
        seed: 7,
        late_credit: 0.5,
        objectives: vec![
            Objective {
                id: "contain".into(),
                name: "Contain the phishing wave".into(),
            },
            Objective {
                id: "report".into(),
                name: "Report incidents with complete information".into(),
            },
        ],
        teams: vec![team("soc", "Company SOC"), team("cert", "National CERT")],
        actions: vec![
            action("ack", "Acknowledge", None, &[]),
            action(
                "block",
                "Block the sender domain",
                Some(vec![TeamIx(soc)]),
                &[],
            ),
            report,
            advise,
            action(
                "takedown",
                "Request a takedown",
                Some(vec![TeamIx(cert)]),
                &[],
            ),
        ],
        injects: vec![
            inject(
                "mail-wave",
                Trigger::At(0),
                soc,
                "Phishing wave",
                vec![expect(0, 600, soc), block, report_expect],
            ),
            heads_up,
            takedown,
            wildcard,
            press,
        ],
        index: Index::default(),
    };
    scenario.build_index();
    scenario
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
