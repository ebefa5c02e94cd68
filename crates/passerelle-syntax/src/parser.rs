//! The parser: tokens to a generic [`Body`]. Recursive descent for fields, Pratt parsing for
//! expressions. It recovers at the end of the line after an error, so one run reports
//! several problems, and it refuses nesting deeper than [`MAX_DEPTH`] instead of
//! overflowing the stack.

use crate::ast::{BinOp, Body, Expr, ExprKind, Field, Ident, Item, QuantKind, Unit};
use crate::lexer::{TokKind, Token, lex};
use passerelle_diag::{Bi, Code, Diag, FileId, Span};

/// Deepest nesting of expressions, lists and bodies accepted.
pub const MAX_DEPTH: usize = 96;

/// Parses the text of a rule block (without its fences), which starts at byte `base` of
/// `file`. Returns what could be parsed; problems go to `diags`.
pub fn parse_body(file: FileId, text: &str, base: usize, diags: &mut Vec<Diag>) -> Body {
    let tokens = lex(file, text, base, diags);
    let mut p = Parser {
        file,
        text,
        base,
        toks: tokens,
        pos: 0,
        depth: 0,
        nest: 0,
        poisoned: false,
        unclosed: false,
        comment_in_expr: false,
        item_scratch: Vec::new(),
        expr_scratch: Vec::new(),
        diags,
    };
    let start = p.base;
    let items = p.items(false);
    Body {
        items,
        span: Span::new(file, start, base + text.len()),
    }
}

struct Parser<'a, 'd> {
    file: FileId,
    text: &'a str,
    base: usize,
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Inside `(` or `[`: line breaks do not end anything.
    nest: usize,
    /// Set after a nesting-limit error: the rest of the block is skipped silently.
    poisoned: bool,
    /// Set when a body ended at a field less indented than its opening line.
    unclosed: bool,
    comment_in_expr: bool,
    /// Items of the bodies being parsed, innermost last: a body's items are moved out into
    /// a vector of exactly their number when it closes (growing each body's own vector
    /// cost a third of a large pack's memory in unused capacity).
    item_scratch: Vec<Item>,
    /// The same for a field's arguments.
    expr_scratch: Vec<Expr>,
    diags: &'d mut Vec<Diag>,
}

fn is_infix_word(w: &str) -> bool {
    matches!(w, "and" | "or" | "in" | "contains" | "is")
}

fn describe(kind: &TokKind, text: &str) -> Bi {
    match kind {
        TokKind::Ident => Bi::new(format!("`{text}`"), format!("« {text} »")),
        TokKind::Int(_) | TokKind::Money(_) => Bi::new("a number", "un nombre"),
        TokKind::Date(_) => Bi::new("a date", "une date"),
        TokKind::Str(_) => Bi::new("a string", "une chaîne"),
        TokKind::Newline => Bi::new("the end of the line", "la fin de la ligne"),
        TokKind::Eof => Bi::new("the end of the block", "la fin du bloc"),
        TokKind::Comment(_) => Bi::new("a comment", "un commentaire"),
        TokKind::Error => Bi::new("an invalid token", "un élément invalide"),
        _ => Bi::new(format!("`{text}`"), format!("« {text} »")),
    }
}

