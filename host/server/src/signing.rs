//! The OpenPGP key a host signs its channel commits with, so that Guix can
//! authenticate the channel (`guix pull` checks that every commit after
//! the channel's introduction is signed by a key that the parent commit's
//! `.guix-authorizations` lists, with the keys taken from the `keyring`
//! branch).
//!
//! [`Signer::import`] imports the operator's secret key file
//! (`host-channel --signing-key FILE`) into a private GnuPG home under the
//! state directory and checks that it signs without a passphrase prompt;
//! `git commit-tree -S` then signs with real `gpg` in that home.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use potluck_dish::git::run;

/// Why the signing key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    #[error("cannot prepare the GnuPG home {path}: {source}")]
    Home {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("gpg {what} failed: {detail}")]
    Gpg { what: String, detail: String },
    #[error("the key file {file} holds {found} secret keys; give a file with exactly one")]
    KeyCount { file: PathBuf, found: usize },
    #[error(
        "the key {fingerprint} cannot sign without a passphrase; export a copy without one \
         (gpg --export-secret-keys after gpg --passwd with an empty passphrase) for the host"
    )]
    Passphrase { fingerprint: String },
}

/// A key ready to sign.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The private GnuPG home holding the key.
    pub home: PathBuf,
    /// The primary key's fingerprint: 40 upper-case hex digits.
    pub fingerprint: String,
    /// The public key, ASCII-armored (what the `keyring` branch holds).
    pub public_key: Vec<u8>,
}

const TIMEOUT: Duration = Duration::from_secs(60);

fn gpg(home: &Path) -> Command {
    let mut c = Command::new("gpg");
    c.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        c.env("PATH", path);
    }
    c.env("GNUPGHOME", home)
        .env("LC_ALL", "C")
        .args(["--batch", "--no-tty", "--pinentry-mode", "error"])
        .stdin(Stdio::null());
    c
}

fn gpg_run(c: Command, what: &str, input: Option<Vec<u8>>) -> Result<String, SigningError> {
    run(c, what, TIMEOUT, None, input)
        .map(|o| String::from_utf8_lossy(&o).into_owned())
        .map_err(|e| SigningError::Gpg {
            what: what.into(),
            detail: e.to_string(),
        })
}

impl Signer {
    /// Import the secret key in `key_file` into the GnuPG home `home`
    /// (created, mode 0700) and check that it signs.
    pub fn import(key_file: &Path, home: &Path) -> Result<Signer, SigningError> {
        use std::os::unix::fs::PermissionsExt;
        let home_err = |source| SigningError::Home {
            path: home.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(home).map_err(home_err)?;
        std::fs::set_permissions(home, std::fs::Permissions::from_mode(0o700)).map_err(home_err)?;
        let key = std::fs::read(key_file).map_err(|source| SigningError::Home {
            path: key_file.to_path_buf(),
            source,
        })?;
        let mut import = gpg(home);
        import.arg("--import");
        gpg_run(import, "--import", Some(key))?;
        let mut list = gpg(home);
        list.args(["--with-colons", "--fingerprint", "--list-secret-keys"]);
        let listing = gpg_run(list, "--list-secret-keys", None)?;
        let fingerprints = primary_fingerprints(&listing);
        let [fingerprint] = fingerprints.as_slice() else {
            return Err(SigningError::KeyCount {
                file: key_file.to_path_buf(),
                found: fingerprints.len(),
            });
        };
        let mut sign = gpg(home);
        sign.args(["--local-user", fingerprint, "--detach-sign", "--armor"]);
        if gpg_run(sign, "--detach-sign", Some(b"potluck".to_vec())).is_err() {
            return Err(SigningError::Passphrase {
                fingerprint: fingerprint.clone(),
            });
        }
        let mut export = gpg(home);
        export.args(["--armor", "--export", fingerprint]);
        let public_key = gpg_run(export, "--export", None)?.into_bytes();
        Ok(Signer {
            home: home.to_path_buf(),
            fingerprint: fingerprint.clone(),
            public_key,
        })
    }

    /// The fingerprint as Guix prints it: ten groups of four, two spaces
    /// in the middle.
    pub fn spaced_fingerprint(&self) -> String {
        spaced(&self.fingerprint)
    }

    /// The name of the key file on the `keyring` branch.
    pub fn key_file_name(&self) -> String {
        format!("potluck-host-{}.key", &self.fingerprint[24..])
    }

    /// Stop the gpg-agent that signing started.
    pub fn stop_agent(&self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", &self.home)
            .args(["--kill", "gpg-agent"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// `XXXX XXXX XXXX XXXX XXXX  XXXX XXXX XXXX XXXX XXXX`.
pub fn spaced(fingerprint: &str) -> String {
    let mut out = String::new();
    for (i, chunk) in fingerprint.as_bytes().chunks(4).enumerate() {
        if i > 0 {
            out.push_str(if i == 5 { "  " } else { " " });
        }
        out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
    }
    out
}

/// The fingerprints of the primary keys in a `--with-colons` listing.
fn primary_fingerprints(listing: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut after_primary = false;
    for line in listing.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        match fields.first() {
            Some(&"sec") | Some(&"pub") => after_primary = true,
            Some(&"fpr") if after_primary => {
                if let Some(f) = fields.get(9).filter(|f| f.len() == 40) {
                    out.push(f.to_ascii_uppercase());
                }
                after_primary = false;
            }
            Some(&"ssb") | Some(&"sub") => after_primary = false,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_read_and_spaced_as_guix_prints_them() {
        let listing = "sec:u:255:22:AAAA:1:::u:::scESC:::+:::ed25519:::0:\n\
                       fpr:::::::::CC34A18416F39355923540C4BFEA54372BE7B6BB:\n\
                       grp:::::::::0000:\n\
                       uid:u::::1::X::Potluck <p@example.org>::::::::::0:\n\
                       ssb:u:255:18:BBBB:1::::::e:::+:::cv25519::\n\
                       fpr:::::::::1111111111111111111111111111111111111111:\n";
        assert_eq!(
            primary_fingerprints(listing),
            vec!["CC34A18416F39355923540C4BFEA54372BE7B6BB".to_string()]
        );
        assert_eq!(
            spaced("CC34A18416F39355923540C4BFEA54372BE7B6BB"),
            "CC34 A184 16F3 9355 9235  40C4 BFEA 5437 2BE7 B6BB"
        );
    }
}
