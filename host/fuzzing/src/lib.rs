//! A development tool, not part of the product: fuzz bodies that go through
//! the host (`fuzz/fuzz_targets/boundary.rs` and `emit_roundtrip.rs`), with
//! their oracles, as ordinary code.  The same bodies run under libFuzzer
//! (`cargo +nightly fuzz run ... --features host`) and in the stable smoke
//! test `host/fuzzing/tests/smoke.rs`.  The emission oracle reads modules
//! back with the interpreter's own reader — a third reader, besides the
//! host's `lexpr` check and Guile — which only a dev-only crate may link.
//!
//! * [`boundary_body`]: bytes as a dish source through [`Sandbox::evaluate`]
//!   (wasmtime, the guest compiled to wasm) with small limits.  The host
//!   must return a dish or clean diagnostics — never panic, never an
//!   `internal` diagnostic (a guest panic, an unexpected trap or a malformed
//!   result), never a span outside the source — within its time bound.
//! * [`emit_roundtrip_body`]: an arbitrary dish record (hostile strings,
//!   symbols, data, inputs, module names, header comments) through
//!   [`emit::emit_module`]; when emission succeeds, the text read back with
//!   the guest's reader holds exactly the `define-module`, the dish label,
//!   the input helper and one `define-public`, only the fields the emitter
//!   writes, and every value equal to the record's.
//! * [`http_body`]: arbitrary requests through the host's router and
//!   arbitrary strings through its URL and branch checks (see [`http`]).

pub mod http;

pub use http::{http_body, HttpTarget};
pub use potluck_sandbox::Sandbox;

use std::rc::Rc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use potluck_dish::emit;
use potluck_dish::index::Index;
use potluck_dish::layout;
use potluck_dish::resolve::Resolved;
use potluck_dish::validate::ResolvedInputs;
use potluck_guest::reader::{read_all, Syntax, SyntaxKind};
use potluck_guest::value::{Symbol, Value};
use potluck_guest_fuzz::arbitrary::Unstructured;
use potluck_guest_fuzz::same_datum;
use potluck_sandbox::{Cache, Datum, Dish, Kind, Limits, Source, Span, Spanned, StringList};

// =================================================================== boundary

/// The limits the boundary target runs with: small, so that each input
/// ends quickly, but with the default stack and depth (they are calibrated
/// against each other).
pub fn fuzz_limits() -> Limits {
    Limits {
        fuel: 20_000_000,
        deadline: Duration::from_millis(1000),
        memory_bytes: 32 << 20,
        source_bytes: 64 << 10,
        output_bytes: 1 << 20,
        steps: 200_000,
        alloc_bytes: 8_000_000,
        expansion: 100_000,
        ..Limits::default()
    }
}

/// A sandbox with [`fuzz_limits`] (compiled without the on-disk cache).
pub fn fuzz_sandbox() -> Sandbox {
    Sandbox::new(fuzz_limits(), &Cache::Off, 1)
        .expect("the sandbox starts")
        .0
}

/// The boundary fuzz body: see the module documentation.
pub fn boundary_body(sandbox: &Sandbox, bytes: &[u8]) {
    // Dish files are read as UTF-8; anything else is refused before the
    // sandbox, so invalid bytes are replaced rather than skipped.
    let source = String::from_utf8_lossy(bytes);
    let source: &str = &source;
    let start = Instant::now();
    let result = sandbox.evaluate("fuzz.scm", source);
    let elapsed = start.elapsed();
    let bound = sandbox.limits().deadline + Duration::from_secs(5);
    assert!(
        elapsed <= bound,
        "evaluation took {elapsed:?}, past its {bound:?} bound; source {source:?}"
    );
    match result {
        Ok(dish) => check_dish(source, &dish),
        Err(diags) => {
            assert!(
                !diags.is_empty(),
                "a failure without a diagnostic; source {source:?}"
            );
            for d in &diags {
                assert!(
                    d.kind != Kind::Internal,
                    "internal diagnostic: {}\n{}\nsource {source:?}",
                    d.message,
                    d.notes.join("\n")
                );
                assert!(!d.message.trim().is_empty(), "an empty message");
                assert_eq!(d.file, "fuzz.scm");
                if let Some(s) = d.span {
                    check_span(source, s);
                }
                // Rendering must cope with whatever the dish holds.
                let _ = d.render(Some(source), false);
                let _ = d.render(Some(source), true);
            }
        }
    }
}

