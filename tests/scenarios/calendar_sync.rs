//! Calendar sync with Microsoft 365 through the real `candor` binary against
//! the Graph double (tests/harness/graph.rs) and the identity double: the
//! first sync's limit and order, edits on both sides, an expired delta
//! token in the middle of a round, throttling, the user deleting the
//! calendar, and disabling.

use candor_core::api::calendar::EventInput;
use candor_tests::graph::{Expiry, GraphServer};
use candor_tests::oauth::{AuthServer, Flavor};
use candor_tests::{Cli, CliRun};
use serde_json::{Value, json};

const PASSPHRASE: &str = "calendar scenario";

pub(crate) struct Env {
    auth: AuthServer,
    pub(crate) graph: GraphServer,
    pub(crate) cli: Cli,
    _tmp: tempfile::TempDir,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        .try_into()
        .expect("i64")
}

/// A database with a Microsoft account "Work", not yet signed in.
fn setup() -> Env {
    let auth = AuthServer::start(Flavor::Microsoft).expect("identity double");
    let graph = GraphServer::start(auth.graph_token_check()).expect("graph double");
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut cli = Cli::with_passphrase(tmp.path(), PASSPHRASE);
    cli.envs.extend(auth.env());
    cli.envs.push(("CANDOR_GRAPH_URL".into(), graph.base_url()));
    cli.envs.push(("CANDOR_LOG".into(), "debug".into()));
    cli.run(&["init"]).ok();
    cli.add_microsoft_account("Work", "recruiter@test");
    Env {
        auth,
        graph,
        cli,
        _tmp: tmp,
    }
}

/// Signs "Work" in, as the user would in the browser.
fn sign_in(env: &Env) {
    env.auth
        .sign_in_with_cli(&env.cli, "Work", "recruiter@test")
        .expect("sign in");
}

pub(crate) fn signed_in() -> Env {
    let env = setup();
    sign_in(&env);
    env
}

pub(crate) fn open(env: &Env) -> candor_core::api::Candor {
    candor_core::api::Candor::open(
        &env.cli.data_dir,
        &candor_core::Unlock::Passphrase(zeroize::Zeroizing::new(PASSPHRASE.into())),
        false,
    )
    .expect("open the database")
}

fn input(title: &str, start: i64) -> EventInput {
    EventInput {
        title: title.into(),
        starts_at: start,
        ends_at: start + 1800,
        time_zone: "UTC".into(),
        is_all_day: false,
        location: None,
        is_online_meeting: false,
        notes: String::new(),
        candidate_id: None,
        job_id: None,
        attendees: vec![],
    }
}

