;; expect: ok -- hand-written: identifier-syntax alias and define-syntax-rule for repeated strings
(define-syntax %version (identifier-syntax "0.2.25"))
(define-syntax-rule (sr path) (string-append "https://git.sr.ht/" path))

(potluck-package
  (name "scdoc")
  (version %version)
  (source (potluck-source
            (git-uri (sr "~sircmpwn/scdoc"))
            (git-commit "afeda241f3f9b2c27e461f32d9c2a704ab82ef61")
            (sha256 "1fv2ghzrpw7g7ldcdd6yvpdbv8m4hh5nrn5hj3yfzkpr9jw2hwp2")))
  (build-system 'gnu)
  (arguments `(#:make-flags '("CC=gcc" ,(string-append "PREFIX=/" "out"))
               #:phases (modify-phases %standard-phases (delete 'configure))))
  (home-page (sr "~sircmpwn/scdoc"))
  (synopsis "Simple man page generator")
  (description "scdoc is a simple man page generator written for POSIX systems
written in C99.")
  (license 'expat))
