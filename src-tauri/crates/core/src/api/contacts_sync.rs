//! Contacts sync with the dedicated "Candor Contacts" folder in Microsoft
//! 365 (issue 8, PRODUCT.md §7): the user's own contact records, not
//! imported ones, at most [`FIRST_SYNC_LIMIT`] on the first sync (most
//! recently updated first), through a field mapping the user can edit.
//!
//! Same shape as the calendar (calendar.rs): pull by contacts delta on the
//! folder, then push deletions, creates and edits. Updates send the whole
//! mapped object with `displayName`, so Graph neither regenerates nor
//! resets fields; `If-Match` carries the ETag and a 412 is settled by the
//! most recent change, logged. A contact removed from the folder in
//! Microsoft 365 stays in Candor, unlinked. A 404 on the folder turns the
//! sync off and says so.

use std::collections::{HashMap, HashSet};

use candor_graph::Graph;
use candor_graph::client::{DeltaKind, GraphError, delta_kind};
use candor_graph::ops::Kind;
use candor_store::events::{GraphConflict, GraphSyncState};
use candor_store::records::{RecordFields, RecordInput};
use futures::StreamExt as _;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::Candor;
use super::calendar::{
    GraphSyncStatus, account_email, disable_container, enable_container, graph_client, graph_error,
    refused_sign_in, renewed_graph,
};
use crate::ApiError;

pub const RESOURCE: &str = "contacts";
pub const FOLDER_NAME: &str = "Candor Contacts";
pub const FIRST_SYNC_LIMIT: usize = 10_000;
const PAGE_SIZE: u32 = 200;

/// Candor's contact fields a mapping can name.
pub const CANDOR_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "emails",
    "phones",
    "first_phone",
    "job_title",
    "company",
    "notes",
    "address",
];

/// Microsoft's contact fields a mapping can name: (field, is a list).
pub const GRAPH_FIELDS: &[(&str, bool)] = &[
    ("givenName", false),
    ("surname", false),
    ("middleName", false),
    ("nickName", false),
    ("title", false),
    ("jobTitle", false),
    ("companyName", false),
    ("department", false),
    ("officeLocation", false),
    ("profession", false),
    ("mobilePhone", false),
    ("personalNotes", false),
    ("businessHomePage", false),
    // physicalAddress objects: see `address_to_graph`.
    ("businessAddress", false),
    ("homeAddress", false),
    ("otherAddress", false),
    ("emailAddresses", true),
    ("businessPhones", true),
    ("homePhones", true),
    ("imAddresses", true),
];

/// The default mapping: names, emails, phones, company, job title, notes,
/// address.
pub const DEFAULT_MAPPING: &[(&str, &str)] = &[
    ("givenName", "first_name"),
    ("surname", "last_name"),
    ("emailAddresses", "emails"),
    ("businessPhones", "phones"),
    ("companyName", "company"),
    ("jobTitle", "job_title"),
    ("personalNotes", "notes"),
    ("businessAddress", "address"),
];

/// One line of the mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MappingEntry {
    pub graph_field: String,
    pub candor_field: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ContactsReport {
    pub created_remote: usize,
    pub updated_remote: usize,
    pub deleted_remote: usize,
    pub set_aside: usize,
    pub pulled: usize,
    pub unlinked: usize,
    pub conflicts: usize,
    pub full_resync: bool,
    pub requests: u64,
}

/// What a mapping can pair, for the mapping dialog.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ContactFields {
    pub graph_fields: Vec<String>,
    pub candor_fields: Vec<String>,
}

pub fn fields() -> ContactFields {
    ContactFields {
        graph_fields: GRAPH_FIELDS.iter().map(|(g, _)| (*g).to_owned()).collect(),
        candor_fields: CANDOR_FIELDS.iter().map(|c| (*c).to_owned()).collect(),
    }
}

/// The mapping in use (the user's, else the default).
pub fn mapping(candor: &Candor) -> Result<Vec<MappingEntry>, ApiError> {
    let stored = candor.store().contact_mapping()?;
    let pairs: Vec<(String, String)> = if stored.is_empty() {
        DEFAULT_MAPPING
            .iter()
            .map(|(g, c)| ((*g).to_owned(), (*c).to_owned()))
            .collect()
    } else {
        stored
    };
    Ok(pairs
        .into_iter()
        .map(|(graph_field, candor_field)| MappingEntry {
            graph_field,
            candor_field,
        })
        .collect())
}

