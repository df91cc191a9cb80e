//! TLS for IMAP, POP3 and SMTP: certificates are verified against the
//! operating system's roots; a server's own certificate can be trusted
//! explicitly (pinned, per account) when the user chose to, never silently.
//! When a certificate is refused, the one the server presented is kept so the
//! user can be shown its fingerprint and decide.

use std::sync::{Arc, Mutex};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use sha2::{Digest, Sha256};

/// What a verifier saw of the server, for the error message.
#[derive(Debug, Default, Clone)]
pub struct PresentedCertificate(Arc<Mutex<Option<Vec<u8>>>>);

impl PresentedCertificate {
    /// The DER of the last certificate the server presented.
    pub fn der(&self) -> Option<Vec<u8>> {
        self.0.lock().map(|g| g.clone()).unwrap_or(None)
    }
}

/// The SHA-256 fingerprint of a DER certificate, as `AB:CD:...`.
pub fn fingerprint_sha256(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// A DER certificate as PEM, for storing a pinned certificate.
pub fn to_pem(der: &[u8]) -> String {
    use base64::Engine as _;
    use std::fmt::Write;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        let _ = writeln!(pem, "{}", String::from_utf8_lossy(chunk));
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

#[derive(Debug)]
struct Verifier {
    system: Option<Arc<WebPkiServerVerifier>>,
    pinned: Option<CertificateDer<'static>>,
    presented: PresentedCertificate,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.presented.0.lock() {
            *seen = Some(end_entity.to_vec());
        }
        // The certificate the user trusted for this account, byte for byte.
        if self
            .pinned
            .as_ref()
            .is_some_and(|p| p.as_ref() == end_entity.as_ref())
        {
            return Ok(ServerCertVerified::assertion());
        }
        match &self.system {
            Some(system) => system.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ),
            None => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Why a TLS configuration could not be made.
#[derive(Debug, thiserror::Error)]
#[error("the pinned certificate is not a readable PEM certificate ({0})")]
pub struct PinnedCertificateError(String);

/// A client configuration that verifies against the system's roots, and also
/// accepts exactly `pinned_pem` when given.
pub fn client_config(
    pinned_pem: Option<&str>,
) -> Result<(Arc<ClientConfig>, PresentedCertificate), PinnedCertificateError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    let system = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .ok();
    let pinned = pinned_pem
        .map(|pem| {
            CertificateDer::from_pem_slice(pem.as_bytes())
                .map_err(|e| PinnedCertificateError(e.to_string()))
        })
        .transpose()?;
    let presented = PresentedCertificate::default();
    let verifier = Verifier {
        system,
        pinned,
        presented: presented.clone(),
        provider: provider.clone(),
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| PinnedCertificateError(e.to_string()))?
        .dangerous() // a custom verifier; it verifies, and pins only what the user trusted
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok((Arc::new(config), presented))
}