fn check_span(source: &str, s: Span) {
    assert!(
        s.start <= s.end && s.end <= source.len(),
        "span {s:?} outside a {}-byte source",
        source.len()
    );
    assert!(
        source.is_char_boundary(s.start) && source.is_char_boundary(s.end),
        "span {s:?} inside a character"
    );
}

fn check_dish(source: &str, d: &Dish) {
    for s in [
        &d.name,
        &d.version,
        &d.build_system,
        &d.synopsis,
        &d.description,
        &d.home_page,
        &d.source.git_uri,
        &d.source.git_commit,
        &d.source.sha256,
    ] {
        check_span(source, s.span);
    }
    check_span(source, d.arguments.span);
    check_span(source, d.source.span);
    check_span(source, d.span);
    if let Some(s) = &d.source.snippet {
        check_span(source, s.span);
    }
    for l in [
        &d.inputs,
        &d.native_inputs,
        &d.propagated_inputs,
        &d.licenses,
    ] {
        check_span(source, l.span);
        for i in &l.items {
            check_span(source, i.span);
        }
    }
}

// ============================================================== emission

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(Index::builtin)
}

/// `(module, variable)` of every package of the built-in index.
fn package_vars() -> &'static [(String, String)] {
    static VARS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    VARS.get_or_init(|| {
        index()
            .packages()
            .map(|p| (p.module.to_string(), p.variable.to_string()))
            .collect()
    })
}

/// Characters that have broken printers before: quotes, backslashes, line
/// and paragraph separators, controls, bidi and format characters, `#`, `;`,
/// parentheses.
const HOSTILE: &[char] = &[
    '"',
    '\\',
    '\n',
    '\r',
    '\t',
    '\0',
    '\u{7}',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    '\u{a0}',
    '\u{ad}',
    '\u{2028}',
    '\u{2029}',
    '\u{200e}',
    '\u{200f}',
    '\u{202e}',
    '\u{2066}',
    '\u{61c}',
    '\u{feff}',
    '\u{e000}',
    '\u{2060}',
    '\u{10ffff}',
    '(',
    ')',
    '[',
    ']',
    '#',
    ';',
    '|',
    '\'',
    '`',
    ',',
    '@',
    '.',
    ' ',
    'λ',
    'é',
    '😀',
    '\u{300}',
    'a',
    'Z',
    '0',
    '-',
    '+',
    ':',
    '/',
];

struct Gen<'a, 'b> {
    u: &'a mut Unstructured<'b>,
}

impl Gen<'_, '_> {
    fn pick(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.u.int_in_range(0..=n - 1).unwrap_or(0)
    }

    fn text(&mut self, max: usize) -> String {
        let n = self.pick(max + 1);
        let mut s = String::new();
        for _ in 0..n {
            let c = match self.pick(4) {
                0 | 1 => HOSTILE[self.pick(HOSTILE.len())],
                2 => char::from(b'a' + self.pick(26) as u8),
                _ => self.u.arbitrary::<char>().unwrap_or('x'),
            };
            s.push(c);
        }
        s
    }

    /// A name that is often, but not always, a valid symbol.
    fn name(&mut self) -> String {
        const NAMES: &[&str] = &[
            "hello",
            "guile-3.0",
            "0ad",
            "1+",
            "->x",
            "a.b",
            "%x",
            "x:y",
            "...",
            "+",
            "λ",
        ];
        match self.pick(4) {
            0 => self.text(12),
            _ => NAMES[self.pick(NAMES.len())].to_string(),
        }
    }

    fn string(&mut self) -> Spanned<String> {
        Spanned {
            value: self.text(40),
            span: Span { start: 0, end: 0 },
        }
    }

