//! One SSH connection: who it is (the roster decides), its one interactive channel, and the
//! seat drawn into it. Everything but an interactive session with a pseudo-terminal is refused.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use russh::keys::PublicKey;
use russh::server::{Auth, ChannelOpenHandle, Handle, Msg, Response, Session as SshSession};
use russh::{Channel, ChannelId, Pty};
use tokio::sync::Notify;

use super::Shared;
use super::frames::{Frames, Moment};
use super::input::{Decoder, ESC_TIMEOUT};
use super::roster::Full;
use super::waiting::Waiting;
use crate::role::Role;
use crate::session::{SeatInfo, Session};
use crate::tui::key::Typed;
use crate::tui::seat::{Seat, Shown};
use crate::tui::ui;

/// The largest screen a seat is drawn at (see `screen_size`).
const MAX_COLUMNS: u16 = 500;
const MAX_ROWS: u16 = 200;

/// Alternate screen, hidden cursor, bracketed paste on; and their undoing.
const SCREEN_ON: &[u8] = b"\x1b[?1049h\x1b[?25l\x1b[?2004h\x1b[2J";
const SCREEN_OFF: &[u8] = b"\x1b[?2004l\x1b[?25h\x1b[?1049l";

/// The terminal a seat is drawn on: ratatui writes each frame's bytes into the backend's own
/// buffer, which the render task empties after each draw (no lock on each of a frame's writes).
type SeatTerminal = Terminal<CrosstermBackend<Vec<u8>>>;

/// The bytes drawn since they were last taken.
fn take_bytes(terminal: &mut SeatTerminal) -> Vec<u8> {
    std::mem::take(terminal.backend_mut().writer_mut())
}

/// A joined seat: its own UI state and key decoder, and a signal to redraw it alone.
struct SeatLink {
    id: u64,
    state: Mutex<SeatState>,
    redraw: Notify,
}

struct SeatState {
    seat: Seat,
    decoder: Decoder,
    size: (u16, u16),
    /// A key or a resize since the last frame: the seat's own part of what it draws changed.
    stale: bool,
}

impl SeatLink {
    fn lock(&self) -> MutexGuard<'_, SeatState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub struct Connection {
    shared: Arc<Shared>,
    peer: SocketAddr,
    /// The roster's user and role, once authenticated.
    joined: Option<(String, Role)>,
    /// The user this connection last tried to join as and was refused: told to the log and
    /// the journal once, when the connection ends without joining, however many keys or codes
    /// it tried.
    refused: Option<String>,
    /// A wrong key or code already counted towards the address's lock-out.
    failure_counted: bool,
    channel: Option<ChannelId>,
    size: (u16, u16),
    pty: bool,
    seat: Option<Arc<SeatLink>>,
    /// Until the seat is shown: the connection's place among those waiting to log in.
    waiting: Option<Waiting>,
}

impl Connection {
    pub fn new(shared: Arc<Shared>, peer: SocketAddr, waiting: Waiting) -> Connection {
        Connection {
            shared,
            peer,
            joined: None,
            refused: None,
            failure_counted: false,
            channel: None,
            size: (80, 24),
            pty: false,
            seat: None,
            waiting: Some(waiting),
        }
    }

    fn address(&self) -> String {
        self.peer.to_string()
    }

    fn blocked(&self) -> bool {
        self.shared.is_blocked(self.peer.ip())
    }

    fn refuse(&mut self, user: &str) -> Auth {
        self.shared.failed(self.peer.ip());
        self.refused = Some(user.to_string());
        self.failure_counted = true;
        Auth::reject()
    }

    fn check_code(&mut self, user: &str, code: &str) -> Auth {
        if self.blocked() {
            return Auth::reject();
        }
        match self.shared.roster.by_code(user, code) {
            Some(seat) => {
                self.joined = Some((seat.user.clone(), seat.role));
                Auth::Accept
            }
            None => self.refuse(user),
        }
    }

