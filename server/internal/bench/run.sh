#!/usr/bin/env bash
# make bench: the stub's figures on this machine, in under three minutes,
# each one a median over interleaved rounds with its spread.
#
#  1. builds the stub, the load generator, the ceiling (echoserver) and the
#     fixture generator into a temporary directory;
#  2. generates 1,000 users x 100 conversations (100,000 user
#     conversations) and starts the stub on them, with the ceiling beside
#     it answering the stub's own fetch and list bodies;
#  3. drives fetch, update and list (first page of 50) with the same
#     closed-loop load, each in BENCH_ROUNDS rounds alternating stub and
#     ceiling: the primary figure is server CPU time per request (from
#     /proc/PID/stat), the ratio stub / ceiling paired round by round;
#  4. reads the stub's resident memory after the load;
#  5. runs the in-process Go benchmarks: allocations per fetch (stub and
#     ceiling in the same harness), per list item, first and last list page
#     of 10,000;
#  6. runs the start-up tool (server/internal/bench/startup) on the demo,
#     100,000 and 1,000,000 user-conversation worlds: time and CPU to the
#     first answer, peak RSS against the live heap;
#  7. prints the tables, each target with its verdict.
#
# Everything listens on 127.0.0.1 only, every wait is bounded, and every
# process started here is stopped on exit (trap), whatever the exit.
#
# Settings (environment):
#   BENCH_DURATION=10s     measured load per server per scenario, split in rounds
#   BENCH_ROUNDS=5         rounds per scenario, alternating stub / ceiling
#   BENCH_CONNECTIONS=32   connections, each with one request in flight
#   BENCH_WARMUP=1s        unmeasured load on each server before its first round
#   BENCH_LOG_LEVEL=warn   the stub's --log-level under load; one more row
#                          measures fetch with the per-request log on (info)
#   BENCH_FIXTURE=json     json or yaml: the generated fixture's format
#   BENCH_STARTUP=demo,100k,1m   the start-up tool's worlds; "off" skips it
#   BENCH_STARTUP_RUNS=3   its runs per world
#   BENCH_STARTUP_DEMO_RUNS=11  its runs on the demo world (a run takes a tenth of a second)
#   BENCH_STORES=0         1: then stores.sh, the stub on each of its stores
#                          (memory, SQLite, PostgreSQL) on 1,000,000 user
#                          conversations (several minutes: seeding the
#                          databases); "only": stores.sh alone
#   GO=go
set -euo pipefail

if [ "${BENCH_STORES:-0}" = only ]; then
	exec bash "$(dirname "$0")/stores.sh"
fi

NAME=bench
FIXTURE_FORMAT=${BENCH_FIXTURE:-json}
STARTUP_WORLDS=${BENCH_STARTUP:-demo,100k,1m}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-3}
STARTUP_DEMO_RUNS=${BENCH_STARTUP_DEMO_RUNS:-11}
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

# ---------------------------------------------------------------- build
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "bench: building into $work"
build conversations-stub loadgen echoserver fixturegen
stub=$work/conversations-stub
lg=$work/loadgen

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
update_form="NotificationLevel=muted&LastReadMessageIndex=42"

# start_stub LOG ARGS...: starts the stub in the background; sets $pid.
start_stub() {
	local log=$1
	shift
	env "${clean_env[@]}" "$stub" "$@" >"$log" 2>&1 &
	pid=$!
	pids+=("$pid")
}

read -r stub_port echo_port <<<"$("$lg" freeport -n 2 | xargs)"
base=http://127.0.0.1:$stub_port
ceiling=http://127.0.0.1:$echo_port
say "bench: starting the stub on $fixture_mb MB of fixtures"
start_stub "$work/stub.log" --addr "127.0.0.1:$stub_port" --fixtures "$fixture" --log-level "$LOG_LEVEL"
stub_pid=$pid
"$lg" wait -timeout 120s -url "$base$fetch_path" "${auth[@]}" >/dev/null ||
	{ tail -n 20 "$work/stub.log" >&2; fail "the stub did not serve the generated fixtures"; }

