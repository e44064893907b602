//! `syntax-rules` macros: pattern matching with ellipses (nested, with tail
//! patterns, custom ellipsis, `(... ...)` escapes) and template expansion
//! with renaming of introduced identifiers for hygiene.
//!
//! Every expansion is charged to the interpreter's expansion budget, so a
//! macro that expands forever or exponentially stops with a limit diagnostic.

use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

use crate::diag::{Exn, Result};
use crate::eval::{Interp, MarkInfo};
use crate::reader::{Ident, Syntax, SyntaxKind};
use crate::span::Span;
use crate::value::Symbol;

#[derive(Debug)]
pub enum Macro {
    Rules(SyntaxRules),
    /// `(identifier-syntax template)`: the identifier stands for `template`.
    IdentifierSyntax(Syntax),
}

#[derive(Debug)]
pub struct SyntaxRules {
    name: Symbol,
    ellipsis: Symbol,
    literals: Vec<Symbol>,
    rules: Vec<(Syntax, Syntax)>,
    /// How many lexical scopes were visible where the macro was defined.
    scope_len: usize,
}

#[derive(Debug, Clone)]
enum Binding {
    One(Syntax),
    Many(Vec<Binding>),
}

type Bindings = HashMap<Symbol, Binding>;

impl SyntaxRules {
    pub fn single(
        name: Symbol,
        pattern: Syntax,
        template: Syntax,
        scope_len: usize,
    ) -> SyntaxRules {
        SyntaxRules {
            name,
            ellipsis: Symbol::intern("..."),
            literals: Vec::new(),
            rules: vec![(pattern, template)],
            scope_len,
        }
    }

