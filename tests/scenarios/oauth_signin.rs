//! Signing in with the provider (OAuth 2.0, authorization code + PKCE, a
//! loopback redirect) against the identity double, then XOAUTH2 against a
//! real Dovecot (oauth2 passdb asking the double's introspection endpoint)
//! and a real Postfix (SASL through that Dovecot). The browser is played by
//! the test: it follows the authorization URL the CLI prints and logs in.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use candor_tests::dovecot::{Dovecot, USERS};
use candor_tests::oauth::{AuthServer, Flavor, http_get};
use candor_tests::postfix::Postfix;
use candor_tests::{Cli, CliRun};

/// A CLI with the double's configuration and an OAuth account "Work" on
/// the test servers (IMAP over TLS, SMTP over TLS), not yet signed in.
fn setup(
    tmp: &std::path::Path,
    auth: &AuthServer,
    dovecot: &Dovecot,
    smtp_port: Option<u16>,
    provider: &str,
) -> Cli {
    let mut cli = Cli::with_passphrase(tmp, "oauth scenario");
    cli.envs.extend(auth.env());
    cli.run(&["init"]).ok();
    let mut cmd = cli.command();
    cmd.args([
        "account",
        "add",
        "--name",
        "Work",
        "--email",
        "recruiter@test",
    ])
    .args(["--oauth", provider, "--username", USERS[0].0])
    .args(["--imap-host", "localhost", "--imap-port"])
    .arg(dovecot.imaps_port.to_string())
    .args(["--imap-security", "tls", "--trust-cert"])
    .arg(dovecot.dir().join("cert.pem"));
    // Without Postfix, a dead local port: never the provider's real server.
    let port = smtp_port.unwrap_or_else(|| candor_tests::free_port().expect("port"));
    cmd.args(["--smtp-host", "localhost", "--smtp-port"])
        .arg(port.to_string())
        .args(["--smtp-security", "tls"]);
    let added = CliRun::from(cmd.output().expect("run candor"));
    added.ok();
    cli
}

