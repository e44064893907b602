;; expect: ok -- hand-written: Go import path derived from the git URI with string ops
(define %url "https://github.com/charmbracelet/glamour")

(define (url->import-path url)
  (cond ((string-prefix? "https://" url) (string-drop url 8))
        ((string-prefix? "http://" url) (string-drop url 7))
        (else url)))

(define (import-path->name path)
  (string-append "go-"
                 (string-map (lambda (c) (if (memv c '(#\/ #\.)) #\- c))
                             (string-downcase path))))

(potluck-package
  (name (import-path->name (url->import-path %url)))
  (version "0.10.0")
  (source (potluck-source
            (git-uri %url)
            (git-commit "4b1c7f0e5d5e2a9b8c3f6d1e0a7b4c9d2e5f8a1b")
            (sha256 "0s2mq1fz0mmm7rzg37dw5nh3a6mhgxgr5s6z2lg1z7r6v3xbh0sd")))
  (build-system 'go)
  (propagated-inputs '("go-github-com-alecthomas-chroma-v2"
                       "go-github-com-microcosm-cc-bluemonday"
                       "go-github-com-muesli-reflow"
                       "go-github-com-muesli-termenv"
                       "go-github-com-yuin-goldmark"))
  (arguments `(#:import-path ,(url->import-path %url)))
  (home-page %url)
  (synopsis "Stylesheet-based markdown rendering for Go CLI apps")
  (description "Glamour lets you render markdown documents and templates on ANSI
compatible terminals.  You can create your own stylesheet or use one of the
bundled styles.")
  (license 'expat))