impl Parser<'_, '_> {
    fn tok(&self) -> &Token {
        // The token list always ends with Eof, and `pos` never passes it.
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn kind(&self) -> &TokKind {
        &self.tok().kind
    }

    fn span(&self) -> Span {
        self.tok().span
    }

    fn tok_text(&self, t: &Token) -> &str {
        let s = (t.span.start as usize).saturating_sub(self.base);
        let e = (t.span.end as usize).saturating_sub(self.base);
        self.text.get(s..e).unwrap_or("")
    }

    /// The current token's kind, a string's text moved out rather than copied: the
    /// parser only moves forward, so a string token is never read twice.
    fn take_kind(&mut self) -> TokKind {
        let last = self.toks.len().saturating_sub(1);
        match self.toks.get_mut(self.pos.min(last)) {
            Some(Token {
                kind: TokKind::Str(s),
                ..
            }) => TokKind::Str(std::mem::take(s)),
            Some(t) => t.kind.clone(),
            None => TokKind::Eof,
        }
    }

    fn cur_text(&self) -> &str {
        self.tok_text(self.tok())
    }

    fn bump(&mut self) {
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
    }

    fn at_word(&self, w: &str) -> bool {
        matches!(self.kind(), TokKind::Ident) && self.cur_text() == w
    }

    /// Inside brackets, skips line breaks and comments.
    fn skip_nested_trivia(&mut self) {
        if self.nest == 0 {
            return;
        }
        loop {
            match self.kind() {
                TokKind::Newline => self.bump(),
                TokKind::Comment(_) => {
                    self.comment_in_expr = true;
                    self.bump()
                }
                _ => break,
            }
        }
    }

    fn error(&mut self, span: Span, code: Code, msg: Bi, label: Bi) {
        if self.poisoned {
            return;
        }
        self.diags.push(Diag::error(code, msg).at(span, label));
    }

    fn unexpected(&mut self, expected: Bi) {
        let found = describe(self.kind(), self.cur_text());
        let span = self.span();
        self.error(
            span,
            Code::Syntax,
            Bi::new(
                format!("expected {}, found {}", expected.en, found.en),
                format!("{} attendu, mais {} trouvé", expected.fr, found.fr),
            ),
            Bi::new(
                format!("expected {}", expected.en),
                format!("{} attendu", expected.fr),
            ),
        );
    }

    fn enter(&mut self) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            if !self.poisoned {
                let span = self.span();
                self.error(
                    span,
                    Code::TooDeep,
                    Bi::new(
                        format!("nested more than {MAX_DEPTH} levels deep"),
                        format!("imbrication de plus de {MAX_DEPTH} niveaux"),
                    ),
                    Bi::new("too deep from here", "trop profond à partir d'ici"),
                );
                self.poisoned = true;
            }
            // Skip everything that is left: nothing more can be trusted in this block.
            self.pos = self.toks.len() - 1;
            return false;
        }
        true
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Skips to the end of the current line, staying at the current brace level.
    fn recover_line(&mut self) {
        let mut level = 0usize;
        loop {
            match self.kind() {
                TokKind::Eof => return,
                TokKind::Newline if level == 0 && self.nest == 0 => return,
                TokKind::LBrace | TokKind::LBracket | TokKind::LParen => level += 1,
                TokKind::RBrace if level == 0 => return,
                TokKind::RBrace | TokKind::RBracket | TokKind::RParen => {
                    // A stray `]` or `)` at this level is skipped with the rest of the line.
                    level = level.saturating_sub(1);
                }
                _ => {}
            }
            self.bump();
        }
    }

    /// Indentation (in characters) of the line holding a span.
    fn indent_of(&self, span: Span) -> usize {
        let off = (span.start as usize)
            .saturating_sub(self.base)
            .min(self.text.len());
        let line_start = self.text[..off].rfind('\n').map(|i| i + 1).unwrap_or(0);
        self.text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .count()
    }

    /// Parses items until `}` (when `braced`) or the end of input. In a braced body, a field
    /// that starts a line no more indented than the line that opened the body means the
    /// author forgot the `}`: the body ends there (reported by the caller).
    fn items(&mut self, braced: bool) -> Vec<Item> {
        self.items_until(braced, None)
    }

