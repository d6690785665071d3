//! Format 3 on the screens, driven with synthetic keys on the worked case
//! (tests/fixtures/format-3): the response form's hints, pickers and word counts; a
//! clarification asked for, shown to the request's sender with the amendment it owes, the reply
//! it holds, the amendment; deadlines with their basis; judging on the console and the
//! after-action screen; making the report final; the console's MSEL columns.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ttx::engine::{Answers, Event, Exercise, Outcome};
use ttx::role::Role;
use ttx::scenario::{Scenario, TeamIx, load_scenario};
use ttx::session::Session;
use ttx::session::testing::{MemoryRecorder, exercise};
use ttx::tui::app::View;
use ttx::tui::seat::{Seat, Shown};
use ttx::tui::{App, Key};

const SCENARIO: &str = include_str!("fixtures/format-3/scenario.ron");

fn scenario() -> Scenario {
    load_scenario("scenario.ron", SCENARIO).unwrap()
}

const US: TeamIx = TeamIx(0);
const CN: TeamIx = TeamIx(1);

struct Harness {
    app: App,
    recorder: MemoryRecorder,
    wall: Duration,
}

impl Harness {
    fn new() -> Self {
        let recorder = MemoryRecorder::default();
        let app = App::new(
            exercise(scenario()),
            Box::new(recorder.clone()),
            PathBuf::from("reports"),
        );
        Harness {
            app,
            recorder,
            wall: Duration::ZERO,
        }
    }

    /// A key; then whatever the screen could show is in the journal: replaying what was
    /// recorded gives the exercise the app holds.
    fn key(&mut self, key: Key) -> &mut Self {
        self.app.handle_key(key, self.wall);
        let exercise = self.app.exercise();
        let replayed = Exercise::replay(
            Arc::clone(exercise.scenario()),
            exercise.settings(),
            &self.recorder.events(),
        )
        .unwrap();
        assert_eq!(
            ttx::report::Report::of(&replayed),
            ttx::report::Report::of(exercise)
        );
        self
    }

    fn press(&mut self, c: char) -> &mut Self {
        self.key(Key::Char(c))
    }

    fn type_text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.press(c);
        }
        self
    }

    fn keys(&mut self, key: Key, times: usize) -> &mut Self {
        for _ in 0..times {
            self.key(key);
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

    /// Switches to a team's view.
    fn team(&mut self, team: TeamIx) -> &mut Self {
        for _ in 0..6 {
            if self.app.view() == View::Team(team) {
                return self;
            }
            self.key(Key::Tab);
        }
        panic!("no view of team {team:?}");
    }

    /// Selects the inbox item whose detail contains `text`.
    fn select(&mut self, text: &str) -> &mut Self {
        self.keys(Key::Up, 20);
        for _ in 0..20 {
            if self.screen(120, 40).contains(text) {
                return self;
            }
            self.key(Key::Down);
        }
        panic!("no inbox item shows {text:?}");
    }

    /// The responses recorded, in order.
    fn responses(&self) -> Vec<ttx::engine::Response> {
        self.recorder
            .events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Responded { response, .. } => Some(response),
                _ => None,
            })
            .collect()
    }

    /// Fills in and sends the request for assistance from the response form, with these
    /// texts; the form is open on `rfa`, its first field focused.
    fn fill_request(&mut self, summary: &str, indicators: &str, basis: &str) -> &mut Self {
        self.type_text(summary).key(Key::Tab);
        self.type_text(indicators).key(Key::Tab);
        self.type_text(basis).key(Key::Tab);
        // urgency: a picker; `u` picks "urgent".
        self.press('u')
    }
}

/// The US sends its request for assistance at 10m, complete: message #1 to China.
fn requested() -> Harness {
    let mut h = Harness::new();
    h.press(' ').wait(600);
    h.team(US).press('r').type_text("rfa").key(Key::Enter);
    h.fill_request(
        "Personnel files copied to servers in China",
        "203.0.113.7 at 02:14 UTC",
        "MLAA Art. 3",
    )
    .key(Key::Ctrl('s'));
    assert_eq!(h.app.exercise().messages().len(), 1, "{:?}", h.app.flash());
    h
}

