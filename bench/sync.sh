#!/usr/bin/env bash
# Whole-process benchmark of `candor sync` against mbsync (isync), both
# pulling the same generated mailbox from the same private Dovecot on
# loopback, taking turns on this machine (three runs each by default; the
# medians are compared, since either tool's time varies by seconds from run
# to run here). Prints the figures, with the issue's targets beside them,
# and appends them to BENCHMARKS.md.
#
#   bash bench/sync.sh [--count N] [--runs R]   (default 20000 messages, ~400 MB; 3 runs)
#
# Needs root (Dovecot), and `apt-get install dovecot-imapd isync time`
# (.ci/install installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=20000
RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --count) COUNT=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    *) echo "usage: bash bench/sync.sh [--count N] [--runs R]" >&2; exit 2 ;;
  esac
done

cargo build --release --locked -p candor-cli >&2
CANDOR=$PWD/target/release/candor
WORK=$(mktemp -d /tmp/candor-bench-XXXXXX)
# shellcheck source=bench/dovecot.sh
source bench/dovecot.sh
start_dovecot

echo "generating $COUNT messages ..." >&2
python3 bench/make_mailbox.py --count "$COUNT" --maildir "$WORK/users/recruiter/Maildir" >&2
chown -R dovecot:dovecot "$WORK/users"
SIZE_MB=$(du -sm "$WORK/users/recruiter/Maildir" | cut -f1)
# Dovecot indexes the folder now, so neither client is timed doing that.
doveadm -c "$WORK/dovecot.conf" mailbox status -u recruiter messages INBOX >&2

# measure CMD...: runs it, prints "wall-seconds peak-RSS-MB".
measure() {
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || {
    cat "$WORK/err" >&2
    return 1
  }
  local secs kb
  read -r secs kb <"$WORK/time"
  echo "$secs $((kb / 1024))"
}

# mbsync pulls INBOX into an empty local Maildir.
cat >"$WORK/mbsyncrc" <<RC
IMAPAccount bench
Host localhost
Port $IMAPS_PORT
User recruiter
Pass bench-secret
SSLType IMAPS
CertificateFile $CERT

IMAPStore remote
Account bench

MaildirStore local
Path $WORK/mbsync/
Inbox $WORK/mbsync/inbox

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Create Near
Sync Pull
SyncState *
RC
run_mbsync() {
  rm -rf "$WORK/mbsync"
  mkdir -p "$WORK/mbsync/inbox"
  measure mbsync -c "$WORK/mbsyncrc" bench
}

# candor syncs the same account from empty (passphrase mode: no keyring).
export CANDOR_PASSPHRASE=bench-passphrase
DATA=$WORK/candor
new_candor_store() {
  rm -rf "$DATA"
  "$CANDOR" --data-dir "$DATA" init >/dev/null
  BENCH_PASSWORD=bench-secret "$CANDOR" --data-dir "$DATA" account add --name Bench \
    --email recruiter@test --imap-host localhost --imap-port "$IMAPS_PORT" --imap-security tls \
    --username recruiter --password-env BENCH_PASSWORD --trust-cert "$CERT" >/dev/null
}

# The two take turns, each from empty.
MB_TIMES=()
C_TIMES=()
MB_RSS=0
C_RSS=0
LISTABLE=n/a
for run in $(seq 1 "$RUNS"); do
  echo "run $run of $RUNS: mbsync ..." >&2
  read -r secs rss < <(run_mbsync)
  MB_TIMES+=("$secs")
  MB_RSS=$((rss > MB_RSS ? rss : MB_RSS))
  MB_COUNT=$(find "$WORK/mbsync/inbox/cur" "$WORK/mbsync/inbox/new" -type f | wc -l)

  echo "run $run of $RUNS: candor sync ..." >&2
  new_candor_store
  POLLER=
  if [ "$run" = 1 ]; then
    # While the first sync runs, a second process asks for the newest 100
    # threads every half second: when it first gets 100, they are listable.
    START=$(date +%s.%N)
    (
      while :; do
        n=$("$CANDOR" --data-dir "$DATA" --json threads --limit 100 2>/dev/null |
          python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo 0)
        if [ "${n:-0}" -ge 100 ] || [ "$n" -ge "$COUNT" ]; then
          echo "$(date +%s.%N)" >"$WORK/listable"
          break
        fi
        sleep 0.5
      done
    ) &
    POLLER=$!
  fi
  read -r secs rss < <(measure "$CANDOR" --data-dir "$DATA" sync)
  C_TIMES+=("$secs")
  C_RSS=$((rss > C_RSS ? rss : C_RSS))
  if [ -n "$POLLER" ]; then
    wait "$POLLER" || true
    LISTABLE=$(python3 -c "print(f'{float(open(\"$WORK/listable\").read()) - $START:.1f}')" 2>/dev/null || echo "n/a")
  fi
  C_COUNT=$("$CANDOR" --data-dir "$DATA" --json ledger |
    python3 -c 'import json,sys; print(sum(l["stored_here"] for l in json.load(sys.stdin)))')
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
MB_SECS=$(median "${MB_TIMES[@]}")
C_SECS=$(median "${C_TIMES[@]}")

echo "candor resync, no change ..." >&2
read -r R_SECS R_RSS < <(measure "$CANDOR" --data-dir "$DATA" sync)
read -r O_SECS _ < <(measure "$CANDOR" --data-dir "$DATA" account list)

RATIO=$(python3 -c "print(f'{$C_SECS / $MB_SECS:.2f}')")
TABLE=$(cat <<T
| figure | measured | target |
| --- | --- | --- |
| mailbox | $COUNT messages, $SIZE_MB MB on disk | 20,000, ~400 MB |
| mbsync pull (median wall of $RUNS; each; peak memory) | ${MB_SECS} s (${MB_TIMES[*]}), ${MB_RSS} MB ($MB_COUNT messages) | reference |
| candor sync from empty (median wall of $RUNS; each; peak memory) | ${C_SECS} s (${C_TIMES[*]}), ${C_RSS} MB ($C_COUNT messages) | ≤ half of mbsync's time; < 300 MB |
| candor ÷ mbsync (medians) | $RATIO | ≤ 0.50 |
| newest 100 threads listable after | ${LISTABLE} s | as early as possible |
| no-change resync (whole process) | ${R_SECS} s | < 0.3 s |
| of which process start + key derivation (\`candor account list\`) | ${O_SECS} s | |
T
)
echo
echo "$TABLE"
{
  echo
  echo "### Sync, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo
  echo "$TABLE"
} >>BENCHMARKS.md
