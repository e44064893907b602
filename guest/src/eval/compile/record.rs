//! `potluck-package` and `potluck-source`: field clauses checked against
//! the record's known and required fields, values compiled.

use crate::diag::{DiagnosticKind, Exn, Result};
use crate::eval::{Expr, Interp};
use crate::reader::Syntax;
use crate::span::{line_col, Span};
use crate::value::{RecordKind, Symbol};

use super::Cx;

impl Interp {
    pub(super) fn compile_record(
        &mut self,
        kind: RecordKind,
        s: &Syntax,
        items: &[Syntax],
        cx: &mut Cx,
    ) -> Result<Expr> {
        use crate::dish::*;
        let (form, known, required): (_, &[Symbol], &[Symbol]) = match kind {
            RecordKind::Package => (
                "potluck-package",
                &PACKAGE_FIELD_SYMBOLS,
                &PACKAGE_REQUIRED_SYMBOLS,
            ),
            RecordKind::Source => (
                "potluck-source",
                &SOURCE_FIELD_SYMBOLS,
                &SOURCE_REQUIRED_SYMBOLS,
            ),
        };
        let mut fields: Vec<(Symbol, Expr, Span)> = Vec::with_capacity(items.len() - 1);
        let mut seen: Vec<(Symbol, Span)> = Vec::with_capacity(items.len() - 1);
        for clause in &items[1..] {
            let invalid =
                |msg: String| Exn::fatal(DiagnosticKind::InvalidDish, msg, Some(clause.span));
            let parts = clause.list().ok_or_else(|| {
                invalid(format!("`{form}` takes (field value) clauses"))
                    .with_help("write e.g. (name \"hello\")")
            })?;
            let Some(field) = parts.first().and_then(Syntax::ident) else {
                return Err(invalid(format!("`{form}` takes (field value) clauses"))
                    .with_help("each clause starts with a field name, e.g. (version \"1.0\")"));
            };
            let fname = field.sym.name();
            if !known.contains(&field.sym) {
                let names: Vec<&str> = known.iter().map(|s| s.name()).collect();
                let help = match potluck_contract::distance::closest(fname, &names) {
                    Some(s) => format!(
                        "did you mean `{s}`? the fields of {form} are: {}",
                        names.join(", ")
                    ),
                    None => format!("the fields of {form} are: {}", names.join(", ")),
                };
                return Err(Exn::fatal(
                    DiagnosticKind::InvalidDish,
                    format!("unknown {form} field `{fname}`"),
                    Some(parts[0].span),
                )
                .with_help(help));
            }
            if let Some((_, first)) = seen.iter().find(|(f, _)| *f == field.sym) {
                let (l, c) = line_col(&self.source, first.start);
                return Err(invalid(format!("field `{fname}` is given twice in {form}"))
                    .with_help(format!(
                        "it was first given at line {l}, column {c}; keep one of them"
                    )));
            }
            seen.push((field.sym, clause.span));
            if parts.len() != 2 {
                return Err(invalid(format!(
                    "field `{fname}` takes exactly one value, but {} were given",
                    parts.len() - 1
                ))
                .with_help(format!(
                    "write ({fname} VALUE); to give a list, quote it: ({fname} '(...))"
                )));
            }
            let value = self.compile(&parts[1], cx)?;
            fields.push((field.sym, value, parts[1].span));
        }
        for req_sym in required {
            let req = req_sym.name();
            if !seen.iter().any(|(f, _)| f == req_sym) {
                return Err(Exn::fatal(
                    DiagnosticKind::InvalidDish,
                    format!("{form} is missing the required field `{req}`"),
                    Some(items[0].span.to(s.span)),
                )
                .with_help(crate::dish::field_example(req)));
            }
        }
        Ok(Expr::Record {
            kind,
            fields: fields.into(),
            span: s.span,
        })
    }
}
