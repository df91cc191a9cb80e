//! A private Postfix for SMTP submission on loopback: implicit TLS and
//! STARTTLS listeners, SASL through a [`Dovecot`]'s auth socket, delivery by
//! LMTP into that Dovecot. `rejected@test` is refused with a 5xx at RCPT, for
//! tests of permanent failures. Facts it relies on are in
//! shared/notes/mail-test-stack.md.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::dovecot::Dovecot;
use crate::{free_port, require_program};

/// The recipient Postfix refuses with a permanent error.
pub const REJECTED_RECIPIENT: &str = "rejected@test";

/// A running Postfix; stopped, and its directory removed, on drop.
#[derive(Debug)]
pub struct Postfix {
    dir: tempfile::TempDir,
    /// Submission with TLS from the first byte (as port 465).
    pub submissions_port: u16,
    /// Submission with STARTTLS required (as port 587).
    pub submission_port: u16,
}

/// Postfix only runs from configuration directories that its default
/// main.cf lists; each test adds its own and removes it when done (under a
/// lock, as tests run in parallel), leaving the others' entries alone.
fn edit_config_directories(edit: impl FnOnce(&mut Vec<String>)) -> Result<()> {
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::env::temp_dir().join("candor-postfix-config.lock"))?;
    lock.lock()?;
    let current = Command::new("postconf")
        .args(["-h", "alternate_config_directories"])
        .output()
        .context("run postconf")?;
    let mut dirs: Vec<String> = String::from_utf8_lossy(&current.stdout)
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect();
    edit(&mut dirs);
    let out = Command::new("postconf")
        .arg("-e")
        .arg(format!(
            "alternate_config_directories = {}",
            dirs.join(", ")
        ))
        .output()?;
    ensure!(
        out.status.success(),
        "could not list the test's Postfix configuration in /etc/postfix/main.cf: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

impl Postfix {
    pub fn start(dovecot: &Dovecot) -> Result<Self> {
        let postfix = require_program("postfix", "postfix")?;
        let dir = tempfile::Builder::new()
            .prefix("candor-postfix-")
            .tempdir()?;
        let root = dir.path();
        // Postfix's daemons run as the postfix user and must reach the queue.
        Command::new("chmod").arg("755").arg(root).status()?;
        let conf = root.join("conf");
        std::fs::create_dir_all(&conf)?;
        edit_config_directories(|dirs| dirs.push(conf.display().to_string()))?;

        let (submissions_port, submission_port) = (free_port()?, free_port()?);
        let d = root.display();
        let dovecot_dir = dovecot.dir().display();
        let lmtp = dovecot.lmtp_port;
        std::fs::write(
            conf.join("rejected"),
            format!("{REJECTED_RECIPIENT} REJECT This mailbox does not accept mail\n"),
        )?;
        std::fs::write(
            conf.join("main.cf"),
            format!(
                "compatibility_level = 3.6
queue_directory = {d}/queue
data_directory = {d}/data
maillog_file = {d}/postfix.log
maillog_file_prefixes = {d}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = localhost
mydomain = test
myorigin = test
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relayhost =
# Providers take 25 MB and more; the tests send big attachments.
message_size_limit = 104857600
virtual_mailbox_domains = test
virtual_transport = lmtp:inet:127.0.0.1:{lmtp}
smtpd_tls_cert_file = {dovecot_dir}/cert.pem
smtpd_tls_key_file = {dovecot_dir}/key.pem
smtpd_sasl_type = dovecot
smtpd_sasl_path = {dovecot_dir}/run/auth-postfix
smtpd_recipient_restrictions = check_recipient_access texthash:{d}/conf/rejected, permit_sasl_authenticated, reject
"
            ),
        )?;
        // The system's master.cf, with the public smtp listener replaced by
        // two submission listeners on loopback, and nothing chrooted (the
        // queue and the auth socket live in temporary directories).
        let system = std::fs::read_to_string("/etc/postfix/master.cf")
            .context("read /etc/postfix/master.cf")?;
        let mut master = String::new();
        let mut skipping = false;
        for line in system.lines() {
            if line.starts_with(char::is_whitespace) {
                // A continuation of the service line above.
                if !skipping {
                    master.push_str(line);
                    master.push('\n');
                }
                continue;
            }
            let mut fields: Vec<&str> = line.split_whitespace().collect();
            skipping = fields.len() >= 2 && fields[0] == "smtp" && fields[1] == "inet";
            if skipping {
                continue;
            }
            if !line.starts_with('#') && fields.len() >= 8 {
                fields[4] = "n";
                master.push_str(&fields.join(" "));
            } else {
                master.push_str(line);
            }
            master.push('\n');
        }
        for (port, tls) in [
            (
                submissions_port,
                "-o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt",
            ),
            (submission_port, "-o smtpd_tls_security_level=encrypt"),
        ] {
            master.push_str(&format!(
                "127.0.0.1:{port} inet n - n - - smtpd {tls} -o smtpd_sasl_auth_enable=yes\n"
            ));
        }
        std::fs::write(conf.join("master.cf"), master)?;

        let run = |args: &[&str]| -> Result<()> {
            let log = root.join("postfix-commands.log");
            let mut out = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log)?;
            writeln!(out, "$ postfix {}", args.join(" "))?;
            // Output to a file, not a pipe: the master daemon inherits it.
            let status = Command::new(&postfix)
                .arg("-c")
                .arg(&conf)
                .args(args)
                .stdout(Stdio::from(out.try_clone()?))
                .stderr(Stdio::from(out))
                .status()
                .with_context(|| format!("run postfix {args:?}"))?;
            if !status.success() {
                bail!(
                    "postfix {args:?} failed:\n{}\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default(),
                    std::fs::read_to_string(root.join("postfix.log")).unwrap_or_default()
                );
            }
            Ok(())
        };
        std::fs::create_dir_all(root.join("queue"))?;
        std::fs::create_dir_all(root.join("data"))?;
        run(&["set-permissions"])?;
        run(&["start"])?;
        let server = Self {
            dir,
            submissions_port,
            submission_port,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        for port in [submissions_port, submission_port] {
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                if Instant::now() > deadline {
                    bail!("postfix did not listen on {port}; log:\n{}", server.log());
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(server)
    }

    /// Stops the server (a dead outgoing server, for the client).
    pub fn stop(&self) {
        self.postfix(&["stop"]);
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.submissions_port)).is_ok() {
            assert!(Instant::now() < deadline, "postfix did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts it again on the same ports.
    pub fn resume(&self) {
        self.postfix(&["start"]);
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.submissions_port)).is_err() {
            assert!(Instant::now() < deadline, "postfix did not start again");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn postfix(&self, args: &[&str]) {
        let status = Command::new("postfix")
            .arg("-c")
            .arg(self.dir.path().join("conf"))
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run postfix");
        assert!(status.success(), "postfix {args:?} failed:\n{}", self.log());
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("postfix.log")).unwrap_or_default()
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let conf = self.dir.path().join("conf");
        let _ = Command::new("postfix")
            .arg("-c")
            .arg(&conf)
            .arg("stop")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let conf = conf.display().to_string();
        let _ = edit_config_directories(|dirs| dirs.retain(|d| *d != conf));
    }
}
