//! Screening free text for personal information before a situation enters the case log.
//!
//! A situation (title, narrative, advice, in English and/or French) is screened before it is
//! saved. Every [`Finding`] carries exact byte offsets into the original text, so the person
//! who wrote it can see each one highlighted and choose to remove it ([`remove`]) or to confirm
//! that it may stay.
//!
//! # What is detected
//!
//! | [`Kind`] | Shapes recognised |
//! |---|---|
//! | [`Kind::Email`] | `local@domain.tld` (Latin-1 letters allowed, so `élise@exemple.québec`) |
//! | [`Kind::Phone`] | NANP numbers with a plausible area code and exchange (both start 2–9): `613-555-0199`, `(613) 555-0199`, `613.555.0199`, `613 555-0199`, `6135550199`, `+1 613 555 0199`, `1-800-622-6232`; seven-digit local numbers written with a hyphen (`555-0199`); international numbers written with a leading `+` and 8 to 15 digits (`+44 20 7946 0958`, `+33 1 23 45 67 89`); an extension (`ext. 12`, `extension 12`, `x12`, `poste 12`) is part of the finding |
//! | [`Kind::Sin`] | nine digits grouped 3-3-3 (spaces, hyphens or nothing) whose Luhn check digit is valid and whose first digit is not 0 or 8 (never issued to people) |
//! | [`Kind::PostalCode`] | `A1A 1A1`, with or without the space, any case; the first letter is never D F I O Q U W Z and the others never D F I O Q U |
//! | [`Kind::StreetAddress`] | a civic number (optionally `220A`, `4-220`, or a unit designator before or after: `Unit 4, 220 King St W`, `350 Albert Street, Apt. 1202`, `app. 4, 55 chemin du Lac`) with an English street name *then* type (`45 Elgin St.`, `1600 Pennsylvania Ave NW`, `500 Highway 7 East`) or a French type *then* name (`123, rue Principale`, `1010 boul. René-Lévesque Ouest`, `1234, route 138`); post office boxes (`PO Box 123`, `P.O. Box 58, Station A`, `C.P. 1234, succursale B`, `case postale 310`) |
//!
//! The span of a street address runs from the unit designator or civic number to the street
//! type, name and direction (and a unit designator written right after it). The city,
//! province and postal code are not part of it; the postal code is its own finding.
//!
//! # Why regular expressions
//!
//! The screen runs on every save, in the web service and the CLI, offline, on short texts in
//! two languages, and its answers must be explainable to the person who sees them ("this looks
//! like a phone number"). The five kinds are *shapes* with public definitions (the NANP, the
//! SIN check digit, Canada Post's formats), so patterns plus a few checks that a pattern cannot
//! express (check digit, the words before a number, money and thousands separators) do the job
//! with no model to ship or update. Each pattern is compiled once ([`LazyLock`]); the `regex`
//! crate guarantees time linear in the input, and every scan restarts at most once per rejected
//! match of bounded length, so screening stays linear in practice. A text without `@` skips the
//! e-mail pattern and a text without digits skips all the others; in a release build, text full
//! of numbers screens at about 1 MB/s (half a millisecond for a one-page narrative).
//!
//! # Avoiding false alarms
//!
//! Policy texts are full of numbers. These are *not* findings: money (`$50`, `50 $`,
//! `1 000 000 $`, `125 000 000 $`), dates and times, citations (`section 6.2.3`, `s. 4(1)`,
//! `art. 10`, `Appendix C`, requirement `4.4.2.4`), versions, counts (`100 000 situations`),
//! years, form and file numbers, URLs, numbers grouped like a SIN whose check digit fails, and
//! numbers shaped like a phone or a SIN right after a word that names some other identifier
//! (`file`, `dossier`, `ID`, `code`, `invoice`, `contract`, `ticket`, `référence`…, also as
//! `file number …` or `code d'activité …`). A year followed by a street-like phrase is not an
//! address after a word of time (`In 2025 Place du Portage hosted…`) or before an ambiguous type
//! (`the 2019 Federal Court decision`). A capitalised street phrase without a civic number
//! (`the Queen Street office`, `8 participants on Main Street`) is not an address.
//!
//! # Known limits
//!
//! * Names of people, dates of birth, health or financial details, account numbers and IP
//!   addresses are not detected: they have no reliable shape. IP addresses are personal
//!   information in some contexts, but in case narratives they are almost always about
//!   servers; the person reviewing the text remains responsible for it.
//! * Obfuscated e-mail addresses (`jean at exemple dot ca`) and numbers spelled out in words
//!   are not detected.
//! * English street names must be capitalised, except one lower-case word before `street`,
//!   `avenue`, `boulevard` or `crescent` (`19 birch street`); French names must be capitalised
//!   except one word after `rue`, `avenue`, `boulevard` or `chemin` (`19 rue principale`).
//!   Street types and unit designators outside the lists in this module, rural routes and
//!   addresses written without a civic number are missed.
//! * A count written in digits before a street name used as a modifier looks exactly like an
//!   address (`our 3 Main Street pilots`) and is reported; write `three` or rephrase.
//! * A nine-digit number with a valid check digit is reported as a SIN unless its context says
//!   otherwise (an identifier word before it, money, a round figure such as `125 000 000`);
//!   one in ten random nine-digit numbers passes the check. Business numbers use the
//!   same check digit: with the program suffix (`123456782 RT0001`) or after `BN`/`NE` they are
//!   not reported.
//! * The screen finds contact details whether they belong to a person or to an office (a
//!   department's toll-free number, `info@exemple.ca`): it cannot tell, so the person confirms.
//!
//! The labelled set `tests/data/pi-labelled.jsonl` measures all this ([`eval::score`]); run
//! `cargo run -p passerelle-cases --example screening-report` to print the figures.