"$lg" get -url "$base$fetch_path" "${auth[@]}" >"$work/fetch.json"
"$lg" get -url "$base$list_path" "${auth[@]}" >"$work/list.json"
"$work/echoserver" -addr "127.0.0.1:$echo_port" -body "$work/fetch.json" -list-body "$work/list.json" >"$work/echo.log" 2>&1 &
echo_pid=$!
pids+=("$echo_pid")
"$lg" wait -timeout 10s -url "$ceiling$fetch_path" >/dev/null || fail "the ceiling did not start"

# ------------------------------------------------------------------ load
load=(-c "$CONNECTIONS" -warmup "$WARMUP" -d "$DURATION" -rounds "$ROUNDS" "${auth[@]}")
results=$work/results.tsv
: >"$results"

# paired SCENARIO URL-PATH [loadgen args...]: the stub and the ceiling in
# alternating rounds; rows "SCENARIO" and "SCENARIO, ceiling".
paired() {
	local scenario=$1 path=$2
	shift 2
	say "bench: $scenario, stub and ceiling in $ROUNDS alternating rounds, $DURATION each"
	"$lg" run "${load[@]}" "$@" \
		-label "$scenario" -url "$base$path" -pid "$stub_pid" \
		-label "$scenario, ceiling" -url "$ceiling$path" -pid "$echo_pid" >>"$results"
}
paired fetch "$fetch_path"
paired update "$fetch_path" -X POST -data "$update_form"
paired "list (first page)" "$list_path"

rss_kb=$(awk '/^VmRSS:/{print $2}' "/proc/$stub_pid/status")
hwm_kb=$(awk '/^VmHWM:/{print $2}' "/proc/$stub_pid/status")
stop "$stub_pid"

# The per-request log line, as `make run` writes it, to a file: its cost,
# in the same rounds as the ceiling.
if [ "$LOG_LEVEL" != info ]; then
	start_stub "$work/stub-info.log" --addr "127.0.0.1:$stub_port" --fixtures "$fixture" --log-level info
	stub_pid=$pid
	"$lg" wait -timeout 120s -url "$base$fetch_path" "${auth[@]}" >/dev/null || fail "the stub did not restart"
	paired "fetch, request log on" "$fetch_path"
	stop "$stub_pid"
fi
stop "$echo_pid"

# ------------------------------------------------- in process: allocations
say "bench: Go benchmarks: fetch and ceiling allocations, first and last list page of 10,000"
gobench=$work/gobench.txt
# (A pattern's levels are split at "/": the ceiling has no sub-benchmarks.)
for pattern in 'HTTP(Fetch|ListFirstPage|ListLastPage)$/^respvalidation=off$' 'HTTPCeiling$'; do
	if ! $GO test ./server -run '^$' -bench "$pattern" -benchmem -count 3 -benchtime 1s -timeout 5m >>"$gobench" 2>&1; then
		tail -n 20 "$gobench" >&2
		fail "go test -bench failed"
	fi
done
# gomedian NAME UNIT: the median over the runs of the figure before UNIT.
gomedian() {
	grep "^Benchmark$1" "$gobench" | awk -v f="$2" '{for(i=1;i<=NF;i++) if($i==f) print $(i-1)}' |
		sort -g | awk '{v[NR]=$1} END{print (NR ? v[int((NR+1)/2)] : "nan")}'
}
fetch_allocs=$(gomedian HTTPFetch allocs/op)
ceiling_allocs=$(gomedian HTTPCeiling allocs/op)
first_allocs=$(gomedian HTTPListFirstPage allocs/op)
first_cpu=$(gomedian HTTPListFirstPage cpu-ns/op)
last_cpu=$(gomedian HTTPListLastPage cpu-ns/op)
page_size=$(grep -o '"page_size": *[0-9]*' "$work/list.json" | grep -o '[0-9]*$' || echo 50)

