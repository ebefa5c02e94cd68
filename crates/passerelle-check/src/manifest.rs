//! `pack.toml` and instrument front matter (TOML), with errors pointing into the file.

use crate::model::{InstrumentKind, Layer, OfficialPaths, Period};
use jiff::civil::Date;
use passerelle_diag::{Bi, Code, Diag, FileId, Span};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BiRaw {
    en: Option<String>,
    fr: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BuildsOnRaw {
    id: String,
    path: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestRaw {
    id: String,
    version: String,
    layer: String,
    title: BiRaw,
    #[serde(default)]
    builds_on: Vec<BuildsOnRaw>,
}

/// A parsed `pack.toml`.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// Pack id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Layer.
    pub layer: Layer,
    /// Title.
    pub title: Bi,
    /// Packs built on: id and optional relative path.
    pub builds_on: Vec<(String, Option<String>)>,
}

fn toml_error(file: FileId, base: usize, e: &toml::de::Error, code: Code, what: &Bi) -> Diag {
    let span = e
        .span()
        .map(|r| Span::new(file, base + r.start, base + r.end))
        .unwrap_or(Span::new(file, base, base));
    let msg = e.message().trim().to_string();
    Diag::error(
        code,
        Bi::new(
            format!("invalid {}: {msg}", what.en),
            format!("{} invalide : {msg}", what.fr),
        ),
    )
    .at(span, Bi::new("here", "ici"))
}

fn bi_required(
    raw: Option<BiRaw>,
    key: &str,
    file: FileId,
    span: Span,
    diags: &mut Vec<Diag>,
) -> Bi {
    let (en, fr) = raw.map(|b| (b.en, b.fr)).unwrap_or((None, None));
    let en = en.filter(|s| !s.trim().is_empty());
    let fr = fr.filter(|s| !s.trim().is_empty());
    for (lang, missing) in [("en", en.is_none()), ("fr", fr.is_none())] {
        if missing {
            diags.push(
                Diag::error(
                    Code::MissingTranslation,
                    Bi::new(
                        format!("`{key}.{lang}` is missing"),
                        format!("« {key}.{lang} » est manquant"),
                    ),
                )
                .at(span, Bi::new("in this table", "dans cette table"))
                .help(Bi::new(
                    "every text a person reads needs English and French",
                    "tout texte lu par une personne doit exister en anglais et en français",
                )),
            );
        }
    }
    let _ = file;
    Bi::new(en.unwrap_or_default(), fr.unwrap_or_default())
}

/// Parses `pack.toml`.
pub fn parse_manifest(file: FileId, text: &str, diags: &mut Vec<Diag>) -> Option<Manifest> {
    let what = Bi::new("pack.toml", "pack.toml");
    let raw: ManifestRaw = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(toml_error(file, 0, &e, Code::Manifest, &what));
            return None;
        }
    };
    let whole = Span::new(file, 0, text.len().min(1));
    let layer = match Layer::parse(&raw.layer) {
        Some(l) => l,
        None => {
            let span = find_value_span(file, 0, text, &raw.layer).unwrap_or(whole);
            diags.push(
                Diag::error(
                    Code::Manifest,
                    Bi::new(
                        format!("unknown layer `{}`", raw.layer),
                        format!("couche inconnue « {} »", raw.layer),
                    ),
                )
                .at(span, Bi::new("not a layer", "pas une couche"))
                .help(Bi::new(
                    "use `gc-wide`, `department:<id>` or `partner:<id>`",
                    "utilisez « gc-wide », « department:<id> » ou « partner:<id> »",
                )),
            );
            Layer::GcWide
        }
    };
    if !valid_id(&raw.id) {
        let span = find_value_span(file, 0, text, &raw.id).unwrap_or(whole);
        diags.push(
            Diag::error(
                Code::Manifest,
                Bi::new(
                    format!("invalid pack id `{}`", raw.id),
                    format!("identifiant de paquet invalide « {} »", raw.id),
                ),
            )
            .at(span, Bi::new("here", "ici"))
            .help(Bi::new(
                "use lower-case letters, digits and hyphens",
                "utilisez des minuscules, des chiffres et des traits d'union",
            )),
        );
    }
    let title_span = find_key_span(file, 0, text, "[title]").unwrap_or(whole);
    let title = bi_required(Some(raw.title), "title", file, title_span, diags);
    Some(Manifest {
        id: raw.id,
        version: raw.version,
        layer,
        title,
        builds_on: raw.builds_on.into_iter().map(|b| (b.id, b.path)).collect(),
    })
}

