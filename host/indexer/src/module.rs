//! Scans the top-level forms of one Guile module into definitions.
//!
//! It records what the evaluator needs: the module's imports
//! (`#:use-module` with `#:select`, `#:hide` and `#:prefix`), its exports
//! (`#:export` and `(export ...)`), every top-level definition (values and
//! procedures, including those inside `begin`), and, in source order, the
//! public definitions that may be packages: `define-public`, exported
//! `define`, `define-deprecated-package`, `define-deprecated/public-alias`,
//! `define-deprecated/public` and exported `define-deprecated`.
//!
//! It also records what the evaluator needs beyond plain definitions: the
//! module's macros (`define-syntax` with `syntax-rules`, an equivalent
//! `syntax-case`, or `identifier-syntax`; `define-syntax-rule`), whose
//! top-level uses are expanded here (a definition made by a macro gets the
//! line of the macro call); an exported `identifier-syntax` is a public of
//! its own (flag `syntax`); `define-record-type*` constructors and field
//! accessors; `(define-public VAR FORM... EXPR)` with a body, read as
//! `(begin FORM... EXPR)`; and `(@ (module) var)` targets of deprecated
//! aliases.  Top-level macro expansion nests at most [`MAX_EXPANSIONS`]
//! deep.

use std::collections::{HashMap, HashSet};

use crate::macros::{node_count, parse_transformer, Macro};
use crate::reader::{Datum, Form};

/// Deepest nesting of top-level macro uses expanded by [`scan`] (a use
/// whose expansion is directly another use does not nest).
pub const MAX_EXPANSIONS: usize = 32;

/// Most datum nodes produced by expanding one top-level form.
pub const MAX_EXPANDED_NODES: usize = 2_000_000;

/// One `#:use-module` clause.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The module name as written, e.g. `(gnu packages base)`.
    pub module: String,
    /// `#:select`: local name to the name in the imported module.
    pub select: Option<HashMap<String, String>>,
    pub hide: HashSet<String>,
    pub prefix: Option<String>,
}

impl Import {
    /// The name in the imported module that `local` refers to, if any.
    pub fn source_name(&self, local: &str) -> Option<String> {
        let name = match &self.prefix {
            Some(p) => local.strip_prefix(p.as_str())?,
            None => local,
        };
        if let Some(select) = &self.select {
            return select.get(name).cloned();
        }
        if self.hide.contains(name) {
            return None;
        }
        Some(name.to_string())
    }
}

/// A procedure's parameters, as in `define*`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    pub required: Vec<String>,
    pub optional: Vec<(String, Option<Datum>)>,
    pub keys: Vec<(String, Option<Datum>)>,
    pub rest: Option<String>,
}

/// A module-level definition.
#[derive(Clone, Debug, PartialEq)]
pub enum Def {
    /// `(define VAR EXPR)` and friends.
    Value(Datum),
    /// `(define (NAME . PARAMS) BODY...)`.
    Proc { params: Params, body: Vec<Datum> },
}

/// What kind of public definition this is.
#[derive(Clone, Debug, PartialEq)]
pub enum PublicKind {
    /// The value of `expr` is the package (or an alias when it is a symbol).
    Value { expr: Datum, deprecated: bool },
    /// `define-deprecated/public-alias` and exported 2-argument
    /// `define-deprecated`: an alias of `target`, which `expr` (the symbol
    /// or an `(@ (module) var)` form) evaluates to.
    DeprecatedAlias { target: String, expr: Datum },
}

/// A public definition that may bind a package.
#[derive(Clone, Debug, PartialEq)]
pub struct Public {
    pub var: String,
    pub line: u32,
    /// Public only because the module exports a plain `define`.
    pub exported: bool,
    /// An exported `identifier-syntax` macro, not a variable.
    pub syntax: bool,
    pub kind: PublicKind,
}

/// A `define-record-type*` type: its syntactic constructor's fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordType {
    /// Field names and `(default X)` expressions, in order.
    pub fields: Vec<(String, Option<Datum>)>,
}

/// The scanned contents of one module.
#[derive(Clone, Debug, Default)]
pub struct Module {
    /// E.g. `(gnu packages base)`.
    pub name: String,
    /// Path relative to the checkout, for warnings.
    pub path: String,
    pub imports: Vec<Import>,
    pub exports: HashSet<String>,
    pub defs: HashMap<String, Def>,
    /// Macros defined by the module.
    pub macros: HashMap<String, Macro>,
    /// `define-record-type*` syntactic constructors.
    pub records: HashMap<String, RecordType>,
    /// Record field accessors: accessor name to field name.
    pub accessors: HashMap<String, String>,
    pub publics: Vec<Public>,
    /// Names visible to importers (public definitions and exports).
    pub visible: HashSet<String>,
}

