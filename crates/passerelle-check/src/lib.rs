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
    let parsed = parse_files(map, &jobs, opts.threads, &mut diags);
    let mut lw = lower::Lowerer::new();
    lw.broken = diags
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
        .collect();
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
    for (pi, pf) in &parsed {
        lw.register_file(pack_ids[*pi], pf, map.text(pf.file));
    }
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
    let files: Vec<ParsedFile> = parsed.into_iter().map(|(_, f)| f).collect();
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

/// Splits and parses every file, in order. With more than one thread, the files are cut
/// into contiguous runs of about equal size, one per thread.
fn parse_files(
    map: &SourceMap,
    jobs: &[(usize, FileId)],
    threads: usize,
    diags: &mut Vec<Diag>,
) -> Vec<(usize, ParsedFile)> {
    let one = |(pi, f): (usize, FileId), diags: &mut Vec<Diag>| {
        (pi, passerelle_syntax::split(f, map.text(f), diags))
    };
    let bytes: usize = jobs.iter().map(|&(_, f)| map.text(f).len()).sum();
    let threads = effective_threads(threads).min(jobs.len());
    if threads <= 1 || bytes < PARALLEL_BYTES {
        return jobs.iter().map(|&j| one(j, diags)).collect();
    }
    // Contiguous runs of about `bytes / threads` each.
    let share = bytes.div_ceil(threads);
    let mut runs: Vec<&[(usize, FileId)]> = Vec::with_capacity(threads);
    let (mut from, mut acc) = (0, 0);
    for (i, &(_, f)) in jobs.iter().enumerate() {
        acc += map.text(f).len();
        if acc >= share && runs.len() + 1 < threads {
            runs.push(&jobs[from..=i]);
            (from, acc) = (i + 1, 0);
        }
    }
    runs.push(&jobs[from..]);
    /// One thread's files and diagnostics.
    type Run = (Vec<(usize, ParsedFile)>, Vec<Diag>);
    let parse_run = |run: &[(usize, FileId)]| -> Run {
        let mut d = Vec::new();
        let out: Vec<_> = run.iter().map(|&j| one(j, &mut d)).collect();
        (out, d)
    };
    // The first run on this thread (its memory then comes from this thread's heap, warm
    // from earlier work), the others on their own threads.
    let (first, rest) = runs
        .split_first()
        .map_or((&[][..], &[][..]), |(f, r)| (*f, r));
    let results: Vec<Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = rest
            .iter()
            .map(|&run| scope.spawn(move || parse_run(run)))
            .collect();
        let mut results = vec![parse_run(first)];
        results.extend(
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
        );
        results
    });
    let mut parsed = Vec::with_capacity(jobs.len());
    for (out, d) in results {
        parsed.extend(out);
        diags.extend(d);
    }
    parsed
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