# ------------------------------------------------------------ start-up
startup=$work/startup.txt
if [ "$STARTUP_WORLDS" != off ]; then
	say "bench: start-up and memory: $STARTUP_WORLDS, $STARTUP_RUNS runs each ($STARTUP_DEMO_RUNS on the demo world)"
	$GO run ./server/internal/bench/startup -go "$GO" -bin "stub=$stub" -worlds "$STARTUP_WORLDS" -runs "$STARTUP_RUNS" -demo-runs "$STARTUP_DEMO_RUNS" >"$startup" ||
		fail "the start-up tool failed"
fi

# ---------------------------------------------------------------- tables
row() { awk -F'\t' -v l="$1" '$1==l' "$results"; }
field() { row "$1" | cut -f"$2"; }
# pair SCENARIO: median, min and max over the rounds of stub CPU / ceiling CPU.
pair() {
	awk -v s="$(field "$1" 14)" -v c="$(field "$1, ceiling" 14)" 'BEGIN{
		n = split(s, a, ","); split(c, b, ",")
		for (i = 1; i <= n; i++) printf "%.4f\n", (b[i] > 0) ? a[i] / b[i] : 0
	}' | sort -g | awk '{r[NR] = $1} END{
		m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
		printf "%.2f %.2f %.2f", m, r[1], r[NR]
	}'
}
verdict() { if awk "BEGIN{exit !($1)}"; then echo met; else echo MISSED; fi; }
mb() { awk -v k="$1" 'BEGIN{printf "%.1f MB", k/1024}'; }
us() { awk -v n="$1" 'BEGIN{printf "%.0f", n/1000}'; }

echo
echo "== make bench: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo), $($GO env GOVERSION) $($GO env GOOS)/$($GO env GOARCH), load average before: $load_before"
echo "load: loadgen, $CONNECTIONS keep-alive connections, closed loop; per scenario, stub and ceiling alternate in $ROUNDS rounds of $DURATION/$ROUNDS after $WARMUP warm-up; stub --log-level $LOG_LEVEL"
echo "world: 1,000 users x 100 conversations = ${BENCH_USER_CONVERSATIONS} user conversations ($fixture_mb MB $FIXTURE_FORMAT); fetch body $(wc -c <"$work/fetch.json") B, list body $(wc -c <"$work/list.json") B ($page_size items)"
echo
printf '%-31s %-21s %-21s %8s %8s %7s\n' scenario "server CPU us/req" "req/s" "p50 ms" "p99 ms" errors
printf '%-31s %-21s %-21s\n' "" "median (min-max)" "median (min-max)"
while IFS=$'\t' read -r label rps rps_min rps_max p50 p99 _ non2xx errs cpu cpu_min cpu_max _ _; do
	printf '%-31s %-21s %-21s %8s %8s %7s\n' "$label" "$cpu ($cpu_min-$cpu_max)" "$rps ($rps_min-$rps_max)" "$p50" "$p99" "$((non2xx + errs))"
done <"$results"
echo "(CPU: the server's user + system time per request, all threads, GC included, from /proc/PID/stat; the load generator shares the cores.)"
echo

read -r fetch_ratio fetch_ratio_min fetch_ratio_max <<<"$(pair fetch)"
read -r update_ratio update_ratio_min update_ratio_max <<<"$(pair update)"
read -r list_ratio list_ratio_min list_ratio_max <<<"$(pair "list (first page)")"
list_cpu=$(field "list (first page)" 10)
per_item=$(awk -v a="$first_allocs" -v n="$page_size" 'BEGIN{printf "%.1f", a/n}')

