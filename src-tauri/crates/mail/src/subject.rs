//! Base subjects (RFC 5256 §2.1), extended with the reply and forward prefixes
//! of the languages recruiters write in, so "Re: Offer", "AW: Offer",
//! "Odp: Offer" and "回复：Offer" all reduce to "Offer".

/// Reply and forward markers, compared without case. Besides English: German
/// (AW, WG), Scandinavian (SV, VS), Polish (Odp, PD), Dutch (Antw, Doorst),
/// French (TR), Italian (R, RIF, I), Spanish (RV), Finnish (VL), Chinese
/// (回复, 答复, 转发, 回覆, 轉寄) and Japanese (返信, 転送).
const PREFIXES: &[&str] = &[
    "re", "fw", "fwd", "aw", "wg", "sv", "vs", "vb", "odp", "pd", "antw", "doorst", "tr", "rif",
    "rv", "vl", "r", "i", "回复", "答复", "转发", "回覆", "轉寄", "转", "返信", "転送",
];

/// Reply-only markers: a subject that starts with one of these is a reply.
const REPLY_PREFIXES: &[&str] = &[
    "re", "aw", "sv", "vs", "odp", "antw", "r", "rif", "回复", "答复", "回覆", "返信",
];

/// The subject with every leading reply/forward prefix, `[list-tag]` blob,
/// trailing "(fwd)" and extra white space removed, in lower case: what two
/// messages of one conversation have in common.
pub fn base_subject(subject: &str) -> String {
    strip(subject).0
}

/// True when the subject carries a reply prefix ("Re:", "AW:", "回复：" ...).
pub fn is_reply(subject: &str) -> bool {
    strip(subject).1
}

/// True when anything was stripped to reach the base subject: a reply or
/// forward prefix, a list tag or a "(fwd)" trailer (RFC 5256's "reply or forward").
pub fn is_reply_or_forward(subject: &str) -> bool {
    let folded = subject
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    strip(subject).0 != folded.trim()
}

fn strip(subject: &str) -> (String, bool) {
    // Fold white space runs to one space, and lower-case for comparison.
    let mut s: String = subject
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let mut replied = false;
    loop {
        let before = s.len();
        // Trailing "(fwd)" (RFC 5256 subj-trailer).
        while let Some(rest) = s.strip_suffix("(fwd)") {
            s = rest.trim_end().to_owned();
        }
        // Leading "[blob]" tags, when something remains after them.
        while s.starts_with('[') {
            match s.find(']') {
                Some(end) if !s[end + 1..].trim().is_empty() => {
                    s = s[end + 1..].trim_start().to_owned()
                }
                _ => break,
            }
        }
        if let Some((rest, reply)) = strip_prefix(&s) {
            replied |= reply;
            s = rest;
        }
        if s.len() == before {
            break;
        }
    }
    (s.trim().to_owned(), replied)
}

/// Strips one "prefix[n]:" / "prefix:" (ASCII or full-width colon, optional
/// "[2]" or "^2" counter) from the start, returning the rest and whether it
/// was a reply marker.
fn strip_prefix(s: &str) -> Option<(String, bool)> {
    for prefix in PREFIXES {
        let Some(after) = s.strip_prefix(prefix) else {
            continue;
        };
        let after = skip_counter(after).trim_start();
        let rest = after.strip_prefix(':').or_else(|| after.strip_prefix('：'));
        if let Some(rest) = rest {
            return Some((
                rest.trim_start().to_owned(),
                REPLY_PREFIXES.contains(prefix),
            ));
        }
    }
    None
}

/// Skips a reply counter such as "[2]", "(2)" or "^2" after a prefix.
fn skip_counter(s: &str) -> &str {
    for (open, close) in [('[', Some(']')), ('(', Some(')')), ('^', None)] {
        let Some(rest) = s.strip_prefix(open) else {
            continue;
        };
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            continue;
        }
        match close {
            None => return &rest[digits..],
            Some(c) if rest[digits..].starts_with(c) => return &rest[digits + c.len_utf8()..],
            Some(_) => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_of_every_supported_language_reduce_to_the_base() {
        // (subject, base subject, is a reply, had anything stripped)
        let cases = [
            (
                "Re: Interview on Tuesday",
                "interview on tuesday",
                true,
                true,
            ),
            (
                "RE: RE: Interview on Tuesday",
                "interview on tuesday",
                true,
                true,
            ),
            (
                "Fwd: Interview on Tuesday",
                "interview on tuesday",
                false,
                true,
            ),
            (
                "FW: Re: Interview on Tuesday",
                "interview on tuesday",
                true,
                true,
            ),
            ("AW: WG: Angebot", "angebot", true, true),
            ("SV: VS: Tilbud", "tilbud", true, true),
            ("Odp: PD: Oferta pracy", "oferta pracy", true, true),
            ("回复：面试安排", "面试安排", true, true),
            ("答复: 面试安排", "面试安排", true, true),
            ("转发：面试安排", "面试安排", false, true),
            ("Re[2]: Offer letter", "offer letter", true, true),
            ("Re^3: Offer letter", "offer letter", true, true),
            ("[rust-jobs] Re: Senior role", "senior role", true, true),
            ("Offer letter (fwd)", "offer letter", false, true),
            ("  Offer\t letter  ", "offer letter", false, false),
        ];
        for (subject, base, reply, stripped) in cases {
            assert_eq!(base_subject(subject), base, "base subject of {subject:?}");
            assert_eq!(is_reply(subject), reply, "is {subject:?} a reply?");
            assert_eq!(
                is_reply_or_forward(subject),
                stripped,
                "was anything stripped from {subject:?}?"
            );
        }
    }

    #[test]
    fn words_that_merely_start_like_a_prefix_are_kept() {
        assert_eq!(
            base_subject("Reference check for Anna"),
            "reference check for anna"
        );
        assert_eq!(base_subject("Svar på annonsen"), "svar på annonsen");
        assert_eq!(base_subject("Request: CV"), "request: cv");
        assert_eq!(
            base_subject("[urgent]"),
            "[urgent]",
            "a subject that is only a tag keeps it"
        );
        assert!(!is_reply("Reference check"));
    }
}
