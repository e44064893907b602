;; expect: ok -- hand-written: versioned and output specs, kept sorted with sort and string<?
(define %inputs
  (sort '("glib" "gtk" "libadwaita" "json-glib" "libsoup" "gstreamer"
          "gst-plugins-base" "libportal")
        string<?))

(define %native-inputs
  (sort '("glib:bin" "gettext-minimal" "desktop-file-utils" "gobject-introspection"
          "pkg-config" "blueprint-compiler" "gtk:bin")
        string<?))

(potluck-package
  (name "amberol")
  (version "2024.2")
  (source (potluck-source
            (git-uri "https://gitlab.gnome.org/World/amberol.git")
            (git-commit "e1b0c7a2d4f6b8a0c2e4f6a8b0d2f4a6c8e0a2b4")
            (sha256 "0rcj8ld6wgxpaq5zzp2k1n8x0w3vj6khn3mh3d59p8gcsbmkwmyk")))
  (build-system 'meson)
  (inputs %inputs)
  (native-inputs %native-inputs)
  (arguments '(#:glib-or-gtk? #t #:configure-flags '("-Dprofile=default")))
  (home-page "https://apps.gnome.org/Amberol/")
  (synopsis "Plays music, and nothing else")
  (description "Amberol is a music player with no delusions of grandeur.  If you
just want to play music available on your local system then Amberol is the
music player you are looking for.")
  (license 'gpl3+))
