#!/usr/bin/env bash
# make bench: the stub's figures on this machine, in about two minutes.
#
#  1. builds the stub, the load generator, the bare echo server and the
#     fixture generator into a temporary directory;
#  2. measures start-up (process start to first successful fetch) on the
#     built-in demo world, several times;
#  3. generates 1,000 users x 100 conversations (100,000 user
#     conversations), starts the stub on them and measures that start-up;
#  4. drives fetch, list (first page) and update with the same closed-loop
#     load (BENCH_CONNECTIONS connections, BENCH_DURATION each), fetch in
#     alternating rounds against the bare echo server serving the stub's own
#     fetch body: the ceiling;
#  5. reads the stub's resident memory after the load, runs the in-process
#     Go benchmarks of the first and last list page of 10,000, and prints
#     the tables.
#
# Everything listens on 127.0.0.1 only, every wait is bounded, and every
# process started here is stopped on exit (trap), whatever the exit.
#
# Settings (environment):
#   BENCH_DURATION=10s     measured load per scenario (and per server)
#   BENCH_CONNECTIONS=32   connections, each with one request in flight
#   BENCH_WARMUP=1s        unmeasured load before each scenario
#   BENCH_ROUNDS=5         fetch: rounds alternating stub / ceiling
#   BENCH_LOG_LEVEL=warn   the stub's --log-level under load; "info" keeps
#                          the one-line-per-request log (measured separately
#                          as "fetch, request log on")
#   BENCH_FIXTURE=json     json or yaml: the generated fixture's format
#   BENCH_STORES=1         then stores.sh: the stub on each of its stores
#                          (memory, SQLite, PostgreSQL) on 1,000,000 user
#                          conversations; 0 leaves it out, only runs it alone
#   GO=go
set -euo pipefail

if [ "${BENCH_STORES:-1}" = only ]; then
	exec bash "$(dirname "$0")/stores.sh"
fi

NAME=bench
FIXTURE_FORMAT=${BENCH_FIXTURE:-json}
STARTUP_RUNS=5
source "$(dirname "$0")/common.sh"

# stop PID: end one process started here and forget it.
stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	local kept=() pid
	for pid in "${pids[@]}"; do
		[ "$pid" = "$1" ] || kept+=("$pid")
	done
	pids=("${kept[@]}")
}

now_ns() { date +%s%N; }

# ---------------------------------------------------------------- build
say "bench: building into $work"
build conversations-stub loadgen echoserver fixturegen
stub=$work/conversations-stub
lg=$work/loadgen

# ------------------------------------------------------- start-up, demo
# The demo world's credentials and a user conversation in it (api/openapi.yaml's example).
demo_auth=(-user ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa -pass demoauthtoken)
demo_path=/v1/Users/USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Conversations/CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa

# start_stub LOG ARGS...: starts the stub in the background; sets $pid and
# $t0, the time just before the fork.
start_stub() {
	local log=$1
	shift
	t0=$(now_ns)
	env "${clean_env[@]}" "$stub" "$@" >"$log" 2>&1 &
	pid=$!
	pids+=("$pid")
}

say "bench: start-up on the demo world, $STARTUP_RUNS runs"
demo_ms=()
for _ in $(seq "$STARTUP_RUNS"); do
	port=$("$lg" freeport)
	start_stub "$work/demo.log" --addr "127.0.0.1:$port"
	ms=$("$lg" wait -timeout 30s -since "$t0" -url "http://127.0.0.1:$port$demo_path" "${demo_auth[@]}") ||
		{ cat "$work/demo.log" >&2; fail "the stub did not serve the demo world"; }
	demo_ms+=("$ms")
	stop "$pid"
done
demo_sorted=$(printf '%s\n' "${demo_ms[@]}" | sort -g)
demo_median=$(sed -n "$(((STARTUP_RUNS + 1) / 2))p" <<<"$demo_sorted")
demo_max=$(tail -n1 <<<"$demo_sorted")

# ------------------------------------------------ 100,000 user conversations
say "bench: generating 1,000 users x 100 conversations ($FIXTURE_FORMAT)"
fixture=$work/fixtures.$FIXTURE_FORMAT
"$work/fixturegen" -users 1000 -per-user 100 -participants 10 -o "$fixture" -env "$work/fixtures.env"
# shellcheck source=/dev/null
. "$work/fixtures.env"
fixture_mb=$(awk -v b="$(wc -c <"$fixture")" 'BEGIN{printf "%.1f", b/1048576}')
auth=(-user "$BENCH_ACCOUNT" -pass "$BENCH_TOKEN")
fetch_path=/v1/Users/$BENCH_USER/Conversations/$BENCH_CONVERSATION
list_path="/v1/Users/$BENCH_USER/Conversations?PageSize=50"