    fn datum(&mut self, depth: u32) -> Datum {
        let k = if depth == 0 {
            self.pick(10)
        } else {
            self.pick(12)
        };
        match k {
            0 => Datum::Null,
            1 => Datum::Bool(self.pick(2) == 0),
            2 => {
                let n = self.u.arbitrary::<i64>().unwrap_or(0);
                let s = match self.pick(4) {
                    0 => format!("{n}{}", self.u.arbitrary::<u64>().unwrap_or(0)),
                    1 => format!("00{}", n.unsigned_abs()),
                    _ => n.to_string(),
                };
                Datum::Integer(s)
            }
            3 => {
                let n = self.u.arbitrary::<i32>().unwrap_or(0);
                let d = 1 + u32::from(self.u.arbitrary::<u16>().unwrap_or(0));
                Datum::Rational(format!("{n}/{d}"))
            }
            4 => Datum::Real(f64::from_bits(self.u.arbitrary::<u64>().unwrap_or(0))),
            5 => Datum::Char(match self.pick(2) {
                0 => HOSTILE[self.pick(HOSTILE.len())],
                _ => self.u.arbitrary::<char>().unwrap_or('x'),
            }),
            6 => Datum::String(self.text(20)),
            7 => Datum::Symbol(self.name()),
            8 => Datum::Keyword(self.name()),
            9 => Datum::Unspecified,
            10 => {
                let n = 1 + self.pick(4);
                let items = (0..n).map(|_| self.datum(depth - 1)).collect();
                let tail = match self.pick(4) {
                    0 => Some(Box::new(self.datum(depth - 1))),
                    _ => None,
                };
                Datum::List(items, tail)
            }
            _ => {
                let n = self.pick(4);
                Datum::Vector((0..n).map(|_| self.datum(depth - 1)).collect())
            }
        }
    }

    fn resolved(&mut self) -> Resolved {
        let vars = package_vars();
        let (module, variable) = match self.pick(8) {
            0 => (format!("(gnu packages {})", self.name()), self.name()),
            _ => vars[self.pick(vars.len())].clone(),
        };
        let output = match self.pick(3) {
            0 => Some(match self.pick(2) {
                0 => "bin".to_string(),
                _ => self.text(8),
            }),
            _ => None,
        };
        Resolved {
            spec: self.text(10),
            name: String::new(),
            version: String::new(),
            module,
            variable,
            output,
            warning: None,
            ambiguous: Vec::new(),
        }
    }

    fn resolved_list(&mut self) -> Vec<Resolved> {
        let n = self.pick(4);
        (0..n).map(|_| self.resolved()).collect()
    }
}

/// The emission round-trip fuzz body: see the module documentation.
pub fn emit_roundtrip_body(bytes: &[u8]) {
    let mut u = Unstructured::new(bytes);
    let mut g = Gen { u: &mut u };
    let idx = index();
    let span = Span { start: 0, end: 0 };
    let build_system = match g.pick(8) {
        0 => g.name(),
        _ => idx.build_systems[g.pick(idx.build_systems.len())]
            .symbol
            .clone(),
    };
    let license = match g.pick(8) {
        0 => g.name(),
        _ => idx.licenses[g.pick(idx.licenses.len())].variable.clone(),
    };
    let name = match g.pick(3) {
        0 => g.text(12),
        _ => g.name(),
    };
    let snippet = match g.pick(3) {
        0 => Some(Spanned {
            value: g.datum(3),
            span,
        }),
        _ => None,
    };
    let arguments = match g.pick(3) {
        0 => Datum::Null,
        _ => g.datum(3),
    };
    let dish = Dish {
        file: "fuzz.scm".into(),
        name: Spanned { value: name, span },
        version: g.string(),
        source: Source {
            git_uri: g.string(),
            git_commit: g.string(),
            sha256: g.string(),
            snippet,
            span,
        },
        build_system: Spanned {
            value: build_system,
            span,
        },
        arguments: Spanned {
            value: arguments,
            span,
        },
        inputs: StringList {
            items: Vec::new(),
            span,
        },
        native_inputs: StringList {
            items: Vec::new(),
            span,
        },
        propagated_inputs: StringList {
            items: Vec::new(),
            span,
        },
        synopsis: g.string(),
        description: g.string(),
        licenses: StringList {
            items: (0..1 + g.pick(2))
                .map(|i| Spanned {
                    value: if i == 0 { license.clone() } else { g.name() },
                    span,
                })
                .collect(),
            span,
        },
        home_page: g.string(),
        span,
        discarded: Vec::new(),
    };
    let inputs = ResolvedInputs {
        inputs: g.resolved_list(),
        native_inputs: g.resolved_list(),
        propagated_inputs: g.resolved_list(),
    };
    let (repo, branch, stem) = (g.text(30), g.text(12), g.text(12));
    let module = layout::module_path(&repo, &branch, &stem);
    for part in &module.name {
        assert!(
            emit::valid_symbol(part),
            "module_path({repo:?}, {branch:?}, {stem:?}) made the invalid segment {part:?}"
        );
    }
    let mut header = String::new();
    for _ in 0..g.pick(4) {
        header.push_str(if g.pick(4) == 0 { "(x)\n" } else { ";; " });
        header.push_str(&g.text(40));
        header.push('\n');
    }
    let origin = g.text(30);
    let Ok(text) = emit::emit_module(&dish, &inputs, idx, &module, &header, &origin) else {
        // Refusing to emit (a name that is no symbol, an unknown build
        // system or license) is a clean outcome.
        return;
    };
    check_module(&text, &dish, &inputs, &module.name, &origin);
}

