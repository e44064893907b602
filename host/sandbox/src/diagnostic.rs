//! Diagnostics as the host reports them: rustc-style text (file:line:col,
//! the source line, a caret under the span, help) and the same facts as
//! JSON for machines.
//!
//! Everything in a diagnostic may come from a dish, so every text is
//! bounded when the diagnostic is built ([`MAX_TEXT`] per message, help or
//! note, at most [`MAX_NOTES`] notes; quote values with [`quote`]), and
//! rendering reads only the line the span starts on (at most
//! [`MAX_SNIPPET_LINE`] bytes of it), never the whole source.  Control,
//! escape, bidi and other invisible characters never reach a terminal.

use std::fmt::Write as _;

use annotate_snippets::{Level, Renderer, Snippet};
use serde::{Deserialize, Serialize};

/// Longest message, help or note, in bytes; longer texts are cut with `...`.
pub const MAX_TEXT: usize = 2_048;
/// Most notes on one diagnostic.
pub const MAX_NOTES: usize = 8;
/// Longest value quoted in a message by [`quote`], in characters.
pub const MAX_QUOTE: usize = 80;
/// Longest source line shown under a diagnostic, in bytes: a longer line is
/// not shown, only its position.
pub const MAX_SNIPPET_LINE: usize = 400;

/// What went wrong, as a class.  The first ten mirror the guest's
/// `diagnostic-kind`; the rest are the host's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The dish's source does not match what its `git-commit` and `sha256`
    /// say.
    Source,
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
            Kind::Source => "source",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One diagnostic about one file.  `span` is a byte range of the file's
/// text; `line` and `column` (1-based, column in characters) locate its start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub kind: Kind,
    pub message: String,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub notes: Vec<String>,
    pub file: String,
    #[serde(default)]
    pub line: Option<u32>,
    #[serde(default)]
    pub column: Option<u32>,
    #[serde(default)]
    pub span: Option<Span>,
}

