//! The interactive sign-in: an authorization URL with PKCE S256 and a random
//! `state`, a loopback listener on 127.0.0.1 with a port the system picks
//! (RFC 8252 §7.3), then the code redeemed for tokens.

use oauth2::{
    AuthorizationCode, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{OAuthError, Provider, ProviderConfig, Tokens, http, token_error, tokens_from};

/// A sign-in waiting for the browser: show [`PendingSignIn::authorization_url`]
/// to the user (or open it), then [`PendingSignIn::finish`].
pub struct PendingSignIn {
    config: ProviderConfig,
    listener: TcpListener,
    redirect_uri: String,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    authorization_url: String,
}

impl std::fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignIn")
            .field("provider", &self.config.provider)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

impl PendingSignIn {
    /// Opens the loopback listener and builds the authorization URL.
    /// `login_hint` pre-fills the account's address on the provider's page.
    pub async fn start(
        config: ProviderConfig,
        login_hint: Option<&str>,
    ) -> Result<Self, OAuthError> {
        let listener =
            TcpListener::bind(("127.0.0.1", 0))
                .await
                .map_err(|e| OAuthError::Protocol {
                    provider: config.provider.label(),
                    reason: format!("could not listen on 127.0.0.1 for the browser's answer ({e})"),
                })?;
        let port = listener
            .local_addr()
            .map_err(|e| OAuthError::Protocol {
                provider: config.provider.label(),
                reason: e.to_string(),
            })?
            .port();
        let redirect_uri = format!("http://127.0.0.1:{port}/");
        let client =
            config
                .client()?
                .set_redirect_uri(RedirectUrl::new(redirect_uri.clone()).map_err(|e| {
                    OAuthError::BadUrl {
                        what: "redirect",
                        reason: e.to_string(),
                    }
                })?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(config.sign_in_scopes().into_iter().map(Scope::new))
            .set_pkce_challenge(challenge);
        if let Some(hint) = login_hint {
            request = request.add_extra_param("login_hint", hint);
        }
        request = match config.provider {
            // A refresh token only comes with offline access, and reliably
            // only when the consent screen is shown.
            Provider::Google => request
                .add_extra_param("access_type", "offline")
                .add_extra_param("prompt", "consent"),
            Provider::Microsoft => request.add_extra_param("response_mode", "query"),
        };
        let (url, state) = request.url();
        Ok(Self {
            config,
            listener,
            redirect_uri,
            state,
            verifier,
            authorization_url: url.to_string(),
        })
    }

    /// The URL to open in the system browser.
    pub fn authorization_url(&self) -> &str {
        &self.authorization_url
    }

    /// The loopback address the browser comes back to.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits (up to `wait`) for the browser to come back, checks `state`,
    /// and redeems the code. The browser gets a short page saying what
    /// happened. A closed browser shows as [`OAuthError::TimedOut`].
    pub async fn finish(self, wait: std::time::Duration) -> Result<Tokens, OAuthError> {
        let provider = self.config.provider;
        let answer = tokio::time::timeout(wait, self.wait_for_redirect())
            .await
            .map_err(|_| OAuthError::TimedOut(wait.as_secs()))??;
        let (code, mut browser) = answer;
        let client = self.config.client()?.set_redirect_uri(
            RedirectUrl::new(self.redirect_uri.clone()).map_err(|e| OAuthError::BadUrl {
                what: "redirect",
                reason: e.to_string(),
            })?,
        );
        let result = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .set_pkce_verifier(self.verifier)
            .request_async(&http::send)
            .await
            .map_err(|e| token_error(provider, e))
            .map(|r| tokens_from(&r));
        let page = match &result {
            Ok(_) => "Signed in. You can close this window and return to Candor.".to_owned(),
            Err(e) => format!("Sign-in failed: {e} You can close this window."),
        };
        respond(&mut browser, if result.is_ok() { 200 } else { 400 }, &page).await;
        result
    }

    /// Accepts connections until one carries the redirect (code or error);
    /// anything else (a favicon request) gets a 404.
    async fn wait_for_redirect(
        &self,
    ) -> Result<(zeroize::Zeroizing<String>, TcpStream), OAuthError> {
        loop {
            let Ok((mut stream, _)) = self.listener.accept().await else {
                continue;
            };
            let Some(target) = read_request_target(&mut stream).await else {
                continue;
            };
            let Some(query) = target
                .strip_prefix("/?")
                .or_else(|| target.strip_prefix("?"))
            else {
                respond(&mut stream, 404, "Not found.").await;
                continue;
            };
            let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let get = |name: &str| {
                params
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            if get("state").as_deref() != Some(self.state.secret().as_str()) {
                respond(
                    &mut stream,
                    400,
                    "This answer does not belong to the sign-in Candor started. Start the sign-in again.",
                )
                .await;
                return Err(OAuthError::StateMismatch);
            }
            if let Some(error) = get("error") {
                let description = get("error_description");
                respond(
                    &mut stream,
                    400,
                    "The sign-in was not completed. You can close this window.",
                )
                .await;
                return Err(OAuthError::Denied { error, description });
            }
            let Some(code) = get("code") else {
                respond(
                    &mut stream,
                    400,
                    "The answer carried no authorization code.",
                )
                .await;
                return Err(OAuthError::Protocol {
                    provider: self.config.provider.label(),
                    reason: "the redirect carried neither a code nor an error".into(),
                });
            };
            return Ok((zeroize::Zeroizing::new(code), stream));
        }
    }
}

/// The request target of an HTTP/1.1 GET (`/?code=...&state=...`).
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 1024];
    let read = async {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(())
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), read)
        .await
        .ok()??;
    let head = String::from_utf8_lossy(&buf);
    let line = head.lines().next()?;
    let mut parts = line.split_whitespace();
    (parts.next()? == "GET").then_some(())?;
    parts.next().map(str::to_owned)
}

async fn respond(stream: &mut TcpStream, status: u16, text: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let body = format!(
        "<!doctype html><meta charset=utf-8><title>Candor</title><p>{}</p>",
        text.replace('&', "&amp;").replace('<', "&lt;")
    );
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}
