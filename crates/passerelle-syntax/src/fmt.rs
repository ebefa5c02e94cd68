//! Canonical layout of rule blocks (`passerelle fmt`).
//!
//! Layout only: literals are printed exactly as written (so `$2_000` stays `$2_000` and
//! strings keep their escapes); structure is re-laid: two-space indentation, one field per
//! line, a space after each comma, short simple bodies on one line, long conditions broken
//! before `and`/`or`, long lists one item per line. The result depends only on the tree,
//! never on the input layout, so formatting twice changes nothing.

use crate::ast::{BinOp, Body, Expr, ExprKind, Field, Item};

/// Widest line the formatter aims for.
pub const WIDTH: usize = 100;

/// Formats a top-level body (the content of a rule block). `src` is the text the spans
/// point into.
pub fn format_body(body: &Body, src: &str) -> String {
    let mut p = Printer {
        src,
        out: String::new(),
    };
    p.items(&body.items, 0);
    p.out
}

struct Printer<'a> {
    src: &'a str,
    out: String,
}

fn pad(level: usize) -> String {
    "  ".repeat(level)
}

impl Printer<'_> {
    fn raw(&self, span: passerelle_diag::Span) -> &str {
        self.src
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    fn items(&mut self, items: &[Item], level: usize) {
        for item in items {
            match item {
                Item::Comment {
                    text, blank_before, ..
                } => {
                    if *blank_before {
                        self.out.push('\n');
                    }
                    self.out.push_str(&pad(level));
                    self.out.push('#');
                    self.out.push_str(text);
                    self.out.push('\n');
                }
                Item::Field(f) => {
                    if f.blank_before {
                        self.out.push('\n');
                    }
                    self.field(f, level);
                }
            }
        }
    }

    fn field(&mut self, f: &Field, level: usize) {
        let indent = pad(level);
        if f.verbatim {
            let raw = self.raw(f.span).to_string();
            self.out.push_str(&indent);
            self.out.push_str(raw.trim_start());
            self.trailing(f);
            return;
        }
        let mut head = format!("{indent}{}", f.key.name);
        let args: Vec<String> = f.args.iter().map(|a| self.expr(a)).collect();
        let one_line_args = args.join(", ");
        let has_multiline = args.iter().any(|a| a.contains('\n'));
        if !args.is_empty() {
            head.push(' ');
            let fits = head.len() + one_line_args.len() <= WIDTH && !has_multiline;
            if fits {
                head.push_str(&one_line_args);
            } else if let [only] = f.args.as_slice() {
                head.push_str(&self.broken_expr(only, level, head.len()));
            } else {
                // One argument per line, continuation indented.
                let cont = pad(level + 1);
                let parts: Vec<String> = f
                    .args
                    .iter()
                    .map(|a| self.broken_expr(a, level + 1, cont.len()))
                    .collect();
                head.push_str(&parts.join(&format!(",\n{cont}")));
            }
        }
        if let Some(ty) = &f.ty {
            head.push_str(": ");
            head.push_str(&ty.name);
        }
        self.out.push_str(&head);
        if let Some(body) = &f.body {
            self.out.push(' ');
            let current_col = head.rsplit('\n').next().map(str::len).unwrap_or(0) + 1;
            match self.inline_body(body, level, current_col) {
                Some(s) => self.out.push_str(&s),
                None => {
                    self.out.push_str("{\n");
                    self.items(&body.items, level + 1);
                    self.out.push_str(&indent);
                    self.out.push('}');
                }
            }
        }
        self.trailing(f);
    }

    fn trailing(&mut self, f: &Field) {
        if let Some(c) = &f.trailing_comment {
            self.out.push_str("  #");
            self.out.push_str(c);
        }
        self.out.push('\n');
    }

    /// `{ a b c d }` when the body is simple and fits; `None` otherwise.
    fn inline_body(&self, body: &Body, level: usize, col: usize) -> Option<String> {
        if level == 0 || body.items.is_empty() {
            return if body.items.is_empty() {
                Some("{}".to_string())
            } else {
                None
            };
        }
        // Only a bilingual text (`en` and `fr`) goes on one line; other bodies are lists of
        // answers or declarations, easier to read one per line.
        let bilingual = body
            .items
            .iter()
            .all(|i| matches!(i, Item::Field(f) if matches!(f.key.name.as_str(), "en" | "fr")));
        if !bilingual {
            return None;
        }
        let mut parts = Vec::new();
        for item in &body.items {
            let Item::Field(f) = item else { return None };
            if f.body.is_some() || f.trailing_comment.is_some() || f.verbatim || f.ty.is_some() {
                return None;
            }
            let args: Vec<String> = f.args.iter().map(|a| self.expr(a)).collect();
            let s = if args.is_empty() {
                f.key.name.clone()
            } else {
                format!("{} {}", f.key.name, args.join(", "))
            };
            if s.contains('\n') {
                return None;
            }
            parts.push(s);
        }
        let s = format!("{{ {} }}", parts.join(" "));
        (col + s.len() <= WIDTH).then_some(s)
    }

    /// An expression that may need several lines, starting at column `col`.
    fn broken_expr(&self, e: &Expr, level: usize, col: usize) -> String {
        let flat = self.expr(e);
        if col + flat.len() <= WIDTH && !flat.contains('\n') {
            return flat;
        }
        match &e.kind {
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), _, _) => {
                let mut operands = Vec::new();
                flatten(e, *op, &mut operands);
                let cont = pad(level + 1);
                let mut s = self.expr(operands[0]);
                for o in &operands[1..] {
                    s.push('\n');
                    s.push_str(&cont);
                    s.push_str(op.text());
                    s.push(' ');
                    s.push_str(&self.expr(o));
                }
                s
            }
            ExprKind::List(items) if !items.is_empty() => {
                let inner = pad(level + 1);
                let mut s = String::from("[\n");
                for it in items {
                    s.push_str(&inner);
                    s.push_str(&self.broken_expr(it, level + 1, inner.len()));
                    s.push_str(",\n");
                }
                s.push_str(&pad(level));
                s.push(']');
                s
            }
            ExprKind::Record(body) => {
                let mut s = String::from("{\n");
                let mut p = Printer {
                    src: self.src,
                    out: String::new(),
                };
                p.items(&body.items, level + 1);
                s.push_str(&p.out);
                s.push_str(&pad(level));
                s.push('}');
                s
            }
            _ => flat,
        }
    }

    /// An expression on one line (literals as written).
    fn expr(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Money(_)
            | ExprKind::Date(_)
            | ExprKind::Str(_)
            | ExprKind::Name(_)
            | ExprKind::AsOf
            | ExprKind::Error => self.raw(e.span).to_string(),
            ExprKind::Duration(n, u) => format!("{n} {}", u.word(*n)),
            ExprKind::Not(inner) => format!("not {}", self.expr(inner)),
            ExprKind::Neg(inner) => format!("-{}", self.expr(inner)),
            ExprKind::Binary(op, l, r) => {
                format!("{} {} {}", self.expr(l), op.text(), self.expr(r))
            }
            ExprKind::Is(inner, known) => format!(
                "{} is {}",
                self.expr(inner),
                if *known { "known" } else { "unknown" }
            ),
            ExprKind::If(c, a, b) => format!(
                "if {} then {} else {}",
                self.expr(c),
                self.expr(a),
                self.expr(b)
            ),
            ExprKind::Quant(k, binder, group, pred) => {
                if matches!(pred.kind, ExprKind::Bool(true)) && pred.span == group.span {
                    format!("{}({} in {})", k.text(), binder.name, self.expr(group))
                } else {
                    format!(
                        "{}({} in {}: {})",
                        k.text(),
                        binder.name,
                        self.expr(group),
                        self.expr(pred)
                    )
                }
            }
            ExprKind::CountOf(inner) => format!("count({})", self.expr(inner)),
            ExprKind::Member(inner, f) => format!("{}.{}", self.expr(inner), f.name),
            ExprKind::Index(inner, i) => format!("{}[{}]", self.expr(inner), self.expr(i)),
            ExprKind::List(items) => {
                let parts: Vec<String> = items.iter().map(|i| self.expr(i)).collect();
                format!("[{}]", parts.join(", "))
            }
            ExprKind::Record(body) => {
                let mut parts = Vec::new();
                for item in &body.items {
                    match item {
                        Item::Field(f) => {
                            let args: Vec<String> = f.args.iter().map(|a| self.expr(a)).collect();
                            parts.push(if args.is_empty() {
                                f.key.name.clone()
                            } else {
                                format!("{} {}", f.key.name, args.join(", "))
                            });
                        }
                        Item::Comment { text, .. } => parts.push(format!("#{text}\n")),
                    }
                }
                if parts.is_empty() {
                    "{}".to_string()
                } else {
                    format!("{{ {} }}", parts.join(" "))
                }
            }
            ExprKind::Paren(inner) => format!("({})", self.expr(inner)),
        }
    }
}

