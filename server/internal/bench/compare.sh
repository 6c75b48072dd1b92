#!/usr/bin/env bash
# make bench-compare: the stub against Stoplight Prism, the usual mock
# server for an OpenAPI spec, under the same load.
#
# Prism (@stoplight/prism-cli, pinned in server/internal/bench/prism/package.json and
# its lockfile; `make bench-compare` runs npm ci there first) mocks the
# project's own api/openapi.yaml:
#
#   prism mock api/openapi.yaml -p PORT -h 127.0.0.1 -v error
#
# and the stub serves its built-in demo world, whose user alice has the SIDs
# of the spec's examples, so both answer the very same requests: a fetch of
# alice's conversation and the first page (PageSize=50) of her list. Prism
# checks the request against the spec and answers with the spec's example;
# the stub validates the request, authenticates it and reads its store.
# Each scenario runs in BENCH_ROUNDS rounds alternating the two servers,
# with the same load generator and settings, after Prism has been warmed up
# (node compiles its hot paths as it runs: a cold Prism is slower than it
# stays) with BENCH_PRISM_WARMUP (10s) of unmeasured load per scenario.
#
# Settings: see common.sh; BENCH_PRISM_WARMUP.
set -euo pipefail

NAME=bench-compare
source "$(dirname "$0")/common.sh"

prism=server/internal/bench/prism/node_modules/.bin/prism
[ -x "$prism" ] || {
	echo "bench-compare: $prism is missing: run 'make bench-compare' (it runs npm ci in server/internal/bench/prism)" >&2
	exit 1
}

say "bench-compare: building into $work"
build conversations-stub loadgen
lg=$work/loadgen

read -r stub_port prism_port <<<"$("$lg" freeport -n 2 | xargs)"
auth=(-user ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa -pass demoauthtoken)
fetch_path=/v1/Users/USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Conversations/CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
list_path="/v1/Users/USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Conversations?PageSize=50"
stub_url=http://127.0.0.1:$stub_port
prism_url=http://127.0.0.1:$prism_port

env "${clean_env[@]}" "$work/conversations-stub" --addr "127.0.0.1:$stub_port" --log-level "$LOG_LEVEL" >"$work/stub.log" 2>&1 &
stub_pid=$!
pids+=("$stub_pid")

# setsid: Prism gets a process group of its own (its PID), stopped whole.
t0=$(date +%s%N)
setsid "$prism" mock api/openapi.yaml -p "$prism_port" -h 127.0.0.1 -v error >"$work/prism.log" 2>&1 &
prism_pid=$!
groups+=("$prism_pid")

"$lg" wait -timeout 30s -url "$stub_url$fetch_path" "${auth[@]}" >/dev/null ||
	{ cat "$work/stub.log" >&2; fail "the stub did not start"; }
say "bench-compare: waiting for Prism"
prism_ms=$("$lg" wait -timeout 90s -interval 10ms -since "$t0" -url "$prism_url$fetch_path" "${auth[@]}") ||
	{ cat "$work/prism.log" >&2; fail "Prism did not start"; }
prism_version=$(node -p "require('./server/internal/bench/prism/node_modules/@stoplight/prism-cli/package.json').version" 2>/dev/null || echo "?")

for what in fetch list; do
	path=$fetch_path
	[ "$what" = list ] && path=$list_path
	"$lg" get -url "$stub_url$path" "${auth[@]}" >"$work/stub-$what.json"
	"$lg" get -url "$prism_url$path" "${auth[@]}" >"$work/prism-$what.json"
done

PRISM_WARMUP=${BENCH_PRISM_WARMUP:-10s}
say "bench-compare: warming Prism up, $PRISM_WARMUP per scenario"
for path in "$fetch_path" "$list_path"; do
	"$lg" run -c "$CONNECTIONS" -warmup 0s -d "$PRISM_WARMUP" "${auth[@]}" -url "$prism_url$path" >/dev/null
done

load=(-c "$CONNECTIONS" -warmup "$WARMUP" -d "$DURATION" -rounds "$ROUNDS" "${auth[@]}")
results=$work/results.tsv
: >"$results"
say "bench-compare: fetch, stub and Prism in $ROUNDS alternating rounds, $DURATION each"
"$lg" run "${load[@]}" -label "fetch, stub" -url "$stub_url$fetch_path" -pid "$stub_pid" \
	-label "fetch, prism" -url "$prism_url$fetch_path" -pid "$prism_pid" >>"$results"
say "bench-compare: list (first page), stub and Prism in $ROUNDS alternating rounds, $DURATION each"
"$lg" run "${load[@]}" -label "list, stub" -url "$stub_url$list_path" -pid "$stub_pid" \
	-label "list, prism" -url "$prism_url$list_path" -pid "$prism_pid" >>"$results"

field() { awk -F'\t' -v l="$1" '$1==l' "$results" | cut -f"$2"; }
times() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.1fx", a/b; else print "-" }'; }
size() { wc -c <"$work/$1.json" | tr -d ' '; }

echo
echo "== make bench-compare: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo), $($GO env GOVERSION), node $(node --version), prism $prism_version"
echo "load: loadgen, $CONNECTIONS keep-alive connections, closed loop, $DURATION per server per scenario in $ROUNDS alternating rounds after $WARMUP warm-up (Prism: $PRISM_WARMUP more per scenario first)"
echo "stub: demo world, --log-level $LOG_LEVEL; prism: mock api/openapi.yaml -v error (ready $prism_ms ms after start)"
echo
printf '%-16s %-21s %-21s %8s %8s %11s %7s\n' scenario "server CPU us/req" "req/s" "p50 ms" "p99 ms" "body bytes" errors
printf '%-16s %-21s %-21s\n' "" "median (min-max)" "median (min-max)"
while IFS=$'\t' read -r label rps rps_min rps_max p50 p99 _ non2xx errs cpu cpu_min cpu_max _ _; do
	case $label in
	"fetch, stub") body=$(size stub-fetch) ;;
	"fetch, prism") body=$(size prism-fetch) ;;
	"list, stub") body=$(size stub-list) ;;
	*) body=$(size prism-list) ;;
	esac
	printf '%-16s %-21s %-21s %8s %8s %11s %7s\n' "$label" "$cpu ($cpu_min-$cpu_max)" "$rps ($rps_min-$rps_max)" "$p50" "$p99" "$body" "$((non2xx + errs))"
done <"$results"
echo "(CPU: the server's user + system time per request, all threads, from /proc/PID/stat; Prism's is its node process's.)"
echo
fetch_x=$(times "$(field "fetch, stub" 2)" "$(field "fetch, prism" 2)")
list_x=$(times "$(field "list, stub" 2)" "$(field "list, prism" 2)")
fetch_cpu_x=$(times "$(field "fetch, prism" 10)" "$(field "fetch, stub" 10)")
met=MISSED
awk -v a="$(field "fetch, stub" 2)" -v b="$(field "fetch, prism" 2)" 'BEGIN{exit !(a >= 5*b)}' && met=met
printf '%-40s %-10s %-8s %s\n' target measured goal result
printf '%-40s %-10s %-8s %s\n' "fetch throughput, stub / Prism (medians)" "$fetch_x" ">= 5x" "$met"
printf '%-40s %-10s %-8s %s\n' "fetch CPU per request, Prism / stub" "$fetch_cpu_x" "" ""
printf '%-40s %-10s %-8s %s\n' "list throughput, stub / Prism (medians)" "$list_x" "" ""
echo "(Prism's list is the spec's example, an empty page; the stub's is alice's 26 conversations: see body bytes.)"
