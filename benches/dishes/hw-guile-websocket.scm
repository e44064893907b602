;; expect: ok -- hand-written: name and version parsed out of a release tag
;; Copyright © 2025 Ada Quill <ada@example.org>
;; SPDX-License-Identifier: GPL-3.0-or-later

(define %tag "guile-websocket-0.2.0")

;; "guile-websocket-0.2.0" -> ("guile-websocket" . "0.2.0")
(define (split-tag tag)
  (let ((dash (string-rindex tag #\-)))
    (cons (substring tag 0 dash)
          (substring tag (+ dash 1)))))

(define %name+version (split-tag %tag))

(potluck-package
  (name (car %name+version))
  (version (cdr %name+version))
  (source (potluck-source
            (git-uri "https://git.dthompson.us/guile-websocket.git")
            (git-commit "2ad3d9bbc8fbc4c9c2e5a4b7db3c3e1e0f3b6c21")
            (sha256 "0c2rs0b8g0p7rh6s5iv4lq4hw2yk2bbd7sgb7m2b1v5i4ib3rxqs")))
  (build-system 'gnu)
  (inputs '("guile@3.0"))
  (native-inputs '("autoconf" "automake" "pkg-config"))
  (propagated-inputs '("guile-gnutls"))
  (arguments '(#:make-flags '("GUILE_AUTO_COMPILE=0")))
  (home-page "https://dthompson.us/projects/guile-websocket.html")
  (synopsis "WebSocket server/client for Guile")
  (description "Guile-websocket provides an implementation of the WebSocket
protocol as defined by RFC 6455.")
  (license 'lgpl3+))
