//! The calendar in the real window: an interview scheduled from a
//! candidate's page (job picked, interviewer invited, with the warning that
//! Microsoft 365 sends the invitation) is stored with its links and shows
//! in the week view with the candidate's name; an .ics file imported from
//! the calendar page shows its events marked imported.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use candor_tests::Cli;
use candor_tests::driver::wait_for;
use fantoccini::Client;

use crate::ui::{OpenApp, click, fill, open_unlocked, screenshot, text_of, until};

const PASSPHRASE: &str = "calendar page passphrase";

fn add(cli: &Cli, args: &[&str]) -> Result<i64> {
    let mut all = vec!["--json", "record", "add"];
    all.extend_from_slice(args);
    cli.run(&all).ok().json()["id"]
        .as_i64()
        .context("record id")
}

/// Sets a date or time input the way a user's picker does (WebDriver cannot
/// type into them reliably): the value, then the input event Svelte hears.
async fn set_input(client: &Client, css: &str, value: &str) -> Result<()> {
    client
        .execute(
            "const el = document.querySelector(arguments[0]);
             el.value = arguments[1];
             el.dispatchEvent(new Event('input', { bubbles: true }));
             el.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![css.into(), value.into()],
        )
        .await?;
    Ok(())
}

/// The titles and texts of the events the calendar shows.
async fn shown_events(client: &Client) -> Result<Vec<String>> {
    let texts = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=calendar-event]')].map((e) => e.innerText.replace(/\\s+/g, ' ').trim());",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(texts)?)
}

