//! Conditions and answers in words, in English or French.

use passerelle_check::model::*;
use passerelle_check::search::show_value;
use passerelle_diag::Lang;

fn money(c: i64, lang: Lang) -> String {
    let neg = c < 0;
    let c = c.unsigned_abs();
    let (d, cents) = (c / 100, c % 100);
    let digits = d.to_string();
    let sep = match lang {
        Lang::En => ",",
        Lang::Fr => "\u{a0}",
    };
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push_str(sep);
        }
        grouped.push(ch);
    }
    let sign = if neg { "-" } else { "" };
    match (lang, cents) {
        (Lang::En, 0) => format!("{sign}${grouped}"),
        (Lang::En, c) => format!("{sign}${grouped}.{c:02}"),
        (Lang::Fr, 0) => format!("{sign}{grouped}\u{a0}$"),
        (Lang::Fr, c) => format!("{sign}{grouped},{c:02}\u{a0}$"),
    }
}

/// Formats an amount of money in cents for people: `$1,250.50` / `1 250,50 $`.
pub fn format_money(cents: i64, lang: Lang) -> String {
    money(cents, lang)
}

/// Formats a date for people: `2026-01-15` in both languages (Canada.ca numeric style).
pub fn format_date(d: jiff::civil::Date, _lang: Lang) -> String {
    d.to_string()
}

/// A value of a fact, for people.
pub fn value_label(m: &Model, f: FactId, v: &Value, lang: Lang) -> String {
    let fact = m.fact(f);
    match v {
        Value::Bool(b) => match (b, lang) {
            (true, Lang::En) => "Yes".into(),
            (false, Lang::En) => "No".into(),
            (true, Lang::Fr) => "Oui".into(),
            (false, Lang::Fr) => "Non".into(),
        },
        Value::Money(c) => money(*c, lang),
        Value::Int(i) => {
            let unit = fact
                .unit
                .as_ref()
                .map(|u| format!(" {}", u.get(lang)))
                .unwrap_or_default();
            format!("{i}{unit}")
        }
        Value::Date(d) => format_date(*d, lang),
        Value::Text(t) => t.clone(),
        Value::Opt(o) => fact
            .options
            .get(*o as usize)
            .map(|o| o.label.get(lang).to_string())
            .unwrap_or_default(),
        Value::Set(s) => {
            let labels: Vec<&str> = fact
                .options
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && s & (1u64 << i) != 0)
                .map(|(_, o)| o.label.get(lang))
                .collect();
            if labels.is_empty() {
                match lang {
                    Lang::En => "None".into(),
                    Lang::Fr => "Aucun".into(),
                }
            } else {
                labels.join(", ")
            }
        }
        Value::Duration(..) => show_value(m, f, v),
    }
}

fn quoted(s: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("“{s}”"),
        Lang::Fr => format!("«\u{a0}{s}\u{a0}»"),
    }
}

fn fact_of(e: &Expr) -> Option<FactId> {
    match e.kind {
        ExprKind::Fact(f) | ExprKind::ItemField(_, f) => Some(f),
        _ => None,
    }
}

fn cmp_words(c: Cmp, lang: Lang) -> &'static str {
    match (c, lang) {
        (Cmp::Eq, Lang::En) => "is",
        (Cmp::Ne, Lang::En) => "is not",
        (Cmp::Lt, Lang::En) => "is less than",
        (Cmp::Le, Lang::En) => "is at most",
        (Cmp::Gt, Lang::En) => "is more than",
        (Cmp::Ge, Lang::En) => "is at least",
        (Cmp::Eq, Lang::Fr) => "est",
        (Cmp::Ne, Lang::Fr) => "n'est pas",
        (Cmp::Lt, Lang::Fr) => "est inférieur à",
        (Cmp::Le, Lang::Fr) => "est au plus",
        (Cmp::Gt, Lang::Fr) => "est supérieur à",
        (Cmp::Ge, Lang::Fr) => "est au moins",
    }
}

/// A short name for a fact or definition: its question or label.
pub fn subject(m: &Model, e: &Expr, lang: Lang) -> String {
    match &e.kind {
        ExprKind::Fact(f) | ExprKind::ItemField(_, f) => {
            quoted(m.fact(*f).question.get(lang), lang)
        }
        ExprKind::Def(d) => quoted(m.def(*d).label.get(lang), lang),
        ExprKind::AsOf => match lang {
            Lang::En => "the date of the verdict".into(),
            Lang::Fr => "la date du verdict".into(),
        },
        _ => describe(m, e, lang),
    }
}

