//! Where the API base and the secret key come from, strongest first: `--api-base`/`--key`, then `HSRC_API_BASE`/
//! `HSRC_SECRET_KEY` (clap reads both into the same flags), then the profile file `hsrc login` writes.
//!
//! The profile file is `$HSRC_CONFIG_DIR/config.json` (default `$XDG_CONFIG_HOME/hsrc`, else `~/.config/hsrc`),
//! created with mode 0600 because it holds a secret key; `listen`'s local signing secret lives beside it so a
//! receiver configured once keeps verifying across restarts.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

pub const DEFAULT_API_BASE: &str = "http://127.0.0.1:8787";

/// Not `Debug`: it holds secret keys.
#[derive(Default, Serialize, Deserialize)]
pub struct ConfigFile {
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// The `whsec_…` that `hsrc listen` signs with, made on first use and kept so the receiver's secret stays valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listen_secret: Option<String>,
}

#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Profile {
    pub api_base: String,
    pub secret_key: String,
}

pub fn dir() -> PathBuf {
    if let Some(d) = std::env::var_os("HSRC_CONFIG_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CONFIG_HOME") {
        return PathBuf::from(d).join("hsrc");
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    home.join(".config").join("hsrc")
}

pub fn path() -> PathBuf {
    dir().join("config.json")
}

pub fn load() -> Result<ConfigFile, String> {
    match std::fs::read_to_string(path()) {
        Ok(text) => {
            serde_json::from_str(&text).map_err(|e| format!("{} is not a valid profile file: {e}", path().display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
        Err(e) => Err(format!("cannot read {}: {e}", path().display())),
    }
}

/// Writes the whole file with mode 0600 (also tightening a file that existed with looser permissions).
pub fn save(config: &ConfigFile) -> Result<PathBuf, String> {
    let path = path();
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    std::fs::create_dir_all(dir()).map_err(fail)?;
    let text = serde_json::to_string_pretty(config).map_err(|e| e.to_string())?;
    let tmp = path.with_extension("json.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
    }
    file.write_all(text.as_bytes()).and_then(|_| file.sync_all()).map_err(fail)?;
    std::fs::rename(&tmp, &path).map_err(fail)?;
    Ok(path)
}

/// What a command runs with.
pub struct Resolved {
    pub api_base: String,
    pub key: String,
}

/// Flags (and their environment variables) win over the profile; the base defaults to the local Worker.
pub fn resolve(api_base: Option<String>, key: Option<String>, profile: &str) -> Result<Resolved, String> {
    let file = load()?;
    let stored = file.profiles.get(profile);
    let api_base =
        api_base.or_else(|| stored.map(|p| p.api_base.clone())).unwrap_or_else(|| DEFAULT_API_BASE.to_string());
    let key = key.or_else(|| stored.map(|p| p.secret_key.clone())).ok_or_else(|| {
        "no secret key: pass --key, set HSRC_SECRET_KEY, or run `hsrc login --key sk_test_…`".to_string()
    })?;
    if !key.starts_with("sk_") {
        return Err("the key must be a secret key (sk_test_… or sk_live_…)".into());
    }
    Ok(Resolved { api_base: api_base.trim_end_matches('/').to_string(), key })
}
