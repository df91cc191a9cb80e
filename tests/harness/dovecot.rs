//! A private Dovecot (IMAP with CONDSTORE, QRESYNC, IDLE, THREAD=REFERENCES
//! and SPECIAL-USE; POP3; LMTP) on loopback ports, with a throw-away TLS
//! certificate, its own users, and all its state in one temporary directory.
//! Facts it relies on are in shared/notes/mail-test-stack.md.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::free_port;
use crate::{Cli, CliRun, require_program};

/// A running Dovecot; stopped, and its directory removed, on drop.
#[derive(Debug)]
pub struct Dovecot {
    dir: tempfile::TempDir,
    pub imap_port: u16,
    pub imaps_port: u16,
    pub pop3_port: u16,
    pub pop3s_port: u16,
    pub lmtp_port: u16,
}

/// Which IMAP extensions the server announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Dovecot as it comes: CONDSTORE, QRESYNC, MOVE, UIDPLUS, IDLE, ...
    Current,
    /// Plain IMAP4rev1 (with IDLE and SPECIAL-USE): the paths a client takes
    /// with servers that lack the newer extensions.
    Imap4rev1,
}

/// One mail user: name and password (PLAIN scheme, test values only).
pub const USERS: &[(&str, &str)] = &[
    ("recruiter", "recruiter-secret"),
    ("candidate", "candidate-secret"),
    // A colleague, for mail the recruiter copies (or blind-copies) to someone.
    ("boss", "boss-secret"),
];

fn id_of(flag: &str, name: &str) -> Result<u32> {
    let out = Command::new("id").args([flag, name]).output()?;
    ensure!(
        out.status.success(),
        "the system user `{name}` is missing; install dovecot-core"
    );
    Ok(String::from_utf8_lossy(&out.stdout).trim().parse()?)
}

impl Dovecot {
    /// A current server: CONDSTORE, QRESYNC, MOVE, UIDPLUS, IDLE.
    pub fn start() -> Result<Self> {
        Self::start_as(Profile::Current)
    }

    pub fn start_as(profile: Profile) -> Result<Self> {
        Self::start_with(profile, None)
    }

    /// A current server that also takes XOAUTH2 and OAUTHBEARER logins,
    /// checking each token at `introspection_url` (Dovecot's oauth2 passdb,
    /// `introspection_mode = post`): the identity double's, in tests.
    /// Passwords keep working for PLAIN and LOGIN.
    pub fn start_with_oauth(introspection_url: &str) -> Result<Self> {
        Self::start_with(Profile::Current, Some(introspection_url))
    }

