//! The Microsoft Graph HTTP client (shared/notes/microsoft-graph-and-oauth.md
//! §1, §5, §7, §8): every request carries the bearer token and
//! `Prefer: IdType="ImmutableId"`, `Prefer: outlook.timezone="UTC"` and
//! `Prefer: outlook.body-content-type="text"`;
//! at most four requests per mailbox are in flight at once (Outlook's
//! per-mailbox concurrency limit); 429, 503 and 504 are retried after the
//! `Retry-After` the server gave (integer or fractional seconds, or an
//! HTTP date), else with exponential back-off, keyed on the status code and
//! never on `error.code`.
//!
//! Paging links (`@odata.nextLink`, `@odata.deltaLink`) are followed
//! verbatim, and only when they point at the configured Graph origin: the
//! token is never sent anywhere else. Nothing here logs a token or a body.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

/// The public cloud's Graph root. National clouds use other hosts.
pub const DEFAULT_BASE_URL: &str = "https://graph.microsoft.com/v1.0";
/// Overrides the base URL (tests, national clouds).
pub const GRAPH_URL_ENV: &str = "CANDOR_GRAPH_URL";
/// Outlook's limit of concurrent requests per app and mailbox.
pub const MAX_CONCURRENT_PER_MAILBOX: usize = 4;
/// How often a throttled or unavailable request is tried before giving up.
const MAX_ATTEMPTS: u32 = 8;
/// The longest single wait honoured (a longer Retry-After ends the run).
const MAX_WAIT: Duration = Duration::from_secs(120);

/// Why a Graph request failed. Never holds a token or a body with one.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GraphError {
    #[error("Microsoft 365 could not be reached ({0}).")]
    Transport(String),
    #[error("Microsoft 365 answered {status}{}{}.", if code.is_empty() { String::new() } else { format!(" {code}") }, if message.is_empty() { String::new() } else { format!(": {message}") })]
    Status {
        status: u16,
        /// `error.code`, then any nested `innerError.code`s.
        code: String,
        codes: Vec<String>,
        message: String,
        /// The `Location` header (410 on delta: where to start over).
        location: Option<String>,
    },
    #[error("Microsoft 365 sent an answer Candor could not read ({0}).")]
    Decode(String),
    #[error("Microsoft 365 kept asking Candor to wait (status {status}); try again later.")]
    Throttled { status: u16 },
    #[error("The Graph URL {0} is not valid.")]
    BadUrl(String),
}

impl GraphError {
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } | Self::Throttled { status } => Some(*status),
            _ => None,
        }
    }

    /// 404: the item or container is gone (`ErrorItemNotFound`).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// 412: the `If-Match` ETag is stale (`ErrorIrresolvableConflict`).
    pub fn is_precondition_failed(&self) -> bool {
        self.status() == Some(412)
    }

    /// 409 `ErrorFolderExists`: a calendar or folder of that name exists.
    pub fn is_already_exists(&self) -> bool {
        self.status() == Some(409)
    }

    /// The delta cursor is dead: any 410, or any 4xx whose code (or a
    /// nested one) is `syncStateNotFound` or `resyncRequired` in any casing.
    pub fn is_sync_state_expired(&self) -> bool {
        match self {
            Self::Status { status, codes, .. } => {
                *status == 410
                    || ((400..500).contains(status)
                        && codes.iter().any(|c| {
                            c.eq_ignore_ascii_case("syncStateNotFound")
                                || c.eq_ignore_ascii_case("resyncRequired")
                        }))
            }
            _ => false,
        }
    }

    /// 401: the access token was refused.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    fn from_response(status: u16, location: Option<String>, body: &[u8]) -> Self {
        let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let error = &json["error"];
        let mut codes = Vec::new();
        let mut node = error;
        for _ in 0..4 {
            if let Some(c) = node["code"].as_str() {
                codes.push(c.to_owned());
            }
            node = if node.get("innerError").is_some() {
                &node["innerError"]
            } else {
                &node["innererror"]
            };
            if node.is_null() {
                break;
            }
        }
        let message: String = error["message"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect();
        Self::Status {
            status,
            code: codes.first().cloned().unwrap_or_default(),
            codes,
            message,
            location,
        }
    }
}

