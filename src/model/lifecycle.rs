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
/// goes to active or inactive by its parameter). `Ok(None)`: the state stays as it is, because
/// the machine says nothing about the trigger or the state allows it without a transition.
/// Refused: the state forbids it, lists what it allows without it, or has no transition for it.
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
    let known = m.transitions.iter().any(|t| t.trigger == trigger)
        || m.states
            .iter()
            .any(|s| s.allows.iter().any(|a| a == trigger));
    if !known {
        return Ok(None);
    }
    let refused = NotAllowed {
        state: state.to_string(),
        error: None,
    };
    // A state that lists what it allows refuses the machine's other actions (a starting
    // listener allows only reads).
    let listed = st.is_some_and(|s| !s.allows.is_empty());
    let allowed = st.is_some_and(|s| s.allows.iter().any(|a| a == trigger));
    if listed && !allowed {
        return Err(refused);
    }
    let candidates: Vec<&Transition> = m
        .transitions
        .iter()
        .filter(|t| t.trigger == trigger && (t.from.eq_ignore_ascii_case(state) || t.from == "*"))
        .collect();
    let chosen = match wanted {
        // Asking for the state it is in changes nothing (SetLoadBalancerStatus active -> active).
        Some(w) if w.eq_ignore_ascii_case(state) => return Ok(None),
        Some(w) => candidates
            .iter()
            .find(|t| t.to.eq_ignore_ascii_case(w))
            .copied(),
        None => candidates.first().copied(),
    };
    match chosen {
        Some(t) => Ok(Some(t)),
        // Allowed without a transition: the state stays (modifying a stopped listener).
        None if allowed => Ok(None),
        None => Err(refused),
    }
}

/// Where a transitional state goes when it completes (`starting` -> `running`), having been
/// entered from `from`. A state shared by two changes completes to the one that leaves where
/// it started: ENS's EPN `Excuting` ends `Stopped` after a stop from `Running`, and `Running`
/// after a start from `Stopped`.
pub fn completion<'m>(m: &'m StateMachine, state: &str, from: &str) -> Option<&'m str> {
    let transient = m
        .states
        .iter()
        .any(|s| s.name.eq_ignore_ascii_case(state) && s.transient);
    if !transient {
        return None;
    }
    let ends: Vec<&str> = m
        .transitions
        .iter()
        .filter(|t| t.from.eq_ignore_ascii_case(state) && t.trigger == "internal:complete")
        .map(|t| t.to.as_str())
        .collect();
    ends.iter()
        .find(|to| !to.eq_ignore_ascii_case(from))
        .or(ends.first())
        .copied()
}

/// The state a resource is born in by `trigger` (the machine's `absent -> X` transition, else
/// its initial state), and where that state completes to when it is transitional.
pub fn birth(m: &StateMachine, trigger: &str) -> (String, Option<String>) {
    let to = match step(m, "absent", trigger, None) {
        Ok(Some(t)) => t.to.clone(),
        _ => m.initial.clone(),
    };
    let next = completion(m, &to, "absent").map(str::to_string);
    (to, next)
}
