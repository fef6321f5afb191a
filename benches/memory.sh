#!/usr/bin/env bash
# Peak memory (max RSS, /usr/bin/time -v) of the release `wsql` for `SELECT count(*)` and for
# `SELECT *` streamed to CSV, over 10k and 100k pools served by a standalone `wsql-emulator`.
# A streaming scan must stay flat as the fleet grows: the last column is RSS ÷ RSS at 10k.
# Then an organization: 50 accounts × 4 regions × 100 pools at 20 ms a call, the per-account
# summary read through the role assumed in every ACTIVE account (max RSS and whole-process wall).
#
#   benches/memory.sh            # sizes 10000 100000
#   benches/memory.sh 1000 5000  # other sizes
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -gt 0 ]]; then sizes=("$@"); else sizes=(10000 100000); fi
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }

# BIN_DIR=DIR uses the wsql and wsql-emulator already in DIR instead of building them.
if [[ -n "${BIN_DIR:-}" ]]; then
    bin=$(realpath "$BIN_DIR")
else
    cargo build --release --quiet --bin wsql --bin wsql-emulator
    bin="$(realpath "${CARGO_TARGET_DIR:-target}")/release"
fi
export AWS_ACCESS_KEY_ID=AKIDWSQLBENCH AWS_SECRET_ACCESS_KEY=bench AWS_EC2_METADATA_DISABLED=true

work=$(mktemp -d)
emulator_pid=""
cleanup() {
    [[ -n "$emulator_pid" ]] && kill "$emulator_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Starts the emulator with $1 pools and the flags that follow; sets $url.
start_emulator() {
    local pools=$1
    shift
    "$bin/wsql-emulator" --port 0 --pools "$pools" "$@" >"$work/emulator.out" 2>&1 &
    emulator_pid=$!
    for _ in $(seq 1 600); do
        url=$(sed -n 's/^listening on //p' "$work/emulator.out")
        [[ -n "$url" ]] && return 0
        sleep 0.1
    done
    echo "the emulator did not start: $(cat "$work/emulator.out")" >&2
    exit 1
}

# Prints "max_rss_kib wall_seconds rows" of one wsql run of $1 (the flags that follow are wsql's).
measure() {
    local query=$1
    shift
    /usr/bin/time -v -o "$work/time.txt" \
        "$bin/wsql" --endpoint-url "$url" -q --format csv "$@" -c "$query" >"$work/out.csv"
    local rss wall
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
    echo "$rss $wall $(($(wc -l <"$work/out.csv") - 1))"
}

queries=("SELECT count(*) FROM workspaces_pools" "SELECT * FROM workspaces_pools")
declare -A base
printf '%-40s %8s %10s %10s %12s %8s\n' query pools rows "max RSS" wall "vs first"
for pools in "${sizes[@]}"; do
    start_emulator "$pools" --regions us-east-1
    for query in "${queries[@]}"; do
        read -r rss wall rows < <(measure "$query" --region us-east-1)
        [[ -z "${base[$query]:-}" ]] && base[$query]=$rss
        ratio=$(awk -v a="$rss" -v b="${base[$query]}" 'BEGIN {printf "%.2f", a / b}')
        printf '%-40s %8d %10d %7.1f MiB %12s %7s×\n' "$query" "$pools" "$rows" \
            "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" "$wall" "$ratio"
    done
    kill "$emulator_pid"
    wait "$emulator_pid" 2>/dev/null || true
    emulator_pid=""
done

regions=us-east-1,eu-west-1,ap-southeast-2,us-west-2
summary="SELECT account_id, region, count(*) FROM workspaces_pools GROUP BY 1, 2"
start_emulator 100 --regions "$regions" --accounts 50 --latency-ms 20
read -r rss wall rows < <(measure "$summary" --region "$regions" \
    --assume-role OrganizationAccountAccessRole --accounts org)
printf '\norganization, 50 accounts × 4 regions × 100 pools, 20 ms a call: %d (account, region) rows, max RSS %.1f MiB, wall %s\n' \
    "$rows" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" "$wall"
