//! `candor record ...`: add, list, show, edit, delete.

use candor_core::api::{Candor, records};
use candor_core::{
    ApiError, JobStatus, RecordFields, RecordInput, RecordKind, RecordQuery, RecordSort,
};
use clap::{Args, Subcommand, ValueEnum};

use crate::output;

#[derive(Debug, Subcommand)]
pub enum RecordCommand {
    /// Create a record.
    #[command(subcommand)]
    Add(AddCommand),
    /// List the records of one kind (most recently changed first), or those
    /// matching a search.
    List {
        kind: KindArg,
        /// Words that must all appear in the name, an email address or the
        /// company, case ignored.
        #[arg(long)]
        search: Option<String>,
        #[arg(long, value_enum, default_value = "updated")]
        sort: SortArg,
        /// Job openings in this state only.
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// Only records created by an import.
        #[arg(long, conflicts_with = "not_imported")]
        imported: bool,
        /// Only records created by hand.
        #[arg(long)]
        not_imported: bool,
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Show one record.
    Show { id: i64 },
    /// Change a record: each flag given replaces that field.
    Edit {
        id: i64,
        // Boxed: the many optional fields would make every command value large.
        #[command(flatten)]
        changes: Box<EditArgs>,
    },
    /// Delete a record (its mail stays).
    Delete { id: i64 },
    /// The conversations on a record's page, newest first.
    Emails {
        id: i64,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Put a message on a record's page by hand (a message id or a Message-ID).
    Link { message: String, record: i64 },
    /// Take a message off a record's page by hand; it stays off.
    Unlink { message: String, record: i64 },
    /// Create a candidate or contact from the sender of a message (by message id).
    FromSender {
        message: i64,
        #[arg(long = "as", value_enum)]
        kind: PersonKind,
    },
    /// A job opening's pipeline: list it, or add, stage or remove a candidate.
    Pipeline {
        /// The job opening's record id.
        #[arg(value_name = "JOB_ID")]
        job: i64,
        #[command(subcommand)]
        action: Option<crate::pipeline::PipelineAction>,
    },
    /// The job openings a candidate is in, with their stage.
    Jobs {
        #[arg(value_name = "CANDIDATE_ID")]
        candidate: i64,
    },
    /// How mail is matched to records: show it, or change it with --variants.
    Matching {
        /// Also match plus-addresses (name+tag@) and Gmail addresses with
        /// dots to the plain address. Off by default.
        #[arg(long, value_enum)]
        variants: Option<OnOff>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PersonKind {
    Candidate,
    Contact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Candidate,
    Contact,
    Client,
    Job,
}

impl From<KindArg> for RecordKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Candidate => Self::Candidate,
            KindArg::Contact => Self::Contact,
            KindArg::Client => Self::Client,
            KindArg::Job => Self::Job,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortArg {
    /// Most recently changed first.
    Updated,
    /// Newest first.
    Created,
    /// By name, A to Z.
    Name,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Open,
    OnHold,
    Filled,
    Closed,
}

impl From<StatusArg> for JobStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Open => Self::Open,
            StatusArg::OnHold => Self::OnHold,
            StatusArg::Filled => Self::Filled,
            StatusArg::Closed => Self::Closed,
        }
    }
}

#[derive(Debug, Args)]
pub struct PersonArgs {
    #[arg(long, default_value = "")]
    first_name: String,
    #[arg(long, default_value = "")]
    last_name: String,
    /// An email address (repeat for several; the first is the primary one).
    #[arg(long = "email", value_name = "ADDRESS")]
    emails: Vec<String>,
    /// A phone number (repeatable).
    #[arg(long = "phone", value_name = "NUMBER")]
    phones: Vec<String>,
    #[arg(long, default_value = "")]
    notes: String,
}

#[derive(Debug, Subcommand)]
pub enum AddCommand {
    Candidate {
        #[command(flatten)]
        person: PersonArgs,
        /// Current job title.
        #[arg(long)]
        title: Option<String>,
        /// Current employer.
        #[arg(long)]
        employer: Option<String>,
    },
    Contact {
        #[command(flatten)]
        person: PersonArgs,
        #[arg(long)]
        job_title: Option<String>,
        /// The client (company) they work for: its record id or exact name.
        #[arg(long, value_name = "ID_OR_NAME")]
        client: Option<String>,
        /// Postal address; "\n" in the text starts a new line.
        #[arg(long)]
        address: Option<String>,
    },
    Client {
        #[arg(long)]
        name: String,
        #[arg(long)]
        website: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long, default_value = "")]
        notes: String,
    },
    Job {
        #[arg(long)]
        title: String,
        /// The client the opening is for: its record id or exact name.
        #[arg(long, value_name = "ID_OR_NAME")]
        client: Option<String>,
        /// The contact in charge of the opening (record id).
        #[arg(long, value_name = "ID")]
        primary_contact: Option<i64>,
        #[arg(long, value_enum, default_value = "open")]
        status: StatusArg,
        #[arg(long, default_value = "")]
        notes: String,
    },
}

