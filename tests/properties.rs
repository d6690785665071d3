//! The engine's invariants over random exercises: a replay of the events gives the identical
//! report, every score and credit stays in bounds, and the same seed gives the same events.

use std::sync::Arc;

use proptest::prelude::*;
use ttx::engine::{Answers, Command, Event, Exercise, NoteKind, Response, Settings};
use ttx::report::Report;
use ttx::scenario::{ActionIx, InjectIx, Scenario, TeamIx, load_scenario};

/// Every trigger kind, chance and jitter, a message with a reply, three teams.
const SCENARIO: &str = r#"Scenario(
    title: "Properties",
    late_credit: 0.3,
    objectives: [(id: "o1", name: "One"), (id: "o2", name: "Two")],
    teams: [(id: "a", name: "A"), (id: "b", name: "B"), (id: "c", name: "C")],
    actions: [
        (id: "ack", name: "Ack"),
        (id: "req", name: "Request", fields: ["x", "y", "z"], teams: ["a", "b"],
         message: (to: Others, reply: (action: "rep", within: "20m"))),
        (id: "rep", name: "Reply", fields: ["f"], message: (to: Teams(["a"]))),
        (id: "go", name: "Decide"),
    ],
    injects: [
        (id: "i0", when: At("0m"), to: ["a", "b"], title: "t", body: "b",
         expect: [(action: "ack", within: "10m", objective: "o1"), (action: "req", within: "30m", fields: ["x", "y"], weight: 2.0)]),
        (id: "i1", when: Released("i0"), delay: "5m", jitter: "10m", to: ["c"], title: "t", body: "b",
         expect: [(action: "ack", within: "5m", objective: "o2")]),
        (id: "i2", when: Missed("i0.ack@a"), to: ["a"], title: "t", body: "b", expect: [(action: "ack", within: "15m")]),
        (id: "i3", when: Met("i0.req"), chance: 0.5, to: ["b", "c"], title: "t", body: "b",
         expect: [(action: "rep", within: "10m", by: ["c"], weight: 0.5)]),
        (id: "i4", when: Taken("go@b"), jitter: "3m", to: ["a"], title: "t", body: "b", expect: [(action: "go", within: "2m")]),
        (id: "i5", when: Manual, to: ["a", "b", "c"], title: "t", body: "b", expect: [(action: "ack", within: "1m", objective: "o1")]),
        (id: "i6", when: At("1h"), chance: 0.7, to: ["b"], title: "t", body: "b", expect: [(action: "req", within: "10m")]),
        (id: "i7", when: At("10m"), to: ["a"], title: "t", body: "b", expect: [(action: "ack", within: "0s")]),
        (id: "i8", when: Missed("i7.ack"), to: ["b"], title: "t", body: "b", expect: [(action: "go", within: "0s")]),
        (id: "i9", when: Released("i8"), to: ["c"], title: "t", body: "b", expect: [(action: "ack", within: "1m")]),
    ],
)"#;

fn scenario() -> Arc<Scenario> {
    Arc::new(load_scenario("properties.ron", SCENARIO).expect("the property scenario is valid"))
}

/// A step of a random exercise: wait, then do something (which the engine may refuse).
#[derive(Debug, Clone)]
enum Step {
    Respond {
        team: usize,
        action: usize,
        fields: Vec<(usize, bool)>,
        answers: Option<(bool, usize)>,
    },
    Release(usize),
    Note(Option<usize>),
    Pause,
    Resume,
    Checkpoint,
    End,
}

fn step() -> impl Strategy<Value = (u64, Step)> {
    let respond = (
        0..3usize,
        0..4usize,
        prop::collection::vec((0..4usize, any::<bool>()), 0..4),
        prop::option::of((any::<bool>(), 0..8usize)),
    )
        .prop_map(|(team, action, fields, answers)| Step::Respond {
            team,
            action,
            fields,
            answers,
        });
    let step = prop_oneof![
        6 => respond,
        1 => (0..7usize).prop_map(Step::Release),
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

fn command(scenario: &Scenario, step: &Step) -> Command {
    match step {
        Step::Respond {
            team,
            action,
            fields,
            answers,
        } => {
            let action = ActionIx(*action);
            let names = &scenario.action(action).fields;
            Command::Respond(Response {
                team: TeamIx(*team),
                action,
                // Index 3 is a field no action has, to exercise the refusal.
                fields: fields
                    .iter()
                    .map(|(f, blank)| {
                        let name = names.get(*f).cloned().unwrap_or_else(|| "nope".into());
                        (name, if *blank { " ".into() } else { "text".into() })
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
            })
        }
        Step::Release(inject) => Command::Release(InjectIx(*inject)),
        Step::Note(team) => Command::Note {
            team: team.map(TeamIx),
            kind: NoteKind::Improvement,
            text: "seen".into(),
        },
        Step::Pause => Command::Pause,
        Step::Resume => Command::Resume,
        Step::Checkpoint => Command::Checkpoint,
        Step::End => Command::End,
    }
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
    for (wait, step) in steps {
        if exercise.ended_at().is_some() {
            break;
        }
        now += wait;
        events.extend(
            exercise
                .execute(Command::AdvanceTo(now))
                .expect("time moves forward until the end"),
        );
        if let Ok(more) = exercise.execute(command(&scenario, step)) {
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
            prop_assert!((0.0..=1.0).contains(&team.score), "{} scored {}", team.id, team.score);
            for objective in &team.objectives {
                prop_assert!((0.0..=1.0).contains(&objective.score));
            }
            for e in &team.expectations {
                prop_assert!(e.credit >= 0.0 && e.credit <= e.weight, "{} has credit {} of {}", e.id, e.credit, e.weight);
                prop_assert!(!["open", "overdue"].contains(&e.status), "nothing stays open after the end");
                prop_assert_eq!(e.done_at_s.is_some(), ["met", "incomplete", "late"].contains(&e.status));
            }
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
