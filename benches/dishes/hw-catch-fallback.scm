;; expect: ok -- hand-written: catch recovers from an error in an optional helper
(define (safe-ref alist key default)
  (catch 'missing
    (lambda ()
      (let ((hit (assq key alist)))
        (if hit (cdr hit) (throw 'missing key))))
    (lambda (k . args) default)))

(define %meta '((synopsis . "Desktop search tool") (license . gpl2+)))

(potluck-package
  (name "recoll")
  (version "1.43.2")
  (source (potluck-source
            (git-uri "https://framagit.org/medoc92/recoll.git")
            (git-commit "6e4f2a8c0b2d4f6a8c0e2a4c6e8a0c2e4a6c8e0a")
            (sha256 "0m9lg4cfdb2vhl2ad8b0y0lc8v5v0xw0y4gn8w4d4rg2b1vqc4gk")))
  (build-system 'meson)
  (inputs '("xapian" "zlib" "libxslt" "libxml2" "aspell" "chmlib" "python"))
  (native-inputs '("pkg-config" "bison"))
  (arguments '(#:configure-flags '("-Dqtgui=false" "-Dsystemd=false")))
  (home-page "https://www.recoll.org")
  (synopsis (safe-ref %meta 'synopsis "Search tool"))
  (description "Recoll is a desktop full-text search tool.  It finds keywords
inside documents as well as file names.")
  (license (safe-ref %meta 'license 'gpl2+)))
