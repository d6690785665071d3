//! The facilitator's console on the server's own terminal while `ttx serve` runs: the same
//! seat and screens as `ttx run`, drawn from the shared session; it redraws when any seat
//! changed something.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use ratatui::crossterm::event::{self as term_event, Event as TermEvent};

use super::Shared;
use crate::tui::key;
use crate::tui::seat::{Role, Seat, Shown};
use crate::tui::ui;

/// How often the console looks for changes made by other seats.
const POLL: Duration = Duration::from_millis(100);

pub fn run(shared: Arc<Shared>, address: SocketAddr, fingerprint: &str) -> Result<(), String> {
    let mut seat = Seat::new(Role::Local, &shared.lock());
    seat.flash = Some(format!(
        "Serving on {address} · host key {fingerprint} · s: seats and join codes"
    ));
    let mut terminal = ratatui::try_init().map_err(|e| format!("cannot open the terminal: {e}"))?;
    let result = event_loop(&mut terminal, &shared, &mut seat);
    ratatui::restore();
    result.map_err(|e| format!("terminal: {e}"))
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    shared: &Shared,
    seat: &mut Seat,
) -> std::io::Result<()> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        loop {
            let key = match term_event::read() {
                Ok(TermEvent::Key(event)) => key::from_crossterm(&event),
                Ok(TermEvent::Resize(..)) => None,
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(key).is_err() {
                break;
            }
        }
    });
    let mut drawn = u64::MAX;
    let mut redraw = true;
    loop {
        let version = shared.lock().version();
        if redraw || version != drawn {
            let session = shared.lock();
            seat.sync(&session);
            drawn = session.version();
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
        match rx.recv_timeout(POLL) {
            Ok(Some(key)) => {
                let wall = shared.wall();
                shared.with_session(|s| seat.handle_key(s, key, wall));
                redraw = true;
            }
            // A resize: draw again at the new size.
            Ok(None) => redraw = true,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        if seat.should_quit() {
            return Ok(());
        }
    }
}
