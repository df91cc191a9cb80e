//! The demo workspace, for a newcomer with no mail account at hand: a local
//! account holding a short recruiting mailbox (English, Chinese and Polish
//! conversations, the recruiter's replies among them) and the records those
//! people belong to, so record pages show their mail from the first start.
//! Loading it twice changes nothing; it is an ordinary local account that
//! `candor account remove Demo` takes away again.

use serde::Serialize;

use super::{Candor, accounts, import, records};
use crate::{ApiError, JobStatus, RecordFields, RecordInput};

/// The demo account's name.
pub const DEMO_ACCOUNT: &str = "Demo";
const DEMO_ADDRESS: &str = "you@candor-demo.example";
const DEMO_MAILBOX: &[u8] = include_bytes!("../../demo/demo.mbox");

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DemoReport {
    /// False when the demo was already there (nothing was changed).
    pub created: bool,
    pub messages: u64,
    pub records: u64,
}

fn person(first: &str, last: &str, email: &str) -> (String, String, Vec<String>) {
    (first.into(), last.into(), vec![email.into()])
}

/// Loads the demo workspace unless it is there already.
pub fn load(candor: &Candor) -> Result<DemoReport, ApiError> {
    if candor.store().account_id_by_name(DEMO_ACCOUNT)?.is_some() {
        return Ok(DemoReport::default());
    }
    accounts::add_local(candor, DEMO_ACCOUNT, DEMO_ADDRESS)?;
    let imported =
        import::mbox_bytes(candor, DEMO_ACCOUNT, "demo.mbox", DEMO_MAILBOX, &mut |_| {})?;
    let mut created = 0;
    let mut record = |fields| {
        created += 1;
        records::create(
            candor,
            RecordInput {
                fields,
                notes: String::new(),
            },
        )
    };
    let client = record(RecordFields::Client {
        name: "Northwind Robotics".into(),
        website: Some("https://northwind.example".into()),
        phone: None,
    })?;
    let (first_name, last_name, emails) = person("Hanna", "Lindqvist", "hanna@northwind.example");
    let hanna = record(RecordFields::Contact {
        first_name,
        last_name,
        emails,
        phones: vec!["+46 8 555 0142".into()],
        job_title: Some("Head of Engineering".into()),
        client_id: Some(client.id),
        address: Some("Sveavägen 44\n111 34 Stockholm\nSweden".into()),
    })?;
    record(RecordFields::Job {
        title: "Senior Rust Engineer".into(),
        client_id: Some(client.id),
        primary_contact_id: Some(hanna.id),
        status: JobStatus::Open,
    })?;
    for (first, last, email, title, employer) in [
        (
            "Wei",
            "Zhang",
            "wei.zhang@example.cn",
            "Embedded Software Engineer",
            "Shenzhen Motion Ltd",
        ),
        (
            "Agnieszka",
            "Nowak",
            "agnieszka.nowak@example.pl",
            "Staff Engineer",
            "Kraków Systems",
        ),
    ] {
        let (first_name, last_name, emails) = person(first, last, email);
        record(RecordFields::Candidate {
            first_name,
            last_name,
            emails,
            phones: Vec::new(),
            current_title: Some(title.into()),
            current_employer: Some(employer.into()),
        })?;
    }
    Ok(DemoReport {
        created: true,
        messages: imported.stored,
        records: created,
    })
}
