//! The generic syntax tree: bodies of fields whose values are expressions.
//!
//! The tree is deliberately untyped: `rule`, `fact`, `when`, `cites` are all just fields.
//! The checker gives them meaning, which keeps the parser small and its recovery simple.

use passerelle_diag::Span;

/// A name with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The name as written.
    pub name: String,
    /// Where.
    pub span: Span,
}

/// A `{ … }` body, or a whole rule block.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// Fields and comments, in order.
    pub items: Vec<Item>,
    /// From the opening to the closing brace (the whole block for a top level).
    pub span: Span,
}

impl Body {
    /// The fields, skipping comments.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.items.iter().filter_map(|i| match i {
            Item::Field(f) => Some(f),
            Item::Comment { .. } => None,
        })
    }
}

/// One line of a body.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `key args : type { body }`.
    Field(Field),
    /// A full-line `# comment`.
    Comment {
        /// The text after `#`, as written.
        text: String,
        /// Where.
        span: Span,
        /// Whether a blank line precedes it.
        blank_before: bool,
    },
}

/// A field: `key [arg, …] [: type] [{ body }]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The key (`rule`, `when`, `en`…).
    pub key: Ident,
    /// The comma-separated values after the key.
    pub args: Vec<Expr>,
    /// The `: type` annotation (boxed: most fields have none, and every field of a pack is
    /// in memory at once while it is checked).
    pub ty: Option<Box<Ident>>,
    /// The nested body.
    pub body: Option<Body>,
    /// The whole field.
    pub span: Span,
    /// A `# comment` at the end of the line.
    pub trailing_comment: Option<Box<str>>,
    /// Whether a blank line precedes it.
    pub blank_before: bool,
    /// Whether a comment sits inside the field's expressions; the formatter then keeps
    /// the field as written so that nothing is lost.
    pub verbatim: bool,
}

impl Field {
    /// The single argument, if there is exactly one.
    pub fn arg(&self) -> Option<&Expr> {
        match self.args.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// The first argument as a bare name.
    pub fn name_arg(&self) -> Option<Ident> {
        match self.args.first().map(|e| &e.kind) {
            Some(ExprKind::Name(n)) => Some(Ident {
                name: n.clone(),
                span: self.args.first().map(|e| e.span).unwrap_or(self.key.span),
            }),
            _ => None,
        }
    }
}

/// Duration units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Days.
    Days,
    /// Weeks.
    Weeks,
    /// Months.
    Months,
    /// Years.
    Years,
}

impl Unit {
    /// Parses a unit word (singular or plural).
    pub fn parse(s: &str) -> Option<Unit> {
        match s {
            "day" | "days" => Some(Unit::Days),
            "week" | "weeks" => Some(Unit::Weeks),
            "month" | "months" => Some(Unit::Months),
            "year" | "years" => Some(Unit::Years),
            _ => None,
        }
    }

    /// The canonical word for `n` units.
    pub fn word(self, n: i64) -> &'static str {
        let one = n == 1;
        match (self, one) {
            (Unit::Days, true) => "day",
            (Unit::Days, false) => "days",
            (Unit::Weeks, true) => "week",
            (Unit::Weeks, false) => "weeks",
            (Unit::Months, true) => "month",
            (Unit::Months, false) => "months",
            (Unit::Years, true) => "year",
            (Unit::Years, false) => "years",
        }
    }
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `case c => v`.
    Arrow,
    /// `or`.
    Or,
    /// `and`.
    And,
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `in`.
    In,
    /// `contains`.
    Contains,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
}

impl BinOp {
    /// The operator as written.
    pub fn text(self) -> &'static str {
        match self {
            BinOp::Arrow => "=>",
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Contains => "contains",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    /// Binding power: higher binds tighter.
    pub fn power(self) -> u8 {
        match self {
            BinOp::Arrow => 1,
            BinOp::Or => 2,
            BinOp::And => 3,
            BinOp::Eq
            | BinOp::Ne
            | BinOp::Lt
            | BinOp::Le
            | BinOp::Gt
            | BinOp::Ge
            | BinOp::In
            | BinOp::Contains => 5,
            BinOp::Add | BinOp::Sub => 6,
            BinOp::Mul | BinOp::Div => 7,
        }
    }
}

/// Quantifiers over a repeated group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuantKind {
    /// `any(x in g: p)`.
    Any,
    /// `all(x in g: p)`.
    All,
    /// `count(x in g: p)`.
    Count,
}

impl QuantKind {
    /// The keyword.
    pub fn text(self) -> &'static str {
        match self {
            QuantKind::Any => "any",
            QuantKind::All => "all",
            QuantKind::Count => "count",
        }
    }
}

/// An expression with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An amount in cents.
    Money(i64),
    /// A date.
    Date(jiff::civil::Date),
    /// `30 days`.
    Duration(i64, Unit),
    /// A string, escapes decoded and line breaks folded.
    Str(String),
    /// A bare name (fact, definition, option, rule id…).
    Name(String),
    /// `as_of`.
    AsOf,
    /// `not e`.
    Not(Box<Expr>),
    /// `-e`.
    Neg(Box<Expr>),
    /// `a op b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `e is known` (true) / `e is unknown` (false).
    Is(Box<Expr>, bool),
    /// `if c then a else b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `any(x in g: p)` and friends.
    Quant(QuantKind, Box<Ident>, Box<Expr>, Box<Expr>),
    /// `count(g)`.
    CountOf(Box<Expr>),
    /// `e.field`.
    Member(Box<Expr>, Box<Ident>),
    /// `e[i]`.
    Index(Box<Expr>, Box<Expr>),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{ k v … }` inside an expression.
    Record(Body),
    /// `( e )`, kept so the formatter respects the author's grouping.
    Paren(Box<Expr>),
    /// Something that failed to parse (a diagnostic was reported).
    Error,
}

impl Expr {
    /// Removes redundant parentheses around the outermost expression.
    pub fn unparen(&self) -> &Expr {
        let mut e = self;
        while let ExprKind::Paren(inner) = &e.kind {
            e = inner;
        }
        e
    }
}
