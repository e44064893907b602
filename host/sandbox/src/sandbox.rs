//! The wasm engine that evaluates dishes.
//!
//! One [`Sandbox`] holds one wasmtime [`Engine`] with the guest component
//! compiled once (and cached on disk, keyed by the engine's compatibility
//! hash and the guest's SHA-256), a pooling instance allocator and an
//! [`InstancePre`](wasmtime::component::InstancePre) made from an empty
//! linker.  Each dish then gets a fresh `Store` and instance with hard
//! limits: fuel, a wall-clock deadline (epoch interruption), a linear-memory
//! cap, a wasm stack cap, a source size cap and an output size cap.  The
//! guest is granted nothing because it imports nothing: the component has
//! no imports at all (not even WASI; see `guest/src/export.rs`), the linker
//! defines no host function, and a test fails if the guest ever imports
//! something.
//!
//! Everything the guest returns is untrusted: wasmtime copies at most the
//! output limit out of the guest (its "hostcall fuel", which counts every
//! byte lifted, aliased strings included), and the copy goes through
//! [`crate::revalidate`] before anyone looks at it.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sha2::Digest;
use thiserror::Error;
use wasmtime::component::{Component, ComponentExportIndex, InstancePre, Linker, TypedFunc};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store, Trap};

use crate::diagnostic::{Diagnostic, Kind};
use crate::dish::Dish;
use crate::revalidate;

wasmtime::component::bindgen!({
    path: "../../wit/potluck.wit",
    world: "potluck-guest",
});

/// The WIT types of the `dish` interface, as wasmtime lifts them.
pub use exports::potluck::sandbox::dish as wit;

/// The guest's `evaluate` export, typed.
type EvaluateFn<'a> = TypedFunc<EvaluateParams<'a>, (EvaluateResult,)>;
/// The parameters of the `evaluate` export: file, source, limits, hash key.
type EvaluateParams<'a> = (&'a str, &'a str, wit::Limits, u64);
type EvaluateResult = Result<wit::Package, Vec<wit::Diagnostic>>;

/// The guest component, built from `guest/` by `build.rs`.
pub const GUEST_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/potluck_guest.wasm"));
/// SHA-256 of [`GUEST_WASM`], computed at build time.
pub const GUEST_SHA256: &str = env!("POTLUCK_GUEST_SHA256");

/// Resource limits of one dish evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wasm fuel (about one unit per wasm instruction): deterministic CPU.
    /// Default: 100 000 000, about 50 ms of CPU on this project's reference
    /// machine; a typical dish uses well under 2% of it.
    pub fuel: u64,
    /// Wall-clock deadline, enforced by epoch interruption.
    /// Default: 1 s (the 2017 potluck time limit).
    pub deadline: Duration,
    /// Cap on the guest's linear memory.  Default: 64 MiB.
    pub memory_bytes: usize,
    /// Cap on the wasm call stack (host stack used by wasm frames).
    /// Default: 1 MiB.
    pub wasm_stack_bytes: usize,
    /// Largest dish source accepted.  Default: 1 MiB.
    pub source_bytes: usize,
    /// Largest result the guest may return: every byte wasmtime copies out
    /// of the guest (strings, lists of nodes as the host holds them) and
    /// every byte the host rebuilds from it.  Default: 4 MiB.
    pub output_bytes: usize,
    /// Interpreter steps (procedure calls, loop iterations, compiled nodes).
    /// Default: 2 000 000.
    pub steps: u64,
    /// Interpreter recursion depth.  Default: 1 000 (it must fire before the
    /// wasm stack runs out: about 2 KiB of wasm stack per level).
    pub depth: u32,
    /// Bytes the interpreter lets a dish allocate in all.  Default: 50 MB
    /// (Guile's `#:allocation-limit` in 2017).
    pub alloc_bytes: u64,
    /// Syntax nodes produced by macro expansion.  Default: 1 000 000.
    pub expansion: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: 100_000_000,
            deadline: Duration::from_secs(1),
            memory_bytes: 64 << 20,
            wasm_stack_bytes: 1 << 20,
            source_bytes: 1 << 20,
            output_bytes: 4 << 20,
            steps: 2_000_000,
            depth: 1_000,
            alloc_bytes: 50_000_000,
            expansion: 1_000_000,
        }
    }
}

