//! A checked and compiled set of packs, ready to evaluate.

use crate::load::{LoadedPacks, load_packs};
use passerelle_check::model::Model;
use passerelle_check::{Checked, Options};
use passerelle_diag::{Diags, SourceMap};
use passerelle_ir::Program;
use std::path::PathBuf;

/// Packs loaded, checked and compiled.
#[derive(Debug)]
pub struct Pack {
    /// The model.
    pub model: Model,
    /// The compiled program.
    pub program: Program,
    /// The program laid out for evaluation, shared by every evaluator of the pack
    /// ([`Pack::evaluator`]).
    pub prepared: passerelle_eval::Prepared,
    /// Every file read.
    pub map: SourceMap,
    /// Digest of each pack (same order as `model.packs`).
    pub digests: Vec<String>,
    /// Folder of each pack.
    pub dirs: Vec<PathBuf>,
    /// Warnings from the check.
    pub warnings: Diags,
    /// The verdict's static JSON, per language, built at first use.
    pub(crate) json: crate::verdict_json::Cache,
}

/// Why packs could not be used.
#[derive(Debug)]
pub struct PackError {
    /// Every diagnostic (errors and warnings).
    pub diags: Diags,
    /// The files, to render the diagnostics.
    pub map: SourceMap,
}

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} error(s) in the packs", self.diags.error_count())
    }
}

impl std::error::Error for PackError {}

impl Pack {
    /// An evaluator for the pack's program, sharing its layout (cheap to make).
    pub fn evaluator(&self) -> passerelle_eval::Evaluator<'_> {
        passerelle_eval::Evaluator::prepared(&self.program, &self.prepared)
    }

    /// A next-question chooser that reads what this pack's evaluators found
    /// ([`Pack::evaluator`]).
    pub fn asker(&self) -> passerelle_eval::next::Asker<'_> {
        passerelle_eval::next::Asker::prepared(&self.program, &self.prepared)
    }

    /// Loads, checks and compiles pack folders (and the packs they build on).
    pub fn load(dirs: &[PathBuf]) -> Result<Pack, PackError> {
        Pack::load_with(dirs, &Options::default())
    }

    /// Same, with check options.
    pub fn load_with(dirs: &[PathBuf], opts: &Options) -> Result<Pack, PackError> {
        let loaded = load_packs(dirs);
        Pack::from_loaded(loaded, opts)
    }

    /// Checks and compiles packs already read.
    pub fn from_loaded(loaded: LoadedPacks, opts: &Options) -> Result<Pack, PackError> {
        let LoadedPacks {
            map,
            inputs,
            dirs,
            digests,
            diags: load_diags,
        } = loaded;
        let Checked {
            model,
            diags,
            files,
        } = passerelle_check::check(&map, &inputs, opts);
        let mut all = load_diags;
        all.extend(diags);
        if all.has_errors() || inputs.is_empty() {
            all.sort();
            return Err(PackError { diags: all, map });
        }
        // Nothing past the check reads the syntax trees: they are freed now, and with
        // several threads on one of its own, while this one compiles.
        if opts.threads == 1 {
            drop(files);
        } else {
            // (Should the thread not start, the closure and the trees are dropped here.)
            let _ = std::thread::Builder::new().spawn(move || drop(files));
        }
        let program = passerelle_ir::compile(&model);
        let prepared = passerelle_eval::Prepared::new(&program);
        Ok(Pack {
            model,
            program,
            prepared,
            map,
            digests,
            dirs,
            warnings: all,
            json: Default::default(),
        })
    }

    /// The top pack's id, version and digest.
    pub fn top(&self) -> (&str, &str, &str) {
        let p = self.model.packs.last();
        (
            p.map(|p| p.id.as_str()).unwrap_or(""),
            p.map(|p| p.version.as_str()).unwrap_or(""),
            self.digests.last().map(String::as_str).unwrap_or(""),
        )
    }
}
