#!/usr/bin/env bash
# Passerelle's benchmark suite: builds in release and runs every benchmark, each in its own
# process pinned to core 1 (when taskset works), then prints one report.
#
#   bench/run.sh                      # 100,000 cases, 5 repetitions after a warm-up
#   bench/run.sh --cases 20000 --reps 7
#   bench/run.sh --no-pin
#
# The bench crate is a workspace of its own (the peer engines pull ~570 crates); its
# target directory defaults to a sibling of the repository (`../target-bench`).
set -euo pipefail
cd "$(dirname "$0")"
: "${CARGO_TARGET_DIR:=$(cd ../.. && pwd)/target-bench}"
export CARGO_TARGET_DIR
cargo build --release --locked
# The native baseline is up to date and every peer agrees with Passerelle on a sample.
cargo test --release --locked -q
exec "$CARGO_TARGET_DIR/release/passerelle-bench" all "$@"
