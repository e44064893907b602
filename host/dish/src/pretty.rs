//! The layout of emitted modules: a port of the pretty-printer `guix style`
//! uses (`pretty-print-with-comments` in `guix/read-print.scm`, without
//! comments), so that `guix style --whole-file` leaves an emitted module as
//! it is.  The tests check that with the real formatter.
//!
//! The printer works on [`Sexp`], a tree of typed atoms, so that the same
//! tree can be compared with what an independent reader finds in the text
//! ([`crate::readback`]).  Strings are written with the escapes Guile's
//! `write` uses for the characters a module may hold (`"`, `\\`, newline,
//! tab, return; anything else is refused before printing), except in the
//! fields whose strings Guix keeps as they are (`synopsis`, `description`),
//! where newlines stay raw.

use std::fmt::Write as _;

/// A datum of an emitted module.
#[derive(Debug, Clone, PartialEq)]
pub enum Sexp {
    Sym(String),
    /// A keyword, without its `#:`.
    Keyword(String),
    Str(String),
    Int(i64),
    Real(f64),
    Bool(bool),
    Char(char),
    /// A proper list (`()` when empty).
    List(Vec<Sexp>),
    /// An improper list: items and tail.
    Dotted(Vec<Sexp>, Box<Sexp>),
    Vector(Vec<Sexp>),
}

impl Sexp {
    pub fn sym(s: &str) -> Sexp {
        Sexp::Sym(s.to_string())
    }

    pub fn str(s: &str) -> Sexp {
        Sexp::Str(s.to_string())
    }

    pub fn list(items: impl IntoIterator<Item = Sexp>) -> Sexp {
        Sexp::List(items.into_iter().collect())
    }

    /// `(quote x)`, written `'x`.
    pub fn quote(x: Sexp) -> Sexp {
        Sexp::List(vec![Sexp::sym("quote"), x])
    }

    fn head_sym(&self) -> Option<&str> {
        match self {
            Sexp::Sym(s) => Some(s),
            _ => None,
        }
    }

    fn is_pair(&self) -> bool {
        matches!(self, Sexp::List(items) if !items.is_empty()) || matches!(self, Sexp::Dotted(..))
    }
}

/// Forms indented like Emacs' `scheme-indent-function`: the number of
/// arguments kept on the head's line, plus one (`%special-forms`).  Forms
/// that only count in a context are in [`contextual_special`].
const SPECIAL_FORMS: &[(&str, usize)] = &[
    ("begin", 1),
    ("case", 2),
    ("cond", 1),
    ("lambda", 2),
    ("lambda*", 2),
    ("match-lambda", 1),
    ("match-lambda*", 1),
    ("define", 2),
    ("define*", 2),
    ("define-public", 2),
    ("define*-public", 2),
    ("define-syntax", 2),
    ("define-syntax-rule", 2),
    ("define-module", 2),
    ("define-gexp-compiler", 2),
    ("define-record-type", 2),
    ("define-record-type*", 4),
    ("define-configuration", 2),
    ("package/inherit", 2),
    ("let", 2),
    ("let*", 2),
    ("letrec", 2),
    ("letrec*", 2),
    ("match", 2),
    ("match-record", 3),
    ("match-record-lambda", 2),
    ("when", 2),
    ("unless", 2),
    ("package", 1),
    ("origin", 1),
    ("channel", 1),
    ("modify-inputs", 2),
    ("modify-phases", 2),
    ("parameterize", 2),
    ("substitute*", 2),
    ("substitute-keyword-arguments", 2),
    ("call-with-input-file", 2),
    ("call-with-output-file", 2),
    ("with-output-to-file", 2),
    ("with-input-from-file", 2),
    ("with-directory-excursion", 2),
    ("wrap-program", 2),
    ("wrap-script", 2),
    ("operating-system", 1),
    ("bootloader-configuration", 1),
    ("mapped-device", 1),
    ("file-system", 1),
    ("swap-space", 1),
    ("user-account", 1),
    ("user-group", 1),
    ("privileged-program", 1),
    ("modify-services", 2),
    ("home-environment", 1),
];

