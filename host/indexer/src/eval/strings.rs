//! String and character procedures.
//!
//! Package names and versions are often computed with Guile's string
//! procedures: `string-map` (with a `match-lambda` over characters),
//! `string-downcase`, `string-replace-substring`, `substring`,
//! `string-filter` with a char-set, `string-join`, `string-split`,
//! `format #f` (`~a ~s ~d ~% ~~`, with a width and pad character for `~d`),
//! Guix's `downstream-package-name` and `version-prefix`, and
//! `regexp-substitute/global` when its regular expression is a sequence of
//! literal characters and bracket classes (the only kind Guix package
//! modules use; no regex engine is needed).  Indexes and lengths count
//! characters, as Guile does.  Every string built is charged to the fuel.

use std::rc::Rc;

use super::{CharSet, EResult, EvalError, Value, World};

/// The string procedures; those without an implementation are errors (they
/// still shadow module definitions, like every builtin).
const STRING_PROCS: &[&str] = &[
    "string-map",
    "string-downcase",
    "string-upcase",
    "string-titlecase",
    "char-downcase",
    "char-upcase",
    "string-replace-substring",
    "substring",
    "string-drop",
    "string-drop-right",
    "string-take-right",
    "string-filter",
    "string-delete",
    "char-set-complement",
    "char-set-contains?",
    "string-join",
    "string-concatenate",
    "string-split",
    "string-length",
    "string-index",
    "string-rindex",
    "string->list",
    "list->string",
    "string",
    "string-trim",
    "string-trim-right",
    "string-trim-both",
    "string->number",
    "symbol-append",
    "basename",
    "dirname",
    "regexp-substitute/global",
    "downstream-package-name",
    "version-prefix",
    "string-pad",
    "version-prefix?",
    "package-upstream-name*",
];

pub(super) fn is_string_proc(name: &str) -> bool {
    STRING_PROCS.contains(&name)
}

fn text(v: &Value) -> Result<&str, ()> {
    match v {
        Value::Str(s) => Ok(s),
        _ => Err(()),
    }
}

