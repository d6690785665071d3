//! The after-action screen of format 3's worked case: a reply held to the end has no deadline,
//! and the screen says "on hold" where a time would be, never a time computed from none.

mod common;

use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ttx::session::testing::MemoryRecorder;
use ttx::tui::{App, Key};

const SCENARIO: &str = include_str!("fixtures/format-3/scenario.ron");
const SCRIPT: &str = include_str!("fixtures/format-3/script.ron");

#[test]
fn a_held_reply_is_on_hold_on_the_report_screen() {
    let scenario = Arc::new(common::load("scenario.ron", SCENARIO));
    let script = ttx::script::load_script("script.ron", SCRIPT).expect("the script loads");
    let (exercise, _) = ttx::play::play(scenario, &script, "script.ron").expect("the script plays");
    let dir = tempfile::tempdir().unwrap();
    // An ended exercise opens on the after-action screen; Tab shows the report.
    let mut app = App::new(
        exercise,
        Box::new(MemoryRecorder::default()),
        dir.path().to_path_buf(),
    );
    app.handle_key(Key::Tab, std::time::Duration::ZERO);
    let mut terminal = Terminal::new(TestBackend::new(140, 80)).unwrap();
    terminal
        .draw(|frame| ttx::tui::ui::draw(frame, &app))
        .unwrap();
    let screen = terminal.backend().to_string();
    let row = |id: &str| {
        screen
            .lines()
            .find(|line| line.contains(id) && line.contains(":"))
            .unwrap_or_else(|| panic!("no row of {id} in\n{screen}"))
            .to_string()
    };
    let held = row("msg-6.rfa-reply@cn");
    assert!(held.contains("on hold"), "{held}");
    // The latency bars: no time allowed for the held reply, none computed from `Secs::MAX`.
    let longest = screen
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max();
    assert!(longest < Some(9), "{screen}");
    assert!(screen.contains("(on hold)"), "{screen}");
}