use regex::{Captures, Regex};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// What a [`Finding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An e-mail address.
    Email,
    /// A telephone number (North American or international).
    Phone,
    /// A Social Insurance Number with a valid check digit.
    Sin,
    /// A Canadian postal code.
    PostalCode,
    /// A street address or a post office box.
    StreetAddress,
}

impl Kind {
    /// Every kind, in the order of the reports.
    pub const ALL: [Kind; 5] = [
        Kind::Email,
        Kind::Phone,
        Kind::Sin,
        Kind::PostalCode,
        Kind::StreetAddress,
    ];

    /// The name a person reads: French when `lang` starts with `fr`, English otherwise.
    pub fn label(self, lang: &str) -> &'static str {
        let french = lang.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("fr"));
        match (self, french) {
            (Kind::Email, false) => "e-mail address",
            (Kind::Email, true) => "adresse courriel",
            (Kind::Phone, false) => "phone number",
            (Kind::Phone, true) => "numéro de téléphone",
            (Kind::Sin, false) => "Social Insurance Number",
            (Kind::Sin, true) => "numéro d'assurance sociale",
            (Kind::PostalCode, false) => "postal code",
            (Kind::PostalCode, true) => "code postal",
            (Kind::StreetAddress, false) => "street address",
            (Kind::StreetAddress, true) => "adresse municipale",
        }
    }

    /// The identifier used in JSON (`email`, `phone`, `sin`, `postal_code`, `street_address`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Sin => "sin",
            Kind::PostalCode => "postal_code",
            Kind::StreetAddress => "street_address",
        }
    }

    /// When two candidates overlap, the lower rank wins: the more specific shape.
    fn rank(self) -> u8 {
        match self {
            Kind::Email => 0,
            Kind::Sin => 1,
            Kind::Phone => 2,
            Kind::PostalCode => 3,
            Kind::StreetAddress => 4,
        }
    }
}

/// One piece of personal information found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    /// What it looks like.
    pub kind: Kind,
    /// Byte offset of the first byte, on a char boundary.
    pub start: usize,
    /// Byte offset one past the last byte, on a char boundary.
    pub end: usize,
    /// `&text[start..end]`, for display and for checking that the text has not changed.
    pub text: String,
}

/// A [`Finding`] in one of several named fields (title, narrative, advice…).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldFinding {
    /// The field's name as given to [`screen_fields`].
    pub field: String,
    /// The finding; its offsets are into that field's text.
    #[serde(flatten)]
    pub finding: Finding,
}

/// What [`remove`] puts in place of a finding.
pub const REMOVED: &str = "[…]";

/// Screens `text` and returns its findings, sorted by start and never overlapping.
///
/// When two candidates overlap, the more specific kind wins (e-mail, then SIN, then phone,
/// then postal code, then street address), then the longer one. Never panics; time is linear
/// in the length of `text`.
pub fn screen(text: &str) -> Vec<Finding> {
    let mut cands = Vec::new();
    if text.contains('@') {
        scan(&EMAIL, text, Kind::Email, accept_email, &mut cands);
    }
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    if digits >= 7 {
        scan(&SIN, text, Kind::Sin, accept_sin, &mut cands);
        scan(&NANP, text, Kind::Phone, accept_nanp, &mut cands);
        scan(&LOCAL, text, Kind::Phone, accept_local, &mut cands);
        scan(&INTL, text, Kind::Phone, accept_intl, &mut cands);
    }
    if digits >= 1 {
        scan(
            &POSTAL,
            text,
            Kind::PostalCode,
            |_, s, e| Some((s, e)),
            &mut cands,
        );
        for re in [
            &*ADDR_EN,
            &*ADDR_EN_LOWER,
            &*ADDR_EN_HIGHWAY,
            &*ADDR_FR,
            &*ADDR_FR_LOWER,
        ] {
            scan_captures(re, text, accept_address, &mut cands);
        }
        scan_captures(
            &PO_BOX,
            text,
            |_, c| c.get(0).map(|m| (m.start(), m.end())),
            &mut cands,
        );
    }
    resolve(text, cands)
}

/// Screens several named fields at once: the findings of each field in turn, in the order
/// of `fields`.
pub fn screen_fields(fields: &[(&str, &str)]) -> Vec<FieldFinding> {
    fields
        .iter()
        .flat_map(|&(field, text)| {
            screen(text).into_iter().map(move |finding| FieldFinding {
                field: field.to_owned(),
                finding,
            })
        })
        .collect()
}