/// China asks, at 30m, what legal basis the request stands on: message #2 back to the US.
fn clarified() -> Harness {
    let mut h = requested();
    h.wait(1200);
    h.team(CN).select("Hotline #1").press('r');
    h.type_text("clarify").key(Key::Enter);
    // The ticks: summary, indicators, legal_basis, urgency; legal_basis is found insufficient.
    h.keys(Key::Down, 2).press(' ').keys(Key::Tab, 2);
    h.type_text("Which article covers stored data?")
        .key(Key::Ctrl('s'));
    assert_eq!(h.app.exercise().messages().len(), 2, "{:?}", h.app.flash());
    h
}

#[test]
fn the_response_form_shows_hints_pickers_and_word_counts() {
    let mut h = Harness::new();
    h.press(' ').wait(600);
    h.team(US).press('r').type_text("rfa").key(Key::Enter);
    let form = h.screen(100, 30);
    insta::assert_snapshot!("format3_response_form", form);
    assert!(
        form.contains("addresses, hashes and times in UTC"),
        "{form}"
    );
    assert!(
        form.contains("one of: routine / urgent / immediate"),
        "{form}"
    );
    assert!(form.contains("— none chosen"), "{form}");
    assert!(
        form.contains("(due T+02:00:00 · within 2h00m · Playbook 4.1)"),
        "{form}"
    );
    assert!(form.contains("within 4h00m · MLAA Art. 12"), "{form}");

    h.type_text("Files copied")
        .key(Key::Tab)
        .type_text("203.0.113.7");
    let form = h.screen(100, 30);
    assert!(form.contains("1 word, at least 3"), "{form}");
    h.key(Key::Tab).type_text("MLAA Art. 3").key(Key::Tab);
    // A picker: the arrows step through the choices, a letter picks one, other text is never
    // typed into it, and the form says what was not typed.
    h.key(Key::Right);
    assert!(h.screen(100, 30).contains("◀ routine ▶"));
    h.press('x');
    let form = h.screen(100, 30);
    assert!(form.contains("◀ routine ▶"), "{form}");
    assert!(
        form.contains("\"x\" was not typed: nothing to choose here starts with it"),
        "{form}"
    );
    h.key(Key::Backspace).press('i');
    let form = h.screen(100, 30);
    assert!(form.contains("◀ immediate ▶"), "{form}");
    h.press('u');
    assert!(h.screen(100, 30).contains("◀ urgent ▶"));

    // Too few words: the form asks before sending; anything but `y` goes back to it.
    h.key(Key::Ctrl('s'));
    let asked = h.screen(100, 30);
    assert!(
        asked.contains("indicators: 1 word, at least 3 expected — send anyway?"),
        "{asked}"
    );
    h.press('n');
    assert!(h.responses().is_empty());
    assert!(!h.screen(100, 30).contains("send anyway"));
    h.key(Key::Ctrl('s')).press('y');
    let sent = h.responses();
    assert_eq!(sent.len(), 1, "{:?}", h.app.flash());
    assert!(
        sent[0]
            .fields
            .contains(&("urgency".to_string(), "urgent".to_string())),
        "{:?}",
        sent[0].fields
    );
    assert!(sent[0].insufficient.is_empty());
    // One word of three is not supplied: the request is incomplete.
    let outcome = h.app.team_outcome(US).join(" ");
    assert!(
        outcome.contains("Required fields not supplied: indicators (1 word, at least 3)."),
        "{outcome}"
    );
}

