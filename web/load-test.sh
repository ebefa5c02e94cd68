#!/usr/bin/env bash
# Load test of `passerelle serve` on the loopback with wrk (apt-get install -y wrk).
#
#   web/load-test.sh PATH/TO/release/passerelle [DURATION_SECONDS]
#
# Starts the server on a free loopback port with a temporary SQLite file and
# packs/gc-digital (PACKS_DIR overrides the packs folder), then runs wrk, bounded in time:
# 1. POST /api/v1/evaluate with web/load/research-answers.json (a finished research
#    interview) and with explain=false;
# 2. GET of an interview question page (the interview is created first).
# Prints wrk's results and the server's resident memory after the runs, then stops it.
set -euo pipefail
bin="${1:?usage: web/load-test.sh PATH/TO/passerelle [SECONDS]}"
secs="${2:-15}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
packs="${PACKS_DIR:-$root/packs}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
tmp="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
"$bin" serve --pack "$packs/gc-digital" --addr "127.0.0.1:$port" --db "sqlite://$tmp/load.db?mode=rwc" >"$tmp/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fsS -o /dev/null "$base/en" 2>/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "server pid $pid on $base; resident memory at start: $(rss)"
size=$(curl -s -o /dev/null -w '%{size_download}' -X POST --data-binary @"$here/load/research-answers.json" "$base/api/v1/evaluate")
echo "verdict size: $size bytes"

echo; echo "== POST /api/v1/evaluate (research answers, with explanations)"
(cd "$here/load" && wrk -t1 -c16 -d"${secs}s" --latency -s evaluate.lua "$base/api/v1/evaluate")
echo; echo "== POST /api/v1/evaluate?explain=false"
(cd "$here/load" && wrk -t1 -c16 -d"${secs}s" --latency -s evaluate.lua "$base/api/v1/evaluate?explain=false")
echo; echo "== POST /api/v1/evaluate with {} (an interview just started)"
echo '{}' >"$tmp/empty.json"
(cd "$here/load" && ANSWERS="$tmp/empty.json" wrk -t1 -c16 -d"${secs}s" --latency -s evaluate.lua "$base/api/v1/evaluate")

# An interview a few questions in: its current question page.
# Forms carry a CSRF token (double-submit cookie before sign-in): keep the cookie, send the field.
jar="$tmp/cookies"
csrf=$(curl -s -c "$jar" "$base/en" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
[ -n "$csrf" ] || { echo "no CSRF token on the start page" >&2; exit 3; }
loc=$(curl -s -b "$jar" -o /dev/null -w '%{redirect_url}' -X POST -d "csrf=$csrf" -d journey=plan-user-research "$base/en/interview")
q=$(curl -s -b "$jar" -o /dev/null -w '%{redirect_url}' "$loc")
for _ in 1 2 3 4; do
  field=$(basename "$q")
  value=$(curl -s -b "$jar" "$q" | { grep -oE "type=\"(radio|checkbox)\" id=\"$field[^\"]*\" name=\"$field\" value=\"[^\"]*\"" || true; } | head -1 | sed 's/.*value="//; s/"$//')
  [ -n "$value" ] || break
  q=$(curl -s -b "$jar" -o /dev/null -w '%{redirect_url}' -X POST -d "csrf=$csrf" -d "$field=$value" "$q")
done
case "$q" in */interview/*) ;; *) echo "could not walk the interview (last address: $q)" >&2; exit 3 ;; esac
echo; echo "== GET $q (interview page)"
wrk -t1 -c16 -d"${secs}s" --latency "$q"
echo; echo "resident memory after the runs: $(rss)"
