//! What is due and when: a priority queue of releases and deadlines, so that advancing the clock
//! costs the items that fall due, not a scan of every inject.
//!
//! Items are never removed when they stop mattering (an inject released by hand, an expectation
//! done before its deadline); the exercise checks each one as it comes due and drops the stale
//! ones. That keeps the agenda a cache of the state, so a replay rebuilds it by applying events.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::event::ExpectationIx;
use crate::scenario::{InjectIx, Secs};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    /// An `At` trigger fires (its chance and jitter are drawn then).
    Fire(InjectIx),
    /// A scheduled inject is released.
    Release(InjectIx),
    Deadline(ExpectationIx),
}

impl Due {
    /// At one instant, releases come before deadlines (the spec's "one instant, in order").
    pub(super) fn phase(&self) -> u8 {
        match self {
            Due::Fire(_) | Due::Release(_) => 0,
            Due::Deadline(_) => 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    at: Secs,
    phase: u8,
    /// Releases due at one instant happen in inject file order (Precise rule 16).
    inject: usize,
    /// Insertion order breaks ties, so equal items come out in the order they were planned.
    seq: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Agenda {
    /// The `At` triggers, planned all at once at the start, in the order they come due, taken
    /// from `next_planned` on. Kept out of the heap, most of a big exercise's items: every pop
    /// sifts through the heap, and a heap of thousands of items no longer fits the cache.
    planned: Vec<(Key, Due)>,
    next_planned: usize,
    /// Everything planned as the exercise goes (releases, deadlines).
    heap: BinaryHeap<Reverse<(Key, Due)>>,
    next_seq: u64,
    /// Format 2: releases due at one instant in inject file order; format 1: in the order
    /// they were planned.
    file_order: bool,
}

/// How far a pass over the agenda may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    /// Everything before `T` and the releases at `T`; deadlines at `T` wait.
    ReleasesAt(Secs),
    /// Everything at or before `T`.
    Through(Secs),
    Everything,
}

impl Agenda {
    /// An agenda with `fires`, the `At` triggers, planned.
    pub fn new(file_order: bool, fires: impl IntoIterator<Item = (Secs, InjectIx)>) -> Self {
        let mut agenda = Agenda {
            file_order,
            ..Agenda::default()
        };
        agenda.planned = fires
            .into_iter()
            .map(|(at, inject)| {
                let due = Due::Fire(inject);
                (agenda.key(at, due), due)
            })
            .collect();
        agenda.planned.sort_unstable();
        agenda
    }

    /// The next item's place, the order it is planned in breaking ties.
    fn key(&mut self, at: Secs, due: Due) -> Key {
        let key = Key {
            at,
            phase: due.phase(),
            inject: match due {
                Due::Fire(inject) | Due::Release(inject) if self.file_order => inject.0,
                _ => 0,
            },
            seq: self.next_seq,
        };
        self.next_seq += 1;
        key
    }

    pub fn push(&mut self, at: Secs, due: Due) {
        let key = self.key(at, due);
        self.heap.push(Reverse((key, due)));
    }

    /// The first item: the first planned or the top of the heap, whichever comes first; `true`
    /// when it is the planned one.
    fn first(&self) -> Option<(&(Key, Due), bool)> {
        let planned = self.planned.get(self.next_planned);
        let heap = self.heap.peek().map(|Reverse(item)| item);
        match (planned, heap) {
            (Some(planned), Some(heap)) if heap < planned => Some((heap, false)),
            (Some(planned), _) => Some((planned, true)),
            (None, heap) => heap.map(|item| (item, false)),
        }
    }

    pub fn peek(&self) -> Option<(Secs, Due)> {
        self.first().map(|((key, due), _)| (key.at, *due))
    }

    /// Takes the first item off the agenda.
    fn pop(&mut self) {
        match self.first() {
            Some((_, true)) => self.next_planned += 1,
            Some((_, false)) => {
                self.heap.pop();
            }
            None => {}
        }
    }

    /// The next item within the horizon, taken off the agenda.
    pub fn pop_within(&mut self, horizon: Horizon) -> Option<(Secs, Due)> {
        let (at, due) = self.peek()?;
        let within = match horizon {
            Horizon::ReleasesAt(t) => at < t || (at == t && due.phase() == 0),
            Horizon::Through(t) => at <= t,
            Horizon::Everything => true,
        };
        if within {
            self.pop();
            Some((at, due))
        } else {
            None
        }
    }

    /// Drops stale items from the top, so that `peek` shows what really comes next.
    pub fn prune(&mut self, is_live: impl Fn(Secs, Due) -> bool) {
        while let Some((at, due)) = self.peek() {
            if is_live(at, due) {
                break;
            }
            self.pop();
        }
    }

    pub fn is_empty(&self) -> bool {
        self.next_planned == self.planned.len() && self.heap.is_empty()
    }
}