/// One answer.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub etag: Option<String>,
    pub preference_applied: Option<String>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Result<Value, GraphError> {
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|e| GraphError::Decode(e.to_string()))
    }
}

/// The permits of one mailbox, shared by every client of it in this process.
fn mailbox_permits(mailbox: &str) -> Arc<Semaphore> {
    static PERMITS: OnceLock<Mutex<HashMap<String, Arc<Semaphore>>>> = OnceLock::new();
    PERMITS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(mailbox.to_ascii_lowercase())
        .or_insert_with(|| Arc::new(Semaphore::new(MAX_CONCURRENT_PER_MAILBOX)))
        .clone()
}

/// Percent-encodes one path segment (Graph ids hold `=`, `/`, `+`).
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char);
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Percent-encodes a query value.
pub fn encode_query(value: &str) -> String {
    encode_segment(value)
}

/// `Retry-After` as a duration: decimal seconds ("2", "2.128") or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let now = jiff::Timestamp::now();
    let secs = (when.as_millisecond() - now.as_millisecond()).max(0);
    Some(Duration::from_millis(u64::try_from(secs).unwrap_or(0)))
}

/// A fresh GUID (version 4) for `transactionId`.
pub fn new_guid() -> String {
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        // No randomness: a time-based value is still unique enough per create.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        b = nanos.to_le_bytes();
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A client for one mailbox.
pub struct Graph {
    base: String,
    origin: String,
    token: Zeroizing<String>,
    permits: Arc<Semaphore>,
    requests: Arc<AtomicU64>,
    backoff_unit: Duration,
    connections: crate::oauth::http::Pool,
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Graph")
            .field("base", &self.base)
            .field("token", &"<hidden>")
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    fn as_http(self) -> http::Method {
        match self {
            Self::Get => http::Method::GET,
            Self::Post => http::Method::POST,
            Self::Patch => http::Method::PATCH,
            Self::Delete => http::Method::DELETE,
        }
    }
}

impl Graph {
    /// A client of `base` (e.g. `https://graph.microsoft.com/v1.0`) for the
    /// mailbox `mailbox` (its address; keys the concurrency limit).
    pub fn new(base: &str, mailbox: &str, token: Zeroizing<String>) -> Result<Self, GraphError> {
        let base = base.trim_end_matches('/').to_owned();
        let parsed = url::Url::parse(&base).map_err(|_| GraphError::BadUrl(base.clone()))?;
        let host = parsed.host_str().unwrap_or_default();
        let secure = parsed.scheme() == "https"
            || (parsed.scheme() == "http" && crate::oauth::http::is_loopback(host));
        if !secure {
            return Err(GraphError::BadUrl(format!("{base} (https is required)")));
        }
        let origin = parsed.origin().ascii_serialization();
        Ok(Self {
            base,
            origin,
            token,
            permits: mailbox_permits(mailbox),
            requests: Arc::new(AtomicU64::new(0)),
            backoff_unit: Duration::from_millis(500),
            connections: crate::oauth::http::Pool::default(),
        })
    }

    /// How many HTTP requests this client sent (retries included).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The URL of a path under the base (`/me/calendars`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request and retries throttling and unavailability. `url` is
    /// absolute (built by [`Graph::url`] or a link from the server).
    /// `replay_safe`: a transport failure may be retried (not for POSTs
    /// without a transactionId).
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        headers: &[(&str, String)],
        replay_safe: bool,
    ) -> Result<Response, GraphError> {
        if !url.starts_with(&self.origin)
            || url[self.origin.len()..]
                .chars()
                .next()
                .is_some_and(|c| c != '/')
        {
            return Err(GraphError::BadUrl(
                "a link outside the configured Graph host".into(),
            ));
        }
        let payload = match body {
            Some(b) => serde_json::to_vec(b).map_err(|e| GraphError::Decode(e.to_string()))?,
            None => Vec::new(),
        };
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut builder = http::Request::builder()
                .method(method.as_http())
                .uri(url)
                .header(http::header::ACCEPT, "application/json")
                .header("Prefer", "IdType=\"ImmutableId\"")
                .header("Prefer", "outlook.timezone=\"UTC\"")
                .header("Prefer", "outlook.body-content-type=\"text\"")
                .header(
                    http::header::AUTHORIZATION,
                    format!("Bearer {}", self.token.as_str()),
                );
            if body.is_some() {
                builder = builder.header(http::header::CONTENT_TYPE, "application/json");
            }
            for (name, value) in headers {
                builder = builder.header(*name, value.as_str());
            }
            let request = builder
                .body(payload.clone())
                .map_err(|e| GraphError::BadUrl(e.to_string()))?;
            let result = {
                let _permit = self
                    .permits
                    .acquire()
                    .await
                    .map_err(|e| GraphError::Transport(e.to_string()))?;
                self.requests.fetch_add(1, Ordering::Relaxed);
                self.connections.send(request, "Microsoft 365").await
            };
            let response = match result {
                Ok(r) => r,
                Err(e) => {
                    if replay_safe && attempt < 3 {
                        tokio::time::sleep(self.backoff(attempt)).await;
                        continue;
                    }
                    return Err(GraphError::Transport(e.to_string()));
                }
            };
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            if matches!(status, 429 | 503 | 504) {
                if attempt >= MAX_ATTEMPTS {
                    return Err(GraphError::Throttled { status });
                }
                let wait = header("retry-after")
                    .and_then(|v| parse_retry_after(&v))
                    .unwrap_or_else(|| self.backoff(attempt));
                if wait > MAX_WAIT {
                    return Err(GraphError::Throttled { status });
                }
                tracing::debug!(status, wait_ms = wait.as_millis(), "Graph asked to wait");
                tokio::time::sleep(wait).await;
                continue;
            }
            if (200..300).contains(&status) {
                return Ok(Response {
                    status,
                    etag: header("etag"),
                    preference_applied: header("preference-applied"),
                    body: response.into_body(),
                });
            }
            return Err(GraphError::from_response(
                status,
                header("location"),
                response.body(),
            ));
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.backoff_unit * 2u32.saturating_pow(attempt.saturating_sub(1).min(6))
    }

    pub async fn get(&self, url: &str) -> Result<Value, GraphError> {
        self.send(Method::Get, url, None, &[], true).await?.json()
    }

    /// Every item of a collection, following `@odata.nextLink`.
    pub async fn get_all(&self, url: &str) -> Result<Vec<Value>, GraphError> {
        let mut items = Vec::new();
        let mut next = Some(url.to_owned());
        while let Some(url) = next.take() {
            let mut page = self.get(&url).await?;
            if let Some(Value::Array(values)) = page.get_mut("value").map(Value::take) {
                items.extend(values);
            }
            next = page["@odata.nextLink"].as_str().map(str::to_owned);
        }
        Ok(items)
    }

    /// One whole delta round from `start` (an initial URL or a stored
    /// deltaLink, used verbatim): every item in the order received, and the
    /// deltaLink that ends the round. `Prefer: odata.maxpagesize` goes with
    /// every request of the round.
    pub async fn delta_round(
        &self,
        start: &str,
        max_page_size: u32,
    ) -> Result<(Vec<Value>, String), GraphError> {
        let mut items = Vec::new();
        let mut url = start.to_owned();
        let prefer = [("Prefer", format!("odata.maxpagesize={max_page_size}"))];
        for _ in 0..100_000 {
            let mut page = self
                .send(Method::Get, &url, None, &prefer, true)
                .await?
                .json()?;
            if let Some(Value::Array(values)) = page.get_mut("value").map(Value::take) {
                items.extend(values);
            }
            if let Some(next) = page["@odata.nextLink"].as_str() {
                url = next.to_owned();
                continue;
            }
            if let Some(delta) = page["@odata.deltaLink"].as_str() {
                return Ok((items, delta.to_owned()));
            }
            return Err(GraphError::Decode(
                "a delta page had neither a nextLink nor a deltaLink".into(),
            ));
        }
        Err(GraphError::Decode("a delta round did not end".into()))
    }
}

