//! Microsoft 365 calendar sync in the real window, against the identity and
//! Graph doubles: turned on in Settings (the dedicated calendar is created),
//! an event made in the calendar reaches Microsoft 365 through the app's
//! background sync without the user asking, and an event the user adds in
//! Outlook shows in Candor's calendar after Sync now.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use candor_tests::Cli;
use candor_tests::driver::wait_for;
use candor_tests::graph::GraphServer;
use candor_tests::oauth::{AuthServer, Flavor};

use crate::ui::{OpenApp, click, fill, open_unlocked_with, screenshot, until};

const PASSPHRASE: &str = "microsoft 365 window passphrase";

fn remote_subjects(graph: &GraphServer) -> Vec<String> {
    graph
        .events("Candor")
        .iter()
        .map(|e| e["subject"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn calendar_sync_turned_on_in_settings_sends_and_fetches_events_in_the_background()
-> Result<()> {
    let auth = AuthServer::start(Flavor::Microsoft)?;
    let graph = GraphServer::start(auth.graph_token_check())?;
    let tmp = tempfile::tempdir()?;
    let mut cli = Cli::with_passphrase(tmp.path(), PASSPHRASE);
    let mut env = auth.env();
    env.push(("CANDOR_GRAPH_URL".into(), graph.base_url()));
    cli.envs.extend(env.clone());
    cli.run(&["init"]).ok();
    // Mail goes nowhere here: this test is about Graph.
    cli.add_microsoft_account("Work", "recruiter@test");
    auth.sign_in_with_cli(&cli, "Work", "recruiter@test")?;

    let OpenApp {
        client,
        display,
        driver: _driver,
    } = open_unlocked_with(
        tmp.path(),
        &cli.data_dir,
        PASSPHRASE,
        "microsoft365",
        "#/settings",
        &env,
    )
    .await?;

    wait_for(
        &client,
        "[data-testid=sync-calendar] [data-testid=sync-enable]",
    )
    .await?;
    click(
        &client,
        "[data-testid=sync-calendar] [data-testid=sync-enable]",
    )
    .await?;
    wait_for(&client, "[data-testid=sync-calendar] [data-testid=sync-on]").await?;
    ensure!(
        graph.calendar_names() == ["Candor"],
        "the dedicated calendar was created: {:?}",
        graph.calendar_names()
    );
    screenshot(&client, &display, "settings-microsoft365.png").await?;

    // An event made in Candor goes out with no Sync now: the background sync
    // runs soon after a change.
    client
        .execute("location.hash = '#/calendar';", vec![])
        .await?;
    wait_for(&client, "[data-testid=calendar-new]").await?;
    click(&client, "[data-testid=calendar-new]").await?;
    wait_for(&client, "[data-testid=event-editor]").await?;
    fill(
        &client,
        "[data-testid=event-editor] input[name=title]",
        "Phone screen",
    )
    .await?;
    click(&client, "[data-testid=event-save]").await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !remote_subjects(&graph).contains(&"Phone screen".to_owned()) {
        if std::time::Instant::now() > deadline {
            screenshot(&client, &display, "calendar-not-synced.png").await?;
            let editor = client
                .execute(
                    "return document.querySelector('[data-testid=event-editor]')?.innerText ?? 'closed';",
                    vec![],
                )
                .await?;
            anyhow::bail!(
                "the event did not reach Microsoft 365 within a minute: remote {:?}; status {}; here {}; editor {editor}",
                remote_subjects(&graph),
                cli.run(&["--json", "calendar", "status"]).stdout,
                cli.run(&["calendar", "events"]).stdout,
            );
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // The user adds an event in Outlook today; Sync now brings it in.
    let now = jiff::Timestamp::now().as_second();
    let start = now - now.rem_euclid(86_400) + 14 * 3600;
    graph.user_creates_event("Candor", "Client call", start, start + 3600);
    click(&client, "[data-testid=calendar-today]").await?;
    wait_for(&client, "[data-testid=calendar-sync-now]").await?;
    click(&client, "[data-testid=calendar-sync-now]").await?;
    until(
        &client,
        "return [...document.querySelectorAll('[data-testid=calendar-event]')].some((e) => e.innerText.includes('Client call'));",
        Duration::from_secs(20),
        "the event made in Outlook, in Candor's calendar",
    )
    .await
    .context("after Sync now")?;
    screenshot(&client, &display, "calendar-synced.png").await?;
    Ok(())
}
