;; expect: ok -- hand-written: iota and number->string generate versioned flags
(define %abi-versions (map (lambda (n) (+ n 1)) (iota 3)))

(potluck-package
  (name "libfido2")
  (version "1.16.0")
  (source (potluck-source
            (git-uri "https://github.com/Yubico/libfido2")
            (git-commit "a1c3e5a7c9e1a3c5e7a9c1e3a5c7e9a1c3e5a7c9")
            (sha256 "0ly8wrnk3zyvs94wyn5d2m8njzn9kpq6hh6x1hw0g3fc2cblj3hi")))
  (build-system 'cmake)
  (inputs '("libcbor" "openssl" "eudev" "zlib"))
  (native-inputs '("pkg-config"))
  (arguments `(#:configure-flags
               '("-DBUILD_TESTS=ON"
                 ,(string-append "-DFIDO_ABI_LIST="
                                 (string-join (map number->string %abi-versions) ";")))))
  (home-page "https://github.com/Yubico/libfido2")
  (synopsis "Library functionality and command-line tools for FIDO devices")
  (description "Libfido2 provides library functionality and command-line tools
to communicate with a FIDO device over USB, and to verify attestation and
assertion signatures.")
  (license 'bsd-2))
