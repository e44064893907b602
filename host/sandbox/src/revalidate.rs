//! The re-validation of everything the guest returns, by code of the host's
//! own (it shares only [`potluck_contract`]'s limits and grammar with the
//! guest, never the interpreter's code).
//!
//! The guest is untrusted: [`from_guest`] re-checks everything that crosses
//! the boundary — the total size against the output limit, every span
//! (inside the source, on character boundaries), every flattened datum
//! (children before parents, no dangling index, bounded size and depth once
//! expanded, counted by the contract's [`Depth`] rule exactly as the guest
//! counts, numbers in their canonical decimal form and rationals in lowest
//! terms) — and refuses the whole result when anything is off.  Every pass
//! is bounded by the output limit: strings are charged before they are
//! copied, numbers have at most [`MAX_NUMBER_DIGITS`] digits (a gcd of two
//! such numbers is microseconds), and a datum expands to at most
//! [`MAX_DATUM_NODES`] nodes.

use num_bigint::BigInt;
use num_integer::Integer;
use potluck_contract::grammar::{is_integer_text, is_rational_text};
use potluck_contract::limits::{
    Depth, MAX_DATUM_NODES, MAX_DIAGNOSTICS, MAX_DIAGNOSTIC_TEXT, MAX_NUMBER_DIGITS,
};

use crate::diagnostic::{truncate, Diagnostic, Kind, Span};
use crate::dish::{Datum, Dish, Source, Spanned, StringList};
use crate::sandbox::wit;

/// Bytes charged for each datum node, besides its text: about what the host
/// holds per node.
const NODE_COST: usize = 16;

/// Why a guest result was refused.
fn refused(file: &str, what: String) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        Kind::Internal,
        format!("the sandbox returned a malformed result ({what}); it was refused"),
    )
    .in_file(file)
    .with_help("this is a bug in potluck-wasm's interpreter or an attack on it; please report it with the dish attached")]
}

/// What went wrong while checking: the output limit, or anything else.
enum Refusal {
    TooLarge,
    Malformed(String),
}

impl From<String> for Refusal {
    fn from(s: String) -> Refusal {
        Refusal::Malformed(s)
    }
}

struct Checker<'a> {
    source: &'a str,
    budget: usize,
}

