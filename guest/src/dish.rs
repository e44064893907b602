//! The dish record: what a `potluck-package` form evaluates to, checked for
//! structure (required fields and their types) and turned into plain data
//! that crosses the sandbox boundary.  The deeper rules (URIs, hashes, known
//! build systems and licenses) are the host's `validate` module's job.

use crate::diag::{Diagnostic, DiagnosticKind};
use crate::num;
use crate::printer::write_string;
use crate::span::Span;
use crate::value::{Record, RecordKind, Symbol, Value};

pub const PACKAGE_FIELDS: &[&str] = &[
    "name",
    "version",
    "source",
    "build-system",
    "arguments",
    "inputs",
    "native-inputs",
    "propagated-inputs",
    "synopsis",
    "description",
    "license",
    "home-page",
];
pub const PACKAGE_REQUIRED: &[&str] = &[
    "name",
    "version",
    "source",
    "build-system",
    "synopsis",
    "description",
    "license",
    "home-page",
];
pub const SOURCE_FIELDS: &[&str] = &["git-uri", "git-commit", "sha256", "snippet"];
pub const SOURCE_REQUIRED: &[&str] = &["git-uri", "git-commit", "sha256"];

const fn symbols<const N: usize>(names: &[&str]) -> [Symbol; N] {
    assert!(N == names.len());
    let mut out = [Symbol::known("name"); N];
    let mut i = 0;
    while i < N {
        out[i] = Symbol::known(names[i]);
        i += 1;
    }
    out
}

/// [`PACKAGE_FIELDS`] and the other lists as symbols, in the same order.
pub const PACKAGE_FIELD_SYMBOLS: [Symbol; PACKAGE_FIELDS.len()] = symbols(PACKAGE_FIELDS);
pub const PACKAGE_REQUIRED_SYMBOLS: [Symbol; PACKAGE_REQUIRED.len()] = symbols(PACKAGE_REQUIRED);
pub const SOURCE_FIELD_SYMBOLS: [Symbol; SOURCE_FIELDS.len()] = symbols(SOURCE_FIELDS);
pub const SOURCE_REQUIRED_SYMBOLS: [Symbol; SOURCE_REQUIRED.len()] = symbols(SOURCE_REQUIRED);

use potluck_contract::limits::{Depth, MAX_NUMBER_BITS, MAX_NUMBER_DIGITS};
pub use potluck_contract::limits::{MAX_DATUM_DEPTH, MAX_DATUM_NODES, MAX_SPECS};

/// Why a value cannot cross the boundary as data.
#[derive(Debug, Clone, PartialEq)]
pub enum FlattenError {
    /// It contains something that is not plain data.
    NotData(String),
    /// It is larger or deeper than the limits.
    TooLarge(String),
}

/// An example clause for a field, for help texts.
pub fn field_example(field: &str) -> String {
    let ex = match field {
        "name" => "(name \"hello\")",
        "version" => "(version \"1.0.0\")",
        "source" => "(source (potluck-source (git-uri \"https://example.org/hello.git\") (git-commit \"<40 hex digits>\") (sha256 \"<52 nix-base32 characters>\")))",
        "build-system" => "(build-system 'gnu)",
        "arguments" => "(arguments '(#:tests? #f))",
        "inputs" | "native-inputs" | "propagated-inputs" => "(inputs '(\"guile@3.0\" \"zstd\"))",
        "synopsis" => "(synopsis \"Short description of the package\")",
        "description" => "(description \"A longer description, in full sentences.\")",
        "license" => "(license 'gpl3+)",
        "home-page" => "(home-page \"https://example.org/hello\")",
        "git-uri" => "(git-uri \"https://example.org/hello.git\")",
        "git-commit" => "(git-commit \"0123456789abcdef0123456789abcdef01234567\")",
        "sha256" => "(sha256 \"0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i\")",
        "snippet" => "(snippet '(delete-file \"bundled.c\"))",
        _ => return format!("add a `{field}` clause"),
    };
    format!("add a clause such as {ex}")
}

