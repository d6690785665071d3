//! The facilitator's console on the server's own terminal while `ttx serve` runs: the same
//! seat and screens as `ttx run`, drawn from the shared session; it redraws when any seat
//! changed something. A signal that ends the process (TERM, HUP, INT, QUIT) ends it as `ttx run`
//! does: the terminal is restored, and the server then records the clock and tells every seat.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use super::Shared;
use crate::role::Role;
use crate::tui::seat::{Seat, Shown};
use crate::tui::{
    Input, STOP_SIGNALS, init_terminal, redraw_whole, restore_terminal, signal_name, spawn_inputs,
    ui,
};

/// How often the console looks for changes made by other seats.
const POLL: Duration = Duration::from_millis(100);

/// How the console ended.
pub enum Closed {
    /// The facilitator quit.
    Quit,
    /// The process got a signal that ends it.
    Signal(i32),
}

pub fn run(shared: Arc<Shared>, address: SocketAddr, fingerprint: &str) -> Result<Closed, String> {
    let mut seat = Seat::new(Role::Local, &shared.lock());
    seat.flash = Some(format!(
        "Serving on {address} · host key {fingerprint} · s: seats and join codes"
    ));
    // Not SIGTSTP: a suspended server would stop serving every other seat.
    let (inputs, stop_watching) =
        spawn_inputs(&STOP_SIGNALS).map_err(|e| format!("cannot watch for signals: {e}"))?;
    let mut terminal = init_terminal().map_err(|e| format!("cannot open the terminal: {e}"))?;
    let result = event_loop(&mut terminal, &shared, &mut seat, &inputs);
    restore_terminal();
    stop_watching.close();
    let closed = result.map_err(|e| format!("terminal: {e}"))?;
    if let Closed::Signal(signal) = closed {
        eprintln!("ttx serve stopped on {}", signal_name(signal));
    }
    Ok(closed)
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    shared: &Shared,
    seat: &mut Seat,
    inputs: &Receiver<Input>,
) -> std::io::Result<Closed> {
    let mut drawn = None;
    let mut redraw = true;
    loop {
        let versions = Some(shared.lock().versions());
        // The selected inbox item counting as opened is drawn when it does.
        let opened = seat.reading_due(shared.wall()).is_some_and(|d| d.is_zero());
        if seat.take_redraw() {
            redraw_whole(terminal)?;
            redraw = true;
        }
        if redraw || opened || versions != drawn {
            let session = shared.lock();
            seat.sync(&session);
            seat.settle_reading(&session, shared.wall());
            drawn = Some(session.versions());
            terminal.draw(|frame| {
                ui::draw_seat(
                    frame,
                    Shown {
                        session: &session,
                        seat,
                    },
                )
            })?;
        }
        redraw = false;
        match inputs.recv_timeout(POLL) {
            Ok(Input::Key(key)) => {
                let wall = shared.wall();
                shared.with_session(|s| seat.handle_key(s, key, wall));
                redraw = true;
            }
            Ok(Input::Paste(text)) => {
                shared.with_session(|s| seat.paste(s, &text));
                redraw = true;
            }
            Ok(Input::Resize | Input::Suspend) => redraw = true,
            // The server records the clock and tells the seats once the terminal is restored.
            Ok(Input::Stop(signal)) => return Ok(Closed::Signal(signal)),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(Closed::Quit),
        }
        if seat.should_quit() {
            return Ok(Closed::Quit);
        }
    }
}
