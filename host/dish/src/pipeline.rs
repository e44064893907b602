//! The one path every dish takes, wherever it comes from: `check`, `emit`,
//! `reresolve` and the host's workers all call [`Pipeline::run`].  A dish
//! is evaluated in the sandbox, validated and resolved against the index,
//! and — when the pipeline has a [`Target`] channel — emitted as a module
//! that has been read back with `lexpr` ([`crate::readback`]).  So a dish
//! the host publishes is exactly a dish `potluck-wasm check` accepts.

use rayon::prelude::*;
use serde::Serialize;

use potluck_sandbox::diagnostic::{Diagnostic, Kind, Severity};
use potluck_sandbox::dish::{Datum, Dish};
use potluck_sandbox::Sandbox;

use crate::emit;
use crate::files::DishFile;
use crate::index::Index;
use crate::layout::{self, ModulePath};
use crate::uri::Policy;
use crate::validate::{self, ResolvedInputs};

/// Most diagnostics reported for one dish; past it, one more says how many
/// were left out.
pub const MAX_DIAGNOSTICS_PER_DISH: usize = 50;

/// The repository and branch dishes are published from: names their
/// modules.
#[derive(Debug, Clone)]
pub struct Target {
    pub repo: String,
    pub branch: String,
}

/// How dishes are taken through.
#[derive(Clone, Copy)]
pub struct Pipeline<'a> {
    pub sandbox: &'a Sandbox,
    pub index: &'a Index,
    pub policy: Policy,
    /// Lint advice counts as errors (`--deny-warnings`).
    pub deny_warnings: bool,
    /// Where modules go; `None` to check only.
    pub target: Option<&'a Target>,
}

/// The result of taking one file through.
#[derive(Debug, Serialize)]
pub struct Report {
    pub file: String,
    pub ok: bool,
    pub dish: Option<Dish>,
    pub inputs: Option<ResolvedInputs>,
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text, when it could be read.
    #[serde(skip)]
    pub source: Option<String>,
    /// The module the dish has (or would have) in the target channel
    /// (only with a target: `emit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<ModulePath>,
    /// The module's text, when the dish passed and there is a target.
    #[serde(skip)]
    pub module_text: Option<String>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// The stem of a dish file name: `guix-potluck/hello.scm` → `hello`.
pub fn stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.strip_suffix(".scm").unwrap_or(name)
}

impl Pipeline<'_> {
    /// Take every file through, in parallel on `jobs` threads, calling
    /// `progress` after each.  Reports come back in the order of `files`.
    pub fn run_all(
        &self,
        files: Vec<DishFile>,
        jobs: usize,
        progress: &(dyn Fn() + Sync),
    ) -> Vec<Report> {
        let run = || {
            files
                .into_par_iter()
                .map(|f| {
                    let r = self.run(f);
                    progress();
                    r
                })
                .collect::<Vec<_>>()
        };
        match rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build()
        {
            Ok(pool) => pool.install(run),
            Err(_) => run(),
        }
    }

    /// Take one file through.  Never panics, whatever the file holds.
    pub fn run(&self, f: DishFile) -> Report {
        let module = self
            .target
            .map(|t| layout::module_path(&t.repo, &t.branch, stem(&f.display)));
        let mut report = Report {
            file: f.display,
            ok: false,
            dish: None,
            inputs: None,
            diagnostics: Vec::new(),
            source: None,
            module,
            module_text: None,
        };
        let source = match f.text {
            Ok(t) => t,
            Err(d) => {
                report.diagnostics.push(d);
                return report;
            }
        };
        match self.sandbox.evaluate(&report.file, &source) {
            Ok(dish) => {
                let mut v = validate::validate(&dish, &source, self.index, self.policy);
                if self.deny_warnings {
                    for d in &mut v.diagnostics {
                        if d.severity == Severity::Warning {
                            d.severity = Severity::Error;
                            d.push_note("warnings are errors because of --deny-warnings");
                        }
                    }
                }
                report.ok = !v.has_errors();
                report.diagnostics = v.diagnostics;
                if report.ok {
                    if let (Some(module), Some(t)) = (&report.module, self.target) {
                        let origin = format!(
                            "guix-potluck/{}.scm of {} branch {}",
                            stem(&report.file),
                            t.repo,
                            t.branch
                        );
                        match emit::emit_module(
                            &dish,
                            &v.resolved,
                            self.index,
                            module,
                            &source,
                            &origin,
                        ) {
                            Ok(text) => report.module_text = Some(text),
                            Err(e) => {
                                report.ok = false;
                                report.diagnostics.push(
                                    Diagnostic::error(
                                        Kind::Internal,
                                        format!("cannot write the module: {e}"),
                                    )
                                    .in_file(&report.file)
                                    .with_help("this dish passed validation but its module cannot be written; please report it with the dish attached"),
                                );
                            }
                        }
                    }
                }
                report.dish = Some(if report.ok { dish } else { clip(dish) });
                report.inputs = Some(v.resolved);
            }
            Err(mut diagnostics) => {
                crate::habits::explain(&mut diagnostics, self.index);
                report.diagnostics = diagnostics;
            }
        }
        report.source = Some(source);
        // In source order, as a reader goes through the file, and bounded.
        report.diagnostics.sort_by_key(|d| {
            d.span
                .map_or((usize::MAX, usize::MAX), |s| (s.start, s.end))
        });
        let n = report.diagnostics.len();
        if n > MAX_DIAGNOSTICS_PER_DISH {
            // The summary has the kind of what it stands for.
            let kind = report.diagnostics[MAX_DIAGNOSTICS_PER_DISH].kind;
            report.diagnostics.truncate(MAX_DIAGNOSTICS_PER_DISH);
            let more = if report.ok {
                Diagnostic::warning
            } else {
                Diagnostic::error
            };
            report.diagnostics.push(
                more(
                    kind,
                    format!(
                        "{} more diagnostics were left out",
                        n - MAX_DIAGNOSTICS_PER_DISH
                    ),
                )
                .in_file(&report.file)
                .with_help("fix the ones above and check again"),
            );
        }
        report
    }
}