fn rfc3339(unix: i64) -> String {
    jiff::Timestamp::from_second(unix)
        .expect("ts")
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn events(cli: &Cli) -> Vec<Value> {
    cli.run(&[
        "--json",
        "calendar",
        "events",
        "--from",
        "2000-01-01",
        "--to",
        "2100-01-01",
    ])
    .ok()
    .json()
    .as_array()
    .cloned()
    .expect("a list")
}

fn titles(cli: &Cli) -> Vec<String> {
    let mut t: Vec<String> = events(cli)
        .iter()
        .map(|e| e["title"].as_str().expect("title").to_owned())
        .collect();
    t.sort();
    t
}

fn remote_subjects(graph: &GraphServer, calendar: &str) -> Vec<String> {
    let mut s: Vec<String> = graph
        .events(calendar)
        .iter()
        .map(|e| e["subject"].as_str().unwrap_or_default().to_owned())
        .collect();
    s.sort();
    s
}

/// No token or code the identity double issued appears in what Candor printed.
fn assert_no_token(env: &Env, run: &CliRun) {
    for token in env.auth.issued() {
        assert!(
            !run.stderr.contains(&token) && !run.stdout.contains(&token),
            "a token reached the output"
        );
    }
}

#[test]
fn enabling_without_a_microsoft_sign_in_says_what_to_do() {
    let env = setup();
    let run = env.cli.run(&["calendar", "enable"]);
    assert_ne!(run.status, 0, "no sync without a sign-in");
    assert!(
        run.stderr.contains("Sign in to Microsoft") || run.stdout.contains("Sign in to Microsoft"),
        "the error says to sign in: {} {}",
        run.stdout,
        run.stderr
    );
    assert_eq!(env.graph.request_count(), 0, "nothing reached Graph");
}

#[test]
fn initial_sync_of_6000_events_sends_5000_future_first_then_most_recent_past() {
    let env = signed_in();
    let now = now();
    let mut expected = Vec::new();
    {
        let candor = open(&env);
        // Past ones inserted first and future ones out of order: the order
        // sent must come from the times, not from insertion.
        for i in 0..3000 {
            let title = format!("past {i:04}");
            candor_core::api::calendar::add(&candor, &input(&title, now - 3600 * (i + 1)))
                .expect("add");
        }
        for i in (0..3000).rev() {
            let title = format!("future {i:04}");
            candor_core::api::calendar::add(&candor, &input(&title, now + 3600 * (i + 1)))
                .expect("add");
        }
        for i in 0..5 {
            candor_core::api::calendar::add_imported(
                &candor,
                &input(&format!("imported {i}"), now + 600),
            )
            .expect("add imported");
        }
    }
    expected.extend((0..3000).map(|i| format!("future {i:04}")));
    expected.extend((0..2000).map(|i| format!("past {i:04}")));

    env.graph
        .inject(&[(429, Some("0.25")), (503, None), (504, None)]);
    let started = std::time::Instant::now();
    let run = env.cli.run(&["--json", "calendar", "enable"]).ok();
    let elapsed = started.elapsed();
    assert_no_token(&env, &run);
    let report = run.json();
    // The benchmark's figure (not a timed assertion).
    eprintln!(
        "initial calendar sync: {} events in {:.1} s, {} HTTP requests over {} connections",
        report["created_remote"],
        elapsed.as_secs_f64(),
        report["requests"],
        env.graph.connections()
    );
    assert!(
        env.graph.connections() <= 8,
        "connections are kept open and reused, not one per request: {}",
        env.graph.connections()
    );
    assert_eq!(report["created_remote"], 5000, "{report}");
    assert_eq!(report["set_aside"], 1000, "{report}");

    let sent = env.graph.created_subjects();
    assert_eq!(sent.len(), 5000, "exactly 5,000 creates reached Graph");
    assert!(
        sent.iter().all(|s| !s.starts_with("imported")),
        "imported events are never synced"
    );
    let position: std::collections::HashMap<&str, usize> = expected
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    for (i, s) in sent.iter().enumerate() {
        let want = *position
            .get(s.as_str())
            .unwrap_or_else(|| panic!("{s} should not have been sent"));
        assert!(
            want.abs_diff(i) <= 4,
            "{s} arrived as #{i}, expected about #{want} (future soonest first, then the most recent past; four in flight at once)"
        );
    }
    assert!(
        env.graph.max_in_flight() <= 4,
        "at most 4 concurrent requests per mailbox, saw {}",
        env.graph.max_in_flight()
    );
    let requests = env.graph.requests();
    let creates: Vec<_> = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/events"))
        .collect();
    assert!(
        creates.iter().all(|r| r.body["transactionId"]
            .as_str()
            .is_some_and(|t| t.len() == 36)),
        "every create carries a transactionId"
    );
    assert!(
        requests
            .iter()
            .all(|r| r.prefer.iter().any(|p| p == "IdType=\"ImmutableId\"")),
        "every request asks for immutable ids"
    );
    for status in [429, 503, 504] {
        assert!(
            requests.iter().any(|r| r.status == status),
            "the injected {status} was met and retried"
        );
    }
    assert!(
        elapsed >= std::time::Duration::from_millis(250),
        "the fractional Retry-After was honoured"
    );

    // The next run takes in the round that saw our own creates; after
    // that, a sync with no changes costs one request.
    env.cli.run(&["calendar", "sync"]).ok();
    let before = env.graph.request_count();
    let quiet = env.cli.run(&["--json", "calendar", "sync"]).ok().json();
    assert_eq!(
        env.graph.request_count() - before,
        1,
        "an incremental sync with no changes is one request: {quiet}"
    );
    assert_eq!(quiet["created_remote"], 0);
    assert_eq!(quiet["updated_remote"], 0);
}

#[test]
fn an_event_edited_on_both_sides_the_most_recent_change_wins_and_the_loser_is_shown() {
    let env = signed_in();
    let start = now() + 86_400;
    let added = env
        .cli
        .run(&[
            "--json",
            "calendar",
            "add",
            "--title",
            "Interview Ana",
            "--start",
            &rfc3339(start),
            "--end",
            &rfc3339(start + 3600),
            "--tz",
            "Europe/Warsaw",
            "--attendee",
            "Hiring.Manager@Client.example",
        ])
        .ok()
        .json();
    let ana = added["id"].as_i64().expect("id").to_string();
    let added = env
        .cli
        .run(&[
            "--json",
            "calendar",
            "add",
            "--title",
            "Call Bo",
            "--start",
            &rfc3339(start + 7200),
            "--end",
            &rfc3339(start + 9000),
        ])
        .ok()
        .json();
    let bo = added["id"].as_i64().expect("id").to_string();
    env.cli.run(&["calendar", "enable"]).ok();

    let remote = env.graph.events("Candor");
    let ana_remote = remote
        .iter()
        .find(|e| e["subject"] == "Interview Ana")
        .expect("sent");
    assert_eq!(
        ana_remote["originalStartTimeZone"], "Central European Standard Time",
        "an IANA zone goes out by its Windows name"
    );
    assert_eq!(
        ana_remote["attendees"][0]["emailAddress"]["address"],
        "Hiring.Manager@Client.example"
    );
    assert!(
        ana_remote["start"]["dateTime"]
            .as_str()
            .is_some_and(|d| d.starts_with(&rfc3339(start)[..19])),
        "stored and echoed in UTC: {}",
        ana_remote["start"]
    );

    // Ana: edited in Outlook an hour ago, then here now: Candor's wins.
    env.graph.user_edits_event(
        "Interview Ana",
        &json!({"subject": "Interview Ana (room 2)"}),
        now() - 3600,
    );
    env.cli
        .run(&["calendar", "edit", &ana, "--title", "Interview Ana (moved)"])
        .ok();
    // Bo: edited here, then in Outlook later: Outlook's wins.
    env.cli
        .run(&["calendar", "edit", &bo, "--title", "Call Bo (here)"])
        .ok();
    env.graph.user_edits_event(
        "Call Bo",
        &json!({"subject": "Call Bo (Outlook)"}),
        now() + 3600,
    );

    let report = env.cli.run(&["--json", "calendar", "sync"]).ok().json();
    assert_eq!(report["conflicts"], 2, "{report}");
    assert_eq!(
        remote_subjects(&env.graph, "Candor"),
        ["Call Bo (Outlook)", "Interview Ana (moved)"]
    );
    assert_eq!(
        titles(&env.cli),
        ["Call Bo (Outlook)", "Interview Ana (moved)"]
    );

    let status = env.cli.run(&["--json", "calendar", "status"]).ok().json();
    let conflicts = status["conflicts"].as_array().expect("conflicts");
    let overwritten: Vec<(&str, &str)> = conflicts
        .iter()
        .map(|c| {
            (
                c["winner"].as_str().expect("winner"),
                c["overwritten_title"].as_str().expect("title"),
            )
        })
        .collect();
    assert!(
        overwritten.contains(&("local", "Interview Ana (room 2)")),
        "the user sees what was overwritten: {overwritten:?}"
    );
    assert!(
        overwritten.contains(&("remote", "Call Bo (here)")),
        "{overwritten:?}"
    );
    let text = env.cli.run(&["calendar", "status"]).ok().stdout;
    assert!(text.contains("Interview Ana (room 2)"), "{text}");

    // Changed in Outlook but not yet in delta (processing delays): the
    // update meets a 412, reads the event, and the newer side wins.
    env.graph.user_edits_event_unseen(
        "Call Bo (Outlook)",
        &json!({"location": {"displayName": "Room 7"}}),
        now() - 7200,
    );
    env.cli
        .run(&["calendar", "edit", &bo, "--title", "Call Bo (final)"])
        .ok();
    let report = env.cli.run(&["--json", "calendar", "sync"]).ok().json();
    assert_eq!(report["conflicts"], 1, "{report}");
    assert!(
        env.graph
            .requests()
            .iter()
            .any(|r| r.method == "PATCH" && r.status == 412),
        "the stale ETag was refused"
    );
    assert!(remote_subjects(&env.graph, "Candor").contains(&"Call Bo (final)".to_owned()));

    // Edits made after a sync go with If-Match.
    env.cli
        .run(&["calendar", "edit", &ana, "--title", "Interview Ana (final)"])
        .ok();
    env.cli.run(&["calendar", "sync"]).ok();
    let patch = env
        .graph
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "PATCH")
        .expect("a PATCH");
    assert!(
        patch
            .if_match
            .as_deref()
            .is_some_and(|m| m.starts_with("W/\"")),
        "updates carry the ETag: {:?}",
        patch.if_match
    );
}

