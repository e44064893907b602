//! Core procedures: application, multiple values, errors and exceptions,
//! and promises.

use std::cell::RefCell;
use std::rc::Rc;

use crate::bindings::{arg_int, arg_list, arg_proc, Prim};
use crate::diag::{Exn, Result, Thrown};
use crate::eval::{Dyn, Interp, Promise, PromiseState};
use crate::prim;
use crate::value::Value;

pub(crate) static APPLY: Prim = prim!("apply", 1, _, apply_unused);

pub(crate) const PRIMS: &[Prim] = &[
    prim!("values", 0, _, values),
    prim!("call-with-values", 2, 2, call_with_values),
    prim!("error", 1, _, error),
    prim!("throw", 1, _, throw),
    prim!("scm-error", 5, 5, scm_error),
    prim!("catch", 3, 4, catch),
    prim!("with-throw-handler", 3, 3, with_throw_handler),
    prim!("strerror", 1, 1, strerror),
    prim!("force", 1, 1, force),
    prim!("make-promise", 1, 1, make_promise),
    prim!("promise?", 1, 1, promise_p),
];

/// `apply` is dispatched by the evaluator itself (see `Interp::call_prim`);
/// this body is never reached.
fn apply_unused(_: &mut Interp, _: &[Value]) -> Result<Value> {
    Err(Exn::misc("apply", "internal error: apply called directly"))
}

/// Split `(apply f a b '(c d))`'s arguments into `f` and `(a b c d)`.
pub(crate) fn spread_apply_args(args: &[Value]) -> Result<(Value, Vec<Value>)> {
    let f = args[0].clone();
    let mut out: Vec<Value> = Vec::new();
    if args.len() > 1 {
        out.extend(args[1..args.len() - 1].iter().cloned());
        let last = &args[args.len() - 1];
        out.extend(arg_list("apply", args.len(), last)?);
    }
    Ok((f, out))
}

fn values(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(if args.len() == 1 {
        args[0].clone()
    } else {
        Value::Values(Rc::new(args.to_vec().into()))
    })
}

/// The argument checks of `call-with-values`, shared with the evaluator,
/// which runs the call itself so that the consumer's is a tail call.
pub(crate) fn check_call_with_values(args: &[Value]) -> Result<()> {
    arg_proc("call-with-values", 1, &args[0])?;
    arg_proc("call-with-values", 2, &args[1])
}

fn call_with_values(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    check_call_with_values(args)?;
    let produced = interp.apply(&args[0], Vec::new())?;
    let vals = match produced {
        Value::Values(vs) => (*vs).clone(),
        v => vec![v],
    };
    interp.apply(&args[1], vals)
}

/// `(error message irritant ...)`: throws `misc-error` with Guile's
/// arguments `(#f "~A ~S ..." (message irritant ...) #f)`.
fn error(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let mut fmt = String::from("~A");
    for _ in args.iter().skip(1) {
        fmt.push_str(" ~S");
    }
    Err(Exn::guile(
        "misc-error",
        "",
        &fmt,
        args.to_vec(),
        Value::Bool(false),
    ))
}

fn throw(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let Value::Sym(key) = &args[0] else {
        return Err(Exn::wrong_type("throw", 1, "symbol", &args[0]));
    };
    Err(Exn::Throw(Box::new(Thrown {
        key: *key,
        args: Value::list(args[1..].to_vec()),
        span: None,
        help: None,
        raised: false,
    })))
}

fn scm_error(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let mut all = args.to_vec();
    let rest = all.split_off(1);
    let _ = interp;
    all.extend(rest);
    throw(interp, &all)
}

fn key_matches(k: &Value, key: &Value) -> bool {
    matches!(k, Value::Bool(true)) || k.eq(key)
}

fn check_key(subr: &str, k: &Value) -> Result<()> {
    match k {
        Value::Sym(_) | Value::Bool(true) => Ok(()),
        _ => Err(Exn::wrong_type(subr, 1, "symbol or #t", k)),
    }
}

