//! Setting up an account against real servers (Dovecot for IMAP, Postfix
//! with Dovecot SASL for SMTP): `candor account test` says in plain words
//! what is wrong (a refused password, a dead port, a certificate nobody
//! vouched for, with its fingerprint), and `set-password` / `trust-cert`
//! put it right.

use std::process::Command;

use candor_tests::dovecot::{Dovecot, USERS};
use candor_tests::postfix::Postfix;
use candor_tests::{Cli, free_port};

fn smtp_flags(port: u16) -> Vec<String> {
    [
        "--smtp-host",
        "localhost",
        "--smtp-port",
        &port.to_string(),
        "--smtp-security",
        "tls",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

#[test]
fn a_wrong_password_is_named_for_both_servers_and_set_password_fixes_it() {
    let dovecot = Dovecot::start().expect("dovecot");
    let postfix = Postfix::start(&dovecot).expect("postfix");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "account setup scenario");
    cli.run(&["init"]).ok();
    let smtp = smtp_flags(postfix.submissions_port);
    let smtp: Vec<&str> = smtp.iter().map(String::as_str).collect();
    dovecot
        .add_account_with(
            &cli,
            "imap",
            "Work",
            dovecot.imaps_port,
            "tls",
            "not-the-password",
            &smtp,
        )
        .ok();

    let failed = cli.run(&["--json", "account", "test", "Work"]);
    assert_ne!(failed.status, 0, "a failed test exits non-zero");
    let report = failed.json();
    assert_eq!(report["incoming"]["ok"], false, "{report}");
    assert_eq!(
        report["incoming"]["problem"]["kind"], "wrong_password",
        "IMAP refused the password: {report}"
    );
    assert_eq!(
        report["outgoing"]["problem"]["kind"], "wrong_password",
        "SMTP (Postfix asking Dovecot) refused it too: {report}"
    );
    let human = cli.run(&["account", "test", "Work"]);
    assert!(
        human.stdout.contains("refused the user name or password"),
        "plain words for the user:\n{}",
        human.stdout
    );
    assert!(
        !human.stdout.contains("not-the-password"),
        "never the password itself"
    );

    // Sync stops for the password, and says so.
    assert_ne!(cli.run(&["sync"]).status, 0);
    let accounts = cli.run(&["--json", "account", "list"]).ok().json();
    assert_eq!(accounts[0]["status"], "needs_password", "{accounts}");

    // Without the variable set, nothing changes.
    let unset = cli
        .command()
        .args([
            "account",
            "set-password",
            "Work",
            "--password-env",
            "CANDOR_NEW_PW",
        ])
        .env_remove("CANDOR_NEW_PW")
        .output()
        .expect("run candor");
    assert!(!unset.status.success());
    assert!(String::from_utf8_lossy(&unset.stderr).contains("CANDOR_NEW_PW is not set"));

    let set = cli
        .command()
        .args([
            "account",
            "set-password",
            "Work",
            "--password-env",
            "CANDOR_NEW_PW",
        ])
        .env("CANDOR_NEW_PW", USERS[0].1)
        .output()
        .expect("run candor");
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let accounts = cli.run(&["--json", "account", "list"]).ok().json();
    assert_eq!(
        accounts[0]["status"], "new",
        "free to sync again: {accounts}"
    );

    let report = cli.run(&["--json", "account", "test", "Work"]).ok().json();
    assert_eq!(report["incoming"]["ok"], true, "{report}");
    assert_eq!(report["outgoing"]["ok"], true, "{report}");
    cli.run(&["sync"]).ok();
    let accounts = cli.run(&["--json", "account", "list"]).ok().json();
    assert_eq!(accounts[0]["status"], "connected", "{accounts}");
}

#[test]
fn a_dead_port_and_an_untrusted_certificate_are_explained_and_the_certificate_can_be_trusted() {
    let dovecot = Dovecot::start().expect("dovecot");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "account setup scenario");
    cli.run(&["init"]).ok();

    let dead = free_port().expect("port");
    dovecot
        .add_account(&cli, "imap", "Dead", dead, "tls", USERS[0].1)
        .ok();
    let run = cli.run(&["--json", "account", "test", "Dead"]);
    assert_ne!(run.status, 0);
    let report = run.json();
    assert_eq!(
        report["incoming"]["problem"]["kind"], "unreachable",
        "{report}"
    );
    assert!(
        report["incoming"]["problem"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("Could not reach localhost:{dead}"))),
        "{report}"
    );
    assert!(
        report["outgoing"].is_null(),
        "no SMTP server configured: {report}"
    );

    // The server's own certificate, not trusted by the system nor for the account.
    let added = cli
        .command()
        .args([
            "account",
            "add",
            "--name",
            "Selfsigned",
            "--email",
            "recruiter@test",
        ])
        .args(["--imap-host", "localhost", "--imap-port"])
        .arg(dovecot.imaps_port.to_string())
        .args(["--username", USERS[0].0, "--password-env", "PW"])
        .env("PW", USERS[0].1)
        .output()
        .expect("run candor");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let run = cli.run(&["--json", "account", "test", "Selfsigned"]);
    assert_ne!(run.status, 0);
    let report = run.json();
    let problem = &report["incoming"]["problem"];
    assert_eq!(problem["kind"], "untrusted_certificate", "{report}");
    let cert = dovecot.dir().join("cert.pem");
    let openssl = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(&cert)
        .output()
        .expect("openssl");
    let expected = String::from_utf8_lossy(&openssl.stdout)
        .trim()
        .rsplit('=')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        problem["fingerprint"], expected,
        "the fingerprint is the certificate's SHA-256, as openssl prints it"
    );
    let human = cli.run(&["account", "test", "Selfsigned"]);
    assert!(human.stdout.contains("is not trusted"), "{}", human.stdout);
    assert!(human.stdout.contains(&expected), "{}", human.stdout);
    assert!(human.stdout.contains("trust-cert"), "{}", human.stdout);

    // The user checked the fingerprint and trusts the certificate the test showed.
    let pem = tmp.path().join("presented.pem");
    std::fs::write(&pem, problem["certificate_pem"].as_str().expect("pem")).expect("write");
    cli.run(&[
        "account",
        "trust-cert",
        "Selfsigned",
        pem.to_str().expect("utf-8"),
    ])
    .ok();
    let report = cli
        .run(&["--json", "account", "test", "Selfsigned"])
        .ok()
        .json();
    assert_eq!(report["incoming"]["ok"], true, "{report}");
}
