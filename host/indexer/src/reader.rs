//! A tolerant reader of Guile source text.
//!
//! It turns a `.scm` file into a list of top-level [`Form`]s, each a
//! [`Datum`] tree with the 1-based line where it starts (every list also
//! records its own line).  It knows the syntax found in Guix sources: lists
//! (with `[]` as parentheses), dotted pairs, vectors, bytevectors and SRFI-4
//! vectors, strings with escapes, characters, numbers, symbols (including
//! `#{...}#`), keywords, booleans, `#nil`, the quote family, the syntax-quote
//! family, G-expressions (`#~ #$ #$@ #+ #+@`), and every comment style
//! (`;`, `#| |#` nested, `#;` datum comments, `#! !#`).  Unknown `#` syntax is
//! skipped with a warning instead of failing the file; only an unterminated
//! list, string or comment, or nesting deeper than [`MAX_DEPTH`], is an error.

use std::fmt;

use thiserror::Error;

/// Deepest nesting of lists and quote forms accepted.
pub const MAX_DEPTH: usize = 1000;

/// One datum of Guile source.
#[derive(Clone, Debug, PartialEq)]
pub enum Datum {
    /// A proper list `(a b c)`, or a dotted one `(a b . c)` when `tail` is set.
    List {
        items: Vec<Datum>,
        tail: Option<Box<Datum>>,
        line: u32,
    },
    Vector(Vec<Datum>),
    /// `#vu8(...)` and the SRFI-4 vectors (`#u8(...)`, `#f64(...)`, ...).
    Bytevector {
        kind: String,
        items: Vec<Datum>,
    },
    Str(String),
    Char(char),
    /// A number, kept as written (`42`, `-1.5e3`, `1/2`, `#x1F`).
    Number(String),
    Symbol(String),
    /// `#:name`, stored without the `#:` prefix.
    Keyword(String),
    Bool(bool),
    /// Guile's `#nil`.
    Nil,
}

impl Datum {
    /// A proper list made of `items`, at `line`.
    pub fn list(items: Vec<Datum>, line: u32) -> Datum {
        Datum::List {
            items,
            tail: None,
            line,
        }
    }

    /// The symbol name, if this is a symbol.
    pub fn as_symbol(&self) -> Option<&str> {
        match self {
            Datum::Symbol(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a proper list.
    pub fn as_list(&self) -> Option<&[Datum]> {
        match self {
            Datum::List {
                items, tail: None, ..
            } => Some(items),
            _ => None,
        }
    }

    /// The name of the head symbol of a proper, non-empty list.
    pub fn head(&self) -> Option<&str> {
        self.as_list()?.first()?.as_symbol()
    }

    /// The line of a list datum.
    pub fn line(&self) -> Option<u32> {
        match self {
            Datum::List { line, .. } => Some(*line),
            _ => None,
        }
    }
}

impl fmt::Display for Datum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Datum::List { items, tail, .. } => {
                write!(f, "(")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, " ")?;
                    }
                    write!(f, "{item}")?;
                }
                if let Some(tail) = tail {
                    write!(f, " . {tail}")?;
                }
                write!(f, ")")
            }
            Datum::Vector(items) => {
                write!(f, "#(")?;
                write_items(f, items)?;
                write!(f, ")")
            }
            Datum::Bytevector { kind, items } => {
                write!(f, "#{kind}(")?;
                write_items(f, items)?;
                write!(f, ")")
            }
            Datum::Str(s) => write!(f, "{s:?}"),
            Datum::Char(c) => write!(f, "#\\{c}"),
            Datum::Number(n) => write!(f, "{n}"),
            Datum::Symbol(s) => write!(f, "{s}"),
            Datum::Keyword(k) => write!(f, "#:{k}"),
            Datum::Bool(true) => write!(f, "#t"),
            Datum::Bool(false) => write!(f, "#f"),
            Datum::Nil => write!(f, "#nil"),
        }
    }
}

fn write_items(f: &mut fmt::Formatter<'_>, items: &[Datum]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            write!(f, " ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// A top-level form and the 1-based line where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub datum: Datum,
    pub line: u32,
}