fn literal(m: &Model, other: &Expr, v: &Value, lang: Lang) -> String {
    match (fact_of(other), v) {
        (Some(f), _) => value_label(m, f, v, lang),
        (None, Value::Money(c)) => money(*c, lang),
        (None, Value::Bool(b)) => value_label_bool(*b, lang),
        (None, other_v) => match other_v {
            Value::Int(i) => i.to_string(),
            Value::Date(d) => d.to_string(),
            Value::Text(t) => quoted(t, lang),
            Value::Duration(n, u) => duration(*n, *u, lang),
            _ => String::new(),
        },
    }
}

fn value_label_bool(b: bool, lang: Lang) -> String {
    match (b, lang) {
        (true, Lang::En) => "yes".into(),
        (false, Lang::En) => "no".into(),
        (true, Lang::Fr) => "oui".into(),
        (false, Lang::Fr) => "non".into(),
    }
}

fn duration(n: i64, u: passerelle_syntax::Unit, lang: Lang) -> String {
    use passerelle_syntax::Unit::*;
    let one = n == 1;
    let w = match (u, lang, one) {
        (Days, Lang::En, true) => "day",
        (Days, Lang::En, false) => "days",
        (Weeks, Lang::En, true) => "week",
        (Weeks, Lang::En, false) => "weeks",
        (Months, Lang::En, true) => "month",
        (Months, Lang::En, false) => "months",
        (Years, Lang::En, true) => "year",
        (Years, Lang::En, false) => "years",
        (Days, Lang::Fr, true) => "jour",
        (Days, Lang::Fr, false) => "jours",
        (Weeks, Lang::Fr, true) => "semaine",
        (Weeks, Lang::Fr, false) => "semaines",
        (Months, Lang::Fr, _) => "mois",
        (Years, Lang::Fr, true) => "an",
        (Years, Lang::Fr, false) => "ans",
    };
    format!("{n} {w}")
}

fn option_list(m: &Model, f: FactId, mask: u64, lang: Lang) -> String {
    let labels: Vec<String> = m
        .fact(f)
        .options
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 64 && mask & (1u64 << i) != 0)
        .map(|(_, o)| quoted(o.label.get(lang), lang))
        .collect();
    let or = match lang {
        Lang::En => " or ",
        Lang::Fr => " ou ",
    };
    labels.join(or)
}