    fn start_with(profile: Profile, introspection_url: Option<&str>) -> Result<Self> {
        let dovecot = require_program("dovecot", "dovecot-imapd")?;
        require_program("openssl", "openssl")?;
        let dir = tempfile::Builder::new()
            .prefix("candor-dovecot-")
            .tempdir()?;
        let root = dir.path();
        let uid = id_of("-u", "dovecot")?;
        let gid = id_of("-g", "dovecot")?;
        for sub in ["run", "state", "users"] {
            std::fs::create_dir_all(root.join(sub))?;
        }
        // A certificate for localhost and 127.0.0.1, made for this run only.
        let status = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
            ])
            .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
            .arg("-keyout")
            .arg(root.join("key.pem"))
            .arg("-out")
            .arg(root.join("cert.pem"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        ensure!(
            status.success(),
            "openssl could not make a test certificate"
        );

        let passwd: String = USERS
            .iter()
            .map(|(u, p)| format!("{u}:{{PLAIN}}{p}\n"))
            .collect();
        std::fs::write(root.join("passwd"), passwd)?;

        // Ports are free when chosen but another process may take one before
        // Dovecot binds it: then start again on new ports.
        let mut attempt = 0;
        let (imap_port, imaps_port, pop3_port, pop3s_port, lmtp_port) = loop {
            attempt += 1;
            let ports = (
                free_port()?,
                free_port()?,
                free_port()?,
                free_port()?,
                free_port()?,
            );
            match start_on(
                &dovecot,
                root,
                (uid, gid),
                ports,
                profile,
                introspection_url,
            ) {
                Ok(()) => break ports,
                Err(e) if attempt < 3 && port_clash(&e) => {
                    eprintln!("dovecot: retrying on new ports after: {e}");
                }
                Err(e) => return Err(e),
            }
        };
        let server = Self {
            dir,
            imap_port,
            imaps_port,
            pop3_port,
            pop3s_port,
            lmtp_port,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        for port in [imap_port, imaps_port, pop3_port, lmtp_port] {
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                if Instant::now() > deadline {
                    bail!("dovecot did not listen on {port}; log:\n{}", server.log());
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(server)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("dovecot.conf")
    }

    /// The PEM of the server's certificate, for tests that pin it.
    pub fn certificate_pem(&self) -> Result<String> {
        Ok(std::fs::read_to_string(self.dir.path().join("cert.pem"))?)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    /// Runs `doveadm` against this server (as an admin would, behind the
    /// client's back) and returns what it printed; fails the test if it fails.
    pub fn doveadm(&self, args: &[&str]) -> String {
        let out = Command::new("doveadm")
            .arg("-c")
            .arg(self.config())
            .args(args)
            .output()
            .expect("run doveadm");
        assert!(
            out.status.success(),
            "doveadm {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// How many messages with this Message-ID (without brackets) a user's
    /// mailbox holds.
    pub fn count_message_id(&self, user: &str, mailbox: &str, message_id: &str) -> usize {
        self.doveadm(&[
            "-f",
            "flow",
            "search",
            "-u",
            user,
            "mailbox",
            mailbox,
            "header",
            "Message-ID",
            message_id,
        ])
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
    }

    /// How many copies of a message reached a user's mailbox, counted once
    /// the first has arrived (or 15 s passed) and a second has had two more
    /// seconds to follow: delivery through Postfix takes a moment.
    pub fn delivered(&self, user: &str, mailbox: &str, message_id: &str) -> usize {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.count_message_id(user, mailbox, message_id) == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_secs(2));
        self.count_message_id(user, mailbox, message_id)
    }

    /// Stores a message in a user's mailbox, as the next message there.
    pub fn deliver(&self, user: &str, mailbox: &str, raw: &[u8]) -> Result<()> {
        use std::io::Write;
        let mut child = Command::new("doveadm")
            .arg("-c")
            .arg(self.config())
            .args(["save", "-u", user, "-m", mailbox])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("run doveadm save")?;
        child
            .stdin
            .take()
            .context("doveadm stdin")?
            .write_all(raw)?;
        let out = child.wait_with_output()?;
        ensure!(
            out.status.success(),
            "doveadm save failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(())
    }
}

/// Whether Dovecot failed to start because a port it was given is taken.
fn port_clash(e: &anyhow::Error) -> bool {
    let said = e.to_string();
    said.contains("duplicate listener") || said.contains("Address already in use")
}

/// Writes the configuration for these ports and starts Dovecot on it.
fn start_on(
    dovecot: &Path,
    root: &Path,
    (uid, gid): (u32, u32),
    (imap_port, imaps_port, pop3_port, pop3s_port, lmtp_port): (u16, u16, u16, u16, u16),
    profile: Profile,
    introspection_url: Option<&str>,
) -> Result<()> {
    let d = root.display();
    // Dovecot's oauth2 passdb (2.3: PasswordDatabase.oauth2): each XOAUTH2 or
    // OAUTHBEARER token is POSTed as `token=...` to the introspection URL;
    // the answer must say active and name the user who logs in.
    // A static userdb checks that a user exists by a passdb lookup, which
    // the oauth2 passdb cannot answer: with it, every user the passdbs let
    // in exists.
    // Only beside the oauth2 passdb is the password passdb limited to PLAIN
    // and LOGIN: without a mechanism list it also answers the lookups that
    // doveadm and the static userdb make.
    let (mechanisms, oauth_passdb, all_users, passwd_mechanisms) = match introspection_url {
        None => ("plain login", String::new(), "", ""),
        Some(url) => {
            std::fs::write(
                root.join("dovecot-oauth2.conf.ext"),
                format!(
                    "introspection_mode = post\nintrospection_url = {url}\nforce_introspection = yes\nusername_attribute = username\nactive_attribute = active\nactive_value = true\ntimeout_msecs = 10000\n"
                ),
            )?;
            (
                "plain login xoauth2 oauthbearer",
                format!(
                    "passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {d}/dovecot-oauth2.conf.ext\n}}\n"
                ),
                " allow_all_users=yes",
                "  mechanisms = plain login\n",
            )
        }
    };
    let capabilities = match profile {
        Profile::Current => "",
        // What an older or simpler server announces after login: plain
        // IMAP4rev1 with IDLE and SPECIAL-USE, no change tracking, no MOVE,
        // no UIDPLUS (so EXPUNGE removes every \Deleted message).
        Profile::Imap4rev1 => {
            "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT THREAD=REFERENCES LITERAL+ NAMESPACE CHILDREN SPECIAL-USE\n"
        }
    };
    let config = format!(
        r#"protocols = imap pop3 lmtp
{capabilities}listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = {uid}
last_valid_uid = {uid}
mail_location = maildir:{d}/users/%n/Maildir
    ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
# Loopback tests log in over plain IMAP too (the raw oracle session); the
# client under test uses TLS.
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
{oauth_passdb}passdb {{
  driver = passwd-file
{passwd_mechanisms}  args = scheme=PLAIN username_format=%n {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/users/%n{all_users}
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \Sent
    auto = subscribe
  }}
  mailbox Drafts {{
    special_use = \Drafts
    auto = subscribe
  }}
  mailbox Trash {{
    special_use = \Trash
    auto = subscribe
  }}
  mailbox Archive {{
    special_use = \Archive
    auto = subscribe
  }}
  mailbox Junk {{
    special_use = \Junk
    auto = subscribe
  }}
}}
service imap-login {{
  inet_listener imap {{
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = {imaps_port}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {pop3_port}
  }}
  inet_listener pop3s {{
    port = {pop3s_port}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0666
  }}
}}
"#
    );
    std::fs::write(root.join("dovecot.conf"), config)?;
    // Dovecot drops to the dovecot user for mail; the tree must be reachable.
    Command::new("chown")
        .args(["-R", "dovecot:dovecot"])
        .arg(root.join("users"))
        .status()?;
    Command::new("chmod").arg("755").arg(root).status()?;

    // doveconf reports configuration errors (a port already taken shows as
    // "duplicate listener") on stderr, before the log file exists. A file,
    // not a pipe: the daemon keeps its inherited stderr open for its whole
    // life, so reading a pipe to its end would wait for the server to stop.
    let startup_errors = root.join("startup-errors.log");
    let status = Command::new(dovecot)
        .arg("-c")
        .arg(root.join("dovecot.conf"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&startup_errors)?)
        .status()
        .context("start dovecot")?;
    if !status.success() {
        let said = std::fs::read_to_string(&startup_errors).unwrap_or_default();
        let log = std::fs::read_to_string(root.join("dovecot.log")).unwrap_or_default();
        bail!("dovecot did not start:\n{said}{log}");
    }
    Ok(())
}

impl Dovecot {
    /// Adds an account on this server to `cli` (`protocol` is "imap" or
    /// "pop3"), logging in as the first user with `password` and trusting the
    /// server's certificate for the account, as a user would after checking it.
    pub fn add_account(
        &self,
        cli: &Cli,
        protocol: &str,
        name: &str,
        port: u16,
        security: &str,
        password: &str,
    ) -> CliRun {
        self.add_account_with(cli, protocol, name, port, security, password, &[])
    }

    /// Adds an IMAP account (implicit TLS) logging in as `user` of [`USERS`],
    /// whose address is `user@test`: a second mailbox, as a recruiter with a
    /// work and a personal account has.
    pub fn add_imap_account_as(&self, cli: &Cli, name: &str, user: &str) -> CliRun {
        let password = USERS
            .iter()
            .find(|(u, _)| *u == user)
            .map(|(_, p)| *p)
            .expect("a test user");
        let mut cmd = cli.command();
        cmd.args(["account", "add", "--name", name, "--email"])
            .arg(format!("{user}@test"))
            .args(["--imap-host", "localhost", "--imap-port"])
            .arg(self.imaps_port.to_string())
            .args(["--imap-security", "tls", "--username", user])
            .args(["--password-env", "CANDOR_TEST_PASSWORD", "--trust-cert"])
            .arg(self.dir.path().join("cert.pem"))
            .env("CANDOR_TEST_PASSWORD", password);
        CliRun::from(cmd.output().expect("run candor account add"))
    }

    /// Adds the IMAP account "Work" that sends through `smtp_port` (Postfix's
    /// submission port on implicit TLS, or a relay in front of it).
    pub fn add_sending_account(&self, cli: &Cli, smtp_port: u16) -> CliRun {
        let port = smtp_port.to_string();
        self.add_account_with(
            cli,
            "imap",
            "Work",
            self.imaps_port,
            "tls",
            USERS[0].1,
            &[
                "--smtp-host",
                "localhost",
                "--smtp-port",
                &port,
                "--smtp-security",
                "tls",
            ],
        )
    }

    /// As [`Dovecot::add_account`], with more `candor account add` flags.
    #[allow(clippy::too_many_arguments)]
    pub fn add_account_with(
        &self,
        cli: &Cli,
        protocol: &str,
        name: &str,
        port: u16,
        security: &str,
        password: &str,
        extra: &[&str],
    ) -> CliRun {
        let mut cmd = cli.command();
        cmd.args([
            "account",
            "add",
            "--name",
            name,
            "--email",
            "recruiter@test",
        ])
        .args([format!("--{protocol}-host"), "localhost".into()])
        .args([format!("--{protocol}-port"), port.to_string()])
        .args([format!("--{protocol}-security"), security.into()])
        .args([
            "--username",
            USERS[0].0,
            "--password-env",
            "CANDOR_TEST_PASSWORD",
            "--trust-cert",
        ])
        .arg(self.dir.path().join("cert.pem"))
        .args(extra)
        .env("CANDOR_TEST_PASSWORD", password);
        CliRun::from(cmd.output().expect("run candor account add"))
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("doveadm")
            .arg("-c")
            .arg(self.config())
            .arg("stop")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