fn catch(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    check_key("catch", &args[0])?;
    arg_proc("catch", 2, &args[1])?;
    arg_proc("catch", 3, &args[2])?;
    let saved = interp.dynamic.len();
    interp.dynamic.push(Dyn::Catch(args[0].clone()));
    if let Some(pre) = args.get(3) {
        arg_proc("catch", 4, pre)?;
        interp
            .dynamic
            .push(Dyn::Handler(args[0].clone(), pre.clone()));
    }
    let r = interp.apply(&args[1], Vec::new());
    interp.dynamic.truncate(saved);
    match r {
        Err(Exn::Throw(t)) => {
            let t = match interp.raise(Exn::Throw(t)) {
                Exn::Throw(t) => t,
                other => return Err(other),
            };
            let key = Value::Sym(t.key);
            if key_matches(&args[0], &key) {
                let mut hargs = vec![key];
                hargs.extend(t.args.list_to_vec().unwrap_or_default());
                interp.apply(&args[2], hargs)
            } else {
                Err(Exn::Throw(t))
            }
        }
        other => other,
    }
}

fn with_throw_handler(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    check_key("with-throw-handler", &args[0])?;
    arg_proc("with-throw-handler", 2, &args[1])?;
    arg_proc("with-throw-handler", 3, &args[2])?;
    let saved = interp.dynamic.len();
    interp
        .dynamic
        .push(Dyn::Handler(args[0].clone(), args[2].clone()));
    let r = interp.apply(&args[1], Vec::new());
    let r = match r {
        Err(e) => Err(interp.raise(e)),
        ok => ok,
    };
    interp.dynamic.truncate(saved);
    r
}

/// Linux's messages for the common errno values, as `strerror` gives them.
const ERRNO: &[(i64, &str)] = &[
    (1, "Operation not permitted"),
    (2, "No such file or directory"),
    (3, "No such process"),
    (4, "Interrupted system call"),
    (5, "Input/output error"),
    (6, "No such device or address"),
    (7, "Argument list too long"),
    (8, "Exec format error"),
    (9, "Bad file descriptor"),
    (10, "No child processes"),
    (11, "Resource temporarily unavailable"),
    (12, "Cannot allocate memory"),
    (13, "Permission denied"),
    (14, "Bad address"),
    (15, "Block device required"),
    (16, "Device or resource busy"),
    (17, "File exists"),
    (18, "Invalid cross-device link"),
    (19, "No such device"),
    (20, "Not a directory"),
    (21, "Is a directory"),
    (22, "Invalid argument"),
    (23, "Too many open files in system"),
    (24, "Too many open files"),
    (25, "Inappropriate ioctl for device"),
    (26, "Text file busy"),
    (27, "File too large"),
    (28, "No space left on device"),
    (29, "Illegal seek"),
    (30, "Read-only file system"),
    (31, "Too many links"),
    (32, "Broken pipe"),
    (33, "Numerical argument out of domain"),
    (34, "Numerical result out of range"),
    (35, "Resource deadlock avoided"),
    (36, "File name too long"),
    (37, "No locks available"),
    (38, "Function not implemented"),
    (39, "Directory not empty"),
    (40, "Too many levels of symbolic links"),
    (110, "Connection timed out"),
    (111, "Connection refused"),
];

fn strerror(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let n = arg_int("strerror", 1, &args[0])?;
    Ok(match ERRNO.iter().find(|(e, _)| *e == n) {
        Some((_, m)) => Value::string(*m),
        None if n == 0 => Value::string("Success"),
        None => Value::string(format!("Unknown error {n}")),
    })
}

fn force(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    match &args[0] {
        Value::Promise(p) => interp.force(p),
        other => Err(Exn::wrong_type("force", 1, "promise", other)),
    }
}

/// Guile 3.0's `make-promise` takes a thunk, called when forced.
fn make_promise(_: &mut Interp, args: &[Value]) -> Result<Value> {
    arg_proc("make-promise", 1, &args[0])?;
    Ok(Value::Promise(Rc::new(Promise {
        state: RefCell::new(PromiseState::Thunk(args[0].clone())),
    })))
}

fn promise_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(matches!(args[0], Value::Promise(_))))
}
