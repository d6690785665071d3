//! The terminal app: facilitator console, team views, hotline, live clock, after-action screen.
//!
//! Input → our `Key` → `Action` (through the keymap) → `App::update`; drawing reads the app and
//! never changes it. One thread reads the terminal; the loop waits for a key or, only while the
//! clock runs, for the next clock second, and redraws after each: idle costs nothing.

pub mod app;
mod briefing;
mod console;
mod dialogs;
mod discussion;
mod evaluation;
pub mod field;
pub mod forms;
mod journal;
pub mod key;
pub mod keymap;
mod report;
pub mod seat;
mod team;
pub mod text;
pub mod ui;
pub mod widgets;

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Instant;

use ratatui::crossterm::event::{self as term_event, Event as TermEvent};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
use signal_hook::iterator::{Handle, Signals};

use crate::debrief::Debrief;
use crate::engine::{Event, Exercise};
pub use crate::session::Recorder;
pub use app::App;
pub use key::Key;
pub use keymap::Action;

/// What comes to a terminal's event loop.
pub(crate) enum Input {
    Key(Key),
    /// Text pasted whole (bracketed paste).
    Paste(String),
    Resize,
    /// A signal that ends the process: TERM, HUP, INT, QUIT.
    Stop(i32),
    /// SIGTSTP, from `kill` or the shell (in raw mode, Ctrl-Z arrives as a key instead).
    Suspend,
}

/// The signals that end ttx: the terminal is restored and the clock's time recorded first.
pub(crate) const STOP_SIGNALS: [i32; 4] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT];

/// Starts the two threads that feed a terminal's event loop, `ttx run`'s and `ttx serve`'s
/// console alike: one reads the terminal's keys and resizes, one watches `signals` (SIGTSTP
/// comes as `Suspend`, the others as `Stop`). The handle stops the watcher.
pub(crate) fn spawn_inputs(signals: &[i32]) -> std::io::Result<(Receiver<Input>, Handle)> {
    let (tx, rx) = mpsc::channel();
    let mut signals = Signals::new(signals)?;
    let handle = signals.handle();
    let signal_tx = tx.clone();
    std::thread::spawn(move || {
        for signal in signals.forever() {
            let input = match signal {
                SIGTSTP => Input::Suspend,
                other => Input::Stop(other),
            };
            if signal_tx.send(input).is_err() {
                break;
            }
        }
    });
    std::thread::spawn(move || {
        loop {
            let input = match term_event::read() {
                Ok(TermEvent::Key(event)) => match key::from_crossterm(&event) {
                    Some(key) => Input::Key(key),
                    None => continue,
                },
                Ok(TermEvent::Paste(text)) => Input::Paste(text),
                Ok(TermEvent::Resize(..)) => Input::Resize,
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(input).is_err() {
                break;
            }
        }
    });
    Ok((rx, handle))
}

/// Runs the app on the real terminal until the facilitator quits; whether the exercise ended.
/// The terminal is restored on return, on error and on panic. `history` is what the journal
/// already holds (on resume), so the exercise log shows it, and `debrief` the debrief it holds.
pub fn run_live(
    exercise: Exercise,
    history: &[Event],
    debrief: Debrief,
    recorder: Box<dyn Recorder>,
    report_dir: PathBuf,
) -> Result<bool, Box<dyn std::error::Error>> {
    let mut app = App::resumed(exercise, debrief, recorder, report_dir);
    app.session.log_events(history);
    let mut terminal = init_terminal()?;
    let result = event_loop(&mut terminal, &mut app);
    restore_terminal();
    result.map(|()| app.exercise().ended_at().is_some())
}

/// Raw mode, the alternate screen, bracketed paste (so that pasted text arrives whole, never as
/// keys), and a panic hook that restores the terminal first.
pub(crate) fn init_terminal() -> std::io::Result<ratatui::DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    let restore_first = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = ratatui::crossterm::execute!(
            std::io::stdout(),
            ratatui::crossterm::event::DisableBracketedPaste
        );
        restore_first(info);
    }));
    ratatui::crossterm::execute!(
        std::io::stdout(),
        ratatui::crossterm::event::EnableBracketedPaste
    )?;
    Ok(terminal)
}

