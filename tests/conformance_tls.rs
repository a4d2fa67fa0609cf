//! HTTPS targets: the embedded emulator behind a local TLS terminator with a self-signed
//! certificate. Without `LBCONFORM_CA_FILE` the client refuses the certificate (the admin probe
//! fails); with it, signed cases in every dialect (replayed nonces and bad signatures
//! included, which need the request to arrive byte for byte) pass through TLS.
//! One test in its own binary: it sets `LBCONFORM_CA_FILE` for the process.

use std::sync::Arc;

use lbconform::conformance::client::CA_FILE_VAR;
use lbconform::conformance::runner::Outcome;
use lbconform::conformance::target::Target;
use lbconform::conformance::{self, RunOptions};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{crypto, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// A TLS terminator on a loopback port in front of `upstream`; its certificate (PEM) names
/// 127.0.0.1 and localhost.
async fn terminator(upstream: std::net::SocketAddr) -> (std::net::SocketAddr, String) {
    let ck =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.key_pair.serialize_der()));
    let certs: Vec<CertificateDer<'static>> = vec![ck.cert.der().clone()];
    let config = ServerConfig::builder_with_provider(Arc::new(crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                if let Ok(mut up) = TcpStream::connect(upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
                }
            });
        }
    });
    (addr, ck.cert.pem())
}

#[test]
fn cases_pass_against_an_https_target_trusted_through_the_ca_file() {
    let spec = Arc::new(lbconform::spec::load_default().unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    rt.block_on(async {
        let embedded = Target::embedded(spec.clone()).await.unwrap();
        let (addr, pem) = terminator(embedded.addr).await;
        let url = format!("https://{addr}");

        // Not trusted yet: the connection is refused at the certificate, so no admin answers.
        std::env::remove_var(CA_FILE_VAR);
        let untrusted = Target::url(&url).await.unwrap();
        assert!(!untrusted.admin, "a self-signed certificate must not be trusted by default");

        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, pem).unwrap();
        std::env::set_var(CA_FILE_VAR, &ca);
        let target = Target::url(&url).await.unwrap();
        assert_eq!(target.origin(), url);
        assert!(target.admin && target.manual_clock, "admin endpoints answer over TLS");
        assert!(target.loopback);

        let opts = RunOptions {
            filter: Some(
                regex::Regex::new(
                    "^(slb/signature/|ens/signature/|clb/signature/|v2/signature/|slb/load_balancer/)",
                )
                .unwrap(),
            ),
            generated: false,
            seed: 3,
            ..RunOptions::default()
        };
        let report = conformance::run(spec.clone(), &target, &opts).await.unwrap();
        let replays = report
            .cases
            .iter()
            .filter(|c| c.id.contains("replayed-nonce"))
            .count();
        assert!(replays >= 2, "replay cases ran: {replays}");
        for d in ["slb/", "ens/", "clb/", "v2/"] {
            assert!(
                report.cases.iter().any(|c| c.id.starts_with(d) && c.outcome == Outcome::Pass),
                "a {d} case passed over TLS"
            );
        }
        let failed: Vec<_> = report
            .cases
            .iter()
            .filter(|c| c.outcome == Outcome::Fail)
            .map(|c| format!("{}: {:?} {:?}", c.id, c.outcome, c.failure))
            .collect();
        assert!(failed.is_empty(), "{failed:#?}");
        eprintln!("{} cases passed over https", report.cases.len());
    });
}
