//! Operator commands that run beside the Worker. `seed-sql` prints the SQL that creates a sandbox merchant with
//! its keys (stored hashed), for `wrangler d1 execute`; `openapi` prints the OpenAPI document the Worker serves.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["seed-sql", id, name, secret_key, publishable_key] => {
            let now_ms =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
            // A live key pair seeds a live-mode merchant, which never gets loopback hosts or origins.
            let live = secret_key.starts_with("sk_live_");
            let (hosts, origins): (&[&str], &[&str]) = if live {
                (&["merchant.example", "*.merchant.example"], &["https://merchant.example"])
            } else {
                (
                    &["localhost", "127.0.0.1", "merchant.example", "*.merchant.example"],
                    &["http://localhost:8787", "http://127.0.0.1:8787"],
                )
            };
            if let Some(problem) = hsrc_edge::accounts::merchants::allowlist_problem(hosts, origins, live) {
                eprintln!("refusing to seed {id}: {problem}");
                std::process::exit(2);
            }
            print!(
                "{}",
                hsrc_edge::accounts::merchants::seed_sql(
                    id,
                    name,
                    live,
                    hosts,
                    origins,
                    secret_key,
                    publishable_key,
                    now_ms
                )
            );
        }
        ["openapi"] => {
            println!("{}", serde_json::to_string_pretty(&hsrc_edge::openapi::document()).unwrap_or_default())
        }
        _ => {
            eprintln!("usage: hsrc-admin openapi | hsrc-admin seed-sql <merchant_id> <name> <sk_test_…|sk_live_…> <pk_test_…|pk_live_…>");
            std::process::exit(2);
        }
    }
}
