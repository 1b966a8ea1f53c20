//! Serving a router over HTTP/1.1 with hyper and hyper-util's tokio timer: a header-read
//! timeout, an idle timeout, a cap on open connections and graceful shutdown. The emulator, the
//! token server and the SSR example all serve through [`serve`].
//!
//! `axum::serve` runs hyper without a timer, so hyper's header-read timeout never applies, and a
//! `TimeoutLayer` starts only once the headers are in: a client that connects and sends nothing
//! holds its connection (and a file descriptor) for ever. Here a connection must deliver each
//! request's headers within [`ConnectionLimits::header_read_timeout`] (counted from the moment
//! the server waits for them: a new connection, or the next request on a kept-alive one), and is
//! closed when nothing moves on it for [`ConnectionLimits::idle_timeout`].
//!
//! Only HTTP/1.1 is spoken: browsers speak HTTP/2 only over TLS, which these servers leave to a
//! proxy, and hyper-util's HTTP/1-or-2 detection reads the first bytes without any timeout.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tower::Service;

/// The limits [`serve`] holds every connection to. `Default` gives the production values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Time a client has to send a request's headers, from the moment the server waits for
    /// them. Default 10 s.
    pub header_read_timeout: Duration,
    /// A connection on which nothing is read or written for this long is closed (a stalled
    /// request body, a client that stops reading its answer). Default 60 s: above the token
    /// server's 30 s request timeout and the emulator's 15 s SSE keep-alive. A connection
    /// upgraded to a WebSocket is the application's and is not timed.
    pub idle_timeout: Duration,
    /// Open connections (WebSockets included) at most; further clients wait in the listen
    /// queue until one closes. Default [`default_max_connections`].
    pub max_connections: usize,
    /// How long shutdown waits for open connections to finish their requests. Default 10 s.
    pub shutdown_grace: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: default_max_connections(),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Half the process's open-file limit (read from `/proc/self/limits`), between 16 and 4096;
/// 1024 where that file does not exist. The other half is left for static files, upstream
/// connections and an embedded emulator, so a full house of clients never leaves the server
/// unable to open a file.
pub fn default_max_connections() -> usize {
    let soft_limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            let line = limits
                .lines()
                .find(|l| l.starts_with("Max open files"))?
                .to_owned();
            line.split_whitespace().nth(3)?.parse::<usize>().ok()
        });
    soft_limit.map_or(1024, |files| (files / 2).clamp(16, 4096))
}

/// Serves `router` on `listener` within `limits` until `shutdown` resolves, then stops
/// accepting, lets open connections finish their requests (up to
/// [`ConnectionLimits::shutdown_grace`]) and returns. Handlers can extract
/// `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let max = limits
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let permits = Arc::new(Semaphore::new(max));
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        // A free slot first, then a client: while all slots are taken, clients wait in the
        // kernel's listen queue instead of costing a file descriptor each.
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    tracing::warn!(error = %err, "accepting a connection failed");
                    if !is_connection_error(&err) {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let stopping = stopping.clone();
        tokio::spawn(serve_connection(
            stream, remote, permit, router, limits, stopping,
        ));
    }
    drop(listener);
    let _ = stop.send(true);
    let all_closed = permits.acquire_many_owned(max as u32);
    if tokio::time::timeout(limits.shutdown_grace, all_closed)
        .await
        .is_err()
    {
        tracing::warn!("shutdown grace period over with connections still open");
    }
}

fn is_connection_error(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

async fn serve_connection(
    stream: TcpStream,
    remote: SocketAddr,
    permit: OwnedSemaphorePermit,
    router: Router,
    limits: ConnectionLimits,
    mut stopping: watch::Receiver<bool>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
        _permit: permit,
    });
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(remote));
        router.clone().call(request)
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let connection = http.serve_connection(io, service).with_upgrades();
    tokio::pin!(connection);
    let idle = activity.idle_for(limits.idle_timeout);
    tokio::pin!(idle);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            ended = connection.as_mut() => {
                if let Err(err) = ended {
                    tracing::debug!(%remote, error = %err, "connection ended");
                }
                return;
            }
            () = &mut idle => {
                tracing::debug!(%remote, "closed a connection idle for {:?}", limits.idle_timeout);
                return;
            }
            _ = stopping.changed(), if !shutting_down => {
                shutting_down = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// When a connection last read or wrote a byte.
struct Activity {
    since: Instant,
    last_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Activity {
            since: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.since.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// Resolves once nothing has moved for `timeout`.
    async fn idle_for(&self, timeout: Duration) {
        loop {
            let last = self.since + Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let deadline = last + timeout;
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline.into()).await;
        }
    }
}

/// A client socket that records its activity and holds its connection slot until it is
/// dropped (after the answer, or when an upgraded WebSocket closes).
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
    _permit: OwnedSemaphorePermit,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_cap_leaves_half_the_open_files_free() {
        let cap = default_max_connections();
        assert!((16..=4096).contains(&cap), "{cap}");
        let limits = ConnectionLimits::default();
        assert!(limits.header_read_timeout <= Duration::from_secs(30));
        assert!(
            limits.idle_timeout > Duration::from_secs(30),
            "above request timeouts"
        );
    }
}
