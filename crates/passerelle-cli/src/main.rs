//! `passerelle`: the command line.

mod commands;

/// mimalloc instead of the system allocator: the checker builds and drops many small
/// syntax-tree nodes and the server many short-lived response buffers; glibc's malloc
/// spent a third of a 10,000-rule check in malloc, free and fresh pages (ARCHITECTURE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};
use passerelle_diag::Lang;
use std::path::PathBuf;
use std::process::ExitCode;

/// Passerelle: policy rules as code for digital delivery teams.
#[derive(Parser)]
#[command(name = "passerelle", version, about, long_about = None)]
struct Cli {
    /// Language of messages: en or fr (default: from LANG, else en).
    #[arg(long, global = true)]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// How diagnostics are printed.
#[derive(Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum Format {
    /// For people (graphical in a terminal).
    #[default]
    Human,
    /// Sentences only, for screen readers.
    Plain,
    /// One JSON object per line.
    Json,
}

/// How results are printed.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutFormat {
    /// JSON.
    Json,
    /// Indented text.
    Text,
}

#[derive(Subcommand)]
enum Command {
    /// Parse, resolve, type-check and lint packs.
    Check {
        /// Pack folders (default: the current folder).
        packs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Folder holding the official texts (laws/ and tbs/): resolve every citation in it.
        #[arg(long)]
        sources: Option<PathBuf>,
        /// With --sources: record the fingerprint of every cited provision of verified rules.
        #[arg(long, requires = "sources")]
        record_fingerprints: bool,
    },
    /// Run the scenarios of packs.
    Test {
        /// Pack folders (default: the current folder).
        packs: Vec<PathBuf>,
    },
    /// Evaluate answers against packs.
    Eval {
        /// Pack folder (repeat for layers; base packs are found through `builds_on`).
        #[arg(long = "pack", required = true)]
        packs: Vec<PathBuf>,
        /// Answers as JSON (a file, or - for standard input).
        #[arg(long)]
        facts: PathBuf,
        /// Date of the rules in force (YYYY-MM-DD; default today).
        #[arg(long)]
        as_of: Option<String>,
        /// json or text.
        #[arg(long, value_enum, default_value_t = OutFormat::Text)]
        format: OutFormat,
        /// Leave out explanations.
        #[arg(long)]
        no_explain: bool,
    },
    /// Answer the interview in a terminal, then see the verdict.
    Ask {
        /// Pack folder (repeat for layers).
        #[arg(long = "pack", required = true)]
        packs: Vec<PathBuf>,
        /// Start from answers saved as JSON.
        #[arg(long)]
        answers: Option<PathBuf>,
    },
    /// Generate a document (privacy-notice, consent-form, results-report).
    Doc {
        /// Document id.
        kind: String,
        /// Pack folder (repeat for layers).
        #[arg(long = "pack", required = true)]
        packs: Vec<PathBuf>,
        /// Answers as JSON (a file, or - for standard input).
        #[arg(long)]
        facts: PathBuf,
        /// html, md or pdf.
        #[arg(long, default_value = "html")]
        format: String,
        /// Date of the rules in force (default today).
        #[arg(long)]
        as_of: Option<String>,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Serve the web interview, results and JSON API.
    #[cfg(feature = "web")]
    Serve {
        /// Pack folders (default: the bundled packs).
        #[arg(long = "pack")]
        packs: Vec<PathBuf>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Database: sqlite://FILE (default: passerelle.db in the working folder) or postgres://…
        #[arg(long)]
        db: Option<String>,
        #[cfg(feature = "oidc")]
        #[command(flatten)]
        oidc: OidcArgs,
    },
    /// Print the official text of a provision.
    Cite {
        /// Instrument id, e.g. privacy-act.
        instrument: String,
        /// Section as the instrument numbers it, e.g. 5(2).
        section: String,
        /// Folder holding the official texts (laws/ and tbs/).
        #[arg(long)]
        sources: PathBuf,
        /// Pack declaring the instrument (default: packs/gc-digital).
        #[arg(long = "pack")]
        packs: Vec<PathBuf>,
    },
    /// Generate a valid synthetic pack (for benchmarks and tests).
    Gen {
        /// Number of rules.
        #[arg(long, default_value_t = 50)]
        rules: usize,
        /// Number of facts.
        #[arg(long, default_value_t = 30)]
        facts: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Rules per instrument file.
        #[arg(long, default_value_t = 500)]
        rules_per_file: usize,
        /// Folder to write (created if needed).
        out: PathBuf,
    },
    /// Count what packs contain: rules verified and unverified, myths, questions, scenarios…
    Info {
        /// Pack folders (default: the current folder).
        packs: Vec<PathBuf>,
        /// json or text.
        #[arg(long, value_enum, default_value_t = OutFormat::Text)]
        format: OutFormat,
    },
    /// The case log: situations, their verdicts at the time and the advice given.
    Cases {
        #[command(subcommand)]
        command: CasesCommand,
    },
    /// Accounts that may write to the case log.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Rewrite rule blocks in canonical layout.
    Fmt {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Only report files that would change (exit 1 if any).
        #[arg(long)]
        check: bool,
    },
}

/// OpenID Connect sign-in for `serve` (besides local accounts).
#[cfg(feature = "oidc")]
#[derive(clap::Args)]
struct OidcArgs {
    /// OpenID Connect issuer, exactly as in its tokens (https; http only on loopback): adds
    /// "Sign in with …" to the sign-in page. Accounts are linked with `users add --oidc`.
    #[arg(long, requires = "oidc_client_id")]
    oidc_issuer: Option<String>,
    /// Client id registered at the provider.
    #[arg(long, requires = "oidc_issuer")]
    oidc_client_id: Option<String>,
    /// File holding the client secret (default: the PASSERELLE_OIDC_CLIENT_SECRET variable).
    #[arg(long, requires = "oidc_issuer")]
    oidc_client_secret_file: Option<PathBuf>,
    /// Public address of this service (https://HOST[:PORT]); the redirect URI to register is
    /// this followed by /oidc/callback. Default: http://ADDRESS when listening on loopback.
    #[arg(long, requires = "oidc_issuer")]
    oidc_redirect_base: Option<String>,
    /// The provider's name on the button (default: the issuer's host).
    #[arg(long, requires = "oidc_issuer")]
    oidc_name: Option<String>,
}

#[cfg(feature = "oidc")]
impl OidcArgs {
    /// The settings, the secret read from its file or the environment.
    fn settings(self) -> Result<Option<passerelle_web::oidc::OidcSettings>, String> {
        let (Some(issuer), Some(client_id)) = (self.oidc_issuer, self.oidc_client_id) else {
            return Ok(None);
        };
        let secret = match &self.oidc_client_secret_file {
            Some(f) => std::fs::read_to_string(f)
                .map_err(|e| format!("cannot read {}: {e}", f.display()))?,
            None => std::env::var("PASSERELLE_OIDC_CLIENT_SECRET").map_err(|_| {
                "--oidc-issuer needs a client secret: --oidc-client-secret-file FILE or \
                 PASSERELLE_OIDC_CLIENT_SECRET"
                    .to_string()
            })?,
        };
        Ok(Some(passerelle_web::oidc::OidcSettings {
            issuer,
            client_id,
            client_secret: passerelle_web::oidc::ClientSecret::new(&secret),
            redirect_base: self.oidc_redirect_base,
            name: self.oidc_name,
        }))
    }
}

#[derive(Subcommand)]
enum CasesCommand {
    /// List situations, most recently changed first, or those matching words.
    List {
        /// Database: sqlite://FILE (default: passerelle.db in the working folder) or postgres://…
        #[arg(long)]
        db: Option<String>,
        /// Only this status (draft, answered, needs_review, published); repeat for several.
        #[arg(long)]
        status: Vec<String>,
        /// Words to look for, in English or French.
        #[arg(long)]
        search: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// json or text.
        #[arg(long, value_enum, default_value_t = OutFormat::Text)]
        format: OutFormat,
    },
    /// Show one situation: its verdict at the time, the advice, and what changed since.
    Show {
        /// Situation id.
        id: String,
        /// Database.
        #[arg(long)]
        db: Option<String>,
        /// json or text.
        #[arg(long, value_enum, default_value_t = OutFormat::Text)]
        format: OutFormat,
    },
    /// Write the whole case log as JSON Lines.
    Export {
        /// Database.
        #[arg(long)]
        db: Option<String>,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Read a JSON Lines export (checked whole before anything is written).
    Import {
        /// The file.
        file: PathBuf,
        /// Database.
        #[arg(long)]
        db: Option<String>,
    },
    /// Re-evaluate situations recorded under other pack versions; flag changed verdicts.
    Recheck {
        /// Database.
        #[arg(long)]
        db: Option<String>,
        /// Pack folders (default: packs/gc-digital).
        #[arg(long = "pack")]
        packs: Vec<PathBuf>,
        /// Date of the rules in force (default today).
        #[arg(long)]
        as_of: Option<String>,
        /// Re-evaluate even situations already checked against these packs.
        #[arg(long)]
        force: bool,
        /// json or text.
        #[arg(long, value_enum, default_value_t = OutFormat::Text)]
        format: OutFormat,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Create an account (password from PASSERELLE_PASSWORD, or asked; none with --oidc).
    Add {
        /// Sign-in name.
        username: String,
        /// contributor, policy_specialist or admin.
        #[arg(long)]
        role: String,
        /// Name shown (default: the sign-in name).
        #[arg(long)]
        display_name: Option<String>,
        /// An OpenID Connect account: "ISSUER SUBJECT" (the issuer as in its tokens, a space,
        /// the `sub` claim). It signs in only with the provider, never with a password.
        #[arg(long, value_name = "ISSUER SUBJECT")]
        oidc: Option<String>,
        /// Database.
        #[arg(long)]
        db: Option<String>,
    },
    /// List accounts.
    List {
        /// Database.
        #[arg(long)]
        db: Option<String>,
    },
}

fn detect_lang(flag: Option<&str>) -> Lang {
    if let Some(l) = flag.and_then(Lang::parse) {
        return l;
    }
    for var in ["PASSERELLE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var) {
            if v.to_ascii_lowercase().starts_with("fr") {
                return Lang::Fr;
            }
            if !v.is_empty() && v != "C" && v != "POSIX" {
                return Lang::En;
            }
        }
    }
    Lang::En
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = detect_lang(cli.lang.as_deref());
    if let Some(l) = &cli.lang
        && Lang::parse(l).is_none()
    {
        eprintln!(
            "unknown language `{l}`: use en or fr / langue inconnue « {l} » : utilisez en ou fr"
        );
        return ExitCode::from(2);
    }
    let code = match cli.command {
        Command::Check {
            packs,
            format,
            sources,
            record_fingerprints,
        } => commands::check::run(
            &packs,
            format,
            lang,
            sources.as_deref(),
            record_fingerprints,
        ),
        Command::Fmt { paths, check } => commands::fmt::run(&paths, check, lang),
        Command::Test { packs } => commands::test::run(&packs, lang),
        Command::Doc {
            kind,
            packs,
            facts,
            format,
            as_of,
            output,
        } => commands::doc::run(
            &kind,
            &packs,
            &facts,
            &format,
            as_of.as_deref(),
            output.as_deref(),
            lang,
        ),
        Command::Ask { packs, answers } => commands::ask::run(&packs, answers.as_deref(), lang),
        #[cfg(feature = "web")]
        Command::Serve {
            packs,
            addr,
            db,
            #[cfg(feature = "oidc")]
            oidc,
        } => {
            #[cfg(feature = "oidc")]
            let oidc = match oidc.settings() {
                Ok(s) => s,
                Err(e) => {
                    match lang {
                        Lang::En => eprintln!("error: {e}"),
                        Lang::Fr => eprintln!("erreur : {e}"),
                    }
                    return ExitCode::from(2);
                }
            };
            match passerelle_web::run(passerelle_web::ServeOptions {
                packs,
                addr,
                db,
                #[cfg(feature = "oidc")]
                oidc,
            }) {
                Ok(()) => 0,
                Err(e) => {
                    match lang {
                        Lang::En => eprintln!("error: {e}"),
                        Lang::Fr => eprintln!("erreur : {e}"),
                    }
                    1
                }
            }
        }
        Command::Info { packs, format } => commands::info::run(&packs, format, lang),
        Command::Cases { command } => match command {
            CasesCommand::List {
                db,
                status,
                search,
                limit,
                format,
            } => commands::cases::list(
                db.as_deref(),
                &status,
                search.as_deref(),
                limit,
                format,
                lang,
            ),
            CasesCommand::Show { id, db, format } => {
                commands::cases::show(db.as_deref(), &id, format, lang)
            }
            CasesCommand::Export { db, output } => {
                commands::cases::export(db.as_deref(), output.as_deref(), lang)
            }
            CasesCommand::Import { file, db } => {
                commands::cases::import(db.as_deref(), &file, lang)
            }
            CasesCommand::Recheck {
                db,
                packs,
                as_of,
                force,
                format,
            } => commands::cases::recheck_all(
                db.as_deref(),
                &packs,
                as_of.as_deref(),
                force,
                format,
                lang,
            ),
        },
        Command::Users { command } => match command {
            UsersCommand::Add {
                username,
                role,
                display_name,
                oidc,
                db,
            } => commands::cases::add_user(
                db.as_deref(),
                &username,
                &role,
                display_name.as_deref(),
                oidc.as_deref(),
                lang,
            ),
            UsersCommand::List { db } => commands::cases::list_users(db.as_deref(), lang),
        },
        Command::Cite {
            instrument,
            section,
            sources,
            packs,
        } => {
            let packs = if packs.is_empty() {
                vec![PathBuf::from("packs/gc-digital")]
            } else {
                packs
            };
            commands::sources::cite(&packs, &sources, &instrument, &section, lang)
        }
        Command::Gen {
            rules,
            facts,
            seed,
            rules_per_file,
            out,
        } => {
            let files = passerelle::generate::generate(&passerelle::generate::GenOptions {
                rules,
                facts,
                seed,
                rules_per_file,
            });
            match passerelle::generate::write(&out, &files) {
                Ok(()) => {
                    match lang {
                        Lang::En => eprintln!("wrote {} files to {}", files.len(), out.display()),
                        Lang::Fr => {
                            eprintln!("{} fichiers écrits dans {}", files.len(), out.display())
                        }
                    }
                    0
                }
                Err(e) => {
                    match lang {
                        Lang::En => eprintln!("error: cannot write {}: {e}", out.display()),
                        Lang::Fr => {
                            eprintln!("erreur : impossible d'écrire {} : {e}", out.display())
                        }
                    }
                    1
                }
            }
        }
        Command::Eval {
            packs,
            facts,
            as_of,
            format,
            no_explain,
        } => commands::eval::run(&packs, &facts, as_of.as_deref(), format, !no_explain, lang),
    };
    ExitCode::from(code)
}
