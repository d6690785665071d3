//! Small scenarios built by hand for unit tests.

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
