//! What the emulator tests share: an emulator on the manual clock, its admin endpoints, and
//! signed requests in each dialect ([`rpc`] for Alibaba, [`tc3`] for Tencent 3.0, [`v2`] for
//! Tencent's legacy API) with the documents' example keys.

// Each test binary compiles this module on its own and uses only part of it; what one binary
// leaves unused is not dead for the others.
#![allow(dead_code)]

pub mod rpc;
pub mod tc3;
pub mod v2;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use lbconform::emulator::{admin, Config, Emulator};
use lbconform::model::clock::ClockMode;
use lbconform::wire::HttpRequest;
use serde_json::Value;

/// An emulator over the default spec on the manual clock, transitions taking 500 ms.
pub fn emulator() -> Emulator {
    emulator_with(500, Config::default())
}

/// An emulator over the default spec on the manual clock, transitions taking
/// `transition_delay_ms`; the rest of `config` as given.
pub fn emulator_with(transition_delay_ms: u64, config: Config) -> Emulator {
    let spec = Arc::new(lbconform::spec::load_default().unwrap());
    Emulator::new(
        spec,
        Config {
            clock: ClockMode::Manual,
            transition_delay_ms,
            ..config
        },
    )
}

/// Unix seconds, for signatures.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A POST to the admin endpoint `/_lbconform/{path}`.
pub fn admin_request(path: &str, query: &str) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        path: format!("/_lbconform/{path}"),
        query: query.into(),
        ..Default::default()
    }
}

/// An admin call that must succeed: its JSON answer.
pub fn admin(em: &Emulator, path: &str, query: &str) -> Value {
    let r = admin::handle(em, &admin_request(path, query));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    serde_json::from_slice(&r.body).unwrap()
}

/// Moves the manual clock on by `ms`.
pub fn advance(em: &Emulator, ms: u64) {
    admin(em, "clock/advance", &format!("ms={ms}"));
}
