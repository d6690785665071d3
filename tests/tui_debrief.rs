//! The evaluation and after-action screen driven with synthetic keys: ratings accepted and
//! overridden, the executive summary, the improvement plan edited, added to and dropped; every
//! change recorded as a debrief event that replays to the same report; the in-app export equal
//! to `ttx report` of the journal; an evaluator seat.

use std::path::PathBuf;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ttx::debrief::evaluation::Rating;
use ttx::debrief::{Debrief, DebriefEvent, ExerciseFact, PlanField};
use ttx::engine::Settings;
use ttx::journal::{Header, JournalWriter, read_journal};
use ttx::report::{Format, Report};
use ttx::role::Role;
use ttx::session::Session;
use ttx::session::testing::{MemoryRecorder, exercise, phishing};
use ttx::tui::app::View;
use ttx::tui::seat::{Seat, Shown};
use ttx::tui::{App, Key};

struct Harness {
    app: App,
    recorder: MemoryRecorder,
    wall: Duration,
}

impl Harness {
    fn new(report_dir: PathBuf) -> Self {
        let recorder = MemoryRecorder::default();
        let app = App::new(exercise(phishing()), Box::new(recorder.clone()), report_dir);
        Harness {
            app,
            recorder,
            wall: Duration::ZERO,
        }
    }

    fn key(&mut self, key: Key) -> &mut Self {
        self.app.handle_key(key, self.wall);
        self
    }

    fn press(&mut self, c: char) -> &mut Self {
        self.key(Key::Char(c))
    }

    fn type_text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.key(Key::Char(c));
        }
        self
    }

    fn wait(&mut self, secs: u64) -> &mut Self {
        for _ in 0..secs {
            self.wall += Duration::from_secs(1);
            self.app.tick(self.wall);
        }
        self
    }

    fn screen(&self, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| ttx::tui::ui::draw(frame, &self.app))
            .unwrap();
        terminal.backend().to_string()
    }

    fn debrief_events(&self) -> Vec<DebriefEvent> {
        self.recorder.debrief.lock().unwrap().clone()
    }

    /// Down until the selected entry is the `n`th of the list.
    fn select(&mut self, n: usize) -> &mut Self {
        for _ in 0..40 {
            self.key(Key::Up);
        }
        for _ in 0..n {
            self.key(Key::Down);
        }
        self
    }
}

/// Plays past the SOC's deadlines (nothing answered), then ends: every rating has a
/// suggestion to accept or override.
fn ended() -> Harness {
    let dir = std::env::temp_dir().join(format!("ttx-debrief-test-{}", std::process::id()));
    let mut h = Harness::new(dir);
    h.press(' ').wait(3700).press('E').press('y');
    h
}