#[test]
fn a_clarification_names_the_request_and_ticks_its_fields() {
    let mut h = requested();
    h.wait(1200);
    h.team(CN).select("Hotline #1");
    let request = h.screen(160, 40);
    assert!(
        request.contains("(within 4h00m · MLAA Art. 12)"),
        "the deadline shows its basis: {request}"
    );
    h.press('r').type_text("clarify").key(Key::Enter);
    let form = h.screen(100, 30);
    insta::assert_snapshot!("format3_clarification_form", form);
    assert!(form.contains("Clarifies"), "{form}");
    assert!(
        form.contains("#1 from us: Send a request for assistance"),
        "{form}"
    );
    assert!(form.contains("[ ] indicators"), "{form}");
    assert!(
        form.contains("203.0.113.7 at 02:14 UTC"),
        "what was sent: {form}"
    );
    assert!(form.contains("what is missing"), "{form}");
    assert!(
        form.contains("us must amend #1 (within 2h00m · MLAA Art. 9)"),
        "{form}"
    );

    // Nothing ticked: refused before anything is sent.
    h.key(Key::Ctrl('s'));
    assert!(
        h.screen(100, 30)
            .contains("Tick at least one field of #1 that is insufficient"),
    );
    assert_eq!(h.responses().len(), 1);
    h.keys(Key::Down, 2).press(' ');
    assert!(h.screen(100, 30).contains("[x] legal_basis"));
    h.keys(Key::Tab, 2)
        .type_text("Which article covers stored data?")
        .key(Key::Ctrl('s'));
    let sent = h.responses();
    let clarification = sent.last().unwrap();
    assert_eq!(clarification.insufficient, ["legal_basis"]);
    assert_eq!(clarification.answers, Some(Answers::Message(1)));
    assert_eq!(
        clarification.note.as_deref(),
        Some("Which article covers stored data?")
    );
    let outcome = h.app.team_outcome(CN).join(" ");
    assert!(
        outcome.contains("they owe an amendment within 2h00m (MLAA Art. 9)"),
        "{outcome}"
    );
    // A request is clarified once per version: nothing is left to clarify.
    h.press('r').type_text("clarify").key(Key::Enter);
    let form = h.screen(100, 30);
    assert!(form.contains("no request to clarify"), "{form}");
}

#[test]
fn the_sender_sees_what_is_missing_and_the_receiver_a_reply_on_hold() {
    let mut h = clarified();
    // China's reply waits for the amended request: no deadline, no countdown.
    h.select("Hotline #1");
    let held = h.screen(160, 40);
    insta::assert_snapshot!("format3_reply_on_hold", held);
    assert!(
        held.contains("reply on hold until the amended request arrives"),
        "{held}"
    );
    assert!(held.contains("on hold"), "{held}");
    assert!(!held.contains("overdue"), "{held}");

    // The US sees what is missing and the amendment it owes, with its basis.
    h.team(US).select("Hotline #2");
    let asked = h.screen(160, 40);
    insta::assert_snapshot!("format3_clarification_received", asked);
    assert!(asked.contains("Asks to clarify: #1"), "{asked}");
    assert!(asked.contains("Insufficient: legal_basis"), "{asked}");
    assert!(
        asked.contains("What is missing: Which article covers stored data?"),
        "{asked}"
    );
    assert!(
        asked.contains(
            "You owe an amendment \"Send a request for assistance\" by T+02:30:00 (within \
             2h00m · MLAA Art. 9)"
        ),
        "{asked}"
    );
    assert!(
        asked.contains("(amend #1 as asked in #2 · within 2h00m · MLAA"),
        "{asked}"
    );
    assert!(asked.contains("r: send the amended request"), "{asked}");

    // The amendment: the form answers the clarification; it goes to China only.
    h.press('r').type_text("rfa").key(Key::Enter);
    let form = h.screen(100, 30);
    assert!(form.contains("hotline #2 from cn"), "{form}");
    assert!(form.contains("will satisfy msg-2.rfa@us"), "{form}");
    assert!(
        form.contains("The amended request goes to cn only; their reply to #1 is then due"),
        "{form}"
    );
    // It starts from the request as sent: only what is missing is to be put right.
    assert!(form.contains("MLAA Art. 3"), "{form}");
    assert!(
        form.contains("◀ urgent ▶") || form.contains("  urgent"),
        "{form}"
    );
    h.keys(Key::Tab, 2)
        .key(Key::End)
        .type_text("(2), stored data")
        .key(Key::Ctrl('s'));
    let sent = h.responses();
    assert!(
        sent.last().unwrap().fields.contains(&(
            "legal_basis".to_string(),
            "MLAA Art. 3(2), stored data".to_string()
        )),
        "{:?}",
        sent.last()
    );
    let amendment = h.app.exercise().messages().last().unwrap().n;
    assert_eq!(
        h.responses().last().unwrap().answers,
        Some(Answers::Message(2))
    );
    let outcome = h.app.team_outcome(US).join(" ");
    assert!(outcome.contains("(it amends #1)"), "{outcome}");

    // China: the amended request, and its reply due again, within 4h of it.
    h.team(CN).select(&format!("Hotline #{amendment}"));
    let amended = h.screen(160, 40);
    assert!(
        amended.contains("Amends: request #1, as asked in #2"),
        "{amended}"
    );
    assert!(
        amended.contains(
            "You owe \"Reply to a request for assistance\" by T+04:30:00 (within 4h00m · \
             MLAA Art. 12)"
        ),
        "{amended}"
    );
    assert!(!amended.contains("on hold"), "{amended}");
    // Replying to the amendment answers the original request's reply.
    h.press('r').type_text("rfa-reply").key(Key::Enter);
    let form = h.screen(100, 30);
    assert!(
        form.contains(&format!("hotline #{amendment} from us")),
        "{form}"
    );
    assert!(form.contains("will satisfy msg-1.rfa-reply@cn"), "{form}");
}

