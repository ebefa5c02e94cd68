//! The Passerelle checker.
//!
//! [`check`] turns the files of one or more packs (already read into a [`SourceMap`] by the
//! loader) into a typed [`model::Model`] plus diagnostics: syntax, names, types, missing
//! translations, duplicates, cycles, citations, periods, gates, layers and lints.
//! [`semantics`] is the reference evaluator: the specification of verdicts, used by the
//! checker's [`search`] and as the oracle the compiled engine is tested against.
//!
//! **Architecture invariant:** no I/O. The loader (crate `passerelle`) reads folders;
//! this crate only sees texts.

mod graph;
mod lower;
mod lower2;
mod manifest;

pub mod answers;
pub mod model;
pub mod search;
pub mod semantics;

pub use manifest::{Manifest, parse_manifest, valid_id};

use passerelle_diag::{Diag, Diags, FileId, SourceMap};
use passerelle_syntax::ParsedFile;
use std::sync::OnceLock;

/// One pack's files, as the loader found them.
#[derive(Clone, Debug)]
pub struct PackInput {
    /// The folder, as shown to people.
    pub dir: String,
    /// `pack.toml`.
    pub manifest: FileId,
    /// The Markdown files, in path order.
    pub files: Vec<FileId>,
}

/// What to run.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Run the lints that search (conditions never true). Layer conflicts always run.
    pub search_lints: bool,
    /// Threads that parse files and search for conditions never true (0: one per core, at
    /// most [`MAX_THREADS`]). Files are independent until they are lowered, rules once they
    /// are; the result does not depend on the count.
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            search_lints: true,
            threads: 0,
        }
    }
}

/// Most parsing threads.
pub const MAX_THREADS: usize = 8;

/// The thread count asked for (0: one per core), at most [`MAX_THREADS`].
fn effective_threads(threads: usize) -> usize {
    match threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
    .min(MAX_THREADS)
}

/// Below this much text a pack is parsed on the calling thread (starting threads would cost
/// more than they save).
const PARALLEL_BYTES: usize = 256 * 1024;

/// The result of a check.
#[derive(Debug)]
pub struct Checked {
    /// The model (complete only when `diags` has no errors).
    pub model: model::Model,
    /// Diagnostics, sorted by file and position.
    pub diags: Diags,
    /// The split files (for the formatter and the publisher).
    pub files: Vec<ParsedFile>,
}

/// Checks packs, base packs first.
pub fn check(map: &SourceMap, packs: &[PackInput], opts: &Options) -> Checked {
    let mut diags: Vec<Diag> = Vec::new();
    let mut manifests = Vec::new();
    for p in packs {
        let text = map.text(p.manifest);
        manifests.push(parse_manifest(p.manifest, text, &mut diags));
    }
    let jobs: Vec<(usize, FileId)> = packs
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| p.files.iter().map(move |&f| (pi, f)))
        .collect();
    // Files are parsed in runs (one per thread), and each run registered as soon as it
    // and the runs before it are parsed: the calling thread parses the first, a little
    // shorter run, then registers it while the other threads finish theirs.
    let runs = file_runs(map, &jobs, opts.threads);
    let slots: Vec<OnceLock<Vec<(usize, ParsedFile)>>> =
        runs.iter().map(|_| OnceLock::new()).collect();
    let slots_ref = &slots;
    let mut lw = lower::Lowerer::new();
    lw.broken = broken_spans(&diags);
    lw.diags = diags;
    let mut pack_ids = Vec::new();
    for (p, man) in packs.iter().zip(manifests) {
        let man = man.unwrap_or_else(|| Manifest {
            id: p.dir.clone(),
            version: "0.0.0".to_string(),
            layer: model::Layer::GcWide,
            title: passerelle_diag::Bi::new(p.dir.clone(), p.dir.clone()),
            builds_on: Vec::new(),
        });
        pack_ids.push(lw.add_pack(man, p.dir.clone(), Some(p.manifest)));
    }
    let parse_run = |run: &[(usize, FileId)]| -> ParsedRun {
        let mut d = Vec::new();
        let out: Vec<_> = run
            .iter()
            .map(|&(pi, f)| (pi, passerelle_syntax::split(f, map.text(f), &mut d)))
            .collect();
        (out, d)
    };
    let mut absorb = |k: usize, (files, d): ParsedRun| {
        let _ = slots_ref[k].set(files);
        lw.broken.extend(broken_spans(&d));
        lw.diags.extend(d);
        for (pi, pf) in slots_ref[k].get().into_iter().flatten() {
            lw.register_file(pack_ids[*pi], pf, map.text(pf.file));
        }
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .skip(1)
            .map(|&run| scope.spawn(move || parse_run(run)))
            .collect();
        // The first run on this thread (its memory then comes from this thread's heap,
        // warm from earlier work).
        absorb(0, parse_run(runs.first().copied().unwrap_or(&[])));
        for (k, h) in handles.into_iter().enumerate() {
            absorb(
                k + 1,
                h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
        }
    });
    lw.lower_all(effective_threads(opts.threads));
    lw.resolve_displaces();
    let defs_ok = lw.order_defs();
    lw.check_gates();
    lw.lint_unused();
    lw.lint_unverified();
    let errors_so_far = lw.diags.iter().any(Diag::is_error);
    if !errors_so_far && defs_ok {
        lw.check_layers();
        if opts.search_lints {
            lw.lint_never_true(effective_threads(opts.threads));
        }
    }
    let model = std::mem::take(&mut lw.m);
    let raw = std::mem::take(&mut lw.diags);
    drop(lw);
    let mut diags = Diags::new();
    let files: Vec<ParsedFile> = slots
        .into_iter()
        .flat_map(|s| s.into_inner().unwrap_or_default())
        .map(|(_, f)| f)
        .collect();
    for mut d in raw {
        d.context = provision_context(&model, &files, &d);
        diags.push(d);
    }
    diags.sort();
    Checked {
        model,
        diags,
        files,
    }
}

