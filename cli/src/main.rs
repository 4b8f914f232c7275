//! `hsrc`: the HSRC Pay Checkout command line. Parsing and dispatch only; each command lives in its own module.

mod config;
mod follow;
mod inspect;
mod listen;
mod logs;
mod output;
mod stop;
mod trigger;

use clap::{Args, Parser, Subcommand};
use hsrc_client::{Client, ListParams};
use hsrc_shared::api::{CaptureMethod, CaptureRequest, CreateSessionRequest};
use std::time::Duration;

#[derive(Parser)]
#[command(name = "hsrc", version, about = "HSRC Pay Checkout from the command line: listen, trigger, inspect.")]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Global {
    /// The edge's base URL (default: the profile's, else http://127.0.0.1:8787).
    #[arg(long, global = true, env = "HSRC_API_BASE")]
    api_base: Option<String>,
    /// A secret key, sk_test_… or sk_live_… (default: the profile's).
    #[arg(long, global = true, env = "HSRC_SECRET_KEY", hide_env_values = true)]
    key: Option<String>,
    /// Which saved profile to use.
    #[arg(long, global = true, env = "HSRC_PROFILE", default_value = "default")]
    profile: String,
    /// Print the API's JSON instead of tables (one object per line for streams).
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Save --api-base and --key to the profile file (mode 0600), after checking the key works.
    Login,
    /// Forward new events to a local URL, signed with Standard Webhooks.
    Listen {
        /// Where to POST each event, e.g. http://localhost:3000/webhooks.
        #[arg(long)]
        forward_to: String,
        /// Only these event types (comma-separated; `payment.*` and `*` work).
        #[arg(long, value_delimiter = ',')]
        events: Vec<String>,
        /// Resume after this event id (the one `listen` printed when it stopped).
        #[arg(long)]
        since: Option<String>,
        /// Sign with this whsec_… instead of the one kept in the config directory.
        #[arg(long)]
        secret: Option<String>,
        /// Retries of a failed local delivery.
        #[arg(long, default_value_t = 3)]
        retries: u32,
        /// Polling interval in milliseconds.
        #[arg(long, default_value_t = 1000)]
        interval_ms: u64,
    },
    /// Make an event happen in test mode (creates and drives a sandbox payment).
    Trigger {
        /// The event; `hsrc trigger --list` shows them all.
        #[arg(required_unless_present = "list")]
        event: Option<String>,
        #[arg(long)]
        list: bool,
    },
    /// Checkout sessions.
    #[command(subcommand)]
    Sessions(Sessions),
    /// Payments.
    #[command(subcommand)]
    Payments(Payments),
    /// The event log.
    #[command(subcommand)]
    Events(Events),
    /// Requests and events as they happen.
    #[command(subcommand)]
    Logs(Logs),
}

#[derive(Args)]
struct Page {
    #[arg(long)]
    limit: Option<u32>,
    #[arg(long)]
    starting_after: Option<String>,
}

impl Page {
    fn params(self) -> ListParams {
        ListParams { limit: self.limit, starting_after: self.starting_after, ..Default::default() }
    }
}

/// A list page filtered by status (sessions, payments).
#[derive(Args)]
struct ByStatus {
    #[command(flatten)]
    page: Page,
    #[arg(long)]
    status: Option<String>,
}

impl ByStatus {
    fn params(self) -> ListParams {
        ListParams { status: self.status, ..self.page.params() }
    }
}

#[derive(Subcommand)]
enum Sessions {
    Create {
        /// Minor units (12500 TRY = 125.00).
        #[arg(long, allow_negative_numbers = true)]
        amount: i64,
        #[arg(long, default_value = "TRY")]
        currency: String,
        #[arg(long)]
        url: Option<String>,
        #[arg(long)]
        return_url: Option<String>,
        #[arg(long)]
        expires_in: Option<i64>,
        /// Authorize now, capture later.
        #[arg(long)]
        manual_capture: bool,
        /// key=value, repeatable.
        #[arg(long = "metadata", value_parser = key_value)]
        metadata: Vec<(String, String)>,
    },
    Get {
        id: String,
    },
    List(ByStatus),
}

#[derive(Subcommand)]
enum Payments {
    Get {
        id: String,
    },
    List(ByStatus),
    /// Capture an authorized payment (all of it unless --amount).
    Capture {
        id: String,
        #[arg(long)]
        amount: Option<i64>,
    },
    /// Release an authorized payment.
    Void {
        id: String,
    },
}

#[derive(Subcommand)]
enum Events {
    List {
        #[command(flatten)]
        page: Page,
        #[arg(long = "type")]
        kind: Option<String>,
        #[arg(long)]
        payment: Option<String>,
        #[arg(long)]
        session: Option<String>,
    },
    Get {
        id: String,
    },
    /// Deliver an event to your webhook endpoints again (same webhook-id).
    Resend {
        id: String,
        #[arg(long)]
        endpoint: Option<String>,
    },
}