struct Candidate {
    var: String,
    line: u32,
    kind: PublicKind,
    /// Public only if exported.
    needs_export: bool,
    syntax: bool,
}

impl Candidate {
    fn new(var: &str, line: u32, kind: PublicKind, needs_export: bool) -> Candidate {
        Candidate {
            var: var.to_string(),
            line,
            kind,
            needs_export,
            syntax: false,
        }
    }
}

/// Scans `forms` (the contents of `path`) as module `name`.
pub fn scan(name: &str, path: &str, forms: &[Form], warnings: &mut Vec<String>) -> Module {
    let mut module = Module {
        name: name.to_string(),
        path: path.to_string(),
        ..Module::default()
    };
    let mut candidates = Vec::new();
    for form in forms {
        scan_form(
            &form.datum,
            form.line,
            &mut module,
            &mut candidates,
            warnings,
            0,
        );
    }
    for c in candidates {
        let exported = module.exports.contains(&c.var);
        if c.needs_export && !exported {
            continue;
        }
        module.visible.insert(c.var.clone());
        module.publics.push(Public {
            var: c.var,
            line: c.line,
            exported: c.needs_export,
            syntax: c.syntax,
            kind: c.kind,
        });
    }
    let exports: Vec<String> = module.exports.iter().cloned().collect();
    module.visible.extend(exports);
    module
}

