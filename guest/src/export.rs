//! The WebAssembly component export: a thin conversion between the WIT
//! contract (`wit/potluck.wit`) and this crate's types.

use crate::dish::{self, DatumNode};
use crate::span::{line_col, Span};

wit_bindgen::generate!({
    path: "../wit",
    world: "potluck-guest",
});

use exports::potluck::sandbox::dish as w;

struct Component;

fn span(s: Span) -> w::Span {
    w::Span {
        start: s.start,
        end: s.end,
    }
}

fn sstr(s: dish::Spanned<String>) -> w::SpannedString {
    w::SpannedString {
        value: s.value,
        span: span(s.span),
    }
}

fn datum(d: dish::Datum) -> w::Datum {
    w::Datum {
        nodes: d
            .nodes
            .into_iter()
            .map(|n| match n {
                DatumNode::Null => w::DatumNode::Null,
                DatumNode::Bool(b) => w::DatumNode::Boolean(b),
                DatumNode::Int(i) => w::DatumNode::Integer(i),
                DatumNode::BigInt(s) => w::DatumNode::BigInteger(s),
                DatumNode::Rational(s) => w::DatumNode::Rational(s),
                DatumNode::Real(f) => w::DatumNode::Real(f),
                DatumNode::Char(c) => w::DatumNode::Character(c),
                DatumNode::Str(s) => w::DatumNode::String(s),
                DatumNode::Sym(s) => w::DatumNode::Symbol(s),
                DatumNode::Keyword(s) => w::DatumNode::Keyword(s),
                DatumNode::Pair(a, b) => w::DatumNode::Pair((a, b)),
                DatumNode::Vector(v) => w::DatumNode::Vector(v),
                DatumNode::Unspecified => w::DatumNode::Unspecified,
            })
            .collect(),
    }
}

fn sdatum(d: dish::Spanned<dish::Datum>) -> w::SpannedDatum {
    w::SpannedDatum {
        value: datum(d.value),
        span: span(d.span),
    }
}

fn specs(l: dish::SpecList) -> w::SpecList {
    w::SpecList {
        items: l.items.into_iter().map(sstr).collect(),
        span: span(l.span),
    }
}

fn kind(k: crate::DiagnosticKind) -> w::DiagnosticKind {
    use crate::DiagnosticKind as K;
    match k {
        K::Syntax => w::DiagnosticKind::Syntax,
        K::UnboundVariable => w::DiagnosticKind::UnboundVariable,
        K::WrongType => w::DiagnosticKind::WrongType,
        K::Arity => w::DiagnosticKind::Arity,
        K::OutOfRange => w::DiagnosticKind::OutOfRange,
        K::UserError => w::DiagnosticKind::UserError,
        K::InvalidDish => w::DiagnosticKind::InvalidDish,
        K::Unsupported => w::DiagnosticKind::Unsupported,
        K::Limit => w::DiagnosticKind::Limit,
        K::Internal => w::DiagnosticKind::Internal,
    }
}

impl w::Guest for Component {
    fn evaluate(
        file: String,
        source: String,
        limits: w::Limits,
    ) -> Result<w::Package, Vec<w::Diagnostic>> {
        let limits = crate::Limits {
            max_steps: limits.max_steps,
            max_depth: limits.max_depth,
            max_alloc_bytes: limits.max_alloc_bytes,
            max_expansion: limits.max_expansion,
        };
        match crate::evaluate_once(&file, &source, limits) {
            Ok(d) => Ok(w::Package {
                name: sstr(d.name),
                version: sstr(d.version),
                source: w::Source {
                    git_uri: sstr(d.source.git_uri),
                    git_commit: sstr(d.source.git_commit),
                    sha256: sstr(d.source.sha256),
                    snippet: d.source.snippet.map(sdatum),
                    span: span(d.source.span),
                },
                build_system: sstr(d.build_system),
                arguments: sdatum(d.arguments),
                inputs: specs(d.inputs),
                native_inputs: specs(d.native_inputs),
                propagated_inputs: specs(d.propagated_inputs),
                synopsis: sstr(d.synopsis),
                description: sstr(d.description),
                license: sstr(d.license),
                home_page: sstr(d.home_page),
                span: span(d.span),
            }),
            Err(diags) => Err(diags
                .into_iter()
                .map(|d| {
                    let (line, column) = d.span.map_or((0, 0), |s| line_col(&source, s.start));
                    w::Diagnostic {
                        kind: kind(d.kind),
                        message: d.message,
                        help: d.help,
                        file: file.clone(),
                        line,
                        column,
                        span: d.span.map(span),
                    }
                })
                .collect()),
        }
    }

    fn bindings() -> Vec<String> {
        crate::binding_names()
            .iter()
            .map(|s| s.to_string())
            .collect()
    }
}

export!(Component);

/// The WASI functions Rust's standard library for `wasm32-wasip2` refers
/// to, defined here so that the linker resolves them inside the guest
/// instead of importing them: the component then imports nothing at all.
/// Only the panic path (printing the message, reading `RUST_BACKTRACE`,
/// exiting) can reach them, and a panic is a bug that ends the instance
/// anyway: each of them traps.  The host checks that the component has no
/// imports, so a toolchain that names these differently fails its tests
/// instead of silently granting WASI again.
mod no_wasi {
    macro_rules! trap {
        ($($name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?;)*) => {$(
            #[no_mangle]
            extern "C" fn $name($(_: $ty),*) $(-> $ret)? {
                core::arch::wasm32::unreachable()
            }
        )*};
    }
    trap! {
        __wasm_import_io_error_error_drop(a: i32);
        __wasm_import_poll_pollable_drop(a: i32);
        __wasm_import_streams_input_stream_drop(a: i32);
        __wasm_import_streams_output_stream_drop(a: i32);
        __wasm_import_terminal_input_terminal_input_drop(a: i32);
        __wasm_import_terminal_output_terminal_output_drop(a: i32);
        __wasm_import_environment_get_environment(a: i32);
        __wasm_import_exit_exit(a: i32);
        __wasm_import_poll_method_pollable_block(a: i32);
        __wasm_import_streams_method_output_stream_check_write(a: i32, b: i32);
        __wasm_import_streams_method_output_stream_write(a: i32, b: i32, c: i32, d: i32);
        __wasm_import_streams_method_output_stream_blocking_flush(a: i32, b: i32);
        __wasm_import_streams_method_output_stream_subscribe(a: i32) -> i32;
        __wasm_import_stdin_get_stdin() -> i32;
        __wasm_import_stdout_get_stdout() -> i32;
        __wasm_import_stderr_get_stderr() -> i32;
        __wasm_import_terminal_stdin_get_terminal_stdin(a: i32);
        __wasm_import_terminal_stdout_get_terminal_stdout(a: i32);
        __wasm_import_terminal_stderr_get_terminal_stderr(a: i32);
    }
}