    fn items_until(&mut self, braced: bool, open_indent: Option<usize>) -> Vec<Item> {
        // Only after an error in this body: valid code never ends a body early.
        let start_errs = self.diags.len();
        let base = self.item_scratch.len();
        let mut newlines = 2usize; // the start counts as the start of a line, not a blank
        let mut first = true;
        loop {
            match self.kind().clone() {
                TokKind::Newline => {
                    newlines += 1;
                    self.bump();
                }
                TokKind::Semi => self.bump(),
                TokKind::Eof => {
                    if braced && !self.poisoned {
                        let span = self.span();
                        self.error(
                            span,
                            Code::Syntax,
                            Bi::new("missing `}`", "« } » manquant"),
                            Bi::new(
                                "the block ends before this body is closed",
                                "le bloc se termine avant la fermeture de ce corps",
                            ),
                        );
                    }
                    return self.take_items(base);
                }
                TokKind::RBrace => {
                    if braced {
                        return self.take_items(base);
                    }
                    self.unexpected(Bi::new("a field", "un champ"));
                    self.bump();
                }
                TokKind::Comment(text) => {
                    let span = self.span();
                    self.item_scratch.push(Item::Comment {
                        text,
                        span,
                        blank_before: !first && newlines >= 2,
                    });
                    self.bump();
                    newlines = 0;
                    first = false;
                }
                TokKind::Ident
                    if self.diags.len() > start_errs
                        && !first
                        && open_indent.is_some_and(|oi| {
                            newlines > 0 && self.indent_of(self.span()) <= oi
                        }) =>
                {
                    self.unclosed = true;
                    return self.take_items(base);
                }
                TokKind::Ident => {
                    let blank = !first && newlines >= 2;
                    let f = self.field(blank);
                    self.item_scratch.push(Item::Field(f));
                    newlines = 0;
                    first = false;
                }
                _ => {
                    self.unexpected(Bi::new("a field name", "un nom de champ"));
                    self.bump();
                    self.recover_line();
                }
            }
            if self.poisoned {
                // Drain to the end quietly.
                self.pos = self.toks.len() - 1;
                return self.take_items(base);
            }
        }
    }

    /// The items pushed since `base`, in a vector of exactly their length.
    fn take_items(&mut self, base: usize) -> Vec<Item> {
        let base = base.min(self.item_scratch.len());
        self.item_scratch.drain(base..).collect()
    }

    /// The expressions pushed since `base`, in a vector of exactly their length.
    fn take_exprs(&mut self, base: usize) -> Vec<Expr> {
        let base = base.min(self.expr_scratch.len());
        self.expr_scratch.drain(base..).collect()
    }

    fn ident(&mut self) -> Ident {
        let t = self.tok().clone();
        let name = self.tok_text(&t).to_string();
        self.bump();
        Ident { name, span: t.span }
    }

    fn at_field_end(&self) -> bool {
        matches!(
            self.kind(),
            TokKind::Newline | TokKind::Eof | TokKind::RBrace | TokKind::Semi | TokKind::Comment(_)
        )
    }

    fn field(&mut self, blank_before: bool) -> Field {
        let key = self.ident();
        let start = key.span;
        let saved_comment = std::mem::replace(&mut self.comment_in_expr, false);
        if matches!(self.kind(), TokKind::Assign) {
            self.bump();
        }
        let base = self.expr_scratch.len();
        if !self.at_field_end() && !matches!(self.kind(), TokKind::LBrace | TokKind::Colon) {
            let e = self.expr();
            self.expr_scratch.push(e);
            while matches!(self.kind(), TokKind::Comma) {
                self.bump();
                while matches!(self.kind(), TokKind::Newline) {
                    self.bump();
                }
                let e = self.expr();
                self.expr_scratch.push(e);
            }
        }
        let args = self.take_exprs(base);
        let mut ty = None;
        if matches!(self.kind(), TokKind::Colon) {
            self.bump();
            if matches!(self.kind(), TokKind::Ident) {
                ty = Some(Box::new(self.ident()));
            } else {
                self.unexpected(Bi::new(
                    "a type or kind after `:`",
                    "un type ou une sorte après « : »",
                ));
            }
        }
        let mut body = None;
        if matches!(self.kind(), TokKind::LBrace) {
            body = Some(self.braced_body());
        }
        let mut end = self.toks[self.pos.saturating_sub(1)].span;
        if end.start < start.start {
            end = start;
        }
        let mut trailing_comment = None;
        if let TokKind::Comment(c) = self.kind().clone() {
            trailing_comment = Some(c.into_boxed_str());
            self.bump();
        }
        if !self.at_field_end() && !matches!(self.kind(), TokKind::Ident) && !self.poisoned {
            self.unexpected(Bi::new("the end of the field", "la fin du champ"));
            self.recover_line();
        }
        let verbatim = self.comment_in_expr;
        self.comment_in_expr = saved_comment;
        Field {
            key,
            args,
            ty,
            body,
            span: start.to(end),
            trailing_comment,
            blank_before,
            verbatim,
        }
    }

