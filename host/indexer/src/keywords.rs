//! Which keywords each build system accepts in a package's `arguments`.
//!
//! Guix passes `arguments` to the build system's `lower` procedure (after
//! the plumbing keywords `#:source #:inputs ...`), and `lower` makes a bag
//! whose arguments are everything it received minus its private keywords
//! (`strip-keyword-arguments`); the bag's build procedure, a `define*`
//! without `#:allow-other-keys` (except `channel`), then rejects any other
//! keyword.  So, reading `guix/build-system/*.scm` without evaluating it:
//!
//! 1. find the build system's `(build-system ... (lower EXPR))`, also under
//!    `let` (`channel`) or through an alias;
//! 2. resolve EXPR to a lambda list: a `define*`, a let-bound `lambda*`, or
//!    a call of a procedure that returns a `lambda*` (`(lower "sbcl")`);
//! 3. a `lower` without `#:allow-other-keys` accepts exactly its own keys
//!    (`trivial`);
//! 4. otherwise find the `(bag ...)` in its body; if there is none, `lower`
//!    delegates through `(build-system-lower X)`: the result is X's plus
//!    lower's own keys (`mozilla`, `luanti-mod`);
//! 5. the bag's `(build E)` is resolved like EXPR (taking the native branch
//!    of `(if target CROSS NATIVE)`, and following a wrapper lambda that
//!    `apply`s another procedure, as in `hare`); the private keywords are
//!    every keyword in the list given to `strip-keyword-arguments` in the
//!    bag's `(arguments ...)` (a variable bound inside `lower`, or at top
//!    level);
//! 6. accepted = private keywords + the build procedure's keys, and unknown
//!    keywords are accepted iff the build procedure has
//!    `#:allow-other-keys`.
//!
//! The plumbing keywords ([`PLUMBING`]) are left out: Guix sets them, a
//! package never should.  This is the algorithm of the research into Guix's
//! `make-bag`/`bag->derivation`; its result was checked against real Guix
//! probing every keyword (see `tests/fixtures/`).  Lookups follow at most
//! [`MAX_HOPS`] definitions, so cyclic or deep definitions end with an error.

use std::collections::{BTreeSet, HashMap};

use crate::reader::{Datum, Form};

/// Keywords supplied by Guix itself (`make-bag`, `bag->derivation`).
pub const PLUMBING: &[&str] = &[
    "source",
    "inputs",
    "native-inputs",
    "outputs",
    "system",
    "target",
    "search-paths",
    "native-search-paths",
    "build-inputs",
    "host-inputs",
    "target-inputs",
];

/// Most definitions followed while resolving one build system.
pub const MAX_HOPS: usize = 64;

/// The keywords one build system accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// Sorted, without `#:`, plumbing keywords left out.
    pub keywords: Vec<String>,
    /// Unknown keywords are accepted (and ignored).
    pub accepts_other_keys: bool,
}

/// The top-level definitions and imports of one build-system module.
struct ModuleDefs<'a> {
    defs: HashMap<String, &'a Datum>,
    /// Imported module names and their `#:prefix`.
    imports: Vec<(String, Option<String>)>,
}

/// The build-system modules, by module name (`(guix build-system gnu)`).
pub struct BuildSystemModules<'a> {
    modules: HashMap<String, ModuleDefs<'a>>,
}

/// A resolved lambda: the module it is in, its formals and body.
#[derive(Clone, Copy)]
struct Lambda<'a> {
    module: &'a str,
    formals: &'a Datum,
    /// For `(define* (name . formals) ...)` the formals are the signature
    /// minus its first item.
    skip_name: bool,
    body: &'a [Datum],
}

#[derive(Default)]
struct Formals {
    keys: Vec<String>,
    allow_other_keys: bool,
    rest: bool,
}

type Locals<'a> = HashMap<String, &'a Datum>;

