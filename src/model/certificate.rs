//! The content of an uploaded certificate and private key (SLB UploadServerCertificate): the
//! certificate must be a PEM X.509 certificate (else `KeyFormatError`), the key a PEM private
//! key that is not encrypted (`PrivateKeyEncryption`) and that parses (else the key-format
//! `InvalidParameter`), and the key's public half must be the certificate's
//! (`CertificateNotMatchPrivateKey`). Checked only where the action documents those codes.

use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};

use super::{Call, Failure};

const NOT_A_CERTIFICATE: &str = "KeyFormatError";
const ENCRYPTED: &str = "PrivateKeyEncryption";
const MISMATCH: &str = "CertificateNotMatchPrivateKey";
const BAD_KEY: &str = "InvalidParameter";

/// Checks the call's `ServerCertificate` / `PrivateKey` pair, if the action documents the
/// certificate codes and the request gives both.
pub fn check(call: &Call) -> Result<(), Failure> {
    let documented = |c: &str| call.action.errors.iter().any(|e| e.code == c);
    if !documented(NOT_A_CERTIFICATE) {
        return Ok(());
    }
    match (call.str("ServerCertificate"), call.str("PrivateKey")) {
        (Some(cert), Some(key)) => check_pair(cert, key),
        _ => Ok(()),
    }
}

/// Checks a PEM certificate and a PEM private key: formats, encryption, and that they match.
pub fn check_pair(cert: &str, key: &str) -> Result<(), Failure> {
    let cert_key = certificate_key(cert).ok_or_else(|| {
        Failure::new(
            NOT_A_CERTIFICATE,
            "ServerCertificate is not a PEM X.509 certificate",
        )
    })?;
    let key_public = private_key_public(key)?;
    if key_public != cert_key {
        return Err(Failure::new(
            MISMATCH,
            "the private key is not the certificate's",
        ));
    }
    Ok(())
}

/// The subjectPublicKey bits of the first certificate of a PEM chain.
fn certificate_key(text: &str) -> Option<Vec<u8>> {
    let block = pem::parse_many(text)
        .ok()?
        .into_iter()
        .find(|b| b.tag() == "CERTIFICATE")?;
    let der = rustls_pki_types::CertificateDer::from(block.contents());
    let cert = webpki::EndEntityCert::try_from(&der).ok()?;
    let spki = cert.subject_public_key_info();
    yasna::parse_der(spki.as_ref(), |r| {
        r.read_sequence(|r| {
            r.next().read_der()?;
            let (bits, _) = r.next().read_bitvec_bytes()?;
            Ok(bits)
        })
    })
    .ok()
}

/// The public key of a PEM private key, in the form a certificate's subjectPublicKey holds it.
fn private_key_public(text: &str) -> Result<Vec<u8>, Failure> {
    let bad = |why: &str| Failure::new(BAD_KEY, format!("PrivateKey: {why}"));
    let blocks = pem::parse_many(text).map_err(|_| bad("not PEM"))?;
    let block = blocks
        .iter()
        .find(|b| b.tag().ends_with("PRIVATE KEY"))
        .ok_or_else(|| bad("no PRIVATE KEY block"))?;
    let proc_type = block.headers().get("Proc-Type").unwrap_or_default();
    if block.tag() == "ENCRYPTED PRIVATE KEY" || proc_type.contains("ENCRYPTED") {
        return Err(Failure::new(ENCRYPTED, "the private key is encrypted"));
    }
    let der = block.contents();
    let public = match block.tag() {
        "PRIVATE KEY" => pkcs8_public(der),
        "RSA PRIVATE KEY" => RsaKeyPair::from_der(der)
            .ok()
            .map(|k| k.public_key().as_ref().to_vec()),
        "EC PRIVATE KEY" => sec1_public(der),
        _ => None,
    };
    public.ok_or_else(|| bad("not an RSA, ECDSA P-256/P-384 or Ed25519 key"))
}

/// A PKCS#8 key of any algorithm ring reads.
fn pkcs8_public(der: &[u8]) -> Option<Vec<u8>> {
    if let Ok(k) = RsaKeyPair::from_pkcs8(der) {
        return Some(k.public_key().as_ref().to_vec());
    }
    let rng = SystemRandom::new();
    for alg in [
        &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
    ] {
        if let Ok(k) = EcdsaKeyPair::from_pkcs8(alg, der, &rng) {
            return Some(k.public_key().as_ref().to_vec());
        }
    }
    Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
        .ok()
        .map(|k| k.public_key().as_ref().to_vec())
}

/// An RFC 5915 `EC PRIVATE KEY`: the public key it carries in its `[1]` field.
fn sec1_public(der: &[u8]) -> Option<Vec<u8>> {
    yasna::parse_der(der, |r| {
        r.read_sequence(|r| {
            r.next().read_u8()?;
            r.next().read_bytes()?;
            r.read_optional(|r| r.read_tagged(yasna::Tag::context(0), |r| r.read_der()))?;
            let public = r.read_optional(|r| {
                r.read_tagged(yasna::Tag::context(1), |r| r.read_bitvec_bytes())
            })?;
            Ok(public.map(|(bits, _)| bits))
        })
    })
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (String, String) {
        let c = rcgen::generate_simple_self_signed(vec!["lbconform.test".into()]).unwrap();
        (c.cert.pem(), c.key_pair.serialize_pem())
    }

    fn code(r: Result<(), Failure>) -> String {
        r.err().map(|f| f.code).unwrap_or_default()
    }

    #[test]
    fn a_certificate_with_its_own_key_is_accepted() {
        let (cert, key) = pair();
        assert_eq!(check_pair(&cert, &key), Ok(()));
    }

    #[test]
    fn another_key_does_not_match() {
        let (cert, _) = pair();
        let (_, other) = pair();
        assert_eq!(code(check_pair(&cert, &other)), MISMATCH);
    }

    #[test]
    fn what_is_not_a_certificate_is_a_format_error() {
        let (cert, key) = pair();
        assert_eq!(code(check_pair("test", &key)), NOT_A_CERTIFICATE);
        // A key where the certificate belongs, and a certificate block of garbage.
        assert_eq!(code(check_pair(&key, &key)), NOT_A_CERTIFICATE);
        let garbage = "-----BEGIN CERTIFICATE-----\nbGJjb25mb3Jt\n-----END CERTIFICATE-----";
        assert_eq!(code(check_pair(garbage, &key)), NOT_A_CERTIFICATE);
        assert_eq!(code(check_pair(&cert, "wmsad!q23")), BAD_KEY);
    }

    #[test]
    fn an_encrypted_key_is_refused_as_encrypted() {
        let (cert, key) = pair();
        let body: Vec<&str> = key.lines().filter(|l| !l.starts_with("-----")).collect();
        let pkcs8 = format!(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\n{}\n-----END ENCRYPTED PRIVATE KEY-----",
            body.join("\n")
        );
        assert_eq!(code(check_pair(&cert, &pkcs8)), ENCRYPTED);
        let legacy = format!(
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\n{}\n-----END RSA PRIVATE KEY-----",
            body.join("\n")
        );
        assert_eq!(code(check_pair(&cert, &legacy)), ENCRYPTED);
    }
}
