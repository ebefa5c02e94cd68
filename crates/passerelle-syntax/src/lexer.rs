//! The lexer: rule-block text to tokens. Never fails; bad input becomes
//! [`TokKind::Error`] tokens plus diagnostics.

use passerelle_diag::{Bi, Code, Diag, FileId, Span};

/// A token kind.
#[derive(Clone, Debug, PartialEq)]
pub enum TokKind {
    /// A name or keyword.
    Ident,
    /// An integer.
    Int(i64),
    /// An amount in cents.
    Money(i64),
    /// A date.
    Date(jiff::civil::Date),
    /// A string (decoded).
    Str(String),
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `:`
    Colon,
    /// `;` (an explicit end of field)
    Semi,
    /// `.`
    Dot,
    /// `==`
    EqEq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `=>`
    Arrow,
    /// `=` (accepted where a field key is followed by a value, for authors used to TOML)
    Assign,
    /// End of a line.
    Newline,
    /// `# …` (text after the `#`).
    Comment(String),
    /// Something that could not be lexed (already reported).
    Error,
    /// End of input.
    Eof,
}

/// A token with its location and, for names, its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The kind.
    pub kind: TokKind,
    /// Where (absolute offsets in the file).
    pub span: Span,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Lexes `text`, which starts at byte `base` of `file`.
pub fn lex(file: FileId, text: &str, base: usize, diags: &mut Vec<Diag>) -> Vec<Token> {
    let mut lx = Lexer {
        file,
        text,
        base,
        pos: 0,
        out: Vec::with_capacity(text.len() / 4 + 1),
        diags,
    };
    lx.run();
    lx.out
}

struct Lexer<'a, 'd> {
    file: FileId,
    text: &'a str,
    base: usize,
    pos: usize,
    out: Vec<Token>,
    diags: &'d mut Vec<Diag>,
}

impl Lexer<'_, '_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    fn push(&mut self, kind: TokKind, start: usize, end: usize) {
        let span = self.span(start, end);
        self.out.push(Token { kind, span });
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn peek2(&self) -> Option<char> {
        let mut it = self.text.get(self.pos..)?.chars();
        it.next();
        it.next()
    }

    fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    fn error(&mut self, start: usize, end: usize, code: Code, msg: Bi, label: Bi) {
        let d = Diag::error(code, msg).at(self.span(start, end), label);
        self.diags.push(d);
    }

    fn run(&mut self) {
        while let Some(&b) = self.bytes().get(self.pos) {
            // ASCII without decoding; anything else as a whole character.
            let c = if b.is_ascii() {
                char::from(b)
            } else {
                match self.peek() {
                    Some(c) => c,
                    None => break,
                }
            };
            let start = self.pos;
            match c {
                '\n' => {
                    self.pos += 1;
                    self.push(TokKind::Newline, start, start + 1);
                }
                ' ' | '\t' | '\r' => {
                    // The whole run of blanks (indentation) at once.
                    let b = self.bytes();
                    let mut p = self.pos + 1;
                    while matches!(b.get(p), Some(b' ' | b'\t' | b'\r')) {
                        p += 1;
                    }
                    self.pos = p;
                }
                '#' => {
                    let end = self.text[start..]
                        .find('\n')
                        .map(|i| start + i)
                        .unwrap_or(self.text.len());
                    let body = self.text[start + 1..end].trim_end().to_string();
                    self.pos = end;
                    self.push(TokKind::Comment(body), start, end);
                }
                '"' => self.string(),
                '$' => self.money(),
                '0'..='9' => self.number(),
                '{' => self.single(TokKind::LBrace),
                '}' => self.single(TokKind::RBrace),
                '[' => self.single(TokKind::LBracket),
                ']' => self.single(TokKind::RBracket),
                '(' => self.single(TokKind::LParen),
                ')' => self.single(TokKind::RParen),
                ',' => self.single(TokKind::Comma),
                ':' => self.single(TokKind::Colon),
                ';' => self.single(TokKind::Semi),
                '.' => self.single(TokKind::Dot),
                '+' => self.single(TokKind::Plus),
                '-' => self.single(TokKind::Minus),
                '*' => self.single(TokKind::Star),
                '/' => self.single(TokKind::Slash),
                '=' => match self.peek2() {
                    Some('=') => self.double(TokKind::EqEq),
                    Some('>') => self.double(TokKind::Arrow),
                    _ => self.single(TokKind::Assign),
                },
                '!' if self.peek2() == Some('=') => self.double(TokKind::Ne),
                '<' if self.peek2() == Some('=') => self.double(TokKind::Le),
                '>' if self.peek2() == Some('=') => self.double(TokKind::Ge),
                '<' => self.single(TokKind::Lt),
                '>' => self.single(TokKind::Gt),
                c if is_ident_start(c) => self.ident(),
                c => {
                    self.pos += c.len_utf8();
                    self.error(
                        start,
                        self.pos,
                        Code::Syntax,
                        Bi::new(
                            format!("unexpected character `{c}`"),
                            format!("caractère inattendu « {c} »"),
                        ),
                        Bi::new("not part of the language", "ne fait pas partie du langage"),
                    );
                    self.push(TokKind::Error, start, self.pos);
                }
            }
        }
        let end = self.text.len();
        self.push(TokKind::Eof, end, end);
    }

