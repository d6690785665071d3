//! Rendering the facilitator console for a 10,000-inject scenario into a 160×48 frame, and a
//! key's way to the screen (the key handled, then the frame drawn).
//! Targets: under 2 ms per frame (median); key to screen within one frame (the app redraws
//! right after each key, so the key's cost plus one frame must stay well under a 60 Hz frame,
//! 16 ms).

use std::path::PathBuf;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ttx::engine::Command;
use ttx::session::testing::{MemoryRecorder, exercise, generated};
use ttx::tui::{App, Key};

fn main() {
    divan::main();
}

fn console_app() -> App {
    let mut exercise = exercise(generated(10_000));
    exercise.execute(Command::Start).expect("start");
    // Half-way through: 5,000 injects released, the recent ones still open.
    exercise
        .execute(Command::AdvanceTo(5_000 * 60))
        .expect("advance");
    let mut app = App::new(
        exercise,
        Box::new(MemoryRecorder::default()),
        PathBuf::from("target/bench-reports"),
    );
    app.tick(Duration::ZERO);
    app
}

#[divan::bench]
fn console_10k_injects_160x48(bencher: divan::Bencher) {
    let app = console_app();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    bencher.bench_local(|| {
        terminal
            .draw(|frame| ttx::tui::ui::draw(frame, &app))
            .expect("draw");
    });
}

#[divan::bench]
fn key_to_screen_10k_injects_160x48(bencher: divan::Bencher) {
    let mut app = console_app();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    // Tab cycles console → team views → report → console: every screen is drawn in turn.
    bencher.bench_local(|| {
        app.handle_key(Key::Tab, Duration::ZERO);
        terminal
            .draw(|frame| ttx::tui::ui::draw(frame, &app))
            .expect("draw");
    });
}

/// A hotline message form holding `typed` characters on one line: a character typed and deleted,
/// and the frame drawn. Target: the same cost whatever the text's length, up to the field's limit
/// of 10,000 (a seat types on the loop that serves every seat, so a keystroke that grew with the
/// text would stall them all).
#[divan::bench(args = [100, 1_000, 4_000, 9_999])]
fn keystroke_in_a_long_message_80x24(bencher: divan::Bencher, typed: usize) {
    let mut exercise = exercise(ttx::session::testing::phishing());
    exercise.execute(Command::Start).expect("start");
    let mut app = App::new(
        exercise,
        Box::new(MemoryRecorder::default()),
        PathBuf::from("target/bench-reports"),
    );
    app.handle_key(Key::Tab, Duration::ZERO);
    app.handle_key(Key::Char('m'), Duration::ZERO);
    for _ in 0..typed {
        app.handle_key(Key::Char('x'), Duration::ZERO);
    }
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    bencher.bench_local(|| {
        app.handle_key(Key::Char('y'), Duration::ZERO);
        app.handle_key(Key::Backspace, Duration::ZERO);
        terminal
            .draw(|frame| ttx::tui::ui::draw(frame, &app))
            .expect("draw");
    });
}
