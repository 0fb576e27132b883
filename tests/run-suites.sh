#!/bin/sh
# make check's runner: each suite of tests/suites.h runs as its own
# check_vigil process (CK_RUN_SUITE), JOBS at a time, because most
# end-to-end tests wait on real time (a backend's silence, a scenario's
# clock) with the CPU idle.  The longest run first, so that the last to
# start are short.  The heaviest tcases run as parts of their own: a
# Check tag each (tcase_set_tags), run by CK_INCLUDE_TAGS, while the
# suite's own part runs the rest with CK_EXCLUDE_TAGS, so that no test is
# left out.  Each part's output is kept in LOGDIR/PART.log and printed
# whole when the part ends.  Exits 1 naming every part that failed,
# crashed or ran no test.
#   usage: tests/run-suites.sh CHECK_VIGIL JOBS LOGDIR
# With CK_RUN_SUITE set, check_vigil runs that suite alone, as before.
set -u

# Longest first, as measured (plain and ASan alike): a part is SUITE, or
# SUITE:TAG for a tcase split off.  Suites not named run after these, in
# suites.h order.
ORDER="commands:moveroot commands:kill1000 commands:killgone links screen agent glance e2e
    killswitch commands tls proposals reports gateway"
# The tags split off a suite: SUITE:TAG,TAG.
SPLIT="commands:kill1000,moveroot,killgone"

# The tags split off suite $1, separated by spaces.
split_tags() {
	for s in $SPLIT; do
		[ "${s%%:*}" = "$1" ] && echo "${s#*:}" | tr , ' '
	done
}

# Run part $3 of check_vigil $1, its log in directory $2; print it whole.
run_part() {
	log=$2/$3.log
	suite=${3%%:*}
	start=$(date +%s)
	case $3 in
	*:*)	CK_RUN_SUITE=$suite CK_INCLUDE_TAGS=${3#*:} "$1" >"$log" 2>&1 ;;
	*)	CK_RUN_SUITE=$suite CK_EXCLUDE_TAGS=$(split_tags "$suite") \
		    "$1" >"$log" 2>&1 ;;
	esac
	rc=$?
	secs=$(($(date +%s) - start))
	checks=$(sed -n 's/.*Checks: \([0-9]*\),.*/\1/p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ] && [ "${checks:-0}" -eq 0 ]; then
		echo "run-suites: $3 ran no test: is its tag misspelled" \
		    "in tests/run-suites.sh or its suite?" >>"$log"
		rc=1
	fi
	if [ "$rc" -eq 0 ]; then
		result="passed"
	elif [ "${checks:-0}" -eq 0 ]; then
		result="FAILED: ran no test"
	elif [ "$rc" -gt 128 ]; then
		result="FAILED: check_vigil killed by signal $((rc - 128))"
	else
		result="FAILED: check_vigil exited $rc"
	fi
	echo "$rc $secs" >"$2/$3.rc"
	# One part's output at a time, whole.
	flock "$2/.print" sh -c 'echo "== $1: $2 s, $3"; cat "$4"' sh \
	    "$3" "$secs" "$result" "$log"
}

if [ "${1:-}" = "--part" ] && [ $# -eq 4 ]; then
	run_part "$2" "$3" "$4"
	exit 0
fi
if [ $# -ne 3 ]; then
	echo "usage: $0 CHECK_VIGIL JOBS LOGDIR" >&2
	exit 2
fi
if [ -n "${CK_RUN_SUITE:-}" ]; then
	exec "$1"
fi
bin=$1
jobs=$2
logdir=$3
suites=$(dirname "$0")/suites.h

all=$(sed -n 's/^X(\(.*\))$/\1/p' "$suites")
if [ -z "$all" ]; then
	echo "run-suites: no X(name) line in $suites" >&2
	exit 2
fi
for p in $ORDER $SPLIT; do
	if ! echo "$all" | grep -qx "${p%%:*}"; then
		echo "run-suites: ${p%%:*}, named in tests/run-suites.sh," \
		    "is not a suite of $suites" >&2
		exit 2
	fi
done
# ORDER, then every suite and split tcase it left out; or, with
# VIGIL_PARTS set (make tsan), only the parts it names.
parts=$(for p in ${VIGIL_PARTS:-$ORDER $all}; do
	echo "$p"
	for t in $(split_tags "$p"); do
		echo "$p:$t"
	done
done | awk '!seen[$0]++')

rm -rf "$logdir"
mkdir -p "$logdir" || exit 2
start=$(date +%s)
echo "run-suites: $(echo "$parts" | wc -l) parts, $jobs at a time;" \
    "logs in $logdir"
echo "$parts" | xargs -P "$jobs" -I @ sh "$0" --part "$bin" "$logdir" @
failed=""
bad=""	# the same parts, by name alone
for p in $parts; do
	if [ ! -f "$logdir/$p.rc" ]; then
		failed="$failed $p(did not finish)"
		bad="$bad $p"
	elif [ "$(cut -d ' ' -f 1 "$logdir/$p.rc")" != 0 ]; then
		failed="$failed $p"
		bad="$bad $p"
	fi
done
slowest=$(for p in $parts; do
	echo "$(cut -d ' ' -f 2 "$logdir/$p.rc" 2>/dev/null) $p"
done | sort -rn | head -n 6 | awk '{ printf("%s%s %s s", (NR > 1 ? ", " : ""),
    $2, $1) }')
echo "run-suites: $(($(date +%s) - start)) s; slowest parts: $slowest"
if [ -n "$failed" ]; then
	# Where each failed, again at the end: a CI page may show only the
	# last lines of a long output.
	for p in $bad; do
		echo "run-suites: $p failed here:"
		grep -m 1 -A 12 -E ':[EF]:|Sanitizer|runtime error' \
		    "$logdir/$p.log" 2>/dev/null | cut -c 1-240 | grep . ||
		    tail -n 8 "$logdir/$p.log" 2>/dev/null | cut -c 1-240
	done
	echo "run-suites: FAILED:$failed (their output is above and in" \
	    "$logdir)"
	exit 1
fi
echo "run-suites: every part passed"