/// Replaces the mapping (each Candor field at most once, each Graph field
/// at most once); an empty list restores the default.
pub fn set_mapping(
    candor: &Candor,
    entries: &[MappingEntry],
) -> Result<Vec<MappingEntry>, ApiError> {
    let mut graph_seen = HashSet::new();
    let mut candor_seen = HashSet::new();
    for e in entries {
        if !GRAPH_FIELDS.iter().any(|(g, _)| *g == e.graph_field) {
            return Err(ApiError::invalid(
                "mapping",
                format!(
                    "\"{}\" is not a Microsoft contact field Candor maps (one of: {}).",
                    e.graph_field,
                    GRAPH_FIELDS
                        .iter()
                        .map(|(g, _)| *g)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        if !CANDOR_FIELDS.contains(&e.candor_field.as_str()) {
            return Err(ApiError::invalid(
                "mapping",
                format!(
                    "\"{}\" is not a Candor contact field (one of: {}).",
                    e.candor_field,
                    CANDOR_FIELDS.join(", ")
                ),
            ));
        }
        if !graph_seen.insert(e.graph_field.clone()) || !candor_seen.insert(e.candor_field.clone())
        {
            return Err(ApiError::invalid(
                "mapping",
                format!(
                    "\"{}\" or \"{}\" is mapped twice.",
                    e.graph_field, e.candor_field
                ),
            ));
        }
    }
    let pairs: Vec<(String, String)> = entries
        .iter()
        .map(|e| (e.graph_field.clone(), e.candor_field.clone()))
        .collect();
    candor.store().set_contact_mapping(&pairs)?;
    mapping(candor)
}

pub fn status(candor: &Candor) -> Result<GraphSyncStatus, ApiError> {
    let store = candor.reader();
    let state = store.graph_sync_state(RESOURCE)?;
    let account = super::accounts::name_of(&store, state.account_id);
    Ok(GraphSyncStatus {
        enabled: state.enabled,
        account,
        container: state.container_name.clone(),
        last_synced_at: state.last_synced_at,
        last_error: state.last_error.clone(),
        disabled_reason: state.disabled_reason.clone(),
        synced: store.synced_contacts()?.len(),
        conflicts: store.graph_conflicts(RESOURCE)?,
    })
}

/// Turns contacts sync on: creates (or reuses ours) the "Candor Contacts"
/// folder and runs the first sync.
pub async fn enable(candor: &Candor, account: Option<&str>) -> Result<ContactsReport, ApiError> {
    let graph = enable_container(
        candor,
        RESOURCE,
        Kind::ContactFolder,
        FOLDER_NAME,
        account,
        candor_store::Store::unlink_synced_contacts,
    )
    .await?;
    sync_with(candor, &graph).await
}

/// Turns contacts sync off: deletes the "Candor Contacts" folder in
/// Microsoft 365 (with the copies in it); every contact stays in Candor.
pub async fn disable(candor: &Candor) -> Result<GraphSyncStatus, ApiError> {
    disable_container(
        candor,
        RESOURCE,
        Kind::ContactFolder,
        candor_store::Store::unlink_synced_contacts,
    )
    .await?;
    status(candor)
}

pub async fn sync(candor: &Candor) -> Result<ContactsReport, ApiError> {
    let state = candor.store().graph_sync_state(RESOURCE)?;
    if !state.enabled {
        return Err(ApiError::invalid(
            "contacts",
            state.disabled_reason.clone().unwrap_or_else(|| {
                "Contacts sync is off; turn it on with `candor contacts-sync enable`.".to_owned()
            }),
        ));
    }
    let account_id = state.account_id.ok_or_else(|| {
        ApiError::invalid("contacts", "Contacts sync has no account; enable it again.")
    })?;
    let email = account_email(candor, account_id)?;
    let graph = graph_client(candor, account_id, &email, false).await?;
    sync_with(candor, &graph).await
}

enum Stop {
    FolderGone,
    /// Microsoft 365 refused the access token (401).
    Unauthorized,
    Error(ApiError),
}

impl From<ApiError> for Stop {
    fn from(e: ApiError) -> Self {
        Self::Error(e)
    }
}

impl From<candor_store::StoreError> for Stop {
    fn from(e: candor_store::StoreError) -> Self {
        Self::Error(e.into())
    }
}

fn stop(e: &GraphError) -> Stop {
    if e.is_not_found() {
        Stop::FolderGone
    } else {
        failed(e)
    }
}

/// A failed request where a 404 is about one contact, not the folder.
fn failed(e: &GraphError) -> Stop {
    if e.is_unauthorized() {
        Stop::Unauthorized
    } else {
        Stop::Error(graph_error(e))
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

async fn sync_with(candor: &Candor, graph: &Graph) -> Result<ContactsReport, ApiError> {
    let mut report = ContactsReport::default();
    let map = mapping(candor)?;
    let mut result = run(candor, graph, &map, &mut report).await;
    report.requests = graph.requests();
    if matches!(result, Err(Stop::Unauthorized)) {
        // As for the calendar: resume with a token renewed now.
        tracing::info!("Microsoft 365 refused the access token; renewing it and resuming");
        result = match renewed_graph(candor, RESOURCE).await {
            Ok(renewed) => {
                let second = run(candor, &renewed, &map, &mut report).await;
                report.requests += renewed.requests();
                second
            }
            Err(e) => Err(Stop::Error(e)),
        };
    }
    let mut state = candor.store().graph_sync_state(RESOURCE)?;
    match result {
        Ok(()) => {
            state.last_synced_at = Some(now());
            state.last_error = None;
            candor.store().save_graph_sync_state(RESOURCE, &state)?;
            Ok(report)
        }
        Err(Stop::FolderGone) => {
            let message = format!(
                "The \"{}\" contacts folder was deleted in Microsoft 365, so contacts sync is now off. Your contacts are still in Candor; turning contacts sync on again creates a new folder and sends them.",
                state.container_name.as_deref().unwrap_or(FOLDER_NAME)
            );
            candor.store().unlink_synced_contacts()?;
            candor.store().save_graph_sync_state(
                RESOURCE,
                &GraphSyncState {
                    account_id: state.account_id,
                    disabled_reason: Some(message.clone()),
                    last_synced_at: state.last_synced_at,
                    ..GraphSyncState::default()
                },
            )?;
            Err(ApiError::not_found(message))
        }
        Err(Stop::Error(e)) => {
            state.last_error = Some(e.message.clone());
            candor.store().save_graph_sync_state(RESOURCE, &state)?;
            Err(e)
        }
        Err(Stop::Unauthorized) => {
            let e = refused_sign_in();
            state.last_error = Some(e.message.clone());
            candor.store().save_graph_sync_state(RESOURCE, &state)?;
            Err(e)
        }
    }
}

async fn run(
    candor: &Candor,
    graph: &Graph,
    map: &[MappingEntry],
    report: &mut ContactsReport,
) -> Result<(), Stop> {
    pull(candor, graph, map, report).await?;
    push_deletions(candor, graph, report).await?;
    push(candor, graph, map, report).await
}

/// Candor's side of a contact, field by field.
struct Local {
    first_name: String,
    last_name: String,
    emails: Vec<String>,
    phones: Vec<String>,
    job_title: Option<String>,
    company: Option<String>,
    notes: String,
    address: Option<String>,
}

impl Local {
    fn load(candor: &Candor, id: i64) -> Result<Option<Self>, ApiError> {
        let Some(record) = candor.store().get_record(id)? else {
            return Ok(None);
        };
        let RecordFields::Contact {
            first_name,
            last_name,
            emails,
            phones,
            job_title,
            address,
            ..
        } = record.fields
        else {
            return Ok(None);
        };
        Ok(Some(Self {
            first_name,
            last_name,
            emails,
            phones,
            job_title,
            company: record.client_name,
            notes: record.notes,
            address,
        }))
    }

    fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }

    fn get(&self, field: &str) -> Value {
        match field {
            "first_name" => json!(self.first_name),
            "last_name" => json!(self.last_name),
            "emails" => json!(self.emails),
            "phones" => json!(self.phones),
            "first_phone" => json!(self.phones.first().cloned().unwrap_or_default()),
            "job_title" => json!(self.job_title.clone().unwrap_or_default()),
            "company" => json!(self.company.clone().unwrap_or_default()),
            "notes" => json!(self.notes),
            "address" => json!(self.address.clone().unwrap_or_default()),
            _ => Value::Null,
        }
    }

    fn set(&mut self, field: &str, value: &Value) {
        let text = || match value {
            Value::Array(items) => items
                .first()
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            Value::String(s) => s.clone(),
            _ => String::new(),
        };
        let list = || -> Vec<String> {
            match value {
                Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .filter(|s| !s.is_empty())
                    .collect(),
                Value::String(s) if !s.is_empty() => vec![s.clone()],
                _ => vec![],
            }
        };
        let optional = |s: String| (!s.is_empty()).then_some(s);
        match field {
            "first_name" => self.first_name = text(),
            "last_name" => self.last_name = text(),
            "emails" => self.emails = list(),
            "phones" => self.phones = list(),
            "first_phone" => {
                // The first phone is the mapped one; the others stay.
                let first = text();
                match (first.is_empty(), self.phones.is_empty()) {
                    (true, false) => {
                        self.phones.remove(0);
                    }
                    (true, true) => {}
                    (false, true) => self.phones.push(first),
                    (false, false) => self.phones[0] = first,
                }
                let mut seen = HashSet::new();
                self.phones.retain(|p| seen.insert(p.clone()));
            }
            "job_title" => self.job_title = optional(text()),
            "company" => self.company = optional(text()),
            "notes" => self.notes = text(),
            "address" => self.address = optional(text()),
            _ => {}
        }
    }
}

fn is_list(graph_field: &str) -> bool {
    GRAPH_FIELDS
        .iter()
        .any(|(g, list)| *g == graph_field && *list)
}

fn is_address(graph_field: &str) -> bool {
    matches!(
        graph_field,
        "businessAddress" | "homeAddress" | "otherAddress"
    )
}

/// Candor's free-text address as Graph's physicalAddress. Candor does not
/// split addresses into parts (people write them in many national forms),
/// so the whole text goes into `street`, which Outlook shows on several
/// lines; the other parts are emptied (the update is a full object, and a
/// city left there would be shown twice once pulled back).
fn address_to_graph(text: &str) -> Value {
    json!({
        "street": text,
        "city": "",
        "state": "",
        "postalCode": "",
        "countryOrRegion": "",
    })
}

/// Graph's physicalAddress as lines: street, "postal code city", state,
/// country; nothing typed in Outlook is lost.
fn address_from_graph(value: &Value) -> String {
    let part = |name: &str| value[name].as_str().unwrap_or_default().trim().to_owned();
    let city = [part("postalCode"), part("city")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [part("street"), city, part("state"), part("countryOrRegion")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The whole mapped contact as Graph takes it, `displayName` included.
fn to_graph(local: &Local, map: &[MappingEntry]) -> Value {
    let mut out = Map::new();
    out.insert("displayName".into(), json!(local.display_name()));
    for m in map {
        let value = local.get(&m.candor_field);
        let value = if m.graph_field == "emailAddresses" {
            let addresses: Vec<Value> = match &value {
                Value::Array(items) => items.clone(),
                Value::String(s) if !s.is_empty() => vec![json!(s)],
                _ => vec![],
            }
            .into_iter()
            .filter_map(|a| a.as_str().map(str::to_owned))
            .take(3)
            .map(|a| json!({"name": local.display_name(), "address": a}))
            .collect();
            Value::Array(addresses)
        } else if is_address(&m.graph_field) {
            address_to_graph(value.as_str().unwrap_or_default())
        } else if is_list(&m.graph_field) {
            match value {
                Value::Array(items) => Value::Array(items),
                Value::String(s) if s.is_empty() => json!([]),
                Value::String(s) => json!([s]),
                _ => json!([]),
            }
        } else {
            match value {
                Value::Array(items) => items.first().cloned().unwrap_or(json!("")),
                other => other,
            }
        };
        out.insert(m.graph_field.clone(), value);
    }
    Value::Object(out)
}

/// Applies the mapped fields of a Graph contact onto `local`.
fn apply_fields(local: &mut Local, remote: &Value, map: &[MappingEntry]) {
    for m in map {
        let Some(value) = remote.get(&m.graph_field) else {
            continue;
        };
        let value = if m.graph_field == "emailAddresses" {
            Value::Array(
                value
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|e| e["address"].as_str().map(|s| json!(s)))
                            .collect()
                    })
                    .unwrap_or_default(),
            )
        } else if is_address(&m.graph_field) {
            json!(address_from_graph(value))
        } else {
            value.clone()
        };
        local.set(&m.candor_field, &value);
    }
    if local.first_name.is_empty() && local.last_name.is_empty() {
        local.first_name = remote["displayName"]
            .as_str()
            .filter(|s| !s.is_empty())
            .unwrap_or("(no name)")
            .to_owned();
    }
}

fn client_id(candor: &Candor, company: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(name) = company.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let mut store = candor.store();
    if let Some(id) = store.find_clients_by_name(name)?.first() {
        return Ok(Some(*id));
    }
    let input = RecordInput {
        fields: RecordFields::Client {
            name: name.to_owned(),
            website: None,
            phone: None,
        },
        notes: String::new(),
    };
    Ok(Some(store.insert_record(&input, false)?))
}

fn save_local(candor: &Candor, id: Option<i64>, local: &Local) -> Result<i64, ApiError> {
    let client = client_id(candor, local.company.as_deref())?;
    let mut emails = Vec::new();
    for e in &local.emails {
        if !emails.iter().any(|x: &String| x.eq_ignore_ascii_case(e)) {
            emails.push(e.clone());
        }
    }
    let input = RecordInput {
        fields: RecordFields::Contact {
            first_name: local.first_name.clone(),
            last_name: local.last_name.clone(),
            emails,
            phones: local.phones.clone(),
            job_title: local.job_title.clone(),
            client_id: client,
            address: local.address.clone(),
        },
        notes: local.notes.clone(),
    };
    let mut store = candor.store();
    match id {
        Some(id) => {
            store.update_record(id, &input)?;
            Ok(id)
        }
        None => Ok(store.insert_record(&input, false)?),
    }
}

fn etag_of(v: &Value) -> Option<String> {
    v["@odata.etag"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| v["changeKey"].as_str().map(|k| format!("W/\"{k}\"")))
}

fn modified_of(v: &Value) -> Option<i64> {
    v["lastModifiedDateTime"]
        .as_str()
        .and_then(candor_graph::tz::parse_rfc3339)
}

fn log_conflict(
    candor: &Candor,
    record: i64,
    graph_id: &str,
    winner: &str,
    overwritten: &str,
) -> Result<(), ApiError> {
    candor.store().record_graph_conflict(&GraphConflict {
        id: 0,
        resource: RESOURCE.into(),
        local_id: Some(record),
        graph_id: Some(graph_id.to_owned()),
        winner: winner.into(),
        overwritten_title: overwritten.to_owned(),
        overwritten_start: None,
        overwritten_end: None,
        detail: format!(
            "Edited in Candor and in Microsoft 365; the {} edit was more recent.",
            if winner == "local" {
                "Candor"
            } else {
                "Microsoft 365"
            }
        ),
        occurred_at: now(),
    })?;
    Ok(())
}

/// Applies one remote contact; both sides edited: the most recent wins.
fn apply_remote(
    candor: &Candor,
    remote: &Value,
    map: &[MappingEntry],
    report: &mut ContactsReport,
) -> Result<(), ApiError> {
    let Some(gid) = remote["id"].as_str() else {
        return Ok(());
    };
    if candor.store().is_graph_deletion_pending(RESOURCE, gid)? {
        return Ok(());
    }
    let linked = candor.store().contact_by_graph_id(gid)?;
    if let Some(l) = &linked {
        if etag_of(remote).is_some() && etag_of(remote) == l.graph_etag {
            return Ok(());
        }
        if l.dirty {
            report.conflicts += 1;
            let remote_name = remote["displayName"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if l.updated_at >= modified_of(remote).unwrap_or(0) {
                log_conflict(candor, l.record_id, gid, "local", &remote_name)?;
                // Ours stays to be pushed over theirs: remember their ETag.
                candor
                    .store()
                    .set_contact_etag(l.record_id, etag_of(remote).as_deref())?;
                return Ok(());
            }
            let mine = Local::load(candor, l.record_id)?
                .map(|x| x.display_name())
                .unwrap_or_default();
            log_conflict(candor, l.record_id, gid, "remote", &mine)?;
        }
    }
    let (id, mut local) = match &linked {
        Some(l) => match Local::load(candor, l.record_id)? {
            Some(local) => (Some(l.record_id), local),
            None => return Ok(()),
        },
        None => (
            None,
            Local {
                first_name: String::new(),
                last_name: String::new(),
                emails: vec![],
                phones: vec![],
                job_title: None,
                company: None,
                notes: String::new(),
                address: None,
            },
        ),
    };
    apply_fields(&mut local, remote, map);
    let record = save_local(candor, id, &local)?;
    candor.store().set_contact_synced(
        record,
        Some(gid),
        etag_of(remote).as_deref(),
        modified_of(remote),
    )?;
    report.pulled += 1;
    Ok(())
}

async fn pull(
    candor: &Candor,
    graph: &Graph,
    map: &[MappingEntry],
    report: &mut ContactsReport,
) -> Result<(), Stop> {
    let mut state = candor.store().graph_sync_state(RESOURCE)?;
    let folder = state.container_id.clone().unwrap_or_default();
    let mut fresh = state.delta_link.is_none();
    let mut start = state
        .delta_link
        .clone()
        .unwrap_or_else(|| graph.contacts_delta_start(&folder));
    let (items, delta_link) = loop {
        match graph.delta_round(&start, PAGE_SIZE).await {
            Ok(round) => break round,
            Err(e) if e.is_sync_state_expired() && !fresh => {
                report.full_resync = true;
                fresh = true;
                state.delta_link = None;
                candor.store().save_graph_sync_state(RESOURCE, &state)?;
                start = graph.contacts_delta_start(&folder);
            }
            Err(e) => return Err(stop(&e)),
        }
    };
    let mut last: HashMap<String, Value> = HashMap::new();
    let mut order = Vec::new();
    for item in items {
        let Some(id) = item["id"].as_str().map(str::to_owned) else {
            continue;
        };
        if last.insert(id.clone(), item).is_none() {
            order.push(id);
        }
    }
    let mut alive = HashSet::new();
    for id in &order {
        let item = &last[id];
        match delta_kind(item) {
            DeltaKind::Changed => {
                alive.insert(id.clone());
                apply_remote(candor, item, map, report)?;
            }
            DeltaKind::Removed { .. } => {
                let linked = candor.store().contact_by_graph_id(id)?;
                if let Some(l) = linked {
                    candor
                        .store()
                        .set_contact_synced(l.record_id, None, None, None)?;
                    report.unlinked += 1;
                }
            }
        }
    }
    if fresh {
        let synced = candor.store().synced_contacts()?;
        for (record, gid) in synced {
            if !alive.contains(&gid) {
                candor
                    .store()
                    .set_contact_synced(record, None, None, None)?;
                report.unlinked += 1;
            }
        }
    }
    state.delta_link = Some(delta_link);
    candor.store().save_graph_sync_state(RESOURCE, &state)?;
    Ok(())
}

async fn push_deletions(
    candor: &Candor,
    graph: &Graph,
    report: &mut ContactsReport,
) -> Result<(), Stop> {
    let deletions = candor.store().graph_deletions(RESOURCE)?;
    for d in deletions {
        match graph.delete_contact(&d.graph_id, d.etag.as_deref()).await {
            Ok(()) => {}
            Err(e) if e.is_precondition_failed() => {
                // Edited there before the deletion here: the deletion is newer.
                graph
                    .delete_contact(&d.graph_id, None)
                    .await
                    .map_err(|e| failed(&e))?;
            }
            Err(e) => return Err(failed(&e)),
        }
        candor.store().clear_graph_deletion(d.id)?;
        report.deleted_remote += 1;
    }
    Ok(())
}

async fn push(
    candor: &Candor,
    graph: &Graph,
    map: &[MappingEntry],
    report: &mut ContactsReport,
) -> Result<(), Stop> {
    let mut state = candor.store().graph_sync_state(RESOURCE)?;
    let folder = state.container_id.clone().unwrap_or_default();
    let mut pending = candor.store().contacts_to_push()?;
    if !state.initial_push_done {
        let never: Vec<usize> = pending
            .iter()
            .enumerate()
            .filter(|(_, c)| c.graph_id.is_none() && c.synced_at.is_none())
            .map(|(i, _)| i)
            .collect();
        if never.len() > FIRST_SYNC_LIMIT {
            let aside: HashSet<usize> = never[FIRST_SYNC_LIMIT..].iter().copied().collect();
            let mut kept = Vec::new();
            for (i, c) in pending.into_iter().enumerate() {
                if aside.contains(&i) {
                    candor
                        .store()
                        .set_contact_synced(c.record_id, None, None, None)?;
                    report.set_aside += 1;
                } else {
                    kept.push(c);
                }
            }
            pending = kept;
        }
        state.initial_push_done = true;
        candor.store().save_graph_sync_state(RESOURCE, &state)?;
    }
    let outcomes: Vec<Result<Pushed, Stop>> = futures::stream::iter(
        pending
            .into_iter()
            .map(|c| push_one(candor, graph, map, &folder, c)),
    )
    .buffered(candor_graph::client::MAX_CONCURRENT_PER_MAILBOX)
    .collect()
    .await;
    for outcome in outcomes {
        match outcome? {
            Pushed::Sent { created, conflict } => {
                if created {
                    report.created_remote += 1;
                } else {
                    report.updated_remote += 1;
                }
                if conflict {
                    report.conflicts += 1;
                }
            }
            Pushed::Conflict => report.conflicts += 1,
            Pushed::Nothing => {}
        }
    }
    Ok(())
}

enum Pushed {
    Sent {
        created: bool,
        /// A 412 settled for the Candor version on the way.
        conflict: bool,
    },
    /// A 412 settled for the Microsoft 365 version.
    Conflict,
    Nothing,
}

/// Sends one contact: a create, or a full-object update with If-Match.
async fn push_one(
    candor: &Candor,
    graph: &Graph,
    map: &[MappingEntry],
    folder: &str,
    c: candor_store::contact_sync::SyncedContact,
) -> Result<Pushed, Stop> {
    let Some(local) = Local::load(candor, c.record_id)? else {
        return Ok(Pushed::Nothing);
    };
    let body = to_graph(&local, map);
    let mut conflict = false;
    let result = match &c.graph_id {
        None => graph.create_contact(folder, &body).await.map(|r| (r, true)),
        Some(gid) => match graph
            .update_contact(gid, &body, c.graph_etag.as_deref())
            .await
        {
            Ok(r) => Ok((r, false)),
            Err(e) if e.is_precondition_failed() => {
                // Changed there since the pull: the most recent wins.
                conflict = true;
                let remote = graph.get_contact(gid).await.map_err(|e| failed(&e))?;
                match remote {
                    Some(remote) if modified_of(&remote).unwrap_or(0) > c.updated_at => {
                        log_conflict(candor, c.record_id, gid, "remote", &local.display_name())?;
                        apply_remote_forced(candor, &remote, map, c.record_id)?;
                        return Ok(Pushed::Conflict);
                    }
                    Some(remote) => {
                        log_conflict(
                            candor,
                            c.record_id,
                            gid,
                            "local",
                            remote["displayName"].as_str().unwrap_or_default(),
                        )?;
                        graph
                            .update_contact(gid, &body, etag_of(&remote).as_deref())
                            .await
                            .map(|r| (r, false))
                    }
                    None => graph.create_contact(folder, &body).await.map(|r| (r, true)),
                }
            }
            Err(e) if e.is_not_found() => {
                graph.create_contact(folder, &body).await.map(|r| (r, true))
            }
            Err(e) => Err(e),
        },
    };
    let (remote, created) = result.map_err(|e| stop(&e))?;
    let Some(gid) = remote["id"].as_str() else {
        return Ok(Pushed::Nothing);
    };
    candor.store().set_contact_synced(
        c.record_id,
        Some(gid),
        etag_of(&remote).as_deref(),
        modified_of(&remote),
    )?;
    Ok(Pushed::Sent { created, conflict })
}

fn apply_remote_forced(
    candor: &Candor,
    remote: &Value,
    map: &[MappingEntry],
    record: i64,
) -> Result<(), ApiError> {
    let Some(mut local) = Local::load(candor, record)? else {
        return Ok(());
    };
    apply_fields(&mut local, remote, map);
    save_local(candor, Some(record), &local)?;
    candor.store().set_contact_synced(
        record,
        remote["id"].as_str(),
        etag_of(remote).as_deref(),
        modified_of(remote),
    )?;
    Ok(())
}
