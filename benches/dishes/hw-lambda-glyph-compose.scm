;; expect: ok -- hand-written: λ, compose and negate clean an input list
(define %raw-inputs '("  zlib" "openssl " "" "  libffi  " "sqlite" ""))

(define clean
  (compose (λ (specs) (filter (negate string-null?) specs))
           (λ (specs) (map string-trim-both specs))))

(potluck-package
  (name "python-minimal-extras")
  (version "3.11.14")
  (source (potluck-source
            (git-uri "https://github.com/python/cpython")
            (git-commit "f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e")
            (sha256 "0x7kn1lxclbfrn53mzpix6pw2mclqxnz1cbxm6xi8b9frn8i0b36")))
  (build-system 'gnu)
  (inputs (clean %raw-inputs))
  (native-inputs '("pkg-config"))
  (arguments '(#:tests? #f #:configure-flags '("--enable-shared" "--with-system-ffi")))
  (home-page "https://www.python.org")
  (synopsis "High-level, dynamically-typed programming language")
  (description "Python is a remarkably powerful dynamic programming language that
is used in a wide variety of application domains.")
  (license 'psfl))
