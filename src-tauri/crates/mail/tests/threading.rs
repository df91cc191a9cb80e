//! Threading: what must hold for a recruiter's conversations.

use std::collections::{BTreeSet, HashSet};

use candor_mail::threading::{SubjectMerge, Thread, ThreadInput, thread};

fn msg(id: Option<&str>, refs: &[&str], subject: &str, date: i64, people: &[&str]) -> ThreadInput {
    ThreadInput {
        message_id: id.map(str::to_owned),
        references: refs.iter().map(|r| (*r).to_owned()).collect(),
        in_reply_to: Vec::new(),
        subject: subject.to_owned(),
        date,
        participants: people.iter().map(|p| (*p).to_owned()).collect(),
    }
}

const ME: &str = "recruiter@agency.example";

fn product() -> SubjectMerge {
    SubjectMerge::RepliesSharingACorrespondent {
        own_addresses: HashSet::from([ME.to_owned()]),
    }
}

/// Threads as sets of message indices, for comparisons that ignore order.
fn groups(threads: &[Thread]) -> BTreeSet<BTreeSet<usize>> {
    threads
        .iter()
        .map(|t| t.message_indices().collect())
        .collect()
}

fn set(items: &[&[usize]]) -> BTreeSet<BTreeSet<usize>> {
    items.iter().map(|g| g.iter().copied().collect()).collect()
}

#[test]
fn a_reply_chain_across_inbox_and_sent_is_one_conversation_in_order() {
    let messages = vec![
        msg(
            Some("c2@cand"),
            &["c1@cand", "r1@agency"],
            "Re: Re: Backend role",
            300,
            &[ME, "wei@cand.example"],
        ),
        msg(
            Some("r1@agency"),
            &["c1@cand"],
            "Re: Backend role",
            200,
            &[ME, "wei@cand.example"],
        ),
        msg(
            Some("c1@cand"),
            &[],
            "Backend role",
            100,
            &[ME, "wei@cand.example"],
        ),
    ];
    let threads = thread(&messages, &product());
    assert_eq!(
        threads.len(),
        1,
        "the candidate's mails and the recruiter's sent reply form one thread"
    );
    assert_eq!(
        threads[0].messages,
        vec![(2, None), (1, Some(2)), (0, Some(1))],
        "parents come before children, each reply under what it answers"
    );
}

#[test]
fn in_reply_to_is_used_when_references_is_missing_and_angle_brackets_do_not_matter() {
    let mut reply = msg(Some("<b@x>"), &[], "Re: Offer", 20, &[ME, "eva@x.example"]);
    reply.in_reply_to = vec!["<a@x>".into()];
    let messages = vec![
        msg(Some("a@x"), &[], "Offer", 10, &[ME, "eva@x.example"]),
        reply,
    ];
    assert_eq!(groups(&thread(&messages, &product())), set(&[&[0, 1]]));
}

#[test]
fn a_missing_middle_message_does_not_split_the_conversation() {
    // The recruiter holds the first and third message; the second was deleted.
    let messages = vec![
        msg(Some("one@x"), &[], "Role", 1, &[ME, "a@x.example"]),
        msg(
            Some("three@x"),
            &["one@x", "two@x"],
            "Re: Role",
            3,
            &[ME, "a@x.example"],
        ),
    ];
    let threads = thread(&messages, &product());
    assert_eq!(groups(&threads), set(&[&[0, 1]]));
    assert_eq!(
        threads[0].messages,
        vec![(0, None), (1, Some(0))],
        "the gap is skipped, not shown as a parent"
    );
}

#[test]
fn duplicate_message_ids_keep_both_messages() {
    // The same message in Inbox and in an "All mail" folder, or a broken mailer.
    let messages = vec![
        msg(Some("dup@x"), &[], "Hello", 1, &[ME]),
        msg(Some("dup@x"), &[], "Hello", 1, &[ME]),
        msg(Some("reply@x"), &["dup@x"], "Re: Hello", 2, &[ME]),
    ];
    let threads = thread(&messages, &product());
    let all: BTreeSet<usize> = threads.iter().flat_map(|t| t.message_indices()).collect();
    assert_eq!(
        all,
        BTreeSet::from([0, 1, 2]),
        "no message is lost to a duplicate id"
    );
    assert!(
        threads
            .iter()
            .any(|t| t.message_indices().collect::<BTreeSet<_>>() == BTreeSet::from([0, 2])),
        "the reply attaches to the first holder of the id: {threads:?}"
    );
}

#[test]
fn reference_loops_terminate_and_lose_nothing() {
    let messages = vec![
        msg(Some("a@x"), &["b@x"], "Loop", 1, &[ME]),
        msg(Some("b@x"), &["a@x"], "Re: Loop", 2, &[ME]),
        msg(Some("c@x"), &["c@x", "a@x"], "Re: Loop", 3, &[ME]),
    ];
    let threads = thread(&messages, &product());
    let count: usize = threads.iter().map(|t| t.messages.len()).sum();
    assert_eq!(count, 3, "every message appears exactly once: {threads:?}");
    assert_eq!(groups(&threads), set(&[&[0, 1, 2]]));
}

#[test]
fn messages_without_ids_or_references_stand_alone() {
    let messages = vec![
        msg(None, &[], "Quick question", 1, &[ME, "x@y.example"]),
        msg(None, &[], "Other", 2, &[ME]),
    ];
    assert_eq!(groups(&thread(&messages, &product())), set(&[&[0], &[1]]));
}

