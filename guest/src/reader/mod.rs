//! The reader: dish source text to syntax objects with byte spans.
//!
//! It reads Guile's data syntax — lists and dotted pairs (with `()` or `[]`),
//! vectors, strings with escapes, characters, numbers, symbols (`#{a b}#` too;
//! `|` is an ordinary symbol character, as in Guile without r7rs-symbols), keywords `#:k`, booleans `#t #f #true #false`, quote,
//! quasiquote, unquote and unquote-splicing, and the comments `;`, `#| |#`
//! (nested), `#;` and `#! !#`.  Anything that is not plain data — read-time
//! evaluation `#.`, syntax quotes `#'`, bytevectors, SRFI-4 vectors, reader
//! extensions — is a syntax error at its position.
//!
//! (The `lexpr` crate reads S-expressions but keeps no per-datum spans, which
//! every diagnostic here needs; the host uses `lexpr` to independently re-read
//! what the guest returns.)

mod syntax;
mod unclosed;

use std::rc::Rc;

use crate::diag::{Diagnostic, DiagnosticKind};
use crate::num;
use crate::span::Span;
use crate::value::{Symbol, Value};

pub use syntax::{Ident, Syntax, SyntaxKind};

const QUOTE: Symbol = Symbol::known("quote");
const QUASIQUOTE: Symbol = Symbol::known("quasiquote");
const UNQUOTE: Symbol = Symbol::known("unquote");
const UNQUOTE_SPLICING: Symbol = Symbol::known("unquote-splicing");

/// Nesting deeper than this is refused; it bounds the recursion of every
/// later pass over syntax read from the file.
pub const MAX_NESTING: usize = 512;

struct Reader<'a> {
    src: &'a str,
    pos: usize,
    /// Elements of the lists being read, innermost last: one buffer shared
    /// by every nesting level, so a list costs one allocation (its final
    /// `Rc<[Syntax]>`) instead of a growing `Vec` and a copy.
    items: Vec<Syntax>,
    /// The elements of every empty list.
    empty: Rc<[Syntax]>,
    /// The lists being read, outermost first: where each opens and where
    /// its elements start in `items` (for [`unclosed::locate`]).
    open: Vec<(usize, usize)>,
    /// Whether the read failed because the file ended inside a list.
    ended_open: bool,
}

/// Errors are boxed inside the reader: every datum is returned through a
/// `ReadResult`, and a small `Err` keeps those returns cheap.
type ReadResult<T> = Result<T, Box<Diagnostic>>;

/// A number whose written exponent Guile refuses (see
/// [`num::exponent_out_of_range`]).
fn out_of_range(exponent: i64, span: Span) -> Box<Diagnostic> {
    err(
        format!("number out of range: Guile reads exponents from -324 to 308, not {exponent}"),
        span,
        Some("write the value without such an exponent, e.g. as a fraction or a string"),
    )
}

fn err(message: impl Into<String>, span: Span, help: Option<&str>) -> Box<Diagnostic> {
    let mut d = Diagnostic::new(DiagnosticKind::Syntax, message, Some(span));
    d.help = help.map(str::to_string);
    Box::new(d)
}

/// Read every datum of a dish file.
pub fn read_all(src: &str) -> Result<Vec<Syntax>, Diagnostic> {
    read_all_boxed(src).map_err(|d| *d)
}

fn read_all_boxed(src: &str) -> ReadResult<Vec<Syntax>> {
    let mut r = Reader {
        src,
        // A UTF-8 byte order mark at the start is skipped, as Guile skips it
        // when it opens a file.
        pos: if src.starts_with('\u{feff}') { 3 } else { 0 },
        items: Vec::with_capacity(64),
        empty: Rc::new([]),
        open: Vec::new(),
        ended_open: false,
    };
    let mut out = Vec::new();
    loop {
        r.skip_atmosphere(0)?;
        if r.pos >= r.src.len() {
            return Ok(out);
        }
        if let Some(c) = r.peek() {
            if c == ')' || c == ']' {
                return Err(err(
                    format!("unexpected `{c}` with no matching opening parenthesis"),
                    Span::new(r.pos, r.pos + 1),
                    Some("remove it, or add the missing `(` before it"),
                ));
            }
        }
        match r.read(0) {
            Ok(datum) => out.push(datum),
            Err(e) if r.ended_open => {
                return Err(unclosed::locate(src, &r.open, &r.items)
                    .map(Box::new)
                    .unwrap_or(e))
            }
            Err(e) => return Err(e),
        }
    }
}

