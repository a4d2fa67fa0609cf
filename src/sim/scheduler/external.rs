//! A scheduler in another process, spoken to in JSON lines over its stdin and stdout.
//!
//! The simulator writes one object per line and reads one answer line per `pick`:
//!
//! ```text
//! > {"op":"rebuild","weights":[5,1,1],"eligible":[true,true,false]}
//! > {"op":"pick","conns":[0,2,1],"key":12345}
//! < {"backend":0}            (or {"backend":null} when none is eligible)
//! ```
//!
//! `rebuild` gets no answer. The process must be deterministic for runs to be reproducible.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{bail, Context, Result};
use serde_json::json;

use super::{PickCtx, Scheduler};

pub struct External {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    line: String,
    failed: Option<String>,
}

impl External {
    pub fn spawn(cmd: &[String]) -> Result<Self> {
        let Some((prog, args)) = cmd.split_first() else {
            bail!("empty external scheduler command")
        };
        let mut child = Command::new(prog)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting external scheduler `{prog}`"))?;
        let stdin = child.stdin.take().context("stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("stdout")?);
        Ok(External {
            child,
            stdin,
            stdout,
            line: String::new(),
            failed: None,
        })
    }
    /// The protocol error that stopped the plug-in, if any.
    pub fn error(&self) -> Option<&str> {
        self.failed.as_deref()
    }
    fn send(&mut self, v: serde_json::Value) -> bool {
        writeln!(self.stdin, "{v}")
            .and_then(|_| self.stdin.flush())
            .is_ok()
    }
}

impl Drop for External {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Scheduler for External {
    fn name(&self) -> &str {
        "external"
    }
    fn rebuild(&mut self, weights: &[u32], eligible: &[bool]) {
        if !self.send(json!({"op":"rebuild","weights":weights,"eligible":eligible})) {
            self.failed = Some("write failed".into());
        }
    }
    fn pick(&mut self, ctx: &PickCtx<'_>) -> Option<usize> {
        if self.failed.is_some() || !self.send(json!({"op":"pick","conns":ctx.conns,"key":ctx.key}))
        {
            return None;
        }
        self.line.clear();
        if self.stdout.read_line(&mut self.line).unwrap_or(0) == 0 {
            self.failed = Some("plug-in closed its stdout".into());
            return None;
        }
        match serde_json::from_str::<serde_json::Value>(&self.line) {
            Ok(v) => match v.get("backend").and_then(|b| b.as_u64()) {
                Some(b) if (b as usize) < ctx.conns.len() => Some(b as usize),
                _ => None,
            },
            Err(e) => {
                self.failed = Some(format!("bad answer {:?}: {e}", self.line.trim()));
                None
            }
        }
    }
}
