//! A private X display (Xvfb) for the app window.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::require_program;

/// A running Xvfb; killed on drop.
#[derive(Debug)]
pub struct VirtualDisplay {
    child: Child,
    pub display: String,
}

/// No lock file for display `n`, or one whose process no longer runs.
fn display_free(n: u32) -> bool {
    match std::fs::read_to_string(format!("/tmp/.X{n}-lock")) {
        Err(_) => true,
        Ok(pid) => pid
            .trim()
            .parse::<u32>()
            .is_ok_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists()),
    }
}

impl VirtualDisplay {
    pub fn start() -> Result<Self> {
        let xvfb = require_program("Xvfb", "xvfb")?;
        // A display number nobody else holds: X servers leave a lock file
        // naming their process. A lock whose process is gone (an X server
        // killed with its test) is stale, and Xvfb takes the number over.
        let number = (90..190)
            .find(|n| display_free(*n))
            .ok_or_else(|| anyhow::anyhow!("no free X display number between :90 and :189"))?;
        let display = format!(":{number}");
        let child = Command::new(xvfb)
            .args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let socket = format!("/tmp/.X11-unix/X{number}");
        let deadline = Instant::now() + Duration::from_secs(15);
        while !std::path::Path::new(&socket).exists() {
            if Instant::now() > deadline {
                bail!("Xvfb did not open {display} within 15 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Self { child, display })
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