/// Replaces each finding with [`REMOVED`] (`[…]`), for a person who chose "remove".
///
/// Every occurrence of a finding's text is replaced, not only the one at its span, so a
/// number detected once and repeated elsewhere in a form the screen did not recognise (glued
/// to a word, say) goes too. Findings whose span does not fit `text` are still honoured
/// through their text. Overlapping replacements merge into one `[…]`. Time is proportional to
/// the length of `text` times the number of distinct finding texts.
pub fn remove(text: &str, findings: &[Finding]) -> String {
    let mut cuts: Vec<(usize, usize)> = findings
        .iter()
        .filter(|f| {
            f.start < f.end
                && f.end <= text.len()
                && text.is_char_boundary(f.start)
                && text.is_char_boundary(f.end)
        })
        .map(|f| (f.start, f.end))
        .collect();
    let mut texts: Vec<&str> = findings
        .iter()
        .map(|f| f.text.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    texts.sort_unstable();
    texts.dedup();
    for t in texts {
        cuts.extend(text.match_indices(t).map(|(i, m)| (i, i + m.len())));
    }
    cuts.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut iter = cuts.into_iter().peekable();
    while let Some((start, mut end)) = iter.next() {
        while let Some(&(s, e)) = iter.peek() {
            if s < end {
                end = end.max(e);
                iter.next();
            } else {
                break;
            }
        }
        if start < at {
            // Cannot happen after merging; skip rather than slice backwards.
            continue;
        }
        out.push_str(text.get(at..start).unwrap_or_default());
        out.push_str(REMOVED);
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

// ---------------------------------------------------------------------------------------------
// Patterns. Fragments are macros so that `concat!` builds each pattern at compile time.

/// Horizontal space: space, tab, no-break space, narrow no-break space (French typography).
macro_rules! hs {
    () => {
        r"[ \t\x{A0}\x{202F}]"
    };
}
/// Upper-case letters of French and English names.
macro_rules! upper {
    () => {
        "A-ZÀ-ÖØ-ÞŒ"
    };
}
/// Letters of French and English names and e-mail addresses.
macro_rules! letter {
    () => {
        "A-Za-zÀ-ÖØ-öø-ÿŒœ"
    };
}
/// A phone extension, part of the phone finding.
macro_rules! ext {
    () => {
        concat!(
            r"(?:,?",
            hs!(),
            r"{0,2}(?i:ext\.?|extension|poste|x)",
            hs!(),
            r"{0,2}[0-9]{1,6})?"
        )
    };
}
/// A unit designator with its number.
macro_rules! unit_word {
    () => {
        r"(?i:unit|suite|apt\.?|apartment|app\.?|appartement|bureau|local|unité|pièce|room|rm\.?)"
    };
}
/// A unit designator before the civic number: `Unit 4, `, `app. 4, `.
macro_rules! unit_before {
    () => {
        concat!(
            r"(?P<unit>",
            unit_word!(),
            hs!(),
            r"{0,2}\#?(?:[0-9]{1,5}[A-Za-z]?|[A-Za-z][0-9]{0,4})(?:-[0-9A-Za-z]{1,5})?,?",
            hs!(),
            r"{1,2})?"
        )
    };
}
/// A unit designator after the street: `, Suite 300`, `, bureau 1500`.
macro_rules! unit_after {
    () => {
        concat!(
            r"(?:,?",
            hs!(),
            r"{1,2}(?:",
            unit_word!(),
            r"|\#)",
            hs!(),
            r"{0,2}\#?(?:[0-9]{1,5}[A-Za-z]?|[A-Za-z][0-9]{0,4})(?:-[0-9A-Za-z]{1,5})?\b)?"
        )
    };
}
/// The civic number: `220`, `220A`, `4-220`.
macro_rules! civic {
    () => {
        r"(?P<civic>[0-9]{1,6}[A-Za-z]?(?:-[0-9]{1,6}[A-Za-z]?)?)"
    };
}
/// An English direction after the street type.
macro_rules! dir_en {
    () => {
        concat!(
            r"(?:",
            hs!(),
            r"{1,2}(?:North|South|East|West|NE|NW|SE|SW|N|S|E|W)\b\.?)?"
        )
    };
}
/// A capitalised word of a street name (`Elgin`, `St.`, `O'Connor`, `René-Lévesque`).
macro_rules! name_word {
    () => {
        concat!(
            "[",
            upper!(),
            "][",
            letter!(),
            "'’]{0,30}(?:-[",
            letter!(),
            "'’]{1,30}){0,4}"
        )
    };
}

#[allow(
    clippy::expect_used,
    reason = "constant pattern, compiled by the tests"
)]
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("screen pattern compiles")
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        "[",
        letter!(),
        r"0-9_%+\-](?:[",
        letter!(),
        r"0-9_%+.'\-]{0,62}[",
        letter!(),
        r"0-9_%+\-])?@(?:[",
        letter!(),
        "0-9](?:[",
        letter!(),
        r"0-9\-]{0,61}[",
        letter!(),
        r"0-9])?\.){1,8}[",
        letter!(),
        "]{2,24}"
    ))
});

static SIN: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"\b[0-9]{3}[ \-\x{2010}-\x{2013}\x{A0}\x{202F}]?[0-9]{3}[ \-\x{2010}-\x{2013}\x{A0}\x{202F}]?[0-9]{3}\b",
    )
});

static NANP: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"(?:\+?1[ .\-\x{2010}-\x{2013}\x{A0}\x{202F}]?)?",
        r"(?:\([2-9][0-9]{2}\)[ \x{A0}\x{202F}]?|[2-9][0-9]{2}[ .\-\x{2010}-\x{2013}\x{A0}\x{202F}]?)",
        r"[2-9][0-9]{2}[ .\-\x{2010}-\x{2013}\x{A0}\x{202F}]?[0-9]{4}",
        ext!()
    ))
});

