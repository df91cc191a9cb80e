//! Message templates with merge fields from records: `{{candidate.first_name}}`,
//! `{{job.title}}`, `{{contact.company}}` ... A template is checked when saved
//! (every field must be one Candor knows) and rendered for one record at a
//! time; a field with no value for that record refuses the message, naming
//! the field, rather than sending "Dear ," to a candidate.

use std::collections::HashMap;

use candor_store::Store;
pub use candor_store::templates::Template;
use serde::Serialize;

use super::Candor;
use crate::{ApiError, RecordFields};

/// Every merge field, as written between `{{` and `}}`.
pub const FIELDS: &[&str] = &[
    "candidate.first_name",
    "candidate.last_name",
    "candidate.full_name",
    "candidate.email",
    "candidate.phone",
    "candidate.current_title",
    "candidate.current_employer",
    "contact.first_name",
    "contact.last_name",
    "contact.full_name",
    "contact.email",
    "contact.phone",
    "contact.job_title",
    "contact.company",
    "job.title",
    "job.client",
    "client.name",
    "client.website",
    "client.phone",
];

/// A template filled in for one record.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rendered {
    pub subject: String,
    pub body: String,
    /// The record's first email address, the natural recipient.
    pub email: Option<String>,
}

/// The merge fields of a text, in order, or what is malformed about it.
fn placeholders(text: &str) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| {
            format!(
                "a \"{{{{\" is never closed: \"{}\"",
                &rest[start..].chars().take(30).collect::<String>()
            )
        })?;
        found.push(after[..end].trim().to_owned());
        rest = &after[end + 2..];
    }
    Ok(found)
}

fn check(field: &str, text: &str) -> Result<(), ApiError> {
    for name in
        placeholders(text).map_err(|e| ApiError::invalid(field, format!("The {field} has {e}.")))?
    {
        if !FIELDS.contains(&name.as_str()) {
            return Err(ApiError::invalid(
                field,
                format!(
                    "{{{{{name}}}}} is not a merge field. The fields are: {}.",
                    FIELDS.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Saves a template (replacing one of the same name).
pub fn save(candor: &Candor, name: &str, subject: &str, body: &str) -> Result<Template, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("name", "Give the template a name."));
    }
    check("subject", subject)?;
    check("body", body)?;
    let mut store = candor.store();
    store.save_template(name, subject, body)?;
    find(&store, name)
}

pub fn list(candor: &Candor) -> Result<Vec<Template>, ApiError> {
    Ok(candor.reader().templates()?)
}

pub fn show(candor: &Candor, name: &str) -> Result<Template, ApiError> {
    find(&candor.reader(), name)
}

fn find(store: &Store, name: &str) -> Result<Template, ApiError> {
    store.template_by_name(name.trim())?.ok_or_else(|| {
        ApiError::not_found(format!(
            "There is no template named \"{}\"; `candor template list` shows them.",
            name.trim()
        ))
    })
}

/// What a record offers to templates: its own fields, and those of the
/// records it points to (a contact's client, a job's client and primary
/// contact).
fn values(
    store: &Store,
    record_id: i64,
    out: &mut HashMap<&'static str, String>,
) -> Result<(), ApiError> {
    let record = store
        .get_record(record_id)?
        .ok_or_else(|| ApiError::not_found(format!("Record {record_id} does not exist.")))?;
    let mut put = |key: &'static str, value: Option<&str>| {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            out.entry(key).or_insert_with(|| v.to_owned());
        }
    };
    let mut related = Vec::new();
    match &record.fields {
        RecordFields::Candidate {
            first_name,
            last_name,
            emails,
            phones,
            current_title,
            current_employer,
        } => {
            put("candidate.first_name", Some(first_name));
            put("candidate.last_name", Some(last_name));
            put("candidate.full_name", Some(&record.display_name));
            put("candidate.email", emails.first().map(String::as_str));
            put("candidate.phone", phones.first().map(String::as_str));
            put("candidate.current_title", current_title.as_deref());
            put("candidate.current_employer", current_employer.as_deref());
        }
        RecordFields::Contact {
            first_name,
            last_name,
            emails,
            phones,
            job_title,
            client_id,
            ..
        } => {
            put("contact.first_name", Some(first_name));
            put("contact.last_name", Some(last_name));
            put("contact.full_name", Some(&record.display_name));
            put("contact.email", emails.first().map(String::as_str));
            put("contact.phone", phones.first().map(String::as_str));
            put("contact.job_title", job_title.as_deref());
            put("contact.company", record.client_name.as_deref());
            related.extend(*client_id);
        }
        RecordFields::Client {
            name,
            website,
            phone,
        } => {
            put("client.name", Some(name));
            put("client.website", website.as_deref());
            put("client.phone", phone.as_deref());
        }
        RecordFields::Job {
            title,
            client_id,
            primary_contact_id,
            ..
        } => {
            put("job.title", Some(title));
            put("job.client", record.client_name.as_deref());
            related.extend(*client_id);
            related.extend(*primary_contact_id);
        }
    }
    for id in related {
        values(store, id, out)?;
    }
    Ok(())
}

/// Fills in a template for one record; refuses, naming the field, when the
/// record has no value for one the template uses.
pub fn render(candor: &Candor, name: &str, record_id: i64) -> Result<Rendered, ApiError> {
    let store = candor.reader();
    let template = find(&store, name)?;
    let mut context = HashMap::new();
    values(&store, record_id, &mut context)?;
    let who = store
        .get_record(record_id)?
        .map(|r| r.display_name)
        .unwrap_or_default();
    let fill = |text: &str| -> Result<String, ApiError> {
        let mut out = text.to_owned();
        for field in placeholders(text).map_err(|e| ApiError::invalid("template", e))? {
            let value = context.get(field.as_str()).ok_or_else(|| {
                ApiError::invalid(
                    "template",
                    format!(
                        "{{{{{field}}}}} has no value for {who} (record {record_id}); fill it in on the record, or write without it."
                    ),
                )
            })?;
            // Every spelling of the field: {{x}} and {{ x }}.
            out = replace_field(&out, &field, value);
        }
        Ok(out)
    };
    Ok(Rendered {
        subject: fill(&template.subject)?,
        body: fill(&template.body)?,
        email: context
            .get("candidate.email")
            .or_else(|| context.get("contact.email"))
            .cloned(),
    })
}

/// Replaces every `{{ field }}` (whatever the spaces inside) with `value`.
fn replace_field(text: &str, field: &str, value: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        if after[..end].trim() == field {
            out.push_str(value);
        } else {
            out.push_str(&rest[start..start + 2 + end + 2]);
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_with_or_without_spaces() {
        assert_eq!(
            placeholders("Dear {{candidate.first_name}}, re {{ job.title }}.").expect("ok"),
            ["candidate.first_name", "job.title"]
        );
        assert!(placeholders("Dear {{candidate.first_name").is_err());
    }

    #[test]
    fn only_the_named_field_is_replaced() {
        assert_eq!(
            replace_field("{{a.b}} and {{ a.b }} but {{c.d}}", "a.b", "X"),
            "X and X but {{c.d}}"
        );
    }
}
