//! Conversation threading: the JWZ algorithm as RFC 5256 specifies it for
//! THREAD=REFERENCES, over any set of messages (several folders and accounts
//! at once, so the recruiter's own replies from Sent join the conversation).
//!
//! Message-IDs, References and In-Reply-To decide; duplicate Message-IDs and
//! reference loops are tolerated. Subjects decide only where references are
//! missing, and how far they may reach is the caller's choice
//! ([`SubjectMerge`]): RFC 5256 merges every root that shares a base subject,
//! which is right for comparing with a server's THREAD but wrong for a
//! recruiter, who sends the same "Interview invitation" to fifty people.

use std::collections::{HashMap, HashSet};

use crate::subject::{base_subject, is_reply_or_forward};

/// What threading needs to know about one message.
#[derive(Debug, Clone, Default)]
pub struct ThreadInput {
    /// The Message-ID, without angle brackets. `None` when the message has none.
    pub message_id: Option<String>,
    /// The References header's ids, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// The In-Reply-To header's ids (used when References is empty).
    pub in_reply_to: Vec<String>,
    pub subject: String,
    /// Sent date, Unix seconds.
    pub date: i64,
    /// Every address on the message (From, To, Cc), normalised.
    pub participants: Vec<String>,
}

/// How subjects may join messages that references did not.
#[derive(Debug, Clone)]
pub enum SubjectMerge {
    /// RFC 5256 step 5: roots with the same base subject are merged.
    Rfc5256,
    /// A message with no References and no In-Reply-To whose subject says it
    /// is a reply or forward joins the latest earlier conversation with the
    /// same base subject that shares a correspondent other than the user.
    RepliesSharingACorrespondent {
        /// The user's own addresses (normalised), which every conversation shares.
        own_addresses: HashSet<String>,
    },
}

/// One conversation: indices into the input, parents first, siblings by date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    /// `(message, parent)`: the parent is the nearest ancestor that is a
    /// message we have (references to mail we do not hold are skipped).
    pub messages: Vec<(usize, Option<usize>)>,
}

impl Thread {
    pub fn message_indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.messages.iter().map(|(m, _)| *m)
    }
}

#[derive(Debug, Default, Clone)]
struct Container {
    message: Option<usize>,
    parent: Option<usize>,
    children: Vec<usize>,
}

struct Forest<'a> {
    input: &'a [ThreadInput],
    nodes: Vec<Container>,
    by_id: HashMap<&'a str, usize>,
}

/// Groups `messages` into conversations.
pub fn thread(messages: &[ThreadInput], merge: &SubjectMerge) -> Vec<Thread> {
    let mut forest = Forest {
        input: messages,
        nodes: Vec::with_capacity(messages.len() * 2),
        by_id: HashMap::with_capacity(messages.len() * 2),
    };
    for index in 0..messages.len() {
        forest.link_message(index);
    }
    let roots: Vec<usize> = (0..forest.nodes.len())
        .filter(|&c| forest.nodes[c].parent.is_none())
        .collect();
    let mut roots = forest.prune(roots, true);
    forest.rebuild_parents(&roots);
    roots = match merge {
        SubjectMerge::Rfc5256 => forest.merge_rfc5256(roots),
        SubjectMerge::RepliesSharingACorrespondent { own_addresses } => {
            forest.merge_replies(roots, own_addresses)
        }
    };
    forest.sort_by_date(&mut roots);
    roots.iter().map(|&root| forest.flatten(root)).collect()
}

/// Applies the user's own threading (split and merge) to the computed
/// conversations. `pinned[i]` is the group the user put message `i` in, if
/// any. A pinned message goes to its group, whatever its references say;
/// every other message goes where its nearest ancestor went, or, with no
/// ancestor, starts a conversation of its own. So a message split off takes
/// the replies to it along, two merged conversations stay one, and new
/// replies follow the message they answer. Returns groups of input
/// indices, each in conversation order, in order of first appearance.
pub fn regroup(threads: &[Thread], pinned: &[Option<i64>]) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    enum Group {
        Pinned(i64),
        Tree(usize),
    }
    let mut order: Vec<Group> = Vec::new();
    let mut members: HashMap<Group, Vec<usize>> = HashMap::new();
    for (tree, thread) in threads.iter().enumerate() {
        let mut group_of: HashMap<usize, Group> = HashMap::with_capacity(thread.messages.len());
        for &(message, parent) in &thread.messages {
            let group = match (pinned.get(message).copied().flatten(), parent) {
                (Some(key), _) => Group::Pinned(key),
                // Parents come first in a thread's order.
                (None, Some(parent)) => group_of.get(&parent).copied().unwrap_or(Group::Tree(tree)),
                (None, None) => Group::Tree(tree),
            };
            group_of.insert(message, group);
            members
                .entry(group)
                .or_insert_with(|| {
                    order.push(group);
                    Vec::new()
                })
                .push(message);
        }
    }
    order
        .into_iter()
        .filter_map(|g| members.remove(&g))
        .collect()
}

