//! The engine's invariants over random exercises: a replay of the events gives the identical
//! report, every score and credit stays in bounds, and the same seed gives the same events.

use std::sync::Arc;

use proptest::prelude::*;
use ttx::engine::{
    Answers, Command, Event, Exercise, ExpectationIx, NoteKind, Outcome, Refusal, Response,
    Settings, Status,
};
use ttx::journal::{Header, JournalWriter, read_journal};
use ttx::report::Report;
use ttx::scenario::{ActionIx, InjectIx, Scenario, TeamIx, load_scenario};

/// Every trigger kind, chance and jitter, a message with a reply, three teams; format 3's
/// shaped fields, a clarification, bases, `Incomplete` and `unless`.
const SCENARIO: &str = r#"Scenario(
    title: "Properties",
    late_credit: 0.3,
    objectives: [(id: "o1", name: "One"), (id: "o2", name: "Two")],
    teams: [(id: "alfa", name: "Team Alfa"), (id: "bravo", name: "Team Bravo"), (id: "charlie", name: "Team Charlie")],
    actions: [
        (id: "ack", name: "Ack"),
        (id: "req", name: "Request", fields: [(name: "x", min_words: 2), (name: "y", choices: ["a", "b"]), "z"], teams: ["alfa", "bravo"],
         message: (to: Others, reply: (action: "rep", within: "20m", weight: 1.5, objective: "o2", fields: ["f"], basis: "Art. 12"))),
        (id: "rep", name: "Reply", fields: ["f", "g"], message: (to: Teams(["alfa"]))),
        (id: "go", name: "Decide"),
        (id: "prep", name: "Prepare", ahead: true, fields: ["how"]),
        (id: "yes", name: "Yes"),
        (id: "no", name: "No", fields: ["why"]),
        (id: "clar", name: "Clarify", clarifies: "15m", basis: "Art. 9"),
    ],
    injects: [
        (id: "i0", when: At("0m"), to: ["alfa", "bravo"], title: "t", body: "b",
         expect: [(action: "ack", within: "10m", objective: "o1"), (action: "req", within: "30m", fields: ["x", "y"], weight: 2.0)]),
        (id: "i1", when: Released("i0"), delay: "5m", jitter: "10m", to: ["charlie"], title: "t", body: "b",
         expect: [(action: "ack", within: "5m", objective: "o2")]),
        (id: "i2", when: Missed("i0.ack@alfa"), to: ["alfa"], title: "t", body: "b", expect: [(action: "ack", within: "15m")]),
        (id: "i3", when: Met("i0.req"), chance: 0.5, to: ["bravo", "charlie"], title: "t", body: "b",
         expect: [(action: "rep", within: "10m", by: ["charlie"], weight: 0.5)]),
        (id: "i4", when: Taken("go@bravo"), jitter: "3m", to: ["alfa"], title: "t", body: "b", expect: [(action: "go", within: "2m")]),
        (id: "i5", when: Manual, to: ["alfa", "bravo", "charlie"], title: "t", body: "b", expect: [(action: "ack", within: "1m", objective: "o1")]),
        (id: "i6", when: At("1h"), chance: 0.7, to: ["bravo"], title: "t", body: "b", expect: [(action: "req", within: "10m")]),
        (id: "i7", when: At("10m"), to: ["alfa"], title: "t", body: "b", expect: [(action: "ack", within: "0s")]),
        (id: "i8", when: Missed("i7.ack"), to: ["bravo"], title: "t", body: "b", expect: [(action: "go", within: "0s")]),
        (id: "i9", when: Released("i8"), to: ["charlie"], title: "t", body: "b", expect: [(action: "ack", within: "1m")]),
        (id: "i10", when: At("20m"), to: ["alfa", "bravo"], title: "t", body: "b",
         expect: [(action: "prep", within: "10m", objective: "o1"), (decide: ["yes", "no", "go"], within: "15m", weight: 2.0)]),
        (id: "i11", when: Taken("yes"), to: ["charlie"], title: "t", body: "b", expect: [(action: "prep", within: "5m")]),
        (id: "i12", when: Met("i10.decision@bravo"), to: ["alfa"], title: "t", body: "b", expect: [(action: "prep", within: "30m")]),
        (id: "i13", when: Missed("i10.prep"), delay: "1m", to: ["charlie"], title: "t", body: "b", expect: [(decide: ["yes", "no"], within: "2h")]),
        (id: "i14", when: Incomplete("i0.req"), to: ["charlie"], title: "t", body: "b", method: "phone call", ref: "14",
         expect: [(action: "ack", within: "5m", basis: "SOP 1")]),
        (id: "i15", when: At("30m"), unless: Taken("clar"), to: ["alfa"], title: "t", body: "b", expect: [(action: "ack", within: "5m")]),
        (id: "i16", when: Released("i1"), unless: Incomplete("i0.req@bravo"), to: ["bravo"], title: "t", body: "b", expect: [(action: "req", within: "15m")]),
        (id: "i17", when: Incomplete("i10.decision"), jitter: "2m", to: ["alfa"], title: "t", body: "b", expect: [(action: "clar", within: "30m")]),
    ],
)"#;

