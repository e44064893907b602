;; expect: ok -- hand-written: SPDX identifier mapped to a Guix license symbol
(define %spdx->guix
  '(("MIT" . expat) ("Apache-2.0" . asl2.0) ("GPL-3.0-or-later" . gpl3+)
    ("BSD-3-Clause" . bsd-3) ("MPL-2.0" . mpl2.0)))

(define %spdx "Apache-2.0")

(potluck-package
  (name "rust-starship-lite")
  (version "1.24.2")
  (source (potluck-source
            (git-uri "https://github.com/starship/starship")
            (git-commit "bd7f3e2a6c1d0b9e8f7a6c5d4e3b2a1c0d9e8f7b")
            (sha256 "07k4fj5vq6gflzyyf5qsf0fdp4k6hppf2lmgi2xkfx1wzjhmjgsj")))
  (build-system 'cargo)
  (inputs '("libgit2" "zlib"))
  (native-inputs '("pkg-config" "cmake-minimal"))
  (arguments '(#:install-source? #f))
  (home-page "https://starship.rs")
  (synopsis "Prompt for any shell")
  (description "Starship is a minimal, fast, and extremely customizable prompt for
any shell.  It shows the information you need, while staying out of your way.")
  (license (assoc-ref %spdx->guix %spdx)))