#[test]
fn the_console_shows_ref_method_and_injects_skipped_by_unless() {
    let mut h = clarified();
    h.key(Key::Esc);
    assert_eq!(h.app.view(), View::Console);
    let console = h.screen(160, 40);
    insta::assert_snapshot!("format3_console", console);
    assert!(console.contains("ref"), "{console}");
    assert!(console.contains("101"), "{console}");
    assert!(
        console.contains("Personnel files stolen · phone call"),
        "{console}"
    );
    assert!(
        console.contains("on hold"),
        "the held reply on the teams' panel: {console}"
    );
    h.key(Key::Enter);
    let detail = h.screen(120, 40);
    assert!(detail.contains("Ref: 101"), "{detail}");
    assert!(detail.contains("Method: phone call"), "{detail}");
    assert!(
        detail.contains("breach.rfa@us by T+02:00:00 (within 2h00m · Playbook 4.1)"),
        "{detail}"
    );
    h.key(Key::Esc);
    // Released by hand by its MSEL number too.
    h.press('r').type_text("102");
    let picker = h.screen(120, 40);
    assert!(picker.contains("102 refused"), "{picker}");
    h.key(Key::Esc);
    // The request was found incomplete: the praise at 4h is skipped by its `unless`.
    while h.app.exercise().now() < 4 * 3600 {
        h.press('n');
    }
    let console = h.screen(160, 40);
    assert!(console.contains("skipped (unless)"), "{console}");
}

