;; expect: ok -- hand-written: delay/force and string-concatenate for a long description
(define %long-description
  (delay (string-concatenate
          (list "Kitty is a fast, featureful, GPU-based terminal emulator.  "
                "It offloads rendering to the GPU for lower system load and "
                "buttery smooth scrolling, and uses threaded rendering to "
                "minimize input latency."))))

(potluck-package
  (name "kitty")
  (version "0.42.1")
  (source (potluck-source
            (git-uri "https://github.com/kovidgoyal/kitty")
            (git-commit "d8e3a1f2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8")
            (sha256 "1cys3dwnkrcgs7i3cvnmnmhc2j1bqp59rdm41xcc2jgc9gbvyiyq")))
  (build-system 'gnu)
  (inputs '("dbus" "fontconfig" "freetype" "harfbuzz" "lcms" "libpng"
            "libxkbcommon" "mesa" "openssl" "python" "wayland" "zlib"))
  (native-inputs '("pkg-config" "wayland-protocols" "python-sphinx"))
  (arguments '(#:tests? #f
               #:phases (modify-phases %standard-phases
                          (delete 'configure)
                          (replace 'build
                            (lambda _
                              (invoke "python3" "setup.py" "linux-package"))))))
  (home-page "https://sw.kovidgoyal.net/kitty/")
  (synopsis "Fast, featureful, GPU based terminal emulator")
  (description (force %long-description))
  (license 'gpl3))
