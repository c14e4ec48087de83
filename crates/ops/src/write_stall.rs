//! A connection whose writes fail once the client has taken no byte for a while: a client that
//! asks for answers and never reads them would otherwise hold its connection, and its place under
//! the connection bound, for good, as hyper has no deadline on writing (the header deadline runs
//! only while a request is read, and the request timeout ends when the answer is made, not sent).
//!
//! A wrapper around the socket rather than a timeout around the connection: a slow reader that
//! still takes bytes, a live stream that writes an event a minute, and a connection waiting for its
//! next request are never cut off; only a write that has made no progress for the whole limit is.

use pin_project_lite::pin_project;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

pin_project! {
    /// `io`, whose writes fail with `TimedOut` once one has waited `limit` without the peer
    /// taking a byte.
    pub struct WriteStallLimit<T> {
        #[pin]
        io: T,
        limit: Duration,
        // Set while a write waits; reset by any progress.
        stalled: Option<Pin<Box<Sleep>>>,
    }
}

impl<T> WriteStallLimit<T> {
    pub fn new(io: T, limit: Duration) -> WriteStallLimit<T> {
        WriteStallLimit {
            io,
            limit,
            stalled: None,
        }
    }
}

impl<T: AsyncWrite> WriteStallLimit<T> {
    /// `write` on the inner socket, with the stall's timer started when it waits, and dropped
    /// when it is done if `progress` says that being done means the client took bytes (a write
    /// does; a flush of a socket is done at once whatever the client does).
    fn watched<R>(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        progress: bool,
        write: impl FnOnce(Pin<&mut T>, &mut Context<'_>) -> Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        let this = self.project();
        if let Poll::Ready(result) = write(this.io, context) {
            if progress {
                *this.stalled = None;
            }
            return Poll::Ready(result);
        }
        let limit = *this.limit;
        let timer = this
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        ready!(timer.as_mut().poll(context));
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client took nothing of the answer for too long",
        )))
    }
}

impl<T: AsyncRead> AsyncRead for WriteStallLimit<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.project().io.poll_read(context, buffer)
    }
}

impl<T: AsyncWrite> AsyncWrite for WriteStallLimit<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.watched(context, true, |io, context| io.poll_write(context, bytes))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffers: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.watched(context, true, |io, context| {
            io.poll_write_vectored(context, buffers)
        })
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.watched(context, false, |io, context| io.poll_flush(context))
    }

    fn poll_shutdown(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.watched(context, false, |io, context| io.poll_shutdown(context))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::time::Instant;

    const LIMIT: Duration = Duration::from_millis(300);

    #[tokio::test]
    async fn a_write_the_peer_never_takes_fails_after_the_limit() {
        // A pipe of 16 bytes that nobody reads: the second write waits for good.
        let (near, _far) = tokio::io::duplex(16);
        let mut limited = WriteStallLimit::new(near, LIMIT);
        limited.write_all(&[0; 16]).await.unwrap();
        let started = Instant::now();
        let written = tokio::time::timeout(LIMIT * 10, limited.write_all(&[0; 16])).await;
        let error = written.expect("still waiting").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= LIMIT, "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_slow_reader_that_keeps_taking_bytes_is_not_cut_off() {
        let (near, mut far) = tokio::io::duplex(16);
        let mut limited = WriteStallLimit::new(near, LIMIT);
        let reader = tokio::spawn(async move {
            let mut taken = 0;
            let mut buffer = [0; 8];
            loop {
                tokio::time::sleep(LIMIT / 3).await;
                match far.read(&mut buffer).await.unwrap() {
                    0 => return taken,
                    read => taken += read,
                }
            }
        });
        // A read of 8 bytes every 100 ms: each wait is under the limit, the whole far longer.
        let started = Instant::now();
        limited.write_all(&[1; 96]).await.unwrap();
        limited.shutdown().await.unwrap();
        drop(limited);
        assert_eq!(reader.await.unwrap(), 96);
        assert!(started.elapsed() > LIMIT * 2, "{:?}", started.elapsed());
    }
}