/// A byte range of a file's text, as JSON shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Diagnostic {
    pub fn error(kind: Kind, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            kind,
            message: truncate_owned(message.into(), MAX_TEXT),
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

    /// The file the diagnostic is about (a path as the user sees it; cut to
    /// [`MAX_TEXT`]).
    pub fn in_file(mut self, file: &str) -> Diagnostic {
        self.file = truncate(file, MAX_TEXT);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(truncate_owned(help.into(), MAX_TEXT));
        self
    }

    /// Add a note; past [`MAX_NOTES`] notes, further ones are dropped.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.push_note(note);
        self
    }

    /// Add a note in place; past [`MAX_NOTES`] notes, further ones are dropped.
    pub fn push_note(&mut self, note: impl Into<String>) {
        if self.notes.len() < MAX_NOTES {
            self.notes.push(truncate_owned(note.into(), MAX_TEXT));
        }
    }

    /// Locate the diagnostic at byte range `start..end` of `source`
    /// (clamped to the text and to character boundaries).  Costs one pass
    /// over the text before `start`.
    pub fn at(self, source: &str, start: usize, end: usize) -> Diagnostic {
        let (line, column) =
            potluck_contract::span::line_col(source, floor_boundary(source, start));
        self.placed(source, start, end, line, column)
    }

    /// Same as [`Diagnostic::at`], with the line found in `lines` (the
    /// [`LineIndex`](potluck_contract::span::LineIndex) of `source`): for
    /// many diagnostics on one text, each costs the length of its line
    /// rather than of the text before it.
    pub fn at_indexed(
        self,
        lines: &potluck_contract::span::LineIndex,
        source: &str,
        start: usize,
        end: usize,
    ) -> Diagnostic {
        let (line, column) = lines.line_col(source, floor_boundary(source, start));
        self.placed(source, start, end, line, column)
    }

    fn placed(
        mut self,
        source: &str,
        start: usize,
        end: usize,
        line: u32,
        column: u32,
    ) -> Diagnostic {
        let start = floor_boundary(source, start);
        let end = floor_boundary(source, end.clamp(start, source.len()));
        self.span = Some(Span { start, end });
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Render like rustc.  `source` is the file's text when there is one;
    /// only the line the span starts on is read.  Text from the dish (the
    /// messages, the quoted source line, the file name) is made safe for a
    /// terminal: control, escape, bidi and invisible characters never reach
    /// it.
    pub fn render(&self, source: Option<&str>, color: bool) -> String {
        let message = terminal_safe(&self.message);
        let help = self.help.as_deref().map(terminal_safe);
        let notes: Vec<String> = self.notes.iter().map(|n| terminal_safe(n)).collect();
        let file = terminal_safe(&self.file);
        // Wider than any line shown (`MAX_SNIPPET_LINE`), so that the
        // renderer never cuts a line to fit: its margin arithmetic underflows
        // when a long line's span ends inside its leading white space (found
        // by the boundary fuzzer, `fuzz/regressions/boundary/`).
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
        .term_width(MAX_SNIPPET_LINE + 40);
        let level = match self.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let title = format!("{message} [{}]", self.kind.as_str());
        let mut msg = level.title(&title);
        let line_text;
        let location;
        match (source, self.span, self.line) {
            (Some(src), Some(span), Some(line_no)) => match source_line(src, span) {
                Some((text, start, end)) => {
                    line_text = text;
                    msg = msg.snippet(
                        Snippet::source(&line_text)
                            .line_start(line_no as usize)
                            .origin(&file)
                            .annotation(level.span(start..end)),
                    );
                }
                None => {
                    location = format!(
                        "at {file}:{line_no}:{} (the line is too long to show)",
                        self.column.unwrap_or(1)
                    );
                    msg = msg.footer(Level::Note.title(&location));
                }
            },
            _ => {
                location = if file.is_empty() {
                    String::new()
                } else {
                    format!("in {file}")
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

/// The line of `src` that `span` starts on, made terminal-safe without
/// moving any offset, and the span's range within it (cut at the line's
/// end, at least one character wide); `None` when the line is longer than
/// [`MAX_SNIPPET_LINE`].  Reads only that line.
fn source_line(src: &str, span: Span) -> Option<(String, usize, usize)> {
    let start = floor_boundary(src, span.start);
    let bytes = src.as_bytes();
    let line_start = bytes[..start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    if start - line_start > MAX_SNIPPET_LINE {
        return None;
    }
    let rest = &bytes[start..(start + MAX_SNIPPET_LINE + 1).min(bytes.len())];
    let line_end = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => start + i,
        None if start + rest.len() == bytes.len() => bytes.len(),
        None => return None,
    };
    if line_end - line_start > MAX_SNIPPET_LINE {
        return None;
    }
    let line = &src[line_start..floor_boundary(src, line_end)];
    let a = start - line_start;
    let mut b = span.end.clamp(start, line_start + line.len()) - line_start;
    if b == a {
        b = a + line[a..].chars().next().map_or(0, char::len_utf8);
    }
    Some((terminal_safe_source(line), a, b))
}

/// Characters a terminal would act on, or that would hide or reorder text:
/// controls (but tab and newline) and the contract's hazards
/// ([`potluck_contract::grammar::is_hazard`]: separators, bidi controls and
/// marks, invisible format characters, the byte-order mark).
pub fn unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || potluck_contract::grammar::is_hazard(c)
}

/// Text with every character a terminal would act on (and newlines) shown
/// as `\u{..}`.
pub fn terminal_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if unsafe_for_terminal(c) || c == '\n' {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
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

fn floor_boundary(s: &str, i: usize) -> usize {
    potluck_contract::span::floor_boundary(s, i)
}

/// 1-based line and column (in characters) of byte `pos` of `src`.
pub fn line_col(src: &str, pos: usize) -> (u32, u32) {
    potluck_contract::span::line_col(src, pos)
}

/// `s` cut to at most `max` bytes (on a character boundary), with `...`.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    format!("{}...", &s[..floor_boundary(s, max)])
}

fn truncate_owned(mut s: String, max: usize) -> String {
    if s.len() > max {
        s.truncate(floor_boundary(&s, max));
        s.push_str("...");
    }
    s
}

/// A value from a dish, for quoting in a message: at most [`MAX_QUOTE`]
/// characters (then `...`), with every control, bidi or invisible
/// character written as `\u{..}` so that the quote is one visible line.
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX_QUOTE {
            out.push_str("...");
            break;
        }
        if unsafe_for_terminal(c) || c == '\n' {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
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
        let src = "(error \"\u{1b}]0;OWNED\u{7}\u{202e}x\u{feff}\u{61c}\u{200b}\")\n";
        let d = Diagnostic::error(Kind::UserError, "raw \u{1b}[2J here")
            .in_file("bad\u{1b}[31m\u{202e}.scm")
            .at(src, 1, 6)
            .with_help("h\u{7}");
        for text in [d.render(Some(src), false), d.render(None, false)] {
            assert!(!text.chars().any(unsafe_for_terminal), "{text:?}");
        }
        assert!(d.render(Some(src), false).contains("raw \\u{1b}[2J here"));
        assert_eq!(terminal_safe_source(src).len(), src.len());
    }

    #[test]
    fn spans_are_clamped_to_the_text() {
        let d = Diagnostic::error(Kind::Syntax, "x").at("aλb", 2, 99);
        assert_eq!(d.span, Some(Span { start: 1, end: 4 }));
    }

    /// Placing with a line index gives what the scan gives, at every
    /// position of a text with empty lines, `\r\n` and multi-byte
    /// characters, and past its end.
    #[test]
    fn placing_with_a_line_index_agrees_with_the_scan() {
        let src = "(a\r\n\n  λ b)\n;; ünï\n\n\"x\"";
        let lines = potluck_contract::span::LineIndex::new(src);
        for start in 0..src.len() + 3 {
            for end in [start, start + 1, start + 5, src.len() + 9] {
                let scan = Diagnostic::error(Kind::Syntax, "x").at(src, start, end);
                let indexed =
                    Diagnostic::error(Kind::Syntax, "x").at_indexed(&lines, src, start, end);
                assert_eq!(
                    (scan.span, scan.line, scan.column),
                    (indexed.span, indexed.line, indexed.column),
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn texts_and_quotes_are_bounded() {
        let huge = "\u{1}".repeat(4 << 20);
        let d = Diagnostic::error(Kind::Validation, format!("bad `{}`", quote(&huge)))
            .with_help(huge.clone())
            .with_note(huge.clone());
        assert!(d.message.len() < 1_000, "{}", d.message.len());
        assert!(d.help.as_ref().unwrap().len() <= MAX_TEXT + 3);
        let mut d = d;
        for _ in 0..100 {
            d.push_note("n");
        }
        assert_eq!(d.notes.len(), MAX_NOTES);
        assert!(d.render(None, false).len() < 64 * MAX_TEXT);
    }

    #[test]
    fn a_long_line_is_located_not_shown() {
        let src = format!("(x\n{})", "y".repeat(1 << 20));
        let d = Diagnostic::error(Kind::Syntax, "bad").in_file("f.scm").at(
            &src,
            3 + 500_000,
            3 + 500_001,
        );
        let text = d.render(Some(&src), false);
        assert!(text.len() < 500, "{text}");
        assert!(text.contains("at f.scm:2:500001"), "{text}");
        // The end of a file is a position too.
        let d = Diagnostic::error(Kind::Syntax, "eof")
            .in_file("f.scm")
            .at("(a", 2, 2);
        assert!(d.render(Some("(a"), false).contains("f.scm:1:3"));
    }
}
