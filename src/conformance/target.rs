//! What the suite runs against: the embedded emulator (started in-process on a loopback port,
//! with the manual clock so transitional states are observable) or any URL.
//!
//! Credentials come from the vendors' environment variables (`ALIBABA_CLOUD_ACCESS_KEY_ID`,
//! `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`) and
//! default to the documents' example keys. A second key pair (another account, for isolation
//! cases) comes from the same names with `_2` appended; the embedded target always has one.
//! Whether the target has the `/_lbconform/` admin endpoints is probed with `GET
//! /_lbconform/state`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use anyhow::{bail, Context, Result};

use crate::emulator::accounts::Accounts;
use crate::emulator::{server, Config, Emulator};
use crate::model::clock::ClockMode;
use crate::spec::Spec;

/// One key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub id: String,
    pub secret: String,
}

impl Key {
    fn new(id: &str, secret: &str) -> Key {
        Key {
            id: id.into(),
            secret: secret.into(),
        }
    }
}

/// The keys of one account: Alibaba's and Tencent's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub alibaba: Key,
    pub tencent: Key,
}

impl Credentials {
    /// The documents' example keys (what the emulator accepts by default).
    pub fn documented() -> Credentials {
        Credentials {
            alibaba: Key::new("testid", "testsecret"),
            tencent: Key::new(
                "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA",
                "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA",
            ),
        }
    }

    /// The second account the embedded emulator is given.
    pub fn embedded_second() -> Credentials {
        Credentials {
            alibaba: Key::new("lbconform-second", "lbconform-second-secret"),
            tencent: Key::new(
                "AKIDlbconformSecondAccount00000000000",
                "lbconformSecondAccountSecret0000",
            ),
        }
    }

    /// From the vendor variables (with `suffix`, `""` or `"_2"`), each falling back to `base`.
    pub fn from_env(suffix: &str, base: &Credentials) -> Credentials {
        let var = |n: &str, d: &str| std::env::var(format!("{n}{suffix}")).unwrap_or(d.into());
        Credentials {
            alibaba: Key::new(
                &var("ALIBABA_CLOUD_ACCESS_KEY_ID", &base.alibaba.id),
                &var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", &base.alibaba.secret),
            ),
            tencent: Key::new(
                &var("TENCENTCLOUD_SECRET_ID", &base.tencent.id),
                &var("TENCENTCLOUD_SECRET_KEY", &base.tencent.secret),
            ),
        }
    }

    fn env_second() -> Option<Credentials> {
        let set = |n: &str| std::env::var_os(format!("{n}_2")).is_some();
        (set("ALIBABA_CLOUD_ACCESS_KEY_ID") || set("TENCENTCLOUD_SECRET_ID"))
            .then(|| Credentials::from_env("_2", &Credentials::documented()))
    }
}

/// A running target.
pub struct Target {
    /// `embedded` or the URL given.
    pub name: String,
    pub addr: SocketAddr,
    /// The Host header to send (`127.0.0.1:9650`).
    pub host: String,
    pub primary: Credentials,
    /// A second account, when one is known.
    pub second: Option<Credentials>,
    /// Whether `/_lbconform/` answers.
    pub admin: bool,
    /// Whether the manual clock can be advanced (`clock/advance` answers).
    pub manual_clock: bool,
    /// Whether the target is on a loopback address (mutating cases need no --allow-billable).
    pub loopback: bool,
    /// The embedded emulator, kept alive with the target.
    pub emulator: Option<Arc<Emulator>>,
    /// `https://HOST[:PORT]` for an https target (connected by name, for the certificate);
    /// `None`: plain http to `addr`.
    pub tls_origin: Option<String>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("addr", &self.addr)
            .field("admin", &self.admin)
            .finish()
    }
}