fn is_delimiter(c: char) -> bool {
    if c.is_ascii() {
        BYTE_CLASS[c as usize] & DELIMITER != 0
    } else {
        c.is_whitespace()
    }
}

/// The length of the run of `bytes` before the first `"` or `\\` (all of
/// it if there is none): eight bytes at a time, as strings are most of a
/// dish's text.
fn quote_or_backslash(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let q = w ^ (ONES * b'"' as u64);
        let b = w ^ (ONES * b'\\' as u64);
        // A zero byte in `q` or `b` is a quote or a backslash in `w`.
        let hit = (q.wrapping_sub(ONES) & !q | b.wrapping_sub(ONES) & !b) & HIGHS;
        if hit != 0 {
            return i + hit.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\\' {
        i += 1;
    }
    i
}

/// The position of the first byte from `pos` on that is not ASCII white
/// space.  Runs of spaces (indentation) are skipped eight at a time.
#[inline(always)]
fn skip_white(bytes: &[u8], mut pos: usize) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    loop {
        match bytes.get(pos) {
            Some(b' ') => {
                while let Some(w) = bytes.get(pos..pos + 8) {
                    if u64::from_le_bytes(w.try_into().expect("eight bytes")) != SPACES {
                        break;
                    }
                    pos += 8;
                }
                while bytes.get(pos) == Some(&b' ') {
                    pos += 1;
                }
            }
            Some(&b) if BYTE_CLASS[b as usize] & WHITE != 0 => pos += 1,
            _ => return pos,
        }
    }
}

/// Byte classes, for the reader's inner loops: one table load per byte
/// instead of a chain of comparisons (0: any other ASCII byte, which may
/// be part of a token).
const WHITE: u8 = 1;
/// Ends a token: white space, parentheses, brackets, `"` and `;`.
const DELIMITER: u8 = 2;
/// Part of a multi-byte character: classified by decoding it.
const NON_ASCII: u8 = 4;

const fn byte_class(c: u8) -> u8 {
    if c >= 0x80 {
        NON_ASCII
    } else if c == b' ' || (c >= b'\t' && c <= b'\r') {
        WHITE | DELIMITER
    } else if matches!(c, b'(' | b')' | b'[' | b']' | b'"' | b';') {
        DELIMITER
    } else {
        0
    }
}

static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = byte_class(b as u8);
        b += 1;
    }
    t
};

/// Whether a token starting with `b` may be a number (`read_atom` tries to
/// parse only those).
const fn starts_number(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
}