#[test]
fn an_expired_delta_token_mid_round_is_answered_by_a_full_resync_with_deletions_reconciled() {
    let env = signed_in();
    let now = now();
    {
        let candor = open(&env);
        for i in 0..30 {
            candor_core::api::calendar::add(
                &candor,
                &input(&format!("E{i:02}"), now + 3600 * (i + 1)),
            )
            .expect("add");
        }
        // Far in the past: outside the delta window, sent by the first sync.
        candor_core::api::calendar::add(&candor, &input("Ancient", now - 3 * 365 * 86_400))
            .expect("add");
    }
    env.cli.run(&["calendar", "enable"]).ok();
    env.cli.run(&["calendar", "sync"]).ok();
    assert_eq!(env.graph.events("Candor").len(), 31);

    env.graph.be_awkward(7);
    // An event moved out of the window comes as @removed: not a deletion.
    env.graph.user_edits_event(
        "E00",
        &json!({"start": {"dateTime": "2099-01-01T10:00:00", "timeZone": "UTC"},
                "end": {"dateTime": "2099-01-01T11:00:00", "timeZone": "UTC"}}),
        now,
    );
    env.graph.user_deletes_event("E01");
    env.graph
        .user_creates_event("Candor", "From Outlook", now + 7200, now + 9000);
    let report = env.cli.run(&["--json", "calendar", "sync"]).ok().json();
    assert_eq!(report["deleted_local"], 1, "{report}");
    let local = titles(&env.cli);
    assert!(
        local.contains(&"E00".to_owned()),
        "moved out of the window is not deleted"
    );
    assert!(!local.contains(&"E01".to_owned()), "deleted in Outlook");
    assert!(local.contains(&"From Outlook".to_owned()));

    // Many changes (pages of at most 7), a deletion, and the token dies on
    // the second $skiptoken page.
    for i in 2..25 {
        env.graph.user_edits_event(
            &format!("E{i:02}"),
            &json!({"subject": format!("E{i:02} edited")}),
            now,
        );
    }
    env.graph.user_deletes_event("E25");
    env.graph.expire_mid_round(2, Expiry::Gone410);
    let before = env.graph.request_count();
    let report = env.cli.run(&["--json", "calendar", "sync"]).ok().json();
    assert_eq!(report["full_resync"], true, "{report}");
    let round: Vec<_> = env.graph.requests()[before..].to_vec();
    let gone = round
        .iter()
        .position(|r| r.status == 410)
        .expect("the double answered 410");
    assert!(
        round[gone + 1..]
            .iter()
            .any(|r| r.path.ends_with("/calendarView/delta") && r.status == 200),
        "a fresh round followed"
    );
    assert!(
        round
            .iter()
            .filter(|r| r.query.contains("token=") && !r.query.ends_with("token="))
            .all(|r| !r.query.contains("startDateTime")),
        "links are used verbatim, without re-adding the window"
    );
    let local = titles(&env.cli);
    assert!(
        !local.contains(&"E25".to_owned()),
        "the deletion was reconciled: {local:?}"
    );
    assert!(local.contains(&"E24 edited".to_owned()), "{local:?}");
    assert!(
        local.contains(&"Ancient".to_owned()),
        "out of the window: kept"
    );
    assert!(local.contains(&"E00".to_owned()), "out of the window: kept");

    // Either casing, 400 or 410: the same full resync.
    for how in [
        Expiry::BadRequestSyncStateNotFound,
        Expiry::BadRequestResyncRequired,
    ] {
        env.graph.expire_tokens(how);
        let report = env.cli.run(&["--json", "calendar", "sync"]).ok().json();
        assert_eq!(report["full_resync"], true, "{how:?}: {report}");
    }
    assert_eq!(titles(&env.cli).len(), 30, "nothing lost or duplicated");
}

