//! Case-log benchmark: generates situations (English and French) with verdicts recorded
//! under the gc-digital pack, then measures search latency and a full re-check after a pack
//! change.
//!
//! ```text
//! cargo run --release -p passerelle-cases --example cases-bench -- [--n 100000] [--db URL] [--queries 2000]
//! ```
//! Without `--db`, a new SQLite file in the temporary folder (removed afterwards).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmark binary"
)]

use passerelle::Pack;
use passerelle_cases::recheck::{RecheckOptions, recheck};
use passerelle_cases::search::{SearchIndex, SearchQuery};
use passerelle_cases::snapshot::{PackTexts, take};
use passerelle_check::answers::to_json;
use passerelle_diag::Lang;
use passerelle_store::{CaseStatus, Situation, Store};
use std::path::{Path, PathBuf};
use std::time::Instant;

const EN_WORDS: &[&str] = &[
    "usability",
    "testing",
    "participants",
    "privacy",
    "notice",
    "consent",
    "gift",
    "cards",
    "video",
    "recording",
    "cloud",
    "subscription",
    "procurement",
    "contract",
    "hosting",
    "protected",
    "survey",
    "accessibility",
    "translation",
    "analytics",
    "booking",
    "appointment",
    "records",
    "retention",
    "prototype",
    "interviews",
    "vendor",
    "licence",
    "security",
    "assessment",
    "official",
    "languages",
    "website",
    "forms",
    "payments",
    "honorarium",
    "recruitment",
    "scheduling",
    "storage",
    "residency",
];
const FR_WORDS: &[&str] = &[
    "utilisabilité",
    "essais",
    "participants",
    "confidentialité",
    "avis",
    "consentement",
    "cartes-cadeaux",
    "vidéo",
    "enregistrement",
    "nuage",
    "abonnement",
    "approvisionnement",
    "contrat",
    "hébergement",
    "protégés",
    "sondage",
    "accessibilité",
    "traduction",
    "analytique",
    "réservation",
    "rendez-vous",
    "dossiers",
    "conservation",
    "prototype",
    "entrevues",
    "fournisseur",
    "licence",
    "sécurité",
    "évaluation",
    "langues",
    "officielles",
    "formulaires",
    "paiements",
    "honoraires",
    "recrutement",
    "calendrier",
    "stockage",
    "résidence",
    "données",
    "séances",
];
const EN_PROGRAMS: &[&str] = &[
    "passport renewal",
    "benefits application",
    "grant portal",
    "tax filing help",
    "job bank",
    "travel advisories",
    "student loans",
    "small business support",
];
const FR_PROGRAMS: &[&str] = &[
    "renouvellement de passeport",
    "demande de prestations",
    "portail de subventions",
    "aide à la déclaration",
    "guichet emplois",
    "conseils aux voyageurs",
    "prêts étudiants",
    "soutien aux petites entreprises",
];

struct Rng(fastrand::Rng);

impl Rng {
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.0.usize(0..v.len())]
    }
    fn words(&mut self, v: &[&str], n: usize) -> String {
        (0..n).map(|_| self.pick(v)).collect::<Vec<_>>().join(" ")
    }
}