    /// Parse `(syntax-rules [ellipsis] (literal ...) (pattern template) ...)`.
    pub fn parse(
        name: Symbol,
        spec: &Syntax,
        parts: &[Syntax],
        scope_len: usize,
    ) -> Result<SyntaxRules> {
        let mut i = 1;
        let mut ellipsis = Symbol::intern("...");
        if let Some(id) = parts.get(i).and_then(Syntax::ident) {
            ellipsis = id.sym;
            i += 1;
        }
        let lits = parts.get(i).and_then(Syntax::list).ok_or_else(|| {
            Exn::syntax(
                "`syntax-rules` expects a list of literals",
                parts.get(i).map_or(spec.span, |p| p.span),
            )
            .with_help("write (syntax-rules () ((_ pattern ...) template) ...)")
        })?;
        let literals = lits
            .iter()
            .map(|l| {
                l.ident().map(|id| id.sym).ok_or_else(|| {
                    Exn::syntax("a literal of `syntax-rules` must be an identifier", l.span)
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut rules = Vec::new();
        for rule in &parts[i + 1..] {
            match rule.list() {
                Some([pattern, template]) => {
                    if !matches!(pattern.kind, SyntaxKind::List(..)) {
                        return Err(Exn::syntax(
                            "a `syntax-rules` pattern must be a list",
                            pattern.span,
                        ));
                    }
                    rules.push((pattern.clone(), template.clone()))
                }
                _ => {
                    return Err(Exn::syntax(
                        "a `syntax-rules` rule must be (pattern template)",
                        rule.span,
                    ))
                }
            }
        }
        Ok(SyntaxRules {
            name,
            ellipsis,
            literals,
            rules,
            scope_len,
        })
    }

    fn is_ellipsis(&self, s: &Syntax) -> bool {
        matches!(&s.kind, SyntaxKind::Ident(id) if id.sym == self.ellipsis)
    }
}

impl Interp {
    /// Expand one use of a macro.
    pub(crate) fn expand(&mut self, m: &Macro, form: &Syntax, _scopes: usize) -> Result<Syntax> {
        let rules = match m {
            Macro::Rules(r) => r,
            Macro::IdentifierSyntax(t) => return Ok(t.clone()),
        };
        self.tick_n(1)?;
        let items = form.list().unwrap_or(&[]);
        for (pattern, template) in &rules.rules {
            let mut binds = Bindings::default();
            // The macro keyword position is ignored, as R7RS says.
            let pat_items = match &pattern.kind {
                SyntaxKind::List(p, t) => (p, t),
                _ => continue,
            };
            let pat_rest = Syntax {
                kind: SyntaxKind::List(
                    pat_items.0[1.min(pat_items.0.len())..].to_vec().into(),
                    pat_items.1.clone(),
                ),
                span: pattern.span,
            };
            let form_rest = Syntax {
                kind: SyntaxKind::List(items.get(1..).unwrap_or(&[]).to_vec().into(), None),
                span: form.span,
            };
            if self.match_pattern(rules, &pat_rest, &form_rest, &mut binds, 0)? {
                let mut renames: HashMap<Ident, Ident> = HashMap::default();
                return self.instantiate(rules, template, &binds, &mut renames, form.span, 0);
            }
        }
        Err(Exn::syntax(
            format!("no rule of macro `{}` matches this use", rules.name.name()),
            form.span,
        )
        .with_help("check the number and shape of the macro's arguments"))
    }

    fn match_pattern(
        &mut self,
        r: &SyntaxRules,
        pat: &Syntax,
        form: &Syntax,
        binds: &mut Bindings,
        depth: u32,
    ) -> Result<bool> {
        self.tick_n(1)?;
        if depth > self.limits.max_depth {
            return Err(Exn::limit("macro pattern nested too deeply").at(form.span));
        }
        match &pat.kind {
            SyntaxKind::Ident(id) => {
                if id.sym.is("_") {
                    return Ok(true);
                }
                if r.literals.contains(&id.sym) {
                    return Ok(matches!(&form.kind, SyntaxKind::Ident(f) if f.sym == id.sym));
                }
                binds.insert(id.sym, Binding::One(form.clone()));
                Ok(true)
            }
            SyntaxKind::Lit(v) => Ok(match &form.kind {
                SyntaxKind::Lit(w) => v.equal(w, 64).unwrap_or(false),
                _ => false,
            }),
            SyntaxKind::List(pitems, ptail) => {
                let (fitems, ftail): (&[Syntax], Option<&Rc<Syntax>>) = match &form.kind {
                    SyntaxKind::List(i, t) => (i, t.as_ref()),
                    _ => return Ok(false),
                };
                self.match_seq(
                    r,
                    pitems,
                    ptail.as_deref(),
                    fitems,
                    ftail.map(|t| &**t),
                    form.span,
                    binds,
                    depth,
                )
            }
            SyntaxKind::Vector(pitems) => match &form.kind {
                SyntaxKind::Vector(fitems) => {
                    self.match_seq(r, pitems, None, fitems, None, form.span, binds, depth)
                }
                _ => Ok(false),
            },
        }
    }

    fn match_seq(
        &mut self,
        r: &SyntaxRules,
        pitems: &[Syntax],
        ptail: Option<&Syntax>,
        fitems: &[Syntax],
        ftail: Option<&Syntax>,
        span: Span,
        binds: &mut Bindings,
        depth: u32,
    ) -> Result<bool> {
        let ell = pitems.iter().position(|p| r.is_ellipsis(p));
        match ell {
            None => {
                if fitems.len() < pitems.len() {
                    return Ok(false);
                }
                for (p, f) in pitems.iter().zip(fitems) {
                    if !self.match_pattern(r, p, f, binds, depth + 1)? {
                        return Ok(false);
                    }
                }
                let rest_items = &fitems[pitems.len()..];
                match ptail {
                    Some(pt) => {
                        let rest = Syntax {
                            kind: match (rest_items.is_empty(), ftail) {
                                (true, Some(t)) => t.kind.clone(),
                                _ => SyntaxKind::List(
                                    rest_items.to_vec().into(),
                                    ftail.map(|t| Rc::new(t.clone())),
                                ),
                            },
                            span,
                        };
                        self.match_pattern(r, pt, &rest, binds, depth + 1)
                    }
                    None => Ok(rest_items.is_empty() && ftail.is_none()),
                }
            }
            Some(k) => {
                if k == 0 {
                    return Err(Exn::syntax("`...` must follow a pattern", pitems[0].span));
                }
                let before = &pitems[..k - 1];
                let repeated = &pitems[k - 1];
                let after = &pitems[k + 1..];
                if after.iter().any(|p| r.is_ellipsis(p)) {
                    return Err(Exn::syntax(
                        "only one `...` is allowed per list pattern",
                        span,
                    ));
                }
                let min = before.len() + after.len();
                if fitems.len() < min {
                    return Ok(false);
                }
                for (p, f) in before.iter().zip(fitems) {
                    if !self.match_pattern(r, p, f, binds, depth + 1)? {
                        return Ok(false);
                    }
                }
                let n_rep = fitems.len() - min;
                let mut reps: Vec<Bindings> = Vec::with_capacity(n_rep);
                for f in &fitems[before.len()..before.len() + n_rep] {
                    let mut b = Bindings::default();
                    if !self.match_pattern(r, repeated, f, &mut b, depth + 1)? {
                        return Ok(false);
                    }
                    reps.push(b);
                }
                let mut vars = Vec::new();
                pattern_vars(r, repeated, &mut vars);
                for v in vars {
                    let seq = reps
                        .iter_mut()
                        .map(|b| b.remove(&v).unwrap_or(Binding::Many(Vec::new())))
                        .collect();
                    binds.insert(v, Binding::Many(seq));
                }
                for (p, f) in after.iter().zip(&fitems[before.len() + n_rep..]) {
                    if !self.match_pattern(r, p, f, binds, depth + 1)? {
                        return Ok(false);
                    }
                }
                match ptail {
                    Some(pt) => {
                        let rest = match ftail {
                            Some(t) => t.clone(),
                            None => Syntax::new_list(Vec::new(), span),
                        };
                        self.match_pattern(r, pt, &rest, binds, depth + 1)
                    }
                    None => Ok(ftail.is_none()),
                }
            }
        }
    }

    fn instantiate(
        &mut self,
        r: &SyntaxRules,
        t: &Syntax,
        binds: &Bindings,
        renames: &mut HashMap<Ident, Ident>,
        use_span: Span,
        depth: u32,
    ) -> Result<Syntax> {
        self.count_expansion(1)?;
        if depth > self.limits.max_depth {
            return Err(Exn::limit("macro template nested too deeply").at(use_span));
        }
        match &t.kind {
            SyntaxKind::Ident(id) => {
                if let Some(b) = binds.get(&id.sym) {
                    return match b {
                        Binding::One(s) => Ok(s.clone()),
                        Binding::Many(_) => Err(Exn::syntax(
                            format!("pattern variable `{}` is used without `...`", id.sym.name()),
                            t.span,
                        )),
                    };
                }
                let next_mark = self.marks.len() as u32;
                let renamed = *renames.entry(*id).or_insert(Ident {
                    sym: id.sym,
                    mark: next_mark,
                });
                if renamed.mark == next_mark {
                    self.marks.push(MarkInfo {
                        prev: id.mark,
                        scope_len: r.scope_len as u32,
                    });
                }
                Ok(Syntax {
                    kind: SyntaxKind::Ident(renamed),
                    span: use_span,
                })
            }
            SyntaxKind::Lit(_) => Ok(t.clone()),
            SyntaxKind::List(items, tail) => {
                // (... ...) escapes the ellipsis.
                if items.len() == 2 && tail.is_none() && r.is_ellipsis(&items[0]) {
                    let plain = SyntaxRules {
                        name: r.name,
                        ellipsis: Symbol::uninterned("no-ellipsis"),
                        literals: r.literals.clone(),
                        rules: Vec::new(),
                        scope_len: r.scope_len,
                    };
                    return self.instantiate(
                        &plain,
                        &items[1],
                        binds,
                        renames,
                        use_span,
                        depth + 1,
                    );
                }
                let out = self.instantiate_seq(r, items, binds, renames, use_span, depth)?;
                let tail = match tail {
                    Some(tl) => Some(Rc::new(self.instantiate(
                        r,
                        tl,
                        binds,
                        renames,
                        use_span,
                        depth + 1,
                    )?)),
                    None => None,
                };
                // Normalise (a . (b c)) to (a b c).
                let (out, tail) = match tail {
                    Some(tl) => match &tl.kind {
                        SyntaxKind::List(more, more_tail) => {
                            let mut out = out;
                            out.extend(more.iter().cloned());
                            (out, more_tail.clone())
                        }
                        _ => (out, Some(tl)),
                    },
                    None => (out, None),
                };
                Ok(Syntax {
                    kind: SyntaxKind::List(out.into(), tail),
                    span: use_span,
                })
            }
            SyntaxKind::Vector(items) => {
                let out = self.instantiate_seq(r, items, binds, renames, use_span, depth)?;
                Ok(Syntax {
                    kind: SyntaxKind::Vector(out.into()),
                    span: use_span,
                })
            }
        }
    }

    fn instantiate_seq(
        &mut self,
        r: &SyntaxRules,
        items: &[Syntax],
        binds: &Bindings,
        renames: &mut HashMap<Ident, Ident>,
        use_span: Span,
        depth: u32,
    ) -> Result<Vec<Syntax>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < items.len() {
            let elem = &items[i];
            let mut ellipses = 0;
            while items
                .get(i + 1 + ellipses)
                .is_some_and(|s| r.is_ellipsis(s))
            {
                ellipses += 1;
            }
            if ellipses == 0 {
                out.push(self.instantiate(r, elem, binds, renames, use_span, depth + 1)?);
                i += 1;
                continue;
            }
            let mut results = vec![binds.clone()];
            for _ in 0..ellipses {
                let mut next = Vec::new();
                for b in &results {
                    next.extend(self.ellipsis_iterations(r, elem, b)?);
                }
                results = next;
            }
            for b in &results {
                out.push(self.instantiate(r, elem, b, renames, use_span, depth + 1)?);
            }
            i += 1 + ellipses;
        }
        Ok(out)
    }

    /// The bindings for each iteration of `elem ...`.
    fn ellipsis_iterations(
        &mut self,
        r: &SyntaxRules,
        elem: &Syntax,
        binds: &Bindings,
    ) -> Result<Vec<Bindings>> {
        let mut vars = Vec::new();
        pattern_vars(r, elem, &mut vars);
        let many: Vec<(Symbol, &Vec<Binding>)> = vars
            .iter()
            .filter_map(|v| match binds.get(v) {
                Some(Binding::Many(seq)) => Some((*v, seq)),
                _ => None,
            })
            .collect();
        if many.is_empty() {
            return Err(Exn::syntax(
                "no pattern variable before this `...` is followed by `...` in the pattern",
                elem.span,
            ));
        }
        let n = many.iter().map(|(_, s)| s.len()).max().unwrap_or(0);
        if many.iter().any(|(_, s)| s.len() != n) {
            return Err(Exn::syntax(
                "pattern variables under the same `...` matched different numbers of items",
                elem.span,
            ));
        }
        self.count_expansion(n as u64)?;
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let mut b = binds.clone();
            for (v, seq) in &many {
                b.insert(*v, seq[i].clone());
            }
            out.push(b);
        }
        Ok(out)
    }
}

/// The pattern variables (identifiers that are not literals, `_` or the
/// ellipsis) occurring in `p`.
fn pattern_vars(r: &SyntaxRules, p: &Syntax, out: &mut Vec<Symbol>) {
    match &p.kind {
        SyntaxKind::Ident(id) => {
            if id.sym != r.ellipsis
                && !id.sym.is("_")
                && !r.literals.contains(&id.sym)
                && !out.contains(&id.sym)
            {
                out.push(id.sym);
            }
        }
        SyntaxKind::List(items, tail) => {
            for i in items.iter() {
                pattern_vars(r, i, out);
            }
            if let Some(t) = tail {
                pattern_vars(r, t, out);
            }
        }
        SyntaxKind::Vector(items) => {
            for i in items.iter() {
                pattern_vars(r, i, out);
            }
        }
        SyntaxKind::Lit(_) => {}
    }
}
