//! Answer validation on arbitrary JSON against a fixed model.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_check::{Options, PackInput, check};
use passerelle_diag::SourceMap;

const PACK: &str = r#"+++
id = "act"
kind = "act"
owner = "o"
effective_from = 2020-01-01
[title]
en = "A"
fr = "A"
[source]
en = "https://example.invalid/en"
fr = "https://example.invalid/fr"
+++

## § 1 Duty

EN: Paraphrase.

FR: Paraphrase.

```passerelle
contact o {
  role privacy
  name { en "O" fr "O" }
  ask { en "Ask." fr "Demandez." }
}
fact a: bool {
  question { en "A?" fr "A ?" }
  help { en "H." fr "A." }
}
fact n: money {
  question { en "N?" fr "N ?" }
  help { en "H." fr "A." }
}
fact d: date {
  question { en "D?" fr "D ?" }
  help { en "H." fr "A." }
}
fact s: set {
  question { en "S?" fr "S ?" }
  help { en "H." fr "A." }
  option x { en "X" fr "X" }
  option y { en "Y" fr "Y" }
}
group g {
  question { en "G?" fr "G ?" }
  help { en "H." fr "A." }
  fact k: enum {
    question { en "K?" fr "K ?" }
    help { en "H." fr "A." }
    option u { en "U" fr "U" }
  }
}
rule r: must {
  when a and n > $5 and d > 2024-01-01 and s contains x and any(i in g: i.k == u)
  text { en "Do." fr "Faites." }
  intent { en "Why." fr "Pourquoi." }
  domain privacy
  phase before
  verified 2026-01-01
}
```
"#;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let mut map = SourceMap::new();
    let manifest = map.add(
        "pack.toml",
        "id = \"f\"\nversion = \"1\"\nlayer = \"gc-wide\"\n[title]\nen = \"F\"\nfr = \"F\"\n",
    );
    let file = map.add("f.md", PACK);
    let checked = check(&map, &[PackInput { dir: "f".into(), manifest, files: vec![file] }], &Options::default());
    if let Ok(a) = passerelle_check::answers::from_json(&checked.model, &v) {
        let program = passerelle_ir::compile(&checked.model);
        let case = passerelle_eval::Case::from_answers(&program, &checked.model, &a);
        let _ = passerelle_eval::Evaluator::new(&program).run(&case, 20_000);
    }
});
