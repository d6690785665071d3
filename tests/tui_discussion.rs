//! The discussion's screens driven with synthetic keys on the phishing example with two
//! modules: a team seat answers and revises the current module's questions (earlier modules
//! read-only); the console's module view shows who answered and opens the answers; the hot wash
//! on the after-action screen; the Participant Feedback Form offered on every seat after the end,
//! skippable, recorded with no name.

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ttx::debrief::{DebriefEvent, FeedbackRole};
use ttx::engine::NoteKind;
use ttx::role::Role;
use ttx::scenario::TeamIx;
use ttx::session::Session;
use ttx::session::testing::{MemoryRecorder, discussion, exercise};
use ttx::tui::Key;
use ttx::tui::seat::{Seat, Shown, View};

const SOC: TeamIx = TeamIx(0);

struct Room {
    session: Session,
    recorder: MemoryRecorder,
    wall: Duration,
}

impl Room {
    /// The discussion's phishing exercise, started by the local console.
    fn started() -> (Room, Seat) {
        let recorder = MemoryRecorder::default();
        let session = Session::new(
            exercise(discussion()),
            Box::new(recorder.clone()),
            std::env::temp_dir(),
        );
        let mut room = Room {
            session,
            recorder,
            wall: Duration::ZERO,
        };
        let mut console = Seat::new(Role::Local, &room.session);
        room.key(&mut console, Key::Char(' '));
        (room, console)
    }

    fn key(&mut self, seat: &mut Seat, key: Key) {
        seat.handle_key(&mut self.session, key, self.wall);
    }

    fn keys(&mut self, seat: &mut Seat, keys: &[Key]) {
        for key in keys {
            self.key(seat, *key);
        }
    }

    fn type_text(&mut self, seat: &mut Seat, text: &str) {
        for c in text.chars() {
            self.key(seat, Key::Char(c));
        }
    }

    /// The clock on by `secs` seconds, every seat brought up to date.
    fn wait(&mut self, secs: u64, seats: &mut [&mut Seat]) {
        for _ in 0..secs {
            self.wall += Duration::from_secs(1);
            self.session.tick(self.wall);
        }
        for seat in seats {
            seat.sync(&self.session);
        }
    }

    fn screen(&self, seat: &Seat, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| {
                ttx::tui::ui::draw_seat(
                    frame,
                    Shown {
                        session: &self.session,
                        seat,
                    },
                )
            })
            .unwrap();
        terminal.backend().to_string()
    }

    fn debrief_events(&self) -> Vec<DebriefEvent> {
        self.recorder.debrief.lock().unwrap().clone()
    }

    /// Ends the exercise from the console.
    fn end(&mut self, console: &mut Seat) {
        self.keys(console, &[Key::Char('E'), Key::Char('y')]);
    }
}

#[test]
fn a_team_seat_answers_and_revises_the_current_modules_questions() {
    let (mut room, _console) = Room::started();
    let mut soc = Seat::new(Role::Team(SOC), &room.session);
    // The discussion is the team seat's second view.
    room.key(&mut soc, Key::Tab);
    assert_eq!(soc.view, View::Discussion(SOC));
    insta::assert_snapshot!("team_discussion_80x24", room.screen(&soc, 80, 24));

    // Answer the first question, over two lines.
    room.key(&mut soc, Key::Char('a'));
    room.type_text(&mut soc, "The shift lead calls the CERT hotline.");
    room.key(&mut soc, Key::Enter);
    room.type_text(&mut soc, "The CISO signs.");
    insta::assert_snapshot!("answer_form", room.screen(&soc, 80, 24));
    room.key(&mut soc, Key::Ctrl('s'));
    assert!(soc.dialog.is_none());
    assert_eq!(soc.flash.as_deref(), Some("Answer to who-tells saved."));

    // Revise it: the form opens on the answer so far.
    room.wait(60, &mut [&mut soc]);
    room.key(&mut soc, Key::Enter);
    room.type_text(&mut soc, " Within the hour.");
    room.key(&mut soc, Key::Ctrl('s'));
    assert_eq!(soc.flash.as_deref(), Some("Answer to who-tells revised."));
    let answers: Vec<String> = room
        .debrief_events()
        .into_iter()
        .filter_map(|e| match e {
            DebriefEvent::Answer(a) => Some(a.text),
            _ => None,
        })
        .collect();
    assert_eq!(
        answers,
        [
            "The shift lead calls the CERT hotline.\nThe CISO signs.",
            "The shift lead calls the CERT hotline.\nThe CISO signs. Within the hour."
        ]
    );
    let given = room
        .session
        .debrief()
        .answer("soc", "who-tells")
        .expect("answered");
    assert_eq!(given.at, 60);
    insta::assert_snapshot!("team_discussion_answered", room.screen(&soc, 100, 30));

    // A blank answer is refused in the form, which stays open.
    room.keys(&mut soc, &[Key::Down, Key::Char('a'), Key::Ctrl('s')]);
    assert!(soc.dialog.is_some());
    assert!(
        room.screen(&soc, 80, 24)
            .contains("Write the answer first.")
    );
    room.key(&mut soc, Key::Esc);

    // The next module begins: its questions are shown; the first module is read-only.
    room.wait(3600, &mut [&mut soc]);
    let screen = room.screen(&soc, 80, 24);
    assert!(screen.contains("Module 2: Recovery"), "{screen}");
    room.key(&mut soc, Key::Char('['));
    let screen = room.screen(&soc, 80, 24);
    assert!(screen.contains("over: read-only"), "{screen}");
    assert!(screen.contains("Within the hour."), "{screen}");
    room.key(&mut soc, Key::Char('a'));
    assert!(soc.dialog.is_none());
    assert!(
        soc.flash.as_deref().unwrap().contains("is over"),
        "{:?}",
        soc.flash
    );
    // Back to the current module, then the inbox.
    room.keys(&mut soc, &[Key::Char(']'), Key::Char('d')]);
    assert_eq!(soc.view, View::Team(SOC));
}

