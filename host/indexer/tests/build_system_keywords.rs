//! The keyword table derived from `guix/build-system/*.scm`, on small
//! build-system modules written by the tests: a gnu-like system (private
//! keywords, conditional `#:target`, cross/native build procedures), a
//! `lower` without `#:allow-other-keys` (trivial), delegation through
//! `build-system-lower` (mozilla), a build procedure that accepts any key
//! (channel, under `let`), a `lower` returned by a procedure (asdf), a
//! wrapper build procedure that `apply`s another (hare), an alias, and a
//! cyclic definition, which must be a warning.  The comparison with real
//! Guix is in `checkout.rs` (`reproduces_the_shipped_index_from_the_guix_source`).

mod common;

use common::TempDir;
use potluck_index::{index_checkout, write_tsv, BuildSystemKeywordsRow};

const GNU: &str = r#"(define-module (guix build-system gnu)
  #:use-module (guix build-system)
  #:export (gnu-build-system))

(define* (gnu-build name inputs
                    #:key (phases '%standard-phases) (tests? #t)
                    (configure-flags ''()) source system
                    (outputs '("out")) (search-paths '()))
  #f)

(define* (gnu-cross-build name #:key target (cross-only? #t))
  #f)

(define* (lower name
                #:key source inputs native-inputs outputs target
                (implicit-inputs? #t) (guile #f)
                #:allow-other-keys
                #:rest arguments)
  (define private-keywords
    `(#:inputs #:native-inputs #:implicit-inputs?
      ,@(if target '() '(#:target))))
  (bag
    (name name)
    (build-inputs inputs)
    (build (if target gnu-cross-build gnu-build))
    (arguments (strip-keyword-arguments private-keywords arguments))))

(define gnu-build-system
  (build-system
    (name 'gnu)
    (description "GNU")
    (lower lower)))
"#;

const OTHERS: &str = r#"(define-module (guix build-system others)
  #:use-module (guix build-system)
  #:use-module (guix build-system gnu)
  #:export (trivial-build-system mozilla-build-system channel-build-system
            asdf-build-system/sbcl hare-build-system alias-build-system
            cyclic-build-system))

(define* (trivial-lower name #:key source inputs native-inputs outputs system
                        target guile builder (modules '()))
  (bag (name name) (build trivial-build)))

(define trivial-build-system
  (build-system (name 'trivial) (description "T") (lower trivial-lower)))

(define* (mozilla-lower name #:key (node-version "20") #:allow-other-keys
                        #:rest arguments)
  (define lower (build-system-lower gnu-build-system))
  (apply lower name arguments))

(define mozilla-build-system
  (build-system (name 'mozilla) (description "M") (lower mozilla-lower)))

(define* (build-channels name inputs #:key source system commit
                         #:allow-other-keys)
  #f)

(define channel-build-system
  (let ((lower (lambda* (name #:key source commit system #:allow-other-keys)
                 (bag
                   (name name)
                   (build build-channels)
                   (arguments `(#:source ,source #:commit ,commit))))))
    (build-system (name 'channel) (description "C") (lower lower))))

(define (asdf-build lisp-type)
  (lambda* (name inputs #:key source asd-systems (lisp lisp-type) (tests? #t))
    #f))

(define (lower lisp-type)
  (lambda* (name #:key source inputs outputs system target (lisp lisp-type)
                 #:allow-other-keys #:rest arguments)
    (define private-keywords '(#:target #:inputs #:native-inputs #:lisp))
    (and (not target)
         (bag
           (name name)
           (build (asdf-build lisp-type))
           (arguments (strip-keyword-arguments private-keywords arguments))))))

(define asdf-build-system/sbcl
  (build-system (name 'asdf/sbcl) (description "A") (lower (lower "sbcl"))))

(define* (hare-build name inputs #:key (hare-arch #f) (parallel-builds? #t))
  #f)

(define* (hare-lower name #:key source inputs target #:allow-other-keys
                     #:rest arguments)
  (bag
    (name name)
    (build (lambda (name inputs . rest) (apply hare-build name inputs rest)))
    (arguments (strip-keyword-arguments '(#:inputs #:target) arguments))))

(define hare-build-system
  (build-system (name 'hare) (description "H") (lower hare-lower)))

(define alias-build-system trivial-build-system)

(define lower-a lower-b)
(define lower-b lower-a)

(define cyclic-build-system
  (build-system (name 'cyclic) (description "loop") (lower lower-a)))
"#;

fn row(system: &str, keywords: &str, any: bool) -> BuildSystemKeywordsRow {
    BuildSystemKeywordsRow {
        build_system: system.into(),
        keywords: keywords.split(',').map(str::to_string).collect(),
        accepts_other_keys: any,
    }
}

#[test]
fn keywords_are_derived_from_lower_and_the_bag() {
    let dir = TempDir::new("keywords");
    dir.write(
        "gnu/packages/base.scm",
        "(define-module (gnu packages base))\n",
    );
    dir.write("guix/build-system/gnu.scm", GNU);
    dir.write("guix/build-system/others.scm", OTHERS);
    let data = index_checkout(&dir.0).unwrap();
    assert_eq!(
        data.build_system_keywords,
        vec![
            // gnu-build's keys and the private keywords, less plumbing;
            // lower's `guile` is neither, so it is rejected.
            row(
                "gnu",
                "configure-flags,implicit-inputs?,phases,tests?",
                false
            ),
            row("trivial", "builder,guile,modules", false),
            row(
                "mozilla",
                "configure-flags,implicit-inputs?,node-version,phases,tests?",
                false
            ),
            row("channel", "commit", true),
            row("asdf/sbcl", "asd-systems,lisp,tests?", false),
            row("hare", "hare-arch,parallel-builds?", false),
        ]
    );
    // An alias is not a build-systems.tsv row; a cycle is a warning.
    assert!(!data
        .build_systems
        .iter()
        .any(|b| b.variable == "alias-build-system"));
    assert!(
        data.warnings.iter().any(|w| w.starts_with(
            "guix/build-system/others.scm: keywords of `cyclic-build-system` not derived"
        )),
        "{:?}",
        data.warnings
    );
    let out = TempDir::new("keywords-out");
    write_tsv(&data, &out.0).unwrap();
    let text = std::fs::read_to_string(out.0.join("build-system-keywords.tsv")).unwrap();
    assert!(text.starts_with("build-system\tkeywords\taccepts-other-keys\nasdf/sbcl\tasd-systems,lisp,tests?\tno\nchannel\tcommit\tyes\n"), "{text}");
}
