//! Reading pack folders: manifests, `builds_on`, Markdown files, digests.

use passerelle_check::{PackInput, parse_manifest};
use passerelle_diag::{Bi, Code, Diag, Diags, FileId, SourceMap, Span};
use passerelle_syntax::MAX_FILE_BYTES;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Packs read from disk, ready for the checker.
#[derive(Debug, Default)]
pub struct LoadedPacks {
    /// Every file read.
    pub map: SourceMap,
    /// Packs, base first.
    pub inputs: Vec<PackInput>,
    /// Folder of each pack.
    pub dirs: Vec<PathBuf>,
    /// SHA-256 of each pack's files (paths and contents), hex.
    pub digests: Vec<String>,
    /// Problems reading.
    pub diags: Diags,
}

/// Largest number of files a pack may have.
pub const MAX_FILES: usize = 20_000;

fn display(p: &Path) -> String {
    p.display().to_string()
}

fn read_text(path: &Path, name: &str, diags: &mut Diags) -> Option<String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            diags.push(Diag::error(
                Code::Io,
                Bi::new(
                    format!("cannot read {name}: {e}"),
                    format!("impossible de lire {name} : {e}"),
                ),
            ));
            return None;
        }
    };
    if meta.len() > MAX_FILE_BYTES as u64 {
        let mb = meta.len() / (1024 * 1024);
        let limit = MAX_FILE_BYTES / (1024 * 1024);
        diags.push(
            Diag::error(
                Code::FileTooLarge,
                Bi::new(
                    format!("{name} is {mb} MiB; files are limited to {limit} MiB"),
                    format!("{name} fait {mb} Mio; les fichiers sont limités à {limit} Mio"),
                ),
            )
            .help(Bi::new(
                "split the instrument into several files",
                "répartissez l'instrument dans plusieurs fichiers",
            )),
        );
        return None;
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diag::error(
                Code::Io,
                Bi::new(
                    format!("cannot read {name}: {e}"),
                    format!("impossible de lire {name} : {e}"),
                ),
            ));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            let line = prefix.matches('\n').count() + 1;
            let column = prefix
                .rsplit('\n')
                .next()
                .map(|l| l.chars().count())
                .unwrap_or(0)
                + 1;
            diags.push(
                Diag::error(
                    Code::NotUtf8,
                    Bi::new(
                        format!("{name}:{line}:{column}: the file is not valid UTF-8 (byte {valid})"),
                        format!("{name}:{line}:{column} : le fichier n'est pas en UTF-8 valide (octet {valid})"),
                    ),
                )
                .help(Bi::new(
                    "save the file as UTF-8",
                    "enregistrez le fichier en UTF-8",
                )),
            );
            None
        }
    }
}

fn md_files(root: &Path, diags: &mut Diags) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                let name = display(&dir);
                diags.push(Diag::error(
                    Code::Io,
                    Bi::new(
                        format!("cannot list {name}: {e}"),
                        format!("impossible de lister {name} : {e}"),
                    ),
                ));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            let fname = entry.file_name().to_string_lossy().into_owned();
            if fname.starts_with('.') {
                continue;
            }
            if ft.is_dir() {
                if dir == root && fname == "templates" {
                    continue;
                }
                stack.push(path);
            } else if ft.is_file() && fname.ends_with(".md") {
                out.push(path);
                if out.len() > MAX_FILES {
                    diags.push(Diag::error(
                        Code::Io,
                        Bi::new(
                            format!("{} holds more than {MAX_FILES} files", display(root)),
                            format!("{} contient plus de {MAX_FILES} fichiers", display(root)),
                        ),
                    ));
                    return out;
                }
            }
        }
    }
    out.sort();
    out
}

