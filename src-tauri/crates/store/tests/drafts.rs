//! Drafts outlive the form, the app and the process: saved, replaced by the
//! next save of the same place, listed newest first, deleted once sent.

use candor_store::drafts::DraftFields;

mod common;

#[test]
fn a_draft_is_kept_per_place_until_it_is_deleted() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fields = |body: &str| DraftFields {
        account: "Work".into(),
        to: "anna@example.pl".into(),
        body: body.into(),
        ..DraftFields::default()
    };
    {
        let mut store = common::open_store(tmp.path(), "drafts test");
        store
            .save_draft("record:7", &fields("First words"))
            .expect("save");
        store
            .save_draft("reply:40", &fields("Thanks!"))
            .expect("save");
        store
            .save_draft("record:7", &fields("First words, and more"))
            .expect("save again");
    }
    // Reopened, as after a crash or a restart.
    let mut store = common::open_store(tmp.path(), "drafts test");
    let draft = store.draft("record:7").expect("read").expect("kept");
    assert_eq!(
        draft.fields.body, "First words, and more",
        "the last save wins"
    );
    assert_eq!(draft.fields.to, "anna@example.pl");
    assert_eq!(store.drafts().expect("list").len(), 2, "one per place");

    assert!(store.delete_draft("record:7").expect("delete"));
    assert!(store.draft("record:7").expect("read").is_none());
    assert!(!store.delete_draft("record:7").expect("delete again"));
    assert_eq!(store.drafts().expect("list")[0].context, "reply:40");
}
