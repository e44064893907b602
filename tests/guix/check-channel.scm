;;; check-channel.scm -- do with a channel directory what real Guix does.
;;;
;;; README.  Run, with a Guix source tree (no Guix daemon or store needed):
;;;
;;;   GUILE_AUTO_COMPILE=0 guile -L /work/shared/guix/src -s check-channel.scm \
;;;       [--quiet] [--keep] CHANNEL-DIR [CHANNEL-DIR...]
;;;
;;; Guix is loaded once.  The Guix package modules imported by the channels
;;; are loaded once, in this process; then each channel is checked in a
;;; forked child (so that channels defining the same module names do not see
;;; each other's modules, and so that 'compile-files' may 'primitive-exit').
;;; For each CHANNEL-DIR:
;;;  1. "guix pull" build: '.guix-channel' is read with guix/channels.scm's
;;;     'read-channel-metadata-from-source'; its 'directory' (default ".") is
;;;     the module directory; every "\\.scm$" file under it (find-files) is
;;;     passed to (guix build compile)'s 'compile-files' with exactly the
;;;     arguments 'standard-module-derivation' (guix/channels.scm) passes:
;;;     #:optimization-options (const (optimizations-for-level 1)).  That
;;;     loads all the files, then compiles them to .go files in a temporary
;;;     directory.  It runs in its own process, whose output is shown.  Then,
;;;     to name every faulty file (compile-files stops at the first), each
;;;     file's module is loaded on its own with 'resolve-interface', as
;;;     'load-files' does.
;;;  2. For every module: each public variable bound to a package has its
;;;     fields forced and checked (name, version, source origin, build
;;;     system, arguments, inputs, native-inputs, propagated-inputs, home
;;;     page, synopsis, description, license); it gets the entry
;;;     'generate-package-cache' (gnu/packages.scm) computes during
;;;     "guix pull" (including 'supported-package?'); 'package->bag' for
;;;     x86_64-linux; then the bag is handled as 'bag->derivation'
;;;     (guix/packages.scm) does, without a store: 'expand-input' on each
;;;     transitive input (it raises &package-input-error for invalid ones),
;;;     then the bag's build procedure is applied to the name, the inputs,
;;;     #:search-paths, #:outputs, #:system and the bag's arguments.  That
;;;     application returns an un-run store-monad value; an unknown keyword
;;;     in 'arguments' fails here, as it does in "guix build".  Channel
;;;     packages reached through inputs but not exported are checked too.
;;;     If 'supported-package?' fails only because a Guix package of the
;;;     dependency graph fails on its own (as cmake@4.1.3 does in the test
;;;     tree, whose tex.scm is older), that is printed as a note, not a FAIL.
;;;     Flag values that are literal lists, like '(#:make-flags ("-j1")), are
;;;     spliced into the builder as code: warned about (they fail in the
;;;     build itself, not before it).
;;;  3. Prints "ok MODULE" or "FAIL MODULE: reason" per module, a summary and
;;;     the time of each phase.  Exit status is 1 if anything failed.
;;;     --quiet leaves out the per-package field listing; --keep keeps the
;;;     temporary directory (.go files, compile-files log).
;;;
;;; Not covered: things only the daemon or the build itself hit (downloads,
;;; hash mismatches, build-side errors in phases or flags), channel
;;; dependencies named in '.guix-channel' (add them with -L), and the files
;;; being committed in Git ("guix pull" sees the committed tree without .git;
;;; this script sees the directory as it is, minus .git).

(define %t-start (get-internal-real-time))

(define (seconds-since t)
  (exact->inexact (/ (round (/ (* 10 (- (get-internal-real-time) t))
                               internal-time-units-per-second))
                     10)))

(use-modules (guix packages)
             (guix build-system)
             (guix build compile)
             (guix build utils)
             (guix modules)
             (guix gexp)
             (guix monads)
             (guix diagnostics)
             ((guix licenses) #:select (license? license-name))
             (guix git-download)
             (guix channels)
             (gnu packages)
             (system base optimize)
             (system base compile)
             (system base message)
             (srfi srfi-1)
             (srfi srfi-11)
             (srfi srfi-26)
             (ice-9 match)
             (ice-9 format)
             (ice-9 rdelim)
             (ice-9 regex)
             (ice-9 exceptions)
             (ice-9 control)
             (rnrs bytevectors))

(define %t-guix (seconds-since %t-start))

(define %system "x86_64-linux")

;; Private procedures of Guix that we mirror or reuse.
(define read-channel-metadata-from-source
  (@@ (guix channels) read-channel-metadata-from-source))
(define channel-metadata-directory
  (@@ (guix channels) channel-metadata-directory))
(define expand-input (@@ (guix packages) expand-input))
(define input=? (@@ (guix packages) input=?))
(define relative-file (@@ (guix build compile) relative-file))


;;;
;;; Command line.
;;;

(define %args (cdr (command-line)))
(define %quiet? (member "--quiet" %args))
(define %keep? (member "--keep" %args))
(define %channel-dirs
  (map (lambda (dir)
         (let ((dir (if (file-exists? dir) (canonicalize-path dir) dir)))
           (if (and (> (string-length dir) 1) (string-suffix? "/" dir))
               (string-drop-right dir 1)
               dir)))
       (remove (cut string-prefix? "--" <>) %args)))

(when (null? %channel-dirs)
  (format (current-error-port)
          "usage: guile -L GUIX-SRC -s check-channel.scm [--quiet] [--keep] CHANNEL-DIR...~%")
  (exit 2))


;;;
;;; Helpers.
;;;

(define (one-line str)
  (string-trim-both
   (regexp-substitute/global #f "[ \t]*\n[ \t]*" str 'pre " " 'post)))

(define (exception->string c)
  "Return a one-line description of C, a raised object."
  (one-line
   (cond ((package-input-error? c)
          (format #f "package `~a' has an invalid input: ~s"
                  (package-full-name (package-error-package c))
                  (package-error-invalid-input c)))
         ((package-cyclic-dependency-error? c)
          (format #f "dependency cycle involving ~a"
                  (package-full-name (package-error-package c))))
         ((formatted-message? c)
          (apply format #f (formatted-message-string c)
                 (formatted-message-arguments c)))
         ((and (exception? c) (exception-with-message? c)
               (eq? '%exception (exception-kind c)))
          (format #f "~a~@[ ~s~]" (exception-message c)
                  (and (exception-with-irritants? c)
                       (exception-irritants c))))
         ((package-error? c)
          (format #f "package error: ~a"
                  (package-full-name (package-error-package c))))
         ((exception? c)
          (let ((str (call-with-output-string
                       (lambda (port)
                         (print-exception port #f (exception-kind c)
                                          (exception-args c))))))
            ;; Guile prints keys it does not know as "Throw to key ...";
            ;; format the usual (SUBR MESSAGE ARGS REST) arguments instead.
            (match (and (string-prefix? "Throw to key" str)
                        (exception-args c))
              (((? (lambda (x) (or (not x) (string? x))) subr)
                (? string? message) (? list? args) . _)
               (format #f "~@[In procedure ~a: ~]~a" subr
                       (apply simple-format #f message args)))
              (_ str))))
         (else (object->string c)))))

(define (try thunk)
  "Call THUNK; return (values #t RESULT), or (values #f MESSAGE) if it raised."
  (let/ec escape
    (with-exception-handler
        (lambda (c) (escape #f (exception->string c)))
      (lambda () (values #t (thunk))))))

(define (say fmt . args)
  (apply format #t fmt args)
  (force-output (current-output-port)))

(define (detail fmt . args)
  (unless %quiet? (apply say fmt args)))

(define (truncated obj n)
  (let ((str (if (string? obj) obj (object->string obj))))
    (if (> (string-length str) n)
        (string-append (string-take str n) "...")
        str)))

(define (file-is-directory?* file)
  (false-if-exception (eq? 'directory (stat:type (stat file)))))

(define (channel-module-directory dir)
  "Return the module directory of channel DIR as 'standard-module-derivation'
computes it: DIR followed by the 'directory' of '.guix-channel'."
  (let* ((metadata  (read-channel-metadata-from-source dir))
         (directory (channel-metadata-directory metadata)))
    (string-append dir directory)))

(define (channel-files source)
  ;; Same as the builder's (find-files source "\\.scm$"), except that the
  ;; .git directory, which 'guix pull' does not copy to the store, is skipped.
  (remove (lambda (file) (string-contains file "/.git/"))
          (find-files source "\\.scm$")))

(define (file-forms file)
  "Return the top-level forms of FILE, or '() if it cannot be read."
  (catch #t
    (lambda ()
      (call-with-input-file file
        (lambda (port)
          (let loop ((forms '()))
            (let ((form (read port)))
              (if (eof-object? form)
                  (reverse forms)
                  (loop (cons form forms))))))))
    (const '())))

(define (module-imports file)
  "Return the module names FILE imports with #:use-module or use-modules."
  (define (spec->name spec)
    (match spec
      (((? symbol? s) ...) (list s))
      ((((? symbol? s) ...) . _) (list s))
      (_ '())))
  (append-map (match-lambda
                (('define-module name opts ...)
                 (let loop ((opts opts) (result '()))
                   (match opts
                     ((#:use-module spec . rest)
                      (loop rest (append (spec->name spec) result)))
                     ((_ . rest) (loop rest result))
                     (() result))))
                (('use-modules specs ...)
                 (append-map spec->name specs))
                (_ '()))
              (file-forms file)))


;;;
;;; Phase 0 (parent): load the Guix modules the channels import, once.
;;;

(define (preload-imports! dirs)
  (let* ((sources  (filter-map (lambda (dir)
                                 (let-values (((ok? source)
                                               (try (lambda ()
                                                      (channel-module-directory dir)))))
                                   (and ok? source)))
                               dirs))
         (files    (append-map (lambda (source)
                                 (map (cut cons source <>)
                                      (channel-files source)))
                               sources))
         (own      (map (match-lambda
                          ((source . file)
                           (file-name->module-name
                            (relative-file source file))))
                        files))
         (imports  (lset-difference equal?
                                    (delete-duplicates
                                     (append-map (compose module-imports cdr)
                                                 files))
                                    own))
         (imports  (sort imports (lambda (a b)
                                   (string<? (object->string a)
                                             (object->string b))))))
    (say "preloading ~a modules imported by ~a channel file(s)...~%"
         (length imports) (length files))
    (for-each (lambda (name)
                ;; Errors are reported later, per channel file.
                (try (lambda () (resolve-interface name))))
              imports)
    imports))

(define (warm-up-build-systems! imports)
  "Lower a dummy package with every build system exported by the imported
(guix build-system ...) modules and apply its build procedure, so that their
implicit inputs and default Guile (and the package modules defining them)
are loaded once, here."
  (for-each
   (lambda (name)
     (match name
       (('guix 'build-system _)
        (let-values (((ok? iface) (try (lambda () (resolve-interface name)))))
          (when ok?
            (module-for-each
             (lambda (sym var)
               (let ((bs (false-if-exception (variable-ref var))))
                 (when (build-system? bs)
                   (try (lambda ()
                          (let ((p (package
                                     (name "warm-up") (version "0") (source #f)
                                     (build-system bs) (home-page #f)
                                     (synopsis "") (description "")
                                     (license #f))))
                            (parameterize ((%current-system %system))
                              (apply-bag-build (package->bag p %system #f)
                                               p))))))))
             iface))))
       (_ #t)))
   imports))


;;;
;;; Phase 1: the "guix pull" build of the channel modules.
;;;

(define (run-compile-files source go files log)
  "Run, in a child process with its output going to LOG, what the builder of
'standard-module-derivation' runs.  Return its exit status."
  (force-output (current-output-port))
  (force-output (current-error-port))
  (match (primitive-fork)
    (0
     (let ((fd (open-fdes log (logior O_WRONLY O_CREAT O_TRUNC) #o644)))
       (dup2 fd 1) (dup2 fd 2) (close-fdes fd))
     (with-exception-handler
         (lambda (c)
           ;; In the real builder this exception aborts the build.
           (format (current-error-port)
                   "~%error: exception while loading the channel modules: ~a~%"
                   (exception->string c))
           (force-output (current-error-port))
           (primitive-exit 1))
       (lambda ()
         ;; Mirrors guix/channels.scm, 'standard-module-derivation'.
         (define -O1 (optimizations-for-level 1))
         (compile-files source go files
                        #:optimization-options (const -O1))))
     (force-output (current-output-port))
     (force-output (current-error-port))
     (primitive-exit 0))
    (pid
     (status:exit-val (cdr (waitpid pid))))))

(define (parse-compile-log log source)
  "Return two alists, relative file -> error reason and relative file ->
warning lines, from the output of 'compile-files' in LOG."
  (define lines
    (call-with-input-file log
      (lambda (port)
        (let loop ((acc '()))
          (match (read-line port)
            ((? eof-object?) (reverse acc))
            (line (loop (cons line acc))))))))
  (define failed-rx (make-regexp "^error: failed to compile '(.*)':"))
  (define warning-rx (make-regexp "^(.*\\.scm):[0-9]+:[0-9]+: warning: "))
  (let loop ((lines lines) (errors '()) (warnings '()))
    (match lines
      (() (values (reverse errors) (reverse warnings)))
      ((line . rest)
       (cond ((regexp-exec failed-rx line)
              => (lambda (m)
                   (let* ((file  (relative-file source (match:substring m 1)))
                          (block (take-while
                                  (lambda (l) (not (string-prefix? "error: " l)))
                                  rest))
                          (msg   (find (lambda (l)
                                         (not (string-null? (string-trim l))))
                                       (reverse block))))
                     (loop rest
                           (alist-cons file (or msg "compilation failed")
                                       errors)
                           warnings))))
             ((regexp-exec warning-rx line)
              => (lambda (m)
                   (loop rest errors
                         (alist-cons (relative-file source (match:substring m 1))
                                     line warnings))))
             (else (loop rest errors warnings)))))))


;;;
;;; Phase 2: packages.
;;;

(define (license-ok? x)
  (or (license? x)
      (and (pair? x) (every license? x))))

(define (license->string x)
  (cond ((license? x) (license-name x))
        ((list? x) (string-join (map license->string x) ", "))
        (else (object->string x))))

(define (input->string input)
  (match input
    ((label (? package? p) outputs ...)
     (format #f "~a~a" (package-full-name p)
             (if (null? outputs) "" (string-append ":" (string-join outputs ":")))))
    ((label thing . _) (format #f "~a=~a" label (truncated thing 60)))
    (x (truncated x 60))))

(define (check-input field input)
  "Return #f if INPUT, an element of FIELD, is well-formed, or a message."
  (match input
    (((? string? label) (? package? p))
     #f)
    (((? string? label) (? package? p) (? string? output))
     (and (not (member output (package-outputs p)))
          (format #f "~a: input ~a refers to output \"~a\", which it lacks \
(outputs: ~s)" field (package-full-name p) output (package-outputs p))))
    (((? string? label) (or (? origin?) (? file-like?) (? string?)) . _)
     #f)
    (x (format #f "~a: invalid input ~s" field x))))

(define (origin-description o)
  (let ((uri (origin-uri o)))
    (format #f "~a ~a~@[ file-name ~a~]"
            (or (procedure-name (origin-method o)) (origin-method o))
            (if (git-reference? uri)
                (format #f "~a @ ~a" (git-reference-url uri)
                        (git-reference-commit uri))
                (truncated uri 80))
            (origin-file-name o))))

(define (check-origin o)
  "Return a list of problems with origin O."
  (append
   (if (procedure? (origin-method o)) '() '("source: method is not a procedure"))
   (let ((h (origin-hash o)))
     (if (and (content-hash? h)
              (symbol? (content-hash-algorithm h))
              (bytevector? (content-hash-value h))
              (= 32 (bytevector-length (content-hash-value h))))
         '()
         (list (format #f "source: bad hash ~s" h))))
   (let-values (((ok? patches) (try (lambda () (origin-patches o)))))
     (cond ((not ok?) (list (string-append "source: patches: " patches)))
           ((not (list? patches)) (list "source: patches is not a list"))
           (else
            (filter-map (lambda (p)
                          (and (string? p) (not (file-exists? p))
                               (format #f "source: patch ~a not found" p)))
                        patches))))))

(define (flag-expression-warnings args)
  "ARGS are package arguments.  Flag values like '(#:make-flags (\"-j1\")):
the value is spliced into the build script as code, so the build would try
to apply a string (this only fails inside the build, hence a warning)."
  (let loop ((args args) (result '()))
    (match args
      (((? keyword? kw) ((? (lambda (x) (or (string? x) (number? x)
                                             (char? x) (boolean? x)))
                            head) . _) . rest)
       (loop rest
             (cons (format #f "~a value ~a is build-side code that applies \
~s (fails during the build)" kw (truncated (cadr args) 50) head)
                   result)))
      ((_ . rest) (loop rest result))
      (() (reverse result))
      (_ (reverse result)))))

(define (apply-bag-build bag context)
  "Do what 'bag->derivation' (guix/packages.scm) does with BAG, without a
store: validate and expand its transitive inputs with 'expand-input', then
apply the bag's build procedure like it does.  Packages are passed as
gexp-inputs of the package itself instead of its (store-made) derivation.
Return the result, an un-run store-monad value."
  (let* ((system (bag-system bag))
         (inputs (bag-transitive-inputs bag))
         (input-drvs
          (map (lambda (input)
                 ;; Raises &package-input-error for an invalid input.
                 (let ((mvalue (expand-input context input system)))
                   (match input
                     (((? string? name) (? package? p))
                      (list name (gexp-input p #:native? #t)))
                     (((? string? name) (? package? p) (? string? output))
                      (list name (gexp-input p output #:native? #t)))
                     (_
                      ;; No store access for non-package inputs: run it.
                      (run-with-state mvalue #f)))))
               inputs))
         (paths (delete-duplicates
                 (append-map (match-lambda
                               ((_ (? package? p) _ ...)
                                (package-native-search-paths p))
                               (_ '()))
                             inputs))))
    (apply (bag-build bag) (bag-name bag)
           (delete-duplicates input-drvs input=?)
           #:search-paths paths
           #:outputs (bag-outputs bag) #:system system
           (bag-arguments bag))))

(define (check-package pkg module symbol source checked note!)
  "Check PKG, bound to SYMBOL in MODULE.  Return a list of error strings.
CHECKED is a hash table of packages already checked."
  (define errors '())
  (define (fail! fmt . args)
    (let ((msg (apply format #f fmt args)))
      (set! errors (cons msg errors))
      (detail "    FAIL ~a~%" msg)))
  (define-syntax-rule (field label expr check show)
    ;; Force EXPR; FAIL if it raises or CHECK is false; print SHOW.
    (let-values (((ok? value) (try (lambda () expr))))
      (cond ((not ok?) (fail! "~a: ~a" label value) #f)
            ((not (check value))
             (fail! "~a: unexpected value ~a" label (truncated value 80)) #f)
            (else (detail "    ~a: ~a~%" label (show value)) value))))

  (hashq-set! checked pkg #t)
  (detail "  package ~a = ~a@~a~@[ (~a)~]~%" symbol
          (package-name pkg) (package-version pkg)
          (and=> (package-location pkg) location->string))
  (parameterize ((%current-system %system)
                 (%current-target-system #f))
    (field "name" (package-name pkg)
           (lambda (x) (and (string? x) (not (string-null? x)))) identity)
    (field "version" (package-version pkg) string? identity)
    (let ((src (field "source" (package-source pkg)
                      (lambda (x) (or (not x) (origin? x) (file-like? x)))
                      (lambda (x)
                        (if (origin? x) (origin-description x) (truncated x 80))))))
      (when (origin? src)
        (for-each (cut fail! "~a" <>) (check-origin src))))
    (field "build-system" (package-build-system pkg) build-system?
           build-system-name)
    (let ((args (field "arguments" (package-arguments pkg)
                       (lambda (x) (or (list? x) (gexp? x)))
                       (cut truncated <> 160))))
      (when (list? args)
        (for-each (cut detail "    warning: ~a~%" <>)
                  (flag-expression-warnings args))))
    (for-each (match-lambda
                ((label accessor)
                 (let ((inputs (field label (accessor pkg) list?
                                      (lambda (l)
                                        (string-join (map input->string l)
                                                     " ")))))
                   (when (list? inputs)
                     (for-each (lambda (input)
                                 (and=> (check-input label input)
                                        (cut fail! "~a" <>)))
                               inputs)))))
              `(("inputs" ,package-inputs)
                ("native-inputs" ,package-native-inputs)
                ("propagated-inputs" ,package-propagated-inputs)))
    (field "outputs" (package-outputs pkg)
           (lambda (x) (and (list? x) (every string? x))) identity)
    (field "home-page" (package-home-page pkg)
           (lambda (x) (or (not x) (string? x))) identity)
    (field "synopsis" (package-synopsis pkg) string? identity)
    (field "description" (package-description pkg) string?
           (cut truncated <> 70))
    (field "license" (package-license pkg) license-ok? license->string)
    ;; What 'generate-package-cache' (gnu/packages.scm) computes for each
    ;; package during "guix pull"; 'supported-package?' forces the inputs
    ;; of the whole dependency graph through 'package->bag'.
    (let-values (((ok? entry)
                  (try (lambda ()
                         (vector (package-name pkg) (package-version pkg)
                                 (module-name module) symbol
                                 (package-outputs pkg)
                                 (->bool (supported-package? pkg %system))
                                 (->bool (package-superseded pkg))
                                 (and=> (package-location pkg)
                                        location-file))))))
      (define (guix-culprit)
        ;; If the error comes from a Guix package of the dependency graph
        ;; (as with the modified tex.scm of the test tree), return it.
        (find (lambda (dep)
                (and (not (channel-package? dep source))
                     (not (try (lambda () (supported-package? dep %system))))))
              (filter-map (match-lambda ((_ (? package? p) . _) p) (_ #f))
                          (or (false-if-exception
                               (bag-direct-inputs*
                                (package->bag pkg %system #f)))
                              '()))))
      (cond (ok? (detail "    package-cache entry (guix pull): ~a~%"
                         (truncated entry 140)))
            ((guix-culprit)
             => (lambda (dep)
                  (note! (format #f "~a: package-cache entry: error inside \
Guix package ~a, not in this channel: ~a" symbol (package-full-name dep) entry))
                  (detail "    NOTE package-cache entry (guix pull): error \
inside Guix package ~a of the dependency graph, not in this channel: ~a~%"
                          (package-full-name dep) entry)))
            (else (fail! "package-cache entry (guix pull): ~a" entry))))
    (let ((bag (field "package->bag" (package->bag pkg %system #f) bag?
                      (lambda (bag)
                        (format #f "~a, build ~a, ~a direct inputs, outputs ~s"
                                (bag-name bag)
                                (procedure-name (bag-build bag))
                                (length (bag-direct-inputs* bag))
                                (bag-outputs bag))))))
      (when bag
        (field (format #f "apply ~a (as bag->derivation)"
                       (procedure-name (bag-build bag)))
               (apply-bag-build bag pkg)
               procedure?
               (const "ok (store-monad value, not run)"))
        ;; Channel packages reached through inputs that are not exported
        ;; (public ones are checked with their own module).
        (for-each
         (match-lambda
           ((_ (? package? dep) . _)
            (unless (or (hashq-ref checked dep)
                        (not (channel-package? dep source)))
              (hashq-set! checked dep #t)
              (unless (public-package? dep)
                (detail "  (non-exported channel package reached through inputs)~%")
                (set! errors
                  (append (map (cut string-append
                                    (package-full-name dep) ": " <>)
                               (check-package dep module
                                              (string->symbol (package-name dep))
                                              source checked note!))
                          errors)))))
           (_ #t))
         (or (false-if-exception (bag-transitive-inputs bag)) '())))))
  (reverse errors))

(define (bag-direct-inputs* bag)
  (append (bag-build-inputs bag) (bag-host-inputs bag) (bag-target-inputs bag)))

(define %public-packages (make-hash-table))
(define (public-package? p) (hashq-ref %public-packages p))

(define (channel-package? p source)
  (match (package-location p)
    (#f #f)
    (loc (let ((file (search-path %load-path (location-file loc))))
           (and file (string-prefix? (string-append source "/") file))))))


;;;
;;; Checking one channel (in a child process).
;;;

(define (check-channel dir)
  "Check channel DIR; return #t on success."
  (define t0 (get-internal-real-time))
  (define timings '())
  (define (phase! name t) (set! timings (cons (cons name (seconds-since t)) timings)))

  (say "~%=== channel ~a~%" dir)
  (let-values (((ok? source) (try (lambda () (channel-module-directory dir)))))
    (cond
     ((not ok?)
      (say "FAIL ~a/.guix-channel: ~a~%" dir source)
      #f)
     ((not (file-is-directory?* source))
      ;; 'guix pull' would build an empty channel (a dangling symlink).
      (say "FAIL ~a: module directory ~a named by .guix-channel does not exist~%"
           dir source)
      #f)
     (else
        (let* ((files    (channel-files source))
               (rel      (map (cut relative-file source <>) files))
               (modules  (map file-name->module-name rel))
               (tmp      (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp")
                                                 "/check-channel-XXXXXX")))
               (go       (string-append tmp "/go"))
               (log      (string-append tmp "/compile-files.log"))
               (failures (make-hash-table))   ;relative file -> reasons
               (warnings (make-hash-table))
               (notes    (make-hash-table)))   ;relative file -> notes
          (define (fail! file reason)
            (hash-set! failures file
                       (append (hash-ref failures file '()) (list reason))))
          (say "module directory: ~a (directory ~s in .guix-channel), ~a .scm files~%"
               source (channel-metadata-directory
                       (read-channel-metadata-from-source dir))
               (length files))
          (mkdir-p go)

          ;; 1a. compile-files, exactly as the channel builder calls it.
          (let* ((t1     (get-internal-real-time))
                 (status (run-compile-files source go files log)))
            (phase! "compile-files (load all + compile -O1)" t1)
            (let-values (((errors warns) (parse-compile-log log source)))
              (let ((text (call-with-input-file log
                            (lambda (port) (read-delimited "" port)))))
                (unless (or (eof-object? text) (string-null? text))
                  (say "--- output of compile-files:~%~a~a--- end of output~%"
                       text (if (string-suffix? "\n" text) "" "\n"))))
              (for-each (match-lambda ((file . msg)
                                       (fail! file (string-append "compile: " msg))))
                        errors)
              (for-each (match-lambda ((file . line)
                                       (hash-set! warnings file
                                                  (cons line (hash-ref warnings file '())))))
                        warns)
              (say "compile-files: ~a (exit status ~a) in ~as~%"
                   (if (zero? status) "ok" "FAILED -- guix pull would fail")
                   status (cdr (first timings)))
              (unless (zero? status)
                (fail! #f "compile-files (the guix pull build) failed"))))

          ;; 1b. Load each module on its own, as 'load-files' does, reading
          ;; the .go files just built, like Guix does after a pull.
          (set! %load-path (cons source %load-path))
          (set! %load-compiled-path (cons go %load-compiled-path))
          (let* ((t1 (get-internal-real-time))
                 (ifaces
                  (map (lambda (file name)
                         (let-values (((ok? iface)
                                       (try (lambda () (resolve-interface name)))))
                           (if ok?
                               iface
                               (begin (fail! file (string-append "load: " iface))
                                      #f))))
                       rel modules)))
            (phase! "load each module" t1)

            ;; 1c. If compile-files stopped before compiling (a file failed
            ;; to load), compile each loaded file here, the way its 'build'
            ;; procedure does, to report compilation errors and warnings too.
            (when (and (hash-ref failures #f)
                       (not (any (lambda (file)
                                   (any (cut string-prefix? "compile: " <>)
                                        (hash-ref failures file '())))
                                 rel)))
              (let ((t1 (get-internal-real-time)))
                (for-each
                 (lambda (file rel-file iface)
                   (when iface
                     (let* ((port (open-output-string))
                            (ok+msg
                             (call-with-values
                                 (lambda ()
                                   (parameterize ((current-warning-port port))
                                     (with-fluids ((*current-warning-prefix* ""))
                                       (try (lambda ()
                                              (compile-file
                                               file
                                               #:output-file
                                               (string-append
                                                tmp "/diagnostic-go/"
                                                (string-drop-right rel-file 4)
                                                ".go")
                                               #:opts (append
                                                       `(#:warnings
                                                         ,(@@ (guix build compile)
                                                              %warnings))
                                                       (optimizations-for-level 1))))))))
                               cons)))
                       (unless (car ok+msg)
                         (fail! rel-file (string-append "compile: " (cdr ok+msg))))
                       (for-each (lambda (line)
                                   (unless (string-null? line)
                                     (say "~a: ~a~%" rel-file line)
                                     (hash-set! warnings rel-file
                                                (cons line (hash-ref warnings rel-file '())))))
                                 (string-split (get-output-string port) #\newline)))))
                 files rel ifaces)
                (phase! "diagnostic compile of each loaded file" t1)))

            ;; 2. Packages.
            (let ((t1 (get-internal-real-time))
                  (checked (make-hash-table))
                  (count 0))
              (for-each (lambda (iface)
                          (when iface
                            (module-for-each
                             (lambda (sym var)
                               (let ((v (false-if-exception (variable-ref var))))
                                 (when (package? v)
                                   (hashq-set! %public-packages v #t))))
                             iface)))
                        ifaces)
              (for-each
               (lambda (file name iface)
                 (when iface
                   (detail "~a~%" name)
                   (let ((pkgs (sort (filter-map
                                      (lambda (sym)
                                        (let ((v (false-if-exception
                                                  (module-ref iface sym))))
                                          (and (package? v) (cons sym v))))
                                      (module-map (lambda (sym var) sym) iface))
                                     (lambda (a b)
                                       (string<? (symbol->string (car a))
                                                 (symbol->string (car b)))))))
                     (when (null? pkgs)
                       (detail "  (no public package)~%"))
                     (for-each
                      (match-lambda
                        ((sym . pkg)
                         (set! count (+ 1 count))
                         (for-each (lambda (msg)
                                     (fail! file (format #f "~a: ~a" sym msg)))
                                   (check-package pkg (resolve-module name) sym
                                                  source checked
                                                  (lambda (msg)
                                                    (hash-set! notes file
                                                               (append (hash-ref notes file '())
                                                                       (list msg))))))))
                      pkgs))))
               rel modules ifaces)
              (phase! (format #f "package checks (~a packages)" count) t1)))

          ;; 3. Results.
          (say "~%--- results for ~a~%" dir)
          (for-each (lambda (file name)
                      (let ((reasons (hash-ref failures file '()))
                            (warns   (hash-ref warnings file '())))
                        (if (null? reasons)
                            (say "ok ~a~a~a~%" name
                                 (if (null? warns) ""
                                     (format #f " (~a compiler warning~:p)"
                                             (length warns) (length warns)))
                                 (string-concatenate
                                  (map (cut string-append " [note: " <> "]")
                                       (hash-ref notes file '()))))
                            (say "FAIL ~a: ~a~%" name
                                 (string-join reasons "; ")))))
                    rel modules)
          (let* ((bad   (count (lambda (f) (pair? (hash-ref failures f '()))) rel))
                 (glob  (hash-ref failures #f '()))
                 (ok?   (and (zero? bad) (null? glob))))
            (for-each (cut say "FAIL channel ~a: ~a~%" dir <>) glob)
            (say "summary: ~a modules, ~a ok, ~a failed~a~a~%"
                 (length rel) (- (length rel) bad) bad
                 (let ((n (length (append-map (cut hash-ref notes <> '()) rel))))
                   (if (zero? n) ""
                       (format #f ", ~a note~:p about errors inside Guix itself" n n)))
                 (if (null? glob) "" (format #f ", ~a channel-level failure(s)"
                                             (length glob))))
            (phase! "channel total" t0)
            (for-each (match-lambda ((name . secs)
                                     (say "time: ~a: ~as~%" name secs)))
                      (reverse timings))
            (if %keep?
                (say "kept ~a~%" tmp)
                (delete-file-recursively tmp))
            ok?))))))


;;;
;;; Main.
;;;

(say "time: loading Guix modules: ~as~%" %t-guix)
(define %imports
  (let ((t (get-internal-real-time)))
    (let ((imports (preload-imports! %channel-dirs)))
      (say "time: loading the imported package modules (closure): ~as~%"
           (seconds-since t))
      imports)))
(let ((t (get-internal-real-time)))
  (warm-up-build-systems! %imports)
  (say "time: lowering a dummy package per build system (implicit inputs): ~as~%"
       (seconds-since t)))

(define %results
  (map (lambda (dir)
         (force-output (current-output-port))
         (force-output (current-error-port))
         (match (if (file-is-directory?* dir) (primitive-fork) 'missing)
           ('missing
            (say "~%FAIL ~a: not a directory~%" dir)
            (cons dir #f))
           (0
            (let ((ok? (with-exception-handler
                           (lambda (c)
                             (say "FAIL ~a: internal error of check-channel.scm: ~a~%"
                                  dir (exception->string c))
                             #f)
                         (lambda () (check-channel dir))
                         #:unwind? #t)))
              (force-output (current-output-port))
              (force-output (current-error-port))
              (primitive-exit (if ok? 0 1))))
           (pid
            (cons dir (zero? (or (status:exit-val (cdr (waitpid pid))) 1))))))
       %channel-dirs))

(say "~%=== overall~%")
(for-each (match-lambda
            ((dir . ok?) (say "~a ~a~%" (if ok? "ok" "FAIL") dir)))
          %results)
(say "time: total ~as~%" (seconds-since %t-start))
(exit (if (every cdr %results) 0 1))
