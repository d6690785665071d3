//! What a connection holds until it is a seat. The listener gives it and the connection gives
//! it back, so it lives below both.

use tokio::sync::{OwnedSemaphorePermit, oneshot};

/// A connection's place among those waiting to log in, and the word to its watcher that it no
/// longer needs the grace time.
pub struct Waiting {
    _place: OwnedSemaphorePermit,
    seated: oneshot::Sender<()>,
}

impl Waiting {
    pub fn new(place: OwnedSemaphorePermit, seated: oneshot::Sender<()>) -> Waiting {
        Waiting {
            _place: place,
            seated,
        }
    }

    /// The connection shows its seat: its place goes to the next, its grace time ends.
    pub fn seated(self) {
        let _ = self.seated.send(());
    }
}
