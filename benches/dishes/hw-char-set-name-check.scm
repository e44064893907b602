;; expect: ok -- hand-written: the author checks the name with char-sets before use
(define %name "Libvterm")

(define (guix-name s)
  (let ((lower (string-downcase s)))
    (if (string-every (char-set-union char-set:lower-case char-set:digit
                                      (string->char-set "-+."))
                      lower)
        lower
        (error "not a valid package name" s))))

(potluck-package
  (name (guix-name %name))
  (version "0.3.3")
  (source (potluck-source
            (git-uri "https://github.com/neovim/libvterm")
            (git-commit "e4a9b7c3d1f5e8a2b6c0d4f8a2e6b0c4d8f2a6e0")
            (sha256 "1jaa7yxfwhwhzwl6ccvjjy3xf1vwn0l5n2mfglkz24l3vg5v7scv")))
  (build-system 'gnu)
  (native-inputs '("libtool" "perl"))
  (arguments '(#:make-flags '("CC=gcc" "PREFIX=/out")
               #:phases (modify-phases %standard-phases (delete 'configure))))
  (home-page "https://www.leonerd.org.uk/code/libvterm/")
  (synopsis "VT220/xterm/ECMA-48 terminal emulator library")
  (description "Libvterm is an abstract C99 library which implements a VT220 or
xterm-like terminal emulator.  It doesn't use any particular graphics toolkit or
output system.")
  (license 'expat))