/// Every field `edit` can change; which ones apply depends on the record's kind.
#[derive(Debug, Args)]
pub struct EditArgs {
    #[arg(long)]
    first_name: Option<String>,
    #[arg(long)]
    last_name: Option<String>,
    /// Replaces all email addresses (repeatable).
    #[arg(long = "email", value_name = "ADDRESS")]
    emails: Option<Vec<String>>,
    /// Replaces all phone numbers (repeatable).
    #[arg(long = "phone", value_name = "NUMBER")]
    phones: Option<Vec<String>>,
    /// A candidate's current title, or a job opening's title.
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    employer: Option<String>,
    #[arg(long)]
    job_title: Option<String>,
    /// A contact's postal address; "\n" in the text starts a new line.
    #[arg(long)]
    address: Option<String>,
    #[arg(long, value_name = "ID_OR_NAME")]
    client: Option<String>,
    #[arg(long, value_name = "ID")]
    primary_contact: Option<i64>,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    website: Option<String>,
    #[arg(long, value_enum)]
    status: Option<StatusArg>,
    #[arg(long)]
    notes: Option<String>,
}

pub fn run(candor: &Candor, command: RecordCommand, json: bool) -> Result<(), ApiError> {
    match command {
        RecordCommand::Add(add) => {
            let input = add_input(candor, add)?;
            output::record(json, &records::create(candor, input)?);
        }
        RecordCommand::List {
            kind,
            search,
            sort,
            status,
            imported,
            not_imported,
            limit,
        } => {
            let query = RecordQuery {
                text: search,
                sort: match sort {
                    SortArg::Updated => RecordSort::Updated,
                    SortArg::Created => RecordSort::Created,
                    SortArg::Name => RecordSort::Name,
                },
                job_status: status.map(JobStatus::from),
                imported: if imported {
                    Some(true)
                } else if not_imported {
                    Some(false)
                } else {
                    None
                },
                limit,
            };
            let page = records::search(candor, kind.into(), &query)?;
            output::summaries(json, &page.records);
            let shown = i64::try_from(page.records.len()).unwrap_or(i64::MAX);
            if !json && page.total > shown {
                println!("({} of {} shown)", page.records.len(), page.total);
            }
        }
        RecordCommand::Show { id } => {
            let record = records::get(candor, id)?;
            output::record(json, &record);
            if !json && record.kind == RecordKind::Candidate {
                crate::pipeline::show_lines(candor, id)?;
            }
        }
        RecordCommand::Edit { id, changes } => {
            let current = records::get(candor, id)?;
            let input = apply_edit(candor, current.fields, current.notes, *changes)?;
            output::record(json, &records::update(candor, id, input)?);
        }
        RecordCommand::Delete { id } => {
            records::delete(candor, id)?;
            output::deleted(json, id);
        }
        RecordCommand::Emails { id, limit } => {
            output::threads(json, &records::emails(candor, id, limit)?)
        }
        RecordCommand::Link { message, record } => {
            let n = records::link(candor, &message, record)?;
            output::value_or(
                json,
                &serde_json::json!({ "linked": n, "record": record }),
                || format!("Linked {n} message(s) to record {record}."),
            );
        }
        RecordCommand::FromSender { message, kind } => {
            let kind = match kind {
                PersonKind::Candidate => RecordKind::Candidate,
                PersonKind::Contact => RecordKind::Contact,
            };
            let record = records::create_from_sender(candor, message, kind)?;
            output::value_or(json, &record, || {
                format!(
                    "Created {} {}: {}.",
                    kind.as_str(),
                    record.id,
                    record.display_name
                )
            });
        }
        RecordCommand::Pipeline { job, action } => crate::pipeline::run(candor, job, action, json)?,
        RecordCommand::Jobs { candidate } => crate::pipeline::jobs(candor, candidate, json)?,
        RecordCommand::Matching { variants } => {
            if let Some(v) = variants {
                records::set_address_variants(candor, v == OnOff::On)?;
            }
            let enabled = records::address_variants(candor)?;
            output::value_or(json, &serde_json::json!({ "variants": enabled }), || {
                if enabled {
                    "Mail is matched to records by address, including plus-addresses and Gmail dots.".into()
                } else {
                    "Mail is matched to records by exact address (case ignored).".into()
                }
            });
        }
        RecordCommand::Unlink { message, record } => {
            let n = records::unlink(candor, &message, record)?;
            output::value_or(
                json,
                &serde_json::json!({ "unlinked": n, "record": record }),
                || format!("Took {n} message(s) off record {record}."),
            );
        }
    }
    Ok(())
}

fn client_id(candor: &Candor, client: Option<String>) -> Result<Option<i64>, ApiError> {
    client
        .filter(|c| !c.trim().is_empty())
        .map(|c| records::resolve_client(candor, &c))
        .transpose()
}

