//! A server of ours on 127.0.0.1:0 in a thread, for the tests where a real peer process
//! connects to us: the accept loop, its bounds and its stop, with the serving left to the test.

use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Accepts on a loopback port and serves each connection in turn with the test's function,
/// collecting what it returns; bounded in connections and time.
pub struct LocalServer<T> {
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<Vec<T>>>,
}

impl<T: Send + 'static> LocalServer<T> {
    /// Serves at most `max_conns` connections (each a blocking socket handed to `serve`),
    /// until `deadline` or [`LocalServer::finish`].
    pub fn start(
        max_conns: usize,
        deadline: Instant,
        mut serve: impl FnMut(TcpStream) -> T + Send + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let port = listener.local_addr().expect("local address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let handle = std::thread::spawn(move || {
            let mut served = Vec::new();
            while served.len() < max_conns
                && Instant::now() < deadline
                && !stopped.load(Ordering::SeqCst)
            {
                let sock = match listener.accept() {
                    Ok((s, _)) => s,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10));
                        continue;
                    }
                    Err(e) => panic!("accept: {e}"),
                };
                sock.set_nonblocking(false).expect("blocking socket");
                served.push(serve(sock));
            }
            served
        });
        Self {
            port,
            stop,
            handle: Some(handle),
        }
    }

    /// Stops accepting and returns what happened on each connection.
    pub fn finish(mut self) -> Vec<T> {
        self.stop.store(true, Ordering::SeqCst);
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(served)) => served,
            Some(Err(_)) => panic!("the server thread panicked"),
            None => Vec::new(),
        }
    }
}

impl<T> Drop for LocalServer<T> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}