fn ics(today: jiff::civil::Date) -> String {
    let day = today.strftime("%Y%m%d").to_string();
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:imported-1@test\r\nSUMMARY:Career fair\r\n\
DTSTART:{day}T150000Z\r\nDTEND:{day}T160000Z\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interview_scheduled_from_a_candidates_page_shows_in_the_calendar() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let cli = Cli::with_passphrase(tmp.path(), PASSPHRASE);
    cli.run(&["init"]).ok();
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
    let job = add(&cli, &["job", "--title", "Senior Rust Engineer"])?;

    let OpenApp {
        client,
        display,
        driver: _driver,
    } = open_unlocked(
        tmp.path(),
        &cli.data_dir,
        PASSPHRASE,
        "calendar",
        &format!("#/candidates/{zofia}"),
    )
    .await?;

    // The zone the window shows times in, to know what 10:00 tomorrow is.
    let zone: String = serde_json::from_value(
        client
            .execute(
                "return Intl.DateTimeFormat().resolvedOptions().timeZone;",
                vec![],
            )
            .await?,
    )?;
    let tz = jiff::tz::TimeZone::get(&zone).context("the window's zone")?;
    let today = jiff::Timestamp::now().to_zoned(tz.clone()).date();
    let tomorrow = today.tomorrow()?;
    let starts = tomorrow.at(10, 0, 0, 0).to_zoned(tz.clone())?.timestamp();

    wait_for(&client, "[data-testid=record-events]").await?;
    click(&client, "[data-testid=schedule-interview]").await?;
    wait_for(&client, "[data-testid=event-editor]").await?;
    wait_for(&client, "[data-testid=candidate_id-linked]").await?;
    let linked = text_of(&client, "[data-testid=candidate_id-linked]").await?;
    ensure!(
        linked.contains("Zofia Nowak"),
        "the candidate of the page is linked: {linked:?}"
    );
    fill(&client, "[data-testid=job_id-search]", "Rust").await?;
    wait_for(&client, "[data-testid=job_id-option]").await?;
    click(&client, "[data-testid=job_id-option]").await?;
    wait_for(&client, "[data-testid=job_id-linked]").await?;
    set_input(
        &client,
        "[data-testid=event-editor] input[name=start_date]",
        &tomorrow.to_string(),
    )
    .await?;
    set_input(
        &client,
        "[data-testid=event-editor] input[name=start_time]",
        "10:00",
    )
    .await?;
    set_input(
        &client,
        "[data-testid=event-editor] input[name=end_date]",
        &tomorrow.to_string(),
    )
    .await?;
    set_input(
        &client,
        "[data-testid=event-editor] input[name=end_time]",
        "11:00",
    )
    .await?;
    fill(
        &client,
        "[data-testid=event-editor] textarea[name=attendees]",
        "Kim Lee <kim@agency.example>",
    )
    .await?;
    wait_for(&client, "[data-testid=invitation-warning]").await?;
    screenshot(&client, &display, "calendar-interview-editor.png").await?;
    click(&client, "[data-testid=event-save]").await?;

    until(
        &client,
        "return document.querySelector('[data-testid=record-event]')?.innerText ?? '';",
        Duration::from_secs(10),
        "the interview on the candidate's page",
    )
    .await?;

    // Stored as an interview: both links, the interviewer, the time.
    let events = cli
        .run(&[
            "--json",
            "calendar",
            "events",
            "--from",
            &today.to_string(),
            "--to",
            &tomorrow.tomorrow()?.tomorrow()?.to_string(),
            "--tz",
            &zone,
        ])
        .ok()
        .json();
    let interview = &events.as_array().context("events")?[0];
    ensure!(
        interview["candidate_id"] == zofia && interview["job_id"] == job,
        "linked to the candidate and the job: {interview}"
    );
    ensure!(
        interview["starts_at"] == starts.as_second()
            && interview["ends_at"] == starts.as_second() + 3600,
        "10:00 to 11:00 tomorrow in {zone}: {interview}"
    );
    ensure!(
        interview["attendees"][0]["address"] == "kim@agency.example"
            && interview["attendees"][0]["display_name"] == "Kim Lee",
        "the interviewer is an attendee: {interview}"
    );
    ensure!(
        interview["time_zone"] == zone,
        "made in the window's zone: {interview}"
    );

    // The calendar's week (or the next, when tomorrow starts a new week).
    click(&client, "[data-testid=nav-calendar]").await?;
    wait_for(&client, "[data-testid=calendar-week]").await?;
    let mut shown = Vec::new();
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        shown = shown_events(&client).await?;
        if shown.iter().any(|e| e.contains("Zofia Nowak")) {
            break;
        }
        click(&client, "[data-testid=calendar-next]").await?;
    }
    ensure!(
        shown
            .iter()
            .any(|e| e.contains("Zofia Nowak") && e.contains("Senior Rust Engineer")),
        "the week shows the interview with candidate and job: {shown:?}"
    );
    screenshot(&client, &display, "calendar-week.png").await?;

    // Import an .ics file with an event today.
    click(&client, "[data-testid=calendar-today]").await?;
    let file = tmp.path().join("fair.ics");
    std::fs::write(&file, ics(today))?;
    // WebDriver chooses a file for an <input type=file> by sending its path.
    wait_for(&client, "[data-testid=calendar-import]")
        .await?
        .send_keys(file.to_str().context("utf-8 path")?)
        .await?;
    let report = until(
        &client,
        "return document.querySelector('[data-testid=ics-report]')?.innerText ?? '';",
        Duration::from_secs(10),
        "the import report",
    )
    .await?;
    ensure!(
        report.as_str().is_some_and(|r| r.contains('1')),
        "the report counts the imported event: {report}"
    );
    until(
        &client,
        "return [...document.querySelectorAll('[data-testid=calendar-event].imported')].some((e) => e.innerText.includes('Career fair'));",
        Duration::from_secs(10),
        "the imported event, marked imported, in the week",
    )
    .await?;
    screenshot(&client, &display, "calendar-imported.png").await?;

    // Month view shows both.
    click(&client, "[data-testid=calendar-view-month]").await?;
    wait_for(&client, "[data-testid=calendar-month]").await?;
    screenshot(&client, &display, "calendar-month.png").await?;
    Ok(())
}
