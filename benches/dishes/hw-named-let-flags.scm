;; expect: ok -- hand-written: named let turns an option alist into -D flags
(define %options
  '((BUILD_SHARED_LIBS . "ON")
    (BUILD_TESTING . "OFF")
    (CMAKE_INSTALL_LIBDIR . "lib")
    (FMT_DOC . "OFF")))

(define (cmake-flags options)
  (let loop ((options options) (acc '()))
    (if (null? options)
        (reverse acc)
        (loop (cdr options)
              (cons (string-append "-D" (symbol->string (caar options))
                                   "=" (cdar options))
                    acc)))))

(potluck-package
  (name "fmt")
  (version "11.0.2")
  (source (potluck-source
            (git-uri "https://github.com/fmtlib/fmt")
            (git-commit "0c9fce2ffefecfdce794e1859584e25877b7b592")
            (sha256 "04xnfhm6dl2ridqv4m4m8m3x7ci8nkwqj7h4b5ah8gvc9nxp2z9q")))
  (build-system 'cmake)
  (arguments `(#:configure-flags ',(cmake-flags %options)))
  (home-page "https://fmt.dev")
  (synopsis "Small and fast C++ formatting library")
  (description "@code{fmt} (formerly @code{cppformat}) is a formatting library
for C++.  It can be used as a safe alternative to @code{printf} or as a fast
alternative to @code{IOStreams}.")
  (license 'expat))
