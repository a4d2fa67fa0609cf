//! The spec's data model: what one TOML file under `spec/<dialect>/` deserialises into.
//!
//! Every struct denies unknown fields, so a typo in a spec file (`requierd = true`) is a load
//! error rather than a silently ignored key. The format is documented for reviewers in
//! `spec/README.md`; keep the two in step.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

/// Where a spec item came from: a seed file and the section heading inside it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// File name inside `shared/seeds/`, e.g. `001_a96469f2036bcb17.txt`.
    pub file: String,
    /// The heading of the section, as printed in the document.
    pub section: String,
    /// First and last line (1-based, inclusive) of the section, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<[u32; 2]>,
}

/// The dialect's header file, `spec/<dialect>/dialect.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialectFile {
    pub id: String,
    pub name: String,
    pub version: String,
    /// How requests are framed: `rpc` (Alibaba), `tc3` (Tencent 3.0), `v2` (Tencent legacy).
    pub protocol: Protocol,
    /// The seed files this dialect is extracted from.
    pub seeds: Vec<String>,
    /// The API endpoint host(s) the documents name.
    #[serde(default)]
    pub endpoints: Vec<String>,
    /// The signature methods the documents describe.
    #[serde(default)]
    pub signing: Vec<String>,
    pub source: Source,
    /// Parameters every request carries (Action, Version, Signature...).
    #[serde(default)]
    pub common_params: Vec<Param>,
    /// Fields every response carries (RequestId...).
    #[serde(default)]
    pub common_response: Vec<Field>,
    /// Named coded values used across actions (v2's numeric status codes, ...).
    #[serde(default)]
    pub code_tables: Vec<CodeTable>,
    /// How the reference model answers what the documents leave implicit.
    #[serde(default)]
    pub model: ModelHints,
}

/// The codes the reference model answers with where an action's own table is silent: a
/// resource named by a request that does not exist, an action its state forbids. Each code is
/// one the dialect documents (tests/spec.rs checks it).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelHints {
    /// Per id parameter (`LoadBalancerId`), the not-found code; `default` for the rest.
    #[serde(default)]
    pub not_found: BTreeMap<String, String>,
    /// The code for an action the resource's state does not allow.
    #[serde(default)]
    pub not_allowed: Option<String>,
    /// The code for creating what already exists (a key pair name taken).
    #[serde(default)]
    pub already_exists: Option<String>,
    /// Per parameter or structure field name (`Weight`, the last name of
    /// `BackendServers.0.Weight`), the code for a value the spec refuses (range, enum, length,
    /// pattern), where the action documents that code.
    #[serde(default)]
    pub invalid: BTreeMap<String, String>,
    /// Per list parameter (`BackendServers`), the code for more items than the spec allows,
    /// where the action documents that code.
    #[serde(default)]
    pub too_many: BTreeMap<String, String>,
    /// Per id field (`ServerCertificateId`), the code for deleting a resource another one still
    /// names in that field (a certificate an HTTPS listener uses), where the delete documents it.
    #[serde(default)]
    pub in_use: BTreeMap<String, String>,
    /// Per kind of refused value (`range`, `enum`, `length`, `pattern`, `count`), the code
    /// answered where the action documents it and no `invalid` / `too_many` entry applies
    /// (Tencent's `InvalidParameterValue.Range` / `.Length`).
    #[serde(default)]
    pub by_violation: BTreeMap<String, String>,
    /// The code for a plain-HTTP request where the dialect documents HTTPS only, answered
    /// when the emulator is told to serve HTTPS only (v2's 4600).
    #[serde(default)]
    pub plain_http: Option<String>,
    /// The code for a batch that names some resources that do not exist: the rest are acted
    /// on and the answer says only some succeeded (v2's 5400).
    #[serde(default)]
    pub partial: Option<String>,
    /// The code for an action another version of the same API serves but this one does not
    /// (v2's 6100 "not supported by the version"), instead of the no-such-action code.
    #[serde(default)]
    pub other_version: Option<String>,
    /// A project id parameter checked against the caller's projects (v2's module error 100004,
    /// carried in the message of common code 5100).
    #[serde(default)]
    pub unknown_project: Option<ProjectHint>,
    /// The code for an action whose `protocols` do not include the protocol of the listener
    /// the request names (rules on a TCP listener), where the action documents it.
    #[serde(default)]
    pub wrong_protocol: Option<String>,
    /// The code for a `Filters` entry whose Name the action's `[model] filters` does not list,
    /// where the action documents it.
    #[serde(default)]
    pub invalid_filter: Option<String>,
    /// Per parameter of a create (`Vip`), the code for a value another resource of the account
    /// already holds in that field or its plural (`LoadBalancerVips`), where the create
    /// documents it.
    #[serde(default)]
    pub taken: BTreeMap<String, String>,
    /// Per id field inside list parameters (`ServerId` of `BackendServers`), the shape the
    /// documents' ids have and the code for a value without it, where the action documents it.
    #[serde(default)]
    pub malformed: BTreeMap<String, IdShape>,
    /// The code for a create its region has no room left for (a zone sold out), where the
    /// action documents it. The emulator's regions run out only when told to
    /// (`/_lbconform/capacity`, see `model::capacity`).
    #[serde(default)]
    pub insufficient: Option<String>,
    /// The code for a create in a region with no room left at all, where the action documents
    /// it (else `insufficient` answers that too).
    #[serde(default)]
    pub sold_out: Option<String>,
}