#[test]
fn the_user_deleting_the_calendar_in_microsoft_365_turns_sync_off_without_recreating_it() {
    let env = signed_in();
    let start = now() + 3600;
    for t in ["One", "Two"] {
        env.cli
            .run(&[
                "calendar",
                "add",
                "--title",
                t,
                "--start",
                &rfc3339(start),
                "--end",
                &rfc3339(start + 60),
            ])
            .ok();
    }
    env.cli.run(&["calendar", "enable"]).ok();
    env.graph.user_deletes_calendar("Candor");

    let run = env.cli.run(&["calendar", "sync"]);
    assert_ne!(run.status, 0, "the user is told");
    assert!(
        run.stderr.contains("deleted in Microsoft 365")
            || run.stdout.contains("deleted in Microsoft 365"),
        "{} {}",
        run.stdout,
        run.stderr
    );
    let status = env.cli.run(&["--json", "calendar", "status"]).ok().json();
    assert_eq!(status["enabled"], false);
    assert!(
        status["disabled_reason"]
            .as_str()
            .is_some_and(|r| r.contains("deleted"))
    );
    assert_eq!(titles(&env.cli), ["One", "Two"], "local events stay");
    let posts_before = env
        .graph
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    let again = env.cli.run(&["calendar", "sync"]);
    assert_ne!(again.status, 0);
    assert!(
        env.graph.calendar_names().is_empty(),
        "never re-created silently"
    );
    assert_eq!(
        env.graph
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        posts_before
    );
}

