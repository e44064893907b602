;; expect: ok -- hand-written: inputs written as one whitespace-separated string, split with string-tokenize
(define %inputs-string "  alsa-lib  jack pulseaudio
                         libsndfile fftw   lv2 ")

(potluck-package
  (name "carla-lite")
  (version "2.5.10")
  (source (potluck-source
            (git-uri "https://github.com/falkTX/Carla")
            (git-commit "71e3c0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7")
            (sha256 "0jn4ppfqkrcq4gixy4wm3bh3wscbnrcwb3b9bc8dq9kkhnqwhsa6")))
  (build-system 'gnu)
  (inputs (string-tokenize %inputs-string))
  (native-inputs '("pkg-config"))
  (arguments '(#:tests? #f
               #:make-flags '("PREFIX=/out" "CC=gcc")
               #:phases (modify-phases %standard-phases (delete 'configure))))
  (home-page "https://kx.studio/Applications:Carla")
  (synopsis "Audio plugin host")
  (description "Carla is a fully-featured audio plugin host, with support for
many audio drivers and plugin formats.")
  (license 'gpl2+))
