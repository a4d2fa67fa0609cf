//! State machines from the spec, made executable: which transition an action takes from a
//! state, what a state forbids, and when a transitional state completes on its own.

use crate::spec::{StateMachine, Transition};

/// Why an action cannot run in the resource's current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAllowed {
    pub state: String,
    /// The error the spec ties to the refusal, when it names one.
    pub error: Option<String>,
}

/// The transition `trigger` takes from `state`; `wanted` picks among several (SetLoadBalancerStatus
/// goes to active or inactive by its parameter). `Ok(None)`: the machine says nothing about the
/// trigger, which leaves the state as it is.
pub fn step<'m>(
    m: &'m StateMachine,
    state: &str,
    trigger: &str,
    wanted: Option<&str>,
) -> Result<Option<&'m Transition>, NotAllowed> {
    let st = m.states.iter().find(|s| s.name.eq_ignore_ascii_case(state));
    if let Some(f) = st.and_then(|s| s.forbids.iter().find(|f| f.action == trigger)) {
        return Err(NotAllowed {
            state: state.to_string(),
            error: f.error.clone(),
        });
    }
    let mentions = m.transitions.iter().any(|t| t.trigger == trigger);
    if !mentions {
        return Ok(None);
    }
    let candidates: Vec<&Transition> = m
        .transitions
        .iter()
        .filter(|t| t.trigger == trigger && (t.from.eq_ignore_ascii_case(state) || t.from == "*"))
        .collect();
    let chosen = match wanted {
        Some(w) => candidates
            .iter()
            .find(|t| t.to.eq_ignore_ascii_case(w))
            .copied(),
        None => candidates.first().copied(),
    };
    chosen.map(Some).ok_or(NotAllowed {
        state: state.to_string(),
        error: None,
    })
}

/// Where a transitional state goes when it completes (`starting` -> `running`).
pub fn completion<'m>(m: &'m StateMachine, state: &str) -> Option<&'m str> {
    let transient = m
        .states
        .iter()
        .any(|s| s.name.eq_ignore_ascii_case(state) && s.transient);
    if !transient {
        return None;
    }
    m.transitions
        .iter()
        .find(|t| t.from.eq_ignore_ascii_case(state) && t.trigger == "internal:complete")
        .map(|t| t.to.as_str())
}

/// The state a resource is born in by `trigger` (the machine's `absent -> X` transition, else
/// its initial state), and where that state completes to when it is transitional.
pub fn birth(m: &StateMachine, trigger: &str) -> (String, Option<String>) {
    let to = match step(m, "absent", trigger, None) {
        Ok(Some(t)) => t.to.clone(),
        _ => m.initial.clone(),
    };
    let next = completion(m, &to).map(str::to_string);
    (to, next)
}
