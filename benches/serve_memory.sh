#!/usr/bin/env bash
# `wsql serve` streaming a large result: for each fleet size, a standalone `wsql-emulator` with
# that many pools in one region, `wsql serve` (cache off) under /usr/bin/time -v, and one
# psycopg client reading `SELECT * FROM workspaces_pools` row by row (`cursor.stream`, so it
# holds no result either). Prints the time to the first row and to the last, the rows, and the
# server's peak memory (max RSS); a streaming server stays flat as the fleet grows (the last
# column is RSS ÷ RSS of the first size).
#
#   benches/serve_memory.sh              # sizes 2000 50000, release build
#   BIN_DIR=target/debug benches/serve_memory.sh 2000
#
# The client is the tests' Python (tests/clients/install.sh; $WSQL_CLIENTS).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -gt 0 ]]; then sizes=("$@"); else sizes=(2000 50000); fi
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
python="${WSQL_CLIENTS:-$HOME/.cache/wsql-clients}/venv/bin/python"
[[ -x "$python" ]] || { echo "no client Python at $python: run tests/clients/install.sh" >&2; exit 1; }

# BIN_DIR=DIR uses the wsql and wsql-emulator already in DIR instead of building them.
if [[ -n "${BIN_DIR:-}" ]]; then
    bin=$(realpath "$BIN_DIR")
else
    cargo build --release --quiet --bin wsql --bin wsql-emulator
    bin="$(realpath "${CARGO_TARGET_DIR:-target}")/release"
fi
export AWS_ACCESS_KEY_ID=AKIDWSQLBENCH AWS_SECRET_ACCESS_KEY=bench AWS_EC2_METADATA_DISABLED=true

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Waits until file $1 has a line matching sed expression $2; prints what it captured.
wait_for() {
    for _ in $(seq 1 600); do
        local found
        found=$(sed -n "$2" "$1")
        [[ -n "$found" ]] && { echo "$found"; return 0; }
        sleep 0.1
    done
    echo "nothing matched in $1: $(cat "$1")" >&2
    exit 1
}

client='
import sys, time, psycopg
started = time.monotonic()
first = None
rows = 0
with psycopg.connect(sys.argv[1]) as conn:
    for row in conn.cursor().stream("SELECT * FROM workspaces_pools"):
        if first is None:
            first = time.monotonic() - started
        rows += 1
print(rows, f"{first:.3f}", f"{time.monotonic() - started:.3f}")
'

base=""
printf '%8s %8s %14s %10s %12s %8s\n' pools rows "first row (s)" "total (s)" "max RSS" "vs first"
for pools in "${sizes[@]}"; do
    "$bin/wsql-emulator" --port 0 --pools "$pools" --regions us-east-1 >"$work/emulator.out" 2>&1 &
    pids+=($!)
    url=$(wait_for "$work/emulator.out" 's/^listening on //p')
    /usr/bin/time -v -o "$work/time.txt" "$bin/wsql" serve --listen 127.0.0.1:0 --cache-ttl 0 \
        --region us-east-1 --endpoint-url "$url" 2>"$work/serve.err" &
    server=$!
    pids+=($server)
    addr=$(wait_for "$work/serve.err" 's/^wsql serve: listening on \([^,]*\),.*/\1/p')
    read -r rows first total < <("$python" -c "$client" \
        "host=${addr%:*} port=${addr##*:} user=wsql dbname=wsql")
    # SIGTERM to wsql (the child of time), which then reports on its exit.
    pkill -TERM -P "$server"
    wait "$server" 2>/dev/null || true
    kill "${pids[0]}" 2>/dev/null || true
    wait "${pids[0]}" 2>/dev/null || true
    pids=()
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    [[ -z "$base" ]] && base=$rss
    printf '%8d %8d %14s %10s %8.1f MiB %7.2f×\n' "$pools" "$rows" "$first" "$total" \
        "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" "$(awk -v a="$rss" -v b="$base" 'BEGIN {print a / b}')"
done
