//! `ttx serve`: one exercise, served over SSH, a screen per seat.
//!
//! ```text
//!  ssh us@host ─┐  bytes → Decoder → Key ─┐            ┌→ Seat(us) → ratatui → bytes → ssh us@host
//!  ssh cn@host ─┤                         ├→ Session ──┤→ Seat(cn) → ...
//!  local console┘   (one lock; commands,  ┘  version   └→ Seat(console) on this terminal
//!                    journal, clock)          (watch)
//! ```
//!
//! One `Session` behind a read-write lock owns the exercise, clock and journal; every seat's keys
//! run through it, and after every change it publishes its versions on a `watch` channel (latest
//! value only): the content's, the staff's (what only the facilitator's views show: the log, the
//! seats; a team's seat does not redraw for it), and the clock's. Each seat's render task draws
//! its own view into a frame of bytes and sends it on its own key or resize and on a new content
//! at once, and on the clock moving on at most once a second, at its own moment of the second,
//! so a key never waits behind every seat's clock; while a slow client's frame is in flight,
//! newer versions collapse into one, so it gets the latest screen, never a queue.

mod connection;
mod frames;
pub mod input;
mod listener;
mod local;
pub mod roster;
mod waiting;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use russh::keys::HashAlg;
use tokio::sync::watch;

use crate::engine::{Event, Exercise};
use crate::session::{Recorder, Session, Versions};
use roster::Roster;

/// After this many failed logins from one address within `FAILURE_WINDOW`, the address is
/// refused for the rest of the window.
const MAX_FAILURES: usize = 5;
const FAILURE_WINDOW: Duration = Duration::from_secs(60);

/// A warning that an attack can repeat thousands of times a second is said at most this often.
const WARN_EVERY: Duration = Duration::from_secs(60);

pub struct Options {
    pub listen: SocketAddr,
    pub roster: Option<PathBuf>,
    pub host_key: PathBuf,
    pub headless: bool,
    /// How a headless server prints its address, fingerprint and join codes: the command
    /// line's standard output.
    pub print: fn(&str) -> Result<(), String>,
}

/// What every connection shares: the session, its change signal, the roster.
pub struct Shared {
    session: RwLock<Session>,
    changes: watch::Sender<Versions>,
    /// Tells every seat to say goodbye and close.
    closing: watch::Sender<Option<Goodbye>>,
    /// Headless, a facilitator seat that quits after the end closes the server, as `q` on the
    /// console does; with a console, the console does. Each seat is told (`Seat::quit_closes`).
    headless: bool,
    facilitator_quit: tokio::sync::Notify,
    origin: Instant,
    roster: Roster,
    failures: Mutex<HashMap<IpAddr, Vec<Instant>>>,
    next_seat: AtomicU64,
    turned_away: Rarely,
    accept_failed: Rarely,
    /// Frames drawn at the session's latest moment, for seats that show the same.
    frames: frames::Frames,
}

/// What a closing server says to each seat: the facilitator's seats are told why and what to
/// type; the others, in participants' words, what happens to them, never a command.
#[derive(Debug, Clone, PartialEq)]
pub struct Goodbye {
    pub staff: String,
    pub participants: String,
}

impl Goodbye {
    /// The goodbyes for `why` (the facilitator's words), as the exercise stands: ended, or to be
    /// resumed.
    fn new(why: String, ended: bool) -> Goodbye {
        let participants = if ended {
            "the exercise has ended; thank you. The facilitator leads the debrief from here."
        } else {
            "the facilitator is restarting the exercise; reconnect in a minute with the same ssh \
             command. Everything your team sent is kept."
        };
        Goodbye {
            staff: why,
            participants: participants.into(),
        }
    }

    /// What a seat of `role` is told.
    pub fn to(&self, role: crate::role::Role) -> &str {
        if role.runs_exercise() {
            &self.staff
        } else {
            &self.participants
        }
    }
}

/// When a warning was last said in the console's log.
#[derive(Default)]
struct Rarely(Mutex<Option<Instant>>);

impl Rarely {
    /// Whether to say it now; if so, the next time is a minute away.
    fn due(&self) -> bool {
        let mut last = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let due = last.is_none_or(|t| now.duration_since(t) >= WARN_EVERY);
        if due {
            *last = Some(now);
        }
        due
    }
}