fn scan_form(
    datum: &Datum,
    line: u32,
    module: &mut Module,
    candidates: &mut Vec<Candidate>,
    warnings: &mut Vec<String>,
    expansions: usize,
) {
    let Some(items) = datum.as_list() else {
        return;
    };
    let Some(head) = datum.head() else {
        return;
    };
    let form_line = datum.line().unwrap_or(line);
    match head {
        "define-module" => scan_define_module(&items[1..], module),
        "export" | "export!" => {
            for item in &items[1..] {
                if let Some(s) = item.as_symbol() {
                    module.exports.insert(s.to_string());
                }
            }
        }
        "begin" => {
            for item in &items[1..] {
                scan_form(item, form_line, module, candidates, warnings, expansions);
            }
        }
        "define" | "define-public" | "define*" | "define*-public" => {
            let public = head.ends_with("-public");
            match items.get(1) {
                Some(Datum::Symbol(var)) => {
                    let expr = match items.len() {
                        3 => items[2].clone(),
                        // `(define-public x (define base ...) (package ...))`.
                        n if n > 3 => {
                            let mut body = vec![Datum::Symbol("begin".into())];
                            body.extend(items[2..].iter().cloned());
                            Datum::list(body, form_line)
                        }
                        _ => return,
                    };
                    module.defs.insert(var.clone(), Def::Value(expr.clone()));
                    candidates.push(Candidate::new(
                        var,
                        form_line,
                        PublicKind::Value {
                            expr,
                            deprecated: false,
                        },
                        !public,
                    ));
                }
                Some(signature @ Datum::List { .. }) => {
                    if let Some((name, params)) = parse_signature(signature) {
                        if public {
                            module.visible.insert(name.clone());
                        }
                        module.defs.insert(
                            name,
                            Def::Proc {
                                params,
                                body: items[2..].to_vec(),
                            },
                        );
                    }
                }
                _ => {}
            }
        }
        "define-deprecated-package" => {
            if let (Some(Datum::Symbol(old)), Some(new)) = (items.get(1), items.get(2)) {
                let expr = Datum::list(
                    vec![
                        Datum::Symbol("deprecated-package".into()),
                        Datum::Str(old.clone()),
                        new.clone(),
                    ],
                    form_line,
                );
                module.defs.insert(old.clone(), Def::Value(expr.clone()));
                candidates.push(Candidate::new(
                    old,
                    form_line,
                    PublicKind::Value {
                        expr,
                        deprecated: false,
                    },
                    false,
                ));
            }
        }
        "define-deprecated/public-alias" | "define-deprecated/alias" => {
            if let (Some(Datum::Symbol(old)), Some(new)) = (items.get(1), items.get(2)) {
                let target = match new {
                    Datum::Symbol(s) => Some(s.clone()),
                    other => at_ref(other).map(|(_, var)| var.to_string()),
                };
                if let Some(target) = target {
                    module.defs.insert(old.clone(), Def::Value(new.clone()));
                    candidates.push(Candidate::new(
                        old,
                        form_line,
                        PublicKind::DeprecatedAlias {
                            target,
                            expr: new.clone(),
                        },
                        head == "define-deprecated/alias",
                    ));
                }
            }
        }
        "define-deprecated" | "define-deprecated/public" => {
            let needs_export = head == "define-deprecated";
            match (items.get(1), items.get(2), items.get(3)) {
                (Some(Datum::Symbol(var)), Some(alias @ Datum::Symbol(target)), None) => {
                    module.defs.insert(var.clone(), Def::Value(alias.clone()));
                    candidates.push(Candidate::new(
                        var,
                        form_line,
                        PublicKind::DeprecatedAlias {
                            target: target.clone(),
                            expr: alias.clone(),
                        },
                        needs_export,
                    ));
                }
                (Some(Datum::Symbol(var)), Some(_), Some(expr)) if items.len() == 4 => {
                    module.defs.insert(var.clone(), Def::Value(expr.clone()));
                    candidates.push(Candidate::new(
                        var,
                        form_line,
                        PublicKind::Value {
                            expr: expr.clone(),
                            deprecated: true,
                        },
                        needs_export,
                    ));
                }
                (Some(Datum::List { .. }), _, _) => {
                    // A deprecated procedure: not a package.
                }
                _ => warnings.push(format!(
                    "{}:{form_line}: `{head}` form not understood",
                    module.path
                )),
            }
        }
        "define-syntax-rule" => {
            if let (Some(pattern @ Datum::List { items: p, .. }), Some(template)) =
                (items.get(1), items.last())
            {
                if let (Some(name), true) = (p.first().and_then(Datum::as_symbol), items.len() >= 3)
                {
                    module.macros.insert(
                        name.to_string(),
                        Macro::Rules {
                            literals: Vec::new(),
                            rules: vec![(pattern.clone(), template.clone())],
                        },
                    );
                }
            }
        }
        "define-syntax" => {
            let [_, Datum::Symbol(name), spec] = items else {
                return;
            };
            let Some(mac) = parse_transformer(spec) else {
                return;
            };
            if let (Macro::Identifier(expr), true) = (&mac, module.exports.contains(name)) {
                candidates.push(Candidate {
                    syntax: true,
                    ..Candidate::new(
                        name,
                        form_line,
                        PublicKind::Value {
                            expr: expr.clone(),
                            deprecated: false,
                        },
                        true,
                    )
                });
            }
            module.macros.insert(name.clone(), mac);
        }
        "define-record-type*" => scan_record(items, module),
        _ => {
            if !matches!(module.macros.get(head), Some(Macro::Rules { .. })) {
                return;
            }
            if expansions >= MAX_EXPANSIONS {
                warnings.push(format!(
                    "{}:{form_line}: macro `{head}` expands too deeply; skipped",
                    module.path
                ));
                return;
            }
            // A top-level use of one of the module's defining macros.  A
            // use that expands into another use (a recursive macro, such as
            // `define-license-predicate`) is expanded in a loop.
            let mut budget = MAX_EXPANDED_NODES;
            let mut form = datum.clone();
            while let Some(mac @ Macro::Rules { .. }) =
                form.head().and_then(|h| module.macros.get(h))
            {
                let Some(out) = mac.expand(&form, form_line) else {
                    warnings.push(format!(
                        "{}:{form_line}: use of macro `{head}` not expanded; skipped",
                        module.path
                    ));
                    return;
                };
                let size = node_count(&out, budget);
                if size > budget {
                    warnings.push(format!(
                        "{}:{form_line}: macro `{head}` expands to too much; skipped",
                        module.path
                    ));
                    return;
                }
                budget -= size;
                form = out;
            }
            scan_form(
                &form,
                form_line,
                module,
                candidates,
                warnings,
                expansions + 1,
            );
        }
    }
}

/// `(@ (module name) var)` or `(@@ ...)`: the module name and the variable.
pub fn at_ref(d: &Datum) -> Option<(String, &str)> {
    match (d.head(), d.as_list()) {
        (Some("@" | "@@"), Some([_, module @ Datum::List { .. }, Datum::Symbol(var)])) => {
            Some((module.to_string(), var.as_str()))
        }
        _ => None,
    }
}

/// `(define-record-type* <type> ctor make-ctor pred [this] field...)`.
fn scan_record(items: &[Datum], module: &mut Module) {
    let (Some(Datum::Symbol(_)), Some(Datum::Symbol(ctor)), true) =
        (items.get(1), items.get(2), items.len() >= 5)
    else {
        return;
    };
    let mut record = RecordType::default();
    for field in &items[5..] {
        match field {
            Datum::Symbol(name) => record.fields.push((name.clone(), None)),
            Datum::List { items: spec, .. } => {
                let Some(name) = spec.first().and_then(Datum::as_symbol) else {
                    continue;
                };
                let default = spec[1..].iter().find_map(|x| match x.as_list() {
                    Some([_, d]) if x.head() == Some("default") => Some(d.clone()),
                    _ => None,
                });
                record.fields.push((name.to_string(), default));
                if let Some(accessor) = spec.get(1).and_then(Datum::as_symbol) {
                    module
                        .accessors
                        .insert(accessor.to_string(), name.to_string());
                }
            }
            _ => {}
        }
    }
    module.records.insert(ctor.clone(), record);
}

