//! The calendar and interviews, and their two-way sync with the dedicated
//! "Candor" calendar in Microsoft 365 through Microsoft Graph (issue 8,
//! PRODUCT.md §7, notes/microsoft-graph-and-oauth.md).
//!
//! One sync run: pull first (a calendarView delta round on the dedicated
//! calendar over a window frozen into the token; `@removed` confirmed by a
//! GET when the local copy lies in the window, since out-of-window moves
//! come as removed too), then push local deletions (tombstones), creates
//! (with a `transactionId` kept in the store, so a retried create cannot
//! duplicate) and edits (`If-Match` with the ETag). Conflicts: the most
//! recent change wins, and what was overwritten goes to the conflict log.
//! An expired sync state (410, or syncStateNotFound/resyncRequired) starts
//! a full round and removes local copies the full remote set no longer
//! has. The fresh round starts from Candor's own initial URL with a new
//! window rather than the 410's `Location`: the window is meant to move
//! anyway (notes §5.2.9), and a URL from a response is never trusted to
//! carry the token elsewhere. A 404 on the calendar turns the sync off and says so; nothing is
//! re-created behind the user's back.
//!
//! The first sync sends at most [`FIRST_SYNC_LIMIT`] events: future ones
//! soonest first, then the most recent past ones; the rest stay here and
//! are sent once edited. Imported events are never sent.

use std::collections::{HashMap, HashSet};

use candor_graph::client::{DeltaKind, GraphError, delta_kind};
use candor_graph::model::{Attendee, EmailAddress, Event as GraphEvent, ItemBody, Location};
use candor_graph::oauth::{Provider, Resource};
use candor_graph::ops::Kind;
use candor_graph::{Graph, tz};
use candor_store::Store;
use candor_store::events::GraphSyncState;
pub use candor_store::events::{Event, EventAttendee, EventInput, GraphConflict};
use futures::StreamExt as _;
use serde::Serialize;
use serde_json::Value;

use super::Candor;
use crate::{ApiError, ErrorCode};

pub const RESOURCE: &str = "calendar";
/// The dedicated calendar's name.
pub const CALENDAR_NAME: &str = "Candor";
/// The first sync sends at most this many events.
pub const FIRST_SYNC_LIMIT: usize = 5_000;
/// The setting that holds the Graph base URL (national clouds).
pub const GRAPH_URL_SETTING: &str = "graph.base_url";
/// The delta window: a year back, two years ahead (frozen into the token).
const WINDOW_PAST_SECS: i64 = 365 * 86_400;
const WINDOW_FUTURE_SECS: i64 = 730 * 86_400;
const PAGE_SIZE: u32 = 200;

/// What the status shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GraphSyncStatus {
    pub enabled: bool,
    pub account: Option<String>,
    pub container: Option<String>,
    pub last_synced_at: Option<i64>,
    pub last_error: Option<String>,
    /// Why the sync was turned off (the container was deleted remotely).
    pub disabled_reason: Option<String>,
    pub synced: usize,
    pub conflicts: Vec<GraphConflict>,
}

/// What one sync run did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "specta", specta(rename = "CalendarSyncReport"))]
pub struct SyncReport {
    pub created_remote: usize,
    pub updated_remote: usize,
    pub deleted_remote: usize,
    pub set_aside: usize,
    pub pulled: usize,
    pub deleted_local: usize,
    pub conflicts: usize,
    pub full_resync: bool,
    pub requests: u64,
}

/// The Graph base URL: `CANDOR_GRAPH_URL`, else the setting, else the public cloud.
pub(crate) fn graph_base_url(candor: &Candor) -> Result<String, ApiError> {
    if let Ok(url) = std::env::var(candor_graph::client::GRAPH_URL_ENV)
        && !url.trim().is_empty()
    {
        return Ok(url.trim().to_owned());
    }
    Ok(candor
        .store()
        .setting(GRAPH_URL_SETTING)?
        .unwrap_or_else(|| candor_graph::client::DEFAULT_BASE_URL.to_owned()))
}

/// Sets the Graph base URL (national clouds); empty restores the default.
pub fn set_graph_url(candor: &Candor, url: &str) -> Result<(), ApiError> {
    let url = url.trim();
    let allowed =
        url.is_empty() || url.starts_with("https://") || url.starts_with("http://127.0.0.1");
    if !allowed {
        return Err(ApiError::invalid(
            "url",
            "The Graph URL must start with https://.",
        ));
    }
    candor.store().set_setting(GRAPH_URL_SETTING, url)?;
    Ok(())
}

pub(crate) fn graph_error(e: &GraphError) -> ApiError {
    ApiError {
        code: ErrorCode::Storage,
        message: e.to_string(),
        field: None,
    }
}