fn clean_id(id: &str) -> &str {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
}

impl<'a> Forest<'a> {
    fn new_container(&mut self) -> usize {
        self.nodes.push(Container::default());
        self.nodes.len() - 1
    }

    fn container_for(&mut self, id: &'a str) -> usize {
        if let Some(&c) = self.by_id.get(id) {
            return c;
        }
        let c = self.new_container();
        self.by_id.insert(id, c);
        c
    }

    /// True when `ancestor` is `node` or above it.
    fn is_ancestor_or_self(&self, ancestor: usize, mut node: usize) -> bool {
        let mut steps = 0;
        loop {
            if node == ancestor {
                return true;
            }
            match self.nodes[node].parent {
                Some(p) => node = p,
                None => return false,
            }
            steps += 1;
            if steps > self.nodes.len() {
                // Cannot happen while links are only made between unrelated
                // nodes; refuse to loop forever if it ever does.
                return true;
            }
        }
    }

    fn unlink(&mut self, child: usize) {
        if let Some(p) = self.nodes[child].parent.take() {
            self.nodes[p].children.retain(|&c| c != child);
        }
    }

    fn link(&mut self, parent: usize, child: usize) {
        self.unlink(child);
        self.nodes[child].parent = Some(parent);
        self.nodes[parent].children.push(child);
    }

    /// RFC 5256 THREAD=REFERENCES step 1.
    fn link_message(&mut self, index: usize) {
        let input = self.input;
        let msg = &input[index];
        let own_id = msg
            .message_id
            .as_deref()
            .map(clean_id)
            .filter(|id| !id.is_empty());
        // 1A: the message's container; a duplicate Message-ID gets a fresh one.
        let own = match own_id {
            Some(id) => {
                let c = self.container_for(id);
                if self.nodes[c].message.is_some() {
                    self.new_container()
                } else {
                    c
                }
            }
            None => self.new_container(),
        };
        self.nodes[own].message = Some(index);

        // 1B: link the references in order, never creating a loop and never
        // moving a container that already has a parent.
        let refs: Vec<&str> = if msg.references.is_empty() {
            msg.in_reply_to
                .iter()
                .take(1)
                .map(|r| clean_id(r))
                .collect()
        } else {
            msg.references.iter().map(|r| clean_id(r)).collect()
        };
        let mut previous: Option<usize> = None;
        for id in refs
            .into_iter()
            .filter(|id| !id.is_empty() && Some(*id) != own_id)
        {
            let c = self.container_for(id);
            if let Some(p) = previous
                && self.nodes[c].parent.is_none()
                && !self.is_ancestor_or_self(c, p)
            {
                self.link(p, c);
            }
            previous = Some(c);
        }

        // 1C: the last reference is the parent (or none), replacing a parent
        // guessed from someone else's truncated References.
        match previous {
            Some(p) if !self.is_ancestor_or_self(own, p) => self.link(p, own),
            Some(_) => {}
            None => self.unlink(own),
        }
    }

    /// RFC 5256 step 3: drop empty placeholders and promote their children.
    fn prune(&mut self, list: Vec<usize>, at_root: bool) -> Vec<usize> {
        let mut out = Vec::with_capacity(list.len());
        for c in list {
            let children = std::mem::take(&mut self.nodes[c].children);
            let children = self.prune(children, false);
            if self.nodes[c].message.is_none() {
                if children.is_empty() {
                    continue;
                }
                if !at_root || children.len() == 1 {
                    out.extend(children);
                    continue;
                }
            }
            self.nodes[c].children = children;
            out.push(c);
        }
        out
    }

    fn rebuild_parents(&mut self, roots: &[usize]) {
        let mut stack: Vec<(usize, Option<usize>)> = roots.iter().map(|&r| (r, None)).collect();
        while let Some((c, parent)) = stack.pop() {
            self.nodes[c].parent = parent;
            for &child in &self.nodes[c].children {
                stack.push((child, Some(c)));
            }
        }
    }

