//! The host's view of a dish, rebuilt from what the guest returned.
//!
//! The guest is untrusted: [`from_guest`] re-checks everything that crosses
//! the boundary — total size, every span (inside the source, on character
//! boundaries, ordered), every flattened datum (children before parents, no
//! dangling indices, bounded size after expansion, well-formed numbers) —
//! and refuses the whole result with a diagnostic when anything is off.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Kind, Span};
use crate::sandbox::wit;

/// Most nodes a datum may have once expanded (shared sub-structures count
/// once per use).
pub const MAX_DATUM_NODES: usize = 100_000;
/// Deepest nesting of a datum (the guest refuses deeper data itself).
pub const MAX_DATUM_DEPTH: u32 = 256;
/// Most diagnostics kept from one evaluation.
pub const MAX_GUEST_DIAGNOSTICS: usize = 64;
/// Longest message or help text kept from the guest.
pub const MAX_GUEST_TEXT: usize = 4096;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// Plain Scheme data, as dishes may put in `arguments` and `snippet`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum Datum {
    Null,
    Bool(bool),
    /// An exact integer, in decimal.
    Integer(String),
    /// An exact rational `N/D`, in decimal, in lowest terms.
    Rational(String),
    Real(f64),
    Char(char),
    String(String),
    Symbol(String),
    Keyword(String),
    /// A list with an optional improper tail.
    List(Vec<Datum>, Option<Box<Datum>>),
    Vector(Vec<Datum>),
    Unspecified,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Source {
    pub git_uri: Spanned<String>,
    pub git_commit: Spanned<String>,
    pub sha256: Spanned<String>,
    pub snippet: Option<Spanned<Datum>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecList {
    pub items: Vec<Spanned<String>>,
    pub span: Span,
}

/// A dish that evaluated and passed the structural checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Dish {
    pub file: String,
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    pub source: Source,
    pub build_system: Spanned<String>,
    pub arguments: Spanned<Datum>,
    pub inputs: SpecList,
    pub native_inputs: SpecList,
    pub propagated_inputs: SpecList,
    pub synopsis: Spanned<String>,
    pub description: Spanned<String>,
    pub license: Spanned<String>,
    pub home_page: Spanned<String>,
    pub span: Span,
}

/// Why a guest result was refused.
fn refused(file: &str, what: String) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        Kind::Internal,
        format!("the sandbox returned a malformed result ({what}); it was refused"),
    )
    .in_file(file)
    .with_help("this is a bug in potluck-wasm's interpreter or an attack on it; please report it with the dish attached")]
}

struct Checker<'a> {
    source: &'a str,
    budget: usize,
}

impl Checker<'_> {
    fn span(&self, s: wit::Span) -> Result<Span, String> {
        let (start, end) = (s.start as usize, s.end as usize);
        if start > end || end > self.source.len() {
            return Err(format!(
                "span {start}..{end} outside a {}-byte source",
                self.source.len()
            ));
        }
        if !self.source.is_char_boundary(start) || !self.source.is_char_boundary(end) {
            return Err(format!("span {start}..{end} inside a character"));
        }
        Ok(Span { start, end })
    }

    fn spend(&mut self, bytes: usize) -> Result<(), String> {
        self.budget = self
            .budget
            .checked_sub(bytes)
            .ok_or_else(|| "more data than the output limit".to_string())?;
        Ok(())
    }

    fn string(&mut self, s: wit::SpannedString) -> Result<Spanned<String>, String> {
        self.spend(s.value.len() + 16)?;
        Ok(Spanned {
            span: self.span(s.span)?,
            value: s.value,
        })
    }

    fn specs(&mut self, l: wit::SpecList) -> Result<SpecList, String> {
        let span = self.span(l.span)?;
        let items = l
            .items
            .into_iter()
            .map(|i| self.string(i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SpecList { items, span })
    }

    fn datum(&mut self, d: wit::SpannedDatum) -> Result<Spanned<Datum>, String> {
        let span = self.span(d.span)?;
        self.spend(d.value.nodes.len() * 16)?;
        let value = rebuild(&d.value.nodes, &mut self.budget)?;
        Ok(Spanned { value, span })
    }
}

/// Rebuild a tree from flattened nodes, checking every index and number.
pub fn rebuild(nodes: &[wit::DatumNode], budget: &mut usize) -> Result<Datum, String> {
    if nodes.is_empty() {
        return Err("an empty datum".into());
    }
    if nodes.len() > MAX_DATUM_NODES {
        return Err(format!("a datum of {} nodes", nodes.len()));
    }
    for (i, n) in nodes.iter().enumerate() {
        let ok = match n {
            wit::DatumNode::Pair((a, b)) => (*a as usize) < i && (*b as usize) < i,
            wit::DatumNode::Vector(items) => items.iter().all(|a| (*a as usize) < i),
            wit::DatumNode::BigInteger(s) => is_integer(s),
            wit::DatumNode::Rational(s) => s.split_once('/').is_some_and(|(n, d)| {
                is_integer(n) && !d.starts_with('-') && is_integer(d) && d != "0"
            }),
            _ => true,
        };
        if !ok {
            return Err(format!("datum node {i} is malformed"));
        }
    }
    let mut count = 0usize;
    build(nodes, nodes.len() - 1, &mut count, budget, 0)
}

