//! End-to-end tests of the indexer on small Guix-style checkouts written by
//! the tests, of the TSV writer against the shipped index, of the shipped
//! keyword table against the real-Guix ground truth, and (with
//! `POTLUCK_GUIX_SOURCE`) of the indexer on the real Guix source against the
//! shipped index.

mod common;

use std::path::Path;

use common::{flags_text, line_of, parse_tsv, row, shipped, TempDir};
use potluck_index::{
    index_checkout, index_checkout_with, write_tsv, BuildSystemKeywordsRow, BuildSystemRow,
    IndexData, IndexError, IndexOptions, LicenseRow, PackageRow,
};

const BASE_SCM: &str = r##";;; GNU Guix --- Functional package management for GNU
;;; Copyright © 2012, 2013 Someone <someone@example.org>
;;;
;;; This file is part of GNU Guix.
;;;
;;; GNU Guix is free software; you can redistribute it and/or modify it
;;; under the terms of the GNU General Public License as published by
;;; the Free Software Foundation; either version 3 of the License, or (at
;;; your option) any later version.

(define-module (gnu packages base)
  #:use-module ((guix licenses) #:prefix license:)
  #:use-module (guix packages)
  #:use-module (guix download)
  #:use-module (guix git-download)
  #:use-module (guix gexp)
  #:use-module (guix utils)
  #:use-module (guix build-system gnu)
  #:use-module (gnu packages perl)
  #:use-module (srfi srfi-1)
  #:use-module (ice-9 match)
  #:export (glibc
            make-hello))

;;; Commentary:
;;;
;;; Base packages of the Guix-based GNU user-land software distribution.
;;;
;;; Code:

