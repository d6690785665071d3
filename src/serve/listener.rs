//! Taking connections from the open network: whoever connects gets a bounded share of the
//! server until it shows a seat. At most `MAX_WAITING` connections may be waiting (not yet a
//! seat) at once, at most `MAX_WAITING_PER_SOURCE` of them from one address, each for at most
//! the roster's login grace time; a failed accept (out of file
//! descriptors) is waited out, never the end of the server.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use russh::Disconnect;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot, watch};

use super::Shared;
use super::connection::Connection;
use super::waiting::{MAX_WAITING_PER_SOURCE, SourcePlace, Sources, Waiting};

/// Connections waiting to become a seat (logging in, typing a code) beyond this many are
/// closed as soon as they are taken: OpenSSH's `MaxStartups` ceiling.
const MAX_WAITING: usize = 100;

/// After a failed accept (no file descriptor left, the peer gone already), the wait before
/// the next: the descriptors come back as waiting connections time out.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Takes connections until `stop` says why the server stops.
pub async fn accept(
    listener: TcpListener,
    shared: Arc<Shared>,
    config: Arc<russh::server::Config>,
    mut stop: watch::Receiver<Option<String>>,
) {
    let waiting = Arc::new(Semaphore::new(MAX_WAITING));
    let sources = Sources::default();
    loop {
        let taken = tokio::select! {
            _ = stopping(&mut stop) => return,
            taken = listener.accept() => taken,
        };
        match taken {
            Ok((socket, peer)) => {
                let Ok(place) = Arc::clone(&waiting).try_acquire_owned() else {
                    shared.warn(&shared.turned_away, || {
                        format!(
                            "{MAX_WAITING} connections are waiting to log in: new ones are closed \
                             at once"
                        )
                    });
                    continue;
                };
                let Some(source) = sources.take(peer.ip()) else {
                    shared.warn(&shared.turned_away, || {
                        format!(
                            "{MAX_WAITING_PER_SOURCE} connections from {} are waiting to log in: \
                             new ones from there are closed at once",
                            peer.ip()
                        )
                    });
                    continue;
                };
                tokio::spawn(serve(
                    Arc::clone(&shared),
                    Arc::clone(&config),
                    socket,
                    peer,
                    (place, source),
                    stop.clone(),
                ));
            }
            Err(e) => {
                shared.warn(&shared.accept_failed, || {
                    format!("cannot take a connection ({e}); trying again")
                });
                tokio::time::sleep(ACCEPT_RETRY).await;
            }
        }
    }
}

/// One connection: closed when its grace time is over before it shows a seat, told to
/// disconnect when the server stops.
async fn serve(
    shared: Arc<Shared>,
    config: Arc<russh::server::Config>,
    socket: TcpStream,
    peer: SocketAddr,
    (place, source): (OwnedSemaphorePermit, SourcePlace),
    mut stop: watch::Receiver<Option<String>>,
) {
    let _ = socket.set_nodelay(true);
    let grace = tokio::time::sleep(shared.roster.login_grace);
    tokio::pin!(grace);
    let (seated, mut shown) = oneshot::channel();
    let (cut, cut_signal) = oneshot::channel();
    let connection = Connection::new(shared, peer, Waiting::new(place, source, seated));
    let socket = Cuttable {
        socket,
        cut: Cut::Possible(cut_signal),
    };
    // Until the client has sent its version line, the connection is only this future: dropping
    // it closes the socket.
    let session = tokio::select! {
        session = russh::server::run_stream(config, socket, connection) => match session {
            Ok(session) => session,
            Err(_) => return,
        },
        () = &mut grace => return,
        _ = stopping(&mut stop) => return,
    };
    let handle = session.handle();
    tokio::pin!(session);
    let mut cut = Some(cut);
    loop {
        tokio::select! {
            _ = &mut session => return,
            // Seated, or gone (then the session ends): either way, no grace time any more.
            _ = &mut shown, if cut.is_some() => cut = None,
            () = &mut grace, if cut.is_some() => {
                if let Some(cut) = cut.take() {
                    let _ = cut.send(());
                }
                return;
            }
            why = stopping(&mut stop) => {
                let _ = handle.disconnect(Disconnect::ByApplication, why, String::new()).await;
                return;
            }
        }
    }
}

/// Why the server stops, once it does.
async fn stopping(stop: &mut watch::Receiver<Option<String>>) -> String {
    match stop.wait_for(Option::is_some).await {
        Ok(why) => why.clone().unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// A connection's socket that can be cut: then reading ends and writing fails, so the session
/// ends and the descriptor is freed whatever the peer does (a session told to disconnect would
/// wait for the peer to close first).
struct Cuttable {
    socket: TcpStream,
    cut: Cut,
}

enum Cut {
    Possible(oneshot::Receiver<()>),
    Done,
    /// The connection became a seat; it is not cut any more.
    Never,
}

impl Cuttable {
    fn is_cut(&mut self, cx: &mut Context<'_>) -> bool {
        if let Cut::Possible(signal) = &mut self.cut {
            match Pin::new(signal).poll(cx) {
                Poll::Ready(Ok(())) => self.cut = Cut::Done,
                Poll::Ready(Err(_)) => self.cut = Cut::Never,
                Poll::Pending => {}
            }
        }
        matches!(self.cut, Cut::Done)
    }
}

fn cut_error() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "the login grace time is over")
}

impl AsyncRead for Cuttable {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.is_cut(cx) {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut self.socket).poll_read(cx, buf)
    }
}

impl AsyncWrite for Cuttable {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.is_cut(cx) {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut self.socket).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.is_cut(cx) {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut self.socket).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.is_cut(cx) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.socket).poll_shutdown(cx)
    }
}
