//! Keyring mode against a real Secret Service: gnome-keyring-daemon on a
//! private D-Bus session, with its keyrings under a throw-away HOME. This is
//! the path a Linux desktop takes; Windows and macOS use the same `keyring`
//! crate API over their native stores.

use std::path::Path;
use std::process::Command;

use candor_tests::{binary, require_program};

/// Runs `script` in a fresh D-Bus session with an unlocked login keyring whose
/// files live in `home`. The keyring's own password is a test value.
fn in_keyring_session(home: &Path, script: &str) -> (i32, String, String) {
    let dbus_run_session = require_program("dbus-run-session", "dbus").expect("dbus");
    require_program("gnome-keyring-daemon", "gnome-keyring").expect("gnome-keyring");
    require_program("secret-tool", "libsecret-tools").expect("secret-tool");
    let candor = binary("candor").expect("candor built");
    let full = format!(
        r#"set -e
printf '%s' 'keyring-test-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
gnome-keyring-daemon --start --components=secrets >/dev/null
{script}"#
    );
    let output = Command::new(dbus_run_session)
        .args(["--", "sh", "-c", &full])
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("share"))
        .env("XDG_RUNTIME_DIR", home.join("run"))
        .env("CANDOR", candor)
        .env("DATA", home.join("candor-data"))
        .env_remove("CANDOR_PASSPHRASE")
        .env_remove("CANDOR_DATA_DIR")
        .output()
        .expect("run dbus-run-session");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_key_lives_in_the_secret_service_and_survives_a_new_session() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path();
    std::fs::create_dir_all(home.join("run")).expect("runtime dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(home.join("run"), std::fs::Permissions::from_mode(0o700))
            .expect("chmod");
    }

    // Session 1: create the database; the key goes to the keyring.
    let (status, stdout, stderr) = in_keyring_session(
        home,
        r#""$CANDOR" --data-dir "$DATA" init
"$CANDOR" --data-dir "$DATA" record add client --name "Keyring Client"
"$CANDOR" --data-dir "$DATA" --json db check
echo "entries: $(secret-tool search --all service Candor 2>&1 | grep -c '^secret = ' || true)""#,
    );
    assert_eq!(
        status, 0,
        "session 1 failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("(key: keyring)"),
        "init uses the keyring when one is available: {stdout}"
    );
    assert!(stdout.contains("\"key_source\": \"keyring\""), "{stdout}");
    assert!(stdout.contains("\"encrypted\": true"), "{stdout}");
    assert!(
        stdout.contains("entries: 1"),
        "exactly one Candor secret in the Secret Service: {stdout}\n{stderr}"
    );

    let settings = std::fs::read_to_string(home.join("candor-data/store.json")).expect("settings");
    assert!(settings.contains("\"keyring\""), "{settings}");
    assert!(
        !settings.contains("secret"),
        "no key material beside the database: {settings}"
    );

    // Session 2: a new login, the same keyring on disk: the database opens.
    let (status, stdout, stderr) = in_keyring_session(
        home,
        r#""$CANDOR" --data-dir "$DATA" --json record list client"#,
    );
    assert_eq!(
        status, 0,
        "session 2 failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("Keyring Client"),
        "the record is readable in a new session: {stdout}"
    );

    // Session 3: the key was removed from the keyring: a clear error, the file untouched.
    let before = std::fs::read(home.join("candor-data/candor.db")).expect("db bytes");
    let (status, _stdout, stderr) = in_keyring_session(
        home,
        r#"secret-tool clear service Candor
"$CANDOR" --data-dir "$DATA" record list client"#,
    );
    assert_ne!(status, 0, "without its key the database cannot open");
    assert!(stderr.contains("missing from the OS keyring"), "{stderr}");
    assert_eq!(
        std::fs::read(home.join("candor-data/candor.db")).expect("db bytes"),
        before,
        "a lost key must never lead to a new, empty database"
    );
}

/// An account's password goes to the keyring beside the database key, and
/// leaves it when the account is removed (the database key stays).
#[test]
fn an_account_password_lives_in_the_keyring_and_leaves_with_the_account() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path();
    std::fs::create_dir_all(home.join("run")).expect("runtime dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(home.join("run"), std::fs::Permissions::from_mode(0o700))
            .expect("chmod");
    }
    let (status, stdout, stderr) = in_keyring_session(
        home,
        r#""$CANDOR" --data-dir "$DATA" init >/dev/null
IMAP_PASSWORD=account-secret-value "$CANDOR" --data-dir "$DATA" account add --name Work \
    --email me@agency.example --imap-host localhost --username me --password-env IMAP_PASSWORD
echo "with the account: $(secret-tool search --all service Candor 2>&1 | grep -c '^secret = ' || true)"
secret-tool search --all service Candor 2>&1 | grep -c 'account-secret-value' || true
"$CANDOR" --data-dir "$DATA" account remove Work
echo "after removing it: $(secret-tool search --all service Candor 2>&1 | grep -c '^secret = ' || true)"
"$CANDOR" --data-dir "$DATA" record list client"#,
    );
    assert_eq!(status, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stdout.contains("with the account: 2"),
        "the database key and the account's password: {stdout}"
    );
    assert!(
        stdout.contains("after removing it: 1"),
        "only the database key is left, and the database still opens: {stdout}"
    );
}
