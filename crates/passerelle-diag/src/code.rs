//! Stable diagnostic codes. They appear in JSON output and in docs; never rename one.

use serde::Serialize;

macro_rules! codes {
    ($($variant:ident => $text:literal, $doc:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
        pub enum Code {
            $(#[doc = $doc] $variant,)*
        }

        impl Code {
            /// The code as written in output, e.g. `unknown-name`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)* }
            }

            /// Every code, for documentation and tests.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];
        }
    };
}

codes! {
    MissingFolder => "missing-folder", "A pack folder does not exist or is not a folder.";
    Io => "io", "A file could not be read.";
    NotUtf8 => "not-utf8", "A file is not valid UTF-8.";
    EmptyFile => "empty-file", "A file is empty.";
    FileTooLarge => "file-too-large", "A file is larger than the limit.";
    Manifest => "manifest", "`pack.toml` is missing or malformed.";
    FrontMatter => "front-matter", "An instrument's front matter is malformed.";
    Syntax => "syntax", "The rule text cannot be parsed.";
    TooDeep => "too-deep", "Expressions or blocks are nested too deeply.";
    InvalidLiteral => "invalid-literal", "A number, amount, date or string is malformed.";
    UnknownKeyword => "unknown-keyword", "A declaration keyword is not part of the language.";
    UnknownField => "unknown-field", "A field is not allowed in this declaration.";
    MissingField => "missing-field", "A required field is absent.";
    DuplicateField => "duplicate-field", "A field that may appear once appears twice.";
    BadValue => "bad-value", "A field's value has the wrong shape.";
    UnknownName => "unknown-name", "A name refers to nothing declared.";
    DuplicateId => "duplicate-id", "Two declarations share an id.";
    TypeMismatch => "type-mismatch", "An expression has the wrong type.";
    MissingTranslation => "missing-translation", "A text a person reads lacks English or French.";
    DefinitionCycle => "definition-cycle", "Definitions depend on each other in a cycle.";
    UnknownDisplaced => "unknown-displaced", "A `displaces` names a rule that does not exist.";
    DisplacementCycle => "displacement-cycle", "Rules displace each other in a cycle.";
    StepCycle => "step-cycle", "Process steps wait for each other in a cycle.";
    BadPeriod => "bad-period", "An effective period ends before it starts.";
    SelfGated => "self-gated", "A fact's gate depends on the fact itself.";
    UnknownInstrument => "unknown-instrument", "A citation names an instrument no loaded file declares.";
    UnknownSection => "unknown-section", "A citation names a section the instrument does not have.";
    NoCitation => "no-citation", "A rule or myth cites no provision.";
    LayerConflict => "layer-conflict", "A lower layer relaxes a higher layer's obligation without delegation.";
    UnknownPack => "unknown-pack", "A pack this pack builds on cannot be found.";
    EmptyScenario => "empty-scenario", "A scenario expects nothing.";
    SourceMissing => "source-missing", "The official text of a cited instrument is not available.";
    SourceUnresolved => "source-unresolved", "A cited section does not exist in the official text.";
    SourceChanged => "source-changed", "The official text of a cited provision changed since it was verified.";
    SourceUnverified => "source-unverified", "A verified rule cites a provision whose fingerprint is not recorded.";
    NeverTrue => "never-true", "A condition can never be true.";
    UnusedFact => "unused-fact", "A fact is never used.";
    UnverifiedRule => "unverified-rule", "A rule is marked unverified.";
    BadTemplate => "bad-template", "A document template is malformed or uses an unknown placeholder.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique() {
        let mut seen = HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {}", c.as_str());
        }
    }
}
