;;; check-channel.scm -- do with a channel directory what real Guix does.
;;;
;;; README.  Run, with a Guix source tree (no Guix daemon or store needed):
;;;
;;;   GUILE_AUTO_COMPILE=0 guile -L /work/shared/guix/src -s check-channel.scm \
;;;       [--quiet] [--keep] [--style] ARG...
;;;
;;; Command-line grammar.  The arguments are read from left to right:
;;;
;;;   ARG ::= CHANNEL-DIR                 check this channel, with the skews
;;;                                       and expectations given so far
;;;         | --skew SPEC                 add SPEC to the skews of the
;;;                                       CHANNEL-DIRs that follow
;;;         | --expect-fail MODULE-SUBSTRING
;;;                                       add an expectation for the
;;;                                       CHANNEL-DIRs that follow
;;;         | --reset                     forget the skews and expectations
;;;                                       given so far
;;;   SPEC ::= remove:MODULE-FILE:VARIABLE
;;;          | move:MODULE-FILE:VARIABLE:TARGET-MODULE-FILE
;;;
;;; --quiet, --keep and --style apply to the whole run wherever they are.
;;; A --skew or --expect-fail not followed by a CHANNEL-DIR is an error.
;;; A CHANNEL-DIR may be given several times (say, once plainly and once
;;; after --skew); each occurrence is one "run", labelled CHANNEL-DIR, or
;;; CHANNEL-DIR+skew=SPEC,SPEC... when it has skews; that label is the
;;; CHANNEL column of the RESULT lines.
;;;
;;; Guix is loaded once.  The Guix package modules imported by the channels
;;; are loaded once, in this process; then each run is checked in a forked
;;; child (so that channels defining the same module names do not see each
;;; other's modules, so that 'compile-files' may 'primitive-exit', and so
;;; that a skew does not leak into the next run).  For each run:
;;;  0. --skew (optional): simulates a subscriber whose Guix is older or
;;;     newer than the one the channel was written against: "a copy of the
;;;     Guix tree in which a selected variable was removed and another moved
;;;     to a different module".  MODULE-FILE is relative to the Guix source
;;;     (found on %load-path), e.g. gnu/packages/textutils.scm.  In the
;;;     child, an overlay directory gets edited copies of the affected
;;;     files: the (define-public VARIABLE ...) form is cut out of
;;;     MODULE-FILE (with the comments just before it); for 'move' it is
;;;     appended to TARGET-MODULE-FILE, whose define-module gets the
;;;     #:use-module clauses the definition needs (every identifier of the
;;;     definition that is bound in the source module must denote the same
;;;     variable in the target: the source's #:use-module clause, or the
;;;     source module itself, that provides it is added), and MODULE-FILE
;;;     gets #:use-module of the target if it still refers to VARIABLE.
;;;     The edit works on the bytes (forms located with Guile's reader), so
;;;     the rest of the file, comments included, is unchanged; a
;;;     "(define %potluck-skew-overlay ...)" marker is appended to every
;;;     edited file.  The overlay is put first on %load-path, VARIABLE is
;;;     unbound from the module and its public interface (reloading does not
;;;     remove bindings), and the modules are reloaded with 'reload-module'
;;;     (targets first), or loaded if they were not loaded yet.  Then it is
;;;     verified that the reload took effect (marker bound, VARIABLE gone
;;;     from the source module and its interface, for 'move' exported by the
;;;     target as a package that lowers to a bag) and the run goes on with
;;;     the normal checks.  Printed as "skew-ok SPEC: ..." or "FAIL skew
;;;     SPEC: ...".  Limits: other Guix modules that had already looked the
;;;     variable up (memoized references in interpreted code, import caches)
;;;     keep seeing the old variable; so pick a variable the Guix packages
;;;     reached by the channel do not use (see the test pair below).
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
;;;     packages reached through inputs but not exported are checked too
;;;     (their errors count for the exported package that reaches them).
;;;     If 'supported-package?' fails only because a Guix package of the
;;;     dependency graph fails on its own (as cmake@4.1.3 does in the test
;;;     tree, whose tex.scm is older), that is printed as a note, not a FAIL.
;;;     Flag values that are literal lists, like '(#:make-flags ("-j1")), are
;;;     spliced into the builder as code: warned about (they fail in the
;;;     build itself, not before it).
;;;  3. --style: every module file (the .scm files of step 1) must be a fixed
;;;     point of "guix style --whole-file": it is read with (guix
;;;     read-print)'s read-with-comments/sequence and printed with
;;;     pretty-print-with-comments/splice, #:format-comment
;;;     canonicalize-comment, #:format-vertical-space
;;;     canonicalize-vertical-space, with UTF-8 as default port encoding,
;;;     exactly what 'format-whole-file' (guix/scripts/style.scm) writes, and
;;;     compared with the file.  Done once per CHANNEL-DIR (in its first
;;;     run).  "style-ok FILE" or "style-diff FILE: line N: ...".
;;;  4. Prints "ok MODULE", "FAIL MODULE: reasons", "expected-fail MODULE:
;;;     reasons" or "unexpected-pass MODULE: ..." per module, a summary and
;;;     the time of each phase, then the machine-readable section (below).
;;;     --quiet leaves out the per-package field listing; --keep keeps the
;;;     temporary directory (.go files, compile-files log, skew overlay).
;;;
;;; --expect-fail MODULE-SUBSTRING: every package of a module whose name, as
;;; printed (e.g. "(gnu packages potluck x main jq)"), or whose file name
;;; relative to the module directory contains MODULE-SUBSTRING is expected
;;; to FAIL its package checks.  Such a failure is printed as
;;; expected-fail and does not make the run fail; such a package passing is
;;; an error ("unexpected-pass"), and so is a MODULE-SUBSTRING that matches
;;; no module of the channel.  It does not cover compile or load failures
;;; of the module, skew verification, the pull build or style.
;;;
;;; Exit status: 0 if every run passed; 1 if any check failed (a module
;;; failing to compile or load, a package failing without an expectation,
;;; an unexpected pass or unmatched expectation, the pull build failing, a
;;; style difference, a skew not taking effect); 2 for a usage error.
;;;
;;; Machine-readable results: each run prints, after its human output, a
;;; line "--- machine-readable results for LABEL", then lines of
;;; TAB-separated fields (REASON: one line, TABs and newlines replaced by
;;; spaces, at most 500 characters):
;;;   RESULT          CHANNEL MODULE VARIABLE ok|fail REASON
;;;       one per exported channel package; REASON is NAME@VERSION if ok,
;;;       else the failures joined with "; ".
;;;   RESULT-CACHE    CHANNEL MODULE VARIABLE ok|note|fail ENTRY-OR-REASON
;;;       the 'generate-package-cache' entry of that package ("guix pull"
;;;       fails if computing it raises: fail).
;;;   RESULT-EXPECT   CHANNEL MODULE VARIABLE expected-fail|unexpected-pass PATTERN
;;;   RESULT-EXPECT   CHANNEL - - unmatched PATTERN
;;;   RESULT-MODULE   CHANNEL MODULE ok|fail REASON
;;;       compile and load of each module file (REASON: empty, or the
;;;       number of compiler warnings, if ok).
;;;   RESULT-CHANNEL  CHANNEL ok|fail REASON
;;;       the "guix pull" build (compile-files) of the channel.
;;;   RESULT-STYLE    CHANNEL FILE ok|diff FIRST-DIFFERING-LINE
;;;   RESULT-SKEW     CHANNEL SPEC ok|fail REASON
;;; and, at the very end, from the parent process, one line per run:
;;;   RESULT-OVERALL  CHANNEL ok|fail
;;;
;;; Test pair for --skew on this Guix tree (commit 43770a9, see
;;; /work/shared/guix/README.md), chosen because the emitted test channel
;;; uses them as inputs and nothing else the channel's packages reach in
;;; Guix does:
;;;   remove:gnu/packages/textutils.scm:oniguruma
;;;       oniguruma is an input of the jq dish; no other definition in
;;;       textutils.scm refers to it.
;;;   move:gnu/packages/image.scm:libpng-next:gnu/packages/pretty-print.scm
;;;       libpng-next (input of the map-filter-sort-inputs and
;;;       letrec-mutual-recursion dishes) inherits 'libpng', so the target
;;;       needs #:use-module (gnu packages image) added; in Guix only
;;;       emulators.scm uses it.
;;; Expected: compile-files ok, every module loads, the packages of the jq,
;;; map-filter-sort-inputs and letrec-mutual-recursion modules FAIL at the
;;; bag->derivation step with "has an invalid input: ... potluck: DISH:
;;; input \"SPEC\" is not in this Guix: (gnu packages ...) has no package
;;; ...", computing their package-cache entries does not raise (RESULT-CACHE
;;; of jq: ok; of the two cmake-build ones: note, as without skew, because
;;; of cmake@4.1.3 and the older tex.scm of the test tree), and everything
;;; else is as without skew (all ok).  The command line of the test (a plain
;;; run, then the skew run, of the same channel; 60 modules in /tmp/ch2):
;;;
;;;   check-channel.scm --quiet --style CH \
;;;     --skew remove:gnu/packages/textutils.scm:oniguruma \
;;;     --skew move:gnu/packages/image.scm:libpng-next:gnu/packages/pretty-print.scm \
;;;     --expect-fail /jq.scm --expect-fail /map-filter-sort-inputs.scm \
;;;     --expect-fail /letrec-mutual-recursion.scm CH
;;;
;;; It exits 0 and takes 3.5-5.5 minutes on the 2-core test machine:
;;; loading Guix ~5 s, the channels' imports <1 s, lowering a dummy package
;;; per build system (which loads most package modules, interpreted)
;;; 180-300 s, then per run ~10 s (style 5 s, compile-files 3 s, package
;;; checks 1-3 s) and for the skew 1-2.5 s of overlay, reload and checks.
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
             (guix read-print)
             ((guix licenses) #:select (license? license-name))
             (guix git-download)
             (guix channels)
             (gnu packages)
             (system base optimize)
             (system base compile)
             (system base message)
             (srfi srfi-1)
             (srfi srfi-9)
             (srfi srfi-11)
             (srfi srfi-26)
             (ice-9 match)
             (ice-9 format)
             (ice-9 rdelim)
             (ice-9 regex)
             (ice-9 exceptions)
             (ice-9 control)
             (rnrs bytevectors)
             (rnrs io ports))

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