#[test]
fn a_team_seat_never_answers_for_another_team() {
    let (mut room, _console) = Room::started();
    let mut cert = Seat::new(Role::Team(TeamIx(1)), &room.session);
    room.key(&mut cert, Key::Char('d'));
    assert_eq!(cert.view, View::Discussion(TeamIx(1)));
    // Module 1's first question is the SOC's alone: the CERT's list holds only the second.
    let screen = room.screen(&cert, 100, 30);
    assert!(
        screen.contains("Questions for cert (0 of 1 answered)"),
        "{screen}"
    );
    assert!(!screen.contains("Who tells the CERT"), "{screen}");
}

#[test]
fn the_console_module_view_shows_who_answered_and_opens_the_answers() {
    let (mut room, mut console) = Room::started();
    let question = room.session.exercise().scenario().question_ix("first-need");
    room.session
        .answer(
            Role::Team(SOC),
            SOC,
            question.expect("a question"),
            "Their IOCs.".into(),
        )
        .expect("answered");
    room.key(&mut console, Key::Char('d'));
    assert_eq!(console.view, View::Modules);
    insta::assert_snapshot!("module_view", room.screen(&console, 100, 30));
    room.keys(&mut console, &[Key::Down, Key::Enter]);
    let screen = room.screen(&console, 100, 30);
    assert!(screen.contains("Answers to first-need"), "{screen}");
    assert!(screen.contains("Their IOCs."), "{screen}");
    assert!(
        screen.contains("National CERT (cert): no answer yet"),
        "{screen}"
    );
    insta::assert_snapshot!("module_answers", screen);
    // Read-only: any key closes it, nothing is written.
    let before = room.debrief_events().len();
    room.key(&mut console, Key::Esc);
    assert!(console.dialog.is_none());
    assert_eq!(room.debrief_events().len(), before);
    // The facilitator answers on a team's behalf from that team's discussion.
    room.keys(
        &mut console,
        &[Key::Char('d'), Key::Tab, Key::Tab, Key::Char('d')],
    );
    assert_eq!(console.view, View::Discussion(TeamIx(1)));
    room.key(&mut console, Key::Char('a'));
    room.type_text(&mut console, "The sample.");
    room.key(&mut console, Key::Ctrl('s'));
    assert_eq!(
        room.session
            .debrief()
            .answer("cert", "first-need")
            .map(|g| g.answer.text.as_str()),
        Some("The sample.")
    );
}

