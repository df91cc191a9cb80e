//! The HTTP client the oauth2 crate sends its token requests through:
//! HTTP/1.1 over hyper, TLS by rustls against the operating system's roots
//! (as the mail protocols verify), one connection per request. Plain HTTP
//! only to this machine (tests, the loopback identity double).
//!
//! Request and response bodies carry codes and tokens: nothing here logs them.

use std::sync::Arc;

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

fn tls_config() -> Result<Arc<rustls::ClientConfig>, HttpError> {
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
pub async fn send_to(request: HttpRequest, who: &str) -> Result<HttpResponse, HttpError> {
    tokio::time::timeout(TIMEOUT, send_inner(request))
        .await
        .map_err(|_| HttpError(format!("{who} did not answer within 30 seconds")))?
}

async fn send_inner(request: HttpRequest) -> Result<HttpResponse, HttpError> {
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
    let unreachable =
        |e: &dyn std::fmt::Display| HttpError(format!("could not reach {host}:{port} ({e})"));
    let tcp = TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| unreachable(&e))?;

    let (mut parts, body) = request.into_parts();
    // HTTP/1.1 needs Host and an origin-form target.
    let target = uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    parts.uri = target
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

    if https {
        let name = rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|e| HttpError(format!("{host} is not a valid server name ({e})")))?;
        let tls = tokio_rustls::TlsConnector::from(tls_config()?)
            .connect(name, tcp)
            .await
            .map_err(|e| HttpError(format!("a secure connection to {host} failed ({e})")))?;
        exchange(TokioIo::new(tls), request).await
    } else {
        exchange(TokioIo::new(tcp), request).await
    }
}

async fn exchange<T>(io: T, request: hyper::Request<Full<Bytes>>) -> Result<HttpResponse, HttpError>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let failed = |e: hyper::Error| HttpError(format!("the HTTP exchange failed ({e})"));
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(failed)?;
    let driver = tokio::spawn(connection);
    let response = sender.send_request(request).await.map_err(failed)?;
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.map_err(failed)?.to_bytes();
    driver.abort();
    Ok(oauth2::http::Response::from_parts(parts, bytes.to_vec()))
}
