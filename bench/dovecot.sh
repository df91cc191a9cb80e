# Sourced by the benchmark scripts: a private Dovecot on loopback in $WORK,
# configured like the test harness (tests/harness/dovecot.rs) and stopped on
# exit. Sets IMAPS_PORT and CERT. Needs root (Dovecot drops to its users).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_dovecot() {
  local uid gid
  uid=$(id -u dovecot); gid=$(id -g dovecot)
  mkdir -p "$WORK/run" "$WORK/state" "$WORK/users"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1
  CERT="$WORK/cert.pem"
  printf 'recruiter:{PLAIN}bench-secret\n' > "$WORK/passwd"
  IMAPS_PORT=$(free_port)
  cat > "$WORK/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $WORK/run
state_dir = $WORK/state
log_path = $WORK/dovecot.log
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = $uid
last_valid_uid = $uid
mail_location = maildir:$WORK/users/%n/Maildir
ssl = yes
ssl_cert = <$WORK/cert.pem
ssl_key = <$WORK/key.pem
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $WORK/passwd
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$WORK/users/%n
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
CONF
  chown -R dovecot:dovecot "$WORK/users"
  chmod 755 "$WORK"
  dovecot -c "$WORK/dovecot.conf"
  trap 'doveadm -c "$WORK/dovecot.conf" stop 2>/dev/null || true; rm -rf "$WORK"' EXIT
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$IMAPS_PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "dovecot did not start; see $WORK/dovecot.log" >&2
  return 1
}
