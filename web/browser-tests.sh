#!/usr/bin/env bash
# Browser tests of `passerelle serve`: Debian's chromium + playwright-core + axe-core.
#
#   web/browser-tests.sh PATH/TO/passerelle
#
# Starts `passerelle serve` twice on free loopback ports, each with a temporary SQLite
# file: packs/gc-digital (the research journey) and web/fixtures/all-types (one question of
# every type); the first database gets a policy specialist and an administrator (password in
# PASSERELLE_PASSWORD) for the case log. Runs web/browser-tests.mjs, prints its results and the
# axe summary, writes the
# screenshots to docs/screenshots/, stops the servers and exits non-zero on failure.
# PACKS_DIR (default: packs/ of this repository) chooses where the two packs are read.
# Needs: chromium (apt-get install -y chromium) and `npm ci` in web/ (run here if missing).
set -euo pipefail

bin="${1:?usage: web/browser-tests.sh PATH/TO/passerelle}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
[ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }
command -v "${CHROMIUM:-chromium}" >/dev/null || { echo "chromium is missing: apt-get install -y chromium" >&2; exit 2; }
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ]; then
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund)
fi

tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start() { # name pack: sets $url
  local port; port="$(free_port)"
  (cd "$root" && exec "$bin" serve --pack "$2" --addr "127.0.0.1:$port" --db "sqlite://$tmp/$1.db?mode=rwc") >"$tmp/$1.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/en" 2>/dev/null; then url="http://127.0.0.1:$port"; return 0; fi
    sleep 0.1
  done
  echo "passerelle serve did not start:" >&2; cat "$tmp/$1.log" >&2; return 1
}

packs="${PACKS_DIR:-$root/packs}"
url=""
# Accounts for the case-log checks (browser-tests.mjs signs in with them).
export PASSERELLE_PASSWORD="browser-tests-password"
for account in "sami policy_specialist Sami Specialist" "ada admin Ada Admin"; do
  set -- $account
  "$bin" users add "$1" --role "$2" --display-name "$3 $4" --db "sqlite://$tmp/research.db?mode=rwc" >/dev/null
done
start research "$packs/gc-digital"; research="$url"
start types "$here/fixtures/all-types"; types="$url"
echo "passerelle serve: $research ($packs/gc-digital), $types (web/fixtures/all-types)"

status=0
(cd "$here" && node browser-tests.mjs "$research" "$types" "$root/docs/screenshots") || status=$?
exit "$status"