/// One run's parsed files and diagnostics.
type ParsedRun = (Vec<(usize, ParsedFile)>, Vec<Diag>);

/// The spans of syntax errors, so that the declarations they broke do not also report
/// missing fields.
fn broken_spans(diags: &[Diag]) -> Vec<passerelle_diag::Span> {
    diags
        .iter()
        .filter(|d| {
            matches!(
                d.code,
                passerelle_diag::Code::Syntax
                    | passerelle_diag::Code::InvalidLiteral
                    | passerelle_diag::Code::TooDeep
            )
        })
        .filter_map(|d| d.primary.as_ref().map(|p| p.span))
        .collect()
}

/// The files cut into contiguous runs, one per thread: one run below
/// [`PARALLEL_BYTES`] or with one thread; otherwise runs of about equal size, the first a
/// little shorter (its thread then registers it while the others parse).
fn file_runs<'j>(
    map: &SourceMap,
    jobs: &'j [(usize, FileId)],
    threads: usize,
) -> Vec<&'j [(usize, FileId)]> {
    let bytes: usize = jobs.iter().map(|&(_, f)| map.text(f).len()).sum();
    let threads = effective_threads(threads).min(jobs.len());
    if threads <= 1 || bytes < PARALLEL_BYTES {
        return vec![jobs];
    }
    // The first run weighs 0.85 of the others.
    let unit = bytes as f64 / (threads as f64 - 0.15);
    let mut runs: Vec<&[(usize, FileId)]> = Vec::with_capacity(threads);
    let (mut from, mut acc) = (0, 0usize);
    for (i, &(_, f)) in jobs.iter().enumerate() {
        acc += map.text(f).len();
        let target = if runs.is_empty() { unit * 0.85 } else { unit };
        if acc as f64 >= target && runs.len() + 1 < threads {
            runs.push(&jobs[from..=i]);
            (from, acc) = (i + 1, 0);
        }
    }
    runs.push(&jobs[from..]);
    runs
}

/// The provision heading enclosing a diagnostic's primary span, e.g. `privacy-act § 5(2)`.
fn provision_context(m: &model::Model, files: &[ParsedFile], d: &Diag) -> Option<String> {
    let span = d.primary.as_ref()?.span;
    let pf = files.iter().find(|f| f.file == span.file)?;
    let inst = m.instruments.iter().find(|i| i.file == span.file)?;
    let block = pf
        .blocks
        .iter()
        .find(|b| b.content.start <= span.start && span.start <= b.content.end)?;
    let p = pf.provisions.get(block.provision?)?;
    Some(format!("{} § {}", inst.id, p.section))
}