printf '%-46s %-28s %-10s %s\n' target "measured (median; min-max)" goal result
printf '%-46s %-28s %-10s %s\n' "fetch CPU, stub / ceiling, paired rounds" "$fetch_ratio; $fetch_ratio_min-$fetch_ratio_max" "<= 1.25" "$(verdict "$fetch_ratio <= 1.25")"
printf '%-46s %-28s %-10s %s\n' "update CPU, stub / ceiling, paired rounds" "$update_ratio; $update_ratio_min-$update_ratio_max" "<= 1.6" "$(verdict "$update_ratio <= 1.6")"
printf '%-46s %-28s %-10s %s\n' "list page of $page_size, CPU per request" "$list_cpu us; $(field "list (first page)" 11)-$(field "list (first page)" 12)" "<= 120 us" "$(verdict "$list_cpu <= 120")"
printf '%-46s %-28s %-10s %s\n' "  same, stub / ceiling" "$list_ratio; $list_ratio_min-$list_ratio_max" "" ""
printf '%-46s %-28s %-10s %s\n' "allocations per fetch (go test; ceiling)" "$fetch_allocs ($ceiling_allocs)" "<= 35" "$(verdict "$fetch_allocs <= 35")"
printf '%-46s %-28s %-10s %s\n' "allocations per list item (go test)" "$per_item ($first_allocs / $page_size)" "<= 3" "$(verdict "$per_item <= 3")"
printf '%-46s %-28s %-10s %s\n' "last / first list page of 10,000, CPU (go test)" "$(awk -v a="$last_cpu" -v b="$first_cpu" 'BEGIN{printf "%.2f", a/b}') ($(us "$last_cpu") / $(us "$first_cpu") us)" "<= 1.5" \
	"$(verdict "$first_cpu > 0 && $last_cpu <= 1.5 * $first_cpu")"
printf '%-46s %-28s %-10s %s\n' "RSS, 100,000 user conversations, after load" "$(mb "$rss_kb") (peak $(mb "$hwm_kb"))" "< 150 MB" "$(verdict "$hwm_kb < 150 * 1024")"
echo "(go test figures: medians of 3 runs of the whole middleware chain in process, response validation off as the binary runs.)"
if [ -s "$startup" ]; then
	echo
	cat "$startup"
	# startup_figure WORLD COLUMN: the median of a column of the world's
	# row (3 time to first 200 ms, 4 CPU ms, 5 peak RSS MB), or "live"
	# for the live heap in MB.
	startup_figure() {
		awk -v w="$1" -v c="$2" '
			/^[a-z0-9]+ world/ { cur = $1 }
			cur == w && c == "live" && /live heap/ { for (i = 1; i <= NF; i++) if ($i == "heap") { print $(i + 1); exit } }
			cur == w && c != "live" && /^\| stub / { split($0, f, "|"); split(f[c], v, " "); print v[1]; exit }
		' "$startup"
	}
	echo
	printf '%-46s %-28s %-10s %s\n' target "measured (median)" goal result
	if [ -n "$(startup_figure demo 4)" ]; then
		printf '%-46s %-28s %-10s %s\n' "demo world: CPU to the first answer" "$(startup_figure demo 4) ms" "< 30 ms" "$(verdict "$(startup_figure demo 4) < 30")"
	fi
	if [ -n "$(startup_figure 100k 5)" ]; then
		printf '%-46s %-28s %-10s %s\n' "100,000: peak RSS" "$(startup_figure 100k 5) MB" "< 150 MB" "$(verdict "$(startup_figure 100k 5) < 150")"
	fi
	if [ -n "$(startup_figure 1m 3)" ]; then
		peak=$(startup_figure 1m 5) live=$(startup_figure 1m live)
		printf '%-46s %-28s %-10s %s\n' "1,000,000: start to the first answer" "$(startup_figure 1m 3) ms" "< 4000 ms" "$(verdict "$(startup_figure 1m 3) < 4000")"
		printf '%-46s %-28s %-10s %s\n' "1,000,000: peak RSS / live heap" "$peak / $live MB = $(awk -v a="$peak" -v b="$live" 'BEGIN{printf "%.2f", a/b}')" "<= 2, <500" \
			"$(verdict "$peak <= 2 * $live && $peak < 500")"
	fi
fi

# The stores, in a process of their own: its own work folder and clean-up.
if [ "${BENCH_STORES:-0}" = 1 ]; then
	GO=$GO bash server/internal/bench/stores.sh
fi
