//! First run on a machine without a keyring: protect the database with a
//! passphrase, create a candidate through the UI, close the app, start it
//! again, unlock, and find the candidate.

use std::path::Path;

use anyhow::Result;
use candor_tests::display::VirtualDisplay;
use candor_tests::driver::{TauriDriver, wait_for};
use candor_tests::{artifacts_dir, binary};
use fantoccini::Locator;

use crate::ui::{app_env, click, fill, screenshot, text_of, unlock};

const PASSPHRASE: &str = "window test passphrase";

async fn first_session(driver: &TauriDriver, display: &VirtualDisplay, app: &Path) -> Result<()> {
    let client = driver.launch(app).await?;
    unlock(&client, PASSPHRASE, true).await?;

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
    unlock(&client, PASSPHRASE, false).await?;
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

    let driver = TauriDriver::start(&app_env(&display, &data_dir, &home)?, &log)?;

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