/// Whether an id is lower-case letters, digits and single hyphens.
pub fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn find_value_span(file: FileId, base: usize, text: &str, value: &str) -> Option<Span> {
    let needle = format!("\"{value}\"");
    text.find(&needle)
        .map(|i| Span::new(file, base + i, base + i + needle.len()))
}

fn find_key_span(file: FileId, base: usize, text: &str, key: &str) -> Option<Span> {
    text.find(key)
        .map(|i| Span::new(file, base + i, base + i + key.len()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontRaw {
    id: Option<String>,
    kind: Option<String>,
    title: Option<BiRaw>,
    owner: Option<String>,
    effective_from: Option<toml::value::Datetime>,
    effective_to: Option<toml::value::Datetime>,
    source: Option<BiRaw>,
    layer: Option<String>,
    official: Option<BiRaw>,
    #[serde(default)]
    aliases: BTreeMap<String, String>,
}

/// Parsed instrument front matter.
#[derive(Clone, Debug)]
pub struct Front {
    /// Id.
    pub id: String,
    /// Where the id is written.
    pub id_span: Span,
    /// Kind.
    pub kind: InstrumentKind,
    /// Title.
    pub title: Bi,
    /// Owner contact id and where it is written.
    pub owner: Option<(String, Span)>,
    /// Period.
    pub period: Period,
    /// Official pages.
    pub source: Bi,
    /// Layer override.
    pub layer: Option<Layer>,
    /// Official texts.
    pub official: OfficialPaths,
    /// Aliases.
    pub aliases: Vec<(String, String)>,
}

fn to_date(
    d: Option<toml::value::Datetime>,
    key: &str,
    file: FileId,
    base: usize,
    text: &str,
    diags: &mut Vec<Diag>,
) -> Option<Date> {
    let d = d?;
    let span = find_key_span(file, base, text, key).unwrap_or(Span::new(file, base, base));
    match (d.date, d.time) {
        (Some(date), None) => match Date::new(
            i16::try_from(date.year).unwrap_or(0),
            i8::try_from(date.month).unwrap_or(0),
            i8::try_from(date.day).unwrap_or(0),
        ) {
            Ok(v) => Some(v),
            Err(_) => {
                diags.push(
                    Diag::error(Code::FrontMatter, Bi::new("invalid date", "date invalide"))
                        .at(span, Bi::new("here", "ici")),
                );
                None
            }
        },
        _ => {
            diags.push(
                Diag::error(
                    Code::FrontMatter,
                    Bi::new(
                        format!("`{key}` must be a date such as 2024-10-09"),
                        format!("« {key} » doit être une date comme 2024-10-09"),
                    ),
                )
                .at(span, Bi::new("not a plain date", "pas une date simple")),
            );
            None
        }
    }
}

/// Parses instrument front matter. `base` is the offset of `text` in the file. Returns
/// `None` when the front matter does not describe an instrument (no `kind`) or is broken.
pub fn parse_front(file: FileId, base: usize, text: &str, diags: &mut Vec<Diag>) -> Option<Front> {
    let what = Bi::new("front matter", "en-tête");
    let raw: FrontRaw = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(toml_error(file, base, &e, Code::FrontMatter, &what));
            return None;
        }
    };
    let whole = Span::new(file, base, base + text.len());
    raw.kind.as_ref()?;
    let missing = |diags: &mut Vec<Diag>, key: &str| {
        diags.push(
            Diag::error(
                Code::MissingField,
                Bi::new(
                    format!("the instrument's front matter lacks `{key}`"),
                    format!("il manque « {key} » dans l'en-tête de l'instrument"),
                ),
            )
            .at(whole, Bi::new("in this front matter", "dans cet en-tête")),
        );
    };
    let id = match raw.id {
        Some(id) => id,
        None => {
            missing(diags, "id");
            return None;
        }
    };
    let id_span = find_value_span(file, base, text, &id).unwrap_or(whole);
    if !valid_id(&id) {
        diags.push(
            Diag::error(
                Code::FrontMatter,
                Bi::new(
                    format!("invalid instrument id `{id}`"),
                    format!("identifiant d'instrument invalide « {id} »"),
                ),
            )
            .at(id_span, Bi::new("here", "ici"))
            .help(Bi::new(
                "use lower-case letters, digits and hyphens",
                "utilisez des minuscules, des chiffres et des traits d'union",
            )),
        );
    }
    let kind_word = raw.kind.unwrap_or_default();
    let kind = match InstrumentKind::parse(&kind_word) {
        Some(k) => k,
        None => {
            let span = find_value_span(file, base, text, &kind_word).unwrap_or(whole);
            diags.push(
                Diag::error(
                    Code::FrontMatter,
                    Bi::new(
                        format!("unknown instrument kind `{kind_word}`"),
                        format!("sorte d'instrument inconnue « {kind_word} »"),
                    ),
                )
                .at(span, Bi::new("here", "ici"))
                .help(Bi::new(
                    "use act, regulation, policy, directive, standard, guideline, departmental or partner",
                    "utilisez act, regulation, policy, directive, standard, guideline, departmental ou partner",
                )),
            );
            InstrumentKind::Guideline
        }
    };
    if raw.title.is_none() {
        missing(diags, "title");
    }
    if raw.source.is_none() {
        missing(diags, "source");
    }
    if raw.effective_from.is_none() {
        missing(diags, "effective_from");
    }
    if raw.owner.is_none() {
        missing(diags, "owner");
    }
    let title_span = find_key_span(file, base, text, "[title]").unwrap_or(whole);
    let title = bi_required(raw.title, "title", file, title_span, diags);
    let source_span = find_key_span(file, base, text, "[source]").unwrap_or(whole);
    let source = bi_required(raw.source, "source", file, source_span, diags);
    let from = to_date(
        raw.effective_from,
        "effective_from",
        file,
        base,
        text,
        diags,
    );
    let to = to_date(raw.effective_to, "effective_to", file, base, text, diags);
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        let span = find_key_span(file, base, text, "effective_to").unwrap_or(whole);
        diags.push(
            Diag::error(
                Code::BadPeriod,
                Bi::new(
                    format!("the instrument stops being in force ({t}) before it starts ({f})"),
                    format!(
                        "l'instrument cesse d'être en vigueur ({t}) avant d'entrer en vigueur ({f})"
                    ),
                ),
            )
            .at(
                span,
                Bi::new("ends before it starts", "se termine avant de commencer"),
            ),
        );
    }
    let layer = raw.layer.as_ref().and_then(|l| {
        let parsed = Layer::parse(l);
        if parsed.is_none() {
            let span = find_value_span(file, base, text, l).unwrap_or(whole);
            diags.push(
                Diag::error(
                    Code::FrontMatter,
                    Bi::new(
                        format!("unknown layer `{l}`"),
                        format!("couche inconnue « {l} »"),
                    ),
                )
                .at(span, Bi::new("here", "ici")),
            );
        }
        parsed
    });
    let owner = raw.owner.map(|o| {
        let span = find_value_span(file, base, text, &o).unwrap_or(whole);
        (o, span)
    });
    let official = raw
        .official
        .map(|o| OfficialPaths { en: o.en, fr: o.fr })
        .unwrap_or_default();
    Some(Front {
        id,
        id_span,
        kind,
        title,
        owner,
        period: Period { from, to },
        source,
        layer,
        official,
        aliases: raw.aliases.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_errors_point_into_the_file() {
        let mut d = Vec::new();
        let m = parse_manifest(FileId(0), "id = \"x\"\nversion = 1\n", &mut d);
        assert!(m.is_none());
        assert_eq!(d.len(), 1);
        assert!(d[0].primary.is_some());
    }

    #[test]
    fn manifest_missing_french_title() {
        let mut d = Vec::new();
        let m = parse_manifest(
            FileId(0),
            "id = \"x\"\nversion = \"1\"\nlayer = \"gc-wide\"\n[title]\nen = \"X\"\n",
            &mut d,
        );
        assert!(m.is_some());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::MissingTranslation);
    }

    #[test]
    fn front_matter_period() {
        let mut d = Vec::new();
        let text = "id = \"a\"\nkind = \"act\"\nowner = \"o\"\neffective_from = 2024-01-02\neffective_to = 2023-01-01\n[title]\nen = \"A\"\nfr = \"A\"\n[source]\nen = \"u\"\nfr = \"u\"\n";
        let f = parse_front(FileId(0), 4, text, &mut d);
        assert!(f.is_some());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::BadPeriod);
    }
}