#[test]
fn disabling_deletes_the_remote_calendar_keeps_local_events_and_leaves_the_users_own_alone() {
    let env = signed_in();
    // The user already has a calendar of their own called "Candor".
    env.graph.user_creates_calendar("Candor");
    let start = now() + 3600;
    env.cli
        .run(&[
            "calendar",
            "add",
            "--title",
            "Kept",
            "--start",
            &rfc3339(start),
            "--end",
            &rfc3339(start + 60),
        ])
        .ok();
    env.cli.run(&["calendar", "enable"]).ok();
    let status = env.cli.run(&["--json", "calendar", "status"]).ok().json();
    assert_eq!(
        status["container"], "Candor (2)",
        "the user's calendar is not adopted"
    );
    assert_eq!(remote_subjects(&env.graph, "Candor (2)"), ["Kept"]);
    assert!(remote_subjects(&env.graph, "Candor").is_empty());

    env.cli.run(&["calendar", "disable"]).ok();
    assert_eq!(
        env.graph.calendar_names(),
        ["Candor"],
        "only ours was deleted"
    );
    assert_eq!(titles(&env.cli), ["Kept"], "everything stays in Candor");
    let status = env.cli.run(&["--json", "calendar", "status"]).ok().json();
    assert_eq!(status["enabled"], false);

    // Enabling again reuses nothing stale: a new calendar with the event.
    env.cli.run(&["calendar", "enable"]).ok();
    assert_eq!(remote_subjects(&env.graph, "Candor (2)"), ["Kept"]);
}

#[test]
fn a_create_retried_after_a_gateway_timeout_is_not_duplicated() {
    let env = signed_in();
    let start = now() + 3600;
    env.cli
        .run(&[
            "calendar",
            "add",
            "--title",
            "Once",
            "--start",
            &rfc3339(start),
            "--end",
            &rfc3339(start + 60),
        ])
        .ok();
    // The first POST creates the event and still answers 504.
    env.graph.fail_after_create(1);
    env.cli.run(&["calendar", "enable"]).ok();
    let posts: Vec<_> = env
        .graph
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/events"))
        .collect();
    assert_eq!(posts.len(), 2, "retried once");
    assert_eq!(
        posts[0].body["transactionId"], posts[1].body["transactionId"],
        "the retry carries the same transactionId"
    );
    assert_eq!(
        remote_subjects(&env.graph, "Candor"),
        ["Once"],
        "one event, not two"
    );
    env.cli.run(&["calendar", "sync"]).ok();
    assert_eq!(titles(&env.cli), ["Once"]);
}

/// The access token dies while Candor still thinks it valid (revoked, or
/// expired in the middle of a long first sync): Graph answers 401, and the
/// run renews the token once and carries on instead of failing until the
/// token's own expiry time.
#[test]
fn a_refused_access_token_is_renewed_and_the_run_resumes() {
    let env = signed_in();
    env.cli.run(&["calendar", "enable"]).ok();
    let start = now() + 3600;
    env.cli
        .run(&[
            "calendar",
            "add",
            "--title",
            "After renewal",
            "--start",
            &rfc3339(start),
            "--end",
            &rfc3339(start + 60),
        ])
        .ok();
    let refreshes = env.auth.refreshes();
    env.auth.expire_access_tokens();

    let run = env.cli.run(&["calendar", "sync"]).ok();
    assert_no_token(&env, &run);
    assert_eq!(env.auth.refreshes(), refreshes + 1, "renewed once");
    assert!(
        env.graph.requests().iter().any(|r| r.status == 401),
        "Graph did refuse the old token"
    );
    assert_eq!(remote_subjects(&env.graph, "Candor"), ["After renewal"]);
    let status = env.cli.run(&["--json", "calendar", "status"]).ok().json();
    assert_eq!(status["last_error"], Value::Null);

    // Once the refresh token is revoked too, the run stops and says to sign in.
    env.auth.revoke_refresh_tokens();
    env.auth.expire_access_tokens();
    let run = env.cli.run(&["calendar", "sync"]);
    assert_ne!(run.status, 0);
    assert!(
        run.stderr.contains("Sign in"),
        "the error says to sign in again: {}",
        run.stderr
    );
}
