# Sourced by run.sh (make bench) and compare.sh (make bench-compare), after
# they set NAME, the prefix of their messages: the shared settings, a work
# folder removed on exit together with every process started here, and the
# stub's environment.
#
# Settings (environment): BENCH_DURATION=10s BENCH_CONNECTIONS=32
# BENCH_WARMUP=1s BENCH_ROUNDS=5 BENCH_LOG_LEVEL=warn GO=go

GO=${GO:-go}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
WARMUP=${BENCH_WARMUP:-1s}
ROUNDS=${BENCH_ROUNDS:-5}
LOG_LEVEL=${BENCH_LOG_LEVEL:-warn}

cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
work=$(mktemp -d "${TMPDIR:-/tmp}/conversations-$NAME.XXXXXX")
pids=()   # stopped with kill PID
groups=() # stopped with kill -- -PGID: process groups, such as Prism's node processes
cleanup() {
	local p
	for p in "${groups[@]}"; do
		kill -- "-$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}" "${groups[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }
fail() {
	say "$NAME: $*"
	exit 1
}

# build TOOL...: builds the stub, or server/internal/bench/TOOL, into $work/TOOL.
build() {
	local tool pkg
	for tool; do
		pkg=./server/internal/bench/$tool
		[ "$tool" = conversations-stub ] && pkg=./server/cmd/conversations-stub
		$GO build -o "$work/$tool" "$pkg"
	done
}

# The stub reads STUB_* settings from the environment (an admin token would
# turn the journal and faults on): none may leak in. Start it with
# env "${clean_env[@]}" ...
clean_env=()
while IFS= read -r var; do
	clean_env+=(-u "$var")
done < <(compgen -e | grep '^STUB_' || true)
