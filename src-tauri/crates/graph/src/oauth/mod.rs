//! OAuth 2.0 for desktop sign-in to Google and Microsoft (shared/notes/
//! microsoft-graph-and-oauth.md §12–13): the authorization code grant with
//! PKCE S256 through the system browser and a loopback redirect on
//! 127.0.0.1 with a port chosen by the system (RFC 8252), the `state`
//! checked; code redemption and refresh with the oauth2 crate.
//!
//! Provider rules: Microsoft is a public client (never a client secret) and
//! issues one token per resource (mail, Graph) from one refresh token,
//! rotating the refresh token on every use; Google's desktop client sends its
//! documented non-confidential client secret on every token request and its
//! refresh answers usually carry no new refresh token.
//!
//! Client ids and endpoints are configuration ([`ProviderConfig::from_env`]):
//! national clouds and tests need other endpoints. Tokens never appear in
//! errors, `Debug` output or logs.

mod flow;
pub mod http;

pub use flow::PendingSignIn;

use oauth2::basic::{BasicErrorResponseType, BasicTokenType};
use oauth2::{
    AuthType, AuthUrl, ClientId, ClientSecret, EmptyExtraTokenFields, RefreshToken,
    RequestTokenError, Scope, StandardTokenResponse, TokenResponse, TokenUrl,
};
use zeroize::Zeroizing;

/// The identity providers Candor signs in to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Google,
    Microsoft,
}

impl Provider {
    pub fn label(self) -> &'static str {
        match self {
            Self::Google => "Google",
            Self::Microsoft => "Microsoft",
        }
    }
}

/// What a token is for. Microsoft issues one token per resource ("the
/// scopes must all be from a single resource"); Google's mail scope covers
/// IMAP and SMTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    /// IMAP and SMTP.
    Mail,
    /// Microsoft Graph (calendar, contacts).
    Graph,
}

impl Resource {
    pub fn key(self) -> &'static str {
        match self {
            Self::Mail => "mail",
            Self::Graph => "graph",
        }
    }
}

/// Google's endpoints and mail scope.
pub const GOOGLE_AUTH_URL: &str = "https://accounts.google.com/o/oauth2/v2/auth";
pub const GOOGLE_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
pub const GOOGLE_MAIL_SCOPE: &str = "https://mail.google.com/";
/// Microsoft's authority (login host) and default tenant.
pub const MICROSOFT_LOGIN_URL: &str = "https://login.microsoftonline.com";
pub const MICROSOFT_TENANT: &str = "common";
pub const MICROSOFT_MAIL_SCOPES: &[&str] = &[
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
];
pub const MICROSOFT_GRAPH_SCOPES: &[&str] = &[
    "https://graph.microsoft.com/Calendars.ReadWrite",
    "https://graph.microsoft.com/Contacts.ReadWrite",
    "https://graph.microsoft.com/User.Read",
];

/// Environment variables that override the built-in configuration.
pub mod env {
    pub const GOOGLE_CLIENT_ID: &str = "CANDOR_GOOGLE_CLIENT_ID";
    /// Google's desktop-app client secret, which Google documents as not
    /// confidential for installed apps; still not compiled in unless the
    /// build sets it.
    pub const GOOGLE_CLIENT_SECRET: &str = "CANDOR_GOOGLE_CLIENT_SECRET";
    pub const GOOGLE_AUTH_URL: &str = "CANDOR_GOOGLE_AUTH_URL";
    pub const GOOGLE_TOKEN_URL: &str = "CANDOR_GOOGLE_TOKEN_URL";
    pub const MS_CLIENT_ID: &str = "CANDOR_MS_CLIENT_ID";
    /// The authority's base, e.g. https://login.microsoftonline.us for US Government.
    pub const MS_LOGIN_URL: &str = "CANDOR_MS_LOGIN_URL";
    pub const MS_TENANT: &str = "CANDOR_MS_TENANT";
}

/// A provider's client registration and endpoints.
#[derive(Clone)]
pub struct ProviderConfig {
    pub provider: Provider,
    pub client_id: String,
    client_secret: Option<Zeroizing<String>>,
    pub auth_url: String,
    pub token_url: String,
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("provider", &self.provider)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<set>"),
            )
            .field("auth_url", &self.auth_url)
            .field("token_url", &self.token_url)
            .finish()
    }
}