fn flatten<'e>(e: &'e Expr, op: BinOp, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary(o, l, r) if *o == op => {
            flatten(l, op, out);
            out.push(r);
        }
        _ => out.push(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::parse_body;
    use passerelle_diag::FileId;

    fn fmt(src: &str) -> String {
        let mut d = Vec::new();
        let b = parse_body(FileId(0), src, 0, &mut d);
        assert!(d.is_empty(), "{d:?}");
        format_body(&b, src)
    }

    #[test]
    fn canonical_layout() {
        let src = "rule   a:must{when x   and y\n text {en \"Hi\"   fr \"Salut\"}\ncites \"a 1\",\"b 2\"   # why\n\n\n  # note\n  option z { en \"Z\" fr \"Z\" }}\n";
        let out = fmt(src);
        insta::assert_snapshot!(out);
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn long_conditions_break_before_and() {
        let cond = (0..12)
            .map(|i| format!("fact_number_{i}"))
            .collect::<Vec<_>>()
            .join(" and ");
        let src = format!("rule r: must {{\n  when {cond}\n}}\n");
        let out = fmt(&src);
        assert!(out.contains("\n    and fact_number_1\n"), "{out}");
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn comments_inside_expressions_are_kept() {
        let src = "rule r: must {\n  when (a # first\n    and b)\n}\n";
        let out = fmt(src);
        assert!(out.contains("# first"));
        assert_eq!(fmt(&out), out);
    }
}
