//! A remote `git` may talk to: its URL checked, in canonical form, its host
//! resolved by potluck (never by git) to public addresses only, and git
//! pinned to those addresses, so that a second DNS answer cannot send it
//! elsewhere.
//!
//! For `http:`/`https:` the addresses are pinned with
//! `http.curloptResolve`.  For `git:` git opens its own TCP connection, so
//! it is made to go through a proxy program instead (`core.gitProxy`):
//! this executable under the name [`PROXY_NAME`], which connects only to
//! the addresses given to it in its environment ([`proxy_main`]).  Without
//! a proxy `git:` remotes are refused.
//!
//! Errors about the network are said in general terms (the host could not
//! connect), never with the addresses and ports git saw: a job's error is
//! public.

use std::io::{Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use potluck_dish::uri::{self, Policy};
use url::Url;

use super::{FetchLimits, GitError};

/// The name under which this program acts as the `git://` proxy (argv[0]
/// ends with it).
pub const PROXY_NAME: &str = "potluck-git-proxy";
/// Make this program's executable reachable as `DIR/potluck-git-proxy`
/// (a symbolic link, replacing one left by an earlier run), for
/// [`FetchLimits::git_proxy`]; returns its path.
pub fn install_proxy(dir: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
    let exe = std::env::current_exe()?;
    let proxy = dir.join(PROXY_NAME);
    match std::fs::remove_file(&proxy) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::os::unix::fs::symlink(&exe, &proxy)?;
    Ok(proxy)
}

/// The environment variable that gives the proxy its addresses.
pub const PROXY_ADDRS_ENV: &str = "POTLUCK_GIT_PROXY_ADDRS";
/// Time allowed for resolving a host name.
const DNS_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for the proxy's connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// Check a repo URL the way dish URLs are checked (public hosts only, in
/// canonical form).
pub fn check_url(url: &str, allow_loopback: bool) -> Result<Url, String> {
    if url.starts_with('-') {
        return Err("a URL must not start with `-`".into());
    }
    uri::check_public_uri(url, &["https", "http", "git"], Policy { allow_loopback })
}

/// A checked remote.
#[derive(Debug, Clone)]
pub struct Remote {
    url: Url,
    addrs: Vec<SocketAddr>,
    proxy: Option<std::path::PathBuf>,
}

impl Remote {
    /// Check `url`, resolve its host and refuse it unless every address is
    /// public (or loopback, with the testing switch).
    pub fn check(url: &str, limits: &FetchLimits) -> Result<Remote, GitError> {
        let parsed = check_url(url, limits.allow_loopback).map_err(GitError::BadUrl)?;
        if parsed.scheme() == "git" && limits.git_proxy.is_none() {
            return Err(GitError::BadUrl(
                "this host does not fetch git:// URLs; use https://".into(),
            ));
        }
        let addrs = resolve_public(&parsed, limits.allow_loopback)?;
        Ok(Remote {
            url: parsed,
            addrs,
            proxy: limits.git_proxy.clone(),
        })
    }

    /// The canonical URL, the one string git is given.
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// Allow exactly this remote's protocol and pin its addresses on `git`.
    pub fn configure(&self, git: &mut Command) {
        let scheme = self.url.scheme();
        git.arg("-c").arg(format!("protocol.{scheme}.allow=always"));
        let port = self.url.port_or_known_default().unwrap_or(9418);
        match scheme {
            "http" | "https" => {
                if let Some(host) = self.url.host_str() {
                    let ips: Vec<String> = self
                        .addrs
                        .iter()
                        .map(|a| match a.ip() {
                            IpAddr::V4(v4) => v4.to_string(),
                            IpAddr::V6(v6) => format!("[{v6}]"),
                        })
                        .collect();
                    let host = host.trim_start_matches('[').trim_end_matches(']');
                    git.arg("-c").arg(format!(
                        "http.curloptResolve={host}:{port}:{}",
                        ips.join(",")
                    ));
                }
            }
            _ => {
                if let Some(proxy) = &self.proxy {
                    let addrs: Vec<String> = self
                        .addrs
                        .iter()
                        .map(|a| SocketAddr::new(a.ip(), port).to_string())
                        .collect();
                    git.arg("-c")
                        .arg(format!("core.gitProxy={}", proxy.display()))
                        .env(PROXY_ADDRS_ENV, addrs.join(","));
                }
            }
        }
    }
}

/// Resolve `url`'s host and refuse it unless every address is public.
fn resolve_public(url: &Url, allow_loopback: bool) -> Result<Vec<SocketAddr>, GitError> {
    let host = url
        .host_str()
        .ok_or_else(|| GitError::BadUrl("the URL has no host".into()))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = url.port_or_known_default().unwrap_or(9418);
    let (tx, rx) = std::sync::mpsc::channel();
    let h = host.clone();
    std::thread::spawn(move || {
        let _ = tx.send(
            (h.as_str(), port)
                .to_socket_addrs()
                .map(|a| a.collect::<Vec<_>>()),
        );
    });
    let addrs = rx
        .recv_timeout(DNS_TIMEOUT)
        .map_err(|_| GitError::Resolve {
            host: host.clone(),
            reason: "DNS did not answer within 10 s".into(),
        })?
        .map_err(|_| GitError::Resolve {
            host: host.clone(),
            reason: "no such host".into(),
        })?;
    if addrs.is_empty() {
        return Err(GitError::Resolve {
            host,
            reason: "no addresses".into(),
        });
    }
    for a in &addrs {
        let ip = a.ip();
        if !(uri::is_global(ip) || (allow_loopback && ip.is_loopback())) {
            return Err(GitError::BadUrl(format!(
                "`{host}` resolves to an address that is not public"
            )));
        }
    }
    Ok(addrs)
}

/// Whether this process was started as the `git://` proxy.
pub fn is_proxy_invocation(argv0: &std::ffi::OsStr) -> bool {
    Path::new(argv0)
        .file_name()
        .is_some_and(|n| n == PROXY_NAME)
}

/// The `git://` proxy: `git` runs it as `PROXY HOST PORT` with the checked
/// addresses in [`PROXY_ADDRS_ENV`]; it connects to the first of those
/// that answers (never to `HOST`, which a second DNS answer could point
/// elsewhere) on `PORT` only if that is the checked port, and relays
/// standard input and output.  Returns the exit status.
pub fn proxy_main(args: &[String]) -> i32 {
    let (Some(port), Ok(addrs)) = (args.get(2), std::env::var(PROXY_ADDRS_ENV)) else {
        eprintln!("{PROXY_NAME}: run by git only, with {PROXY_ADDRS_ENV} set");
        return 2;
    };
    let addrs: Vec<SocketAddr> = addrs.split(',').filter_map(|a| a.parse().ok()).collect();
    if addrs.is_empty() || addrs.iter().any(|a| a.port().to_string() != *port) {
        eprintln!("{PROXY_NAME}: the port git asked for is not the one that was checked");
        return 2;
    }
    let Some(stream) = addrs
        .iter()
        .find_map(|a| TcpStream::connect_timeout(a, CONNECT_TIMEOUT).ok())
    else {
        eprintln!("{PROXY_NAME}: cannot connect to the repository's host");
        return 1;
    };
    relay(stream, std::io::stdin(), std::io::stdout())
}

/// Copy `input` to `stream` and `stream` to `output` until both ends close.
fn relay(stream: TcpStream, mut input: impl Read + Send + 'static, mut output: impl Write) -> i32 {
    let Ok(mut upstream) = stream.try_clone() else {
        return 1;
    };
    let writer = std::thread::spawn(move || {
        let _ = std::io::copy(&mut input, &mut upstream);
        let _ = upstream.shutdown(Shutdown::Write);
    });
    // Standard output is line-buffered: every chunk is flushed as it comes,
    // or git would wait for data sitting in the buffer.
    let mut downstream = stream;
    let mut buf = vec![0u8; 64 << 10];
    let ok = loop {
        match downstream.read(&mut buf) {
            Ok(0) => break output.flush().is_ok(),
            Ok(n) => {
                if output
                    .write_all(&buf[..n])
                    .and_then(|()| output.flush())
                    .is_err()
                {
                    break false;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break false,
        }
    };
    drop(writer);
    if ok {
        0
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The link points at this program, replaces a stale one (a host
    /// restarting on its state directory) and fails on a missing directory.
    #[test]
    fn the_proxy_link_replaces_a_stale_one() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/nonexistent/old", dir.path().join(PROXY_NAME)).unwrap();
        let proxy = install_proxy(dir.path()).unwrap();
        assert_eq!(proxy, dir.path().join(PROXY_NAME));
        assert_eq!(
            std::fs::read_link(&proxy).unwrap(),
            std::env::current_exe().unwrap()
        );
        assert_eq!(install_proxy(dir.path()).unwrap(), proxy);
        assert!(install_proxy(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn the_proxy_relays_to_the_pinned_address_only() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 5];
            s.read_exact(&mut buf).unwrap();
            s.write_all(b"pong:").unwrap();
            s.write_all(&buf).unwrap();
        });
        let stream = TcpStream::connect(addr).unwrap();
        let mut out = Vec::new();
        assert_eq!(
            relay(stream, std::io::Cursor::new(b"hello".to_vec()), &mut out),
            0
        );
        server.join().unwrap();
        assert_eq!(out, b"pong:hello");
        assert!(is_proxy_invocation(std::ffi::OsStr::new(
            "/x/bin/potluck-git-proxy"
        )));
        assert!(!is_proxy_invocation(std::ffi::OsStr::new(
            "/x/bin/potluck-wasm"
        )));
    }

    #[test]
    fn git_urls_need_the_proxy() {
        let limits = FetchLimits {
            allow_loopback: true,
            ..FetchLimits::default()
        };
        let e = Remote::check("git://127.0.0.1:9418/x", &limits).unwrap_err();
        assert!(e.to_string().contains("git://"), "{e}");
        let with = FetchLimits {
            git_proxy: Some("/p/potluck-git-proxy".into()),
            ..limits
        };
        let r = Remote::check("git://127.0.0.1:9418/x", &with).unwrap();
        let mut c = Command::new("git");
        r.configure(&mut c);
        let envs: Vec<_> = c.get_envs().collect();
        assert!(envs
            .iter()
            .any(|(k, v)| *k == PROXY_ADDRS_ENV && v.is_some_and(|v| v == "127.0.0.1:9418")));
    }

    #[test]
    fn the_url_git_is_given_is_the_canonical_one() {
        let limits = FetchLimits {
            allow_loopback: true,
            ..FetchLimits::default()
        };
        assert!(Remote::check("http://1.1.1.1\\@127.0.0.1:8999/x", &limits).is_err());
        let r = Remote::check("http://127.0.0.1:8999/x", &limits).unwrap();
        assert_eq!(r.url(), "http://127.0.0.1:8999/x");
    }

    /// The `-c` settings `git` was given.
    fn configs(c: &Command) -> Vec<String> {
        let args: Vec<String> = c
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        args.windows(2)
            .filter(|w| w[0] == "-c")
            .map(|w| w[1].clone())
            .collect()
    }

    #[test]
    fn http_remotes_are_pinned_to_the_addresses_that_were_checked() {
        let limits = FetchLimits {
            allow_loopback: true,
            ..FetchLimits::default()
        };
        // An address: pinned to itself, on the URL's port.
        let r = Remote::check("http://127.0.0.1:8999/x", &limits).unwrap();
        let mut c = Command::new("git");
        r.configure(&mut c);
        let cfg = configs(&c);
        assert!(
            cfg.contains(&"http.curloptResolve=127.0.0.1:8999:127.0.0.1".to_string()),
            "{cfg:?}"
        );
        assert!(
            cfg.contains(&"protocol.http.allow=always".to_string()),
            "{cfg:?}"
        );
        // A name, on the scheme's default port: pinned to the addresses
        // potluck resolved and checked, never left for git to resolve again.
        let r = Remote::check("https://localhost/x", &limits).unwrap();
        let mut c = Command::new("git");
        r.configure(&mut c);
        let cfg = configs(&c);
        let pins: Vec<&String> = cfg
            .iter()
            .filter(|c| c.starts_with("http.curloptResolve="))
            .collect();
        assert_eq!(pins.len(), 1, "{cfg:?}");
        let addrs = pins[0]
            .strip_prefix("http.curloptResolve=localhost:443:")
            .unwrap_or_else(|| panic!("{cfg:?}"));
        assert!(!addrs.is_empty(), "{cfg:?}");
        for a in addrs.split(',') {
            let ip: IpAddr = a
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse()
                .unwrap_or_else(|e| panic!("{a}: {e}; {cfg:?}"));
            assert!(ip.is_loopback(), "{cfg:?}");
        }
        // git:// goes through the proxy, which gets the checked addresses.
        let with = FetchLimits {
            git_proxy: Some("/p/potluck-git-proxy".into()),
            ..limits
        };
        let r = Remote::check("git://127.0.0.1:9418/x", &with).unwrap();
        let mut c = Command::new("git");
        r.configure(&mut c);
        let cfg = configs(&c);
        assert!(
            cfg.contains(&"core.gitProxy=/p/potluck-git-proxy".to_string()),
            "{cfg:?}"
        );
        assert!(
            cfg.contains(&"protocol.git.allow=always".to_string()),
            "{cfg:?}"
        );
    }

    #[test]
    fn a_name_that_resolves_to_a_private_address_is_refused() {
        // `localhost` passes the URL check only with the testing switch;
        // the resolver refuses what it resolves to on its own.
        let url = Url::parse("http://localhost:8999/x").unwrap();
        let e = resolve_public(&url, false).unwrap_err();
        assert!(e.to_string().contains("not public"), "{e}");
        assert!(resolve_public(&url, true).is_ok());
    }

    /// Accept one connection on `listener` within `limit` and answer 404;
    /// returns the request, or `None` when nobody connected.
    fn one_request(listener: std::net::TcpListener, limit: Duration) -> Option<String> {
        listener.set_nonblocking(true).unwrap();
        let start = std::time::Instant::now();
        let mut s = loop {
            match listener.accept() {
                Ok((s, _)) => break s,
                Err(_) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(20)),
                Err(_) => return None,
            }
        };
        s.set_nonblocking(false).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let _ = s
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        Some(String::from_utf8_lossy(&request).into_owned())
    }

    /// DNS rebinding: whatever the name resolves to when git runs, git
    /// connects to the address potluck checked.  The name here resolves
    /// nowhere (`.invalid` is reserved), so git can reach the listener only
    /// through the pin.
    #[test]
    fn git_connects_to_the_pinned_address_not_to_a_second_dns_answer() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || one_request(listener, Duration::from_secs(30)));
        let remote = Remote {
            url: Url::parse(&format!("http://potluck-rebind.invalid:{port}/x")).unwrap(),
            addrs: vec![SocketAddr::from(([127, 0, 0, 1], port))],
            proxy: None,
        };
        let home = tempfile::tempdir().unwrap();
        let mut git = crate::git::git(home.path());
        remote.configure(&mut git);
        git.args(["ls-remote", "--", remote.url()]);
        let result = crate::git::run(git, "ls-remote", Duration::from_secs(60), None, None);
        assert!(result.is_err(), "the listener has no repository");
        let request = server
            .join()
            .unwrap()
            .unwrap_or_else(|| panic!("git never reached the pinned address: {result:?}"));
        assert!(request.starts_with("GET /x/info/refs"), "{request}");
        assert!(
            request.contains(&format!("Host: potluck-rebind.invalid:{port}")),
            "{request}"
        );
    }
}
