//! The case format: `suites/<dialect>/*.toml`, each file a list of `[[case]]` tables
//! (documented for authors in `suites/README.md`; keep the two in step).
//!
//! ```toml
//! [[case]]
//! id = "slb/listener/start-running-refused"
//! features = ["listener-lifecycle"]
//! covers = ["transition:listener:stopped->starting", "error:ActionNotAllowed"]
//! needs = ["admin"]
//!
//! [[case.steps]]
//! call = "CreateLoadBalancer"
//! params = { RegionId = "cn-hangzhou", LoadBalancerName = "${prefix}" }
//! capture = { lb = "LoadBalancerId" }
//!
//! [[case.steps]]
//! call = "StartLoadBalancerListener"
//! params = { RegionId = "cn-hangzhou", LoadBalancerId = "${lb}", ListenerPort = 80 }
//! expect = { code = "ActionNotAllowed" }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::client::{SendAs, Signing};

/// One file of cases.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuiteFile {
    /// The dialect of every case in the file that does not name its own (default: the
    /// directory name).
    #[serde(default)]
    pub dialect: Option<String>,
    #[serde(default, rename = "case")]
    pub cases: Vec<Case>,
    /// Base requests for generated cases, per action, where the documents give none that is
    /// valid (`[fixtures.CreateListener] LoadBalancerId = "lb-1", ...`).
    #[serde(default)]
    pub fixtures: BTreeMap<String, Map<String, Value>>,
}

/// What a case needs from the target; a case whose needs are not met is skipped with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    /// The `/_lbconform/` endpoints.
    Admin,
    /// A clock the suite can advance (`/_lbconform/clock/advance`).
    ManualClock,
    /// A second account's keys.
    SecondAccount,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub id: String,
    #[serde(default)]
    pub dialect: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Named features (tags) the report groups by.
    #[serde(default)]
    pub features: Vec<String>,
    /// Spec items the case exercises beyond the actions it calls and the codes it expects:
    /// `action:Name`, `transition:resource:from->to`, `param:Action.Param[:edge]`, `error:Code`.
    #[serde(default)]
    pub covers: Vec<String>,
    #[serde(default)]
    pub needs: Vec<Need>,
    pub steps: Vec<Step>,
    /// Generated from the spec rather than written by hand.
    #[serde(default, skip)]
    pub generated: bool,
}

/// Admin operations a step can perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdminOp {
    /// `lock` the load balancer `args.id`.
    Lock,
    Unlock,
    /// Set backend `args.server` to `args.status`.
    Health,
    /// Advance the manual clock by `args.ms`.
    Advance,
    /// Fail the next `args.count` calls (`args.kind` = unavailable | throttle).
    Fail,
    /// Fire the internal trigger `args.trigger` (`internal:expire`, `internal:fail` ...) of
    /// resource `args.id`'s state machine: transitions no API call causes.
    Transition,
    /// Set the limits the emulator enforces on requests: `args.rate` = documented | off,
    /// `args.https` = required | off. The runner restores the settings after the case.
    Limits,
    /// Tell the emulator about ECS instance `args.id` of the account that owns resource
    /// `args.owner`: its `args.network` (classic or a VPC id), or `args.state = "released"`.
    Ecs,
    /// Leave region `args.region` (`*`: every region not set on its own) room for `args.free`
    /// more resources (a count, or `unlimited`). The runner restores the room after the case.
    Capacity,
}

impl AdminOp {
    pub fn path(self) -> &'static str {
        match self {
            AdminOp::Lock => "lock",
            AdminOp::Unlock => "unlock",
            AdminOp::Health => "health",
            AdminOp::Advance => "clock/advance",
            AdminOp::Fail => "fail",
            AdminOp::Transition => "transition",
            AdminOp::Limits => "limits",
            AdminOp::Ecs => "ecs",
            AdminOp::Capacity => "capacity",
        }
    }
}