/// What `team`'s report must not hold: the ids and names of the other teams, but for those named
/// on a message it sent or received (it saw them on its screen), the injects not sent to it, what
/// other teams wrote (their responses, the messages it neither sent nor received) and every
/// observation.
fn forbidden_to(exercise: &Exercise, team: TeamIx) -> Vec<String> {
    let scenario = exercise.scenario();
    let named_to_it = |other: TeamIx| {
        exercise.messages().iter().any(|m| {
            let names = |t: TeamIx| m.from == t || m.to.contains(&t);
            names(team) && names(other)
        })
    };
    let mut forbidden = Vec::new();
    for other in (0..scenario.teams.len()).map(TeamIx) {
        if other != team && !named_to_it(other) {
            forbidden.push(scenario.team(other).id.clone());
            forbidden.push(scenario.team(other).name.clone());
        }
    }
    for inject in scenario.injects.iter().filter(|i| !i.to.contains(&team)) {
        forbidden.push(format!("\"{}\"", inject.id));
        forbidden.push(format!("\"{}.", inject.id));
    }
    for record in exercise.responses() {
        if record.response.team != team {
            forbidden.extend(
                record
                    .response
                    .fields
                    .iter()
                    .map(|(_, text)| text.clone())
                    // A choice is a word every team may write.
                    .filter(|t| t.starts_with('<')),
            );
        }
    }
    for message in exercise.messages() {
        if message.from != team && !message.to.contains(&team) {
            forbidden.extend(message.text.clone());
        }
    }
    forbidden.extend(exercise.notes().iter().map(|n| n.text.clone()));
    forbidden
}

fn scenario() -> Arc<Scenario> {
    Arc::new(load_scenario("properties.ron", SCENARIO).expect("the property scenario is valid"))
}

/// A step of a random exercise: wait, then do something (which the engine may refuse).
#[derive(Debug, Clone)]
enum Step {
    Respond {
        team: usize,
        action: usize,
        /// Field, and its text: blank, one word, or several.
        fields: Vec<(usize, u8)>,
        answers: Option<(bool, usize)>,
        /// A clarification's fields of the request (3: a field no request has).
        insufficient: Vec<usize>,
    },
    /// A judgement of the `n`th expectation (modulo their number), finding these fields of the
    /// action that satisfied it insufficient (an empty list takes it back).
    Judge {
        expectation: usize,
        fields: Vec<usize>,
        reason: bool,
    },
    Release(usize),
    Say {
        team: usize,
        to: Option<Vec<usize>>,
        in_reply_to: Option<u64>,
    },
    Note(Option<usize>),
    Pause,
    Resume,
    Checkpoint,
    End,
}

fn step() -> impl Strategy<Value = (u64, Step)> {
    let respond = (
        0..3usize,
        0..8usize,
        prop::collection::vec((0..4usize, 0..3u8), 0..4),
        prop::option::of((any::<bool>(), 0..8usize)),
        prop::collection::vec(0..4usize, 0..3),
    )
        .prop_map(
            |(team, action, fields, answers, insufficient)| Step::Respond {
                team,
                action,
                fields,
                answers,
                insufficient,
            },
        );
    let judge = (
        0..40usize,
        prop::collection::vec(0..4usize, 0..3),
        any::<bool>(),
    )
        .prop_map(|(expectation, fields, reason)| Step::Judge {
            expectation,
            fields,
            reason,
        });
    // Requests and clarifications as people make them, so that round trips happen often.
    let request =
        (0..2usize, prop::collection::vec(1..3u8, 3)).prop_map(|(team, words)| Step::Respond {
            team,
            action: 1,
            fields: words.into_iter().enumerate().collect(),
            answers: None,
            insufficient: Vec::new(),
        });
    let clarify = (0..3usize, 0..4usize, prop::collection::vec(0..3usize, 1..3)).prop_map(
        |(team, n, insufficient)| Step::Respond {
            team,
            action: 7,
            fields: Vec::new(),
            answers: Some((false, n)),
            insufficient,
        },
    );
    let step = prop_oneof![
        6 => respond,
        2 => request,
        2 => clarify,
        2 => judge,
        1 => (0..18usize).prop_map(Step::Release),
        1 => (0..3usize, prop::option::of(prop::collection::vec(0..3usize, 0..3)), prop::option::of(0..6u64))
            .prop_map(|(team, to, in_reply_to)| Step::Say { team, to, in_reply_to }),
        1 => prop::option::of(0..3usize).prop_map(Step::Note),
        1 => Just(Step::Pause),
        1 => Just(Step::Resume),
        1 => Just(Step::Checkpoint),
        1 => Just(Step::End),
    ];
    // Many steps share a second with the one before: one instant, in order, is where the
    // rules are subtle.
    let wait = prop_oneof![2 => Just(0u64), 1 => 0..90u64, 2 => 0..1500u64];
    (wait, step)
}

