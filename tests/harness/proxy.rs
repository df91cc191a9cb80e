//! A TCP relay on loopback that passes what the client sends on at a set
//! rate: a large message then takes seconds to hand over, so a test can
//! interrupt the client in the middle of it, deterministically. TLS passes
//! through untouched (the relay sees only bytes).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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

impl SlowRelay {
    /// Relays connections to `127.0.0.1:target`, the client's bytes at
    /// `bytes_per_second`, the server's at full speed.
    pub fn start(target: u16, bytes_per_second: usize) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        listener.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                            continue;
                        };
                        let _ = client.set_nonblocking(false);
                        let (Ok(client_reader), Ok(server_reader)) =
                            (client.try_clone(), server.try_clone())
                        else {
                            continue;
                        };
                        std::thread::spawn(move || {
                            pipe(client_reader, server, Some(bytes_per_second))
                        });
                        std::thread::spawn(move || pipe(server_reader, client, None));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Ok(Self { port, stop })
    }
}

impl Drop for SlowRelay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
