//! Importing candidates from a CSV file in the real window: Import on the
//! candidates list opens the import page, the file chosen is previewed with
//! its columns mapped by their (Polish) headers, a column mapped by hand,
//! the duplicate and the rejected row counted and listed, and Import brings
//! the new candidate into the list, marked imported, with the column mapped
//! by hand in the notes.

use anyhow::{Context, Result, ensure};
use candor_tests::Cli;
use candor_tests::driver::wait_for;
use fantoccini::{Client, Locator};

use crate::ui::{OpenApp, click, open_unlocked, screenshot, text_of, texts_of};

const PASSPHRASE: &str = "record import passphrase";

/// As Polish Excel saves it: semicolons, Polish headers.
const CSV: &str = "Imię;Nazwisko;E-mail;Profil\n\
Anna;Kowalska;anna.kowalska@example.pl;linkedin.com/in/anna\n\
Zofia;Nowak;Zofia@Example.pl;\n\
Jan;Kowalski;not-an-address;\n";

/// The record names in the list, as shown.
async fn list_names(client: &Client) -> Result<Vec<String>> {
    texts_of(client, "[data-testid=record-row] .name").await
}

/// Waits until the preview shows `imported` to import (it is run again after
/// each mapping change).
async fn wait_for_start_button(client: &Client, label: &str) -> Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Ok(button) = client
            .find(Locator::Css("[data-testid=import-start]"))
            .await
        {
            let text = client
                .execute(
                    "return arguments[0].disabled ? '' : arguments[0].innerText.trim();",
                    vec![serde_json::to_value(&button)?],
                )
                .await?;
            if text.as_str() == Some(label) {
                return Ok(());
            }
        }
        ensure!(
            std::time::Instant::now() < deadline,
            "the preview never offered {label:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn candidates_are_imported_from_a_csv_file_after_a_preview() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let cli = Cli::with_passphrase(tmp.path(), PASSPHRASE);
    cli.run(&["init"]).ok();
    cli.run(&[
        "record",
        "add",
        "candidate",
        "--first-name",
        "Zofia",
        "--last-name",
        "Nowak",
        "--email",
        "zofia@example.pl",
    ])
    .ok();
    let file = tmp.path().join("kandydaci.csv");
    std::fs::write(&file, CSV)?;

    let OpenApp {
        client,
        display,
        driver: _driver,
    } = open_unlocked(
        tmp.path(),
        &cli.data_dir,
        PASSPHRASE,
        "record-import",
        "#/candidates",
    )
    .await?;

    click(&client, "[data-testid=import-records]").await?;
    // WebDriver chooses a file for an <input type=file> by sending its path.
    wait_for(&client, "[data-testid=import-file]")
        .await?
        .send_keys(file.to_str().context("utf-8 path")?)
        .await?;

    wait_for(&client, "[data-testid=import-mapping]").await?;
    let fields = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=import-field]')].map((s) => s.value);",
            vec![],
        )
        .await?;
    ensure!(
        fields == serde_json::json!(["first_name", "last_name", "email", "ignore"]),
        "the Polish headers map by default, the unknown one is not imported: {fields}"
    );
    wait_for_start_button(&client, "Import 1 candidate").await?;
    ensure!(
        text_of(&client, "[data-testid=count-duplicates]")
            .await?
            .contains('1'),
        "Zofia is already here"
    );
    ensure!(
        text_of(&client, "[data-testid=count-rejected]")
            .await?
            .contains('1'),
        "Jan's address is not an address"
    );
    let problems = text_of(&client, "[data-testid=import-problems]").await?;
    ensure!(
        problems.contains("not-an-address") && problems.to_lowercase().contains("zofia@example.pl"),
        "each row not imported is listed with its reason: {problems:?}"
    );

    // The profile column goes into the notes.
    let profile = client
        .find_all(Locator::Css("[data-testid=import-field]"))
        .await?
        .into_iter()
        .nth(3)
        .context("the fourth column's select")?;
    profile.select_by_value("notes").await?;
    wait_for_start_button(&client, "Import 1 candidate").await?;
    screenshot(&client, &display, "record-import-preview.png").await?;

    click(&client, "[data-testid=import-start]").await?;
    let report = text_of(&client, "[data-testid=import-report]").await?;
    ensure!(
        report.contains("1 candidate was imported"),
        "the report says what was imported: {report:?}"
    );
    screenshot(&client, &display, "record-import-report.png").await?;

    click(&client, "[data-testid=import-back]").await?;
    wait_for(&client, "[data-testid=record-row]").await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut names = list_names(&client).await?;
    while names.len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        names = list_names(&client).await?;
    }
    names.sort();
    ensure!(
        names == ["Anna Kowalska", "Zofia Nowak"],
        "the list has the imported candidate and no second Zofia: {names:?}"
    );
    client.close().await?;

    let list = cli
        .run(&["--json", "record", "list", "candidate"])
        .ok()
        .json();
    let anna = list
        .as_array()
        .and_then(|a| a.iter().find(|r| r["display_name"] == "Anna Kowalska"))
        .and_then(|r| r["id"].as_i64())
        .context("Anna in the CLI's list")?;
    let shown = cli
        .run(&["--json", "record", "show", &anna.to_string()])
        .ok()
        .json();
    ensure!(
        shown["is_imported"] == true,
        "an imported record is marked imported: {shown}"
    );
    ensure!(
        shown["notes"]
            .as_str()
            .is_some_and(|n| n.contains("linkedin.com/in/anna")),
        "the column mapped by hand went into the notes: {shown}"
    );
    Ok(())
}
