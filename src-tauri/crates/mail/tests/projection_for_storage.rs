//! `project_for_storage` reads a message as `project` does and leaves the
//! attachments the store keeps in the raw source undecoded. What must hold:
//! everything a stored message shows (headers, bodies, problems, every
//! attachment's name, type, Content-ID, disposition and decoded size, and
//! the bytes of the images the body shows) is exactly what `project` gives,
//! whatever the message looks like, with LF and with CRLF line endings.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use candor_mail::mime::{Projection, project, project_for_storage};

/// Bytes that do not compress or repeat, like a PDF or a JPEG.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Base64 in 76-character lines, as mail carries it.
fn base64_lines(data: &[u8]) -> String {
    STANDARD
        .encode(data)
        .as_bytes()
        .chunks(76)
        .map(|line| format!("{}\n", std::str::from_utf8(line).expect("ascii")))
        .collect()
}

fn part(headers: &str, body: &str) -> String {
    format!("--b1\n{headers}\n\n{body}\n")
}

/// A recruiter's typical heavy message, and the odd shapes beside it.
fn message_with_everything() -> String {
    let mut m = String::from(
        "From: Anna Nowak <anna@example.com>\nTo: tom@agency.example\nSubject: CV and portfolio\n\
         Date: Tue, 1 Dec 2026 09:00:00 +0100\nMessage-ID: <everything@example.com>\n\
         MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\nPreamble.\n",
    );
    m += "--b1\nContent-Type: multipart/related; boundary=\"b2\"\n\n\
          --b2\nContent-Type: multipart/alternative; boundary=\"b3\"\n\n\
          --b3\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n";
    m += &base64_lines("Dzień dobry, w załączniku CV.".as_bytes());
    m += "--b3\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n\
          <p>Dzie=C5=84 dobry</p><img src=3D\"cid:logo@x\">\n--b3--\n";
    m += "--b2\nContent-Type: image/png\nContent-ID: <logo@x>\nContent-Transfer-Encoding: base64\n\n";
    m += &base64_lines(&noise(40_000, 1));
    m += "--b2--\n";
    // Sizes of each remainder modulo three, so padding is counted right.
    for (n, len) in [(1, 120_000), (2, 120_001), (3, 120_002)] {
        m += &part(
            &format!(
                "Content-Type: application/pdf; name=\"CV-{n}.pdf\"\n\
                 Content-Disposition: attachment; filename=\"CV-{n}.pdf\"\nContent-Transfer-Encoding: base64"
            ),
            &base64_lines(&noise(len, n)),
        );
    }
    // An image with no Content-ID: a file like any other.
    m += &part(
        "Content-Type: image/jpeg; name=\"photo.jpg\"\nContent-Transfer-Encoding: BASE64",
        &base64_lines(&noise(30_000, 7)),
    );
    // Two base64 runs in one body, the first ended by padding.
    m += &part(
        "Content-Type: application/octet-stream; name=\"joined.bin\"\nContent-Transfer-Encoding: base64",
        &format!("{}{}", base64_lines(b"ab"), base64_lines(&noise(5_000, 9))),
    );
    // Damaged base64: the parser's own recovery must decide what it becomes.
    m += &part(
        "Content-Type: application/pdf; name=\"broken.pdf\"\nContent-Transfer-Encoding: base64",
        &format!("{}!!not base64!!\n", base64_lines(&noise(3_000, 11))),
    );
    m += &part(
        "Content-Type: text/csv; name=\"candidates.csv\"\nContent-Transfer-Encoding: base64",
        &base64_lines(b"name,email\nAnna,anna@example.com\n"),
    );
    m += &part(
        "Content-Type: application/octet-stream; name=\"qp.bin\"\nContent-Transfer-Encoding: quoted-printable",
        "=00=01=02 plain=\n more",
    );
    m += &part(
        "Content-Type: application/x-notes; name=\"notes.txt\"",
        "seven bit, nothing to decode",
    );
    // An attached message (not encoded) carrying its own base64 file.
    m += "--b1\nContent-Type: message/rfc822\n\n\
          From: someone@example.com\nSubject: Fwd\nContent-Type: multipart/mixed; boundary=\"n1\"\n\n\
          --n1\nContent-Type: text/plain\n\nForwarded.\n\
          --n1\nContent-Type: application/pdf; name=\"inner.pdf\"\nContent-Transfer-Encoding: base64\n\n";
    m += &base64_lines(&noise(50_000, 13));
    m += "--n1--\n\n--b1--\n";
    m
}

