//! Diagnostics and the interpreter's exception type.
//!
//! Scheme-level exceptions (`throw`, `error`, wrong-type errors of the
//! primitives) are catchable by the dish with `catch`; resource limits are
//! not.  Both become a [`Diagnostic`] when they escape the dish.

use crate::printer::{display_string, write_string};
use crate::span::Span;
use crate::value::{Symbol, Value};

/// The class of a diagnostic; mirrors `diagnostic-kind` in the WIT contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagnosticKind {
    Syntax,
    UnboundVariable,
    WrongType,
    Arity,
    OutOfRange,
    UserError,
    InvalidDish,
    Unsupported,
    Limit,
    Internal,
}

impl DiagnosticKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticKind::Syntax => "syntax",
            DiagnosticKind::UnboundVariable => "unbound-variable",
            DiagnosticKind::WrongType => "wrong-type",
            DiagnosticKind::Arity => "arity",
            DiagnosticKind::OutOfRange => "out-of-range",
            DiagnosticKind::UserError => "user-error",
            DiagnosticKind::InvalidDish => "invalid-dish",
            DiagnosticKind::Unsupported => "unsupported",
            DiagnosticKind::Limit => "limit",
            DiagnosticKind::Internal => "internal",
        }
    }
}

/// A problem found in a dish, located by a byte span of its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    pub message: String,
    pub help: Option<String>,
    pub span: Option<Span>,
}