/// Starts `candor account login Work` and returns it with the
/// authorization URL it printed.
fn start_login(cli: &Cli) -> (Child, String) {
    let mut child = cli
        .command()
        .args(["account", "login", "Work", "--timeout", "30"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run candor account login");
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().expect("stdout"))
        .read_line(&mut first)
        .expect("read the authorization URL");
    (child, first.trim().to_owned())
}

fn finish(child: Child) -> CliRun {
    CliRun::from(child.wait_with_output().expect("wait for candor"))
}

/// The whole sign-in, as a user in a browser would do it.
fn sign_in(cli: &Cli, auth: &AuthServer) -> CliRun {
    let (child, url) = start_login(cli);
    let back = auth
        .log_in(&url, USERS[0].0, false)
        .expect("log in at the double");
    let (status, _, page) = http_get(&back).expect("the browser comes back to Candor");
    assert_eq!(status, 200, "the loopback page: {page}");
    assert!(page.contains("Signed in"), "{page}");
    finish(child)
}

fn status(cli: &Cli) -> serde_json::Value {
    cli.run(&["--json", "account", "list"]).ok().json()[0].clone()
}

fn deliver(dovecot: &Dovecot, n: u32) {
    dovecot
        .deliver(
            USERS[0].0,
            "INBOX",
            format!("From: cand{n}@cand.example\r\nTo: recruiter@test\r\nSubject: CV {n}\r\nMessage-ID: <cv{n}@cand.example>\r\n\r\nMy CV.\r\n").as_bytes(),
        )
        .expect("deliver");
}

fn threads(cli: &Cli) -> usize {
    cli.run(&["--json", "threads"])
        .ok()
        .json()
        .as_array()
        .map_or(0, Vec::len)
}

#[test]
fn signing_in_with_microsoft_then_imap_and_smtp_with_xoauth2_end_to_end() {
    let auth = AuthServer::start(Flavor::Microsoft).expect("identity double");
    let dovecot = Dovecot::start_with_oauth(&auth.introspection_url()).expect("dovecot");
    let postfix = Postfix::start(&dovecot).expect("postfix");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = setup(
        tmp.path(),
        &auth,
        &dovecot,
        Some(postfix.submissions_port),
        "microsoft",
    );
    assert_eq!(status(&cli)["status"], "needs_sign_in");
    let before = cli.run(&["sync"]);
    assert_ne!(before.status, 0, "no sync before signing in");
    assert!(
        before.stdout.contains("Sign in to Microsoft"),
        "{}",
        before.stdout
    );

    let (child, url) = start_login(&cli);
    assert!(
        url.starts_with(&format!(
            "{}/organizations/oauth2/v2.0/authorize?",
            auth.base_url()
        )),
        "the authority and tenant are configuration: {url}"
    );
    for part in [
        "code_challenge_method=S256",
        "redirect_uri=http%3A%2F%2F127.0.0.1%3A",
        "login_hint=recruiter%40test",
        "offline_access",
    ] {
        assert!(url.contains(part), "{part} in {url}");
    }
    assert!(
        !url.contains("client_secret"),
        "a public client has no secret: {url}"
    );
    let back = auth.log_in(&url, USERS[0].0, false).expect("log in");
    let (code, _, _) = http_get(&back).expect("back to Candor");
    assert_eq!(code, 200);
    let login = finish(child).ok();
    assert!(
        login.stdout.contains("Signed in \"Work\""),
        "{}",
        login.stdout
    );
    assert_eq!(auth.code_redemptions(), 1);

    deliver(&dovecot, 1);
    let sync = cli
        .command()
        .arg("sync")
        .env("CANDOR_LOG", "trace")
        .output()
        .expect("sync");
    let sync = CliRun::from(sync).ok();
    assert_eq!(threads(&cli), 1, "mail fetched over IMAP with XOAUTH2");
    assert_eq!(status(&cli)["status"], "connected");
    assert!(auth.introspections() >= 1, "Dovecot asked the double");
    assert!(
        dovecot.log().contains("oauth2") || auth.introspections() >= 1,
        "{}",
        dovecot.log()
    );

    let report = cli.run(&["--json", "account", "test", "Work"]).ok().json();
    assert_eq!(report["incoming"]["ok"], true, "{report}");
    assert_eq!(
        report["outgoing"]["ok"], true,
        "SMTP AUTH XOAUTH2 via Postfix: {report}"
    );

    let sent = cli
        .command()
        .args(["send", "--account", "Work", "--to", "candidate@test"])
        .args(["--subject", "Interview", "--body", "Thursday at 10?"])
        .env("CANDOR_LOG", "trace")
        .output()
        .expect("send");
    let sent = CliRun::from(sent).ok();
    let outbox = cli.run(&["--json", "outbox"]).ok().json();
    assert_eq!(outbox[0]["state"], "sent", "{outbox}");
    let message_id = outbox[0]["message_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        dovecot.delivered("candidate", "INBOX", &message_id),
        1,
        "delivered through Postfix after XOAUTH2:\n{}",
        postfix.log()
    );

    // No code or token in anything Candor printed, even at trace level.
    let printed = [&login, &sync, &sent]
        .iter()
        .map(|r| format!("{}{}", r.stdout, r.stderr))
        .collect::<String>();
    for secret in auth.issued() {
        assert!(!printed.contains(&secret), "a token reached the output");
    }
}

#[test]
fn an_answer_with_the_wrong_state_or_a_declined_sign_in_changes_nothing() {
    let auth = AuthServer::start(Flavor::Microsoft).expect("identity double");
    let dovecot = Dovecot::start_with_oauth(&auth.introspection_url()).expect("dovecot");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = setup(tmp.path(), &auth, &dovecot, None, "microsoft");

    let (child, url) = start_login(&cli);
    let back = auth.log_in(&url, USERS[0].0, false).expect("log in");
    // Someone else's answer: same code, another state.
    let forged = back
        .split('&')
        .map(|p| {
            if p.starts_with("state=") {
                "state=forged".to_owned()
            } else {
                p.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&");
    let (code, _, page) = http_get(&forged).expect("the forged answer");
    assert_eq!(code, 400, "{page}");
    let run = finish(child);
    assert_ne!(run.status, 0);
    assert!(
        run.stderr.contains("did not belong to this sign-in"),
        "{}",
        run.stderr
    );
    assert_eq!(auth.code_redemptions(), 0, "the code was never redeemed");
    assert_eq!(status(&cli)["status"], "needs_sign_in");

    let (child, url) = start_login(&cli);
    let back = auth.log_in(&url, USERS[0].0, true).expect("decline");
    let _ = http_get(&back).expect("back to Candor");
    let run = finish(child);
    assert_ne!(run.status, 0);
    assert!(run.stderr.contains("access_denied"), "{}", run.stderr);

    // A code redeemed after its lifetime is refused by the provider.
    auth.set_code_lifetime(std::time::Duration::ZERO);
    let (child, url) = start_login(&cli);
    let back = auth.log_in(&url, USERS[0].0, false).expect("log in");
    std::thread::sleep(std::time::Duration::from_millis(50));
    let (code, _, page) = http_get(&back).expect("back to Candor");
    assert_eq!(code, 400, "{page}");
    let run = finish(child);
    assert_ne!(run.status, 0);
    assert!(run.stderr.contains("has expired"), "{}", run.stderr);
    assert_eq!(status(&cli)["status"], "needs_sign_in");
    auth.set_code_lifetime(std::time::Duration::from_secs(600));

    // The user closed the browser: the wait ends with a clear message.
    let run = cli.run(&["account", "login", "Work", "--timeout", "1"]);
    assert_ne!(run.status, 0);
    assert!(
        run.stderr.contains("No answer came from the browser"),
        "{}",
        run.stderr
    );
    assert_eq!(status(&cli)["status"], "needs_sign_in");
}

#[test]
fn rotated_refresh_tokens_are_kept_and_a_revoked_one_asks_for_a_new_sign_in() {
    let auth = AuthServer::start(Flavor::Microsoft).expect("identity double");
    // Tokens that expire at once: every sync refreshes.
    auth.set_access_lifetime(std::time::Duration::from_secs(60));
    let dovecot = Dovecot::start_with_oauth(&auth.introspection_url()).expect("dovecot");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = setup(tmp.path(), &auth, &dovecot, None, "microsoft");
    sign_in(&cli, &auth).ok();
    deliver(&dovecot, 1);

    for round in 1..=3 {
        cli.run(&["sync"]).ok();
        assert_eq!(
            auth.refreshes(),
            round,
            "each sync refreshed with the refresh token the last one returned (the double kills used ones)"
        );
    }
    assert_eq!(threads(&cli), 1);

    auth.revoke_refresh_tokens();
    deliver(&dovecot, 2);
    let run = cli.run(&["sync"]);
    assert_ne!(run.status, 0);
    let account = status(&cli);
    assert_eq!(account["status"], "needs_sign_in", "{account}");
    let said = account["last_error"].as_str().unwrap_or_default();
    assert!(said.contains("Sign in to Microsoft again"), "{said}");
    assert!(said.contains("nothing here was lost"), "{said}");
    assert_eq!(threads(&cli), 1, "the mail already here stays");
    let tested = cli.run(&["--json", "account", "test", "Work"]).json();
    assert_eq!(
        tested["incoming"]["problem"]["kind"], "sign_in_needed",
        "{tested}"
    );

    sign_in(&cli, &auth).ok();
    cli.run(&["sync"]).ok();
    assert_eq!(threads(&cli), 2, "syncing resumed after signing in again");
    assert_eq!(status(&cli)["status"], "connected");
}

#[test]
fn an_access_token_the_server_no_longer_takes_is_refreshed_and_the_login_retried() {
    let auth = AuthServer::start(Flavor::Google).expect("identity double");
    let dovecot = Dovecot::start_with_oauth(&auth.introspection_url()).expect("dovecot");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = setup(tmp.path(), &auth, &dovecot, None, "google");
    sign_in(&cli, &auth).ok();
    deliver(&dovecot, 1);
    cli.run(&["sync"]).ok();
    assert_eq!(
        auth.refreshes(),
        0,
        "Google's code answer already carried a mail token"
    );

    // The cached token still looks fresh to Candor, but the server refuses
    // it (Dovecot answers the XOAUTH2 error challenge, then NO).
    auth.expire_access_tokens();
    deliver(&dovecot, 2);
    cli.run(&["sync"]).ok();
    assert_eq!(threads(&cli), 2);
    assert_eq!(auth.refreshes(), 1, "one refresh, then the login again");
    // Google's refresh answer had no refresh token: the old one still works.
    auth.expire_access_tokens();
    cli.run(&["sync"]).ok();
    assert_eq!(auth.refreshes(), 2);
    // The connection test does the same rather than call a stale token a lost sign-in.
    auth.expire_access_tokens();
    // (No SMTP server here: the outgoing check fails, the incoming one counts.)
    let report = cli.run(&["--json", "account", "test", "Work"]).json();
    assert_eq!(report["incoming"]["ok"], true, "{report}");
    assert_eq!(auth.refreshes(), 3);
}

#[test]
fn a_session_ended_because_the_token_expired_reconnects_with_a_fresh_token() {
    use candor_tests::proxy::TokenExpiryRelay;
    let auth = AuthServer::start(Flavor::Microsoft).expect("identity double");
    let dovecot = Dovecot::start_with_oauth(&auth.introspection_url()).expect("dovecot");
    let relay = TokenExpiryRelay::start(dovecot.imap_port).expect("relay");
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut cli = Cli::with_passphrase(tmp.path(), "oauth scenario");
    cli.envs.extend(auth.env());
    cli.run(&["init"]).ok();
    cli.run(&[
        "account",
        "add",
        "--name",
        "Work",
        "--email",
        "recruiter@test",
        "--oauth",
        "microsoft",
        "--username",
        USERS[0].0,
        "--imap-host",
        "localhost",
        "--imap-port",
        &relay.port.to_string(),
        "--imap-security",
        "none",
        "--smtp-host",
        "localhost",
        "--smtp-port",
        &candor_tests::free_port().expect("port").to_string(),
    ])
    .ok();
    sign_in(&cli, &auth).ok();
    deliver(&dovecot, 1);
    cli.run(&["sync"]).ok();
    assert_eq!(auth.refreshes(), 1);

    relay.arm();
    deliver(&dovecot, 2);
    let run = cli
        .command()
        .arg("sync")
        .env("CANDOR_LOG", "info")
        .output()
        .expect("sync");
    let run = CliRun::from(run).ok();
    assert!(relay.fired(), "the server ended the session mid-sync");
    assert!(
        run.stderr
            .contains("reconnecting with a fresh access token"),
        "{}",
        run.stderr
    );
    assert_eq!(auth.refreshes(), 2, "a fresh token for the new session");
    assert_eq!(threads(&cli), 2, "and the sync finished");
    assert_eq!(status(&cli)["status"], "connected");
}

#[tokio::test(flavor = "multi_thread")]
async fn xoauth2_and_oauthbearer_log_in_and_a_refused_token_is_answered_not_hung() {
    use candor_mail::imap::{AuthMechanism, ImapError, ImapSession, Security, ServerLogin};
    use candor_mail::smtp::{SmtpError, SmtpSession};
    let auth = AuthServer::start(Flavor::Google).expect("identity double");
    let dovecot = Dovecot::start_with_oauth(&auth.introspection_url()).expect("dovecot");
    let postfix = Postfix::start(&dovecot).expect("postfix");
    let pinned = dovecot.certificate_pem().expect("pem");
    let login = |port: u16, token: &str, mechanism: AuthMechanism| ServerLogin {
        host: "localhost".into(),
        port,
        security: Security::Tls,
        username: USERS[0].0.into(),
        password: zeroize::Zeroizing::new(token.to_owned()),
        pinned_certificate_pem: Some(pinned.clone()),
        mechanism,
    };
    let good = auth.issue_access_token(USERS[0].0, "mail");
    let other_resource = auth.issue_access_token(USERS[0].0, "graph");
    for mechanism in [AuthMechanism::XOAuth2, AuthMechanism::OAuthBearer] {
        let session = ImapSession::connect(&login(dovecot.imaps_port, &good, mechanism))
            .await
            .unwrap_or_else(|e| panic!("{mechanism:?}: {e}\n{}", dovecot.log()));
        session.logout().await.expect("logout");
        let smtp = SmtpSession::connect(&login(postfix.submissions_port, &good, mechanism), "test")
            .await
            .unwrap_or_else(|e| panic!("SMTP {mechanism:?}: {e}\n{}", postfix.log()));
        smtp.quit().await;

        // A token for another resource (Graph) is refused: the error
        // challenge is answered and the refusal comes back, no hang.
        let refused = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            ImapSession::connect(&login(dovecot.imaps_port, &other_resource, mechanism)),
        )
        .await
        .expect("answered within the timeout");
        match refused {
            Err(ImapError::TokenRejected { server_said }) => {
                assert!(!server_said.contains(&other_resource), "no token in errors");
            }
            other => panic!("{mechanism:?}: expected TokenRejected, got {other:?}"),
        }
        let refused = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            SmtpSession::connect(
                &login(postfix.submissions_port, &other_resource, mechanism),
                "test",
            ),
        )
        .await
        .expect("answered within the timeout");
        match refused {
            Err(SmtpError::TokenRejected { server_said }) => {
                assert!(server_said.contains("535"), "{server_said}");
                assert!(!server_said.contains(&other_resource), "no token in errors");
            }
            other => panic!(
                "SMTP {mechanism:?}: expected TokenRejected, got {:?}",
                other.err()
            ),
        }
    }
}
