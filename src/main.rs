//! The `labdesk` command: demo, serve, migrate, user and api-key management.
use std::io::Read;
use std::net::TcpListener;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use labdesk::config::{self, ServerArgs, Settings};
use labdesk::db::{self, orgs};
use labdesk::domain::access::Role;
use labdesk::domain::actor::Actor;
use labdesk::error::AppError;
use labdesk::seed::demo;
use labdesk::service::api_keys::{self, KeyOwner};
use labdesk::service::users::{self, CreateUser};
use labdesk::startup;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc 3's `mi_option_purge_delay` (its place in `mi_option_e`; the sys crate names no
/// constant for it). `purge_delay_option_is_mimallocs` checks it still is.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed pages go back to the OS at once rather than a second later. Under 64 connections the
/// per-thread heaps of 40 threads otherwise held on to 200+ MB after pages of large answers;
/// purging at once kept the route mix at 1M orders under 185 MB with no loss of throughput.
fn return_freed_memory_promptly() {
    // SAFETY: an integer option, set before any other thread exists (mimalloc's options are not
    // synchronised).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

#[derive(Parser)]
#[command(
    name = "labdesk",
    version,
    about = "Lab accounts, orders and results across several lab accounts"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run on a local SQLite file with demo data (created on first run, reused after).
    Demo {
        #[command(flatten)]
        server: ServerArgs,
        #[arg(long, default_value = "labdesk-demo.sqlite")]
        database_url: String,
        /// Also run a simulated Quest: orders on Quest accounts go to it over MLLP and its results
        /// come back over MLLP within seconds (the whole lab loop, locally).
        #[arg(long, default_value_t = false)]
        lab_simulator: bool,
    },
    /// Run the server on DATABASE_URL (a SQLite path or a postgres:// URL).
    Serve {
        #[command(flatten)]
        server: ServerArgs,
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        /// 64 bytes as hex or base64; see `labdesk session-key`.
        #[arg(long, env = "LABDESK_SESSION_KEY", hide_env_values = true)]
        session_key: Option<String>,
    },
    /// Bring the database schema up to date.
    Migrate {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
    },
    /// Print a fresh session key.
    SessionKey,
    /// Manage people who sign in.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API keys.
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// A simulated lab: takes orders over MLLP, acknowledges them and sends results back to
    /// labdesk's MLLP listener (for the demo and for trying a lab connection).
    LabSimulator {
        /// Where the lab takes orders (set the lab's connection in labdesk to this address).
        #[arg(long, default_value = "127.0.0.1:6661")]
        listen: std::net::SocketAddr,
        /// labdesk's MLLP listener (`serve --mllp`).
        #[arg(long, default_value = "127.0.0.1:2575")]
        results_to: String,
        /// The lab's interface key, sent in MSH-8.
        #[arg(long, env = "LABDESK_LAB_KEY", hide_env_values = true)]
        key: String,
        /// Account numbers to refuse (answered AR), comma-separated.
        #[arg(long, value_delimiter = ',')]
        refuse_account: Vec<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["csm", "org_admin", "clinician"])]
        role: String,
        /// Organization id or name (repeat for a CSM who looks after several).
        #[arg(long = "org")]
        orgs: Vec<String>,
        /// Team id or name (clinicians; repeatable).
        #[arg(long = "team")]
        teams: Vec<String>,
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
    },
    /// Disable a user: they can no longer sign in and all their sessions end.
    Disable {
        #[arg(long)]
        email: String,
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
    },
    /// Set a user's password (read from standard input); all their sessions end.
    SetPassword {
        #[arg(long)]
        email: String,
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
    },
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Create a key and print it once, alone on the last line.
    Create {
        /// Team id or name: a team API key (x-vital-api-key).
        #[arg(long, conflicts_with_all = ["org", "lab"], required_unless_present_any = ["org", "lab"])]
        team: Option<String>,
        /// Organization id or name: an org management key (X-Management-Key).
        #[arg(long, conflicts_with = "lab")]
        org: Option<String>,
        /// Lab slug (e.g. quest): a lab interface key for result delivery (X-Lab-Interface-Key).
        #[arg(long)]
        lab: Option<String>,
        #[arg(long, default_value = "created on the command line")]
        label: String,
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
    },
}

