//! Frames shared between seats that show the same thing.
//!
//! A seat's frame is a pure function of the session and the seat's own state (`ui::draw_seat`).
//! When a hotline message reaches a team, its hundreds of seats mostly show the same inbox: the
//! first seat to draw keeps its frame here, and every seat whose state is equal to the one it
//! was drawn from takes that frame instead of drawing it again. Their previous frames are often
//! shared too (the same screen a clock tick ago), and then so are the bytes that turn one into
//! the other. Equality is of the whole seat (its role, its team, its user, every form and
//! draft), so a seat never receives what another role or team would see.
//!
//! Only the latest moment of the session is kept: any change of content, clock or read marks
//! (or of the wall clock, to a seat that shows it) empties the shelf. It is bounded (`MAX_CELLS`), so a room of seats that all differ
//! costs each seat a look at a few entries and a copy of its own frame.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::session::{Session, Versions};
use crate::tui::seat::Seat;

/// The cells the shelf holds at most, over all its frames: eight 160×48 screens, ~3 MB.
const MAX_CELLS: usize = 8 * 160 * 48;
/// The changes from frame to frame kept at most.
const MAX_CHANGES: usize = 32;

/// The session as a frame is drawn from it: two frames drawn at one moment from equal seats
/// are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Moment {
    versions: Versions,
    /// The wall clock, for a seat that shows it: every key moves it, so the others leave it out
    /// and share frames between keys.
    wall: Option<Duration>,
    read_marks: u64,
}

impl Moment {
    /// The moment at which `seat` draws from `session`.
    pub(super) fn of(session: &Session, seat: &Seat) -> Moment {
        Moment {
            versions: session.versions(),
            wall: seat.shows_wall().then(|| session.wall()),
            read_marks: session.read_marks(),
        }
    }
}

/// A frame kept for others: the seat as it was before drawing it, and after (drawing may move a
/// text field's view), and the cells drawn.
struct Kept {
    id: u64,
    before: Seat,
    after: Seat,
    buffer: Arc<Buffer>,
}

/// The bytes that turn kept frame `from` into kept frame `to` on a client's screen.
struct Change {
    from: u64,
    to: u64,
    bytes: Arc<[u8]>,
}

#[derive(Default)]
struct Shelf {
    moment: Option<Moment>,
    frames: Vec<Kept>,
    changes: Vec<Change>,
    next_id: u64,
}

impl Shelf {
    /// Forgets what another moment drew.
    fn at(&mut self, moment: Moment) -> &mut Shelf {
        if self.moment != Some(moment) {
            self.moment = Some(moment);
            self.frames.clear();
            self.changes.clear();
        }
        self
    }
}

#[derive(Default)]
pub(super) struct Frames(Mutex<Shelf>);

impl Frames {
    fn lock(&self) -> MutexGuard<'_, Shelf> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A frame drawn at `moment` from a seat equal to `seat`, at the same size: its id and
    /// cells, and `seat` made what drawing it made the other.
    pub(super) fn take(
        &self,
        moment: Moment,
        seat: &mut Seat,
        area: Rect,
    ) -> Option<(u64, Arc<Buffer>)> {
        let mut shelf = self.lock();
        let shelf = shelf.at(moment);
        let kept =
            (shelf.frames.iter()).find(|kept| kept.buffer.area == area && kept.before == *seat)?;
        seat.clone_from(&kept.after);
        Some((kept.id, Arc::clone(&kept.buffer)))
    }

    /// Keeps a frame drawn at `moment` from `before`; its id.
    pub(super) fn keep(
        &self,
        moment: Moment,
        before: Seat,
        after: &Seat,
        buffer: &Arc<Buffer>,
    ) -> u64 {
        let mut shelf = self.lock();
        let shelf = shelf.at(moment);
        shelf.next_id += 1;
        let id = shelf.next_id;
        let cells = buffer.content.len();
        if cells <= MAX_CELLS {
            let mut held: usize = shelf.frames.iter().map(|k| k.buffer.content.len()).sum();
            while held + cells > MAX_CELLS && !shelf.frames.is_empty() {
                held -= shelf.frames.remove(0).buffer.content.len();
            }
            shelf.frames.push(Kept {
                id,
                before,
                after: after.clone(),
                buffer: Arc::clone(buffer),
            });
        }
        id
    }

    /// The bytes kept for turning frame `from` into frame `to`.
    pub(super) fn bytes(&self, from: u64, to: u64) -> Option<Arc<[u8]>> {
        let shelf = self.lock();
        (shelf.changes.iter())
            .find(|change| (change.from, change.to) == (from, to))
            .map(|change| Arc::clone(&change.bytes))
    }

    /// Keeps the bytes that turned frame `from` into frame `to` (drawn at the shelf's moment).
    pub(super) fn keep_bytes(&self, from: u64, to: u64, bytes: &[u8]) {
        let mut shelf = self.lock();
        if shelf.changes.len() >= MAX_CHANGES {
            shelf.changes.remove(0);
        }
        shelf.changes.push(Change {
            from,
            to,
            bytes: bytes.into(),
        });
    }
}