/// The Microsoft account to sync as: the one named, else the only one.
pub(crate) fn microsoft_account(
    candor: &Candor,
    name: Option<&str>,
) -> Result<(i64, String), ApiError> {
    let store = candor.store();
    let accounts = store.list_accounts()?;
    let microsoft: Vec<_> = accounts
        .iter()
        .filter(|a| {
            store
                .auth_kind(a.id)
                .ok()
                .flatten()
                .and_then(|k| super::oauth::provider_of(&k))
                == Some(Provider::Microsoft)
        })
        .collect();
    let hint = "Sync with Microsoft 365 needs a Microsoft 365 account signed in here: add one (in the app: Accounts → Add account → Microsoft 365; on the command line: `candor account add --oauth microsoft …` and `candor account login NAME`).";
    match name {
        Some(name) => {
            let id = super::accounts::resolve(&store, name)?;
            microsoft
                .iter()
                .find(|a| a.id == id)
                .map(|a| (a.id, a.email_address.clone()))
                .ok_or_else(|| {
                    ApiError::invalid(
                        "account",
                        format!("\"{name}\" is not a Microsoft account. {hint}"),
                    )
                })
        }
        None => match microsoft.as_slice() {
            [one] => Ok((one.id, one.email_address.clone())),
            [] => Err(ApiError::not_found(hint)),
            _ => Err(ApiError::invalid(
                "account",
                "There are several Microsoft accounts; name one with --account.",
            )),
        },
    }
}

/// A Graph client for the account, with a fresh Graph token (refreshed
/// when near expiry, or now with `renew`; a missing or refused sign-in is
/// an error saying so).
pub(crate) async fn graph_client(
    candor: &Candor,
    account_id: i64,
    email: &str,
    renew: bool,
) -> Result<Graph, ApiError> {
    let token = super::oauth::access_token(candor, account_id, Resource::Graph, renew).await?;
    Graph::new(&graph_base_url(candor)?, email, token).map_err(|e| graph_error(&e))
}

pub fn status(candor: &Candor) -> Result<GraphSyncStatus, ApiError> {
    let store = candor.reader();
    let state = store.graph_sync_state(RESOURCE)?;
    let synced = store.synced_events()?.len();
    let conflicts = store.graph_conflicts(RESOURCE)?;
    Ok(GraphSyncStatus {
        enabled: state.enabled,
        account: super::accounts::name_of(&store, state.account_id),
        container: state.container_name.clone(),
        last_synced_at: state.last_synced_at,
        last_error: state.last_error.clone(),
        disabled_reason: state.disabled_reason.clone(),
        synced,
        conflicts,
    })
}

/// Turns calendar sync on: signs in is needed already (the account's Graph
/// token), creates (or reuses ours) the "Candor" calendar, and runs the
/// first sync.
pub async fn enable(candor: &Candor, account: Option<&str>) -> Result<SyncReport, ApiError> {
    let graph = enable_container(
        candor,
        RESOURCE,
        Kind::Calendar,
        CALENDAR_NAME,
        account,
        candor_store::Store::unlink_synced_events,
    )
    .await?;
    tracing::info!("calendar sync enabled");
    sync_with(candor, &graph).await
}

/// Turns calendar sync off: deletes the dedicated calendar in Microsoft 365
/// (and the copies in it); every event stays in Candor.
pub async fn disable(candor: &Candor) -> Result<GraphSyncStatus, ApiError> {
    disable_container(
        candor,
        RESOURCE,
        Kind::Calendar,
        candor_store::Store::unlink_synced_events,
    )
    .await?;
    tracing::info!("calendar sync disabled; the Candor calendar was deleted in Microsoft 365");
    status(candor)
}

/// Forgets which local items are which remote ones (a new container, or
/// sync turned off).
pub(crate) type Unlink = fn(&mut candor_store::Store) -> Result<(), candor_store::StoreError>;

/// Turns on the sync of a dedicated container (the calendar or the contacts
/// folder) as a Microsoft account: the one we made before when it still
/// exists in that mailbox, else a new one (a name clash is Graph's 409,
/// which `create_container` answers with a numbered name).
pub(crate) async fn enable_container(
    candor: &Candor,
    resource: &str,
    kind: Kind,
    name: &str,
    account: Option<&str>,
    unlink: Unlink,
) -> Result<Graph, ApiError> {
    let (account_id, email) = microsoft_account(candor, account)?;
    let graph = graph_client(candor, account_id, &email, false).await?;
    let mut state = candor.store().graph_sync_state(resource)?;
    let reuse = match (&state.container_id, state.account_id == Some(account_id)) {
        (Some(id), true) => graph
            .container_exists(kind, id)
            .await
            .map_err(|e| graph_error(&e))?,
        _ => false,
    };
    if !reuse {
        let container = graph
            .create_container(kind, name)
            .await
            .map_err(|e| graph_error(&e))?;
        unlink(&mut candor.store())?;
        state = GraphSyncState {
            account_id: Some(account_id),
            container_id: Some(container.id),
            container_name: Some(container.name),
            ..GraphSyncState::default()
        };
    }
    state.enabled = true;
    state.disabled_reason = None;
    state.last_error = None;
    candor.store().save_graph_sync_state(resource, &state)?;
    Ok(graph)
}

/// Turns off the sync of a dedicated container: deletes it in Microsoft 365
/// (with the copies in it) and keeps every local item.
pub(crate) async fn disable_container(
    candor: &Candor,
    resource: &str,
    kind: Kind,
    unlink: Unlink,
) -> Result<(), ApiError> {
    let state = candor.store().graph_sync_state(resource)?;
    if let (Some(container), Some(account_id)) = (&state.container_id, state.account_id) {
        let email = account_email(candor, account_id)?;
        let graph = graph_client(candor, account_id, &email, false).await?;
        graph
            .delete_container(kind, container)
            .await
            .map_err(|e| graph_error(&e))?;
    }
    unlink(&mut candor.store())?;
    candor.store().save_graph_sync_state(
        resource,
        &GraphSyncState {
            account_id: state.account_id,
            ..GraphSyncState::default()
        },
    )?;
    Ok(())
}

