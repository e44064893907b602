//! The file-name bindings: `absolute-file-name?`, `file-name-separator?`,
//! `in-vicinity`, `basename` and `dirname`, on `/`-separated names.

use std::rc::Rc;

use num_bigint::BigInt;

use crate::bindings::{arg_char, arg_str};
use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::value::Value;

use super::{new_string, slice};

// ---------------------------------------------------------- file names

pub(super) fn absolute_file_name_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let s = arg_str("absolute-file-name?", 1, &args[0])?;
    Ok(Value::Bool(s.s.starts_with('/')))
}

pub(super) fn file_name_separator_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let c = arg_char("file-name-separator?", 1, &args[0])?;
    Ok(Value::Bool(c == '/'))
}

pub(super) fn in_vicinity(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let dir = arg_str("in-vicinity", 1, &args[0])?;
    let file = arg_str("in-vicinity", 2, &args[1])?;
    let sep = if dir.s.is_empty() || dir.s.ends_with('/') {
        ""
    } else {
        "/"
    };
    new_string(interp, dir.s.len() + file.s.len() + 1, || {
        format!("{}{}{}", dir.s, sep, file.s)
    })
}

/// Gnulib's `last_component`, as Guile 3.0.8's `basename` uses it: the
/// last component with its trailing slashes.  A name made only of slashes
/// gives "/" for one or two slashes and "" for more.
fn last_component(s: &str) -> &str {
    if !s.is_empty() && s.bytes().all(|b| b == b'/') {
        return if s.len() <= 2 { "/" } else { "" };
    }
    let trimmed = s.trim_start_matches('/');
    let mut base = 0;
    let mut saw_slash = false;
    for (i, b) in trimmed.bytes().enumerate() {
        if b == b'/' {
            saw_slash = true;
        } else if saw_slash {
            base = i;
            saw_slash = false;
        }
    }
    &trimmed[base..]
}

pub(super) fn basename(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let name = arg_str("basename", 1, &args[0])?;
    let last = last_component(&name.s);
    let mut res: &str = last;
    if let Some(sv) = args.get(1) {
        let suffix = arg_str("basename", 2, sv)?;
        if name.s.ends_with(suffix.s.as_str()) {
            let res_len = last.chars().count();
            let suf_len = suffix.char_len();
            if suf_len > res_len {
                // Guile computes a negative length as a size_t.
                let wrapped = u64::MAX - (suf_len - res_len) as u64 + 1;
                let v = Value::Big(Rc::new(BigInt::from(wrapped)));
                return Err(Exn::guile(
                    "out-of-range",
                    "",
                    "Value out of range: ~S",
                    vec![v.clone()],
                    Value::list([v]),
                ));
            }
            res = slice(last, 0, res_len - suf_len);
        }
    }
    new_string(interp, res.len(), || res.to_string())
}

pub(super) fn dirname(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let name = arg_str("dirname", 1, &args[0])?;
    let b = name.s.as_bytes();
    let mut i = b.len();
    while i > 0 && b[i - 1] == b'/' {
        i -= 1;
    }
    while i > 0 && b[i - 1] != b'/' {
        i -= 1;
    }
    while i > 0 && b[i - 1] == b'/' {
        i -= 1;
    }
    let res: &str = if i == 0 {
        if b.first() == Some(&b'/') {
            "/"
        } else {
            "."
        }
    } else {
        &name.s[..i]
    };
    new_string(interp, res.len(), || res.to_string())
}