fn main() -> ExitCode {
    return_freed_memory_promptly();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,actix_server=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("labdesk: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Demo {
            server,
            database_url,
            lab_simulator,
        } => run_demo(server, database_url, lab_simulator),
        Command::Serve {
            server,
            database_url,
            session_key,
        } => {
            let key = config::parse_session_key(session_key.as_deref())?;
            let server = server.default_deployment_env(config::PRODUCTION);
            let settings = Settings::new(&server, database_url, key);
            let pool = startup::prepare_database_with(
                &settings.database_url,
                settings.pool_size,
                server.db_timeout(),
            )?;
            serve(settings, pool, None)
        }
        Command::LabSimulator {
            listen,
            results_to,
            key,
            refuse_account,
        } => {
            let listener = std::net::TcpListener::bind(listen)
                .map_err(|e| AppError::Config(format!("cannot listen on {listen}: {e}")))?;
            let settings = labdesk::lab_simulator::SimulatorSettings {
                results_to,
                key,
                refuse_accounts: refuse_account,
            };
            labdesk::lab_simulator::spawn(listener, settings)?;
            println!("lab simulator taking orders over MLLP on {listen}; Ctrl-C stops it");
            loop {
                std::thread::park();
            }
        }
        Command::Migrate { database_url } => {
            startup::prepare_database(&database_url, 1)?;
            println!("migrations are up to date");
            Ok(())
        }
        Command::SessionKey => {
            println!("{}", config::generate_session_key_hex());
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    name,
                    role,
                    orgs,
                    teams,
                    database_url,
                },
        } => {
            let role: Role = role.parse().map_err(AppError::Config)?;
            let password = read_password()?;
            let pool = startup::prepare_database(&database_url, 1)?;
            let mut conn = pool.get()?;
            let id = users::create(
                &mut conn,
                &Actor::system("command line"),
                &CreateUser {
                    email,
                    name,
                    role,
                    orgs,
                    teams,
                    password,
                },
            )?;
            println!("created user {id}");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Disable {
                    email,
                    database_url,
                },
        } => {
            let pool = startup::prepare_database(&database_url, 1)?;
            let mut conn = pool.get()?;
            match users::disable(&mut conn, &Actor::system("command line"), &email)? {
                Some(ended) => println!("disabled {email}; {ended} sessions ended"),
                None => println!("{email} was already disabled"),
            }
            Ok(())
        }
        Command::User {
            command:
                UserCommand::SetPassword {
                    email,
                    database_url,
                },
        } => {
            let password = read_password()?;
            let pool = startup::prepare_database(&database_url, 1)?;
            let mut conn = pool.get()?;
            let ended =
                users::set_password(&mut conn, &Actor::system("command line"), &email, &password)?;
            println!("password of {email} changed; {ended} sessions ended");
            Ok(())
        }
        Command::ApiKey {
            command:
                ApiKeyCommand::Create {
                    team,
                    org,
                    lab,
                    label,
                    database_url,
                },
        } => {
            let pool = startup::prepare_database(&database_url, 1)?;
            let mut conn = pool.get()?;
            let owner = match (team, org, lab) {
                (_, _, Some(lab)) => {
                    let slug: labdesk::domain::lab::LabSlug =
                        lab.parse().map_err(AppError::Config)?;
                    println!("lab interface key for {}; send it as X-Lab-Interface-Key. It is shown only once:", slug.display_name());
                    KeyOwner::Lab { slug }
                }
                (Some(team), _, _) => {
                    let team = orgs::find_team_by_id_or_name(&mut conn, &team)?
                        .ok_or_else(|| AppError::Config(format!("no team '{team}'")))?;
                    println!("team API key for Team {} ({}); send it as x-vital-api-key. It is shown only once:", team.name, team.id);
                    KeyOwner::Team {
                        team_id: team.id,
                        org_id: team.org_id,
                    }
                }
                (None, Some(org), None) => {
                    let org = orgs::find_org_by_id_or_name(&mut conn, &org)?
                        .ok_or_else(|| AppError::Config(format!("no organization '{org}'")))?;
                    println!("management key for {} ({}); send it as X-Management-Key. It is shown only once:", org.name, org.id);
                    KeyOwner::Org { org_id: org.id }
                }
                (None, None, None) => {
                    return Err(AppError::Config("give --team, --org or --lab".into()))
                }
            };
            let (_, secret) =
                api_keys::create(&mut conn, &Actor::system("command line"), &owner, &label)?;
            println!("{secret}");
            Ok(())
        }
    }
}

/// A password from standard input (one line; the line break is not part of it).
fn read_password() -> Result<String, AppError> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|e| AppError::Config(format!("cannot read the password from stdin: {e}")))?;
    Ok(password.trim_end_matches(['\r', '\n']).to_string())
}

