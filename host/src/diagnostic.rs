//! Diagnostics as the host reports them: rustc-style text (file:line:col,
//! the source line, a caret under the span, help) and the same facts as
//! JSON for machines.

use std::fmt::Write as _;

use annotate_snippets::{Level, Renderer, Snippet};
use serde::Serialize;

/// What went wrong, as a class.  The first ten mirror the guest's
/// `diagnostic-kind`; the rest are the host's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
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
    /// The dish file could not be read (I/O, not UTF-8, not a regular file).
    Io,
    /// A field's value breaks a validation rule.
    Validation,
    /// An input specification names no known package.
    Resolution,
    /// Lint-level advice.
    Lint,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Syntax => "syntax",
            Kind::UnboundVariable => "unbound-variable",
            Kind::WrongType => "wrong-type",
            Kind::Arity => "arity",
            Kind::OutOfRange => "out-of-range",
            Kind::UserError => "user-error",
            Kind::InvalidDish => "invalid-dish",
            Kind::Unsupported => "unsupported",
            Kind::Limit => "limit",
            Kind::Internal => "internal",
            Kind::Io => "io",
            Kind::Validation => "validation",
            Kind::Resolution => "resolution",
            Kind::Lint => "lint",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One diagnostic about one file.  `span` is a byte range of the file's
/// text; `line` and `column` (1-based, column in characters) locate its start.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub kind: Kind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Diagnostic {
    pub fn error(kind: Kind, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            kind,
            message: message.into(),
            help: None,
            notes: Vec::new(),
            file: String::new(),
            line: None,
            column: None,
            span: None,
        }
    }

    pub fn warning(kind: Kind, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(kind, message)
        }
    }

    pub fn in_file(mut self, file: &str) -> Diagnostic {
        self.file = file.to_string();
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Locate the diagnostic at byte range `start..end` of `source`
    /// (clamped to the text and to character boundaries).
    pub fn at(mut self, source: &str, start: usize, end: usize) -> Diagnostic {
        let start = floor_boundary(source, start.min(source.len()));
        let end = floor_boundary(source, end.clamp(start, source.len()));
        let (line, column) = line_col(source, start);
        self.span = Some(Span { start, end });
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Render like rustc.  `source` is the file's text when there is one.
    /// Text from the dish (messages, the quoted source line) is made safe
    /// for a terminal: control, escape and bidi characters never reach it.
    pub fn render(&self, source: Option<&str>, color: bool) -> String {
        let source = source.map(terminal_safe_source);
        let source = source.as_deref();
        let message = terminal_safe(&self.message);
        let help = self.help.as_deref().map(terminal_safe);
        let notes: Vec<String> = self.notes.iter().map(|n| terminal_safe(n)).collect();
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let level = match self.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let title = format!("{message} [{}]", self.kind.as_str());
        let origin;
        let mut msg = level.title(&title);
        let location;
        match (source, self.span) {
            (Some(src), Some(span)) => {
                origin = self.file.clone();
                // Point at the first line of a multi-line span, as rustc
                // does for long expressions.
                let line_end = src[span.start..]
                    .find('\n')
                    .map_or(src.len(), |i| span.start + i);
                let end = span.end.min(line_end).max(span.start);
                let end = if end == span.start && span.start < src.len() {
                    span.start + src[span.start..].chars().next().map_or(0, char::len_utf8)
                } else {
                    end
                };
                msg = msg.snippet(
                    Snippet::source(src)
                        .origin(&origin)
                        .fold(true)
                        .annotation(level.span(span.start..end)),
                );
            }
            _ => {
                location = if self.file.is_empty() {
                    String::new()
                } else {
                    format!("in {}", self.file)
                };
                if !location.is_empty() {
                    msg = msg.footer(Level::Note.title(&location));
                }
            }
        }
        for n in &notes {
            msg = msg.footer(Level::Note.title(n));
        }
        if let Some(h) = &help {
            msg = msg.footer(Level::Help.title(h));
        }
        let mut out = String::new();
        let _ = write!(out, "{}", renderer.render(msg));
        out
    }
}

fn unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text with every character a terminal would act on shown as `\u{..}`.
pub fn terminal_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if unsafe_for_terminal(c) || c == '\n' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Source text made terminal-safe without moving any byte offset or
/// column: each unsafe character is replaced by a visible one of the same
/// UTF-8 length (`?`, `¿` or `\u{fffd}`).  Tabs become one space: the
/// renderer's margin arithmetic goes wrong on long runs of tabs (found by
/// the boundary fuzzer), and one column per byte keeps carets aligned.
fn terminal_safe_source(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\t' {
                return ' ';
            }
            if !unsafe_for_terminal(c) {
                return c;
            }
            match c.len_utf8() {
                1 => '?',
                2 => '¿',
                _ => '\u{fffd}',
            }
        })
        .collect()
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based line and column (in characters) of byte `pos` of `src`.
pub fn line_col(src: &str, pos: usize) -> (u32, u32) {
    potluck_guest::span::line_col(src, u32::try_from(pos).unwrap_or(u32::MAX))
}

/// `s` cut to at most `max` bytes (on a character boundary), with `...`.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    format!("{}...", &s[..floor_boundary(s, max)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let src = "(potluck-package\n  (name 'hello))\n";
        let d = Diagnostic::error(Kind::InvalidDish, "field `name` must be a string")
            .in_file("guix-potluck/hello.scm")
            .at(src, 25, 31)
            .with_help("write it as a string: (name \"hello\")");
        let text = d.render(Some(src), false);
        assert_eq!(
            text,
            "error: field `name` must be a string [invalid-dish]\n --> guix-potluck/hello.scm:2:9\n  |\n2 |   (name 'hello))\n  |         ^^^^^^\n  |\n  = help: write it as a string: (name \"hello\")"
        );
        assert_eq!((d.line, d.column), (Some(2), Some(9)));
    }

    #[test]
    fn terminal_escapes_never_reach_the_terminal() {
        let src = "(error \"\u{1b}]0;OWNED\u{7}\u{202e}x\")\n";
        let d = Diagnostic::error(Kind::UserError, "raw \u{1b}[2J here")
            .at(src, 1, 6)
            .with_help("h\u{7}");
        let text = d.render(Some(src), false);
        assert!(
            !text
                .chars()
                .any(|c| c == '\u{1b}' || c == '\u{7}' || c == '\u{202e}'),
            "{text:?}"
        );
        assert!(text.contains("raw \\u{1b}[2J here"), "{text}");
        assert_eq!(terminal_safe_source(src).len(), src.len());
    }

    #[test]
    fn spans_are_clamped_to_the_text() {
        let d = Diagnostic::error(Kind::Syntax, "x").at("aλb", 2, 99);
        assert_eq!(d.span, Some(Span { start: 1, end: 4 }));
    }
}
