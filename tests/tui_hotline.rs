//! What the teams read, on the built-in scenario, each at its own seat on one session: the
//! hotline's loops closed (a confirmation, a clarification, an amendment and a reply threaded
//! under the request they answer, the requester told), evidence transmitted arriving with its
//! fields, items read only when opened and kept per user across a reconnection, and the smaller
//! things a facilitator sees (the End dialog's live time, the briefing's wrapping and keys, the
//! inbox's width, counts in the singular, Ctrl-L).

use std::path::PathBuf;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ttx::engine::{Answers, Command, NoteKind, Response};
use ttx::role::Role;
use ttx::scenario::{Scenario, TeamIx};
use ttx::session::Session;
use ttx::session::testing::{MemoryRecorder, exercise};
use ttx::tui::Key;
use ttx::tui::seat::{OPENED_AFTER, Seat, Shown};

const FACILITATOR: usize = 0;
const ALDERA: usize = 1;
const BREVIA: usize = 2;

fn built_in() -> Scenario {
    ttx::scenario::load_scenario(
        "cross-border-breach.ron",
        include_str!("../scenarios/cross-border-breach.ron"),
    )
    .unwrap()
}

/// One session and three seats on it: the facilitator here, each team at its own seat.
struct Room {
    session: Session,
    seats: Vec<Seat>,
    wall: Duration,
}

impl Room {
    fn new() -> Room {
        let session = Session::new(
            exercise(built_in()),
            Box::new(MemoryRecorder::default()),
            PathBuf::from("reports"),
        );
        let mut seats = vec![Seat::new(Role::Local, &session)];
        for user in ["aldera", "brevia"] {
            let team = session.exercise().scenario().team_ix(user).unwrap();
            let mut seat = Seat::new(Role::Team(team), &session);
            seat.evaluator = user.into();
            seats.push(seat);
        }
        Room {
            session,
            seats,
            wall: Duration::ZERO,
        }
    }

    fn team(&self, id: &str) -> TeamIx {
        self.session.exercise().scenario().team_ix(id).unwrap()
    }

    fn key(&mut self, seat: usize, key: Key) -> &mut Self {
        self.seats[seat].handle_key(&mut self.session, key, self.wall);
        self
    }

    /// `wall` moves on by `by`; every seat draws (as a served seat does when its time comes).
    fn later(&mut self, by: Duration) -> &mut Self {
        self.wall += by;
        self.session.tick(self.wall);
        for seat in &mut self.seats {
            seat.sync(&self.session);
            seat.settle_reading(&self.session, self.wall);
        }
        self
    }

    /// A team's response, as its form sends it.
    fn respond(
        &mut self,
        team: &str,
        action: &str,
        answers: Option<Answers>,
        fields: &[(&str, &str)],
    ) {
        self.respond_with(team, action, answers, fields, None, &[]);
    }

    fn respond_with(
        &mut self,
        team: &str,
        action: &str,
        answers: Option<Answers>,
        fields: &[(&str, &str)],
        note: Option<&str>,
        insufficient: &[&str],
    ) {
        let team = self.team(team);
        let action = self
            .session
            .exercise()
            .scenario()
            .action_ix(action)
            .unwrap();
        let response = Response {
            team,
            action,
            fields: fields
                .iter()
                .map(|(name, text)| (name.to_string(), text.to_string()))
                .collect(),
            note: note.map(str::to_string),
            answers,
            insufficient: insufficient.iter().map(|f| f.to_string()).collect(),
        };
        self.session.respond(Role::Team(team), response).unwrap();
    }

    /// What a seat shows now at `width` × `height`, after it caught up with the session.
    fn screen(&mut self, seat: usize, width: u16, height: u16) -> String {
        self.seats[seat].sync(&self.session);
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let shown = Shown {
            session: &self.session,
            seat: &self.seats[seat],
        };
        terminal
            .draw(|frame| ttx::tui::ui::draw_seat(frame, shown))
            .unwrap();
        terminal.backend().to_string()
    }

    fn flash(&self, seat: usize) -> Option<&str> {
        self.seats[seat].flash.as_deref()
    }

    /// Selects, with `↓`, the inbox item whose pane is titled with `title`.
    fn select(&mut self, seat: usize, title: &str) -> String {
        for _ in 0..20 {
            let screen = self.screen(seat, 200, 40);
            if screen.lines().nth(2).is_some_and(|l| l.contains(title)) {
                return screen;
            }
            self.key(seat, Key::Down);
        }
        panic!(
            "no inbox item titled {title}: {}",
            self.screen(seat, 120, 40)
        );
    }
}