/// One step: a call of an action, or an admin operation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The action to call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
    /// Or an admin operation, with `args`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<AdminOp>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub args: Map<String, Value>,
    /// The action's own parameters; strings may hold `${var}`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
    /// What the answer must be; `{ ok = true }` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
    /// Path (JSON pointer `/A/0/B` or dotted `A.0.B`) -> value, or "exists" / "absent".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, Value>,
    /// Variable -> path: values learnt from the answer.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub capture: BTreeMap<String, String>,
    /// Poll until `path` equals `equals`, with a bounded backoff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eventually: Option<Eventually>,
    #[serde(default)]
    pub signing: Signing,
    /// `second`: sign with the second account's keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Alibaba `Format`: `xml` or `json` (default json).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The API version to send instead of the dialect's own (Alibaba `Version`, Tencent
    /// `X-TC-Version`), to provoke the documented unknown-version error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The HTTP method to send instead of the dialect's (`PUT`), signed as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The Host to send and sign instead of the target's (`nosuch.tencentcloudapi.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Tencent 3.0 only: how the call is sent, `json` (the default), `multipart`,
    /// `multipart-broken`, `v1-get` or `v1-form` (see [`SendAs`]). One key, so that no step
    /// can ask for a multipart body under signature v1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send: Option<SendAs>,
    /// Send the previous call's request again, byte for byte (same nonce and signature).
    #[serde(default)]
    pub replay: bool,
    /// Make the call this many times (a burst), each answer checked as the step says; `${n}`
    /// is the call's number, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<u32>,
    /// Parameter -> a length: the parameter's value becomes that many `x` characters (an
    /// oversize request).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pad: BTreeMap<String, u64>,
    /// Generated cases only: the step is part of a setup shared by every case with the same
    /// key (the prerequisites of one action's generated cases), run once for all of them.
    #[serde(skip)]
    pub shared: Option<String>,
    /// Generated cases only: the variable that receives the id the call created (by the
    /// spec's binding of the action, wherever the answer puts it).
    #[serde(skip)]
    pub capture_created: Option<String>,
    /// Generated cases only: what the call creates starts in a transitional state; advance
    /// the manual clock (or wait) before going on.
    #[serde(skip)]
    pub settle: bool,
    /// Generated cases only: the call may consume the shared setup (a delete); set it up
    /// afresh for the next case.
    #[serde(skip)]
    pub release_shared: bool,
}

/// The expected outcome of a call.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ok: Option<bool>,
    /// The error code, exactly (v2's numeric codes as strings: "4000").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Any of these codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_in: Vec<String>,
    /// An error whose code matches this regex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_matches: Option<String>,
    /// Success, or an error whose code does not match this regex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_not_matches: Option<String>,
    /// The HTTP status; when left out with a `code`, one of the statuses the spec documents
    /// for that code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Eventually {
    pub path: String,
    pub equals: Value,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
}

fn default_timeout() -> u64 {
    30_000
}

/// Every case and fixture found under a suite directory.
#[derive(Debug, Clone, Default)]
pub struct Suite {
    pub cases: Vec<Case>,
    /// dialect -> action -> base parameters.
    pub fixtures: BTreeMap<String, BTreeMap<String, Map<String, Value>>>,
}

/// The suite directory: `suites/` of this crate.
pub fn default_suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("suites")
}

/// Loads `dir/<dialect>/*.toml` (and a single file when `dir` is a file).
pub fn load(dir: &Path) -> Result<Suite> {
    let mut suite = Suite::default();
    let mut files = Vec::new();
    if dir.is_file() {
        files.push(dir.to_path_buf());
    } else {
        for e in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let p = e?.path();
            if p.is_dir() && p.file_name().is_some_and(|n| n != "sim") {
                for f in std::fs::read_dir(&p)? {
                    let f = f?.path();
                    if f.extension().is_some_and(|x| x == "toml") {
                        files.push(f);
                    }
                }
            }
        }
    }
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f)?;
        let file: SuiteFile =
            toml::from_str(&text).with_context(|| format!("parsing {}", f.display()))?;
        let dir_name = f
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dialect = file.dialect.clone().unwrap_or(dir_name);
        for mut c in file.cases {
            if c.dialect.is_empty() {
                c.dialect = dialect.clone();
            }
            if c.steps.is_empty() {
                bail!("{}: case {} has no steps", f.display(), c.id);
            }
            for s in &c.steps {
                if s.call.is_some() == s.admin.is_some() {
                    bail!(
                        "{}: case {}: each step is either `call` or `admin`",
                        f.display(),
                        c.id
                    );
                }
                // A signature v1 step's method is its `send` (v1-get or v1-form): a `method`
                // beside it would be ignored, and the case would pass without testing it.
                if s.method.is_some() && matches!(s.send, Some(SendAs::V1Get | SendAs::V1Form)) {
                    bail!(
                        "{}: case {}: `method` does not apply to `send = v1-get | v1-form`, \
                         whose method is GET or POST",
                        f.display(),
                        c.id
                    );
                }
            }
            suite.cases.push(c);
        }
        suite
            .fixtures
            .entry(dialect)
            .or_default()
            .extend(file.fixtures);
    }
    let mut seen = std::collections::HashSet::new();
    for c in &suite.cases {
        if !seen.insert(c.id.clone()) {
            bail!("case id {} is used twice", c.id);
        }
    }
    Ok(suite)
}

