//! Synthetic packs and answers, for benchmarks and property tests.
//!
//! The workload follows `shared/reference/performance-peers.md`: facts of mixed types
//! (about half booleans, then enums, integers and amounts, dates, sets), rules of two to
//! five conditions on distinct facts — 55 % plain conjunctions, 30 % with one `or` pair,
//! 15 % with an exception (`unless x and y`) — and thresholds chosen so that a random
//! case triggers roughly one rule in seven. Every generated pack passes `check` with no
//! error: bilingual texts, citations to generated provisions, every fact used.

use fastrand::Rng;
use passerelle_check::model::{Answers, Fact, FactType, Group, ItemAnswers, Model, Value};
use std::fmt::Write;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct GenOptions {
    /// Number of obligations.
    pub rules: usize,
    /// Number of facts.
    pub facts: usize,
    /// Seed.
    pub seed: u64,
    /// Obligations per instrument file.
    pub rules_per_file: usize,
}

impl Default for GenOptions {
    fn default() -> GenOptions {
        GenOptions {
            rules: 50,
            facts: 30,
            seed: 1,
            rules_per_file: 500,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Enum(usize),
    Int,
    Money,
    Date,
    Set(usize),
}

const PROVINCES: [&str; 13] = [
    "ab", "bc", "mb", "nb", "nl", "ns", "nt", "nu", "on", "pe", "qc", "sk", "yt",
];

fn kinds(n: usize, rng: &mut Rng) -> Vec<Kind> {
    // Proportions of the reference workload (14 bool, 6 enum, 8 numbers, 1 date, 1 set of 30).
    (0..n)
        .map(|i| match i % 30 {
            0..=13 => Kind::Bool,
            14..=19 => Kind::Enum(4 + rng.usize(0..3)),
            20..=23 => Kind::Int,
            24..=27 => Kind::Money,
            28 => Kind::Date,
            _ => Kind::Set(13),
        })
        .collect()
}

fn fact_block(i: usize, k: Kind) -> String {
    let mut s = String::new();
    let ty = match k {
        Kind::Bool => "bool",
        Kind::Enum(_) => "enum",
        Kind::Int => "integer",
        Kind::Money => "money",
        Kind::Date => "date",
        Kind::Set(_) => "set",
    };
    let _ = writeln!(s, "fact f{i}: {ty} {{");
    let _ = writeln!(
        s,
        "  question {{ en \"Question {i}?\" fr \"Question {i} ?\" }}"
    );
    let _ = writeln!(
        s,
        "  help {{ en \"Help for question {i}.\" fr \"Aide pour la question {i}.\" }}"
    );
    match k {
        Kind::Enum(n) => {
            for o in 0..n {
                let _ = writeln!(s, "  option o{o} {{ en \"Option {o}\" fr \"Option {o}\" }}");
            }
        }
        Kind::Set(n) => {
            for p in PROVINCES.iter().take(n) {
                let _ = writeln!(s, "  option {p} {{ en \"Region {p}\" fr \"Région {p}\" }}");
            }
        }
        _ => {}
    }
    s.push_str("}\n");
    s
}

fn atom(f: usize, k: Kind, rng: &mut Rng) -> String {
    match k {
        Kind::Bool => {
            if rng.bool() {
                format!("f{f}")
            } else {
                format!("f{f} == false")
            }
        }
        Kind::Enum(n) => {
            // About 60 % of the options.
            let take = (n * 3).div_ceil(5).max(1);
            let mut opts: Vec<usize> = (0..n).collect();
            rng.shuffle(&mut opts);
            let list: Vec<String> = opts[..take].iter().map(|o| format!("o{o}")).collect();
            if take == 1 {
                format!("f{f} == {}", list[0])
            } else {
                format!("f{f} in [{}]", list.join(", "))
            }
        }
        Kind::Int => {
            if rng.bool() {
                format!("f{f} >= {}", 300 + rng.u32(0..200))
            } else {
                format!("f{f} < {}", 500 + rng.u32(0..200))
            }
        }
        Kind::Money => {
            if rng.bool() {
                format!("f{f} >= ${}", 300 + rng.u32(0..200))
            } else {
                format!("f{f} < ${}", 500 + rng.u32(0..200))
            }
        }
        Kind::Date => {
            let y = 2021 + rng.u32(0..3);
            let m = 1 + rng.u32(0..12);
            format!("f{f} >= {y}-{m:02}-01")
        }
        Kind::Set(n) => {
            let p = PROVINCES[rng.usize(0..n.min(PROVINCES.len()))];
            format!("f{f} contains {p}")
        }
    }
}

/// The generated pack's files: relative path and content.
pub fn generate(o: &GenOptions) -> Vec<(String, String)> {
    let mut rng = Rng::with_seed(o.seed);
    let nf = o.facts.max(5);
    let kinds = kinds(nf, &mut rng);
    let mut files = Vec::new();
    files.push((
        "pack.toml".to_string(),
        format!(
            "id = \"generated\"\nversion = \"1.0.0\"\nlayer = \"gc-wide\"\n\n[title]\nen = \"Generated pack ({} rules, {} facts, seed {})\"\nfr = \"Paquet généré ({} règles, {} faits, graine {})\"\n",
            o.rules, nf, o.seed, o.rules, nf, o.seed
        ),
    ));
    let mut facts = String::from("# Facts\n\n```passerelle\n");
    for (i, k) in kinds.iter().enumerate() {
        facts.push_str(&fact_block(i, *k));
        facts.push('\n');
    }
    facts.push_str("```\n");
    files.push(("facts.md".to_string(), facts));
    files.push((
        "contacts.md".to_string(),
        "# Contacts\n\n```passerelle\ncontact owner {\n  role privacy\n  name { en \"Policy centre\" fr \"Centre de politique\" }\n  ask { en \"Ask them about the rules.\" fr \"Posez-leur vos questions sur les règles.\" }\n}\n```\n".to_string(),
    ));
    let per_file = o.rules_per_file.max(1);
    let n_files = o.rules.div_ceil(per_file).max(1);
    let mut next_fact = 0usize;
    for fi in 0..n_files {
        let mut s = format!(
            "+++\nid = \"instrument-{fi}\"\nkind = \"directive\"\nowner = \"owner\"\neffective_from = 2020-01-01\n\n[title]\nen = \"Generated directive {fi}\"\nfr = \"Directive générée {fi}\"\n\n[source]\nen = \"https://example.invalid/en/{fi}\"\nfr = \"https://example.invalid/fr/{fi}\"\n+++\n\n# Generated directive {fi}\n"
        );
        let start = fi * per_file;
        let end = ((fi + 1) * per_file).min(o.rules);
        for r in start..end {
            let k = 2 + rng.usize(0..4); // 2–5 conditions
            let mut chosen: Vec<usize> = Vec::with_capacity(k);
            while chosen.len() < k.min(nf) {
                // Use every fact at least once, then pick at random.
                let f = if next_fact < nf {
                    next_fact += 1;
                    next_fact - 1
                } else {
                    rng.usize(0..nf)
                };
                if !chosen.contains(&f) {
                    chosen.push(f);
                }
            }
            let shape = rng.u32(0..100);
            let atoms: Vec<String> = chosen
                .iter()
                .map(|f| atom(*f, kinds[*f], &mut rng))
                .collect();
            let (cond, unless) = if shape < 55 || atoms.len() < 3 {
                (atoms.join(" and "), None)
            } else if shape < 85 {
                let (head, pair) = atoms.split_at(atoms.len() - 2);
                let mut parts: Vec<String> = head.to_vec();
                parts.push(format!("({} or {})", pair[0], pair[1]));
                (parts.join(" and "), None)
            } else {
                let (head, tail) = atoms.split_at(atoms.len() - 2);
                (
                    head.join(" and "),
                    Some(format!("{} and {}", tail[0], tail[1])),
                )
            };
            let modal = ["must", "must", "must", "must_not", "should", "may"][rng.usize(0..6)];
            let _ = write!(
                s,
                "\n## § {r} Provision {r}\n\nEN: Paraphrase of provision {r}.\n\nFR: Paraphrase de la disposition {r}.\n\n```passerelle\nrule r{r}: {modal} {{\n  when {cond}\n  text {{ en \"Obligation {r}.\" fr \"Obligation {r}.\" }}\n  intent {{ en \"Intent {r}.\" fr \"Intention {r}.\" }}\n  domain privacy\n  phase before\n  verified 2026-01-01\n}}\n"
            );
            if let Some(u) = unless {
                let _ = write!(
                    s,
                    "\nexception r{r}-unless {{\n  displaces r{r}\n  when {u}\n  because {{ en \"Exception {r}.\" fr \"Exception {r}.\" }}\n  verified 2026-01-01\n}}\n"
                );
            }
            s.push_str("```\n");
        }
        files.push((format!("instruments/instrument-{fi:04}.md"), s));
    }
    files
}

/// Random answers for a model: each fact answered with probability `1 - unknown` (the
/// facts of repeated groups are left out: see [`group_items`]).
pub fn answers(m: &Model, n: usize, seed: u64, unknown: f64) -> Vec<Answers> {
    let mut rng = Rng::with_seed(seed);
    (0..n)
        .map(|_| {
            let mut a = Answers::empty(m);
            for (i, f) in m.facts.iter().enumerate() {
                if f.group.is_some() || rng.f64() < unknown {
                    continue;
                }
                a.facts[i] = Some(value(f, &mut rng));
            }
            a
        })
        .collect()
}

/// A random answer of the fact's type (dates from 2020 to 2026).
pub fn value(f: &Fact, rng: &mut Rng) -> Value {
    let d0 = passerelle_ir::date_to_days(jiff::civil::Date::constant(2020, 1, 1));
    match f.ty {
        FactType::Bool => Value::Bool(rng.bool()),
        FactType::Int => Value::Int(i64::from(rng.u32(0..1000))),
        FactType::Money => Value::Money(i64::from(rng.u32(0..100_000))),
        FactType::Date => Value::Date(passerelle_ir::days_to_date(
            d0 + i64::from(rng.u32(0..2555)),
        )),
        FactType::Text => Value::Text(format!("t{}", rng.u32(0..10))),
        FactType::Enum => {
            Value::Opt(rng.u32(0..u32::try_from(f.options.len().max(1)).unwrap_or(1)))
        }
        FactType::Set => {
            let n = f.options.len().min(63);
            Value::Set(rng.u64(0..(1u64 << n)))
        }
    }
}

/// Random items for a repeated group: fewer than `max_items` of them, each field left
/// unanswered with probability `blank`.
pub fn group_items(
    m: &Model,
    group: &Group,
    rng: &mut Rng,
    max_items: usize,
    blank: f64,
) -> Vec<ItemAnswers> {
    (0..rng.usize(0..max_items.max(1)))
        .map(|_| {
            group
                .fields
                .iter()
                .map(|f| (rng.f64() >= blank).then(|| value(m.fact(*f), rng)))
                .collect()
        })
        .collect()
}

/// Writes generated files under a folder.
pub fn write(dir: &std::path::Path, files: &[(String, String)]) -> std::io::Result<()> {
    for (rel, content) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, content)?;
    }
    Ok(())
}

/// Loads generated files straight into memory (no disk), for benchmarks and tests.
pub fn to_loaded(files: &[(String, String)]) -> crate::LoadedPacks {
    let mut lp = crate::LoadedPacks::default();
    let mut manifest = None;
    let mut mds = Vec::new();
    for (rel, content) in files {
        let name = format!("generated/{rel}");
        // (Copied once, straight into the source map's shared text.)
        if rel == "pack.toml" {
            manifest = Some(lp.map.add(name, content.as_str()));
        } else {
            mds.push(lp.map.add(name, content.as_str()));
        }
    }
    if let Some(m) = manifest {
        lp.inputs.push(passerelle_check::PackInput {
            dir: "generated".to_string(),
            manifest: m,
            files: mds,
        });
        lp.digests.push(String::new());
        lp.dirs.push(std::path::PathBuf::from("generated"));
    }
    lp
}
