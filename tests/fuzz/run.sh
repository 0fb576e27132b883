#!/bin/sh
# Run each named libFuzzer harness BINDIR/fuzz-NAME for SECONDS on a copy
# of its seeds, tests/fuzz/NAME/ (with tests/fuzz/NAME.dict as libFuzzer's
# dictionary when there is one), so that new inputs never land in the
# repository; print each one's executions per second and coverage.  A
# crash, leak or sanitizer report fails the run, and the input that
# caused it is kept and named.
#   usage: tests/fuzz/run.sh BINDIR SECONDS NAME...
set -u
if [ $# -lt 3 ]; then
	echo "usage: $0 BINDIR SECONDS NAME..." >&2
	exit 2
fi
bindir=$1
seconds=$2
shift 2
seeds=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-fuzz.XXXXXX") || exit 1
failed=""
summary=""

for name in "$@"; do
	mkdir -p "$work/$name/corpus" "$work/$name/crash"
	cp "$seeds/$name"/* "$work/$name/corpus/"
	dict=""
	[ -f "$seeds/$name.dict" ] && dict="-dict=$seeds/$name.dict"
	echo "fuzz-$name: ${seconds}s on $(ls "$seeds/$name" | wc -l) seeds"
	"$bindir/fuzz-$name" $dict -max_total_time="$seconds" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$work/$name/crash/" \
	    "$work/$name/corpus" >"$work/$name/log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$name/log")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$work/$name/log")
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$work/$name/log" | tail -1)
	line=$(printf "fuzz-%-8s %8s exec/s  %10s runs  %s" "$name" \
	    "${execs:-?}" "${runs:-?}" "${cov:-cov: ?}")
	summary="$summary$line
"
	if [ $rc -ne 0 ]; then
		tail -60 "$work/$name/log"
		for f in "$work/$name/crash"/*; do
			[ -e "$f" ] && echo "fuzz-$name: crashing input kept in $f"
		done
		echo "fuzz-$name: FAILED (exit $rc); full log in $work/$name/log"
		failed="$failed $name"
	fi
done

printf "%s" "$summary"
if [ -n "$failed" ]; then
	echo "make fuzz: failed:$failed; reproduce with" \
	    "$bindir/fuzz-NAME CRASHING-INPUT"
	exit 1
fi
rm -rf "$work"
echo "make fuzz: no crash in $# harnesses"
