//! The terminal app: facilitator console, team views, hotline, live clock, after-action screen.
//!
//! Input → our `Key` → `Action` (through the keymap) → `App::update`; drawing reads the app and
//! never changes it. One thread reads the terminal; the loop waits for a key or, only while the
//! clock runs, for the next clock second, and redraws after each: idle costs nothing.

pub mod app;
mod briefing;
mod console;
mod dialogs;
pub mod forms;
mod journal;
pub mod key;
pub mod keymap;
mod report;
pub mod seat;
mod team;
#[doc(hidden)]
pub mod testing;
pub mod text;
pub mod ui;
pub mod widgets;

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Instant;

use ratatui::crossterm::event::{self as term_event, Event as TermEvent};

use crate::engine::{Event, Exercise};
pub use crate::session::Recorder;
pub use app::App;
pub use key::Key;
pub use keymap::Action;

enum Input {
    Key(Key),
    Resize,
}

/// Runs the app on the real terminal until the facilitator quits. The terminal is restored on
/// return, on error and on panic. `history` is what the journal already holds (on resume), so
/// the exercise log shows it.
pub fn run_live(
    exercise: Exercise,
    history: &[Event],
    recorder: Box<dyn Recorder>,
    report_dir: PathBuf,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut app = App::new(exercise, recorder, report_dir);
    app.session.log_events(history);
    // Raw mode, the alternate screen, and a panic hook that restores the terminal first.
    let mut terminal = ratatui::try_init()?;
    let result = event_loop(&mut terminal, &mut app);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
) -> Result<(), Box<dyn std::error::Error>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        loop {
            let input = match term_event::read() {
                Ok(TermEvent::Key(event)) => match key::from_crossterm(&event) {
                    Some(key) => Input::Key(key),
                    None => continue,
                },
                Ok(TermEvent::Resize(..)) => Input::Resize,
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(input).is_err() {
                break;
            }
        }
    });
    let origin = Instant::now();
    terminal.draw(|frame| ui::draw(frame, app))?;
    loop {
        let input = if app.wants_ticks() {
            match rx.recv_timeout(app.next_tick_in(origin.elapsed())) {
                Ok(input) => Some(input),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(input) => Some(input),
                Err(_) => break,
            }
        };
        let redraw = match input {
            Some(Input::Key(key)) => {
                app.handle_key(key, origin.elapsed());
                true
            }
            Some(Input::Resize) => true,
            None => app.tick(origin.elapsed()),
        };
        if app.should_quit() {
            break;
        }
        if redraw {
            terminal.draw(|frame| ui::draw(frame, app))?;
        }
    }
    Ok(())
}