/// The inbox's lines of a screen, in order: the left pane's text.
fn inbox(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|line| {
            let line = line.trim_matches('"');
            let start = line.find('│')?;
            let rest = &line[start + '│'.len_utf8()..];
            let end = rest.find('│')?;
            let item = rest[..end].trim().to_string();
            (!item.is_empty()).then_some(item)
        })
        .collect()
}

const REQUEST: &[(&str, &str)] = &[
    (
        "summary",
        "Personnel records sent to servers at Kestrel Hosting",
    ),
    ("indicators", "198.51.100.23 198.51.100.61 20:03-02:14 UTC"),
    ("legal_basis", "ABCCA Art. 9 and Art. 12"),
    ("contact", "duty officer R. Amsel"),
    ("urgency", "urgent"),
];

/// Aldera's request, Brevia's confirmation of it, a clarification, Aldera's amendment and
/// Brevia's reply: every one reaches the other side threaded under the request, and the team
/// whose message was answered is told, in a line of its own seat.
#[test]
fn every_answer_to_a_request_reaches_the_requester_threaded_under_it() {
    let mut room = Room::new();
    room.session.start_pause(Role::Local).unwrap();
    room.respond("aldera", "rfa", None, REQUEST);
    room.screen(ALDERA, 200, 40);

    room.respond(
        "brevia",
        "confirm-receipt",
        Some(Answers::Message(1)),
        &[(
            "handled_by",
            "NPCCD 24/7 desk, Insp. T. Varo, +98 31 555 0142",
        )],
    );
    let aldera = room.screen(ALDERA, 200, 40);
    assert_eq!(
        room.flash(ALDERA),
        Some("brevia answered your request #1: #2 in the inbox.")
    );
    let items = inbox(&aldera);
    let request = items
        .iter()
        .position(|i| i.contains("→ #1 to brevia · Send a request"))
        .unwrap_or_else(|| panic!("{aldera}"));
    assert!(
        items[request + 1].contains("↳ #2 from brevia · Confirm receipt of a request"),
        "{aldera}"
    );

    room.respond_with(
        "brevia",
        "clarify",
        Some(Answers::Message(1)),
        &[],
        Some("A name is not a 24/7 contact"),
        &["contact"],
    );
    room.screen(ALDERA, 200, 40);
    assert_eq!(
        room.flash(ALDERA),
        Some("brevia asks to clarify your request #1: #3 in the inbox.")
    );
    let mut amended = REQUEST.to_vec();
    amended[3] = ("contact", "R. Amsel, +99 20 555 0100, duty@ncsa.example");
    room.respond("aldera", "rfa", Some(Answers::Message(3)), &amended);
    let brevia = room.screen(BREVIA, 200, 40);
    assert_eq!(
        room.flash(BREVIA),
        Some("aldera amended its request #1, as you asked in #3: #4 in the inbox.")
    );
    let items = inbox(&brevia);
    let request = items
        .iter()
        .position(|i| i.contains("✉ #1 from aldera · Send a request"))
        .unwrap_or_else(|| panic!("{brevia}"));
    assert!(items[request + 1].contains("↳ #2 to aldera · Confirm receipt"));
    assert!(items[request + 2].contains("↳ #3 to aldera · asks to clarify #1"));
    assert!(items[request + 3].contains("↳ #4 from aldera · amends #1"));

    // Brevia replies from the amendment (the form's default there): it answers request #1.
    room.respond(
        "brevia",
        "rfa-reply",
        Some(Answers::Message(4)),
        &[("findings", "Servers preserved"), ("contact", "NPCCD 24/7")],
    );
    let aldera = room.screen(ALDERA, 200, 40);
    assert_eq!(
        room.flash(ALDERA),
        Some("brevia replied to your request #1: #5 in the inbox.")
    );
    let items = inbox(&aldera);
    assert!(
        items[request + 4].contains("↳ #5 from brevia · reply to #1"),
        "{aldera}"
    );

    // The confirmation carries what Brevia wrote, and says what it answers.
    let confirmation = room.select(ALDERA, "Hotline #2");
    assert!(confirmation.contains("In reply to: #1"), "{confirmation}");
    assert!(
        confirmation.contains("handled_by: NPCCD 24/7 desk, Insp. T. Varo, +98 31 555 0142"),
        "{confirmation}"
    );
}