/// The emulator configuration the embedded target uses: manual clock, the documented keys and
/// the second account.
pub fn embedded_config() -> Config {
    let mut accounts = Accounts::default();
    let s = Credentials::embedded_second();
    accounts.add(&s.alibaba.id, &s.alibaba.secret, "alibaba-2");
    accounts.add(&s.tencent.id, &s.tencent.secret, "tencent-2");
    Config {
        clock: ClockMode::Manual,
        transition_delay_ms: 1000,
        accounts,
        ..Config::default()
    }
}

impl Target {
    /// Starts the emulator in-process on a free loopback port (call inside a tokio runtime).
    pub async fn embedded(spec: Arc<Spec>) -> Result<Target> {
        let em = Arc::new(Emulator::new(spec, embedded_config()));
        let addr = server::spawn(em.clone()).await?;
        Ok(Target {
            name: "embedded".into(),
            addr,
            host: addr.to_string(),
            primary: Credentials::documented(),
            second: Some(Credentials::embedded_second()),
            admin: true,
            manual_clock: true,
            loopback: true,
            emulator: Some(em),
            tls_origin: None,
        })
    }

    /// A target at `url` (`http://host:port` or `https://host[:port]`); probes the admin
    /// endpoints. Fails (exit 2) when the target cannot be reached.
    pub async fn url(url: &str) -> Result<Target> {
        let (tls, rest) = if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = url.strip_prefix("http://") {
            (false, r)
        } else if url.contains("://") {
            bail!("{url}: only http:// and https:// targets are supported");
        } else {
            (false, url)
        };
        let hostport = rest.split('/').next().unwrap_or(rest);
        if hostport.is_empty() {
            bail!("{url}: no host");
        }
        let with_port = if hostport
            .rsplit(':')
            .next()
            .is_some_and(|p| p.parse::<u16>().is_ok())
            && !hostport.ends_with(']')
        {
            hostport.to_string()
        } else {
            format!("{hostport}:{}", if tls { 443 } else { 80 })
        };
        let addr = tokio::net::lookup_host(with_port.as_str())
            .await
            .with_context(|| format!("resolving {hostport}"))?
            .next()
            .with_context(|| format!("{hostport} resolves to no address"))?;
        let loopback = is_loopback(addr.ip());
        let mut t = Target {
            name: url.to_string(),
            addr,
            host: hostport.to_string(),
            primary: Credentials::from_env("", &Credentials::documented()),
            second: Credentials::env_second(),
            admin: false,
            manual_clock: false,
            loopback,
            emulator: None,
            tls_origin: tls.then(|| format!("https://{hostport}")),
        };
        tokio::net::TcpStream::connect(addr)
            .await
            .with_context(|| format!("{url} is unreachable"))?;
        let client = super::client::Client::new(&t);
        t.admin = client
            .admin("GET", "state", "")
            .await
            .is_ok_and(|(s, _)| s == 200);
        t.manual_clock = t.admin
            && client
                .admin("POST", "clock/advance", "ms=0")
                .await
                .is_ok_and(|(s, _)| s == 200);
        Ok(t)
    }

    /// The same target reached through `addr` (a proxy in front of it), admin and accounts
    /// unchanged.
    pub fn through(&self, addr: SocketAddr) -> Target {
        Target {
            name: format!("{} via {addr}", self.name),
            addr,
            host: self.host.clone(),
            primary: self.primary.clone(),
            second: self.second.clone(),
            admin: self.admin,
            manual_clock: self.manual_clock,
            loopback: true,
            emulator: None,
            tls_origin: None,
        }
    }

    /// Where the client connects: the https origin, or `http://ADDR`.
    pub fn origin(&self) -> String {
        self.tls_origin
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr))
    }

    /// `embedded` or a URL.
    pub async fn open(spec: Arc<Spec>, which: &str) -> Result<Target> {
        if which == "embedded" {
            Target::embedded(spec).await
        } else {
            Target::url(which).await
        }
    }
}

fn is_loopback(ip: IpAddr) -> bool {
    ip.is_loopback()
}