    fn braced_body(&mut self) -> Body {
        let open = self.span();
        if !self.enter() {
            return Body {
                items: Vec::new(),
                span: open,
            };
        }
        let open_indent = self.indent_of(open);
        self.bump(); // {
        let saved_nest = std::mem::replace(&mut self.nest, 0);
        self.unclosed = false;
        let items = self.items_until(true, Some(open_indent));
        self.nest = saved_nest;
        let close = self.span();
        if std::mem::replace(&mut self.unclosed, false) {
            self.error(
                open,
                Code::Syntax,
                Bi::new(
                    "this `{` is never closed",
                    "cette « { » n'est jamais fermée",
                ),
                Bi::new("opened here", "ouverte ici"),
            );
            if let Some(d) = self.diags.last_mut() {
                d.help = Some(Bi::new(
                    "add `}` before the next field of the enclosing block",
                    "ajoutez « } » avant le champ suivant du bloc englobant",
                ));
            }
        } else if matches!(self.kind(), TokKind::RBrace) {
            self.bump();
        }
        self.leave();
        Body {
            items,
            span: open.to(close),
        }
    }

    // ---- expressions ----

    fn expr(&mut self) -> Expr {
        self.expr_bp(0)
    }

    /// The infix operator at the cursor, looking past line breaks when the next line starts
    /// with an operator (a continuation line).
    fn peek_infix(&mut self) -> Option<(BinOp, usize)> {
        let mut i = self.pos;
        let mut saw_comment = false;
        if self.nest == 0 {
            // Continuation: newline(s) then an operator.
            let mut j = i;
            while let Some(t) = self.toks.get(j) {
                match t.kind {
                    TokKind::Newline => j += 1,
                    TokKind::Comment(_) if j > i => {
                        saw_comment = true;
                        j += 1
                    }
                    _ => break,
                }
            }
            if j > i {
                let t = self.toks.get(j)?;
                let op = self.infix_of(t)?;
                if saw_comment {
                    self.comment_in_expr = true;
                }
                return Some((op, j));
            }
        } else {
            while let Some(t) = self.toks.get(i) {
                match t.kind {
                    TokKind::Newline => i += 1,
                    TokKind::Comment(_) => {
                        self.comment_in_expr = true;
                        i += 1
                    }
                    _ => break,
                }
            }
        }
        let t = self.toks.get(i)?;
        self.infix_of(t).map(|op| (op, i))
    }

    fn infix_of(&self, t: &Token) -> Option<BinOp> {
        Some(match &t.kind {
            TokKind::Ident => match self.tok_text(t) {
                "and" => BinOp::And,
                "or" => BinOp::Or,
                "in" => BinOp::In,
                "contains" => BinOp::Contains,
                // `is` is handled as a postfix; report it as a comparison-level operator.
                "is" => BinOp::Eq,
                _ => return None,
            },
            TokKind::EqEq => BinOp::Eq,
            TokKind::Ne => BinOp::Ne,
            TokKind::Lt => BinOp::Lt,
            TokKind::Le => BinOp::Le,
            TokKind::Gt => BinOp::Gt,
            TokKind::Ge => BinOp::Ge,
            TokKind::Plus => BinOp::Add,
            TokKind::Minus => BinOp::Sub,
            TokKind::Star => BinOp::Mul,
            TokKind::Slash => BinOp::Div,
            TokKind::Arrow => BinOp::Arrow,
            _ => return None,
        })
    }