/// A parameter naming one of the account's projects, and how an unknown one is answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectHint {
    pub param: String,
    /// The code answered.
    pub code: String,
    /// The module error code the message carries as `(module) ...`, if any.
    #[serde(default)]
    pub module: Option<String>,
}

/// The documented shape of an id field and the code for a value that lacks it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdShape {
    /// A Rust regex, anchored.
    pub pattern: String,
    pub code: String,
    /// A documented id of that shape, for requests built from the spec.
    pub example: String,
}

impl ModelHints {
    /// The not-found code for id parameter `param`.
    pub fn not_found_code(&self, param: &str) -> Option<&str> {
        self.not_found
            .get(param)
            .or_else(|| self.not_found.get("default"))
            .map(String::as_str)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Rpc,
    Tc3,
    V2,
}

/// How much of an action the documents give.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// A full section with parameters.
    #[default]
    Documented,
    /// Named only in an API overview table.
    OverviewOnly,
    /// Named only in an update log.
    ChangelogOnly,
}

/// One action, `spec/<dialect>/actions/<Name>.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub name: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub status: ActionStatus,
    /// The resource group this action belongs to (`listener`, `load_balancer`, `eip`...).
    pub resource: String,
    /// Whether the action changes state (false for Describe*/Query*).
    #[serde(default)]
    pub mutating: bool,
    /// Whether the action completes asynchronously (a task to poll, a transitional state).
    #[serde(default, rename = "async")]
    pub is_async: bool,
    /// Listener protocols this action is for, when it is protocol-specific.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protocols: Vec<String>,
    pub source: Source,
    /// Other places the same action is described (the second SLB document, an overview...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Source>,
    /// Misspellings or aliases seen in the documents, resolved to `name` by an erratum.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub params: Vec<Param>,
    #[serde(default)]
    pub response: Vec<Field>,
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Free-form notes from the document worth keeping (limits, remarks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// What the action means to the reference model, where its name and parameters do not
    /// say it plainly (see `model::binding`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ActionModel>,
}

