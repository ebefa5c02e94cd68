//! Citations checked against the official texts (`check --sources DIR`), fingerprints of
//! verified provisions (`sources.lock` in each pack), and `cite`.
//!
//! Every `§` heading and every citation of an instrument whose front matter names an
//! official text is looked up in that text (English, and French when there is one). A
//! section the text does not have is an error. When a rule is verified, the fingerprint of
//! each provision it cites is recorded in the citing pack's `sources.lock`; a later check
//! against a newer consolidation warns "source text changed since verified" for every
//! provision whose wording changed, naming the rules that cite it.

use passerelle_check::model::{Citation, InstrumentId, Model, PackId};
use passerelle_diag::{Bi, Code, Diag, Lang, SourceMap, Span, did_you_mean};
use passerelle_sources::{OfficialText, SourceSet};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One recorded provision.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LockEntry {
    /// Fingerprint of the English text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    /// Fingerprint of the French text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fr: Option<String>,
    /// When it was recorded.
    pub recorded: String,
}

/// A pack's `sources.lock`: instrument → section → fingerprints.
pub type Lock = BTreeMap<String, BTreeMap<String, LockEntry>>;

/// Name of the lock file in a pack folder.
pub const LOCK_FILE: &str = "sources.lock";

/// Reads a pack's lock (empty when absent).
pub fn read_lock(dir: &Path) -> Result<Lock, String> {
    let path = dir.join(LOCK_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Writes a pack's lock.
pub fn write_lock(dir: &Path, lock: &Lock) -> Result<(), String> {
    let body = toml::to_string(lock).map_err(|e| e.to_string())?;
    let text = format!(
        "# Fingerprints (SHA-256 of the normalised official text) of the provisions that\n# verified rules cite. Written by `passerelle check --sources DIR --record-fingerprints`.\n# A later check warns when the official text of one of them changes.\n\n{body}"
    );
    std::fs::write(dir.join(LOCK_FILE), text).map_err(|e| e.to_string())
}

/// What `check --sources` found.
#[derive(Debug, Default)]
pub struct SourceReport {
    /// Diagnostics.
    pub diags: Vec<Diag>,
    /// Citations and headings resolved in an official text.
    pub resolved: usize,
    /// Citations and headings that could not be resolved.
    pub unresolved: usize,
    /// Instruments without an official machine-readable text.
    pub without_text: Vec<String>,
    /// Fingerprints recorded (with `record`).
    pub recorded: usize,
}

struct Docs {
    set: SourceSet,
    cache: HashMap<String, Result<Arc<OfficialText>, String>>,
}

impl Docs {
    fn get(&mut self, rel: &str) -> Result<Arc<OfficialText>, String> {
        self.cache
            .entry(rel.to_string())
            .or_insert_with(|| self.set.document(rel).map_err(|e| e.to_string()))
            .clone()
    }
}

fn citers(m: &Model) -> Vec<(PackId, bool, &Citation, String)> {
    let mut out = Vec::new();
    for r in &m.rules {
        for c in &r.citations {
            out.push((r.pack, r.status.is_verified(), c, r.id.clone()));
        }
    }
    for my in &m.myths {
        for c in &my.citations {
            out.push((my.pack, my.status.is_verified(), c, my.id.clone()));
        }
    }
    out
}

/// Checks every heading and citation against the official texts under `sources`.
/// `dirs[i]` is the folder of `m.packs[i]`. With `record`, rewrites each pack's lock.
pub fn check(
    m: &Model,
    map: &SourceMap,
    dirs: &[PathBuf],
    sources: &Path,
    record: bool,
    today: &str,
) -> SourceReport {
    let mut rep = SourceReport::default();
    let set = match SourceSet::open(sources) {
        Ok(s) => s,
        Err(e) => {
            rep.diags.push(Diag::error(
                Code::SourceMissing,
                Bi::new(
                    format!("cannot open the official texts: {e}"),
                    format!("impossible d'ouvrir les textes officiels : {e}"),
                ),
            ));
            return rep;
        }
    };
    let mut docs = Docs {
        set,
        cache: HashMap::new(),
    };
    // Documents of each instrument.
    let mut inst_docs: HashMap<InstrumentId, Vec<(Lang, Arc<OfficialText>)>> = HashMap::new();
    for (i, inst) in m.instruments.iter().enumerate() {
        let id = InstrumentId(u32::try_from(i).unwrap_or(0));
        let mut list = Vec::new();
        for (lang, path) in [(Lang::En, &inst.official.en), (Lang::Fr, &inst.official.fr)] {
            let Some(path) = path else { continue };
            match docs.get(path) {
                Ok(d) => list.push((lang, d)),
                Err(e) => rep.diags.push(
                    Diag::error(
                        Code::SourceMissing,
                        Bi::new(
                            format!("the official text of `{}` cannot be read: {e}", inst.id),
                            format!("le texte officiel de « {} » est illisible : {e}", inst.id),
                        ),
                    )
                    .at(
                        inst.span,
                        Bi::new("`official` names it here", "« official » le désigne ici"),
                    ),
                ),
            }
        }
        if inst.official.en.is_none() && inst.official.fr.is_none() {
            rep.without_text.push(inst.id.clone());
        }
        inst_docs.insert(id, list);
    }
    let lookup = |rep: &mut SourceReport,
                  inst: InstrumentId,
                  section: &str,
                  span: Span|
     -> Vec<(Lang, String)> {
        let Some(list) = inst_docs.get(&inst) else {
            return Vec::new();
        };
        let mut prints = Vec::new();
        for (lang, doc) in list {
            match doc.provision(section) {
                Some(p) => prints.push((*lang, p.fingerprint())),
                None => {
                    rep.unresolved += 1;
                    let near = doc.nearest(section, 3);
                    let id = &m.instruments[inst.idx()].id;
                    let which = match lang {
                        Lang::En => ("English", "anglais"),
                        Lang::Fr => ("French", "français"),
                    };
                    let sugg = did_you_mean(section, near.iter().copied())
                        .map(str::to_string)
                        .or_else(|| near.first().map(|s| s.to_string()));
                    let mut d = Diag::error(
                        Code::SourceUnresolved,
                        Bi::new(
                            format!(
                                "`{id} {section}` does not exist in the official {} text ({})",
                                which.0,
                                doc.path()
                            ),
                            format!(
                                "« {id} {section} » n'existe pas dans le texte officiel {} ({})",
                                which.1,
                                doc.path()
                            ),
                        ),
                    )
                    .at(
                        span,
                        Bi::new("not in the official text", "absent du texte officiel"),
                    );
                    if let Some(s) = sugg {
                        d.help = Some(Bi::new(
                            format!("the closest section is {s}"),
                            format!("le numéro le plus proche est {s}"),
                        ));
                    }
                    rep.diags.push(d);
                    return Vec::new();
                }
            }
        }
        if !prints.is_empty() {
            rep.resolved += 1;
        }
        prints
    };
    // Headings.
    for (i, inst) in m.instruments.iter().enumerate() {
        let id = InstrumentId(u32::try_from(i).unwrap_or(0));
        for p in &inst.provisions {
            lookup(&mut rep, id, &p.section, p.span);
        }
    }
    // Citations, with their fingerprints.
    let mut locks: Vec<Lock> = dirs
        .iter()
        .map(|d| read_lock(d).unwrap_or_default())
        .collect();
    let mut fresh: Vec<Lock> = vec![Lock::new(); dirs.len()];
    // (pack, instrument, section) → rules citing it, span.
    let mut changed: BTreeMap<(usize, String, String), (Vec<String>, Span)> = BTreeMap::new();
    let mut missing: BTreeMap<(usize, String, String), (Vec<String>, Span)> = BTreeMap::new();
    for (pack, verified, c, who) in citers(m) {
        let prints = lookup(&mut rep, c.instrument, &c.canonical, c.span);
        if prints.is_empty() || !verified {
            continue;
        }
        let inst = m.instruments[c.instrument.idx()].id.clone();
        let pi = pack.idx();
        let mut entry = LockEntry {
            recorded: today.to_string(),
            ..LockEntry::default()
        };
        for (lang, fp) in &prints {
            match lang {
                Lang::En => entry.en = Some(fp.clone()),
                Lang::Fr => entry.fr = Some(fp.clone()),
            }
        }
        let key = (pi, inst.clone(), c.canonical.clone());
        match locks
            .get(pi)
            .and_then(|l| l.get(&inst))
            .and_then(|s| s.get(&c.canonical))
        {
            Some(old) => {
                let differs = (old.en.is_some() && old.en != entry.en)
                    || (old.fr.is_some() && old.fr != entry.fr);
                if differs {
                    changed
                        .entry(key.clone())
                        .or_insert_with(|| (Vec::new(), c.span))
                        .0
                        .push(who.clone());
                }
                // Keep the recorded date unless the text changed.
                if !differs {
                    entry.recorded = old.recorded.clone();
                }
            }
            None => {
                missing
                    .entry(key.clone())
                    .or_insert_with(|| (Vec::new(), c.span))
                    .0
                    .push(who.clone());
            }
        }
        if let Some(f) = fresh.get_mut(pi) {
            f.entry(inst)
                .or_default()
                .insert(c.canonical.clone(), entry);
        }
    }
    for ((_, inst, sec), (who, span)) in &changed {
        let who = who.join(", ");
        rep.diags.push(
            Diag::warning(
                Code::SourceChanged,
                Bi::new(
                    format!("source text changed since verified: `{inst} {sec}` (cited by {who})"),
                    format!("le texte source a changé depuis la vérification : « {inst} {sec} » (cité par {who})"),
                ),
            )
            .at(*span, Bi::new("the official wording of this provision changed", "le libellé officiel de cette disposition a changé"))
            .help(Bi::new(
                "read the new text (`passerelle cite`), review the rules that cite it, then record the new fingerprint with --record-fingerprints",
                "lisez le nouveau texte (« passerelle cite »), révisez les règles qui le citent, puis enregistrez la nouvelle empreinte avec --record-fingerprints",
            )),
        );
    }
    if !record {
        for ((_, inst, sec), (who, span)) in &missing {
            let who = who.join(", ");
            rep.diags.push(
                Diag::warning(
                    Code::SourceUnverified,
                    Bi::new(
                        format!("no fingerprint is recorded for `{inst} {sec}` (cited by {who})"),
                        format!("aucune empreinte n'est enregistrée pour « {inst} {sec} » (cité par {who})"),
                    ),
                )
                .at(*span, Bi::new("verified, but its text is not recorded", "vérifiée, mais son texte n'est pas enregistré"))
                .help(Bi::new(
                    "run `passerelle check --sources DIR --record-fingerprints` after reading the provision",
                    "exécutez « passerelle check --sources DIR --record-fingerprints » après avoir lu la disposition",
                )),
            );
        }
    } else {
        for (i, dir) in dirs.iter().enumerate() {
            let Some(f) = fresh.get(i) else { continue };
            if f.is_empty() {
                continue;
            }
            rep.recorded += f.values().map(BTreeMap::len).sum::<usize>();
            if let Some(l) = locks.get_mut(i) {
                *l = f.clone();
            }
            if let Err(e) = write_lock(dir, f) {
                rep.diags.push(Diag::error(
                    Code::Io,
                    Bi::new(
                        format!("cannot write {LOCK_FILE}: {e}"),
                        format!("impossible d'écrire {LOCK_FILE} : {e}"),
                    ),
                ));
            }
        }
    }
    let _ = map;
    rep
}

/// The official text of one provision, for `passerelle cite`.
#[derive(Debug)]
pub struct Cited {
    /// Instrument title in the text's language.
    pub title: String,
    /// The file.
    pub path: String,
    /// Section.
    pub section: String,
    /// Heading or marginal note.
    pub heading: Option<String>,
    /// The text.
    pub text: String,
    /// Fingerprint.
    pub fingerprint: String,
    /// The official page.
    pub url: String,
}

/// Looks up `instrument section` in the official text, in a language.
pub fn cite(
    m: &Model,
    sources: &Path,
    instrument: &str,
    section: &str,
    lang: Lang,
) -> Result<Cited, Bi> {
    let Some(&iid) = m.instrument_ids.get(instrument) else {
        let sugg = did_you_mean(instrument, m.instrument_ids.keys().map(String::as_str))
            .map(|s| {
                (
                    format!(" (did you mean `{s}`?)"),
                    format!(" (vouliez-vous dire « {s} » ?)"),
                )
            })
            .unwrap_or_default();
        return Err(Bi::new(
            format!(
                "no loaded pack declares instrument `{instrument}`{}",
                sugg.0
            ),
            format!(
                "aucun paquet chargé ne déclare l'instrument « {instrument} »{}",
                sugg.1
            ),
        ));
    };
    let inst = &m.instruments[iid.idx()];
    let canonical = inst
        .resolve_section(section)
        .map(|(c, _)| c)
        .unwrap_or_else(|| section.to_string());
    let path = match lang {
        Lang::En => inst.official.en.as_ref(),
        Lang::Fr => inst.official.fr.as_ref(),
    };
    let Some(path) = path else {
        return Err(Bi::new(
            format!(
                "`{instrument}` has no official {} text in machine-readable form; see {}",
                if lang == Lang::En {
                    "English"
                } else {
                    "French"
                },
                inst.source.get(lang)
            ),
            format!(
                "« {instrument} » n'a pas de texte officiel {} lisible par machine; voir {}",
                if lang == Lang::En {
                    "anglais"
                } else {
                    "français"
                },
                inst.source.get(lang)
            ),
        ));
    };
    let set = SourceSet::open(sources).map_err(|e| Bi::new(e.to_string(), e.to_string()))?;
    let doc = set
        .document(path)
        .map_err(|e| Bi::new(e.to_string(), e.to_string()))?;
    let Some(p) = doc.provision(&canonical) else {
        let near = doc.nearest(&canonical, 3).join(", ");
        return Err(Bi::new(
            format!("`{instrument} {canonical}` is not in {path} (closest: {near})"),
            format!("« {instrument} {canonical} » n'est pas dans {path} (plus proches : {near})"),
        ));
    };
    Ok(Cited {
        title: doc.title().to_string(),
        path: path.clone(),
        section: p.section.clone(),
        heading: p.heading.clone(),
        text: p.text.clone(),
        fingerprint: p.fingerprint(),
        url: inst.source.get(lang).to_string(),
    })
}