/// How to fix a field that is there but has the wrong kind of value.
pub fn field_fix(field: &str) -> String {
    let example = field_example(field);
    match example.strip_prefix("add a clause such as ") {
        Some(ex) => format!("write it as {ex}"),
        None => format!("write the `{field}` clause as the potluck model expects"),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// One node of a flattened datum; children are indices of earlier nodes and
/// the root is the last node.
#[derive(Debug, Clone, PartialEq)]
pub enum DatumNode {
    Null,
    Bool(bool),
    Int(i64),
    BigInt(String),
    Rational(String),
    Real(f64),
    Char(char),
    Str(String),
    Sym(String),
    Keyword(String),
    Pair(u32, u32),
    Vector(Vec<u32>),
    Unspecified,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Datum {
    pub nodes: Vec<DatumNode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StringList {
    pub items: Vec<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub git_uri: Spanned<String>,
    pub git_commit: Spanned<String>,
    pub sha256: Spanned<String>,
    pub snippet: Option<Spanned<Datum>>,
    pub span: Span,
}

/// A structurally valid dish.
#[derive(Debug, Clone, PartialEq)]
pub struct Dish {
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    pub source: Source,
    pub build_system: Spanned<String>,
    pub arguments: Spanned<Datum>,
    pub inputs: StringList,
    pub native_inputs: StringList,
    pub propagated_inputs: StringList,
    pub synopsis: Spanned<String>,
    pub description: Spanned<String>,
    /// One license, or several when the dish gave a list.
    pub licenses: StringList,
    pub home_page: Spanned<String>,
    pub span: Span,
    /// Earlier `potluck-package` forms whose values were dropped.
    pub discarded: Vec<Span>,
}

/// Turn the value of a dish's last expression into a [`Dish`], collecting
/// every structural problem.
pub fn from_value(v: &Value, last_form: Span) -> Result<Dish, Vec<Diagnostic>> {
    let Value::Record(r) = v else {
        return Err(vec![Diagnostic::new(
            DiagnosticKind::InvalidDish,
            format!(
                "a dish must evaluate to a potluck-package, but its last expression evaluated to {}",
                describe(v)
            ),
            Some(last_form),
        )
        .with_help("end the file with a (potluck-package ...) form")]);
    };
    if r.kind != RecordKind::Package {
        return Err(vec![Diagnostic::new(
            DiagnosticKind::InvalidDish,
            "a dish must evaluate to a potluck-package, but its last expression evaluated to a potluck-source",
            Some(last_form),
        )
        .with_help("put the potluck-source in the (source ...) field of a potluck-package")]);
    }
    let mut errs = Vec::new();
    let mut fields = Fields { r, errs: &mut errs };
    let name = fields.string(const { Symbol::known("name") });
    let version = fields.string(const { Symbol::known("version") });
    let source = fields.source();
    let build_system = fields.symbol(const { Symbol::known("build-system") });
    let arguments = fields
        .datum(const { Symbol::known("arguments") })
        .unwrap_or(Spanned {
            value: Datum {
                nodes: vec![DatumNode::Null],
            },
            span: r.span,
        });
    let inputs = fields.spec_list(const { Symbol::known("inputs") });
    let native_inputs = fields.spec_list(const { Symbol::known("native-inputs") });
    let propagated_inputs = fields.spec_list(const { Symbol::known("propagated-inputs") });
    let synopsis = fields.string(const { Symbol::known("synopsis") });
    let description = fields.string(const { Symbol::known("description") });
    let licenses = fields.licenses();
    let home_page = fields.string(const { Symbol::known("home-page") });
    match (
        name,
        version,
        source,
        build_system,
        synopsis,
        description,
        licenses,
        home_page,
    ) {
        (
            Some(name),
            Some(version),
            Some(source),
            Some(build_system),
            Some(synopsis),
            Some(description),
            Some(licenses),
            Some(home_page),
        ) if errs.is_empty() => Ok(Dish {
            name,
            version,
            source,
            build_system,
            arguments,
            inputs,
            native_inputs,
            propagated_inputs,
            synopsis,
            description,
            licenses,
            home_page,
            span: r.span,
            discarded: Vec::new(),
        }),
        _ => Err(errs),
    }
}

fn describe(v: &Value) -> String {
    let text = write_string(v);
    let text = if text.chars().count() > 60 {
        format!("{}...", text.chars().take(57).collect::<String>())
    } else {
        text
    };
    match v {
        Value::Unspecified => "nothing (an unspecified value)".to_string(),
        Value::Null => "the empty list ()".to_string(),
        Value::Prim(_) | Value::Closure(_) => "a procedure".to_string(),
        Value::Values(_) => "multiple values".to_string(),
        _ => format!("the {} `{text}`", v.type_name()),
    }
}

struct Fields<'a> {
    r: &'a Record,
    errs: &'a mut Vec<Diagnostic>,
}

impl Fields<'_> {
    fn get(&self, field: Symbol) -> Option<(&Value, Span)> {
        self.r
            .fields
            .iter()
            .find(|(f, _, _)| *f == field)
            .map(|(_, v, s)| (v, *s))
    }

    fn wrong(&mut self, field: &str, expected: &str, v: &Value, span: Span, help: String) {
        self.errs.push(
            Diagnostic::new(
                DiagnosticKind::InvalidDish,
                format!(
                    "field `{field}` must be {expected}, but it is {}",
                    describe(v)
                ),
                Some(span),
            )
            .with_help(help),
        );
    }

    fn missing(&mut self, field: &str) {
        self.errs.push(
            Diagnostic::new(
                DiagnosticKind::InvalidDish,
                format!("missing required field `{field}`"),
                Some(self.r.span),
            )
            .with_help(field_example(field)),
        );
    }

    fn string(&mut self, f: Symbol) -> Option<Spanned<String>> {
        let field = f.name();
        let Some((v, span)) = self.get(f) else {
            self.missing(field);
            return None;
        };
        match v {
            Value::Str(s) => Some(Spanned {
                value: s.s.clone(),
                span,
            }),
            Value::Sym(s) => {
                let help = format!("write it as a string: ({field} \"{}\")", s.name());
                self.wrong(field, "a string", &v.clone(), span, help);
                None
            }
            other => {
                let other = other.clone();
                self.wrong(field, "a string", &other, span, field_fix(field));
                None
            }
        }
    }

    fn symbol(&mut self, f: Symbol) -> Option<Spanned<String>> {
        let field = f.name();
        let Some((v, span)) = self.get(f) else {
            self.missing(field);
            return None;
        };
        match v {
            Value::Sym(s) => Some(Spanned {
                value: s.name().to_string(),
                span,
            }),
            Value::Str(s) => {
                let help = format!("name it with a quoted symbol: ({field} '{})", s.s);
                self.wrong(field, "a symbol", &v.clone(), span, help);
                None
            }
            other => {
                let other = other.clone();
                self.wrong(field, "a symbol", &other, span, field_fix(field));
                None
            }
        }
    }

    /// `license`: a symbol, or a non-empty list of symbols (as Guix allows).
    fn licenses(&mut self) -> Option<StringList> {
        let f = const { Symbol::known("license") };
        let Some((v, span)) = self.get(f) else {
            self.missing("license");
            return None;
        };
        let v = v.clone();
        let symbol_help = |s: &str| format!("name it with a quoted symbol: (license '{s})");
        match &v {
            Value::Sym(s) => Some(StringList {
                items: vec![Spanned {
                    value: s.name().to_string(),
                    span,
                }],
                span,
            }),
            Value::Str(s) => {
                let help = symbol_help(&s.s);
                self.wrong("license", "a symbol or a list of symbols", &v, span, help);
                None
            }
            _ => match v.list_to_vec() {
                Some(items) if !items.is_empty() && items.len() <= MAX_SPECS => {
                    let mut out = Vec::with_capacity(items.len());
                    for item in &items {
                        match item {
                            Value::Sym(s) => out.push(Spanned {
                                value: s.name().to_string(),
                                span,
                            }),
                            other => {
                                let help =
                                    "list the licenses as symbols: (license '(gpl3+ lgpl2.1+))"
                                        .to_string();
                                self.wrong(
                                    "license",
                                    "a symbol or a list of symbols",
                                    other,
                                    span,
                                    help,
                                );
                                return None;
                            }
                        }
                    }
                    Some(StringList { items: out, span })
                }
                _ => {
                    self.wrong(
                        "license",
                        "a symbol or a list of symbols",
                        &v,
                        span,
                        "write it as (license 'gpl3+), or (license '(gpl3+ lgpl2.1+)) for several"
                            .into(),
                    );
                    None
                }
            },
        }
    }

    fn spec_list(&mut self, f: Symbol) -> StringList {
        let field = f.name();
        let Some((v, span)) = self.get(f) else {
            return StringList {
                items: Vec::new(),
                span: self.r.span,
            };
        };
        let v = v.clone();
        let Some(items) = v.list_to_vec() else {
            self.wrong(field, "a list of strings", &v, span, field_fix(field));
            return StringList {
                items: Vec::new(),
                span,
            };
        };
        if items.len() > MAX_SPECS {
            self.errs.push(
                Diagnostic::new(
                    DiagnosticKind::Limit,
                    format!(
                        "field `{field}` lists {} inputs, more than the {MAX_SPECS} allowed",
                        items.len()
                    ),
                    Some(span),
                )
                .with_help("a package has a few dozen inputs at most"),
            );
            return StringList {
                items: Vec::new(),
                span,
            };
        }
        let mut out = Vec::with_capacity(items.len());
        for item in &items {
            match item {
                Value::Str(s) => out.push(Spanned {
                    value: s.s.clone(),
                    span: s.span.unwrap_or(span),
                }),
                other => {
                    let help = match other {
                        Value::Sym(s) => format!(
                            "name each input with a string such as \"{}\", or \"name@version\"",
                            s.name()
                        ),
                        _ => "each input is a package specification string such as \"guile@3.0\" or \"glib:bin\"".to_string(),
                    };
                    self.errs.push(
                        Diagnostic::new(
                            DiagnosticKind::InvalidDish,
                            format!(
                                "field `{field}` must be a list of strings, but it contains {}",
                                describe(other)
                            ),
                            Some(span),
                        )
                        .with_help(help),
                    );
                }
            }
        }
        StringList { items: out, span }
    }

    fn datum(&mut self, f: Symbol) -> Option<Spanned<Datum>> {
        let field = f.name();
        let (v, span) = self.get(f)?;
        let v = v.clone();
        match flatten(&v) {
            Ok(d) => Some(Spanned { value: d, span }),
            Err(FlattenError::NotData(msg)) => {
                self.errs.push(
                    Diagnostic::new(
                        DiagnosticKind::InvalidDish,
                        format!("field `{field}` must be plain data, but {msg}"),
                        Some(span),
                    )
                    .with_help("quote the data: lists, strings, numbers, symbols, keywords, booleans and characters"),
                );
                None
            }
            Err(FlattenError::TooLarge(msg)) => {
                self.errs.push(
                    Diagnostic::new(
                        DiagnosticKind::Limit,
                        format!("field `{field}` is too large: {msg}"),
                        Some(span),
                    )
                    .with_help(
                        "a dish's data should be small: a few keyword arguments or a short snippet",
                    ),
                );
                None
            }
        }
    }

    fn source(&mut self) -> Option<Source> {
        let Some((v, span)) = self.get(const { Symbol::known("source") }) else {
            self.missing("source");
            return None;
        };
        let src = match v {
            Value::Record(s) if s.kind == RecordKind::Source => s.clone(),
            other => {
                let other = other.clone();
                self.wrong(
                    "source",
                    "a (potluck-source ...) form",
                    &other,
                    span,
                    field_fix("source"),
                );
                return None;
            }
        };
        let mut inner = Fields {
            r: &src,
            errs: self.errs,
        };
        let git_uri = inner.string(const { Symbol::known("git-uri") });
        let git_commit = inner.string(const { Symbol::known("git-commit") });
        let sha256 = inner.string(const { Symbol::known("sha256") });
        let snippet = match inner.get(const { Symbol::known("snippet") }) {
            None | Some((Value::Bool(false), _)) => None,
            Some(_) => inner.datum(const { Symbol::known("snippet") }),
        };
        Some(Source {
            git_uri: git_uri?,
            git_commit: git_commit?,
            sha256: sha256?,
            snippet,
            span: src.span,
        })
    }
}

fn too_many_digits() -> FlattenError {
    FlattenError::TooLarge(format!(
        "it holds an exact number of more than {MAX_NUMBER_DIGITS} digits"
    ))
}

/// Flatten plain data into nodes (post-order, children before parents),
/// counting nesting by the contract's [`Depth`] rule.
pub fn flatten(v: &Value) -> Result<Datum, FlattenError> {
    enum Work {
        Visit(Value, Depth),
        Pair,
        Vector(usize),
    }
    let mut nodes: Vec<DatumNode> = Vec::with_capacity(32);
    let mut results: Vec<u32> = Vec::with_capacity(16);
    let mut work = Vec::with_capacity(16);
    work.push(Work::Visit(v.clone(), Depth::ROOT));
    while let Some(w) = work.pop() {
        if nodes.len() >= MAX_DATUM_NODES {
            return Err(FlattenError::TooLarge(format!(
                "it has more than {MAX_DATUM_NODES} nodes"
            )));
        }
        let node = match w {
            Work::Visit(v, depth) => match v {
                _ if depth.too_deep() => {
                    return Err(FlattenError::TooLarge(format!(
                        "it is nested more than {MAX_DATUM_DEPTH} levels deep"
                    )))
                }
                Value::Pair(p) => {
                    work.push(Work::Pair);
                    work.push(Work::Visit(p.cdr.clone(), depth.cdr()));
                    work.push(Work::Visit(p.car.clone(), depth.car()));
                    continue;
                }
                Value::Vector(items) => {
                    work.push(Work::Vector(items.len()));
                    for item in items.iter().rev() {
                        work.push(Work::Visit(item.clone(), depth.item()));
                    }
                    continue;
                }
                Value::Null => DatumNode::Null,
                Value::Bool(b) => DatumNode::Bool(b),
                Value::Int(i) => DatumNode::Int(i),
                Value::Big(ref b) if b.bits() > MAX_NUMBER_BITS => return Err(too_many_digits()),
                Value::Rat(ref r) if r.numer().bits().max(r.denom().bits()) > MAX_NUMBER_BITS => {
                    return Err(too_many_digits())
                }
                Value::Big(_) => DatumNode::BigInt(num::to_string(&v, 10)),
                Value::Rat(_) => DatumNode::Rational(num::to_string(&v, 10)),
                Value::Real(f) => DatumNode::Real(f),
                Value::Char(c) => DatumNode::Char(c),
                Value::Str(s) => DatumNode::Str(s.s.clone()),
                Value::Sym(s) => DatumNode::Sym(s.name().to_string()),
                Value::Keyword(k) => DatumNode::Keyword(k.name().to_string()),
                Value::Unspecified => DatumNode::Unspecified,
                other => {
                    return Err(FlattenError::NotData(format!(
                        "it contains {}",
                        describe(&other)
                    )))
                }
            },
            Work::Pair => {
                let cdr = results.pop().expect("pair cdr");
                let car = results.pop().expect("pair car");
                DatumNode::Pair(car, cdr)
            }
            Work::Vector(n) => {
                let at = results.len() - n;
                DatumNode::Vector(results.split_off(at))
            }
        };
        results.push(nodes.len() as u32);
        nodes.push(node);
    }
    Ok(Datum { nodes })
}
