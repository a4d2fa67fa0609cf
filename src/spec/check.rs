//! `lbconform spec check`: the consistency rules a spec must satisfy.
//!
//! A problem is anything a reviewer would have to catch by eye otherwise: a default outside its
//! range or enum, min above max, a transition naming an unknown state or action, an error without
//! an HTTP status, an item without a source, a citation whose section is not in its seed file, an
//! erratum without evidence.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::load::{Dialect, Spec};
use super::schema::*;

/// One thing wrong, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub dialect: String,
    pub item: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.dialect, self.item, self.message)
    }
}

/// The seed documents, read once, for checking citations against them.
pub struct Seeds {
    dir: PathBuf,
    /// File name -> the file's lines, and its text with all whitespace removed.
    files: HashMap<String, (Vec<String>, String)>,
}

impl Seeds {
    /// Reads the seeds in `dir`; a missing directory gives an empty set (citations then get only
    /// the structural checks).
    pub fn read(dir: &Path) -> Seeds {
        let mut files = HashMap::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                if let Ok(text) = std::fs::read_to_string(e.path()) {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let lines = text.lines().map(str::to_string).collect();
                    files.insert(name, (lines, squash(&text)));
                }
            }
        }
        Seeds {
            dir: dir.to_path_buf(),
            files,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Whitespace removed: PDF extraction breaks headings across lines and pages.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Checks the whole spec; an empty result means it is consistent.
pub fn check(spec: &Spec, seeds: &Seeds) -> Vec<Problem> {
    spec.dialects
        .iter()
        .flat_map(|d| check_dialect(d, seeds))
        .collect()
}

/// Checks one dialect.
pub fn check_dialect(d: &Dialect, seeds: &Seeds) -> Vec<Problem> {
    let mut c = Checker {
        d,
        seeds,
        out: Vec::new(),
    };
    c.header();
    for a in d.actions.values() {
        c.action(a);
    }
    for s in d.structures.values() {
        let item = format!("structure {}", s.name);
        c.source(&item, &s.source);
        c.params(&item, &s.fields, &s.fields);
        for r in &s.rules {
            c.rule(&item, r, &s.fields);
        }
    }
    for (i, e) in d.errors.iter().enumerate() {
        c.error(&format!("errors.toml #{} {}", i + 1, e.code), e, true);
    }
    for m in d.state_machines.values() {
        c.state_machine(m);
    }
    for e in &d.errata {
        c.erratum(e);
    }
    for l in &d.limits {
        c.source(&format!("limit {}", l.name), &l.source);
        c.known_actions(&format!("limit {}", l.name), l.actions.iter());
        if let Some(m) = &l.model {
            c.limit_model(l, m);
        }
    }
    c.regions();
    c.malformed();
    c.out
}

struct Checker<'a> {
    d: &'a Dialect,
    seeds: &'a Seeds,
    out: Vec<Problem>,
}

