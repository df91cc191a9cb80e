//! Sending: write, queue, send, file a copy in Sent.
//!
//! [`queue`] checks everything that can be checked here (addresses,
//! attachments, the account's outgoing server), builds the message and fixes
//! it in the outbox with its Message-ID before any network work. The sender
//! ([`send_due`], and every account sync) then hands it to the SMTP server:
//! temporary failures (4xx, network, a refused login) keep it queued with
//! back-off; a permanent refusal (5xx) fails it with the server's words,
//! never retried. A message a crash caught mid-handover is looked for in the
//! Sent folder by its Message-ID before it is sent again. After sending, a
//! copy goes to the server's Sent folder (IMAP APPEND, marked read) except
//! at providers that file sent mail themselves, and to the local Sent folder
//! at once; the server's copy, when a sync brings it, takes the local one's
//! place rather than doubling it.

use std::path::PathBuf;

use candor_mail::compose::{ComposeError, Draft, InlineImage, OutgoingAttachment, compose};
use candor_mail::imap::ImapSession;
use candor_mail::smtp::{Security, ServerLogin, SmtpError, SmtpSession};
pub use candor_store::outbox::OutboxEntry;
use candor_store::outbox::{NewOutgoing, Outgoing};
use serde::Serialize;

use super::Candor;
use super::mail::NewMessageFrom;
use crate::ApiError;

/// What the user wrote, as the CLI and the compose form pass it.
#[derive(Debug, Clone, Default)]
pub struct OutgoingDraft {
    pub account: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<PathBuf>,
    /// Files attached in the app: the web view holds their contents, not
    /// their paths.
    pub attached: Vec<AttachedFile>,
    /// Images shown inside the HTML body, which refers to each as
    /// `cid:FILE_NAME` (`<img src="cid:logo.png">` for `logo.png`).
    pub inline_images: Vec<PathBuf>,
    /// The message answered: a local message id, or a Message-ID header.
    /// Without recipients of its own, the reply goes to its sender (its
    /// Reply-To address where it has one).
    pub reply_to: Option<String>,
    /// Reply to everyone on the answered message (except the user's own
    /// addresses), the others in CC.
    pub reply_all: bool,
    /// A message to forward: quoted below the text, with its attachments.
    pub forward: Option<String>,
    /// When to send (Unix seconds); now when `None`.
    pub send_at: Option<i64>,
    /// A template to fill in for a record: (template name, record id). It
    /// gives the subject and body (unless given here) and, without other
    /// recipients, sends to the record's email address.
    pub template: Option<(String, i64)>,
}

/// A file's name and contents, attached without a path.
#[derive(Debug, Clone, Default)]
pub struct AttachedFile {
    pub filename: String,
    pub data: Vec<u8>,
}

/// A message now in the outbox.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Queued {
    pub id: i64,
    pub message_id: String,
    pub send_at: i64,
}

/// What became of one message in a sending pass.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SendOutcome {
    pub id: i64,
    pub message_id: String,
    /// "sent", "queued" (will be retried), "failed" or "unknown".
    pub state: String,
    pub error: Option<String>,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// The wait before retrying after `attempts` temporary failures: 1, 2, 4
/// ... minutes, at most an hour.
fn retry_delay(attempts: u32) -> i64 {
    (60 * 2_i64.pow(attempts.min(6))).min(3_600)
}

/// A type for an attachment, from its file name.
fn content_type_of(path: &std::path::Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt" => "application/vnd.oasis.opendocument.text",
        "rtf" => "application/rtf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "zip" => "application/zip",
        "ics" => "text/calendar",
        "vcf" => "text/vcard",
        _ => "application/octet-stream",
    }
}

fn compose_error(e: ComposeError) -> ApiError {
    let field = match &e {
        ComposeError::InvalidAddress { field, .. } => *field,
        ComposeError::NoRecipients => "to",
        ComposeError::InvalidContentType { .. } => "attachments",
        ComposeError::Build(_) => "message",
    };
    ApiError::invalid(field, e.to_string())
}