impl Diagnostic {
    pub fn new(kind: DiagnosticKind, message: impl Into<String>, span: Option<Span>) -> Self {
        Diagnostic {
            kind,
            message: message.into(),
            help: None,
            span,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// A thrown Scheme exception: `key` and `args` as a `catch` handler sees them.
#[derive(Debug, Clone)]
pub struct Thrown {
    pub key: Symbol,
    pub args: Value,
    pub span: Option<Span>,
    pub help: Option<String>,
    /// Whether the pre-unwind handlers have run for it.
    pub raised: bool,
}

/// Why evaluation stopped early.
#[derive(Debug, Clone)]
pub enum Exn {
    /// A Scheme exception; `catch` can handle it.
    Throw(Box<Thrown>),
    /// A diagnostic that no handler can intercept: resource limits, syntax
    /// errors and invalid dishes.
    Fatal(Box<Diagnostic>),
    /// `(break v ...)` inside `while`.
    Break(Value),
    /// `(continue)` inside `while`.
    Continue,
}

pub type Result<T, E = Exn> = std::result::Result<T, E>;

impl Exn {
    pub fn throw(key: &str, args: Value) -> Exn {
        Exn::Throw(Box::new(Thrown {
            key: Symbol::intern(key),
            args,
            span: None,
            help: None,
            raised: false,
        }))
    }

    /// An error in Guile's standard shape: `(key subr message args rest)`.
    pub fn guile(key: &str, subr: &str, message: &str, fmt_args: Vec<Value>, rest: Value) -> Exn {
        let subr = if subr.is_empty() {
            Value::Bool(false)
        } else {
            Value::string(subr)
        };
        Exn::throw(
            key,
            Value::list([subr, Value::string(message), Value::list(fmt_args), rest]),
        )
    }

    pub fn wrong_type(subr: &str, pos: usize, expected: &str, got: &Value) -> Exn {
        let msg = format!("Wrong type argument in position {pos} (expecting {expected}): ~S");
        Exn::guile(
            "wrong-type-arg",
            subr,
            &msg,
            vec![got.clone()],
            Value::list([got.clone()]),
        )
    }

    pub fn out_of_range(subr: &str, pos: usize, got: &Value) -> Exn {
        let msg = format!("Value out of range in position {pos}: ~S");
        Exn::guile(
            "out-of-range",
            subr,
            &msg,
            vec![got.clone()],
            Value::list([got.clone()]),
        )
    }

    pub fn misc(subr: &str, message: impl Into<String>) -> Exn {
        Exn::guile(
            "misc-error",
            subr,
            &message.into(),
            vec![],
            Value::Bool(false),
        )
    }

    pub fn arity(name: &str, got: usize, expected: &str) -> Exn {
        Exn::guile(
            "wrong-number-of-args",
            name,
            &format!("Wrong number of arguments: {got} given, {expected} expected"),
            vec![],
            Value::Bool(false),
        )
    }

    pub fn unsupported(name: &str) -> Exn {
        Exn::Fatal(Box::new(
            Diagnostic::new(
                DiagnosticKind::Unsupported,
                format!("binding `{name}` is not supported yet"),
                None,
            )
            .with_help("rewrite the dish without it; the potluck environment will support it in a later version"),
        ))
    }

    pub fn fatal(kind: DiagnosticKind, message: impl Into<String>, span: Option<Span>) -> Exn {
        Exn::Fatal(Box::new(Diagnostic::new(kind, message, span)))
    }

    pub fn limit(message: impl Into<String>) -> Exn {
        Exn::fatal(DiagnosticKind::Limit, message, None)
    }

    pub fn syntax(message: impl Into<String>, span: Span) -> Exn {
        Exn::fatal(DiagnosticKind::Syntax, message, Some(span))
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Exn {
        match &mut self {
            Exn::Throw(t) => t.help = Some(help.into()),
            Exn::Fatal(d) => d.help = Some(help.into()),
            _ => {}
        }
        self
    }

    /// Attach `span` unless the exception already has a location.
    pub fn at(mut self, span: Span) -> Exn {
        match &mut self {
            Exn::Throw(t) if t.span.is_none() => t.span = Some(span),
            Exn::Fatal(d) if d.span.is_none() => d.span = Some(span),
            _ => {}
        }
        self
    }

    /// The diagnostic this exception becomes when nothing catches it.
    pub fn into_diagnostic(self) -> Diagnostic {
        match self {
            Exn::Fatal(d) => *d,
            Exn::Throw(t) => thrown_diagnostic(&t),
            Exn::Break(_) | Exn::Continue => Diagnostic::new(
                DiagnosticKind::Syntax,
                "`break` or `continue` used outside of `while`",
                None,
            ),
        }
    }
}

fn thrown_diagnostic(t: &Thrown) -> Diagnostic {
    let key = t.key.name();
    let kind = match key {
        "wrong-type-arg" => DiagnosticKind::WrongType,
        "wrong-number-of-args" => DiagnosticKind::Arity,
        "unbound-variable" => DiagnosticKind::UnboundVariable,
        "out-of-range" | "numerical-overflow" => DiagnosticKind::OutOfRange,
        "syntax-error" => DiagnosticKind::Syntax,
        _ => DiagnosticKind::UserError,
    };
    let message = standard_message(&t.args).unwrap_or_else(|| {
        let args = t.args.list_to_vec().unwrap_or_default();
        if args.is_empty() {
            format!("uncaught throw to `{key}`")
        } else {
            let parts: Vec<String> = args.iter().map(write_string).collect();
            format!("uncaught throw to `{key}`: {}", parts.join(" "))
        }
    });
    let mut d = Diagnostic::new(kind, message, t.span);
    d.help = t.help.clone().or_else(|| default_help(kind));
    d
}

fn default_help(kind: DiagnosticKind) -> Option<String> {
    match kind {
        DiagnosticKind::UserError => {
            Some("the dish raised this error itself; fix the condition it checks".into())
        }
        _ => None,
    }
}

/// Format `(subr message fmt-args rest)` the way Guile prints it.
fn standard_message(args: &Value) -> Option<String> {
    let items = args.list_to_vec()?;
    if items.len() < 3 {
        return None;
    }
    let Value::Str(msg) = &items[1] else {
        return None;
    };
    let fmt_args = match &items[2] {
        Value::Bool(false) => Vec::new(),
        v => v.list_to_vec()?,
    };
    let body = format_tilde(&msg.s, &fmt_args);
    Some(match &items[0] {
        Value::Str(s) => format!("{}: {body}", s.s),
        Value::Sym(s) => format!("{}: {body}", s.name()),
        _ => body,
    })
}

/// Guile's `simple-format` subset used in error messages: `~A`, `~S`, `~%`, `~~`.
pub fn format_tilde(fmt: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '~' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('a' | 'A') => match args.next() {
                Some(v) => out.push_str(&display_string(v)),
                None => out.push_str("~A"),
            },
            Some('s' | 'S') => match args.next() {
                Some(v) => out.push_str(&write_string(v)),
                None => out.push_str("~S"),
            },
            Some('%') => out.push('\n'),
            Some('~') => out.push('~'),
            Some(other) => {
                out.push('~');
                out.push(other);
            }
            None => out.push('~'),
        }
    }
    out
}
