//! What every window test does: fill, click, read what the user sees,
//! unlock, and capture the screen.

use std::path::Path;

use anyhow::{Context, Result};
use candor_tests::binary;
use candor_tests::display::VirtualDisplay;
use candor_tests::driver::{TauriDriver, wait_for};
use candor_tests::{artifacts_dir, require_program};
use fantoccini::Client;

/// Captures the whole virtual display with ImageMagick's `import`: WebKitWebDriver's
/// own screenshot command hangs after its first use on this stack.
pub async fn screenshot(client: &Client, display: &VirtualDisplay, name: &str) -> Result<()> {
    // Let the webview paint what the DOM now holds before capturing the screen.
    client
        .execute_async(
            "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            vec![],
        )
        .await?;
    let import = require_program("import", "imagemagick")?;
    let path = artifacts_dir().join(name);
    let status = tokio::process::Command::new(import)
        .args(["-display", &display.display, "-window", "root"])
        .arg(&path)
        .status()
        .await?;
    anyhow::ensure!(
        status.success(),
        "import could not capture {}",
        display.display
    );
    Ok(())
}

pub async fn fill(client: &Client, css: &str, text: &str) -> Result<()> {
    let input = wait_for(client, css).await?;
    input.clear().await?;
    input.send_keys(text).await?;
    Ok(())
}

/// Clicks the element as a user does (WebDriver's native click: pointer
/// moved, pressed, released), and makes sure the page received it. Under
/// load, WebKitWebDriver's synthesized click now and then never reached
/// the page (a link clicked, no navigation, in about one full window run
/// of seven): when no click at all reached the page within 5 s, it clicks
/// once more. A click the page received is never repeated: on the element,
/// done; anywhere else (the element moved under the pointer), the test
/// fails saying where it landed.
pub async fn click(client: &Client, css: &str) -> Result<()> {
    let element = wait_for(client, css).await?;
    let target = serde_json::to_value(&element)?;
    // WebKitWebDriver clicks the element's centre where it is: at the very
    // edge of the window that can land on a scroll bar and do nothing.
    client
        .execute(
            "const target = arguments[0];
             target.scrollIntoView({ block: 'center' });
             window.__candorClick = { target, clicks: [] };
             if (!window.__candorClickWatch) {
               window.__candorClickWatch = true;
               document.addEventListener('click', (e) => {
                 const click = window.__candorClick;
                 if (!click) return;
                 const on = e.target instanceof Node && click.target.contains(e.target);
                 click.clicks.push(on ? 'on' : (e.target?.outerHTML ?? String(e.target)).slice(0, 80));
               }, true);
             }",
            vec![target],
        )
        .await?;
    for attempt in 1..=2 {
        element.clone().click().await?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            let clicks = client
                .execute("return window.__candorClick?.clicks ?? [];", vec![])
                .await?;
            let clicks = clicks.as_array().cloned().unwrap_or_default();
            if clicks.iter().any(|c| c == "on") {
                return Ok(());
            }
            if let Some(elsewhere) = clicks.first() {
                anyhow::bail!("the click on `{css}` landed on {elsewhere} instead");
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        // Where the element is and what the page has at its centre, for
        // whoever looks into WebKitWebDriver's lost clicks next.
        let seen = client
            .execute(
                "const r = window.__candorClick.target.getBoundingClientRect();
                 const at = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                 return { rect: [r.x, r.y, r.width, r.height], atCentre: at?.outerHTML?.slice(0, 80) ?? null,
                          focused: document.hasFocus(), hash: location.hash };",
                vec![],
            )
            .await?;
        eprintln!(
            "click on `{css}` did not reach the page (attempt {attempt}); the page shows {seen}"
        );
    }
    anyhow::bail!("two native clicks on `{css}` never reached the page")
}

/// The element's text as rendered for the user (`innerText`). WebDriver's own
/// "element text" in WebKitWebDriver drops children styled with
/// `text-overflow: ellipsis`, which the record lists use.
pub async fn text_of(client: &Client, css: &str) -> Result<String> {
    let element = wait_for(client, css).await?;
    let text = client
        .execute(
            "return arguments[0].innerText;",
            vec![serde_json::to_value(&element)?],
        )
        .await?;
    Ok(text.as_str().unwrap_or_default().to_owned())
}

/// The rendered text (`innerText`) of every element matching `css`, in
/// document order.
pub async fn texts_of(client: &Client, css: &str) -> Result<Vec<String>> {
    let texts = client
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map((e) => e.innerText.trim());",
            vec![serde_json::Value::String(css.to_owned())],
        )
        .await?;
    Ok(serde_json::from_value(texts)?)
}

