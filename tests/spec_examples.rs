//! The documents' own request examples, run through the wire decoder and the spec-driven
//! validation. An example the spec rejects is either an extraction mistake (fix the spec) or a
//! documented contradiction, which must then be an erratum naming the action.

use lbconform::model::validate::{validate, Violation};
use lbconform::spec::{self, examples, Dialect, Param};

struct Outcome {
    checked: usize,
    failures: Vec<String>,
}

fn run(d: &Dialect) -> Outcome {
    let mut out = Outcome {
        checked: 0,
        failures: Vec::new(),
    };
    for a in d.actions.values() {
        for ex in examples::requests(d, a) {
            out.checked += 1;
            let typed = match ex.params {
                Ok(t) => t,
                Err(e) => {
                    out.failures.push(format!("{}: {e}", a.name));
                    continue;
                }
            };
            let structs2 =
                |n: &str| -> Option<&[Param]> { d.structures.get(n).map(|s| s.fields.as_slice()) };
            // A skeleton example (`&<公共请求参数>`) shows the shape, not a complete request: its
            // omissions are not contradictions. Values the documents mask (`10.0.XX.XX`) cannot
            // match a format either.
            let skeleton = ex.body.contains("<公共请求参数>")
                || ex.body.contains("<Common Request Parameters>");
            let masked = |v: &Violation| matches!(v, Violation::Pattern { value, .. } if value.contains("XX"));
            let real = |v: &&Violation| !(masked(v) || (skeleton && v.is_missing()));
            if let Err(v) = validate(a, &typed, &structs2) {
                let v: Vec<String> = v.iter().filter(real).map(|x| x.to_string()).collect();
                if !v.is_empty() {
                    out.failures.push(format!("{}: {}", a.name, v.join("; ")));
                }
            }
        }
    }
    out
}

/// Whether an erratum of the dialect names the action.
fn explained(d: &Dialect, action: &str) -> bool {
    let key = format!("action:{action}");
    d.errata.iter().any(|e| {
        e.affects
            .iter()
            .any(|a| a == &key || a.starts_with(&format!("param:{action}.")))
    })
}

#[test]
fn documented_request_examples_validate_or_have_an_erratum() {
    let spec = spec::load_default().unwrap();
    let mut unexplained = Vec::new();
    for d in &spec.dialects {
        let o = run(d);
        eprintln!(
            "{}: {} request examples checked, {} rejected",
            d.id(),
            o.checked,
            o.failures.len()
        );
        for f in o.failures {
            let action = f.split(':').next().unwrap_or("");
            if !explained(d, action) {
                unexplained.push(format!("{}: {f}", d.id()));
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "request examples the spec rejects with no erratum:\n{}",
        unexplained.join("\n")
    );
}