/// An action's meaning to the reference model, overriding what its name implies.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionModel {
    /// create, read, update, delete, attach, detach or run.
    #[serde(default)]
    pub verb: Option<String>,
    /// The id parameter of the resource the action addresses or creates.
    #[serde(default)]
    pub target: Option<String>,
    /// The list the action attaches, detaches or updates items of, or (a read) lists the items
    /// of. Where the request has no parameter of that name, its other parameters make one item
    /// (AuthorizeSecurityGroup's rule goes into `Permissions`).
    #[serde(default)]
    pub members: Option<String>,
    /// A create whose id the request gives (a key pair's name) rather than the model making one.
    #[serde(default)]
    pub given: bool,
    /// The id prefix, where the documents' examples do not show one.
    #[serde(default)]
    pub id_prefix: Option<String>,
    /// Reference parameters the model takes on trust instead of requiring the resource
    /// (ENS's CreateLoadBalancer names networks the emulator's users rarely create first).
    #[serde(default)]
    pub unchecked: Vec<String>,
    /// The documented names of the action's `Filters` entries; a name ending in `:` is a
    /// prefix (`tag:` for `tag:<tag-key>`). Empty: names are not checked.
    #[serde(default)]
    pub filters: Vec<String>,
    /// A read whose answer lists another resource than its own, its own nested inside
    /// (DescribeForwardLBBackends, of backends, answers listeners with their rules and the
    /// backends bound to each).
    #[serde(default)]
    pub lists: Option<String>,
}

/// The value type of a parameter or field, in the spec's own vocabulary.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    String,
    /// 32-bit integer (`Integer`, `Int`).
    Integer,
    /// 64-bit integer (`Long`).
    Long,
    Float,
    Boolean,
    /// A JSON document carried in one string parameter (Alibaba's BackendServers...).
    Json,
    /// A list: Tencent `Name.N`, or a JSON array inside a `json` parameter.
    Array,
    /// A nested structure (fields inline or a named structure).
    Object,
    /// A date-time string (ISO 8601 or the document's own format).
    Datetime,
    /// A Unix timestamp.
    Timestamp,
}

/// A request parameter, or a field of a structured parameter.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ParamType,
    /// For `array`: the type of each item, when items are scalars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_type: Option<ParamType>,
    /// For `object` or `array` of objects: a named structure in `structures/`.
    #[serde(default, rename = "struct", skip_serializing_if = "Option::is_none")]
    pub structure: Option<String>,
    /// For `object`, `json` or `array` of objects: the fields inline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Param>,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// Bounds on the number of items of an `array`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// A regular expression the whole value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Listener protocols this parameter applies to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protocols: Vec<String>,
    /// The documented meaning of coded values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<Code>,
    /// The value is a sum of the `codes` (Tencent's httpCode 1 | 2 | 4 | 8 | 16).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bitmask: bool,
    /// Special values outside the range that carry a documented meaning (-520 = the backend port).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub special: Vec<Code>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A simple condition on another parameter of the same request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The other parameter. Absent for a condition only `text` can express.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// The condition holds when `param` equals one of these values.
    #[serde(default, rename = "in", skip_serializing_if = "Vec::is_empty")]
    pub one_of: Vec<Value>,
    /// The condition holds when `param` is present (and `in` is empty).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub present: bool,
    /// The document's wording, always kept.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// A documented value and what it means.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    pub value: Value,
    pub meaning: String,
}

/// A named table of coded values shared across actions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeTable {
    pub name: String,
    pub source: Source,
    pub codes: Vec<Code>,
}

/// A response field; the same shape as a parameter, reused so nesting works the same way.
pub type Field = Param;

/// A documented error code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    pub code: String,
    /// The HTTP status the error is answered with. Tencent answers every error with 200 and
    /// the code in the body; the spec says so with 200.
    pub http_status: u16,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Actions the document ties this error to (dialect-level tables only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// Required in dialect-level tables; inherited from the action otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

impl ErrorCode {
    /// Whether an answered `code` is this documented one: the same text, or, for a template
    /// such as ENS's `Missing%s` (`%s` is a parameter name), the template filled with a name
    /// (`MissingLoadBalancerId`; a dotted code such as `InvalidTimeStamp.Expired` is no fill).
    pub fn matches(&self, code: &str) -> bool {
        self.code == code || self.fill(code).is_some()
    }

    /// What `code` puts in this template's `%s` (`LoadBalancerId` of `MissingLoadBalancerId`).
    pub fn fill<'c>(&self, code: &'c str) -> Option<&'c str> {
        let (pre, post) = self.code.split_once("%s")?;
        code.strip_prefix(pre)
            .and_then(|rest| rest.strip_suffix(post))
            .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric()))
    }

    /// Whether the code is a template (`Invalid%s`).
    pub fn is_template(&self) -> bool {
        self.code.contains("%s")
    }
}

