//! A TCP relay on loopback that passes what the client sends on at a set
//! rate: a large message then takes seconds to hand over, so a test can
//! interrupt the client in the middle of it, deterministically. TLS passes
//! through untouched (the relay sees only bytes).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Result;

/// A running relay; it stops accepting when dropped.
#[derive(Debug)]
pub struct SlowRelay {
    pub port: u16,
    stop: Arc<AtomicBool>,
}

fn pipe(mut from: TcpStream, mut to: TcpStream, bytes_per_second: Option<usize>) {
    let chunk = bytes_per_second.map_or(64 * 1024, |rate| (rate / 20).max(1));
    let mut buf = vec![0u8; chunk];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
                if bytes_per_second.is_some() {
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

/// Listens on a new loopback port until `stop` is set, and hands each
/// connection, with its own new connection to `127.0.0.1:target`, to
/// `relay` (called on the accepting thread; it starts what it needs).
/// Returns the port.
fn accept_relayed(
    target: u16,
    stop: &Arc<AtomicBool>,
    relay: impl Fn(TcpStream, TcpStream) + Send + 'static,
) -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    listener.set_nonblocking(true)?;
    let stopped = Arc::clone(stop);
    std::thread::spawn(move || {
        while !stopped.load(Ordering::Relaxed) {
            match listener.accept() {
                Ok((client, _)) => {
                    let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                        continue;
                    };
                    let _ = client.set_nonblocking(false);
                    relay(client, server);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    Ok(port)
}

impl SlowRelay {
    /// Relays connections to `127.0.0.1:target`, the client's bytes at
    /// `bytes_per_second`, the server's at full speed.
    pub fn start(target: u16, bytes_per_second: usize) -> Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let port = accept_relayed(target, &stop, move |client, server| {
            let (Ok(client_reader), Ok(server_reader)) = (client.try_clone(), server.try_clone())
            else {
                return;
            };
            std::thread::spawn(move || pipe(client_reader, server, Some(bytes_per_second)));
            std::thread::spawn(move || pipe(server_reader, client, None));
        })?;
        Ok(Self { port, stop })
    }
}

impl Drop for SlowRelay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A relay in front of a plain IMAP port that plays Exchange Online's
/// token expiry: once armed, the first connection that asks for the folder
/// list gets `* BYE Session invalidated - AccessTokenExpired` instead and is
/// closed, as Exchange does when an access token runs out mid-session.
#[derive(Debug)]
pub struct TokenExpiryRelay {
    pub port: u16,
    armed: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl TokenExpiryRelay {
    pub fn start(target: u16) -> Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let armed = Arc::new(AtomicBool::new(false));
        let trigger = Arc::clone(&armed);
        let port = accept_relayed(target, &stop, move |client, server| {
            let (Ok(client_reader), Ok(server_reader), Ok(client_writer)) =
                (client.try_clone(), server.try_clone(), client.try_clone())
            else {
                return;
            };
            let trigger = Arc::clone(&trigger);
            std::thread::spawn(move || {
                expiring_pipe(client_reader, server, client_writer, &trigger);
            });
            std::thread::spawn(move || pipe(server_reader, client, None));
        })?;
        Ok(Self { port, armed, stop })
    }

    /// The next LIST ends its session with the BYE.
    pub fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    /// Whether the BYE has been sent since arming.
    pub fn fired(&self) -> bool {
        !self.armed.load(Ordering::SeqCst)
    }
}

fn expiring_pipe(
    mut from: TcpStream,
    mut to: TcpStream,
    mut client: TcpStream,
    armed: &AtomicBool,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let said = String::from_utf8_lossy(&buf[..n]).to_ascii_uppercase();
                if said.contains(" LIST ")
                    && armed
                        .compare_exchange(true, false, Ordering::SeqCst, Ordering::SeqCst)
                        .is_ok()
                {
                    // The server's last word, then the close (the rest of
                    // what the client sends is ignored). The BYE goes out
                    // before the server side is shut: shutting it first let
                    // the other direction's pipe see the server's EOF and
                    // close the client's side before the BYE was written,
                    // and the client saw a bare lost connection.
                    let _ = client.write_all(b"* BYE Session invalidated - AccessTokenExpired\r\n");
                    let _ = to.shutdown(Shutdown::Both);
                    let _ = from.set_read_timeout(Some(Duration::from_millis(300)));
                    while matches!(from.read(&mut buf), Ok(n) if n > 0) {}
                    let _ = client.shutdown(Shutdown::Both);
                    return;
                }
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

impl Drop for TokenExpiryRelay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A relay that cuts a connection part-way: once armed with a byte count,
/// the next connection is closed (both ways, no goodbye) after the server
/// has sent that many bytes through it, as a dropped network does in the
/// middle of a large fetch. Other connections pass untouched. TLS passes
/// through (the client sees its session end without a close_notify).
#[derive(Debug)]
pub struct CuttingRelay {
    pub port: u16,
    /// Bytes after which the next connection is cut; 0 when not armed.
    cut_after: Arc<AtomicUsize>,
    cut: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl CuttingRelay {
    pub fn start(target: u16) -> Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let cut_after = Arc::new(AtomicUsize::new(0));
        let cut = Arc::new(AtomicBool::new(false));
        let (limit, fired) = (Arc::clone(&cut_after), Arc::clone(&cut));
        let port = accept_relayed(target, &stop, move |client, server| {
            let (Ok(client_reader), Ok(server_reader)) = (client.try_clone(), server.try_clone())
            else {
                return;
            };
            // This connection takes the armed count, if any.
            let budget = limit.swap(0, Ordering::SeqCst);
            std::thread::spawn(move || pipe(client_reader, server, None));
            if budget == 0 {
                std::thread::spawn(move || pipe(server_reader, client, None));
            } else {
                let fired = Arc::clone(&fired);
                std::thread::spawn(move || {
                    cutting_pipe(server_reader, client, budget);
                    fired.store(true, Ordering::SeqCst);
                });
            }
        })?;
        Ok(Self {
            port,
            cut_after,
            cut,
            stop,
        })
    }

    /// The next connection is cut after the server has sent `bytes`.
    pub fn cut_next_after(&self, bytes: usize) {
        self.cut.store(false, Ordering::SeqCst);
        self.cut_after.store(bytes.max(1), Ordering::SeqCst);
    }

    /// Whether the armed connection has ended (cut, or closed before).
    pub fn has_cut(&self) -> bool {
        self.cut.load(Ordering::SeqCst)
    }
}

/// Passes the server's bytes to the client until `budget` have gone, then
/// closes both sockets.
fn cutting_pipe(mut from: TcpStream, mut to: TcpStream, budget: usize) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut left = budget;
    while left > 0 {
        let want = left.min(buf.len());
        match from.read(&mut buf[..want]) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
                left -= n;
            }
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

impl Drop for CuttingRelay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