/// Where compiled guest code is cached.
#[derive(Debug, Clone)]
pub enum Cache {
    /// No cache: compile at every start (about a second).
    Off,
    /// Cache under this directory (created with mode 0700).
    Dir(PathBuf),
}

impl Cache {
    /// `$POTLUCK_CACHE_DIR`, else `$XDG_CACHE_HOME/potluck-wasm`, else
    /// `$HOME/.cache/potluck-wasm`; off when none is set.
    pub fn default_location() -> Cache {
        if let Some(d) = std::env::var_os("POTLUCK_CACHE_DIR") {
            return Cache::Dir(d.into());
        }
        if let Some(d) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
            return Cache::Dir(PathBuf::from(d).join("potluck-wasm"));
        }
        match std::env::var_os("HOME").filter(|d| !d.is_empty()) {
            Some(h) => Cache::Dir(PathBuf::from(h).join(".cache/potluck-wasm")),
            None => Cache::Off,
        }
    }
}

#[derive(Debug, Error)]
pub enum SandboxError {
    #[error("cannot set up the wasm engine: {0:#}")]
    Engine(wasmtime::Error),
    #[error("cannot compile the guest component: {0:#}")]
    Compile(wasmtime::Error),
    #[error("cannot link the guest component: {0:#}")]
    Link(wasmtime::Error),
}

/// Linear memory kept resident (reset in place, not given back with
/// madvise) when an instance slot is reused: avoids page faults and
/// cross-core TLB shootdowns on every dish.  Where Linux has `PAGEMAP_SCAN`
/// (6.7 and later), the pages reset are the slot's resident pages, found by
/// one scan, instead of the first this-many bytes — that halved the fixed
/// cost of a fresh instance (33 µs to 15 µs per dish).  Every page a dish
/// ever touched stays resident and is reset for every later dish in the
/// slot, up to this many bytes; so the value is a typical dish's working
/// set, not more: after one memory-heavy dish, later typical dishes cost
/// +6 µs with 128 KiB and +21 µs with 16 MiB (`cargo run --release -p
/// potluck-wasm --example after_heavy`), while below 128 KiB typical
/// dishes fault pages in again (64 KiB: +3 µs; 0: +30 µs).
const KEEP_RESIDENT_BYTES: usize = 128 << 10;

/// How long one epoch tick is.
const EPOCH_TICK: Duration = Duration::from_millis(5);
/// What a store holds: caps linear memory and tables, and remembers when
/// it refused.
struct Limiter {
    memory_bytes: usize,
    memory_denied: bool,
}

impl wasmtime::ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_bytes {
            self.memory_denied = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// A compiled, linked guest, ready to evaluate dishes concurrently.
pub struct Sandbox {
    engine: Engine,
    component: Component,
    instance_pre: InstancePre<Limiter>,
    /// The `evaluate` export, type-checked once in [`Sandbox::new`].
    evaluate: ComponentExportIndex,
    limits: Limits,
    stop_ticker: Arc<AtomicBool>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop_ticker.store(true, Ordering::Relaxed);
    }
}

/// How a cache lookup went (for `--verbose` and the benchmarks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    Hit,
    Miss,
    Disabled,
}

impl Sandbox {
    /// Build the engine and load the guest.  `concurrency` bounds how many
    /// dishes may be evaluated at the same time (the instance pool's size).
    pub fn new(
        limits: Limits,
        cache: &Cache,
        concurrency: u32,
    ) -> Result<(Sandbox, CacheOutcome), SandboxError> {
        Self::build(limits, cache, concurrency, GUEST_WASM, GUEST_SHA256.into())
    }