#[derive(Subcommand)]
enum Logs {
    Tail {
        #[arg(long)]
        since: Option<String>,
        #[arg(long, value_delimiter = ',')]
        events: Vec<String>,
        #[arg(long, default_value_t = 1000)]
        interval_ms: u64,
    },
}

fn key_value(s: &str) -> Result<(String, String), String> {
    s.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).ok_or_else(|| "expected key=value".to_string())
}

fn main() {
    let cli = Cli::parse();
    stop::install();
    std::process::exit(run(cli));
}

fn run(cli: Cli) -> i32 {
    let g = cli.global;
    let json = g.json;
    if let Command::Login = &cli.command {
        return login(g.api_base, g.key, &g.profile, json);
    }
    if let Command::Trigger { list: true, .. } = &cli.command {
        trigger::list(json);
        return 0;
    }
    let resolved = match config::resolve(g.api_base, g.key, &g.profile) {
        Ok(r) => r,
        Err(e) => {
            output::fail(&e, json);
            return output::FAILURE;
        }
    };
    let client = Client::new(&resolved.api_base, &resolved.key);
    match cli.command {
        Command::Login => unreachable!("handled above"),
        Command::Listen { forward_to, events, since, secret, retries, interval_ms } => listen::run(
            &client,
            listen::Options {
                forward_to,
                events,
                since,
                secret,
                retries,
                interval: Duration::from_millis(interval_ms),
                json,
            },
        ),
        Command::Trigger { event, .. } => trigger::run(&client, event.as_deref().unwrap_or_default(), json),
        Command::Sessions(cmd) => match cmd {
            Sessions::Create { amount, currency, url, return_url, expires_in, manual_capture, metadata } => {
                let body = CreateSessionRequest {
                    amount,
                    currency,
                    url,
                    return_url,
                    expires_in,
                    capture_method: manual_capture.then_some(CaptureMethod::Manual),
                    metadata: metadata.into_iter().collect(),
                    ..Default::default()
                };
                inspect::show(client.create_session(&body), json, inspect::session)
            }
            Sessions::Get { id } => inspect::show(client.get_session(&id), json, inspect::session),
            Sessions::List(list) => inspect::show(client.list_sessions(&list.params()), json, inspect::sessions),
        },
        Command::Payments(cmd) => match cmd {
            Payments::Get { id } => inspect::show(client.get_payment(&id), json, inspect::payment),
            Payments::List(list) => inspect::show(client.list_payments(&list.params()), json, inspect::payments),
            Payments::Capture { id, amount } => {
                inspect::show(client.capture_payment(&id, &CaptureRequest { amount }), json, inspect::payment)
            }
            Payments::Void { id } => inspect::show(client.void_payment(&id), json, inspect::payment),
        },
        Command::Events(cmd) => match cmd {
            Events::List { page: p, kind, payment, session } => {
                let params = ListParams { kind, payment_id: payment, checkout_session_id: session, ..p.params() };
                inspect::show(client.list_events(&params), json, inspect::events)
            }
            Events::Get { id } => inspect::show(client.get_event(&id), json, inspect::event),
            Events::Resend { id, endpoint } => {
                inspect::show(client.resend_event(&id, endpoint.as_deref()), json, inspect::deliveries)
            }
        },
        Command::Logs(Logs::Tail { since, events, interval_ms }) => {
            logs::tail(&client, since.as_deref(), &events, Duration::from_millis(interval_ms), json)
        }
    }
}

/// `hsrc login --key sk_…`: checks the key against the API, then saves it (0600).
fn login(api_base: Option<String>, key: Option<String>, profile: &str, json: bool) -> i32 {
    let Some(key) = key.filter(|k| k.starts_with("sk_")) else {
        output::fail("login needs --key sk_test_… (or sk_live_…)", json);
        return output::FAILURE;
    };
    let api_base = api_base.unwrap_or_else(|| config::DEFAULT_API_BASE.to_string()).trim_end_matches('/').to_string();
    let client = Client::new(&api_base, &key);
    if let Err(e) = client.list_events(&ListParams { limit: Some(1), ..Default::default() }) {
        return output::error(&e, json);
    }
    let mut file = match config::load() {
        Ok(f) => f,
        Err(e) => {
            output::fail(&e, json);
            return output::FAILURE;
        }
    };
    file.profiles.insert(profile.to_string(), config::Profile { api_base: api_base.clone(), secret_key: key });
    match config::save(&file) {
        Ok(path) => {
            if json {
                output::json_line(&serde_json::json!({ "profile": profile, "api_base": api_base, "path": path }));
            } else {
                println!("Saved profile '{profile}' for {api_base} to {} (mode 0600)", path.display());
            }
            0
        }
        Err(e) => {
            output::fail(&e, json);
            output::FAILURE
        }
    }
}