/// The address of the account a sync runs as.
pub(crate) fn account_email(candor: &Candor, account_id: i64) -> Result<String, ApiError> {
    super::accounts::summary(&candor.store(), account_id)?
        .map(|a| a.email_address)
        .ok_or_else(|| {
            ApiError::not_found(
                "The account this sync ran as was removed; turn the sync on again with another.",
            )
        })
}

/// One sync run (see the module note).
pub async fn sync(candor: &Candor) -> Result<SyncReport, ApiError> {
    let state = candor.store().graph_sync_state(RESOURCE)?;
    if !state.enabled {
        let message = state.disabled_reason.clone().unwrap_or_else(|| {
            "Calendar sync is off; turn it on with `candor calendar enable`.".to_owned()
        });
        return Err(ApiError::invalid("calendar", message));
    }
    let account_id = state.account_id.ok_or_else(|| {
        ApiError::invalid("calendar", "Calendar sync has no account; enable it again.")
    })?;
    let email = account_email(candor, account_id)?;
    let graph = graph_client(candor, account_id, &email, false).await?;
    sync_with(candor, &graph).await
}

/// Why a run stopped.
enum Stop {
    /// The calendar is gone in Microsoft 365.
    ContainerGone,
    /// Microsoft 365 refused the access token (401): revoked, or expired
    /// during a long first sync.
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

async fn sync_with(candor: &Candor, graph: &Graph) -> Result<SyncReport, ApiError> {
    let mut report = SyncReport::default();
    let mut result = run(candor, graph, &mut report).await;
    report.requests = graph.requests();
    if matches!(result, Err(Stop::Unauthorized)) {
        // A run resumes where it stopped (delta links, tombstones and
        // transaction ids are saved as it goes), so run again with a token
        // renewed now. Refused again, the user must sign in.
        tracing::info!("Microsoft 365 refused the access token; renewing it and resuming");
        result = match renewed_graph(candor, RESOURCE).await {
            Ok(renewed) => {
                let second = run(candor, &renewed, &mut report).await;
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
            tracing::info!(requests = report.requests, "calendar synced");
            Ok(report)
        }
        Err(Stop::ContainerGone) => {
            let message = format!(
                "The \"{}\" calendar was deleted in Microsoft 365, so calendar sync is now off. Your events are still in Candor; turning calendar sync on again creates a new calendar and sends them.",
                state.container_name.as_deref().unwrap_or(CALENDAR_NAME)
            );
            candor.store().unlink_synced_events()?;
            candor.store().save_graph_sync_state(
                RESOURCE,
                &GraphSyncState {
                    account_id: state.account_id,
                    disabled_reason: Some(message.clone()),
                    last_synced_at: state.last_synced_at,
                    ..GraphSyncState::default()
                },
            )?;
            tracing::warn!(
                "the Candor calendar is gone in Microsoft 365; calendar sync turned off"
            );
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

/// A client for the sync's account with a token renewed now, for a run
/// Microsoft 365 answered with 401.
pub(crate) async fn renewed_graph(candor: &Candor, resource: &str) -> Result<Graph, ApiError> {
    let state = candor.store().graph_sync_state(resource)?;
    let account_id = state.account_id.ok_or_else(|| {
        ApiError::invalid(resource, "This sync has no account; turn it on again.")
    })?;
    let email = account_email(candor, account_id)?;
    graph_client(candor, account_id, &email, true).await
}

/// Microsoft 365 refused even a freshly renewed token.
pub(crate) fn refused_sign_in() -> ApiError {
    ApiError {
        code: ErrorCode::Storage,
        message: "Microsoft 365 refused this account's sign-in even after renewing it. Sign in again on the Accounts page (or `candor account login NAME`).".to_owned(),
        field: None,
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn stop(e: GraphError) -> Stop {
    if e.is_not_found() {
        Stop::ContainerGone
    } else {
        failed(&e)
    }
}

/// A failed request where a 404 is about one event, not the calendar.
fn failed(e: &GraphError) -> Stop {
    if e.is_unauthorized() {
        Stop::Unauthorized
    } else {
        Stop::Error(graph_error(e))
    }
}

async fn run(candor: &Candor, graph: &Graph, report: &mut SyncReport) -> Result<(), Stop> {
    pull(candor, graph, report).await?;
    push_deletions(candor, graph, report).await?;
    push_changes(candor, graph, report).await?;
    Ok(())
}

/// The local form of a Graph event (None for partial items without times).
fn to_input(remote: &GraphEvent, fallback_zone: Option<&str>) -> Option<EventInput> {
    let starts_at = tz::parse(remote.start.as_ref()?).ok()?;
    let ends_at = tz::parse(remote.end.as_ref()?).ok()?.max(starts_at);
    let time_zone = remote
        .original_start_time_zone
        .as_deref()
        .and_then(|z| tz::zone(z).ok())
        .map(|(_, iana)| iana)
        .or_else(|| fallback_zone.map(str::to_owned))
        .unwrap_or_else(|| "UTC".to_owned());
    let notes = remote
        .body
        .as_ref()
        .map(|b| {
            if b.is_html() {
                strip_html(&b.content)
            } else {
                b.content.clone()
            }
        })
        .unwrap_or_default();
    Some(EventInput {
        title: remote.subject.clone().unwrap_or_default(),
        starts_at,
        ends_at,
        time_zone,
        is_all_day: remote.is_all_day.unwrap_or(false),
        location: remote
            .location
            .as_ref()
            .map(|l| l.display_name.clone())
            .filter(|l| !l.is_empty()),
        is_online_meeting: remote.is_online_meeting.unwrap_or(false),
        notes,
        candidate_id: None,
        job_id: None,
        attendees: remote
            .attendees
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|a| EventAttendee {
                address: a.email_address.address,
                display_name: a.email_address.name,
                attendance: if a.kind.is_empty() {
                    "required".into()
                } else {
                    a.kind
                },
            })
            .collect(),
    })
}

/// Text of an HTML body (Graph sends HTML unless asked for text).
fn strip_html(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// The Graph form of a local event.
fn to_graph(event: &Event) -> GraphEvent {
    let i = &event.input;
    GraphEvent {
        subject: Some(i.title.clone()),
        body: Some(ItemBody {
            content_type: "text".into(),
            content: i.notes.clone(),
        }),
        start: Some(tz::format(i.starts_at, &i.time_zone)),
        end: Some(tz::format(i.ends_at, &i.time_zone)),
        is_all_day: Some(i.is_all_day),
        location: Some(Location {
            display_name: i.location.clone().unwrap_or_default(),
        }),
        attendees: Some(
            i.attendees
                .iter()
                .map(|a| Attendee {
                    kind: a.attendance.clone(),
                    email_address: EmailAddress {
                        name: a.display_name.clone(),
                        address: a.address.clone(),
                    },
                })
                .collect(),
        ),
        // Outlook ignores turning an online meeting off: only ever send true.
        is_online_meeting: i.is_online_meeting.then_some(true),
        online_meeting_provider: i.is_online_meeting.then(|| "teamsForBusiness".to_owned()),
        ..GraphEvent::default()
    }
}

fn log_conflict(
    candor: &Candor,
    local_id: i64,
    graph_id: &str,
    winner: &str,
    overwritten: (&str, Option<i64>, Option<i64>),
    detail: &str,
) -> Result<(), ApiError> {
    candor.store().record_graph_conflict(&GraphConflict {
        id: 0,
        resource: RESOURCE.into(),
        local_id: Some(local_id),
        graph_id: Some(graph_id.to_owned()),
        winner: winner.into(),
        overwritten_title: overwritten.0.to_owned(),
        overwritten_start: overwritten.1,
        overwritten_end: overwritten.2,
        detail: detail.to_owned(),
        occurred_at: now(),
    })?;
    Ok(())
}

/// Whether the local copy has an edit not yet sent.
fn locally_edited(e: &Event) -> bool {
    !e.is_imported && e.updated_at > e.graph_synced_at.unwrap_or(0)
}

/// Applies one remote version; both sides edited: the most recent wins.
fn apply_remote(
    candor: &Candor,
    remote: &GraphEvent,
    report: &mut SyncReport,
) -> Result<(), ApiError> {
    let Some(id) = remote.id.as_deref() else {
        return Ok(());
    };
    if remote.is_organizer == Some(false) {
        // Only events the user owns are synced.
        return Ok(());
    }
    if candor.store().is_graph_deletion_pending(RESOURCE, id)? {
        return Ok(());
    }
    let local = candor.store().event_by_graph_id(id)?;
    let Some(input) = to_input(remote, local.as_ref().map(|l| l.input.time_zone.as_str())) else {
        return Ok(());
    };
    if let Some(local) = &local {
        if remote.if_match().is_some() && remote.if_match() == local.graph_etag {
            // Our own version echoed back (after our create or edit).
            return Ok(());
        }
        if locally_edited(local) {
            report.conflicts += 1;
            let remote_time = remote.last_modified().unwrap_or(0);
            if local.updated_at >= remote_time {
                // Ours is newer: keep it, and overwrite theirs on push.
                log_conflict(
                    candor,
                    local.id,
                    id,
                    "local",
                    (&input.title, Some(input.starts_at), Some(input.ends_at)),
                    "Edited in Candor and in Microsoft 365; the Candor edit was more recent.",
                )?;
                let mut store = candor.store();
                store.set_event_synced(
                    local.id,
                    id,
                    remote.if_match().as_deref(),
                    remote.change_key.as_deref(),
                    remote.last_modified(),
                )?;
                // Still to push: mark the local edit as newer than the sync.
                let mut again = local.input.clone();
                again.attendees.clone_from(&local.input.attendees);
                store.update_event(local.id, &again)?;
                return Ok(());
            }
            log_conflict(
                candor,
                local.id,
                id,
                "remote",
                (
                    &local.input.title,
                    Some(local.input.starts_at),
                    Some(local.input.ends_at),
                ),
                "Edited in Candor and in Microsoft 365; the Microsoft 365 edit was more recent.",
            )?;
        }
    }
    candor.store().upsert_remote_event(
        id,
        &input,
        remote.if_match().as_deref(),
        remote.change_key.as_deref(),
        remote.last_modified(),
    )?;
    report.pulled += 1;
    Ok(())
}

async fn pull(candor: &Candor, graph: &Graph, report: &mut SyncReport) -> Result<(), Stop> {
    let mut state = candor.store().graph_sync_state(RESOURCE)?;
    let container = state.container_id.clone().unwrap_or_default();
    let mut fresh = state.delta_link.is_none();
    let mut start = match &state.delta_link {
        Some(link) => link.clone(),
        None => {
            let now = now();
            state.window_start = Some(now - WINDOW_PAST_SECS);
            state.window_end = Some(now + WINDOW_FUTURE_SECS);
            graph.calendar_delta_start(&container, now - WINDOW_PAST_SECS, now + WINDOW_FUTURE_SECS)
        }
    };
    let (items, delta_link) = loop {
        match graph.delta_round(&start, PAGE_SIZE).await {
            Ok(round) => break round,
            Err(e) if e.is_sync_state_expired() && !fresh => {
                tracing::info!("the calendar's sync state expired; starting a full resync");
                report.full_resync = true;
                fresh = true;
                let now = now();
                state.window_start = Some(now - WINDOW_PAST_SECS);
                state.window_end = Some(now + WINDOW_FUTURE_SECS);
                state.delta_link = None;
                candor.store().save_graph_sync_state(RESOURCE, &state)?;
                start = graph.calendar_delta_start(
                    &container,
                    now - WINDOW_PAST_SECS,
                    now + WINDOW_FUTURE_SECS,
                );
            }
            Err(e) => return Err(stop(e)),
        }
    };
    let window = (
        state.window_start.unwrap_or(i64::MIN),
        state.window_end.unwrap_or(i64::MAX),
    );

    // Order is not guaranteed and an item may come several times: the last one wins.
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
    let mut seen_alive = HashSet::new();
    for id in &order {
        let item = &last[id];
        match delta_kind(item) {
            DeltaKind::Changed => {
                seen_alive.insert(id.clone());
                let mut remote: GraphEvent = serde_json::from_value(item.clone()).map_err(|e| {
                    ApiError::storage(format!("A calendar item could not be read ({e})."))
                })?;
                if remote.start.is_none() || remote.end.is_none() {
                    // A partial item: read the whole event.
                    match graph.get_event(id).await.map_err(|e| failed(&e))? {
                        Some(full) => remote = full,
                        None => continue,
                    }
                }
                apply_remote(candor, &remote, report)?;
            }
            DeltaKind::Removed { .. } => {
                let Some(local) = candor.store().event_by_graph_id(id)? else {
                    continue;
                };
                let in_window = local.input.ends_at >= window.0 && local.input.starts_at < window.1;
                if !in_window {
                    // Out of the window, not deleted: keep it.
                    continue;
                }
                // Deleted, or moved out of the window? Ask.
                match graph.get_event(id).await.map_err(|e| failed(&e))? {
                    None => {
                        if candor.store().delete_remote_event(id)? {
                            report.deleted_local += 1;
                        }
                    }
                    Some(moved) => {
                        seen_alive.insert(id.clone());
                        apply_remote(candor, &moved, report)?;
                    }
                }
            }
        }
    }

    if fresh {
        // A full round lists every live event of the window: a synced local
        // copy in the window that it lacks was deleted meanwhile.
        let synced = candor.store().synced_events()?;
        for (local_id, graph_id, starts, ends) in synced {
            if seen_alive.contains(&graph_id) || ends < window.0 || starts >= window.1 {
                continue;
            }
            tracing::debug!(event = local_id, "gone from the full remote set");
            if candor.store().delete_remote_event(&graph_id)? {
                report.deleted_local += 1;
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
    report: &mut SyncReport,
) -> Result<(), Stop> {
    let deletions = candor.store().graph_deletions(RESOURCE)?;
    for d in deletions {
        match graph.delete_event(&d.graph_id, d.etag.as_deref()).await {
            Ok(()) => {}
            Err(e) if e.is_precondition_failed() => {
                // Changed in Microsoft 365 after the last sync: the deletion
                // here is the more recent change (the edit would have been
                // pulled otherwise), so it wins; the edit is logged.
                if let Ok(Some(remote)) = graph.get_event(&d.graph_id).await {
                    let title = remote.subject.clone().unwrap_or_default();
                    let start = remote.start.as_ref().and_then(|s| tz::parse(s).ok());
                    let end = remote.end.as_ref().and_then(|s| tz::parse(s).ok());
                    log_conflict(
                        candor,
                        0,
                        &d.graph_id,
                        "local",
                        (&title, start, end),
                        "Deleted in Candor after it was edited in Microsoft 365.",
                    )?;
                    report.conflicts += 1;
                }
                graph
                    .delete_event(&d.graph_id, None)
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

enum Pushed {
    Created(i64, GraphEvent),
    Updated(i64, GraphEvent),
    /// 412: the remote copy changed since the last pull.
    Conflict(i64),
    /// The remote copy is gone: send it again as new.
    Gone(i64),
}

async fn push_changes(candor: &Candor, graph: &Graph, report: &mut SyncReport) -> Result<(), Stop> {
    let mut state = candor.store().graph_sync_state(RESOURCE)?;
    let container = state.container_id.clone().unwrap_or_default();
    if !state.initial_push_done {
        let never = candor.store().events_never_synced(now())?;
        if never.len() > FIRST_SYNC_LIMIT {
            let aside: Vec<i64> = never[FIRST_SYNC_LIMIT..].iter().map(|e| e.id).collect();
            report.set_aside = aside.len();
            candor.store().set_events_aside(&aside)?;
        }
        push_batch(
            candor,
            graph,
            &container,
            never.into_iter().take(FIRST_SYNC_LIMIT).collect(),
            report,
        )
        .await?;
        state = candor.store().graph_sync_state(RESOURCE)?;
        state.initial_push_done = true;
        candor.store().save_graph_sync_state(RESOURCE, &state)?;
    }
    let pending = candor.store().events_to_push()?;
    push_batch(candor, graph, &container, pending, report).await
}

/// Sends events in order, up to four at a time.
async fn push_batch(
    candor: &Candor,
    graph: &Graph,
    container: &str,
    events: Vec<Event>,
    report: &mut SyncReport,
) -> Result<(), Stop> {
    // Keep each create's transactionId before sending it, so a retry after
    // a crash reuses it and Graph de-duplicates.
    let mut prepared = Vec::with_capacity(events.len());
    for mut e in events {
        if e.graph_id.is_none() && e.graph_transaction_id.is_none() {
            let txn = candor_graph::client::new_guid();
            candor.store().set_event_transaction(e.id, &txn)?;
            e.graph_transaction_id = Some(txn);
        }
        prepared.push(e);
    }
    let mut results = futures::stream::iter(prepared.into_iter().map(|e| async move {
        let mut body = to_graph(&e);
        match &e.graph_id {
            None => {
                body.transaction_id.clone_from(&e.graph_transaction_id);
                graph
                    .create_event(container, &body)
                    .await
                    .map(|r| Pushed::Created(e.id, r))
            }
            Some(id) => match graph.update_event(id, &body, e.graph_etag.as_deref()).await {
                Ok(r) => Ok(Pushed::Updated(e.id, r)),
                Err(err) if err.is_precondition_failed() => Ok(Pushed::Conflict(e.id)),
                Err(err) if err.is_not_found() => Ok(Pushed::Gone(e.id)),
                Err(err) => Err(err),
            },
        }
    }))
    .buffered(candor_graph::client::MAX_CONCURRENT_PER_MAILBOX);
    let mut again = Vec::new();
    let mut conflicts = Vec::new();
    while let Some(result) = results.next().await {
        match result.map_err(stop)? {
            Pushed::Created(id, r) | Pushed::Updated(id, r) => {
                let Some(gid) = r.id.as_deref() else {
                    continue;
                };
                let local = candor.store().get_event(id)?;
                let was_new = local.as_ref().is_some_and(|l| l.graph_id.is_none());
                candor.store().set_event_synced(
                    id,
                    gid,
                    r.if_match().as_deref(),
                    r.change_key.as_deref(),
                    r.last_modified(),
                )?;
                if was_new {
                    report.created_remote += 1;
                } else {
                    report.updated_remote += 1;
                }
            }
            Pushed::Conflict(id) => conflicts.push(id),
            Pushed::Gone(id) => again.push(id),
        }
    }
    drop(results);
    for id in conflicts {
        resolve_conflict(candor, graph, id, report).await?;
    }
    for id in again {
        // Deleted in Microsoft 365 while edited here: the edit is newer,
        // so it goes back as a new event.
        candor.store().unlink_event(id)?;
        let Some(e) = candor.store().get_event(id)? else {
            continue;
        };
        let mut body = to_graph(&e);
        body.transaction_id = Some(candor_graph::client::new_guid());
        let r = graph.create_event(container, &body).await.map_err(stop)?;
        if let Some(gid) = r.id.as_deref() {
            candor.store().set_event_synced(
                id,
                gid,
                r.if_match().as_deref(),
                r.change_key.as_deref(),
                r.last_modified(),
            )?;
            report.created_remote += 1;
        }
    }
    Ok(())
}

/// A 412 on an edit: read the remote copy; the most recent change wins and
/// the other is logged.
async fn resolve_conflict(
    candor: &Candor,
    graph: &Graph,
    id: i64,
    report: &mut SyncReport,
) -> Result<(), Stop> {
    let Some(local) = candor.store().get_event(id)? else {
        return Ok(());
    };
    let Some(gid) = local.graph_id.clone() else {
        return Ok(());
    };
    report.conflicts += 1;
    let Some(remote) = graph.get_event(&gid).await.map_err(|e| failed(&e))? else {
        return Ok(());
    };
    let remote_time = remote.last_modified().unwrap_or(0);
    if local.updated_at >= remote_time {
        let input = to_input(&remote, Some(&local.input.time_zone));
        if let Some(theirs) = &input {
            log_conflict(
                candor,
                id,
                &gid,
                "local",
                (&theirs.title, Some(theirs.starts_at), Some(theirs.ends_at)),
                "Edited in Candor and in Microsoft 365; the Candor edit was more recent.",
            )?;
        }
        let body = to_graph(&local);
        let r = graph
            .update_event(&gid, &body, remote.if_match().as_deref())
            .await
            .map_err(stop)?;
        candor.store().set_event_synced(
            id,
            &gid,
            r.if_match().as_deref(),
            r.change_key.as_deref(),
            r.last_modified(),
        )?;
        report.updated_remote += 1;
    } else {
        log_conflict(
            candor,
            id,
            &gid,
            "remote",
            (
                &local.input.title,
                Some(local.input.starts_at),
                Some(local.input.ends_at),
            ),
            "Edited in Candor and in Microsoft 365; the Microsoft 365 edit was more recent.",
        )?;
        if let Some(input) = to_input(&remote, Some(&local.input.time_zone)) {
            candor.store().upsert_remote_event(
                &gid,
                &input,
                remote.if_match().as_deref(),
                remote.change_key.as_deref(),
                remote.last_modified(),
            )?;
            report.pulled += 1;
        }
    }
    Ok(())
}

/// What `calendar add` and the event editor submit.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub input: EventInput,
}

fn validate(candor: &Candor, input: &EventInput) -> Result<(), ApiError> {
    if input.title.trim().is_empty() {
        return Err(ApiError::invalid("title", "An event needs a title."));
    }
    if input.ends_at < input.starts_at {
        return Err(ApiError::invalid("end", "The event ends before it starts."));
    }
    if !tz::is_iana_zone(&input.time_zone) {
        return Err(ApiError::invalid(
            "tz",
            format!(
                "\"{}\" is not an IANA time zone (e.g. Europe/Warsaw).",
                input.time_zone
            ),
        ));
    }
    let store = candor.store();
    if let Some(c) = input.candidate_id
        && store.record_kind(c)? != Some(candor_store::records::RecordKind::Candidate)
    {
        return Err(ApiError::invalid(
            "candidate",
            format!("Candidate {c} does not exist."),
        ));
    }
    if let Some(j) = input.job_id
        && store.record_kind(j)? != Some(candor_store::records::RecordKind::Job)
    {
        return Err(ApiError::invalid(
            "job",
            format!("Job opening {j} does not exist."),
        ));
    }
    for a in &input.attendees {
        if !a.address.contains('@') {
            return Err(ApiError::invalid(
                "attendee",
                format!("\"{}\" is not an email address.", a.address),
            ));
        }
    }
    Ok(())
}

/// Creates an event (an interview when it links a candidate and a job).
/// With calendar sync on, it is sent on the next sync; attendees then get
/// an invitation from Microsoft 365.
pub fn add(candor: &Candor, input: &EventInput) -> Result<Event, ApiError> {
    validate(candor, input)?;
    let id = candor.store().insert_event(input, false)?;
    get(candor, id)
}

/// Creates events from a file import: marked imported, never synced.
pub fn add_imported(candor: &Candor, input: &EventInput) -> Result<Event, ApiError> {
    validate(candor, input)?;
    let id = candor.store().insert_event(input, true)?;
    get(candor, id)
}

pub fn get(candor: &Candor, id: i64) -> Result<Event, ApiError> {
    candor
        .store()
        .get_event(id)?
        .ok_or_else(|| ApiError::not_found(format!("Event {id} does not exist.")))
}

/// Replaces an event's fields (sent on the next sync).
pub fn edit(candor: &Candor, id: i64, input: &EventInput) -> Result<Event, ApiError> {
    validate(candor, input)?;
    if !candor.store().update_event(id, input)? {
        return Err(ApiError::not_found(format!("Event {id} does not exist.")));
    }
    get(candor, id)
}

/// Deletes an event here (and its copy in Microsoft 365 on the next sync).
pub fn delete(candor: &Candor, id: i64) -> Result<(), ApiError> {
    if !candor.store().delete_event(id)? {
        return Err(ApiError::not_found(format!("Event {id} does not exist.")));
    }
    Ok(())
}

/// Events overlapping [from, to).
pub fn events(candor: &Candor, from: i64, to: i64) -> Result<Vec<Event>, ApiError> {
    Ok(candor.store().list_events(from, to)?)
}

/// An RFC 3339 instant ("2026-12-01T09:00:00+01:00") as Unix seconds.
pub fn parse_instant(field: &str, text: &str) -> Result<i64, ApiError> {
    tz::parse_rfc3339(text).ok_or_else(|| {
        ApiError::invalid(
            field,
            format!("\"{text}\" is not an RFC 3339 time (e.g. 2026-12-01T09:00:00+01:00)."),
        )
    })
}

/// A date ("2026-12-01") at midnight in `zone`, or an RFC 3339 instant.
pub fn parse_day(field: &str, text: &str, zone: &str) -> Result<i64, ApiError> {
    tz::parse_local_date(text, zone).ok_or_else(|| {
        ApiError::invalid(
            field,
            format!("\"{text}\" is not a date (YYYY-MM-DD) or an RFC 3339 time."),
        )
    })
}

/// Unix seconds shown in an IANA zone, RFC 3339 with its offset.
pub fn display_time(unix: i64, zone: &str) -> String {
    tz::display(unix, zone)
}

/// An event as the calendar and record pages show it: with the names of
/// the candidate and job opening of an interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CalendarEvent {
    #[serde(flatten)]
    pub event: Event,
    pub candidate_name: Option<String>,
    pub job_name: Option<String>,
}

/// Names the records of each event (looked up once per record).
fn described(store: &Store, events: Vec<Event>) -> Result<Vec<CalendarEvent>, ApiError> {
    let mut names: HashMap<i64, Option<String>> = HashMap::new();
    let mut name_of = |id: Option<i64>| -> Result<Option<String>, ApiError> {
        let Some(id) = id else { return Ok(None) };
        if let Some(known) = names.get(&id) {
            return Ok(known.clone());
        }
        let name = store.get_record(id)?.map(|r| r.display_name);
        names.insert(id, name.clone());
        Ok(name)
    };
    events
        .into_iter()
        .map(|event| {
            Ok(CalendarEvent {
                candidate_name: name_of(event.input.candidate_id)?,
                job_name: name_of(event.input.job_id)?,
                event,
            })
        })
        .collect()
}

/// Events overlapping [from, to), with their records' names.
pub fn calendar_events(
    candor: &Candor,
    from: i64,
    to: i64,
) -> Result<Vec<CalendarEvent>, ApiError> {
    let store = candor.reader();
    let events = store.list_events(from, to)?;
    described(&store, events)
}

/// The events and interviews of a candidate or a job opening, by start.
pub fn record_events(candor: &Candor, record_id: i64) -> Result<Vec<CalendarEvent>, ApiError> {
    let store = candor.reader();
    let events = store.record_events(record_id)?;
    described(&store, events)
}

/// One event with its records' names.
pub fn calendar_event(candor: &Candor, id: i64) -> Result<CalendarEvent, ApiError> {
    let store = candor.reader();
    let not_found = || ApiError::not_found(format!("Event {id} does not exist."));
    let event = store.get_event(id)?.ok_or_else(not_found)?;
    described(&store, vec![event])?.pop().ok_or_else(not_found)
}

/// What an .ics import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IcsImportReport {
    /// New events.
    pub imported: usize,
    /// Events an earlier import of the same file made, updated.
    pub updated: usize,
    /// Repeating events, imported as their first occurrence.
    pub recurring: usize,
    pub skipped: Vec<IcsSkipped>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IcsSkipped {
    pub title: Option<String>,
    pub reason: String,
}

/// Imports the events of an .ics file: marked imported, so they are never
/// sent to Microsoft 365 (PRODUCT.md §7). Importing the same file again
/// updates the events it made (matched by UID) instead of adding copies.
/// Times without a zone, and whole days, are placed in `zone` (the user's).
pub fn import_ics(candor: &Candor, text: &str, zone: &str) -> Result<IcsImportReport, ApiError> {
    if !tz::is_iana_zone(zone) {
        return Err(ApiError::invalid(
            "tz",
            format!("\"{zone}\" is not an IANA time zone (e.g. Europe/Warsaw)."),
        ));
    }
    let (_, events) = super::ics::read(text, zone)
        .filter(|(_, events)| !events.is_empty())
        .ok_or_else(|| {
            ApiError::invalid(
                "file",
                "This file holds no calendar events (an .ics file starts with BEGIN:VCALENDAR).",
            )
        })?;
    let mut report = IcsImportReport::default();
    for event in events {
        let skip = |reason: &str| IcsSkipped {
            title: event.title.clone(),
            reason: reason.to_owned(),
        };
        if event.cancelled {
            report.skipped.push(skip("cancelled"));
            continue;
        }
        let (Some(starts_at), Some(ends_at)) = (event.starts_at, event.ends_at) else {
            report
                .skipped
                .push(skip("its start time could not be read"));
            continue;
        };
        if ends_at < starts_at {
            report.skipped.push(skip("it ends before it starts"));
            continue;
        }
        let input = EventInput {
            title: event
                .title
                .clone()
                .unwrap_or_else(|| "(no title)".to_owned()),
            starts_at,
            ends_at,
            time_zone: event.zone.clone().unwrap_or_else(|| zone.to_owned()),
            is_all_day: event.all_day,
            location: event.location.clone(),
            is_online_meeting: event.online,
            notes: event.description.clone().unwrap_or_default(),
            candidate_id: None,
            job_id: None,
            attendees: event
                .attendees
                .iter()
                .map(|a| EventAttendee {
                    address: a.address.clone(),
                    display_name: a.name.clone(),
                    attendance: a.attendance.to_owned(),
                })
                .collect(),
        };
        // A file without UIDs cannot be matched again: each import adds.
        let new = match &event.identity {
            Some(identity) => candor.store().upsert_imported_event(identity, &input)?.1,
            None => {
                candor.store().insert_event(&input, true)?;
                true
            }
        };
        if new {
            report.imported += 1;
        } else {
            report.updated += 1;
        }
        if event.recurring {
            report.recurring += 1;
        }
    }
    tracing::info!(
        imported = report.imported,
        updated = report.updated,
        skipped = report.skipped.len(),
        "calendar file imported"
    );
    Ok(report)
}