/// `add-after`, `add-before` and `replace` are special inside
/// `modify-phases` only.
fn contextual_special(head: &str, context: &[Option<&str>]) -> Option<usize> {
    let level = match head {
        "add-after" | "add-before" => 3,
        "replace" => 2,
        _ => return None,
    };
    (context.last() == Some(&Some("modify-phases"))).then_some(level)
}

/// Heads followed by a newline in a context (`%newline-forms`): the head
/// and the innermost parents, nearest first.
const NEWLINE_FORMS: &[(&str, &[&str])] = &[
    ("source", &["package"]),
    ("git-reference", &["uri", "origin"]),
    ("snippet", &["origin"]),
    ("sha256", &["origin", "source", "package"]),
    ("arguments", &["package"]),
    ("list", &["arguments", "package"]),
    ("search-paths", &["package"]),
    ("native-search-paths", &["package"]),
    ("search-path-specification", &[]),
    ("services", &["operating-system"]),
    ("set-xorg-configuration", &[]),
    ("services", &["home-environment"]),
    ("home-bash-configuration", &["service"]),
    ("introduction", &["channel"]),
];

/// The line width `guix style` aims at.
pub const MAX_WIDTH: usize = 78;
/// Lists longer than this are written one element per line.
const LONG_LIST: usize = 5;

/// Whether `prefix` (nearest first) is a prefix of `context` (nearest last).
fn prefix(prefix: &[&str], context: &[Option<&str>]) -> bool {
    prefix.len() <= context.len()
        && prefix
            .iter()
            .zip(context.iter().rev())
            .all(|(p, c)| *c == Some(*p))
}

fn special_lead(head: &str, context: &[Option<&str>]) -> Option<usize> {
    contextual_special(head, context)
        .or_else(|| {
            SPECIAL_FORMS
                .iter()
                .find(|(h, _)| *h == head)
                .map(|(_, l)| *l)
        })
        .map(|level| level - 1)
}

fn newline_form(head: &Sexp, context: &[Option<&str>]) -> bool {
    head.head_sym().is_some_and(|h| {
        NEWLINE_FORMS
            .iter()
            .any(|(f, p)| *f == h && prefix(p, context))
    })
}

/// `((a 1) (b 2))`: a list of lists, such as `let` bindings.
fn list_of_lists(head: &Sexp, tail: &[Sexp]) -> bool {
    match head {
        Sexp::List(items) if !items.is_empty() => {
            !matches!(
                items[0].head_sym(),
                Some("quote" | "quasiquote" | "unquote" | "unquote-splicing")
            ) && !tail.is_empty()
        }
        _ => false,
    }
}

/// The widest line of `s`, in characters.
fn string_width(s: &str) -> usize {
    s.split('\n').map(|l| l.chars().count()).max().unwrap_or(0)
}

/// A string as Guile's `write` spells it (for the characters a module may
/// hold).  With `raw_newlines` (descriptions, as `guix style` writes them)
/// newlines and tabs stay raw; a carriage return is always escaped, as a
/// raw one would make a terminal showing the module overwrite its line.
pub fn write_string(s: &str, raw_newlines: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if !raw_newlines => out.push_str("\\n"),
            '\t' if !raw_newlines => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A character as Guile's `write` spells it.
pub fn write_char(c: char) -> String {
    match c {
        ' ' => "#\\space".into(),
        '\n' => "#\\newline".into(),
        '\t' => "#\\tab".into(),
        '\r' => "#\\return".into(),
        c => format!("#\\{c}"),
    }
}

/// A finite real as Guile's `write` spells it (`1.0e300`, `0.5`).
pub fn write_real(f: f64) -> String {
    let s = potluck_contract::grammar::write_real(f).unwrap_or_else(|| "+nan.0".into());
    match s.split_once('e') {
        Some((m, e)) if !m.contains('.') => format!("{m}.0e{e}"),
        _ => s,
    }
}

/// `x` written on one line, as Guile's `write` does.
pub fn write_flat(x: &Sexp, out: &mut String) {
    match x {
        Sexp::Sym(s) => out.push_str(s),
        Sexp::Keyword(k) => {
            out.push_str("#:");
            out.push_str(k);
        }
        Sexp::Str(s) => out.push_str(&write_string(s, false)),
        Sexp::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Sexp::Real(f) => out.push_str(&write_real(*f)),
        Sexp::Bool(b) => out.push_str(if *b { "#t" } else { "#f" }),
        Sexp::Char(c) => out.push_str(&write_char(*c)),
        Sexp::List(items) => {
            if let [Sexp::Sym(q), x] = items.as_slice() {
                if let Some(p) = quote_prefix(q) {
                    out.push_str(p);
                    write_flat(x, out);
                    return;
                }
            }
            out.push('(');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_flat(item, out);
            }
            out.push(')');
        }
        Sexp::Dotted(items, tail) => {
            out.push('(');
            for item in items {
                write_flat(item, out);
                out.push(' ');
            }
            out.push_str(". ");
            write_flat(tail, out);
            out.push(')');
        }
        Sexp::Vector(items) => {
            out.push_str("#(");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_flat(item, out);
            }
            out.push(')');
        }
    }
}

