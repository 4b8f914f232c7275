//! Running the `hsrc` binary in end-to-end tests: each run gets its own config directory, the local Worker's base
//! and the test key (so no developer's profile is read or written).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// `target/debug/hsrc`, built by `scripts/test.sh` (`cargo build -p hsrc-cli`), or `HSRC_CLI_BIN`.
pub fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("HSRC_CLI_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("test binary path");
    let bin = exe.parent().and_then(|deps| deps.parent()).expect("target dir").join("hsrc");
    assert!(bin.exists(), "{} is missing: run `cargo build -p hsrc-cli` (scripts/test.sh does)", bin.display());
    bin
}

pub struct Hsrc {
    pub config_dir: PathBuf,
    pub base: String,
    pub key: String,
}

impl Hsrc {
    pub fn new(api: &crate::Api, name: &str) -> Self {
        let config_dir = std::env::temp_dir().join(format!("hsrc-cli-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&config_dir);
        std::fs::create_dir_all(&config_dir).expect("config dir");
        Self { config_dir, base: api.base.clone(), key: api.secret_key.clone() }
    }

    /// A command with the environment a user would set; `args` follow.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(binary());
        c.args(args)
            .env("HSRC_CONFIG_DIR", &self.config_dir)
            .env("HSRC_API_BASE", &self.base)
            .env("HSRC_SECRET_KEY", &self.key)
            .env_remove("HSRC_PROFILE")
            .stdin(Stdio::null());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run hsrc")
    }

    /// Runs and asserts success; returns stdout.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "hsrc {args:?} failed ({}): {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Starts a long-running command (listen, logs tail) whose stdout lines arrive on a channel.
    pub fn spawn(&self, args: &[&str]) -> Running {
        let mut child = self.command(args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("spawn hsrc");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, lines }
    }
}

impl Drop for Hsrc {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.config_dir);
    }
}

pub struct Running {
    pub child: Child,
    pub lines: mpsc::Receiver<String>,
}

impl Running {
    /// The next stdout line, within `timeout`.
    pub fn line(&self, timeout: Duration) -> Option<String> {
        self.lines.recv_timeout(timeout).ok()
    }

    /// Sends SIGTERM (what Ctrl-C does, through the same handler) and waits up to 10 s for a clean exit; returns the
    /// remaining stdout lines.
    pub fn stop(mut self) -> (bool, Vec<String>) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let mut clean = false;
        for _ in 0..100 {
            if let Ok(Some(status)) = self.child.try_wait() {
                clean = status.success();
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let mut rest = Vec::new();
        while let Ok(l) = self.lines.recv_timeout(Duration::from_millis(500)) {
            rest.push(l);
        }
        (clean, rest)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
