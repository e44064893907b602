;; expect: ok -- hand-written: a small procedure that returns a whole package
(define* (emacs-package name version commit hash
                        #:key (owner "emacs-straight") (propagated '())
                        synopsis description (license 'gpl3+))
  (potluck-package
    (name (string-append "emacs-" name))
    (version version)
    (source (potluck-source
              (git-uri (string-append "https://github.com/" owner "/" name ".el"))
              (git-commit commit)
              (sha256 hash)))
    (build-system 'emacs)
    (propagated-inputs propagated)
    (home-page (string-append "https://github.com/" owner "/" name ".el"))
    (synopsis synopsis)
    (description description)
    (license license)))

(emacs-package "ht" "2.4" "1c49aad1c820c86f7ee35bf9fff8429502f60fef"
               "1x0pbfc6yg5hfp9ga5dk4dxkd0fbxgw3gf4f0a0f4d5hcxsxhdhj"
               #:owner "Wilfred"
               #:propagated '("emacs-dash")
               #:synopsis "Hash table library for Emacs"
               #:description "This package simplifies the use of hash tables in
Emacs Lisp.  It provides functions to create, query and update hash tables.")