    /// Says `text` on the channel and closes it.
    async fn close_with(&self, channel: ChannelId, session: &mut SshSession, text: &str) {
        let _ = session.data(channel, format!("{text}\r\n").into_bytes());
        let _ = session.exit_status_request(channel, 1);
        let _ = session.eof(channel);
        let _ = session.close(channel);
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(link) = &self.seat {
            let id = link.id;
            self.shared.with_session(|s| s.seat_left(id));
        } else if let (None, Some(user)) = (&self.joined, &self.refused) {
            if !self.failure_counted {
                self.shared.failed(self.peer.ip());
            }
            let address = self.address();
            let wall = self.shared.wall();
            self.shared.with_session(|s| {
                // Refusals are logged at most so many a minute: of the wall clock, which a
                // paused exercise does not move.
                s.set_wall(wall);
                s.seat_refused(user, &address);
            });
        }
    }
}

impl russh::server::Handler for Connection {
    type Error = russh::Error;

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: russh::server::PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        if self.blocked() {
            return Ok(Auth::reject());
        }
        let known = self.shared.roster.by_key(user, offer.public_key).is_some();
        if !known {
            // Not a failure yet (a client offers each of its keys in turn), but a connection
            // that never gets in with any of them was refused, and counts as one failure.
            self.refused = Some(user.to_string());
        }
        Ok(if known { Auth::Accept } else { Auth::reject() })
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let key: &PublicKey = key.public_key;
        if self.blocked() {
            return Ok(Auth::reject());
        }
        Ok(match self.shared.roster.by_key(user, key) {
            Some(seat) => {
                self.joined = Some((seat.user.clone(), seat.role));
                Auth::Accept
            }
            None => self.refuse(user),
        })
    }

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        Ok(self.check_code(user, password))
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        response: Option<Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        let Some(mut response) = response else {
            return Ok(Auth::Partial {
                name: "ttx".into(),
                instructions: "Type your team's join code.".into(),
                prompts: vec![("Join code: ".into(), false)].into(),
            });
        };
        let code = response
            .next()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        Ok(self.check_code(user, &code))
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        // One screen per connection. The channel object itself is not kept: its messages
        // arrive through this handler, and a kept, unread channel would stall the connection.
        if self.channel.is_none() && self.joined.is_some() {
            self.channel = Some(channel.id());
            reply.accept().await;
        }
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        self.pty = true;
        self.size = screen_size(col_width, row_height);
        session.channel_success(channel)?;
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        let Some((user, role)) = self.joined.clone() else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        // One seat per connection, on its one channel: a second shell request would seat the
        // user again and leave the first seat behind when the connection ends.
        if self.seat.is_some() || self.channel != Some(channel) {
            session.channel_failure(channel)?;
            return Ok(());
        }
        if !self.pty {
            session.channel_success(channel)?;
            self.close_with(
                channel,
                session,
                "ttx needs an interactive terminal: ssh -t",
            )
            .await;
            return Ok(());
        }
        let address = self.address();
        let wall = self.shared.wall();
        // Decided and taken under one lock, so two connections never both take the last seat.
        let seat: Result<_, Full> = self.shared.with_session(|s| {
            let admitted = {
                let seated: Vec<&str> = s.seats().iter().map(|seat| seat.user.as_str()).collect();
                self.shared.roster.admits(&user, &seated)
            };
            admitted?;
            let id = self.shared.next_seat.fetch_add(1, Ordering::Relaxed);
            s.set_wall(wall);
            s.seat_joined(SeatInfo {
                id,
                user: user.clone(),
                role: role.name(s.exercise().scenario()),
                address,
                name: self.shared.roster.name_of(&user).map(str::to_string),
                since: s.wall(),
                last_key: s.wall(),
            });
            let mut seat = Seat::new(role, s);
            // A rating from this seat names its user as the evaluator.
            seat.evaluator = user.clone();
            seat.headless = self.shared.headless;
            Ok((id, seat))
        });
        let (id, seat) = match seat {
            Ok(seat) => seat,
            Err(full) => {
                session.channel_success(channel)?;
                self.close_with(channel, session, &format!("ttx: {full}."))
                    .await;
                return Ok(());
            }
        };
        let link = Arc::new(SeatLink {
            id,
            state: Mutex::new(SeatState {
                seat,
                decoder: Decoder::default(),
                size: self.size,
                stale: true,
            }),
            redraw: Notify::new(),
        });
        self.seat = Some(Arc::clone(&link));
        if let Some(waiting) = self.waiting.take() {
            waiting.seated();
        }
        session.channel_success(channel)?;
        tokio::spawn(render(
            Arc::clone(&self.shared),
            link,
            session.handle(),
            channel,
        ));
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)?;
        self.close_with(channel, session, "ttx runs no commands: ssh -t USER@HOST")
            .await;
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)?;
        let _ = session.close(channel);
        Ok(())
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single_connection: bool,
        _x11_auth_protocol: &str,
        _x11_auth_cookie: &str,
        _x11_screen_number: u32,
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        _value: &str,
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        _channel: ChannelId,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        self.size = screen_size(col_width, row_height);
        if let Some(link) = &self.seat {
            let mut state = link.lock();
            state.size = self.size;
            state.stale = true;
            drop(state);
            link.redraw.notify_one();
        }
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        let Some(link) = self.seat.clone() else {
            return Ok(());
        };
        let (typed, escape_pending) = {
            let mut state = link.lock();
            let typed = state.decoder.feed(data);
            (typed, state.decoder.escape_pending())
        };
        press(&self.shared, &link, typed);
        if let Some(escape) = escape_pending {
            // A lone ESC is the escape key unless the rest of a sequence follows at once.
            let shared = Arc::clone(&self.shared);
            let link = Arc::clone(&link);
            tokio::spawn(async move {
                tokio::time::sleep(ESC_TIMEOUT).await;
                let key = link.lock().decoder.flush_escape(escape);
                press(&shared, &link, key.into_iter().collect());
            });
        }
        // The seat decides whether its quit closes the server, the rule its `q` asked by. The
        // session is locked only for a seat that quits (every key of every seat passes here),
        // and before the seat, in the order `press` takes them.
        let quitting = link.lock().seat.should_quit();
        let quit = quitting.then(|| {
            let session = self.shared.lock();
            let state = link.lock();
            state.seat.quit_closes(session.exercise())
        });
        if let Some(closes) = quit {
            let goodbye = format!(
                "{}{}",
                String::from_utf8_lossy(SCREEN_OFF),
                if closes {
                    "You closed the exercise: every seat is told, and the server stops."
                } else {
                    "You left the exercise; ssh again to rejoin."
                }
            );
            self.close_with(channel, session, &goodbye).await;
            if closes {
                self.shared.facilitator_quit.notify_one();
            }
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        let _ = session.close(channel);
        Ok(())
    }
}

