//! The preview's HTTP server: a small HTTP/1.1 server on `std::net` with a
//! fixed pool of worker threads, request heads parsed by `httparse`.
//!
//! What it answers: GET and HEAD of the files in the output folder (an HTML
//! page with the reload script and the error overlay added before `</body>`),
//! `/__golive/state` and `/__golive/reload.js`. What it refuses: other methods
//! (405), a request line over 8 KiB (414), header fields over 8 KiB each, 32
//! KiB in all or more than 100 (431), a head not in within 10 s (408),
//! malformed requests (400), a Host that is not this server (421, see
//! `host`), and paths outside the folder, through symbolic links, or to hidden
//! and temporary files (404, see `files`). Bodies are never read; every
//! connection carries one request and is closed after the answer.
//!
//! Threads: WORKERS workers, fed by a queue of QUEUE accepted connections.
//! When the queue is full, the accepting thread answers 503 itself and closes,
//! so no number of clients can make the server start more threads.

mod connection;
mod files;
mod head;
mod host;
mod live;
mod reply;
mod route;
mod status;

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

pub use host::AllowedHosts;

use super::State;

/// Requests handled at once. A preview has one reader or a few; a browser
/// opens up to six connections to a host.
const WORKERS: usize = 8;
/// Accepted connections waiting for a worker; beyond them, 503.
const QUEUE: usize = 32;

/// What the workers share: the build state and the hosts to answer.
pub struct Preview {
    state: Arc<RwLock<State>>,
    hosts: AllowedHosts,
}

/// A bound listener, not yet serving.
pub struct Server {
    listener: TcpListener,
}

impl Server {
    /// Binds `address`; the error says what to do about it.
    pub fn bind(address: SocketAddr) -> Result<Server, String> {
        let listener = TcpListener::bind(address).map_err(|e| {
            let hint = match e.kind() {
                io::ErrorKind::AddrInUse => {
                    " (another program, perhaps another golive serve, is using it: \
                     pick another port with --port N, or --port 0 for any free one)"
                }
                io::ErrorKind::AddrNotAvailable => {
                    " (no network interface of this machine has that address: check --bind)"
                }
                io::ErrorKind::PermissionDenied => {
                    " (ports below 1024 need privileges: pick another with --port N)"
                }
                _ => "",
            };
            format!("cannot listen on {address}: {e}{hint}")
        })?;
        Ok(Server { listener })
    }

    /// The address it listens on (with the port picked for `--port 0`).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Starts the workers and the accepting thread, and returns.
    pub fn start(self, state: Arc<RwLock<State>>, hosts: AllowedHosts) -> io::Result<()> {
        let preview = Arc::new(Preview { state, hosts });
        let (queue, waiting) = std::sync::mpsc::sync_channel(QUEUE);
        let waiting = Arc::new(Mutex::new(waiting));
        for n in 0..WORKERS {
            let (waiting, preview) = (waiting.clone(), preview.clone());
            std::thread::Builder::new()
                .name(format!("serve-worker-{n}"))
                .spawn(move || work(&waiting, &preview))?;
        }
        let listener = self.listener;
        std::thread::Builder::new()
            .name("serve-accept".to_string())
            .spawn(move || accept(&listener, &queue))?;
        Ok(())
    }
}

/// Hands each connection to the queue, or turns it away when the queue is full.
fn accept(listener: &TcpListener, queue: &SyncSender<TcpStream>) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => match queue.try_send(stream) {
                Ok(()) => {}
                Err(TrySendError::Full(stream)) => connection::turn_away(stream),
                Err(TrySendError::Disconnected(_)) => return,
            },
            // Out of file descriptors, or a connection reset before it was
            // accepted: pause briefly rather than spin, then go on.
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// Serves connections from the queue, one at a time, for ever. A panic while
/// serving one ends that connection only, not the worker.
fn work(waiting: &Mutex<Receiver<TcpStream>>, preview: &Preview) {
    loop {
        let next = waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        let Ok(stream) = next else { return };
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            connection::serve(stream, preview);
        }));
    }
}