    fn expr_bp(&mut self, min: u8) -> Expr {
        if !self.enter() {
            return Expr {
                kind: ExprKind::Error,
                span: self.span(),
            };
        }
        let mut lhs = self.prefix();
        while let Some((op, at)) = self.peek_infix() {
            if op.power() < min {
                break;
            }
            self.pos = at;
            if self.at_word("is") {
                self.bump();
                self.skip_nested_trivia();
                let negated = if self.at_word("not") {
                    self.bump();
                    true
                } else {
                    false
                };
                let known = if self.at_word("known") {
                    !negated
                } else if self.at_word("unknown") && !negated {
                    false
                } else {
                    self.unexpected(Bi::new(
                        "`known` or `unknown` after `is`",
                        "« known » ou « unknown » après « is »",
                    ));
                    break;
                };
                let end = self.span();
                self.bump();
                let span = lhs.span.to(end);
                lhs = Expr {
                    kind: ExprKind::Is(Box::new(lhs), known),
                    span,
                };
                continue;
            }
            self.bump();
            self.skip_nested_trivia();
            let rhs = self.expr_bp(op.power() + 1);
            let span = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
        self.leave();
        lhs
    }

    fn prefix(&mut self) -> Expr {
        self.skip_nested_trivia();
        let start = self.span();
        if self.at_word("not") {
            self.bump();
            let inner = self.expr_bp(4);
            let span = start.to(inner.span);
            return Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            };
        }
        if self.at_word("if") {
            self.bump();
            let c = self.expr_bp(0);
            self.expect_word("then");
            let a = self.expr_bp(0);
            self.expect_word("else");
            let b = self.expr_bp(0);
            let span = start.to(b.span);
            return Expr {
                kind: ExprKind::If(Box::new(c), Box::new(a), Box::new(b)),
                span,
            };
        }
        if matches!(self.kind(), TokKind::Minus) {
            self.bump();
            let inner = self.expr_bp(8);
            let span = start.to(inner.span);
            return Expr {
                kind: ExprKind::Neg(Box::new(inner)),
                span,
            };
        }
        let mut e = self.primary();
        // Postfix: `.field` and `[index]` (no line break before them).
        loop {
            match self.kind() {
                TokKind::Dot => {
                    self.bump();
                    if matches!(self.kind(), TokKind::Ident) {
                        let id = self.ident();
                        let span = e.span.to(id.span);
                        e = Expr {
                            kind: ExprKind::Member(Box::new(e), Box::new(id)),
                            span,
                        };
                    } else {
                        self.unexpected(Bi::new(
                            "a field name after `.`",
                            "un nom de champ après « . »",
                        ));
                        break;
                    }
                }
                TokKind::LBracket if matches!(e.kind, ExprKind::Name(_)) => {
                    self.bump();
                    self.nest += 1;
                    let idx = self.expr_bp(0);
                    self.skip_nested_trivia();
                    self.nest -= 1;
                    let end = self.span();
                    if matches!(self.kind(), TokKind::RBracket) {
                        self.bump();
                    } else {
                        self.unexpected(Bi::new("`]`", "« ] »"));
                    }
                    let span = e.span.to(end);
                    e = Expr {
                        kind: ExprKind::Index(Box::new(e), Box::new(idx)),
                        span,
                    };
                }
                _ => break,
            }
        }
        e
    }

    fn expect_word(&mut self, w: &str) {
        self.skip_nested_trivia();
        while self.nest == 0 && matches!(self.kind(), TokKind::Newline) {
            self.bump();
        }
        if self.at_word(w) {
            self.bump();
        } else {
            self.unexpected(Bi::new(format!("`{w}`"), format!("« {w} »")));
        }
    }

    fn expect(&mut self, k: TokKind, shown: &str) -> Span {
        self.skip_nested_trivia();
        let span = self.span();
        if *self.kind() == k {
            self.bump();
        } else {
            self.unexpected(Bi::new(format!("`{shown}`"), format!("« {shown} »")));
        }
        span
    }

