;; expect: ok -- hand-written: dependency table keyed by role, selected with assq-ref and append-style helpers
(define %deps
  '((build . ("python-setuptools" "python-wheel" "python-setuptools-scm"))
    (test . ("python-pytest" "python-pytest-mock" "python-freezegun"))
    (runtime . ("python-dateutil" "python-requests" "python-platformdirs"))))

(define (deps . roles)
  (apply append (map (lambda (role) (assq-ref %deps role)) roles)))

(potluck-package
  (name "python-vdirsyncer")
  (version "0.19.3")
  (source (potluck-source
            (git-uri "https://github.com/pimutils/vdirsyncer")
            (git-commit "3c6b4b4e4a2e5f8d9e0a1b2c3d4e5f6a7b8c9d0e")
            (sha256 "1bl0j6ra2i4m1mqjjivw5n7v8kkm2ffafl7n8n0l27a5kj0nm2lq")))
  (build-system 'pyproject)
  (native-inputs (deps 'build 'test))
  (propagated-inputs (deps 'runtime))
  (arguments '(#:test-flags '("-k" "not test_request_ssl")))
  (home-page "https://github.com/pimutils/vdirsyncer")
  (synopsis "Synchronize calendars and contacts")
  (description "Vdirsyncer synchronizes your calendars and addressbooks between
two storage locations.  The supported locations are CalDAV and CardDAV servers
and local directories.")
  (license 'bsd-3))