/// The dialect-level error table, `spec/<dialect>/errors.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorsFile {
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
}

/// A rule between parameters of one request. Names may be dotted paths into structured
/// parameters (`HealthCheck.TimeOut`, `listeners.timeOut` for each item of a list).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub kind: RuleKind,
    /// The parameter the rule constrains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// The other parameter(s) it is compared with or depends on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub others: Vec<String>,
    /// For `allowed_only_when` / `forbidden_when`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// A second condition that must hold with `when` (a public *and* IPv4 load balancer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub also_when: Option<Condition>,
    /// Narrows `allowed_only_when` / `forbidden_when` to these values of `param` (QUIC_CID only
    /// with UDP: `param = "SessionType"`, `param_in = ["QUIC_CID"]`); empty means any value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub param_in: Vec<Value>,
    /// The error the rule produces when broken, if the document names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// `param` < `others[0]`, else an error (Tencent TimeOut < IntervalTime).
    LessThan,
    /// `param` <= `others[0]`, else an error.
    LessEqual,
    /// When `param` < `others[0]`, `param` is replaced by `others[0]` (SLB health-check timeout).
    RaiseToAtLeast,
    /// `param` may be given only when `when` holds (Cookie only with StickySessionType=server).
    AllowedOnlyWhen,
    /// `param` must not be given when `when` holds.
    ForbiddenWhen,
    /// At most one of `others` may be given.
    MutuallyExclusive,
    /// At least one of `others` must be given.
    AtLeastOneOf,
    /// Anything else: the `description` says it.
    Text,
}

/// A documented example request or response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub kind: ExampleKind,
    pub format: ExampleFormat,
    pub body: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ExampleKind {
    Request,
    Response,
    Error,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ExampleFormat {
    Xml,
    Json,
    Url,
    Text,
}

/// A named data structure, `spec/<dialect>/structures/<Name>.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Structure {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub source: Source,
    pub fields: Vec<Param>,
    /// Rules between this structure's fields (Tencent's HealthCheck TimeOut < IntervalTime).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
}

/// A resource's state machine, `spec/<dialect>/state_machines/<resource>.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateMachine {
    pub resource: String,
    #[serde(default)]
    pub description: String,
    /// The response field that carries the state (`ListenerStatus`, `Status`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_field: Option<String>,
    pub initial: String,
    pub source: Source,
    pub states: Vec<State>,
    pub transitions: Vec<Transition>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Actions the state allows on the resource (empty: not stated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allows: Vec<String>,
    /// Actions the state forbids, and the error they get.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbids: Vec<Forbidden>,
    /// A transitional state that completes on its own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub transient: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Forbidden {
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    pub from: String,
    pub to: String,
    /// An action name, or `internal:<what>` for a completion the service makes on its own
    /// (`internal:complete`, `internal:expire`, `internal:health_check`).
    pub trigger: String,
    /// The document implies the transition rather than stating it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub implied: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// `spec/<dialect>/errata.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrataFile {
    #[serde(default)]
    pub errata: Vec<Erratum>,
}

/// A contradiction in the documents, with both readings and the one the spec uses.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Erratum {
    pub id: String,
    pub title: String,
    pub readings: Vec<Reading>,
    /// What the spec uses.
    pub chosen: String,
    /// Why: the evidence (another page, the official SDK, an example).
    pub evidence: String,
    /// Spec items it touches: `action:Name`, `param:Action.Param`, `error:Code`, `signature`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affects: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    pub text: String,
    pub source: Source,
}

/// `spec/<dialect>/limits.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsFile {
    #[serde(default)]
    pub limits: Vec<Limit>,
}

