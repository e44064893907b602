//! Emission: a validated, resolved dish becomes a Guile module of the
//! channel, `(gnu packages potluck REPO BRANCH STEM)`.
//!
//! Nothing a dish author writes can become code.  The module's shape is
//! fixed here, as a [`Sexp`] tree built from the dish's fields; its data
//! (`arguments`, `snippet`) is quoted; every string, symbol, keyword and
//! number goes through [`datum`], which refuses what a module cannot hold
//! or another reader would read differently.  [`crate::pretty`] lays the
//! tree out as `guix style` does, and the text is read back with `lexpr`
//! and compared with the tree ([`crate::readback`]) before it is returned.
//! The same dish and index always give the same bytes.
//!
//! Inputs are looked up when the package is used, not when the module is
//! loaded (`potluck-input`, defined in every module): a package that the
//! subscriber's Guix renamed, moved or removed makes only this package
//! fail, with a message naming the dish and the specification, while the
//! channel still loads, compiles and builds its package cache.

use thiserror::Error;

use potluck_contract::grammar::{is_symbol, unwritable_char};
use potluck_sandbox::dish::{Datum, Dish};

use crate::index::Index;
use crate::layout::ModulePath;
use crate::pretty::{self, Sexp};
use crate::readback;
use crate::resolve::Resolved;
use crate::validate::ResolvedInputs;

/// Deepest nesting of parentheses a module's data may have (the host's
/// reader, `lexpr`, stops at 127 levels; the module wraps data in four).
pub const MAX_DATA_NESTING: usize = 100;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EmitError {
    #[error("unknown build system `{0}`")]
    UnknownBuildSystem(String),
    #[error("unknown license `{0}`")]
    UnknownLicense(String),
    /// What cannot be written, and why.
    #[error("{0}")]
    NotWritable(String),
    /// The text did not read back as the tree it was printed from: a bug
    /// in the printer, never written out.
    #[error("the module does not read back as written: {0}")]
    Readback(String),
}

/// Symbols a module may spell; see [`potluck_contract::grammar::is_symbol`].
pub fn valid_symbol(s: &str) -> bool {
    is_symbol(s)
}

fn not_writable(what: String) -> EmitError {
    EmitError::NotWritable(what)
}

/// A string a module may hold, as an atom.
pub fn string(s: &str) -> Result<Sexp, EmitError> {
    match unwritable_char(s) {
        Some(c) => Err(not_writable(format!(
            "the string {:?}... holds U+{:04X}, which a channel module cannot hold (a control, invisible or bidirectional-text character)",
            potluck_sandbox::diagnostic::quote(&s.chars().take(20).collect::<String>()),
            c as u32
        ))),
        None => Ok(Sexp::Str(s.to_string())),
    }
}

fn symbol(s: &str) -> Result<Sexp, EmitError> {
    if valid_symbol(s) {
        Ok(Sexp::Sym(s.to_string()))
    } else {
        Err(not_writable(format!(
            "the symbol `{}` cannot be written in a channel module: Guile or other readers would read it as something else",
            potluck_sandbox::diagnostic::quote(s)
        )))
    }
}

/// Plain data as a module holds it, or why it cannot: strings and symbols
/// must be writable, integers fit in 64 bits, reals are finite, no
/// unspecified value, at most [`MAX_DATA_NESTING`] levels of parentheses.
pub fn datum(d: &Datum) -> Result<Sexp, EmitError> {
    datum_at(d, 1)
}

