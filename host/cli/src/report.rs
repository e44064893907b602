//! How `check` and `emit` report dishes: rustc-style text, or one JSON
//! document whose keys are always present.

use std::io::Write as _;

use serde::Serialize;

use potluck_dish::pipeline::Report;
use potluck_sandbox::diagnostic::terminal_safe;

/// The version of the JSON document's shape; it changes when a key is
/// removed or changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// Counts over all reports.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub checked: usize,
    pub ok: usize,
    pub failed: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn of(reports: &[Report]) -> Summary {
        let failed = reports.iter().filter(|r| !r.ok).count();
        Summary {
            checked: reports.len(),
            ok: reports.len() - failed,
            failed,
            errors: reports.iter().map(Report::errors).sum(),
            warnings: reports.iter().map(Report::warnings).sum(),
        }
    }

    /// `checked 2 dishes: 1 ok, 1 failed (3 errors, 2 warnings)`.
    pub fn line(&self, verb: &str) -> String {
        let s =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{verb} {}: {} ok, {} failed ({}, {})",
            s(self.checked, "dish", "dishes"),
            self.ok,
            self.failed,
            s(self.errors, "error", "errors"),
            s(self.warnings, "warning", "warnings"),
        )
    }
}

/// The JSON document of `check --format json` (and `emit`).
#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub schema: u32,
    pub dishes: &'a [Report],
    pub summary: Summary,
}

/// Print the JSON document on stdout (a closed pipe is not an error).
pub fn print_json(reports: &[Report]) -> anyhow::Result<()> {
    let doc = JsonReport {
        schema: SCHEMA_VERSION,
        dishes: reports,
        summary: Summary::of(reports),
    };
    let _ = writeln!(
        std::io::stdout().lock(),
        "{}",
        serde_json::to_string_pretty(&doc)?
    );
    Ok(())
}

/// What the human output shows.
#[derive(Clone, Copy)]
pub struct Human {
    pub color: bool,
    /// Only problems and the summary.
    pub quiet: bool,
    pub explain_inputs: bool,
}

/// Print one report's diagnostics (and, unless quiet, its `ok:` line).
pub fn print_human(r: &Report, how: Human) {
    let mut err = std::io::stderr().lock();
    for d in &r.diagnostics {
        let _ = writeln!(err, "{}\n", d.render(r.source.as_deref(), how.color));
    }
    if how.quiet {
        return;
    }
    if let (true, Some(d)) = (r.ok, &r.dish) {
        let _ = writeln!(
            err,
            "ok: {} {} ({})",
            terminal_safe(&d.name.value),
            terminal_safe(&d.version.value),
            terminal_safe(&r.file)
        );
    }
    if let (true, Some(inputs)) = (how.explain_inputs, &r.inputs) {
        for (field, list) in [
            ("inputs", &inputs.inputs),
            ("native-inputs", &inputs.native_inputs),
            ("propagated-inputs", &inputs.propagated_inputs),
        ] {
            for i in list {
                let output = i
                    .output
                    .as_deref()
                    .map(|o| format!(", output {o}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    err,
                    "  {field}: \"{}\" -> {} {} (version {}{output})",
                    terminal_safe(&i.spec),
                    i.module,
                    i.variable,
                    i.version
                );
            }
        }
    }
}
