//! A small, non-hygienic `syntax-rules` expander.
//!
//! Guix package modules define a few macros of their own: defining macros
//! used at top level (`define-stb-header-package`,
//! `define-word-list-dictionary`, ...) and expression macros
//! (`make-openjdk`, `gnome-meta-package`, `patch-series`).  They are written
//! with `syntax-rules`, `define-syntax-rule`, or `syntax-case` whose clauses
//! only use `with-syntax` to make unhygienic identifiers; all of them can be
//! expanded by plain pattern substitution.  [`Macro::expand`] matches a use
//! against each rule in turn (literals, `_`, nested lists, dotted tails and
//! `...` at any list position, nested ellipses included) and substitutes the
//! bindings into the template.  The expansion is bounded: its output may
//! have at most [`MAX_EXPANSION_NODES`] nodes and nest at most
//! [`MAX_EXPANSION_DEPTH`] deep, and a use that matches no rule, or a
//! template that misuses an ellipsis, gives `None`.

use std::collections::HashMap;

use crate::reader::Datum;

/// Largest expansion (counted in datum nodes) produced by one macro use.
pub const MAX_EXPANSION_NODES: usize = 200_000;

/// Deepest nesting of an expansion (as deep as the reader accepts).
pub const MAX_EXPANSION_DEPTH: usize = crate::reader::MAX_DEPTH;

/// A macro defined by the module.
#[derive(Clone, Debug, PartialEq)]
pub enum Macro {
    /// `syntax-rules`, `define-syntax-rule` or an equivalent `syntax-case`:
    /// the literals and the (pattern, template) rules, in order.
    Rules {
        literals: Vec<String>,
        rules: Vec<(Datum, Datum)>,
    },
    /// `(identifier-syntax EXPR)`: the name stands for EXPR.
    Identifier(Datum),
}

/// What a pattern variable is bound to.
#[derive(Clone, Debug)]
enum Bind {
    One(Datum),
    /// Under an ellipsis: one binding per repetition.
    Many(Vec<Bind>),
}

type Bindings = HashMap<String, Bind>;

/// The bindings seen by a template: those of one ellipsis repetition over
/// the enclosing ones (no copy of the enclosing bindings).
struct Scope<'a> {
    vars: &'a Bindings,
    parent: Option<&'a Scope<'a>>,
}

impl Scope<'_> {
    fn get(&self, name: &str) -> Option<&Bind> {
        let mut scope = Some(self);
        while let Some(s) = scope {
            if let Some(b) = s.vars.get(name) {
                return Some(b);
            }
            scope = s.parent;
        }
        None
    }
}

/// Expansion failed (no match, or a template not usable with the bindings).
struct NoMatch;

impl Macro {
    /// Expands `form`, a use of this macro (its head is ignored); every list
    /// of the expansion gets `line`.
    pub fn expand(&self, form: &Datum, line: u32) -> Option<Datum> {
        let Macro::Rules { literals, rules } = self else {
            return None;
        };
        let Datum::List { items, tail, .. } = form else {
            return None;
        };
        let args = Datum::List {
            items: items.get(1..).unwrap_or(&[]).to_vec(),
            tail: tail.clone(),
            line,
        };
        for (pattern, template) in rules {
            let pattern = match pattern {
                Datum::List { items, tail, line } if !items.is_empty() => Datum::List {
                    items: items[1..].to_vec(),
                    tail: tail.clone(),
                    line: *line,
                },
                _ => continue,
            };
            let mut bindings = Bindings::new();
            if match_pattern(&pattern, &args, literals, &mut bindings).is_err() {
                continue;
            }
            let mut budget = MAX_EXPANSION_NODES;
            let scope = Scope {
                vars: &bindings,
                parent: None,
            };
            return substitute(template, &scope, line, &mut budget, 0).ok();
        }
        None
    }
}

fn is_ellipsis(d: &Datum) -> bool {
    d.as_symbol() == Some("...")
}