/// The command of the `k`th step. What a team writes names the step and the team, so that a text
/// found in a report says whose it is.
fn command(exercise: &Exercise, step: &Step, k: usize) -> Option<Command> {
    let scenario = exercise.scenario();
    Some(match step {
        Step::Respond {
            team,
            action,
            fields,
            answers,
            insufficient,
        } => {
            let action = ActionIx(*action);
            let spec = scenario.action(action);
            let request = &scenario.action(ActionIx(1)).fields;
            // A clarification names a message, mostly one of the first few.
            let answers = match (spec.clarifies, answers) {
                (Some(_), Some((false, n))) => Some((false, n % 4 + 1)),
                (Some(_), _) => Some((false, 1)),
                (None, answers) => *answers,
            };
            Command::Respond(Response {
                team: TeamIx(*team),
                action,
                // Index 3 is a field no action has, to exercise the refusal. A field with
                // choices gets one of them when written in several words, and a text that is
                // none of them in one word.
                fields: fields
                    .iter()
                    .filter(|_| spec.clarifies.is_none() || k.is_multiple_of(5))
                    .map(|(f, words)| {
                        let name = spec
                            .fields
                            .get(*f)
                            .cloned()
                            .unwrap_or_else(|| "nope".into());
                        let choices = spec.field_index(&name).map(|i| &spec.shape(i).choices);
                        let text = match (words, choices) {
                            (0, _) => " ".into(),
                            (1, _) => format!("<response-{k}-of-team-{team}>"),
                            (_, Some(choices)) if !choices.is_empty() => {
                                choices[k % choices.len()].clone()
                            }
                            _ => format!("<response {k} of team {team}>"),
                        };
                        (name, text)
                    })
                    .collect(),
                note: None,
                answers: answers.map(|(inject, n)| {
                    if inject {
                        Answers::Inject(InjectIx(n % scenario.injects.len()))
                    } else {
                        Answers::Message(n as u64)
                    }
                }),
                insufficient: insufficient
                    .iter()
                    .map(|f| request.get(*f).cloned().unwrap_or_else(|| "nope".into()))
                    .collect(),
            })
        }
        Step::Judge {
            expectation,
            fields,
            reason,
        } => {
            // Mostly a done expectation, as evaluators judge; now and then one not done.
            let done: Vec<ExpectationIx> = (0..exercise.expectations().len())
                .map(ExpectationIx)
                .filter(|ix| expectation % 4 == 0 || exercise.expectation(*ix).done.is_some())
                .collect();
            if done.is_empty() {
                return None;
            }
            let ix = done[expectation % done.len()];
            let names = exercise
                .expectation(ix)
                .action
                .map(|a| scenario.action(a).fields.clone())
                .unwrap_or_default();
            Command::Judge {
                expectation: ix,
                insufficient: fields
                    .iter()
                    .map(|f| names.get(*f).cloned().unwrap_or_else(|| "nope".into()))
                    .collect(),
                reason: reason.then(|| format!("<judgement {k}>")),
                by: "eva".into(),
            }
        }
        Step::Release(inject) => Command::Release(InjectIx(*inject)),
        Step::Say {
            team,
            to,
            in_reply_to,
        } => Command::Say {
            team: TeamIx(*team),
            to: to
                .as_ref()
                .map(|to| to.iter().map(|t| TeamIx(*t)).collect()),
            text: format!("<message {k} of team {team}>"),
            in_reply_to: *in_reply_to,
        },
        Step::Note(team) => Command::Note {
            team: team.map(TeamIx),
            objective: None,
            kind: NoteKind::Improvement,
            text: format!("<observation {k}>"),
        },
        Step::Pause => Command::Pause,
        Step::Resume => Command::Resume,
        Step::Checkpoint => Command::Checkpoint,
        Step::End => Command::End,
    })
}