impl Checker<'_> {
    fn span(&self, s: wit::Span) -> Result<Span, Refusal> {
        let (start, end) = (s.start as usize, s.end as usize);
        if start > end || end > self.source.len() {
            return Err(format!(
                "span {start}..{end} outside a {}-byte source",
                self.source.len()
            )
            .into());
        }
        if !self.source.is_char_boundary(start) || !self.source.is_char_boundary(end) {
            return Err(format!("span {start}..{end} inside a character").into());
        }
        Ok(Span { start, end })
    }

    fn spend(&mut self, bytes: usize) -> Result<(), Refusal> {
        self.budget = self.budget.checked_sub(bytes).ok_or(Refusal::TooLarge)?;
        Ok(())
    }

    fn string(&mut self, s: wit::SpannedString) -> Result<Spanned<String>, Refusal> {
        self.spend(s.value.len() + NODE_COST)?;
        Ok(Spanned {
            span: self.span(s.span)?,
            value: s.value,
        })
    }

    fn strings(&mut self, l: wit::StringList) -> Result<StringList, Refusal> {
        let span = self.span(l.span)?;
        if l.items.len() > potluck_contract::limits::MAX_SPECS {
            return Err(format!("{} specifications in one field", l.items.len()).into());
        }
        let items = l
            .items
            .into_iter()
            .map(|i| self.string(i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(StringList { items, span })
    }

    fn datum(&mut self, d: wit::SpannedDatum) -> Result<Spanned<Datum>, Refusal> {
        let span = self.span(d.span)?;
        let value = rebuild(&d.value.nodes, &mut self.budget)?;
        Ok(Spanned { value, span })
    }
}

/// Rebuild a tree from flattened nodes (the root is the last), checking
/// every index, number and the size and depth of the expansion, charging
/// `budget` for every node and every text.
fn rebuild(nodes: &[wit::DatumNode], budget: &mut usize) -> Result<Datum, Refusal> {
    if nodes.is_empty() {
        return Err("an empty datum".to_string().into());
    }
    if nodes.len() > MAX_DATUM_NODES {
        return Err(format!("a datum of {} nodes", nodes.len()).into());
    }
    for (i, n) in nodes.iter().enumerate() {
        let ok = match n {
            wit::DatumNode::Pair((a, b)) => (*a as usize) < i && (*b as usize) < i,
            wit::DatumNode::Vector(items) => items.iter().all(|a| (*a as usize) < i),
            wit::DatumNode::BigInteger(s) => is_integer_text(s),
            wit::DatumNode::Rational(s) => is_rational_text(s) && lowest_terms(s),
            _ => true,
        };
        if !ok {
            return Err(format!("datum node {i} is malformed").into());
        }
    }
    let mut b = Builder {
        nodes,
        count: 0,
        budget,
    };
    b.build(nodes.len() - 1, Depth::ROOT)
}

/// Whether the rational text `N/D` (already of the right form, so each part
/// has at most [`MAX_NUMBER_DIGITS`] digits) is in lowest terms.
fn lowest_terms(s: &str) -> bool {
    let Some((n, d)) = s.split_once('/') else {
        return false;
    };
    debug_assert!(n.len() <= MAX_NUMBER_DIGITS + 1 && d.len() <= MAX_NUMBER_DIGITS);
    match (n.parse::<BigInt>(), d.parse::<BigInt>()) {
        (Ok(n), Ok(d)) => n.gcd(&d) == BigInt::from(1),
        _ => false,
    }
}

struct Builder<'a, 'b> {
    nodes: &'a [wit::DatumNode],
    count: usize,
    budget: &'b mut usize,
}

impl Builder<'_, '_> {
    fn take(&mut self, bytes: usize) -> Result<(), Refusal> {
        *self.budget = self
            .budget
            .checked_sub(bytes + NODE_COST)
            .ok_or(Refusal::TooLarge)?;
        self.count += 1;
        if self.count > MAX_DATUM_NODES {
            return Err("a datum that expands past the size limit"
                .to_string()
                .into());
        }
        Ok(())
    }

    fn build(&mut self, i: usize, depth: Depth) -> Result<Datum, Refusal> {
        if depth.too_deep() {
            return Err("a datum nested past the depth limit".to_string().into());
        }
        let nodes = self.nodes;
        let text_len = match &nodes[i] {
            wit::DatumNode::BigInteger(s)
            | wit::DatumNode::Rational(s)
            | wit::DatumNode::String(s)
            | wit::DatumNode::Symbol(s)
            | wit::DatumNode::Keyword(s) => s.len(),
            _ => 0,
        };
        self.take(text_len)?;
        Ok(match &nodes[i] {
            wit::DatumNode::Null => Datum::Null,
            wit::DatumNode::Boolean(b) => Datum::Bool(*b),
            wit::DatumNode::Integer(n) => Datum::Integer(n.to_string()),
            wit::DatumNode::BigInteger(s) => Datum::Integer(s.clone()),
            wit::DatumNode::Rational(s) => Datum::Rational(s.clone()),
            wit::DatumNode::Real(f) => Datum::Real(*f),
            wit::DatumNode::Character(c) => Datum::Char(*c),
            wit::DatumNode::String(s) => Datum::String(s.clone()),
            wit::DatumNode::Symbol(s) => Datum::Symbol(s.clone()),
            wit::DatumNode::Keyword(s) => Datum::Keyword(s.clone()),
            wit::DatumNode::Unspecified => Datum::Unspecified,
            wit::DatumNode::Vector(items) => Datum::Vector(
                items
                    .iter()
                    .map(|&j| self.build(j as usize, depth.item()))
                    .collect::<Result<_, _>>()?,
            ),
            wit::DatumNode::Pair((car, cdr)) => {
                // The list's items are cars; its cdr chain stays at the
                // pair's depth, and so does an improper tail.
                let mut items = vec![self.build(*car as usize, depth.car())?];
                let mut cur = *cdr as usize;
                loop {
                    match &nodes[cur] {
                        wit::DatumNode::Pair((a, d)) => {
                            self.take(0)?;
                            items.push(self.build(*a as usize, depth.car())?);
                            cur = *d as usize;
                        }
                        wit::DatumNode::Null => {
                            self.take(0)?;
                            break Datum::List(items, None);
                        }
                        _ => {
                            let tail = self.build(cur, depth.cdr())?;
                            break Datum::List(items, Some(Box::new(tail)));
                        }
                    }
                }
            }
        })
    }
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
    (|| -> Result<Dish, Refusal> {
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
            inputs: c.strings(p.inputs)?,
            native_inputs: c.strings(p.native_inputs)?,
            propagated_inputs: c.strings(p.propagated_inputs)?,
            synopsis: c.string(p.synopsis)?,
            description: c.string(p.description)?,
            licenses: c.strings(p.licenses)?,
            home_page: c.string(p.home_page)?,
            span: c.span(p.span)?,
            discarded: {
                if p.discarded.len() > 16 {
                    return Err(format!("{} discarded packages", p.discarded.len()).into());
                }
                p.discarded
                    .into_iter()
                    .map(|s| c.span(s))
                    .collect::<Result<_, _>>()?
            },
        })
    })()
    .map_err(|r| match r {
        Refusal::TooLarge => vec![too_large(file, output_bytes)],
        Refusal::Malformed(what) => refused(file, what),
    })
}

/// The diagnostic for a result past the output limit.
pub fn too_large(file: &str, output_bytes: usize) -> Diagnostic {
    Diagnostic::error(
        Kind::Limit,
        format!("the dish's result is larger than the {output_bytes}-byte output limit"),
    )
    .in_file(file)
    .with_help("a dish is a short package description; keep its strings and data small")
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
    let mut lines = None;
    for d in diags.into_iter().take(MAX_DIAGNOSTICS) {
        let cost = d.message.len() + d.help.as_ref().map_or(0, String::len);
        if cost > budget {
            break;
        }
        budget -= cost;
        let message = truncate(&d.message, MAX_DIAGNOSTIC_TEXT);
        let mut h = Diagnostic::error(kind(d.kind), message).in_file(file);
        if let Some(help) = d.help {
            h = h.with_help(truncate(&help, MAX_DIAGNOSTIC_TEXT));
        }
        if let Some(s) = d.span {
            let lines = lines.get_or_insert_with(|| potluck_contract::span::LineIndex::new(source));
            h = h.at_indexed(lines, source, s.start as usize, s.end as usize);
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

#[cfg(test)]
mod tests;