    fn primary(&mut self) -> Expr {
        let span = self.span();
        let lit = |kind| Expr { kind, span };
        match self.take_kind() {
            TokKind::Int(v) => {
                self.bump();
                if let (TokKind::Ident, Some(u)) = (self.kind(), Unit::parse(self.cur_text())) {
                    let end = self.span();
                    self.bump();
                    return Expr {
                        kind: ExprKind::Duration(v, u),
                        span: span.to(end),
                    };
                }
                lit(ExprKind::Int(v))
            }
            TokKind::Money(v) => {
                self.bump();
                lit(ExprKind::Money(v))
            }
            TokKind::Date(d) => {
                self.bump();
                lit(ExprKind::Date(d))
            }
            TokKind::Str(s) => {
                self.bump();
                lit(ExprKind::Str(s))
            }
            TokKind::Error => {
                self.bump();
                lit(ExprKind::Error)
            }
            TokKind::Ident => {
                let word = self.cur_text().to_string();
                match word.as_str() {
                    "true" => {
                        self.bump();
                        lit(ExprKind::Bool(true))
                    }
                    "false" => {
                        self.bump();
                        lit(ExprKind::Bool(false))
                    }
                    "as_of" => {
                        self.bump();
                        lit(ExprKind::AsOf)
                    }
                    "any" | "all" | "count"
                        if matches!(
                            self.toks.get(self.pos + 1).map(|t| &t.kind),
                            Some(TokKind::LParen)
                        ) =>
                    {
                        self.quantifier(&word)
                    }
                    w if is_infix_word(w) || matches!(w, "then" | "else") => {
                        self.unexpected(Bi::new("an expression", "une expression"));
                        lit(ExprKind::Error)
                    }
                    _ => {
                        self.bump();
                        lit(ExprKind::Name(word))
                    }
                }
            }
            TokKind::LParen => {
                self.bump();
                self.nest += 1;
                let inner = self.expr_bp(0);
                self.nest -= 1;
                self.nest += 1;
                let end = self.expect(TokKind::RParen, ")");
                self.nest -= 1;
                Expr {
                    kind: ExprKind::Paren(Box::new(inner)),
                    span: span.to(end),
                }
            }
            TokKind::LBracket => self.list(),
            TokKind::LBrace => {
                let body = self.braced_body();
                let span = body.span;
                Expr {
                    kind: ExprKind::Record(body),
                    span,
                }
            }
            other => {
                self.unexpected(Bi::new("an expression", "une expression"));
                if !matches!(
                    other,
                    TokKind::Newline
                        | TokKind::Eof
                        | TokKind::RBrace
                        | TokKind::RBracket
                        | TokKind::RParen
                        | TokKind::Comma
                        | TokKind::LBrace
                ) {
                    self.bump();
                }
                lit(ExprKind::Error)
            }
        }
    }

    fn list(&mut self) -> Expr {
        let start = self.span();
        if !self.enter() {
            return Expr {
                kind: ExprKind::Error,
                span: start,
            };
        }
        self.bump(); // [
        self.nest += 1;
        let mut items = Vec::new();
        loop {
            self.skip_nested_trivia();
            if matches!(self.kind(), TokKind::RBracket | TokKind::Eof) {
                break;
            }
            let before = self.pos;
            items.push(self.expr_bp(0));
            self.skip_nested_trivia();
            if matches!(self.kind(), TokKind::Comma) {
                self.bump();
            } else if !matches!(self.kind(), TokKind::RBracket) {
                self.unexpected(Bi::new("`,` or `]`", "« , » ou « ] »"));
                if self.pos == before || matches!(self.kind(), TokKind::RBrace) {
                    break;
                }
            }
            if self.poisoned {
                break;
            }
        }
        let end = self.expect(TokKind::RBracket, "]");
        self.nest -= 1;
        self.leave();
        Expr {
            kind: ExprKind::List(items),
            span: start.to(end),
        }
    }

    fn quantifier(&mut self, word: &str) -> Expr {
        let start = self.span();
        let kind = match word {
            "any" => QuantKind::Any,
            "all" => QuantKind::All,
            _ => QuantKind::Count,
        };
        self.bump(); // keyword
        self.bump(); // (
        self.nest += 1;
        self.skip_nested_trivia();
        let is_binder = matches!(self.kind(), TokKind::Ident)
            && self
                .toks
                .get(self.pos + 1)
                .is_some_and(|t| t.kind == TokKind::Ident && self.tok_text(t) == "in");
        let result = if is_binder {
            let binder = self.ident();
            self.bump(); // in
            let group = self.expr_bp(6);
            self.skip_nested_trivia();
            let pred = if matches!(self.kind(), TokKind::Colon) {
                self.bump();
                self.expr_bp(0)
            } else if kind == QuantKind::Count {
                Expr {
                    kind: ExprKind::Bool(true),
                    span: group.span,
                }
            } else {
                self.unexpected(Bi::new("`:` and a condition", "« : » et une condition"));
                Expr {
                    kind: ExprKind::Error,
                    span: self.span(),
                }
            };
            let end = self.expect(TokKind::RParen, ")");
            Expr {
                kind: ExprKind::Quant(kind, Box::new(binder), Box::new(group), Box::new(pred)),
                span: start.to(end),
            }
        } else if kind == QuantKind::Count {
            let inner = self.expr_bp(0);
            let end = self.expect(TokKind::RParen, ")");
            Expr {
                kind: ExprKind::CountOf(Box::new(inner)),
                span: start.to(end),
            }
        } else {
            self.unexpected(Bi::new(
                format!("`{word}(item in group: condition)`"),
                format!("« {word}(élément in groupe: condition) »"),
            ));
            self.recover_paren();
            Expr {
                kind: ExprKind::Error,
                span: start,
            }
        };
        self.nest -= 1;
        result
    }

