//! Candor's SMTP client against a real Postfix (submission on implicit TLS
//! and STARTTLS, SASL through Dovecot, delivery by LMTP into Dovecot):
//! messages arrive once, BCC recipients get theirs without a trace in the
//! headers, certificates are verified or explicitly pinned, and every
//! failure says whether trying again can help.

use candor_mail::smtp::{NetError, Security, ServerLogin, SmtpError, SmtpSession};
use candor_tests::dovecot::{Dovecot, USERS};
use candor_tests::free_port;
use candor_tests::postfix::{Postfix, REJECTED_RECIPIENT};
use zeroize::Zeroizing;

fn login(port: u16, security: Security, pinned: Option<String>, password: &str) -> ServerLogin {
    ServerLogin {
        host: "localhost".into(),
        port,
        security,
        username: USERS[0].0.into(),
        password: Zeroizing::new(password.into()),
        pinned_certificate_pem: pinned,
        mechanism: Default::default(),
    }
}

fn message(id: &str) -> Vec<u8> {
    format!(
        "From: recruiter@test\r\nTo: candidate@test\r\nSubject: Interview on Thursday\r\nMessage-ID: <{id}>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nDoes 10:00 suit you?\r\n"
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_go_out_over_tls_and_starttls_with_bcc_kept_out_of_the_headers() {
    let dovecot = Dovecot::start().expect("dovecot");
    let postfix = Postfix::start(&dovecot).expect("postfix");
    let pinned = dovecot.certificate_pem().expect("pem");

    for (port, security, id) in [
        (postfix.submissions_port, Security::Tls, "tls@agency.test"),
        (
            postfix.submission_port,
            Security::StartTls,
            "starttls@agency.test",
        ),
    ] {
        let mut session = SmtpSession::connect(
            &login(port, security, Some(pinned.clone()), USERS[0].1),
            "agency.test",
        )
        .await
        .unwrap_or_else(|e| panic!("{security:?}: {e}\n{}", postfix.log()));
        session
            .send(
                "recruiter@test",
                &["candidate@test".into(), "recruiter@test".into()],
                &message(id),
            )
            .await
            .unwrap_or_else(|e| panic!("{security:?}: {e}\n{}", postfix.log()));
        session.quit().await;
        assert_eq!(
            dovecot.delivered("candidate", "INBOX", id),
            1,
            "{security:?}: the candidate gets exactly one copy\n{}",
            postfix.log()
        );
        assert_eq!(
            dovecot.delivered(USERS[0].0, "INBOX", id),
            1,
            "{security:?}: the BCC recipient gets one too"
        );
    }
    let headers = dovecot.doveadm(&[
        "-f",
        "flow",
        "fetch",
        "-u",
        "candidate",
        "hdr",
        "mailbox",
        "INBOX",
        "header",
        "Message-ID",
        "tls@agency.test",
    ]);
    assert!(
        !headers.to_ascii_lowercase().contains("bcc") && !headers.contains("recruiter@test\r\nTo"),
        "the envelope's extra recipient leaves no trace in the message: {headers}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_say_whether_trying_again_can_help() {
    let dovecot = Dovecot::start().expect("dovecot");
    let postfix = Postfix::start(&dovecot).expect("postfix");
    let pinned = dovecot.certificate_pem().expect("pem");

    let untrusted = SmtpSession::connect(
        &login(postfix.submissions_port, Security::Tls, None, USERS[0].1),
        "agency.test",
    )
    .await
    .expect_err("a self-signed certificate is not trusted silently");
    assert!(
        matches!(
            untrusted,
            SmtpError::Net(NetError::UntrustedCertificate { .. })
        ),
        "{untrusted:?}"
    );

    let wrong = SmtpSession::connect(
        &login(
            postfix.submissions_port,
            Security::Tls,
            Some(pinned.clone()),
            "wrong",
        ),
        "agency.test",
    )
    .await
    .expect_err("a wrong password is refused");
    assert!(
        matches!(wrong, SmtpError::AuthenticationFailed { .. }) && wrong.is_permanent(),
        "{wrong:?}"
    );

    let mut session = SmtpSession::connect(
        &login(
            postfix.submissions_port,
            Security::Tls,
            Some(pinned),
            USERS[0].1,
        ),
        "agency.test",
    )
    .await
    .expect("connect");
    let refused = session
        .send(
            "recruiter@test",
            &[REJECTED_RECIPIENT.into()],
            &message("refused@agency.test"),
        )
        .await
        .expect_err("the server refuses this recipient");
    assert!(refused.is_permanent(), "a 5xx is final: {refused:?}");
    assert!(
        refused.to_string().contains("does not accept mail"),
        "the server's own words reach the user: {refused}"
    );

    let dead = SmtpSession::connect(
        &login(free_port().expect("port"), Security::Tls, None, USERS[0].1),
        "agency.test",
    )
    .await
    .expect_err("nothing listens there");
    assert!(
        matches!(dead, SmtpError::Net(NetError::Unreachable { .. })) && !dead.is_permanent(),
        "a dead server is worth trying again later: {dead:?}"
    );
}