impl<'a> BuildSystemModules<'a> {
    /// Reads the forms of each module: (module name, forms).
    pub fn new(modules: impl IntoIterator<Item = (String, &'a [Form])>) -> Self {
        let modules = modules
            .into_iter()
            .map(|(name, forms)| (name, module_defs(forms)))
            .collect();
        BuildSystemModules { modules }
    }

    /// The keywords accepted by the build system bound to `var` in `module`.
    pub fn accepted(&'a self, module: &str, var: &str) -> Result<Accepted, String> {
        let mut hops = 0;
        let (keywords, any) = self.analyse(module, var, &mut hops)?;
        let keywords = keywords
            .into_iter()
            .filter(|k| !PLUMBING.contains(&k.as_str()))
            .collect();
        Ok(Accepted {
            keywords,
            accepts_other_keys: any,
        })
    }

    fn hop(hops: &mut usize) -> Result<(), String> {
        *hops += 1;
        if *hops > MAX_HOPS {
            return Err("definitions nest too deeply".into());
        }
        Ok(())
    }

    /// The definition of `name` as seen from `module`: its own, a prefixed
    /// import, or an unprefixed `(guix build-system ...)` import.
    fn lookup(&'a self, module: &'a str, name: &str) -> Option<(&'a str, &'a Datum)> {
        let defs = self.modules.get(module)?;
        for (imported, prefix) in &defs.imports {
            if let Some(base) = prefix.as_deref().and_then(|p| name.strip_prefix(p)) {
                let (key, m) = self.modules.get_key_value(imported.as_str())?;
                return m.defs.get(base).map(|d| (key.as_str(), *d));
            }
        }
        if let Some((key, _)) = self.modules.get_key_value(module) {
            if let Some(d) = defs.defs.get(name) {
                return Some((key.as_str(), *d));
            }
        }
        for (imported, prefix) in &defs.imports {
            if prefix.is_some() || !imported.starts_with("(guix build-system ") {
                continue;
            }
            if let Some((key, m)) = self.modules.get_key_value(imported.as_str()) {
                if let Some(d) = m.defs.get(name) {
                    return Some((key.as_str(), *d));
                }
            }
        }
        None
    }

    fn analyse(
        &'a self,
        module: &str,
        var: &str,
        hops: &mut usize,
    ) -> Result<(BTreeSet<String>, bool), String> {
        Self::hop(hops)?;
        let (module, def) = self
            .lookup(
                self.modules
                    .get_key_value(module)
                    .ok_or("no such module")?
                    .0,
                var,
            )
            .ok_or_else(|| format!("`{var}` is not defined"))?;
        let items = def.as_list().unwrap_or(&[]);
        let mut expr = match items {
            [_, Datum::Symbol(_), value, ..] => value,
            _ => return Err(format!("`{var}` is not a variable")),
        };
        if let Datum::Symbol(alias) = expr {
            return self.analyse(module, alias, hops);
        }
        let mut locals = Locals::new();
        if let (Some("let" | "let*"), Some([_, bindings, .., last])) = (expr.head(), expr.as_list())
        {
            for b in bindings.as_list().unwrap_or(&[]) {
                if let Some([Datum::Symbol(n), e]) = b.as_list() {
                    locals.insert(n.clone(), e);
                }
            }
            expr = last;
        }
        if expr.head() != Some("build-system") {
            return Err(format!("`{var}` is not a (build-system ...)"));
        }
        let lower_expr = field(expr, "lower").ok_or("no `lower` field")?;
        let lower = self
            .as_lambda(module, lower_expr, &locals, hops)?
            .ok_or("its `lower` is not a lambda")?;
        let lower_formals = parse_formals(&lower);
        if !lower_formals.allow_other_keys {
            return Ok((lower_formals.keys.into_iter().collect(), false));
        }
        let lower_locals = local_bindings(lower.body);
        let bags = find_forms(lower.body, "bag");
        let Some(bag) = bags.last() else {
            // Delegation: (define lower (build-system-lower X)) (apply lower ...).
            for e in walk(lower.body) {
                if let (Some("build-system-lower"), Some([_, Datum::Symbol(other)])) =
                    (e.head(), e.as_list())
                {
                    let (mut keys, any) = self.analyse(lower.module, other, hops)?;
                    keys.extend(lower_formals.keys);
                    return Ok((keys, any));
                }
            }
            return Err("its `lower` makes no bag".into());
        };
        let build = field(bag, "build").ok_or("the bag has no `build`")?;
        let (mut keys, any) = self.build_info(lower.module, build, &lower_locals, hops)?;
        if let Some(arguments) = field(bag, "arguments") {
            for strip in find_forms(std::slice::from_ref(arguments), "strip-keyword-arguments") {
                let Some(private) = strip.as_list().and_then(|l| l.get(1)) else {
                    continue;
                };
                let private = match private {
                    Datum::Symbol(s) => match lower_locals.get(s) {
                        Some(e) => *e,
                        None => match self.lookup(lower.module, s).map(|(_, d)| d.as_list()) {
                            Some(Some([_, Datum::Symbol(_), value])) => value,
                            _ => private,
                        },
                    },
                    other => other,
                };
                keys.extend(keywords_in(private));
            }
        }
        Ok((keys, any))
    }

    /// The keys of the native build procedure `expr`, and whether it
    /// accepts other keys.
    fn build_info(
        &'a self,
        module: &'a str,
        expr: &'a Datum,
        locals: &Locals<'a>,
        hops: &mut usize,
    ) -> Result<(BTreeSet<String>, bool), String> {
        Self::hop(hops)?;
        if let (Some("if"), Some([_, _, _, native])) = (expr.head(), expr.as_list()) {
            return self.build_info(module, native, locals, hops);
        }
        let lambda = self
            .as_lambda(module, expr, locals, hops)?
            .ok_or_else(|| format!("cannot resolve the build procedure {expr}"))?;
        let formals = parse_formals(&lambda);
        if formals.allow_other_keys {
            return Ok((formals.keys.into_iter().collect(), true));
        }
        if formals.keys.is_empty() && formals.rest {
            // A wrapper: (lambda (name inputs . rest) (apply F ...)).
            if let Some(target) = find_forms(lambda.body, "apply")
                .first()
                .and_then(|a| a.as_list())
                .and_then(|a| a.get(1))
            {
                return self.build_info(lambda.module, target, &local_bindings(lambda.body), hops);
            }
        }
        Ok((formals.keys.into_iter().collect(), false))
    }

    /// Resolves `expr` to a lambda: a symbol bound to a procedure or to a
    /// lambda, a `lambda`/`lambda*`, the first clause of a `case-lambda`, or
    /// a call of a procedure whose body ends with a lambda.
    fn as_lambda(
        &'a self,
        module: &'a str,
        expr: &'a Datum,
        locals: &Locals<'a>,
        hops: &mut usize,
    ) -> Result<Option<Lambda<'a>>, String> {
        Self::hop(hops)?;
        match expr {
            Datum::Symbol(s) => {
                if let Some(e) = locals.get(s) {
                    return self.as_lambda(module, e, locals, hops);
                }
                let Some((m, def)) = self.lookup(module, s) else {
                    return Ok(None);
                };
                match def.as_list().unwrap_or(&[]) {
                    [_, sig @ Datum::List { .. }, body @ ..] => Ok(Some(Lambda {
                        module: m,
                        formals: sig,
                        skip_name: true,
                        body,
                    })),
                    [_, Datum::Symbol(_), value, ..] => {
                        self.as_lambda(m, value, &Locals::new(), hops)
                    }
                    _ => Ok(None),
                }
            }
            Datum::List { items, .. } if !items.is_empty() => match expr.head() {
                Some("lambda" | "lambda*") if items.len() >= 2 => Ok(Some(Lambda {
                    module,
                    formals: &items[1],
                    skip_name: false,
                    body: &items[2..],
                })),
                Some("case-lambda" | "case-lambda*") => {
                    match items.get(1).and_then(|c| c.as_list()) {
                        Some([formals, body @ ..]) => Ok(Some(Lambda {
                            module,
                            formals,
                            skip_name: false,
                            body,
                        })),
                        _ => Ok(None),
                    }
                }
                _ => {
                    let Some(called) = self.as_lambda(module, &items[0], locals, hops)? else {
                        return Ok(None);
                    };
                    match called.body.last() {
                        Some(last @ Datum::List { items: l, .. })
                            if matches!(last.head(), Some("lambda" | "lambda*"))
                                && l.len() >= 2 =>
                        {
                            Ok(Some(Lambda {
                                module: called.module,
                                formals: &l[1],
                                skip_name: false,
                                body: &l[2..],
                            }))
                        }
                        _ => Ok(None),
                    }
                }
            },
            _ => Ok(None),
        }
    }
}

