//! Errors raised while locating, reading and parsing official texts.

/// Why an official text could not be opened or parsed.
///
/// Paths are reported as given (relative to the source folder when the error comes from
/// [`crate::SourceSet`], or the `path_hint` given to [`crate::OfficialText::parse`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The folder of official texts does not exist or is not a directory.
    #[error("official-text folder `{path}` does not exist or is not a directory")]
    MissingFolder {
        /// The folder that was asked for.
        path: String,
    },

    /// The document is not in the folder of official texts.
    #[error("official text `{path}` not found in `{folder}`")]
    NotFound {
        /// The relative path that was asked for.
        path: String,
        /// The folder of official texts.
        folder: String,
    },

    /// The file exists but could not be read.
    #[error("cannot read official text `{path}`: {source}")]
    Unreadable {
        /// The file.
        path: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The file is larger than [`crate::MAX_DOCUMENT_BYTES`].
    #[error("official text `{path}` is {size} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size in bytes (or a lower bound, when it was read from a stream).
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },

    /// The file is not UTF-8.
    #[error("official text `{path}` is not UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The file.
        path: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },

    /// The file is not well-formed XML (XHTML pages included), or is too deeply nested or
    /// too large in nodes to be processed safely.
    #[error("official text `{path}` is not well-formed XML at {line}:{column}: {message}")]
    MalformedXml {
        /// The file.
        path: String,
        /// 1-based line of the problem.
        line: u32,
        /// 1-based column of the problem.
        column: u32,
        /// What the XML parser reported.
        message: String,
    },

    /// The file is well-formed but in none of the supported formats.
    #[error("official text `{path}` is in an unknown format: {reason}")]
    UnknownFormat {
        /// The file.
        path: String,
        /// What was found instead.
        reason: String,
    },

    /// The relative path is absolute, contains `..`, or leads outside the folder (for
    /// example through a symbolic link).
    #[error("path `{path}` escapes the official-text folder")]
    PathEscapes {
        /// The path that was refused.
        path: String,
    },
}
