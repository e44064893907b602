//! Guix package transformers and `define-record-type*` records.
//!
//! Transformers are Guix procedures outside the package modules that take
//! a package and return a variant of it; the index only needs their effect
//! on the name:
//!
//! * `sbcl-package->{cl-source,ecl,clasp}-package` rename `sbcl-X` to
//!   `cl-X`/`ecl-X`/`clasp-X` (no double prefix);
//! * `package-with-ocaml{4.07,4.09,5.0}` and `package-with-python2` rename
//!   `ocaml-X`/`python-X` (and prefix other names);
//! * `static-package`, `package-with-extra-patches`, `static-libgcc-package`
//!   and the like keep the name;
//! * `package-input-rewriting REPLACEMENTS [RENAME]` returns a transformer
//!   that applies RENAME (a procedure of the evaluator) to the name;
//! * `package-mapping PROC` returns a transformer that calls PROC;
//! * `package-with-explicit-inputs` returns a copy of its package, or, given
//!   no package, an identity transformer.
//!
//! The result keeps the parent's flags (`hidden`, `inherits`, ...); its
//! version is inherited and `via` is the transformer.  Records: a
//! constructor call evaluates its fields like a `package` (let*-style, with
//! `(inherit R)` and `(default X)`), and a field accessor returns a field.

use std::rc::Rc;

use super::{EResult, Env, EvalError, Lex, Prim, Record, Source, Value, World};
use crate::reader::Datum;

/// A package transformer.
#[derive(Debug)]
pub enum Transformer {
    /// A named Guix procedure applied to a package.
    Named(&'static str),
    /// The procedure returned by `package-input-rewriting`.
    InputRewriting {
        name: &'static str,
        rename: Option<Value>,
    },
    /// The procedure returned by `package-mapping`.
    Mapping(Value),
    /// `(package-with-explicit-inputs INPUTS)`: returns its package.
    Identity,
}

/// The transformers known by name, with their renaming rule:
/// (old prefix, new prefix, prefix names without the old prefix).
const NAMED: &[(&str, Option<(&str, &str, bool)>)] = &[
    (
        "sbcl-package->cl-source-package",
        Some(("sbcl-", "cl-", false)),
    ),
    ("sbcl-package->ecl-package", Some(("sbcl-", "ecl-", false))),
    (
        "sbcl-package->clasp-package",
        Some(("sbcl-", "clasp-", false)),
    ),
    (
        "package-with-ocaml4.07",
        Some(("ocaml-", "ocaml4.07-", true)),
    ),
    (
        "package-with-ocaml4.09",
        Some(("ocaml-", "ocaml4.09-", true)),
    ),
    ("package-with-ocaml5.0", Some(("ocaml-", "ocaml5.0-", true))),
    ("package-with-python2", Some(("python-", "python2-", true))),
    ("package-input-rewriting", None),
    ("package-input-rewriting/spec", None),
    ("package-mapping", None),
    ("package-with-explicit-inputs", None),
    ("static-package", None),
    ("package-with-extra-patches", None),
    ("package-with-c-toolchain", None),
    ("package-with-patches", None),
    ("package-without-tests", None),
    ("package-with-configure-flag", None),
    ("package-with-extra-configure-variable", None),
    ("static-libgcc-package", None),
    ("package-with-bootstrap-guile", None),
];

impl Transformer {
    pub fn name(&self) -> &str {
        match self {
            Transformer::Named(n) => n,
            Transformer::InputRewriting { name, .. } => name,
            Transformer::Mapping(_) => "package-mapping",
            Transformer::Identity => "package-with-explicit-inputs",
        }
    }
}

/// The transformer called `name`, as a value.
pub(super) fn transformer_value(name: &str) -> Option<Value> {
    let (n, _) = NAMED.iter().find(|(n, _)| *n == name)?;
    Some(Value::Prim(Rc::new(Prim::Transformer(Transformer::Named(
        n,
    )))))
}

fn transformer(t: Transformer) -> Value {
    Value::Prim(Rc::new(Prim::Transformer(t)))
}

impl World<'_> {
    /// Applies a transformer; `args` is not empty.
    pub(super) fn apply_transformer(&self, t: &Transformer, args: Vec<EResult>) -> EResult {
        let first = args
            .first()
            .cloned()
            .ok_or_else(|| EvalError::BadArguments(t.name().to_string()))?;
        match t {
            Transformer::InputRewriting { name, rename } => {
                let Value::Pkg(p, _) = first? else {
                    return Err(EvalError::NotPackage("a non-package".into()));
                };
                let mut p = (*p).clone();
                if let Some(rename) = rename {
                    let current = p.name.clone().map(Value::Str).unwrap_or(Value::Bool(false));
                    match self.call_simple(rename, vec![current])? {
                        Value::Str(s) => p.name = Some(s),
                        _ => return Err(EvalError::BadArguments("rewrite-name".into())),
                    }
                }
                p.name_source = Source::Computed;
                p.version_source = Source::Inherited;
                p.via = vec![name.to_string()];
                Ok(Value::Pkg(Rc::new(p), None))
            }
            Transformer::Mapping(proc) => self.call_simple(proc, vec![first?]),
            Transformer::Identity => first,
            Transformer::Named(
                name @ ("package-input-rewriting" | "package-input-rewriting/spec"),
            ) => {
                // (package-input-rewriting REPLACEMENTS [REWRITE-NAME] #:deep? B)
                let mut positional = Vec::new();
                let mut iter = args.into_iter();
                while let Some(a) = iter.next() {
                    if let Ok(Value::Keyword(_)) = a {
                        iter.next();
                        continue;
                    }
                    positional.push(a);
                }
                let rename = match positional.get(1) {
                    Some(r) if *name == "package-input-rewriting" => Some(r.clone()?),
                    _ => None,
                };
                Ok(transformer(Transformer::InputRewriting { name, rename }))
            }
            Transformer::Named("package-mapping") => Ok(transformer(Transformer::Mapping(first?))),
            Transformer::Named("package-with-explicit-inputs") => match first? {
                Value::Pkg(p, _) => Ok(Value::Pkg(p, None)),
                _ => Ok(transformer(Transformer::Identity)),
            },
            Transformer::Named(name) => {
                let Value::Pkg(p, _) = first? else {
                    return Err(EvalError::NotPackage("a non-package".into()));
                };
                let mut p = (*p).clone();
                let rule = NAMED.iter().find(|(n, _)| n == name).and_then(|(_, r)| *r);
                match rule {
                    Some((old, new, prepend)) => {
                        let n = p.name.clone().unwrap_or_default();
                        p.name = Some(match n.strip_prefix(old) {
                            Some(rest) if !prepend && rest.starts_with(new) => rest.to_string(),
                            Some(rest) => format!("{new}{rest}"),
                            None if prepend => format!("{new}{n}"),
                            None => n,
                        });
                        p.name_source = Source::Computed;
                    }
                    None => p.name_source = Source::Inherited,
                }
                p.version_source = Source::Inherited;
                p.via = vec![name.to_string()];
                Ok(Value::Pkg(Rc::new(p), None))
            }
        }
    }