/// The result of reading a whole file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadOutput {
    pub forms: Vec<Form>,
    /// Recoverable problems, each prefixed with `line N: `.
    pub warnings: Vec<String>,
}

/// Why a file could not be read at all.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ReadError {
    #[error("line {line}: unterminated {what} starting here")]
    Unterminated { what: &'static str, line: u32 },
    #[error("line {line}: nesting deeper than {MAX_DEPTH} levels")]
    TooDeep { line: u32 },
    #[error("line {line}: {message}")]
    Syntax { line: u32, message: String },
}

/// Reads every top-level form of `source`.
pub fn read_str(source: &str) -> Result<ReadOutput, ReadError> {
    let mut reader = Reader {
        chars: source.chars().collect(),
        pos: 0,
        line: 1,
        warnings: Vec::new(),
    };
    let mut forms = Vec::new();
    loop {
        reader.skip_atmosphere(0)?;
        if reader.peek().is_none() {
            break;
        }
        let line = reader.line;
        match reader.read_datum(0)? {
            Item::Datum(datum) => forms.push(Form { datum, line }),
            Item::Close(c) => {
                reader.warn(line, format!("unexpected `{c}` ignored"));
            }
            Item::Dot => reader.warn(line, "unexpected `.` ignored".to_string()),
            Item::Nothing => {}
        }
    }
    Ok(ReadOutput {
        forms,
        warnings: reader.warnings,
    })
}

/// Reads `bytes` as UTF-8 (invalid sequences replaced, with a warning).
pub fn read_bytes(bytes: &[u8]) -> Result<ReadOutput, ReadError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => read_str(s),
        Err(e) => {
            let text = String::from_utf8_lossy(bytes);
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u32;
            let mut out = read_str(&text)?;
            out.warnings
                .insert(0, format!("line {line}: invalid UTF-8 replaced"));
            Ok(out)
        }
    }
}

enum Item {
    Datum(Datum),
    Close(char),
    Dot,
    /// Something skipped (unknown `#` syntax).
    Nothing,
}

struct Reader {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    warnings: Vec<String>,
}

fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '"' | ';')
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn warn(&mut self, line: u32, message: String) {
        self.warnings.push(format!("line {line}: {message}"));
    }

    /// Skips whitespace and comments (not `#;`, which needs the reader).
    fn skip_atmosphere(&mut self, depth: usize) -> Result<(), ReadError> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some(';') => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                Some('#') if self.peek_at(1) == Some('|') => {
                    let line = self.line;
                    self.pos += 2;
                    let mut nesting = 1;
                    while nesting > 0 {
                        match self.bump() {
                            None => {
                                return Err(ReadError::Unterminated {
                                    what: "block comment `#|`",
                                    line,
                                })
                            }
                            Some('|') if self.peek() == Some('#') => {
                                self.bump();
                                nesting -= 1;
                            }
                            Some('#') if self.peek() == Some('|') => {
                                self.bump();
                                nesting += 1;
                            }
                            Some(_) => {}
                        }
                    }
                }
                Some('#') if self.peek_at(1) == Some(';') => {
                    let line = self.line;
                    self.pos += 2;
                    // Discard the next datum.
                    loop {
                        self.skip_atmosphere(depth)?;
                        if self.peek().is_none() {
                            return Err(ReadError::Unterminated {
                                what: "datum comment `#;`",
                                line,
                            });
                        }
                        match self.read_datum(depth + 1)? {
                            Item::Datum(_) => break,
                            Item::Nothing => continue,
                            Item::Close(c) => {
                                self.warn(line, format!("`#;` followed by `{c}`"));
                                // Put the closer back for the enclosing list.
                                self.pos -= 1;
                                break;
                            }
                            Item::Dot => break,
                        }
                    }
                }
                Some('#') if self.peek_at(1) == Some('!') => {
                    let line = self.line;
                    // Reader directives such as `#!fold-case`.
                    let mut word = String::new();
                    let mut i = 2;
                    while let Some(c) = self.peek_at(i) {
                        if is_delimiter(c) {
                            break;
                        }
                        word.push(c);
                        i += 1;
                    }
                    if matches!(
                        word.as_str(),
                        "fold-case"
                            | "no-fold-case"
                            | "r6rs"
                            | "r7rs"
                            | "curly-infix"
                            | "curly-infix-and-bracket-lists"
                    ) {
                        self.pos += i;
                        continue;
                    }
                    self.pos += 2;
                    loop {
                        match self.bump() {
                            None => {
                                return Err(ReadError::Unterminated {
                                    what: "`#!` comment",
                                    line,
                                })
                            }
                            Some('!') if self.peek() == Some('#') => {
                                self.bump();
                                break;
                            }
                            Some(_) => {}
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// Reads one item; atmosphere must already be skipped.
    fn read_datum(&mut self, depth: usize) -> Result<Item, ReadError> {
        let line = self.line;
        if depth > MAX_DEPTH {
            return Err(ReadError::TooDeep { line });
        }
        let Some(c) = self.peek() else {
            return Err(ReadError::Syntax {
                line,
                message: "unexpected end of file".into(),
            });
        };
        match c {
            '(' | '[' => {
                self.bump();
                self.read_list(line, depth).map(Item::Datum)
            }
            ')' | ']' => {
                self.bump();
                Ok(Item::Close(c))
            }
            '"' => {
                self.bump();
                self.read_string(line).map(|s| Item::Datum(Datum::Str(s)))
            }
            '\'' => self.read_prefixed(1, "quote", depth),
            '`' => self.read_prefixed(1, "quasiquote", depth),
            ',' => {
                if self.peek_at(1) == Some('@') {
                    self.read_prefixed(2, "unquote-splicing", depth)
                } else {
                    self.read_prefixed(1, "unquote", depth)
                }
            }
            '#' => self.read_hash(line, depth),
            _ => {
                let token = self.read_token();
                if token == "." {
                    return Ok(Item::Dot);
                }
                Ok(Item::Datum(atom(token)))
            }
        }
    }

    fn read_token(&mut self) -> String {
        let mut token = String::new();
        while let Some(c) = self.peek() {
            if is_delimiter(c) {
                break;
            }
            token.push(c);
            self.bump();
        }
        token
    }

    /// Reads `(symbol DATUM)` after skipping a prefix of `skip` characters.
    fn read_prefixed(
        &mut self,
        skip: usize,
        symbol: &str,
        depth: usize,
    ) -> Result<Item, ReadError> {
        let line = self.line;
        for _ in 0..skip {
            self.bump();
        }
        loop {
            self.skip_atmosphere(depth)?;
            if self.peek().is_none() {
                return Err(ReadError::Unterminated {
                    what: "quotation",
                    line,
                });
            }
            match self.read_datum(depth + 1)? {
                Item::Datum(d) => {
                    return Ok(Item::Datum(Datum::list(
                        vec![Datum::Symbol(symbol.to_string()), d],
                        line,
                    )))
                }
                Item::Nothing => continue,
                Item::Close(c) => {
                    return Err(ReadError::Syntax {
                        line,
                        message: format!("`{symbol}` prefix followed by `{c}`"),
                    })
                }
                Item::Dot => {
                    return Err(ReadError::Syntax {
                        line,
                        message: format!("`{symbol}` prefix followed by `.`"),
                    })
                }
            }
        }
    }

    /// Reads list items after the opening parenthesis.
    fn read_items(
        &mut self,
        line: u32,
        depth: usize,
    ) -> Result<(Vec<Datum>, Option<Datum>), ReadError> {
        let mut items = Vec::new();
        let mut tail = None;
        loop {
            self.skip_atmosphere(depth)?;
            if self.peek().is_none() {
                return Err(ReadError::Unterminated { what: "list", line });
            }
            let item_line = self.line;
            match self.read_datum(depth + 1)? {
                Item::Datum(d) => {
                    if tail.is_some() {
                        self.warn(item_line, "extra datum after dotted tail ignored".into());
                    } else {
                        items.push(d);
                    }
                }
                Item::Close(_) => return Ok((items, tail)),
                Item::Nothing => {}
                Item::Dot => {
                    if items.is_empty() || tail.is_some() {
                        self.warn(item_line, "misplaced `.` ignored".into());
                        continue;
                    }
                    self.skip_atmosphere(depth)?;
                    if self.peek().is_none() {
                        return Err(ReadError::Unterminated { what: "list", line });
                    }
                    match self.read_datum(depth + 1)? {
                        Item::Datum(d) => tail = Some(d),
                        Item::Close(_) => {
                            self.warn(item_line, "`.` without a tail ignored".into());
                            return Ok((items, tail));
                        }
                        Item::Dot | Item::Nothing => {
                            self.warn(item_line, "misplaced `.` ignored".into());
                        }
                    }
                }
            }
        }
    }

    fn read_list(&mut self, line: u32, depth: usize) -> Result<Datum, ReadError> {
        let (items, tail) = self.read_items(line, depth)?;
        Ok(Datum::List {
            items,
            tail: tail.map(Box::new),
            line,
        })
    }

    fn read_string(&mut self, line: u32) -> Result<String, ReadError> {
        let mut s = String::new();
        loop {
            let Some(c) = self.bump() else {
                return Err(ReadError::Unterminated {
                    what: "string",
                    line,
                });
            };
            match c {
                '"' => return Ok(s),
                '\\' => {
                    let esc_line = self.line;
                    let Some(e) = self.bump() else {
                        return Err(ReadError::Unterminated {
                            what: "string",
                            line,
                        });
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
                        // Guile accepts `\(` (for Emacs' sake), not `\)`.
                        '\\' | '"' | '|' | '\'' | '?' | '(' => s.push(e),
                        '\n' => {
                            // Line continuation: skip leading blanks.
                            while matches!(self.peek(), Some(' ' | '\t')) {
                                self.bump();
                            }
                        }
                        'x' | 'u' | 'U' => {
                            let max = match e {
                                'x' => 2,
                                'u' => 4,
                                _ => 6,
                            };
                            let mut digits = String::new();
                            while let Some(h) = self.peek() {
                                if h.is_ascii_hexdigit() && digits.len() < 8 {
                                    digits.push(h);
                                    self.bump();
                                } else {
                                    break;
                                }
                            }
                            // R6RS style `\x41;` takes all digits; Guile's
                            // `\xHH` takes exactly two.
                            if e == 'x' && self.peek() == Some(';') {
                                self.bump();
                            } else if digits.len() > max {
                                // Give back the extra digits.
                                let extra = digits.len() - max;
                                self.pos -= extra;
                                digits.truncate(max);
                            }
                            match u32::from_str_radix(&digits, 16)
                                .ok()
                                .and_then(char::from_u32)
                            {
                                Some(ch) => s.push(ch),
                                None => {
                                    self.warn(
                                        esc_line,
                                        format!("bad string escape `\\{e}{digits}` replaced"),
                                    );
                                    s.push('\u{fffd}');
                                }
                            }
                        }
                        other if other.is_whitespace() => {
                            // `\` followed by blanks then a newline.
                            while matches!(self.peek(), Some(' ' | '\t')) {
                                self.bump();
                            }
                            if self.peek() == Some('\n') {
                                self.bump();
                                while matches!(self.peek(), Some(' ' | '\t')) {
                                    self.bump();
                                }
                            }
                        }
                        other => {
                            self.warn(esc_line, format!("unknown string escape `\\{other}`"));
                            s.push(other);
                        }
                    }
                }
                _ => s.push(c),
            }
        }
    }

    fn read_hash(&mut self, line: u32, depth: usize) -> Result<Item, ReadError> {
        let next = self.peek_at(1);
        match next {
            Some('(') => {
                self.pos += 2;
                let (items, _) = self.read_items(line, depth)?;
                Ok(Item::Datum(Datum::Vector(items)))
            }
            Some('\'') => self.read_prefixed(2, "syntax", depth),
            Some('`') => self.read_prefixed(2, "quasisyntax", depth),
            Some(',') => {
                if self.peek_at(2) == Some('@') {
                    self.read_prefixed(3, "unsyntax-splicing", depth)
                } else {
                    self.read_prefixed(2, "unsyntax", depth)
                }
            }
            Some('~') => self.read_prefixed(2, "gexp", depth),
            Some('$') => {
                if self.peek_at(2) == Some('@') {
                    self.read_prefixed(3, "ungexp-splicing", depth)
                } else {
                    self.read_prefixed(2, "ungexp", depth)
                }
            }
            Some('+') => {
                if self.peek_at(2) == Some('@') {
                    self.read_prefixed(3, "ungexp-native-splicing", depth)
                } else {
                    self.read_prefixed(2, "ungexp-native", depth)
                }
            }
            Some(':') => {
                self.pos += 2;
                let name = self.read_token();
                Ok(Item::Datum(Datum::Keyword(name)))
            }
            Some('\\') => {
                self.pos += 2;
                self.read_char(line).map(Item::Datum)
            }
            Some('{') => {
                // Extended symbol `#{...}#`.
                self.pos += 2;
                let mut name = String::new();
                loop {
                    match self.bump() {
                        None => {
                            return Err(ReadError::Unterminated {
                                what: "symbol `#{`",
                                line,
                            })
                        }
                        Some('}') if self.peek() == Some('#') => {
                            self.bump();
                            return Ok(Item::Datum(Datum::Symbol(name)));
                        }
                        Some('\\') => {
                            if let Some(c) = self.bump() {
                                name.push(c);
                            }
                        }
                        Some(c) => name.push(c),
                    }
                }
            }
            _ => {
                self.pos += 1;
                let token = self.read_token();
                match token.as_str() {
                    "t" | "true" => return Ok(Item::Datum(Datum::Bool(true))),
                    "f" | "false" => return Ok(Item::Datum(Datum::Bool(false))),
                    "nil" => return Ok(Item::Datum(Datum::Nil)),
                    "vu8" | "u8" | "s8" | "u16" | "s16" | "u32" | "s32" | "u64" | "s64" | "f32"
                    | "f64" | "c32" | "c64"
                        if matches!(self.peek(), Some('(')) =>
                    {
                        self.bump();
                        let (items, _) = self.read_items(line, depth)?;
                        return Ok(Item::Datum(Datum::Bytevector { kind: token, items }));
                    }
                    _ => {}
                }
                let lower = token.to_ascii_lowercase();
                if lower.len() > 1
                    && matches!(lower.as_bytes()[0], b'x' | b'b' | b'o' | b'd' | b'e' | b'i')
                    && lower[1..]
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || "+-./#xobdi".contains(c))
                {
                    return Ok(Item::Datum(Datum::Number(format!("#{token}"))));
                }
                self.warn(line, format!("unknown syntax `#{token}` skipped"));
                Ok(Item::Nothing)
            }
        }
    }

    fn read_char(&mut self, line: u32) -> Result<Datum, ReadError> {
        let Some(first) = self.bump() else {
            return Err(ReadError::Unterminated {
                what: "character `#\\`",
                line,
            });
        };
        let mut name = String::from(first);
        while let Some(c) = self.peek() {
            if is_delimiter(c) {
                break;
            }
            name.push(c);
            self.bump();
        }
        if name.chars().count() == 1 {
            return Ok(Datum::Char(first));
        }
        let named = match name.as_str() {
            "space" => Some(' '),
            "newline" | "linefeed" | "nl" => Some('\n'),
            "tab" => Some('\t'),
            "return" => Some('\r'),
            "nul" | "null" => Some('\0'),
            "alarm" | "bel" => Some('\u{7}'),
            "backspace" | "bs" => Some('\u{8}'),
            "delete" | "del" | "rubout" => Some('\u{7f}'),
            "escape" | "esc" | "altmode" => Some('\u{1b}'),
            "page" | "ff" => Some('\u{c}'),
            "vtab" | "vt" => Some('\u{b}'),
            "eof" => Some('\u{ffff}'),
            _ => None,
        };
        if let Some(c) = named {
            return Ok(Datum::Char(c));
        }
        let code = if let Some(hex) = name.strip_prefix('x').or_else(|| name.strip_prefix("U+")) {
            u32::from_str_radix(hex, 16).ok()
        } else if name.chars().all(|c| c.is_digit(8)) {
            u32::from_str_radix(&name, 8).ok()
        } else {
            None
        };
        match code.and_then(char::from_u32) {
            Some(c) => Ok(Datum::Char(c)),
            None => {
                self.warn(line, format!("unknown character name `#\\{name}`"));
                Ok(Datum::Char('\u{fffd}'))
            }
        }
    }
}

/// Classifies a bare token as a number or a symbol.
fn atom(token: String) -> Datum {
    if is_number(&token) {
        Datum::Number(token)
    } else {
        Datum::Symbol(token)
    }
}

fn is_number(token: &str) -> bool {
    let t = token.strip_prefix(['+', '-']).unwrap_or(token);
    if t.is_empty() {
        return false;
    }
    if let Some((num, den)) = t.split_once('/') {
        return !num.is_empty()
            && !den.is_empty()
            && num.bytes().all(|b| b.is_ascii_digit())
            && den.bytes().all(|b| b.is_ascii_digit());
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let dots = mantissa.bytes().filter(|&b| b == b'.').count();
    if digits == 0 || dots > 1 || digits + dots != mantissa.len() {
        return false;
    }
    match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read1(s: &str) -> Datum {
        let out = read_str(s).unwrap();
        assert_eq!(out.forms.len(), 1, "{out:?}");
        out.forms.into_iter().next().unwrap().datum
    }

    fn sym(s: &str) -> Datum {
        Datum::Symbol(s.into())
    }

    #[test]
    fn atoms() {
        assert_eq!(read1("42"), Datum::Number("42".into()));
        assert_eq!(read1("-1.5e3"), Datum::Number("-1.5e3".into()));
        assert_eq!(read1("1/2"), Datum::Number("1/2".into()));
        assert_eq!(read1("#x1F"), Datum::Number("#x1F".into()));
        assert_eq!(read1("1+"), sym("1+"));
        assert_eq!(read1("..."), sym("..."));
        assert_eq!(read1("-"), sym("-"));
        assert_eq!(read1("#:key"), Datum::Keyword("key".into()));
        assert_eq!(read1("#t"), Datum::Bool(true));
        assert_eq!(read1("#true"), Datum::Bool(true));
        assert_eq!(read1("#f"), Datum::Bool(false));
        assert_eq!(read1("#false"), Datum::Bool(false));
        assert_eq!(read1("#nil"), Datum::Nil);
        assert_eq!(read1("#{foo bar}#"), sym("foo bar"));
    }

    #[test]
    fn chars() {
        assert_eq!(read1("#\\x"), Datum::Char('x'));
        assert_eq!(read1("#\\space"), Datum::Char(' '));
        assert_eq!(read1("#\\newline"), Datum::Char('\n'));
        assert_eq!(read1("#\\x41"), Datum::Char('A'));
        assert_eq!(read1("#\\("), Datum::Char('('));
        assert_eq!(read1("#\\)"), Datum::Char(')'));
        assert_eq!(read1("#\\;"), Datum::Char(';'));
        assert_eq!(read1("#\\λ"), Datum::Char('λ'));
        assert_eq!(read1("#\\101"), Datum::Char('A'));
        let out = read_str("(#\\( #\\))").unwrap();
        assert_eq!(
            out.forms[0].datum,
            Datum::list(vec![Datum::Char('('), Datum::Char(')')], 1)
        );
    }

    #[test]
    fn strings() {
        assert_eq!(
            read1(r#""a\n\t\"b\\ \x41;\x42c \u00e9""#),
            Datum::Str("a\n\t\"b\\ ABc é".into())
        );
        assert_eq!(
            read1("\"line \\\n     next\""),
            Datum::Str("line next".into())
        );
        assert_eq!(read1("\"multi\nline\""), Datum::Str("multi\nline".into()));
    }

    #[test]
    fn quotes_and_gexps() {
        let d = read1("#~(list #$output #$@flags #+gcc #'x #`y #,z #,@w 'a `b ,c ,@d)");
        assert_eq!(
            d.to_string(),
            "(gexp (list (ungexp output) (ungexp-splicing flags) (ungexp-native gcc) \
             (syntax x) (quasisyntax y) (unsyntax z) (unsyntax-splicing w) (quote a) \
             (quasiquote b) (unquote c) (unquote-splicing d)))"
        );
        assert_eq!(read1("#+@x").to_string(), "(ungexp-native-splicing x)");
    }

    #[test]
    fn lists_vectors_and_lines() {
        let out = read_str(
            "; c\n(a . b)\n#(1 2)\n#vu8(1 2)\n[x y]\n#|\n#| nested |#\n|#\n#;(ignored\n) z\n",
        )
        .unwrap();
        let lines: Vec<u32> = out.forms.iter().map(|f| f.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 10]);
        assert_eq!(out.forms[0].datum.to_string(), "(a . b)");
        assert_eq!(out.forms[1].datum.to_string(), "#(1 2)");
        assert_eq!(out.forms[2].datum.to_string(), "#vu8(1 2)");
        assert_eq!(out.forms[3].datum.to_string(), "(x y)");
        assert_eq!(out.forms[4].datum, sym("z"));
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    }

    #[test]
    fn shebang_and_directives() {
        let out = read_str("#!/usr/bin/guile \\\n-s\n!#\n#!fold-case\n(x)\n").unwrap();
        assert_eq!(out.forms.len(), 1);
        assert_eq!(out.forms[0].line, 5);
    }

    #[test]
    fn unknown_hash_syntax_is_a_warning() {
        let out = read_str("(a #&b c)\n(d)").unwrap();
        assert_eq!(out.forms.len(), 2);
        assert_eq!(out.forms[0].datum.to_string(), "(a c)");
        assert_eq!(out.warnings, vec!["line 1: unknown syntax `#&b` skipped"]);
    }

    #[test]
    fn hostile_input_never_panics() {
        assert!(matches!(
            read_str("(define x (foo"),
            Err(ReadError::Unterminated {
                what: "list",
                line: 1
            })
        ));
        assert!(matches!(
            read_str("\"abc"),
            Err(ReadError::Unterminated { .. })
        ));
        // Reading recurses: give deep input a stack like index_checkout's.
        std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(|| {
                let deep = "(".repeat(100_000);
                assert!(matches!(read_str(&deep), Err(ReadError::TooDeep { .. })));
                let deep_quotes = "'".repeat(100_000) + "x";
                assert!(matches!(
                    read_str(&deep_quotes),
                    Err(ReadError::TooDeep { .. })
                ));
                let ok = "(".repeat(900) + &")".repeat(900);
                assert_eq!(read_str(&ok).unwrap().forms.len(), 1);
            })
            .unwrap()
            .join()
            .unwrap();
        let out = read_str("#define x").unwrap();
        assert_eq!(
            out.forms,
            vec![Form {
                datum: sym("x"),
                line: 1
            }]
        );
        assert_eq!(
            out.warnings,
            vec!["line 1: unknown syntax `#define` skipped"]
        );
        let out = read_str(")) (a) ]").unwrap();
        assert_eq!(out.forms.len(), 1);
        assert_eq!(out.warnings.len(), 3);
        // Binary junk: whatever it reads, it must not panic.
        let mut junk = Vec::new();
        let mut x: u32 = 12345;
        for _ in 0..20_000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            junk.push((x >> 16) as u8);
        }
        let _ = read_bytes(&junk);
        for prefix in [
            "#", "#\\", "#:", "#{", "#|", "#!", "#;", "'", ",@", "#$@", "#vu8(", "(a .",
        ] {
            let _ = read_str(prefix);
        }
        let out = read_bytes(b"(a \xff\xfe b)").unwrap();
        assert_eq!(out.forms.len(), 1);
        assert_eq!(out.warnings, vec!["line 1: invalid UTF-8 replaced"]);
    }
}