fn is_integer(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.len() <= 400_000 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn build(
    nodes: &[wit::DatumNode],
    i: usize,
    count: &mut usize,
    budget: &mut usize,
    depth: u32,
) -> Result<Datum, String> {
    *count += 1;
    if *count > MAX_DATUM_NODES || depth > MAX_DATUM_DEPTH + 1 {
        return Err("a datum that expands past the size limit".into());
    }
    let mut take = |n: usize| -> Result<(), String> {
        *budget = budget
            .checked_sub(n)
            .ok_or_else(|| "more data than the output limit".to_string())?;
        Ok(())
    };
    Ok(match &nodes[i] {
        wit::DatumNode::Null => Datum::Null,
        wit::DatumNode::Boolean(b) => Datum::Bool(*b),
        wit::DatumNode::Integer(n) => Datum::Integer(n.to_string()),
        wit::DatumNode::BigInteger(s) => {
            take(s.len())?;
            Datum::Integer(s.clone())
        }
        wit::DatumNode::Rational(s) => {
            take(s.len())?;
            Datum::Rational(s.clone())
        }
        wit::DatumNode::Real(f) => Datum::Real(*f),
        wit::DatumNode::Character(c) => Datum::Char(*c),
        wit::DatumNode::String(s) => {
            take(s.len())?;
            Datum::String(s.clone())
        }
        wit::DatumNode::Symbol(s) => {
            take(s.len())?;
            Datum::Symbol(s.clone())
        }
        wit::DatumNode::Keyword(s) => {
            take(s.len())?;
            Datum::Keyword(s.clone())
        }
        wit::DatumNode::Unspecified => Datum::Unspecified,
        wit::DatumNode::Vector(items) => Datum::Vector(
            items
                .iter()
                .map(|&j| build(nodes, j as usize, count, budget, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        wit::DatumNode::Pair(_) => {
            // Walk the cdr chain iteratively.
            let mut items = Vec::new();
            let mut cur = i;
            loop {
                match &nodes[cur] {
                    wit::DatumNode::Pair((a, d)) => {
                        *count += 1;
                        if *count > MAX_DATUM_NODES {
                            return Err("a datum that expands past the size limit".into());
                        }
                        items.push(build(nodes, *a as usize, count, budget, depth + 1)?);
                        cur = *d as usize;
                    }
                    wit::DatumNode::Null => break Datum::List(items, None),
                    _ => {
                        let tail = build(nodes, cur, count, budget, depth + 1)?;
                        break Datum::List(items, Some(Box::new(tail)));
                    }
                }
            }
        }
    })
}

/// Check and convert a guest's successful result.
pub fn from_guest(
    p: wit::Package,
    file: &str,
    source: &str,
    output_bytes: usize,
) -> Result<Dish, Vec<Diagnostic>> {
    let mut c = Checker {
        source,
        budget: output_bytes,
    };
    (|| -> Result<Dish, String> {
        Ok(Dish {
            file: file.to_string(),
            name: c.string(p.name)?,
            version: c.string(p.version)?,
            source: Source {
                git_uri: c.string(p.source.git_uri)?,
                git_commit: c.string(p.source.git_commit)?,
                sha256: c.string(p.source.sha256)?,
                snippet: p.source.snippet.map(|s| c.datum(s)).transpose()?,
                span: c.span(p.source.span)?,
            },
            build_system: c.string(p.build_system)?,
            arguments: c.datum(p.arguments)?,
            inputs: c.specs(p.inputs)?,
            native_inputs: c.specs(p.native_inputs)?,
            propagated_inputs: c.specs(p.propagated_inputs)?,
            synopsis: c.string(p.synopsis)?,
            description: c.string(p.description)?,
            license: c.string(p.license)?,
            home_page: c.string(p.home_page)?,
            span: c.span(p.span)?,
        })
    })()
    .map_err(|what| {
        if what.contains("output limit") {
            vec![Diagnostic::error(
                Kind::Limit,
                format!("the dish's result is larger than the {output_bytes}-byte output limit"),
            )
            .in_file(file)
            .with_help("a dish is a short package description; keep its strings and data small")]
        } else {
            refused(file, what)
        }
    })
}

fn kind(k: wit::DiagnosticKind) -> Kind {
    use wit::DiagnosticKind as W;
    match k {
        W::Syntax => Kind::Syntax,
        W::UnboundVariable => Kind::UnboundVariable,
        W::WrongType => Kind::WrongType,
        W::Arity => Kind::Arity,
        W::OutOfRange => Kind::OutOfRange,
        W::UserError => Kind::UserError,
        W::InvalidDish => Kind::InvalidDish,
        W::Unsupported => Kind::Unsupported,
        W::Limit => Kind::Limit,
        W::Internal => Kind::Internal,
    }
}

/// Check and convert a guest's diagnostics: bounded in number and length,
/// spans clamped to the source, positions recomputed, file name ours.
pub fn diagnostics_from_guest(
    diags: Vec<wit::Diagnostic>,
    file: &str,
    source: &str,
    output_bytes: usize,
) -> Vec<Diagnostic> {
    let mut budget = output_bytes;
    let mut out = Vec::new();
    let n = diags.len();
    for d in diags.into_iter().take(MAX_GUEST_DIAGNOSTICS) {
        let cost = d.message.len() + d.help.as_ref().map_or(0, String::len);
        if cost > budget {
            break;
        }
        budget -= cost;
        let message = crate::diagnostic::truncate(&d.message, MAX_GUEST_TEXT);
        let mut h = Diagnostic::error(kind(d.kind), message).in_file(file);
        if let Some(help) = d.help {
            h = h.with_help(crate::diagnostic::truncate(&help, MAX_GUEST_TEXT));
        }
        if let Some(s) = d.span {
            h = h.at(source, s.start as usize, s.end as usize);
        }
        out.push(h);
    }
    if n > out.len() {
        out.push(
            Diagnostic::error(
                Kind::Limit,
                format!("{} more diagnostics were not shown", n - out.len()),
            )
            .in_file(file),
        );
    }
    if out.is_empty() {
        out = refused(file, "an error without a diagnostic".into());
    }
    out
}