    /// Like [`Sandbox::new`], with another build of the guest component
    /// instead of the embedded one: for measuring a change to the guest
    /// against the same host (`cargo run --release -p potluck-wasm --example
    /// compare_guests`).
    pub fn with_guest(
        limits: Limits,
        cache: &Cache,
        concurrency: u32,
        guest: &[u8],
    ) -> Result<(Sandbox, CacheOutcome), SandboxError> {
        let sha = hex::encode(sha2::Sha256::digest(guest));
        Self::build(limits, cache, concurrency, guest, sha)
    }

    /// `guest` is the component's bytes and `sha` their SHA-256 (the
    /// embedded guest's is computed at build time), which keys the cache.
    fn build(
        limits: Limits,
        cache: &Cache,
        concurrency: u32,
        guest: &[u8],
        sha: String,
    ) -> Result<(Sandbox, CacheOutcome), SandboxError> {
        let engine = Self::make_engine(&limits, concurrency).map_err(SandboxError::Engine)?;
        let (component, outcome) = load_component(&engine, cache, guest, &sha)?;
        // Nothing is linked: the guest imports nothing, and a component
        // that imported something would fail to link here.
        let linker: Linker<Limiter> = Linker::new(&engine);
        let instance_pre = linker
            .instantiate_pre(&component)
            .map_err(SandboxError::Link)?;
        let evaluate = component
            .get_export_index(None, "potluck:sandbox/dish@0.1.0")
            .and_then(|dish| component.get_export_index(Some(&dish), "evaluate"))
            .ok_or_else(|| SandboxError::Link(wasmtime::format_err!("no `evaluate` export")))?;
        let stop_ticker = Arc::new(AtomicBool::new(false));
        {
            let engine = engine.weak();
            let stop = stop_ticker.clone();
            std::thread::Builder::new()
                .name("potluck-epoch".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(EPOCH_TICK);
                        match engine.upgrade() {
                            Some(e) => e.increment_epoch(),
                            None => break,
                        }
                    }
                })
                .map_err(|e| SandboxError::Engine(e.into()))?;
        }
        let sandbox = Sandbox {
            engine,
            component,
            instance_pre,
            evaluate,
            limits,
            stop_ticker,
        };
        sandbox.check_evaluate_type().map_err(SandboxError::Link)?;
        Ok((sandbox, outcome))
    }

    /// Type-check the `evaluate` export against [`EvaluateFn`] on one
    /// instance, so that each dish's call can skip the check (every
    /// instance comes from the same component, so has the same types).
    fn check_evaluate_type(&self) -> wasmtime::Result<()> {
        let mut store = self.store();
        let instance = self.instance_pre.instantiate(&mut store)?;
        instance
            .get_typed_func::<EvaluateParams<'_>, (EvaluateResult,)>(&mut store, self.evaluate)?;
        Ok(())
    }

    fn make_engine(limits: &Limits, concurrency: u32) -> wasmtime::Result<Engine> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.consume_fuel(true);
        config.epoch_interruption(true);
        config.max_wasm_stack(limits.wasm_stack_bytes);
        config.cranelift_opt_level(wasmtime::OptLevel::Speed);
        let slots = concurrency.max(1) + 2;
        let mut pool = PoolingAllocationConfig::default();
        // The guest component is one core module with one memory and one
        // table (a test instantiates it through this pool).
        pool.total_component_instances(slots)
            .total_core_instances(slots)
            .total_memories(slots)
            .total_tables(slots)
            .max_memory_size(limits.memory_bytes)
            .max_unused_warm_slots(slots)
            .linear_memory_keep_resident(KEEP_RESIDENT_BYTES)
            .table_keep_resident(64 << 10)
            .pagemap_scan(wasmtime::Enabled::Auto);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        Engine::new(&config)
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The component's imports, as `package/interface` names without
    /// version: none (a test checks it).
    pub fn component_imports(&self) -> Vec<String> {
        let ty = self.component.component_type();
        let mut out: Vec<String> = ty
            .imports(&self.engine)
            .map(|(name, _)| name.split('@').next().unwrap_or(name).to_string())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn store(&self) -> Store<Limiter> {
        let limiter = Limiter {
            memory_bytes: self.limits.memory_bytes,
            memory_denied: false,
        };
        let mut store = Store::new(&self.engine, limiter);
        store.limiter(|l| l);
        store.set_fuel(self.limits.fuel).expect("fuel is enabled");
        let ticks = (self.limits.deadline.as_micros() / EPOCH_TICK.as_micros()).max(1) as u64;
        store.set_epoch_deadline(ticks);
        store.epoch_deadline_trap();
        // Bounds what wasmtime copies out of the guest when it lifts the
        // result, before the host sees any of it.
        store.set_hostcall_fuel(self.limits.output_bytes);
        store
    }

    /// The binding names the guest offers (its `bindings` export).
    pub fn bindings(&self) -> Result<Vec<String>, Diagnostic> {
        let mut store = self.store();
        let guest = self
            .instance_pre
            .instantiate(&mut store)
            .and_then(|instance| PotluckGuest::new(&mut store, &instance))
            .map_err(|e| {
                Diagnostic::error(
                    Kind::Internal,
                    format!("cannot instantiate the sandbox: {e:#}"),
                )
            })?;
        guest
            .potluck_sandbox_dish()
            .call_bindings(&mut store)
            .map_err(|e| self.trap_diagnostic(&e, &store, "<bindings>"))
    }

    /// Evaluate one dish.  Never panics and never hangs, whatever `source`
    /// holds: every failure is a diagnostic.
    pub fn evaluate(&self, file: &str, source: &str) -> Result<Dish, Vec<Diagnostic>> {
        self.evaluate_measured(file, source).0
    }

    /// Like [`Sandbox::evaluate`], also returning the fuel consumed.
    pub fn evaluate_measured(
        &self,
        file: &str,
        source: &str,
    ) -> (Result<Dish, Vec<Diagnostic>>, u64) {
        if source.len() > self.limits.source_bytes {
            let d = Diagnostic::error(
                Kind::Limit,
                format!(
                    "the dish is {} bytes, more than the {}-byte limit on dish sources",
                    source.len(),
                    self.limits.source_bytes
                ),
            )
            .in_file(file)
            .with_help("a dish is a short package description; move large data out of it");
            return (Err(vec![d]), 0);
        }
        let mut store = self.store();
        let limits = wit::Limits {
            max_steps: self.limits.steps,
            max_depth: self.limits.depth,
            max_alloc_bytes: self.limits.alloc_bytes,
            max_expansion: self.limits.expansion,
        };
        let result = self
            .instance_pre
            .instantiate(&mut store)
            .and_then(|instance| {
                let func = instance
                    .get_func(&mut store, self.evaluate)
                    .ok_or_else(|| {
                        wasmtime::format_err!("the instance has no `evaluate` export")
                    })?;
                // SAFETY: `check_evaluate_type` checked this export of this
                // component against `EvaluateFn` when the sandbox was built.
                let evaluate: EvaluateFn<'_> = unsafe { TypedFunc::new_unchecked(func) };
                // A fresh secret per evaluation keys the guest's symbol
                // table hash (std's RandomState draws its keys from the OS).
                let hash_key = std::hash::BuildHasher::hash_one(
                    &std::collections::hash_map::RandomState::new(),
                    file,
                );
                let (result,) = evaluate.call(&mut store, (file, source, limits, hash_key))?;
                Ok(result)
            });
        let fuel = self.limits.fuel - store.get_fuel().unwrap_or(0);
        let out = match result {
            Ok(Ok(package)) => {
                revalidate::from_guest(package, file, source, self.limits.output_bytes)
            }
            Ok(Err(diags)) => Err(revalidate::diagnostics_from_guest(
                diags,
                file,
                source,
                self.limits.output_bytes,
            )),
            Err(e) => Err(vec![self.trap_diagnostic(&e, &store, file)]),
        };
        (out, fuel)
    }

    fn trap_diagnostic(
        &self,
        e: &wasmtime::Error,
        store: &Store<Limiter>,
        file: &str,
    ) -> Diagnostic {
        let l = &self.limits;
        // wasmtime's error type for it is private: a test
        // (tests/sandbox.rs `source_and_output_caps`) pins its text through
        // the note below.
        if e.chain()
            .any(|c| c.to_string().contains("too much data is being copied"))
        {
            return revalidate::too_large(file, l.output_bytes)
                .with_note("stopped while it was being copied out of the sandbox");
        }
        let d = match e.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => Diagnostic::error(
                Kind::Limit,
                format!(
                    "the dish used all of its {} units of fuel (CPU limit)",
                    l.fuel
                ),
            )
            .with_help(
                "a dish must evaluate quickly; look for a loop or recursion that never ends",
            ),
            Some(Trap::Interrupt) => Diagnostic::error(
                Kind::Limit,
                format!("the dish ran past its {:?} wall-clock deadline", l.deadline),
            )
            .with_help(
                "a dish must evaluate quickly; look for a loop or recursion that never ends",
            ),
            Some(Trap::StackOverflow) => Diagnostic::error(
                Kind::Limit,
                format!(
                    "the interpreter ran out of its {}-byte wasm stack",
                    l.wasm_stack_bytes
                ),
            )
            .with_help("use a tail-recursive loop instead of deep recursion"),
            _ if store.data().memory_denied => Diagnostic::error(
                Kind::Limit,
                format!(
                    "the dish needed more than the {} MiB memory limit",
                    l.memory_bytes >> 20
                ),
            )
            .with_help("a dish should build a package description, not large data structures"),
            Some(Trap::AllocationTooLarge) => Diagnostic::error(
                Kind::Limit,
                format!(
                    "the dish needed more than the {} MiB memory limit",
                    l.memory_bytes >> 20
                ),
            ),
            other => {
                let what = match other {
                    Some(Trap::UnreachableCodeReached) => {
                        "it stopped on an internal error (a panic)".to_string()
                    }
                    Some(t) => t.to_string(),
                    None => format!("{e:#}"),
                };
                Diagnostic::error(
                    Kind::Internal,
                    format!("the sandboxed interpreter failed: {what}"),
                )
                .with_help("this is a bug in potluck-wasm, not in the dish; please report it with the dish attached")
            }
        };
        d.in_file(file)
    }
}