fn quote_prefix(head: &str) -> Option<&'static str> {
    match head {
        "quote" => Some("'"),
        "quasiquote" => Some("`"),
        "unquote" => Some(","),
        "unquote-splicing" => Some(",@"),
        _ => None,
    }
}

struct Printer {
    out: String,
}

impl Printer {
    fn newline(&mut self, indent: usize) {
        self.out.push('\n');
        self.out.extend(std::iter::repeat_n(' ', indent));
    }

    /// `loop` of `pretty-print-with-comments`: print `obj` at `column`,
    /// continuation lines at `indent`; returns the new column.
    fn print<'a>(
        &mut self,
        indent: usize,
        column: usize,
        delimited: bool,
        context: &mut Vec<Option<&'a str>>,
        obj: &'a Sexp,
    ) -> usize {
        if let Sexp::List(items) = obj {
            if let [Sexp::Sym(q), x] = items.as_slice() {
                if let Some(p) = quote_prefix(q) {
                    if !delimited {
                        self.out.push(' ');
                    }
                    self.out.push_str(p);
                    let w = p.len() + usize::from(!delimited);
                    return self.print(indent, column + w, true, context, x);
                }
            }
            if let Some((head, args)) = items.split_first() {
                if let Some(lead) = head.head_sym().and_then(|h| special_lead(h, context)) {
                    return self.special(column, delimited, context, head, lead, args);
                }
                return self.call(indent, column, delimited, context, head, args);
            }
        }
        let text = match obj {
            Sexp::Str(s) => {
                let keep = matches!(
                    context.last(),
                    Some(Some("synopsis" | "description" | "G_" | "N_"))
                ) || (s.chars().count() > 40 && s.contains('\n'));
                write_string(s, keep)
            }
            other => {
                let mut t = String::new();
                write_flat(other, &mut t);
                t
            }
        };
        let len = string_width(&text);
        if column + 1 + len > MAX_WIDTH && !delimited {
            self.newline(indent);
            self.out.push_str(&text);
            indent + len
        } else {
            if !delimited {
                self.out.push(' ');
            }
            self.out.push_str(&text);
            column + usize::from(!delimited) + len
        }
    }

    fn special<'a>(
        &mut self,
        column: usize,
        delimited: bool,
        context: &mut Vec<Option<&'a str>>,
        head: &'a Sexp,
        lead: usize,
        args: &'a [Sexp],
    ) -> usize {
        let name = head.head_sym().unwrap_or_default();
        if !delimited {
            self.out.push(' ');
        }
        self.out.push('(');
        self.out.push_str(name);
        if lead != 0 {
            self.out.push(' ');
        }
        context.push(Some(name));
        let d = usize::from(!delimited);
        let indent = column + 2 + d;
        let mut col = column + 1 + usize::from(lead != 0) + d + name.chars().count();
        let initial = col;
        let first = &args[..lead.min(args.len())];
        for (i, a) in first.iter().enumerate() {
            col = self.print(initial, col, i == 0, context, a);
        }
        if first.len() == lead {
            self.newline(indent);
            col = indent;
        }
        let col = self.sequence(context, indent, col, &args[first.len()..], true);
        context.pop();
        self.out.push(')');
        col + 1
    }

    fn call<'a>(
        &mut self,
        indent: usize,
        column: usize,
        delimited: bool,
        context: &mut Vec<Option<&'a str>>,
        head: &'a Sexp,
        tail: &'a [Sexp],
    ) -> usize {
        let overflow = column >= MAX_WIDTH;
        let column = if overflow {
            indent + 1
        } else {
            column + if delimited { 1 } else { 2 }
        };
        let newline = newline_form(head, context) || list_of_lists(head, tail);
        if overflow {
            self.newline(indent);
        } else if !delimited {
            self.out.push(' ');
        }
        self.out.push('(');
        context.push(head.head_sym());
        let new_column = self.print(column, column, true, context, head);
        let indent = if new_column >= MAX_WIDTH
            || head.head_sym().is_none()
            || would_protrude(new_column + 1, tail)
            || newline
        {
            column
        } else {
            new_column + 1
        };
        if newline {
            self.newline(indent);
        }
        let col = self.sequence(
            context,
            indent,
            if newline { indent } else { new_column },
            tail,
            newline,
        );
        context.pop();
        self.out.push(')');
        col + 1
    }

    /// `print-sequence`.
    fn sequence<'a>(
        &mut self,
        context: &mut Vec<Option<&'a str>>,
        indent: usize,
        mut column: usize,
        items: &'a [Sexp],
        mut delimited: bool,
    ) -> usize {
        let long = items.len() > LONG_LIST;
        let mut first = true;
        for item in items {
            let keyword = matches!(item, Sexp::Keyword(k) if k != "allow-other-keys");
            let newline = (item.is_pair() || long || keyword) && !first && !delimited;
            if newline {
                self.newline(indent);
                column = indent;
            }
            column = self.print(indent, column, newline || delimited, context, item);
            first = matches!(item, Sexp::Keyword(_));
            delimited = false;
        }
        column
    }
}

