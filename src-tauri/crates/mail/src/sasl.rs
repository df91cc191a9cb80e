//! SASL for OAuth 2.0 access tokens: XOAUTH2 (Google's and Microsoft's
//! mechanism) and OAUTHBEARER (RFC 7628), for IMAP and SMTP.
//!
//! A server that refuses a token may first send an error challenge (base64
//! JSON such as `{"status":"401","schemes":"bearer","scope":"..."}`); the
//! client must answer it (XOAUTH2: an empty response; OAUTHBEARER: a single
//! 0x01) before the server ends the exchange with its refusal, or the
//! connection hangs. The JSON is kept for the error message. Tokens never
//! appear in errors or logs.

use std::sync::{Arc, Mutex, PoisonError};

use base64::Engine as _;

use crate::net::AuthMechanism;

/// The SASL mechanism's name, for `AUTHENTICATE` and `AUTH`.
pub fn mechanism_name(mechanism: AuthMechanism) -> &'static str {
    match mechanism {
        AuthMechanism::OAuthBearer => "OAUTHBEARER",
        AuthMechanism::XOAuth2 | AuthMechanism::Password => "XOAUTH2",
    }
}

/// The client's first message (not yet base64): for XOAUTH2
/// `user=U\x01auth=Bearer T\x01\x01`; for OAUTHBEARER the GS2 header, host,
/// port and token (RFC 7628 §3.1).
pub fn initial_response(
    mechanism: AuthMechanism,
    user: &str,
    host: &str,
    port: u16,
    token: &str,
) -> zeroize::Zeroizing<Vec<u8>> {
    let text = match mechanism {
        AuthMechanism::OAuthBearer => {
            // RFC 5801: "," and "=" in the authzid are escaped.
            let user = user.replace('=', "=3D").replace(',', "=2C");
            format!("n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01")
        }
        _ => format!("user={user}\x01auth=Bearer {token}\x01\x01"),
    };
    zeroize::Zeroizing::new(text.into_bytes())
}

/// The client's answer to an error challenge: XOAUTH2 an empty response,
/// OAUTHBEARER a single 0x01 (RFC 7628 §3.2.3).
pub fn error_acknowledgement(mechanism: AuthMechanism) -> &'static [u8] {
    match mechanism {
        AuthMechanism::OAuthBearer => b"\x01",
        _ => b"",
    }
}

/// What a server's error challenge said, in a few words without secrets:
/// `status 401, scope https://mail.google.com/`. None when it is not JSON.
pub fn describe_error_challenge(decoded: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(decoded).ok()?;
    let object = value.as_object()?;
    let mut parts = Vec::new();
    for key in ["status", "scope", "schemes"] {
        if let Some(v) = object.get(key) {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            parts.push(format!("{key} {text}"));
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Base64 (RFC 4648, one line) of a SASL message.
pub fn encode(raw: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(raw)
}

/// Decodes a server challenge; None when it is not base64.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
}

/// An async-imap authenticator: the initial response at the first
/// challenge (async-imap sends `AUTHENTICATE X` and waits for `+`), then the
/// acknowledgement of an error challenge, whose JSON it keeps.
pub(crate) struct OAuthAuthenticator {
    mechanism: AuthMechanism,
    initial: Option<zeroize::Zeroizing<Vec<u8>>>,
    pub(crate) error_challenge: Arc<Mutex<Option<String>>>,
}

impl OAuthAuthenticator {
    pub(crate) fn new(mechanism: AuthMechanism, initial: zeroize::Zeroizing<Vec<u8>>) -> Self {
        Self {
            mechanism,
            initial: Some(initial),
            error_challenge: Arc::default(),
        }
    }
}

impl async_imap::Authenticator for OAuthAuthenticator {
    type Response = Vec<u8>;

    fn process(&mut self, challenge: &[u8]) -> Vec<u8> {
        if let Some(initial) = self.initial.take() {
            return initial.to_vec();
        }
        let said = describe_error_challenge(challenge)
            .unwrap_or_else(|| "the server refused the token".to_owned());
        *self
            .error_challenge
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(said);
        error_acknowledgement(self.mechanism).to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors from Microsoft's and Google's documentation (see
    // shared/notes/microsoft-graph-and-oauth.md §14).
    #[test]
    fn xoauth2_matches_the_providers_examples() {
        let ms = initial_response(
            AuthMechanism::XOAuth2,
            "test@contoso.onmicrosoft.com",
            "outlook.office365.com",
            993,
            "EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCclRC3EoAA",
        );
        assert_eq!(
            encode(&ms),
            "dXNlcj10ZXN0QGNvbnRvc28ub25taWNyb3NvZnQuY29tAWF1dGg9QmVhcmVyIEV3QkFBbDNCQUFVRkZwVUFvN0ozVmUwYmpMQldaV0NjbFJDM0VvQUEBAQ=="
        );
        let google = initial_response(
            AuthMechanism::XOAuth2,
            "someuser@example.com",
            "imap.gmail.com",
            993,
            "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg",
        );
        assert_eq!(
            encode(&google),
            "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="
        );
    }

    #[test]
    fn oauthbearer_follows_rfc_7628() {
        let raw = initial_response(
            AuthMechanism::OAuthBearer,
            "user@example.com",
            "server.example.com",
            143,
            "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==",
        );
        assert_eq!(
            String::from_utf8_lossy(&raw),
            "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
        assert_eq!(error_acknowledgement(AuthMechanism::OAuthBearer), b"\x01");
        assert_eq!(error_acknowledgement(AuthMechanism::XOAuth2), b"");
    }

    #[test]
    fn error_challenges_are_read_as_json_not_compared_as_text() {
        // Google's documented challenge decodes to "bearer mac".
        let challenge = encode(
            br#"{"status":"401","schemes":"bearer mac","scope":"https://mail.google.com/"}"#,
        );
        let decoded = decode(&challenge).expect("base64");
        assert_eq!(
            describe_error_challenge(&decoded).as_deref(),
            Some("status 401, scope https://mail.google.com/, schemes bearer mac")
        );
        assert_eq!(describe_error_challenge(b"not json"), None);
    }
}