fn match_pattern(
    pattern: &Datum,
    form: &Datum,
    literals: &[String],
    b: &mut Bindings,
) -> Result<(), NoMatch> {
    match pattern {
        Datum::Symbol(s) if s == "_" => Ok(()),
        Datum::Symbol(s) if literals.contains(s) => match form {
            Datum::Symbol(f) if f == s => Ok(()),
            _ => Err(NoMatch),
        },
        Datum::Symbol(s) => {
            b.insert(s.clone(), Bind::One(form.clone()));
            Ok(())
        }
        Datum::List {
            items: pi,
            tail: ptail,
            ..
        } => {
            let Datum::List {
                items: fi,
                tail: ftail,
                line,
            } = form
            else {
                return Err(NoMatch);
            };
            if let Some(k) = pi.iter().position(is_ellipsis) {
                if k == 0 {
                    return Err(NoMatch);
                }
                let before = &pi[..k - 1];
                let repeated = &pi[k - 1];
                let after = &pi[k + 1..];
                if fi.len() < before.len() + after.len() {
                    return Err(NoMatch);
                }
                for (p, f) in before.iter().zip(fi) {
                    match_pattern(p, f, literals, b)?;
                }
                let n = fi.len() - before.len() - after.len();
                let mut seqs = Vec::with_capacity(n);
                for f in &fi[before.len()..before.len() + n] {
                    let mut inner = Bindings::new();
                    match_pattern(repeated, f, literals, &mut inner)?;
                    seqs.push(inner);
                }
                for var in pattern_vars(repeated, literals) {
                    let many = seqs
                        .iter()
                        .map(|s| s.get(&var).cloned().unwrap_or(Bind::Many(Vec::new())))
                        .collect();
                    b.insert(var, Bind::Many(many));
                }
                for (p, f) in after.iter().zip(&fi[before.len() + n..]) {
                    match_pattern(p, f, literals, b)?;
                }
                if let Some(pt) = ptail {
                    let rest = match ftail {
                        Some(t) => (**t).clone(),
                        None => Datum::list(Vec::new(), *line),
                    };
                    match_pattern(pt, &rest, literals, b)?;
                } else if ftail.is_some() {
                    return Err(NoMatch);
                }
                return Ok(());
            }
            match ptail {
                None => {
                    if pi.len() != fi.len() || ftail.is_some() {
                        return Err(NoMatch);
                    }
                    for (p, f) in pi.iter().zip(fi) {
                        match_pattern(p, f, literals, b)?;
                    }
                    Ok(())
                }
                Some(pt) => {
                    if fi.len() < pi.len() {
                        return Err(NoMatch);
                    }
                    for (p, f) in pi.iter().zip(fi) {
                        match_pattern(p, f, literals, b)?;
                    }
                    let rest_items = fi[pi.len()..].to_vec();
                    let rest = if rest_items.is_empty() {
                        match ftail {
                            Some(t) => (**t).clone(),
                            None => Datum::list(Vec::new(), *line),
                        }
                    } else {
                        Datum::List {
                            items: rest_items,
                            tail: ftail.clone(),
                            line: *line,
                        }
                    };
                    match_pattern(pt, &rest, literals, b)
                }
            }
        }
        // Other data match themselves.
        other => {
            if other.to_string() == form.to_string()
                && std::mem::discriminant(other) == std::mem::discriminant(form)
            {
                Ok(())
            } else {
                Err(NoMatch)
            }
        }
    }
}

/// The pattern variables of `pattern`, in order.
fn pattern_vars(pattern: &Datum, literals: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    collect_vars(pattern, literals, &mut out);
    out
}

fn collect_vars(pattern: &Datum, literals: &[String], out: &mut Vec<String>) {
    match pattern {
        Datum::Symbol(s) if s != "_" && s != "..." && !literals.contains(s) => {
            out.push(s.clone());
        }
        Datum::List { items, tail, .. } => {
            for item in items {
                collect_vars(item, literals, out);
            }
            if let Some(t) = tail {
                collect_vars(t, literals, out);
            }
        }
        _ => {}
    }
}