/// Plays the steps, with the planned end given; returns the exercise and every event it
/// recorded.
fn play(seed: u64, planned_end: Option<u64>, steps: &[(u64, Step)]) -> (Exercise, Vec<Event>) {
    let scenario = scenario();
    let settings = Settings {
        seed,
        planned_end,
        ..Settings::of(&scenario)
    };
    let mut exercise = Exercise::new(Arc::clone(&scenario), settings);
    let mut events = exercise
        .execute(Command::Start)
        .expect("a new exercise starts");
    let mut now = 0;
    for (k, (wait, step)) in steps.iter().enumerate() {
        // After the end only judgements are taken (Precise rule 39).
        let judges = matches!(step, Step::Judge { .. });
        if exercise.ended_at().is_some() && !judges {
            continue;
        }
        if exercise.ended_at().is_none() {
            now += wait;
            events.extend(
                exercise
                    .execute(Command::AdvanceTo(now))
                    .expect("time moves forward until the end"),
            );
        }
        let Some(command) = command(&exercise, step, k) else {
            continue;
        };
        // Nothing changes when or by what an expectation was done: a clarification or a
        // judgement changes what counts as supplied, never a response's time.
        let done_before: Vec<Option<(u64, usize)>> = exercise
            .expectations()
            .iter()
            .map(|e| e.done.as_ref().map(|d| (d.at, d.response)))
            .collect();
        // The dry run of matching agrees with the judgement, refusal included.
        let dry_run = match &command {
            Command::Respond(r) if exercise.ended_at().is_none() => {
                Some(exercise.would_satisfy(r.team, r.action, r.answers))
            }
            _ => None,
        };
        let result = exercise.execute(command);
        if let Some(dry_run) = dry_run {
            let judged = match &result {
                Ok(more) => more.iter().find_map(|e| match e {
                    Event::Responded { outcome, .. } => Some(match outcome {
                        Outcome::Satisfied(ix) => Ok(Some(*ix)),
                        Outcome::Ready | Outcome::Unexpected => Ok(None),
                    }),
                    _ => None,
                }),
                // The dry run does not look at fields, nor at what a clarification names.
                Err(
                    Refusal::UnknownField { .. }
                    | Refusal::FieldTwice { .. }
                    | Refusal::NotAChoice { .. }
                    | Refusal::NotAClarification { .. }
                    | Refusal::ClarificationNamesNoRequest
                    | Refusal::NotARequest { .. }
                    | Refusal::NotLatestVersion { .. }
                    | Refusal::AlreadyClarified { .. }
                    | Refusal::ReplyAlreadyDone { .. }
                    | Refusal::NothingInsufficient,
                ) => Some(dry_run.clone()),
                Err(refusal) => Some(Err(refusal.clone())),
            };
            assert_eq!(
                judged,
                Some(dry_run),
                "would_satisfy disagrees with the judgement"
            );
        }
        for (e, before) in exercise.expectations().iter().zip(&done_before) {
            if before.is_some() {
                assert_eq!(&e.done.as_ref().map(|d| (d.at, d.response)), before);
            }
        }
        if let Ok(more) = result {
            events.extend(more);
        }
    }
    if exercise.ended_at().is_none() {
        events.extend(
            exercise
                .execute(Command::RunOut)
                .expect("an exercise can always run out"),
        );
    }
    (exercise, events)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn replaying_the_journal_gives_the_identical_report(seed in any::<u64>(), end in prop::option::of(0..20_000u64), steps in prop::collection::vec(step(), 0..40)) {
        let (exercise, events) = play(seed, end, &steps);
        let replayed = Exercise::replay(scenario(), exercise.settings(), &events);
        prop_assert!(replayed.is_ok(), "{:?}", replayed.err());
        let replayed = replayed.unwrap();
        prop_assert_eq!(Report::of(&replayed), Report::of(&exercise));
    }

    #[test]
    fn every_score_is_within_bounds(seed in any::<u64>(), end in prop::option::of(0..20_000u64), steps in prop::collection::vec(step(), 0..40)) {
        let (exercise, _) = play(seed, end, &steps);
        let report = Report::of(&exercise);
        prop_assert!(report.ended_at_s.is_some());
        for team in &report.teams {
            let in_bounds = |score: Option<f64>| score.is_none_or(|s| (0.0..=1.0).contains(&s));
            prop_assert!(in_bounds(team.score), "{} scored {:?}", team.id, team.score);
            prop_assert_eq!(team.score.is_none(), team.weight == 0.0);
            for objective in &team.objectives {
                prop_assert!(objective.score.is_some() && in_bounds(objective.score));
            }
            for e in &team.expectations {
                match e.credit {
                    Some(credit) => prop_assert!(credit >= 0.0 && credit <= e.weight, "{} has credit {} of {}", e.id, credit, e.weight),
                    None => prop_assert_eq!(e.status, Status::NotDue),
                }
                prop_assert!(!matches!(e.status, Status::Open | Status::Overdue), "nothing stays open after the end");
                prop_assert_eq!(e.done_at_s.is_some(), matches!(e.status, Status::Met | Status::Incomplete | Status::Late));
            }
        }
    }

    #[test]
    fn the_release_order_kept_is_the_sorted_order(seed in any::<u64>(), end in prop::option::of(0..20_000u64), steps in prop::collection::vec(step(), 0..40)) {
        let (exercise, _) = play(seed, end, &steps);
        let mut sorted: Vec<ExpectationIx> =
            (0..exercise.expectations().len()).map(ExpectationIx).collect();
        sorted.sort_by_key(|ix| {
            let e = exercise.expectation(*ix);
            (e.released_at, e.source, e.team)
        });
        prop_assert_eq!(exercise.expectations_in_release_order(), sorted.as_slice());
        for team in (0..exercise.scenario().teams.len()).map(TeamIx) {
            let of_team: Vec<ExpectationIx> = sorted
                .iter()
                .copied()
                .filter(|ix| exercise.expectation(*ix).team == team)
                .collect();
            prop_assert_eq!(exercise.expectations_of_team(team), of_team.as_slice());
        }
    }

    #[test]
    fn each_expectation_id_names_its_one_copy(seed in any::<u64>(), end in prop::option::of(0..20_000u64), steps in prop::collection::vec(step(), 0..40)) {
        let (exercise, _) = play(seed, end, &steps);
        for ix in (0..exercise.expectations().len()).map(ExpectationIx) {
            let id = exercise.expectation_id(ix);
            prop_assert_eq!(exercise.expectation_by_id(&id), Some(ix), "{}", id);
        }
        prop_assert_eq!(exercise.expectation_by_id("nothing.ack@soc"), None);
    }

    #[test]
    fn format_2_rules_hold(seed in any::<u64>(), end in prop::option::of(0..20_000u64), steps in prop::collection::vec(step(), 0..40)) {
        let (x, _) = play(seed, end, &steps);
        let ended = x.ended_at().expect("every play ends");
        let mut used = std::collections::HashSet::new();
        for (i, e) in x.expectations().iter().enumerate() {
            let ix = ttx::engine::ExpectationIx(i);
            let status = x.status(ix);
            // not_due: only a deadline after the end; missed: only one at or before it.
            prop_assert_eq!(status == Status::NotDue, e.done.is_none() && e.due_at > ended);
            if let Some(done) = &e.done {
                // One response satisfies at most one expectation.
                prop_assert!(used.insert(done.response), "response {} used twice", done.response);
                let record = &x.responses()[done.response];
                prop_assert_eq!(record.satisfied, Some(ix));
                prop_assert!(e.accepts(record.response.action));
                if e.is_decision() {
                    prop_assert_eq!(e.action, Some(record.response.action));
                }
                // Done ahead: before the release, latency 0, never late.
                prop_assert_eq!(done.ahead, record.outcome == Outcome::Ready);
                if done.ahead {
                    prop_assert!(done.at <= e.released_at);
                    prop_assert_eq!(e.latency(), Some(0));
                    prop_assert!(matches!(status, Status::Met | Status::Incomplete));
                }
            } else if e.is_decision() {
                prop_assert_eq!(e.action, None);
            }
        }
        // A ready response never used is still there at the end, and reported as unexpected.
        let report = Report::of(&x);
        let unused_ready = x.responses().iter().filter(|r| r.outcome == Outcome::Ready && r.satisfied.is_none()).count();
        prop_assert_eq!(unused_ready, x.ready_responses().len());
        prop_assert_eq!(report.unexpected.iter().filter(|u| u.ahead == Some(true)).count(), unused_ready);
    }

    #[test]
    fn format_3_rules_hold(seed in any::<u64>(), end in prop::option::of(0..20_000u64), steps in prop::collection::vec(step(), 0..40)) {
        let (x, events) = play(seed, end, &steps);
        let scenario = x.scenario();
        for thread in x.requests() {
            // Round trips alternate: a clarification, then its amendment.
            let (c, a) = (thread.clarifications.len(), thread.amendments.len());
            prop_assert!(c == a || c == a + 1, "{} clarifications, {} amendments", c, a);
            let reply = x.expectation(thread.reply);
            if reply.held && reply.done.is_none() {
                prop_assert!(thread.latest_is_clarified());
                prop_assert_eq!(x.status(thread.reply), Status::NotDue);
            }
        }
        for e in x.expectations() {
            if let Some(done) = &e.done {
                prop_assert!(done.missing.iter().all(|f| e.required.contains(f)));
                let record = &x.responses()[done.response];
                let fields = scenario.action(record.response.action).fields.len();
                prop_assert!(x.findings(done.response).iter().all(|f| f.field < fields));
            }
        }
        let judged = events.iter().filter(|e| matches!(e, Event::Judged { .. })).count();
        prop_assert_eq!(x.judgements().len(), judged);
        let report = Report::of(&x);
        prop_assert!(!report.unexpected.iter().any(|u| u.action == "clar"), "a clarification is never unexpected");
        for (n, r) in x.responses().iter().enumerate() {
            prop_assert_eq!(x.clarification(n).is_some(), scenario.action(r.response.action).clarifies.is_some());
        }
    }

    #[test]
    fn the_json_journal_gives_back_every_event(seed in any::<u64>(), end in prop::option::of(0..20_000u64), steps in prop::collection::vec(step(), 0..40)) {
        let (exercise, events) = play(seed, end, &steps);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("run.jsonl");
        let header = Header::new("properties.ron", SCENARIO, exercise.scenario(), exercise.settings());
        let mut writer = JournalWriter::create(&path, &header).expect("the journal is created");
        writer.append(&exercise, &events).expect("the events are written");
        let loaded = read_journal(&path);
        prop_assert!(loaded.is_ok(), "{:?}", loaded.err().map(|e| e.to_string()));
        let loaded = loaded.unwrap();
        // Event → journal line → event is the identity.
        prop_assert_eq!(&loaded.events, &events);
        prop_assert_eq!(Report::of(&loaded.exercise), Report::of(&exercise));
    }

    #[test]
    fn a_teams_report_holds_nothing_of_another_team(seed in any::<u64>(), end in prop::option::of(0..20_000u64), steps in prop::collection::vec(step(), 0..40)) {
        let (exercise, _) = play(seed, end, &steps);
        let scenario = exercise.scenario();
        let whole = Report::of(&exercise);
        for team in (0..scenario.teams.len()).map(TeamIx) {
            let view = Report::for_team(&exercise, team);
            let json = view.to_json();
            for forbidden in forbidden_to(&exercise, team) {
                prop_assert!(!json.contains(&forbidden), "{} sees {}:\n{}", scenario.team(team).id, forbidden, json);
            }
            // Its scores are its own, as the whole report has them; nobody else's are there.
            prop_assert_eq!(&view.teams, &vec![whole.teams[team.0].clone()]);
            prop_assert!(view.ratings.is_empty() && view.notes.is_empty());
            // And it misses nothing of its own.
            let own = exercise.responses().iter().filter(|r| r.response.team == team).count();
            prop_assert_eq!(view.responses.list.len(), own);
            let talked = exercise.messages().iter().filter(|m| m.from == team || m.to.contains(&team)).count();
            prop_assert_eq!(view.messages.len(), talked);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_journal(seed in any::<u64>(), end in prop::option::of(0..20_000u64), steps in prop::collection::vec(step(), 0..30)) {
        let (_, first) = play(seed, end, &steps);
        let (_, second) = play(seed, end, &steps);
        prop_assert_eq!(first, second);
    }

    #[test]
    fn events_never_go_back_in_time(seed in any::<u64>(), end in prop::option::of(0..20_000u64), steps in prop::collection::vec(step(), 0..30)) {
        let (_, events) = play(seed, end, &steps);
        prop_assert!(events.windows(2).all(|w| w[0].at() <= w[1].at()));
    }
}
