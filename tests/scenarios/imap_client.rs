//! Candor's IMAP client against a real Dovecot on loopback: certificates are
//! verified (a self-signed one is refused, with its fingerprint, until the
//! user trusts it for the account), bad passwords and dead servers give clear
//! errors, folders come with their roles, and messages arrive byte for byte.

use candor_mail::imap::{FolderRole, ImapError, ImapSession, NetError, Security, ServerLogin};
use candor_tests::dovecot::{Dovecot, Profile, USERS};
use zeroize::Zeroizing;

fn config(port: u16, security: Security, pinned: Option<String>) -> ServerLogin {
    ServerLogin {
        // The certificate names localhost and 127.0.0.1; use the name, as users do.
        host: "localhost".into(),
        port,
        security,
        username: USERS[0].0.into(),
        password: Zeroizing::new(USERS[0].1.into()),
        pinned_certificate_pem: pinned,
        mechanism: Default::default(),
    }
}

fn openssl_fingerprint(server: &Dovecot) -> String {
    let out = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(server.dir().join("cert.pem"))
        .output()
        .expect("openssl");
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .rsplit('=')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn certificates_are_verified_and_pinning_is_explicit() {
    let server = Dovecot::start().expect("dovecot");

    let refused = ImapSession::connect(&config(server.imaps_port, Security::Tls, None))
        .await
        .expect_err("a self-signed certificate must not be trusted silently");
    match &refused {
        ImapError::Net(NetError::UntrustedCertificate {
            fingerprint,
            certificate_pem,
            ..
        }) => {
            assert_eq!(
                *fingerprint,
                openssl_fingerprint(&server),
                "the fingerprint shown is the real one"
            );
            assert_eq!(
                certificate_pem.trim(),
                server.certificate_pem().expect("pem").trim(),
                "the presented certificate is offered for pinning"
            );
        }
        other => panic!("expected UntrustedCertificate, got {other:?}"),
    }
    assert!(
        refused
            .to_string()
            .contains("only if your provider confirms"),
        "{refused}"
    );

    // Trusted explicitly: TLS and STARTTLS both connect.
    let pem = server.certificate_pem().expect("pem");
    for (port, security) in [
        (server.imaps_port, Security::Tls),
        (server.imap_port, Security::StartTls),
    ] {
        let session = ImapSession::connect(&config(port, security, Some(pem.clone())))
            .await
            .unwrap_or_else(|e| panic!("{security:?} with the pinned certificate: {e}"));
        session.logout().await.expect("logout");
    }

    // STARTTLS also verifies: the upgrade is not a way around the check.
    let refused = ImapSession::connect(&config(server.imap_port, Security::StartTls, None)).await;
    assert!(
        matches!(
            refused,
            Err(ImapError::Net(NetError::UntrustedCertificate { .. }))
        ),
        "{refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_passwords_and_dead_servers_say_what_happened() {
    let server = Dovecot::start().expect("dovecot");
    let pem = server.certificate_pem().expect("pem");
    let mut wrong = config(server.imaps_port, Security::Tls, Some(pem));
    wrong.password = Zeroizing::new("not-the-password".into());
    let err = ImapSession::connect(&wrong)
        .await
        .expect_err("wrong password");
    assert!(
        matches!(err, ImapError::AuthenticationFailed { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("app-specific password"), "{err}");
    assert!(
        !format!("{wrong:?}").contains("not-the-password"),
        "the password never appears in debug output"
    );

    let dead_port = candor_tests::free_port().expect("port");
    let err = ImapSession::connect(&config(dead_port, Security::Tls, None))
        .await
        .expect_err("dead");
    assert!(
        matches!(err, ImapError::Net(NetError::Unreachable { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&format!("localhost:{dead_port}")),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn folders_have_roles_and_messages_arrive_byte_for_byte() {
    let server = Dovecot::start().expect("dovecot");
    let messages: Vec<Vec<u8>> = (1..=3)
        .map(|i| {
            format!(
                "From: cand{i}@example.com\r\nTo: recruiter@test\r\nSubject: Application {i}\r\nMessage-ID: <app{i}@example.com>\r\n\r\nHello {i}, 你好\r\n"
            )
            .into_bytes()
        })
        .collect();
    for raw in &messages {
        server.deliver(USERS[0].0, "INBOX", raw).expect("deliver");
    }
    let pem = server.certificate_pem().expect("pem");
    let mut session = ImapSession::connect(&config(server.imaps_port, Security::Tls, Some(pem)))
        .await
        .expect("connect");

    let folders = session.folders().await.expect("folders");
    for role in [
        FolderRole::Inbox,
        FolderRole::Sent,
        FolderRole::Drafts,
        FolderRole::Trash,
        FolderRole::Archive,
        FolderRole::Junk,
    ] {
        assert!(
            folders.iter().any(|f| f.role == Some(role)),
            "{role:?} is found by SPECIAL-USE: {folders:?}"
        );
    }

    let status = session.select("INBOX").await.expect("select");
    assert_eq!(status.exists, 3);
    assert!(status.uid_validity.is_some(), "UIDVALIDITY is reported");
    assert!(status.highest_modseq.is_some(), "Dovecot has CONDSTORE");

    let uids = session.uids_newest_first().await.expect("uids");
    assert_eq!(uids.len(), 3);
    assert!(
        uids.windows(2).all(|w| w[0] > w[1]),
        "newest first: {uids:?}"
    );

    let mut fetched = session.fetch("1:*").await.expect("fetch");
    fetched.sort_by_key(|m| m.uid);
    assert_eq!(fetched.len(), 3);
    for (m, raw) in fetched.iter().zip(&messages) {
        assert_eq!(&m.raw, raw, "the message is stored exactly as delivered");
        assert!(!m.seen, "fetching with BODY.PEEK does not mark mail read");
        assert!(m.internal_date.is_some());
    }
    session.logout().await.expect("logout");
}

/// The extensions the sync relies on are read from what the server
/// announces after login, so a server without them is met with the plain
/// IMAP4rev1 paths (the two-way actions scenario runs against both).
#[tokio::test(flavor = "multi_thread")]
async fn extensions_are_taken_from_what_the_server_announces() {
    for (profile, expected) in [(Profile::Current, true), (Profile::Imap4rev1, false)] {
        let server = Dovecot::start_as(profile).expect("dovecot");
        let pinned = server.certificate_pem().expect("pem");
        let session = ImapSession::connect(&config(server.imaps_port, Security::Tls, Some(pinned)))
            .await
            .expect("connect");
        let caps = session.capabilities();
        assert_eq!(
            (caps.condstore, caps.move_, caps.uidplus),
            (expected, expected, expected),
            "{profile:?}: {caps:?}"
        );
        assert!(caps.idle, "{profile:?} has IDLE");
        session.logout().await.expect("logout");
    }
}
