//! Email address syntax, checked with the `email_address` crate (a maintained
//! RFC 5322/6531 addr-spec parser) rather than a home-made regular expression.

use std::str::FromStr;

/// Why a string is not an email address, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{input}\" is not a valid email address ({reason})")]
pub struct AddressError {
    pub input: String,
    pub reason: String,
}

/// Checks one bare address (`name@example.com`, no display name) and returns it
/// trimmed. Single-label domains (`candidate@test`) are accepted: intranets and
/// test servers use them.
pub fn parse_address(input: &str) -> Result<String, AddressError> {
    let trimmed = input.trim();
    let fail = |reason: &str| AddressError {
        input: trimmed.to_owned(),
        reason: reason.to_owned(),
    };
    if trimmed.is_empty() {
        return Err(fail("it is empty"));
    }
    if trimmed.contains('<') || trimmed.contains('>') {
        return Err(fail(
            "enter the address alone, without a name or angle brackets",
        ));
    }
    if !trimmed.contains('@') {
        return Err(fail("it has no @"));
    }
    email_address::EmailAddress::from_str(trimmed).map_err(|e| fail(&e.to_string()))?;
    Ok(trimmed.to_owned())
}

/// The form used to match addresses: mail systems treat the domain without
/// case, and in practice mailboxes too, so matching is case-insensitive.
pub fn normalize_address(address: &str) -> String {
    address.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_and_international_addresses() {
        for ok in [
            "anna.kowalska@example.pl",
            "jan+recruiting@example.com",
            "candidate@test",
            "李明@例子.中国",
            "  padded@example.com  ",
        ] {
            assert!(
                parse_address(ok).is_ok(),
                "{ok} is a valid address and must be accepted"
            );
        }
        assert_eq!(
            parse_address("  padded@example.com ").as_deref(),
            Ok("padded@example.com")
        );
    }

    #[test]
    fn rejects_what_cannot_receive_mail_with_a_reason() {
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.com",
            "an na@example.com",
            "Anna <anna@example.com>",
            "a@@b.com",
        ] {
            let err = parse_address(bad).expect_err(bad);
            assert!(
                err.to_string().contains("not a valid email address"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn normalization_ignores_case_and_whitespace() {
        assert_eq!(
            normalize_address(" Anna.K@Example.PL "),
            "anna.k@example.pl"
        );
    }
}