static LOCAL: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\b[2-9][0-9]{2}[\-\x{2010}-\x{2013}][0-9]{4}",
        ext!()
    ))
});

static INTL: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"\+[1-9][0-9]{0,2}(?:[ .\-\x{2010}-\x{2013}\x{A0}\x{202F}]?(?:\([0-9]{1,4}\)|[0-9]{1,4})){2,7}",
    )
});

static POSTAL: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\b[ABCEGHJ-NPRSTVXYabceghj-nprstvxy][0-9][ABCEGHJ-NPRSTV-Zabceghj-nprstv-z]",
        r"[ \x{A0}\x{202F}]?[0-9][ABCEGHJ-NPRSTV-Zabceghj-nprstv-z][0-9]\b"
    ))
});

/// English order: civic number, capitalised name, type, direction.
static ADDR_EN: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\b",
        unit_before!(),
        civic!(),
        hs!(),
        "{1,2}(?:",
        name_word!(),
        r"\.?|[0-9]{1,3}(?:st|nd|rd|th))(?:",
        hs!(),
        "{1,2}(?:",
        name_word!(),
        r"\.?|[0-9]{1,3}(?:st|nd|rd|th))){0,3}",
        hs!(),
        "{1,2}",
        // Full words end at a word boundary (a following period ends the sentence);
        // abbreviations keep their period.
        r"(?P<type>(?:Street|STREET|street|Avenue|AVENUE|avenue|Road|ROAD|Boulevard|BOULEVARD",
        r"|boulevard|Drive|DRIVE|Crescent|CRESCENT|crescent|Court|COURT|Place|PLACE|Lane|LANE",
        r"|Way|WAY|Terrace|TERRACE|Parkway|PARKWAY|Highway|HIGHWAY|Circle|CIRCLE|Square|SQUARE",
        r"|Trail|TRAIL|Gate|GATE|Grove|GROVE|Heights|HEIGHTS)\b",
        r"|(?:St|ST|Ave|AVE|Av|Rd|RD|Blvd|BLVD|Dr|DR|Cres|CRES|Crt|CRT|Ct|CT|Pl|PL|Ln|LN|Terr",
        r"|Pkwy|PKWY|Hwy|HWY|Cir|Sq|Hts)(?:\.|\b))",
        dir_en!(),
        unit_after!()
    ))
});

/// English, one lower-case name word before an unambiguous type: `19 birch street`.
static ADDR_EN_LOWER: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\b",
        civic!(),
        hs!(),
        "{1,2}[a-zà-öø-ÿœ]{2,30}",
        hs!(),
        r"{1,2}(?P<type>street|avenue|boulevard|crescent)\b",
        dir_en!(),
        unit_after!()
    ))
});

/// Numbered roads: `500 Highway 7 East`, `1234 County Road 12`.
static ADDR_EN_HIGHWAY: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\b",
        unit_before!(),
        civic!(),
        hs!(),
        r"{1,2}(?P<type>Highway|HIGHWAY|Hwy\.?|HWY\.?|County Road|Regional Road|Concession Road|Concession)",
        hs!(),
        r"{1,2}[0-9]{1,4}[A-Z]?\b",
        dir_en!(),
        unit_after!()
    ))
});

/// French order: civic number, optional comma, type, optional particle, capitalised name.
static ADDR_FR: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\b",
        unit_before!(),
        civic!(),
        ",?",
        hs!(),
        "{1,2}",
        r"(?P<type>(?i:rue|avenue|av\.|boulevard|boul\.|bd\.?|chemin|ch\.|route|rang|place",
        r"|mont[ée]e|côte|all[ée]e|impasse|promenade|croissant|terrasse|carré|voie|ruelle|quai",
        r"|esplanade|sentier|autoroute))",
        hs!(),
        "{1,2}",
        // particle: de, de la, du, des, la, le, les, au, aux, de l', d', l'
        r"(?:(?i:de(?:",
        hs!(),
        "{1,2}la)?|du|des|la|le|les|aux|au)",
        hs!(),
        "{1,2}|(?i:(?:de",
        hs!(),
        r"{1,2})?l|d)['’])?",
        "(?:",
        name_word!(),
        r"|[0-9]{1,4}(?:e|re|er|ème|ieme|ième)?\b)",
        "(?:",
        hs!(),
        "{1,2}(?:",
        name_word!(),
        r"|[0-9]{1,4}(?:e|re|er|ème)?\b)){0,2}",
        unit_after!()
    ))
});

/// French, one lower-case name word after `rue`, `avenue`, `boulevard`, `chemin`.
static ADDR_FR_LOWER: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\b",
        unit_before!(),
        civic!(),
        ",?",
        hs!(),
        "{1,2}",
        r"(?P<type>(?i:rue|avenue|boulevard|boul\.|chemin))",
        hs!(),
        "{1,2}",
        r"(?:(?:de(?:",
        hs!(),
        "{1,2}la)?|du|des|la|le|les)",
        hs!(),
        "{1,2}|(?:(?:de",
        hs!(),
        r"{1,2})?l|d)['’])?",
        r"[a-zà-öø-ÿœ][a-zà-öø-ÿœ'’\-]{1,30}\b",
        unit_after!()
    ))
});

