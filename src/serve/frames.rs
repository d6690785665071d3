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
//! The shelf is bounded: at most `MAX_FRAMES` frames and `MAX_CELLS` cells (a small window
//! counts as a whole screen), and `MAX_CHANGES` byte strings of at most `MAX_CHANGE_BYTES` in
//! all; the oldest go first. A frame kept at another moment is never taken, and soon pushed out.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::session::{Session, Versions};
use crate::tui::seat::Seat;

/// The frames kept at most: each holds two copies of the seat state it was drawn from.
const MAX_FRAMES: usize = 16;
/// The cells the kept frames hold at most, over all of them: eight 160×48 screens, ~3 MB.
const MAX_CELLS: usize = 8 * 160 * 48;
/// What a frame counts at least against `MAX_CELLS`: an 80×24 screen.
const MIN_CELLS: usize = 80 * 24;
/// The changes from frame to frame kept at most, and their bytes in all.
const MAX_CHANGES: usize = 32;
const MAX_CHANGE_BYTES: usize = 1 << 20;

/// The session as a seat's frame is drawn from it: two frames drawn at one moment from equal
/// seats are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Moment {
    versions: Versions,
    /// How many inbox items the seat's user has opened: its "new" marks.
    read_marks: usize,
}

impl Moment {
    /// The moment at which `seat` draws from `session`, if its frame may be shared: a seat that
    /// shows the wall clock (the seats dialog: how long each seat has been connected and idle)
    /// shows what moves with every key and every second, and draws alone.
    pub(super) fn of(session: &Session, seat: &Seat) -> Option<Moment> {
        if seat.shows_wall() {
            return None;
        }
        let mut versions = session.versions();
        // Seats joining and leaving while a message fans out must not stop a team's seats
        // sharing: they draw nothing of the staff's.
        if !seat.role.sees_staff() {
            versions.staff = 0;
        }
        Some(Moment {
            versions,
            read_marks: session.read_marks(seat.reader()),
        })
    }
}

/// A frame kept for others: the seat as it was before drawing it, and after (drawing may move a
/// text field's view), and the cells drawn.
struct Kept {
    moment: Moment,
    id: u64,
    before: Seat,
    after: Seat,
    buffer: Arc<Buffer>,
}

impl Kept {
    fn cells(&self) -> usize {
        self.buffer.content.len().max(MIN_CELLS)
    }
}

/// The bytes that turn kept frame `from` into kept frame `to` on a client's screen.
struct Change {
    from: u64,
    to: u64,
    bytes: Arc<[u8]>,
}