#[test]
fn the_after_action_screen_writes_the_whole_debrief() {
    let mut h = ended();
    assert_eq!(h.app.view(), View::Evaluation);
    insta::assert_snapshot!("after_action_80x24", h.screen(80, 24));
    insta::assert_snapshot!("after_action_wide", h.screen(130, 40));
    let report = h.app.session.report();
    let ratings = report.ratings.len();
    assert!(ratings >= 2, "{:?}", report.ratings);
    assert!(report.ratings[0].suggested.is_some());

    // Accept the first suggestion.
    h.press('a');
    let events = h.debrief_events();
    let DebriefEvent::Rated(first) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(Some(first.rating), report.ratings[0].suggested);
    assert_eq!(first.by.as_deref(), Some("facilitator"));
    assert!(
        h.app.flash().unwrap().contains("Rated"),
        "{:?}",
        h.app.flash()
    );

    // Override the second: a reason is required before anything is written.
    h.key(Key::Down).key(Key::Enter);
    insta::assert_snapshot!("rating_form", h.screen(80, 24));
    let suggested = report.ratings[1].suggested.unwrap();
    let other = if suggested == Rating::P { 'S' } else { 'P' };
    h.press(other).key(Key::Ctrl('s'));
    assert_eq!(h.debrief_events().len(), 1);
    let screen = h.screen(80, 24);
    assert!(screen.contains("write the reason"), "{screen}");
    h.type_text("A tabletop, not a live system")
        .key(Key::Tab)
        .type_text("The SOC never blocked the domain.")
        .key(Key::Ctrl('s'));
    let DebriefEvent::Rated(second) = &h.debrief_events()[1] else {
        panic!()
    };
    assert_eq!(second.rating.code(), other.to_string());
    assert_eq!(
        second.reason.as_deref(),
        Some("A tabletop, not a live system")
    );
    assert_eq!(
        second.analysis.as_deref(),
        Some("The SOC never blocked the domain.")
    );

    // The executive summary, over two lines.
    h.select(ratings).key(Key::Enter);
    h.type_text("The SOC missed its deadlines.")
        .key(Key::Enter)
        .type_text("The CERT was never told.");
    insta::assert_snapshot!("summary_form", h.screen(80, 24));
    h.key(Key::Ctrl('s'));
    assert_eq!(
        h.app.session.report().executive_summary.as_deref(),
        Some("The SOC missed its deadlines.\nThe CERT was never told.")
    );

    // The exercise's facts for the cover: what the scenario lacks, entered; a field left
    // empty keeps the scenario's.
    h.select(ratings + 1);
    let screen = h.screen(100, 30);
    assert!(screen.contains("Exercise facts (cover)"), "{screen}");
    assert!(screen.contains("0 of 5 given"), "{screen}");
    h.key(Key::Enter);
    insta::assert_snapshot!("facts_form", h.screen(100, 30));
    h.type_text("Ministry of Justice")
        .key(Key::Tab)
        .key(Key::Tab)
        .type_text("11 March 2027")
        .key(Key::Tab)
        .type_text("TLP:AMBER")
        .key(Key::Ctrl('s'));
    let facts: Vec<(ExerciseFact, String)> = h
        .debrief_events()
        .iter()
        .filter_map(|e| match e {
            DebriefEvent::Fact(f) => Some((f.fact, f.value.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        facts,
        vec![
            (ExerciseFact::Sponsor, "Ministry of Justice".into()),
            (ExerciseFact::Dates, "11 March 2027".into()),
            (ExerciseFact::Handling, "TLP:AMBER".into()),
        ]
    );
    let exercise = h.app.session.report().exercise;
    assert_eq!(exercise.dates.as_deref(), Some("11 March 2027"));
    assert_eq!(exercise.handling.as_deref(), Some("TLP:AMBER"));
    let screen = h.screen(100, 30);
    assert!(screen.contains("3 of 5 given"), "{screen}");
    assert!(
        screen.contains("Sponsor: Ministry of Justice (entered)"),
        "{screen}"
    );
    let written = h.debrief_events().len();

    // The first improvement item: its root cause, the corrective action, the capability
    // element chosen among HSEEP's five with its guidance, a bad date refused clearly.
    let item = h.app.session.report().improvement_plan[0].id.clone();
    h.select(ratings + 2).key(Key::Enter);
    h.type_text("Nobody owns the blocking runbook")
        .key(Key::Tab)
        .type_text("Train the SOC on the blocking runbook")
        .key(Key::Tab);
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("HSEEP's five: Planning, Organization"),
        "{screen}"
    );
    h.key(Key::Right);
    insta::assert_snapshot!("plan_form_element", h.screen(80, 24));
    assert!(
        h.screen(80, 24)
            .contains("  Planning: plans, policies, procedures, agreements: what is written down"),
    );
    h.key(Key::Tab)
        .key(Key::Tab)
        .type_text("Jo Smith, jo@example.org")
        .key(Key::Tab)
        .type_text("2027-02-30")
        .key(Key::Ctrl('s'));
    let screen = h.screen(80, 24);
    insta::assert_snapshot!("plan_form_bad_date", screen);
    assert!(screen.contains("is not a date"), "{screen}");
    assert_eq!(
        h.debrief_events().len(),
        written,
        "nothing of the refused item was written"
    );
    for _ in 0.."2027-02-30".len() {
        h.key(Key::Backspace);
    }
    h.type_text("2027-02-01")
        .key(Key::Tab)
        .type_text("2027-06-30")
        .key(Key::Ctrl('s'));
    let plan = h.app.session.report().improvement_plan;
    let edited = plan.iter().find(|i| i.id == item).unwrap();
    assert_eq!(
        edited.corrective_action.as_deref(),
        Some("Train the SOC on the blocking runbook")
    );
    assert_eq!(edited.capability_element.as_deref(), Some("Planning"));
    assert_eq!(
        edited.root_cause.as_deref(),
        Some("Nobody owns the blocking runbook")
    );
    assert_eq!(edited.poc.as_deref(), Some("Jo Smith, jo@example.org"));
    assert_eq!(edited.start.as_deref(), Some("2027-02-01"));
    assert_eq!(edited.completion.as_deref(), Some("2027-06-30"));
    let details = h.screen(130, 40);
    assert!(
        details.contains("Root cause: Nobody owns the blocking runbook"),
        "{details}"
    );
    assert!(
        details.contains("  plans, policies, procedures, agreements: what is written down"),
        "{details}"
    );

    // A new item, then the drafted one dropped (asked first).
    h.press('n')
        .type_text("The hotline numbers were out of date")
        .key(Key::Ctrl('s'));
    let plan = h.app.session.report().improvement_plan;
    assert!(
        plan.iter()
            .any(|i| i.id == "added-1" && i.issue == "The hotline numbers were out of date")
    );
    h.select(ratings + 2).press('d');
    assert!(h.screen(80, 24).contains("Drop the improvement item?"));
    h.press('y');
    assert!(
        !h.app
            .session
            .report()
            .improvement_plan
            .iter()
            .any(|i| i.id == item)
    );

    // Everything shown is what the recorded events replay to.
    let exercise = h.app.exercise().clone();
    let mut replayed = Debrief::default();
    for event in h.debrief_events() {
        replayed.apply(&exercise, event, None).unwrap();
    }
    assert_eq!(
        Report::evaluated(&exercise, &replayed),
        h.app.session.report()
    );
    assert!(matches!(
        h.debrief_events().last(),
        Some(DebriefEvent::PlanDropped(d)) if d.item == item
    ));
    assert!(h.debrief_events().iter().any(|e| matches!(
        e,
        DebriefEvent::PlanEdited(p) if p.field == PlanField::CapabilityElement
    )));
    insta::assert_snapshot!("after_action_done", h.screen(130, 40));
}

#[test]
fn ratings_are_given_on_the_console_while_the_exercise_runs() {
    let mut h = Harness::new(std::env::temp_dir());
    h.press(' ').wait(2000).press('v');
    assert_eq!(h.app.view(), View::Evaluation);
    insta::assert_snapshot!("evaluation_running", h.screen(100, 30));
    // No summary or plan yet: those are the debrief's, after the end.
    let screen = h.screen(100, 30);
    assert!(!screen.contains("Executive summary"), "{screen}");
    h.press('n');
    assert!(h.app.flash().unwrap().contains("after the end"));
    h.key(Key::Enter).key(Key::Ctrl('s'));
    assert_eq!(h.debrief_events().len(), 1);
    assert!(h.app.exercise().ended_at().is_none());
    assert!(h.app.exercise().is_running());
    // An observation from here is evidence for the selected objective, and shows under it.
    h.press('o');
    let form = h.screen(100, 30);
    assert!(form.contains("Contain the phishing wave"), "{form}");
    h.type_text("Nobody owns the mail gateway").key(Key::Enter);
    let note = &h.app.exercise().notes()[0];
    assert_eq!(
        note.objective,
        h.app.exercise().scenario().objective_ix("contain")
    );
    assert!(h.screen(100, 30).contains("Nobody owns the mail gateway"));
    h.key(Key::Down);
    assert!(!h.screen(100, 30).contains("Nobody owns the mail gateway"));
}

/// The in-app export (all three formats) is what `ttx report` gives from the journal later.
#[test]
fn the_export_equals_the_report_of_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phishing.jsonl");
    let source = include_str!("fixtures/phishing-example/scenario.ron");
    let scenario = phishing();
    let settings = Settings::of(&scenario);
    let header = Header::new("scenario.ron", source, &scenario, settings);
    let key = ttx::host_key::load_or_create(&dir.path().join("key")).unwrap();
    let writer = JournalWriter::create(&path, &header)
        .unwrap()
        .signing_with(key);
    let mut app = App::new(
        exercise(phishing()),
        Box::new(writer),
        dir.path().to_path_buf(),
    );
    let mut wall = Duration::ZERO;
    app.handle_key(Key::Char(' '), wall);
    for _ in 0..3700 {
        wall += Duration::from_secs(1);
        app.tick(wall);
    }
    let mut keys = vec![
        Key::Char('E'),
        Key::Char('y'),
        Key::Char('a'),
        Key::Down,
        Key::Char('a'),
    ];
    for k in keys.drain(..) {
        app.handle_key(k, wall);
    }
    // Down to the executive summary, below the ratings.
    let ratings = app.session.report().ratings.len();
    keys.extend((1..ratings).map(|_| Key::Down));
    keys.push(Key::Enter);
    keys.extend("Short and sharp.".chars().map(Key::Char));
    keys.extend([Key::Ctrl('s'), Key::Up, Key::Char('o')]);
    keys.extend("Escalated at once".chars().map(Key::Char));
    keys.extend([Key::Enter, Key::Char('e')]);
    for k in keys {
        app.handle_key(k, wall);
    }
    assert!(app.flash().unwrap().starts_with("Report written"));

    let loaded = read_journal(&path).unwrap();
    let later = Report::evaluated(&loaded.exercise, &loaded.debrief);
    assert_eq!(later, app.session.report());
    assert!(later.started_wall.is_some() && later.ended_wall.is_some());
    assert_eq!(later.executive_summary.as_deref(), Some("Short and sharp."));
    // The observation keeps the objective it was given for.
    assert_eq!(later.notes.len(), 1);
    assert!(later.notes[0].objective.is_some(), "{:?}", later.notes);
    // As `ttx report` gives it: with the journal's signature, made when the exercise ended
    // and again after each debrief entry.
    let signature = ttx::signature::verdict_of(&path).unwrap().for_report();
    assert_eq!(signature.status, "signed");
    let later = later.with_signature(signature);
    for (format, ext) in [
        (Format::Json, "json"),
        (Format::Markdown, "md"),
        (Format::Html, "html"),
    ] {
        let exported =
            std::fs::read_to_string(dir.path().join(format!("phishing-report.{ext}"))).unwrap();
        assert_eq!(exported, later.render(&loaded.scenario, format), "{ext}");
    }
}

/// An evaluator seat: the console read-only, the evaluation screen where it rates under its
/// own name; two evaluators rate, the last rating is final and names its evaluator.
#[test]
fn an_evaluator_rates_under_its_name_and_the_last_rating_is_final() {
    let recorder = MemoryRecorder::default();
    let mut session = Session::new(
        exercise(phishing()),
        Box::new(recorder.clone()),
        std::env::temp_dir(),
    );
    let mut facilitator = Seat::new(Role::Local, &session);
    let mut anna = Seat::new(Role::Evaluator, &session);
    anna.evaluator = "anna".into();
    let mut ben = Seat::new(Role::Evaluator, &session);
    ben.evaluator = "ben".into();
    let mut wall = Duration::ZERO;
    facilitator.handle_key(&mut session, Key::Char(' '), wall);
    for _ in 0..3700 {
        wall += Duration::from_secs(1);
        session.tick(wall);
    }
    assert_eq!(anna.view, View::Console);
    // Read-only console: no release, no clock.
    anna.handle_key(&mut session, Key::Char('r'), wall);
    assert!(anna.dialog.is_none());
    assert!(anna.flash.as_deref().unwrap().contains("evaluator"));
    anna.handle_key(&mut session, Key::Char(' '), wall);
    assert!(session.exercise().is_running());
    anna.handle_key(&mut session, Key::Char('v'), wall);
    assert_eq!(anna.view, View::Evaluation);
    let draw = |session: &Session, seat: &Seat| {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        terminal
            .draw(|frame| ttx::tui::ui::draw_seat(frame, Shown { session, seat }))
            .unwrap();
        terminal.backend().to_string()
    };
    insta::assert_snapshot!("evaluator_seat", draw(&session, &anna));
    // Nothing is scored yet (overdue is not final): no suggestion, so no reason is needed.
    assert_eq!(session.report().ratings[0].suggested, None);
    // Anna rates P; Ben then rates U: his is final.
    anna.handle_key(&mut session, Key::Enter, wall);
    anna.handle_key(&mut session, Key::Char('P'), wall);
    anna.handle_key(&mut session, Key::Ctrl('s'), wall);
    assert!(anna.dialog.is_none(), "{:?}", anna.flash);
    let (anna_gave, other) = (Rating::P, 'U');
    ben.handle_key(&mut session, Key::Char('v'), wall);
    ben.handle_key(&mut session, Key::Enter, wall);
    ben.handle_key(&mut session, Key::Char(other), wall);
    ben.handle_key(&mut session, Key::Tab, wall);
    for c in "Watched the room".chars() {
        ben.handle_key(&mut session, Key::Char(c), wall);
    }
    ben.handle_key(&mut session, Key::Ctrl('s'), wall);
    let report = session.report();
    assert_eq!(report.ratings[0].rating.unwrap().code(), other.to_string());
    assert_eq!(report.ratings[0].by.as_deref(), Some("ben"));
    let given = &session.debrief().ratings;
    assert_eq!(given.len(), 2);
    assert_eq!(given[0].rated.by.as_deref(), Some("anna"));
    let markdown = report.render(session.exercise().scenario(), Format::Markdown);
    assert!(markdown.contains("rated by ben"), "{markdown}");
    assert!(
        markdown.contains(&format!("(earlier: {} by anna)", anna_gave.code())),
        "{markdown}"
    );
    // An evaluator neither edits the plan nor ends the exercise.
    ben.handle_key(&mut session, Key::Char('E'), wall);
    assert!(ben.dialog.is_none());
    assert!(session.exercise().ended_at().is_none());
    // The evaluator's views: the console, the team views, the evaluation; never the report.
    let mut seen = Vec::new();
    for _ in 0..5 {
        ben.handle_key(&mut session, Key::Tab, wall);
        seen.push(ben.view);
    }
    assert!(!seen.contains(&View::Report), "{seen:?}");
    assert!(seen.contains(&View::Evaluation), "{seen:?}");
}

/// A journal that cannot be signed when the exercise ends is still the exercise's record: the
/// console's log says it is not signed, and `ttx report` will say so too.
#[test]
fn a_journal_that_cannot_be_signed_says_so_on_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phishing.jsonl");
    let source = include_str!("fixtures/phishing-example/scenario.ron");
    let scenario = phishing();
    let header = Header::new("scenario.ron", source, &scenario, Settings::of(&scenario));
    let key = ttx::host_key::load_or_create(&dir.path().join("key")).unwrap();
    let writer = JournalWriter::create(&path, &header)
        .unwrap()
        .signing_with(key);
    // The signature's temporary name is taken by a directory: it cannot be written.
    std::fs::create_dir(dir.path().join("phishing.jsonl.sig.tmp")).unwrap();
    let mut app = App::new(
        exercise(phishing()),
        Box::new(writer),
        dir.path().to_path_buf(),
    );
    let wall = Duration::ZERO;
    app.handle_key(Key::Char(' '), wall);
    app.handle_key(Key::Char('E'), wall);
    app.handle_key(Key::Char('y'), wall);
    assert!(app.session.exercise().ended_at().is_some());
    let said = app
        .session
        .log()
        .iter()
        .find(|(_, line)| line.starts_with("the journal is recorded but not signed: "))
        .unwrap_or_else(|| panic!("{:?}", app.session.log()));
    assert!(
        said.1.contains("phishing.jsonl.sig: cannot write"),
        "{said:?}"
    );
    let loaded = read_journal(&path).unwrap();
    assert!(loaded.exercise.ended_at().is_some());
    assert_eq!(
        ttx::signature::verdict_of(&path).unwrap(),
        ttx::signature::Verdict::NotSigned
    );
}
