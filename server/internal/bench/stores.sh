#!/usr/bin/env bash
# make bench, the stores: the stub on each of its stores, memory, SQLite
# and PostgreSQL, side by side, on a world of 1,000,000 user conversations.
#
#  1. builds the stub, the load generator, the fixture generator and
#     pgserver (a throwaway PostgreSQL cluster, with PostgreSQL's durable
#     defaults) into a temporary directory;
#  2. generates 10,000 users x 90 conversations, 9 to a conversation, and
#     one more user in all 100,000 of them: 1,000,000 user conversations;
#  3. start-up: the memory store loading them; each SQL store seeded with
#     them (its first start), then started again on the seeded database,
#     several times (a restart; for PostgreSQL, a replica joining);
#  4. fetch, the heavy user's first and last page of 50, and update, on the
#     three stores in interleaved rounds (one round loads each store in
#     turn, the order rotating), so that other work on the machine slows
#     all three alike; each figure is the median of the rounds, with their
#     spread;
#  5. prints the tables, and the goals.
#
# Run by run.sh (make bench); BENCH_STORES=only runs just this part.
# Settings (environment), beyond common.sh's:
#   BENCH_STORE_USERS=10000   users of the generated world (x 90 + the
#                             heavy user's: 100 x this many user
#                             conversations)
#   BENCH_RESTARTS=5          restarts measured per SQL store
set -euo pipefail

NAME=bench-stores
source "$(dirname "$0")/common.sh"
USERS=${BENCH_STORE_USERS:-10000}
STARTUP_RUNS=${BENCH_RESTARTS:-5}

now_ns() { date +%s%N; }

# stop PID: end one process started here and forget it.
stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	local kept=() p
	for p in "${pids[@]}"; do
		[ "$p" = "$1" ] || kept+=("$p")
	done
	pids=("${kept[@]}")
}

# median, min and max of the numbers on standard input: "median min max".
stats() { sort -g | awk '{v[NR]=$1} END{ if (!NR) {print "0 0 0"; exit} printf "%s %s %s\n", v[int((NR+1)/2)], v[1], v[NR] }'; }

# ---------------------------------------------------------------- build
say "$NAME: building into $work"
build conversations-stub loadgen fixturegen pgserver
stub=$work/conversations-stub
lg=$work/loadgen

say "$NAME: generating $USERS users x 90 conversations and a user in every conversation"
"$work/fixturegen" -users "$USERS" -per-user 90 -participants 9 -heavy -o "$work/world.json" -env "$work/world.env"
# shellcheck source=/dev/null
. "$work/world.env"
world_mb=$(awk -v b="$(wc -c <"$work/world.json")" 'BEGIN{printf "%.0f", b/1048576}')
auth=(-user "$BENCH_ACCOUNT" -pass "$BENCH_TOKEN")
fetch_path=/v1/Users/$BENCH_USER/Conversations/$BENCH_CONVERSATION
first_path="/v1/Users/$BENCH_HEAVY_USER/Conversations?PageSize=50"

# ------------------------------------------------------------ PostgreSQL
say "$NAME: starting PostgreSQL"
mkfifo "$work/pg.in"
"$work/pgserver" <"$work/pg.in" >"$work/pg.out" 2>"$work/pg.err" &
pids+=("$!")
exec 9>"$work/pg.in" # pgserver serves until this closes, or it is stopped
for _ in $(seq 600); do
	[ "$(wc -l <"$work/pg.out")" -ge 2 ] && break
	sleep 0.2
done
[ "$(wc -l <"$work/pg.out")" -ge 2 ] || { cat "$work/pg.err" >&2; fail "PostgreSQL did not start"; }
pg_url=$(sed -n 1p "$work/pg.out")
postmaster=$(sed -n 2p "$work/pg.out")
pg_version=$("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)/postgres" --version | awk '{print $3}')

sqlite_store=sqlite:$work/world.db
declare -A store_of=([memory]=memory [sqlite]=$sqlite_store [postgres]=$pg_url)
engines=(memory sqlite postgres)

# start ENGINE LOG ARGS...: starts the stub on ENGINE's store; sets $pid,
# $t0 (just before the fork) and $base.
start() {
	local engine=$1 log=$2
	shift 2
	local port
	port=$("$lg" freeport)
	base=http://127.0.0.1:$port
	t0=$(now_ns)
	env "${clean_env[@]}" "$stub" --addr "127.0.0.1:$port" --store "${store_of[$engine]}" --log-level warn "$@" >"$log" 2>&1 &
	pid=$!
	pids+=("$pid")
}

# started LOG: waits for the stub's first 200 to a fetch; prints the
# milliseconds since its fork.
started() {
	"$lg" wait -timeout 1200s -since "$t0" -url "$base$fetch_path" "${auth[@]}" ||
		{ tail -n 20 "$1" >&2; fail "the stub did not serve ($1)"; }
}

