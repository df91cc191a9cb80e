//! The calls Candor makes on its dedicated calendar and contact folder
//! (notes §2, §3, §5, §6, §7, §10, §11).

use serde_json::{Value, json};

use crate::client::{Graph, GraphError, Method, encode_query, encode_segment, new_guid};
use crate::model::Event;

/// The single-value extended property that marks a container as Candor's,
/// so a "Candor" calendar the user made themselves is never adopted.
pub const OWNER_PROPERTY: &str = "String {6f2c7d0e-3b7a-4c55-9f1e-1c2a9a4b8d10} Name CandorOwner";
pub const OWNER_VALUE: &str = "candor";

/// A dedicated container: its id and the name it ended up with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub id: String,
    pub name: String,
    /// An existing container of ours was found (after a 409) and reused.
    pub adopted: bool,
}

fn decode<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, GraphError> {
    serde_json::from_value(value).map_err(|e| GraphError::Decode(e.to_string()))
}

/// Which kind of container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Calendar,
    ContactFolder,
}

impl Kind {
    fn collection(self) -> &'static str {
        match self {
            Self::Calendar => "/me/calendars",
            Self::ContactFolder => "/me/contactFolders",
        }
    }
    fn name_field(self) -> &'static str {
        match self {
            Self::Calendar => "name",
            Self::ContactFolder => "displayName",
        }
    }
}