fn index(v: &Value) -> Result<usize, ()> {
    match v {
        Value::Int(i) => usize::try_from(*i).map_err(|_| ()),
        _ => Err(()),
    }
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

impl World<'_> {
    pub(super) fn apply_string_proc(&self, name: &str, vals: Vec<Value>) -> EResult {
        match self.string_proc(name, &vals) {
            Ok(Ok(Value::Str(s))) => {
                self.charge(s.len())?;
                Ok(Value::Str(s))
            }
            Ok(other) => other,
            Err(()) => Err(EvalError::BadArguments(name.to_string())),
        }
    }

    /// A character predicate: a char-set, a character or a procedure.
    fn char_matches(&self, pred: &Value, c: char) -> Result<bool, EvalError> {
        match pred {
            Value::CharSet(set) => Ok(set.contains(c)),
            Value::Char(x) => Ok(*x == c),
            f => Ok(!self.call_simple(f, vec![Value::Char(c)])?.is_false()),
        }
    }

    fn string_proc(&self, name: &str, vals: &[Value]) -> Result<EResult, ()> {
        let arg = |i: usize| vals.get(i).ok_or(());
        let s0 = || text(arg(0)?);
        Ok(Ok(match name {
            "string-map" => {
                let (f, s) = match (arg(0)?, arg(1)?) {
                    (Value::Str(s), f) | (f, Value::Str(s)) => (f, s),
                    _ => return Err(()),
                };
                let mut out = String::new();
                for c in s.chars() {
                    match self.call_simple(f, vec![Value::Char(c)]) {
                        Ok(Value::Char(r)) => out.push(r),
                        Ok(_) => return Err(()),
                        Err(e) => return Ok(Err(e)),
                    }
                }
                Value::Str(out)
            }
            "string-downcase" => Value::Str(s0()?.to_lowercase()),
            "string-upcase" => Value::Str(s0()?.to_uppercase()),
            "string-titlecase" => Value::Str(titlecase(s0()?)),
            "char-downcase" | "char-upcase" => match arg(0)? {
                Value::Char(c) => {
                    let mut mapped: Vec<char> = if name == "char-downcase" {
                        c.to_lowercase().collect()
                    } else {
                        c.to_uppercase().collect()
                    };
                    Value::Char(if mapped.len() == 1 {
                        mapped.remove(0)
                    } else {
                        *c
                    })
                }
                _ => return Err(()),
            },
            "string-replace-substring" => {
                let (s, from, to) = (s0()?, text(arg(1)?)?, text(arg(2)?)?);
                if from.is_empty() {
                    return Err(());
                }
                Value::Str(s.replace(from, to))
            }
            "substring" => {
                let s = chars(s0()?);
                let start = index(arg(1)?)?;
                let end = match vals.get(2) {
                    Some(e) => index(e)?,
                    None => s.len(),
                };
                if start > end || end > s.len() {
                    return Err(());
                }
                Value::Str(s[start..end].iter().collect())
            }
            "string-drop" | "string-drop-right" | "string-take-right" => {
                let s = chars(s0()?);
                let n = index(arg(1)?)?;
                if n > s.len() {
                    return Err(());
                }
                Value::Str(match name {
                    "string-drop" => s[n..].iter().collect(),
                    "string-drop-right" => s[..s.len() - n].iter().collect(),
                    _ => s[s.len() - n..].iter().collect(),
                })
            }
            "string-filter" | "string-delete" => {
                let (pred, s) = match (arg(0)?, arg(1)?) {
                    (Value::Str(s), pred) | (pred, Value::Str(s)) => (pred, s),
                    _ => return Err(()),
                };
                let keep = name == "string-filter";
                let mut out = String::new();
                for c in s.chars() {
                    match self.char_matches(pred, c) {
                        Ok(t) if t == keep => out.push(c),
                        Ok(_) => {}
                        Err(e) => return Ok(Err(e)),
                    }
                }
                Value::Str(out)
            }
            "char-set-complement" => match arg(0)? {
                Value::CharSet(set) => Value::CharSet(Rc::new(CharSet {
                    chars: set.chars.clone(),
                    complement: !set.complement,
                })),
                _ => return Err(()),
            },
            "char-set-contains?" => match (arg(0)?, arg(1)?) {
                (Value::CharSet(set), Value::Char(c)) => Value::Bool(set.contains(*c)),
                _ => return Err(()),
            },
            "string-join" => {
                let Value::List(items, None) = arg(0)? else {
                    return Err(());
                };
                let delimiter = match vals.get(1) {
                    Some(d) => text(d)?,
                    None => " ",
                };
                let parts = items.iter().map(text).collect::<Result<Vec<_>, _>>()?;
                Value::Str(parts.join(delimiter))
            }
            "string-concatenate" => {
                let Value::List(items, None) = arg(0)? else {
                    return Err(());
                };
                let parts = items.iter().map(text).collect::<Result<Vec<_>, _>>()?;
                Value::Str(parts.concat())
            }
            "string-split" => {
                let s = s0()?;
                let mut parts = Vec::new();
                let mut cur = String::new();
                for c in s.chars() {
                    let split = match arg(1)? {
                        Value::Char(x) => *x == c,
                        Value::CharSet(set) => set.contains(c),
                        _ => return Err(()),
                    };
                    if split {
                        parts.push(Value::Str(std::mem::take(&mut cur)));
                    } else {
                        cur.push(c);
                    }
                }
                parts.push(Value::Str(cur));
                Value::List(parts, None)
            }
            "string-length" => Value::Int(s0()?.chars().count() as i64),
            "string-index" | "string-rindex" => {
                let s = chars(s0()?);
                let mut found = None;
                for (i, &c) in s.iter().enumerate() {
                    let hit = match arg(1)? {
                        Value::Char(x) => *x == c,
                        Value::CharSet(set) => set.contains(c),
                        _ => return Err(()),
                    };
                    if hit {
                        found = Some(i);
                        if name == "string-index" {
                            break;
                        }
                    }
                }
                match found {
                    Some(i) => Value::Int(i as i64),
                    None => Value::Bool(false),
                }
            }
            "string->list" => Value::List(s0()?.chars().map(Value::Char).collect(), None),
            "list->string" => {
                let Value::List(items, None) = arg(0)? else {
                    return Err(());
                };
                let mut out = String::new();
                for item in items {
                    match item {
                        Value::Char(c) => out.push(*c),
                        _ => return Err(()),
                    }
                }
                Value::Str(out)
            }
            "string" => {
                let mut out = String::new();
                for v in vals {
                    match v {
                        Value::Char(c) => out.push(*c),
                        _ => return Err(()),
                    }
                }
                Value::Str(out)
            }
            "string-trim" | "string-trim-right" | "string-trim-both" => {
                let s = s0()?;
                let pred = vals.get(1);
                let trim = |c: char| match pred {
                    None => Ok(c.is_whitespace()),
                    Some(p) => self.char_matches(p, c),
                };
                let cs = chars(s);
                let mut start = 0;
                let mut end = cs.len();
                if name != "string-trim-right" {
                    while start < end {
                        match trim(cs[start]) {
                            Ok(true) => start += 1,
                            Ok(false) => break,
                            Err(e) => return Ok(Err(e)),
                        }
                    }
                }
                if name != "string-trim" {
                    while end > start {
                        match trim(cs[end - 1]) {
                            Ok(true) => end -= 1,
                            Ok(false) => break,
                            Err(e) => return Ok(Err(e)),
                        }
                    }
                }
                Value::Str(cs[start..end].iter().collect())
            }
            "string->number" => match s0()?.parse::<i64>() {
                Ok(n) => Value::Int(n),
                Err(_) => Value::Bool(false),
            },
            "symbol-append" => {
                let mut out = String::new();
                for v in vals {
                    match v {
                        Value::Sym(s) => out.push_str(s),
                        _ => return Err(()),
                    }
                }
                Value::Sym(out)
            }
            "basename" => {
                let s = s0()?;
                let trimmed = s.trim_end_matches('/');
                let base = match trimmed.rsplit_once('/') {
                    Some((_, b)) => b,
                    None if trimmed.is_empty() && !s.is_empty() => "/",
                    None => trimmed,
                };
                match vals.get(1) {
                    Some(suffix) => {
                        let suffix = text(suffix)?;
                        match base.strip_suffix(suffix) {
                            Some(b) if !b.is_empty() => Value::Str(b.to_string()),
                            _ => Value::Str(base.to_string()),
                        }
                    }
                    None => Value::Str(base.to_string()),
                }
            }
            "dirname" => {
                let s = s0()?.trim_end_matches('/');
                Value::Str(match s.rsplit_once('/') {
                    Some(("", _)) => "/".to_string(),
                    Some((d, _)) => d.to_string(),
                    None => ".".to_string(),
                })
            }
            "regexp-substitute/global" => {
                let [port, re, s, items @ ..] = vals else {
                    return Err(());
                };
                let (Value::Bool(false), Value::Str(re), Value::Str(s)) = (port, re, s) else {
                    return Ok(Err(unsupported_regexp()));
                };
                let replacement = match items {
                    [Value::Sym(pre), middle @ .., Value::Sym(post)]
                        if pre == "pre" && post == "post" =>
                    {
                        middle.iter().map(text).collect::<Result<String, _>>()
                    }
                    _ => return Ok(Err(unsupported_regexp())),
                };
                let Ok(replacement) = replacement else {
                    return Ok(Err(unsupported_regexp()));
                };
                let Some(pattern) = SimpleRegex::parse(re) else {
                    return Ok(Err(EvalError::Unsupported(format!(
                        "regular expression {re:?}"
                    ))));
                };
                Value::Str(pattern.replace_all(s, &replacement))
            }
            "downstream-package-name" => {
                let (prefix, name) = (s0()?, text(arg(1)?)?);
                let mut out = prefix.to_string();
                for c in name.chars() {
                    match c {
                        '_' | '.' => out.push('-'),
                        c => out.extend(c.to_lowercase()),
                    }
                }
                Value::Str(out)
            }
            "version-prefix" => {
                let (v, n) = (s0()?, index(arg(1)?)?);
                Value::Str(v.split('.').take(n).collect::<Vec<_>>().join("."))
            }
            _ => return Ok(Err(EvalError::Unsupported(name.to_string()))),
        }))
    }
}