/// Why signing in or refreshing failed, worded for the user. Never holds a
/// token, a code or a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    #[error(
        "Candor has no {provider} client id configured; set {variable} (see the README's sign-in section)."
    )]
    NotConfigured {
        provider: &'static str,
        variable: &'static str,
    },
    #[error("The {what} URL is not valid ({reason}).")]
    BadUrl { what: &'static str, reason: String },
    /// The provider refused the refresh token or the code (revoked,
    /// expired, password changed): the user must sign in again.
    #[error("{provider} no longer accepts this sign-in ({detail}); sign in again.")]
    InvalidGrant {
        provider: &'static str,
        detail: String,
    },
    /// The sign-in page sent the user back with an error (access_denied...).
    #[error("The sign-in was not completed: {error}{}.", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Denied {
        error: String,
        description: Option<String>,
    },
    #[error(
        "The answer from the browser did not belong to this sign-in (the state did not match); start the sign-in again."
    )]
    StateMismatch,
    #[error(
        "No answer came from the browser within {0} seconds; start the sign-in again (and finish it in the browser)."
    )]
    TimedOut(u64),
    #[error("{provider} refused the token request: {error}{}.", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        provider: &'static str,
        error: String,
        description: Option<String>,
    },
    #[error("Could not reach {provider}'s sign-in service ({reason}). Check the network.")]
    Unreachable {
        provider: &'static str,
        reason: String,
    },
    #[error("{provider}'s sign-in service answered unexpectedly ({reason}).")]
    Protocol {
        provider: &'static str,
        reason: String,
    },
    #[error("{provider} did not return a refresh token; sign in again and allow offline access.")]
    NoRefreshToken { provider: &'static str },
}

fn env_or(var: &str, default: Option<&str>) -> Option<String> {
    std::env::var(var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| default.map(str::to_owned))
}

impl ProviderConfig {
    /// The configuration for `provider`: client id (and for Google the
    /// desktop client secret) from the environment, else from the build
    /// (`option_env!` of the same names, for release builds); endpoints from
    /// the environment, else the providers' public ones.
    pub fn from_env(provider: Provider) -> Result<Self, OAuthError> {
        match provider {
            Provider::Google => {
                let client_id = env_or(
                    env::GOOGLE_CLIENT_ID,
                    option_env!("CANDOR_GOOGLE_CLIENT_ID"),
                )
                .ok_or(OAuthError::NotConfigured {
                    provider: "Google",
                    variable: env::GOOGLE_CLIENT_ID,
                })?;
                Ok(Self {
                    provider,
                    client_id,
                    client_secret: env_or(
                        env::GOOGLE_CLIENT_SECRET,
                        option_env!("CANDOR_GOOGLE_CLIENT_SECRET"),
                    )
                    .map(Zeroizing::new),
                    auth_url: env_or(env::GOOGLE_AUTH_URL, Some(GOOGLE_AUTH_URL))
                        .unwrap_or_default(),
                    token_url: env_or(env::GOOGLE_TOKEN_URL, Some(GOOGLE_TOKEN_URL))
                        .unwrap_or_default(),
                })
            }
            Provider::Microsoft => {
                let client_id = env_or(env::MS_CLIENT_ID, option_env!("CANDOR_MS_CLIENT_ID"))
                    .ok_or(OAuthError::NotConfigured {
                        provider: "Microsoft",
                        variable: env::MS_CLIENT_ID,
                    })?;
                let login =
                    env_or(env::MS_LOGIN_URL, Some(MICROSOFT_LOGIN_URL)).unwrap_or_default();
                let tenant = env_or(env::MS_TENANT, Some(MICROSOFT_TENANT)).unwrap_or_default();
                let base = format!("{}/{}/oauth2/v2.0", login.trim_end_matches('/'), tenant);
                Ok(Self {
                    provider,
                    client_id,
                    // A public client: a secret would be refused (AADSTS700025).
                    client_secret: None,
                    auth_url: format!("{base}/authorize"),
                    token_url: format!("{base}/token"),
                })
            }
        }
    }