fn load_component(
    engine: &Engine,
    cache: &Cache,
    guest: &[u8],
    sha: &str,
) -> Result<(Component, CacheOutcome), SandboxError> {
    let Cache::Dir(dir) = cache else {
        let c = Component::new(engine, guest).map_err(SandboxError::Compile)?;
        return Ok((c, CacheOutcome::Disabled));
    };
    let mut h = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    let key = format!("guest-{}-{:016x}.cwasm", &sha[..16], h.finish());
    let path = dir.join(key);
    if path.is_file() && is_private(dir) {
        // SAFETY: the file was written by `precompile_component` of an
        // engine with the same compatibility hash, in a directory that is
        // this user's and writable by no one else (checked just now);
        // wasmtime checks the header.  A corrupt file fails to deserialize
        // and is recompiled.
        if let Ok(c) = unsafe { Component::deserialize_file(engine, &path) } {
            return Ok((c, CacheOutcome::Hit));
        }
    }
    let bytes = engine
        .precompile_component(guest)
        .map_err(SandboxError::Compile)?;
    // A cache that cannot be written is not an error: the run goes on.
    let _ = write_private(dir, &path, &bytes);
    // SAFETY: `bytes` was produced just now by this engine.
    let c = unsafe { Component::deserialize(engine, &bytes) }.map_err(SandboxError::Compile)?;
    Ok((c, CacheOutcome::Miss))
}

/// Whether `dir` belongs to this user and no one else may write to it, so
/// that the compiled code in it (which runs natively) is this user's own.
/// A shared or foreign directory (say under `/tmp`) is still written to
/// but never read from.
fn is_private(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    std::fs::metadata(dir).is_ok_and(|m| m.is_dir() && m.uid() == me && m.mode() & 0o022 == 0)
}

fn write_private(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let tmp = dir.join(format!(
        ".tmp-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
