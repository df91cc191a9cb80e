//! The recruiter's everyday loop on a record page, in the real window
//! against the real mail stack: the candidate's mail is on the candidate's
//! page, the conversation opens in place, a reply sent from it reaches the
//! candidate once through Postfix, and the reply appears in that same
//! conversation at once (the local Sent copy, threaded by In-Reply-To).

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use candor_tests::Cli;
use candor_tests::dovecot::Dovecot;
use candor_tests::driver::wait_for;
use candor_tests::postfix::Postfix;
use fantoccini::{Client, Locator};

use crate::ui::{OpenApp, click, fill, open_unlocked, screenshot, text_of};

const PASSPHRASE: &str = "record page passphrase";

const CANDIDATE_MAIL: &str = "From: Celina Nowak <candidate@test>\r\n\
To: Recruiter <recruiter@test>\r\n\
Subject: Backend role in Kraków\r\n\
Date: Mon, 30 Nov 2026 09:15:00 +0100\r\n\
Message-ID: <celina-1@test>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Dzień dobry, I saw the backend role and would like to talk.\r\n\
When would suit you?\r\n";

/// The number of messages the open conversation shows.
async fn messages_shown(client: &Client) -> Result<usize> {
    Ok(client
        .find_all(Locator::Css(
            "[data-testid=conversation] [data-testid=message]",
        ))
        .await?
        .len())
}

#[tokio::test(flavor = "multi_thread")]
async fn reply_from_a_candidates_page_joins_the_conversation() -> Result<()> {
    let dovecot = Dovecot::start()?;
    let postfix = Postfix::start(&dovecot)?;
    let tmp = tempfile::tempdir()?;

    // The recruiter's account, synced, and a candidate record for the sender,
    // prepared with the CLI: the window test is about the page, not setup.
    dovecot.deliver("recruiter", "INBOX", CANDIDATE_MAIL.as_bytes())?;
    let cli = Cli::with_passphrase(tmp.path(), PASSPHRASE);
    cli.run(&["init"]).ok();
    dovecot
        .add_sending_account(&cli, postfix.submissions_port)
        .ok();
    cli.run(&["sync"]).ok();
    let candidate = cli
        .run(&[
            "--json",
            "record",
            "add",
            "candidate",
            "--first-name",
            "Celina",
            "--last-name",
            "Nowak",
            "--email",
            "Candidate@Test",
        ])
        .ok()
        .json()["id"]
        .as_i64()
        .context("record id")?;

    let OpenApp {
        client,
        display,
        driver: _driver,
    } = open_unlocked(
        tmp.path(),
        &cli.data_dir,
        PASSPHRASE,
        "record-reply",
        &format!("#/candidates/{candidate}"),
    )
    .await?;

    let row = text_of(&client, "[data-testid=thread-row]").await?;
    ensure!(
        row.contains("Backend role in Kraków"),
        "the candidate's mail is on the candidate's page: {row:?}"
    );
    screenshot(&client, &display, "record-page-emails.png").await?;

    click(&client, "[data-testid=thread-row]").await?;
    let body = text_of(&client, "[data-testid=message-body]").await?;
    ensure!(
        body.contains("would like to talk"),
        "the conversation opens with the message's text: {body:?}"
    );
    click(&client, "[data-testid=reply]").await?;
    let to = wait_for(&client, "[data-testid=compose-form] input[name=to]")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        to.contains("candidate@test"),
        "a reply is addressed to the sender: {to:?}"
    );
    fill(
        &client,
        "[data-testid=compose-form] textarea[name=body]",
        "Thursday at 10:00 works for me. Talk soon!",
    )
    .await?;
    click(&client, "[data-testid=compose-send]").await?;

    // A few seconds in the outbox for Undo, then it goes, and the user is told.
    let outcome = text_of(&client, "[data-testid=compose-outcome]").await?;
    ensure!(
        outcome.contains("Sending in"),
        "the undo window is shown: {outcome:?}"
    );
    wait_for(&client, "[data-testid=undo-send]").await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let outcome = text_of(&client, "[data-testid=compose-outcome]").await?;
        if outcome.contains("Sent.") {
            break;
        }
        ensure!(
            std::time::Instant::now() < deadline,
            "the user is told it went: {outcome:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // The reply is in the same conversation, newest, expanded.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while messages_shown(&client).await? < 2 {
        ensure!(
            std::time::Instant::now() < deadline,
            "the reply did not join the conversation"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let bodies = client
        .find_all(Locator::Css(
            "[data-testid=conversation] [data-testid=message-body]",
        ))
        .await?;
    let newest = bodies.last().context("an expanded message")?.text().await?;
    ensure!(
        newest.contains("Thursday at 10:00"),
        "the newest message shown is the reply: {newest:?}"
    );
    let rows_after = client
        .find_all(Locator::Css("[data-testid=thread-row]"))
        .await?;
    ensure!(rows_after.is_empty(), "the conversation stays open");
    screenshot(&client, &display, "record-page-reply.png").await?;
    client.close().await?;

    // The candidate has the reply exactly once.
    let outbox = cli.run(&["--json", "outbox"]).ok().json();
    let message_id = outbox
        .as_array()
        .and_then(|a| a.first())
        .and_then(|m| m["message_id_header"].as_str())
        .context("the reply in the outbox's record")?
        .trim_matches(['<', '>'])
        .to_owned();
    ensure!(
        outbox[0]["state"] == "sent",
        "the outbox says sent: {outbox}"
    );
    let delivered = dovecot.delivered("candidate", "INBOX", &message_id);
    ensure!(
        delivered == 1,
        "the candidate received the reply once, not {delivered} times"
    );
    Ok(())
}
