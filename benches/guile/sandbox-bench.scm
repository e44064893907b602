;;; sandbox-bench.scm -- Guile's own `eval-in-sandbox' on potluck dishes,
;;; the way the 2017 guix potluck host evaluated them.  A baseline for
;;; `potluck-wasm bench'.
;;;
;;; Usage (from the repository root):
;;;
;;;   guile --no-auto-compile benches/guile/sandbox-bench.scm steady DIR ROUNDS
;;;   guile --no-auto-compile benches/guile/sandbox-bench.scm one FILE
;;;
;;; `steady' reads every DIR/*.scm once into memory, evaluates each dish once
;;; untimed (every dish must evaluate; failures are counted and named on
;;; stderr), then evaluates the whole corpus ROUNDS times in this one process
;;; and prints one line of JSON on stdout:
;;;   {"dishes": N, "rounds": R, "seconds": S, "dishes_per_sec": X,
;;;    "per_dish_us_median": M, "per_dish_us_p99": P, "failures": F,
;;;    "bindings": "2017", "module": "fresh"}
;;; Each timed evaluation is what the 2017 host did per dish file: `read'
;;; every form of the file's text (from a string port: no file I/O is
;;; timed), wrap them in (begin ...), `eval-in-sandbox' that in a fresh
;;; module made by `make-sandbox-module', with #:time-limit 1 (second),
;;; #:allocation-limit 50e6 (bytes) and #:sever-module? #t, then check that
;;; the single value is a potluck-package whose fields have the right shape.
;;; Exit status 0, or 1 when some dish failed.
;;;
;;; `dump DIR' prints one JSON line per dish with its evaluated fields; with
;;; benches/guile/compare.py it cross-checks another evaluator's values
;;; (`potluck-wasm check --format json') against Guile's.
;;;
;;; `one' evaluates one dish the same way (used to time cold starts: one
;;; guile process per dish) and prints {"ok":true} with exit status 0, or
;;; {"ok":false,"key":"...","error":"..."} with exit status 1.
;;;
;;; Auto-compilation: run with `--no-auto-compile' (or GUILE_AUTO_COMPILE=0).
;;; The numbers in benches/guile/README.md were taken that way: the script
;;; itself is then interpreted, which costs a few ms of start-up but is the
;;; same on every run and needs no writable cache.  The dishes are evaluated
;;; with `eval' (Guile's interpreter) either way, as in 2017.  Run without the
;;; flag, Guile compiles the script into ~/.cache/guile/ccache on first use
;;; and prints ";;; note: auto-compilation..." lines -- on stderr only: stdout
;;; carries nothing but the JSON line in every mode.
;;;
;;; Bindings.  The sandbox module gets exactly the 2017 potluck environment
;;; (the list of guix/potluck/environment.scm, as in the reference notes and
;;; in guest/src/bindings/mod.rs `ENVIRONMENT'), taken from the binding sets
;;; of (ice-9 sandbox) -- every one of those names is in `all-pure-bindings'
;;; -- plus the auxiliary syntax `else => _ ...' that (ice-9 sandbox)'s own
;;; `core-bindings' adds, plus `potluck-package' and `potluck-source' defined
;;; here.  Without the auxiliary syntax, Guile 3.0 rejects `(cond ... (else
;;; ...))', `case' with `else', `=>' clauses and `...' in a `syntax-rules'
;;; given to `let-syntax' / `define-syntax'.  The environment variable
;;; POTLUCK_BENCH_BINDINGS picks another set:
;;;   2017         (default) the 2017 list + else => _ ...
;;;   2017-strict  the 2017 list, nothing more
;;;   all-pure     (ice-9 sandbox)'s all-pure-bindings
;;;
;;; `potluck-package' and `potluck-source' are macros, as in 2017 (they were
;;; record constructors made by guix's define-record-type*): each takes
;;; (FIELD VALUE) clauses in any order; unknown or repeated fields and missing
;;; required fields are errors; `arguments' and the three input lists default
;;; to '(), `snippet' to #f.

(define-module (potluck-bench sandbox)
  #:use-module (ice-9 sandbox)
  #:use-module (ice-9 match)
  #:use-module (ice-9 ftw)
  #:use-module (ice-9 textual-ports)
  #:use-module (ice-9 pretty-print)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:export (potluck-package potluck-source))


;;; The dish records.

(define-record-type <potluck-source>
  (make-potluck-source git-uri git-commit sha256 snippet)
  potluck-source?
  (git-uri potluck-source-git-uri)
  (git-commit potluck-source-git-commit)
  (sha256 potluck-source-sha256)
  (snippet potluck-source-snippet))

(define-record-type <potluck-package>
  (make-potluck-package name version source build-system arguments
                        inputs native-inputs propagated-inputs
                        synopsis description license home-page)
  potluck-package?
  (name potluck-package-name)
  (version potluck-package-version)
  (source potluck-package-source)
  (build-system potluck-package-build-system)
  (arguments potluck-package-arguments)
  (inputs potluck-package-inputs)
  (native-inputs potluck-package-native-inputs)
  (propagated-inputs potluck-package-propagated-inputs)
  (synopsis potluck-package-synopsis)
  (description potluck-package-description)
  (license potluck-package-license)
  (home-page potluck-package-home-page))

(define (field-values what clauses fields defaults)
  "CLAUSES is an alist of (FIELD . VALUE) in source order.  Return the values
of FIELDS in that order, taking DEFAULTS (an alist) for missing fields."
  (let loop ((cs clauses) (seen '()))
    (match cs
      (() #t)
      (((f . _) . rest)
       (unless (memq f fields)
         (error (string-append what ": unknown field") f))
       (when (memq f seen)
         (error (string-append what ": field given twice") f))
       (loop rest (cons f seen)))))
  (map (lambda (f)
         (cond ((assq f clauses) => cdr)
               ((assq f defaults) => cdr)
               (else (error (string-append what ": missing field") f))))
       fields))

(define %source-fields '(git-uri git-commit sha256 snippet))
(define %package-fields
  '(name version source build-system arguments inputs native-inputs
    propagated-inputs synopsis description license home-page))

(define (build-potluck-source clauses)
  (apply make-potluck-source
         (field-values "potluck-source" clauses %source-fields
                       '((snippet . #f)))))

(define (build-potluck-package clauses)
  (apply make-potluck-package
         (field-values "potluck-package" clauses %package-fields
                       '((arguments . ()) (inputs . ())
                         (native-inputs . ()) (propagated-inputs . ())))))

(define-syntax potluck-source
  (syntax-rules ()
    ((_ (field value) ...)
     (build-potluck-source (list (cons 'field value) ...)))))

(define-syntax potluck-package
  (syntax-rules ()
    ((_ (field value) ...)
     (build-potluck-package (list (cons 'field value) ...)))))


;;; Shape checks on the result, after the sandbox returns (as the 2017 host's
;;; validate-potluck-package did; build systems and licenses are not looked
;;; up: there is no Guix here).

(define (non-empty-string? x) (and (string? x) (not (string-null? x))))
(define (string-list? x) (and (list? x) (every string? x)))
(define (hex-lower? c) (or (char-numeric? c) (memv c (string->list "abcdef"))))
(define %nix32 (string->char-set "0123456789abcdfghijklmnpqrsvwxyz"))
(define (plist? x)
  (and (list? x)
       (let loop ((x x))
         (match x
           (() #t)
           (((? keyword?) _ . rest) (loop rest))
           (_ #f)))))
(define (web-uri? s schemes)
  (and (string? s)
       (any (lambda (scheme) (string-prefix? (string-append scheme "://") s))
            schemes)))

(define (check-package pkg)
  "Return #f if PKG is well formed, or a message."
  (define (bad field) (string-append "invalid field: " field))
  (if (not (potluck-package? pkg))
      "the dish does not evaluate to a potluck-package"
      (let ((src (potluck-package-source pkg)))
        (cond
         ((not (non-empty-string? (potluck-package-name pkg))) (bad "name"))
         ((not (non-empty-string? (potluck-package-version pkg))) (bad "version"))
         ((not (potluck-source? src)) (bad "source"))
         ((not (web-uri? (potluck-source-git-uri src) '("git" "http" "https")))
          (bad "git-uri"))
         ((not (let ((c (potluck-source-git-commit src)))
                 (and (string? c) (= (string-length c) 40)
                      (string-every hex-lower? c))))
          (bad "git-commit"))
         ((not (let ((h (potluck-source-sha256 src)))
                 (and (string? h) (= (string-length h) 52)
                      (string-every %nix32 h)
                      (memv (string-ref h 0) '(#\0 #\1)))))
          (bad "sha256"))
         ((not (let ((s (potluck-source-snippet src))) (or (not s) (pair? s))))
          (bad "snippet"))
         ((not (symbol? (potluck-package-build-system pkg))) (bad "build-system"))
         ((not (plist? (potluck-package-arguments pkg))) (bad "arguments"))
         ((not (string-list? (potluck-package-inputs pkg))) (bad "inputs"))
         ((not (string-list? (potluck-package-native-inputs pkg)))
          (bad "native-inputs"))
         ((not (string-list? (potluck-package-propagated-inputs pkg)))
          (bad "propagated-inputs"))
         ((not (non-empty-string? (potluck-package-synopsis pkg))) (bad "synopsis"))
         ((not (non-empty-string? (potluck-package-description pkg)))
          (bad "description"))
         ((not (symbol? (potluck-package-license pkg))) (bad "license"))
         ((not (web-uri? (potluck-package-home-page pkg) '("http" "https")))
          (bad "home-page"))
         (else #f)))))


;;; The sandbox environment.

;; The 2017 (guix potluck environment) list, verbatim and in its order (the
;; same list as `ENVIRONMENT' in guest/src/bindings/mod.rs), without the two
;; potluck names, which are defined above.
(define %potluck-2017-names
  '(;; Core bindings.
    and begin apply call-with-values values case case-lambda case-lambda*
    cond define define* define-values do if lambda lambda* let let* letrec
    letrec* or quasiquote quote unless unquote unquote-splicing when while λ
    ;; Macro bindings.
    current-filename current-source-location define-syntax
    define-syntax-parameter define-syntax-rule identifier-syntax let-syntax
    letrec-syntax syntax-error syntax-rules
    ;; Iteration bindings.
    compose for-each identity iota map map-in-order const noop
    ;; Unspecified bindings.
    unspecified? *unspecified*
    ;; Predicate bindings.
    ->bool and-map and=> boolean? eq? equal? eqv? negate not or-map
    ;; Error bindings.
    error throw with-throw-handler catch strerror scm-error
    ;; Sort bindings.
    sort sorted? stable-sort sort-list
    ;; Alist bindings.
    acons assoc assoc-ref assq assq-ref assv assv-ref sloppy-assoc
    sloppy-assq sloppy-assv
    ;; Number bindings.
    * + - / 1+ 1- < <= = > >= abs acos acosh angle asin asinh atan atanh
    ceiling ceiling-quotient ceiling-remainder ceiling/ centered-quotient
    centered-remainder centered/ complex? cos cosh denominator
    euclidean-quotient euclidean-remainder euclidean/ even? exact->inexact
    exact-integer-sqrt exact-integer? exact? exp expt finite? floor
    floor-quotient floor-remainder floor/ gcd imag-part inf inf?
    integer-expt integer-length integer? lcm log log10 magnitude make-polar
    make-rectangular max min modulo modulo-expt most-negative-fixnum
    most-positive-fixnum nan nan? negative? numerator odd? positive?
    quotient rational? rationalize real-part real? remainder round
    round-quotient round-remainder round/ sin sinh sqrt tan tanh truncate
    truncate-quotient truncate-remainder truncate/ zero? number?
    number->string string->number
    ;; Charset bindings.
    ->char-set char-set char-set->list char-set->string char-set-adjoin
    char-set-any char-set-complement char-set-contains? char-set-copy
    char-set-count char-set-cursor char-set-cursor-next char-set-delete
    char-set-diff+intersection char-set-difference char-set-every
    char-set-filter char-set-fold char-set-for-each char-set-hash
    char-set-intersection char-set-map char-set-ref char-set-size
    char-set-unfold char-set-union char-set-xor char-set:ascii
    char-set:blank char-set:designated char-set:digit char-set:empty
    char-set:full char-set:graphic char-set:hex-digit char-set:iso-control
    char-set:letter char-set:letter+digit char-set:lower-case
    char-set:printing char-set:punctuation char-set:symbol
    char-set:title-case char-set:upper-case char-set:whitespace char-set<=
    char-set= char-set? end-of-char-set? list->char-set string->char-set
    ucs-range->char-set
    ;; String bindings.
    absolute-file-name? file-name-separator-string file-name-separator?
    in-vicinity basename dirname list->string make-string
    reverse-list->string string string->list string-any string-any-c-code
    string-append string-append/shared string-capitalize string-ci<
    string-ci<= string-ci<=? string-ci<> string-ci<? string-ci= string-ci=?
    string-ci> string-ci>= string-ci>=? string-ci>? string-compare
    string-compare-ci string-concatenate string-concatenate-reverse
    string-concatenate-reverse/shared string-concatenate/shared
    string-contains string-contains-ci string-copy string-count
    string-delete string-downcase string-drop string-drop-right
    string-every string-filter string-fold string-fold-right
    string-for-each string-for-each-index string-hash string-hash-ci
    string-index string-index-right string-join string-length string-map
    string-normalize-nfc string-normalize-nfd string-normalize-nfkc
    string-normalize-nfkd string-null? string-pad string-pad-right
    string-prefix-ci? string-prefix-length string-prefix-length-ci
    string-prefix? string-ref string-replace string-reverse string-rindex
    string-skip string-skip-right string-split string-suffix-ci?
    string-suffix-length string-suffix-length-ci string-suffix?
    string-tabulate string-take string-take-right string-titlecase
    string-tokenize string-trim string-trim-both string-trim-right
    string-unfold string-unfold-right string-upcase string-utf8-length
    string< string<= string<=? string<> string<? string= string=? string>
    string>= string>=? string>? string? substring substring/copy
    substring/read-only substring/shared xsubstring
    ;; Symbol bindings.
    string->symbol string-ci->symbol symbol->string list->symbol
    make-symbol symbol symbol-append symbol-interned? symbol?
    ;; Keyword bindings.
    keyword? keyword->symbol symbol->keyword
    ;; Bit bindings.
    ash round-ash logand logcount logior lognot logtest logxor logbit?
    ;; Char bindings.
    char-alphabetic? char-ci<=? char-ci<? char-ci=? char-ci>=? char-ci>?
    char-downcase char-general-category char-is-both? char-lower-case?
    char-numeric? char-titlecase char-upcase char-upper-case?
    char-whitespace? char<=? char<? char=? char>=? char>? char?
    char->integer integer->char
    ;; List bindings.
    list list-cdr-ref list-copy list-head list-index list-ref list-tail
    list? null? make-list append delete delq delv filter length member memq
    memv merge reverse last-pair
    ;; Pair bindings.
    pair? caaaar caaadr caaar caadar caaddr caadr caar cadaar cadadr cadar
    caddar cadddr caddr cadr car cdaaar cdaadr cdaar cdadar cdaddr cdadr
    cdar cddaar cddadr cddar cdddar cddddr cdddr cddr cdr cons cons*
    ;; Promise bindings.
    force delay make-promise promise?))

(define %auxiliary-syntax '(else => _ ...))

(define (select-bindings sets names)
  "Keep, from the (ice-9 sandbox) binding SETS, the imports named in NAMES;
error if some name is in none of them."
  (let* ((kept (filter-map
                (match-lambda
                  ((iface . imports)
                   (match (filter (lambda (i) (memq (if (pair? i) (cdr i) i) names))
                                  imports)
                     (() #f)
                     (some (cons iface some)))))
                sets))
         (found (append-map (lambda (set)
                              (map (lambda (i) (if (pair? i) (cdr i) i)) (cdr set)))
                            kept))
         (missing (lset-difference eq? names found)))
    (unless (null? missing)
      (error "not in the (ice-9 sandbox) binding sets:" missing))
    kept))

(define %potluck-bindings
  '(((potluck-bench sandbox) potluck-package potluck-source)))

(define %bindings-choice
  (or (getenv "POTLUCK_BENCH_BINDINGS") "2017"))

(define %bindings
  (append
   (cond
    ((string=? %bindings-choice "2017")
     (select-bindings (append core-bindings all-pure-bindings)
                      (append %potluck-2017-names %auxiliary-syntax)))
    ((string=? %bindings-choice "2017-strict")
     (select-bindings all-pure-bindings %potluck-2017-names))
    ((string=? %bindings-choice "all-pure") all-pure-bindings)
    (else (error "POTLUCK_BENCH_BINDINGS must be 2017, 2017-strict or all-pure"
                 %bindings-choice)))
   %potluck-bindings))


;;; Evaluating one dish.

(define (exception->string key args)
  "A one-line description of the exception KEY ARGS.  Hostile dishes throw
huge or shared (DAG) irritants and bad format strings: print with a bound,
and keep (ice-9 format)'s own complaints, which go to the current output
port, off stdout."
  (let ((sink (%make-void-port "w")))
    (with-output-to-port sink
      (lambda ()
        (with-error-to-port sink
          (lambda ()
            (catch #t
              (lambda ()
                (match args
                  ((who (? string? message) (? list? irritants) . _)
                   (string-append
                    (if (string? who) (string-append "In procedure " who ": ") "")
                    message " -- "
                    (call-with-output-string
                      (lambda (port)
                        (truncated-print irritants #:port port #:width 300)))))
                  (_
                   (call-with-output-string
                     (lambda (port)
                       (truncated-print (cons key args) #:port port
                                        #:width 300))))))
              (lambda _ (symbol->string key)))))))))

(define (read-forms text)
  (call-with-input-string text
    (lambda (port)
      (let loop ((forms '()))
        (let ((form (read port)))
          (if (eof-object? form)
              (reverse forms)
              (loop (cons form forms))))))))

;; POTLUCK_BENCH_MODULE picks how each dish's fresh module is made:
;;   fresh  (default) `make-sandbox-module' on %bindings for every dish, which
;;          builds new #:select interfaces over all ~440 names each time;
;;   shared a fresh purified module per dish that uses interfaces built once
;;          (what `make-sandbox-module' does, minus rebuilding them): the
;;          equivalent of a module "importing only (guix potluck
;;          environment)", an interface that exists once per process.
(define %module-choice
  (or (getenv "POTLUCK_BENCH_MODULE") "fresh"))

(define make-dish-module
  (cond
   ((string=? %module-choice "fresh")
    (lambda () (make-sandbox-module %bindings)))
   ((string=? %module-choice "shared")
    (let ((interfaces (module-uses (make-sandbox-module %bindings))))
      (lambda ()
        (let ((m (make-fresh-user-module)))
          (purify-module! m)
          (module-use-interfaces! m interfaces)
          m))))
   (else (error "POTLUCK_BENCH_MODULE must be fresh or shared" %module-choice))))

(define (run-dish text)
  "Evaluate the dish TEXT as the 2017 host did.  Return (#t . PACKAGE) on
success, or (#f KEY . MESSAGE)."
  (catch #t
    (lambda ()
      (let ((forms (read-forms text)))
        (call-with-values
            (lambda ()
              (eval-in-sandbox `(begin ,@forms)
                               #:module (make-dish-module)
                               #:time-limit 1
                               #:allocation-limit #e50e6
                               #:sever-module? #t))
          (case-lambda
            ((pkg) (let ((bad (check-package pkg)))
                     (if bad
                         (cons* #f 'validation bad)
                         (cons #t pkg))))
            (vals (cons* #f 'validation
                         (format #f "the dish returned ~a values, not one"
                                 (length vals))))))))
    (lambda (key . args)
      (cons* #f key (exception->string key args)))))

(define (evaluate-dish text)
  "Evaluate the dish TEXT.  Return #f on success, or a pair (KEY . MESSAGE)."
  (match (run-dish text)
    ((#t . _) #f)
    ((#f . failure) failure)))


;;; Output.

(define (json-string s)
  (call-with-output-string
    (lambda (port)
      (write-char #\" port)
      (string-for-each
       (lambda (c)
         (let ((n (char->integer c)))
           (cond ((char=? c #\") (display "\\\"" port))
                 ((char=? c #\\) (display "\\\\" port))
                 ((char=? c #\newline) (display "\\n" port))
                 ((or (< n #x20) (> n #x7e))
                  (let ((u (lambda (k)
                             (display "\\u" port)
                             (display (string-pad (number->string k 16) 4 #\0)
                                      port))))
                    (if (> n #xffff)
                        (let ((m (- n #x10000)))
                          (u (+ #xd800 (ash m -10)))
                          (u (+ #xdc00 (logand m #x3ff))))
                        (u n))))
                 (else (write-char c port)))))
       s)
      (write-char #\" port))))

(define (json-number x)
  (if (exact-integer? x)
      (number->string x)
      (number->string (/ (round (* (exact->inexact x) 10)) 10))))

(define (print-json alist)
  (display "{")
  (let loop ((kv alist) (first? #t))
    (match kv
      (() #t)
      (((k . v) . rest)
       (unless first? (display ", "))
       (display (json-string k))
       (display ": ")
       (display (cond ((string? v) (json-string v))
                      ((eq? v #t) "true")
                      ((eq? v #f) "false")
                      (else (json-number v))))
       (loop rest #f))))
  (display "}")
  (newline)
  (force-output))


;;; Modes.

(define (read-text file)
  (call-with-input-file file get-string-all #:encoding "UTF-8"))

(define (corpus dir)
  (let ((names (or (scandir dir (lambda (f) (string-suffix? ".scm" f)))
                   (error "cannot read directory" dir))))
    (map (lambda (f)
           (let ((path (string-append dir "/" f)))
             (cons path (read-text path))))
         names)))

(define (now) (get-internal-real-time))
(define (seconds t) (/ t (exact->inexact internal-time-units-per-second)))

(define (percentile sorted p)
  (if (null? sorted)
      0
      (list-ref sorted (min (1- (length sorted))
                            (inexact->exact (floor (* p (length sorted))))))))

(define (steady dir rounds)
  (let* ((dishes (corpus dir))
         (failures
          ;; One untimed pass: every dish must evaluate, or the numbers mean
          ;; nothing.
          (filter-map (match-lambda
                        ((path . text)
                         (let ((r (evaluate-dish text)))
                           (and r
                                (begin
                                  (format (current-error-port) "FAIL ~a: ~a: ~a~%"
                                          path (car r) (string-trim-right (cdr r)))
                                  path)))))
                      dishes))
         (latencies '())
         (start (now)))
    (do ((i 0 (1+ i))) ((= i rounds))
      (for-each (match-lambda
                  ((path . text)
                   (let ((t0 (now)))
                     (evaluate-dish text)
                     (set! latencies (cons (- (now) t0) latencies)))))
                dishes))
    (let* ((elapsed (seconds (- (now) start)))
           (n (* rounds (length dishes)))
           (sorted (sort latencies <))
           (us (lambda (t) (* 1e6 (seconds t)))))
      (print-json
       `(("dishes" . ,(length dishes))
         ("rounds" . ,rounds)
         ("seconds" . ,(/ (round (* elapsed 1000)) 1000.))
         ("dishes_per_sec" . ,(if (zero? elapsed) 0 (/ n elapsed)))
         ("per_dish_us_median" . ,(us (percentile sorted 0.5)))
         ("per_dish_us_p99" . ,(us (percentile sorted 0.99)))
         ("failures" . ,(length failures))
         ("bindings" . ,%bindings-choice)
         ("module" . ,%module-choice)))
      (exit (if (null? failures) 0 1)))))

(define (one file)
  (let ((r (catch #t
             (lambda () (evaluate-dish (read-text file)))
             (lambda (key . args)
               (cons key (exception->string key args))))))
    (if r
        (begin
          (print-json `(("ok" . #f)
                        ("key" . ,(symbol->string (car r)))
                        ("error" . ,(string-trim-right (cdr r)))))
          (exit 1))
        (begin
          (display "{\"ok\":true}")
          (newline)
          (exit 0)))))

(define (dump dir)
  "Print one JSON line per dish of DIR with the evaluated fields (`arguments'
and `snippet' as `write' text), for cross-checking other evaluators against
Guile (see compare.py)."
  (define (w x) (call-with-output-string (lambda (port) (write x port))))
  (for-each
   (match-lambda
     ((path . text)
      (match (run-dish text)
        ((#f key . message)
         (print-json `(("file" . ,path) ("ok" . #f)
                       ("key" . ,(symbol->string key))
                       ("error" . ,(string-trim-right message)))))
        ((#t . pkg)
         (let ((src (potluck-package-source pkg)))
           (print-json
            `(("file" . ,path) ("ok" . #t)
              ("name" . ,(potluck-package-name pkg))
              ("version" . ,(potluck-package-version pkg))
              ("git-uri" . ,(potluck-source-git-uri src))
              ("git-commit" . ,(potluck-source-git-commit src))
              ("sha256" . ,(potluck-source-sha256 src))
              ("snippet" . ,(w (potluck-source-snippet src)))
              ("build-system" . ,(w (potluck-package-build-system pkg)))
              ("arguments" . ,(w (potluck-package-arguments pkg)))
              ("inputs" . ,(w (potluck-package-inputs pkg)))
              ("native-inputs" . ,(w (potluck-package-native-inputs pkg)))
              ("propagated-inputs"
               . ,(w (potluck-package-propagated-inputs pkg)))
              ("synopsis" . ,(potluck-package-synopsis pkg))
              ("description" . ,(potluck-package-description pkg))
              ("license" . ,(w (potluck-package-license pkg)))
              ("home-page" . ,(potluck-package-home-page pkg)))))))))
   (corpus dir)))

(define (usage)
  (display "usage: guile --no-auto-compile sandbox-bench.scm steady DIR ROUNDS
       guile --no-auto-compile sandbox-bench.scm one FILE
       guile --no-auto-compile sandbox-bench.scm dump DIR
" (current-error-port))
  (exit 2))

(match (cdr (command-line))
  (("steady" dir rounds)
   (let ((r (string->number rounds)))
     (unless (and (exact-integer? r) (positive? r)) (usage))
     (steady dir r)))
  (("one" file) (one file))
  (("dump" dir) (dump dir))
  (_ (usage)))
