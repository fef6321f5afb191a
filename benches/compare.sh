#!/usr/bin/env bash
# Whole-process time of wsql against the AWS CLI (v1) and a boto3 script, on one standalone
# emulator with 1000 pools in one region: the listing of every pool (id, name, state as CSV),
# and one pool by id. Medians of several runs (hyperfine), and the ratio other ÷ wsql.
#
#   benches/compare.sh               # 1000 pools, 5 runs each
#   POOLS=300 RUNS=3 benches/compare.sh
#
# DescribeWorkspacesPools has no botocore paginator, so the CLI does not page by itself: the
# CLI and boto3 each follow NextToken in their own loop, 25 pools a call like wsql.
set -euo pipefail
cd "$(dirname "$0")/.."

pools=${POOLS:-1000}
runs=${RUNS:-5}
region=us-east-1

# What the comparison needs.
missing=()
for tool in jq hyperfine; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ -x /usr/bin/time ]] || missing+=(time)
if [[ ${#missing[@]} -gt 0 ]]; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
python3 -c 'import boto3' 2>/dev/null && command -v aws >/dev/null || pip install -q awscli boto3

# BIN_DIR=DIR uses the wsql and wsql-emulator already in DIR instead of building them.
if [[ -n "${BIN_DIR:-}" ]]; then
    bin=$(realpath "$BIN_DIR")
else
    cargo build --release --quiet --bin wsql --bin wsql-emulator
    bin="$(realpath "${CARGO_TARGET_DIR:-target}")/release"
fi

export AWS_ACCESS_KEY_ID=AKIDWSQLBENCH AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=$region
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""

work=$(mktemp -d)
emulator_pid=""
cleanup() {
    [[ -n "$emulator_pid" ]] && kill "$emulator_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$bin/wsql-emulator" --port 0 --pools "$pools" --regions "$region" >"$work/emulator.out" 2>&1 &
emulator_pid=$!
url=""
for _ in $(seq 1 300); do
    url=$(sed -n 's/^listening on //p' "$work/emulator.out")
    [[ -n "$url" ]] && break
    sleep 0.1
done
[[ -n "$url" ]] || { echo "the emulator did not start" >&2; exit 1; }

# The three clients, each a script taking an optional pool id (none: list every pool).
cat >"$work/wsql.sh" <<SCRIPT
#!/usr/bin/env bash
if [[ -z "\${1:-}" ]]; then where=""; else where="WHERE pool_id = '\$1'"; fi
exec "$bin/wsql" --endpoint-url "$url" --region $region -q --format csv \
    -c "SELECT pool_id, pool_name, state FROM workspaces_pools \$where"
SCRIPT
cat >"$work/aws_cli.sh" <<SCRIPT
#!/usr/bin/env bash
set -euo pipefail
call() { aws workspaces describe-workspaces-pools --endpoint-url "$url" --region $region --output json "\$@"; }
echo pool_id,pool_name,state
if [[ -n "\${1:-}" ]]; then
    call --pool-ids "\$1" | jq -r '.WorkspacesPools[] | [.PoolId, .PoolName, .State] | @csv'
    exit 0
fi
token=""
while :; do
    if [[ -z "\$token" ]]; then page=\$(call --limit 25); else page=\$(call --limit 25 --next-token "\$token"); fi
    jq -r '.WorkspacesPools[] | [.PoolId, .PoolName, .State] | @csv' <<<"\$page"
    token=\$(jq -r '.NextToken // empty' <<<"\$page")
    [[ -n "\$token" ]] || break
done
SCRIPT
cat >"$work/boto3_listing.py" <<SCRIPT
import csv, sys
import boto3

client = boto3.client("workspaces", endpoint_url="$url", region_name="$region")
out = csv.writer(sys.stdout)
out.writerow(["pool_id", "pool_name", "state"])
kwargs = {"PoolIds": [sys.argv[1]]} if len(sys.argv) > 1 else {"Limit": 25}
while True:
    page = client.describe_workspaces_pools(**kwargs)
    for pool in page.get("WorkspacesPools", []):
        out.writerow([pool["PoolId"], pool["PoolName"], pool["State"]])
    token = page.get("NextToken")
    if not token or "PoolIds" in kwargs:
        break
    kwargs["NextToken"] = token
SCRIPT
chmod +x "$work"/*.sh

# Same answers before timing anything.
pool_id=$("$work/wsql.sh" | sed -n 2p | cut -d, -f1 | tr -d '"\r')
for client in wsql aws_cli boto3; do
    case $client in
        wsql) cmd=("$work/wsql.sh") ;;
        aws_cli) cmd=("$work/aws_cli.sh") ;;
        boto3) cmd=(python3 "$work/boto3_listing.py") ;;
    esac
    "${cmd[@]}" | tail -n +2 | tr -d '"\r' | sort >"$work/$client.csv"
    "${cmd[@]}" "$pool_id" | tail -n +2 | tr -d '"\r' >"$work/$client.one.csv"
done
[[ -s "$work/wsql.one.csv" ]] || { echo "wsql did not find pool $pool_id" >&2; exit 1; }
for client in aws_cli boto3; do
    cmp -s "$work/wsql.csv" "$work/$client.csv" || { echo "$client listed other pools than wsql" >&2; exit 1; }
    cmp -s "$work/wsql.one.csv" "$work/$client.one.csv" || { echo "$client found another pool" >&2; exit 1; }
done
echo "$(wc -l <"$work/wsql.csv") pools listed alike by all three; timing $runs runs each"

# hyperfine's medians, in seconds, by command name.
time_all() {
    local name=$1 arg=$2
    hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/$name.json" \
        -n wsql "$work/wsql.sh $arg" \
        -n aws_cli "$work/aws_cli.sh $arg" \
        -n boto3 "python3 $work/boto3_listing.py $arg" >/dev/null
    jq -r '.results[] | "\(.command) \(.median)"' "$work/$name.json"
}
report() {
    local title=$1 name=$2 arg=$3 wsql_median
    echo
    echo "$title"
    printf '  %-8s %10s %14s\n' client median "÷ wsql"
    time_all "$name" "$arg" >"$work/$name.medians"
    wsql_median=$(awk '$1 == "wsql" {print $2}' "$work/$name.medians")
    while read -r client median; do
        printf '  %-8s %8.1f ms %13.1f×\n' "$client" "$(awk -v m="$median" 'BEGIN {print m * 1000}')" \
            "$(awk -v m="$median" -v w="$wsql_median" 'BEGIN {print m / w}')"
    done <"$work/$name.medians"
}
report "every pool ($pools, $((pools / 25)) pages): SELECT pool_id, pool_name, state" listing ""
report "one pool by id: WHERE pool_id = '$pool_id'" one "$pool_id"