impl Checker<'_> {
    fn problem(&mut self, item: &str, message: impl Into<String>) {
        self.out.push(Problem {
            dialect: self.d.id().to_string(),
            item: item.to_string(),
            message: message.into(),
        });
    }

    fn header(&mut self) {
        let h = &self.d.header;
        let dir_name = self
            .d
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        if dir_name.as_deref() != Some(h.id.as_str()) {
            self.problem(
                "dialect.toml",
                format!("id `{}` differs from its directory name", h.id),
            );
        }
        if h.seeds.is_empty() {
            self.problem("dialect.toml", "no seed files listed");
        }
        if !self.seeds.is_empty() {
            for s in &h.seeds {
                if !self.seeds.files.contains_key(s) {
                    self.problem(
                        "dialect.toml",
                        format!("seed `{s}` is not in {}", self.seeds.dir.display()),
                    );
                }
            }
        }
        self.source("dialect.toml", &h.source);
        let common = h.common_params.clone();
        self.params("dialect.toml common_params", &common, &common);
        for t in &h.code_tables {
            self.source(&format!("code table {}", t.name), &t.source);
        }
    }

    fn source(&mut self, item: &str, s: &Source) {
        if !self.d.header.seeds.contains(&s.file) {
            self.problem(
                item,
                format!(
                    "source file `{}` is not one of this dialect's seeds",
                    s.file
                ),
            );
            return;
        }
        if s.section.trim().is_empty() {
            self.problem(item, "source has an empty section");
        }
        let Some((lines, squashed)) = self.seeds.files.get(&s.file) else {
            return;
        };
        let heading = squash(&s.section);
        if !squashed.contains(&heading) {
            self.problem(
                item,
                format!("section `{}` does not occur in {}", s.section, s.file),
            );
            return;
        }
        let Some([from, to]) = s.lines else {
            return;
        };
        if from == 0 || from > to || to as usize > lines.len() {
            let n = lines.len();
            self.problem(
                item,
                format!(
                    "lines {from}-{to} are not a range inside {} ({n} lines)",
                    s.file
                ),
            );
            return;
        }
        // The heading must be inside the cited range (a few lines of slack above it, where a
        // PDF page header pushed it up), so a citation cannot point at the wrong section.
        let start = (from as usize).saturating_sub(4);
        let window: String = lines[start..to as usize]
            .iter()
            .map(|l| squash(l))
            .collect();
        if !window.contains(&heading) {
            self.problem(
                item,
                format!(
                    "section `{}` is not within lines {from}-{to} of {}",
                    s.section, s.file
                ),
            );
        }
    }

    fn action(&mut self, a: &Action) {
        let item = format!("action {}", a.name);
        if a.name.is_empty() || !a.name.chars().all(|c| c.is_ascii_alphanumeric()) {
            self.problem(&item, "action names are ASCII letters and digits");
        }
        if a.resource.is_empty() {
            self.problem(&item, "no resource group");
        }
        self.source(&item, &a.source);
        for s in &a.also {
            self.source(&item, s);
        }
        let all: Vec<Param> = self
            .d
            .header
            .common_params
            .iter()
            .chain(&a.params)
            .cloned()
            .collect();
        self.params(&item, &a.params, &all);
        self.params(&format!("{item} response"), &a.response, &a.response);
        for e in &a.errors {
            self.error(&item, e, false);
        }
        for r in &a.rules {
            self.rule(&item, r, &all);
        }
        if a.status == ActionStatus::Documented && a.params.is_empty() && a.response.is_empty() {
            self.problem(
                &item,
                "a documented action with neither parameters nor response fields",
            );
        }
        for ex in &a.examples {
            if ex.format == ExampleFormat::Json && ex.kind != ExampleKind::Request {
                if let Err(e) = serde_json::from_str::<Value>(&ex.body) {
                    // PDF examples are often truncated or annotated; keep them but mark them as
                    // text so the snapshot tests do not compare shapes against broken JSON.
                    self.problem(
                        &item,
                        format!(
                            "example `{}` is not valid JSON ({e}); use format = \"text\"",
                            ex.title
                        ),
                    );
                }
            }
        }
    }

    /// Checks a list of parameters; `scope` is what `required_when` and rules may refer to.
    fn params(&mut self, item: &str, params: &[Param], scope: &[Param]) {
        let mut seen = BTreeSet::new();
        for p in params {
            if !seen.insert(p.name.as_str()) {
                self.problem(item, format!("parameter `{}` is listed twice", p.name));
            }
            self.param(&format!("{item}.{}", p.name), p, scope);
        }
    }

    fn param(&mut self, item: &str, p: &Param, scope: &[Param]) {
        if p.name.trim().is_empty() {
            self.problem(item, "empty parameter name");
        }
        if let (Some(lo), Some(hi)) = (num(&p.min), num(&p.max)) {
            if lo > hi {
                self.problem(item, format!("min {lo} is above max {hi}"));
            }
        }
        if let (Some(lo), Some(hi)) = (p.min_length, p.max_length) {
            if lo > hi {
                self.problem(item, format!("min_length {lo} is above max_length {hi}"));
            }
        }
        if let (Some(lo), Some(hi)) = (p.min_items, p.max_items) {
            if lo > hi {
                self.problem(item, format!("min_items {lo} is above max_items {hi}"));
            }
        }
        let pattern = match p.pattern.as_deref().map(regex::Regex::new) {
            Some(Err(e)) => {
                self.problem(item, format!("pattern does not compile: {e}"));
                None
            }
            Some(Ok(re)) => Some(re),
            None => None,
        };
        if p.item_type.is_some() && p.ty != ParamType::Array {
            self.problem(item, "item_type is only for arrays");
        }
        if let Some(s) = &p.structure {
            if !self.d.structures.contains_key(s) {
                self.problem(item, format!("structure `{s}` is not defined"));
            }
        }
        if let Some(c) = &p.required_when {
            self.condition(item, c, scope);
            if p.required {
                self.problem(item, "both required and required_when");
            }
        }
        for v in &p.enum_values {
            if let Some(why) = value_misfits(p, v) {
                self.problem(item, format!("enum value {v} {why}"));
            }
        }
        if let Some(def) = &p.default {
            if let Some(why) = value_misfits(p, def) {
                self.problem(item, format!("default {def} {why}"));
            }
            let in_enum =
                p.enum_values.is_empty() || p.enum_values.iter().any(|e| loosely_equal(e, def));
            if !in_enum {
                self.problem(item, format!("default {def} is not in its enum"));
            }
            if let (Some(re), Some(s)) = (&pattern, def.as_str()) {
                if !re.is_match(s) {
                    self.problem(item, format!("default {def} does not match its pattern"));
                }
            }
        }
        let nested = p.fields.clone();
        self.params(item, &nested, &nested);
    }

    fn condition(&mut self, item: &str, c: &Condition, scope: &[Param]) {
        match &c.param {
            Some(name) if !scope.iter().any(|p| &p.name == name) => {
                self.problem(item, format!("condition names unknown parameter `{name}`"));
            }
            None if c.text.is_empty() => {
                self.problem(item, "condition with neither param nor text")
            }
            _ => {}
        }
    }

    fn error(&mut self, item: &str, e: &ErrorCode, table: bool) {
        if e.code.trim().is_empty() {
            self.problem(item, "error without a code");
        }
        if !(100..=599).contains(&e.http_status) {
            self.problem(
                item,
                format!(
                    "error {} has no valid HTTP status ({})",
                    e.code, e.http_status
                ),
            );
        }
        match &e.source {
            Some(s) => self.source(item, s),
            None if table => self.problem(item, format!("error {} has no source", e.code)),
            None => {}
        }
        self.known_actions(item, e.actions.iter());
    }

    /// Finds a parameter by a dotted path through inline fields and named structures.
    fn resolve<'p>(&'p self, scope: &'p [Param], path: &str) -> Option<&'p Param> {
        let (head, rest) = match path.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (path, None),
        };
        let p = scope.iter().find(|p| p.name == head)?;
        let Some(rest) = rest else {
            return Some(p);
        };
        let fields: &[Param] = if !p.fields.is_empty() {
            &p.fields
        } else {
            &self.d.structures.get(p.structure.as_deref()?)?.fields
        };
        self.resolve(fields, rest)
    }

    fn rule(&mut self, item: &str, r: &Rule, scope: &[Param]) {
        let names = r.param.iter().chain(&r.others);
        for n in names {
            if self.resolve(scope, n).is_none() {
                self.problem(item, format!("rule names unknown parameter `{n}`"));
            }
        }
        if let Some(c) = &r.when {
            self.condition(item, c, scope);
        }
        let needs_pair = matches!(
            r.kind,
            RuleKind::LessThan | RuleKind::LessEqual | RuleKind::RaiseToAtLeast
        );
        if needs_pair && (r.param.is_none() || r.others.len() != 1) {
            self.problem(
                item,
                format!(
                    "{:?} rule needs `param` and exactly one of `others`",
                    r.kind
                ),
            );
        }
        if let Some(s) = &r.source {
            self.source(item, s);
        }
    }

    fn state_machine(&mut self, m: &StateMachine) {
        let item = format!("state machine {}", m.resource);
        self.source(&item, &m.source);
        let states: BTreeSet<&str> = m.states.iter().map(|s| s.name.as_str()).collect();
        if states.len() != m.states.len() {
            self.problem(&item, "a state is listed twice");
        }
        if !states.contains(m.initial.as_str()) {
            self.problem(
                &item,
                format!("initial state `{}` is not a state", m.initial),
            );
        }
        for t in &m.transitions {
            for end in [&t.from, &t.to] {
                if end != "*" && !states.contains(end.as_str()) {
                    self.problem(&item, format!("transition names unknown state `{end}`"));
                }
            }
            if !t.trigger.starts_with("internal:") && self.d.action(&t.trigger).is_none() {
                self.problem(
                    &item,
                    format!(
                        "transition trigger `{}` is neither an action nor internal:*",
                        t.trigger
                    ),
                );
            }
            if let Some(s) = &t.source {
                self.source(&item, s);
            }
        }
        for s in &m.states {
            let actions = s.allows.iter().chain(s.forbids.iter().map(|f| &f.action));
            self.known_actions(&format!("{item} state {}", s.name), actions);
        }
    }

    fn erratum(&mut self, e: &Erratum) {
        let item = format!("erratum {}", e.id);
        if e.readings.len() < 2 {
            self.problem(&item, "an erratum needs both readings");
        }
        if e.evidence.trim().is_empty() {
            self.problem(&item, "erratum without evidence");
        }
        if e.chosen.trim().is_empty() {
            self.problem(&item, "erratum without the reading chosen");
        }
        for r in &e.readings {
            self.source(&item, &r.source);
        }
        for a in &e.affects {
            if let Some(name) = a.strip_prefix("action:") {
                self.known_actions(&item, std::iter::once(&name.to_string()));
            }
        }
    }

    /// A limit the model enforces: its code is documented (or chosen by an erratum where the
    /// documents give none), a quota names parameters its actions have, a rate is per second.
    fn limit_model(&mut self, l: &crate::spec::Limit, m: &crate::spec::LimitModel) {
        let item = format!("limit {}", l.name);
        let chosen = |d: &Dialect| {
            d.errata
                .iter()
                .any(|e| e.affects.iter().any(|a| a == &format!("error:{}", m.code)))
        };
        if self.d.errors_for(&m.code).is_empty() && !chosen(self.d) {
            self.problem(
                &item,
                format!("answers `{}`, which no error table documents", m.code),
            );
        }
        if l.value.as_u64().is_none() {
            self.problem(&item, "an enforced limit needs a whole-number value");
        }
        match (&m.quota, &m.rate, &m.size) {
            (Some(_), None, None) => {
                // `region` is the request's region, not a parameter; `only` names
                // parameters the request must carry to count.
                let under = m.under.iter().filter(|u| u.as_str() != "region");
                let params = under.chain(&m.adds).chain(m.only.keys());
                for p in params {
                    for a in &l.actions {
                        let has = self
                            .d
                            .action(a)
                            .is_some_and(|x| x.params.iter().any(|q| &q.name == p));
                        if !has {
                            self.problem(&item, format!("action `{a}` has no parameter `{p}`"));
                        }
                    }
                }
                if m.under.is_none() || l.actions.is_empty() {
                    self.problem(&item, "a quota needs `under` and the actions it bounds");
                }
            }
            (None, Some(per), None) => {
                if !l.unit.contains("second") {
                    self.problem(&item, format!("a rate is per second, not `{}`", l.unit));
                }
                for p in per
                    .iter()
                    .filter(|p| !matches!(p.as_str(), "account" | "region"))
                {
                    self.problem(&item, format!("unknown rate dimension `{p}`"));
                }
            }
            (None, None, Some(what)) => {
                if l.bytes().is_none() {
                    self.problem(
                        &item,
                        format!("a size is in bytes, KB or MB, not `{}`", l.unit),
                    );
                }
                if !matches!(what.as_str(), "get" | "form" | "json" | "response") {
                    self.problem(&item, format!("unknown size `{what}`"));
                }
            }
            _ => self.problem(&item, "a limit's model is one of `quota`, `rate`, `size`"),
        }
    }

    /// Every region cites its source and names only declared features; every feature its
    /// actions and a documented error; every code for an unknown region is documented.
    fn regions(&mut self) {
        let cat = &self.d.regions;
        for r in &cat.regions {
            let item = format!("region {}", r.id);
            self.source(&item, &r.source);
            for f in &r.features {
                if !cat.features.iter().any(|x| &x.name == f) {
                    self.problem(&item, format!("names undeclared feature `{f}`"));
                }
            }
        }
        for f in &cat.features {
            let item = format!("region feature {}", f.name);
            self.source(&item, &f.source);
            self.known_actions(&item, f.actions.iter());
            self.documented_code(&item, &f.error);
        }
        for code in &cat.unknown {
            self.documented_code("regions.toml unknown", code);
        }
        if !cat.regions.is_empty() && cat.params.is_empty() {
            self.problem(
                "regions.toml",
                "regions without the parameter(s) naming one",
            );
        }
    }

    /// Every `[model] malformed` shape compiles, its example has it, and its code is documented.
    fn malformed(&mut self) {
        for (field, shape) in &self.d.header.model.malformed {
            let item = format!("[model] malformed {field}");
            match regex::Regex::new(&shape.pattern) {
                Ok(re) if !re.is_match(&shape.example) => self.problem(
                    &item,
                    format!("example `{}` lacks the shape", shape.example),
                ),
                Ok(_) => {}
                Err(e) => self.problem(&item, format!("pattern does not compile: {e}")),
            }
            self.documented_code(&item, &shape.code);
        }
    }

    fn documented_code(&mut self, item: &str, code: &str) {
        if !self.d.all_errors().any(|e| e.code == code) {
            self.problem(item, format!("names undocumented error `{code}`"));
        }
    }

    fn known_actions<'s>(&mut self, item: &str, names: impl Iterator<Item = &'s String>) {
        let unknown: Vec<String> = names
            .filter(|n| self.d.action(n).is_none())
            .cloned()
            .collect();
        for n in unknown {
            self.problem(item, format!("names unknown action `{n}`"));
        }
    }
}

