//! A test double of an OAuth 2.0 authorization server (Microsoft's identity
//! platform or Google's, by [`Flavor`]) on loopback, faithful to what
//! shared/notes/microsoft-graph-and-oauth.md §12–13 records:
//!
//! - `GET …/authorize`: the sign-in page. The test "logs in" by following the
//!   authorization URL with `login=USER` added (or `deny=1` for a user who
//!   declines); the double redirects to `redirect_uri` with `code` and the
//!   client's `state` (or `error=access_denied`).
//! - `POST …/token`: `authorization_code` (single use, expires, PKCE S256
//!   checked, same `redirect_uri`) and `refresh_token`. Microsoft: a client
//!   secret is refused (AADSTS700025), every refresh answer carries a new
//!   refresh token and, in strict mode, the old one dies (so a client that
//!   does not store rotated tokens fails). Google: the client secret is
//!   required, refresh answers carry no refresh token.
//!   Refused grants answer `400 {"error":"invalid_grant",…}`.
//! - `POST /introspect` (`token=…`, RFC 7662 style), for Dovecot's oauth2
//!   passdb: `{"active":true,"username":…}` for a live token whose audience
//!   is mail, `{"active":false}` otherwise.
//!
//! The test controls it directly: revoke refresh tokens, expire access
//! tokens, list every token issued (to check none reaches a log).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// Which provider's rules the double follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Microsoft,
    Google,
}

pub const CLIENT_ID: &str = "candor-test-client";
/// Google's desktop-client secret (documented as not confidential).
pub const GOOGLE_CLIENT_SECRET: &str = "candor-test-desktop-secret";

#[derive(Debug)]
struct Code {
    user: String,
    redirect_uri: String,
    challenge: String,
    scope: String,
    issued: Instant,
}

#[derive(Debug, Clone)]
struct Access {
    user: String,
    audience: &'static str,
    expires: Instant,
}

#[derive(Debug, Default)]
struct State {
    codes: HashMap<String, Code>,
    refresh: HashMap<String, String>,
    access: HashMap<String, Access>,
    /// Every token and code ever issued (to look for them in logs).
    issued: Vec<String>,
    refreshes: u32,
    code_redemptions: u32,
    introspections: u32,
}

#[derive(Debug)]
struct Settings {
    flavor: Flavor,
    code_lifetime: Duration,
    access_lifetime: Duration,
    /// Microsoft: a used refresh token stops working.
    strict_rotation: bool,
}

/// A running double; it stops accepting when dropped.
#[derive(Debug)]
pub struct AuthServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
    settings: Arc<Mutex<Settings>>,
    stop: Arc<AtomicBool>,
}

fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).expect("random");
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

fn form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Percent-decoding of a form field (`+` is a space there).
fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, crate::URL_COMPONENT).to_string()
}

struct Request {
    method: String,
    path: String,
    query: HashMap<String, String>,
    body: HashMap<String, String>,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Some(Request {
        method,
        path: path.to_owned(),
        query: form(query),
        body: form(&String::from_utf8_lossy(&body)),
    })
}