#[derive(Default)]
struct Shelf {
    frames: VecDeque<Kept>,
    cells: usize,
    changes: VecDeque<Change>,
    change_bytes: usize,
    next_id: u64,
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
        let shelf = self.lock();
        let kept = (shelf.frames.iter()).find(|kept| {
            kept.moment == moment && kept.buffer.area == area && kept.before == *seat
        })?;
        seat.clone_from(&kept.after);
        Some((kept.id, Arc::clone(&kept.buffer)))
    }

    /// Keeps a frame drawn at `moment` from `before`, leaving the seat `after`: its id, unless
    /// it is too big to keep.
    pub(super) fn keep(
        &self,
        moment: Moment,
        before: Seat,
        after: &Seat,
        buffer: &Arc<Buffer>,
    ) -> Option<u64> {
        let mut shelf = self.lock();
        let kept = Kept {
            moment,
            id: shelf.next_id + 1,
            before,
            after: after.clone(),
            buffer: Arc::clone(buffer),
        };
        let cells = kept.cells();
        if cells > MAX_CELLS {
            return None;
        }
        while shelf.frames.len() >= MAX_FRAMES || shelf.cells + cells > MAX_CELLS {
            let Some(old) = shelf.frames.pop_front() else {
                break;
            };
            shelf.cells -= old.cells();
        }
        shelf.next_id = kept.id;
        shelf.cells += cells;
        shelf.frames.push_back(kept);
        Some(shelf.next_id)
    }

    /// The bytes kept for turning frame `from` into frame `to`.
    pub(super) fn bytes(&self, from: u64, to: u64) -> Option<Arc<[u8]>> {
        let shelf = self.lock();
        (shelf.changes.iter())
            .find(|change| (change.from, change.to) == (from, to))
            .map(|change| Arc::clone(&change.bytes))
    }

    /// Keeps the bytes that turned kept frame `from` into kept frame `to`.
    pub(super) fn keep_bytes(&self, from: u64, to: u64, bytes: &[u8]) {
        if bytes.len() > MAX_CHANGE_BYTES {
            return;
        }
        let mut shelf = self.lock();
        while shelf.changes.len() >= MAX_CHANGES
            || shelf.change_bytes + bytes.len() > MAX_CHANGE_BYTES
        {
            let Some(old) = shelf.changes.pop_front() else {
                break;
            };
            shelf.change_bytes -= old.bytes.len();
        }
        shelf.change_bytes += bytes.len();
        shelf.changes.push_back(Change {
            from,
            to,
            bytes: bytes.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::Role;
    use crate::scenario::TeamIx;
    use crate::session::testing::{MemoryRecorder, session};

    /// However many frames seats keep, and however small their windows, the shelf holds at most
    /// `MAX_FRAMES` of them, the newest.
    #[test]
    fn the_shelf_keeps_at_most_its_bound_of_frames_the_newest() {
        let recorder = MemoryRecorder::default();
        let session = session(&recorder);
        let mut seat = Seat::new(Role::Team(TeamIx(0)), &session);
        let moment = Moment::of(&session, &seat).expect("a team's seat shares");
        let frames = Frames::default();
        let mut ids = Vec::new();
        for n in 0..1000 {
            seat.flash = Some(format!("state {n}"));
            let buffer = Arc::new(Buffer::empty(Rect::new(0, 0, 1, 1)));
            ids.push(
                frames
                    .keep(moment, seat.clone(), &seat, &buffer)
                    .expect("kept"),
            );
        }
        let shelf = frames.lock();
        assert_eq!(shelf.frames.len(), MAX_FRAMES);
        assert_eq!(shelf.cells, MAX_FRAMES * MIN_CELLS);
        assert_eq!(shelf.frames.back().map(|k| k.id), ids.last().copied());
        drop(shelf);
        let area = Rect::new(0, 0, 1, 1);
        assert!(frames.take(moment, &mut seat, area).is_some());
        seat.flash = Some("state 0".into());
        assert!(frames.take(moment, &mut seat, area).is_none());
    }

    /// The seats dialog shows idle times that move with any seat's key, which no moment counts:
    /// a seat showing it never shares its frame.
    #[test]
    fn a_seat_showing_the_seats_dialog_draws_alone() {
        let recorder = MemoryRecorder::default();
        let mut session = session(&recorder);
        let mut seat = Seat::new(Role::Facilitator, &session);
        assert!(Moment::of(&session, &seat).is_some());
        let key = crate::tui::key::Typed::Key(crate::tui::key::Key::Char('s'));
        seat.handle_typed(&mut session, key, std::time::Duration::ZERO);
        assert!(seat.shows_wall());
        assert_eq!(Moment::of(&session, &seat), None);
    }

    /// A frame bigger than the whole shelf is drawn, sent and not kept.
    #[test]
    fn a_frame_bigger_than_the_shelf_is_not_kept() {
        let recorder = MemoryRecorder::default();
        let session = session(&recorder);
        let seat = Seat::new(Role::Team(TeamIx(0)), &session);
        let moment = Moment::of(&session, &seat).expect("a team's seat shares");
        let huge = Arc::new(Buffer::empty(Rect::new(0, 0, 500, 200)));
        const { assert!(MAX_CELLS < 500 * 200) };
        assert_eq!(
            Frames::default().keep(moment, seat.clone(), &seat, &huge),
            None
        );
    }
}
