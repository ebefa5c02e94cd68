//! A folder of official texts, parsed lazily and cached.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::{MAX_DOCUMENT_BYTES, OfficialText, SourceError};

/// Extensions of the files [`SourceSet::documents`] lists.
const EXTENSIONS: &[&str] = &["xml", "html", "htm", "xhtml", "md", "markdown"];

/// Sub-folders [`SourceSet::documents`] lists.
const SUBFOLDERS: &[&str] = &["laws", "tbs"];

/// A folder of official texts (such as `data/`, holding `laws/` and `tbs/`).
///
/// Documents are read and parsed the first time they are asked for, then shared from a
/// cache; a check run only pays for the few files it cites. `SourceSet` is
/// `Send + Sync`, so a server can share one behind an `Arc`.
#[derive(Debug)]
pub struct SourceSet {
    root: PathBuf,
    canonical_root: PathBuf,
    cache: Mutex<HashMap<String, Arc<OfficialText>>>,
}

impl SourceSet {
    /// Opens a folder of official texts. Nothing is read yet.
    ///
    /// # Errors
    ///
    /// [`SourceError::MissingFolder`] if `dir` is not an existing directory.
    pub fn open(dir: &Path) -> Result<SourceSet, SourceError> {
        let missing = || SourceError::MissingFolder {
            path: dir.display().to_string(),
        };
        if !dir.is_dir() {
            return Err(missing());
        }
        let canonical_root = dir.canonicalize().map_err(|_| missing())?;
        Ok(SourceSet {
            root: dir.to_path_buf(),
            canonical_root,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The folder, as given to [`SourceSet::open`].
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The document at `rel_path` (relative to the folder, `/`-separated, such as
    /// `laws/eng/P-21.xml`), parsed on first use.
    ///
    /// # Errors
    ///
    /// [`SourceError::PathEscapes`] for absolute paths, `..` or a link leading outside
    /// the folder; [`SourceError::NotFound`]; [`SourceError::Unreadable`];
    /// [`SourceError::TooLarge`]; and the parse errors of [`OfficialText::parse`].
    pub fn document(&self, rel_path: &str) -> Result<Arc<OfficialText>, SourceError> {
        let key = relative_key(rel_path)?;
        if let Some(doc) = self.lock().get(&key) {
            return Ok(Arc::clone(doc));
        }
        let bytes = self.read(&key)?;
        let parsed = Arc::new(OfficialText::parse(&key, &bytes)?);
        // Another thread may have parsed it meanwhile; keep the first.
        let mut cache = self.lock();
        Ok(Arc::clone(cache.entry(key).or_insert(parsed)))
    }

    /// Relative paths of the documents under `laws/` and `tbs/` (XML, HTML and Markdown
    /// files other than READMEs), sorted. Missing sub-folders are skipped.
    ///
    /// # Errors
    ///
    /// [`SourceError::Unreadable`] if a folder cannot be listed.
    pub fn documents(&self) -> Result<Vec<String>, SourceError> {
        let mut out = Vec::new();
        for sub in SUBFOLDERS {
            let dir = self.root.join(sub);
            if dir.is_dir() {
                list(&dir, sub, &mut out, 0)?;
            }
        }
        out.sort();
        Ok(out)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<OfficialText>>> {
        // A panic elsewhere cannot leave the map half-updated, so a poisoned lock is fine.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn read(&self, key: &str) -> Result<Vec<u8>, SourceError> {
        let path = self.root.join(key);
        let unreadable = |source: io::Error| SourceError::Unreadable {
            path: key.to_owned(),
            source,
        };
        let canonical = match path.canonicalize() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(SourceError::NotFound {
                    path: key.to_owned(),
                    folder: self.root.display().to_string(),
                });
            }
            Err(e) => return Err(unreadable(e)),
        };
        if !canonical.starts_with(&self.canonical_root) {
            return Err(SourceError::PathEscapes {
                path: key.to_owned(),
            });
        }
        let file = File::open(&canonical).map_err(unreadable)?;
        let meta = file.metadata().map_err(unreadable)?;
        if !meta.is_file() {
            return Err(unreadable(io::Error::other("not a regular file")));
        }
        if meta.len() > MAX_DOCUMENT_BYTES {
            return Err(SourceError::TooLarge {
                path: key.to_owned(),
                size: meta.len(),
                limit: MAX_DOCUMENT_BYTES,
            });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        // The file may grow between the check and the read: never read past the limit.
        file.take(MAX_DOCUMENT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if size > MAX_DOCUMENT_BYTES {
            return Err(SourceError::TooLarge {
                path: key.to_owned(),
                size,
                limit: MAX_DOCUMENT_BYTES,
            });
        }
        Ok(bytes)
    }
}

/// Checks a relative path and returns its normal form (`a/b.xml`): no absolute paths,
/// drive letters, `..` or NUL; `\` counts as a separator; `.` and empty parts dropped.
fn relative_key(rel_path: &str) -> Result<String, SourceError> {
    let escapes = || SourceError::PathEscapes {
        path: rel_path.to_owned(),
    };
    let unified = rel_path.trim().replace('\\', "/");
    if unified.starts_with('/') || unified.contains('\0') || Path::new(&unified).is_absolute() {
        return Err(escapes());
    }
    let mut parts = Vec::new();
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(escapes()),
            p if p.contains(':') => return Err(escapes()),
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(escapes());
    }
    Ok(parts.join("/"))
}

fn list(dir: &Path, prefix: &str, out: &mut Vec<String>, depth: usize) -> Result<(), SourceError> {
    if depth > 8 {
        return Ok(());
    }
    let unreadable = |source: io::Error| SourceError::Unreadable {
        path: prefix.to_owned(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let rel = format!("{prefix}/{name}");
        let file_type = entry.file_type().map_err(unreadable)?;
        if file_type.is_dir() {
            list(&entry.path(), &rel, out, depth + 1)?;
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let known = lower
            .rsplit_once('.')
            .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext));
        if known && !lower.starts_with("readme") {
            out.push(rel);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_keys() {
        assert_eq!(
            relative_key("laws/eng/P-21.xml").ok().as_deref(),
            Some("laws/eng/P-21.xml")
        );
        assert_eq!(
            relative_key(" ./laws//eng/./P-21.xml ").ok().as_deref(),
            Some("laws/eng/P-21.xml")
        );
        assert_eq!(
            relative_key("laws\\eng\\P-21.xml").ok().as_deref(),
            Some("laws/eng/P-21.xml")
        );
        for bad in [
            "",
            "/etc/passwd",
            "../x.xml",
            "laws/../../x",
            "laws\\..\\..\\x",
            "C:/x.xml",
            "c:x",
            ".",
            "a\0b",
        ] {
            assert!(
                matches!(relative_key(bad), Err(SourceError::PathEscapes { .. })),
                "{bad:?} accepted"
            );
        }
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<SourceSet>();
        check::<OfficialText>();
        check::<Arc<OfficialText>>();
    }

    #[test]
    fn missing_folder() {
        let err = SourceSet::open(Path::new("/definitely/not/here"));
        assert!(
            matches!(err, Err(SourceError::MissingFolder { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn reads_caches_and_refuses() -> Result<(), Box<dyn std::error::Error>> {
        let dir =
            std::env::temp_dir().join(format!("passerelle-sources-test-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        let tbs = dir.join("tbs");
        std::fs::create_dir_all(&tbs)?;
        std::fs::write(
            tbs.join("D_1_2024-01-02.xml"),
            r#"<doc title="D" language="en"><chapters><chapter anchor="1" title="One"><clauses><clause anchor="1.1">Text.</clause></clauses></chapter></chapters></doc>"#,
        )?;
        std::fs::write(tbs.join("bad.xml"), "<doc><chapter></doc>")?;
        std::fs::write(tbs.join("README.md"), "# readme")?;
        let set = SourceSet::open(&dir)?;
        let first = set.document("tbs/D_1_2024-01-02.xml")?;
        let second = set.document("./tbs//D_1_2024-01-02.xml")?;
        assert!(Arc::ptr_eq(&first, &second), "not cached");
        assert_eq!(
            first.provision("1.1").map(|p| p.text.as_str()),
            Some("Text.")
        );
        assert!(matches!(
            set.document("tbs/none.xml"),
            Err(SourceError::NotFound { .. })
        ));
        assert!(matches!(
            set.document("../etc/passwd"),
            Err(SourceError::PathEscapes { .. })
        ));
        assert!(matches!(
            set.document("tbs"),
            Err(SourceError::Unreadable { .. })
        ));
        assert!(matches!(
            set.document("tbs/bad.xml"),
            Err(SourceError::MalformedXml { line: 1, .. })
        ));
        assert_eq!(
            set.documents()?,
            vec!["tbs/D_1_2024-01-02.xml", "tbs/bad.xml"]
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", tbs.join("link"))?;
            assert!(matches!(
                set.document("tbs/link/hostname"),
                Err(SourceError::PathEscapes { .. }) | Err(SourceError::NotFound { .. })
            ));
        }
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