    fn single(&mut self, k: TokKind) {
        let s = self.pos;
        self.pos += 1;
        self.push(k, s, s + 1);
    }

    fn double(&mut self, k: TokKind) {
        let s = self.pos;
        self.pos += 2;
        self.push(k, s, s + 2);
    }

    fn ident(&mut self) {
        let start = self.pos;
        loop {
            // ASCII name characters without decoding (`is_ident_char` on ASCII).
            let b = self.bytes();
            let mut p = self.pos;
            while b
                .get(p)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                p += 1;
            }
            self.pos = p;
            match self.peek() {
                Some(c) if is_ident_char(c) => self.pos += c.len_utf8(),
                // A hyphen joins two parts of an id (`tell-purpose`) when a name character
                // follows it directly.
                Some('-') if self.peek2().is_some_and(is_ident_char) && self.pos > start => {
                    self.pos += 1
                }
                _ => break,
            }
        }
        self.push(TokKind::Ident, start, self.pos);
    }

    fn digits(&mut self) -> (usize, usize) {
        let s = self.pos;
        while let Some(b) = self.bytes().get(self.pos) {
            if b.is_ascii_digit() || *b == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        (s, self.pos)
    }

    fn parse_int(&mut self, s: usize, e: usize, tok_start: usize) -> Option<i64> {
        let clean: String = self.text[s..e].chars().filter(|c| *c != '_').collect();
        match clean.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.error(
                    tok_start,
                    self.pos,
                    Code::InvalidLiteral,
                    Bi::new("number too large", "nombre trop grand"),
                    Bi::new(
                        "integers go up to 9223372036854775807",
                        "les entiers vont jusqu'à 9223372036854775807",
                    ),
                );
                None
            }
        }
    }

    fn number(&mut self) {
        let start = self.pos;
        // A date: exactly YYYY-MM-DD.
        let b = self.bytes();
        let is_date = b.len() >= start + 10
            && b[start..start + 4].iter().all(u8::is_ascii_digit)
            && b[start + 4] == b'-'
            && b[start + 5..start + 7].iter().all(u8::is_ascii_digit)
            && b[start + 7] == b'-'
            && b[start + 8..start + 10].iter().all(u8::is_ascii_digit)
            && b.get(start + 10).is_none_or(|c| !c.is_ascii_alphanumeric());
        if is_date {
            self.pos = start + 10;
            let txt = &self.text[start..start + 10];
            let y = txt[0..4].parse::<i16>().unwrap_or(0);
            let m = txt[5..7].parse::<i8>().unwrap_or(0);
            let d = txt[8..10].parse::<i8>().unwrap_or(0);
            match jiff::civil::Date::new(y, m, d) {
                Ok(date) => self.push(TokKind::Date(date), start, self.pos),
                Err(_) => {
                    self.error(
                        start,
                        self.pos,
                        Code::InvalidLiteral,
                        Bi::new(
                            format!("`{txt}` is not a valid date"),
                            format!("« {txt} » n'est pas une date valide"),
                        ),
                        Bi::new("no such day", "ce jour n'existe pas"),
                    );
                    self.push(TokKind::Error, start, self.pos);
                }
            }
            return;
        }
        let (s, e) = self.digits();
        match self.parse_int(s, e, start) {
            Some(v) => self.push(TokKind::Int(v), start, self.pos),
            None => self.push(TokKind::Error, start, self.pos),
        }
    }

    fn money(&mut self) {
        let start = self.pos;
        self.pos += 1;
        let (s, e) = self.digits();
        if s == e {
            self.error(
                start,
                self.pos,
                Code::InvalidLiteral,
                Bi::new(
                    "`$` must be followed by an amount",
                    "« $ » doit être suivi d'un montant",
                ),
                Bi::new(
                    "write an amount such as `$50` or `$1_250.75`",
                    "écrivez un montant comme « $50 » ou « $1_250.75 »",
                ),
            );
            self.push(TokKind::Error, start, self.pos);
            return;
        }
        let dollars = self.parse_int(s, e, start);
        let mut cents: i64 = 0;
        let mut ok = dollars.is_some();
        if self.bytes().get(self.pos) == Some(&b'.')
            && self
                .bytes()
                .get(self.pos + 1)
                .is_some_and(u8::is_ascii_digit)
        {
            self.pos += 1;
            let fs = self.pos;
            while self.bytes().get(self.pos).is_some_and(u8::is_ascii_digit) {
                self.pos += 1;
            }
            let frac = &self.text[fs..self.pos];
            if frac.len() > 2 {
                self.error(
                    start,
                    self.pos,
                    Code::InvalidLiteral,
                    Bi::new(
                        "amounts have at most two decimals",
                        "les montants ont au plus deux décimales",
                    ),
                    Bi::new("cents only", "les cents seulement"),
                );
                ok = false;
            } else {
                cents = frac.parse::<i64>().unwrap_or(0) * if frac.len() == 1 { 10 } else { 1 };
            }
        }
        let total = dollars
            .and_then(|d| d.checked_mul(100))
            .and_then(|d| d.checked_add(cents));
        match (ok, total) {
            (true, Some(v)) => self.push(TokKind::Money(v), start, self.pos),
            (true, None) => {
                self.error(
                    start,
                    self.pos,
                    Code::InvalidLiteral,
                    Bi::new("amount too large", "montant trop grand"),
                    Bi::new("out of range", "hors limites"),
                );
                self.push(TokKind::Error, start, self.pos);
            }
            (false, _) => self.push(TokKind::Error, start, self.pos),
        }
    }

    fn string(&mut self) {
        let start = self.pos;
        self.pos += 1;
        // Most strings are one line without escapes: copy them in one go.
        let rest = self.text.get(self.pos..).unwrap_or("");
        // (Bytes: the four are ASCII, and no byte of a longer character is ASCII.)
        if let Some(i) = rest
            .bytes()
            .position(|b| matches!(b, b'"' | b'\\' | b'\n' | b'\r'))
            && rest.as_bytes().get(i) == Some(&b'"')
        {
            let value = rest[..i].to_string();
            self.pos += i + 1;
            self.push(TokKind::Str(value), start, self.pos);
            return;
        }
        let mut value = String::with_capacity(rest.len().min(64));
        let mut pending_space = false;
        loop {
            let Some(c) = self.peek() else {
                // Unterminated: report, and end the string at the end of its first line so
                // the rest of the block can still be read.
                let line_end = self.text[start..]
                    .find('\n')
                    .map(|i| start + i)
                    .unwrap_or(self.text.len());
                self.pos = line_end;
                self.error(
                    start,
                    line_end,
                    Code::Syntax,
                    Bi::new("unterminated string", "chaîne non terminée"),
                    Bi::new(
                        "this string has no closing `\"`",
                        "il manque le « \" » de fermeture",
                    ),
                );
                self.push(TokKind::Error, start, line_end);
                return;
            };
            self.pos += c.len_utf8();
            match c {
                '"' => break,
                '\\' => {
                    let esc = self.peek();
                    if let Some(e) = esc {
                        self.pos += e.len_utf8();
                    }
                    if pending_space {
                        value.push(' ');
                        pending_space = false;
                    }
                    match esc {
                        Some('"') => value.push('"'),
                        Some('\\') => value.push('\\'),
                        Some('n') => value.push('\n'),
                        Some('t') => value.push('\t'),
                        other => {
                            let shown = other.map(String::from).unwrap_or_default();
                            self.error(
                                self.pos.saturating_sub(2),
                                self.pos,
                                Code::InvalidLiteral,
                                Bi::new(
                                    format!("unknown escape `\\{shown}`"),
                                    format!("séquence d'échappement inconnue « \\{shown} »"),
                                ),
                                Bi::new(
                                    "use \\\" \\\\ \\n or \\t",
                                    "utilisez \\\" \\\\ \\n ou \\t",
                                ),
                            );
                        }
                    }
                }
                '\n' | '\r' => {
                    // A line break and the indentation after it read as one space.
                    while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
                        self.pos += 1;
                    }
                    pending_space = !value.is_empty() && !value.ends_with(['\n', ' ']);
                }
                c => {
                    if pending_space {
                        value.push(' ');
                        pending_space = false;
                    }
                    value.push(c);
                }
            }
        }
        self.push(TokKind::Str(value), start, self.pos);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> (Vec<TokKind>, usize) {
        let mut d = Vec::new();
        let t = lex(FileId(0), src, 0, &mut d);
        (t.into_iter().map(|t| t.kind).collect(), d.len())
    }

    #[test]
    fn literals() {
        let (k, errs) = kinds("$1_250.5 2024-10-09 42 \"a\\\"b\" tell-purpose a - b");
        assert_eq!(errs, 0);
        assert_eq!(k[0], TokKind::Money(125_050));
        assert!(matches!(k[1], TokKind::Date(_)));
        assert_eq!(k[2], TokKind::Int(42));
        assert_eq!(k[3], TokKind::Str("a\"b".into()));
        assert_eq!(k[4], TokKind::Ident);
        assert_eq!(k[5], TokKind::Ident);
        assert_eq!(k[6], TokKind::Minus);
    }

    #[test]
    fn multi_line_strings_fold_line_breaks() {
        let (k, _) = kinds("\"one\n     two\"");
        assert_eq!(k[0], TokKind::Str("one two".into()));
    }

    #[test]
    fn bad_literals_are_reported_not_panicked() {
        for src in [
            "2024-13-40",
            "$",
            "$1.234",
            "99999999999999999999",
            "\"open",
            "@",
            "\"\\q\"",
        ] {
            let (_, errs) = kinds(src);
            assert!(errs >= 1, "{src}");
        }
    }
}