impl Shared {
    fn new(session: Session, roster: Roster, headless: bool) -> Self {
        Shared {
            changes: watch::Sender::new(session.versions()),
            closing: watch::Sender::new(None),
            headless,
            facilitator_quit: tokio::sync::Notify::new(),
            session: RwLock::new(session),
            origin: Instant::now(),
            roster,
            failures: Mutex::new(HashMap::new()),
            next_seat: AtomicU64::new(1),
            turned_away: Rarely::default(),
            frames: frames::Frames::default(),
            accept_failed: Rarely::default(),
        }
    }

    /// Says a warning about the server in the console's log, unless it was said lately.
    fn warn(&self, rarely: &Rarely, line: impl FnOnce() -> String) {
        if rarely.due() {
            self.with_session(|s| s.note_server(format!("server: {}", line())));
        }
    }

    /// The session, to read (many seats draw at once). A seat that panicked while holding it
    /// leaves the exercise as the last command left it, which is consistent: go on with it.
    fn lock(&self) -> RwLockReadGuard<'_, Session> {
        self.session
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The session, to change: one seat at a time.
    fn write(&self) -> RwLockWriteGuard<'_, Session> {
        self.session
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn wall(&self) -> Duration {
        self.origin.elapsed()
    }

    /// Runs `f` on the session and tells every seat if anything changed.
    fn with_session<R>(&self, f: impl FnOnce(&mut Session) -> R) -> R {
        let (result, version) = {
            let mut session = self.write();
            let result = f(&mut session);
            (result, session.versions())
        };
        self.changes.send_if_modified(|v| {
            let changed = *v != version;
            *v = version;
            changed
        });
        result
    }

    /// Whether `address` has failed too often lately.
    fn is_blocked(&self, address: IpAddr) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let list = failures.entry(address).or_default();
        list.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
        list.len() >= MAX_FAILURES
    }

    fn failed(&self, address: IpAddr) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.entry(address).or_default().push(Instant::now());
    }
}

