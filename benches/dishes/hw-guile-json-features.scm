;; expect: ok -- hand-written: feature toggles drive configure flags with when/unless
(define %with-tests? #f)
(define %with-docs? #t)

(define (flag on? name)
  (string-append (if on? "--enable-" "--disable-") name))

(potluck-package
  (name "guile-lib")
  (version "0.2.8.1")
  (source (potluck-source
            (git-uri "https://git.savannah.nongnu.org/git/guile-lib.git")
            (git-commit "a27c95b36d1a22bb1b0ac2f2a9c9e6c9b1d3a0f4")
            (sha256 "0aakmb3a6qsq1dsfmiqvxhlyfqxlgzyj6ip5a2dqbbdlvbixhdjd")))
  (build-system 'gnu)
  (inputs '("guile@3.0"))
  (native-inputs (append '("autoconf" "automake" "pkg-config" "gettext-minimal")
                         (if %with-docs? '("texinfo") '())))
  (arguments `(#:configure-flags
               '(,(flag %with-docs? "documentation")
                 "--with-guile-site=yes")
               #:tests? ,%with-tests?))
  (home-page "https://www.nongnu.org/guile-lib/")
  (synopsis "Collection of useful Guile Scheme modules")
  (description "Guile-Lib is intended as an accumulation place for pure-scheme
Guile modules, allowing for people to cooperate integrating their generic
Guile modules into a coherent library.")
  (license 'gpl3+))