impl Graph {
    /// Creates Candor's container named `name`, or reuses ours: on 409
    /// (`ErrorFolderExists`) the container of that name is adopted when it
    /// carries Candor's mark (a create that failed after succeeding), and
    /// otherwise (the user's own) "name (2)", "name (3)"... is created.
    pub async fn create_container(&self, kind: Kind, name: &str) -> Result<Container, GraphError> {
        for n in 1..=9 {
            let candidate = if n == 1 {
                name.to_owned()
            } else {
                format!("{name} ({n})")
            };
            let body = json!({
                kind.name_field(): candidate,
                "singleValueExtendedProperties": [{"id": OWNER_PROPERTY, "value": OWNER_VALUE}],
            });
            match self
                .send(
                    Method::Post,
                    &self.url(kind.collection()),
                    Some(&body),
                    &[],
                    false,
                )
                .await
            {
                Ok(r) => {
                    let v = r.json()?;
                    let id = v["id"].as_str().ok_or_else(|| {
                        GraphError::Decode("a created container has no id".into())
                    })?;
                    return Ok(Container {
                        id: id.to_owned(),
                        name: candidate,
                        adopted: false,
                    });
                }
                Err(e) if e.is_already_exists() => {
                    if let Some(id) = self.find_ours(kind, &candidate).await? {
                        return Ok(Container {
                            id,
                            name: candidate,
                            adopted: true,
                        });
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Err(GraphError::Decode(format!(
            "every name from \"{name}\" to \"{name} (9)\" is taken"
        )))
    }

    /// The id of the container named `name` that carries Candor's mark.
    async fn find_ours(&self, kind: Kind, name: &str) -> Result<Option<String>, GraphError> {
        let url = format!(
            "{}?$expand=singleValueExtendedProperties($filter={})",
            self.url(kind.collection()),
            encode_query(&format!("id eq '{OWNER_PROPERTY}'"))
        );
        for item in self.get_all(&url).await? {
            let same_name = item[kind.name_field()].as_str() == Some(name);
            let ours = item["singleValueExtendedProperties"]
                .as_array()
                .is_some_and(|props| {
                    props.iter().any(|p| {
                        p["id"]
                            .as_str()
                            .is_some_and(|i| i.eq_ignore_ascii_case(OWNER_PROPERTY))
                            && p["value"].as_str() == Some(OWNER_VALUE)
                    })
                });
            if same_name && ours {
                return Ok(item["id"].as_str().map(str::to_owned));
            }
        }
        Ok(None)
    }

    /// Whether the container still exists (false on 404 `ErrorItemNotFound`).
    pub async fn container_exists(&self, kind: Kind, id: &str) -> Result<bool, GraphError> {
        let url = format!("{}/{}", self.url(kind.collection()), encode_segment(id));
        match self.get(&url).await {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Deletes the container and with it every item in it. Gone already is fine.
    pub async fn delete_container(&self, kind: Kind, id: &str) -> Result<(), GraphError> {
        let url = format!("{}/{}", self.url(kind.collection()), encode_segment(id));
        match self.send(Method::Delete, &url, None, &[], true).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The first URL of a calendarView delta round on the dedicated
    /// calendar (the v1.0 per-calendar path, notes §5.1), window in UTC.
    pub fn calendar_delta_start(&self, calendar_id: &str, from: i64, to: i64) -> String {
        format!(
            "{}/{}/calendarView/delta?startDateTime={}&endDateTime={}",
            self.url("/me/calendars"),
            encode_segment(calendar_id),
            crate::tz::utc_param(from),
            crate::tz::utc_param(to)
        )
    }

    /// The first URL of a contacts delta round on the folder.
    pub fn contacts_delta_start(&self, folder_id: &str) -> String {
        format!(
            "{}/{}/contacts/delta",
            self.url("/me/contactFolders"),
            encode_segment(folder_id)
        )
    }

    /// Creates an event in the calendar. A `transactionId` is set (a fresh
    /// GUID unless the caller kept one for this logical create), so a
    /// retried POST cannot duplicate it.
    pub async fn create_event(
        &self,
        calendar_id: &str,
        event: &Event,
    ) -> Result<Event, GraphError> {
        let mut event = event.clone();
        if event.transaction_id.is_none() {
            event.transaction_id = Some(new_guid());
        }
        let body = serde_json::to_value(&event).map_err(|e| GraphError::Decode(e.to_string()))?;
        let url = format!(
            "{}/{}/events",
            self.url("/me/calendars"),
            encode_segment(calendar_id)
        );
        decode(
            self.send(Method::Post, &url, Some(&body), &[], true)
                .await?
                .json()?,
        )
    }

    /// Updates an event with `If-Match: etag`; 412 means it changed remotely.
    pub async fn update_event(
        &self,
        id: &str,
        patch: &Event,
        etag: Option<&str>,
    ) -> Result<Event, GraphError> {
        let body = serde_json::to_value(patch).map_err(|e| GraphError::Decode(e.to_string()))?;
        let url = format!("{}/{}", self.url("/me/events"), encode_segment(id));
        let headers: Vec<(&str, String)> = etag
            .map(|e| vec![("If-Match", e.to_owned())])
            .unwrap_or_default();
        decode(
            self.send(Method::Patch, &url, Some(&body), &headers, true)
                .await?
                .json()?,
        )
    }

    /// Reads one event; None when it is gone.
    pub async fn get_event(&self, id: &str) -> Result<Option<Event>, GraphError> {
        let url = format!("{}/{}", self.url("/me/events"), encode_segment(id));
        match self.get(&url).await {
            Ok(v) => decode(v).map(Some),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deletes an event with `If-Match` (412 when it changed remotely); a
    /// 404 means it is gone already, which is what was wanted.
    pub async fn delete_event(&self, id: &str, etag: Option<&str>) -> Result<(), GraphError> {
        let url = format!("{}/{}", self.url("/me/events"), encode_segment(id));
        let headers: Vec<(&str, String)> = etag
            .map(|e| vec![("If-Match", e.to_owned())])
            .unwrap_or_default();
        match self.send(Method::Delete, &url, None, &headers, true).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Creates a contact in the folder (no transactionId exists for
    /// contacts: a transport failure is not replayed).
    pub async fn create_contact(
        &self,
        folder_id: &str,
        contact: &Value,
    ) -> Result<Value, GraphError> {
        let url = format!(
            "{}/{}/contacts",
            self.url("/me/contactFolders"),
            encode_segment(folder_id)
        );
        self.send(Method::Post, &url, Some(contact), &[], false)
            .await?
            .json()
    }

    /// Replaces a contact's mapped fields (the full object, `displayName`
    /// included, so Graph does not regenerate or reset anything).
    pub async fn update_contact(
        &self,
        id: &str,
        contact: &Value,
        etag: Option<&str>,
    ) -> Result<Value, GraphError> {
        let url = format!("{}/{}", self.url("/me/contacts"), encode_segment(id));
        let headers: Vec<(&str, String)> = etag
            .map(|e| vec![("If-Match", e.to_owned())])
            .unwrap_or_default();
        self.send(Method::Patch, &url, Some(contact), &headers, true)
            .await?
            .json()
    }

    pub async fn get_contact(&self, id: &str) -> Result<Option<Value>, GraphError> {
        let url = format!("{}/{}", self.url("/me/contacts"), encode_segment(id));
        match self.get(&url).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn delete_contact(&self, id: &str, etag: Option<&str>) -> Result<(), GraphError> {
        let url = format!("{}/{}", self.url("/me/contacts"), encode_segment(id));
        let headers: Vec<(&str, String)> = etag
            .map(|e| vec![("If-Match", e.to_owned())])
            .unwrap_or_default();
        match self.send(Method::Delete, &url, None, &headers, true).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }
}
