//! Full-text search over the case log, in English and French.
//!
//! The database is the record; this index is a cache each instance of the service keeps in
//! memory (tantivy, RAM directory), built from the database when it starts and kept up to
//! date from the audit trail: every change to a situation writes an audit row in the same
//! transaction, so [`SearchIndex::refresh`] re-reads the situations changed since the last
//! row it saw (re-reading a margin of recent rows too, since with several writers on
//! PostgreSQL a lower sequence number can commit after a higher one). Search therefore runs
//! the same Rust code over the same documents whichever backend holds them: the same
//! results on SQLite and PostgreSQL.
//!
//! Analysis: words are split on non-alphanumerics, lower-cased, stop words of the language
//! dropped, folded to ASCII (so `resume` finds `résumé`) and stemmed with the Snowball
//! stemmer of the language (`subscriptions` finds `subscription`, `séances` finds `séance`).
//! French needs two passes: its stemmer relies on accents (`hébergée` and `hébergé` share
//! a stem only before folding), while a query typed without accents can only be stemmed
//! after folding. Each French word is therefore indexed and looked up both ways (stem then
//! fold, fold then stem). A situation's title and narrative are analysed in the language
//! they are written in; the advice in each language with that language. A query is
//! analysed both ways and every word must match somewhere (titles weigh three times more);
//! results are ranked by BM25.

use jiff::civil::Date;
use passerelle_store::{CaseStatus, Situation, Store, StoreError};
use std::sync::Mutex;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query as TQuery, RangeQuery,
    TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, PreTokenizedString, RemoveLongFilter,
    SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer, Token,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// Why the index failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The search engine failed.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The database failed while reading situations.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index lock was poisoned by a panic elsewhere.
    #[error("search index lock poisoned")]
    Poisoned,
}

/// What to look for.
#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    /// Words, in English or French (empty: everything, most recent first).
    pub text: String,
    /// Only these statuses (empty: all).
    pub statuses: Vec<CaseStatus>,
    /// Only situations in one of these domains (empty: all).
    pub domains: Vec<String>,
    /// Only situations citing every one of these rules.
    pub rules: Vec<String>,
    /// Changed on or after this day.
    pub from: Option<Date>,
    /// Changed on or before this day.
    pub to: Option<Date>,
    /// At most this many hits (0 means 20).
    pub limit: usize,
    /// Skip this many.
    pub offset: usize,
}

/// One situation found.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// Situation id.
    pub id: String,
    /// Relevance (higher is better; 0 when listing without words).
    pub score: f32,
}

/// Hits and how many matched in all.
#[derive(Clone, Debug, PartialEq)]
pub struct Results {
    /// The page asked for.
    pub hits: Vec<Hit>,
    /// Matches in all.
    pub total: usize,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title_en: Field,
    title_fr: Field,
    body_en: Field,
    body_fr: Field,
    status: Field,
    domain: Field,
    rule: Field,
    updated: Field,
}

/// The in-memory search index of one instance.
pub struct SearchIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    f: Fields,
    an: Mutex<Analysers>,
    last_seq: Mutex<i64>,
}

/// Audit rows re-read behind the last one seen, for transactions that committed late.
const MARGIN: i64 = 256;

/// Lower-case, drop stop words, then fold and stem in the order given.
fn analyzer(lang: Language, fold_first: bool) -> TextAnalyzer {
    let stop = StopWordFilter::new(lang).unwrap_or_else(|| StopWordFilter::remove(Vec::new()));
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(stop);
    if fold_first {
        base.filter(AsciiFoldingFilter)
            .filter(Stemmer::new(lang))
            .build()
    } else {
        base.filter(Stemmer::new(lang))
            .filter(AsciiFoldingFilter)
            .build()
    }
}

/// The analysers of both languages.
#[derive(Clone)]
struct Analysers {
    en: TextAnalyzer,
    fr_fold_first: TextAnalyzer,
    fr_stem_first: TextAnalyzer,
}

impl Analysers {
    fn new() -> Analysers {
        Analysers {
            en: analyzer(Language::English, true),
            fr_fold_first: analyzer(Language::French, true),
            fr_stem_first: analyzer(Language::French, false),
        }
    }