fn datum_at(d: &Datum, nesting: usize) -> Result<Sexp, EmitError> {
    let nested = |n: usize| -> Result<usize, EmitError> {
        if n > MAX_DATA_NESTING {
            Err(not_writable(format!(
                "the data is nested more than {MAX_DATA_NESTING} levels deep"
            )))
        } else {
            Ok(n + 1)
        }
    };
    Ok(match d {
        Datum::Null => Sexp::List(vec![]),
        Datum::Bool(b) => Sexp::Bool(*b),
        Datum::Integer(i) => match i.parse::<i64>() {
            Ok(n) => Sexp::Int(n),
            Err(_) => {
                return Err(not_writable(format!(
                    "the integer {} is outside 64 bits",
                    potluck_sandbox::diagnostic::quote(i)
                )))
            }
        },
        Datum::Rational(r) => {
            return Err(not_writable(format!(
                "the fraction {} cannot be written: use an integer, a decimal or a string",
                potluck_sandbox::diagnostic::quote(r)
            )))
        }
        Datum::Real(f) if f.is_finite() => Sexp::Real(*f),
        Datum::Real(f) => {
            return Err(not_writable(format!(
                "the number {f} has no spelling every reader agrees on"
            )))
        }
        Datum::Char(c) => {
            if unwritable_char(&c.to_string()).is_some() {
                return Err(not_writable(format!(
                    "the character U+{:04X} cannot be written",
                    *c as u32
                )));
            }
            Sexp::Char(*c)
        }
        Datum::String(s) => string(s)?,
        Datum::Symbol(s) => symbol(s)?,
        Datum::Keyword(k) => match symbol(k) {
            Ok(_) => Sexp::Keyword(k.clone()),
            Err(_) => {
                return Err(not_writable(format!(
                    "the keyword `#:{}` cannot be written in a channel module",
                    potluck_sandbox::diagnostic::quote(k)
                )))
            }
        },
        Datum::Unspecified => {
            return Err(not_writable(
                "an unspecified value (such as the result of `(if #f #f)`) cannot be written; use #f or '()".into(),
            ))
        }
        Datum::List(items, tail) => {
            let n = nested(nesting)?;
            let items = items
                .iter()
                .map(|x| datum_at(x, n))
                .collect::<Result<Vec<_>, _>>()?;
            match tail {
                None => Sexp::List(items),
                Some(t) => Sexp::Dotted(items, Box::new(datum_at(t, n)?)),
            }
        }
        Datum::Vector(items) => {
            let n = nested(nesting)?;
            Sexp::Vector(
                items
                    .iter()
                    .map(|x| datum_at(x, n))
                    .collect::<Result<Vec<_>, _>>()?,
            )
        }
    })
}

/// Leading comment lines of a dish (its copyright notices), sanitised:
/// only `;` lines before the first datum, control and hazard characters
/// dropped, at most 50 lines of 200 characters.
pub fn header_comments(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in source.lines() {
        let t = line.trim_start();
        if t.is_empty() {
            continue;
        }
        if !t.starts_with(';') {
            break;
        }
        if t.starts_with(";; expect:") {
            continue;
        }
        let clean: String = t
            .chars()
            .filter(|c| !c.is_control() && !potluck_contract::grammar::is_hazard(*c))
            .take(200)
            .collect();
        out.push(clean.trim_end().to_string());
        if out.len() == 50 {
            break;
        }
    }
    out
}

/// The helper every module defines: the package a dish input resolved to,
/// looked up when the inputs are used.  When the subscriber's Guix has no
/// such package (renamed, moved, removed, another version or no such
/// output) it returns a string instead of a package: Guix then refuses the
/// input when this package is built ("has an invalid input: … potluck:
/// DISH: input "SPEC" is not in this Guix: …"), while everything else —
/// loading and compiling the channel, `guix pull`'s package cache, the
/// other packages — goes on (the package cache skips inputs that are not
/// packages).
pub const INPUT_HELPER: &str = r#"(define (potluck-input spec module variable)
  "Return the package that the dish input SPEC resolved to when this module
