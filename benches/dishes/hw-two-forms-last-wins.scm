;; expect: ok -- hand-written: an experimental package kept above the real one; the last form is the dish
(define %common-source
  (potluck-source
    (git-uri "https://codeberg.org/dnkl/fuzzel")
    (git-commit "3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a")
    (sha256 "18fnyx4m1yz8qdkbhc4gnwb2qwyqvs6zmkrd1rg5k39phzqxyvlm")))

(potluck-package
  (name "fuzzel-git")
  (version "1.12.0-1.3f5a7c9")
  (source %common-source)
  (build-system 'meson)
  (home-page "https://codeberg.org/dnkl/fuzzel")
  (synopsis "Wayland-native application launcher (development snapshot)")
  (description "Fuzzel is a Wayland-native application launcher, similar to
rofi's drun mode.")
  (license 'expat))

(potluck-package
  (name "fuzzel")
  (version "1.12.0")
  (source %common-source)
  (build-system 'meson)
  (inputs '("cairo" "fcft" "libpng" "libxkbcommon" "librsvg" "pixman" "wayland"))
  (native-inputs '("pkg-config" "scdoc" "tllist" "wayland-protocols"))
  (arguments '(#:configure-flags '("-Denable-cairo=enabled" "-Dpng-backend=libpng")))
  (home-page "https://codeberg.org/dnkl/fuzzel")
  (synopsis "Wayland-native application launcher")
  (description "Fuzzel is a Wayland-native application launcher, similar to
rofi's drun mode.")
  (license 'expat))