    fn recover_paren(&mut self) {
        let mut level = 0usize;
        loop {
            match self.kind() {
                TokKind::Eof => return,
                TokKind::LParen => level += 1,
                TokKind::RParen => {
                    if level == 0 {
                        self.bump();
                        return;
                    }
                    level -= 1;
                }
                _ => {}
            }
            self.bump();
        }
    }

    #[allow(dead_code)]
    fn file(&self) -> FileId {
        self.file
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::format_body;

    fn parse(src: &str) -> (Body, Vec<Diag>) {
        let mut d = Vec::new();
        let b = parse_body(FileId(0), src, 0, &mut d);
        (b, d)
    }

    #[test]
    fn parses_a_rule() {
        let src = r#"
rule tell-purpose: must {
  when collects_pi and method in [interview, usability_test]
    or count(t in tools: t.hosted_in == abroad) > 0
  text { en "Tell them." fr "Dites-le." }
  cites "privacy-act 5(2)", "dpp 4.2.20"
  verified 2026-11-29
}
"#;
        let (b, d) = parse(src);
        assert!(d.is_empty(), "{d:?}");
        let f = b
            .fields()
            .next()
            .map(|f| (f.key.name.clone(), f.ty.clone().map(|t| t.name)));
        assert_eq!(f, Some(("rule".into(), Some("must".into()))));
        let rule = b.fields().next().and_then(|f| f.body.as_ref());
        let keys: Vec<_> = rule
            .map(|r| r.fields().map(|f| f.key.name.clone()).collect())
            .unwrap_or_default();
        assert_eq!(keys, ["when", "text", "cites", "verified"]);
    }

    #[test]
    fn recovers_and_reports_several_errors() {
        let src = "fact a: bool {\n  question ) \n  help { en \"x\" fr }\n}\nrule b: must {\n  when a and\n}\n";
        let (_, d) = parse(src);
        assert!(d.len() >= 2, "{d:?}");
    }

    #[test]
    fn deep_nesting_is_refused_once() {
        let src = format!("x {}a{}", "(".repeat(10_000), ")".repeat(10_000));
        let (_, d) = parse(&src);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::TooDeep);
        let src = format!("x {}", "[".repeat(10_000));
        let (_, d) = parse(&src);
        assert!(d.iter().any(|d| d.code == Code::TooDeep));
        let src = format!("x {}", "{ y ".repeat(10_000));
        let (_, d) = parse(&src);
        assert!(d.iter().any(|d| d.code == Code::TooDeep));
        let src = format!("x {}a", "not ".repeat(10_000));
        let (_, d) = parse(&src);
        assert!(d.iter().any(|d| d.code == Code::TooDeep));
    }

    #[test]
    fn precedence() {
        let (b, d) = parse("when not a and b or c == d + 1 * 2\n");
        assert!(d.is_empty());
        let out = format_body(&b, "when not a and b or c == d + 1 * 2\n");
        assert_eq!(out, "when not a and b or c == d + 1 * 2\n");
        let e = b.fields().next().and_then(|f| f.arg().cloned());
        let Some(Expr {
            kind: ExprKind::Binary(BinOp::Or, l, _),
            ..
        }) = e
        else {
            panic!("expected or at the top: {e:?}");
        };
        assert!(matches!(l.kind, ExprKind::Binary(BinOp::And, _, _)));
    }

    #[test]
    fn is_known_and_durations() {
        let (b, d) = parse("when start is known and start + 30 days > as_of and x is not known\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(b.fields().count(), 1);
    }
}