was written: VARIABLE of MODULE (a macro such as `pkg-config' is expanded
there), with the output SPEC names, if any.  The lookup happens when the
package's inputs are used, so that a package renamed, moved or removed in
this Guix makes only this package fail."
  (define (missing why)
    (string-append "potluck: "
                   %potluck-dish
                   ": input \""
                   spec
                   "\" is not in this Guix: "
                   why))
  (let* ((colon (string-index spec #\:))
         (output (and colon
                      (substring spec
                                 (+ colon 1))))
         (name+version (if colon
                           (substring spec 0 colon) spec))
         (at (string-index name+version #\@))
         (name (if at
                   (substring name+version 0 at) name+version))
         (version (and at
                       (substring name+version
                                  (+ at 1))))
         (interface (false-if-exception (resolve-interface module)))
         (var (and interface
                   (module-variable interface
                                    (string->symbol variable))))
         (found (and var
                     (variable-bound? var)
                     (let ((value (variable-ref var)))
                       (if (macro? value)
                           (false-if-exception (eval (string->symbol variable)
                                                     (resolve-module module)))
                           value)))))
    (cond
      ((not interface)
       (missing (string-append "there is no module "
                               (object->string module))))
      ((not (package? found))
       (missing (string-append (object->string module) " has no package "
                               variable)))
      ((not (string=? name
                      (package-name found)))
       (missing (string-append variable " is now the package "
                               (package-name found))))
      ((and version
            (not (or (string=? version
                               (package-version found))
                     (string-prefix? (string-append version ".")
                                     (package-version found)))))
       (missing (string-append "the version is now "
                               (package-version found))))
      ((and output
            (not (member output
                         (package-outputs found))))
       (missing (string-append "the package has no output " output)))
      (output (list found output))
      (else found))))"#;

/// The modules every emitted module uses, after `(guix packages)` and
/// `(guix git-download)`.
fn use_module(parts: &[&str]) -> Result<Sexp, EmitError> {
    Ok(Sexp::List(
        parts
            .iter()
            .map(|p| symbol(p))
            .collect::<Result<Vec<_>, _>>()?,
    ))
}

/// `(gnu packages guile)` → its parts, each a writable symbol.
fn module_form(m: &str) -> Result<Sexp, EmitError> {
    let inner = m
        .strip_prefix('(')
        .and_then(|m| m.strip_suffix(')'))
        .ok_or_else(|| not_writable(format!("the module name {m}")))?;
    use_module(&inner.split(' ').collect::<Vec<_>>())
}

fn input_list(field: &str, list: &[Resolved]) -> Result<Option<Sexp>, EmitError> {
    if list.is_empty() {
        return Ok(None);
    }
    let mut items = vec![Sexp::sym("list")];
    for r in list {
        items.push(Sexp::list([
            Sexp::sym("potluck-input"),
            string(&r.spec)?,
            Sexp::quote(module_form(&r.module)?),
            string(&r.variable)?,
        ]));
    }
    Ok(Some(Sexp::list([Sexp::sym(field), Sexp::List(items)])))
}

/// Words of `text` filled into lines of at most `width` characters (a
/// longer word stands alone); the break between lines replaces one space.
/// Newlines already in the text are kept.  Only spaces become newlines, and
/// Guix reads a newline in a description as a space.
pub fn fill(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, para) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut col = 0;
        let mut pending_spaces = 0;
        for (j, word) in para.split(' ').enumerate() {
            if j > 0 {
                pending_spaces += 1;
            }
            if word.is_empty() {
                continue;
            }
            let w = word.chars().count();
            if col > 0 && col + pending_spaces + w > width {
                // One space becomes the line break; the rest stay.
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', pending_spaces - 1));
                col = pending_spaces - 1;
            } else {
                out.extend(std::iter::repeat_n(' ', pending_spaces));
                col += pending_spaces;
            }
            pending_spaces = 0;
            out.push_str(word);
            col += w;
        }
        out.extend(std::iter::repeat_n(' ', pending_spaces));
    }
    out
}

/// The width descriptions are filled to (the first line starts after
/// `(description "` at column 5, continuation lines at column 0).
const DESCRIPTION_WIDTH: usize = 70;

/// The top-level forms of the module for `dish`, and the text it is
/// written as.
pub struct Module {
    pub forms: Vec<Sexp>,
    pub text: String,
}

/// The module of `dish`, as a tree of forms.
pub fn module_forms(
    dish: &Dish,
    inputs: &ResolvedInputs,
    index: &Index,
    module: &ModulePath,
    origin: &str,
) -> Result<Vec<Sexp>, EmitError> {
    let bs = index
        .build_system(&dish.build_system.value)
        .ok_or_else(|| EmitError::UnknownBuildSystem(dish.build_system.value.clone()))?;
    let mut licenses = Vec::with_capacity(dish.licenses.items.len());
    for l in &dish.licenses.items {
        let license = index
            .license(&l.value)
            .ok_or_else(|| EmitError::UnknownLicense(l.value.clone()))?;
        licenses.push(symbol(&format!("license:{}", license.variable))?);
    }
    let license = match licenses.len() {
        1 => licenses.remove(0),
        _ => Sexp::List(std::iter::once(Sexp::sym("list")).chain(licenses).collect()),
    };
    let name_parts: Vec<&str> = module.name.iter().map(String::as_str).collect();
    let define_module = Sexp::list([
        Sexp::sym("define-module"),
        use_module(&name_parts)?,
        Sexp::Keyword("use-module".into()),
        use_module(&["guix", "packages"])?,
        Sexp::Keyword("use-module".into()),
        use_module(&["guix", "git-download"])?,
        Sexp::Keyword("use-module".into()),
        module_form(&bs.module)?,
        Sexp::Keyword("use-module".into()),
        Sexp::list([
            use_module(&["guix", "licenses"])?,
            Sexp::Keyword("prefix".into()),
            Sexp::sym("license:"),
        ]),
    ]);
    let dish_label = Sexp::list([
        Sexp::sym("define"),
        Sexp::sym("%potluck-dish"),
        string(origin)?,
    ]);
    let helper = readback::read_one(INPUT_HELPER)
        .map_err(|e| EmitError::Readback(format!("the input helper: {e}")))
        .and_then(|v| readback::to_sexp(&v).map_err(EmitError::Readback))?;
    let mut source = vec![
        Sexp::sym("origin"),
        Sexp::list([Sexp::sym("method"), Sexp::sym("git-fetch")]),
        Sexp::list([
            Sexp::sym("uri"),
            Sexp::list([
                Sexp::sym("git-reference"),
                Sexp::list([Sexp::sym("url"), string(&dish.source.git_uri.value)?]),
                Sexp::list([Sexp::sym("commit"), string(&dish.source.git_commit.value)?]),
            ]),
        ]),
        Sexp::list([
            Sexp::sym("file-name"),
            Sexp::list([
                Sexp::sym("git-file-name"),
                Sexp::sym("name"),
                Sexp::sym("version"),
            ]),
        ]),
        Sexp::list([
            Sexp::sym("sha256"),
            Sexp::list([Sexp::sym("base32"), string(&dish.source.sha256.value)?]),
        ]),
    ];
    if let Some(snippet) = &dish.source.snippet {
        source.push(Sexp::list([
            Sexp::sym("snippet"),
            Sexp::quote(datum(&snippet.value)?),
        ]));
    }
    let mut fields = vec![
        Sexp::sym("package"),
        Sexp::list([Sexp::sym("name"), string(&dish.name.value)?]),
        Sexp::list([Sexp::sym("version"), string(&dish.version.value)?]),
        Sexp::list([Sexp::sym("source"), Sexp::List(source)]),
        Sexp::list([Sexp::sym("build-system"), symbol(&bs.variable)?]),
    ];
    if !matches!(dish.arguments.value, Datum::Null) {
        fields.push(Sexp::list([
            Sexp::sym("arguments"),
            Sexp::quote(datum(&dish.arguments.value)?),
        ]));
    }
    for (field, list) in [
        ("inputs", &inputs.inputs),
        ("native-inputs", &inputs.native_inputs),
        ("propagated-inputs", &inputs.propagated_inputs),
    ] {
        fields.extend(input_list(field, list)?);
    }
    fields.extend([
        Sexp::list([Sexp::sym("home-page"), string(&dish.home_page.value)?]),
        Sexp::list([Sexp::sym("synopsis"), string(&dish.synopsis.value)?]),
        Sexp::list([
            Sexp::sym("description"),
            string(&fill(&dish.description.value, DESCRIPTION_WIDTH))?,
        ]),
        Sexp::list([Sexp::sym("license"), license]),
    ]);
    let package = Sexp::list([
        Sexp::sym("define-public"),
        symbol(&format!("potluck-{}", dish.name.value))?,
        Sexp::List(fields),
    ]);
    Ok(vec![define_module, dish_label, helper, package])
}

/// The text of the module for `dish` from `source` (the dish file's text,
/// for its header comments), read back and checked before it is returned.
/// `origin` says where the dish comes from, for messages (`FILE of URL
/// branch BRANCH`).
pub fn emit_module(
    dish: &Dish,
    inputs: &ResolvedInputs,
    index: &Index,
    module: &ModulePath,
    source: &str,
    origin: &str,
) -> Result<String, EmitError> {
    let forms = module_forms(dish, inputs, index, module, origin)?;
    let mut text =
        String::from(";;; This file was generated by potluck-wasm from a dish; do not edit.\n");
    for c in header_comments(source) {
        text.push_str(&c);
        text.push('\n');
    }
    for f in &forms {
        text.push('\n');
        text.push_str(&pretty::pretty(f));
        text.push('\n');
    }
    readback::verify(&text, &forms).map_err(|e| EmitError::Readback(e.to_string()))?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_filled_by_turning_spaces_into_newlines() {
        let text = "GNU Hello prints the message \"Hello, world!\" and then exits.  It serves as an example of standard GNU coding practices.";
        let filled = fill(text, 40);
        assert_eq!(filled.replace('\n', " "), text);
        assert!(filled.lines().all(|l| l.chars().count() <= 40), "{filled}");
        let url = format!("see https://example.org/{}", "x".repeat(80));
        assert_eq!(fill(&url, 40).replace('\n', " "), url);
        assert_eq!(fill("a\nb", 40), "a\nb");
    }

    #[test]
    fn unwritable_data_is_refused_with_the_reason() {
        let deep = (0..150).fold(Datum::Null, |d, _| Datum::List(vec![d], None));
        assert!(datum(&deep).unwrap_err().to_string().contains("nested"));
        for (d, why) in [
            (Datum::Integer("123456789012345678901234".into()), "64 bits"),
            (Datum::Rational("1/3".into()), "fraction"),
            (Datum::Real(f64::NAN), "spelling"),
            (Datum::Unspecified, "unspecified"),
            (Datum::String("a\u{202e}b".into()), "U+202E"),
            (Datum::Symbol("0ad".into()), "symbol"),
            (Datum::Keyword("a b".into()), "keyword"),
        ] {
            let e = datum(&d).unwrap_err().to_string();
            assert!(e.contains(why), "{e}");
        }
        assert_eq!(datum(&Datum::Integer("-42".into())), Ok(Sexp::Int(-42)));
    }

    #[test]
    fn the_helper_reads_back() {
        let v = readback::read_one(INPUT_HELPER).unwrap();
        assert_eq!(
            pretty::pretty(&readback::to_sexp(&v).unwrap()),
            INPUT_HELPER
        );
    }
}
