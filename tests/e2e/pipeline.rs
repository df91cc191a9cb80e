//! A job opening's pipeline in the real window: a candidate is added from
//! the job's page by picking them from the filtered candidates list, their
//! stage is changed with the select (saved at once, as the CLI then shows),
//! and the candidate's page lists the opening with that stage.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use candor_tests::Cli;
use candor_tests::driver::wait_for;
use fantoccini::{Client, Locator};

use crate::ui::{OpenApp, click, fill, open_unlocked, screenshot, text_of};

const PASSPHRASE: &str = "pipeline page passphrase";

fn add(cli: &Cli, args: &[&str]) -> Result<String> {
    let mut all = vec!["--json", "record", "add"];
    all.extend_from_slice(args);
    Ok(cli.run(&all).ok().json()["id"]
        .as_i64()
        .context("record id")?
        .to_string())
}

/// The candidate names in the pipeline, in the order shown (innerText: see
/// `ui::text_of` for why not WebDriver's element text).
async fn pipeline_names(client: &Client) -> Result<Vec<String>> {
    let names = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=pipeline-row] a')].map((a) => a.innerText.trim());",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(names)?)
}

#[tokio::test(flavor = "multi_thread")]
async fn candidates_are_added_and_moved_in_a_job_openings_pipeline() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let cli = Cli::with_passphrase(tmp.path(), PASSPHRASE);
    cli.run(&["init"]).ok();
    add(&cli, &["client", "--name", "Acme Robotics"])?;
    let job = add(
        &cli,
        &[
            "job",
            "--title",
            "Senior Rust Engineer",
            "--client",
            "Acme Robotics",
        ],
    )?;
    let wei = add(
        &cli,
        &[
            "candidate",
            "--first-name",
            "Wei",
            "--last-name",
            "Zhang",
            "--email",
            "wei.zhang@example.cn",
        ],
    )?;
    let zofia = add(
        &cli,
        &[
            "candidate",
            "--first-name",
            "Zofia",
            "--last-name",
            "Nowak",
            "--email",
            "zofia@example.pl",
        ],
    )?;
    add(
        &cli,
        &[
            "candidate",
            "--first-name",
            "Jan",
            "--last-name",
            "Kowalski",
        ],
    )?;
    cli.run(&[
        "record",
        "pipeline",
        &job,
        "add",
        &wei,
        "--stage",
        "interview",
    ])
    .ok();

    let OpenApp {
        client,
        display,
        driver: _driver,
    } = open_unlocked(
        tmp.path(),
        &cli.data_dir,
        PASSPHRASE,
        "pipeline",
        &format!("#/jobs/{job}"),
    )
    .await?;

    wait_for(&client, "[data-testid=pipeline-row]").await?;
    ensure!(
        pipeline_names(&client).await? == ["Wei Zhang"],
        "the job's page shows the candidate added from the CLI"
    );

    click(&client, "[data-testid=pipeline-add]").await?;
    wait_for(&client, "[data-testid=pipeline-option]").await?;
    fill(&client, "[data-testid=pipeline-filter]", "nowak").await?;
    let options = client
        .find_all(Locator::Css("[data-testid=pipeline-option]"))
        .await?;
    ensure!(
        options.len() == 1,
        "the filter leaves only Zofia ({} options shown)",
        options.len()
    );
    screenshot(&client, &display, "job-pipeline-picker.png").await?;
    click(
        &client,
        &format!("[data-testid=pipeline-option][data-candidate-id='{zofia}']"),
    )
    .await?;
    let status = text_of(&client, "[data-testid=pipeline-status]").await?;
    ensure!(
        status.contains("Zofia Nowak was added"),
        "the recruiter is told: {status:?}"
    );
    ensure!(
        pipeline_names(&client).await? == ["Zofia Nowak", "Wei Zhang"],
        "new candidates come before those at interview"
    );
    click(&client, "[data-testid=pipeline-done]").await?;

    let select = wait_for(
        &client,
        &format!("[data-candidate-id='{zofia}'] [data-testid=pipeline-stage]"),
    )
    .await?;
    select.select_by_value("screening").await?;
    // The select saves at once; the store has it without any other click.
    let zofia_id: i64 = zofia.parse()?;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let list = cli.run(&["--json", "record", "pipeline", &job]).ok().json();
        let stage = list
            .as_array()
            .and_then(|a| a.iter().find(|e| e["candidate_id"] == zofia_id))
            .map(|e| e["stage"].clone());
        if stage == Some(serde_json::json!("screening")) {
            break;
        }
        ensure!(
            std::time::Instant::now() < deadline,
            "the stage chosen in the window was not saved: {list}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    screenshot(&client, &display, "job-pipeline.png").await?;

    client
        .execute(&format!("location.hash = '#/candidates/{zofia}';"), vec![])
        .await?;
    let job_row = text_of(&client, "[data-testid=candidate-job]").await?;
    ensure!(
        job_row.contains("Senior Rust Engineer at Acme Robotics") && job_row.contains("Screening"),
        "the candidate's page lists the opening with the stage: {job_row:?}"
    );
    screenshot(&client, &display, "candidate-job-openings.png").await?;
    client.close().await?;
    Ok(())
}
