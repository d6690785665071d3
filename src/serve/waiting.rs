//! What a connection holds until it is a seat. The listener gives it and the connection gives
//! it back, so it lives below both.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, oneshot};

/// How many connections from one address may wait to log in at once: a share of the places
/// (`MAX_WAITING` in the listener), so that one source cannot hold them all and shut everyone
/// else out, yet large enough for an office of participants behind one address logging in
/// together.
pub const MAX_WAITING_PER_SOURCE: usize = 32;

/// Connections waiting to log in, counted by the address they come from.
#[derive(Default, Clone)]
pub struct Sources(Arc<Mutex<HashMap<IpAddr, usize>>>);

impl Sources {
    /// A place for one more connection from `address`; none when it already holds its share.
    pub fn take(&self, address: IpAddr) -> Option<SourcePlace> {
        let mut counts = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let count = counts.entry(address).or_default();
        if *count >= MAX_WAITING_PER_SOURCE {
            return None;
        }
        *count += 1;
        Some(SourcePlace {
            sources: self.clone(),
            address,
        })
    }
}

/// One waiting connection's part of its address's share, given back when dropped (an address
/// with none left is forgotten, so the map holds only addresses with someone waiting).
pub struct SourcePlace {
    sources: Sources,
    address: IpAddr,
}

impl Drop for SourcePlace {
    fn drop(&mut self) {
        let mut counts = self.sources.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = counts.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.address);
            }
        }
    }
}

/// A connection's place among those waiting to log in (and in its address's share), and the
/// word to its watcher that it no longer needs the grace time.
pub struct Waiting {
    _place: OwnedSemaphorePermit,
    _source: SourcePlace,
    seated: oneshot::Sender<()>,
}

impl Waiting {
    pub fn new(
        place: OwnedSemaphorePermit,
        source: SourcePlace,
        seated: oneshot::Sender<()>,
    ) -> Waiting {
        Waiting {
            _place: place,
            _source: source,
            seated,
        }
    }

    /// The connection shows its seat: its places go to the next, its grace time ends.
    pub fn seated(self) {
        let _ = self.seated.send(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_holds_at_most_its_share_and_gives_it_back() {
        let sources = Sources::default();
        let one: IpAddr = [192, 0, 2, 1].into();
        let other: IpAddr = [192, 0, 2, 2].into();
        let held: Vec<SourcePlace> = (0..MAX_WAITING_PER_SOURCE)
            .map(|_| sources.take(one).expect("a place within the share"))
            .collect();
        assert!(sources.take(one).is_none());
        assert!(sources.take(other).is_some());
        drop(held);
        assert!(sources.0.lock().unwrap().is_empty());
        assert!(sources.take(one).is_some());
    }
}