#[test]
fn the_facilitator_judges_on_the_console_ends_and_makes_the_report_final() {
    let mut h = requested();
    h.key(Key::Esc).press('j');
    let picker = h.screen(100, 30);
    insta::assert_snapshot!("format3_judge_picker", picker);
    assert!(picker.contains("breach.rfa@us"), "{picker}");
    h.type_text("breach.rfa").key(Key::Enter);
    let dialog = h.screen(100, 30);
    assert!(dialog.contains("Judge breach.rfa@us"), "{dialog}");
    assert!(dialog.contains("[ ] indicators"), "{dialog}");
    // Nothing ticked and nothing to take back: refused.
    h.key(Key::Ctrl('s'));
    assert!(h.screen(100, 30).contains("Nothing to take back"));
    // Indicators ticked without a reason: the engine refuses, the dialog says why.
    h.key(Key::Down).press(' ').key(Key::Ctrl('s'));
    let refused = h.screen(100, 30);
    assert!(refused.contains("needs a reason"), "{refused}");
    h.keys(Key::Tab, 3).type_text("One address, no hashes");
    insta::assert_snapshot!("format3_judge_dialog", h.screen(100, 30));
    h.key(Key::Ctrl('s'));
    assert!(h.app.seat.dialog.is_none(), "{:?}", h.app.flash());
    let judgements = h.app.exercise().judgements();
    assert_eq!(judgements.len(), 1);
    assert_eq!(judgements[0].insufficient, ["indicators"]);
    assert_eq!(judgements[0].by, "facilitator");
    assert_eq!(
        judgements[0].reason.as_deref(),
        Some("One address, no hashes")
    );
    assert_eq!(
        h.app.flash(),
        Some("Judgement recorded: the fields count as not supplied.")
    );

    // Ended: the after-action screen judges too, until the report is final.
    h.press('E').press('y');
    assert_eq!(h.app.view(), View::Evaluation);
    h.press('j').type_text("breach.rfa").key(Key::Enter);
    let dialog = h.screen(100, 30);
    assert!(
        dialog.contains("[x] indicators"),
        "the judgement in force: {dialog}"
    );
    assert!(dialog.contains("take your judgement back"), "{dialog}");
    // Unticked: taken back.
    h.key(Key::Down).press(' ').key(Key::Ctrl('s'));
    assert_eq!(h.app.flash(), Some("Judgement taken back."));
    let judgements = h.app.exercise().judgements();
    assert_eq!(judgements.len(), 2);
    assert!(judgements[1].insufficient.is_empty());

    h.press('F');
    let confirm = h.screen(100, 30);
    insta::assert_snapshot!("format3_finalise", confirm);
    assert!(confirm.contains("Make the report final?"), "{confirm}");
    h.press('y');
    assert!(h.app.exercise().is_final());
    assert!(
        h.recorder
            .events()
            .iter()
            .any(|e| matches!(e, Event::Finalised { .. }))
    );
    assert!(h.screen(100, 30).contains("After-action · final"));
    h.press('j');
    assert_eq!(
        h.app.flash(),
        Some("The report is final: nothing more can be judged.")
    );
    h.press('F');
    assert_eq!(h.app.flash(), Some("The report is already final."));
}

#[test]
fn an_evaluator_judges_but_does_not_make_the_report_final() {
    let recorder = MemoryRecorder::default();
    let mut session = Session::new(
        exercise(scenario()),
        Box::new(recorder.clone()),
        std::env::temp_dir(),
    );
    let mut facilitator = Seat::new(Role::Local, &session);
    let mut eve = Seat::new(Role::Evaluator, &session);
    eve.evaluator = "eve".into();
    let wall = Duration::ZERO;
    facilitator.handle_key(&mut session, Key::Char(' '), wall);
    let response = ttx::engine::Response {
        team: US,
        action: session.exercise().scenario().action_ix("ack").unwrap(),
        fields: Vec::new(),
        note: None,
        answers: None,
        insufficient: Vec::new(),
    };
    session.respond(Role::Team(US), response).unwrap();
    let rfa = ttx::engine::Response {
        team: US,
        action: session.exercise().scenario().action_ix("rfa").unwrap(),
        fields: vec![
            ("summary".into(), "Files copied".into()),
            ("indicators".into(), "203.0.113.7 at 02:14".into()),
            ("legal_basis".into(), "MLAA Art. 3".into()),
            ("urgency".into(), "urgent".into()),
        ],
        note: None,
        answers: None,
        insufficient: Vec::new(),
    };
    session.respond(Role::Team(US), rfa).unwrap();
    let key = |seat: &mut Seat, session: &mut Session, key: Key| {
        seat.handle_key(session, key, wall);
    };
    key(&mut eve, &mut session, Key::Char('j'));
    for c in "breach.rfa".chars() {
        key(&mut eve, &mut session, Key::Char(c));
    }
    key(&mut eve, &mut session, Key::Enter);
    key(&mut eve, &mut session, Key::Char(' '));
    key(&mut eve, &mut session, Key::Tab);
    key(&mut eve, &mut session, Key::Tab);
    key(&mut eve, &mut session, Key::Tab);
    key(&mut eve, &mut session, Key::Tab);
    for c in "Too vague".chars() {
        key(&mut eve, &mut session, Key::Char(c));
    }
    key(&mut eve, &mut session, Key::Ctrl('s'));
    assert!(eve.dialog.is_none(), "{:?}", eve.flash);
    let judged = session.exercise().judgements();
    assert_eq!(judged.len(), 1);
    assert_eq!(judged[0].by, "eve");
    assert_eq!(judged[0].insufficient, ["summary"]);
    assert!(recorder.events().iter().any(|e| matches!(
        e,
        Event::Responded {
            outcome: Outcome::Satisfied(_),
            ..
        }
    )));

    facilitator.handle_key(&mut session, Key::Char('E'), wall);
    facilitator.handle_key(&mut session, Key::Char('y'), wall);
    assert!(session.exercise().ended_at().is_some());
    key(&mut eve, &mut session, Key::Char('v'));
    key(&mut eve, &mut session, Key::Char('F'));
    assert!(eve.dialog.is_none());
    assert_eq!(eve.flash.as_deref(), Some(Role::Evaluator.refusal()));
    assert!(!session.exercise().is_final());
    // The evaluator's help lists judging, never making the report final.
    eve.handle_key(&mut session, Key::Char('?'), wall);
    let mut terminal = Terminal::new(TestBackend::new(100, 40)).unwrap();
    terminal
        .draw(|frame| {
            ttx::tui::ui::draw_seat(
                frame,
                Shown {
                    session: &session,
                    seat: &eve,
                },
            )
        })
        .unwrap();
    let help = terminal.backend().to_string();
    assert!(help.contains("judge a done expectation"), "{help}");
    assert!(!help.contains("make the report final"), "{help}");
}

