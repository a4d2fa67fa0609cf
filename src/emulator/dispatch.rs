//! Which dialect a request speaks, by ARCHITECTURE.md's rules: Tencent v2 by the path
//! `/v2/index.php`; Tencent 3.0 by `X-TC-Version: 2018-03-17` or `Version=2018-03-17`;
//! Alibaba by `Version` (or `x-acs-version`): 2014-05-15 is SLB, 2017-11-10 is ENS.

use crate::wire::request::{param, HttpRequest};

pub const SLB: &str = "aliyun-slb";
pub const ENS: &str = "aliyun-ens";
pub const CLB: &str = "tencent-clb";
pub const V2: &str = "tencent-clb-v2";

/// The dialect id, or `None` for a request none of the four dialects claims.
pub fn dialect_of(req: &HttpRequest, params: &[(String, String)]) -> Option<&'static str> {
    if req.path == "/v2/index.php" {
        return Some(V2);
    }
    let version = req
        .header("x-tc-version")
        .or_else(|| req.header("x-acs-version"))
        .or_else(|| param(params, "Version"));
    match version? {
        "2018-03-17" => Some(CLB),
        "2014-05-15" => Some(SLB),
        "2017-11-10" => Some(ENS),
        _ => None,
    }
}

/// Whether an unclaimed request looks like Tencent's (its error then goes in Tencent's format).
pub fn looks_tencent(req: &HttpRequest) -> bool {
    req.headers
        .iter()
        .any(|(k, _)| k.to_ascii_lowercase().starts_with("x-tc-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(path: &str, headers: &[(&str, &str)]) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            path: path.into(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn dispatch_follows_the_architecture_rules() {
        let p = |v: &str| vec![("Version".to_string(), v.to_string())];
        assert_eq!(dialect_of(&req("/v2/index.php", &[]), &[]), Some(V2));
        assert_eq!(
            dialect_of(&req("/", &[("X-TC-Version", "2018-03-17")]), &[]),
            Some(CLB)
        );
        assert_eq!(dialect_of(&req("/", &[]), &p("2018-03-17")), Some(CLB));
        assert_eq!(dialect_of(&req("/", &[]), &p("2014-05-15")), Some(SLB));
        assert_eq!(
            dialect_of(&req("/", &[("x-acs-version", "2017-11-10")]), &[]),
            Some(ENS)
        );
        assert_eq!(dialect_of(&req("/", &[]), &p("2099-01-01")), None);
        assert_eq!(dialect_of(&req("/", &[]), &[]), None);
    }
}
