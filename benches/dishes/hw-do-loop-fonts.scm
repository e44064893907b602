;; expect: ok -- hand-written: do loop collects font weights into an install plan
(define %weights '("Regular" "Bold" "Italic" "BoldItalic"))

(define %install-plan
  (do ((ws %weights (cdr ws))
       (plan '() (cons (list (string-append "fonts/ttf/Iosevka-" (car ws) ".ttf")
                             "share/fonts/truetype/")
                       plan)))
      ((null? ws) (reverse plan))))

(potluck-package
  (name "font-iosevka-custom")
  (version "33.3.0")
  (source (potluck-source
            (git-uri "https://github.com/be5invis/Iosevka")
            (git-commit "c0ffee0ddba11c0ffee0ddba11c0ffee0ddba11c")
            (sha256 "1gkd0zyix9shh3gc9gn8pgzqyws2j0a5ngv6dshs0n8jds0vcz6j")))
  (build-system 'copy)
  (arguments `(#:install-plan ',%install-plan))
  (home-page "https://typeof.net/Iosevka/")
  (synopsis "Coders' typeface, built from code")
  (description "Iosevka is a slender monospace sans-serif or slab-serif typeface
inspired by Pragmata Pro, M+, and PF DIN Mono, designed to be the ideal font for
programming.")
  (license 'silofl1.1))