fn module_defs(forms: &[Form]) -> ModuleDefs<'_> {
    let mut defs = HashMap::new();
    let mut imports = Vec::new();
    for form in forms {
        let Some(items) = form.datum.as_list() else {
            continue;
        };
        match form.datum.head() {
            Some("define-module") => {
                let mut i = 2;
                while i + 1 < items.len() {
                    if let (Datum::Keyword(k), spec) = (&items[i], &items[i + 1]) {
                        if k == "use-module" {
                            imports.push(parse_import(spec));
                        }
                    }
                    i += 1;
                }
            }
            Some("define" | "define*" | "define-public" | "define*-public") => {
                let name = match items.get(1) {
                    Some(Datum::Symbol(s)) => s.clone(),
                    Some(Datum::List { items: sig, .. }) => match sig.first() {
                        Some(Datum::Symbol(s)) => s.clone(),
                        _ => continue,
                    },
                    _ => continue,
                };
                defs.insert(name, &form.datum);
            }
            Some("define-deprecated/alias" | "define-deprecated/public-alias") => {
                if let Some(Datum::Symbol(s)) = items.get(1) {
                    defs.insert(s.clone(), &form.datum);
                }
            }
            _ => {}
        }
    }
    ModuleDefs { defs, imports }
}

/// `(a b)` or `((a b) #:prefix p:)`: the module name and its prefix.
fn parse_import(spec: &Datum) -> (String, Option<String>) {
    match spec.as_list() {
        Some([module @ Datum::List { .. }, rest @ ..]) => {
            let prefix = rest.windows(2).find_map(|w| match w {
                [Datum::Keyword(k), Datum::Symbol(p)] if k == "prefix" => Some(p.clone()),
                _ => None,
            });
            (module.to_string(), prefix)
        }
        _ => (spec.to_string(), None),
    }
}