/// `sequence-would-protrude?`: a cheap test with false negatives.
fn would_protrude(indent: usize, items: &[Sexp]) -> bool {
    items.iter().any(|x| match x {
        Sexp::Str(s) => string_width(s) + 2 + indent >= MAX_WIDTH,
        Sexp::Sym(s) => s.chars().count() + indent >= MAX_WIDTH,
        Sexp::Bool(_) => 2 + indent >= MAX_WIDTH,
        Sexp::List(items) if items.is_empty() => 2 + indent >= MAX_WIDTH,
        _ => false,
    })
}

/// `x` laid out as `guix style` lays out a top-level form.
pub fn pretty(x: &Sexp) -> String {
    let mut p = Printer { out: String::new() };
    p.print(0, 0, true, &mut Vec::new(), x);
    p.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_is_laid_out_as_guix_style_does() {
        let pkg = Sexp::list([
            Sexp::sym("define-public"),
            Sexp::sym("hello"),
            Sexp::list([
                Sexp::sym("package"),
                Sexp::list([Sexp::sym("name"), Sexp::str("hello")]),
                Sexp::list([
                    Sexp::sym("arguments"),
                    Sexp::quote(Sexp::list([
                        Sexp::Keyword("configure-flags".into()),
                        Sexp::quote(Sexp::list([Sexp::str("--disable-docs")])),
                        Sexp::Keyword("tests?".into()),
                        Sexp::Bool(false),
                    ])),
                ]),
                Sexp::list([Sexp::sym("description"), Sexp::str("Line one\nline two.")]),
            ]),
        ]);
        assert_eq!(
            pretty(&pkg),
            "(define-public hello\n  (package\n    (name \"hello\")\n    (arguments\n     '(#:configure-flags '(\"--disable-docs\")\n       #:tests? #f))\n    (description \"Line one\nline two.\")))"
        );
    }

    #[test]
    fn reals_and_chars_are_written_as_guile_writes_them() {
        assert_eq!(write_real(1e300), "1.0e300");
        assert_eq!(write_real(0.5), "0.5");
        assert_eq!(write_char(' '), "#\\space");
        assert_eq!(write_char('λ'), "#\\λ");
        assert_eq!(write_string("a\"b\\\n\t", false), "\"a\\\"b\\\\\\n\\t\"");
    }
}
