//! Dish files: found on disk and read safely.
//!
//! Directories are read through a cap-std [`Dir`](cap_std::fs::Dir), so a
//! symlink that leaves the directory is refused rather than followed; files
//! are read with a size cap, and binary or non-UTF-8 files get a clear
//! diagnostic.  One bad file never stops the others from being checked.

use std::io::Read;
use std::path::{Path, PathBuf};

use potluck_sandbox::diagnostic::{Diagnostic, Kind};

/// A dish file found on disk, with its text when it could be read.
#[derive(Debug)]
pub struct DishFile {
    /// The path as the user sees it (e.g. `guix-potluck/hello.scm`).
    pub display: String,
    pub text: Result<String, Diagnostic>,
}

/// A problem with the command line itself (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("{0}")]
    Path(String),
}

/// Expand the command-line paths into dish files, in a stable order.
pub fn collect(paths: &[PathBuf], max_bytes: usize) -> Result<Vec<DishFile>, UsageError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| {
            UsageError::Path(format!("cannot read `{}`: {}", p.display(), io_reason(&e)))
        })?;
        if meta.is_dir() {
            out.extend(collect_dir(p, p, max_bytes)?);
        } else {
            let shown = p.display().to_string();
            // Never open what is not a regular file: opening a FIFO blocks.
            let text = if meta.is_file() {
                std::fs::File::open(p)
                    .map_err(|e| io_diag(&shown, &e))
                    .and_then(|f| read_capped(f, &shown, max_bytes, true))
            } else {
                Err(not_regular(&shown))
            };
            out.push(DishFile {
                display: p.display().to_string(),
                text,
            });
        }
    }
    Ok(out)
}