#[test]
fn the_hot_wash_lists_the_rooms_points_per_objective() {
    let (mut room, mut console) = Room::started();
    // Before the end there is no hot wash.
    room.key(&mut console, Key::Char('v'));
    room.key(&mut console, Key::Char('h'));
    assert!(console.dialog.is_none());
    room.key(&mut console, Key::Esc);
    room.wait(30, &mut [&mut console]);
    room.end(&mut console);
    assert_eq!(console.view, View::Evaluation);
    room.key(&mut console, Key::Char('h'));
    room.type_text(&mut console, "The SOC knew whom to call.");
    room.key(&mut console, Key::Enter);
    // The form stays open for the next point: an area for improvement about reporting.
    room.keys(
        &mut console,
        &[
            Key::BackTab,
            Key::Right,
            Key::BackTab,
            Key::Right,
            Key::Tab,
            Key::Tab,
        ],
    );
    room.type_text(&mut console, "Nobody knew what the CERT needs first.");
    room.key(&mut console, Key::Ctrl('s'));
    insta::assert_snapshot!("hot_wash", room.screen(&console, 100, 30));
    let points: Vec<(Option<usize>, NoteKind, String)> = room
        .session
        .exercise()
        .notes()
        .iter()
        .filter(|n| n.hot_wash)
        .map(|n| (n.objective.map(|o| o.0), n.kind, n.text.clone()))
        .collect();
    assert_eq!(
        points,
        [
            (
                Some(0),
                NoteKind::Strength,
                "The SOC knew whom to call.".into()
            ),
            (
                Some(1),
                NoteKind::Improvement,
                "Nobody knew what the CERT needs first.".into()
            ),
        ]
    );
    room.key(&mut console, Key::Esc);
    assert!(console.dialog.is_none());
}

#[test]
fn the_feedback_form_is_offered_on_every_seat_after_the_end() {
    let (mut room, mut console) = Room::started();
    let mut soc = Seat::new(Role::Team(SOC), &room.session);
    let mut observer = Seat::new(Role::Observer, &room.session);
    let mut anna = Seat::new(Role::Evaluator, &room.session);
    // Not before the end.
    room.key(&mut soc, Key::Char('f'));
    assert!(soc.dialog.is_none());
    room.wait(30, &mut [&mut soc]);
    room.end(&mut console);
    for seat in [&mut soc, &mut observer, &mut anna] {
        seat.sync(&room.session);
    }
    // A participant is offered the form at once; an evaluator is told where it is.
    insta::assert_snapshot!("feedback_form_80x24", room.screen(&soc, 80, 24));
    assert!(observer.dialog.is_some());
    assert!(anna.dialog.is_none());
    assert!(
        anna.flash
            .as_deref()
            .unwrap()
            .contains("f: the Participant Feedback Form")
    );

    // The SOC rates five statements (the third left unrated), writes two strengths, one
    // area for improvement and a comment.
    room.keys(&mut soc, &[Key::Char('4'), Key::Char('5'), Key::Down]);
    room.keys(&mut soc, &[Key::Right, Key::Right, Key::Left, Key::Down]);
    room.keys(&mut soc, &[Key::Char('3'), Key::Char('4')]);
    room.type_text(&mut soc, "Realistic injects");
    room.key(&mut soc, Key::Enter);
    room.type_text(&mut soc, "Clear roles");
    room.keys(&mut soc, &[Key::Enter, Key::Enter]);
    room.type_text(&mut soc, "Too short");
    room.keys(&mut soc, &[Key::Tab, Key::Tab, Key::Tab]);
    room.type_text(&mut soc, "Thanks.");
    insta::assert_snapshot!("feedback_form_filled", room.screen(&soc, 100, 30));
    room.key(&mut soc, Key::Ctrl('s'));
    assert!(soc.dialog.is_none());
    assert_eq!(
        soc.flash.as_deref(),
        Some("Thank you: your feedback is recorded.")
    );

    // The observer skips it, and opens it again: an empty form is refused.
    room.key(&mut observer, Key::Esc);
    assert!(observer.dialog.is_none());
    assert!(observer.flash.as_deref().unwrap().contains("skipped"));
    room.keys(&mut observer, &[Key::Char('f'), Key::Ctrl('s')]);
    assert!(observer.dialog.is_some());

    let forms: Vec<_> = room
        .debrief_events()
        .into_iter()
        .filter_map(|e| match e {
            DebriefEvent::Feedback(f) => Some(f),
            _ => None,
        })
        .collect();
    assert_eq!(forms.len(), 1, "{forms:?}");
    let form = &forms[0];
    assert_eq!(form.team.as_deref(), Some("soc"));
    assert_eq!(form.role, FeedbackRole::Team);
    assert_eq!(
        form.ratings,
        [Some(4), Some(5), None, Some(1), Some(3), Some(4)]
    );
    assert_eq!(form.strengths, ["Realistic injects", "Clear roles"]);
    assert_eq!(form.improvements, ["Too short"]);
    assert_eq!(form.comments.as_deref(), Some("Thanks."));
}