/// Serves `exercise` until the facilitator quits (the local console, or headless a facilitator
/// seat after the end), or the process is told to stop; whether the exercise ended. `history`
/// and `seats` are what the journal already holds.
pub fn serve(
    exercise: Exercise,
    history: &[Event],
    debrief: crate::debrief::Debrief,
    recorder: Box<dyn Recorder>,
    report_dir: PathBuf,
    options: Options,
) -> Result<bool, String> {
    let key = crate::host_key::load_or_create(&options.host_key)?;
    let fingerprint = key.public_key().fingerprint(HashAlg::Sha256).to_string();
    let scenario = Arc::clone(exercise.scenario());
    let roster = match &options.roster {
        Some(path) => {
            let source = std::fs::read_to_string(path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            Roster::parse(&path.display().to_string(), &source, &scenario).map_err(|errors| {
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            })?
        }
        None => Roster::generated(&scenario, options.headless)?,
    };
    let exposed = options
        .roster
        .as_deref()
        .and_then(|path| readable_by_others(path, &roster));
    let mut session = Session::new(exercise, recorder, report_dir).with_debrief(debrief);
    session.log_events(history);
    if let Some(warning) = exposed {
        eprintln!("ttx: {warning}");
        session.note_server(warning);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let shared = Arc::new(Shared::new(session, roster, options.headless));
    let result = runtime.block_on(run(Arc::clone(&shared), key, fingerprint, options));
    runtime.shutdown_timeout(Duration::from_secs(1));
    result.map(|()| shared.lock().exercise().ended_at().is_some())
}

async fn run(
    shared: Arc<Shared>,
    key: russh::keys::PrivateKey,
    fingerprint: String,
    options: Options,
) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
    let config = Arc::new(russh::server::Config {
        // An exercise may pause for longer than any idle timeout: keepalives find dead peers.
        inactivity_timeout: None,
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 4,
        auth_rejection_time: Duration::from_millis(500),
        auth_rejection_time_initial: Some(Duration::ZERO),
        max_auth_attempts: 6,
        methods: russh::MethodSet::from(
            &[
                russh::MethodKind::PublicKey,
                russh::MethodKind::Password,
                russh::MethodKind::KeyboardInteractive,
            ][..],
        ),
        keys: vec![key],
        nodelay: true,
        ..Default::default()
    });
    let intro = introduction(&shared, address, &fingerprint);
    let codes = shared
        .roster
        .seats
        .iter()
        .filter_map(|seat| seat.code.clone().map(|code| (seat.user.clone(), code)))
        .collect();
    shared.with_session(|s| {
        s.note_server(intro[0].clone());
        s.note_server(intro[1].clone());
        s.set_serving(crate::session::Serving {
            address: address.to_string(),
            fingerprint: fingerprint.clone(),
            codes,
        });
    });
    if options.headless {
        (options.print)(&format!("{}\n", intro.join("\n")))?;
    }
    let (stop, stopping) = watch::channel(None);
    let mut accepting = tokio::spawn(listener::accept(
        listener,
        Arc::clone(&shared),
        config,
        stopping,
    ));
    let ticker = tokio::spawn(tick(Arc::clone(&shared)));
    let body = async {
        if options.headless {
            Ok(wait_for_close(&shared).await)
        } else {
            let console = Arc::clone(&shared);
            let fingerprint = fingerprint.clone();
            match tokio::task::spawn_blocking(move || local::run(console, address, &fingerprint))
                .await
            {
                Ok(Ok(local::Closed::Quit)) => {
                    Ok("the facilitator closed the exercise".to_string())
                }
                Ok(Ok(local::Closed::Signal(signal))) => Ok(format!(
                    "the server was stopped ({}); `ttx resume JOURNAL --serve` brings everyone back",
                    crate::tui::signal_name(signal)
                )),
                Ok(Err(e)) => Err(e),
                Err(e) => Err(e.to_string()),
            }
        }
    };
    // Taking connections ends only when the server stops, or if its task panicked.
    let outcome = tokio::select! {
        stopped = &mut accepting => Err(match stopped {
            Ok(()) => "the server stopped".to_string(),
            Err(e) => format!("the server stopped: {e}"),
        }),
        outcome = body => outcome,
    };
    ticker.abort();
    let why = match &outcome {
        Ok(why) | Err(why) => why.clone(),
    };
    finish(&shared, &stop, why).await;
    outcome.map(|_| ())
}

/// Records a clock checkpoint, tells every seat why it is closing, and stops the server: no
/// more connections, and every one told to disconnect.
async fn finish(shared: &Shared, stop: &watch::Sender<Option<String>>, why: String) {
    let ended = shared.with_session(|s| {
        s.log_held_refusal();
        s.checkpoint();
        s.exercise().ended_at().is_some()
    });
    shared
        .closing
        .send_replace(Some(Goodbye::new(why.clone(), ended)));
    // Let the seats' goodbyes go out before the connections close.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.send_replace(Some(why));
    // And the disconnections before the runtime stops.
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// A warning if the roster file holds join codes that other users of this machine may read.
#[cfg(unix)]
fn readable_by_others(path: &Path, roster: &Roster) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    let codes = roster.seats.iter().any(|seat| seat.code.is_some());
    (codes && mode & 0o077 != 0).then(|| {
        format!(
            "warning: {} holds join codes and other users of this machine may read it (mode \
             {mode:04o}): chmod 600 {}",
            path.display(),
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn readable_by_others(_: &Path, _: &Roster) -> Option<String> {
    None
}

/// What the facilitator needs to let people in: where, the host key, the join codes.
fn introduction(shared: &Shared, address: SocketAddr, fingerprint: &str) -> Vec<String> {
    let mut lines = vec![
        format!("listening on {address}"),
        format!("host key {fingerprint}"),
    ];
    for seat in &shared.roster.seats {
        if let Some(code) = &seat.code {
            lines.push(format!("join code for {}: {code}", seat.user));
        }
    }
    lines
}

/// Ticks the shared clock while it runs; idle, it waits for a change (a start, a resume).
async fn tick(shared: Arc<Shared>) {
    let mut changes = shared.changes.subscribe();
    loop {
        let wait = {
            let session = shared.lock();
            session
                .wants_ticks()
                .then(|| session.next_tick_in(shared.wall()))
        };
        match wait {
            Some(wait) => tokio::time::sleep(wait).await,
            None => {
                if changes.changed().await.is_err() {
                    return;
                }
                continue;
            }
        }
        let wall = shared.wall();
        shared.with_session(|s| s.tick(wall));
    }
}

/// Headless: runs until the process is told to stop, or a facilitator seat quits after the
/// end. The end itself closes nothing: the seats then fill in the Participant Feedback Form and
/// the debrief goes on, as on the console, until the facilitator closes it.
async fn wait_for_close(shared: &Shared) -> String {
    let closed = async {
        shared.facilitator_quit.notified().await;
        "the facilitator closed the exercise".to_string()
    };
    let signal = async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {}
                        _ = term.recv() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        if shared.lock().exercise().ended_at().is_some() {
            "the server was stopped; the exercise had ended".to_string()
        } else {
            "the server was stopped; `ttx resume JOURNAL --serve` brings everyone back".to_string()
        }
    };
    tokio::select! {
        why = closed => why,
        why = signal => why,
    }
}
