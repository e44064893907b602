//! Public URIs: what a dish's `git-uri` and `home-page` and a host's
//! update requests may name.  Every spelling of a loopback, private,
//! link-local, unique-local or otherwise special address is refused, and so
//! are local-network names.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// The longest URI accepted, in bytes.
pub const MAX_URI: usize = 2_048;

/// Policy knobs of validation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// Accept loopback hosts in URIs.  For tests only: a shared host must
    /// never fetch from its own machine.
    pub allow_loopback: bool,
}

/// Check that `uri` is a public URI with one of `schemes`: no user
/// information, no fragment, a host that is a public DNS name or a global
/// IP address (every spelling of loopback, private, link-local, unique-local
/// and other special-purpose addresses is refused), written in its
/// canonical form (what the URL parser would write back, up to the `/` of
/// an empty path), so that every program that reads it later (git, a
/// browser, Guix) sees the same host and path that were checked.  Returns
/// the parsed URL.
pub fn check_public_uri(uri: &str, schemes: &[&str], policy: Policy) -> Result<Url, String> {
    let shown = potluck_sandbox::diagnostic::quote(uri);
    if uri.len() > MAX_URI {
        return Err(format!("is longer than {MAX_URI} bytes"));
    }
    let url = Url::parse(uri).map_err(|e| format!("`{shown}` is not a valid URI ({e})"))?;
    let canonical = url.as_str();
    if canonical != uri && canonical.strip_suffix('/') != Some(uri) {
        return Err(format!(
            "`{shown}` is not written in its canonical form: white space, quotes, \
             backslashes, control or invisible characters, a host in capitals or a \
             default port make programs read it differently; write it as `{}`",
            potluck_sandbox::diagnostic::quote(canonical)
        ));
    }
    if !schemes.contains(&url.scheme()) {
        return Err(format!(
            "the scheme `{}:` is not allowed; use {}",
            url.scheme(),
            schemes
                .iter()
                .map(|s| format!("`{s}:`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a user name or password".into());
    }
    if url.fragment().is_some() {
        return Err("must not have a `#fragment`".into());
    }
    let host = url.host().ok_or_else(|| "has no host".to_string())?;
    let ip = match host {
        Host::Ipv4(a) => Some(IpAddr::V4(a)),
        Host::Ipv6(a) => Some(IpAddr::V6(a)),
        Host::Domain(d) => {
            // Non-special schemes (git:) keep numeric hosts as text: read
            // them the way an HTTP client would.
            match Url::parse(&format!("http://{d}/"))
                .ok()
                .and_then(|u| u.host().map(|h| h.to_owned()))
            {
                Some(Host::Ipv4(a)) => Some(IpAddr::V4(a)),
                Some(Host::Ipv6(a)) => Some(IpAddr::V6(a)),
                _ => {
                    check_domain(d, policy)?;
                    None
                }
            }
        }
    };
    if let Some(ip) = ip {
        if !(is_global(ip) || (policy.allow_loopback && ip.is_loopback())) {
            return Err(format!("the host {ip} is not a public address"));
        }
    }
    Ok(url)
}

fn check_domain(d: &str, policy: Policy) -> Result<(), String> {
    let shown = potluck_sandbox::diagnostic::quote(d);
    // A DNS name: labels of letters, digits, `-` and `_` (international
    // names arrive as `xn--` labels), none empty or longer than 63 bytes,
    // 253 bytes in all; one final `.` is allowed.
    let name = d.strip_suffix('.').unwrap_or(d);
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if name.len() > 253 || !name.split('.').all(label_ok) {
        return Err(format!(
            "the host `{shown}` is not a DNS name (labels of letters, digits, `-` and `_`, separated by `.`)"
        ));
    }
    // No public name ends in a number: a web client reads such a host as
    // an IPv4 address (`0x7f.1` is 127.0.0.1), git's resolver may too.
    let last = name.rsplit('.').next().unwrap_or(name);
    let hex = last
        .strip_prefix("0x")
        .or_else(|| last.strip_prefix("0X"))
        .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
    if last.bytes().all(|b| b.is_ascii_digit()) || hex {
        return Err(format!(
            "the host `{shown}` ends in a number, so it is read as an IPv4 address, not a DNS name"
        ));
    }
    let lower = d.trim_end_matches('.').to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        if policy.allow_loopback {
            return Ok(());
        }
        return Err(format!("the host `{d}` is this machine, not a public host"));
    }
    let local_suffix = [
        ".local",
        ".internal",
        ".lan",
        ".home.arpa",
        ".intranet",
        ".corp",
        ".localdomain",
    ];
    if local_suffix.iter().any(|s| lower.ends_with(s)) {
        return Err(format!(
            "the host `{d}` is a local-network name, not a public host"
        ));
    }
    if !lower.contains('.') {
        return Err(format!(
            "the host `{d}` is not a fully qualified public name"
        ));
    }
    Ok(())
}

fn is_global_v4(a: Ipv4Addr) -> bool {
    let o = a.octets();
    !(a.is_unspecified()
        || a.is_loopback()
        || a.is_private()
        || a.is_link_local()
        || a.is_broadcast()
        || a.is_documentation()
        || a.is_multicast()
        || o[0] == 0
        || o[0] >= 240
        || (o[0] == 100 && (o[1] & 0xc0) == 64)
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        || (o[0] == 198 && (o[1] & 0xfe) == 18))
}

fn is_global_v6(a: Ipv6Addr) -> bool {
    if let Some(v4) = a.to_ipv4_mapped() {
        return is_global_v4(v4);
    }
    let s = a.segments();
    // NAT64 (64:ff9b::/96) and IPv4-compatible (::/96) embed a v4 address.
    if (s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0]) || s[..6] == [0, 0, 0, 0, 0, 0] {
        let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
        return !a.is_unspecified() && !a.is_loopback() && is_global_v4(v4);
    }
    !(a.is_unspecified()
        || a.is_loopback()
        || a.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0
        || (s[0] == 0x2001 && s[1] == 0x0db8)
        || (s[0] == 0x2001 && s[1] < 0x200)
        || s[0] == 0x2002
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0]))
}

