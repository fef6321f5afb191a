//! `--tls-cert` / `--tls-key`: the acceptor that turns a client's `SSLRequest` into TLS.
//!
//! The crypto provider is named here (ring, the one pgwire is built with) rather than taken
//! from the process default, because the AWS SDK brings a second provider and rustls will not
//! pick between two.

use std::path::Path;
use std::sync::Arc;

use datafusion_postgres::pgwire::tokio::TlsAcceptor;
use datafusion_postgres::pgwire::tokio::tokio_rustls::rustls::ServerConfig;
use datafusion_postgres::pgwire::tokio::tokio_rustls::rustls::crypto::ring;
use datafusion_postgres::pgwire::tokio::tokio_rustls::rustls::pki_types::pem::PemObject;
use datafusion_postgres::pgwire::tokio::tokio_rustls::rustls::pki_types::{
    CertificateDer, PrivateKeyDer,
};

use crate::cli::errors::Error;

/// The TLS acceptor for the PEM certificate chain at `cert` and the PEM private key at `key`.
pub fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, Error> {
    let failed = |reason: String| Error::Tls {
        cert: cert.to_path_buf(),
        key: key.to_path_buf(),
        reason,
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| failed(format!("no certificate: {e}")))?;
    if chain.is_empty() {
        return Err(failed("the certificate file holds no certificate".into()));
    }
    let private_key =
        PrivateKeyDer::from_pem_file(key).map_err(|e| failed(format!("no private key: {e}")))?;
    let config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| failed(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, private_key)
        .map_err(|e| failed(e.to_string()))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_empty_files_say_which_and_why() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "").unwrap();
        let error = acceptor(&empty, &empty).err().expect("refused");
        let line = error.to_string();
        assert!(line.starts_with("cannot use --tls-cert "), "{line}");
        assert!(line.contains("no certificate"), "{line}");
        let error = acceptor(&dir.path().join("nope.pem"), &empty)
            .err()
            .expect("refused");
        assert!(error.to_string().contains("nope.pem"), "{error}");
    }
}