/// Evidence transmitted is sent: the other side gets it, with every field, in its inbox.
#[test]
fn evidence_transmitted_reaches_the_other_side_with_its_fields() {
    let mut room = Room::new();
    room.session.start_pause(Role::Local).unwrap();
    room.respond(
        "aldera",
        "share-evidence",
        None,
        &[
            ("items", "Disk images of PRS-DB-02, VPN logs"),
            (
                "chain_of_custody",
                "NCSA evidence register E-0411 to E-0415",
            ),
        ],
    );
    let brevia = room.screen(BREVIA, 200, 40);
    assert!(
        brevia.contains("✉ #1 from aldera · Transmit evidence"),
        "{brevia}"
    );
    let evidence = room.select(BREVIA, "Hotline #1");
    assert!(
        evidence.contains("items: Disk images of PRS-DB-02, VPN logs"),
        "{evidence}"
    );
    assert!(
        evidence.contains("chain_of_custody: NCSA evidence register E-0411 to E-0415"),
        "{evidence}"
    );
}

fn new_count(screen: &str) -> String {
    let start = screen.find("Inbox (").expect("the inbox's title");
    screen[start..].split(')').next().unwrap().to_string()
}

/// Passing over items with `↓` leaves them new; an item shown for a moment, or scrolled, is
/// read; the team's own messages are never new; and a seat of the same user that connects
/// again finds its inbox as it was left.
#[test]
fn an_item_is_read_when_opened_never_when_passed_and_a_reconnection_keeps_it() {
    let mut room = Room::new();
    room.session.start_pause(Role::Local).unwrap();
    let (aldera, brevia) = (room.team("aldera"), room.team("brevia"));
    for text in ["first", "second", "third"] {
        room.session
            .say(
                Role::Team(brevia),
                Command::Say {
                    team: brevia,
                    to: None,
                    text: text.into(),
                    in_reply_to: None,
                },
            )
            .unwrap();
    }
    room.session
        .say(
            Role::Team(aldera),
            Command::Say {
                team: aldera,
                to: None,
                text: "ours".into(),
                in_reply_to: None,
            },
        )
        .unwrap();
    // The inject, three messages from Brevia, one of Aldera's own: never new.
    assert_eq!(new_count(&room.screen(ALDERA, 200, 40)), "Inbox (5 · 4 new");

    // Down past every item, a quarter of a second each: nothing was opened.
    for _ in 0..4 {
        room.key(ALDERA, Key::Down);
        room.later(Duration::from_millis(250));
    }
    assert_eq!(new_count(&room.screen(ALDERA, 200, 40)), "Inbox (5 · 4 new");

    // Staying on one opens it.
    room.later(OPENED_AFTER);
    assert_eq!(new_count(&room.screen(ALDERA, 200, 40)), "Inbox (5 · 3 new");

    // Scrolling another's text opens it at once.
    room.key(ALDERA, Key::Up).key(ALDERA, Key::PageDown);
    assert_eq!(new_count(&room.screen(ALDERA, 200, 40)), "Inbox (5 · 2 new");

    // Aldera's user connects again: its seat finds what it read.
    let mut again = Seat::new(Role::Team(aldera), &room.session);
    again.evaluator = "aldera".into();
    room.seats[ALDERA] = again;
    assert_eq!(new_count(&room.screen(ALDERA, 200, 40)), "Inbox (5 · 2 new");
    // Another user of the same team reads for themselves.
    let mut other = Seat::new(Role::Team(aldera), &room.session);
    other.evaluator = "aldera-2".into();
    room.seats[ALDERA] = other;
    assert_eq!(new_count(&room.screen(ALDERA, 200, 40)), "Inbox (5 · 4 new");
}

/// The End dialog's time moves on with the clock, and the exercise ends at the moment the
/// facilitator confirms, not at the time the dialog opened on.
#[test]
fn the_end_dialog_shows_the_live_time_and_ends_at_the_confirmation() {
    let mut room = Room::new();
    room.key(FACILITATOR, Key::Char(' '));
    room.later(Duration::from_secs(10));
    room.key(FACILITATOR, Key::Char('E'));
    let opened = room.session.exercise().now();
    let dialog = room.screen(FACILITATOR, 80, 24);
    let shown = |at| format!("End now, at T+{}?", ttx::text::clock(at));
    assert!(dialog.contains(&shown(opened)), "{dialog}");
    room.later(Duration::from_secs(20));
    let now = room.session.exercise().now();
    assert!(now > opened);
    let dialog = room.screen(FACILITATOR, 80, 24);
    assert!(dialog.contains(&shown(now)), "{dialog}");
    room.key(FACILITATOR, Key::Char('y'));
    assert_eq!(room.session.exercise().ended_at(), Some(now));
}