/// Starts labdesk's MLLP listener and a simulated Quest on free loopback ports, and points
/// Quest's connection at the simulator; the line for the banner.
fn start_simulated_lab(
    settings: &mut Settings,
    pool: &db::DbPool,
    lab_key: &str,
) -> Result<String, AppError> {
    let loopback: std::net::SocketAddr = "127.0.0.1:0"
        .parse()
        .map_err(|e| AppError::Config(format!("{e}")))?;
    let mllp = startup::listen_mllp(settings, pool.clone(), settings.mllp.unwrap_or(loopback))?;
    let lab = TcpListener::bind(loopback)
        .map_err(|e| AppError::Config(format!("cannot start the simulated lab: {e}")))?;
    let lab_address = lab
        .local_addr()
        .map_err(|e| AppError::Config(e.to_string()))?;
    labdesk::lab_simulator::spawn(
        lab,
        labdesk::lab_simulator::SimulatorSettings {
            results_to: mllp.to_string(),
            key: lab_key.to_string(),
            refuse_accounts: Vec::new(),
        },
    )?;
    let connection = labdesk::domain::lab_link::connection(
        "mllp",
        "127.0.0.1",
        &lab_address.port().to_string(),
        "",
    )
    .map_err(|_| AppError::Config("the simulated lab's address does not read".into()))?;
    let mut conn = pool.get()?;
    db::lab_messages::set_connection(
        &mut conn,
        labdesk::domain::lab::LabSlug::Quest,
        &connection,
        "demo",
    )?;
    // The listener is already running; `serve` must not start a second one.
    settings.mllp = None;
    Ok(format!(
        "Simulated Quest lab on {lab_address} (orders over MLLP); results come back to {mllp}\n"
    ))
}

fn run_demo(server: ServerArgs, database_url: String, lab_simulator: bool) -> Result<(), AppError> {
    // A fresh key per run: demo sessions end when the demo restarts.
    let key = config::parse_session_key(Some(&config::generate_session_key_hex()))?;
    let server = server.default_deployment_env(config::SANDBOX);
    let mut settings = Settings::new(&server, database_url, key);
    let pool = startup::prepare_database_with(
        &settings.database_url,
        settings.pool_size,
        server.db_timeout(),
    )?;
    let keys = {
        let mut conn = pool.get()?;
        demo::ensure_demo(&mut conn)?
    };
    let url = format!("http://{}", settings.bind);
    let mut banner = format!(
        "\nlabdesk demo on {url}  (database: {})\n\nSign in with any of these (password: {}):\n",
        settings.database_url,
        demo::DEMO_PASSWORD
    );
    for (email, role, what) in demo::DEMO_LOGINS {
        banner.push_str(&format!("  {email:<28} {role:<10} {what}\n"));
    }
    banner.push_str(&format!(
        "\nTeam API key ({}): {}\n  curl -s -H 'x-vital-api-key: {}' {url}/v3/lab_test/lab_account\n",
        demo::DEMO_TEAM,
        keys.team_key,
        keys.team_key
    ));
    banner.push_str(&format!(
        "Lab interface key (Quest): {}\n  curl -s -H 'X-Lab-Interface-Key: {}' -H 'Content-Type: application/hl7-v2' --data-binary @result.hl7 {url}/lab-interface/v1/results\n",
        keys.lab_key, keys.lab_key
    ));
    banner.push_str(&format!(
        "Org management key ({}): {}\n  curl -s -H 'X-Management-Key: {}' {url}/v1/org/{}/lab_account/{}/{}\n",
        demo::DEMO_ORG,
        keys.org_key,
        keys.org_key,
        keys.org_id,
        settings.deployment_env,
        settings.region
    ));
    if lab_simulator {
        banner.push_str(&start_simulated_lab(&mut settings, &pool, &keys.lab_key)?);
    }
    serve(settings, pool, Some(banner))
}

fn serve(settings: Settings, pool: db::DbPool, banner: Option<String>) -> Result<(), AppError> {
    let listener = TcpListener::bind(settings.bind)
        .map_err(|e| AppError::Config(format!("cannot listen on {}: {e}", settings.bind)))?;
    let bound = listener
        .local_addr()
        .map_err(|e| AppError::Config(e.to_string()))?;
    for warning in settings.startup_warnings() {
        eprintln!("labdesk: warning: {warning}");
    }
    if let Some(addr) = settings.mllp {
        let mllp = startup::listen_mllp(&settings, pool.clone(), addr)?;
        tracing::info!(%mllp, "listening for lab results over MLLP");
    }
    let server = startup::build(settings, pool, listener)?;
    if let Some(banner) = banner {
        println!("{banner}");
    }
    tracing::info!(%bound, "labdesk listening");
    actix_web::rt::System::new()
        .block_on(server)
        .map_err(|e| AppError::Config(format!("server stopped: {e}")))
}

#[cfg(test)]
mod tests {
    use super::MI_OPTION_PURGE_DELAY;

    #[test]
    fn purge_delay_option_is_mimallocs() {
        // SAFETY: reads an integer option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        // mimalloc 3's default purge delay, unless the environment overrides it.
        let want = std::env::var("MIMALLOC_PURGE_DELAY")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        assert_eq!(
            delay, want,
            "option {MI_OPTION_PURGE_DELAY} is not purge_delay"
        );
    }
}