fn num(n: &Option<serde_json::Number>) -> Option<f64> {
    n.as_ref().and_then(|n| n.as_f64())
}

/// Documents give numbers as strings and the reverse; compare by text.
fn loosely_equal(a: &Value, b: &Value) -> bool {
    a == b || text_of(a) == text_of(b)
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Why `v` cannot be a value of `p` (its range and length), if it cannot.
fn value_misfits(p: &Param, v: &Value) -> Option<String> {
    let numeric = matches!(
        p.ty,
        ParamType::Integer | ParamType::Long | ParamType::Float
    );
    if numeric {
        let x = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.parse::<f64>().ok(),
            _ => None,
        };
        let Some(x) = x else {
            return Some("is not a number".into());
        };
        if num(&p.min).is_some_and(|lo| x < lo) || num(&p.max).is_some_and(|hi| x > hi) {
            let special = p.special.iter().any(|s| loosely_equal(&s.value, v));
            if !special {
                return Some("is outside its range".into());
            }
        }
    }
    if let (ParamType::String, Value::String(s)) = (p.ty, v) {
        let n = s.chars().count() as u64;
        if p.min_length.is_some_and(|lo| n < lo) || p.max_length.is_some_and(|hi| n > hi) {
            return Some("is outside its length bounds".into());
        }
    }
    None
}
