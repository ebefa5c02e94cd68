//! The whole checker on one pack made of the input, then compile and evaluate when clean.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_check::{Options, PackInput, check};
use passerelle_diag::SourceMap;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut map = SourceMap::new();
    let manifest = map.add(
        "pack.toml",
        "id = \"f\"\nversion = \"1\"\nlayer = \"gc-wide\"\n[title]\nen = \"F\"\nfr = \"F\"\n",
    );
    let file = map.add("f.md", text.to_string());
    let inputs = [PackInput {
        dir: "f".into(),
        manifest,
        files: vec![file],
    }];
    let checked = check(
        &map,
        &inputs,
        &Options {
            search_lints: true,
            ..Options::default()
        },
    );
    if !checked.diags.has_errors() {
        let program = passerelle_ir::compile(&checked.model);
        let mut ev = passerelle_eval::Evaluator::new(&program);
        let case = passerelle_eval::Case::empty(&program);
        let out = ev.run(&case, 20_000).clone();
        let _ = passerelle_eval::next::Asker::new(&program).next(&case, &out);
    }
});