impl Case {
    /// The spec items this case exercises: its `covers`, each action it calls, each error code
    /// it expects. The report and `spec coverage` both count with this.
    pub fn coverage_items(&self) -> Vec<String> {
        let mut out = self.covers.clone();
        for s in &self.steps {
            if let Some(a) = &s.call {
                out.push(format!("action:{a}"));
            }
            if let Some(e) = &s.expect {
                if let Some(c) = &e.code {
                    out.push(format!("error:{c}"));
                }
                out.extend(e.code_in.iter().map(|c| format!("error:{c}")));
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The actions this case calls.
    pub fn actions(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().filter_map(|s| s.call.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A suite directory holding one file, `tencent-clb/send.toml`, with one step that says
    /// `send = {value}`.
    fn suite_with_send(value: &str) -> (PathBuf, Result<Suite>) {
        suite_with_step(value, &format!("send = \"{value}\"\n"))
    }

    /// A suite directory holding one file, `tencent-clb/send.toml`, with one DescribeLoadBalancers
    /// step carrying `keys` (TOML lines).
    fn suite_with_step(name: &str, keys: &str) -> (PathBuf, Result<Suite>) {
        let dir =
            std::env::temp_dir().join(format!("lbconform-case-send-{}-{name}", std::process::id()));
        let file = dir.join("tencent-clb").join("send.toml");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let text = format!(
            "[[case]]\nid = \"clb/send/{name}\"\n\n[[case.steps]]\ncall = \"DescribeLoadBalancers\"\n{keys}"
        );
        std::fs::write(&file, text).unwrap();
        let suite = load(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        (file, suite)
    }

    #[test]
    fn a_method_beside_a_signature_v1_send_is_refused_when_the_suite_is_loaded() {
        for send in ["v1-get", "v1-form"] {
            let keys = format!("send = \"{send}\"\nmethod = \"PUT\"\n");
            let (file, suite) = suite_with_step(&format!("method-{send}"), &keys);
            let err = format!("{:#}", suite.unwrap_err());
            assert!(err.contains(&file.display().to_string()), "{err}");
            assert!(err.contains("`method` does not apply"), "{err}");
        }
        // TC3 honours the method, so it stays allowed there.
        let (_, suite) = suite_with_step("method-json", "send = \"json\"\nmethod = \"PUT\"\n");
        assert_eq!(
            suite.unwrap().cases[0].steps[0].method.as_deref(),
            Some("PUT")
        );
    }

    #[test]
    fn each_way_of_sending_is_read_by_its_kebab_case_name() {
        for (name, way) in [
            ("json", SendAs::Json),
            ("multipart", SendAs::Multipart),
            ("multipart-broken", SendAs::MultipartBroken),
            ("v1-get", SendAs::V1Get),
            ("v1-form", SendAs::V1Form),
        ] {
            let (_, suite) = suite_with_send(name);
            let suite = suite.unwrap();
            assert_eq!(suite.cases[0].steps[0].send, Some(way), "{name}");
        }
    }

    #[test]
    fn an_unknown_way_of_sending_is_refused_when_the_suite_is_loaded() {
        // `get` was the old `transport` key's value: now it names nothing.
        for bad in ["get", "multipart-v1-get"] {
            let (file, suite) = suite_with_send(bad);
            let err = format!("{:#}", suite.unwrap_err());
            assert!(err.contains(&file.display().to_string()), "{err}");
            assert!(err.contains(&format!("unknown variant `{bad}`")), "{err}");
            assert!(err.contains("v1-form"), "names the known ways: {err}");
        }
    }

    #[test]
    fn the_old_transport_and_encoding_keys_are_refused() {
        for old in ["transport = \"form\"", "encoding = \"multipart\""] {
            let text = format!("[[case]]\nid = \"x\"\n[[case.steps]]\ncall = \"A\"\n{old}\n");
            let err = toml::from_str::<SuiteFile>(&text).unwrap_err().to_string();
            assert!(err.contains("unknown field"), "{old}: {err}");
        }
    }
}