# ------------------------------------------------------------- start-up
say "$NAME: start-up, memory store loading the world ($world_mb MB of JSON)"
start memory "$work/memory.log" --fixtures "$work/world.json"
startup_memory=$(started "$work/memory.log")
declare -A base_of pid_of
base_of[memory]=$base
pid_of[memory]=$pid
rss_memory_kb=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status")

declare -A seed_ms restart_ms
for engine in sqlite postgres; do
	say "$NAME: start-up, $engine seeded with the world (its first start)"
	start "$engine" "$work/$engine-seed.log" --fixtures "$work/world.json"
	seed_ms[$engine]=$(started "$work/$engine-seed.log")
	stop "$pid"
	say "$NAME: start-up, $engine started again on the seeded database, $STARTUP_RUNS times"
	runs=()
	for _ in $(seq "$STARTUP_RUNS"); do
		# With the same --fixtures: it reads them after it starts serving.
		start "$engine" "$work/$engine-restart.log" --fixtures "$work/world.json"
		runs+=("$(started "$work/$engine-restart.log")")
		stop "$pid"
	done
	restart_ms[$engine]=$(printf '%s\n' "${runs[@]}" | stats)
done

# The SQL stores under load: started without --fixtures, so that no
# fixtures are being read in the background while they are measured.
for engine in sqlite postgres; do
	start "$engine" "$work/$engine.log"
	started "$work/$engine.log" >/dev/null
	base_of[$engine]=$base
	pid_of[$engine]=$pid
done
cpu_pids() { # the processes whose CPU a request of ENGINE costs
	if [ "$1" = postgres ]; then echo "${pid_of[postgres]},$postmaster+"; else echo "${pid_of[$1]}"; fi
}

# The heavy user's last page of 50, by the page token each stub signs:
# the offset page before it (slow, once), then its next_page_url.
declare -A last_path
pages=$(((BENCH_HEAVY_CONVERSATIONS + 49) / 50))
for engine in "${engines[@]}"; do
	body=$("$lg" get -url "${base_of[$engine]}/v1/Users/$BENCH_HEAVY_USER/Conversations?PageSize=50&Page=$((pages - 2))" "${auth[@]}")
	next=$(sed -n 's/.*"next_page_url":"\([^"]*\)".*/\1/p' <<<"$body")
	[ -n "$next" ] || fail "$engine: no next page before the last"
	last_path[$engine]=/${next#http://*/}
done

# ------------------------------------------------------------------ load
results=$work/results.tsv
: >"$results"
slice_ms=$(awk -v d="$DURATION" 'BEGIN{ sub(/s$/, "", d); printf "%d", d*1000 }')
slice=$((slice_ms / ROUNDS))ms

# scenario NAME [loadgen args...]: ROUNDS rounds, each loading the three
# stores in turn (the order rotating) for DURATION/ROUNDS; PATH_OF gives
# each store's path.
scenario() {
	local name=$1 round order i engine path
	shift
	say "$NAME: $name, $ROUNDS rounds of $slice per store"
	for round in $(seq "$ROUNDS"); do
		order=()
		for i in 0 1 2; do order+=("${engines[$(((i + round) % 3))]}"); done
		args=()
		for engine in "${order[@]}"; do
			path=$(path_of "$engine" "$name")
			args+=(-label "$engine" -url "${base_of[$engine]}$path" -pid "$(cpu_pids "$engine")")
		done
		warm=0s
		[ "$round" = 1 ] && warm=$WARMUP
		"$lg" run -c "$CONNECTIONS" -warmup "$warm" -d "$slice" "${auth[@]}" "$@" "${args[@]}" |
			awk -v s="$name" -F'\t' -v OFS='\t' '{print s, $0}' >>"$results"
	done
}
path_of() {
	case $2 in
	fetch | update) echo "$fetch_path" ;;
	"list, first page") echo "$first_path" ;;
	"list, last page") echo "${last_path[$1]}" ;;
	esac
}
scenario fetch
scenario "list, first page"
scenario "list, last page"
scenario update -X POST -data "NotificationLevel=muted&LastReadMessageIndex=42"

rss_sqlite_kb=$(awk '/^VmRSS:/{print $2}' "/proc/${pid_of[sqlite]}/status")
rss_postgres_kb=$(awk '/^VmRSS:/{print $2}' "/proc/${pid_of[postgres]}/status")
db_mb=$(du -sm "$work/world.db"* | awk '{s+=$1} END{print s}')