fn substitute(
    template: &Datum,
    b: &Scope<'_>,
    line: u32,
    budget: &mut usize,
    depth: usize,
) -> Result<Datum, NoMatch> {
    *budget = budget.checked_sub(1).ok_or(NoMatch)?;
    if depth > MAX_EXPANSION_DEPTH {
        return Err(NoMatch);
    }
    match template {
        Datum::Symbol(s) => match b.get(s) {
            None => Ok(template.clone()),
            Some(Bind::One(d)) => {
                let (size, d_depth) = size_and_depth(d, *budget);
                *budget = budget.checked_sub(size).ok_or(NoMatch)?;
                if depth + d_depth > MAX_EXPANSION_DEPTH {
                    return Err(NoMatch);
                }
                Ok(d.clone())
            }
            Some(Bind::Many(_)) => Err(NoMatch),
        },
        Datum::List { items, tail, .. } => {
            let mut out = Vec::new();
            let mut i = 0;
            while i < items.len() {
                let item = &items[i];
                if items.get(i + 1).is_some_and(is_ellipsis) {
                    let vars: Vec<String> = pattern_vars(item, &[])
                        .into_iter()
                        .filter(|v| matches!(b.get(v), Some(Bind::Many(_))))
                        .collect();
                    let Some(Bind::Many(first)) = vars.first().and_then(|v| b.get(v)) else {
                        return Err(NoMatch);
                    };
                    let n = first.len();
                    for j in 0..n {
                        let mut inner = Bindings::new();
                        for v in &vars {
                            if let Some(Bind::Many(seq)) = b.get(v) {
                                let one = seq.get(j).cloned().ok_or(NoMatch)?;
                                inner.insert(v.clone(), one);
                            }
                        }
                        let scope = Scope {
                            vars: &inner,
                            parent: Some(b),
                        };
                        out.push(substitute(item, &scope, line, budget, depth + 1)?);
                    }
                    i += 2;
                    continue;
                }
                out.push(substitute(item, b, line, budget, depth + 1)?);
                i += 1;
            }
            let tail = match tail {
                Some(t) => Some(Box::new(substitute(t, b, line, budget, depth + 1)?)),
                None => None,
            };
            Ok(Datum::List {
                items: out,
                tail,
                line,
            })
        }
        other => Ok(other.clone()),
    }
}

/// The number of nodes of `d`, counting at most `limit + 1`.
pub fn node_count(d: &Datum, limit: usize) -> usize {
    size_and_depth(d, limit).0
}

