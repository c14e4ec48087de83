//! The generator's connections: opening them from several loopback source addresses (one
//! address's ephemeral ports run out near 28,000 connections), counting those open against the
//! cap, and one request–answer exchange on a keep-alive connection.

use crate::response::{Response, ResponseReader};
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// What a connection reads into at a time; a page's body passes through it and is dropped.
const READ_SIZE: usize = 8 * 1024;

/// Why an exchange failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The generator could not make a socket (file descriptors or source ports ran out): the
    /// request never left, which is the generator's shortfall, not the server's.
    Local,
    Refused,
    Reset,
    /// The server closed the connection before the answer was whole.
    Closed,
    /// The connection failed before a byte of the answer came: on a kept-alive connection the
    /// server may have let it go idle-closed, and the request deserves a fresh connection.
    ClosedBeforeAnswer,
    InvalidAnswer,
    Io,
}

impl Failure {
    /// The name the report counts this failure under.
    pub fn name(self) -> &'static str {
        match self {
            Failure::Local => "local",
            Failure::Refused => "refused",
            Failure::Reset => "reset",
            Failure::Closed | Failure::ClosedBeforeAnswer => "closed",
            Failure::InvalidAnswer => "invalid_answer",
            Failure::Io => "io",
        }
    }

    fn of(error: &std::io::Error) -> Failure {
        match error.kind() {
            ErrorKind::ConnectionRefused => Failure::Refused,
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
                Failure::Reset
            }
            ErrorKind::UnexpectedEof => Failure::Closed,
            _ => Failure::Io,
        }
    }
}

/// One open connection and the bytes read from it not yet consumed.
pub struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
    slot: Slot,
}

/// A place among the connections the generator may hold open; given back when dropped.
pub struct Slot {
    open: Arc<AtomicUsize>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Opens the generator's connections to one server and counts those open.
pub struct Dialer {
    server: SocketAddr,
    /// The source addresses new connections take in turn; empty for a server off loopback, which
    /// a loopback source cannot reach.
    sources: Vec<Ipv4Addr>,
    next_source: AtomicUsize,
    open: Arc<AtomicUsize>,
    peak: AtomicUsize,
    opened: AtomicUsize,
}

impl Dialer {
    /// A dialer to `server` spreading its connections over 127.0.0.1 to 127.0.0.`sources`.
    pub fn new(server: SocketAddr, sources: u8) -> Dialer {
        let sources = if server.ip().is_loopback() && server.is_ipv4() {
            (1..=sources.max(1))
                .map(|last| Ipv4Addr::new(127, 0, 0, last))
                .collect()
        } else {
            Vec::new()
        };
        Dialer {
            server,
            sources,
            next_source: AtomicUsize::new(0),
            open: Arc::new(AtomicUsize::new(0)),
            peak: AtomicUsize::new(0),
            opened: AtomicUsize::new(0),
        }
    }

    /// A slot for a new connection, or `None` when `max` are open already.
    pub fn reserve(&self, max: usize) -> Option<Slot> {
        let now = self
            .open
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |open| {
                (open < max).then_some(open + 1)
            })
            .ok()?
            + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
        Some(Slot {
            open: self.open.clone(),
        })
    }

    /// A slot whatever the cap: for the probes' and the metrics' own connections.
    pub fn reserve_beyond_cap(&self) -> Slot {
        self.reserve(usize::MAX).expect("no cap")
    }

    /// Connections open now, the most open at once, and those opened in all.
    pub fn counts(&self) -> (usize, usize, usize) {
        (
            self.open.load(Ordering::Relaxed),
            self.peak.load(Ordering::Relaxed),
            self.opened.load(Ordering::Relaxed),
        )
    }

    /// Opens a connection in `slot`, from the next source address in turn.
    pub async fn connect(&self, slot: Slot) -> Result<Connection, Failure> {
        let socket = match self.server.ip() {
            IpAddr::V4(_) => TcpSocket::new_v4(),
            IpAddr::V6(_) => TcpSocket::new_v6(),
        }
        .map_err(|_| Failure::Local)?;
        if !self.sources.is_empty() {
            let turn = self.next_source.fetch_add(1, Ordering::Relaxed);
            let source = self.sources[turn % self.sources.len()];
            socket
                .bind(SocketAddr::from((source, 0)))
                .map_err(|_| Failure::Local)?;
        }
        self.opened.fetch_add(1, Ordering::Relaxed);
        let stream = socket
            .connect(self.server)
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::AddrInUse | ErrorKind::AddrNotAvailable => Failure::Local,
                _ => Failure::of(&error),
            })?;
        // One write per request: nothing for Nagle's algorithm to gather, only a delay to add.
        let _ = stream.set_nodelay(true);
        Ok(Connection {
            stream,
            buffer: Vec::with_capacity(READ_SIZE),
            slot,
        })
    }
}

impl Connection {
    /// The connection's slot, for a new connection in its place.
    pub fn into_slot(self) -> Slot {
        self.slot
    }

    /// Sends `request` and reads its answer whole (keeping the body if `keep_body`).
    pub async fn exchange(&mut self, request: &[u8], keep_body: bool) -> Result<Response, Failure> {
        // Bytes the server sent beyond its last answer belong to no request of ours.
        self.buffer.clear();
        if self.stream.write_all(request).await.is_err() {
            return Err(Failure::ClosedBeforeAnswer);
        }
        let mut reader = ResponseReader::new(keep_body);
        let mut received = false;
        loop {
            if self.buffer.capacity() - self.buffer.len() < READ_SIZE / 4 {
                self.buffer.reserve(READ_SIZE);
            }
            let read = match self.stream.read_buf(&mut self.buffer).await {
                Ok(read) => read,
                Err(error) => {
                    return Err(match Failure::of(&error) {
                        Failure::Reset if !received => Failure::ClosedBeforeAnswer,
                        failure => failure,
                    });
                }
            };
            if read == 0 {
                return match reader.finish_at_close() {
                    Some(response) => Ok(response),
                    None if received => Err(Failure::Closed),
                    None => Err(Failure::ClosedBeforeAnswer),
                };
            }
            received = true;
            match reader.feed(&mut self.buffer) {
                Ok(Some(response)) => return Ok(response),
                Ok(None) => {}
                Err(_) => return Err(Failure::InvalidAnswer),
            }
        }
    }
}