/// Whether `ip` is a public (globally routable) address.
pub fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => is_global_v4(a),
        IpAddr::V6(a) => is_global_v6(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(u: &str) -> Result<Url, String> {
        check_public_uri(u, &["git", "http", "https"], Policy::default())
    }

    /// Found by the `http` fuzz target
    /// (`fuzz/regressions/http/git-host-ending-in-a-number`): a `git:` URL
    /// kept `777GIT_TERMINAL_PROM7.777` as a name, which a web client would
    /// read as an address.
    #[test]
    fn a_host_ending_in_a_number_is_refused() {
        for u in [
            "git://777GIT_TERMINAL_PROM7.777/x",
            "git://example.0x1F/x",
            "git://example.org.123./x",
        ] {
            let e = uri(u).unwrap_err();
            assert!(e.contains("ends in a number"), "{u}: {e}");
        }
        for u in ["git://0x7f.1/x", "git://127.1/x"] {
            let e = uri(u).unwrap_err();
            assert!(e.contains("127.0.0.1 is not a public address"), "{u}: {e}");
        }
        for u in [
            "git://a1.example.org/x",
            "git://example.0xg/x",
            "git://1e100.net/x",
        ] {
            assert!(uri(u).is_ok(), "{u}: {:?}", uri(u));
        }
    }

    #[test]
    fn public_uris_are_accepted() {
        for u in [
            "https://github.com/jqlang/jq",
            "git://git.savannah.gnu.org/guile.git",
            "http://example.org:8080/x.git",
            "https://[2606:4700::1111]/x",
            "https://8.8.8.8/repo",
        ] {
            assert!(uri(u).is_ok(), "{u}: {:?}", uri(u));
        }
    }

    /// Found by the `http` fuzz target: a `git:` URL keeps its host as
    /// text, so anything the URL parser lets through must still be a DNS
    /// name.
    #[test]
    fn a_host_that_is_no_dns_name_is_refused() {
        for u in [
            "git://.%/x",
            "git://a%20b.org/x",
            "git://-a.org/x",
            "git://a..org/x",
            "git://a.org-/x",
        ] {
            let e = uri(u).unwrap_err();
            assert!(e.contains("is not a DNS name"), "{u}: {e}");
        }
        for u in [
            "git://git.sv.gnu.org/x",
            "git://a_b.example.org/x",
            "https://xn--80ak6aa92e.com/x",
        ] {
            assert!(uri(u).is_ok(), "{u}: {:?}", uri(u));
        }
    }

    #[test]
    fn private_and_local_hosts_in_every_spelling_are_refused() {
        for u in [
            "http://localhost/x",
            "http://LOCALHOST./x",
            "http://foo.localhost/x",
            "http://127.0.0.1/x",
            "http://127.1/x",
            "http://0x7f.0.0.1/x",
            "http://0177.0.0.1/x",
            "http://2130706433/x",
            "git://2130706433/x",
            "git://0x7f000001/x",
            "http://0/x",
            "http://0.0.0.0/x",
            "http://10.1.2.3/x",
            "http://172.16.0.1/x",
            "http://192.168.1.1/x",
            "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1/x",
            "http://[::1]/x",
            "http://[::]/x",
            "http://[::ffff:127.0.0.1]/x",
            "http://[::ffff:10.0.0.1]/x",
            "http://[fe80::1]/x",
            "http://[fd00::1]/x",
            "http://[fc00::1]/x",
            "http://[64:ff9b::7f00:1]/x",
            "http://[2001:db8::1]/x",
            "http://printer.local/x",
            "http://intranet/x",
            "https://user:pw@github.com/x",
            "https://user@github.com/x",
            "https://github.com/x#frag",
            "ext::sh -c touch% /tmp/pwned",
            "file:///etc/passwd",
            "ssh://github.com/x",
            "ftp://ftp.gnu.org/gnu/",
            "/local/path",
            "",
            "http://1.1.1.1\\@127.0.0.1:8999/x",
            "https://example.org/a b",
            "https://example.org/a\"b",
            "https://example.org/a\tb",
            "https://example.org/\u{202e}x",
            "https://Example.org/x",
            "https://example.org:443/x",
            "https://example.org/a/../b",
            " https://example.org/x",
        ] {
            assert!(uri(u).is_err(), "{u} was accepted");
        }
        assert!(uri(&format!("https://example.org/{}", "a".repeat(MAX_URI))).is_err());
    }

    #[test]
    fn the_slash_of_an_empty_path_is_the_one_difference_allowed() {
        assert!(uri("https://example.org").is_ok());
        assert!(uri("https://example.org/").is_ok());
        let e = uri("https://GitHub.com/x").unwrap_err();
        assert!(e.contains("write it as `https://github.com/x`"), "{e}");
    }

    #[test]
    fn loopback_only_with_the_testing_policy() {
        let p = Policy {
            allow_loopback: true,
        };
        assert!(check_public_uri("git://127.0.0.1:9418/x", &["git"], p).is_ok());
        assert!(check_public_uri("http://localhost/x", &["http"], p).is_ok());
        assert!(check_public_uri("http://10.0.0.1/x", &["http"], p).is_err());
    }
}