read -r stub_port echo_port <<<"$("$lg" freeport -n 2 | xargs)"
base=http://127.0.0.1:$stub_port
say "bench: starting the stub on $fixture_mb MB of fixtures"
start_stub "$work/stub.log" --addr "127.0.0.1:$stub_port" --fixtures "$fixture" --log-level "$LOG_LEVEL"
stub_pid=$pid
big_ms=$("$lg" wait -timeout 120s -since "$t0" -url "$base$fetch_path" "${auth[@]}") ||
	{ tail -n 20 "$work/stub.log" >&2; fail "the stub did not serve the generated fixtures"; }
rss_start_kb=$(awk '/^VmRSS:/{print $2}' "/proc/$stub_pid/status")

"$lg" get -url "$base$fetch_path" "${auth[@]}" >"$work/fetch.json"
"$lg" get -url "$base$list_path" "${auth[@]}" >"$work/list.json"
"$work/echoserver" -addr "127.0.0.1:$echo_port" -body "$work/fetch.json" >"$work/echo.log" 2>&1 &
echo_pid=$!
pids+=("$echo_pid")
"$lg" wait -timeout 10s -url "http://127.0.0.1:$echo_port$fetch_path" >/dev/null ||
	fail "the echo server did not start"

# ------------------------------------------------------------------ load
load=(-c "$CONNECTIONS" -warmup "$WARMUP" "${auth[@]}")
results=$work/results.tsv
: >"$results"

say "bench: fetch, stub and bare echo in $ROUNDS alternating rounds, $DURATION each"
"$lg" run "${load[@]}" -d "$DURATION" -rounds "$ROUNDS" \
	-label fetch -url "$base$fetch_path" -pid "$stub_pid" \
	-label "fetch, bare echo (ceiling)" -url "http://127.0.0.1:$echo_port$fetch_path" -pid "$echo_pid" >>"$results"

say "bench: list, first page of 50, $DURATION"
"$lg" run "${load[@]}" -d "$DURATION" -label "list (first page)" -url "$base$list_path" -pid "$stub_pid" >>"$results"

say "bench: update, $DURATION"
"$lg" run "${load[@]}" -d "$DURATION" -label update -url "$base$fetch_path" -pid "$stub_pid" \
	-X POST -data "NotificationLevel=muted&LastReadMessageIndex=42" >>"$results"

rss_kb=$(awk '/^VmRSS:/{print $2}' "/proc/$stub_pid/status")
hwm_kb=$(awk '/^VmHWM:/{print $2}' "/proc/$stub_pid/status")
stop "$stub_pid"

# The per-request log line, as `make run` writes it, to a file: its cost.
if [ "$LOG_LEVEL" != info ]; then
	say "bench: fetch with the request log on (info, to a file), $DURATION"
	start_stub "$work/stub-info.log" --addr "127.0.0.1:$stub_port" --fixtures "$fixture" --log-level info
	"$lg" wait -timeout 120s -url "$base$fetch_path" "${auth[@]}" >/dev/null || fail "the stub did not restart"
	"$lg" run "${load[@]}" -d "$DURATION" -label "fetch, request log on" -url "$base$fetch_path" -pid "$pid" >>"$results"
	stop "$pid"
fi
stop "$echo_pid"

# --------------------------------------------- list pages, in process
say "bench: Go benchmarks, first and last list page of 10,000"
gobench=$work/gobench.txt
if ! $GO test ./server -run '^$' -bench 'HTTPList(First|Last)Page/respvalidation=off' -benchmem -count 3 -benchtime 1s -timeout 5m >"$gobench" 2>&1; then
	tail -n 20 "$gobench" >&2
	say "bench: go test -bench failed; the list page figures are left out"
