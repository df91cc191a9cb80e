//! The per-sender "always load remote content" list: matched without case,
//! kept across restarts, removable.

mod common;

#[test]
fn remote_content_senders_are_listed_until_forgotten() {
    let tmp = tempfile::tempdir().expect("tempdir");
    {
        let mut store = common::open_store(tmp.path(), "remote content test");
        assert!(
            !store
                .remote_content_allowed("news@example.com")
                .expect("read"),
            "nobody is on the list at first"
        );
        assert!(
            store
                .allow_remote_content(" News@Example.COM ")
                .expect("allow")
        );
        assert!(
            !store
                .allow_remote_content("news@example.com")
                .expect("allow again"),
            "the same sender in another case is already there"
        );
        assert!(
            store
                .allow_remote_content("jobs@example.pl")
                .expect("allow")
        );
        assert!(
            store.allow_remote_content("   ").is_err(),
            "the schema refuses an empty address"
        );
    }
    // Reopened, as after a restart.
    let mut store = common::open_store(tmp.path(), "remote content test");
    for spelling in ["news@example.com", "NEWS@example.com", " news@EXAMPLE.com"] {
        assert!(
            store.remote_content_allowed(spelling).expect("read"),
            "{spelling} is the listed sender whatever its case"
        );
    }
    assert!(
        !store
            .remote_content_allowed("news+jobs@example.com")
            .expect("read"),
        "a tagged address is another sender"
    );
    let listed: Vec<String> = store
        .remote_content_senders()
        .expect("list")
        .into_iter()
        .map(|s| s.address)
        .collect();
    assert_eq!(listed, ["jobs@example.pl", "news@example.com"]);

    assert!(
        store
            .forget_remote_content("NEWS@example.com")
            .expect("forget")
    );
    assert!(
        !store
            .remote_content_allowed("news@example.com")
            .expect("read")
    );
    assert!(
        !store
            .forget_remote_content("news@example.com")
            .expect("forget again"),
        "forgetting twice finds nothing"
    );
    assert_eq!(store.remote_content_senders().expect("list").len(), 1);
}
