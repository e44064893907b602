//! Global variables: one slot per top-level name, filled on first use
//! with the environment's primitive or constant, and the unbound-variable
//! error with its hint (a capability the sandbox leaves out, or a close
//! name).

use crate::bindings;
use crate::diag::Exn;
use crate::span::Span;
use crate::value::{Symbol, Value};

use super::Interp;

/// Names that exist in Guile but give dishes capabilities (I/O, evaluation,
/// modules, processes, the clock).  Using one gets an explanation.
const CAPABILITY_NAMES: &[&str] = &[
    "open-input-file",
    "open-output-file",
    "open-file",
    "call-with-input-file",
    "call-with-output-file",
    "with-input-from-file",
    "with-output-to-file",
    "read",
    "write",
    "display",
    "newline",
    "format",
    "simple-format",
    "read-char",
    "peek-char",
    "write-char",
    "current-input-port",
    "current-output-port",
    "current-error-port",
    "load",
    "primitive-load",
    "load-from-path",
    "eval",
    "primitive-eval",
    "eval-string",
    "compile",
    "resolve-module",
    "resolve-interface",
    "current-module",
    "the-environment",
    "module-ref",
    "module-set!",
    "@",
    "@@",
    "use-modules",
    "define-module",
    "system",
    "system*",
    "getenv",
    "setenv",
    "environ",
    "exit",
    "primitive-exit",
    "sleep",
    "usleep",
    "current-time",
    "gettimeofday",
    "get-internal-real-time",
    "random",
    "open-pipe",
    "open-input-pipe",
    "delete-file",
    "mkdir",
    "rename-file",
    "chdir",
    "getcwd",
    "opendir",
    "stat",
    "lstat",
    "file-exists?",
    "fork",
    "execl",
    "execlp",
    "kill",
    "socket",
    "connect",
    "dynamic-link",
    "dynamic-call",
    "set!",
    "call/cc",
    "call-with-current-continuation",
    "dynamic-wind",
    "gc",
    "make-vector",
    "vector-set!",
    "string-set!",
    "set-car!",
    "set-cdr!",
    "hash-set!",
    // Threads, fluids and parameters.
    "call-with-new-thread",
    "make-thread",
    "make-fluid",
    "fluid-ref",
    "fluid-set!",
    "make-parameter",
    "parameterize",
    "make-hash-table",
    // String ports and the reader.
    "open-input-string",
    "open-output-string",
    "get-output-string",
    "call-with-output-string",
    "call-with-input-string",
    "with-output-to-string",
    "with-input-from-string",
    "read-line",
    "read-string",
    "read-hash-extend",
    "read-set!",
    "set-current-output-port",
    "set-current-input-port",
    "set-current-error-port",
    // Files and the file system.
    "chmod",
    "chown",
    "copy-file",
    "symlink",
    "link",
    "readlink",
    "readdir",
    "closedir",
    "mkstemp!",
    "truncate-file",
    "utime",
    "access?",
    "include",
    "primitive-load-path",
    "load-extension",
    // Modules and evaluation.
    "import",
    "export",
    "define-public",
    "interaction-environment",
    "local-eval",
    "make-fresh-user-module",
    "module-define!",
    "module-use!",
    "module-variable",
    "variable-set!",
    "variable-ref",
    "save-module-excursion",
    "set-current-module",
    // Processes, users, the network and the host.
    "quit",
    "primitive-fork",
    "primitive-_exit",
    "open-pipe*",
    "pipe",
    "waitpid",
    "raise",
    "getpid",
    "getppid",
    "getuid",
    "getgid",
    "getpw",
    "getpwnam",
    "getgr",
    "gethostname",
    "getaddrinfo",
    "gethostbyname",
    "uname",
    "setlocale",
    "setrlimit",
    "getrlimit",
    "gc-stats",
];

impl Interp {
    // -------------------------------------------------------------- globals

    pub(super) fn global_slot(&mut self, sym: Symbol) -> u32 {
        if let Some(&slot) = self.global_index.get(&sym) {
            return slot;
        }
        let slot = self.globals.len() as u32;
        // Every name the environment binds is a static symbol.
        let builtin = match sym.primitive() {
            Some(p) => Value::Prim(p),
            None if sym.is_static() => bindings::constant(sym.name()).unwrap_or(Value::Unassigned),
            None => Value::Unassigned,
        };
        self.globals.push(builtin);
        self.global_names.push(sym);
        self.global_index.insert(sym, slot);
        slot
    }

    /// The value of a global, if bound.
    pub fn global(&mut self, name: &str) -> Option<Value> {
        let slot = self.global_slot(Symbol::intern(name));
        match &self.globals[slot as usize] {
            Value::Unassigned => None,
            v => Some(v.clone()),
        }
    }

    pub(super) fn unbound_error(&self, sym: Symbol, span: Span) -> Exn {
        let name = sym.name();
        let mut e = Exn::guile(
            "unbound-variable",
            "",
            "Unbound variable: ~S",
            vec![Value::Sym(sym)],
            Value::Bool(false),
        )
        .at(span);
        if CAPABILITY_NAMES.contains(&name) {
            e = e.with_help(format!(
                "`{name}` is not available in the potluck sandbox: dishes are pure data, with no I/O, evaluation, modules, mutation or processes"
            ));
        } else if let Some(s) = self.did_you_mean(name) {
            e = e.with_help(format!("did you mean `{s}`?"));
        } else {
            e = e.with_help(
                "define it before its use, or check its spelling against the potluck environment",
            );
        }
        e
    }

    fn did_you_mean(&self, name: &str) -> Option<String> {
        let candidates = self
            .global_names
            .iter()
            .zip(self.globals.iter())
            .filter(|(_, v)| !matches!(v, Value::Unassigned))
            .map(|(s, _)| s.name().to_string())
            .chain(bindings::ENVIRONMENT.iter().map(|s| s.to_string()))
            .chain(self.global_macros.keys().map(|s| s.name().to_string()));
        potluck_contract::distance::closest(name, candidates)
    }
}
