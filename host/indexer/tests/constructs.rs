//! One small Guix-style checkout per construct the indexer evaluates
//! (transformers, memoizing lambdas, control flow, properties, strings,
//! macros, records, `@` references, `gnu/build` modules, define-public with
//! a body, flag conventions), and hostile definitions that must end with a
//! warning, not a hang or a crash.

mod common;

use common::{flags_text, line_of, TempDir};
use potluck_index::{index_checkout, IndexData};

/// The header of a package module importing `imports`.
fn module(name: &str, imports: &str, body: &str) -> String {
    format!(
        "(define-module (gnu packages {name})\n  #:use-module (guix packages)\n{imports})\n\n{body}"
    )
}

/// Indexes a checkout made of `files` (path, contents).
fn index(files: &[(&str, &str)]) -> IndexData {
    let dir = TempDir::new("construct");
    for (path, text) in files {
        dir.write(path, text);
    }
    index_checkout(&dir.0).unwrap()
}

/// `name version variable flags` for each row, in index order.
fn rows(data: &IndexData) -> Vec<String> {
    data.packages
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r.name,
                r.version,
                r.variable,
                flags_text(&r.flags)
            )
        })
        .collect()
}

fn package_warnings(data: &IndexData) -> Vec<&String> {
    data.warnings
        .iter()
        .filter(|w| w.starts_with("gnu/"))
        .collect()
}

const HELLO: &str = r#"(define-public sbcl-alexandria
  (package
    (name "sbcl-alexandria")
    (version "1.4")))
"#;

#[test]
fn asdf_transformers_rename_and_keep_the_parent() {
    let body = format!(
        r#"{HELLO}
(define-public cl-alexandria
  (sbcl-package->cl-source-package sbcl-alexandria))

(define ecl-base (sbcl-package->ecl-package sbcl-alexandria))

(define-public ecl-alexandria
  (package
    (inherit ecl-base)
    (version "1.5")))

;; No double prefix: sbcl-clasp-X becomes clasp-X.
(define-public clasp-alexandria
  (sbcl-package->clasp-package
   (package (inherit sbcl-alexandria) (name "sbcl-clasp-alexandria"))))

(define-public cl-cl-foo
  (sbcl-package->cl-source-package
   (package (inherit sbcl-alexandria) (name "sbcl-cl-foo"))))
"#
    );
    let data = index(&[("gnu/packages/lisp-xyz.scm", &module("lisp-xyz", "", &body))]);
    assert_eq!(
        rows(&data),
        [
            "sbcl-alexandria 1.4 sbcl-alexandria -",
            "cl-alexandria 1.4 cl-alexandria name-computed,version-inherited,via=sbcl-package->cl-source-package",
            "ecl-alexandria 1.5 ecl-alexandria inherits=ecl-base,name-inherited",
            "clasp-alexandria 1.4 clasp-alexandria inherits=sbcl-alexandria,name-computed,version-inherited,via=sbcl-package->clasp-package",
            "cl-foo 1.4 cl-cl-foo inherits=sbcl-alexandria,name-computed,version-inherited,via=sbcl-package->cl-source-package",
        ]
    );
    assert!(package_warnings(&data).is_empty(), "{:?}", data.warnings);
}

#[test]
fn memoizing_lambdas_are_lambdas() {
    let body = r#"(define make-llvm
  (mlambda (version)
    (package
      (name "llvm")
      (version version))))