# ---------------------------------------------------------------- tables
# figure SCENARIO ENGINE COLUMN: "median min max" of a column of the rounds
# (3 req/s, 11 server CPU us per request: loadgen's columns after the scenario's name).
figure() { awk -F'\t' -v s="$1" -v e="$2" -v c="$3" '$1==s && $2==e {print $c}' "$results" | stats; }
med() { figure "$@" | cut -d' ' -f1; }
spread() { figure "$@" | awk '{printf "%s [%s-%s]", $1, $2, $3}'; }
# per-round ratios of A to B (req/s, same round): "median min max"
round_ratio() {
	paste <(awk -F'\t' -v s="$1" -v e="$2" '$1==s && $2==e {print $3}' "$results") \
		<(awk -F'\t' -v s="$1" -v e="$3" '$1==s && $2==e {print $3}' "$results") |
		awk '$2 > 0 {printf "%.2f\n", $1/$2}' | stats
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "-" }'; }
verdict() { if awk "BEGIN{exit !($1)}"; then echo met; else echo MISSED; fi; }
mb() { awk -v k="$1" 'BEGIN{printf "%.0f MB", k/1024}'; }
ms_stats() { awk '{printf "%s ms [%s-%s]", $1, $2, $3}' <<<"$1"; }

echo
echo "== make bench, the stores: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo), $($GO env GOVERSION), PostgreSQL $pg_version (same machine, fsync on, synchronous commit), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "world: $BENCH_USER_CONVERSATIONS user conversations ($world_mb MB of JSON); the heavy user takes part in $BENCH_HEAVY_CONVERSATIONS conversations; pages of 50"
echo "load: $CONNECTIONS connections, $ROUNDS interleaved rounds of $slice per store and scenario; median [min-max] of the rounds"
echo
printf '%-18s %24s %24s %24s\n' "req/s" memory sqlite postgres
for s in fetch "list, first page" "list, last page" update; do
	printf '%-18s %24s %24s %24s\n' "$s" "$(spread "$s" memory 3)" "$(spread "$s" sqlite 3)" "$(spread "$s" postgres 3)"
done
echo
printf '%-18s %24s %24s %24s\n' "CPU us/request" memory sqlite "postgres (stub + db)"
for s in fetch "list, first page" "list, last page" update; do
	printf '%-18s %24s %24s %24s\n' "$s" "$(spread "$s" memory 11)" "$(spread "$s" sqlite 11)" "$(spread "$s" postgres 11)"
done
echo
printf '%-18s %24s %24s %24s\n' "start-up" memory sqlite postgres
printf '%-18s %24s %24s %24s\n' "load / seed" "$startup_memory ms" "${seed_ms[sqlite]} ms" "${seed_ms[postgres]} ms"
printf '%-18s %24s %24s %24s\n' "restart, replica" "-" "$(ms_stats "${restart_ms[sqlite]}")" "$(ms_stats "${restart_ms[postgres]}")"
printf '%-18s %24s %24s %24s\n' "RSS after load" "$(mb "$rss_memory_kb")" "$(mb "$rss_sqlite_kb")" "$(mb "$rss_postgres_kb")"
echo "(start-up: from the fork to the first 200 of a fetch. A restart is given the same --fixtures, which it reads after it starts serving. SQLite file: $db_mb MB.)"
echo

fetch_mem=$(med fetch memory 3)
sq=$(round_ratio fetch sqlite memory)
pq=$(round_ratio fetch postgres memory)
printf '%-52s %-28s %-8s %s\n' goal measured target result
printf '%-52s %-28s %-8s %s\n' "sqlite fetch / memory fetch (per round)" "$(awk '{printf "%s [%s-%s]", $1, $2, $3}' <<<"$sq")" ">= 0.5" "$(verdict "$(cut -d' ' -f1 <<<"$sq") >= 0.5")"
printf '%-52s %-28s %-8s %s\n' "postgres fetch / memory fetch (per round)" "$(awk '{printf "%s [%s-%s]", $1, $2, $3}' <<<"$pq")" ">= 0.25" "$(verdict "$(cut -d' ' -f1 <<<"$pq") >= 0.25")"
pmax=$(cut -d' ' -f3 <<<"${restart_ms[postgres]}")
printf '%-52s %-28s %-8s %s\n' "postgres replica: first request (max of $STARTUP_RUNS)" "$pmax ms" "< 1000" "$(verdict "$pmax < 1000")"
for engine in sqlite postgres; do
	f=$(med "list, first page" "$engine" 3)
	l=$(med "list, last page" "$engine" 3)
	fc=$(med "list, first page" "$engine" 11)
	lc=$(med "list, last page" "$engine" 11)
	printf '%-52s %-28s %-8s %s\n' "$engine last page / first page, time (1/req/s)" "$(ratio "$f" "$l") ($f / $l req/s)" "<= 1.5" "$(verdict "$l > 0 && $f <= 1.5 * $l")"
	printf '%-52s %-28s %-8s %s\n' "$engine last page / first page, CPU per request" "$(ratio "$lc" "$fc") ($lc / $fc us)" "<= 1.5" "$(verdict "$fc > 0 && $lc <= 1.5 * $fc")"
done
echo "(memory fetch: $fetch_mem req/s in the same rounds.)"