    /// The subject a root stands for: its message's, or its first child's.
    fn root_subject(&self, c: usize) -> &'a str {
        let input = self.input;
        match self.nodes[c].message {
            Some(m) => &input[m].subject,
            None => self.nodes[c]
                .children
                .iter()
                .find_map(|&k| self.nodes[k].message.map(|m| input[m].subject.as_str()))
                .unwrap_or(""),
        }
    }

    /// RFC 5256 step 5: merge roots that share a base subject.
    fn merge_rfc5256(&mut self, roots: Vec<usize>) -> Vec<usize> {
        let mut table: HashMap<String, usize> = HashMap::new();
        for &c in &roots {
            let subject = self.root_subject(c);
            let base = base_subject(subject);
            if base.is_empty() {
                continue;
            }
            match table.get(&base) {
                None => {
                    table.insert(base, c);
                }
                Some(&old) => {
                    let old_is_dummy = self.nodes[old].message.is_none();
                    let new_is_dummy = self.nodes[c].message.is_none();
                    let old_is_reply = is_reply_or_forward(self.root_subject(old));
                    if (new_is_dummy && !old_is_dummy)
                        || (old_is_reply && !is_reply_or_forward(subject) && !old_is_dummy)
                    {
                        table.insert(base, c);
                    }
                }
            }
        }
        let mut removed: HashSet<usize> = HashSet::new();
        let mut extra: Vec<usize> = Vec::new();
        for &c in &roots {
            if removed.contains(&c) {
                continue;
            }
            let subject = self.root_subject(c);
            let base = base_subject(subject);
            let Some(&target) = table.get(&base) else {
                continue;
            };
            if target == c || removed.contains(&target) {
                continue;
            }
            let target_is_dummy = self.nodes[target].message.is_none();
            let c_is_dummy = self.nodes[c].message.is_none();
            if target_is_dummy && c_is_dummy {
                for child in std::mem::take(&mut self.nodes[c].children) {
                    self.nodes[child].parent = None;
                    self.link(target, child);
                }
                removed.insert(c);
            } else if target_is_dummy {
                self.link(target, c);
                removed.insert(c);
            } else if c_is_dummy {
                self.link(c, target);
                removed.insert(target);
                table.insert(base, c);
            } else if is_reply_or_forward(subject)
                && !is_reply_or_forward(self.root_subject(target))
            {
                self.link(target, c);
                removed.insert(c);
            } else {
                let dummy = self.new_container();
                self.link(dummy, target);
                self.link(dummy, c);
                removed.insert(target);
                removed.insert(c);
                extra.push(dummy);
                table.insert(base, dummy);
            }
        }
        roots
            .into_iter()
            .chain(extra)
            .filter(|c| !removed.contains(c) && self.nodes[*c].parent.is_none())
            .collect()
    }

    fn participants(&self, root: usize) -> HashSet<&'a str> {
        let input = self.input;
        let mut out = HashSet::new();
        let mut stack = vec![root];
        while let Some(c) = stack.pop() {
            if let Some(m) = self.nodes[c].message {
                out.extend(input[m].participants.iter().map(String::as_str));
            }
            stack.extend(self.nodes[c].children.iter().copied());
        }
        out
    }

    fn earliest_date(&self, c: usize) -> i64 {
        match self.nodes[c].message {
            Some(m) => self.input[m].date,
            None => self.nodes[c]
                .children
                .iter()
                .map(|&k| self.earliest_date(k))
                .min()
                .unwrap_or(0),
        }
    }

    /// The product's rule: only a reply that lost its references joins by subject.
    fn merge_replies(&mut self, roots: Vec<usize>, own: &HashSet<String>) -> Vec<usize> {
        let input = self.input;
        let mut by_base: HashMap<String, Vec<usize>> = HashMap::new();
        for &c in &roots {
            by_base
                .entry(base_subject(self.root_subject(c)))
                .or_default()
                .push(c);
        }
        let mut attached: HashSet<usize> = HashSet::new();
        for &c in &roots {
            let Some(m) = self.nodes[c].message else {
                continue;
            };
            let msg = &input[m];
            if !msg.references.is_empty()
                || !msg.in_reply_to.is_empty()
                || !is_reply_or_forward(&msg.subject)
            {
                continue;
            }
            let base = base_subject(&msg.subject);
            if base.is_empty() {
                continue;
            }
            let mine: HashSet<&str> = msg
                .participants
                .iter()
                .map(String::as_str)
                .filter(|a| !own.contains(*a))
                .collect();
            let candidates = by_base.get(&base).map(Vec::as_slice).unwrap_or_default();
            let target = candidates
                .iter()
                .copied()
                .filter(|&t| t != c && !attached.contains(&t) && !self.is_ancestor_or_self(c, t))
                .filter(|&t| self.earliest_date(t) <= msg.date)
                .filter(|&t| self.participants(t).iter().any(|p| mine.contains(p)))
                .max_by_key(|&t| self.earliest_date(t));
            if let Some(t) = target {
                self.link(t, c);
                attached.insert(c);
            }
        }
        roots
            .into_iter()
            .filter(|c| !attached.contains(c))
            .collect()
    }

    /// RFC 5256 step 4: siblings (and threads) by date, placeholders by their earliest child.
    fn sort_by_date(&mut self, list: &mut [usize]) {
        list.sort_by_key(|&c| (self.earliest_date(c), c));
        for &c in list.iter() {
            let mut children = std::mem::take(&mut self.nodes[c].children);
            self.sort_by_date(&mut children);
            self.nodes[c].children = children;
        }
    }

    fn flatten(&self, root: usize) -> Thread {
        let mut messages = Vec::new();
        let mut stack: Vec<(usize, Option<usize>)> = vec![(root, None)];
        while let Some((c, parent_message)) = stack.pop() {
            let here = self.nodes[c].message;
            if let Some(m) = here {
                messages.push((m, parent_message));
            }
            for &child in self.nodes[c].children.iter().rev() {
                stack.push((child, here.or(parent_message)));
            }
        }
        Thread { messages }
    }
}