/// The HTML body's inline images, read and checked: each must be an image
/// the HTML shows (`cid:` and its file name), and every `cid:` the HTML
/// uses must have its image, or the recipient would see a broken picture.
fn inline_images(draft: &OutgoingDraft) -> Result<Vec<InlineImage>, ApiError> {
    let html = draft.html.as_deref().unwrap_or_default();
    if draft.html.is_none() && !draft.inline_images.is_empty() {
        return Err(ApiError::invalid(
            "inline_images",
            "Inline images appear inside an HTML body; give one (--html-file) or attach the images instead.",
        ));
    }
    let mut images = Vec::new();
    for path in &draft.inline_images {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let content_type = content_type_of(path);
        if !content_type.starts_with("image/") {
            return Err(ApiError::invalid(
                "inline_images",
                format!("{} is not an image (PNG, JPEG or GIF).", path.display()),
            ));
        }
        if !html.contains(&format!("cid:{name}")) {
            return Err(ApiError::invalid(
                "inline_images",
                format!("The HTML does not show {name}: refer to it as <img src=\"cid:{name}\">."),
            ));
        }
        let data = std::fs::read(path).map_err(|e| {
            ApiError::invalid(
                "inline_images",
                format!("The image {} could not be read: {e}.", path.display()),
            )
        })?;
        images.push(InlineImage {
            content_id: name,
            content_type: content_type.into(),
            data,
        });
    }
    for reference in html.split("cid:").skip(1) {
        let id: String = reference
            .chars()
            .take_while(|c| !matches!(c, '"' | '\'' | ')' | ' ' | '>'))
            .collect();
        if !images.iter().any(|i| i.content_id == id) {
            return Err(ApiError::invalid(
                "inline_images",
                format!("The HTML shows cid:{id}, but no such image is given (--inline FILE)."),
            ));
        }
    }
    Ok(images)
}