/// Unlocks (or, on first run, creates) the database from the unlock screen.
pub async fn unlock(client: &Client, passphrase: &str, new_database: bool) -> Result<()> {
    if new_database {
        wait_for(client, "input[name=passphrase_confirm]").await?;
        fill(client, "input[name=passphrase_confirm]", passphrase).await?;
    } else {
        // The wrong passphrase first: refused with a message, nothing lost.
        fill(client, "input[name=passphrase]", "not the passphrase").await?;
        click(client, "[data-testid=unlock]").await?;
        let message = text_of(client, "[data-testid=unlock-error]").await?;
        assert!(
            message.contains("passphrase"),
            "a wrong passphrase is explained to the user: {message:?}"
        );
    }
    fill(client, "input[name=passphrase]", passphrase).await?;
    click(client, "[data-testid=unlock]").await?;
    wait_for(client, "[data-testid=app-ready]").await?;
    Ok(())
}

/// The environment the app runs in under test: the virtual display, its
/// own data directory and home, and no Secret Service on the bus, so the
/// app asks for a passphrase as on a machine without a keyring.
pub fn app_env(
    display: &VirtualDisplay,
    data_dir: &Path,
    home: &Path,
) -> Result<Vec<(&'static str, String)>> {
    let path = |p: &Path| p.to_str().map(str::to_owned).context("utf-8 path");
    Ok(vec![
        ("DISPLAY", display.display.clone()),
        ("CANDOR_DATA_DIR", path(data_dir)?),
        (
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/candor-test-bus".to_owned(),
        ),
        ("HOME", path(home)?),
        ("XDG_CACHE_HOME", path(&home.join("cache"))?),
        ("XDG_DATA_HOME", path(&home.join("share"))?),
    ])
}

/// The real app running on a virtual display, its driver, and the session.
/// Keep all three: the display and the driver end when dropped.
pub struct OpenApp {
    pub client: Client,
    pub display: VirtualDisplay,
    pub driver: TauriDriver,
}

/// Starts the app on a data directory the CLI prepared (passphrase mode),
/// unlocks it, and goes to `route` (`#/candidates/4`). `name` names the
/// driver's log in the artifacts.
pub async fn open_unlocked(
    tmp: &Path,
    data_dir: &Path,
    passphrase: &str,
    name: &str,
    route: &str,
) -> Result<OpenApp> {
    open_unlocked_with(tmp, data_dir, passphrase, name, route, &[]).await
}

/// [`open_unlocked`], with more environment for the app (the test doubles'
/// URLs).
pub async fn open_unlocked_with(
    tmp: &Path,
    data_dir: &Path,
    passphrase: &str,
    name: &str,
    route: &str,
    extra_env: &[(String, String)],
) -> Result<OpenApp> {
    let app = binary("candor-app")?;
    let display = VirtualDisplay::start()?;
    let home = tmp.join("home");
    std::fs::create_dir_all(&home)?;
    let mut env: Vec<(&str, String)> = app_env(&display, data_dir, &home)?;
    env.extend(extra_env.iter().map(|(k, v)| (k.as_str(), v.clone())));
    let driver = TauriDriver::start(
        &env,
        &artifacts_dir().join(format!("tauri-driver-{name}.log")),
    )?;
    let client = driver.launch(&app).await?;
    unlock(&client, passphrase, false).await?;
    client
        .execute(&format!("location.hash = '{route}';"), vec![])
        .await?;
    Ok(OpenApp {
        client,
        display,
        driver,
    })
}

/// Waits until `script` (the body of a function; `return` a value) returns
/// something truthy, and returns it; fails with `what` after `timeout`.
pub async fn until(
    client: &Client,
    script: &str,
    timeout: std::time::Duration,
    what: &str,
) -> Result<serde_json::Value> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let value = client.execute(script, vec![]).await?;
        let truthy = match &value {
            serde_json::Value::Null => false,
            serde_json::Value::Bool(b) => *b,
            serde_json::Value::Number(n) => n.as_f64() != Some(0.0),
            serde_json::Value::String(s) => !s.is_empty(),
            _ => true,
        };
        if truthy {
            return Ok(value);
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
