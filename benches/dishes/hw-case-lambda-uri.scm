;; expect: ok -- hand-written: case-lambda helper with default forge
(define forge-uri
  (case-lambda
    ((repo) (forge-uri "github.com" repo))
    ((host repo) (string-append "https://" host "/" repo))))

(potluck-package
  (name "kakoune")
  (version "2024.05.18")
  (source (potluck-source
            (git-uri (forge-uri "mawww/kakoune"))
            (git-commit "7c7b2a1d0e9f8c7b6a5d4e3f2a1b0c9d8e7f6a5b")
            (sha256 "1xl6i48hbjbqi1q1g81xgyxyyhdxyz4x31bj8brqb0ksr4vf4rck")))
  (build-system 'gnu)
  (native-inputs '("ruby-asciidoctor" "pkg-config"))
  (arguments '(#:make-flags '("CC=g++" "PREFIX=/out")
               #:phases (modify-phases %standard-phases (delete 'configure))))
  (home-page (forge-uri "kakoune.org" ""))
  (synopsis "Vim-inspired code editor")
  (description "Kakoune is a code editor heavily inspired by Vim.  It is designed
around interactivity: most commands provide immediate and incremental results.")
  (license 'unlicense))
