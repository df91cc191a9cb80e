//! tauri-driver in front of WebKitWebDriver, and a WebDriver session that
//! launches the real Candor app.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder, Locator};

use crate::{free_port, require_program};

fn tauri_driver_path() -> Result<PathBuf> {
    if let Ok(p) = require_program("tauri-driver", "cargo install tauri-driver") {
        return Ok(p);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let cargo_bin = home.join(".cargo/bin/tauri-driver");
    if cargo_bin.exists() {
        return Ok(cargo_bin);
    }
    bail!(
        "tauri-driver is not installed; run `cargo install tauri-driver --locked` (.ci/install does)"
    )
}

/// A running tauri-driver; killed on drop.
#[derive(Debug)]
pub struct TauriDriver {
    child: Child,
    pub port: u16,
}

impl TauriDriver {
    /// Starts tauri-driver with the environment the app should see (it passes
    /// it on through WebKitWebDriver to the app process).
    pub fn start(envs: &[(&str, String)], log: &Path) -> Result<Self> {
        let native = require_program("WebKitWebDriver", "webkit2gtk-driver")?;
        let port = free_port()?;
        let native_port = free_port()?;
        let log_file = std::fs::File::create(log)?;
        let mut cmd = Command::new(tauri_driver_path()?);
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .arg("--native-driver")
        .arg(native)
        .stdout(Stdio::from(log_file.try_clone()?))
        .stderr(Stdio::from(log_file))
        .env_remove("CANDOR_PASSPHRASE")
        .env_remove("CANDOR_DATA_DIR");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let child = cmd.spawn().context("start tauri-driver")?;
        // tauri-driver listens at once but starts WebKitWebDriver beside it,
        // and a session asked for before that one listens fails ("tcp
        // connect error"); on a new machine its first start is slow.
        let deadline = Instant::now() + Duration::from_secs(60);
        for (what, port) in [("tauri-driver", port), ("WebKitWebDriver", native_port)] {
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                if Instant::now() > deadline {
                    bail!(
                        "{what} did not listen on {port} within 60 s; see {}",
                        log.display()
                    );
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        Ok(Self { child, port })
    }

    /// A WebDriver session: starts the app binary and connects to its webview.
    pub async fn launch(&self, app: &Path) -> Result<Client> {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app.display().to_string() }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .context("WebDriver session (is the app built and the display up?)")?;
        Ok(client)
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for an element, failing with what was awaited.
pub async fn wait_for(client: &Client, css: &str) -> Result<fantoccini::elements::Element> {
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("waiting for `{css}`"))
}