(define-public hello
  (package
    (name "hello")
    (version "2.12.1")
    (source (origin
              (method url-fetch)
              (uri (string-append "mirror://gnu/hello/hello-" version
                                  ".tar.gz"))
              (sha256
               (base32
                "086vqwk2wl8zfs47sq2xpjc9k066ilmb8z6dn0q6ymwjzlm196cd"))))
    (build-system gnu-build-system)
    (arguments
     (list
      #:configure-flags #~(list (string-append "--with-out=" #$output)
                                #$@(if (%current-target-system)
                                       #~("--disable-nls")
                                       #~()))
      #:phases
      #~(modify-phases %standard-phases
          (add-after 'unpack 'patch-tests
            (lambda _
              (substitute* "tests/hello-1"
                (("#!/bin/sh") (string-append "#!" (which "sh"))))
              (format #t "output: ~a~%" #$output)))
          (add-before 'check 'set-locale
            (lambda* (#:key inputs #:allow-other-keys)
              (setenv "LC_ALL" "C.UTF-8")
              (mkdir-p (string-append #$output:doc "/share"))
              #t)))))
    (native-inputs (list perl #+(this-package-native-input "gettext")))
    (synopsis "Example GNU package")
    (description
     "GNU Hello prints the message \"Hello, world!\" and then exits.  It
serves as an example of standard GNU coding practices.  As such, it supports
command-line arguments, multiple languages, and so on.")
    (home-page "https://www.gnu.org/software/hello/")
    (license license:gpl3+)))

(define-public hello-2.10
  (package
    (inherit hello)
    (version "2.10")
    (source (origin
              (method url-fetch)
              (uri (string-append "mirror://gnu/hello/hello-" version
                                  ".tar.gz"))
              (sha256
               (base32
                "0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i"))))))

;; A variant for bootstrapping, not for users.
(define-public hello-minimal
  (hidden-package
   (package/inherit hello
     (arguments
      (substitute-keyword-arguments (package-arguments hello)
        ((#:tests? _ #t) #f))))))

(define-public hello-bootstrap
  (package
    (inherit hello)
    (name "hello-bootstrap")
    (properties `((hidden? . #t)
                  (upstream-name . ,(package-name hello))))))

(define-public hello-git
  (let ((commit "0123456789abcdef0123456789abcdef01234567")
        (revision "3"))
    (package
      (inherit hello)
      (name "hello-git")
      (version (git-version "2.12.1" revision commit))
      (source (origin
                (method git-fetch)
                (uri (git-reference
                      (url "https://git.savannah.gnu.org/git/hello.git")
                      (commit commit)))
                (file-name (git-file-name name version))
                (sha256
                 (base32
                  "1ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i")))))))

(define %glibc-version "2.41")

(define glibc
  (package
    (name "glibc")
    (version %glibc-version)
    (source #f)
    (build-system gnu-build-system)
    (arguments
     (list #:phases #~(modify-phases %standard-phases
                        (replace 'install
                          (lambda* (#:key outputs #:allow-other-keys)
                            (invoke "make" "install"
                                    (string-append "prefix=" #$output)))))))
    (synopsis "The GNU C Library")
    (description "Any Unix-like operating system needs a C library.")
    (home-page "https://www.gnu.org/software/libc/")
    (license license:lgpl2.0+)))

;; Not exported: no row.
(define hello-internal
  (package
    (inherit hello)
    (name "hello-internal")))

(define* (make-hello name #:key (greeting "Hello"))
  "Return a variant of Hello called NAME that says GREETING."
  (package
    (inherit hello)
    (name name)
    (arguments
     (list #:make-flags #~(list (string-append "GREETING=" #$greeting))))))

(define-public hello-fr
  (make-hello "hello-fr" #:greeting "Salut"))

(define-public gnu-hello hello)

(define-public hello-legacy
  (deprecated-package "hello-legacy" hello))

(define-deprecated-package gnu-hello-classic hello)

(define-deprecated/public-alias hello-old hello)

(define-public %hello-phases
  #~(modify-phases %standard-phases
      (delete 'configure)))

(define-public hello-home-page "https://www.gnu.org/software/hello/")

(define-public (hello-for-system system)
  (package (inherit hello) (name (string-append "hello-" system))))

(define-public hello-static
  (static-package hello))

(define-public hello-unknown
  (frobnicate-package hello))

(define-public hello-with-chars
  (package
    (name "hello-with-chars")
    (version "1.0")
    (arguments
     (list #:phases
           #~(modify-phases %standard-phases
               (add-after 'unpack 'chars
                 (lambda _
                   (let ((chars (list #\( #\) #\space #\x41 #\; #\")))
                     (string-join (map string chars) "")))))))
    #| a block comment with (unbalanced parens
       #| nested |# |#
    #;(properties '((hidden? . #t)))
    (home-page "https://example.org")))
"##;

const GUILE_SCM: &str = r##";;; GNU Guix --- Functional package management for GNU

(define-module (gnu packages guile)
  #:use-module ((guix licenses) #:prefix license:)
  #:use-module (gnu packages)
  #:use-module ((gnu packages base) #:select (hello (glibc . libc)))
  #:use-module (guix packages)
  #:use-module (guix build-system guile))

(define-public guile-hello
  (package
    (inherit hello)
    (name "guile-hello")
    (build-system guile-build-system)))

(define-public libc-copy
  (package
    (inherit libc)
    (name "libc-copy")
    (version (string-append (package-version libc) "-copy"))))

(define-public hello-obsolete
  (package
    (name "hello-obsolete")
    (version "0.9")
    (source #f)
    (build-system guile-build-system)
    (properties `((superseded . ,guile-hello)))
    (synopsis "Obsolete")
    (description "Obsolete.")
    (home-page "https://example.org")
    (license license:gpl3+)))
"##;

const BROKEN_SCM: &str = "(define-module (gnu packages broken))\n\n(define-public oops\n  (package\n    (name \"oops\"\n";

const BUILD_SYSTEM_GNU_SCM: &str = r##";;; GNU Guix --- Functional package management for GNU

(define-module (guix build-system gnu)
  #:use-module (guix store)
  #:use-module (guix utils)
  #:use-module (guix gexp)
  #:use-module (guix build-system)
  #:export (%gnu-build-system-modules
            gnu-build
            gnu-build-system))

(define %gnu-build-system-modules
  '((guix build gnu-build-system)
    (guix build utils)))

(define* (lower name
                #:key source inputs native-inputs outputs target
                #:allow-other-keys
                #:rest arguments)
  "Return a bag for NAME."
  #f)

(define gnu-build-system
  (build-system
    (name 'gnu)
    (description
     "The GNU Build System—i.e., ./configure && make && make install")
    (lower lower)))
"##;

const BUILD_SYSTEM_LUANTI_SCM: &str = r##"(define-module (guix build-system luanti)
  #:use-module (guix build-system)
  #:export (luanti-mod-build-system
            minetest-mod-build-system))

(define luanti-mod-build-system
  (let ((lower (lambda args #f)))
    (build-system
      (name 'luanti-mod)
      (description "The build system for Luanti mods")
      (lower lower))))

(define minetest-mod-build-system luanti-mod-build-system)

(define-public copy-like-build-system
  (build-system
    (name 'copy-like)
    (description "Copies files")
    (lower (const #f))))

(define hidden-build-system
  (build-system
    (name 'hidden)
    (description "Not exported")
    (lower (const #f))))
"##;

const LICENSES_SCM: &str = r##";;; GNU Guix --- Functional package management for GNU

(define-module (guix licenses)
  #:use-module (srfi srfi-9)
  #:export (license? license-name license-uri license-comment
            gpl3+ expat
            non-copyleft
            zlib))

(define-record-type <license>
  (license name uri comment)
  actual-license?
  (name    license-name)
  (uri     license-uri)
  (comment license-comment))

(define-syntax begin-license-definitions
  (syntax-rules ()
    ((_ predicate definitions ...)
     (begin
       definitions ...))))

(begin-license-definitions license?

(define gpl3+
  (license "GPL 3+"
           "https://www.gnu.org/licenses/gpl.html"
           "https://www.gnu.org/licenses/license-list#GNUGPLv3"))

;; Some people call it the MIT license.
(define expat
  (license "Expat"
           "http://directory.fsf.org/wiki/License:Expat"
           "https://www.gnu.org/licenses/license-list.html#Expat"))

(define* (non-copyleft uri #:optional (comment ""))
  "Return a lax, permissive, non-copyleft license."
  (license "non-copyleft"
           uri
           (string-append
            "This is a lax, non-copyleft free software license.  "
            comment)))

(define zlib
  (license "Zlib"
           "http://www.gzip.org/zlib/zlib_license.html"
           "https://www.gnu.org/licenses/license-list#ZLib"))

(define internal
  (license "Internal" "https://example.org/internal" #f))
)
"##;

fn fixture() -> TempDir {
    let dir = TempDir::new("checkout");
    dir.write("gnu/packages/base.scm", BASE_SCM);
    dir.write("gnu/packages/guile.scm", GUILE_SCM);
    dir.write("gnu/packages/broken.scm", BROKEN_SCM);
    dir.write("gnu/packages/README", "not a module");
    dir.write("guix/build-system/gnu.scm", BUILD_SYSTEM_GNU_SCM);
    dir.write("guix/build-system/luanti.scm", BUILD_SYSTEM_LUANTI_SCM);
    dir.write("guix/licenses.scm", LICENSES_SCM);
    dir
}

fn expected_packages() -> Vec<PackageRow> {
    let b = |needle| line_of(BASE_SCM, needle);
    let g = |needle| line_of(GUILE_SCM, needle);
    vec![
        row(
            "hello",
            "2.12.1",
            "base",
            "hello",
            b("(define-public hello\n"),
            &[],
        ),
        row(
            "hello",
            "2.10",
            "base",
            "hello-2.10",
            b("(define-public hello-2.10"),
            &["inherits=hello", "name-inherited"],
        ),
        row(
            "hello",
            "2.12.1",
            "base",
            "hello-minimal",
            b("(define-public hello-minimal"),
            &[
                "hidden",
                "inherits=hello",
                "name-inherited",
                "version-inherited",
            ],
        ),
        row(
            "hello-bootstrap",
            "2.12.1",
            "base",
            "hello-bootstrap",
            b("(define-public hello-bootstrap"),
            &["hidden", "inherits=hello", "version-inherited"],
        ),
        row(
            "hello-git",
            "2.12.1-3.0123456",
            "base",
            "hello-git",
            b("(define-public hello-git"),
            &["inherits=hello", "version-computed"],
        ),
        row(
            "glibc",
            "2.41",
            "base",
            "glibc",
            b("(define glibc"),
            &["exported", "version-computed"],
        ),
        row(
            "hello-fr",
            "2.12.1",
            "base",
            "hello-fr",
            b("(define-public hello-fr"),
            &[
                "inherits=hello",
                "name-computed",
                "version-inherited",
                "via=make-hello",
            ],
        ),
        row(
            "hello",
            "2.12.1",
            "base",
            "gnu-hello",
            b("(define-public gnu-hello hello)"),
            &["alias=hello"],
        ),
        row(
            "hello-legacy",
            "2.12.1",
            "base",
            "hello-legacy",
            b("(define-public hello-legacy"),
            &[
                "deprecated",
                "superseded-by=hello",
                "inherits=hello",
                "version-inherited",
            ],
        ),
        row(
            "gnu-hello-classic",
            "2.12.1",
            "base",
            "gnu-hello-classic",
            b("(define-deprecated-package gnu-hello-classic"),
            &[
                "deprecated",
                "superseded-by=hello",
                "inherits=hello",
                "version-inherited",
            ],
        ),
        row(
            "hello",
            "2.12.1",
            "base",
            "hello-old",
            b("(define-deprecated/public-alias hello-old"),
            &["deprecated", "deprecated-alias=hello"],
        ),
        row(
            "hello",
            "2.12.1",
            "base",
            "hello-static",
            b("(define-public hello-static"),
            &["name-inherited", "version-inherited", "via=static-package"],
        ),
        row(
            "hello-with-chars",
            "1.0",
            "base",
            "hello-with-chars",
            b("(define-public hello-with-chars"),
            &[],
        ),
        row(
            "guile-hello",
            "2.12.1",
            "guile",
            "guile-hello",
            g("(define-public guile-hello"),
            &["inherits=hello", "version-inherited"],
        ),
        row(
            "libc-copy",
            "2.41-copy",
            "guile",
            "libc-copy",
            g("(define-public libc-copy"),
            &["inherits=libc", "version-computed"],
        ),
        row(
            "hello-obsolete",
            "0.9",
            "guile",
            "hello-obsolete",
            g("(define-public hello-obsolete"),
            &["deprecated", "superseded-by=guile-hello"],
        ),
    ]
}

#[test]
fn indexes_a_guix_style_checkout() {
    let dir = fixture();
    let data = index_checkout(&dir.0).unwrap();
    assert_eq!(data.packages, expected_packages());
    assert_eq!(
        data.build_systems,
        vec![
            BuildSystemRow {
                symbol: "gnu".into(),
                module: "(guix build-system gnu)".into(),
                variable: "gnu-build-system".into(),
            },
            BuildSystemRow {
                symbol: "luanti-mod".into(),
                module: "(guix build-system luanti)".into(),
                variable: "luanti-mod-build-system".into(),
            },
            BuildSystemRow {
                symbol: "copy-like".into(),
                module: "(guix build-system luanti)".into(),
                variable: "copy-like-build-system".into(),
            },
        ]
    );
    assert_eq!(
        data.licenses,
        vec![
            LicenseRow {
                variable: "gpl3+".into(),
                name: "GPL 3+".into(),
                uri: "https://www.gnu.org/licenses/gpl.html".into(),
            },
            LicenseRow {
                variable: "expat".into(),
                name: "Expat".into(),
                uri: "http://directory.fsf.org/wiki/License:Expat".into(),
            },
            LicenseRow {
                variable: "zlib".into(),
                name: "Zlib".into(),
                uri: "http://www.gzip.org/zlib/zlib_license.html".into(),
            },
        ]
    );
    assert_eq!(
        data.warnings,
        vec![
            "gnu/packages/broken.scm:5: unterminated list starting here; file skipped".to_string(),
            format!(
                "gnu/packages/base.scm:{}: `hello-unknown` skipped: unsupported procedure or syntax `frobnicate-package`",
                line_of(BASE_SCM, "(define-public hello-unknown")
            ),
            "guix/build-system/gnu.scm: keywords of `gnu-build-system` not derived: its `lower` makes no bag".to_string(),
            "guix/build-system/luanti.scm: keywords of `copy-like-build-system` not derived: its `lower` is not a lambda".to_string(),
        ]
    );
    // `(lambda args #f)` takes no keyword.
    assert_eq!(
        data.build_system_keywords,
        vec![BuildSystemKeywordsRow {
            build_system: "luanti-mod".into(),
            keywords: Vec::new(),
            accepts_other_keys: false,
        }]
    );
}

#[test]
fn writes_the_exact_tsv_text() {
    let dir = fixture();
    let data = index_checkout(&dir.0).unwrap();
    let out = TempDir::new("out");
    let out_dir = out.0.join("index");
    write_tsv(&data, &out_dir).unwrap();
    let b = |needle| line_of(BASE_SCM, needle);
    let g = |needle| line_of(GUILE_SCM, needle);
    let expected = [
        "name\tversion\tmodule\tvariable\tline\tflags".to_string(),
        format!("glibc\t2.41\t(gnu packages base)\tglibc\t{}\texported,version-computed", b("(define glibc")),
        format!("gnu-hello-classic\t2.12.1\t(gnu packages base)\tgnu-hello-classic\t{}\tdeprecated,superseded-by=hello,inherits=hello,version-inherited", b("(define-deprecated-package")),
        format!("guile-hello\t2.12.1\t(gnu packages guile)\tguile-hello\t{}\tinherits=hello,version-inherited", g("(define-public guile-hello")),
        format!("hello\t2.10\t(gnu packages base)\thello-2.10\t{}\tinherits=hello,name-inherited", b("(define-public hello-2.10")),
        format!("hello\t2.12.1\t(gnu packages base)\tgnu-hello\t{}\talias=hello", b("(define-public gnu-hello hello)")),
        format!("hello\t2.12.1\t(gnu packages base)\thello\t{}\t-", b("(define-public hello\n")),
        format!("hello\t2.12.1\t(gnu packages base)\thello-minimal\t{}\thidden,inherits=hello,name-inherited,version-inherited", b("(define-public hello-minimal")),
        format!("hello\t2.12.1\t(gnu packages base)\thello-old\t{}\tdeprecated,deprecated-alias=hello", b("(define-deprecated/public-alias")),
        format!("hello\t2.12.1\t(gnu packages base)\thello-static\t{}\tname-inherited,version-inherited,via=static-package", b("(define-public hello-static")),
        format!("hello-bootstrap\t2.12.1\t(gnu packages base)\thello-bootstrap\t{}\thidden,inherits=hello,version-inherited", b("(define-public hello-bootstrap")),
        format!("hello-fr\t2.12.1\t(gnu packages base)\thello-fr\t{}\tinherits=hello,name-computed,version-inherited,via=make-hello", b("(define-public hello-fr")),
        format!("hello-git\t2.12.1-3.0123456\t(gnu packages base)\thello-git\t{}\tinherits=hello,version-computed", b("(define-public hello-git")),
        format!("hello-legacy\t2.12.1\t(gnu packages base)\thello-legacy\t{}\tdeprecated,superseded-by=hello,inherits=hello,version-inherited", b("(define-public hello-legacy")),
        format!("hello-obsolete\t0.9\t(gnu packages guile)\thello-obsolete\t{}\tdeprecated,superseded-by=guile-hello", g("(define-public hello-obsolete")),
        format!("hello-with-chars\t1.0\t(gnu packages base)\thello-with-chars\t{}\t-", b("(define-public hello-with-chars")),
        format!("libc-copy\t2.41-copy\t(gnu packages guile)\tlibc-copy\t{}\tinherits=libc,version-computed", g("(define-public libc-copy")),
    ]
    .join("\n")
        + "\n";
    assert_eq!(
        std::fs::read_to_string(out_dir.join("packages.tsv")).unwrap(),
        expected
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("build-systems.tsv")).unwrap(),
        "symbol\tmodule\tvariable\n\
         copy-like\t(guix build-system luanti)\tcopy-like-build-system\n\
         gnu\t(guix build-system gnu)\tgnu-build-system\n\
         luanti-mod\t(guix build-system luanti)\tluanti-mod-build-system\n"
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("licenses.tsv")).unwrap(),
        "variable\tname\turi\n\
         gpl3+\tGPL 3+\thttps://www.gnu.org/licenses/gpl.html\n\
         expat\tExpat\thttp://directory.fsf.org/wiki/License:Expat\n\
         zlib\tZlib\thttp://www.gzip.org/zlib/zlib_license.html\n"
    );
}

#[test]
fn hostile_files_are_warnings_not_crashes() {
    let dir = TempDir::new("hostile");
    // Binary junk, deep nesting, unknown `#` syntax and stray closers.
    let mut junk = Vec::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..50_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        junk.push((x & 0xff) as u8);
    }
    dir.write("gnu/packages/junk.scm", &junk);
    dir.write("gnu/packages/deep.scm", "(".repeat(200_000));
    dir.write(
        "gnu/packages/odd.scm",
        "(define-module (gnu packages odd))\n\
         ))\n\
         (define-public odd\n  (package (name \"odd\") #&box (version \"1\")))\n\
         (define-public loop-a loop-b)\n\
         (define-public loop-b loop-a)\n\
         (define-public self-parent (package (inherit self-parent) (version \"2\")))\n",
    );
    dir.write("gnu/packages/empty.scm", "");
    dir.write("gnu/packages/nul.scm", b"\0\0\0(define-public x \0)");
    let data = index_checkout(&dir.0).unwrap();
    assert_eq!(data.packages, vec![row("odd", "1", "odd", "odd", 3, &[])]);
    assert!(
        data.warnings
            .iter()
            .any(|w| w.starts_with("gnu/packages/deep.scm:1: nesting deeper than")),
        "{:?}",
        data.warnings
    );
    assert!(data
        .warnings
        .contains(&"gnu/packages/odd.scm:2: unexpected `)` ignored".to_string()));
    assert!(data
        .warnings
        .contains(&"gnu/packages/odd.scm:4: unknown syntax `#&box` skipped".to_string()));
    assert!(data.warnings.iter().any(|w| w.starts_with("gnu/packages/odd.scm:5: `loop-a` skipped: circular definition")), "{:?}", data.warnings);
    assert!(
        data.warnings
            .iter()
            .any(|w| w
                .starts_with("gnu/packages/odd.scm:7: `self-parent` skipped: circular definition")),
        "{:?}",
        data.warnings
    );
}

#[test]
fn a_directory_without_gnu_packages_is_an_error() {
    let dir = TempDir::new("empty");
    let err = index_checkout(&dir.0).unwrap_err();
    assert!(matches!(err, IndexError::NotACheckout(_)), "{err}");
}

/// Writes `data`, shuffled, and returns the four files.
fn round_trip(mut data: IndexData) -> [String; 4] {
    data.packages.reverse();
    data.build_systems.reverse();
    data.build_system_keywords.reverse();
    let out = TempDir::new("roundtrip");
    write_tsv(&data, &out.0).unwrap();
    let read = |f: &str| std::fs::read_to_string(out.0.join(f)).unwrap();
    [
        read("packages.tsv"),
        read("build-systems.tsv"),
        read("licenses.tsv"),
        read("build-system-keywords.tsv"),
    ]
}

/// The rows of a `build-system-keywords.tsv` text (also the first three
/// columns of the ground-truth fixture).
fn keyword_rows(text: &str) -> Vec<BuildSystemKeywordsRow> {
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(f.len() >= 3, "{l}");
            BuildSystemKeywordsRow {
                build_system: f[0].to_string(),
                keywords: f[1]
                    .split(',')
                    .filter(|k| !k.is_empty())
                    .map(str::to_string)
                    .collect(),
                accepts_other_keys: match f[2] {
                    "yes" => true,
                    "no" => false,
                    other => panic!("{other}"),
                },
            }
        })
        .collect()
}

fn package_rows(text: &str) -> Vec<PackageRow> {
    parse_tsv(text, 6)
        .into_iter()
        .map(|f| PackageRow {
            name: f[0].clone(),
            version: f[1].clone(),
            module: f[2].clone(),
            variable: f[3].clone(),
            line: f[4].parse().unwrap(),
            flags: if f[5] == "-" {
                Vec::new()
            } else {
                f[5].split(',').map(str::to_string).collect()
            },
        })
        .collect()
}

#[test]
fn write_tsv_reproduces_the_shipped_index_byte_for_byte() {
    let packages = shipped("packages.tsv");
    let build_systems = shipped("build-systems.tsv");
    let licenses = shipped("licenses.tsv");
    let keywords = shipped("build-system-keywords.tsv");
    let data = IndexData {
        packages: package_rows(&packages),
        build_systems: parse_tsv(&build_systems, 3)
            .into_iter()
            .map(|f| BuildSystemRow {
                symbol: f[0].clone(),
                module: f[1].clone(),
                variable: f[2].clone(),
            })
            .collect(),
        licenses: parse_tsv(&licenses, 3)
            .into_iter()
            .map(|f| LicenseRow {
                variable: f[0].clone(),
                name: f[1].clone(),
                uri: f[2].clone(),
            })
            .collect(),
        build_system_keywords: keyword_rows(&keywords),
        warnings: Vec::new(),
    };
    assert_eq!(data.packages.len(), 31_877);
    assert_eq!(data.build_systems.len(), 50);
    assert_eq!(data.licenses.len(), 117);
    assert_eq!(data.build_system_keywords.len(), 50);
    let [p, b, l, k] = round_trip(data);
    assert!(p == packages, "packages.tsv differs");
    assert_eq!(b, build_systems);
    assert_eq!(l, licenses);
    assert_eq!(k, keywords);
}

/// The shipped keyword table is the ground truth made with real Guix
/// (`tests/fixtures/README.md`), and names every shipped build system.
#[test]
fn shipped_keywords_equal_the_real_guix_ground_truth() {
    let shipped_rows = keyword_rows(&shipped("build-system-keywords.tsv"));
    let truth = keyword_rows(&common::fixture("build-system-keywords.guix.tsv"));
    assert_eq!(shipped_rows, truth);
    let header = shipped("build-system-keywords.tsv");
    assert!(header.starts_with("build-system\tkeywords\taccepts-other-keys\n"));
    let symbols: Vec<String> = parse_tsv(&shipped("build-systems.tsv"), 3)
        .into_iter()
        .map(|f| f[0].clone())
        .collect();
    let keyword_symbols: Vec<String> = truth.iter().map(|r| r.build_system.clone()).collect();
    assert_eq!(symbols, keyword_symbols);
}

/// The Guix source the shipped index was made from: `POTLUCK_GUIX_SOURCE`,
/// a path relative to the current directory or else to the workspace root
/// (CI sets it to `../shared/guix/src`).  Unset: a loud skip, and a failure
/// when `CI` is set.
fn guix_source() -> Option<std::path::PathBuf> {
    let Some(value) = std::env::var_os("POTLUCK_GUIX_SOURCE") else {
        eprintln!("\n*** SKIPPED: POTLUCK_GUIX_SOURCE is not set (the Guix source of the shipped index, e.g. ../shared/guix/src) ***\n");
        assert!(
            std::env::var_os("CI").is_none(),
            "POTLUCK_GUIX_SOURCE must be set in CI"
        );
        return None;
    };
    let path = std::path::PathBuf::from(&value);
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let resolved = if path.is_absolute() || path.join("gnu/packages").is_dir() {
        path
    } else {
        workspace.join(path)
    };
    assert!(
        resolved.join("gnu/packages").is_dir(),
        "POTLUCK_GUIX_SOURCE={value:?}: no gnu/packages in {}",
        resolved.display()
    );
    Some(resolved)
}

/// Indexes the real Guix source of the shipped index (`POTLUCK_GUIX_SOURCE`)
/// with the shipped options and checks that it reproduces the shipped
/// files: every packages.tsv row outside tex.scm exactly, the tex.scm rows
/// except their line (the checkout's tex.scm differs from the one the
/// first shipped index was read from; see data/guix-packages/README.md),
/// build-systems.tsv and licenses.tsv byte for byte, and the keyword table
/// equal to the ground truth from real Guix.
#[test]
fn reproduces_the_shipped_index_from_the_guix_source() {
    let Some(dir) = guix_source() else { return };
    let start = std::time::Instant::now();
    let data = index_checkout_with(&dir, &IndexOptions::shipped()).unwrap();
    eprintln!(
        "indexed {} in {:.1} s: {} packages, {} warnings",
        dir.display(),
        start.elapsed().as_secs_f64(),
        data.packages.len(),
        data.warnings.len()
    );
    let tex = "(gnu packages tex)";
    let key = |r: &PackageRow| (r.module.clone(), r.variable.clone());
    let ours: std::collections::HashMap<_, _> = data.packages.iter().map(|r| (key(r), r)).collect();
    assert_eq!(ours.len(), data.packages.len(), "duplicate module/variable");
    let shipped_rows = package_rows(&shipped("packages.tsv"));
    let (mut exact, mut tex_rows, mut problems) = (0, 0, Vec::new());
    for theirs in &shipped_rows {
        match ours.get(&key(theirs)) {
            None => problems.push(format!("missing: {theirs:?}")),
            Some(mine) if theirs.module == tex => {
                let same = PackageRow {
                    line: theirs.line,
                    ..(*mine).clone()
                };
                if &same == theirs {
                    tex_rows += 1;
                } else {
                    problems.push(format!("differs: {mine:?}\n shipped {theirs:?}"));
                }
            }
            Some(mine) if *mine == theirs => exact += 1,
            Some(mine) => problems.push(format!(
                "differs: {} {} {} {} {} {}\n shipped {} {} {} {} {} {}",
                mine.name,
                mine.version,
                mine.module,
                mine.variable,
                mine.line,
                flags_text(&mine.flags),
                theirs.name,
                theirs.version,
                theirs.module,
                theirs.variable,
                theirs.line,
                flags_text(&theirs.flags)
            )),
        }
    }
    let extra = data.packages.len()
        - (shipped_rows.len() - problems.iter().filter(|p| p.starts_with("missing")).count());
    eprintln!(
        "{exact} rows exact, {tex_rows} tex.scm rows equal but for the line, {} problems, {extra} extra rows",
        problems.len()
    );
    for p in problems.iter().take(30) {
        eprintln!("{p}");
    }
    assert!(
        problems.is_empty(),
        "{} rows differ from the shipped index",
        problems.len()
    );
    assert_eq!(extra, 0, "rows not in the shipped index");
    assert!(tex_rows > 4000, "{tex_rows} tex.scm rows");
    let [_, b, l, k] = round_trip(data.clone());
    assert_eq!(b, shipped("build-systems.tsv"));
    assert_eq!(l, shipped("licenses.tsv"));
    assert_eq!(
        data.build_system_keywords.len(),
        data.build_systems.len(),
        "{:?}",
        data.warnings
    );
    assert_eq!(
        keyword_rows(&k),
        keyword_rows(&common::fixture("build-system-keywords.guix.tsv"))
    );
}

/// `index_checkout` (no options) marks nothing stale; the shipped options
/// mark exactly the rows of the stale file.
#[test]
fn stale_files_flag_their_rows() {
    let dir = fixture();
    let plain = index_checkout(&dir.0).unwrap();
    assert!(plain
        .packages
        .iter()
        .all(|r| !r.flags.contains(&"stale-source".to_string())));
    let options = IndexOptions {
        stale_files: vec![
            "gnu/packages/guile.scm".into(),
            "gnu/packages/missing.scm".into(),
        ],
    };
    let data = index_checkout_with(&dir.0, &options).unwrap();
    assert_eq!(data.packages.len(), plain.packages.len());
    for (stale, fresh) in data.packages.iter().zip(&plain.packages) {
        let mut expected = fresh.clone();
        if fresh.module == "(gnu packages guile)" {
            expected.flags.push("stale-source".into());
        }
        assert_eq!(stale, &expected);
    }
    assert!(data
        .warnings
        .contains(&"gnu/packages/missing.scm: listed as stale, but no such file".to_string()));
    assert_eq!(
        IndexOptions::shipped().stale_files,
        vec!["gnu/packages/tex.scm"]
    );
}