fn fail(text: &str, what: String) -> ! {
    panic!("emitted module: {what}\n--- module text ---\n{text}")
}

/// Characters that must never appear raw in an emitted module: controls
/// other than the newline and tab (kept raw in descriptions, as `guix
/// style` writes them), and the contract's hazards
/// (separators, bidi controls of "Trojan Source" (CVE-2021-42574), invisible
/// characters), which make a terminal or an editor show text in another
/// order than Guile reads it.
pub fn unsafe_in_module(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || potluck_contract::grammar::is_hazard(c)
}

/// The emitted `text` reads back as exactly the forms and values of `dish`.
fn check_module(text: &str, dish: &Dish, inputs: &ResolvedInputs, module: &[String], origin: &str) {
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| unsafe_in_module(c)) {
        fail(text, format!("raw {c:?} (U+{:04X}) at byte {i}", c as u32));
    }
    let forms =
        read_all(text).unwrap_or_else(|d| fail(text, format!("does not read back: {}", d.message)));
    if forms.len() != 4 {
        fail(text, format!("{} top-level forms, not 4", forms.len()));
    }
    // (define-module (gnu packages potluck ...) #:use-module ...)
    let dm = list(text, &forms[0]);
    expect_sym(text, &dm[0], "define-module");
    let names: Vec<String> = list(text, &dm[1]).iter().map(|s| sym(text, s)).collect();
    if names != module {
        fail(text, format!("module name {names:?}, not {module:?}"));
    }
    for (i, item) in dm[2..].iter().enumerate() {
        if i % 2 == 0 {
            expect_keyword(text, item, "use-module");
        }
    }
    // (define %potluck-dish ORIGIN)
    let label = list(text, &forms[1]);
    expect_sym(text, &label[0], "define");
    expect_sym(text, &label[1], "%potluck-dish");
    expect_string(text, &label[2], origin);
    // The input helper, exactly.
    let helper = read_all(emit::INPUT_HELPER).expect("the helper reads");
    let (got, want) = (
        forms[2]
            .to_datum(10_000)
            .unwrap_or_else(|| fail(text, "the helper is too deep".into())),
        helper[0].to_datum(10_000).expect("the helper converts"),
    );
    if !same_datum(&got, &want) {
        fail(text, "the input helper differs".into());
    }
    // (define-public potluck-NAME (package FIELD ...))
    let dp = list(text, &forms[3]);
    if dp.len() != 3 {
        fail(text, "define-public is not (define-public VAR EXPR)".into());
    }
    expect_sym(text, &dp[0], "define-public");
    if sym(text, &dp[1]) != format!("potluck-{}", dish.name.value) {
        fail(text, "the variable is not potluck-NAME".into());
    }
    let pkg = list(text, &dp[2]);
    expect_sym(text, &pkg[0], "package");
    let mut seen = Vec::new();
    for field in &pkg[1..] {
        let f = list(text, field);
        let head = sym(text, &f[0]);
        if f.len() != 2 {
            fail(
                text,
                format!("field {head} does not have exactly one value"),
            );
        }
        let v = &f[1];
        match head.as_str() {
            "name" => expect_string(text, v, &dish.name.value),
            "version" => expect_string(text, v, &dish.version.value),
            "home-page" => expect_string(text, v, &dish.home_page.value),
            "synopsis" => expect_string(text, v, &dish.synopsis.value),
            "description" => {
                let got = string_of(text, v);
                if got.replace('\n', " ") != dish.description.value.replace('\n', " ") {
                    fail(text, format!("the description reads back as {got:?}"));
                }
            }
            "source" => check_origin(text, v, dish),
            "build-system" => {
                let bs = index()
                    .build_system(&dish.build_system.value)
                    .expect("emitted, so known");
                expect_sym(text, v, &bs.variable);
            }
            "arguments" => expect_quoted(text, v, &dish.arguments.value),
            "inputs" => check_inputs(text, v, &inputs.inputs),
            "native-inputs" => check_inputs(text, v, &inputs.native_inputs),
            "propagated-inputs" => check_inputs(text, v, &inputs.propagated_inputs),
            "license" => {
                let names: Vec<String> = dish
                    .licenses
                    .items
                    .iter()
                    .map(|l| format!("license:{}", l.value))
                    .collect();
                match names.as_slice() {
                    [one] => expect_sym(text, v, one),
                    many => {
                        let l = list(text, v);
                        expect_sym(text, &l[0], "list");
                        let got: Vec<String> = l[1..].iter().map(|s| sym(text, s)).collect();
                        if got != many {
                            fail(text, format!("licenses {got:?}, not {many:?}"));
                        }
                    }
                }
            }
            other => fail(text, format!("unexpected field `{other}`")),
        }
        if seen.contains(&head) {
            fail(text, format!("field {head} appears twice"));
        }
        seen.push(head);
    }
    for required in [
        "name",
        "version",
        "source",
        "build-system",
        "home-page",
        "synopsis",
        "description",
        "license",
    ] {
        if !seen.iter().any(|s| s == required) {
            fail(text, format!("field {required} is missing"));
        }
    }
    if !matches!(dish.arguments.value, Datum::Null) && !seen.iter().any(|s| s == "arguments") {
        fail(text, "the arguments are missing".into());
    }
}

