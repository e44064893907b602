;; expect: ok -- hand-written: define-values and call-with-values split a spec list
(define (partition-by-prefix prefix specs)
  (let loop ((specs specs) (yes '()) (no '()))
    (cond ((null? specs) (values (reverse yes) (reverse no)))
          ((string-prefix? prefix (car specs))
           (loop (cdr specs) (cons (car specs) yes) no))
          (else (loop (cdr specs) yes (cons (car specs) no))))))

(define-values (perl-deps other-deps)
  (partition-by-prefix "perl-" '("perl-json" "openssl" "perl-uri" "perl-libwww" "zlib" "perl-try-tiny")))

(potluck-package
  (name "perl-app-cpanminus-lite")
  (version "1.7047")
  (source (potluck-source
            (git-uri "https://github.com/miyagawa/cpanminus")
            (git-commit "b5d1e3f7a9c1e3f5a7b9d1e3f5a7c9e1b3d5f7a9")
            (sha256 "0b3x52ardb3vbvq4kqrwsn9ck7k8yv16vx2n4czb7h8q6g1zyp1i")))
  (build-system 'perl)
  (inputs (call-with-values
              (lambda () (partition-by-prefix "lib" other-deps))
            (lambda (libs rest) (append libs rest))))
  (propagated-inputs perl-deps)
  (home-page "https://metacpan.org/release/App-cpanminus")
  (synopsis "Get, unpack, build and install modules from CPAN")
  (description "Cpanminus is a script to get, unpack, build and install modules
from CPAN and does nothing else.  It is dependency free.")
  (license 'gpl1+))