#[test]
fn the_same_subject_sent_to_different_candidates_stays_apart() {
    // Fifty candidates get "Interview invitation"; two of them answer with
    // clients that drop the References header.
    let mut messages = Vec::new();
    for (i, who) in ["anna@a.example", "ben@b.example", "chen@c.example"]
        .iter()
        .enumerate()
    {
        messages.push(msg(
            Some(&format!("inv{i}@agency")),
            &[],
            "Interview invitation",
            10 + i as i64,
            &[ME, who],
        ));
    }
    messages.push(msg(
        Some("r-ben@b"),
        &[],
        "RE: Interview invitation",
        50,
        &[ME, "ben@b.example"],
    ));
    messages.push(msg(
        Some("r-chen@c"),
        &[],
        "回复：Interview invitation",
        60,
        &[ME, "chen@c.example"],
    ));

    let threads = thread(&messages, &product());
    assert_eq!(
        groups(&threads),
        set(&[&[0], &[1, 3], &[2, 4]]),
        "a reply without references joins only the invitation sent to the same person"
    );

    let rfc = thread(&messages, &SubjectMerge::Rfc5256);
    assert_eq!(
        rfc.len(),
        1,
        "RFC 5256 merges them all by subject, which is why the product does not use it"
    );
}

#[test]
fn a_new_message_with_an_old_subject_does_not_join_by_subject() {
    // No reply prefix: a fresh mail that happens to reuse a subject.
    let messages = vec![
        msg(
            Some("a@x"),
            &[],
            "Weekly shortlist",
            1,
            &[ME, "hm@client.example"],
        ),
        msg(
            Some("b@x"),
            &[],
            "Weekly shortlist",
            700_000,
            &[ME, "hm@client.example"],
        ),
    ];
    assert_eq!(groups(&thread(&messages, &product())), set(&[&[0], &[1]]));
}

#[test]
fn rfc_mode_merges_roots_by_base_subject_as_rfc_5256_says() {
    let messages = vec![
        msg(Some("a@x"), &[], "Release 1.0", 1, &[]),
        msg(Some("b@x"), &[], "Re: Release 1.0", 2, &[]),
        msg(Some("c@x"), &[], "Release 1.0", 3, &[]),
        msg(Some("d@x"), &[], "Something else", 4, &[]),
    ];
    let threads = thread(&messages, &SubjectMerge::Rfc5256);
    assert_eq!(groups(&threads), set(&[&[0, 1, 2], &[3]]));
    let merged = threads
        .iter()
        .find(|t| t.messages.len() == 3)
        .expect("merged thread");
    assert!(
        merged.messages.iter().any(|&(m, p)| m == 1 && p == Some(0)),
        "the Re: message becomes a child of the original: {merged:?}"
    );
}

#[test]
fn threading_a_large_mailbox_is_linear_enough() {
    // 20,000 messages in 5,000 four-message conversations: must finish
    // promptly (a quadratic step would take minutes). Not a timing assertion;
    // the benchmark reports figures.
    let mut messages = Vec::new();
    for t in 0..5_000 {
        let root = format!("t{t}-0@x");
        messages.push(msg(Some(&root), &[], &format!("Role {t}"), t, &[ME]));
        let mut refs = vec![root];
        for k in 1..4 {
            let id = format!("t{t}-{k}@x");
            let r: Vec<&str> = refs.iter().map(String::as_str).collect();
            messages.push(msg(Some(&id), &r, &format!("Re: Role {t}"), t + k, &[ME]));
            refs.push(id);
        }
    }
    let threads = thread(&messages, &product());
    assert_eq!(threads.len(), 5_000);
    assert!(threads.iter().all(|t| t.messages.len() == 4));
}

/// The user's split and merge, applied on top of what references say.
mod user_threading {
    use super::*;
    use candor_mail::threading::regroup;

    fn regrouped(messages: &[ThreadInput], pinned: &[Option<i64>]) -> BTreeSet<BTreeSet<usize>> {
        regroup(&thread(messages, &product()), pinned)
            .into_iter()
            .map(|g| g.into_iter().collect())
            .collect()
    }

    /// Two conversations: 0 <- 1 <- 2 (a question and its answers), and 3 <- 4.
    fn two_conversations() -> Vec<ThreadInput> {
        vec![
            msg(Some("a@x"), &[], "Offer", 100, &[ME, "anna@x"]),
            msg(Some("b@x"), &["a@x"], "Re: Offer", 200, &[ME, "anna@x"]),
            msg(
                Some("c@x"),
                &["a@x", "b@x"],
                "Re: Offer",
                300,
                &[ME, "anna@x"],
            ),
            msg(Some("d@x"), &[], "Interview", 150, &[ME, "ben@x"]),
            msg(Some("e@x"), &["d@x"], "Re: Interview", 250, &[ME, "ben@x"]),
        ]
    }

    #[test]
    fn nothing_pinned_changes_nothing() {
        let messages = two_conversations();
        assert_eq!(
            regrouped(&messages, &[None; 5]),
            groups(&thread(&messages, &product()))
        );
    }

    #[test]
    fn a_split_message_takes_its_replies_along() {
        let pinned = [None, Some(1), None, None, None];
        assert_eq!(
            regrouped(&two_conversations(), &pinned),
            set(&[&[0], &[1, 2], &[3, 4]]),
            "1 was split off; 2 answers 1, so it follows"
        );
    }

    #[test]
    fn merged_conversations_stay_one_and_new_replies_follow() {
        // The user merged both conversations (every message then pinned to
        // one group); 5 arrived later, answering 4.
        let mut messages = two_conversations();
        messages.push(msg(
            Some("f@x"),
            &["d@x", "e@x"],
            "Re: Interview",
            400,
            &[ME, "ben@x"],
        ));
        let pinned = [Some(0), Some(0), Some(0), Some(0), Some(0), None];
        assert_eq!(regrouped(&messages, &pinned), set(&[&[0, 1, 2, 3, 4, 5]]));
    }
}