/// A condition in words: `“Will you record?” is “Video”`.
pub fn describe(m: &Model, e: &Expr, lang: Lang) -> String {
    match &e.kind {
        ExprKind::Lit(Value::Bool(b)) => value_label_bool(*b, lang),
        ExprKind::Unknown => match lang {
            Lang::En => "no value in force".into(),
            Lang::Fr => "aucune valeur en vigueur".into(),
        },
        ExprKind::Lit(v) => literal(m, e, v, lang),
        ExprKind::Fact(_) | ExprKind::ItemField(..) | ExprKind::Def(_) if e.ty == Type::Bool => {
            let s = subject(m, e, lang);
            match lang {
                Lang::En => format!("{s}: yes"),
                Lang::Fr => format!("{s}\u{a0}: oui"),
            }
        }
        ExprKind::Fact(_) | ExprKind::ItemField(..) | ExprKind::Def(_) | ExprKind::AsOf => {
            subject(m, e, lang)
        }
        ExprKind::Not(a) => match lang {
            Lang::En => format!("not ({})", describe(m, a, lang)),
            Lang::Fr => format!("non ({})", describe(m, a, lang)),
        },
        ExprKind::And(a, b) => match lang {
            Lang::En => format!("{} and {}", describe(m, a, lang), describe(m, b, lang)),
            Lang::Fr => format!("{} et {}", describe(m, a, lang), describe(m, b, lang)),
        },
        ExprKind::Or(a, b) => match lang {
            Lang::En => format!("{} or {}", describe(m, a, lang), describe(m, b, lang)),
            Lang::Fr => format!("{} ou {}", describe(m, a, lang), describe(m, b, lang)),
        },
        ExprKind::Cmp(c, a, b) => {
            let (l, r) = match (&a.kind, &b.kind) {
                (_, ExprKind::Lit(v)) => (subject(m, a, lang), literal(m, a, v, lang)),
                (ExprKind::Lit(v), _) => (subject(m, b, lang), literal(m, b, v, lang)),
                _ => (subject(m, a, lang), subject(m, b, lang)),
            };
            let c = if matches!(a.kind, ExprKind::Lit(_)) {
                c.flip()
            } else {
                *c
            };
            let r = if matches!(a.ty, Type::Enum(_)) || matches!(b.ty, Type::Enum(_)) {
                quoted(&r, lang)
            } else {
                r
            };
            format!("{l} {} {r}", cmp_words(c, lang))
        }
        ExprKind::Arith(op, a, b) => {
            let o = match op {
                Arith::Add => "+",
                Arith::Sub => "−",
                Arith::Mul => "×",
                Arith::Div => "÷",
            };
            format!("{} {o} {}", describe(m, a, lang), describe(m, b, lang))
        }
        ExprKind::Neg(a) => format!("−{}", describe(m, a, lang)),
        ExprKind::Shift(a, n, u, minus) => {
            let sign = if *minus { "−" } else { "+" };
            format!("{} {sign} {}", describe(m, a, lang), duration(*n, *u, lang))
        }
        ExprKind::InOptions(a, mask) => {
            let list = fact_of(a)
                .map(|f| option_list(m, f, *mask, lang))
                .unwrap_or_default();
            format!(
                "{} {} {list}",
                subject(m, a, lang),
                cmp_words(Cmp::Eq, lang)
            )
        }
        ExprKind::SetHas(a, mask) => {
            let list = fact_of(a)
                .map(|f| option_list(m, f, *mask, lang))
                .unwrap_or_default();
            match lang {
                Lang::En => format!("{} includes {list}", subject(m, a, lang)),
                Lang::Fr => format!("{} comprend {list}", subject(m, a, lang)),
            }
        }
        ExprKind::Known(a, k) => match (lang, k) {
            (Lang::En, true) => format!("{} is answered", subject(m, a, lang)),
            (Lang::En, false) => format!("{} is not answered yet", subject(m, a, lang)),
            (Lang::Fr, true) => format!("{} a une réponse", subject(m, a, lang)),
            (Lang::Fr, false) => format!("{} n'a pas encore de réponse", subject(m, a, lang)),
        },
        ExprKind::If(c, a, b) => match lang {
            Lang::En => format!(
                "if {} then {} else {}",
                describe(m, c, lang),
                describe(m, a, lang),
                describe(m, b, lang)
            ),
            Lang::Fr => format!(
                "si {} alors {} sinon {}",
                describe(m, c, lang),
                describe(m, a, lang),
                describe(m, b, lang)
            ),
        },
        ExprKind::Any(_, g, p) => {
            let gq = quoted(m.group(*g).question.get(lang), lang);
            match lang {
                Lang::En => format!("for at least one item of {gq}: {}", describe(m, p, lang)),
                Lang::Fr => format!(
                    "pour au moins un élément de {gq}\u{a0}: {}",
                    describe(m, p, lang)
                ),
            }
        }
        ExprKind::All(_, g, p) => {
            let gq = quoted(m.group(*g).question.get(lang), lang);
            match lang {
                Lang::En => format!("for every item of {gq}: {}", describe(m, p, lang)),
                Lang::Fr => format!(
                    "pour chaque élément de {gq}\u{a0}: {}",
                    describe(m, p, lang)
                ),
            }
        }
        ExprKind::Count(_, g, p) => {
            let gq = quoted(m.group(*g).question.get(lang), lang);
            if matches!(p.kind, ExprKind::Lit(Value::Bool(true))) {
                match lang {
                    Lang::En => format!("the number of items in {gq}"),
                    Lang::Fr => format!("le nombre d'éléments de {gq}"),
                }
            } else {
                match lang {
                    Lang::En => {
                        format!("the number of items of {gq} where {}", describe(m, p, lang))
                    }
                    Lang::Fr => format!(
                        "le nombre d'éléments de {gq} pour lesquels {}",
                        describe(m, p, lang)
                    ),
                }
            }
        }
        ExprKind::CountSet(a) => match lang {
            Lang::En => format!("the number of choices in {}", subject(m, a, lang)),
            Lang::Fr => format!("le nombre de choix dans {}", subject(m, a, lang)),
        },
    }
}

/// The facts a leaf reads, in order, without repeats.
pub fn facts_in(e: &Expr) -> Vec<(FactId, Option<u32>)> {
    let mut out = Vec::new();
    e.walk(&mut |x| match x.kind {
        ExprKind::Fact(f) if !out.contains(&(f, None)) => {
            out.push((f, None));
        }
        ExprKind::ItemField(v, f) if !out.contains(&(f, Some(v))) => {
            out.push((f, Some(v)));
        }
        _ => {}
    });
    out
}

/// The definitions a leaf reads.
pub fn defs_in(e: &Expr) -> Vec<DefId> {
    let mut out = Vec::new();
    e.walk(&mut |x| {
        if let ExprKind::Def(d) = x.kind
            && !out.contains(&d)
        {
            out.push(d);
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_both_languages() {
        assert_eq!(format_money(125_050, Lang::En), "$1,250.50");
        assert_eq!(format_money(125_050, Lang::Fr), "1\u{a0}250,50\u{a0}$");
        assert_eq!(format_money(5_000, Lang::Fr), "50\u{a0}$");
        assert_eq!(format_money(-5, Lang::En), "-$0.05");
    }
}