/// The bytes that start a datum that can only be a symbol: ASCII token
/// bytes that are neither a prefix (`'`, `` ` ``, `,`, `#`) nor the start
/// of a number.
static SYMBOL_START: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = byte_class(c) == 0 && !matches!(c, b'\'' | b'`' | b',' | b'#') && !starts_number(c);
        b += 1;
    }
    t
};

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<char> {
        match self.src.as_bytes().get(self.pos) {
            Some(&b) if b < 0x80 => Some(b as char),
            Some(_) => self.src[self.pos..].chars().next(),
            None => None,
        }
    }

    fn peek2(&self) -> Option<char> {
        let mut it = self.src[self.pos..].chars();
        it.next();
        it.next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Skip white space and comments.  `depth` is the nesting of the datum
    /// being read: a `#;` datum comment reads the datum it comments out one
    /// level deeper, so chains (`#;#;#;...`) and nests (`#;(#;(...`) of them
    /// are bounded by [`MAX_NESTING`] like any other nesting.
    #[inline(always)]
    fn skip_atmosphere(&mut self, depth: usize) -> ReadResult<()> {
        // Fast path: ASCII white space up to a datum.
        let bytes = self.src.as_bytes();
        self.pos = skip_white(bytes, self.pos);
        match bytes.get(self.pos) {
            Some(b';' | b'#' | 0x80..) => self.skip_atmosphere_slow(depth),
            _ => Ok(()),
        }
    }

    #[inline(never)]
    fn skip_atmosphere_slow(&mut self, depth: usize) -> ReadResult<()> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => {
                    self.bump();
                    // Skip a run of ASCII white space at once.
                    let bytes = self.src.as_bytes();
                    while self.pos < bytes.len() && bytes[self.pos].is_ascii_whitespace() {
                        self.pos += 1;
                    }
                }
                Some(';') => {
                    self.pos = match self.src[self.pos..].find('\n') {
                        Some(i) => self.pos + i + 1,
                        None => self.src.len(),
                    };
                }
                Some('#') if self.peek2() == Some('|') => {
                    let start = self.pos;
                    self.pos += 2;
                    let mut level = 1;
                    loop {
                        if self.src[self.pos..].starts_with("|#") {
                            self.pos += 2;
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        } else if self.src[self.pos..].starts_with("#|") {
                            self.pos += 2;
                            level += 1;
                        } else if self.bump().is_none() {
                            return Err(err(
                                "unterminated block comment",
                                Span::new(start, start + 2),
                                Some("close the comment with `|#`"),
                            ));
                        }
                    }
                }
                Some('#') if self.peek2() == Some('!') => {
                    let start = self.pos;
                    match self.src[self.pos + 2..].find("!#") {
                        Some(i) => self.pos += 2 + i + 2,
                        None => {
                            return Err(err(
                                "unterminated `#!` comment",
                                Span::new(start, start + 2),
                                Some("close the comment with `!#`"),
                            ))
                        }
                    }
                }
                Some('#') if self.peek2() == Some(';') => {
                    let start = self.pos;
                    if depth >= MAX_NESTING {
                        return Err(Box::new(Diagnostic::new(
                            DiagnosticKind::Limit,
                            format!(
                                "datum comments `#;` nested more than {MAX_NESTING} levels deep"
                            ),
                            Some(Span::new(start, start + 2)),
                        )));
                    }
                    self.pos += 2;
                    self.skip_atmosphere(depth + 1)?;
                    if self.pos >= self.src.len() {
                        // The span is the `#;` itself: comments may follow it.
                        return Err(err(
                            "`#;` at the end of the file comments out nothing",
                            Span::new(start, start + 2),
                            None,
                        ));
                    }
                    self.read(depth + 1)?;
                }
                _ => return Ok(()),
            }
        }
    }

    fn read(&mut self, depth: usize) -> ReadResult<Syntax> {
        if depth > MAX_NESTING {
            return Err(Box::new(Diagnostic::new(
                DiagnosticKind::Limit,
                format!("data nested more than {MAX_NESTING} levels deep"),
                Some(Span::new(self.pos, self.pos + 1)),
            )));
        }
        self.skip_atmosphere(depth)?;
        let start = self.pos;
        let Some(&b) = self.src.as_bytes().get(start) else {
            return Err(err(
                "unexpected end of file",
                Span::new(start, start),
                Some("a datum was expected here"),
            ));
        };
        if b >= 0x80 {
            return self.read_atom(start);
        }
        self.pos += 1;
        match b {
            b'(' => self.read_list(start, ')', depth),
            b'[' => self.read_list(start, ']', depth),
            b')' | b']' => Err(err(
                format!("unexpected `{}`", b as char),
                Span::new(start, self.pos),
                Some("remove it, or add the missing `(` before it"),
            )),
            b'\'' => self.read_prefixed(QUOTE, start, depth),
            b'`' => self.read_prefixed(QUASIQUOTE, start, depth),
            b',' => {
                if self.src.as_bytes().get(self.pos) == Some(&b'@') {
                    self.pos += 1;
                    self.read_prefixed(UNQUOTE_SPLICING, start, depth)
                } else {
                    self.read_prefixed(UNQUOTE, start, depth)
                }
            }
            b'"' => self.read_string(start),
            b'#' => self.read_hash(start, depth),
            _ => {
                self.pos = start;
                self.read_atom(start)
            }
        }
    }

    fn read_prefixed(&mut self, name: Symbol, start: usize, depth: usize) -> ReadResult<Syntax> {
        let head_span = Span::new(start, self.pos);
        self.skip_atmosphere(depth + 1)?;
        if self.pos >= self.src.len() {
            return Err(err(
                format!(
                    "`{}` at the end of the file quotes nothing",
                    &self.src[start..head_span.end as usize]
                ),
                head_span,
                None,
            ));
        }
        let datum = self.read(depth + 1)?;
        let span = Span::new(start, datum.span.end as usize);
        let head = Syntax {
            kind: SyntaxKind::Ident(Ident::plain(name)),
            span: head_span,
        };
        let items: Rc<[Syntax]> = Rc::new([head, datum]);
        Ok(Syntax {
            kind: SyntaxKind::List(items, None),
            span,
        })
    }

    fn read_list(&mut self, start: usize, close: char, depth: usize) -> ReadResult<Syntax> {
        let base = self.items.len();
        let tail = self.read_items(start, close, depth)?;
        let items = self.take_items(base);
        Ok(Syntax {
            kind: SyntaxKind::List(items, tail),
            span: Span::new(start, self.pos),
        })
    }

    /// Move `self.items[base..]` into a new `Rc<[Syntax]>`: one allocation
    /// and one copy (collecting a `Drain` cost twice as much per list).
    /// Empty lists share one allocation.
    #[inline]
    fn take_items(&mut self, base: usize) -> Rc<[Syntax]> {
        let n = self.items.len() - base;
        if n == 0 {
            return self.empty.clone();
        }
        let mut rc = Rc::<[Syntax]>::new_uninit_slice(n);
        let dst = Rc::get_mut(&mut rc).expect("a new Rc is not shared");
        // SAFETY: the `n` initialised items from `base` on are copied into
        // the new slice, then the vector is shortened without dropping
        // them, so each item is owned exactly once; every element of the
        // slice is then initialised.
        unsafe {
            std::ptr::copy_nonoverlapping(
                self.items.as_ptr().add(base),
                dst.as_mut_ptr().cast::<Syntax>(),
                n,
            );
            self.items.set_len(base);
            rc.assume_init()
        }
    }

    /// Read a list's elements onto `self.items` up to its closing
    /// delimiter; returns the tail of a dotted list.  (On an error the
    /// elements read so far stay on `self.items`; the whole read fails.)
    fn read_items(
        &mut self,
        start: usize,
        close: char,
        depth: usize,
    ) -> ReadResult<Option<Rc<Syntax>>> {
        let base = self.items.len();
        self.open.push((start, base));
        let mut tail = None;
        let bytes = self.src.as_bytes();
        loop {
            // ASCII white space inline; comments and other white space in
            // `skip_atmosphere`.
            let here = skip_white(bytes, self.pos);
            self.pos = here;
            let Some(&b) = bytes.get(here) else {
                self.ended_open = true;
                return Err(err(
                    format!(
                        "unclosed `{}`: the file ends before its `{close}`",
                        &self.src[start..start + 1]
                    ),
                    Span::new(start, start + 1),
                    Some("add the missing closing parenthesis"),
                ));
            };
            if SYMBOL_START[b as usize] && depth < MAX_NESTING {
                // A symbol (the most common datum): its token up to the
                // next delimiter, without `read_atom`'s number checks.
                let name = self.read_token();
                self.items.push(Syntax {
                    kind: SyntaxKind::Ident(Ident::plain(Symbol::intern(name))),
                    span: Span::new(here, self.pos),
                });
                continue;
            }
            let item = match b {
                b';' | b'#' | 0x80.. if self.atmosphere_at(here) => {
                    self.skip_atmosphere(depth + 1)?;
                    continue;
                }
                b')' | b']' => {
                    self.pos += 1;
                    let c = b as char;
                    if c != close {
                        return Err(err(
                            format!(
                                "`{c}` closes a list opened with `{}`",
                                &self.src[start..start + 1]
                            ),
                            Span::new(here, self.pos),
                            Some(if close == ')' { "use `)`" } else { "use `]`" }),
                        ));
                    }
                    break;
                }
                b'.' if self.items.len() > base && self.delimited_after(here + 1) => {
                    self.pos += 1;
                    let t = self.read(depth + 1)?;
                    self.skip_atmosphere(depth + 1)?;
                    match self.bump() {
                        Some(c) if c == close => {
                            tail = Some(Rc::new(t));
                            break;
                        }
                        _ => {
                            return Err(err(
                                "a dotted list must have exactly one datum after the `.`",
                                Span::new(here, here + 1),
                                None,
                            ))
                        }
                    }
                }
                // Atoms and strings directly, without `read`'s dispatch
                // (the same steps, as the atmosphere is already skipped).
                _ if depth >= MAX_NESTING => self.read(depth + 1)?,
                b'"' => {
                    self.pos += 1;
                    self.read_string(here)?
                }
                b'(' | b'[' => {
                    self.pos += 1;
                    self.read_list(here, if b == b'(' { ')' } else { ']' }, depth + 1)?
                }
                b'\'' | b'`' | b',' | b'#' => self.read(depth + 1)?,
                _ => self.read_atom(here)?,
            };
            self.items.push(item);
        }
        self.open.pop();
        Ok(tail)
    }

    /// Whether `skip_atmosphere` has something to skip at `pos`, where
    /// there is a `;`, a `#` or a non-ASCII character (ASCII white space is
    /// already skipped): the comment forms of `skip_atmosphere_slow`, which
    /// this must list alike.  (Calling `skip_atmosphere_slow` to find out
    /// instead cost 1 400 wasm instructions per typical dish.)
    fn atmosphere_at(&self, pos: usize) -> bool {
        let bytes = self.src.as_bytes();
        match bytes[pos] {
            b';' => true,
            b'#' => matches!(bytes.get(pos + 1), Some(b'|' | b'!' | b';')),
            _ => self.src[pos..]
                .chars()
                .next()
                .is_some_and(char::is_whitespace),
        }
    }

    /// Whether the text at `pos` starts with a delimiter or is the end.
    fn delimited_after(&self, pos: usize) -> bool {
        self.src[pos..].chars().next().is_none_or(is_delimiter)
    }

    fn read_string(&mut self, start: usize) -> ReadResult<Syntax> {
        // The common case: no escape before the closing quote, one copy.
        let run = quote_or_backslash(&self.src.as_bytes()[self.pos..]);
        if self.src.as_bytes().get(self.pos + run) == Some(&b'"') {
            let s = self.src[self.pos..self.pos + run].to_string();
            self.pos += run + 1;
            let span = Span::new(start, self.pos);
            return Ok(Syntax {
                kind: SyntaxKind::Lit(Value::Str(Rc::new(crate::value::Str {
                    s,
                    span: Some(span),
                }))),
                span,
            });
        }
        let mut s = String::new();
        loop {
            // Copy the run up to the next quote or backslash in one go.
            let run = quote_or_backslash(&self.src.as_bytes()[self.pos..]);
            s.push_str(&self.src[self.pos..self.pos + run]);
            self.pos += run;
            let here = self.pos;
            let Some(c) = self.bump() else {
                return Err(err(
                    "unterminated string",
                    Span::new(start, start + 1),
                    Some("add the closing `\"`"),
                ));
            };
            match c {
                '"' => break,
                '\\' => {
                    let Some(e) = self.bump() else {
                        return Err(err(
                            "unterminated string",
                            Span::new(start, start + 1),
                            None,
                        ));
                    };
                    match e {
                        'n' => s.push('\n'),
                        't' => s.push('\t'),
                        'r' => s.push('\r'),
                        'a' => s.push('\u{7}'),
                        'b' => s.push('\u{8}'),
                        'f' => s.push('\u{c}'),
                        'v' => s.push('\u{b}'),
                        '0' => s.push('\0'),
                        'e' => s.push('\u{1b}'),
                        '\\' | '"' | '|' => s.push(e),
                        '\n' => {
                            // Line continuation: skip leading blanks of the next line.
                            while matches!(self.peek(), Some(' ' | '\t')) {
                                self.bump();
                            }
                        }
                        'x' | 'u' | 'U' => {
                            let c = self.read_hex_escape(e, here)?;
                            s.push(c);
                        }
                        other => {
                            return Err(err(
                                format!("unknown string escape `\\{other}`"),
                                Span::new(here, self.pos),
                                Some("write `\\\\` for a backslash"),
                            ))
                        }
                    }
                }
                c => s.push(c),
            }
        }
        let span = Span::new(start, self.pos);
        Ok(Syntax {
            kind: SyntaxKind::Lit(Value::Str(Rc::new(crate::value::Str {
                s,
                span: Some(span),
            }))),
            span,
        })
    }

    /// Guile's string hex escapes: `\xHH` (exactly two digits), `\uHHHH`
    /// and `\UHHHHHH`.
    fn read_hex_escape(&mut self, kind: char, here: usize) -> ReadResult<char> {
        let want = match kind {
            'x' => 2,
            'u' => 4,
            _ => 6,
        };
        let mut digits = String::new();
        while digits.len() < want {
            match self.peek() {
                Some(h) if h.is_ascii_hexdigit() => {
                    digits.push(h);
                    self.bump();
                }
                _ => break,
            }
        }
        if digits.len() != want {
            return Err(err(
                format!("`\\{kind}` must be followed by {want} hexadecimal digits"),
                Span::new(here, self.pos),
                Some("write e.g. `\\x41` for A, or `\\u03bb` for λ"),
            ));
        }
        u32::from_str_radix(&digits, 16)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| {
                err(
                    "this escape does not name a character",
                    Span::new(here, self.pos),
                    Some("surrogate code points (D800-DFFF) are not characters"),
                )
            })
    }

    #[inline]
    fn read_token(&mut self) -> &'a str {
        let start = self.pos;
        let rest = &self.src.as_bytes()[start..];
        // ASCII, not a delimiter: the common case, without decoding.
        let mut n = rest
            .iter()
            .position(|&b| BYTE_CLASS[b as usize] != 0)
            .unwrap_or(rest.len());
        if rest.get(n).is_some_and(|&b| b >= 0x80) {
            n += self.token_rest(start + n);
        }
        self.pos = start + n;
        &self.src[start..self.pos]
    }

    /// The length of the rest of a token from `pos`, where a non-ASCII
    /// character is.
    #[inline(never)]
    fn token_rest(&self, pos: usize) -> usize {
        let mut end = pos;
        let bytes = self.src.as_bytes();
        while let Some(&b) = bytes.get(end) {
            if b < 0x80 {
                if BYTE_CLASS[b as usize] & DELIMITER != 0 {
                    break;
                }
                end += 1;
            } else {
                match self.src[end..].chars().next() {
                    Some(c) if !c.is_whitespace() => end += c.len_utf8(),
                    _ => break,
                }
            }
        }
        end - pos
    }

    fn read_hash(&mut self, start: usize, depth: usize) -> ReadResult<Syntax> {
        let lit = |v: Value, end: usize| Syntax {
            kind: SyntaxKind::Lit(v),
            span: Span::new(start, end),
        };
        match self.peek() {
            Some('(') => {
                self.bump();
                let list = self.read_list(start, ')', depth)?;
                match list.kind {
                    SyntaxKind::List(items, None) => Ok(Syntax {
                        kind: SyntaxKind::Vector(items),
                        span: list.span,
                    }),
                    _ => Err(err("a vector cannot be a dotted list", list.span, None)),
                }
            }
            Some(':') => {
                self.bump();
                let name = self.read_token();
                if name.is_empty() {
                    return Err(err(
                        "`#:` must be followed by a keyword name",
                        Span::new(start, self.pos),
                        None,
                    ));
                }
                Ok(lit(Value::Keyword(Symbol::intern(name)), self.pos))
            }
            Some('\\') => {
                self.bump();
                let c = self.bump().ok_or_else(|| {
                    err(
                        "`#\\` at the end of the file",
                        Span::new(start, self.pos),
                        None,
                    )
                })?;
                let rest_start = self.pos;
                // A character name continues until a delimiter.
                let mut name = String::from(c);
                if !is_delimiter(c) || c == '(' {
                    name.push_str(self.read_token());
                }
                if name.chars().count() == 1 {
                    return Ok(lit(Value::Char(c), self.pos));
                }
                let _ = rest_start;
                match char_by_name(&name) {
                    Some(ch) => Ok(lit(Value::Char(ch), self.pos)),
                    None => Err(err(
                        format!("unknown character name `#\\{name}`"),
                        Span::new(start, self.pos),
                        Some("use a single character, a name such as `#\\space` or `#\\newline`, or `#\\xHH`"),
                    )),
                }
            }
            Some('{') => {
                self.bump();
                let body_start = self.pos;
                match self.src[self.pos..].find("}#") {
                    Some(i) => {
                        let name = &self.src[body_start..body_start + i];
                        self.pos = body_start + i + 2;
                        Ok(Syntax {
                            kind: SyntaxKind::Ident(Ident::plain(Symbol::intern(name))),
                            span: Span::new(start, self.pos),
                        })
                    }
                    None => Err(err(
                        "unterminated `#{...}#` symbol",
                        Span::new(start, start + 2),
                        None,
                    )),
                }
            }
            Some('.') => Err(err(
                "read-time evaluation `#.` is not allowed in a dish",
                Span::new(start, start + 2),
                Some("write the value itself; dishes are plain data plus the potluck bindings"),
            )),
            Some(c @ ('\'' | '`' | ',')) => Err(err(
                format!("syntax objects (`#{c}`) are not available in the potluck sandbox"),
                Span::new(start, start + 2),
                Some("use `syntax-rules` macros"),
            )),
            _ => {
                let tok = self.read_token();
                let end = self.pos;
                match tok {
                    "t" | "true" => Ok(lit(Value::Bool(true), end)),
                    "f" | "false" => Ok(lit(Value::Bool(false), end)),
                    _ => {
                        let text = &self.src[start..end];
                        if let Some(e) = num::exponent_out_of_range(text, 10) {
                            return Err(out_of_range(e, Span::new(start, end)));
                        }
                        if let Some(v) = num::parse_number(text, 10) {
                            return Ok(lit(v, end));
                        }
                        Err(err(
                            format!("`{text}` is not data the potluck reader accepts"),
                            Span::new(start, end.max(start + 1)),
                            Some("dishes may use lists, vectors, strings, characters, numbers, symbols, keywords and booleans"),
                        ))
                    }
                }
            }
        }
    }

    fn read_atom(&mut self, start: usize) -> ReadResult<Syntax> {
        let tok = self.read_token();
        let span = Span::new(start, self.pos);
        let Some(&first) = tok.as_bytes().first() else {
            // A lone delimiter we do not handle here; consume it to make progress.
            let c = self.bump().unwrap_or(' ');
            return Err(err(
                format!("unexpected `{c}`"),
                Span::new(start, self.pos),
                None,
            ));
        };
        // Only a token that starts like a number can be one.
        if starts_number(first) {
            if let Some(e) = num::exponent_out_of_range(tok, 10) {
                return Err(out_of_range(e, span));
            }
            if let Some(v) = num::parse_number(tok, 10) {
                return Ok(Syntax {
                    kind: SyntaxKind::Lit(v),
                    span,
                });
            }
            if tok == "." {
                return Err(err(
                    "unexpected `.`",
                    span,
                    Some("a `.` may only appear before the last datum of a list"),
                ));
            }
            if (first.is_ascii_digit()
                || ((first == b'+' || first == b'-')
                    && tok.len() > 1
                    && tok.as_bytes()[1].is_ascii_digit()))
                && (tok.ends_with('i') || tok.contains('@'))
            {
                return Err(err(
                    format!("complex number `{tok}` is not supported in the potluck sandbox"),
                    span,
                    None,
                ));
            }
        }
        Ok(Syntax {
            kind: SyntaxKind::Ident(Ident::plain(Symbol::intern(tok))),
            span,
        })
    }
}

