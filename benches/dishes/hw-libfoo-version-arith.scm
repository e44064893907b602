;; expect: ok -- hand-written: version computed from numbers, commit from a git-describe string
(define %major 2)
(define %minor 14)
(define %patch 1)
(define %describe "v2.14.1-0-g1d7c4f2a9e0b5c3d8f6a7b9c0e1d2f3a4b5c6d7e")

(define (describe->commit d)
  ;; Everything after the last "-g".
  (let ((i (string-contains d "-g")))
    (string-drop d (+ i 2))))

(potluck-package
  (name "libsigc++")
  (version (string-join (map number->string (list %major %minor %patch)) "."))
  (source (potluck-source
            (git-uri "https://github.com/libsigcplusplus/libsigcplusplus")
            (git-commit (describe->commit %describe))
            (sha256 "1gn4lbsbaqsrxjqzjlaf1c3ypxn4rcl9hinv71fh8aw8ayxmd9pr")))
  (build-system 'meson)
  (native-inputs '("graphviz" "docbook-xsl" "doxygen" "m4" "mm-common" "perl" "pkg-config" "libxslt"))
  (arguments '(#:configure-flags '("-Dbuild-documentation=false")))
  (home-page "https://libsigcplusplus.github.io/libsigcplusplus/")
  (synopsis "Type-safe callback system for standard C++")
  (description "Libsigc++ implements a type-safe callback system for standard
C++.  It allows you to define signals and to connect those signals to any
callback function, either global or a member function, regardless of whether
it is static or virtual.")
  (license 'lgpl2.1+))
