//! The bridge between candor-mail (parsing, threading) and candor-store:
//! turns a raw message into what the store keeps, and rebuilds conversations.

use std::collections::HashSet;

use candor_mail::mime::{Mailbox, project_for_storage};
use candor_mail::threading::{SubjectMerge, ThreadInput, regroup, thread};
use candor_store::Store;
use candor_store::messages::{AddressRole, AttachmentBytes, NewAddress, NewAttachment, NewMessage};

use crate::ApiError;

/// A raw message on its way into the store.
pub(crate) struct NewMessageFrom {
    account_id: i64,
    folder_id: i64,
    raw: Vec<u8>,
}

impl NewMessageFrom {
    pub(crate) fn raw(account_id: i64, folder_id: i64, raw: Vec<u8>) -> Self {
        Self {
            account_id,
            folder_id,
            raw,
        }
    }

    /// Projects the message; what the parser could not read goes to
    /// `parse_error`, and the raw source is kept whatever happens.
    pub(crate) fn into_new_message(self) -> NewMessage {
        let p = project_for_storage(&self.raw);
        let mut addresses = Vec::new();
        for (role, list) in [
            (AddressRole::From, &p.from),
            (AddressRole::Sender, &p.sender),
            (AddressRole::ReplyTo, &p.reply_to),
            (AddressRole::To, &p.to),
            (AddressRole::Cc, &p.cc),
            (AddressRole::Bcc, &p.bcc),
        ] {
            addresses.extend(list.iter().map(|m: &Mailbox| NewAddress {
                role,
                address: m.address.clone(),
                display_name: m.name.clone(),
            }));
        }
        let joined = |ids: &[String]| (!ids.is_empty()).then(|| ids.join(" "));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        NewMessage {
            account_id: self.account_id,
            folder_id: self.folder_id,
            uid: None,
            pop3_uidl: None,
            message_id_header: p.message_id.clone(),
            in_reply_to: joined(&p.in_reply_to),
            references: joined(&p.references),
            subject: p.subject.clone(),
            sent_at: p.date,
            received_at: p.date.unwrap_or(now),
            is_seen: true,
            is_flagged: false,
            is_answered: false,
            is_draft: false,
            addresses,
            text_plain: p.text_plain.clone(),
            text_html: p.text_html.clone(),
            attachments: p
                .attachments
                .into_iter()
                .map(|a| {
                    // Images the body shows are stored decoded, as they are
                    // wanted every time the message is read; every other
                    // part is decoded from the raw source when opened, saved
                    // or forwarded (and was not decoded for storing).
                    NewAttachment {
                        data: if a.is_shown_in_body() {
                            AttachmentBytes::Stored(a.data)
                        } else {
                            AttachmentBytes::InSource { size: a.size }
                        },
                        filename: a.filename,
                        content_type: a.content_type,
                        content_id: a.content_id,
                        is_inline: a.is_inline,
                    }
                })
                .collect(),
            parse_error: (!p.problems.is_empty()).then(|| p.problems.join("; ")),
            raw: self.raw,
            prepared_source: None,
        }
    }
}

fn split_ids(ids: Option<&str>) -> Vec<String> {
    ids.map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Rebuilds every conversation from the stored messages, with the user's
/// splits and merges applied on top; returns how many there are.
pub(crate) fn rethread(store: &mut Store) -> Result<usize, ApiError> {
    let rows = store.threading_rows()?;
    let own: HashSet<String> = store.own_addresses()?.into_iter().collect();
    let inputs: Vec<ThreadInput> = rows
        .iter()
        .map(|r| ThreadInput {
            message_id: r.message_id_header.clone(),
            references: split_ids(r.references.as_deref()),
            in_reply_to: split_ids(r.in_reply_to.as_deref()),
            subject: r.subject.clone(),
            date: r.date,
            participants: r.participants.clone(),
        })
        .collect();
    let threads = thread(
        &inputs,
        &SubjectMerge::RepliesSharingACorrespondent { own_addresses: own },
    );
    let pinned: Vec<Option<i64>> = rows.iter().map(|r| r.pinned_group).collect();
    let groups: Vec<Vec<i64>> = regroup(&threads, &pinned)
        .into_iter()
        .map(|group| group.into_iter().map(|i| rows[i].id).collect())
        .collect();
    store.apply_threads(&groups)?;
    Ok(groups.len())
}

/// Rebuilds conversations if some message belongs to none yet (mail just
/// stored, or a crash between storing and threading).
pub(crate) fn rethread_if_unthreaded(store: &mut Store) -> Result<(), ApiError> {
    if store.has_unthreaded_messages()? {
        rethread(store)?;
    }
    Ok(())
}