/// The value of field `(name VALUE)` of a record form such as `(bag ...)`.
fn field<'d>(form: &'d Datum, name: &str) -> Option<&'d Datum> {
    form.as_list()?[1..].iter().find_map(|f| match f.as_list() {
        Some([Datum::Symbol(n), value, ..]) if n == name => Some(value),
        _ => None,
    })
}

fn parse_formals(lambda: &Lambda<'_>) -> Formals {
    let (items, tail) = match lambda.formals {
        Datum::List { items, tail, .. } => {
            let skip = usize::from(lambda.skip_name).min(items.len());
            (&items[skip..], tail.is_some())
        }
        Datum::Symbol(_) => {
            return Formals {
                rest: true,
                ..Formals::default()
            }
        }
        _ => return Formals::default(),
    };
    let mut formals = Formals {
        rest: tail,
        ..Formals::default()
    };
    let mut in_keys = false;
    let mut iter = items.iter();
    while let Some(item) = iter.next() {
        match item {
            Datum::Keyword(k) => match k.as_str() {
                "key" => in_keys = true,
                "optional" => in_keys = false,
                "allow-other-keys" => formals.allow_other_keys = true,
                "rest" => {
                    formals.rest = true;
                    iter.next();
                }
                _ => {}
            },
            _ if in_keys => {
                let name = match item {
                    Datum::List { items, .. } => items.first(),
                    other => Some(other),
                };
                match name {
                    Some(Datum::Symbol(s)) => formals.keys.push(s.clone()),
                    // ((name #:keyword) default)
                    Some(Datum::List { items, .. }) => {
                        if let Some(Datum::Keyword(k)) = items.get(1) {
                            formals.keys.push(k.clone());
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    formals
}

/// Every sub-form of `body` (lists, depth first), without recursion.
fn walk(body: &[Datum]) -> Vec<&Datum> {
    let mut out = Vec::new();
    let mut stack: Vec<&Datum> = body.iter().rev().collect();
    while let Some(d) = stack.pop() {
        out.push(d);
        if let Datum::List { items, tail, .. } = d {
            if let Some(t) = tail {
                stack.push(t);
            }
            stack.extend(items.iter().rev());
        }
    }
    out
}

fn find_forms<'d>(body: &'d [Datum], head: &str) -> Vec<&'d Datum> {
    walk(body)
        .into_iter()
        .filter(|d| d.head() == Some(head))
        .collect()
}

/// Internal `(define x e)` and `let`-family bindings anywhere in `body`.
fn local_bindings(body: &[Datum]) -> Locals<'_> {
    let mut locals = Locals::new();
    for d in walk(body) {
        let Some(items) = d.as_list() else { continue };
        match d.head() {
            Some("define") => {
                if let [_, Datum::Symbol(n), e, ..] = items {
                    locals.insert(n.clone(), e);
                }
            }
            Some("let" | "let*" | "letrec") if items.len() > 2 => {
                for b in items[1].as_list().unwrap_or(&[]) {
                    if let Some([Datum::Symbol(n), e]) = b.as_list() {
                        locals.insert(n.clone(), e);
                    }
                }
            }
            _ => {}
        }
    }
    locals
}

/// Every keyword literal in `expr`.
fn keywords_in(expr: &Datum) -> Vec<String> {
    walk(std::slice::from_ref(expr))
        .into_iter()
        .filter_map(|d| match d {
            Datum::Keyword(k) => Some(k.clone()),
            _ => None,
        })
        .collect()
}
