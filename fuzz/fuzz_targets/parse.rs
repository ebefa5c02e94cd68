//! Markdown split, lexer and parser, then the formatter on what parsed cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_diag::FileId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut diags = Vec::new();
    let pf = passerelle_syntax::split(FileId(0), text, &mut diags);
    if diags.is_empty() {
        for b in &pf.blocks {
            let _ = passerelle_syntax::fmt::format_body(&b.body, text);
        }
    }
    let mut diags = Vec::new();
    let _ = passerelle_syntax::parse_body(FileId(0), text, 0, &mut diags);
});
