//! The Passerelle web service (`passerelle serve`).

use std::net::SocketAddr;
use std::path::PathBuf;

/// What `passerelle serve` was asked for.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Pack folders (empty: the bundled packs).
    pub packs: Vec<PathBuf>,
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Database URL (`sqlite://…` or `postgres://…`).
    pub db: Option<String>,
}

/// Runs the service until interrupted.
pub fn run(opts: ServeOptions) -> Result<(), String> {
    let _ = opts;
    Err("the web service is not built yet".to_string())
}
