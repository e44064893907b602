//! Where a missing `)` probably is.
//!
//! When the file ends with a list still open, the reader's own answer — the
//! outermost `(` that never closed — is usually the first line of the dish,
//! far from the mistake.  As rustc does for unclosed delimiters, this looks
//! at indentation instead: in an indented dish a list's elements on later
//! lines start to the right of its `(`.  A list with an element that starts
//! a line at or left of its `(` column has probably swallowed what follows
//! it, so its `(` is the one missing a `)`.  When several lists look so, the
//! one with the most such elements is chosen (a list that swallowed the rest
//! of the dish has several; an oddly indented one, one).

use crate::diag::{Diagnostic, DiagnosticKind};
use crate::span::Span;
use potluck_contract::span::LineIndex;

use super::{Syntax, SyntaxKind};

/// A list whose element starts a line left of (or under) its opening.
struct Misplaced {
    open: usize,
    element: usize,
    previous_end: usize,
}

/// Lines of the source, for line and column numbers.
struct Lines<'a> {
    src: &'a str,
    index: LineIndex,
}

impl Lines<'_> {
    /// 0-based line of `pos`.
    fn line(&self, pos: usize) -> usize {
        self.index.line_of(pos)
    }

    /// 1-based column of `pos`, in characters.
    fn column(&self, pos: usize) -> u32 {
        self.index.line_col(self.src, pos).1
    }

    /// Whether only white space comes before `pos` on its line.
    fn starts_line(&self, pos: usize) -> bool {
        let (start, _) = self.index.line_range(self.src, self.line(pos));
        self.src[start..pos].chars().all(char::is_whitespace)
    }
}

/// A better diagnostic for "the file ends inside a list", or `None` when
/// the indentation points nowhere.  `open` holds each unclosed list's
/// opening position and where its elements start in `items`, outermost
/// first; `items` the elements read so far of all of them, in order.
pub(super) fn locate(src: &str, open: &[(usize, usize)], items: &[Syntax]) -> Option<Diagnostic> {
    let (outermost, _) = *open.first()?;
    let lines = Lines {
        src,
        index: LineIndex::new(src),
    };
    let mut found = Vec::new();
    for (i, &(start, base)) in open.iter().enumerate() {
        let end = open.get(i + 1).map_or(items.len(), |&(_, b)| b);
        let children = items.get(base..end)?;
        let next_open = open.get(i + 1).map(|&(s, _)| s);
        visit(&lines, start, children, next_open, &mut found);
    }
    // The list with the most misplaced elements; the first of those.
    let mut best: Option<(usize, &Misplaced)> = None;
    for m in &found {
        let count = found.iter().filter(|n| n.open == m.open).count();
        if best.is_none_or(|(c, _)| count > c) {
            best = Some((count, m));
        }
    }
    let (_, m) = best?;
    let open_char = &src[m.open..m.open + 1];
    let close = if open_char == "[" { ']' } else { ')' };
    let mut d = Diagnostic::new(
        DiagnosticKind::Syntax,
        format!(
            "unclosed `{open_char}`: the file ends inside the form opened on line {}, \
             and this `{open_char}` is probably the one missing its `{close}`",
            lines.line(outermost) + 1
        ),
        Some(Span::new(m.open, m.open + 1)),
    );
    d.help = Some(format!(
        "line {} starts at this `{open_char}`'s indentation, as its sibling rather than \
         inside it: add `{close}` at the end of line {}",
        lines.line(m.element) + 1,
        lines.line(m.previous_end.saturating_sub(1)) + 1
    ));
    Some(d)
}

/// Record the misplaced elements of the list opened at `open` (its
/// elements `children`, then the still-open list at `next_open`), and of
/// every list inside them.
fn visit(
    lines: &Lines<'_>,
    open: usize,
    children: &[Syntax],
    next_open: Option<usize>,
    found: &mut Vec<Misplaced>,
) {
    // (list start, its elements, the index of the next one to look at, the
    // end of the previous element)
    let mut stack: Vec<(usize, &[Syntax], usize, usize)> = vec![(open, children, 0, open + 1)];
    while let Some((list, elements, i, previous_end)) = stack.pop() {
        let Some(element) = elements.get(i) else {
            if list == open {
                if let Some(next) = next_open {
                    check(lines, list, next, previous_end, found);
                }
            }
            continue;
        };
        let (start, end) = (element.span.start as usize, element.span.end as usize);
        check(lines, list, start, previous_end, found);
        stack.push((list, elements, i + 1, end));
        match &element.kind {
            SyntaxKind::List(inner, _) | SyntaxKind::Vector(inner) => {
                stack.push((start, inner, 0, start + 1));
            }
            SyntaxKind::Ident(_) | SyntaxKind::Lit(_) => {}
        }
    }
}

fn check(
    lines: &Lines<'_>,
    list: usize,
    element: usize,
    previous_end: usize,
    found: &mut Vec<Misplaced>,
) {
    if lines.line(element) > lines.line(list)
        && lines.starts_line(element)
        && lines.column(element) <= lines.column(list)
    {
        found.push(Misplaced {
            open: list,
            element,
            previous_end,
        });
    }
}
