//! Text normalisation, lookup keys and fingerprints.
//!
//! Everything that decides whether two official texts are "the same" lives here, so
//! that the rules are in one place (see the crate documentation for the contract).

use std::borrow::Cow;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::Language;

/// Characters that are spaces for our purposes but not ASCII space: no-break space
/// (U+00A0), figure space (U+2007), narrow no-break space (U+202F, French typography).
fn is_nbsp(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// Invisible characters dropped outright: zero-width space/joiners, word joiner,
/// byte-order mark, soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
    )
}

/// Collapses every run of whitespace (including no-break spaces) into one ASCII space,
/// drops invisible characters and trims both ends.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() || is_nbsp(c) {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// Characters that Latin-1 mojibake in these sources decodes to: Latin-1 supplement and
/// Latin Extended-A (accented letters, `œ`, no-break space, guillemets), general
/// punctuation (curly quotes, dashes, non-breaking hyphen), `€` and `™`. Restricting the
/// repair to these keeps genuine French text such as `é\u{a0}»` (which happens to be
/// valid UTF-8 for a CJK ideograph once re-encoded) untouched.
fn plausible_mojibake_target(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{17f}' | '\u{2000}'..='\u{206f}' | '\u{20ac}' | '\u{2122}')
}

/// Reverses UTF-8 text that was decoded as Latin-1 somewhere upstream ("mojibake"):
/// `Ã©` becomes `é`, `â\u{80}\u{99}` becomes `’` and `Â\u{a0}` becomes a no-break
/// space. A sequence is only rewritten when it forms a valid UTF-8 encoding of one
/// character, which French or English prose never does by accident. A lone `Â`
/// followed by an ordinary space (the artefact after a no-break space was turned into a
/// space) is dropped.
pub(crate) fn repair_mojibake(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| ('\u{c2}'..='\u{f4}').contains(&c)) {
        return Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let code = u32::from(c);
        if (0xC2..=0xF4).contains(&code) {
            let len = if code < 0xE0 {
                2
            } else if code < 0xF0 {
                3
            } else {
                4
            };
            let mut bytes = Vec::with_capacity(4);
            // `code` is at most 0xF4 here, so the conversion cannot fail.
            bytes.push(u8::try_from(code).unwrap_or(0));
            for k in 1..len {
                match chars.get(i + k) {
                    Some(&n) if ('\u{80}'..='\u{bf}').contains(&n) => {
                        bytes.push(u8::try_from(u32::from(n)).unwrap_or(0));
                    }
                    _ => break,
                }
            }
            if bytes.len() == len
                && let Ok(decoded) = std::str::from_utf8(&bytes)
                && decoded.chars().all(plausible_mojibake_target)
            {
                out.push_str(decoded);
                i += len;
                continue;
            }
            if c == 'Â' && chars.get(i + 1) == Some(&' ') {
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    Cow::Owned(out)
}

/// Removes the spaces that pretty-printed markup leaves around punctuation
/// (`<em>Act</em>\n  .` would otherwise read "Act ."). English removes the space before
/// `, . ; : ! ? ) ]`; French keeps it before `; : ! ?` (French typography).
/// Both remove the space after `(` and `[`.
pub(crate) fn tidy_punctuation(s: &str, lang: Language) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next = chars.get(i + 1).copied();
            let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
            let before_punct = match next {
                Some(',' | '.' | ')' | ']') => true,
                Some(';' | ':' | '!' | '?') => lang == Language::En,
                _ => false,
            };
            if before_punct || matches!(prev, Some('(' | '[')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The text a fingerprint is computed over: the normalised provision text with
/// typographic variants folded (curly quotes and apostrophes to ASCII, the hyphen
/// variants U+2010 to U+2013 to `-`), so that a typographic clean-up upstream is not
/// reported as a change of wording. Whitespace is collapsed again in case the input did
/// not come from this crate.
pub fn fingerprint_input(text: &str) -> String {
    let folded: String = text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => '-',
            other => other,
        })
        .collect();
    collapse_whitespace(&folded)
}

/// `"sha256:<64 lowercase hex digits>"` of [`fingerprint_input`]`(text)`.
///
/// Use this to fingerprint a text kept elsewhere (for example the text recorded in a
/// rule pack) with exactly the rules [`crate::Provision::fingerprint`] uses.
pub fn fingerprint_text(text: &str) -> String {
    let digest = Sha256::digest(fingerprint_input(text).as_bytes());
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in digest {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Maps a section reference (as written by a user or as labelled in a document) to the
/// key used for forgiving lookups: lower case, typographic quotes folded, commas treated
/// as spaces, whitespace collapsed, no space next to `(`, `)` or `"`, and the French
/// words for structural units mapped to the English ones (`annexe` → `schedule`,
/// `partie` → `part`, `article` → `item`, `préambule` → `preamble`, `section` →
/// `division`, since French Acts call divisions "sections").
pub(crate) fn fold_key(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            '\u{201c}' | '\u{201d}' | '\u{ab}' | '\u{bb}' | '\u{201e}' => '"',
            '\u{2018}' | '\u{2019}' => '\'',
            ',' => ' ',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect();
    let collapsed = collapse_whitespace(&mapped);
    let words: Vec<&str> = collapsed
        .split(' ')
        .map(|w| match w {
            "annexe" => "schedule",
            "partie" => "part",
            "article" => "item",
            "préambule" | "preambule" => "preamble",
            "section" => "division",
            other => other,
        })
        .collect();
    let joined = words.join(" ");
    let chars: Vec<char> = joined.chars().collect();
    let mut spaced = String::with_capacity(joined.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next = chars.get(i + 1).copied();
            let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
            if matches!(next, Some('(' | ')' | '"')) || matches!(prev, Some('(' | ')' | '"')) {
                continue;
            }
        }
        spaced.push(c);
    }
    open_french_labels(&spaced)
}

/// French Acts write paragraph labels with a closing parenthesis only (`8(2)a)`, "alinéa
/// 8(2)a)"); English ones with both (`8(2)(a)`). Outside quoted terms, a label that is
/// closed but not opened gets its opening parenthesis, so either form finds either.
fn open_french_labels(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    let mut in_quotes = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        let is_label_char = |c: char| c.is_alphanumeric() || c == '.';
        if !in_quotes && is_label_char(c) {
            let start = i;
            while chars.get(i).is_some_and(|&c| is_label_char(c)) {
                i += 1;
            }
            let opened = start
                .checked_sub(1)
                .and_then(|p| chars.get(p))
                .is_some_and(|&p| p == '(');
            let closes = chars.get(i) == Some(&')');
            // A run directly after a digit or `)` and closed by `)` is a label: `8(2)a)`.
            let after_label = start
                .checked_sub(1)
                .and_then(|p| chars.get(p))
                .is_none_or(|&p| p == ')' || p.is_ascii_digit() || p == ' ');
            let run = chars.get(start..i).unwrap_or(&[]);
            if closes && !opened && after_label {
                // `6a.1)`: the section number runs into the label; split before the letter.
                let split = if run.first().is_some_and(char::is_ascii_digit) {
                    run.iter().position(|c| c.is_alphabetic()).unwrap_or(0)
                } else {
                    0
                };
                out.extend(run.get(..split).unwrap_or(&[]));
                out.push('(');
                out.extend(run.get(split..).unwrap_or(&[]));
            } else {
                out.extend(run);
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Extracts the last `YYYY-MM-DD` found in the file-name part of a path hint.
pub(crate) fn date_in_file_name(path_hint: &str) -> Option<String> {
    let name = path_hint.rsplit(['/', '\\']).next().unwrap_or(path_hint);
    let chars: Vec<char> = name.chars().collect();
    let mut found = None;
    for start in 0..chars.len() {
        let Some(window) = chars.get(start..start + 10) else {
            break;
        };
        let shape_ok = window.iter().enumerate().all(|(k, c)| {
            if k == 4 || k == 7 {
                *c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
        let bounded = start
            .checked_sub(1)
            .and_then(|p| chars.get(p))
            .is_none_or(|c| !c.is_ascii_digit())
            && chars.get(start + 10).is_none_or(|c| !c.is_ascii_digit());
        if shape_ok && bounded {
            found = Some(window.iter().collect());
        }
    }
    found
}

/// Formats year, month and day strings (as found in Justice Laws `<Date>` elements) as
/// `YYYY-MM-DD`, or `None` if they are not numbers in range.
pub(crate) fn iso_date(year: &str, month: &str, day: &str) -> Option<String> {
    let y: u32 = year.trim().parse().ok()?;
    let m: u32 = month.trim().parse().ok()?;
    let d: u32 = day.trim().parse().ok()?;
    if !(1000..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_and_trims() {
        assert_eq!(collapse_whitespace("  a \n\t b\u{a0}\u{a0}c  "), "a b c");
        assert_eq!(
            collapse_whitespace("soft\u{ad}hyphen\u{200b}"),
            "softhyphen"
        );
        assert_eq!(collapse_whitespace(""), "");
    }

    #[test]
    fn repairs_latin1_mojibake() {
        assert_eq!(repair_mojibake("paragraphÂ\u{a0}71"), "paragraph\u{a0}71");
        assert_eq!(repair_mojibake("catÃ©gories"), "catégories");
        assert_eq!(
            repair_mojibake("institutionâ\u{80}\u{99}s"),
            "institution’s"
        );
        assert_eq!(repair_mojibake("MÃ©tis Ã\u{a0} la"), "Métis à la");
        assert_eq!(
            repair_mojibake("contracts areÂ awarded"),
            "contracts are awarded"
        );
        // Genuine text is left alone.
        assert_eq!(
            repair_mojibake("Ministère de l’Économie"),
            "Ministère de l’Économie"
        );
        assert_eq!(repair_mojibake("Â"), "Â");
        assert_eq!(repair_mojibake("société\u{a0}»"), "société\u{a0}»");
        assert_eq!(repair_mojibake("ÉTAT\u{a0}É\u{a0}"), "ÉTAT\u{a0}É\u{a0}");
        assert_eq!(repair_mojibake("plain"), "plain");
    }

    #[test]
    fn tidies_punctuation_by_language() {
        assert_eq!(
            tidy_punctuation("the Act ( the Regulations ) ; see 3 .", Language::En),
            "the Act (the Regulations); see 3."
        );
        assert_eq!(
            tidy_punctuation("la Loi ( voir ) ; et : fin .", Language::Fr),
            "la Loi (voir) ; et : fin."
        );
    }

    #[test]
    fn fingerprint_ignores_typography_but_not_words() {
        let a = fingerprint_text("the institution’s “notice”");
        let b = fingerprint_text("the  institution's \"notice\"");
        let c = fingerprint_text("the institution's \"notices\"");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.starts_with("sha256:"));
        assert_eq!(a.len(), 7 + 64);
        // Known vector: SHA-256 of the empty string.
        assert_eq!(
            fingerprint_text("   "),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn folds_lookup_keys() {
        assert_eq!(fold_key(" 5 (2) "), "5(2)");
        assert_eq!(fold_key("8(2)( a )"), "8(2)(a)");
        assert_eq!(fold_key("SCHEDULE I, item 3"), "schedule i item 3");
        assert_eq!(fold_key("ANNEXE I, article 3"), "schedule i item 3");
        assert_eq!(fold_key("PARTIE IV"), "part iv");
        assert_eq!(
            fold_key("3 « Personal  Information »"),
            "3\"personal information\""
        );
        assert_eq!(fold_key("c.2.2.9.3"), "c.2.2.9.3");
        assert_eq!(fold_key("8(2)a)"), "8(2)(a)");
        assert_eq!(fold_key("8(2)a)(i)"), "8(2)(a)(i)");
        assert_eq!(fold_key("6a.1)"), "6(a.1)");
        assert_eq!(fold_key("a)"), "(a)");
        assert_eq!(
            fold_key("3 \"personal information (b)\""),
            "3\"personal information(b)\""
        );
    }

    #[test]
    fn finds_dates_in_file_names() {
        assert_eq!(
            date_in_file_name("tbs/Privacy_Practices__Directive_on_18309_2024-11-08.xml"),
            Some("2024-11-08".to_owned())
        );
        assert_eq!(
            date_in_file_name("laws/history/P-21.eng.2024-10-24.xml"),
            Some("2024-10-24".to_owned())
        );
        assert_eq!(date_in_file_name("laws/eng/P-21.xml"), None);
        assert_eq!(date_in_file_name("x12024-11-08.xml"), None);
        assert_eq!(iso_date(" 2026", "3", "3 "), Some("2026-03-03".to_owned()));
        assert_eq!(iso_date("2026", "13", "3"), None);
    }
}
