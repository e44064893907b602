//! `potluck-wasm bindings` and `imports`: what the sandbox offers a dish,
//! and what the guest component asks of the host (nothing).

use std::process::ExitCode;

use potluck_sandbox::{Limits, Sandbox};

use crate::args::CacheArgs;

fn sandbox(cache: &CacheArgs) -> anyhow::Result<Sandbox> {
    Ok(Sandbox::new(Limits::default(), &cache.cache(), 1)?.0)
}

pub fn bindings(cache: CacheArgs) -> anyhow::Result<ExitCode> {
    let names = sandbox(&cache)?
        .bindings()
        .map_err(|d| anyhow::anyhow!(d.message))?;
    for n in names {
        println!("{n}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn imports(cache: CacheArgs) -> anyhow::Result<ExitCode> {
    let imports = sandbox(&cache)?.component_imports();
    if imports.is_empty() {
        eprintln!("the guest component imports nothing");
    }
    for i in imports {
        println!("{i}");
    }
    Ok(ExitCode::SUCCESS)
}
