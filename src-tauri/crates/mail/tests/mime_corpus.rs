//! The golden corpus: every tests/corpus/NAME.eml is projected and compared
//! with NAME.json, once with LF and once with CRLF line endings (mail arrives
//! both ways: CRLF over IMAP, LF from mbox files and some exporters).

use std::path::{Path, PathBuf};

use candor_mail::mime::{Mailbox, Projection, project};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn with_line_endings(raw: &[u8], crlf: bool) -> Vec<u8> {
    let lf: Vec<u8> = raw.iter().copied().filter(|&b| b != b'\r').collect();
    if !crlf {
        return lf;
    }
    let mut out = Vec::with_capacity(lf.len() + lf.len() / 40);
    for b in lf {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

fn mailboxes(list: &[Mailbox]) -> Value {
    Value::Array(
        list.iter()
            .map(|m| json!({ "name": m.name, "address": m.address }))
            .collect(),
    )
}

/// Body text compared without line-ending or trailing-space differences.
fn normalized(text: Option<&str>) -> Value {
    match text {
        Some(t) => Value::String(t.replace("\r\n", "\n").trim_end().to_owned()),
        None => Value::Null,
    }
}

fn view(p: &Projection) -> serde_json::Map<String, Value> {
    let mut v = serde_json::Map::new();
    v.insert("message_id".into(), json!(p.message_id));
    v.insert("in_reply_to".into(), json!(p.in_reply_to));
    v.insert("references".into(), json!(p.references));
    v.insert("subject".into(), json!(p.subject));
    v.insert("date".into(), json!(p.date));
    for (key, list) in [
        ("from", &p.from),
        ("to", &p.to),
        ("cc", &p.cc),
        ("bcc", &p.bcc),
        ("reply_to", &p.reply_to),
    ] {
        v.insert(key.into(), mailboxes(list));
    }
    v.insert("text_plain".into(), normalized(p.text_plain.as_deref()));
    v.insert("text_html".into(), normalized(p.text_html.as_deref()));
    v.insert(
        "attachments".into(),
        Value::Array(
            p.attachments
                .iter()
                .map(|a| {
                    json!({
                        "filename": a.filename,
                        "content_type": a.content_type,
                        "content_id": a.content_id,
                        "is_inline": a.is_inline,
                        "size": a.data.len(),
                        "sha256": hex::encode(Sha256::digest(&a.data)),
                    })
                })
                .collect(),
        ),
    );
    v.insert("problems".into(), json!(p.problems));
    v
}

#[test]
fn every_corpus_message_projects_as_expected_with_lf_and_crlf() {
    let mut checked = 0;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    entries.sort();
    assert!(entries.len() >= 8, "the corpus is in tests/corpus");

    for eml in entries {
        let name = eml
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let raw = std::fs::read(&eml).expect("read eml");
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(eml.with_extension("json")).expect("expected json"),
        )
        .expect("valid json");
        let expected = expected.as_object().expect("object");

        for crlf in [false, true] {
            let ending = if crlf { "CRLF" } else { "LF" };
            let actual = view(&project(&with_line_endings(&raw, crlf)));
            for (key, want) in expected {
                if let Some(field) = key.strip_suffix("_contains") {
                    let have = actual[field].as_str().unwrap_or_default();
                    let needle = want.as_str().expect("string");
                    assert!(
                        have.contains(needle),
                        "{name} ({ending}): {field} should contain {needle:?}, got {have:?}"
                    );
                    continue;
                }
                let want = match key.as_str() {
                    "text_plain" | "text_html" => normalized(want.as_str()),
                    _ => want.clone(),
                };
                assert_eq!(actual[key.as_str()], want, "{name} ({ending}): {key}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 16);
}

#[test]
fn a_broken_message_still_yields_what_could_be_read_and_says_what_could_not() {
    let raw = std::fs::read(corpus_dir().join("broken-bulk-mailer.eml")).expect("read");
    let p = project(&raw);
    assert!(
        p.message_id.is_none(),
        "no Message-ID is not an error: threading gives it its own thread"
    );
    assert!(
        !p.problems.is_empty(),
        "the unreadable date and parts are reported, not hidden"
    );
    assert!(
        p.problems.iter().any(|m| m.contains("Date")),
        "the unreadable Date header is named: {:?}",
        p.problems
    );
}

#[test]
fn garbage_and_empty_input_never_panic() {
    let samples: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\r\n\r\n".to_vec(),
        vec![0xff; 4096],
        b"Content-Type: multipart/mixed; boundary=\"a\"\r\n\r\n--a\r\n--a\r\n--a--".to_vec(),
        b"Subject: =?utf-8?B?////?=\r\nFrom: <>\r\nTo: ,,,@,\r\n\r\nbody".to_vec(),
        b"Content-Type: text/plain; charset=\"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%%"
            .to_vec(),
    ];
    for raw in samples {
        let p = project(&raw);
        // Whatever it is, it projects; the raw source is kept by the caller.
        assert!(p.subject.len() <= raw.len());
    }
}

#[test]
fn a_large_attachment_is_kept_whole() {
    let data: Vec<u8> = (0..(8 * 1024 * 1024))
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let encoded = {
        use base64::Engine as _;
        use std::fmt::Write;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&data);
        let mut s = String::new();
        for chunk in b64.as_bytes().chunks(76) {
            let _ = writeln!(s, "{}", std::str::from_utf8(chunk).expect("ascii"));
        }
        s
    };
    let raw = format!(
        "From: a@x.example\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: application/zip; name=portfolio.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}--b--\r\n"
    );
    let p = project(raw.as_bytes());
    assert_eq!(p.attachments.len(), 1);
    assert_eq!(p.attachments[0].data.len(), data.len(), "no truncation");
    assert!(
        p.attachments[0].data == data,
        "bytes survive decoding unchanged"
    );
}