static PO_BOX: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\b(?:(?i:p\.?",
        hs!(),
        r"?o\.?",
        hs!(),
        "{0,2}box|post",
        hs!(),
        "{1,2}office",
        hs!(),
        "{1,2}box|case",
        hs!(),
        r"{1,2}postale)|C\.P\.|CP)",
        hs!(),
        r"{0,2}\#?",
        hs!(),
        r"?[0-9]{1,6}\b(?:,?",
        hs!(),
        r"{1,2}(?i:station|stn\.?|succursale|succ\.?)",
        hs!(),
        "{1,2}[",
        upper!(),
        "0-9][",
        letter!(),
        r"0-9'’\-]{0,30})?"
    ))
});

// ---------------------------------------------------------------------------------------------
// Scanning and resolution.

struct Cand {
    kind: Kind,
    start: usize,
    end: usize,
}

/// The next char boundary after `i` (or `text.len() + 1` at the end).
fn next_boundary(text: &str, i: usize) -> usize {
    let mut j = i + 1;
    while j < text.len() && !text.is_char_boundary(j) {
        j += 1;
    }
    j
}

/// Every match of `re` that `accept` keeps (possibly trimmed). A rejected match is retried one
/// char later, so that a shorter match inside it can still be found.
fn scan(
    re: &Regex,
    text: &str,
    kind: Kind,
    accept: impl Fn(&str, usize, usize) -> Option<(usize, usize)>,
    out: &mut Vec<Cand>,
) {
    let mut pos = 0;
    while pos <= text.len() {
        let Some(m) = re.find_at(text, pos) else {
            break;
        };
        match accept(text, m.start(), m.end()) {
            Some((start, end)) if start < end => {
                out.push(Cand { kind, start, end });
                pos = m.end().max(next_boundary(text, m.start()));
            }
            _ => pos = next_boundary(text, m.start()),
        }
    }
}