fn check_origin(text: &str, v: &Syntax, dish: &Dish) {
    let o = list(text, v);
    expect_sym(text, &o[0], "origin");
    let mut snippet_seen = false;
    for field in &o[1..] {
        let f = list(text, field);
        let head = sym(text, &f[0]);
        match head.as_str() {
            "method" => expect_sym(text, &f[1], "git-fetch"),
            "uri" => {
                let r = list(text, &f[1]);
                expect_sym(text, &r[0], "git-reference");
                let url = list(text, &r[1]);
                expect_sym(text, &url[0], "url");
                expect_string(text, &url[1], &dish.source.git_uri.value);
                let commit = list(text, &r[2]);
                expect_sym(text, &commit[0], "commit");
                expect_string(text, &commit[1], &dish.source.git_commit.value);
                if r.len() != 3 {
                    fail(text, "git-reference has extra fields".into());
                }
            }
            "file-name" => {
                let n = list(text, &f[1]);
                expect_sym(text, &n[0], "git-file-name");
                expect_sym(text, &n[1], "name");
                expect_sym(text, &n[2], "version");
            }
            "sha256" => {
                let b = list(text, &f[1]);
                expect_sym(text, &b[0], "base32");
                expect_string(text, &b[1], &dish.source.sha256.value);
            }
            "snippet" => {
                let Some(s) = &dish.source.snippet else {
                    fail(text, "a snippet the dish does not have".into());
                };
                expect_quoted(text, &f[1], &s.value);
                snippet_seen = true;
            }
            other => fail(text, format!("unexpected origin field `{other}`")),
        }
    }
    if dish.source.snippet.is_some() && !snippet_seen {
        fail(text, "the snippet is missing".into());
    }
}