/// An attached message sent in base64: only decoding shows its parts.
fn message_with_encoded_attached_message() -> String {
    let inner = format!(
        "From: x@example.com\nSubject: inner\nContent-Type: multipart/mixed; boundary=\"i1\"\n\n\
         --i1\nContent-Type: text/plain\n\nInner text.\n\
         --i1\nContent-Type: application/pdf; name=\"deep.pdf\"\nContent-Transfer-Encoding: base64\n\n{}--i1--\n",
        base64_lines(&noise(60_000, 17))
    );
    format!(
        "From: a@example.com\nSubject: encoded\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n\
         --b1\nContent-Type: text/plain\n\nSee attached.\n\
         --b1\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{}\
         --b1\nContent-Type: application/zip; name=\"a.zip\"\nContent-Transfer-Encoding: base64\n\n{}--b1--\n",
        base64_lines(inner.as_bytes()),
        base64_lines(&noise(70_000, 19))
    )
}

/// A single-part message that is itself a base64 file.
fn message_that_is_a_file() -> String {
    format!(
        "From: scanner@example.com\nSubject: Scan\nMIME-Version: 1.0\n\
         Content-Type: application/pdf; name=\"scan.pdf\"\nContent-Transfer-Encoding: base64\n\n{}",
        base64_lines(&noise(90_000, 23))
    )
}

fn lf(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

fn crlf(text: &str) -> Vec<u8> {
    text.replace('\n', "\r\n").into_bytes()
}

/// A projection without the bytes of the parts the store keeps in the raw
/// source, which `project_for_storage` may leave undecoded.
fn as_stored(mut p: Projection) -> Projection {
    for a in &mut p.attachments {
        if !a.is_shown_in_body() {
            a.data.clear();
        }
    }
    p
}

/// Checks one message both ways; returns how many parts were left undecoded.
fn check(name: &str, raw: &[u8]) -> usize {
    let whole = project(raw);
    let for_storage = project_for_storage(raw);
    for (a, b) in whole.attachments.iter().zip(&for_storage.attachments) {
        assert_eq!(
            a.size,
            a.data.len() as u64,
            "{name}: project gives every part's bytes"
        );
        assert!(
            b.data.is_empty() || b.data == a.data,
            "{name}: {:?} decoded differently",
            a.filename
        );
    }
    let left = whole
        .attachments
        .iter()
        .zip(&for_storage.attachments)
        .filter(|(a, b)| !a.data.is_empty() && b.data.is_empty())
        .count();
    assert_eq!(as_stored(for_storage), as_stored(whole), "{name}");
    left
}

#[test]
fn storing_reads_a_message_as_a_whole_reading_does_without_decoding_its_files() {
    for (endings, convert) in [("LF", lf as fn(&str) -> Vec<u8>), ("CRLF", crlf)] {
        let left = check(
            &format!("everything, {endings}"),
            &convert(&message_with_everything()),
        );
        // Three PDFs, the photo and the joined file; not the shown logo, the
        // damaged PDF, the CSV (text), the QP and 7-bit parts, or the
        // attached message.
        assert_eq!(left, 5, "files left undecoded, {endings}");

        let left = check(
            &format!("encoded attached message, {endings}"),
            &convert(&message_with_encoded_attached_message()),
        );
        assert_eq!(
            left, 0,
            "read whole: its parts show only when decoded, {endings}"
        );

        let left = check(
            &format!("a single file, {endings}"),
            &convert(&message_that_is_a_file()),
        );
        assert_eq!(left, 1, "{endings}");
    }
}

#[test]
fn the_golden_corpus_reads_the_same_for_storing() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut read = 0;
    for entry in std::fs::read_dir(dir).expect("corpus") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "eml") {
            let raw = std::fs::read(&path).expect("read");
            check(&path.display().to_string(), &raw);
            read += 1;
        }
    }
    assert!(read >= 8, "the corpus is there");
}