/// Keys and pastes from one seat: each goes through the session, then the seat redraws (even
/// when only its own state changed, such as a cursor in a form).
fn press(shared: &Shared, link: &SeatLink, typed: Vec<Typed>) {
    if typed.is_empty() {
        return;
    }
    let wall = shared.wall();
    shared.with_session(|s| {
        let mut state = link.lock();
        for typed in typed {
            state.seat.handle_typed(s, typed, wall);
        }
        state.stale = true;
        s.seat_key(link.id);
    });
    link.redraw.notify_one();
}

/// The size a seat is drawn at: what the client asked for, up to what a real terminal has (a
/// large display in a small font). It bounds the seat's memory: a seat holds two screens of
/// 48-byte cells (the frame it draws on and the one its client shows), 2 × 500 × 200 × 48 bytes
/// = 9.6 MB at most (a 1000×1000 window took 96 MB).
fn screen_size(columns: u32, rows: u32) -> (u16, u16) {
    let bound = |cells: u32, max: u16| cells.clamp(1, u32::from(max)) as u16;
    (bound(columns, MAX_COLUMNS), bound(rows, MAX_ROWS))
}

/// Draws the seat into its channel whenever the session or the seat changed (a team's seat not
/// for a change only the staff's views show, such as another seat joining). A frame is sent
/// before the next is drawn, and changes that arrive meanwhile collapse into that next frame:
/// a slow client gets the latest screen, never a queue. A key, a resize or a change of content
/// is drawn at once; the clock moving on is drawn at most once a second, at this seat's own
/// moment of the second, so that the seats' clock frames are spread over the second instead of
/// all queueing before a key.
async fn render(shared: Arc<Shared>, link: Arc<SeatLink>, handle: Handle, channel: ChannelId) {
    let mut changes = shared.changes.subscribe();
    let mut closing = shared.closing.subscribe();
    let mut drawn_size = link.lock().size;
    let Some(mut screen) = Screen::new(drawn_size) else {
        return;
    };
    if handle.data(channel, SCREEN_ON.to_vec()).await.is_err() {
        return;
    }
    let origin = tokio::time::Instant::from_std(shared.origin);
    let phase = clock_phase(link.id);
    let sees_staff = link.lock().seat.role.sees_staff();
    loop {
        let frame = {
            let session = shared.lock();
            let mut state = link.lock();
            // Marked seen under the lock: a change published after it is drawn next time.
            changes.borrow_and_update();
            if state.seat.should_quit() {
                None
            } else {
                if state.size != drawn_size {
                    drawn_size = state.size;
                    screen.resize(drawn_size);
                }
                state.seat.sync(&session);
                state.seat.settle_reading(&session, shared.wall());
                state.stale = false;
                if state.seat.take_redraw() {
                    screen.redraw_whole();
                }
                let bytes = screen.draw(&shared.frames, &session, &mut state.seat);
                Some((bytes, session.versions()))
            }
        };
        let drawn = match frame {
            None => {
                let _ = handle.data(channel, SCREEN_OFF.to_vec()).await;
                return;
            }
            Some((bytes, drawn)) => {
                if !bytes.is_empty() && handle.data(channel, bytes).await.is_err() {
                    return;
                }
                drawn
            }
        };
        // Waits for a reason to draw: a new content at once, the clock at this seat's moment.
        let mut clock_due = None;
        loop {
            let latest = *changes.borrow_and_update();
            if latest.content != drawn.content || (sees_staff && latest.staff != drawn.staff) {
                break;
            }
            if latest.clock != drawn.clock && clock_due.is_none() {
                clock_due = Some(next_moment(origin, phase));
            }
            let tick = async {
                match clock_due {
                    Some(due) => tokio::time::sleep_until(due).await,
                    None => std::future::pending().await,
                }
            };
            // The selected inbox item counts as opened after a moment shown: drawn then.
            let reading_due = link.lock().seat.reading_due(shared.wall());
            let reading = async {
                match reading_due {
                    Some(due) => tokio::time::sleep(due).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                changed = changes.changed() => if changed.is_err() { return },
                // A wake-up the last frame already answered draws nothing new.
                _ = link.redraw.notified() => if link.lock().stale { break },
                () = tick => break,
                () = reading => break,
                _ = closing.changed() => {
                    let role = link.lock().seat.role;
                    let why = closing
                        .borrow()
                        .as_ref()
                        .map(|goodbye| goodbye.to(role).to_string())
                        .unwrap_or_default();
                    let mut goodbye = SCREEN_OFF.to_vec();
                    goodbye.extend_from_slice(format!("ttx: {why}\r\n").as_bytes());
                    let _ = handle.data(channel, goodbye).await;
                    let _ = handle.exit_status_request(channel, 0).await;
                    let _ = handle.eof(channel).await;
                    let _ = handle.close(channel).await;
                    return;
                }
            }
        }
    }
}

/// Empties the buffer ratatui would diff a frame against: a seat diffs against `Screen::shown`,
/// so it holds one canvas to draw on, not two.
fn drop_back_buffer(terminal: &mut SeatTerminal) {
    *terminal.current_buffer_mut() = Buffer::default();
    terminal.swap_buffers();
}

/// What a seat's client shows, and the terminal its frames are drawn on.
struct Screen {
    /// Its buffer is where a new frame is drawn; its backend collects the bytes for the client.
    terminal: SeatTerminal,
    /// The frame the client's screen shows: shared with the other seats when it was kept.
    shown: Arc<Buffer>,
    /// Its id, when it was kept for other seats (see `frames`).
    kept: Option<u64>,
}

impl Screen {
    /// A blank screen of `size` (columns, rows).
    fn new(size: (u16, u16)) -> Option<Screen> {
        let area = Rect::new(0, 0, size.0, size.1);
        let options = TerminalOptions {
            viewport: Viewport::Fixed(area),
        };
        // The size comes from the client's pty request and window changes, never from this
        // process's own terminal.
        let mut terminal =
            Terminal::with_options(CrosstermBackend::new(Vec::new()), options).ok()?;
        drop_back_buffer(&mut terminal);
        Some(Screen {
            terminal,
            shown: Arc::new(Buffer::empty(area)),
            kept: None,
        })
    }

    fn area(&self) -> Rect {
        self.shown.area
    }

    /// The client's window changed size: everything is drawn again.
    fn resize(&mut self, size: (u16, u16)) {
        let area = Rect::new(0, 0, size.0, size.1);
        let _ = self.terminal.resize(area);
        drop_back_buffer(&mut self.terminal);
        self.shown = Arc::new(Buffer::empty(area));
        self.kept = None;
    }

    /// Makes the next frame draw every cell (Ctrl-L): the client's screen is cleared, and taken
    /// as blank, so that nothing it shows is taken as already drawn. (Ratatui's own `clear` asks
    /// the terminal where its cursor is: here that terminal is the server's.)
    fn redraw_whole(&mut self) {
        self.shown = Arc::new(Buffer::empty(self.area()));
        self.kept = None;
        *self.terminal.backend_mut().writer_mut() = b"\x1b[2J".to_vec();
    }

    /// Draws `seat` as `session` stands: the frame a seat equal to this one drew at this moment,
    /// if one did, else a new one, kept for the others. The bytes that bring the client's
    /// screen to it.
    fn draw(&mut self, frames: &Frames, session: &Session, seat: &mut Seat) -> Vec<u8> {
        let moment = Moment::of(session, seat);
        let area = self.area();
        let (id, next) = match moment.and_then(|moment| frames.take(moment, seat, area)) {
            Some((id, kept)) => (Some(id), kept),
            None => {
                let before = moment.map(|moment| (moment, seat.clone()));
                let drawn = Arc::new(self.draw_anew(session, seat));
                let id =
                    before.and_then(|(moment, before)| frames.keep(moment, before, seat, &drawn));
                (id, drawn)
            }
        };
        // After whatever the backend holds already (a resize's clearing).
        let mut bytes = take_bytes(&mut self.terminal);
        let shared = self.kept.zip(id);
        match shared.and_then(|(from, to)| frames.bytes(from, to)) {
            Some(change) => bytes.extend_from_slice(&change),
            None => {
                let backend = self.terminal.backend_mut();
                let _ = backend.draw(self.shown.diff_iter(&next));
                // Nothing a seat draws places the cursor (a text field draws its own): hidden,
                // as ratatui's own `draw` does for a frame that sets none.
                let _ = backend.hide_cursor();
                let change = take_bytes(&mut self.terminal);
                if let Some((from, to)) = shared {
                    frames.keep_bytes(from, to, &change);
                }
                bytes.extend_from_slice(&change);
            }
        }
        let replaced = std::mem::replace(&mut self.shown, next);
        self.kept = id;
        // The frame it replaced, unless another seat still shows it, is the next one drawn on.
        if let Ok(mut spare) = Arc::try_unwrap(replaced) {
            spare.reset();
            *self.terminal.current_buffer_mut() = spare;
        }
        bytes
    }

    /// A frame drawn from `seat` itself, on the terminal's canvas.
    fn draw_anew(&mut self, session: &Session, seat: &Seat) -> Buffer {
        let area = self.area();
        let canvas = self.terminal.current_buffer_mut();
        if canvas.area != area {
            *canvas = Buffer::empty(area);
        }
        ui::draw_seat(&mut self.terminal.get_frame(), Shown { session, seat });
        std::mem::take(self.terminal.current_buffer_mut())
    }
}

/// The moment of each second at which a seat redraws its clock: seat ids stepped by the golden
/// ratio of a second, so that any number of seats, joined in any order, spread evenly.
fn clock_phase(seat: u64) -> Duration {
    const STEP_NS: u64 = 618_033_989;
    Duration::from_nanos(seat.wrapping_mul(STEP_NS) % 1_000_000_000)
}

/// The next instant, from now, that is `phase` into a second counted from `origin`.
fn next_moment(origin: tokio::time::Instant, phase: Duration) -> tokio::time::Instant {
    let since = tokio::time::Instant::now().saturating_duration_since(origin);
    let second = Duration::from_secs(since.as_secs());
    let this = origin + second + phase;
    if this > origin + since {
        this
    } else {
        this + Duration::from_secs(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::TeamIx;
    use crate::session::testing::{MemoryRecorder, session};
    use crate::tui::key::Key;
    use proptest::prelude::*;

    /// The phishing example, its clock started.
    fn started(recorder: &MemoryRecorder) -> Session {
        let mut session = session(recorder);
        session
            .start_pause(Role::Facilitator)
            .expect("the clock starts");
        session
    }

    fn terminal(columns: u16, rows: u16) -> SeatTerminal {
        let options = TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, columns, rows)),
        };
        Terminal::with_options(CrosstermBackend::new(Vec::new()), options).expect("a terminal")
    }

    /// Ctrl-L on a terminal drawn alone: a blank frame, taken as shown, and the screen cleared.
    fn redraw_whole_alone(terminal: &mut SeatTerminal) {
        let _ = terminal.draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()));
        *terminal.backend_mut().writer_mut() = b"\x1b[2J".to_vec();
    }

    /// A seat drawn as the server draws it (sharing frames with the other seats), and its twin
    /// in a twin session, drawn alone, as every seat was before frames were shared.
    struct Twins {
        seat: Seat,
        screen: Screen,
        twin: Seat,
        twin_terminal: SeatTerminal,
    }

    #[derive(Debug, Clone)]
    enum Step {
        /// Seat i's key, this many milliseconds after the step before.
        Key(usize, Key, u64),
        /// Text pasted on seat i.
        Paste(usize, String),
        /// The wall clock moves on by this many milliseconds, and the session ticks.
        Tick(u64),
        Draw(usize),
        /// Seat i's window is now this many columns by rows.
        Resize(usize, u16, u16),
        /// Another seat joins: a line in the facilitator's log and seats panel.
        Join,
    }

    const KEYS: [Key; 15] = [
        Key::Char('s'),
        Key::Down,
        Key::Up,
        Key::Enter,
        Key::Esc,
        Key::Tab,
        Key::Backspace,
        Key::Char('m'),
        Key::Char('r'),
        Key::Char('x'),
        Key::Char('1'),
        Key::Char('n'),
        Key::Char('?'),
        Key::Char(' '),
        Key::Ctrl('l'),
    ];

    /// The seats the property drives: two of one team's user, one of the other team, two of the
    /// facilitator.
    const SEATS: usize = 5;

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (0..SEATS, prop::sample::select(KEYS.to_vec()), 0..5_000u64)
                .prop_map(|(i, k, ms)| Step::Key(i, k, ms)),
            1 => (0..SEATS, "[a-z ]{0,12}").prop_map(|(i, text)| Step::Paste(i, text)),
            1 => (1..120_000u64).prop_map(Step::Tick),
            4 => (0..SEATS).prop_map(Step::Draw),
            1 => (0..SEATS, 1..140u16, 1..50u16).prop_map(|(i, c, r)| Step::Resize(i, c, r)),
            1 => Just(Step::Join),
        ]
    }

    /// Two seats of one team's user with the message form open draw one frame: the second takes
    /// it, and with it the text field's view as drawing it left the first. Another team's seat
    /// at the same moment draws its own.
    #[test]
    fn seats_that_show_the_same_share_one_frame_and_no_other_team_takes_it() {
        let recorder = MemoryRecorder::default();
        let mut session = started(&recorder);
        let wall = Duration::from_secs(1);
        let mut seats: Vec<Seat> = [0, 0, 1]
            .into_iter()
            .map(|team| {
                let mut seat = Seat::new(Role::Team(TeamIx(team)), &session);
                seat.evaluator = format!("team-{team}");
                for key in [Key::Char('m'), Key::Char('x')] {
                    seat.handle_typed(&mut session, Typed::Key(key), wall);
                }
                seat.sync(&session);
                seat
            })
            .collect();
        let frames = Frames::default();
        let mut drawn = Vec::new();
        for seat in &mut seats {
            let mut screen = Screen::new((100, 30)).expect("a screen");
            let before = seat.clone();
            let bytes = screen.draw(&frames, &session, seat);
            assert!(
                *seat != before,
                "drawing the form sets its text field's view"
            );
            drawn.push((bytes, screen.kept.expect("kept")));
        }
        assert_eq!(drawn[0], drawn[1]);
        assert!(seats[0] == seats[1]);
        assert_ne!(drawn[2].1, drawn[0].1);
        assert_ne!(drawn[2].0, drawn[0].0);
    }

    /// A seat whose screen shows a kept frame is sent the bytes another seat was sent for the
    /// same change, without a diff of its own; after any other change it draws anew.
    #[test]
    fn the_change_from_one_kept_frame_to_the_next_is_worked_out_once() {
        let recorder = MemoryRecorder::default();
        let mut session = started(&recorder);
        let frames = Frames::default();
        let mut seats: Vec<(Seat, Screen)> = (0..2)
            .map(|_| {
                let seat = Seat::new(Role::Team(TeamIx(0)), &session);
                (seat, Screen::new((100, 30)).expect("a screen"))
            })
            .collect();
        let mut first = Vec::new();
        for (seat, screen) in &mut seats {
            seat.sync(&session);
            screen.draw(&frames, &session, seat);
            first.push(screen.kept.expect("kept"));
        }
        assert_eq!(first[0], first[1]);
        session.tick(Duration::from_secs(120));
        let mut next = Vec::new();
        for (seat, screen) in &mut seats {
            seat.sync(&session);
            let bytes = screen.draw(&frames, &session, seat);
            next.push((bytes, screen.kept.expect("kept")));
        }
        assert_eq!(next[0], next[1]);
        assert_ne!(next[0].1, first[0]);
        assert!(frames.bytes(first[0], next[0].1).is_some());
        // Both screens show the one frame kept, not copies of it.
        assert!(Arc::ptr_eq(&seats[0].1.shown, &seats[1].1.shown));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Whatever the seats do, a seat that takes frames other seats kept is sent exactly the
        /// bytes it would have drawn alone, and is left in the same state: two seats of one
        /// team's user share, as do the facilitator's two; another team's seat never shows
        /// theirs; a seats dialog, whose idle times move with every key, is always its own.
        #[test]
        fn a_seat_sent_a_kept_frame_sees_what_it_would_have_drawn(
            steps in prop::collection::vec(step(), 1..40),
        ) {
            let recorder = MemoryRecorder::default();
            let (mut shared, mut alone) = (started(&recorder), started(&recorder));
            let roles = [
                Role::Team(TeamIx(0)),
                Role::Team(TeamIx(0)),
                Role::Team(TeamIx(1)),
                Role::Facilitator,
                Role::Facilitator,
            ];
            for session in [&mut shared, &mut alone] {
                // Shown with how long it has been connected, from the wall clock.
                session.seat_joined(SeatInfo {
                    id: 1,
                    user: "team-0".into(),
                    role: "team soc".into(),
                    address: "192.0.2.1".into(),
                    name: None,
                    since: Duration::ZERO,
                    last_key: Duration::ZERO,
                });
            }
            let mut seats: Vec<Twins> = roles
                .iter()
                .map(|&role| {
                    let mut seat = Seat::new(role, &shared);
                    let mut twin = Seat::new(role, &alone);
                    if let Role::Team(team) = role {
                        seat.evaluator = format!("team-{}", team.0);
                        twin.evaluator = seat.evaluator.clone();
                    }
                    Twins { seat, screen: Screen::new((100, 30)).expect("a screen"), twin, twin_terminal: terminal(100, 30) }
                })
                .collect();
            let frames = Frames::default();
            let mut wall = Duration::ZERO;
            let mut joined = 1;
            for step in steps {
                match step {
                    Step::Key(i, key, ms) => {
                        wall += Duration::from_millis(ms);
                        let seat = &mut seats[i];
                        seat.seat.handle_typed(&mut shared, Typed::Key(key), wall);
                        seat.twin.handle_typed(&mut alone, Typed::Key(key), wall);
                        // Its idle time starts again, as the server marks each key.
                        shared.seat_key(1);
                        alone.seat_key(1);
                    }
                    Step::Paste(i, text) => {
                        let seat = &mut seats[i];
                        seat.seat.handle_typed(&mut shared, Typed::Paste(text.clone()), wall);
                        seat.twin.handle_typed(&mut alone, Typed::Paste(text), wall);
                        shared.seat_key(1);
                        alone.seat_key(1);
                    }
                    Step::Tick(ms) => {
                        wall += Duration::from_millis(ms);
                        shared.tick(wall);
                        alone.tick(wall);
                    }
                    Step::Join => {
                        joined += 1;
                        for session in [&mut shared, &mut alone] {
                            session.seat_joined(SeatInfo {
                                id: joined,
                                user: "team-1".into(),
                                role: "team cert".into(),
                                address: "192.0.2.2".into(),
                                name: None,
                                since: wall,
                                last_key: wall,
                            });
                        }
                    }
                    Step::Resize(i, columns, rows) => {
                        let seat = &mut seats[i];
                        seat.screen.resize((columns, rows));
                        let _ = seat.twin_terminal.resize(Rect::new(0, 0, columns, rows));
                    }
                    Step::Draw(i) => {
                        let seat = &mut seats[i];
                        for (s, session) in [(&mut seat.seat, &shared), (&mut seat.twin, &alone)] {
                            s.sync(session);
                            s.settle_reading(session, wall);
                        }
                        if seat.seat.take_redraw() {
                            seat.screen.redraw_whole();
                        }
                        if seat.twin.take_redraw() {
                            redraw_whole_alone(&mut seat.twin_terminal);
                        }
                        let bytes = seat.screen.draw(&frames, &shared, &mut seat.seat);
                        let shown = Shown { session: &alone, seat: &seat.twin };
                        seat.twin_terminal.draw(|f| ui::draw_seat(f, shown)).expect("drawn");
                        let alone_bytes = take_bytes(&mut seat.twin_terminal);
                        prop_assert_eq!(
                            String::from_utf8_lossy(&bytes),
                            String::from_utf8_lossy(&alone_bytes)
                        );
                        prop_assert!(seat.seat == seat.twin, "the seat's state moved apart");
                    }
                }
            }
        }
    }

    #[test]
    fn a_seat_is_drawn_at_most_500_columns_by_200_rows() {
        assert_eq!(screen_size(100, 30), (100, 30));
        assert_eq!(screen_size(1000, 1000), (500, 200));
        assert_eq!(screen_size(u32::MAX, 30), (500, 30));
        assert_eq!(screen_size(0, 0), (1, 1));
        let cells = usize::from(MAX_COLUMNS) * usize::from(MAX_ROWS);
        assert!(2 * cells * size_of::<ratatui::buffer::Cell>() <= 9_600_000);
    }

    /// Seats redraw their clocks at moments spread over the second, however many join: any
    /// ten seats in a row fall in at least nine different tenths of it.
    #[test]
    fn seats_redraw_their_clocks_at_moments_spread_over_the_second() {
        for first in [1, 7, 100, 499] {
            let mut tenths: Vec<u128> = (first..first + 10)
                .map(|seat| clock_phase(seat).as_millis() / 100)
                .collect();
            tenths.sort_unstable();
            tenths.dedup();
            assert!(tenths.len() >= 9, "{first}: {tenths:?}");
        }
        assert!((1..1000).all(|seat| clock_phase(seat) < Duration::from_secs(1)));
    }
}