/// A documented limit or quota.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// A stable identifier, e.g. `backends_per_call`.
    pub name: String,
    pub value: Number,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// What the limit counts over (`per call`, `per load balancer`, `per account and region`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// Actions the limit applies to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    pub description: String,
    pub source: Source,
    /// What the emulator enforces of it, where it enforces it (a quota or a request rate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<LimitModel>,
}

/// How the model enforces a limit: a quota on stored resources (`quota`, `under`, `adds`), a
/// request rate (`rate`) or a message size (`size`), refused with `code`. Adding one is an edit
/// to `spec/`.
///
/// ```toml
/// model = { quota = "listener", under = "LoadBalancerId", adds = "Ports", code = "LimitExceeded" }
/// model = { rate = ["account", "region"], code = "RequestLimitExceeded" }
/// model = { size = "get", code = "RequestSizeLimitExceeded" }
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitModel {
    /// Quota: the kind of resource counted (`listener`), among the children of `under`'s (or
    /// the account's in the region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<String>,
    /// Quota: the id parameter naming the resource that holds them (`LoadBalancerId`), or
    /// `region` (the request's region holds the account's resources of the kind there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub under: Option<String>,
    /// Quota: the parameter saying how many a call adds: a list, one per item (`Ports`), or a
    /// count (`Number`); one per call without.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adds: Option<String>,
    /// Quota: attribute -> value, the only resources (and requests) that count
    /// (`LoadBalancerType = "OPEN"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub only: BTreeMap<String, String>,
    /// Quota: the id the dialect's quota query reports it under (Tencent DescribeQuota's
    /// `TOTAL_OPEN_CLB_QUOTA`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_as: Option<String>,
    /// Rate (value per second): what a count is kept per besides the action: `account`,
    /// `region`; empty for every caller together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Vec<String>>,
    /// Size (value in `unit` KB or MB): what is bounded: `get` (a GET request), `form` (a
    /// form-encoded POST), `json` (a JSON POST), `response` (an answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// The code answered when the limit is passed.
    pub code: String,
}

impl Limit {
    /// A size limit's bytes (`unit` KB or MB, binary multiples), if it is one.
    pub fn bytes(&self) -> Option<u64> {
        let n = self.value.as_u64()?;
        match self.unit.as_str() {
            "bytes" => Some(n),
            "KB" => Some(n * 1024),
            "MB" => Some(n * 1024 * 1024),
            _ => None,
        }
    }
}

/// `spec/<dialect>/regions.toml`: the regions the documents name, the request parameter(s)
/// that carry one, the code(s) for a region not among them, and the features only some
/// regions have.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionCatalogue {
    /// The parameters naming the region of a request, first given wins (`RegionId`,
    /// `EnsRegionId`, Tencent's common `Region`).
    #[serde(default)]
    pub params: Vec<String>,
    /// The codes for a region not in the catalogue, in order of preference: the first one the
    /// action documents (a row with no `actions` applies to every action); a template
    /// (`Invalid%s`) is filled with the parameter's name.
    #[serde(default)]
    pub unknown: Vec<String>,
    #[serde(default)]
    pub regions: Vec<Region>,
    #[serde(default)]
    pub features: Vec<RegionFeature>,
}

/// One documented region.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub id: String,
    /// The local name the documents print (`华北 2（北京）`).
    #[serde(default)]
    pub name: String,
    /// The [`RegionFeature`]s the documents say this region has.
    #[serde(default)]
    pub features: Vec<String>,
    /// Other fields the documents print for the region in the region list's answer (ENS's
    /// `Area`, `Province`).
    #[serde(default)]
    pub answer: BTreeMap<String, Value>,
    pub source: Source,
}

/// A feature only some regions have: a request giving `param` to one of `actions` in a region
/// without it is refused with `error`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionFeature {
    pub name: String,
    pub param: String,
    pub actions: Vec<String>,
    pub error: String,
    pub description: String,
    pub source: Source,
}

impl RegionCatalogue {
    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }
}