/// What an item of a delta page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeltaKind {
    /// Added or updated (possibly partial: upsert by id).
    Changed,
    /// `@removed`: deleted, or (in a window-bound round) out of the window.
    Removed { reason: String },
}

/// Classifies one delta item.
pub fn delta_kind(item: &Value) -> DeltaKind {
    match item.get("@removed") {
        Some(removed) => DeltaKind::Removed {
            reason: removed["reason"].as_str().unwrap_or("deleted").to_owned(),
        },
        None => DeltaKind::Changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_integers_fractions_and_dates() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("2.128"),
            Some(Duration::from_millis(2128)),
            "the throttling doc's own sample is fractional"
        );
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO),
            "a date in the past means retry now"
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    fn err(status: u16, body: &str) -> GraphError {
        GraphError::from_response(status, None, body.as_bytes())
    }

    #[test]
    fn expired_sync_state_in_any_casing_and_status() {
        assert!(err(410, "").is_sync_state_expired());
        assert!(err(410, r#"{"error":{"code":"SyncStateNotFound"}}"#).is_sync_state_expired());
        assert!(err(400, r#"{"error":{"code":"syncStateNotFound"}}"#).is_sync_state_expired());
        assert!(err(400, r#"{"error":{"code":"resyncRequired"}}"#).is_sync_state_expired());
        assert!(
            err(
                400,
                r#"{"error":{"code":"BadRequest","innerError":{"code":"ResyncRequired"}}}"#
            )
            .is_sync_state_expired(),
            "nested innerError codes count"
        );
        assert!(!err(400, r#"{"error":{"code":"BadRequest"}}"#).is_sync_state_expired());
        assert!(!err(503, r#"{"error":{"code":"syncStateNotFound"}}"#).is_sync_state_expired());
        assert!(
            err(
                404,
                r#"{"error":{"code":"ErrorItemNotFound","message":"The specified object was not found in the store."}}"#
            )
            .is_not_found()
        );
    }

    #[test]
    fn removed_items_are_told_apart() {
        let removed: Value = serde_json::from_str(
            r##"{"@odata.type":"#microsoft.graph.event","id":"AAMk=","@removed":{"reason":"deleted"}}"##,
        )
        .unwrap_or_default();
        assert_eq!(
            delta_kind(&removed),
            DeltaKind::Removed {
                reason: "deleted".into()
            }
        );
        assert_eq!(
            delta_kind(&serde_json::json!({"id":"x"})),
            DeltaKind::Changed
        );
    }

    #[test]
    fn ids_are_percent_encoded_in_paths() {
        assert_eq!(encode_segment("AAMkAGVi/+=="), "AAMkAGVi%2F%2B%3D%3D");
    }

    #[test]
    fn guids_are_version_4() {
        let g = new_guid();
        assert_eq!(g.len(), 36);
        assert_eq!(&g[14..15], "4");
        assert_ne!(g, new_guid());
    }

    #[test]
    fn links_to_other_hosts_are_refused() {
        let graph = Graph::new("http://127.0.0.1:9/v1.0", "a@b", Zeroizing::new("t".into()))
            .unwrap_or_else(|e| panic!("{e}"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let result = rt.block_on(graph.get("http://evil.example/v1.0/me"));
        assert!(matches!(result, Err(GraphError::BadUrl(_))), "{result:?}");
        assert!(Graph::new("http://graph.example/v1.0", "a@b", Zeroizing::default()).is_err());
    }
}
