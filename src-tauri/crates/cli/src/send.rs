//! `candor send` and `candor outbox`.

use std::path::PathBuf;

use candor_core::ApiError;
use candor_core::api::Candor;
use candor_core::api::send::{self, OutgoingDraft, SendOutcome};
use clap::{Args, Subcommand};

use crate::output;

#[derive(Debug, Args)]
pub struct SendArgs {
    #[arg(long)]
    account: String,
    #[arg(long)]
    to: Vec<String>,
    #[arg(long)]
    cc: Vec<String>,
    /// Recipients nobody else sees (they are in no header).
    #[arg(long)]
    bcc: Vec<String>,
    /// The subject (a template, a reply or a forward gives one).
    #[arg(long, required_unless_present_any = ["template", "reply_to", "forward"])]
    subject: Option<String>,
    #[arg(long, conflicts_with = "body_file", required_unless_present_any = ["body_file", "template"])]
    body: Option<String>,
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// An HTML version of the body (the text body stays as its plain alternative).
    #[arg(long, value_name = "FILE")]
    html_file: Option<PathBuf>,
    #[arg(long = "attach", value_name = "FILE")]
    attachments: Vec<PathBuf>,
    /// An image shown inside the HTML body, which refers to it as
    /// `<img src="cid:FILE_NAME">`.
    #[arg(long = "inline", value_name = "FILE", requires = "html_file")]
    inline_images: Vec<PathBuf>,
    /// The message answered: a message id (`candor thread` shows them) or a
    /// Message-ID. Without --to/--cc/--bcc the reply goes to its sender.
    #[arg(long, value_name = "MESSAGE_ID", conflicts_with = "forward")]
    reply_to: Option<String>,
    /// With --reply-to: to everyone on the message (never yourself).
    #[arg(long, requires = "reply_to")]
    reply_all: bool,
    /// Forward this message (quoted below the text, with its attachments).
    #[arg(long, value_name = "MESSAGE_ID")]
    forward: Option<String>,
    /// Send later, at this time (RFC 3339, e.g. 2026-12-01T09:00:00+01:00).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Write with this template, filled in for --record (to its email
    /// address unless --to, --cc or --bcc say otherwise).
    #[arg(long, requires = "record")]
    template: Option<String>,
    #[arg(long, requires = "template")]
    record: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Save a template (replacing one of the same name). Merge fields:
    /// {{candidate.first_name}}, {{job.title}}, {{contact.company}}, ...
    Add {
        name: String,
        #[arg(long)]
        subject: String,
        #[arg(
            long,
            conflicts_with = "body_file",
            required_unless_present = "body_file"
        )]
        body: Option<String>,
        #[arg(long, value_name = "FILE")]
        body_file: Option<PathBuf>,
    },
    List,
    /// A template; with --record, filled in for that record.
    Show {
        name: String,
        #[arg(long)]
        record: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Send every queued message now, whatever its time or back-off.
    Send {
        #[arg(long)]
        account: Option<String>,
    },
    /// Cancel a message that has not started going out.
    Cancel { id: i64 },
}

fn read(path: &PathBuf, field: &str) -> Result<String, ApiError> {
    std::fs::read_to_string(path)
        .map_err(|e| ApiError::invalid(field, format!("Could not read {}: {e}.", path.display())))
}

fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            ApiError::invalid("send", format!("Could not start the network runtime: {e}."))
        })
}

