//! The local half of mail actions and what the task rows remember: the
//! server's copy of a moved or deleted message stays accounted for until the
//! server has acted, a refused move is undone, and a moved message takes its
//! new UID instead of arriving twice.

use candor_store::Store;
use candor_store::accounts::NewServerAccount;
use candor_store::messages::{Inserted, NewMessage};
use candor_store::tasks::TaskKind;

mod common;

struct Mailbox {
    store: Store,
    inbox: i64,
    archive: i64,
    junk: i64,
    _dir: tempfile::TempDir,
}

fn message(account_id: i64, folder_id: i64, uid: i64, body: &str) -> NewMessage {
    NewMessage {
        account_id,
        folder_id,
        uid: Some(uid),
        pop3_uidl: None,
        message_id_header: Some(format!("{body}@test")),
        in_reply_to: None,
        references: None,
        subject: body.into(),
        sent_at: Some(1_800_000_000),
        received_at: 1_800_000_000,
        is_seen: false,
        is_flagged: false,
        is_answered: false,
        is_draft: false,
        addresses: Vec::new(),
        text_plain: Some(body.into()),
        text_html: None,
        attachments: Vec::new(),
        parse_error: None,
        raw: format!("Subject: {body}\r\n\r\n{body}\r\n").into_bytes(),
        prepared_source: None,
    }
}

fn mailbox() -> (Mailbox, i64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = common::open_store(dir.path(), "tasks test");
    let account = store
        .insert_server_account(&NewServerAccount {
            name: "Work".into(),
            email: "me@test".into(),
            protocol: "imap".into(),
            host: "localhost".into(),
            port: 993,
            security: "tls".into(),
            username: "me".into(),
            pinned_certificate_pem: None,
            pop3_delete_after_days: None,
            pop3_delete_when_deleted_here: false,
            outgoing: None,
        })
        .expect("account");
    let inbox = store
        .upsert_folder(account, "INBOX", Some("/"), Some("inbox"), true)
        .expect("inbox");
    let archive = store
        .upsert_folder(account, "Archive", Some("/"), Some("archive"), true)
        .expect("archive");
    let junk = store
        .upsert_folder(account, "Junk", Some("/"), Some("junk"), true)
        .expect("junk");
    let Inserted::New(id) = store
        .insert_message(&message(account, inbox, 7, "hello"))
        .expect("insert")
    else {
        panic!("a new message");
    };
    (
        Mailbox {
            store,
            inbox,
            archive,
            junk,
            _dir: dir,
        },
        id,
    )
}

fn uid_and_folder(store: &Store, id: i64) -> (Option<i64>, Option<String>) {
    let view = store.message_view(id).expect("view").expect("exists");
    let uid = store
        .known_messages(
            store
                .find_folder(view.account_id, view.folder.as_deref().unwrap_or(""))
                .expect("folder")
                .expect("folder"),
        )
        .expect("known")
        .into_iter()
        .find(|k| k.message_id == id)
        .map(|k| i64::from(k.uid));
    (uid, view.folder)
}

#[test]
fn a_moved_message_is_held_at_its_old_address_until_the_server_moves_it() {
    let (mut m, id) = mailbox();
    assert_eq!(m.store.queue_move(&[id], m.archive).expect("move"), 1);
    assert_eq!(
        uid_and_folder(&m.store, id),
        (None, Some("Archive".into())),
        "here at once, its new UID unknown"
    );
    assert_eq!(
        m.store.pending_source_uids(m.inbox).expect("held"),
        [7].into(),
        "the Inbox's UID 7 is not new mail while the move is pending"
    );
    let account = m.store.account_ids().expect("ids")[0];
    let due = m.store.due_tasks(account).expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].kind, TaskKind::Move);
    assert_eq!(
        (
            due[0].folder.as_deref(),
            due[0].uid,
            due[0].target_folder.as_deref()
        ),
        (Some("INBOX"), Some(7), Some("Archive"))
    );

    // Moved on before the server acted: still one move, from where the
    // server has it to where the user wants it.
    m.store.queue_move(&[id], m.junk).expect("move again");
    let due = m.store.due_tasks(account).expect("due");
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].target_folder.as_deref(), Some("Junk"));

    m.store.finish_task(due[0].id).expect("done");
    assert!(
        m.store
            .pending_source_uids(m.inbox)
            .expect("held")
            .is_empty()
    );

    // The server's copy in Junk arrives under UID 3: the local copy takes it.
    let outcome = m
        .store
        .insert_message(&message(account, m.junk, 3, "hello"))
        .expect("insert");
    assert_eq!(outcome, Inserted::Duplicate(id), "no twin");
    assert_eq!(uid_and_folder(&m.store, id), (Some(3), Some("Junk".into())));
}

#[test]
fn moving_back_home_cancels_the_move_and_a_refused_move_is_undone() {
    let (mut m, id) = mailbox();
    let account = m.store.account_ids().expect("ids")[0];
    m.store.queue_move(&[id], m.archive).expect("move");
    m.store.queue_move(&[id], m.inbox).expect("move back");
    assert!(m.store.due_tasks(account).expect("due").is_empty());
    assert_eq!(
        uid_and_folder(&m.store, id),
        (Some(7), Some("INBOX".into())),
        "back where it was, with its UID"
    );

    m.store.queue_move(&[id], m.archive).expect("move");
    let task = m.store.due_tasks(account).expect("due")[0].id;
    m.store
        .fail_task(task, "NO [TRYCREATE] Mailbox doesn't exist")
        .expect("fail");
    assert_eq!(
        uid_and_folder(&m.store, id),
        (Some(7), Some("INBOX".into())),
        "the server refused, so the message is where the server has it"
    );
    let open = m.store.open_tasks(None).expect("open");
    assert_eq!(open[0].state, "failed");
    assert!(
        open[0]
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("TRYCREATE")
    );
}

#[test]
fn deleting_a_message_whose_move_is_pending_deletes_it_where_the_server_has_it() {
    let (mut m, id) = mailbox();
    let account = m.store.account_ids().expect("ids")[0];
    m.store.queue_move(&[id], m.archive).expect("move");
    assert_eq!(m.store.queue_delete(&[id]).expect("delete"), 1);
    assert!(m.store.message_view(id).expect("view").is_none());
    let due = m.store.due_tasks(account).expect("due");
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].kind, TaskKind::Delete);
    assert_eq!(
        (due[0].folder.as_deref(), due[0].uid),
        (Some("INBOX"), Some(7))
    );
}

#[test]
fn a_newer_flag_change_replaces_an_older_one_of_the_same_flags() {
    let (mut m, id) = mailbox();
    let account = m.store.account_ids().expect("ids")[0];
    m.store.queue_flags(&[id], Some(true), None).expect("read");
    m.store
        .queue_flags(&[id], Some(false), None)
        .expect("unread");
    m.store.queue_flags(&[id], None, Some(true)).expect("flag");
    let due = m.store.due_tasks(account).expect("due");
    let flags: Vec<_> = due.iter().map(|t| (t.seen, t.flagged)).collect();
    assert_eq!(flags, [(Some(false), None), (None, Some(true))]);
    assert_eq!(
        m.store
            .messages_with_pending_flags(m.inbox)
            .expect("pending"),
        [id].into(),
        "the sync must not overwrite these flags with the server's older ones"
    );
}
