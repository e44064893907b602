//! `write` and `display` representations of values, as Guile prints them.
//! Used for error messages and `number->string`-like conversions; the
//! sandbox has no output port.

use std::fmt::Write as _;

use crate::num;
use crate::value::{write_char_literal, Value};

/// Nesting deeper than this prints as `...` (printing must never overflow
/// the interpreter's stack, whatever the dish built).
const MAX_PRINT_DEPTH: u32 = 200;
/// Output longer than this is cut with `...`.
const MAX_PRINT_LEN: usize = 4096;

pub fn write_string(v: &Value) -> String {
    let mut out = String::new();
    print(&mut out, v, true, MAX_PRINT_DEPTH);
    out
}

pub fn display_string(v: &Value) -> String {
    let mut out = String::new();
    print(&mut out, v, false, MAX_PRINT_DEPTH);
    out
}

pub fn write_string_literal(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:x};", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn print(out: &mut String, v: &Value, write: bool, depth: u32) {
    if out.len() > MAX_PRINT_LEN {
        return;
    }
    if depth == 0 {
        out.push_str("...");
        return;
    }
    match v {
        Value::Null => out.push_str("()"),
        Value::Bool(true) => out.push_str("#t"),
        Value::Bool(false) => out.push_str("#f"),
        Value::Int(_) | Value::Big(_) | Value::Rat(_) | Value::Real(_) => {
            out.push_str(&num::to_string(v, 10))
        }
        Value::Char(c) => {
            if write {
                write_char_literal(out, *c)
            } else {
                out.push(*c)
            }
        }
        Value::Str(s) => {
            if write {
                write_string_literal(out, &s.s)
            } else {
                out.push_str(&s.s)
            }
        }
        Value::Sym(s) => out.push_str(s.name()),
        Value::Keyword(s) => {
            out.push_str("#:");
            out.push_str(s.name());
        }
        Value::Pair(p) => {
            if let (Value::Sym(s), Value::Pair(rest)) = (&p.car, &p.cdr) {
                if matches!(rest.cdr, Value::Null) {
                    let prefix = match s.name() {
                        "quote" => Some("'"),
                        "quasiquote" => Some("`"),
                        "unquote" => Some(","),
                        "unquote-splicing" => Some(",@"),
                        _ => None,
                    };
                    if let Some(prefix) = prefix {
                        out.push_str(prefix);
                        print(out, &rest.car, write, depth - 1);
                        return;
                    }
                }
            }
            out.push('(');
            print(out, &p.car, write, depth - 1);
            let mut cur = &p.cdr;
            loop {
                if out.len() > MAX_PRINT_LEN {
                    out.push_str(" ...");
                    break;
                }
                match cur {
                    Value::Null => break,
                    Value::Pair(q) => {
                        out.push(' ');
                        print(out, &q.car, write, depth - 1);
                        cur = &q.cdr;
                    }
                    other => {
                        out.push_str(" . ");
                        print(out, other, write, depth - 1);
                        break;
                    }
                }
            }
            out.push(')');
        }
        Value::Vector(items) => {
            out.push_str("#(");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                if out.len() > MAX_PRINT_LEN {
                    out.push_str("...");
                    break;
                }
                print(out, item, write, depth - 1);
            }
            out.push(')');
        }
        Value::Prim(p) => {
            let _ = write!(out, "#<procedure {}>", p.name);
        }
        Value::Closure(c) => match c.name() {
            Some(n) => {
                let _ = write!(out, "#<procedure {}>", n.name());
            }
            None => out.push_str("#<procedure>"),
        },
        Value::Promise(_) => out.push_str("#<promise>"),
        Value::CharSet(_) => out.push_str("#<char-set>"),
        Value::CharSetCursor(_) => out.push_str("#<char-set-cursor>"),
        Value::Record(r) => {
            let _ = write!(out, "#<{}>", v.type_name());
            let _ = r;
        }
        Value::Values(vs) => {
            for (i, item) in vs.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                print(out, item, write, depth - 1);
            }
        }
        Value::Unspecified => out.push_str("#<unspecified>"),
        Value::Unassigned => out.push_str("#<unassigned>"),
    }
}
