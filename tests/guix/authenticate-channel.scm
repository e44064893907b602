;;; authenticate-channel.scm -- authenticate a Git channel the way
;;; "guix pull" does, with the real Guix code.
;;;
;;; README.  Run, with a Guix source tree (no Guix daemon, store or
;;; installed Guix needed; Debian's guile-git and guile-gcrypt suffice):
;;;
;;;   GUILE_AUTO_COMPILE=0 guile -L GUIX_SRC -s authenticate-channel.scm \
;;;       [OPTION...] REPO-DIR BRANCH INTRO-COMMIT INTRO-FINGERPRINT
;;;
;;;   REPO-DIR           a Git repository (bare, or a work tree's top directory)
;;;   BRANCH             branch whose tip is authenticated; looked up like
;;;                      Guix looks up the keyring (libgit2 git_branch_lookup,
;;;                      GIT_BRANCH_ALL): first refs/heads/BRANCH, then
;;;                      refs/remotes/BRANCH (so "origin/main" works too);
;;;                      or a full reference name starting with "refs/"
;;;   INTRO-COMMIT       the introduction's commit: full 40-digit hex id
;;;   INTRO-FINGERPRINT  the introduction's signer: the OpenPGP v4 fingerprint
;;;                      (40 hex digits) as in a channels file, with or without
;;;                      spaces, either case, e.g.
;;;                      "BBB0 2DDF 2CEA F6A8 0D1D  E643 A2A0 6DF2 A33A 54FA";
;;;                      every non-hex character is dropped
;;;                      (openpgp-fingerprint->bytevector, guix/channels.scm)
;;;   OPTION ::= --expect-reject    success (exit 0) means Guix refused it
;;;            | --keyring-prefix P prepend P to the keyring branch name.
;;;                                 "guix pull" passes "origin/" because its
;;;                                 checkout is a clone (the keyring is then
;;;                                 refs/remotes/origin/keyring); default ""
;;;                                 (a local branch, refs/heads/keyring)
;;;            | --keyring-reference NAME  keyring branch name; default:
;;;                                 what '.guix-channel' at the tip of BRANCH
;;;                                 says ('keyring-reference'), else "keyring"
;;;   Options may come anywhere on the command line.
;;;
;;; Output (stdout), one machine-readable line:
;;;
;;;   RESULT-AUTH<TAB>ok<TAB>N-COMMITS
;;;   RESULT-AUTH<TAB>fail<TAB>KIND: MESSAGE
;;;
;;; N-COMMITS is the number of commits Guix checked against the
;;; '.guix-authorizations' of their parents: every commit reachable from the
;;; tip of BRANCH and not from INTRO-COMMIT.  The introduction commit itself
;;; is not among them: Guix only checks that it carries a valid signature by
;;; INTRO-FINGERPRINT (its own '.guix-authorizations' is what its children
;;; are checked against).  So for a linear branch whose first commit is the
;;; introduction, N-COMMITS = (number of commits on BRANCH) - 1.
;;; KIND is one of: unsigned-commit, unauthorized-commit, bad-signature,
;;; missing-key (Guix's condition types, guix/git-authenticate.scm), error
;;; (another Guix error: introduction signed by another key, tip not a
;;; descendant of the introduction...), git-error (libgit2, e.g. missing
;;; keyring branch), exception (anything else).  MESSAGE is Guix's own
;;; message, on one line, and the whole reason is at most 500 characters.
;;; Progress and details go to stderr.
;;;
;;; Exit status: 0 when the result is the expected one ("ok" normally,
;;; "fail" with --expect-reject), 1 otherwise, 2 on a usage error.
;;;
;;; What is run.  'authenticate-channel' (guix/channels.scm), which
;;; "guix pull" calls for a channel with an introduction, is essentially:
;;;
;;;   (authenticate-repository repository
;;;                            (string->oid (channel-introduction-first-signed-commit intro))
;;;                            (channel-introduction-first-commit-signer intro)
;;;                            #:end (string->oid commit)
;;;                            #:keyring-reference (string-append "origin/" keyring-reference)
;;;                            #:authentic-commits authentic-commits
;;;                            #:make-reporter make-reporter
;;;                            #:cache-key cache-key)
;;;
;;; This script makes the introduction with (guix channels)'s
;;; 'make-channel-introduction' and 'openpgp-fingerprint->bytevector', reads
;;; '.guix-channel' with Guix's 'read-channel-metadata', and calls
;;; (guix git-authenticate)'s 'authenticate-repository' the same way, with
;;; these differences, all on purpose:
;;;  - No cache.  Guix skips the introduction check, and every commit in the
;;;    closure of a cached commit, when its authentication cache
;;;    (~/.cache/guix/authentication/KEY) lists commits.  Here XDG_CACHE_HOME
;;;    points to a fresh temporary directory (deleted at exit), so
;;;    everything is authenticated from the introduction, as on a first
;;;    "guix pull".  #:authentic-commits is '() (Guix passes the commit of
;;;    the channel currently in use, which a first pull does not have).
;;;  - The keyring prefix is "" unless --keyring-prefix is given (see above).
;;;  - '.guix-channel' is read from the tip commit of BRANCH, not from a
;;;    work tree (Guix reads the checkout, which is at that commit).
;;;  - Stricter when there is nothing to authenticate.  If the tip of BRANCH
;;;    is the introduction commit, or one of its ancestors,
;;;    'authenticate-repository' returns at once without checking anything
;;;    (not even the introduction's signature), and "guix pull" accepts it.
;;;    Here the tip must then be the introduction commit itself, and its
;;;    signature is checked with Guix's 'verify-introductory-commit' (a
;;;    private procedure of (guix git-authenticate)); result "ok 0".
;;;
;;;  - Debian's Guile-Git 0.5.2 lacks 'graph-descendant?', which this Guix
;;;    needs; it is supplied below (a libgit2 binding, as in Guile-Git 0.6).
;;;
;;; What the channel must look like (what Guix checks, in short):
;;;  - The keyring branch (default "keyring") holds the public keys: every
;;;    file of its tree, subdirectories included, whose name ends in ".key"
;;;    is read, ASCII-armored or binary; other files are ignored; the file
;;;    name does not matter otherwise.  The keyring branch's own commits are
;;;    not authenticated: it only supplies key material.
;;;  - '.guix-authorizations' at the top of the tree:
;;;      (authorizations
;;;       (version 0)
;;;       (("FPR FPR FPR FPR FPR  FPR FPR FPR FPR FPR" (name "someone"))
;;;        ...))
;;;    fingerprints of primary keys, spaces allowed (non-graphic characters
;;;    are dropped, case ignored).  A commit is authorized by the
;;;    '.guix-authorizations' of its PARENT(S) (intersection for a merge),
;;;    never by its own; a parent without the file authorizes nobody, and a
;;;    commit whose parent lacks it while the grandparent had it is refused
;;;    ("attempts to remove '.guix-authorizations'": the removing commit
;;;    itself passes, its child fails).
;;;  - Every commit after the introduction must be signed (not with SHA-1)
;;;    by a key that is in the keyring and authorized; the introduction
;;;    must be signed by INTRO-FINGERPRINT (key in the keyring); commits
;;;    before the introduction are not looked at.
;;;
;;; Timing (2-core machine): loading the Guix modules takes about 4 s
;;; (interpreted, GUILE_AUTO_COMPILE=0); authenticating a handful of commits
;;; about 0.01 s.  Both are printed on stderr.
;;;
;;; Code:

(define %start-time
  ;; Before Guix is loaded, to report how long loading takes.
  (get-internal-real-time))

(use-modules (guix git-authenticate)
             ((guix channels)
              #:select (make-channel-introduction
                        channel-introduction-first-signed-commit
                        channel-introduction-first-commit-signer
                        openpgp-fingerprint->bytevector))
             ((guix git) #:select (with-repository commit-short-id))
             ((guix openpgp)
              #:select (openpgp-public-key-fingerprint
                        openpgp-format-fingerprint))
             ((guix diagnostics)
              #:select (formatted-message?
                        formatted-message-string
                        formatted-message-arguments))
             ((guix build utils) #:select (delete-file-recursively))
             (git)
             ((git types) #:select (repository->pointer))
             ((system foreign) #:select (int))
             (srfi srfi-1)
             (srfi srfi-26)
             (srfi srfi-35)
             ((ice-9 exceptions)
              #:select (exception-kind exception-args
                        exception-with-message? exception-message
                        exception-with-irritants? exception-irritants))
             (rnrs bytevectors)
             (rnrs io ports)
             (ice-9 match))

(define %program "authenticate-channel.scm")

;;;
;;; Compatibility with Debian's guile-git.
;;;

;; (guix git)'s 'commit-descendant?', which 'authenticate-repository' calls,
;; uses 'graph-descendant?', which Guile-Git exports from (git graph) since
;; version 0.6.0.  Debian bookworm has Guile-Git 0.5.2, which lacks it: the
;; call then fails with "Unbound variable: graph-descendant?".  When it is
;; missing, define it in the public interface of (git) as Guile-Git 0.6 does,
;; as a binding of libgit2's git_graph_descendant_of (1: descendant, 0: not,
;; negative: error).  (guix git) is interpreted, so it resolves the variable
;; at its first call, after this.
(let ((git-interface (resolve-interface '(git))))
  (unless (module-variable git-interface 'graph-descendant?)
    (let ((proc (libgit2->procedure int "git_graph_descendant_of"
                                    '(* * *))))
      (module-define! git-interface 'graph-descendant?
                      (lambda (repository commit ancestor)
                        "Return true if COMMIT (an OID) is a descendant of
ANCESTOR (an OID) in REPOSITORY; #f if it is the same commit."
                        (let ((result (proc (repository->pointer repository)
                                            (oid->pointer commit)
                                            (oid->pointer ancestor))))
                          (case result
                            ((1) #t)
                            ((0) #f)
                            (else (raise-git-error result)))))))))

(define %max-reason-length 500)

;;;
;;; Command line.
;;;

(define (usage-error fmt . args)
  (apply format (current-error-port)
         (string-append %program ": " fmt "~%") args)
  (format (current-error-port) "usage: guile -L GUIX_SRC -s ~a \
[--expect-reject] [--keyring-prefix P] [--keyring-reference NAME] \
REPO-DIR BRANCH INTRO-COMMIT INTRO-FINGERPRINT~%" %program)
  (exit 2))

(define (parse-command-line args)
  "Return an alist of the options and positional arguments in ARGS."
  (let loop ((args args) (options '()) (positional '()))
    (match args
      (()
       (match (reverse positional)
         ((repo branch commit fingerprint)
          `((repo . ,repo) (branch . ,branch) (commit . ,commit)
            (fingerprint . ,fingerprint) ,@options))
         (lst
          (usage-error "expected 4 arguments, got ~a" (length lst)))))
      (("--expect-reject" rest ...)
       (loop rest (acons 'expect-reject? #t options) positional))
      (((and option (or "--keyring-prefix" "--keyring-reference")))
       (usage-error "~a needs a value" option))
      (("--keyring-prefix" value rest ...)
       (loop rest (acons 'keyring-prefix value options) positional))
      (("--keyring-reference" value rest ...)
       (loop rest (acons 'keyring-reference value options) positional))
      (((? (cut string-prefix? "--" <>) option) _ ...)
       (usage-error "unknown option ~a" option))
      ((arg rest ...)
       (loop rest options (cons arg positional))))))

(define (check-arguments! options)
  (define (hex-string? str len)
    (and (= (string-length str) len)
         (string-every char-set:hex-digit str)))
  (let ((repo        (assq-ref options 'repo))
        (commit      (assq-ref options 'commit))
        (fingerprint (assq-ref options 'fingerprint)))
    (unless (file-exists? repo)
      (usage-error "~a: no such directory" repo))
    (unless (hex-string? commit 40)
      (usage-error "INTRO-COMMIT must be a 40-digit hex commit id: ~s" commit))
    ;; Same filter as 'openpgp-fingerprint->bytevector'.
    (unless (= 40 (string-length (string-filter char-set:hex-digit
                                                fingerprint)))
      (usage-error "INTRO-FINGERPRINT must have 40 hex digits (OpenPGP v4 \
fingerprint): ~s" fingerprint))))

;;;
;;; Reporting.
;;;

(define (one-line str)
  "Turn STR into a single line of at most %MAX-REASON-LENGTH characters."
  (let ((str (string-trim-both
              (string-map (lambda (c)
                            (if (or (char=? c #\newline) (char=? c #\tab)
                                    (char=? c #\return))
                                #\space
                                c))
                          str))))
    (if (> (string-length str) %max-reason-length)
        (string-append (string-take str (- %max-reason-length 3)) "...")
        str)))

(define (exception->reason exn)
  "Return a one-line \"KIND: MESSAGE\" string describing EXN, a condition
raised by Guix or an exception thrown by guile-git or Guile."
  (define kind-and-args
    ;; The kind of a 'throw'-style exception (git-error, wrong-type-arg,
    ;; ...), or #f for a condition raised with 'raise'.
    (and (exception? exn)
         (let ((kind (exception-kind exn)))
           (and (not (eq? kind '%exception)) kind))))

  (define (guile-message)
    ;; Guile's own errors carry a format string and its irritants.
    (let ((message (exception-message exn))
          (irritants (if (exception-with-irritants? exn)
                         (exception-irritants exn)
                         '())))
      (or (false-if-exception (apply format #f message irritants))
          (format #f "~a ~s" message irritants))))

  (define-values (kind message)
    (cond ((unsigned-commit-error? exn)
           (values "unsigned-commit" #f))
          ((unauthorized-commit-error? exn)
           (values "unauthorized-commit" #f))
          ((signature-verification-error? exn)
           (values "bad-signature" #f))
          ((missing-key-error? exn)
           (values "missing-key" #f))
          ((formatted-message? exn)
           (values "error" #f))
          ((eq? kind-and-args 'git-error)
           (values "git-error"
                   (match (exception-args exn)
                     (((? git-error? err) . _)
                      (format #f "~a (libgit2 error code ~a)"
                              (git-error-message err) (git-error-code err)))
                     (args (format #f "~s" args)))))
          (kind-and-args
           (values "exception"
                   (if (exception-with-message? exn)
                       (string-append (symbol->string kind-and-args) ": "
                                      (guile-message))
                       (format #f "~a: ~s" kind-and-args
                               (exception-args exn)))))
          ((and (exception? exn) (exception-with-message? exn))
           (values "error" (exception-message exn)))
          (else
           (values "exception" (format #f "~s" exn)))))

  (define text
    (or message
        (if (formatted-message? exn)
            ;; What Guix's 'report-error' prints after "guix pull: error: ".
            (apply format #f (formatted-message-string exn)
                   (formatted-message-arguments exn))
            (format #f "~s" exn))))

  (one-line (string-append kind ": " text)))

(define (finish! outcome detail expect-reject?)
  "Print the RESULT-AUTH line and exit with the status the README describes.
OUTCOME is 'ok or 'fail."
  (format #t "RESULT-AUTH\t~a\t~a~%" outcome detail)
  (force-output (current-output-port))
  (exit (if (eq? outcome (if expect-reject? 'fail 'ok)) 0 1)))

;;;
;;; Authentication.
;;;

(define (lookup-branch-tip repository branch)
  "Return the OID of the commit at the tip of BRANCH, looked up with
GIT_BRANCH_ALL (local, then remote-tracking), or with its full name if it
starts with \"refs/\"."
  (let ((reference (if (string-prefix? "refs/" branch)
                       (reference-lookup repository branch)
                       (branch-lookup repository branch BRANCH-ALL))))
    ;; Peel to the commit (a branch may point to an annotated tag).
    (object-id (reference-peel reference OBJ-COMMIT))))

(define read-channel-metadata
  ;; Guix's '.guix-channel' reader (not exported).
  (@@ (guix channels) read-channel-metadata))

(define channel-metadata-keyring-reference
  (@@ (guix channels) channel-metadata-keyring-reference))

(define (keyring-reference-at repository commit-oid)
  "Return the 'keyring-reference' that '.guix-channel' in COMMIT-OID
declares, or \"keyring\" (Guix's default) when there is no '.guix-channel'."
  (let* ((tree  (commit-tree (commit-lookup repository commit-oid)))
         (entry (catch 'git-error
                  (lambda ()
                    (tree-entry-bypath tree ".guix-channel"))
                  (lambda (key err)
                    (if (= (git-error-code err) GIT_ENOTFOUND)
                        #f
                        (throw key err))))))
    (if entry
        (let ((content (blob-content
                        (blob-lookup repository (tree-entry-id entry)))))
          (channel-metadata-keyring-reference
           (read-channel-metadata
            (open-string-input-port (utf8->string content)))))
        (@@ (guix channels) %default-keyring-reference))))

(define (authenticate options cache-root)
  "Authenticate per OPTIONS with Guix.  Return the number of commits that
were checked against '.guix-authorizations'.  Raise on failure."
  (define intro
    ;; What a channels file's (make-channel-introduction COMMIT
    ;; (openpgp-fingerprint "...")) evaluates to.
    (make-channel-introduction
     (string-downcase (assq-ref options 'commit))
     (openpgp-fingerprint->bytevector (assq-ref options 'fingerprint))))

  (define (make-reporter start-commit end-commit commits)
    ;; Like 'authenticate-channel', minus the progress bar.
    (format (current-error-port)
            "Authenticating commits ~a to ~a (~a new commits)...~%"
            (commit-short-id start-commit)
            (commit-short-id end-commit)
            (length commits))
    progress-reporter/silent)

  (with-repository (assq-ref options 'repo) repository
    (let* ((start   (string->oid
                     (channel-introduction-first-signed-commit intro)))
           (signer  (channel-introduction-first-commit-signer intro))
           (end     (lookup-branch-tip repository (assq-ref options 'branch)))
           (keyring-reference
            (string-append (or (assq-ref options 'keyring-prefix) "")
                           (or (assq-ref options 'keyring-reference)
                               (keyring-reference-at repository end))))
           (cache-key "potluck-authenticate-channel"))
      (format (current-error-port)
              "~a: introduction ~a signed by ~a; branch ~a at ~a; \
keyring branch ~s~%"
              %program (oid->string start)
              (openpgp-format-fingerprint signer)
              (assq-ref options 'branch) (oid->string end)
              keyring-reference)

      ;; Make sure the "no cache" premise holds.
      (unless (null? (previously-authenticated-commits cache-key))
        (error "authentication cache unexpectedly not empty" cache-root))

      (let ((stats (authenticate-repository repository start signer
                                            #:end end
                                            #:keyring-reference
                                            keyring-reference
                                            #:authentic-commits '()
                                            #:cache-key cache-key
                                            #:make-reporter make-reporter)))
        (match stats
          (()
           ;; Nothing was authenticated (see "Stricter" in the README).
           (let ((start-commit (commit-lookup repository start)))
             (unless (oid=? start end)
               (raise-exception (condition
                       (&message
                        (message
                         (format #f "commit ~a is not a descendant of \
introductory commit ~a (it is an ancestor of it, which \
guix pull would accept without checking anything)"
                                 (oid->string end) (oid->string start)))))))
             ((@@ (guix git-authenticate) verify-introductory-commit)
              repository
              (load-keyring-from-reference repository keyring-reference)
              start-commit signer)
             0))
          (((keys . counts) ...)
           (for-each (lambda (key count)
                       (format (current-error-port)
                               "  ~a commits signed by ~a~%"
                               count
                               (openpgp-format-fingerprint
                                (openpgp-public-key-fingerprint key))))
                     keys counts)
           (reduce + 0 counts)))))))

(define progress-reporter/silent
  (@ (guix progress) progress-reporter/silent))

(define (seconds-since time)
  (exact->inexact (/ (- (get-internal-real-time) time)
                     internal-time-units-per-second)))

(define (main args)
  (define loaded-time (get-internal-real-time))
  (let* ((options        (parse-command-line args))
         (expect-reject? (assq-ref options 'expect-reject?)))
    (check-arguments! options)
    ;; A private, empty authentication cache; see the README.
    (let ((cache-root (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp")
                                              "/guix-auth-cache.XXXXXX"))))
      (setenv "XDG_CACHE_HOME" cache-root)
      (let ((result
             (dynamic-wind
               (const #t)
               (lambda ()
                 (with-exception-handler
                     (lambda (exn)
                       (cons 'fail
                             (or (false-if-exception (exception->reason exn))
                                 "exception: (unprintable)")))
                   (lambda ()
                     (cons 'ok (authenticate options cache-root)))
                   #:unwind? #t))
               (lambda ()
                 (false-if-exception (delete-file-recursively cache-root))))))
        (format (current-error-port)
                "~a: Guix modules loaded in ~,1f s, authentication took \
~,2f s~%"
                %program
                (exact->inexact (/ (- loaded-time %start-time)
                                   internal-time-units-per-second))
                (seconds-since loaded-time))
        (when (eq? 'fail (car result))
          (format (current-error-port) "~a: Guix refused: ~a~%"
                  %program (cdr result)))
        (finish! (car result) (cdr result) expect-reject?)))))

(main (cdr (command-line)))