/// Checks, builds and queues a message; nothing goes over the network.
pub fn queue(candor: &Candor, mut draft: OutgoingDraft) -> Result<Queued, ApiError> {
    if let Some((name, record)) = &draft.template {
        let rendered = super::templates::render(candor, name, *record)?;
        if draft.subject.trim().is_empty() {
            draft.subject = rendered.subject;
        }
        if draft.text.trim().is_empty() {
            draft.text = rendered.body;
        }
        if draft.to.is_empty() && draft.cc.is_empty() && draft.bcc.is_empty() {
            draft.to.extend(rendered.email);
        }
    }
    let mut store = candor.store();
    let account_id = super::accounts::resolve(&store, &draft.account)?;
    let server = store.outgoing_server(account_id)?.ok_or_else(|| {
        ApiError::invalid(
            "account",
            format!(
                "The account \"{}\" has no outgoing (SMTP) server; add one to send from it.",
                draft.account.trim()
            ),
        )
    })?;
    let mut attachments = Vec::new();
    for path in &draft.attachments {
        let data = std::fs::read(path).map_err(|e| {
            ApiError::invalid(
                "attachments",
                format!("The attachment {} could not be read: {e}.", path.display()),
            )
        })?;
        attachments.push(OutgoingAttachment {
            filename: path
                .file_name()
                .map_or_else(|| "attachment".into(), |n| n.to_string_lossy().into_owned()),
            content_type: content_type_of(path).into(),
            data,
        });
    }
    for file in &draft.attached {
        let filename = file.filename.trim();
        if filename.is_empty() {
            return Err(ApiError::invalid(
                "attachments",
                "An attachment has no file name.",
            ));
        }
        attachments.push(OutgoingAttachment {
            filename: filename.to_owned(),
            content_type: content_type_of(std::path::Path::new(filename)).into(),
            data: file.data.clone(),
        });
    }
    let inline_images = inline_images(&draft)?;
    let mut replying_to = None;
    let mut in_reply_to = None;
    let mut references = Vec::new();
    let mut quoted = String::new();
    if let Some(which) = &draft.reply_to {
        let local = find_message(&store, which)?;
        let original = store
            .message_view(local)?
            .ok_or_else(|| ApiError::not_found(format!("Message {local} does not exist.")))?;
        if draft.to.is_empty() && draft.cc.is_empty() && draft.bcc.is_empty() {
            let own: Vec<String> = store.own_addresses()?;
            let (to, cc) =
                reply_recipients(&store.message_addresses(local)?, draft.reply_all, &own);
            draft.to = to;
            draft.cc = cc;
        }
        if draft.subject.trim().is_empty() {
            draft.subject = prefixed("Re:", &original.subject);
        }
        references = store
            .references_of(local)?
            .map(|r| r.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        in_reply_to = original.message_id_header.clone();
        replying_to = Some(local);
        quoted = quote(&original);
    }
    if let Some(which) = &draft.forward {
        let local = find_message(&store, which)?;
        let original = store
            .message_view(local)?
            .ok_or_else(|| ApiError::not_found(format!("Message {local} does not exist.")))?;
        if draft.subject.trim().is_empty() {
            draft.subject = prefixed("Fwd:", &original.subject);
        }
        quoted = forwarded(&original);
        let mut parts = super::attachments::MessageParts::new(local);
        for a in store.message_attachments(local)? {
            let data = parts.bytes(
                &store,
                a.position,
                a.filename.as_deref(),
                &a.content_type,
                a.data,
            )?;
            attachments.push(OutgoingAttachment {
                filename: a.filename.unwrap_or_else(|| "attachment".into()),
                content_type: a.content_type,
                data,
            });
        }
    }
    let signature = server
        .signature
        .as_deref()
        .map(|sig| format!("\n\n-- \n{sig}"))
        .unwrap_or_default();
    // The HTML part says what the text part says: the signature and the
    // quoted original go below the user's HTML too, as text in HTML.
    let html = draft
        .html
        .as_deref()
        .map(|html| format!("{html}{}", text_as_html(&format!("{signature}{quoted}"))));
    let composed = compose(&Draft {
        from: server.email_address.clone(),
        to: draft.to.clone(),
        cc: draft.cc.clone(),
        bcc: draft.bcc.clone(),
        subject: draft.subject.clone(),
        text: format!("{}{signature}{quoted}", draft.text),
        html,
        attachments,
        inline_images,
        in_reply_to,
        references,
    })
    .map_err(compose_error)?;
    let send_at = draft.send_at.unwrap_or_else(now);
    let id = store.queue_outgoing(&NewOutgoing {
        account_id,
        message_id_header: composed.message_id.clone(),
        raw: composed.raw,
        envelope_from: composed.envelope_from,
        recipients: composed.recipients,
        subject: draft.subject.trim().to_owned(),
        send_at,
        replying_to,
    })?;
    Ok(Queued {
        id,
        message_id: composed.message_id,
        send_at,
    })
}

/// A local message by its id, or by its Message-ID header.
fn find_message(store: &candor_store::Store, which: &str) -> Result<i64, ApiError> {
    match which.trim().parse::<i64>() {
        Ok(id) => Some(id),
        Err(_) => store.message_by_header(which)?,
    }
    .ok_or_else(|| ApiError::not_found(format!("There is no message {which}.")))
}

/// `prefix` and the subject, unless the subject already starts with it.
fn prefixed(prefix: &str, subject: &str) -> String {
    let subject = subject.trim();
    if subject
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    {
        subject.to_owned()
    } else {
        format!("{prefix} {subject}")
    }
}

/// Who a reply goes to: the Reply-To address, or the sender; with `all`,
/// also the original To and CC (in CC), never the user's own addresses and
/// nobody twice.
fn reply_recipients(
    addresses: &[(String, String, Option<String>)],
    all: bool,
    own: &[String],
) -> (Vec<String>, Vec<String>) {
    let of = |role: &str| -> Vec<String> {
        addresses
            .iter()
            .filter(|(r, _, _)| r == role)
            .map(|(_, address, name)| match name {
                Some(name) if !name.trim().is_empty() => {
                    format!("\"{}\" <{address}>", name.replace('"', ""))
                }
                _ => address.clone(),
            })
            .collect()
    };
    let address_of = |entry: &str| -> String {
        entry
            .rsplit_once('<')
            .map_or(entry, |(_, a)| a.trim_end_matches('>'))
            .trim()
            .to_ascii_lowercase()
    };
    let mut seen: Vec<String> = own.iter().map(|a| a.to_ascii_lowercase()).collect();
    let mut take = |list: Vec<String>| -> Vec<String> {
        list.into_iter()
            .filter(|entry| {
                let address = address_of(entry);
                if seen.contains(&address) {
                    false
                } else {
                    seen.push(address);
                    true
                }
            })
            .collect()
    };
    let reply_to = of("reply_to");
    let mut to = take(if reply_to.is_empty() {
        of("from")
    } else {
        reply_to
    });
    let cc = if all {
        let mut rest = take(of("to"));
        rest.extend(take(of("cc")));
        rest
    } else {
        Vec::new()
    };
    // Replying to one's own message (from Sent) goes to its recipients.
    if to.is_empty() && !all {
        to = take(of("to"));
    }
    (to, cc)
}

/// The forwarded message, below the user's text.
fn forwarded(original: &super::threads::MessageView) -> String {
    let from = match (&original.from_name, &original.from_address) {
        (Some(name), Some(address)) => format!("{name} <{address}>"),
        (None, Some(address)) => address.clone(),
        (Some(name), None) => name.clone(),
        (None, None) => String::new(),
    };
    format!(
        "\n\n---------- Forwarded message ----------\nFrom: {from}\nDate: {}\nSubject: {}\nTo: {}\n\n{}\n",
        when(original),
        original.subject,
        original.to.join(", "),
        original.text_plain.as_deref().unwrap_or_default()
    )
}

fn when(original: &super::threads::MessageView) -> String {
    time::OffsetDateTime::from_unix_timestamp(original.sent_at.unwrap_or(original.received_at))
        .ok()
        .and_then(|d| {
            d.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// The answered message's text, quoted below the reply.
fn quote(original: &super::threads::MessageView) -> String {
    let Some(text) = original.text_plain.as_deref() else {
        return String::new();
    };
    let who = original
        .from_name
        .clone()
        .or_else(|| original.from_address.clone())
        .unwrap_or_else(|| "the sender".into());
    let when = when(original);
    let mut out = format!("\n\nOn {when}, {who} wrote:\n");
    for line in text.lines() {
        out.push_str(if line.is_empty() { ">" } else { "> " });
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Plain text (a signature, a quoted original) as HTML that shows it the
/// same: escaped, line breaks kept, quoted lines in a cite blockquote.
fn text_as_html(text: &str) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    let escape = |line: &str| {
        line.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut out = String::from("<div style=\"white-space: pre-wrap\">");
    let mut in_quote = false;
    for line in text.lines() {
        let quoted = line.starts_with('>');
        if quoted != in_quote {
            out.push_str(if quoted {
                "<blockquote type=\"cite\" style=\"margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex\">"
            } else {
                "</blockquote>"
            });
            in_quote = quoted;
        }
        let shown = if quoted {
            line.trim_start_matches('>')
                .strip_prefix(' ')
                .unwrap_or(line.trim_start_matches('>'))
        } else {
            line
        };
        out.push_str(&escape(shown));
        out.push('\n');
    }
    if in_quote {
        out.push_str("</blockquote>");
    }
    out.push_str("</div>");
    out
}

/// HTML written in the compose window's editor, made safe to send: the
/// same whitelist as mail shown here (no scripts, handlers, forms or
/// frames), remote images kept (the user put them there).
pub fn clean_editor_html(html: &str) -> String {
    candor_mail::html::sanitize(
        html,
        &candor_mail::html::Options {
            load_remote: true,
            ..candor_mail::html::Options::default()
        },
    )
    .html
}

/// Who a reply goes to and its subject, as [`queue`] would fill them in:
/// for the compose form to show before the user sends.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReplyPrefill {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
}

pub fn reply_prefill(
    candor: &Candor,
    message_id: i64,
    reply_all: bool,
) -> Result<ReplyPrefill, ApiError> {
    let store = candor.store();
    let original = store
        .message_view(message_id)?
        .ok_or_else(|| ApiError::not_found(format!("Message {message_id} does not exist.")))?;
    let own = store.own_addresses()?;
    let (to, cc) = reply_recipients(&store.message_addresses(message_id)?, reply_all, &own);
    Ok(ReplyPrefill {
        to,
        cc,
        subject: prefixed("Re:", &original.subject),
    })
}

/// Cancels a message that has not started going out.
pub fn cancel(candor: &Candor, id: i64) -> Result<(), ApiError> {
    if candor.store().cancel_outgoing(id)? {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "id",
            format!(
                "Message {id} is not waiting in the outbox (already sending, sent, or not there)."
            ),
        ))
    }
}

pub fn outbox(candor: &Candor) -> Result<Vec<OutboxEntry>, ApiError> {
    Ok(candor.reader().outbox()?)
}

/// Sends what is due, for one account or all. With `everything_queued`,
/// also what waits for a later time or a retry ("send now").
pub async fn send_due(
    candor: &Candor,
    account: Option<&str>,
    everything_queued: bool,
) -> Result<Vec<SendOutcome>, ApiError> {
    let ids = {
        let store = candor.store();
        match account {
            Some(name) => vec![super::accounts::resolve(&store, name)?],
            None => store.account_ids()?,
        }
    };
    let mut outcomes = Vec::new();
    for id in ids {
        outcomes.extend(send_account(candor, id, everything_queued).await?);
    }
    Ok(outcomes)
}

/// Providers that put sent mail in the Sent folder themselves: an APPEND
/// there would show every message twice.
fn files_sent_mail_itself(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    [
        "gmail.com",
        "googlemail.com",
        "office365.com",
        "outlook.com",
    ]
    .iter()
    .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

fn security(text: &str) -> Security {
    match text {
        "starttls" => Security::StartTls,
        "none" => Security::None,
        _ => Security::Tls,
    }
}

/// An exclusive OS lock on `outbox.lock` in the data directory while this
/// process sends, or `None` when another process holds it. The OS drops the
/// lock with a process that crashes, so a crash never leaves the outbox stuck.
fn outbox_lock(candor: &Candor) -> Result<Option<std::fs::File>, ApiError> {
    let path = candor.data_dir().join("outbox.lock");
    let file = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| ApiError::storage(format!("{} could not be opened: {e}.", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(ApiError::storage(format!(
            "{} could not be locked: {e}.",
            path.display()
        ))),
    }
}

/// Sends one account's due messages.
pub(super) async fn send_account(
    candor: &Candor,
    account_id: i64,
    everything_queued: bool,
) -> Result<Vec<SendOutcome>, ApiError> {
    let _one_sender = candor.sending.lock().await;
    // Another process on the same data directory (the app beside `candor
    // sync --watch`) would pick the same messages: it waits its turn.
    let Some(_one_process) = outbox_lock(candor)? else {
        tracing::info!(
            "another Candor process is sending from this outbox; leaving it to that one"
        );
        return Ok(Vec::new());
    };
    let (server, due, incoming) = {
        let store = candor.store();
        let Some(server) = store.outgoing_server(account_id)? else {
            return Ok(Vec::new());
        };
        let due = store.due_outgoing(account_id, everything_queued)?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let incoming = store.incoming_server(account_id)?;
        (server, due, incoming)
    };
    // The password, or a fresh access token for an account that signs in
    // with its provider.
    let (password, mechanism) =
        super::oauth::mail_secret(candor, account_id, &server.name, false).await?;
    let smtp_login = ServerLogin {
        host: server.host.clone(),
        port: server.port,
        security: security(&server.security),
        username: server.username.clone(),
        password: password.clone(),
        pinned_certificate_pem: server.pinned_certificate_pem.clone(),
        mechanism,
    };
    let imap_login = incoming
        .filter(|i| i.protocol == "imap")
        .map(|i| ServerLogin {
            host: i.host.unwrap_or_default(),
            port: i.port.unwrap_or(993),
            security: security(i.security.as_deref().unwrap_or("tls")),
            username: i.username.unwrap_or_default(),
            password,
            pinned_certificate_pem: i.pinned_certificate_pem,
            mechanism,
        });
    let file_in_sent = imap_login
        .as_ref()
        .is_some_and(|l| !files_sent_mail_itself(&l.host));
    let hello = server
        .email_address
        .rsplit_once('@')
        .map_or("localhost", |(_, domain)| domain)
        .to_owned();

    let mut imap: Option<ImapSession> = None;
    let mut smtp: Option<SmtpSession> = None;
    let mut outcomes = Vec::new();
    for message in due {
        let outcome = |state: &str, error: Option<String>| SendOutcome {
            id: message.id,
            message_id: message.message_id_header.clone(),
            state: state.into(),
            error,
        };
        // A crash caught this one mid-handover: did it go out?
        if message.state == "unknown"
            && let Some(login) = &imap_login
        {
            match already_in_sent(candor, account_id, login, &mut imap, &message).await {
                Ok(true) => {
                    candor
                        .store()
                        .set_outgoing_state(message.id, "sent", None, None)?;
                    outcomes.push(outcome("sent", None));
                    continue;
                }
                Ok(false) => {}
                Err(reason) => {
                    // Cannot tell now; ask again next time rather than risk a twin.
                    outcomes.push(outcome("unknown", Some(reason)));
                    continue;
                }
            }
        }
        candor
            .store()
            .set_outgoing_state(message.id, "sending", None, None)?;
        let session = match smtp.as_mut() {
            Some(session) => session,
            None => match SmtpSession::connect(&smtp_login, &hello).await {
                Ok(session) => smtp.insert(session),
                Err(e) => {
                    // The message is fine; the server or the login is not.
                    // The rest wait too, rather than each waiting for the
                    // same dead server.
                    outcomes.push(requeue(candor, &message, &e)?);
                    break;
                }
            },
        };
        // From here a crash leaves the outcome unknown.
        candor
            .store()
            .set_outgoing_state(message.id, "unknown", None, None)?;
        match session
            .send(&message.envelope_from, &message.recipients, &message.raw)
            .await
        {
            Ok(()) => {
                candor
                    .store()
                    .set_outgoing_state(message.id, "sent", None, None)?;
                let filed = file_copy(
                    candor,
                    account_id,
                    imap_login.as_ref().filter(|_| file_in_sent),
                    &mut imap,
                    &message,
                )
                .await;
                outcomes.push(outcome("sent", filed.err()));
            }
            Err(e @ SmtpError::Rejected { .. }) => {
                let reason = e.to_string();
                candor
                    .store()
                    .set_outgoing_state(message.id, "failed", Some(&reason), None)?;
                outcomes.push(outcome("failed", Some(reason)));
            }
            Err(e) => {
                outcomes.push(requeue(candor, &message, &e)?);
                // The connection may be broken: start afresh for the next one.
                smtp = None;
            }
        }
    }
    if let Some(session) = smtp {
        session.quit().await;
    }
    if let Some(session) = imap {
        let _ = session.logout().await;
    }
    super::mail::rethread_if_unthreaded(&mut candor.store())?;
    Ok(outcomes)
}

/// Puts a message back in the queue after a temporary failure, to be
/// tried again after the back-off.
fn requeue(candor: &Candor, message: &Outgoing, e: &SmtpError) -> Result<SendOutcome, ApiError> {
    let reason = e.to_string();
    candor.store().set_outgoing_state(
        message.id,
        "queued",
        Some(&reason),
        Some(now() + retry_delay(message.attempts)),
    )?;
    Ok(SendOutcome {
        id: message.id,
        message_id: message.message_id_header.clone(),
        state: "queued".into(),
        error: Some(reason),
    })
}

/// The account's Sent folder on the server, by role, from the last sync or
/// from the server's folder list.
async fn sent_folder(
    candor: &Candor,
    account_id: i64,
    session: &mut ImapSession,
) -> Result<String, String> {
    let known = {
        let store = candor.store();
        store
            .find_folder(account_id, "sent")
            .map_err(|e| e.to_string())?
            .map(|id| store.folder_name(id))
            .transpose()
            .map_err(|e| e.to_string())?
            .flatten()
    };
    if let Some(name) = known {
        return Ok(name);
    }
    session
        .folders()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|f| f.role == Some(candor_mail::imap::FolderRole::Sent))
        .map(|f| f.name)
        .ok_or_else(|| "the server has no Sent folder".to_owned())
}

async fn imap_session<'a>(
    login: &ServerLogin,
    slot: &'a mut Option<ImapSession>,
) -> Result<&'a mut ImapSession, String> {
    match slot {
        Some(session) => Ok(session),
        None => Ok(slot.insert(
            ImapSession::connect(login)
                .await
                .map_err(|e| e.to_string())?,
        )),
    }
}

async fn already_in_sent(
    candor: &Candor,
    account_id: i64,
    login: &ServerLogin,
    slot: &mut Option<ImapSession>,
    message: &Outgoing,
) -> Result<bool, String> {
    let session = imap_session(login, slot).await?;
    let folder = sent_folder(candor, account_id, session).await?;
    session.select(&folder).await.map_err(|e| e.to_string())?;
    session
        .has_message_id(&message.message_id_header)
        .await
        .map_err(|e| e.to_string())
}

/// Files the sent message: on the server with APPEND (when `login` is
/// given), and in the local Sent folder. Returns why the server's copy is
/// missing, if it is.
async fn file_copy(
    candor: &Candor,
    account_id: i64,
    login: Option<&ServerLogin>,
    slot: &mut Option<ImapSession>,
    message: &Outgoing,
) -> Result<(), String> {
    let mut folder_name = None;
    let mut problem = None;
    if let Some(login) = login {
        let appended = async {
            let session = imap_session(login, slot).await?;
            let folder = sent_folder(candor, account_id, session).await?;
            session
                .append(&folder, &message.raw, true)
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(folder)
        }
        .await;
        match appended {
            Ok(folder) => folder_name = Some(folder),
            Err(reason) => {
                tracing::warn!(%reason, "sent, but the copy for the Sent folder could not be stored");
                problem = Some(format!(
                    "Sent, but the copy for the Sent folder could not be stored ({reason})."
                ));
            }
        }
    }
    let mut store = candor.store();
    let folder_id = match store
        .find_folder(account_id, "sent")
        .map_err(|e| e.to_string())?
    {
        Some(id) => id,
        None => store
            .ensure_folder(
                account_id,
                folder_name.as_deref().unwrap_or("Sent"),
                Some("sent"),
            )
            .map_err(|e| e.to_string())?,
    };
    let mut copy =
        NewMessageFrom::raw(account_id, folder_id, message.raw.clone()).into_new_message();
    copy.is_seen = true;
    store.insert_message(&copy).map_err(|e| e.to_string())?;
    problem.map_or(Ok(()), Err)
}

#[cfg(test)]
mod html_tests {
    use super::*;

    #[test]
    fn signature_and_quote_show_in_html_as_in_text() {
        let html = text_as_html(
            "\n\n-- \nTom <Agency>\n\nOn 2026-12-01, Anna wrote:\n> Hello & welcome\n>\n> Bye\n",
        );
        assert!(html.contains("Tom &lt;Agency&gt;"), "{html}");
        assert!(html.contains("<blockquote type=\"cite\""), "{html}");
        assert!(
            html.contains("Hello &amp; welcome\n\nBye\n</blockquote>"),
            "{html}"
        );
        assert_eq!(text_as_html("  \n"), "");
    }

    #[test]
    fn editor_html_loses_what_could_run() {
        let clean = clean_editor_html(
            "<p onclick=\"x()\"><b>Hi</b> <a href=\"javascript:alert(1)\">x</a></p><script>y()</script><img src=\"https://x.example/a.png\">",
        );
        assert!(
            !clean.contains("onclick")
                && !clean.contains("script")
                && !clean.contains("javascript"),
            "{clean}"
        );
        assert!(
            clean.contains("<b>Hi</b>") && clean.contains("https://x.example/a.png"),
            "{clean}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_that_file_sent_mail_themselves_get_no_append() {
        assert!(files_sent_mail_itself("smtp.gmail.com"));
        assert!(files_sent_mail_itself("imap.gmail.com"));
        assert!(files_sent_mail_itself("outlook.office365.com"));
        assert!(!files_sent_mail_itself("mail.agency.example"));
        assert!(!files_sent_mail_itself("notgmail.com"));
    }

    fn addresses(list: &[(&str, &str)]) -> Vec<(String, String, Option<String>)> {
        list.iter()
            .map(|(role, address)| ((*role).into(), (*address).into(), None))
            .collect()
    }

    #[test]
    fn reply_all_reaches_everyone_but_the_user_once_each() {
        let on_message = addresses(&[
            ("from", "anna@cand.example"),
            ("to", "me@agency.example"),
            ("to", "hanna@client.example"),
            ("cc", "anna@cand.example"),
            ("cc", "ME@agency.example"),
            ("cc", "sam@client.example"),
        ]);
        let own = ["me@agency.example".to_owned()];
        assert_eq!(
            reply_recipients(&on_message, false, &own),
            (vec!["anna@cand.example".to_owned()], vec![])
        );
        assert_eq!(
            reply_recipients(&on_message, true, &own),
            (
                vec!["anna@cand.example".to_owned()],
                vec![
                    "hanna@client.example".to_owned(),
                    "sam@client.example".to_owned()
                ]
            )
        );
        let with_reply_to = addresses(&[
            ("from", "noreply@ats.example"),
            ("reply_to", "jobs@ats.example"),
        ]);
        assert_eq!(
            reply_recipients(&with_reply_to, false, &own).0,
            ["jobs@ats.example"],
            "Reply-To wins over From"
        );
        let my_own = addresses(&[("from", "me@agency.example"), ("to", "anna@cand.example")]);
        assert_eq!(
            reply_recipients(&my_own, false, &own).0,
            ["anna@cand.example"],
            "replying from Sent follows up with the recipient"
        );
    }

    #[test]
    fn subjects_get_one_prefix() {
        assert_eq!(prefixed("Re:", "Interview"), "Re: Interview");
        assert_eq!(prefixed("Re:", "RE: Interview"), "RE: Interview");
        assert_eq!(prefixed("Fwd:", "Re: Interview"), "Fwd: Re: Interview");
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(retry_delay(0), 60);
        assert_eq!(retry_delay(2), 240);
        assert_eq!(retry_delay(20), 3_600);
    }
}
