//! `lbconform spec show DIALECT ACTION`: one action as a page a person reads.

use std::fmt::Write;

use super::load::Dialect;
use super::schema::{Action, Param, Source};

fn cite(s: &Source) -> String {
    match s.lines {
        Some([a, b]) => format!("{} § {} (lines {a}-{b})", s.file, s.section),
        None => format!("{} § {}", s.file, s.section),
    }
}

fn range(p: &Param) -> String {
    let mut parts = Vec::new();
    match (&p.min, &p.max) {
        (Some(a), Some(b)) => parts.push(format!("{a}..={b}")),
        (Some(a), None) => parts.push(format!(">= {a}")),
        (None, Some(b)) => parts.push(format!("<= {b}")),
        (None, None) => {}
    }
    match (p.min_length, p.max_length) {
        (Some(a), Some(b)) => parts.push(format!("length {a}..={b}")),
        (None, Some(b)) => parts.push(format!("length <= {b}")),
        (Some(a), None) => parts.push(format!("length >= {a}")),
        (None, None) => {}
    }
    if let Some(pat) = &p.pattern {
        parts.push(format!("/{pat}/"));
    }
    if !p.enum_values.is_empty() {
        let vals: Vec<String> = p.enum_values.iter().map(|v| v.to_string()).collect();
        parts.push(format!("one of {}", vals.join(", ")));
    }
    if let Some(d) = &p.default {
        parts.push(format!("default {d}"));
    }
    parts.join("; ")
}

fn param_lines(out: &mut String, params: &[Param], depth: usize) {
    for p in params {
        let req = if p.required {
            "required".to_string()
        } else if let Some(c) = &p.required_when {
            let vals: Vec<String> = c.one_of.iter().map(|v| v.to_string()).collect();
            match &c.param {
                Some(name) if !vals.is_empty() => {
                    format!("required when {name} in [{}]", vals.join(", "))
                }
                Some(name) => format!("required when {name} is given"),
                None => format!("required when: {}", c.text),
            }
        } else {
            "optional".to_string()
        };
        let ty = match (&p.item_type, &p.structure) {
            (_, Some(s)) => format!("{:?}<{s}>", p.ty),
            (Some(t), None) => format!("{:?}<{t:?}>", p.ty),
            _ => format!("{:?}", p.ty),
        };
        let pad = "  ".repeat(depth + 1);
        let _ = writeln!(
            out,
            "{pad}{:<28} {:<18} {:<10} {}",
            p.name,
            ty.to_lowercase(),
            req,
            range(p)
        );
        if !p.description.is_empty() {
            let _ = writeln!(out, "{pad}    {}", p.description);
        }
        if !p.protocols.is_empty() {
            let _ = writeln!(out, "{pad}    protocols: {}", p.protocols.join(", "));
        }
        for c in p.codes.iter().chain(&p.special) {
            let _ = writeln!(out, "{pad}    {} = {}", c.value, c.meaning);
        }
        param_lines(out, &p.fields, depth + 1);
    }
}

pub fn show(d: &Dialect, a: &Action) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} / {}  ({:?}, resource {})",
        d.id(),
        a.name,
        a.status,
        a.resource
    );
    if !a.summary.is_empty() {
        let _ = writeln!(out, "  {}", a.summary);
    }
    let _ = writeln!(out, "  source: {}", cite(&a.source));
    for s in &a.also {
        let _ = writeln!(out, "  also:   {}", cite(s));
    }
    if !a.aliases.is_empty() {
        let _ = writeln!(out, "  aliases: {}", a.aliases.join(", "));
    }
    let _ = writeln!(out, "\nRequest parameters ({}):", a.params.len());
    param_lines(&mut out, &a.params, 0);
    let _ = writeln!(out, "\nResponse fields ({}):", a.response.len());
    param_lines(&mut out, &a.response, 0);
    if !a.rules.is_empty() {
        let _ = writeln!(out, "\nRules:");
        for r in &a.rules {
            let _ = writeln!(out, "  {:?}: {}", r.kind, r.description);
        }
    }
    if !a.errors.is_empty() {
        let _ = writeln!(out, "\nErrors:");
        for e in &a.errors {
            let _ = writeln!(
                out,
                "  {:<40} HTTP {}  {}",
                e.code, e.http_status, e.message
            );
        }
    }
    let _ = writeln!(out, "\nExamples: {}", a.examples.len());
    for n in &a.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    out
}