/// Undoes `init_terminal`.
pub(crate) fn restore_terminal() {
    let _ = ratatui::crossterm::execute!(
        std::io::stdout(),
        ratatui::crossterm::event::DisableBracketedPaste
    );
    ratatui::restore();
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
) -> Result<(), Box<dyn std::error::Error>> {
    let (rx, _) = spawn_inputs(&[STOP_SIGNALS.as_slice(), &[SIGTSTP]].concat())?;
    let origin = Instant::now();
    terminal.draw(|frame| ui::draw(frame, app))?;
    loop {
        let input = if let Some(wait) = app.wake_in(origin.elapsed()) {
            match rx.recv_timeout(wait) {
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
            Some(Input::Key(Key::Ctrl('z')) | Input::Suspend) => {
                suspend(terminal, app, origin.elapsed())?;
                true
            }
            Some(Input::Key(key)) => {
                app.handle_key(key, origin.elapsed());
                true
            }
            Some(Input::Paste(text)) => {
                app.paste(&text);
                true
            }
            Some(Input::Resize) => true,
            Some(Input::Stop(signal)) => {
                app.checkpoint_for_exit(origin.elapsed());
                return Err(format!(
                    "ttx stopped on signal {}; the journal {} holds the exercise up to now: continue \
                     it with `ttx resume {}`",
                    signal_name(signal),
                    app.session.journal_location(),
                    app.session.journal_location()
                )
                .into());
            }
            None => app.tick(origin.elapsed()),
        };
        if app.should_quit() {
            break;
        }
        if app.take_redraw() {
            redraw_whole(terminal)?;
        }
        if redraw {
            terminal.draw(|frame| ui::draw(frame, app))?;
        }
    }
    Ok(())
}

/// Ctrl-L: the terminal cleared, and a blank frame drawn, so that the next frame draws every
/// cell. (`Terminal::clear` would ask the terminal where its cursor is, and the answer would go to
/// the thread that reads keys.)
pub(crate) fn redraw_whole(terminal: &mut ratatui::DefaultTerminal) -> std::io::Result<()> {
    terminal.draw(|frame| frame.render_widget(ratatui::widgets::Clear, frame.area()))?;
    ratatui::crossterm::execute!(
        std::io::stdout(),
        ratatui::crossterm::terminal::Clear(ratatui::crossterm::terminal::ClearType::All)
    )
}

/// Ctrl-Z: pauses the clock (recorded), gives the terminal back to the shell and stops the
/// process as SIGTSTP would; on `fg`, takes the terminal again and shows the clock paused.
fn suspend(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    wall: std::time::Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    app.pause_for_suspend(wall);
    terminal.show_cursor()?;
    restore_terminal();
    signal_hook::low_level::emulate_default_handler(SIGTSTP)?;
    // Continued. The terminal is taken again by hand: a new one would ask the terminal where
    // its cursor is, and the answer would go to the thread that reads keys.
    ratatui::crossterm::terminal::enable_raw_mode()?;
    ratatui::crossterm::execute!(
        std::io::stdout(),
        ratatui::crossterm::terminal::EnterAlternateScreen,
        ratatui::crossterm::event::EnableBracketedPaste,
        ratatui::crossterm::terminal::Clear(ratatui::crossterm::terminal::ClearType::All)
    )?;
    // `Terminal::clear` would ask for the cursor too: a blank frame makes the next draw whole.
    terminal.draw(|frame| frame.render_widget(ratatui::widgets::Clear, frame.area()))?;
    Ok(())
}

pub(crate) fn signal_name(signal: i32) -> &'static str {
    match signal {
        SIGTERM => "SIGTERM",
        SIGHUP => "SIGHUP",
        SIGINT => "SIGINT",
        SIGQUIT => "SIGQUIT",
        _ => "a signal",
    }
}
