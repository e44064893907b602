//! One dish from source text to module text: evaluate in the sandbox,
//! validate and resolve, emit.  `emit` and the host's workers both go
//! through [`process`], so a dish the host accepts is exactly a dish
//! `potluck-wasm check` accepts.

use crate::check::{self, DishFile, Report};
use crate::diagnostic::{Diagnostic, Kind};
use crate::emit::{self, ModulePath};
use crate::index::Index;
use crate::sandbox::Sandbox;
use crate::validate::{self, Policy};

/// A processed dish: the check report and, when it passed, its module.
#[derive(Debug)]
pub struct Processed {
    pub report: Report,
    pub module: Option<(ModulePath, String)>,
}

/// The stem of a dish file name: `guix-potluck/hello.scm` → `hello`.
pub fn stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.strip_suffix(".scm").unwrap_or(name)
}

/// Evaluate, validate and emit one dish of `repo` at `branch`.
pub fn process(
    sandbox: &Sandbox,
    index: &Index,
    policy: Policy,
    file: DishFile,
    repo: &str,
    branch: &str,
) -> Processed {
    let mut report = check::check_one(sandbox, file, &|dish, source| {
        validate::validate(dish, source, index, policy)
    });
    let module = match (&report.dish, &report.inputs, &report.source, report.ok) {
        (Some(dish), Some(inputs), Some(source), true) => {
            let path = emit::module_path(repo, branch, stem(&report.file));
            match emit::emit_module(dish, inputs, index, &path, &emit::header_comments(source)) {
                Ok(text) => Some((path, text)),
                Err(e) => {
                    report.ok = false;
                    report.diagnostics.push(
                        Diagnostic::error(Kind::Validation, format!("cannot emit the module: {e}"))
                            .in_file(&report.file)
                            .with_help("this dish passed validation but cannot be written; please report it"),
                    );
                    None
                }
            }
        }
        _ => None,
    };
    Processed { report, module }
}
