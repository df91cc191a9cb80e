//! A message's body as the conversation view asks for it: sanitized HTML,
//! remote content blocked until the user allows it for the message or for
//! its sender, inline `cid:` images shown from the message itself.

use candor_core::api::message_body::{
    allow_remote_from, forget_remote_from, message_body, remote_senders,
};
use candor_core::api::{Candor, accounts, import, threads};
use candor_core::{ErrorCode, Unlock};
use zeroize::Zeroizing;

/// Opened as the app opens it, with the read-only connection its reads
/// (lists, records, conversations, bodies) go through, beside the writer.
fn open(dir: &std::path::Path) -> Candor {
    let candor = Candor::open(
        dir,
        &Unlock::Passphrase(Zeroizing::new("message body test".into())),
        true,
    )
    .expect("open");
    candor.open_reader().expect("the read-only connection");
    candor
}

/// A newsletter with a tracking pixel, an inline logo and a script; and a
/// plain-text letter.
const MBOX: &str = "From news@example.com Mon Jan  1 10:00:00 2024\n\
From: News Desk <News@Example.com>\n\
To: me@example.com\n\
Subject: Weekly jobs\n\
Date: Mon, 01 Jan 2024 10:00:00 +0000\n\
Message-ID: <weekly-1@example.com>\n\
MIME-Version: 1.0\n\
Content-Type: multipart/related; boundary=\"REL\"\n\
\n\
--REL\n\
Content-Type: text/html; charset=utf-8\n\
\n\
<html><body><p>Hello</p><img src=\"https://tracker.example/open.gif\" width=\"1\" height=\"1\">\
<img src=\"cid:logo@example.com\" alt=\"Logo\"><script>alert(1)</script>\
<a href=\"javascript:alert(2)\" onclick=\"alert(3)\">Apply</a></body></html>\n\
--REL\n\
Content-Type: image/png\n\
Content-ID: <logo@example.com>\n\
Content-Disposition: inline; filename=\"logo.png\"\n\
Content-Transfer-Encoding: base64\n\
\n\
iVBORw0KGgo=\n\
--REL--\n\
\n\
From anna@example.pl Tue Jan  2 10:00:00 2024\n\
From: Anna Kowalska <anna@example.pl>\n\
To: me@example.com\n\
Subject: My CV\n\
Date: Tue, 02 Jan 2024 10:00:00 +0000\n\
Message-ID: <cv-1@example.pl>\n\
\n\
Hello, my CV follows.\n";

fn message_id_by_subject(candor: &Candor, subject: &str) -> i64 {
    threads::list(candor, None, None, 50)
        .expect("threads")
        .into_iter()
        .flat_map(|t| threads::get(candor, t.id).expect("thread").messages)
        .find(|m| m.subject == subject)
        .map(|m| m.id)
        .unwrap_or_else(|| panic!("no message \"{subject}\""))
}

#[test]
fn remote_content_loads_for_the_message_or_always_for_the_sender() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let candor = open(tmp.path());
    accounts::add_local(&candor, "Work", "me@example.com").expect("account");
    let report = import::mbox_bytes(&candor, "Work", "test.mbox", MBOX.as_bytes(), &mut |_| {})
        .expect("import");
    assert_eq!(report.stored, 2, "{report:?}");
    let newsletter = message_id_by_subject(&candor, "Weekly jobs");

    let body = message_body(&candor, newsletter, false).expect("body");
    let html = body.html.as_deref().expect("the newsletter has HTML");
    assert_eq!(body.remote_blocked, 1, "the tracking pixel: {html}");
    assert!(!body.remote_allowed_for_sender);
    assert!(
        !html.contains("tracker.example"),
        "no request before the user allows it: {html}"
    );
    assert!(
        html.contains("data-candor-blocked"),
        "a placeholder marker: {html}"
    );
    assert!(
        html.contains("src=\"data:image/png;base64,iVBORw0KGgo=\""),
        "the inline logo comes from the message itself: {html}"
    );
    assert!(
        !html.contains("<script") && !html.contains("alert") && !html.contains("onclick"),
        "nothing runs: {html}"
    );
    assert!(body.text.is_some(), "the plain text stays beside the HTML");

    let once = message_body(&candor, newsletter, true).expect("body, remote allowed once");
    assert_eq!(once.remote_blocked, 0);
    assert!(
        once.html
            .as_deref()
            .unwrap_or_default()
            .contains("https://tracker.example/open.gif")
    );

    allow_remote_from(&candor, "news@example.com").expect("allow the sender");
    let always = message_body(&candor, newsletter, false).expect("body, sender allowed");
    assert!(
        always.remote_allowed_for_sender,
        "the list matches the From address whatever its case"
    );
    assert_eq!(always.remote_blocked, 0);
    assert!(
        always
            .html
            .as_deref()
            .unwrap_or_default()
            .contains("https://tracker.example/open.gif")
    );
    let listed: Vec<String> = remote_senders(&candor)
        .expect("list")
        .into_iter()
        .map(|s| s.address)
        .collect();
    assert_eq!(listed, ["news@example.com"]);

    forget_remote_from(&candor, "NEWS@example.com").expect("forget the sender");
    let again = message_body(&candor, newsletter, false).expect("body, sender forgotten");
    assert!(!again.remote_allowed_for_sender);
    assert_eq!(again.remote_blocked, 1, "blocked again once forgotten");
}

#[test]
fn plain_text_mail_has_no_html_and_bad_input_is_named() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let candor = open(tmp.path());
    accounts::add_local(&candor, "Work", "me@example.com").expect("account");
    import::mbox_bytes(&candor, "Work", "test.mbox", MBOX.as_bytes(), &mut |_| {}).expect("import");

    let letter = message_id_by_subject(&candor, "My CV");
    let body = message_body(&candor, letter, false).expect("body");
    assert_eq!(body.html, None, "a plain-text message has no HTML to show");
    assert_eq!(
        body.text.as_deref().map(str::trim),
        Some("Hello, my CV follows.")
    );
    assert_eq!(body.remote_blocked, 0);

    let missing = message_body(&candor, 999_999, false).expect_err("no such message");
    assert_eq!(missing.code, ErrorCode::NotFound);
    let invalid = allow_remote_from(&candor, "not an address").expect_err("not an address");
    assert_eq!(invalid.code, ErrorCode::Invalid);
    assert_eq!(invalid.field.as_deref(), Some("address"));
    let empty = forget_remote_from(&candor, "  ").expect_err("empty");
    assert_eq!(empty.code, ErrorCode::Invalid);
}