fi
# median of the three runs, of ns/op or cpu-ns/op; 0 if missing
median_of() {
	grep "^Benchmark$1" "$gobench" | awk -v f="$2" '{for(i=1;i<=NF;i++) if($i==f) print $(i-1)}' |
		sort -g | awk '{v[NR]=$1} END{print (NR ? v[int((NR+1)/2)] : 0)}'
}
first_ns=$(median_of HTTPListFirstPage ns/op)
last_ns=$(median_of HTTPListLastPage ns/op)
first_cpu=$(median_of HTTPListFirstPage cpu-ns/op)
last_cpu=$(median_of HTTPListLastPage cpu-ns/op)

# ---------------------------------------------------------------- tables
field() { awk -F'\t' -v l="$1" -v f="$2" '$1==l{print $f}' "$results"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "-" }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.0f%%", 100*a/b; else print "-" }'; }
mb() { awk -v k="$1" 'BEGIN{printf "%.1f MB", k/1024}'; }
verdict() { if awk "BEGIN{exit !($1)}"; then echo met; else echo MISSED; fi; }
us() { awk -v n="$1" 'BEGIN{printf "%.0f", n/1000}'; }

fetch_rps=$(field fetch 2)
echo_rps=$(field "fetch, bare echo (ceiling)" 2)
size_fetch=$(wc -c <"$work/fetch.json")
size_list=$(wc -c <"$work/list.json")

echo
echo "== make bench: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo), $($GO env GOVERSION) $($GO env GOOS)/$($GO env GOARCH), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load: loadgen (server/internal/bench/loadgen), $CONNECTIONS keep-alive connections, closed loop, $DURATION per row after $WARMUP warm-up; stub --log-level $LOG_LEVEL"
echo "world: 1,000 users x 100 conversations = ${BENCH_USER_CONVERSATIONS} user conversations ($fixture_mb MB $FIXTURE_FORMAT); fetch body $size_fetch B, list body $size_list B (50 items)"
echo
printf '%-28s %9s %8s %8s %12s %12s %7s\n' scenario "req/s" "p50 ms" "p99 ms" "server CPU" "loadgen CPU" errors
while IFS=$'\t' read -r label rps p50 p99 n non2xx errs cpu client; do
	printf '%-28s %9s %8s %8s %12s %12s %7s\n' "$label" "$rps" "$p50" "$p99" "$cpu" "$client" "$((non2xx + errs))"
done <"$results"
echo "(CPU: microseconds of CPU time per request, all threads, GC included, of the server and of the load generator.)"
echo
printf '%-44s %-22s %-14s %s\n' target measured goal result
printf '%-44s %-22s %-14s %s\n' "fetch vs bare echo ceiling (same run)" "$(pct "$fetch_rps" "$echo_rps") ($fetch_rps / $echo_rps)" ">= 70%" \
	"$(verdict "$fetch_rps >= 0.7 * $echo_rps")"
printf '%-44s %-22s %-14s %s\n' "last page / first page of 10,000 (go test)" "$(ratio "$last_ns" "$first_ns") ($(us "$last_ns") / $(us "$first_ns") us)" "<= 1.5" \
	"$(verdict "$first_ns > 0 && $last_ns <= 1.5 * $first_ns")"
printf '%-44s %-22s %-14s %s\n' "  same, in CPU time per request" "$(ratio "$last_cpu" "$first_cpu") ($(us "$last_cpu") / $(us "$first_cpu") us)" "<= 1.5" \
	"$(verdict "$first_cpu > 0 && $last_cpu <= 1.5 * $first_cpu")"
printf '%-44s %-22s %-14s %s\n' "RSS, 100,000 user conversations, after load" "$(mb "$rss_kb")" "< 150 MB" "$(verdict "$rss_kb < 150 * 1024")"
printf '%-44s %-22s %-14s %s\n' "  RSS after start-up / peak (VmHWM)" "$(mb "$rss_start_kb") / $(mb "$hwm_kb")" "" ""
printf '%-44s %-22s %-14s %s\n' "start-up, demo world (median of $STARTUP_RUNS; max)" "$demo_median ms; $demo_max ms" "<= 100 ms" \
	"$(verdict "$demo_max <= 100")"
printf '%-44s %-22s %-14s %s\n' "start-up, 100,000 user conversations" "$big_ms ms" "" ""
echo "(start-up: from just before the fork to the first 200 of a fetch, polled every millisecond.)"

# The stores, in a process of their own: its own work folder and clean-up.
if [ "${BENCH_STORES:-1}" != 0 ]; then
	GO=$GO bash server/internal/bench/stores.sh
fi