/// The number of nodes of `d` (counting at most `limit + 1`) and its depth
/// (1 for an atom), without recursion.
fn size_and_depth(d: &Datum, limit: usize) -> (usize, usize) {
    let mut count = 0;
    let mut deepest = 0;
    let mut stack = vec![(d, 1)];
    while let Some((d, depth)) = stack.pop() {
        count += 1;
        deepest = deepest.max(depth);
        if count > limit {
            break;
        }
        match d {
            Datum::List { items, tail, .. } => {
                stack.extend(items.iter().map(|i| (i, depth + 1)));
                if let Some(t) = tail {
                    stack.push((t, depth + 1));
                }
            }
            Datum::Vector(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    (count, deepest)
}

/// Reads a `define-syntax` right-hand side (`syntax-rules`,
/// `identifier-syntax`, or `(lambda (x) (syntax-case x (lits) clause...))`
/// whose clauses are `(pattern (with-syntax (...) ... #'template))`).
pub fn parse_transformer(spec: &Datum) -> Option<Macro> {
    let items = spec.as_list()?;
    match spec.head()? {
        "syntax-rules" => {
            let literals = symbols(items.get(1)?);
            let rules = items[2..]
                .iter()
                .filter_map(|rule| match rule.as_list() {
                    Some([pattern, template]) => Some((pattern.clone(), template.clone())),
                    _ => None,
                })
                .collect();
            Some(Macro::Rules { literals, rules })
        }
        "identifier-syntax" => match items {
            [_, expr] => Some(Macro::Identifier(expr.clone())),
            _ => None,
        },
        "lambda" => {
            let [_, _, body] = items else { return None };
            let sc = body.as_list()?;
            if body.head() != Some("syntax-case") || sc.len() < 3 {
                return None;
            }
            let literals = symbols(&sc[2]);
            let mut rules = Vec::new();
            for clause in &sc[3..] {
                let Some([pattern, body]) = clause.as_list() else {
                    continue;
                };
                let mut body = body;
                while let (Some("with-syntax"), Some([_, _, inner])) = (body.head(), body.as_list())
                {
                    body = inner;
                }
                if let (Some("syntax"), Some([_, template])) = (body.head(), body.as_list()) {
                    rules.push((pattern.clone(), template.clone()));
                }
            }
            (!rules.is_empty()).then_some(Macro::Rules { literals, rules })
        }
        _ => None,
    }
}

fn symbols(list: &Datum) -> Vec<String> {
    list.as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|d| d.as_symbol().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::read_str;

    fn read1(s: &str) -> Datum {
        read_str(s).unwrap().forms.remove(0).datum
    }

    #[test]
    fn expands_rules_with_literals_and_ellipses() {
        let m = parse_transformer(&read1(
            "(syntax-rules (description)
               ((_ sym name (description text) rest ...)
                (define-public sym (make name text rest ...))))",
        ))
        .unwrap();
        let out = m
            .expand(&read1("(def x \"x\" (description \"d\") a (b c))"), 7)
            .unwrap();
        assert_eq!(
            out.to_string(),
            "(define-public x (make \"x\" \"d\" a (b c)))"
        );
        assert_eq!(out.line(), Some(7));
        assert!(m
            .expand(&read1("(def x \"x\" (synopsis \"d\"))"), 1)
            .is_none());
    }

    #[test]
    fn nested_ellipses_and_dotted_patterns() {
        let m = parse_transformer(&read1(
            "(syntax-rules () ((_ (k v ...) ... . rest) (list (k v ...) ... rest)))",
        ))
        .unwrap();
        let out = m.expand(&read1("(m (a 1 2) (b) . z)"), 1).unwrap();
        assert_eq!(out.to_string(), "(list (a 1 2) (b) z)");
    }

    #[test]
    fn syntax_case_with_syntax_is_read_as_rules() {
        let m = parse_transformer(&read1(
            "(lambda (x) (syntax-case x () ((_ f ...) (with-syntax ((base (datum->syntax x 'base))) #'(let ((base 1)) f ...)))))",
        ))
        .unwrap();
        let out = m.expand(&read1("(m base 2)"), 1).unwrap();
        assert_eq!(out.to_string(), "(let ((base 1)) base 2)");
    }

    #[test]
    fn expansion_depth_is_bounded() {
        let m = parse_transformer(&read1("(syntax-rules () ((_ x) ((((x))))))")).unwrap();
        let mut form = read1("(m a)");
        let mut expanded = 0;
        while let Some(out) = m.expand(&form, 1) {
            form = read1("(m b)");
            if let Datum::List { items, .. } = &mut form {
                items[1] = out;
            }
            expanded += 1;
        }
        assert!(expanded <= MAX_EXPANSION_DEPTH / 4 + 1, "{expanded}");
    }

    #[test]
    fn expansion_is_bounded() {
        let m =
            parse_transformer(&read1("(syntax-rules () ((_ x ...) (x ... x ... x ...)))")).unwrap();
        let big = format!("(m {})", "(a b c d e f g h i j) ".repeat(10_000));
        assert!(m.expand(&read1(&big), 1).is_none());
    }
}