/// [`scan`] for the address patterns, whose checks need the capture groups.
fn scan_captures(
    re: &Regex,
    text: &str,
    accept: impl Fn(&str, &Captures<'_>) -> Option<(usize, usize)>,
    out: &mut Vec<Cand>,
) {
    let mut pos = 0;
    while pos <= text.len() {
        let Some(caps) = re.captures_at(text, pos) else {
            break;
        };
        let Some(m) = caps.get(0) else {
            break;
        };
        match accept(text, &caps) {
            Some((start, end)) if start < end => {
                out.push(Cand {
                    kind: Kind::StreetAddress,
                    start,
                    end,
                });
                pos = m.end().max(next_boundary(text, m.start()));
            }
            _ => pos = next_boundary(text, m.start()),
        }
    }
}

/// Keeps the most specific, then longest, candidates that do not overlap; sorted by start.
fn resolve(text: &str, mut cands: Vec<Cand>) -> Vec<Finding> {
    cands.sort_by(|a, b| {
        a.kind
            .rank()
            .cmp(&b.kind.rank())
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut taken: BTreeMap<usize, (usize, Kind)> = BTreeMap::new();
    for c in cands {
        let overlaps = taken
            .range(..c.end)
            .next_back()
            .is_some_and(|(_, &(end, _))| end > c.start);
        if !overlaps {
            taken.insert(c.start, (c.end, c.kind));
        }
    }
    taken
        .into_iter()
        .filter_map(|(start, (end, kind))| {
            text.get(start..end).map(|t| Finding {
                kind,
                start,
                end,
                text: t.to_owned(),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Context checks.

fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|s| s.chars().next_back())
}

fn char_after(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_hs(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{A0}' | '\u{202F}')
}

/// The char before `i` and the one before that.
fn two_before(text: &str, i: usize) -> (Option<char>, Option<char>) {
    let mut it = text.get(..i).unwrap_or_default().chars().rev();
    (it.next(), it.next())
}

/// The char after `i` and the one after that.
fn two_after(text: &str, i: usize) -> (Option<char>, Option<char>) {
    let mut it = text.get(i..).unwrap_or_default().chars();
    (it.next(), it.next())
}

/// Is `i` glued to a longer number or code on the left: `4.613…`, `INV-555…`, `1 200 …`?
fn glued_left(text: &str, i: usize, space_counts: bool) -> bool {
    match two_before(text, i) {
        (Some(c), _) if is_word(c) => true,
        (Some('.' | '-' | '‐' | '‑' | '‒' | '–' | '/' | ','), Some(d)) if is_word(d) => {
            true
        }
        (Some(c), Some(d)) if space_counts && is_hs(c) && d.is_ascii_digit() => true,
        (Some('$' | '€' | '£'), _) => true,
        (Some(c), Some('$' | '€' | '£')) if is_hs(c) => true,
        _ => false,
    }
}

/// Is `i` glued to a longer number on the right: `…0199-2`, `… 1`, `… $`?
fn glued_right(text: &str, i: usize, space_counts: bool) -> bool {
    match two_after(text, i) {
        (Some(c), _) if is_word(c) => true,
        (Some('.' | '-' | '‐' | '‑' | '‒' | '–' | '/' | ','), Some(d)) if d.is_ascii_digit() => {
            true
        }
        (Some(c), Some(d)) if space_counts && is_hs(c) && d.is_ascii_digit() => true,
        (Some('$' | '€' | '£' | '%'), _) => true,
        (Some(c), Some('$' | '€' | '£' | '%')) if is_hs(c) => true,
        _ => false,
    }
}

/// The (up to) four words before `i`, lower-cased, nearest first. A word is a run of
/// letters, digits, `°` or `#`; the look-back stops at a line break, `;`, `!` or `?`.
fn words_before(text: &str, i: usize) -> Vec<String> {
    let before = text.get(..i).unwrap_or_default();
    let mut words = Vec::new();
    let mut current: Vec<char> = Vec::new();
    for c in before.chars().rev().take(80) {
        if c.is_alphanumeric() || c == '°' || c == '#' {
            current.push(c);
            continue;
        }
        if !current.is_empty() {
            words.push(current.iter().rev().collect::<String>().to_lowercase());
            current.clear();
            if words.len() == 4 {
                return words;
            }
        }
        if matches!(c, '\n' | '\r' | ';' | '!' | '?') {
            return words;
        }
    }
    if !current.is_empty() && words.len() < 4 {
        words.push(current.iter().rev().collect::<String>().to_lowercase());
    }
    words
}

/// Words that name an identifier other than a phone number, a SIN or a civic number.
#[rustfmt::skip]
const REFERENCE_WORDS: &[&str] = &[
    "id", "ids", "identifier", "identifiant", "file", "dossier", "invoice", "facture",
    "contract", "contrat", "order", "commande", "ticket", "billet", "incident", "form",
    "formulaire", "ref", "réf", "reference", "référence", "code", "account", "compte",
    "session", "transaction", "tracking", "suivi", "serial", "série", "version", "section",
    "sections", "subsection", "art", "article", "articles", "paragraph", "paragraphe", "para",
    "par", "alinéa", "annexe", "appendix", "schedule", "clause", "page", "pages", "isbn",
    "issn", "bn", "ne", "sku", "lot", "batch", "requirement", "exigence", "step", "étape",
    "phase", "sprint", "release", "round", "ronde", "question", "item", "row", "table",
    "tableau", "figure", "rule", "règle", "submission", "soumission", "permit", "permis",
    "licence", "license", "claim", "réclamation",
];

/// Words that stand for "number" and defer to the word before them (`file number`).
const NUMBER_WORDS: &[&str] = &["number", "numéro", "no", "num", "n°", "nº", "#", "nbr"];

/// Does a reference word name the number that starts at `i` (`file 123…`, `file number 123…`,
/// `numéro de dossier 123…`, `code d'activité 123…`)?
fn names_other_identifier(text: &str, i: usize) -> bool {
    let words = words_before(text, i);
    let is_ref = |k: usize| {
        words
            .get(k)
            .is_some_and(|w| REFERENCE_WORDS.contains(&w.as_str()))
    };
    let is = |k: usize, set: &[&str]| words.get(k).is_some_and(|w| set.contains(&w.as_str()));
    if is_ref(0) {
        return true;
    }
    if is(0, NUMBER_WORDS) && is_ref(1) {
        return true;
    }
    // French complement: "code d'activité 123", "formulaire de demande 123".
    is(1, &["de", "d", "du", "des"]) && is_ref(2)
}

/// Words of time before a year (`In 2025 Place du Portage…`).
#[rustfmt::skip]
const TEMPORAL_WORDS: &[&str] = &[
    "in", "en", "since", "depuis", "by", "until", "till", "before", "after", "avant", "après",
    "during", "durant", "pendant", "year", "years", "année", "années", "fiscal", "exercice",
    "budget", "fall", "spring", "summer", "winter", "autumn", "automne", "printemps", "été",
    "hiver", "early", "late", "mid", "début", "fin", "fy", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre", "jusqu", "q1", "q2", "q3", "q4",
];

/// Street types that are also ordinary nouns after a year (`2019 Federal Court`).
#[rustfmt::skip]
const AMBIGUOUS_TYPES: &[&str] = &[
    "court", "crt", "ct", "place", "pl", "way", "square", "sq", "circle", "cir", "terrace",
    "terr", "gate", "grove", "heights", "hts", "trail", "lane", "ln", "carré", "terrasse",
    "voie", "promenade", "esplanade", "quai",
];

fn is_year(s: &str) -> bool {
    s.len() == 4
        && s.bytes().all(|b| b.is_ascii_digit())
        && s.parse::<u32>().is_ok_and(|y| (1800..=2099).contains(&y))
}

/// Luhn check on nine ASCII digits.
fn luhn_ok(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let v = u32::from(d - b'0');
            if i % 2 == 1 {
                let w = v * 2;
                if w > 9 { w - 9 } else { w }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

// ---------------------------------------------------------------------------------------------
// Acceptance, kind by kind.

fn accept_email(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let local_char = |c: char| is_word(c) || matches!(c, '.' | '%' | '+' | '-' | '\'');
    if char_before(text, start).is_some_and(|c| local_char(c) && c != '.' && c != '\'') {
        return None; // a local part longer than 64 characters
    }
    if char_after(text, end).is_some_and(|c| is_word(c) || c == '-' || c == '@') {
        return None;
    }
    Some((start, end))
}

fn accept_sin(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let s = text.get(start..end)?;
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
    if digits.len() != 9 || matches!(digits.first(), Some(b'0' | b'8')) || !luhn_ok(&digits) {
        return None;
    }
    // 3-3-3 grouping: both separators or neither.
    let separators = s.chars().filter(|c| !c.is_ascii_digit()).count();
    if separators == 1 {
        return None;
    }
    let spaced = s.chars().any(is_hs);
    if glued_left(text, start, true) || glued_right(text, end, true) {
        return None;
    }
    // A round figure written with thousands separators ("125 000 000") is a quantity.
    if spaced && digits.ends_with(b"000") {
        return None;
    }
    if names_other_identifier(text, start) {
        return None;
    }
    // Business number with its program account: 123456782 RT0001.
    let rest = text
        .get(end..)
        .unwrap_or_default()
        .trim_start_matches(is_hs);
    let mut r = rest.chars();
    if let (Some(a), Some(b)) = (r.next(), r.next())
        && a.is_ascii_uppercase()
        && b.is_ascii_uppercase()
        && r.skip_while(|c| is_hs(*c))
            .take(4)
            .filter(char::is_ascii_digit)
            .count()
            == 4
    {
        return None;
    }
    Some((start, end))
}

fn accept_nanp(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if glued_left(text, start, false) || glued_right(text, end, false) {
        return None;
    }
    if names_other_identifier(text, start) {
        return None;
    }
    Some((start, end))
}

fn accept_local(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if glued_left(text, start, true) || glued_right(text, end, false) {
        return None;
    }
    // Right after a closing parenthesis: the area code was not valid, so neither is this.
    if let (Some(c), Some(')')) = two_before(text, start)
        && is_hs(c)
    {
        return None;
    }
    if names_other_identifier(text, start) {
        return None;
    }
    Some((start, end))
}

fn accept_intl(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let s = text.get(start..end)?;
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    if !(8..=15).contains(&digits) {
        return None;
    }
    if glued_left(text, start, false) || glued_right(text, end, false) {
        return None;
    }
    if names_other_identifier(text, start) {
        return None;
    }
    Some((start, end))
}

fn accept_address(text: &str, caps: &Captures<'_>) -> Option<(usize, usize)> {
    let m = caps.get(0)?;
    let (start, end) = (m.start(), m.end());
    // "Street-level", "Ottawa Street-facing": a compound, not an address.
    if let (Some('-'), Some(c)) = two_after(text, end)
        && is_word(c)
    {
        return None;
    }
    if char_after(text, end).is_some_and(is_word) {
        return None;
    }
    let Some(civic) = caps.name("civic") else {
        return Some((start, end));
    };
    if caps.name("unit").is_none() {
        if glued_left(text, civic.start(), true) {
            return None;
        }
        if words_before(text, civic.start())
            .first()
            .is_some_and(|w| REFERENCE_WORDS.contains(&w.as_str()))
        {
            return None;
        }
    }
    if is_year(civic.as_str()) {
        let words = words_before(text, civic.start());
        let temporal = words
            .iter()
            .take(2)
            .any(|w| TEMPORAL_WORDS.contains(&w.as_str()));
        let ambiguous = caps.name("type").is_some_and(|t| {
            let t = t.as_str().trim_end_matches('.').to_lowercase();
            AMBIGUOUS_TYPES.contains(&t.as_str())
        });
        if temporal || ambiguous {
            return None;
        }
    }
    Some((start, end))
}

// ---------------------------------------------------------------------------------------------

/// Scoring the screen against a labelled set, shared by the test suite and the
/// `screening-report` example so that the figures quoted anywhere come from one place.
///
/// A finding is a true positive when an expected item of the same kind has exactly the same
/// text (each expected item matches at most one finding); any other finding is a false
/// positive, and any expected item left unmatched is a false negative.
pub mod eval {
    use super::{Kind, screen};
    use serde::{Deserialize, Serialize};
    use std::fmt;

    /// One labelled string: a line of the JSONL set.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Labelled {
        /// The text to screen.
        pub text: String,
        /// `en` or `fr`.
        pub lang: String,
        /// What a person considers personal information in it.
        #[serde(default)]
        pub expect: Vec<Expected>,
    }

    /// One expected finding.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Expected {
        /// Its kind.
        pub kind: Kind,
        /// The exact substring.
        pub text: String,
    }

    /// A line of the set that is not a valid labelled string.
    #[derive(Debug, thiserror::Error)]
    #[error("labelled set, line {line}: {source}")]
    pub struct ParseError {
        /// 1-based line number.
        pub line: usize,
        /// What serde said.
        #[source]
        pub source: serde_json::Error,
    }

    /// Reads a JSONL labelled set (blank lines are skipped).
    pub fn parse_jsonl(src: &str) -> Result<Vec<Labelled>, ParseError> {
        src.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l).map_err(|source| ParseError {
                    line: i + 1,
                    source,
                })
            })
            .collect()
    }

    /// True positives, false positives and false negatives.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct Counts {
        /// Findings that match an expected item.
        pub true_pos: usize,
        /// Findings that match nothing expected.
        pub false_pos: usize,
        /// Expected items that no finding matches.
        pub false_neg: usize,
    }

    impl Counts {
        /// `tp / (tp + fp)`, 1 when nothing was found.
        pub fn precision(&self) -> f64 {
            ratio(self.true_pos, self.true_pos + self.false_pos)
        }

        /// `tp / (tp + fn)`, 1 when nothing was expected.
        pub fn recall(&self) -> f64 {
            ratio(self.true_pos, self.true_pos + self.false_neg)
        }

        fn add(&mut self, other: Counts) {
            self.true_pos += other.true_pos;
            self.false_pos += other.false_pos;
            self.false_neg += other.false_neg;
        }
    }

    #[allow(clippy::cast_precision_loss, reason = "counts are small")]
    fn ratio(num: usize, den: usize) -> f64 {
        if den == 0 {
            1.0
        } else {
            num as f64 / den as f64
        }
    }

    /// A disagreement between the screen and the labels.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Mistake {
        /// Index of the labelled string in the set (0-based).
        pub index: usize,
        /// `true` for a false positive, `false` for a false negative.
        pub false_alarm: bool,
        /// The kind found or expected.
        pub kind: Kind,
        /// The text found or expected.
        pub text: String,
    }

    /// The result of [`score`]. `Display` prints the table.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Score {
        /// Counts per kind, in [`Kind::ALL`] order.
        pub per_kind: Vec<(Kind, Counts)>,
        /// All kinds together.
        pub overall: Counts,
        /// Overall counts on the English strings.
        pub english: Counts,
        /// Overall counts on the French strings.
        pub french: Counts,
        /// Number of labelled strings.
        pub strings: usize,
        /// How many are in English.
        pub english_strings: usize,
        /// How many are in French.
        pub french_strings: usize,
        /// How many contain at least one expected item.
        pub with_pi: usize,
        /// Every disagreement.
        pub mistakes: Vec<Mistake>,
    }

    impl Score {
        /// The counts for one kind.
        pub fn kind(&self, kind: Kind) -> Counts {
            self.per_kind
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, c)| *c)
                .unwrap_or_default()
        }
    }

    /// Screens every labelled string and compares with its labels.
    pub fn score(set: &[Labelled]) -> Score {
        let mut per_kind: Vec<(Kind, Counts)> =
            Kind::ALL.iter().map(|&k| (k, Counts::default())).collect();
        let mut english = Counts::default();
        let mut french = Counts::default();
        let mut mistakes = Vec::new();
        for (index, item) in set.iter().enumerate() {
            let mut expected: Vec<Option<&Expected>> = item.expect.iter().map(Some).collect();
            let mut here = Counts::default();
            for f in screen(&item.text) {
                let hit = expected
                    .iter_mut()
                    .find(|e| e.is_some_and(|e| e.kind == f.kind && e.text == f.text));
                let counts = per_kind
                    .iter_mut()
                    .find(|(k, _)| *k == f.kind)
                    .map(|(_, c)| c);
                if let Some(slot) = hit {
                    *slot = None;
                    here.true_pos += 1;
                    if let Some(c) = counts {
                        c.true_pos += 1;
                    }
                } else {
                    here.false_pos += 1;
                    if let Some(c) = counts {
                        c.false_pos += 1;
                    }
                    mistakes.push(Mistake {
                        index,
                        false_alarm: true,
                        kind: f.kind,
                        text: f.text,
                    });
                }
            }
            for e in expected.into_iter().flatten() {
                here.false_neg += 1;
                if let Some((_, c)) = per_kind.iter_mut().find(|(k, _)| *k == e.kind) {
                    c.false_neg += 1;
                }
                mistakes.push(Mistake {
                    index,
                    false_alarm: false,
                    kind: e.kind,
                    text: e.text.clone(),
                });
            }
            if item.lang.starts_with("fr") {
                french.add(here);
            } else {
                english.add(here);
            }
        }
        let mut overall = Counts::default();
        overall.add(english);
        overall.add(french);
        let french_strings = set.iter().filter(|i| i.lang.starts_with("fr")).count();
        Score {
            per_kind,
            overall,
            english,
            french,
            strings: set.len(),
            english_strings: set.len() - french_strings,
            french_strings,
            with_pi: set.iter().filter(|i| !i.expect.is_empty()).count(),
            mistakes,
        }
    }

    impl fmt::Display for Score {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let row = |f: &mut fmt::Formatter<'_>, name: &str, c: &Counts| {
                writeln!(
                    f,
                    "{name:<26} {:>4} {:>4} {:>4} {:>10.3} {:>7.3}",
                    c.true_pos,
                    c.false_pos,
                    c.false_neg,
                    c.precision(),
                    c.recall()
                )
            };
            writeln!(
                f,
                "{:<26} {:>4} {:>4} {:>4} {:>10} {:>7}",
                "kind", "TP", "FP", "FN", "precision", "recall"
            )?;
            for (kind, counts) in &self.per_kind {
                row(f, kind.label("en"), counts)?;
            }
            row(f, "overall", &self.overall)?;
            row(f, "  English strings", &self.english)?;
            row(f, "  French strings", &self.french)?;
            writeln!(
                f,
                "{} labelled strings ({} English, {} French), {} with personal information",
                self.strings, self.english_strings, self.french_strings, self.with_pi
            )?;
            for m in &self.mistakes {
                writeln!(
                    f,
                    "  {} #{}: {} {:?}",
                    if m.false_alarm {
                        "false alarm"
                    } else {
                        "missed     "
                    },
                    m.index + 1,
                    m.kind.as_str(),
                    m.text
                )?;
            }
            Ok(())
        }
    }
}