#[test]
fn a_reply_still_on_hold_at_the_end_is_not_due_and_has_no_deadline() {
    let mut h = clarified();
    h.key(Key::Esc).press('E').press('y').key(Key::BackTab);
    assert_eq!(h.app.view(), View::Team(CN));
    let team = h.screen(160, 40);
    assert!(
        team.contains("not due: the amended request never arrived"),
        "{team}"
    );
    h.key(Key::Tab).key(Key::Tab);
    assert_eq!(h.app.view(), View::Report);
    let report = h.screen(160, 40);
    assert!(
        report.contains("msg-1.rfa-reply@cn 00:10:00  on hold        —       — not_due"),
        "{report}"
    );
    assert!(report.contains("20m00s (not done) (on hold)"), "{report}");
}

#[test]
fn a_reply_made_while_on_hold_is_on_time_and_ends_the_hold() {
    let mut h = clarified();
    h.select("Hotline #1")
        .press('r')
        .type_text("rfa-reply")
        .key(Key::Enter);
    let form = h.screen(120, 30);
    assert!(
        form.contains("will satisfy msg-1.rfa-reply@cn (on hold: no deadline yet)"),
        "{form}"
    );
    h.type_text("Servers seized")
        .key(Key::Tab)
        .type_text("MPS duty desk")
        .key(Key::Ctrl('s'));
    let outcome = h.app.team_outcome(CN).join(" ");
    assert!(
        outcome.contains("on time (its request waits for an amendment), status met"),
        "{outcome}"
    );
    let screen = h.screen(160, 40);
    assert!(
        screen
            .contains("You owe \"Reply to a request for assistance\": replied while on hold (met)"),
        "{screen}"
    );
    assert!(screen.contains("Nothing owed."), "{screen}");
}

/// On the ticks of a clarification, a field's name typed goes to that field and space ticks
/// it; what is missing wraps as it is typed, every word of it in sight.
#[test]
fn a_clarification_ticks_a_field_by_its_name_and_wraps_what_is_missing() {
    let mut h = requested();
    h.wait(1200);
    h.team(CN).select("Hotline #1");
    h.press('r').type_text("clarify").key(Key::Enter);
    h.type_text("leg ");
    let form = h.screen(100, 30);
    assert!(form.contains("[x] legal_basis"), "{form}");
    assert!(form.contains("[ ] indicators"), "{form}");
    let missing = "Which article of the agreement covers the stored data, and who in your \
                   service signs the order that the provider will need before it acts";
    h.keys(Key::Tab, 2).type_text(missing);
    let form = h.screen(100, 30);
    for word in missing.split(' ') {
        assert!(form.contains(word), "`{word}` is not on screen:\n{form}");
    }
    h.key(Key::Ctrl('s'));
    let sent = h.responses();
    let clarification = sent.last().unwrap();
    assert_eq!(clarification.insufficient, ["legal_basis"]);
    assert_eq!(clarification.note.as_deref(), Some(missing));
}