    /// Tokens of `text` in `lang` (`fr` or anything else for English), each position once
    /// per distinct term.
    fn tokens(&mut self, text: &str, fr: bool) -> Vec<Token> {
        let mut out: Vec<Token> = Vec::new();
        let passes: Vec<&mut TextAnalyzer> = if fr {
            vec![&mut self.fr_fold_first, &mut self.fr_stem_first]
        } else {
            vec![&mut self.en]
        };
        for a in passes {
            let mut s = a.token_stream(text);
            while s.advance() {
                let t = s.token();
                if !out
                    .iter()
                    .any(|x| x.position == t.position && x.text == t.text)
                {
                    out.push(t.clone());
                }
            }
        }
        out.sort_by_key(|t| (t.position, t.offset_from));
        out
    }

    fn pre(&mut self, text: &str, fr: bool) -> PreTokenizedString {
        PreTokenizedString {
            text: text.to_string(),
            tokens: self.tokens(text, fr),
        }
    }
}

/// The terms of `text` as the index stores them for `lang` (`en` or `fr`).
pub fn analyse(text: &str, lang: &str) -> Vec<String> {
    Analysers::new()
        .tokens(text, lang == "fr")
        .into_iter()
        .map(|t| t.text)
        .collect()
}

fn days(d: Date) -> i64 {
    jiff::civil::Date::new(1970, 1, 1)
        .ok()
        .and_then(|epoch| d.since(epoch).ok())
        .map(|s| i64::from(s.get_days()))
        .unwrap_or(0)
}

/// A filter: matches without changing the score.
fn zero(q: Box<dyn TQuery>) -> Box<dyn TQuery> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