fn scan_define_module(args: &[Datum], module: &mut Module) {
    let mut i = 1; // args[0] is the module name
    while i < args.len() {
        let Datum::Keyword(k) = &args[i] else {
            i += 1;
            continue;
        };
        let value = args.get(i + 1);
        match (k.as_str(), value) {
            ("use-module", Some(spec)) => {
                if let Some(import) = parse_import(spec) {
                    module.imports.push(import);
                }
            }
            ("export" | "export-syntax" | "replace", Some(list)) => {
                for item in list.as_list().unwrap_or(&[]) {
                    match item {
                        Datum::Symbol(s) => {
                            module.exports.insert(s.clone());
                        }
                        // `(internal . external)` renaming export.
                        Datum::List {
                            items,
                            tail: Some(_),
                            ..
                        } => {
                            if let Some(s) = items.first().and_then(Datum::as_symbol) {
                                module.exports.insert(s.to_string());
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        i += 2;
    }
}

fn parse_import(spec: &Datum) -> Option<Import> {
    let items = spec.as_list()?;
    // Plain `(gnu packages base)`.
    if items.iter().all(|d| d.as_symbol().is_some()) {
        return Some(Import {
            module: spec.to_string(),
            select: None,
            hide: HashSet::new(),
            prefix: None,
        });
    }
    let module = items.first()?;
    module.as_list()?;
    let mut import = Import {
        module: module.to_string(),
        select: None,
        hide: HashSet::new(),
        prefix: None,
    };
    let mut i = 1;
    while i + 1 < items.len() {
        match (&items[i], &items[i + 1]) {
            (Datum::Keyword(k), value) if k == "select" => {
                let mut map = HashMap::new();
                for item in value.as_list().unwrap_or(&[]) {
                    match item {
                        Datum::Symbol(s) => {
                            map.insert(s.clone(), s.clone());
                        }
                        Datum::List {
                            items,
                            tail: Some(local),
                            ..
                        } if items.len() == 1 => {
                            if let (Some(orig), Some(local)) =
                                (items[0].as_symbol(), local.as_symbol())
                            {
                                map.insert(local.to_string(), orig.to_string());
                            }
                        }
                        _ => {}
                    }
                }
                import.select = Some(map);
            }
            (Datum::Keyword(k), value) if k == "hide" => {
                for item in value.as_list().unwrap_or(&[]) {
                    if let Some(s) = item.as_symbol() {
                        import.hide.insert(s.to_string());
                    }
                }
            }
            (Datum::Keyword(k), Datum::Symbol(p)) if k == "prefix" => {
                import.prefix = Some(p.clone());
            }
            _ => {}
        }
        i += 2;
    }
    Some(import)
}

/// Parses `(name a b #:optional c #:key (d 1) . rest)`.
pub fn parse_signature(signature: &Datum) -> Option<(String, Params)> {
    let Datum::List { items, tail, .. } = signature else {
        return None;
    };
    let name = items.first()?.as_symbol()?.to_string();
    let params = parse_params(&items[1..], tail.as_deref())?;
    Some((name, params))
}

/// Parses a lambda list (the items and an optional dotted rest).
pub fn parse_params(items: &[Datum], tail: Option<&Datum>) -> Option<Params> {
    #[derive(PartialEq)]
    enum Section {
        Required,
        Optional,
        Key,
        Rest,
    }
    let mut params = Params::default();
    let mut section = Section::Required;
    for item in items {
        match item {
            Datum::Keyword(k) => {
                section = match k.as_str() {
                    "optional" => Section::Optional,
                    "key" => Section::Key,
                    "rest" => Section::Rest,
                    "allow-other-keys" => continue,
                    _ => return None,
                };
            }
            Datum::Symbol(s) => match section {
                Section::Required => params.required.push(s.clone()),
                Section::Optional => params.optional.push((s.clone(), None)),
                Section::Key => params.keys.push((s.clone(), None)),
                Section::Rest => params.rest = Some(s.clone()),
            },
            Datum::List { items: pair, .. } => {
                let name = pair.first()?.as_symbol()?.to_string();
                let default = pair.get(1).cloned();
                match section {
                    Section::Optional => params.optional.push((name, default)),
                    Section::Key => params.keys.push((name, default)),
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    if let Some(rest) = tail {
        params.rest = Some(rest.as_symbol()?.to_string());
    }
    Some(params)
}