    /// A call of a record constructor or field accessor of module `m`, if
    /// `head` is one.
    pub(super) fn record_call(
        &self,
        head: &str,
        args: &[Datum],
        env: &Lex,
        m: usize,
    ) -> Option<EResult> {
        let module = &self.modules[m];
        if let Some(record) = module.records.get(head) {
            return Some(self.construct_record(head, &record.fields, args, env, m));
        }
        let field = module.accessors.get(head)?;
        let [arg] = args else {
            return Some(Err(EvalError::BadArguments(head.to_string())));
        };
        Some(match self.eval(arg, env, m) {
            Ok(Value::Record(r)) => match r.fields.iter().rev().find(|(f, _)| f == field) {
                Some((_, v)) => v.clone(),
                None => Err(EvalError::BadArguments(head.to_string())),
            },
            Ok(_) => Err(EvalError::BadArguments(head.to_string())),
            Err(e) => Err(e),
        })
    }

    fn construct_record(
        &self,
        constructor: &str,
        spec: &[(String, Option<Datum>)],
        args: &[Datum],
        env: &Lex,
        m: usize,
    ) -> EResult {
        let mut fields: Vec<(String, EResult)> = Vec::new();
        let mut field_env = env.clone();
        for arg in args {
            let Some([Datum::Symbol(name), value]) = arg.as_list() else {
                continue;
            };
            if name == "inherit" {
                if let Value::Record(parent) = self.eval(value, &field_env, m)? {
                    fields.extend(parent.fields.iter().cloned());
                }
                continue;
            }
            let v = self.eval_lazy(value, &field_env, m);
            field_env = Env::extend(&field_env, vec![(name.clone(), v.clone())]);
            fields.push((name.clone(), v));
        }
        for (name, default) in spec {
            if fields.iter().any(|(f, _)| f == name) {
                continue;
            }
            if let Some(default) = default {
                let v = self.eval_lazy(default, &field_env, m);
                field_env = Env::extend(&field_env, vec![(name.clone(), v.clone())]);
                fields.push((name.clone(), v));
            }
        }
        Ok(Value::Record(Rc::new(Record {
            constructor: constructor.to_string(),
            fields,
        })))
    }
}