fn print_outcomes(outcomes: &[SendOutcome], json: bool) {
    output::value_or(json, &outcomes, || {
        if outcomes.is_empty() {
            return "Nothing to send.".into();
        }
        outcomes
            .iter()
            .map(|o| match &o.error {
                None => format!("{} <{}>: {}", o.id, o.message_id, o.state),
                Some(e) => format!("{} <{}>: {}. {e}", o.id, o.message_id, o.state),
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
}

/// Queues the message, then sends it unless it is for later. Fails (exit
/// non-zero) only when the server refused it for good.
pub fn send(candor: &Candor, args: SendArgs, json: bool) -> Result<(), ApiError> {
    let text = match (&args.body, &args.body_file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) => read(path, "body_file")?,
        (None, None) => String::new(),
    };
    let send_at = args
        .at
        .as_deref()
        .map(|at| {
            time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
                .map(time::OffsetDateTime::unix_timestamp)
                .map_err(|e| {
                    ApiError::invalid("at", format!("{at} is not an RFC 3339 time ({e})."))
                })
        })
        .transpose()?;
    let queued = send::queue(
        candor,
        OutgoingDraft {
            account: args.account.clone(),
            to: args.to,
            cc: args.cc,
            bcc: args.bcc,
            subject: args.subject.unwrap_or_default(),
            text,
            html: args
                .html_file
                .as_ref()
                .map(|p| read(p, "html_file"))
                .transpose()?,
            attachments: args.attachments,
            inline_images: args.inline_images,
            reply_to: args.reply_to,
            reply_all: args.reply_all,
            forward: args.forward,
            send_at,
            template: args.template.zip(args.record),
            attached: Vec::new(),
        },
    )?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if queued.send_at > now {
        output::value_or(json, &queued, || {
            format!(
                "Queued {} <{}> to go at {}.",
                queued.id,
                queued.message_id,
                output::date(queued.send_at)
            )
        });
        return Ok(());
    }
    let outcomes = runtime()?.block_on(send::send_due(candor, Some(&args.account), false))?;
    let mine: Vec<SendOutcome> = outcomes.into_iter().filter(|o| o.id == queued.id).collect();
    print_outcomes(&mine, json);
    match mine.first() {
        Some(o) if o.state == "failed" => Err(ApiError::invalid(
            "send",
            o.error
                .clone()
                .unwrap_or_else(|| "The server refused the message.".into()),
        )),
        _ => Ok(()),
    }
}

pub fn outbox(candor: &Candor, command: Option<OutboxCommand>, json: bool) -> Result<(), ApiError> {
    match command {
        None => {
            let list = send::outbox(candor)?;
            output::value_or(json, &list, || {
                if list.is_empty() {
                    return "The outbox is empty.".into();
                }
                list.iter()
                    .map(|e| {
                        format!(
                            "{:<5} {:<9} {:<12} {:<40} {}{}",
                            e.id,
                            e.state,
                            e.account,
                            e.subject,
                            e.recipients.join(", "),
                            e.last_error
                                .as_deref()
                                .map(|r| format!("\n      {r}"))
                                .unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(())
        }
        Some(OutboxCommand::Send { account }) => {
            let outcomes = runtime()?.block_on(send::send_due(candor, account.as_deref(), true))?;
            print_outcomes(&outcomes, json);
            Ok(())
        }
        Some(OutboxCommand::Cancel { id }) => {
            send::cancel(candor, id)?;
            output::value_or(json, &serde_json::json!({ "cancelled": id }), || {
                format!("Cancelled {id}; it will not be sent.")
            });
            Ok(())
        }
    }
}

pub fn template(candor: &Candor, command: TemplateCommand, json: bool) -> Result<(), ApiError> {
    use candor_core::api::templates;
    match command {
        TemplateCommand::Add {
            name,
            subject,
            body,
            body_file,
        } => {
            let body = match (body, body_file) {
                (Some(body), _) => body,
                (None, Some(path)) => read(&path, "body_file")?,
                (None, None) => String::new(),
            };
            let saved = templates::save(candor, &name, &subject, &body)?;
            output::value_or(json, &saved, || {
                format!("Saved template \"{}\".", saved.name)
            });
        }
        TemplateCommand::List => {
            let list = templates::list(candor)?;
            output::value_or(json, &list, || {
                if list.is_empty() {
                    return "(no templates)".into();
                }
                list.iter()
                    .map(|t| format!("{:<24} {}", t.name, t.subject))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        TemplateCommand::Show { name, record: None } => {
            let t = templates::show(candor, &name)?;
            output::value_or(json, &t, || format!("Subject: {}\n\n{}", t.subject, t.body));
        }
        TemplateCommand::Show {
            name,
            record: Some(record),
        } => {
            let r = templates::render(candor, &name, record)?;
            output::value_or(json, &r, || {
                format!(
                    "To: {}\nSubject: {}\n\n{}",
                    r.email.as_deref().unwrap_or("(no address)"),
                    r.subject,
                    r.body
                )
            });
        }
    }
    Ok(())
}
