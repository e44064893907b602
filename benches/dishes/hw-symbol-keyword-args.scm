;; expect: ok -- hand-written: keyword arguments assembled from symbols with symbol->keyword
(define %settings '((tests? . #f) (install-source? . #f)))

(define (settings->arguments settings)
  (let loop ((s settings))
    (if (null? s)
        '()
        (cons* (symbol->keyword (caar s)) (cdar s) (loop (cdr s))))))

(potluck-package
  (name "tree-sitter-cli-lite")
  (version "0.25.10")
  (source (potluck-source
            (git-uri "https://github.com/tree-sitter/tree-sitter")
            (git-commit "da6fe9beb4f7f67beb75914ca8e0d48ae48d6406")
            (sha256 "0gnlcp7dcl2jhsbawwlpmhkiqn0ld8jygbwryzzsn4jq4k6iqqpj")))
  (build-system 'cargo)
  (inputs '("tree-sitter"))
  (arguments (settings->arguments %settings))
  (home-page "https://tree-sitter.github.io/tree-sitter/")
  (synopsis "Incremental parsing system for programming tools")
  (description "Tree-sitter is a parser generator tool and an incremental parsing
library.  It can build a concrete syntax tree for a source file and efficiently
update the syntax tree as the source file is edited.")
  (license 'expat))