/// The dish files directly in `dir`, read through a cap-std `Dir` rooted
/// there; file names are shown as if `dir` were `shown`.
pub fn collect_dir(
    dir: &Path,
    shown: &Path,
    max_bytes: usize,
) -> Result<Vec<DishFile>, UsageError> {
    let root =
        cap_std::fs::Dir::open_ambient_dir(dir, cap_std::ambient_authority()).map_err(|e| {
            UsageError::Path(format!(
                "cannot open directory `{}`: {}",
                dir.display(),
                io_reason(&e)
            ))
        })?;
    let entries = root.entries().map_err(|e| {
        UsageError::Path(format!(
            "cannot list directory `{}`: {}",
            dir.display(),
            io_reason(&e)
        ))
    })?;
    let mut names: Vec<(String, Result<(), Diagnostic>)> = Vec::new();
    for entry in entries {
        let Ok(entry) = entry else { continue };
        let raw = entry.file_name();
        let Some(name) = raw.to_str() else {
            let shown_name = raw.to_string_lossy().to_string();
            if shown_name.ends_with(".scm") {
                names.push((
                    shown_name.clone(),
                    Err(
                        Diagnostic::error(Kind::Io, "the file name is not valid UTF-8")
                            .in_file(&join(shown, &shown_name))
                            .with_help("rename the dish to a UTF-8 name such as `hello.scm`"),
                    ),
                ));
            }
            continue;
        };
        if name.ends_with(".scm") && !name.starts_with('.') {
            // A dish's file name becomes part of its module's name and is
            // shown to people: no control or invisible character.
            let bad = name
                .chars()
                .find(|&c| c.is_control() || potluck_contract::grammar::is_hazard(c));
            let pre = match bad {
                None => Ok(()),
                Some(c) => Err(Diagnostic::error(
                    Kind::Io,
                    format!(
                        "the file name holds U+{:04X}, a control or invisible character",
                        c as u32
                    ),
                )
                .in_file(&join(shown, name))
                .with_help("rename the dish to letters, digits and `-._`, such as `hello.scm`")),
            };
            names.push((name.to_string(), pre));
        }
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    for (name, pre) in names {
        let display = join(shown, &name);
        let text = pre.and_then(|()| {
            // cap-std refuses paths (and symlinks) that leave `root`.
            let meta = root
                .metadata(&name)
                .map_err(|e| escape_or_io(&display, &e))?;
            if meta.is_dir() {
                return Err(
                    Diagnostic::error(Kind::Io, "this is a directory, not a dish file")
                        .in_file(&display)
                        .with_help("dishes are the `.scm` files directly inside guix-potluck/"),
                );
            }
            if !meta.is_file() {
                return Err(not_regular(&display));
            }
            let f = root.open(&name).map_err(|e| escape_or_io(&display, &e))?;
            read_capped(f.into_std(), &display, max_bytes, true)
        });
        out.push(DishFile { display, text });
    }
    Ok(out)
}

fn join(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn io_diag(file: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Kind::Io, format!("cannot read the dish: {}", io_reason(e))).in_file(file)
}

fn escape_or_io(file: &str, e: &std::io::Error) -> Diagnostic {
    let msg = e.to_string();
    if msg.contains("outside") || msg.contains("escape") || e.raw_os_error() == Some(libc_exdev()) {
        return Diagnostic::error(Kind::Io, "this is a symlink that leads outside the dish directory; it was not followed")
            .in_file(file)
            .with_help("dishes must be regular files inside guix-potluck/; replace the symlink with the file itself");
    }
    if e.raw_os_error() == Some(40) {
        return Diagnostic::error(
            Kind::Io,
            "this symlink loops (too many levels of symbolic links)",
        )
        .in_file(file)
        .with_help("remove the symlink loop");
    }
    io_diag(file, e)
}

/// EXDEV: what cap-std's resolver reports for an escaping path on Linux.
fn libc_exdev() -> i32 {
    18
}

fn not_regular(file: &str) -> Diagnostic {
    Diagnostic::error(
        Kind::Io,
        "this is not a regular file (a device, FIFO or socket); it was not opened",
    )
    .in_file(file)
    .with_help("dishes must be regular text files")
}

/// Read at most `max` bytes; larger, binary or non-UTF-8 files are refused
/// with a diagnostic.  `regular` is whether the path is a regular file
/// (FIFOs and devices are refused without reading).
pub fn read_capped(
    f: impl Read,
    file: &str,
    max: usize,
    regular: bool,
) -> Result<String, Diagnostic> {
    if !regular {
        return Err(not_regular(file));
    }
    let mut buf = Vec::new();
    f.take(max as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| io_diag(file, &e))?;
    if buf.len() > max {
        return Err(Diagnostic::error(
            Kind::Limit,
            format!("the dish is larger than the {max}-byte limit on dish sources"),
        )
        .in_file(file)
        .with_help("a dish is a short package description; keep it small"));
    }
    if let Some(pos) = buf.iter().position(|&b| b == 0) {
        let (line, col) =
            potluck_sandbox::diagnostic::line_col(&String::from_utf8_lossy(&buf[..pos]), pos);
        return Err(Diagnostic::error(
            Kind::Io,
            format!("this looks like a binary file (NUL byte at line {line}, column {col})"),
        )
        .in_file(file)
        .with_help("dishes are UTF-8 text files of Scheme code"));
    }
    String::from_utf8(buf).map_err(|e| {
        let pos = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let (line, col) =
            potluck_sandbox::diagnostic::line_col(&String::from_utf8_lossy(&bytes[..pos]), pos);
        Diagnostic::error(
            Kind::Io,
            format!("the dish is not valid UTF-8 (invalid byte at line {line}, column {col})"),
        )
        .in_file(file)
        .with_help("save the file as UTF-8")
    })
}

/// The `guix-potluck/` directory for `check` without paths: the first one
/// found in `start` or a parent of it, up to the root of the repository
/// `start` is in (the first directory with `.git`), or `None`.
pub fn find_dish_dir(start: &Path) -> Option<PathBuf> {
    let mut dir = start.to_path_buf();
    loop {
        let candidate = dir.join("guix-potluck");
        if candidate.is_dir() {
            return Some(candidate);
        }
        if dir.join(".git").exists() || !dir.pop() {
            return None;
        }
    }
}

/// A path given on the command line, as a dish path: the repository root
/// of a checkout (a directory with `.git` and `guix-potluck/`) means its
/// `guix-potluck/`.
pub fn dish_path(path: &Path) -> PathBuf {
    let dishes = path.join("guix-potluck");
    if path.join(".git").exists() && dishes.is_dir() {
        dishes
    } else {
        path.to_path_buf()
    }
}