fn unsupported_regexp() -> EvalError {
    EvalError::Unsupported("regexp-substitute/global form".into())
}

/// Upper-cases the first letter of each word, lower-cases the rest.
fn titlecase(s: &str) -> String {
    let mut out = String::new();
    let mut start = true;
    for c in s.chars() {
        if c.is_alphabetic() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = true;
        }
    }
    out
}

/// A regular expression made only of literal characters and bracket
/// classes (`[_/]`, `[^a-z]`).
struct SimpleRegex(Vec<Atom>);

enum Atom {
    Literal(char),
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Atom {
    fn matches(&self, c: char) -> bool {
        match self {
            Atom::Literal(x) => *x == c,
            Atom::Class { negated, ranges } => {
                ranges.iter().any(|(a, b)| (*a..=*b).contains(&c)) != *negated
            }
        }
    }
}

impl SimpleRegex {
    fn parse(re: &str) -> Option<SimpleRegex> {
        let cs = chars(re);
        let mut atoms = Vec::new();
        let mut i = 0;
        while i < cs.len() {
            match cs[i] {
                '[' => {
                    i += 1;
                    let negated = cs.get(i) == Some(&'^');
                    if negated {
                        i += 1;
                    }
                    let mut ranges = Vec::new();
                    let mut first = true;
                    loop {
                        let c = *cs.get(i)?;
                        if c == ']' && !first {
                            break;
                        }
                        first = false;
                        if cs.get(i + 1) == Some(&'-') && cs.get(i + 2).is_some_and(|&e| e != ']') {
                            ranges.push((c, cs[i + 2]));
                            i += 3;
                        } else {
                            ranges.push((c, c));
                            i += 1;
                        }
                    }
                    i += 1;
                    atoms.push(Atom::Class { negated, ranges });
                }
                '\\' => {
                    let c = *cs.get(i + 1)?;
                    if c.is_alphanumeric() {
                        return None;
                    }
                    atoms.push(Atom::Literal(c));
                    i += 2;
                }
                '.' | '*' | '+' | '?' | '(' | ')' | '|' | '{' | '}' | '^' | '$' | ']' => {
                    return None
                }
                c => {
                    atoms.push(Atom::Literal(c));
                    i += 1;
                }
            }
        }
        (!atoms.is_empty()).then_some(SimpleRegex(atoms))
    }