fn check_inputs(text: &str, v: &Syntax, expected: &[Resolved]) {
    let l = list(text, v);
    expect_sym(text, &l[0], "list");
    if l.len() - 1 != expected.len() {
        fail(
            text,
            format!("{} inputs, not {}", l.len() - 1, expected.len()),
        );
    }
    for (item, r) in l[1..].iter().zip(expected) {
        // (potluck-input SPEC '(MODULE ...) VARIABLE)
        let call = list(text, item);
        expect_sym(text, &call[0], "potluck-input");
        expect_string(text, &call[1], &r.spec);
        let q = list(text, &call[2]);
        expect_sym(text, &q[0], "quote");
        let parts: Vec<String> = list(text, &q[1]).iter().map(|s| sym(text, s)).collect();
        if format!("({})", parts.join(" ")) != r.module {
            fail(text, format!("the module {parts:?}, not {}", r.module));
        }
        expect_string(text, &call[3], &r.variable);
    }
}

fn list<'s>(text: &str, s: &'s Syntax) -> &'s [Syntax] {
    match s.list() {
        Some(items) if !items.is_empty() => items,
        _ => fail(text, format!("expected a non-empty list at {:?}", s.span)),
    }
}

fn sym(text: &str, s: &Syntax) -> String {
    match s.ident() {
        Some(id) => id.sym.name().to_string(),
        None => fail(text, format!("expected a symbol at {:?}", s.span)),
    }
}

fn expect_sym(text: &str, s: &Syntax, name: &str) {
    let got = sym(text, s);
    if got != name {
        fail(text, format!("symbol `{got}`, expected `{name}`"));
    }
}

fn expect_keyword(text: &str, s: &Syntax, name: &str) {
    match &s.kind {
        SyntaxKind::Lit(Value::Keyword(k)) if k.is(name) => {}
        _ => fail(text, format!("expected #:{name} at {:?}", s.span)),
    }
}

fn string_of(text: &str, s: &Syntax) -> String {
    match &s.kind {
        SyntaxKind::Lit(Value::Str(got)) => got.s.clone(),
        _ => fail(text, format!("expected a string at {:?}", s.span)),
    }
}

fn expect_string(text: &str, s: &Syntax, value: &str) {
    match &s.kind {
        SyntaxKind::Lit(Value::Str(got)) if got.s == value => {}
        _ => fail(
            text,
            format!("expected the string {value:?} at {:?}", s.span),
        ),
    }
}

/// `'D` where `D` is `datum`.
fn expect_quoted(text: &str, s: &Syntax, datum: &Datum) {
    let q = list(text, s);
    expect_sym(text, &q[0], "quote");
    if q.len() != 2 {
        fail(text, "a quote of several data".into());
    }
    let got = q[1]
        .to_datum(10_000)
        .unwrap_or_else(|| fail(text, "quoted data too deep".into()));
    let want = datum_value(datum);
    if !same_datum(&got, &want) {
        fail(
            text,
            format!(
                "quoted data reads back as {}, not {}",
                potluck_guest::printer::write_string(&got),
                potluck_guest::printer::write_string(&want)
            ),
        );
    }
}

/// The value a quoted datum should read back as (only writable data is
/// emitted: no unspecified value, no fraction, integers of 64 bits).
fn datum_value(d: &Datum) -> Value {
    match d {
        Datum::Null => Value::Null,
        Datum::Bool(b) => Value::Bool(*b),
        Datum::Integer(s) => Value::Int(s.parse().expect("emitted, so 64 bits")),
        Datum::Rational(_) => unreachable!("fractions are never emitted"),
        Datum::Real(f) => Value::Real(*f),
        Datum::Char(c) => Value::Char(*c),
        Datum::String(s) => Value::string(s.clone()),
        Datum::Symbol(s) => Value::Sym(Symbol::intern(s)),
        Datum::Keyword(k) => Value::Keyword(Symbol::intern(k)),
        Datum::Unspecified => unreachable!("the unspecified value is never emitted"),
        Datum::List(items, tail) => Value::list_with_tail(
            items.iter().map(datum_value).collect::<Vec<_>>(),
            tail.as_deref().map_or(Value::Null, datum_value),
        ),
        Datum::Vector(items) => Value::Vector(Rc::new(items.iter().map(datum_value).collect())),
    }
}
