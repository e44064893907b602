;; expect: ok -- hand-written: snippet built with quasiquote from a list of bundled directories
(define %bundled '("third_party/zlib" "third_party/libpng" "third_party/freetype"))

(potluck-package
  (name "mupdf")
  (version "1.26.8")
  (source (potluck-source
            (git-uri "https://git.ghostscript.com/mupdf.git")
            (git-commit "9d5bd4c8a0f3e1b2c7d6e5f4a3b2c1d0e9f8a7b6")
            (sha256 "1a2mx0cgfkqb4ygx9bmvi7i9gf3pgl8nqzbvw6g1i5w0a8vvjlf7")
            (snippet `(begin
                        (for-each delete-file-recursively ',%bundled)
                        #t))))
  (build-system 'gnu)
  (inputs '("freetype" "libpng" "zlib" "harfbuzz" "openjpeg" "libjpeg-turbo"))
  (native-inputs '("pkg-config"))
  (arguments '(#:tests? #f
               #:make-flags '("CC=gcc" "USE_SYSTEM_LIBS=yes" "shared=yes")
               #:phases (modify-phases %standard-phases
                          (delete 'configure))))
  (home-page "https://mupdf.com")
  (synopsis "Lightweight PDF viewer and toolkit")
  (description "MuPDF is a C library that implements a PDF and XPS parsing and
rendering engine.")
  (license 'agpl3+))