fn narrative(r: &mut Rng, fr: bool) -> (String, String) {
    let (words, programs) = if fr {
        (FR_WORDS, FR_PROGRAMS)
    } else {
        (EN_WORDS, EN_PROGRAMS)
    };
    let program = r.pick(programs);
    let title = if fr {
        format!("{} pour le {}", capital(&r.words(words, 3)), program)
    } else {
        format!("{} for the {}", capital(&r.words(words, 3)), program)
    };
    let mut body = Vec::new();
    for _ in 0..r.0.usize(3..6) {
        let s = if fr {
            format!(
                "L'équipe prévoit {} avec {} et {}.",
                r.words(words, 2),
                r.words(words, 2),
                r.words(words, 1)
            )
        } else {
            format!(
                "The team plans {} with {} and {}.",
                r.words(words, 2),
                r.words(words, 2),
                r.words(words, 1)
            )
        };
        body.push(s);
    }
    (title, body.join(" "))
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// gc-digital with a rule reworded and another narrowed: a typical small amendment.
fn changed(pack_dir: &Path) -> Pack {
    let dir = std::env::temp_dir().join(format!("passerelle-bench-pack-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(pack_dir, &dir);
    let f = dir.join("privacy-act.md");
    let text = std::fs::read_to_string(&f).unwrap();
    let text = text.replacen(
        "en \"Tell each participant why you are collecting their information,",
        "en \"Before collecting anything, tell each participant why you are collecting their information,",
        1,
    );
    let text = text.replacen(
        "rule collect-only-what-you-need: must {\n  when researching and personal_info\n",
        "rule collect-only-what-you-need: must {\n  when researching and personal_info and false\n",
        1,
    );
    std::fs::write(&f, text).unwrap();
    let toml = dir.join("pack.toml");
    let m = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, m.replacen("version = \"", "version = \"9.", 1)).unwrap();
    let p = Pack::load(std::slice::from_ref(&dir)).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    p
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let n: usize = arg("--n").and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let queries: usize = arg("--queries")
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let pack_dir: PathBuf = root.join("packs/gc-digital");
    let temp =
        std::env::temp_dir().join(format!("passerelle-cases-bench-{}.db", std::process::id()));
    let url = arg("--db").unwrap_or_else(|| format!("sqlite://{}?mode=rwc", temp.display()));
    let store = Store::open(&url).await.unwrap();
    println!(
        "case-log benchmark: {n} situations, backend {}",
        store.backend()
    );
    let cores = std::thread::available_parallelism()
        .map(|x| x.get())
        .unwrap_or(1);
    println!("machine: {cores} cores");

    let pack = Pack::load(std::slice::from_ref(&pack_dir)).unwrap_or_else(|e| panic!("{e}"));
    let texts = PackTexts::new(&pack);
    store.put_rule_texts(&texts.all()).await.unwrap();
    let as_of = jiff::civil::date(2026, 12, 1);

    // Generate and write.
    let existing = store.count_situations().await.unwrap() as usize;
    if existing < n {
        let t = Instant::now();
        let answers = passerelle::generate::answers(&pack.model, n - existing, 7, 0.2);
        let mut rng = Rng(fastrand::Rng::with_seed(11));
        let mut batch = Vec::with_capacity(2_000);
        let statuses = CaseStatus::ALL;
        for (i, a) in answers.iter().enumerate() {
            let fr = i % 2 == 1;
            let (title, narrative) = narrative(&mut rng, fr);
            let (advice_en, advice_fr) = if fr {
                (String::new(), narrative.clone())
            } else {
                (narrative.clone(), String::new())
            };
            let day = 1 + rng.0.u32(0..28);
            batch.push(Situation {
                id: format!("gen-{:07}", existing + i),
                title,
                narrative,
                lang: if fr { "fr".into() } else { "en".into() },
                domains: vec![
                    rng.pick(&[
                        "privacy",
                        "procurement",
                        "security",
                        "official-languages",
                        "accessibility",
                    ])
                    .into(),
                ],
                journey: None,
                answers: to_json(&pack.model, a),
                pack: pack.top().0.to_string(),
                verdict: take(&pack, &texts, a, as_of),
                advice_en,
                advice_fr,
                consulted: vec![],
                status: statuses[rng.0.usize(0..statuses.len())],
                rules: vec![],
                myths: vec![],
                checked: texts.stamps.clone(),
                review: None,
                created_by: "bench".into(),
                created_at: format!("2026-10-{day:02}T10:00:00Z"),
                updated_by: "bench".into(),
                updated_at: format!("2026-10-{day:02}T10:00:00Z"),
                revision: 1,
            });
            if batch.len() == 2_000 {
                store.create_situations(&batch, "create").await.unwrap();
                batch.clear();
            }
        }
        store.create_situations(&batch, "create").await.unwrap();
        println!(
            "generated and stored {} situations in {:.1} s",
            n - existing,
            t.elapsed().as_secs_f64()
        );
    }

    // Reading every situation back (what index building and re-checks start with).
    let t = Instant::now();
    let mut after = String::new();
    let mut read = 0;
    loop {
        let page = store.situations_after(&after, 2_000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.id.clone();
        read += page.len();
    }
    println!(
        "read every situation back from the database: {read} in {:.2} s",
        t.elapsed().as_secs_f64()
    );

    // Index.
    let t = Instant::now();
    let index = SearchIndex::build(&store).await.unwrap();
    println!(
        "search index built from the database: {} situations in {:.2} s",
        index.len(),
        t.elapsed().as_secs_f64()
    );

    // Search.
    let mut rng = Rng(fastrand::Rng::with_seed(3));
    let mut lat = Vec::with_capacity(queries);
    let mut hits = 0usize;
    for i in 0..queries {
        let words = if i % 2 == 0 { EN_WORDS } else { FR_WORDS };
        let k = 1 + rng.0.usize(0..3);
        let mut text = rng.words(words, k);
        if i % 3 == 0 {
            // Typed without accents.
            text = text
                .chars()
                .map(|c| match c {
                    'é' | 'è' | 'ê' => 'e',
                    'à' => 'a',
                    _ => c,
                })
                .collect();
        }
        let q = SearchQuery {
            text,
            statuses: if i % 4 == 0 {
                vec![CaseStatus::Published]
            } else {
                vec![]
            },
            domains: if i % 10 == 0 {
                vec!["privacy".into()]
            } else {
                vec![]
            },
            limit: 20,
            ..SearchQuery::default()
        };
        let t = Instant::now();
        let r = index.search(&q).unwrap();
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        hits += r.total;
    }
    let mean = lat.iter().sum::<f64>() / lat.len() as f64;
    println!(
        "search ({queries} queries, 1–3 words EN/FR, some filtered, top 20): mean {:.2} ms, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms (mean matches {})",
        mean,
        pct(&mut lat, 0.50),
        pct(&mut lat, 0.95),
        pct(&mut lat, 0.99),
        pct(&mut lat, 1.0),
        hits / queries.max(1)
    );
    let mut rel = Vec::new();
    for i in 0..200 {
        let rules: Vec<String> = pack
            .model
            .rules
            .iter()
            .skip(i % 40)
            .take(6)
            .map(|r| r.id.clone())
            .collect();
        let t = Instant::now();
        let _ = index
            .related(&rules, &[CaseStatus::Published], None, 5)
            .unwrap();
        rel.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "others in your situation (6 rules, published, top 5): p50 {:.2} ms, p95 {:.2} ms",
        pct(&mut rel, 0.5),
        pct(&mut rel, 0.95)
    );

    // Re-check after a pack change.
    let changed = changed(&pack_dir);
    let new_texts = PackTexts::new(&changed);
    let t = Instant::now();
    let sum = recheck(
        &store,
        &changed,
        &new_texts,
        &RecheckOptions {
            as_of,
            force: false,
            at: "2026-12-01T00:00:00Z".into(),
            actor: "system:bench".into(),
        },
    )
    .await
    .unwrap();
    println!(
        "re-check after a pack change: {} situations in {:.2} s ({} flagged for review)",
        sum.total,
        t.elapsed().as_secs_f64(),
        sum.flagged
    );
    println!(
        "  of which reading {:.2} s, evaluating and comparing {:.2} s, writing {:.2} s",
        sum.read_millis as f64 / 1000.0,
        sum.eval_millis as f64 / 1000.0,
        sum.write_millis as f64 / 1000.0
    );
    print!("{}", sum.describe(Lang::En));
    store.close().await;
    if arg("--db").is_none() {
        for s in ["", "-wal", "-shm"] {
            let mut p = temp.clone().into_os_string();
            p.push(s);
            let _ = std::fs::remove_file(p);
        }
    }
}
