//! Address completion in the compose form: candidates and contacts whose
//! name or address matches what the user typed, then the people they have
//! exchanged mail with, most frequent first.

use candor_store::records::{RecordKind, RecordQuery};
use serde::Serialize;

use super::Candor;
use crate::ApiError;

/// How many suggestions the form shows at most.
const MAX_SUGGESTIONS: usize = 8;

/// One address to offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AddressSuggestion {
    pub address: String,
    pub name: Option<String>,
    /// The candidate or contact it belongs to, when there is one.
    pub record_id: Option<i64>,
    pub record_kind: Option<RecordKind>,
}

impl AddressSuggestion {
    /// As the To field takes it: `Name <address>`, or the bare address.
    pub fn mailbox(&self) -> String {
        match &self.name {
            Some(name) if !name.trim().is_empty() => format!("{} <{}>", name.trim(), self.address),
            _ => self.address.clone(),
        }
    }
}

pub fn suggest(candor: &Candor, typed: &str) -> Result<Vec<AddressSuggestion>, ApiError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    let store = candor.reader();
    let mut out: Vec<AddressSuggestion> = Vec::new();
    let query = RecordQuery {
        text: Some(typed.to_owned()),
        limit: Some(MAX_SUGGESTIONS as u32),
        ..RecordQuery::default()
    };
    for kind in [RecordKind::Candidate, RecordKind::Contact] {
        for record in store.search_records(kind, &query)?.records {
            for address in store.record_addresses(record.id)? {
                out.push(AddressSuggestion {
                    address,
                    name: Some(record.display_name.clone()),
                    record_id: Some(record.id),
                    record_kind: Some(kind),
                });
            }
        }
    }
    for c in store.correspondents(typed, MAX_SUGGESTIONS as u32)? {
        if !out
            .iter()
            .any(|s| s.address.eq_ignore_ascii_case(&c.address))
        {
            out.push(AddressSuggestion {
                address: c.address,
                name: c.display_name,
                record_id: None,
                record_kind: None,
            });
        }
    }
    out.truncate(MAX_SUGGESTIONS);
    Ok(out)
}