    fn replace_all(&self, s: &str, replacement: &str) -> String {
        let cs = chars(s);
        let n = self.0.len();
        let mut out = String::new();
        let mut i = 0;
        while i < cs.len() {
            if i + n <= cs.len() && self.0.iter().zip(&cs[i..i + n]).all(|(a, &c)| a.matches(c)) {
                out.push_str(replacement);
                i += n;
            } else {
                out.push(cs[i]);
                i += 1;
            }
        }
        out
    }
}

/// `(format #f FMT ARG...)`.
pub(super) fn format(fmt: &str, values: &[Value]) -> Result<String, EvalError> {
    let bad = |what: String| EvalError::Unsupported(what);
    let cs = chars(fmt);
    let mut out = String::new();
    let mut args = values.iter();
    let mut next = || {
        args.next()
            .ok_or_else(|| EvalError::BadArguments("format".into()))
    };
    let mut i = 0;
    while i < cs.len() {
        if cs[i] != '~' {
            out.push(cs[i]);
            i += 1;
            continue;
        }
        // Parameters: digits, commas and 'c pad characters.
        let mut j = i + 1;
        while j < cs.len() && (cs[j].is_ascii_digit() || cs[j] == ',' || cs[j] == '\'') {
            j += if cs[j] == '\'' { 2 } else { 1 };
        }
        let Some(directive) = cs.get(j).map(|c| c.to_ascii_lowercase()) else {
            return Err(bad("format directive at the end".into()));
        };
        let params: String = cs[i + 1..j.min(cs.len())].iter().collect();
        match directive {
            'a' => out.push_str(&display(next()?)?),
            's' => match next()? {
                Value::Str(s) => {
                    out.push('"');
                    out.push_str(&s.replace('\\', "\\\\").replace('"', "\\\""));
                    out.push('"');
                }
                v => out.push_str(&display(v)?),
            },
            'd' => {
                let s = match next()? {
                    Value::Int(n) => n.to_string(),
                    v => display(v)?,
                };
                let mut parts = params.splitn(2, ',');
                let width: usize = parts
                    .next()
                    .filter(|w| !w.is_empty())
                    .map(|w| w.parse().unwrap_or(0))
                    .unwrap_or(0);
                let pad = parts
                    .next()
                    .and_then(|p| p.strip_prefix('\''))
                    .and_then(|p| p.chars().next())
                    .unwrap_or(' ');
                let len = s.chars().count();
                if width > 4096 {
                    return Err(bad("format width".into()));
                }
                for _ in len..width {
                    out.push(pad);
                }
                out.push_str(&s);
            }
            '%' => out.push('\n'),
            '~' => out.push('~'),
            other => return Err(bad(format!("format directive ~{other}"))),
        }
        i = j + 1;
    }
    Ok(out)
}

/// `display` of a simple value.
fn display(v: &Value) -> Result<String, EvalError> {
    Ok(match v {
        Value::Str(s) => s.clone(),
        Value::Bool(true) => "#t".into(),
        Value::Bool(false) => "#f".into(),
        Value::Int(i) => i.to_string(),
        Value::Sym(s) => s.clone(),
        Value::Char(c) => c.to_string(),
        Value::Keyword(k) => format!("#:{k}"),
        other => {
            return Err(EvalError::Unsupported(format!(
                "format of {}",
                other.describe()
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_regexes() {
        let re = SimpleRegex::parse("[_/]").unwrap();
        assert_eq!(re.replace_all("ergodox_ez/base", "-"), "ergodox-ez-base");
        assert!(SimpleRegex::parse("a+").is_none());
        let re = SimpleRegex::parse("x[^0-9]").unwrap();
        assert_eq!(re.replace_all("x1xax", "_"), "x1_x");
    }

    #[test]
    fn format_directives() {
        let v = [
            Value::Str("a".into()),
            Value::Int(7),
            Value::Str("q".into()),
        ];
        assert_eq!(format("~a-~3,'0d-~s~%~~", &v).unwrap(), "a-007-\"q\"\n~");
        assert!(format("~y", &[]).is_err());
    }
}