(define* make-tool
  (mlambdaq (name #:key (version "1"))
    (package (name name) (version version))))

(define (make-firmware name)
  (package (name (string-append "firmware-" name)) (version "2")))

(define make-firmware/memo (memoize make-firmware))

(define-public llvm-15 (make-llvm "15.0.7"))
(define-public tool (make-tool "tool" #:version "3"))
(define-public firmware-a (make-firmware/memo "a"))
"#;
    let data = index(&[("gnu/packages/llvm.scm", &module("llvm", "", body))]);
    assert_eq!(
        rows(&data),
        [
            "llvm 15.0.7 llvm-15 version-computed",
            "tool 3 tool name-computed,version-computed",
            "firmware-a 2 firmware-a name-computed,via=make-firmware",
        ]
    );
}

#[test]
fn control_flow_and_predicates() {
    let body = r#"(define* (make-gcc-toolchain gcc #:optional (libc #f))
  (package
    (inherit gcc)
    (name (if libc
              (string-append (package-name gcc) "-toolchain-with-libc")
              (string-append (package-name gcc) "-toolchain")))))

(define-public gcc
  (package (name "gcc") (version "14.3.0")))

(define-public gcc-toolchain (make-gcc-toolchain gcc))
(define-public gcc-toolchain/libc (make-gcc-toolchain gcc "glibc"))

(define (pick n)
  (cond ((zero? n) "zero")
        ((and (> n 1) (not (= n 5))) => (lambda (t) (if t "big" "never")))
        (else "other")))

(define (kind x)
  (case x
    ((a b) "ab")
    (else "else")))

(define (shape v)
  (match v
    (("x" . rest) (string-append "x+" (number->string (length rest))))
    ((? string? s) s)
    ((or 1 2) "one-or-two")
    (_ "any")))

(define-public picks
  (package
    (name (string-append (pick 0) "-" (pick 7) "-" (pick 5) "-" (kind 'b)
                         "-" (shape '("x" 1 2)) "-" (shape "s") "-" (shape 2)))
    (version (cond ((target-x86-64?) "x86-64")
                   (else "other")))))

(define-public arch
  (package
    (name (if (target-aarch64? "aarch64-linux-gnu") "arm-yes" "arm-no"))
    (version (if (or (%current-target-system) (target-mingw?)) "cross" "native"))))

(define base
  (package
    (name #f)
    (version "48.7")
    (properties '((hidden? . #t)))))

(define-public meta-core
  (package (inherit base) (name "meta-core")))

(define-public unnamed (package (inherit base)))

(define-public unknown-test
  (package
    (name (if (some-unknown-thing) "a" "b"))
    (version "1")))
"#;
    let data = index(&[(
        "gnu/packages/commencement.scm",
        &module("commencement", "", body),
    )]);
    assert_eq!(
        rows(&data),
        [
            "gcc 14.3.0 gcc -",
            "gcc-toolchain 14.3.0 gcc-toolchain inherits=gcc,name-computed,version-inherited,via=make-gcc-toolchain",
            "gcc-toolchain-with-libc 14.3.0 gcc-toolchain/libc inherits=gcc,name-computed,version-inherited,via=make-gcc-toolchain",
            "zero-big-other-ab-x+2-s-one-or-two x86-64 picks name-computed,version-computed",
            "arm-yes native arch name-computed,version-computed",
            "meta-core 48.7 meta-core hidden,inherits=base,version-inherited",
        ]
    );
    let warnings = package_warnings(&data);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("`unnamed` skipped: its name is #f"));
    assert!(warnings[1]
        .contains("`unknown-test` skipped: unsupported procedure or syntax `some-unknown-thing`"));
}

#[test]
fn properties_are_visible_to_later_fields() {
    let body = r#"(define %versions '(("AMD" . "3.3.3") ("CAMD" . "3.3.4")))

(define-public amd
  (package
    (name "amd")
    (version (assoc-ref %versions "AMD"))))

(define-public cube
  (package
    (name "cube")
    (properties '((revision . "2") (commit . "0123456789")))
    (version (git-version "0.1.0" (assoc-ref properties 'revision)
                          (assq-ref properties 'commit)))))

(define-public bootstrap
  (package
    (name "ghc-bootstrap")
    (version "9.2")
    (properties '((hidden? #t)))))

(define-public superseding
  (package
    (name "old")
    (version "1")
    (properties `((superseded . ,amd)))))
"#;
    let data = index(&[("gnu/packages/maths.scm", &module("maths", "", body))]);
    assert_eq!(
        rows(&data),
        [
            "amd 3.3.3 amd version-computed",
            "cube 0.1.0-2.0123456 cube version-computed",
            "ghc-bootstrap 9.2 bootstrap hidden",
            "old 1 superseding deprecated,superseded-by=amd",
        ]
    );
}

#[test]
fn string_procedures_and_char_sets() {
    let body = r#"(define (dict-name code)
  (string-append "aspell-dict-"
                 (string-map (match-lambda
                               (#\_ #\-)
                               (chr chr))
                             (string-downcase code))))

(define-public aspell-dict-pt-br
  (package (name (dict-name "pt_BR")) (version "1")))

(define-public filtered
  (package
    (name (string-filter (char-set-complement (char-set #\_)) "fil_te_red"))
    (version (substring "v12.3.4" 1 5))))

(define-public formatted
  (package
    (name (format #f "fmt-~a-~d" "x" 7))
    (version (simple-format #f "~a.~a" 1 (string-length "abc")))))

(define-public downstream
  (package
    (name (downstream-package-name "python-" "Foo_Bar.baz"))
    (version (string-replace-substring "1_2_3" "_" "."))))

(define-public keyboard
  (package
    (name (string-append "qmk-"
                         (regexp-substitute/global #f "[_/]" "ergodox_ez/base"
                                                   'pre "-" 'post)))
    (version (string-join (string-split "1-2-3" #\-) "."))))

(define-public dropped
  (package
    (name (string-drop "xxname" 2))
    (version (string-take-right "v-1.0" 3))))
"#;
    let data = index(&[("gnu/packages/aspell.scm", &module("aspell", "", body))]);
    assert_eq!(
        rows(&data),
        [
            "aspell-dict-pt-br 1 aspell-dict-pt-br name-computed",
            "filtered 12.3 filtered name-computed,version-computed",
            "fmt-x-7 1.3 formatted name-computed,version-computed",
            "python-foo-bar-baz 1.2.3 downstream name-computed,version-computed",
            "qmk-ergodox-ez-base 1.2.3 keyboard name-computed,version-computed",
            "name 1.0 dropped name-computed,version-computed",
        ]
    );
}

#[test]
fn other_guix_transformers() {
    let body = r#"(define-public guile-json
  (package (name "guile-json") (version "4.7")))

(define-public ocaml-eio
  (package (name "ocaml-eio") (version "0.8")))

(define-public python-six
  (package (name "python-six") (version "1.16")))

(define package-for-guile-2.0
  (package-input-rewriting `((,guile-json . ,guile-json))
                           (cut string-append "unused" <>)
                           #:deep? #f))

(define package-for-guile-2.2
  (package-input-rewriting `((,guile-json . ,guile-json))
                           (lambda (name)
                             (if (string-prefix? "guile-" name)
                                 (string-append "guile2.2-"
                                                (string-drop name (string-length "guile-")))
                                 name))))

(define-public guile2.2-json (package-for-guile-2.2 guile-json))

(define with-openmpi
  (package-mapping
   (lambda (p)
     (package (inherit p) (name (string-append (package-name p) "-openmpi"))))))

(define-public guile-json-openmpi (with-openmpi guile-json))
(define-public ocaml5.0-eio (package-with-ocaml5.0 ocaml-eio))
(define-public python2-six (package-with-python2 python-six))
(define-public guile-json/static (static-package guile-json))
(define-public guile-json/explicit (package-with-explicit-inputs guile-json '()))
(define-public guile-json/identity
  ((package-with-explicit-inputs '()) guile-json))
"#;
    let data = index(&[("gnu/packages/guile.scm", &module("guile", "", body))]);
    assert_eq!(
        rows(&data),
        [
            "guile-json 4.7 guile-json -",
            "ocaml-eio 0.8 ocaml-eio -",
            "python-six 1.16 python-six -",
            "guile2.2-json 4.7 guile2.2-json name-computed,version-inherited,via=package-input-rewriting",
            "guile-json-openmpi 4.7 guile-json-openmpi inherits=p,name-computed,version-inherited",
            "ocaml5.0-eio 0.8 ocaml5.0-eio name-computed,version-inherited,via=package-with-ocaml5.0",
            "python2-six 1.16 python2-six name-computed,version-inherited,via=package-with-python2",
            "guile-json 4.7 guile-json/static name-inherited,version-inherited,via=static-package",
            "guile-json 4.7 guile-json/explicit -",
            "guile-json 4.7 guile-json/identity -",
        ]
    );
}

#[test]
fn module_macros_are_expanded() {
    let body = r#"(define* (make-header-package name version #:optional (description ""))
  (package (name name) (version version)))

(define-syntax define-header-package
  (syntax-rules (description)
    ((_ symbol name version (description text) rest ...)
     (define-public symbol
       (make-header-package name version text rest ...)))))

(define-header-package stb-image
  "stb-image" "2.30"
  (description "Image loader."))

(define-syntax make-jdk
  (lambda (x)
    (syntax-case x ()
      ((_ bootstrap version* field ...)
       (with-syntax ((base (datum->syntax x 'base)))
         #'(let ((base (package
                         (inherit bootstrap)
                         (name "openjdk")
                         (version version*))))
             (package
               (inherit base)
               field ...)))))))

(define-public jdk11 (package (name "openjdk") (version "11.0")))

(define-public jdk12
  (make-jdk jdk11 "12.33"
    (name (string-append (package-name base) "-next"))))

(define-syntax-rule (twice x) (string-append x x))

(define-public doubled (package (name (twice "ab")) (version "1")))

(define-public %pkg-config (package (name "pkg-config") (version "0.29.2")))

(define (pkg-config-for-target target)
  (if target (error "cross") %pkg-config))

(define-syntax pkg-config
  (identifier-syntax (pkg-config-for-target (%current-target-system))))

(define-public pkg-config-copy (package (inherit pkg-config) (version "1")))
"#;
    let text = module("stb", "  #:export (pkg-config)\n", body);
    let data = index(&[("gnu/packages/stb.scm", &text)]);
    let line = |needle| line_of(&text, needle);
    assert_eq!(
        rows(&data),
        [
            "stb-image 2.30 stb-image name-computed,version-computed,via=make-header-package",
            "openjdk 11.0 jdk11 -",
            "openjdk-next 12.33 jdk12 inherits=base,name-computed,version-inherited",
            "abab 1 doubled name-computed",
            "pkg-config 0.29.2 %pkg-config -",
            "pkg-config 0.29.2 pkg-config exported,syntax,via=pkg-config-for-target+syntax",
            "pkg-config 1 pkg-config-copy name-inherited",
        ]
    );
    // A definition made by a macro has the line of the macro call.
    assert_eq!(
        data.packages[0].line,
        line("(define-header-package stb-image")
    );
    assert_eq!(data.packages[5].line, line("(define-syntax pkg-config"));
}

#[test]
fn records_at_references_bodies_and_gnu_build_modules() {
    let records = r#"(define-record-type* <plugin> plugin make-plugin plugin?
  (name plugin-name)
  (version plugin-version (default "0.0.5")))

(define (plugin->package p)
  (package
    (name (string-append (string-downcase (plugin-name p)) "-lv2"))
    (version (plugin-version p))))

(define-public airfont
  (plugin->package (plugin (name "AirFont"))))

(define-public sandbox
  (define base (package (name "u-boot") (version "2025.01")))
  (package (inherit base) (name "u-boot-sandbox")))
"#;
    let circle = "(define-public deja-dup\n  (package (name \"deja-dup\") (version \"45.2\")))\n";
    let gnome = r#"(define-deprecated/public-alias deja-dup
  (@ (gnu packages gnome-circle) deja-dup))

(define-public tab-colour/icecat
  (make-icecat-extension
   (package (name "tab-colour") (version "2.2"))))
"#;
    let extension = r#"(define-module (gnu build icecat-extension)
  #:use-module (guix packages)
  #:export (make-icecat-extension))

(define* (make-icecat-extension pkg #:optional (pkg-output "out"))
  (package
    (inherit pkg)
    (name (string-append (package-name pkg) "-icecat"))))
"#;
    let data = index(&[
        ("gnu/packages/fluidplug.scm", &module("fluidplug", "", records)),
        ("gnu/packages/gnome-circle.scm", &module("gnome-circle", "", circle)),
        (
            "gnu/packages/gnome.scm",
            &module(
                "gnome",
                "  #:use-module (gnu packages gnome-circle)\n  #:use-module (gnu build icecat-extension)\n",
                gnome,
            ),
        ),
        ("gnu/build/icecat-extension.scm", extension),
    ]);
    assert_eq!(
        rows(&data),
        [
            "airfont-lv2 0.0.5 airfont name-computed,version-computed,via=plugin->package",
            "u-boot-sandbox 2025.01 sandbox inherits=base,version-inherited",
            // gnome.scm sorts before gnome-circle.scm.
            "deja-dup 45.2 deja-dup deprecated,deprecated-alias=deja-dup",
            "tab-colour-icecat 2.2 tab-colour/icecat inherits=pkg,name-computed,version-inherited,via=make-icecat-extension",
            "deja-dup 45.2 deja-dup -",
        ]
    );
    // The gnu/build module is only looked up, not indexed.
    assert!(data
        .packages
        .iter()
        .all(|r| r.module.starts_with("(gnu packages ")));
}

#[test]
fn flag_conventions() {
    let body = r#"(define-public c-ares (package (name "c-ares") (version "1.34")))

;; hidden-package is transparent.
(define-public c-ares-for-node (hidden-package c-ares))

;; inherits= names the variable the parent was read from, not a call.
(define (make-variant p) (package (inherit p) (version "2")))
(define-public from-call (package (inherit (make-variant c-ares)) (name "from-call")))
(define-public from-hidden (package (inherit (hidden-package c-ares)) (name "from-hidden")))

;; via: innermost first; anonymous lambdas are not recorded.
(define (inner p) (package (inherit p) (name "inner")))
(define (outer p) (inner p))
(define-public nested (outer c-ares))
(define-public anonymous ((lambda (p) (package (inherit p) (name "anon"))) c-ares))
"#;
    let data = index(&[("gnu/packages/adns.scm", &module("adns", "", body))]);
    assert_eq!(
        rows(&data),
        [
            "c-ares 1.34 c-ares -",
            "c-ares 1.34 c-ares-for-node hidden",
            "from-call 2 from-call version-inherited",
            "from-hidden 1.34 from-hidden hidden,inherits=c-ares,version-inherited",
            "inner 1.34 nested inherits=p,version-inherited,via=inner+outer",
            "anon 1.34 anonymous inherits=p,version-inherited",
        ]
    );
}

#[test]
fn hostile_definitions_end_with_a_warning() {
    let body = r#"(define (loop n) (loop (+ n 1)))
(define-public looping (package (name (loop 0)) (version "1")))

(define (explode s n)
  (if (zero? n) s (explode (string-append s s) (- n 1))))
(define-public exploding (package (name (explode "ab" 200)) (version "1")))

(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(define-public slow (package (name (number->string (fib 30))) (version "1")))

(define-syntax grow
  (syntax-rules () ((_ x) (grow (x x)))))
(define-public growing (package (name (grow "a")) (version "1")))

(define-syntax define-forever
  (syntax-rules () ((_ x) (define-forever (x)))))
(define-forever a)

(define-public fine (package (name "fine") (version "1")))
"#;
    let start = std::time::Instant::now();
    let data = index(&[("gnu/packages/odd.scm", &module("odd", "", body))]);
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    assert_eq!(rows(&data), ["fine 1 fine -"]);
    let warnings = package_warnings(&data);
    for var in ["looping", "exploding", "slow", "growing"] {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(&format!("`{var}` skipped"))),
            "{var}: {warnings:?}"
        );
    }
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("macro `define-forever`")),
        "{warnings:?}"
    );
}