/// Reads pack folders and, through `builds_on` paths, the packs they build on. Packs come
/// out base first, each once.
pub fn load_packs(dirs: &[PathBuf]) -> LoadedPacks {
    let mut lp = LoadedPacks::default();
    let mut order: Vec<PathBuf> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for d in dirs {
        visit(d, &mut lp, &mut order, &mut ids, 0);
    }
    lp
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

fn visit(
    dir: &Path,
    lp: &mut LoadedPacks,
    order: &mut Vec<PathBuf>,
    ids: &mut Vec<String>,
    depth: usize,
) {
    let canon = canonical(dir);
    if order.contains(&canon) || depth > 16 {
        return;
    }
    let name = display(dir);
    if !dir.is_dir() {
        lp.diags.push(
            Diag::error(
                Code::MissingFolder,
                Bi::new(
                    format!("{name} is not a folder"),
                    format!("{name} n'est pas un dossier"),
                ),
            )
            .help(Bi::new(
                "give the folder that holds the pack's pack.toml",
                "indiquez le dossier qui contient le pack.toml du paquet",
            )),
        );
        return;
    }
    let manifest_path = dir.join("pack.toml");
    let manifest_name = display(&manifest_path);
    if !manifest_path.is_file() {
        lp.diags.push(
            Diag::error(
                Code::Manifest,
                Bi::new(
                    format!("{manifest_name} is missing"),
                    format!("{manifest_name} est absent"),
                ),
            )
            .help(Bi::new(
                "a pack folder starts with a pack.toml (id, version, layer, title)",
                "un dossier de paquet commence par un pack.toml (id, version, layer, title)",
            )),
        );
        return;
    }
    let Some(text) = read_text(&manifest_path, &manifest_name, &mut lp.diags) else {
        return;
    };
    // Peek at the manifest to follow `builds_on` first.
    let mut scratch = Vec::new();
    let probe_file = FileId(u32::MAX);
    if let Some(man) = parse_manifest(probe_file, &text, &mut scratch) {
        for (base_id, base_path) in &man.builds_on {
            if ids.contains(base_id) {
                continue;
            }
            if let Some(p) = base_path {
                visit(&dir.join(p), lp, order, ids, depth + 1);
            }
        }
        if ids.contains(&man.id) {
            lp.diags.push(Diag::error(
                Code::DuplicateId,
                Bi::new(
                    format!("two packs have the id `{}` ({name})", man.id),
                    format!("deux paquets ont l'identifiant « {} » ({name})", man.id),
                ),
            ));
            return;
        }
        ids.push(man.id.clone());
    }
    let manifest = lp.map.add(manifest_name, text.clone());
    let mut hasher = Sha256::new();
    hasher.update(b"pack.toml\0");
    hasher.update(text.as_bytes());
    let mut files = Vec::new();
    for path in md_files(dir, &mut lp.diags) {
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let shown = display(&path);
        let Some(text) = read_text(&path, &shown, &mut lp.diags) else {
            continue;
        };
        hasher.update(rel.as_bytes());
        hasher.update(b"\0");
        hasher.update(text.as_bytes());
        hasher.update(b"\0");
        if text.trim().is_empty() {
            let id = lp.map.add(shown.clone(), text);
            lp.diags.push(
                Diag::warning(
                    Code::EmptyFile,
                    Bi::new(format!("{shown} is empty"), format!("{shown} est vide")),
                )
                .at(Span::new(id, 0, 0), Bi::new("empty file", "fichier vide"))
                .help(Bi::new(
                    "remove it or write the instrument",
                    "supprimez-le ou rédigez l'instrument",
                )),
            );
            continue;
        }
        files.push(lp.map.add(shown, text));
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    order.push(canon);
    lp.inputs.push(PackInput {
        dir: name,
        manifest,
        files,
    });
    lp.dirs.push(dir.to_path_buf());
    lp.digests.push(digest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_folder_is_a_diagnostic() {
        let lp = load_packs(&[PathBuf::from("/nonexistent/pack")]);
        assert!(lp.diags.has_errors());
        assert!(lp.inputs.is_empty());
    }
}
