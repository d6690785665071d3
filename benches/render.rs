//! Rendering the facilitator console for a 10,000-inject scenario into a 160×48 frame.
//! Target: under 2 ms per frame (median).

use std::path::PathBuf;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ttx::engine::Command;
use ttx::tui::App;
use ttx::tui::testing::{MemoryRecorder, exercise, generated};

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
