;; expect: ok -- hand-written: let-syntax and syntax-rules with an ellipsis build the input lists
(let-syntax ((specs (syntax-rules ()
                      ((_ name ...) (list (symbol->string 'name) ...)))))
  (potluck-package
    (name "neatvnc")
    (version "0.9.5")
    (source (potluck-source
              (git-uri "https://github.com/any1/neatvnc")
              (git-commit "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567")
              (sha256 "1r13pv8rrzj6mcnhgmgmhwlwq2d0d4yx8rd8ndvn07z2aqc4m3jd")))
    (build-system 'meson)
    (inputs (specs aml gnutls libdrm libjpeg-turbo mesa pixman zlib))
    (native-inputs (specs pkg-config))
    (home-page "https://github.com/any1/neatvnc")
    (synopsis "VNC server library")
    (description "Neat VNC is a liberally licensed VNC server library that's
intended to be fast and neat.")
    (license 'isc)))
