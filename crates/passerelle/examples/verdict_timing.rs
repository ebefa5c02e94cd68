//! Times the steps of `POST /api/v1/evaluate` in-process: body parsing, answers validation,
//! evaluation, verdict build, JSON writing.
//!
//!     cargo run --release -p passerelle --example verdict_timing -- [PACK] [ANSWERS] [N]

use passerelle::{EvalOptions, Pack};
use passerelle_diag::Lang;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pack = args.first().map_or("packs/gc-digital", String::as_str);
    let answers = args
        .get(1)
        .map_or("web/load/research-answers.json", String::as_str);
    let n: u32 = args.get(2).and_then(|x| x.parse().ok()).unwrap_or(2000);
    let pack = match Pack::load(&[PathBuf::from(pack)]) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let body = match std::fs::read(answers) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{answers}: {e}");
            std::process::exit(1);
        }
    };
    let as_of = jiff::civil::date(2026, 11, 1);
    for lang in [Lang::En, Lang::Fr] {
        for explain in [true, false] {
            let opts = EvalOptions { explain };
            let mut t = [0f64; 6];
            let mut size = 0;
            for _ in 0..n {
                let t0 = Instant::now();
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                let t1 = Instant::now();
                let a = passerelle_check::answers::from_json(&pack.model, &v)
                    .unwrap_or_else(|_| passerelle_check::model::Answers::empty(&pack.model));
                let t2 = Instant::now();
                let raw = passerelle::verdict::evaluate_raw(&pack, &a, as_of);
                let t3 = Instant::now();
                let verdict = passerelle::verdict::build(&pack, &a, &raw, as_of, lang, opts);
                let t4 = Instant::now();
                let out = serde_json::to_vec(&verdict).unwrap_or_default();
                let t5 = Instant::now();
                size = out.len();
                black_box(out);
                for (i, d) in [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4]
                    .iter()
                    .enumerate()
                {
                    t[i] += d.as_secs_f64();
                }
                t[5] += (t5 - t0).as_secs_f64();
            }
            let us = |x: f64| x * 1e6 / f64::from(n);
            println!(
                "{lang:?} explain={explain}: parse {:.1} µs, answers {:.1}, eval+next {:.1}, build {:.1}, serialize {:.1}; total {:.1} µs; {size} bytes",
                us(t[0]),
                us(t[1]),
                us(t[2]),
                us(t[3]),
                us(t[4]),
                us(t[5]),
            );
            let a = passerelle_check::answers::from_json(
                &pack.model,
                &serde_json::from_slice(&body).unwrap_or_default(),
            )
            .unwrap_or_else(|_| passerelle_check::model::Answers::empty(&pack.model));
            let mut te = 0f64;
            let mut tw = 0f64;
            let mut size = 0;
            for _ in 0..n {
                let t0 = Instant::now();
                let raw = passerelle::verdict::evaluate_raw(&pack, &a, as_of);
                let t1 = Instant::now();
                let mut out = Vec::with_capacity(size);
                passerelle::verdict_json::write(&pack, &a, &raw, as_of, lang, opts, &mut out);
                let t2 = Instant::now();
                size = out.len();
                black_box(out);
                te += (t1 - t0).as_secs_f64();
                tw += (t2 - t1).as_secs_f64();
            }
            println!(
                "    fast: eval+next {:.1} µs, write {:.1} µs; {size} bytes",
                us(te),
                us(tw)
            );
        }
    }
}