fn updated_day(s: &Situation) -> i64 {
    s.updated_at
        .get(..10)
        .and_then(|d| d.parse::<Date>().ok())
        .map(days)
        .unwrap_or(0)
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Result<SearchIndex, SearchError> {
        let mut sb = Schema::builder();
        let text = |name: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(name)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let f = Fields {
            id: sb.add_text_field("id", STRING | STORED),
            title_en: sb.add_text_field("title_en", text("pl_en")),
            title_fr: sb.add_text_field("title_fr", text("pl_fr")),
            body_en: sb.add_text_field("body_en", text("pl_en")),
            body_fr: sb.add_text_field("body_fr", text("pl_fr")),
            status: sb.add_text_field("status", STRING),
            domain: sb.add_text_field("domain", STRING),
            rule: sb.add_text_field("rule", STRING),
            updated: sb.add_i64_field("updated", INDEXED | FAST),
        };
        let index = Index::create_in_ram(sb.build());
        let an = Analysers::new();
        // Documents arrive pre-tokenised (see `Analysers`); the registered analysers only
        // serve tantivy's own needs (e.g. highlighting).
        index.tokenizers().register("pl_en", an.en.clone());
        index
            .tokenizers()
            .register("pl_fr", an.fr_fold_first.clone());
        let an = Mutex::new(an);
        let threads = std::thread::available_parallelism()
            .map(std::num::NonZeroUsize::get)
            .unwrap_or(1)
            .clamp(1, 4);
        let writer = index.writer_with_num_threads(threads, threads * 40_000_000)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            reader,
            writer: Mutex::new(writer),
            f,
            an,
            last_seq: Mutex::new(0),
        })
    }

    /// Builds the index of every situation in the store.
    pub async fn build(store: &Store) -> Result<SearchIndex, SearchError> {
        let idx = SearchIndex::new()?;
        // Read the position first: whatever changes while the walk runs is re-read later.
        let seq = store.last_audit_seq().await?;
        let mut after = String::new();
        loop {
            let page = store.situations_after(&after, 2_000).await?;
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            idx.add_all(&page)?;
        }
        idx.commit()?;
        *idx.last_seq.lock().map_err(|_| SearchError::Poisoned)? = seq;
        Ok(idx)
    }

    fn doc(&self, an: &mut Analysers, s: &Situation) -> TantivyDocument {
        let f = &self.f;
        let mut d = TantivyDocument::new();
        d.add_text(f.id, &s.id);
        let fr = s.lang == "fr";
        let (title, body) = if fr {
            (f.title_fr, f.body_fr)
        } else {
            (f.title_en, f.body_en)
        };
        d.add_pre_tokenized_text(title, an.pre(&s.title, fr));
        d.add_pre_tokenized_text(body, an.pre(&s.narrative, fr));
        if !s.advice_en.is_empty() {
            d.add_pre_tokenized_text(f.body_en, an.pre(&s.advice_en, false));
        }
        if !s.advice_fr.is_empty() {
            d.add_pre_tokenized_text(f.body_fr, an.pre(&s.advice_fr, true));
        }
        d.add_text(f.status, s.status.word());
        for dom in &s.domains {
            d.add_text(f.domain, dom);
        }
        let mut rules = s.verdict.rule_ids();
        rules.extend(s.rules.iter().cloned());
        rules.extend(s.verdict.myths.iter().map(|m| m.rule().to_string()));
        rules.extend(s.myths.iter().cloned());
        rules.sort();
        rules.dedup();
        for r in &rules {
            d.add_text(f.rule, r);
        }
        d.add_i64(f.updated, updated_day(s));
        d
    }

    fn add_all(&self, page: &[Situation]) -> Result<(), SearchError> {
        let w = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        let mut an = self.an.lock().map_err(|_| SearchError::Poisoned)?;
        for s in page {
            w.add_document(self.doc(&mut an, s))?;
        }
        Ok(())
    }

    fn commit(&self) -> Result<(), SearchError> {
        self.writer
            .lock()
            .map_err(|_| SearchError::Poisoned)?
            .commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Adds or replaces situations, visible to the next search.
    pub fn upsert(&self, situations: &[Situation]) -> Result<(), SearchError> {
        {
            let w = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
            let mut an = self.an.lock().map_err(|_| SearchError::Poisoned)?;
            for s in situations {
                w.delete_term(Term::from_field_text(self.f.id, &s.id));
                w.add_document(self.doc(&mut an, s))?;
            }
        }
        self.commit()
    }

    /// Removes a situation.
    pub fn remove(&self, id: &str) -> Result<(), SearchError> {
        self.writer
            .lock()
            .map_err(|_| SearchError::Poisoned)?
            .delete_term(Term::from_field_text(self.f.id, id));
        self.commit()
    }

    /// Catches up with changes other instances (or other processes) made: returns how many
    /// situations were re-read.
    pub async fn refresh(&self, store: &Store) -> Result<usize, SearchError> {
        let since = {
            let s = *self.last_seq.lock().map_err(|_| SearchError::Poisoned)?;
            (s - MARGIN).max(0)
        };
        let (ids, last) = store.situations_changed_since(since).await?;
        if ids.is_empty() {
            return Ok(0);
        }
        let mut found = Vec::with_capacity(ids.len());
        let mut gone = Vec::new();
        for id in &ids {
            match store.situation(id).await? {
                Some(s) => found.push(s),
                None => gone.push(id.clone()),
            }
        }
        {
            let w = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
            for id in &gone {
                w.delete_term(Term::from_field_text(self.f.id, id));
            }
        }
        self.upsert(&found)?;
        let mut l = self.last_seq.lock().map_err(|_| SearchError::Poisoned)?;
        *l = (*l).max(last);
        Ok(ids.len())
    }

    /// Number of situations indexed.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The clause for one query word, or None when it is a stop word in either language.
    fn word_clause(&self, word: &str) -> Option<Box<dyn TQuery>> {
        let (en, fr) = {
            let mut an = self.an.lock().ok()?;
            (an.tokens(word, false), an.tokens(word, true))
        };
        if en.is_empty() || fr.is_empty() {
            return None;
        }
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        let mut term = |field: Field, t: &str, boost: f32| {
            let q = TermQuery::new(
                Term::from_field_text(field, t),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
        };
        for t in &en {
            term(self.f.title_en, &t.text, 3.0);
            term(self.f.body_en, &t.text, 1.0);
        }
        for t in &fr {
            term(self.f.title_fr, &t.text, 3.0);
            term(self.f.body_fr, &t.text, 1.0);
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    fn any_of(&self, field: Field, values: &[String]) -> Box<dyn TQuery> {
        Box::new(BooleanQuery::new(
            values
                .iter()
                .map(|v| {
                    let q: Box<dyn TQuery> = Box::new(TermQuery::new(
                        Term::from_field_text(field, v),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, q)
                })
                .collect(),
        ))
    }

    fn filters(&self, q: &SearchQuery, clauses: &mut Vec<(Occur, Box<dyn TQuery>)>) {
        if !q.statuses.is_empty() {
            let words: Vec<String> = q.statuses.iter().map(|s| s.word().to_string()).collect();
            clauses.push((Occur::Must, zero(self.any_of(self.f.status, &words))));
        }
        if !q.domains.is_empty() {
            clauses.push((Occur::Must, zero(self.any_of(self.f.domain, &q.domains))));
        }
        for r in &q.rules {
            clauses.push((
                Occur::Must,
                zero(self.any_of(self.f.rule, std::slice::from_ref(r))),
            ));
        }
        if q.from.is_some() || q.to.is_some() {
            let lo = q.from.map(days).unwrap_or(i64::MIN);
            let hi = q.to.map(days).unwrap_or(i64::MAX);
            let range = RangeQuery::new(
                std::ops::Bound::Included(Term::from_field_i64(self.f.updated, lo)),
                std::ops::Bound::Included(Term::from_field_i64(self.f.updated, hi)),
            );
            clauses.push((Occur::Must, zero(Box::new(range))));
        }
    }

    fn ids(
        &self,
        addrs: impl IntoIterator<Item = (f32, tantivy::DocAddress)>,
    ) -> Result<Vec<Hit>, SearchError> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for (score, addr) in addrs {
            let d: TantivyDocument = searcher.doc(addr)?;
            if let Some(id) = d.get_first(self.f.id).and_then(|v| v.as_str()) {
                out.push(Hit {
                    id: id.to_string(),
                    score,
                });
            }
        }
        Ok(out)
    }

    /// Searches.
    pub fn search(&self, q: &SearchQuery) -> Result<Results, SearchError> {
        let limit = if q.limit == 0 { 20 } else { q.limit.min(1_000) };
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        let mut words = 0;
        for w in q
            .text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(32)
        {
            if let Some(c) = self.word_clause(w) {
                clauses.push((Occur::Must, c));
                words += 1;
            }
        }
        self.filters(q, &mut clauses);
        let searcher = self.reader.searcher();
        if words == 0 {
            // No words: everything that passes the filters, most recently changed first.
            let query: Box<dyn TQuery> = if clauses.is_empty() {
                Box::new(AllQuery)
            } else {
                Box::new(BooleanQuery::new(clauses))
            };
            let top = TopDocs::with_limit(limit)
                .and_offset(q.offset)
                .order_by_fast_field::<i64>("updated", tantivy::Order::Desc);
            let (hits, total) = searcher.search(&query, &(top, Count))?;
            let hits = self.ids(hits.into_iter().map(|(_, a)| (0.0, a)))?;
            return Ok(Results { hits, total });
        }
        let query = BooleanQuery::new(clauses);
        let top = TopDocs::with_limit(limit)
            .and_offset(q.offset)
            .order_by_score();
        let (hits, total) = searcher.search(&query, &(top, Count))?;
        Ok(Results {
            hits: self.ids(hits)?,
            total,
        })
    }

    /// Situations that cited the same rules, most rules in common first ("others in your
    /// situation"), among the statuses given, leaving out `except`.
    pub fn related(
        &self,
        rules: &[String],
        statuses: &[CaseStatus],
        except: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        if rules.is_empty() {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        let overlap: Vec<(Occur, Box<dyn TQuery>)> = rules
            .iter()
            .map(|r| {
                let q: Box<dyn TQuery> = Box::new(ConstScoreQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.f.rule, r),
                        IndexRecordOption::Basic,
                    )),
                    1.0,
                ));
                (Occur::Should, q)
            })
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(overlap))));
        self.filters(
            &SearchQuery {
                statuses: statuses.to_vec(),
                ..SearchQuery::default()
            },
            &mut clauses,
        );
        if let Some(id) = except {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.f.id, id),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(limit.max(1)).order_by_score();
        let hits = searcher.search(&query, &top)?;
        self.ids(hits)
    }
}
