//! First run on a machine without a keyring: protect the database with a
//! passphrase, create a candidate through the UI, close the app, start it
//! again, unlock, and find the candidate.

use std::path::Path;

use anyhow::{Context, Result};
use candor_tests::display::VirtualDisplay;
use candor_tests::driver::{TauriDriver, wait_for};
use candor_tests::{artifacts_dir, binary, require_program};
use fantoccini::{Client, Locator};

const PASSPHRASE: &str = "window test passphrase";

/// Captures the whole virtual display with ImageMagick's `import`: WebKitWebDriver's
/// own screenshot command hangs after its first use on this stack.
async fn screenshot(client: &Client, display: &VirtualDisplay, name: &str) -> Result<()> {
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

async fn fill(client: &Client, css: &str, text: &str) -> Result<()> {
    let input = wait_for(client, css).await?;
    input.clear().await?;
    input.send_keys(text).await?;
    Ok(())
}

async fn click(client: &Client, css: &str) -> Result<()> {
    wait_for(client, css).await?.click().await?;
    Ok(())
}

/// The element's text as rendered for the user (`innerText`). WebDriver's own
/// "element text" in WebKitWebDriver drops children styled with
/// `text-overflow: ellipsis`, which the record lists use.
async fn text_of(client: &Client, css: &str) -> Result<String> {
    let element = wait_for(client, css).await?;
    let text = client
        .execute(
            "return arguments[0].innerText;",
            vec![serde_json::to_value(&element)?],
        )
        .await?;
    Ok(text.as_str().unwrap_or_default().to_owned())
}

/// Unlocks (or, on first run, creates) the database from the unlock screen.
async fn unlock(client: &Client, new_database: bool) -> Result<()> {
    if new_database {
        wait_for(client, "input[name=passphrase_confirm]").await?;
        fill(client, "input[name=passphrase_confirm]", PASSPHRASE).await?;
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
    fill(client, "input[name=passphrase]", PASSPHRASE).await?;
    click(client, "[data-testid=unlock]").await?;
    wait_for(client, "[data-testid=app-ready]").await?;
    Ok(())
}

async fn first_session(driver: &TauriDriver, display: &VirtualDisplay, app: &Path) -> Result<()> {
    let client = driver.launch(app).await?;
    unlock(&client, true).await?;

    click(&client, "[data-testid=nav-candidates]").await?;
    wait_for(&client, "[data-testid=empty-list]").await?;
    click(&client, "[data-testid=new-record]").await?;

    // Invalid input first: the UI shows the server's reason under the field.
    fill(&client, "input[name=first_name]", "Małgorzata").await?;
    fill(&client, "input[name=emails]", "not-an-address").await?;
    click(&client, "[data-testid=save-record]").await?;
    let error = text_of(&client, "[data-testid=field-error-emails]").await?;
    assert!(
        error.contains("not a valid email address"),
        "the invalid address is explained next to the field: {error:?}"
    );

    fill(&client, "input[name=last_name]", "Wójcik-Zhang").await?;
    fill(&client, "input[name=emails]", "m.wojcik@example.pl").await?;
    fill(&client, "input[name=current_title]", "Head of Data").await?;
    click(&client, "[data-testid=save-record]").await?;
    let title = text_of(&client, "[data-testid=record-title]").await?;
    assert_eq!(
        title.trim(),
        "Małgorzata Wójcik-Zhang",
        "the new candidate's page opens"
    );
    screenshot(&client, display, "candidate-page.png").await?;

    click(&client, "[data-testid=nav-candidates]").await?;
    wait_for(&client, "[data-testid=record-row]").await?;
    screenshot(&client, display, "candidates-list.png").await?;
    client.close().await?;
    Ok(())
}

async fn second_session(driver: &TauriDriver, display: &VirtualDisplay, app: &Path) -> Result<()> {
    let client = driver.launch(app).await?;
    unlock(&client, false).await?;
    click(&client, "[data-testid=nav-candidates]").await?;
    let row = text_of(&client, "[data-testid=record-row]").await?;
    assert!(
        row.contains("Małgorzata Wójcik-Zhang"),
        "the candidate created in the first session is there after a restart: {row:?}"
    );
    let rows = client
        .find_all(Locator::Css("[data-testid=record-row]"))
        .await?;
    assert_eq!(
        rows.len(),
        1,
        "exactly one candidate: the failed save stored nothing"
    );
    screenshot(&client, display, "after-restart.png").await?;
    client.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn create_a_candidate_restart_and_find_it() -> Result<()> {
    let app = binary("candor-app")?;
    let display = VirtualDisplay::start()?;
    let tmp = tempfile::tempdir()?;
    let data_dir = tmp.path().join("candor-data");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home)?;
    let log = artifacts_dir().join("tauri-driver.log");

    let driver = TauriDriver::start(
        &[
            ("DISPLAY", display.display.as_str()),
            ("CANDOR_DATA_DIR", data_dir.to_str().context("utf-8 path")?),
            // No Secret Service on this bus: the app must fall back to asking
            // for a passphrase, as on a machine without a keyring.
            (
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/candor-test-bus",
            ),
            ("HOME", home.to_str().context("utf-8 path")?),
            (
                "XDG_CACHE_HOME",
                home.join("cache").to_str().context("utf-8 path")?,
            ),
            (
                "XDG_DATA_HOME",
                home.join("share").to_str().context("utf-8 path")?,
            ),
        ],
        &log,
    )?;

    first_session(&driver, &display, &app).await?;
    second_session(&driver, &display, &app).await?;

    let bytes = std::fs::read(data_dir.join("candor.db"))?;
    for needle in ["Małgorzata", "m.wojcik@example.pl", "Head of Data"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle:?} typed into the UI must not be readable in the database file"
        );
    }
    Ok(())
}