    /// The scopes asked for at the authorization step (the user consents to
    /// every resource at once).
    pub fn sign_in_scopes(&self) -> Vec<String> {
        match self.provider {
            Provider::Google => vec![GOOGLE_MAIL_SCOPE.to_owned()],
            Provider::Microsoft => ["offline_access", "openid", "profile"]
                .iter()
                .chain(MICROSOFT_MAIL_SCOPES)
                .chain(MICROSOFT_GRAPH_SCOPES)
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }

    /// The scopes of one resource's token (Microsoft: one resource per token).
    pub fn resource_scopes(&self, resource: Resource) -> Vec<String> {
        match (self.provider, resource) {
            (Provider::Google, _) => vec![GOOGLE_MAIL_SCOPE.to_owned()],
            (Provider::Microsoft, Resource::Mail) => MICROSOFT_MAIL_SCOPES
                .iter()
                .chain(&["offline_access"])
                .map(|s| (*s).to_owned())
                .collect(),
            (Provider::Microsoft, Resource::Graph) => MICROSOFT_GRAPH_SCOPES
                .iter()
                .chain(&["offline_access"])
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }

    fn client(
        &self,
    ) -> Result<
        oauth2::basic::BasicClient<
            oauth2::EndpointSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointSet,
        >,
        OAuthError,
    > {
        let auth = AuthUrl::new(self.auth_url.clone()).map_err(|e| OAuthError::BadUrl {
            what: "authorization",
            reason: e.to_string(),
        })?;
        let token = TokenUrl::new(self.token_url.clone()).map_err(|e| OAuthError::BadUrl {
            what: "token",
            reason: e.to_string(),
        })?;
        let mut client = oauth2::basic::BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_uri(auth)
            .set_token_uri(token)
            // client_id (and Google's secret) in the form body, as both
            // providers document for native apps.
            .set_auth_type(AuthType::RequestBody);
        if let Some(secret) = &self.client_secret {
            client = client.set_client_secret(ClientSecret::new(secret.to_string()));
        }
        Ok(client)
    }
}

/// Tokens as a token endpoint returned them.
#[derive(Clone)]
pub struct Tokens {
    pub access_token: Zeroizing<String>,
    /// Unix seconds; None when the provider did not say.
    pub expires_at: Option<i64>,
    /// A new refresh token, when the provider sent one (Microsoft rotates on
    /// every use; Google usually sends none on refresh).
    pub refresh_token: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn tokens_from(response: &StandardTokenResponse<EmptyExtraTokenFields, BasicTokenType>) -> Tokens {
    Tokens {
        access_token: Zeroizing::new(response.access_token().secret().clone()),
        expires_at: response
            .expires_in()
            .map(|d| now() + i64::try_from(d.as_secs()).unwrap_or(3600)),
        refresh_token: response
            .refresh_token()
            .map(|t| Zeroizing::new(t.secret().clone())),
    }
}

type TokenError = RequestTokenError<http::HttpError, oauth2::basic::BasicErrorResponse>;

fn token_error(provider: Provider, e: TokenError) -> OAuthError {
    let provider = provider.label();
    match e {
        RequestTokenError::ServerResponse(r) => {
            let description = r.error_description().cloned();
            match r.error() {
                BasicErrorResponseType::InvalidGrant => OAuthError::InvalidGrant {
                    provider,
                    detail: description.unwrap_or_else(|| "invalid_grant".into()),
                },
                other => OAuthError::Refused {
                    provider,
                    error: other.to_string(),
                    description,
                },
            }
        }
        RequestTokenError::Request(e) => OAuthError::Unreachable {
            provider,
            reason: e.to_string(),
        },
        // The body is not shown: it may hold a token.
        RequestTokenError::Parse(e, _) => OAuthError::Protocol {
            provider,
            reason: format!("unreadable token response at {}", e.path()),
        },
        RequestTokenError::Other(reason) => OAuthError::Protocol { provider, reason },
    }
}

/// Exchanges a refresh token for a new access token for `resource`.
pub async fn refresh(
    config: &ProviderConfig,
    refresh_token: &str,
    resource: Resource,
) -> Result<Tokens, OAuthError> {
    let client = config.client()?;
    let refresh_token = RefreshToken::new(refresh_token.to_owned());
    let response = client
        .exchange_refresh_token(&refresh_token)
        .add_scopes(config.resource_scopes(resource).into_iter().map(Scope::new))
        .request_async(&http::send)
        .await
        .map_err(|e| token_error(config.provider, e))?;
    Ok(tokens_from(&response))
}
