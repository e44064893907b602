//! End-to-end tests of the indexer on small Guix-style checkouts written by
//! the tests, and of the TSV writer against the shipped index.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use potluck_index::{
    index_checkout, write_tsv, BuildSystemRow, IndexData, IndexError, LicenseRow, PackageRow,
};

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "potluck-index-test-{}-{tag}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The 1-based line of the only line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> u32 {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| match needle.strip_suffix('\n') {
            Some(whole) => *l == whole,
            None => l.contains(needle),
        })
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "{needle:?} must occur exactly once");
    lines[0] as u32
}

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

fn row(
    name: &str,
    version: &str,
    module: &str,
    var: &str,
    line: u32,
    flags: &[&str],
) -> PackageRow {
    PackageRow {
        name: name.into(),
        version: version.into(),
        module: format!("(gnu packages {module})"),
        variable: var.into(),
        line,
        flags: flags.iter().map(|f| f.to_string()).collect(),
    }
}

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
                "gnu/packages/base.scm:{}: `hello-static` skipped: unsupported procedure or syntax `static-package`",
                line_of(BASE_SCM, "(define-public hello-static")
            ),
        ]
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

fn shipped(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/guix-packages")
        .join(file);
    std::fs::read_to_string(path).unwrap()
}

fn parse_tsv(text: &str, columns: usize) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|l| {
            let fields: Vec<String> = l.split('\t').map(str::to_string).collect();
            assert_eq!(fields.len(), columns, "{l}");
            fields
        })
        .collect()
}

/// Writes `data`, shuffled, and returns the three files.
fn round_trip(mut data: IndexData) -> (String, String, String) {
    data.packages.reverse();
    data.build_systems.reverse();
    let out = TempDir::new("roundtrip");
    write_tsv(&data, &out.0).unwrap();
    let read = |f: &str| std::fs::read_to_string(out.0.join(f)).unwrap();
    (
        read("packages.tsv"),
        read("build-systems.tsv"),
        read("licenses.tsv"),
    )
}

#[test]
fn write_tsv_reproduces_the_shipped_index_byte_for_byte() {
    let packages = shipped("packages.tsv");
    let build_systems = shipped("build-systems.tsv");
    let licenses = shipped("licenses.tsv");
    let data = IndexData {
        packages: parse_tsv(&packages, 6)
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
            .collect(),
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
        warnings: Vec::new(),
    };
    assert_eq!(data.packages.len(), 31_877);
    assert_eq!(data.build_systems.len(), 50);
    assert_eq!(data.licenses.len(), 117);
    let (p, b, l) = round_trip(data);
    assert!(p == packages, "packages.tsv differs");
    assert_eq!(b, build_systems);
    assert_eq!(l, licenses);
}

/// With `POTLUCK_GUIX_CHECKOUT=DIR`, indexes a real Guix checkout and
/// compares it with the shipped index, printing a summary:
/// `POTLUCK_GUIX_CHECKOUT=~/guix cargo test -p potluck-index -- --ignored --nocapture`.
/// Rows differ where the checkout's commit differs from the shipped one.
#[test]
#[ignore = "needs a Guix checkout in POTLUCK_GUIX_CHECKOUT"]
fn compare_with_the_shipped_index() {
    let Some(dir) = std::env::var_os("POTLUCK_GUIX_CHECKOUT") else {
        eprintln!("POTLUCK_GUIX_CHECKOUT is not set; nothing compared");
        return;
    };
    let data = index_checkout(Path::new(&dir)).unwrap();
    let key = |r: &[String]| (r[2].clone(), r[3].clone());
    let shipped_rows: std::collections::HashMap<_, _> = parse_tsv(&shipped("packages.tsv"), 6)
        .into_iter()
        .map(|r| (key(&r), r))
        .collect();
    let (mut same, mut differ, mut extra) = (0, 0, 0);
    for p in &data.packages {
        let flags = if p.flags.is_empty() {
            "-".to_string()
        } else {
            p.flags.join(",")
        };
        let ours = vec![
            p.name.clone(),
            p.version.clone(),
            p.module.clone(),
            p.variable.clone(),
            p.line.to_string(),
            flags,
        ];
        match shipped_rows.get(&key(&ours)) {
            Some(theirs) if theirs[..2] == ours[..2] && theirs[5] == ours[5] => same += 1,
            Some(theirs) => {
                differ += 1;
                eprintln!("differs: ours {ours:?}\n       shipped {theirs:?}");
            }
            None => extra += 1,
        }
    }
    eprintln!(
        "{} rows: {same} same as shipped (name, version, flags), {differ} differ, {extra} not shipped; \
         {} shipped rows; {} warnings",
        data.packages.len(),
        shipped_rows.len(),
        data.warnings.len()
    );
}