/// The briefing names the key the footer and the guides name, keeps each team's and objective's
/// wrapped lines to the right of its name or bullet, and counts in the singular for one; the
/// console too.
#[test]
fn the_briefing_wraps_with_a_hanging_indent_and_names_tab() {
    let mut room = Room::new();
    let briefing = room.screen(FACILITATOR, 80, 40);
    assert!(
        briefing.contains("tab  to look at the console first"),
        "{briefing}"
    );
    let lines: Vec<&str> = briefing.lines().collect();
    let aldera = lines
        .iter()
        .position(|l| l.contains("  aldera  Aldera"))
        .unwrap_or_else(|| panic!("{briefing}"));
    // The next lines go on with Aldera's summary, under its first word, until Brevia's.
    assert!(lines[aldera + 1].starts_with("\"│          "), "{briefing}");
    assert!(!lines[aldera + 1][5..].trim().is_empty(), "{briefing}");
    let objective = lines
        .iter()
        .position(|l| l.contains("• Exchange requests for assistance"))
        .unwrap_or_else(|| panic!("{briefing}"));
    assert!(lines[objective + 1].starts_with("\"│    "), "{briefing}");

    room.key(FACILITATOR, Key::Char(' '));
    room.session
        .note(
            Role::Local,
            Command::Note {
                team: None,
                objective: None,
                kind: NoteKind::Strength,
                text: "calm".into(),
            },
        )
        .unwrap();
    let console = room.screen(FACILITATOR, 160, 40);
    assert!(
        console.contains("1 of 23 injects · 0 responses · 0 hotline messages · 1 observation ·"),
        "{console}"
    );
}

/// The inbox is 30 columns at 80 and a third of a wide terminal; nothing is titled `—`.
#[test]
fn the_inbox_widens_with_the_terminal_and_no_pane_is_titled_with_a_dash() {
    let mut room = Room::new();
    let waiting = room.screen(ALDERA, 80, 24);
    assert!(!waiting.contains("─ — ─"), "{waiting}");
    assert!(waiting.contains("Not started"), "{waiting}");
    room.session.start_pause(Role::Local).unwrap();
    for (width, inbox) in [(80u16, 30usize), (200, 64)] {
        let screen = room.screen(ALDERA, width, 40);
        let top = screen.lines().nth(2).unwrap().trim_matches('"').to_string();
        let pane: String = top.chars().take_while(|c| *c != '┐').collect();
        assert_eq!(pane.chars().count() + 1, inbox, "{width}: {top}");
    }
}

/// Ctrl-L asks for the whole screen in every context, a form's included, and types nothing.
#[test]
fn ctrl_l_redraws_the_whole_screen_everywhere() {
    let mut room = Room::new();
    room.session.start_pause(Role::Local).unwrap();
    room.key(ALDERA, Key::Ctrl('l'));
    assert!(room.seats[ALDERA].take_redraw());
    assert!(!room.seats[ALDERA].take_redraw());
    room.key(ALDERA, Key::Char('m'));
    let form = room.screen(ALDERA, 80, 24);
    room.key(ALDERA, Key::Ctrl('l'));
    assert!(room.seats[ALDERA].take_redraw());
    assert_eq!(room.screen(ALDERA, 80, 24), form);
}

/// At its seat, Brevia selects Aldera's request and confirms its receipt: the form answers the
/// request by default, so the confirmation goes back threaded under it.
#[test]
fn a_confirmation_taken_on_the_request_goes_back_in_reply_to_it() {
    let mut room = Room::new();
    room.session.start_pause(Role::Local).unwrap();
    room.respond("aldera", "rfa", None, REQUEST);
    room.select(BREVIA, "Hotline #1");
    room.key(BREVIA, Key::Char('r'));
    for c in "confirm-receipt".chars() {
        room.key(BREVIA, Key::Char(c));
    }
    room.key(BREVIA, Key::Enter);
    let form = room.screen(BREVIA, 200, 40);
    assert!(form.contains("#1 from aldera"), "{form}");
    for c in "Insp. T. Varo, +98 31 555 0142".chars() {
        room.key(BREVIA, Key::Char(c));
    }
    room.key(BREVIA, Key::Ctrl('s'));
    let confirmation = room.session.exercise().message(2).expect("sent");
    assert_eq!(confirmation.in_reply_to, Some(1));
    let aldera = room.screen(ALDERA, 200, 40);
    assert!(
        aldera.contains("↳ #2 from brevia · Confirm receipt"),
        "{aldera}"
    );
}