/// Guile's character names (R7RS plus Guile's extras) and `xHH` hex escapes.
pub fn char_by_name(name: &str) -> Option<char> {
    let named = match name.to_ascii_lowercase().as_str() {
        "space" => Some(' '),
        "newline" | "linefeed" | "nl" => Some('\n'),
        "tab" => Some('\t'),
        "return" | "cr" => Some('\r'),
        "nul" | "null" => Some('\0'),
        "alarm" | "bel" => Some('\u{7}'),
        "backspace" | "bs" => Some('\u{8}'),
        "delete" | "del" | "rubout" => Some('\u{7f}'),
        "escape" | "esc" => Some('\u{1b}'),
        "page" | "ff" => Some('\u{c}'),
        "vtab" | "vt" => Some('\u{b}'),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    if let Some(hex) = name.strip_prefix('x') {
        if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
        }
    }
    // Octal escapes as Guile writes them (`#\001`).
    if name.len() == 3 && name.chars().all(|c| ('0'..='7').contains(&c)) {
        return u32::from_str_radix(name, 8).ok().and_then(char::from_u32);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(src: &str) -> String {
        match read_all(src) {
            Ok(data) => data
                .iter()
                .map(|s| crate::printer::write_string(&s.to_datum(1000).unwrap()))
                .collect::<Vec<_>>()
                .join(" | "),
            Err(d) => format!("ERR {}@{:?}", d.message, d.span.map(|s| (s.start, s.end))),
        }
    }

    #[test]
    fn reads_guile_data() {
        assert_eq!(show("(a . b)"), "(a . b)");
        assert_eq!(show("[1 2]"), "(1 2)");
        assert_eq!(show("#(1 \"x\" #\\a)"), "#(1 \"x\" #\\a)");
        assert_eq!(show("#:key #t #false #true"), "#:key | #t | #f | #t");
        assert_eq!(show("'a `(b ,c ,@d)"), "'a | `(b ,c ,@d)");
        assert_eq!(
            show("#\\space #\\x41 #\\( #\\λ"),
            "#\\space | #\\A | #\\( | #\\λ"
        );
        assert_eq!(show("\"a\\nb\\x41;\\\"\""), "\"a\\nbA;\\\"\"");
        assert_eq!(show("; c\n#| a #| nested |# |# x #;(ignored) y"), "x | y");
        assert_eq!(show("|a b| #{c d}#"), "|a | b| | c d");
        assert_eq!(
            show("-1.5 +5 1/2 - ... ->x"),
            "-1.5 | 5 | 1/2 | - | ... | ->x"
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        assert_eq!(
            show("(a b"),
            "ERR unclosed `(`: the file ends before its `)`@Some((0, 1))"
        );
        assert_eq!(
            show("a)"),
            "ERR unexpected `)` with no matching opening parenthesis@Some((1, 2))"
        );
        assert!(show("#.(system \"x\")").starts_with("ERR read-time evaluation"));
        assert!(show("#vu8(1 2)").starts_with("ERR `#vu8` is not data"));
        assert!(show("\"abc").starts_with("ERR unterminated string"));
        assert!(show("#\\bogus").starts_with("ERR unknown character name"));
        assert!(show("(a . b c)").starts_with("ERR a dotted list"));
        assert!(show("(1 ]").starts_with("ERR `]` closes"));
        // Found by fuzzing (fuzz/regressions/reader/datum-comment-at-eof):
        // the span was the last two bytes of the file, inside the `λ`.
        assert_eq!(
            show("x #;; λ"),
            "ERR `#;` at the end of the file comments out nothing@Some((2, 4))"
        );
    }

    /// A `)` missing in the middle of an indented dish is located by
    /// indentation (the list that swallowed the following lines), not
    /// reported at the top-level form's first line.
    #[test]
    fn a_missing_paren_is_located_by_indentation() {
        let dish = "(potluck-package\n  (name \"x\")\n  (version \"1.0\")\n  (source (potluck-source\n            (git-uri \"https://example.org/x\")\n            (git-commit \"0123\")))\n  (synopsis \"X\")\n  (home-page \"https://a.org\"\n  (description \"Y.\")\n  (license 'gpl3+))\n";
        let d = read_all(dish).unwrap_err();
        let open = dish.find("(home-page").unwrap();
        assert_eq!(d.span, Some(Span::new(open, open + 1)), "{}", d.message);
        assert_eq!(
            d.message,
            "unclosed `(`: the file ends inside the form opened on line 1, \
             and this `(` is probably the one missing its `)`"
        );
        assert_eq!(
            d.help.as_deref(),
            Some(
                "line 9 starts at this `(`'s indentation, as its sibling rather than \
                 inside it: add `)` at the end of line 8"
            )
        );
        // Missing in the middle of a nested form: the `source` clause.
        let dish = "(potluck-package\n  (name \"x\")\n  (source (potluck-source\n            (git-uri \"u\")\n            (sha256 \"h\"))\n  (synopsis \"X\")\n  (license 'gpl3+))\n";
        let d = read_all(dish).unwrap_err();
        let open = dish.find("(source").unwrap();
        assert_eq!(d.span, Some(Span::new(open, open + 1)), "{}", d.message);
        assert!(d.help.unwrap().ends_with("add `)` at the end of line 5"));
        // Missing at the very end, or unindented text: the outermost `(`.
        let d = read_all("(potluck-package\n  (name \"x\")\n  (license 'gpl3+)\n").unwrap_err();
        assert_eq!(d.span, Some(Span::new(0, 1)));
        assert_eq!(d.message, "unclosed `(`: the file ends before its `)`");
        let d = read_all("(a\n(b c)\n(d").unwrap_err();
        assert_eq!(d.span, Some(Span::new(0, 1)), "{}", d.message);
    }

    #[test]
    fn deep_nesting_is_a_limit_not_a_crash() {
        let src = "(".repeat(100_000);
        let e = read_all(&src).unwrap_err();
        assert_eq!(e.kind, DiagnosticKind::Limit);
    }

    /// Found by fuzzing (fuzz/regressions/reader/datum-comment-chain): a
    /// chain or a nest of `#;` recursed once per comment, past any bound,
    /// and overflowed the native stack.
    #[test]
    fn datum_comment_chains_are_a_limit_not_a_crash() {
        let chain = format!("{}x", "#;".repeat(100_000));
        let e = read_all(&chain).unwrap_err();
        assert_eq!(e.kind, DiagnosticKind::Limit);
        let nest = "(#;".repeat(100_000);
        assert_eq!(read_all(&nest).unwrap_err().kind, DiagnosticKind::Limit);
        assert_eq!(show("#;#;a b c"), "c");
        assert_eq!(show("(1 #;#;(2) 3 4)"), "(1 4)");
    }

    #[test]
    fn spans_cover_the_datum() {
        let data = read_all("  (name \"x\")").unwrap();
        assert_eq!(data[0].span, Span::new(2, 12));
        let items = data[0].list().unwrap();
        assert_eq!(items[1].span, Span::new(8, 11));
    }
}