fn respond(stream: &mut TcpStream, status: u16, headers: &[(&str, String)], body: &str) {
    let reason = match status {
        200 => "OK",
        302 => "Found",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.flush();
}

fn json_error(error: &str, description: &str) -> String {
    serde_json::json!({
        "error": error,
        "error_description": description,
        "error_codes": [],
        "timestamp": "2026-12-01 10:00:00Z",
        "trace_id": "00000000-0000-0000-0000-000000000000",
    })
    .to_string()
}

impl AuthServer {
    pub fn start(flavor: Flavor) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        listener.set_nonblocking(true)?;
        let state = Arc::new(Mutex::new(State::default()));
        let settings = Arc::new(Mutex::new(Settings {
            flavor,
            code_lifetime: Duration::from_secs(600),
            access_lifetime: Duration::from_secs(3600),
            strict_rotation: flavor == Flavor::Microsoft,
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, se, sp) = (state.clone(), settings.clone(), stop.clone());
        std::thread::spawn(move || {
            while !sp.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (st, se) = (st.clone(), se.clone());
                        std::thread::spawn(move || serve(stream, &st, &se));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Ok(Self {
            port,
            state,
            settings,
            stop,
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn settings(&self) -> std::sync::MutexGuard<'_, Settings> {
        self.settings.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn introspection_url(&self) -> String {
        format!("{}/introspect", self.base_url())
    }

    /// The environment a `candor` process needs to use this double.
    pub fn env(&self) -> Vec<(String, String)> {
        let base = self.base_url();
        match self.settings().flavor {
            Flavor::Microsoft => vec![
                ("CANDOR_MS_CLIENT_ID".into(), CLIENT_ID.into()),
                ("CANDOR_MS_LOGIN_URL".into(), base),
                ("CANDOR_MS_TENANT".into(), "organizations".into()),
            ],
            Flavor::Google => vec![
                ("CANDOR_GOOGLE_CLIENT_ID".into(), CLIENT_ID.into()),
                (
                    "CANDOR_GOOGLE_CLIENT_SECRET".into(),
                    GOOGLE_CLIENT_SECRET.into(),
                ),
                (
                    "CANDOR_GOOGLE_AUTH_URL".into(),
                    format!("{base}/o/oauth2/v2/auth"),
                ),
                ("CANDOR_GOOGLE_TOKEN_URL".into(), format!("{base}/token")),
            ],
        }
    }

    /// Access tokens issued from now on live this long.
    pub fn set_access_lifetime(&self, lifetime: Duration) {
        self.settings().access_lifetime = lifetime;
    }

    /// Authorization codes issued from now on live this long.
    pub fn set_code_lifetime(&self, lifetime: Duration) {
        self.settings().code_lifetime = lifetime;
    }

    /// Every refresh token dies (the user revoked the app, or changed the password).
    pub fn revoke_refresh_tokens(&self) {
        self.state().refresh.clear();
    }

    /// Every access token issued so far is expired (the server refuses it).
    pub fn expire_access_tokens(&self) {
        let now = Instant::now();
        for a in self.state().access.values_mut() {
            a.expires = now;
        }
    }

    /// Every code and token issued so far.
    pub fn issued(&self) -> Vec<String> {
        self.state().issued.clone()
    }

    /// Issues an access token for `user` directly (for protocol-level tests
    /// that need a token without the sign-in dance).
    pub fn issue_access_token(&self, user: &str, audience: &'static str) -> String {
        let token = random_token("at-");
        let lifetime = self.settings().access_lifetime;
        let mut state = self.state();
        state.issued.push(token.clone());
        state.access.insert(
            token.clone(),
            Access {
                user: user.to_owned(),
                audience,
                expires: Instant::now() + lifetime,
            },
        );
        token
    }

    /// Whether a bearer token is a live Graph-audience token (for the Graph
    /// double: mail tokens are refused there, as Graph refuses them).
    pub fn graph_token_check(&self) -> std::sync::Arc<dyn Fn(&str) -> bool + Send + Sync> {
        let state = self.state.clone();
        std::sync::Arc::new(move |token: &str| {
            state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .access
                .get(token)
                .is_some_and(|a| a.audience == "graph" && a.expires > Instant::now())
        })
    }

    pub fn refreshes(&self) -> u32 {
        self.state().refreshes
    }

    pub fn code_redemptions(&self) -> u32 {
        self.state().code_redemptions
    }

    pub fn introspections(&self) -> u32 {
        self.state().introspections
    }

    /// Signs `account` in as `user` through `candor account login`, as the
    /// user would in the browser; the run must succeed.
    pub fn sign_in_with_cli(&self, cli: &crate::Cli, account: &str, user: &str) -> Result<()> {
        let mut child = cli
            .command()
            .args(["account", "login", account, "--timeout", "30"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .context("run candor account login")?;
        let mut url = String::new();
        BufReader::new(child.stdout.as_mut().context("stdout")?)
            .read_line(&mut url)
            .context("the authorization URL")?;
        let back = self.log_in(url.trim(), user, false)?;
        let (status, _, page) = http_get(&back)?;
        anyhow::ensure!(status == 200, "the loopback page: {page}");
        crate::CliRun::from(child.wait_with_output()?).ok();
        Ok(())
    }

    /// Plays the user in the browser: follows `authorization_url` as `user`
    /// (or declining, with `deny`), and returns where the double redirects
    /// to (the client's loopback address with `code` and `state`).
    pub fn log_in(&self, authorization_url: &str, user: &str, deny: bool) -> Result<String> {
        let extra = if deny {
            "&deny=1".to_owned()
        } else {
            format!("&login={}", encode(user))
        };
        let (status, headers, _) = http_get(&format!("{authorization_url}{extra}"))?;
        if status != 302 {
            bail!("the sign-in page answered {status}, not a redirect");
        }
        headers
            .get("location")
            .cloned()
            .context("the redirect has no Location")
    }
}

/// A GET with a plain HTTP/1.1 client (loopback only): status, headers
/// (lower-cased names) and body.
pub fn http_get(url: &str) -> Result<(u16, HashMap<String, String>, String)> {
    let rest = url
        .strip_prefix("http://")
        .context("only http:// URLs on loopback")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = TcpStream::connect(authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no HTTP status")?;
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let mut body = String::new();
    let _ = reader.read_to_string(&mut body);
    Ok((status, headers, body))
}

impl Drop for AuthServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>, settings: &Mutex<Settings>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    // One request per connection (each answer says Connection: close).
    if let Some(request) = read_request(&mut reader) {
        handle(&request, &mut writer, state, settings);
    }
    let _ = writer.shutdown(std::net::Shutdown::Both);
}

fn handle(r: &Request, out: &mut TcpStream, state: &Mutex<State>, settings: &Mutex<Settings>) {
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    let settings = settings.lock().unwrap_or_else(PoisonError::into_inner);
    let json = [("Content-Type", "application/json".to_owned())];
    if r.method == "GET" && (r.path.ends_with("/authorize") || r.path.ends_with("/auth")) {
        let q = &r.query;
        let Some(redirect) = q.get("redirect_uri") else {
            return respond(out, 400, &[], "redirect_uri missing");
        };
        if q.get("client_id").map(String::as_str) != Some(CLIENT_ID)
            || q.get("response_type").map(String::as_str) != Some("code")
            || q.get("code_challenge_method").map(String::as_str) != Some("S256")
            || !redirect.starts_with("http://127.0.0.1:")
        {
            return respond(out, 400, &[], "bad authorization request");
        }
        let state_param = q.get("state").cloned().unwrap_or_default();
        if q.contains_key("deny") {
            let location = format!(
                "{redirect}?error=access_denied&error_description={}&state={}",
                encode("The user declined."),
                encode(&state_param)
            );
            return respond(out, 302, &[("Location", location)], "");
        }
        let Some(user) = q.get("login") else {
            return respond(
                out,
                200,
                &[("Content-Type", "text/html".to_owned())],
                "<form>Sign in: <input name=login></form>",
            );
        };
        let code = random_token("code-");
        state.issued.push(code.clone());
        state.codes.insert(
            code.clone(),
            Code {
                user: user.clone(),
                redirect_uri: redirect.clone(),
                challenge: q.get("code_challenge").cloned().unwrap_or_default(),
                scope: q.get("scope").cloned().unwrap_or_default(),
                issued: Instant::now(),
            },
        );
        let location = format!(
            "{redirect}?code={}&state={}",
            encode(&code),
            encode(&state_param)
        );
        return respond(out, 302, &[("Location", location)], "");
    }
    if r.method == "POST" && r.path.ends_with("/token") {
        let b = &r.body;
        if b.get("client_id").map(String::as_str) != Some(CLIENT_ID) {
            return respond(
                out,
                400,
                &json,
                &json_error("invalid_client", "unknown client"),
            );
        }
        match (settings.flavor, b.get("client_secret")) {
            (Flavor::Microsoft, Some(_)) => {
                return respond(
                    out,
                    400,
                    &json,
                    &json_error(
                        "invalid_client",
                        "AADSTS700025: Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
                    ),
                );
            }
            (Flavor::Google, s) if s.map(String::as_str) != Some(GOOGLE_CLIENT_SECRET) => {
                return respond(
                    out,
                    400,
                    &json,
                    &json_error("invalid_request", "client_secret is missing."),
                );
            }
            _ => {}
        }
        let (user, scope, first) = match b.get("grant_type").map(String::as_str) {
            Some("authorization_code") => {
                let Some(code) = b.get("code").and_then(|c| state.codes.remove(c)) else {
                    return respond(
                        out,
                        400,
                        &json,
                        &json_error(
                            "invalid_grant",
                            "AADSTS54005: OAuth2 Authorization code was already redeemed or is unknown.",
                        ),
                    );
                };
                if code.issued.elapsed() > settings.code_lifetime {
                    return respond(
                        out,
                        400,
                        &json,
                        &json_error(
                            "invalid_grant",
                            "AADSTS70008: The provided authorization code has expired.",
                        ),
                    );
                }
                if b.get("redirect_uri") != Some(&code.redirect_uri) {
                    return respond(
                        out,
                        400,
                        &json,
                        &json_error(
                            "invalid_grant",
                            "AADSTS50011: The redirect URI does not match.",
                        ),
                    );
                }
                let verifier = b.get("code_verifier").cloned().unwrap_or_default();
                let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(Sha256::digest(verifier.as_bytes()));
                if computed != code.challenge {
                    return respond(
                        out,
                        400,
                        &json,
                        &json_error(
                            "invalid_grant",
                            "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.",
                        ),
                    );
                }
                state.code_redemptions += 1;
                (code.user, code.scope, true)
            }
            Some("refresh_token") => {
                let presented = b.get("refresh_token").cloned().unwrap_or_default();
                let Some(user) = state.refresh.get(&presented).cloned() else {
                    let description = match settings.flavor {
                        Flavor::Microsoft => {
                            "AADSTS70008: The refresh token has expired or was revoked."
                        }
                        Flavor::Google => "Token has been expired or revoked.",
                    };
                    return respond(out, 400, &json, &json_error("invalid_grant", description));
                };
                if settings.strict_rotation {
                    state.refresh.remove(&presented);
                }
                state.refreshes += 1;
                (user, b.get("scope").cloned().unwrap_or_default(), false)
            }
            _ => {
                return respond(
                    out,
                    400,
                    &json,
                    &json_error("unsupported_grant_type", "unsupported grant_type"),
                );
            }
        };
        // One resource per token: the first resource among the scopes.
        let audience = scope
            .split_whitespace()
            .find_map(|s| {
                if s.contains("outlook.office.com") || s.contains("mail.google.com") {
                    Some("mail")
                } else if s.contains("graph.microsoft.com") {
                    Some("graph")
                } else {
                    None
                }
            })
            .unwrap_or("none");
        let access = random_token("at-");
        state.issued.push(access.clone());
        state.access.insert(
            access.clone(),
            Access {
                user: user.clone(),
                audience,
                expires: Instant::now() + settings.access_lifetime,
            },
        );
        let mut body = serde_json::json!({
            "token_type": "Bearer",
            "access_token": access,
            "expires_in": settings.access_lifetime.as_secs(),
            "scope": scope,
        });
        // Microsoft rotates on every use; Google sends one only with the code.
        if first || settings.flavor == Flavor::Microsoft {
            let refresh = random_token("rt-");
            state.issued.push(refresh.clone());
            state.refresh.insert(refresh.clone(), user);
            body["refresh_token"] = serde_json::Value::String(refresh);
        }
        return respond(out, 200, &json, &body.to_string());
    }
    if r.method == "POST" && r.path == "/introspect" {
        state.introspections += 1;
        let token = r.body.get("token").cloned().unwrap_or_default();
        let answer = match state.access.get(&token) {
            Some(a) if a.audience == "mail" && a.expires > Instant::now() => {
                serde_json::json!({ "active": true, "username": a.user, "scope": "mail" })
            }
            _ => serde_json::json!({ "active": false }),
        };
        return respond(out, 200, &json, &answer.to_string());
    }
    respond(out, 404, &[], "not found");
}