fn add_input(candor: &Candor, add: AddCommand) -> Result<RecordInput, ApiError> {
    Ok(match add {
        AddCommand::Candidate {
            person,
            title,
            employer,
        } => RecordInput {
            fields: RecordFields::Candidate {
                first_name: person.first_name,
                last_name: person.last_name,
                emails: person.emails,
                phones: person.phones,
                current_title: title,
                current_employer: employer,
            },
            notes: person.notes,
        },
        AddCommand::Contact {
            person,
            job_title,
            client,
            address,
        } => RecordInput {
            fields: RecordFields::Contact {
                first_name: person.first_name,
                last_name: person.last_name,
                emails: person.emails,
                phones: person.phones,
                job_title,
                client_id: client_id(candor, client)?,
                address: address.map(|a| a.replace("\\n", "\n")),
            },
            notes: person.notes,
        },
        AddCommand::Client {
            name,
            website,
            phone,
            notes,
        } => RecordInput {
            fields: RecordFields::Client {
                name,
                website,
                phone,
            },
            notes,
        },
        AddCommand::Job {
            title,
            client,
            primary_contact,
            status,
            notes,
        } => RecordInput {
            fields: RecordFields::Job {
                title,
                client_id: client_id(candor, client)?,
                primary_contact_id: primary_contact,
                status: status.into(),
            },
            notes,
        },
    })
}

fn not_for(flag: &str, kind: RecordKind) -> ApiError {
    ApiError::invalid(
        flag.trim_start_matches("--").replace('-', "_").as_str(),
        format!("{flag} does not apply to a {}.", kind.as_str()),
    )
}

fn apply_edit(
    candor: &Candor,
    fields: RecordFields,
    notes: String,
    e: EditArgs,
) -> Result<RecordInput, ApiError> {
    let kind = fields.kind();
    let is_person = matches!(kind, RecordKind::Candidate | RecordKind::Contact);
    for (given, flag) in [
        (e.first_name.is_some() && !is_person, "--first-name"),
        (e.last_name.is_some() && !is_person, "--last-name"),
        (e.emails.is_some() && !is_person, "--email"),
        (e.phones.is_some() && !is_person, "--phone"),
        (
            e.employer.is_some() && kind != RecordKind::Candidate,
            "--employer",
        ),
        (
            e.job_title.is_some() && kind != RecordKind::Contact,
            "--job-title",
        ),
        (
            e.address.is_some() && kind != RecordKind::Contact,
            "--address",
        ),
        (
            e.title.is_some() && !matches!(kind, RecordKind::Candidate | RecordKind::Job),
            "--title",
        ),
        (
            e.client.is_some() && !matches!(kind, RecordKind::Contact | RecordKind::Job),
            "--client",
        ),
        (
            e.primary_contact.is_some() && kind != RecordKind::Job,
            "--primary-contact",
        ),
        (e.name.is_some() && kind != RecordKind::Client, "--name"),
        (
            e.website.is_some() && kind != RecordKind::Client,
            "--website",
        ),
        (e.status.is_some() && kind != RecordKind::Job, "--status"),
    ] {
        if given {
            return Err(not_for(flag, kind));
        }
    }
    let new_client = match e.client {
        Some(c) => Some(client_id(candor, Some(c))?),
        None => None,
    };
    let fields = match fields {
        RecordFields::Candidate {
            first_name,
            last_name,
            emails,
            phones,
            current_title,
            current_employer,
        } => RecordFields::Candidate {
            first_name: e.first_name.unwrap_or(first_name),
            last_name: e.last_name.unwrap_or(last_name),
            emails: e.emails.unwrap_or(emails),
            phones: e.phones.unwrap_or(phones),
            current_title: e.title.or(current_title),
            current_employer: e.employer.or(current_employer),
        },
        RecordFields::Contact {
            first_name,
            last_name,
            emails,
            phones,
            job_title,
            client_id,
            address,
        } => RecordFields::Contact {
            first_name: e.first_name.unwrap_or(first_name),
            last_name: e.last_name.unwrap_or(last_name),
            emails: e.emails.unwrap_or(emails),
            phones: e.phones.unwrap_or(phones),
            job_title: e.job_title.or(job_title),
            client_id: new_client.unwrap_or(client_id),
            address: e.address.map(|a| a.replace("\\n", "\n")).or(address),
        },
        RecordFields::Client {
            name,
            website,
            phone,
        } => RecordFields::Client {
            name: e.name.unwrap_or(name),
            website: e.website.or(website),
            phone,
        },
        RecordFields::Job {
            title,
            client_id,
            primary_contact_id,
            status,
        } => RecordFields::Job {
            title: e.title.unwrap_or(title),
            client_id: new_client.unwrap_or(client_id),
            primary_contact_id: e.primary_contact.or(primary_contact_id),
            status: e.status.map_or(status, Into::into),
        },
    };
    Ok(RecordInput {
        fields,
        notes: e.notes.unwrap_or(notes),
    })
}
