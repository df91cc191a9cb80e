//! The HTTP client of the sign-in and of Graph: HTTP/1.1 over hyper, TLS by
//! rustls against the operating system's roots (as the mail protocols
//! verify). Token requests take one connection each (a few per hour);
//! Graph keeps its connections open in a [`Pool`], since a first sync is
//! thousands of requests and each new connection costs a TLS handshake.
//! Plain HTTP only to this machine (tests, the loopback doubles).
//!
//! Request and response bodies carry codes and tokens: nothing here logs them.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use oauth2::{HttpRequest, HttpResponse};
use tokio::net::TcpStream;

const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Why an HTTP exchange failed (no URL query, no body: they may hold secrets).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

/// Whether `host` is this machine, where plain HTTP is allowed.
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The TLS configuration, built once: reading the system's roots takes
/// longer than a request.
fn tls_config() -> Result<Arc<rustls::ClientConfig>, HttpError> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| build_tls_config().map_err(|e| e.0))
        .clone()
        .map_err(HttpError)
}

fn build_tls_config() -> Result<Arc<rustls::ClientConfig>, HttpError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HttpError(format!("TLS could not be set up ({e})")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Sends one request and returns the whole response.
pub async fn send(request: HttpRequest) -> Result<HttpResponse, HttpError> {
    send_to(request, "the identity provider").await
}

/// Sends one request to `who` (named in the timeout error) and returns the
/// whole response.
async fn send_to(request: HttpRequest, who: &str) -> Result<HttpResponse, HttpError> {
    tokio::time::timeout(TIMEOUT, send_inner(request))
        .await
        .map_err(|_| HttpError(format!("{who} did not answer within 30 seconds")))?
}

async fn send_inner(request: HttpRequest) -> Result<HttpResponse, HttpError> {
    let (target, request) = prepare(request)?;
    let mut sender = connect(&target).await?;
    exchange(&mut sender, request).await
}

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    host: String,
    port: u16,
    https: bool,
}

/// Checks the URL (TLS unless loopback) and turns the request into what
/// HTTP/1.1 sends: an origin-form target and a Host header.
fn prepare(request: HttpRequest) -> Result<(Target, hyper::Request<Full<Bytes>>), HttpError> {
    let uri = request.uri().clone();
    let host = uri
        .host()
        .ok_or_else(|| HttpError("the endpoint URL has no host".into()))?
        .to_owned();
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") if is_loopback(&host) => false,
        _ => {
            return Err(HttpError(format!(
                "refusing to send credentials to {host} without TLS (https is required)"
            )));
        }
    };
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let (mut parts, body) = request.into_parts();
    let path = uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    parts.uri = path
        .parse()
        .map_err(|_| HttpError("the endpoint URL is not valid".into()))?;
    let authority = uri
        .authority()
        .map(|a| a.as_str().to_owned())
        .unwrap_or(host.clone());
    parts.headers.insert(
        hyper::header::HOST,
        authority
            .parse()
            .map_err(|_| HttpError("the endpoint host is not valid".into()))?,
    );
    let request = hyper::Request::from_parts(parts, Full::new(Bytes::from(body)));
    Ok((Target { host, port, https }, request))
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// Opens a connection (TLS verified against the system's roots) and starts
/// its driver, which ends when the connection closes or its sender is
/// dropped.
async fn connect(target: &Target) -> Result<Sender, HttpError> {
    let Target { host, port, https } = target;
    let unreachable =
        |e: &dyn std::fmt::Display| HttpError(format!("could not reach {host}:{port} ({e})"));
    let tcp = TcpStream::connect((host.as_str(), *port))
        .await
        .map_err(|e| unreachable(&e))?;
    let failed = |e: hyper::Error| HttpError(format!("the HTTP exchange failed ({e})"));
    if *https {
        let name = rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|e| HttpError(format!("{host} is not a valid server name ({e})")))?;
        let tls = tokio_rustls::TlsConnector::from(tls_config()?)
            .connect(name, tcp)
            .await
            .map_err(|e| HttpError(format!("a secure connection to {host} failed ({e})")))?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(failed)?;
        tokio::spawn(connection);
        Ok(sender)
    } else {
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
            .await
            .map_err(failed)?;
        tokio::spawn(connection);
        Ok(sender)
    }
}

/// Keeps a few open connections to one origin for reuse, as browsers and
/// HTTP client libraries do. One per client; at most [`Pool::KEEP`] idle.
#[derive(Default)]
pub struct Pool {
    idle: Mutex<Vec<(Target, Sender)>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").finish_non_exhaustive()
    }
}

impl Pool {
    /// Graph allows four requests at a time per mailbox; keep as many open.
    const KEEP: usize = 4;

    /// Sends one request, on an idle connection when there is one, and
    /// returns the whole response. A connection the server closed while
    /// idle is noticed before use (or, in a race, by the request never
    /// having been written) and replaced by a new one.
    pub async fn send(&self, request: HttpRequest, who: &str) -> Result<HttpResponse, HttpError> {
        tokio::time::timeout(TIMEOUT, self.send_inner(request))
            .await
            .map_err(|_| HttpError(format!("{who} did not answer within 30 seconds")))?
    }

    async fn send_inner(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (target, request) = prepare(request)?;
        // Just after a response the connection may still be finishing it:
        // wait for it to be ready rather than open another.
        if let Some(mut sender) = self.take_idle(&target)
            && sender.ready().await.is_ok()
        {
            return match sender.try_send_request(request).await {
                Ok(response) => self.finish(target, sender, response).await,
                Err(mut e) => match e.take_message() {
                    // Never written: the connection had closed meanwhile.
                    Some(request) => self.send_fresh(target, request).await,
                    None => Err(HttpError(format!(
                        "the HTTP exchange failed ({})",
                        e.into_error()
                    ))),
                },
            };
        }
        self.send_fresh(target, request).await
    }

    async fn send_fresh(
        &self,
        target: Target,
        request: hyper::Request<Full<Bytes>>,
    ) -> Result<HttpResponse, HttpError> {
        let mut sender = connect(&target).await?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| HttpError(format!("the HTTP exchange failed ({e})")))?;
        self.finish(target, sender, response).await
    }

    /// Reads the body, then keeps the connection if the server did not
    /// close it.
    async fn finish(
        &self,
        target: Target,
        sender: Sender,
        response: hyper::Response<hyper::body::Incoming>,
    ) -> Result<HttpResponse, HttpError> {
        let (parts, body) = response.into_parts();
        let bytes = body
            .collect()
            .await
            .map_err(|e| HttpError(format!("the HTTP exchange failed ({e})")))?
            .to_bytes();
        if !sender.is_closed() {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < Self::KEEP {
                idle.push((target, sender));
            }
        }
        Ok(oauth2::http::Response::from_parts(parts, bytes.to_vec()))
    }

    /// An idle connection to `target` that is still open.
    fn take_idle(&self, target: &Target) -> Option<Sender> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(i) = idle.iter().position(|(t, _)| t == target) {
            let (_, sender) = idle.swap_remove(i);
            if !sender.is_closed() {
                return Some(sender);
            }
        }
        None
    }
}

async fn exchange(
    sender: &mut Sender,
    request: hyper::Request<Full<Bytes>>,
) -> Result<HttpResponse, HttpError> {
    let failed = |e: hyper::Error| HttpError(format!("the HTTP exchange failed ({e})"));
    let response = sender.send_request(request).await.map_err(failed)?;
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.map_err(failed)?.to_bytes();
    Ok(oauth2::http::Response::from_parts(parts, bytes.to_vec()))
}