/// Longest text kept of each field of a dish that failed validation, in
/// bytes.  A refused dish's values are only quoted back (in JSON reports,
/// the host's store and its pages); its diagnostics say what is wrong.
pub const MAX_REFUSED_FIELD: usize = 1_024;
/// Most items kept of each list of a dish that failed validation.
pub const MAX_REFUSED_ITEMS: usize = 64;

/// A dish that failed validation, with every text cut to
/// [`MAX_REFUSED_FIELD`] bytes and every list to [`MAX_REFUSED_ITEMS`]
/// items, and its `arguments` dropped (to `()`) when they are larger than
/// that: so that a small dish computing a huge value (a 4 MiB version)
/// cannot make the reports about it huge.
fn clip(mut dish: Dish) -> Dish {
    use potluck_sandbox::diagnostic::truncate;
    let text = |s: &mut String| {
        if s.len() > MAX_REFUSED_FIELD {
            *s = truncate(s, MAX_REFUSED_FIELD);
        }
    };
    for field in [
        &mut dish.name,
        &mut dish.version,
        &mut dish.build_system,
        &mut dish.synopsis,
        &mut dish.description,
        &mut dish.home_page,
        &mut dish.source.git_uri,
        &mut dish.source.git_commit,
        &mut dish.source.sha256,
    ] {
        text(&mut field.value);
    }
    for list in [
        &mut dish.inputs,
        &mut dish.native_inputs,
        &mut dish.propagated_inputs,
        &mut dish.licenses,
    ] {
        list.items.truncate(MAX_REFUSED_ITEMS);
        for item in &mut list.items {
            text(&mut item.value);
        }
    }
    if datum_size(&dish.arguments.value, MAX_REFUSED_FIELD) > MAX_REFUSED_FIELD {
        dish.arguments.value = Datum::Null;
    }
    if let Some(snippet) = &mut dish.source.snippet {
        if datum_size(&snippet.value, MAX_REFUSED_FIELD) > MAX_REFUSED_FIELD {
            snippet.value = Datum::Null;
        }
    }
    dish
}

/// The bytes of `d`'s text and atoms, counted up to a little past `stop`.
fn datum_size(d: &Datum, stop: usize) -> usize {
    let mut size = 0;
    let mut stack = vec![d];
    while let Some(d) = stack.pop() {
        size += match d {
            Datum::Integer(s)
            | Datum::Rational(s)
            | Datum::String(s)
            | Datum::Symbol(s)
            | Datum::Keyword(s) => s.len() + 2,
            Datum::List(items, tail) => {
                stack.extend(items.iter());
                stack.extend(tail.as_deref());
                2
            }
            Datum::Vector(items) => {
                stack.extend(items.iter());
                3
            }
            _ => 8,
        };
        if size > stop {
            break;
        }
    }
    size
}