(define (usage-error fmt . args)
  (apply format (current-error-port) fmt args)
  (format (current-error-port)
          "usage: guile -L GUIX-SRC -s check-channel.scm [--quiet] [--keep] \
[--style] [--reset | --skew SPEC | --expect-fail MODULE-SUBSTRING | CHANNEL-DIR]...
  SPEC: remove:MODULE-FILE:VARIABLE | move:MODULE-FILE:VARIABLE:TARGET-MODULE-FILE~%")
  (exit 2))

;; One run: a channel directory, the skews and expectations that apply.
(define-record-type <run>
  (make-run dir skews expects)
  run?
  (dir     run-dir)
  (skews   run-skews)                     ;list of skew specs, see below
  (expects run-expects))                  ;list of strings

;; A skew spec is (remove FILE VARIABLE) or (move FILE VARIABLE TARGET),
;; with FILE and TARGET relative file names and VARIABLE a symbol.
(define (parse-skew str)
  (define (module-file? f)
    (and (string-suffix? ".scm" f) (not (string-prefix? "/" f))))
  (match (string-split str #\:)
    (("remove" (? module-file? file) (? (negate string-null?) var))
     (list 'remove file (string->symbol var)))
    (("move" (? module-file? file) (? (negate string-null?) var)
      (? module-file? target))
     (if (string=? file target)
         (usage-error "--skew ~a: source and target are the same file~%" str)
         (list 'move file (string->symbol var) target)))
    (_ (usage-error "--skew ~a: invalid spec~%" str))))

(define (skew->string skew)
  (match skew
    (('remove file var) (format #f "remove:~a:~a" file var))
    (('move file var target) (format #f "move:~a:~a:~a" file var target))))

(define (run-label run)
  (if (null? (run-skews run))
      (run-dir run)
      (string-append (run-dir run) "+skew="
                     (string-join (map skew->string (run-skews run)) ","))))

(define (normalize-dir dir)
  (let ((dir (if (file-exists? dir) (canonicalize-path dir) dir)))
    (if (and (> (string-length dir) 1) (string-suffix? "/" dir))
        (string-drop-right dir 1)
        dir)))

(define %args (cdr (command-line)))
(define %quiet? (member "--quiet" %args))
(define %keep? (member "--keep" %args))
(define %style? (member "--style" %args))

(define %runs
  ;; PENDING: a --skew or --expect-fail given since the last CHANNEL-DIR.
  (let loop ((args %args) (skews '()) (expects '()) (runs '()) (pending #f))
    (match args
      (()
       (when pending
         (usage-error "~a: no CHANNEL-DIR after it~%" pending))
       (reverse runs))
      (("--skew" spec . rest)
       (loop rest (append skews (list (parse-skew spec))) expects runs
             (string-append "--skew " spec)))
      (("--expect-fail" pattern . rest)
       (loop rest skews (append expects (list pattern)) runs
             (string-append "--expect-fail " pattern)))
      (("--reset" . rest)
       (loop rest '() '() runs #f))
      (((or "--quiet" "--keep" "--style") . rest)
       (loop rest skews expects runs pending))
      (((? (cut string-prefix? "-" <>) opt) . _)
       (usage-error "~a: unknown option or missing argument~%" opt))
      ((dir . rest)
       (loop rest skews expects
             (cons (make-run (normalize-dir dir) skews expects) runs)
             #f)))))

(define %channel-dirs (delete-duplicates (map run-dir %runs)))

(when (null? %runs)
  (usage-error "no CHANNEL-DIR given~%"))


;;;
;;; Helpers.
;;;

(define (one-line str)
  (string-trim-both
   (regexp-substitute/global #f "[ \t]*\n[ \t]*" str 'pre " " 'post)))

(define (tsv-field str)
  "STR as one TAB-free line of at most 500 characters."
  (let ((str (string-map (lambda (c)
                           (if (memv c '(#\tab #\newline #\return)) #\space c))
                         str)))
    (if (> (string-length str) 500)
        (string-append (string-take str 497) "...")
        str)))

(define (result-line . fields)
  (say "~a~%" (string-join (map (lambda (f)
                                  (tsv-field (if (string? f) f
                                                 (object->string f))))
                                fields)
                           "\t")))

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

(define* (check-package pkg module symbol source checked note!
                        #:optional (cache! (const #t)))
  "Check PKG, bound to SYMBOL in MODULE.  Return a list of error strings.
CHECKED is a hash table of packages already checked.  CACHE! is called with
'ok, 'note or 'fail and the package-cache entry or the error."
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
      (cond (ok? (cache! 'ok (object->string entry))
                 (detail "    package-cache entry (guix pull): ~a~%"
                         (truncated entry 140)))
            ((guix-culprit)
             => (lambda (dep)
                  (cache! 'note (format #f "error inside Guix package ~a: ~a"
                                        (package-full-name dep) entry))
                  (note! (format #f "~a: package-cache entry: error inside \
Guix package ~a, not in this channel: ~a" symbol (package-full-name dep) entry))
                  (detail "    NOTE package-cache entry (guix pull): error \
inside Guix package ~a of the dependency graph, not in this channel: ~a~%"
                          (package-full-name dep) entry)))
            (else (cache! 'fail entry)
                  (fail! "package-cache entry (guix pull): ~a" entry))))
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
;;; Skew: an overlay of edited Guix package modules (in the child).
;;;

(define (skew-fail fmt . args)
  (raise-exception
   (make-exception (make-error)
                   (make-exception-with-message (apply format #f fmt args)))))

(define (bv-slice bv start end)
  (let ((result (make-bytevector (- end start))))
    (bytevector-copy! bv start result 0 (- end start))
    result))

(define (bv-append . bvs)
  (let ((result (make-bytevector (apply + (map bytevector-length bvs)))))
    (let loop ((bvs bvs) (offset 0))
      (match bvs
        (() result)
        ((bv . rest)
         (bytevector-copy! bv 0 result offset (bytevector-length bv))
         (loop rest (+ offset (bytevector-length bv))))))))

(define (top-level-forms bv)
  "Return a list of (FORM START END) for the top-level forms of BV, the bytes
of a UTF-8 source file; START is the end of the previous form (so the region
includes the blank lines and comments before FORM), END the byte after it."
  (let ((port (open-bytevector-input-port bv)))
    (set-port-encoding! port "UTF-8")
    (let loop ((start 0) (result '()))
      (let ((form (read port)))
        (if (eof-object? form)
            (reverse result)
            (let ((end (seek port 0 SEEK_CUR)))
              (loop end (cons (list form start end) result))))))))

(define (form-symbols form)
  "Return the symbols occurring anywhere in FORM."
  (let loop ((x form) (result '()))
    (cond ((symbol? x) (cons x result))
          ((pair? x) (loop (cdr x) (loop (car x) result)))
          ((vector? x) (fold loop result (vector->list x)))
          (else result))))

(define (define-module-form forms file)
  (or (find (match-lambda ((('define-module . _) _ _) #t) (_ #f)) forms)
      (skew-fail "~a: no define-module form" file)))

(define (import-specs define-module)
  "Return the #:use-module specs of DEFINE-MODULE, a define-module form."
  (match define-module
    (('define-module name opts ...)
     (let loop ((opts opts) (result '()))
       (match opts
         ((#:use-module spec . rest) (loop rest (cons spec result)))
         ((_ . rest) (loop rest result))
         (() (reverse result)))))))

(define (spec->interface spec)
  (match spec
    (((? symbol?) ...) (resolve-interface spec))
    ((name options ...) (apply resolve-interface name options))))

(define (add-imports bv file specs)
  "Return BV, the bytes of FILE, with '#:use-module SPEC' added at the end of
its define-module form for each of SPECS it does not have yet."
  (match (define-module-form (top-level-forms bv) file)
    ((form start end)
     (let ((specs (remove (cut member <> (import-specs form)) specs)))
       (unless (= (bytevector-u8-ref bv (- end 1)) (char->integer #\)))
         (skew-fail "~a: define-module form does not end with ')'" file))
       (bv-append (bv-slice bv 0 (- end 1))
                  (string->utf8
                   (string-concatenate
                    (map (lambda (spec)
                           (string-append "\n  #:use-module "
                                          (object->string spec)))
                         specs)))
                  (bv-slice bv (- end 1) (bytevector-length bv)))))))

(define (cut-definition bv file var)
  "Return BV, the bytes of FILE, without the (define-public VAR ...) form and
the comments before it, then the bytes cut out, then the form."
  (match (find (match-lambda
                 ((('define-public (? symbol? name) . _) _ _) (eq? name var))
                 (_ #f))
               (top-level-forms bv))
    (#f (skew-fail "~a: no (define-public ~a ...) form" file var))
    ((form start end)
     (values (bv-append (bv-slice bv 0 start)
                        (bv-slice bv end (bytevector-length bv)))
             (bv-slice bv start end)
             form))))

(define (trim-leading-blanks bv)
  (let loop ((i 0))
    (if (and (< i (bytevector-length bv))
             (memv (bytevector-u8-ref bv i) '(9 10 13 32)))
        (loop (+ i 1))
        (bv-slice bv i (bytevector-length bv)))))

(define (refers-to? bv var)
  "Whether a top-level form of BV other than define-module mentions VAR."
  (any (match-lambda
         ((('define-module . _) _ _) #f)
         ((form _ _) (memq var (form-symbols form))))
       (top-level-forms bv)))

(define (needed-imports form var source target)
  "Return the import specs TARGET (a module name) needs so that FORM, the
definition of VAR moved from module SOURCE, means the same there, and a list
of problems (strings).  For each symbol of FORM bound in SOURCE, the variable
must be the same in TARGET; if it is not visible there, the #:use-module spec
of SOURCE (or SOURCE itself) that provides it is added."
  (let* ((src   (resolve-module source))
         (tgt   (resolve-module target))     ;loads it if needed
         (specs (append (import-specs
                         (car (define-module-form
                                (top-level-forms
                                 (call-with-input-file
                                     (search-path %load-path
                                                  (module-filename src))
                                   get-bytevector-all #:binary #t))
                                source)))
                        (list source)))
         (ifaces (map (lambda (spec)
                        (cons spec (false-if-exception (spec->interface spec))))
                      specs)))
    (define (provider sym var)
      (find (match-lambda
              ((spec . iface)
               (and iface (eq? var (module-variable iface sym)))))
            ifaces))
    (let loop ((syms (delete var (delete-duplicates (form-symbols form) eq?)))
               (added '())
               (problems '()))
      (match syms
        (() (values (reverse added) (reverse problems)))
        ((sym . rest)
         (let ((v (module-variable src sym)))
           (cond
            ((or (not v) (eq? v (module-variable tgt sym)))
             (loop rest added problems))
            ((any (match-lambda
                    ((spec . iface)
                     (and (member spec added) iface
                          (eq? v (module-variable iface sym)))))
                  ifaces)
             (loop rest added problems))
            ((provider sym v)
             => (match-lambda
                  ((spec . _)
                   (loop rest (append added (list spec))
                         (if (module-variable tgt sym)
                             (cons (format #f "~a is another binding in ~a; \
#:use-module ~s added anyway" sym target spec)
                                   problems)
                             problems)))))
            ((module-local-variable src sym)
             (loop rest added
                   (cons (format #f "~a is private to ~a" sym source)
                         problems)))
            (else
             (loop rest added
                   (cons (format #f "~a: no import of ~a provides it" sym source)
                         problems))))))))))

(define (loaded-module name)
  "Return the module NAME if it has been loaded from a file, else #f."
  (let ((m (resolve-module name #f #:ensure #f)))
    (and m (module-filename m) m)))

(define (public-count name)
  (match (loaded-module name)
    (#f #f)
    (m (let ((count 0))
         (module-for-each (lambda (sym var) (set! count (+ 1 count)))
                          (module-public-interface m))
         count))))

(define (apply-skews! skews overlay)
  "Write the edited copies of the Guix files SKEWS affect to OVERLAY, put it
first on %load-path, reload the modules.  Return a list of (SKEW OK? MESSAGE)
verifications.  Raise an exception if the overlay cannot be made."
  (define edited '())                      ;alist file -> bytes
  (define warnings '())                    ;alist skew -> strings
  (define (original file)
    (let ((path (search-path %load-path file)))
      (unless path
        (skew-fail "~a: not found in %load-path" file))
      (call-with-input-file path get-bytevector-all #:binary #t)))
  (define (current file)
    (or (assoc-ref edited file) (original file)))
  (define (edit! file bv)
    (set! edited (append (alist-delete file edited) (list (cons file bv)))))
  (define (warn! skew msg)
    (say "warning: skew ~a: ~a~%" (skew->string skew) msg)
    (set! warnings (cons (cons skew msg) warnings)))
  (define (module file)
    (file-name->module-name file))

  ;; 1. Edit the files.
  (for-each
   (lambda (skew)
     (match skew
       (('remove file var)
        (let-values (((bv text form) (cut-definition (current file) file var)))
          (edit! file bv)
          (when (refers-to? bv var)
            (warn! skew (format #f "~a still refers to ~a" file var)))))
       (('move file var target)
        (let*-values (((bv text form) (cut-definition (current file) file var))
                      ((specs problems)
                       (needed-imports form var (module file) (module target))))
          (for-each (cut warn! skew <>) problems)
          (edit! target
                 (add-imports (bv-append (current target)
                                         (string->utf8 "\n\n")
                                         (trim-leading-blanks text)
                                         (string->utf8 "\n"))
                              target specs))
          (edit! file (if (refers-to? bv var)
                          (add-imports bv file (list (module target)))
                          bv))
          (say "skew ~a: #:use-module added to ~a: ~a~a~%"
               (skew->string skew) target
               (if (null? specs) "none" (string-join (map object->string specs) " "))
               (if (refers-to? bv var)
                   (format #f "; to ~a: ~s" file (module target))
                   ""))))))
   skews)

  ;; 2. Write them, with a marker.
  (for-each (match-lambda
              ((file . bv)
               (let ((out (string-append overlay "/" file)))
                 (mkdir-p (dirname out))
                 (call-with-output-file out
                   (lambda (port)
                     (put-bytevector port bv)
                     (put-bytevector
                      port
                      (string->utf8
                       (format #f "~%;; Added by check-channel.scm --skew.~%\
(define %potluck-skew-overlay '~s)~%"
                               (map skew->string skews)))))
                   #:binary #t))))
            edited)
  (set! %load-path (cons overlay %load-path))

  ;; 3. Unbind the variables, reload the modules (move targets first).
  (let* ((files  (map car edited))
         (order  (append (filter (lambda (f)
                                   (any (match-lambda
                                          (('move _ _ target) (string=? f target))
                                          (_ #f))
                                        skews))
                                 files)
                         files))
         (order  (delete-duplicates order))
         (before (map (lambda (f) (cons f (public-count (module f)))) files)))
    ;; For step 4.
    (define (from-overlay? file)
      (let ((m (loaded-module (module file))))
        (and m
             (module-local-variable m '%potluck-skew-overlay)
             (let ((path (search-path %load-path (module-filename m))))
               (and path (string-prefix? (string-append overlay "/") path))))))
    (define (counts file)
      (format #f "~a: ~a -> ~a public bindings" (module file)
              (or (assoc-ref before file) "not loaded")
              (public-count (module file))))
    (for-each (match-lambda
                ((_ file var . _)
                 (let ((m (loaded-module (module file))))
                   (when m
                     (module-remove! m var)
                     (module-remove! (module-public-interface m) var)))))
              skews)
    (for-each (lambda (file)
                (let ((t (get-internal-real-time))
                      (m (loaded-module (module file))))
                  (let-values (((ok? msg)
                                (try (lambda ()
                                       (if m
                                           (reload-module m)
                                           (resolve-interface (module file)))))))
                    (unless ok?
                      (skew-fail "~a ~a from the overlay: ~a"
                                 (if m "reloading" "loading") (module file) msg)))
                  (say "skew: ~a ~a in ~as~%" (if m "reloaded" "loaded")
                       (module file) (seconds-since t))))
              order)

    ;; 4. Verify.
    (map (lambda (skew)
           (let-values
               (((ok? msg)
                 (try
                  (lambda ()
                    (match skew
                      ((_ file var . _)
                       (let ((m (loaded-module (module file))))
                         (unless (from-overlay? file)
                           (skew-fail "~a was not reloaded from the overlay"
                                      (module file)))
                         (when (module-local-variable m var)
                           (skew-fail "~a is still bound in ~a" var (module file)))
                         (when (module-variable (resolve-interface (module file)) var)
                           (skew-fail "~a is still exported by ~a" var
                                      (module file)))
                         (match skew
                           (('remove . _)
                            (format #f "~a unbound in ~a (~a)" var
                                    (module file) (counts file)))
                           (('move _ _ target)
                            (unless (from-overlay? target)
                              (skew-fail "~a was not reloaded from the overlay"
                                         (module target)))
                            (let ((p (module-ref (resolve-interface (module target))
                                                 var)))
                              (unless (package? p)
                                (skew-fail "~a of ~a is not a package: ~s"
                                           var (module target) p))
                              (parameterize ((%current-system %system))
                                (package->bag p %system #f))
                              (format #f "~a now exported by ~a as ~a (lowers \
to a bag), gone from ~a (~a; ~a)"
                                      var (module target) (package-full-name p)
                                      (module file) (counts file)
                                      (counts target))))))))))))
             (list skew ok?
                   (let ((w (filter-map (match-lambda
                                          ((s . m) (and (eq? s skew) m)))
                                        warnings)))
                     (if (null? w) msg
                         (string-append msg " [warnings: "
                                        (string-join w "; ") "]"))))))
         skews)))


;;;
;;; Style: is each file a fixed point of "guix style --whole-file"?
;;;

(define (first-difference a b)
  "Return a description of the first line where strings A (the file) and B
(the formatted text) differ."
  (let loop ((la (string-split a #\newline))
             (lb (string-split b #\newline))
             (n 1))
    (match (list la lb)
      (((x . ra) (y . rb))
       (if (string=? x y)
           (loop ra rb (+ n 1))
           (format #f "line ~a: file has ~s, guix style gives ~s" n x y)))
      ((() (y . _)) (format #f "line ~a: file ends, guix style gives ~s" n y))
      (((x . _) ()) (format #f "line ~a: file has ~s, guix style ends" n x))
      (_ "no difference"))))

(define (style-difference file)
  "Return #f if FILE is a fixed point of 'format-whole-file'
(guix/scripts/style.scm), else the first differing line."
  (with-fluids ((%default-port-encoding "UTF-8"))
    (let* ((lst       (call-with-input-file file read-with-comments/sequence
                                            #:guess-encoding #t))
           (formatted (call-with-output-string
                        (lambda (port)
                          (pretty-print-with-comments/splice
                           port lst
                           #:format-comment canonicalize-comment
                           #:format-vertical-space canonicalize-vertical-space))))
           (text      (call-with-input-file file get-string-all
                                            #:encoding "UTF-8")))
      (and (not (string=? text formatted))
           (first-difference text formatted)))))

;;;
;;; Checking one run (in a child process).
;;;

;; The result of checking one exported package.
(define-record-type <pkg-result>
  (make-pkg-result file module symbol full-name errors cache-status cache-text)
  pkg-result?
  (file         pkg-result-file)          ;relative file name
  (module       pkg-result-module)        ;module name (list)
  (symbol       pkg-result-symbol)
  (full-name    pkg-result-full-name)
  (errors       pkg-result-errors)        ;list of strings
  (cache-status pkg-result-cache-status)  ;ok | note | fail | #f
  (cache-text   pkg-result-cache-text))

(define (pkg-result-failed? r) (pair? (pkg-result-errors r)))

(define (module-string name) (object->string name))

(define (expectation expects name file)
  "Return the first of EXPECTS matching module NAME or FILE, or #f."
  (find (lambda (pattern)
          (or (string-contains (module-string name) pattern)
              (string-contains file pattern)))
        expects))

(define (check-run run style?)
  "Check RUN; return #t on success.  Check the style of the module files too
if STYLE? is true."
  (define dir (run-dir run))
  (define label (run-label run))
  (define t0 (get-internal-real-time))
  (define timings '())
  (define (phase! name t) (set! timings (cons (cons name (seconds-since t)) timings)))
  (define tmp (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp")
                                      "/check-channel-XXXXXX")))
  (define skew-results '())               ;list of (SKEW OK? MESSAGE)

  (say "~%=== channel ~a~%" label)

  ;; 0. Skews.
  (unless (null? (run-skews run))
    (let ((t1 (get-internal-real-time)))
      (let-values (((ok? results)
                    (try (lambda ()
                           (apply-skews! (run-skews run)
                                         (string-append tmp "/overlay"))))))
        (set! skew-results
          (if ok?
              results
              (map (lambda (skew)
                     (list skew #f (string-append "overlay: " results)))
                   (run-skews run))))
        (for-each (match-lambda
                    ((skew #t msg) (say "skew-ok ~a: ~a~%" (skew->string skew) msg))
                    ((skew #f msg) (say "FAIL skew ~a: ~a~%" (skew->string skew) msg)))
                  skew-results))
      (phase! "skew overlay + reload + verification" t1)))

  (let-values (((ok? source) (try (lambda () (channel-module-directory dir)))))
    (define (channel-result ok? reason)
      (say "~%--- machine-readable results for ~a~%" label)
      (for-each (match-lambda
                  ((skew ok? msg)
                   (result-line "RESULT-SKEW" label (skew->string skew)
                                (if ok? "ok" "fail") msg)))
                skew-results)
      (result-line "RESULT-CHANNEL" label (if ok? "ok" "fail") reason))
    (cond
     ((not ok?)
      (say "FAIL ~a/.guix-channel: ~a~%" dir source)
      (channel-result #f (string-append ".guix-channel: " source))
      #f)
     ((not (file-is-directory?* source))
      ;; 'guix pull' would build an empty channel (a dangling symlink).
      (say "FAIL ~a: module directory ~a named by .guix-channel does not exist~%"
           dir source)
      (channel-result #f (format #f "module directory ~a does not exist" source))
      #f)
     (else
        (let* ((files    (channel-files source))
               (rel      (map (cut relative-file source <>) files))
               (modules  (map file-name->module-name rel))
               (go       (string-append tmp "/go"))
               (log      (string-append tmp "/compile-files.log"))
               (failures (make-hash-table))   ;relative file -> reasons
               (warnings (make-hash-table))
               (notes    (make-hash-table))   ;relative file -> notes
               (pkg-results '())
               (styles   '())                 ;list of (FILE . #f or DIFF)
               (pull-status #f))
          (define (fail! file reason)
            (hash-set! failures file
                       (append (hash-ref failures file '()) (list reason))))
          (say "module directory: ~a (directory ~s in .guix-channel), ~a .scm files~%"
               source (channel-metadata-directory
                       (read-channel-metadata-from-source dir))
               (length files))
          (mkdir-p go)

          ;; Style, first: it reads the files as they are.
          (when style?
            (let ((t1 (get-internal-real-time)))
              (set! styles
                (map (lambda (file rel-file)
                       (let-values (((ok? diff)
                                     (try (lambda () (style-difference file)))))
                         (let ((diff (if ok? diff (string-append "error: " diff))))
                           (if diff
                               (say "style-diff ~a: ~a~%" rel-file diff)
                               (detail "style-ok ~a~%" rel-file))
                           (cons rel-file diff))))
                     files rel))
              (say "style: ~a of ~a files are fixed points of guix style -f~%"
                   (count (compose not cdr) styles) (length styles))
              (phase! "style (guix style --whole-file fixed point)" t1)))

          ;; 1a. compile-files, exactly as the channel builder calls it.
          (let* ((t1     (get-internal-real-time))
                 (status (run-compile-files source go files log)))
            (set! pull-status status)
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
                         (let* ((cache '(#f "not computed"))
                                (errors
                                 (check-package pkg (resolve-module name) sym
                                                source checked
                                                (lambda (msg)
                                                  (hash-set! notes file
                                                             (append (hash-ref notes file '())
                                                                     (list msg))))
                                                (lambda (status text)
                                                  (set! cache (list status text))))))
                           (set! pkg-results
                             (cons (make-pkg-result
                                    file name sym
                                    (or (false-if-exception (package-full-name pkg))
                                        "?")
                                    errors (first cache) (second cache))
                                   pkg-results)))))
                      pkgs))))
               rel modules ifaces)
              (set! pkg-results (reverse pkg-results))
              (phase! (format #f "package checks (~a packages)" count) t1)))

          ;; 3. Results.
          (say "~%--- results for ~a~%" label)
          (let* ((expects (run-expects run))
                 (unmatched
                  (remove (lambda (pattern)
                            (any (lambda (file name)
                                   (expectation (list pattern) name file))
                                 rel modules))
                          expects))
                 (bad 0) (expected 0) (unexpected 0))
            (for-each
             (lambda (file name)
               (let* ((reasons (hash-ref failures file '()))
                      (warns   (hash-ref warnings file '()))
                      (pattern (expectation expects name file))
                      (pkgs    (filter (lambda (r) (equal? file (pkg-result-file r)))
                                       pkg-results))
                      (pfails  (filter pkg-result-failed? pkgs))
                      (preasons (append-map
                                 (lambda (r)
                                   (map (cut format #f "~a: ~a"
                                             (pkg-result-symbol r) <>)
                                        (pkg-result-errors r)))
                                 pfails)))
                 (cond ((or (pair? reasons)
                            (and (pair? pfails) (not pattern)))
                        (set! bad (+ 1 bad))
                        (say "FAIL ~a: ~a~%" name
                             (string-join (append reasons preasons) "; ")))
                       ((and pattern (or (null? pfails)
                                         (any (negate pkg-result-failed?) pkgs)))
                        (set! unexpected (+ 1 unexpected))
                        (say "unexpected-pass ~a: ~a passed, but --expect-fail \
~s matches this module~%" name
                             (if (null? pkgs) "no package"
                                 (string-join
                                  (map (compose symbol->string pkg-result-symbol)
                                       (remove pkg-result-failed? pkgs))
                                  ", "))
                             pattern))
                       ((pair? pfails)
                        (set! expected (+ 1 expected))
                        (say "expected-fail ~a: ~a~%" name
                             (string-join preasons "; ")))
                       (else
                        (say "ok ~a~a~a~%" name
                             (if (null? warns) ""
                                 (format #f " (~a compiler warning~:p)"
                                         (length warns)))
                             (string-concatenate
                              (map (cut string-append " [note: " <> "]")
                                   (hash-ref notes file '()))))))))
             rel modules)
            (for-each (cut say "FAIL channel ~a: --expect-fail ~s matches no module~%"
                           label <>)
                      unmatched)
            (let* ((glob      (hash-ref failures #f '()))
                   (style-bad (count cdr styles))
                   (skew-bad  (count (negate second) skew-results))
                   (ok?       (and (zero? bad) (zero? unexpected) (null? unmatched)
                                   (null? glob) (zero? style-bad) (zero? skew-bad))))
              (for-each (cut say "FAIL channel ~a: ~a~%" label <>) glob)
              (say "summary: ~a modules, ~a ok, ~a failed~a~a~a~a~a~a~%"
                   (length rel) (- (length rel) bad expected unexpected) bad
                   (if (zero? expected) ""
                       (format #f ", ~a failed as expected" expected))
                   (if (zero? unexpected) ""
                       (format #f ", ~a unexpected pass~a" unexpected
                               (if (= 1 unexpected) "" "es")))
                   (let ((n (length (append-map (cut hash-ref notes <> '()) rel))))
                     (if (zero? n) ""
                         (format #f ", ~a note~:p about errors inside Guix itself" n)))
                   (if (null? glob) "" (format #f ", ~a channel-level failure(s)"
                                               (length glob)))
                   (if (zero? style-bad) ""
                       (format #f ", ~a style difference(s)" style-bad))
                   (if (zero? skew-bad) ""
                       (format #f ", ~a skew(s) not in effect" skew-bad)))
              (say "run: ~a~%" (if ok? "ok" "FAIL"))
              (phase! "channel total" t0)
              (for-each (match-lambda ((name . secs)
                                       (say "time: ~a: ~as~%" name secs)))
                        (reverse timings))

              ;; Machine-readable results.
              (channel-result (zero? pull-status)
                              (if (zero? pull-status)
                                  (format #f "compile-files ok, ~a files"
                                          (length files))
                                  (format #f "compile-files exit status ~a~a"
                                          pull-status
                                          (match (hash-fold
                                                  (lambda (file reasons acc)
                                                    (if file
                                                        (append acc
                                                                (map (cut format #f "~a: ~a" file <>)
                                                                     reasons))
                                                        acc))
                                                  '() failures)
                                            (() "")
                                            ((first . _)
                                             (string-append ": " first))))))
              (for-each
               (lambda (file name)
                 (let ((reasons (hash-ref failures file '()))
                       (warns   (hash-ref warnings file '())))
                   (result-line "RESULT-MODULE" label (module-string name)
                                (if (null? reasons) "ok" "fail")
                                (cond ((pair? reasons) (string-join reasons "; "))
                                      ((null? warns) "")
                                      (else (format #f "~a compiler warning~:p"
                                                    (length warns)))))))
               rel modules)
              (for-each
               (lambda (r)
                 (let ((name (module-string (pkg-result-module r)))
                       (sym  (symbol->string (pkg-result-symbol r))))
                   (result-line "RESULT" label name sym
                                (if (pkg-result-failed? r) "fail" "ok")
                                (if (pkg-result-failed? r)
                                    (string-join (pkg-result-errors r) "; ")
                                    (pkg-result-full-name r)))
                   (result-line "RESULT-CACHE" label name sym
                                (match (pkg-result-cache-status r)
                                  (#f "fail")
                                  (status (symbol->string status)))
                                (or (pkg-result-cache-text r)
                                    "not computed"))
                   (match (expectation expects (pkg-result-module r)
                                       (pkg-result-file r))
                     (#f #t)
                     (pattern
                      (result-line "RESULT-EXPECT" label name sym
                                   (if (pkg-result-failed? r)
                                       "expected-fail"
                                       "unexpected-pass")
                                   pattern)))))
               pkg-results)
              (for-each (cut result-line "RESULT-EXPECT" label "-" "-" "unmatched" <>)
                        unmatched)
              (for-each (match-lambda
                          ((file . diff)
                           (result-line "RESULT-STYLE" label file
                                        (if diff "diff" "ok") (or diff ""))))
                        styles)
              (if %keep?
                  (say "kept ~a~%" tmp)
                  (delete-file-recursively tmp))
              ok?)))))))


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
  (let loop ((runs %runs) (styled '()) (results '()))
    (match runs
      (() (reverse results))
      ((run . rest)
       (let ((dir   (run-dir run))
             (label (run-label run))
             (style? (and %style? (not (member (run-dir run) styled)))))
         (force-output (current-output-port))
         (force-output (current-error-port))
         (loop rest (cons dir styled)
               (cons
                (match (if (file-is-directory?* dir) (primitive-fork) 'missing)
                  ('missing
                   (say "~%FAIL ~a: not a directory~%" dir)
                   (cons label #f))
                  (0
                   (let ((ok? (with-exception-handler
                                  (lambda (c)
                                    (say "FAIL ~a: internal error of check-channel.scm: ~a~%"
                                         label (exception->string c))
                                    #f)
                                (lambda () (check-run run style?))
                                #:unwind? #t)))
                     (force-output (current-output-port))
                     (force-output (current-error-port))
                     (primitive-exit (if ok? 0 1))))
                  (pid
                   (cons label
                         (zero? (or (status:exit-val (cdr (waitpid pid))) 1)))))
                results)))))))

(say "~%=== overall~%")
(for-each (match-lambda
            ((label . ok?) (say "~a ~a~%" (if ok? "ok" "FAIL") label)))
          %results)
(for-each (match-lambda
            ((label . ok?) (result-line "RESULT-OVERALL" label
                                        (if ok? "ok" "fail"))))
          %results)
(say "time: total ~as~%" (seconds-since %t-start))
(exit (if (every cdr %results) 0 1))
