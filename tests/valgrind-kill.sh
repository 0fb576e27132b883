#!/bin/sh
# make valgrind: a two-person kill end to end with every process under
# valgrind.  vigild runs a two-router knight fleet trusting alice and bob
# (keys made by vigil-key) with audit logs; alice proposes to kill
# router/r1, bob approves it, anyone asks the status, and the audit log
# is verified.  Any memory error or definite or indirect leak in vigild
# or a vigil process fails the run (valgrind exits 89); so does a
# command that fails or a step that takes too long.  Everything talks to
# 127.0.0.1, ports from the kernel.  Leaks that valgrind calls "still
# reachable" or "possibly lost" (libwebsockets' and OpenSSL's own
# caches) are not failures; no suppression file is needed.
#   usage: tests/valgrind-kill.sh BINDIR
set -u
bin=${1:?usage: $0 BINDIR}
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-valgrind.XXXXXX") || exit 1
vg="valgrind --quiet --error-exitcode=89 --leak-check=full \
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
--track-origins=yes"
vigild_pid=""
failed=0

# Stop vigild (if running) and remove the work directory, unless failed.
finish() {
	if [ -n "$vigild_pid" ]; then
		kill -TERM "$vigild_pid" 2>/dev/null
		i=0
		while kill -0 "$vigild_pid" 2>/dev/null && [ $i -lt 600 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if kill -0 "$vigild_pid" 2>/dev/null; then
			echo "valgrind: vigild did not stop within 60 s" >&2
			kill -KILL "$vigild_pid" 2>/dev/null
			failed=1
		else
			wait "$vigild_pid"
			rc=$?
			if [ $rc -ne 0 ]; then
				echo "valgrind: vigild exited $rc:" >&2
				cat "$work/vigild.log" >&2
				failed=1
			fi
		fi
		vigild_pid=""
	fi
	if [ $failed -ne 0 ]; then
		echo "make valgrind: FAILED; logs kept in $work" >&2
		exit 1
	fi
	rm -rf "$work"
	echo "make valgrind: no error and no leak in vigild or vigil"
	exit 0
}
trap 'failed=1; finish' INT TERM

# Run one command: NAME MOST [VAR=VALUE]... COMMAND...; its output goes
# to $work/NAME.out, and an exit status above MOST ends the run (vigil
# status exits 1 when a critical alert stands; valgrind's is 89).
run() {
	name=$1
	most=$2
	shift 2
	env "$@" >"$work/$name.out" 2>&1
	rc=$?
	cat "$work/$name.out"
	if [ $rc -gt "$most" ]; then
		echo "valgrind: $name exited $rc" >&2
		failed=1
		finish
	fi
}

"$bin/vigil-key" gen --name alice --out "$work/alice.key" >/dev/null &&
"$bin/vigil-key" gen --name bob --out "$work/bob.key" >/dev/null &&
{ "$bin/vigil-key" pub "$work/alice.key" &&
    "$bin/vigil-key" pub "$work/bob.key"; } >"$work/trust" || {
	failed=1
	finish
}
mkdir "$work/audit"

$vg "$bin/vigild" fleet --scenario knight --routers 2 \
    --fleet-file "$work/fleet" --trust "$work/trust" \
    --audit-dir "$work/audit" >"$work/vigild.log" 2>&1 &
vigild_pid=$!
i=0
while [ ! -s "$work/fleet" ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -s "$work/fleet" ]; then
	echo "valgrind: vigild wrote no fleet file within 60 s" >&2
	failed=1
	finish
fi

run propose 0 VIGIL_KEY="$work/alice.key" $vg "$bin/vigil" \
    --fleet "$work/fleet" --wait 30 propose --yes kill router/r1 \
    --reason "valgrind: a two-person kill end to end"
id=$(sed -n 's/^proposal \([0-9a-f]\{32\}\):.*/\1/p' "$work/propose.out")
if [ -z "$id" ]; then
	echo "valgrind: vigil propose printed no proposal id" >&2
	failed=1
	finish
fi
run approve 0 VIGIL_KEY="$work/bob.key" $vg "$bin/vigil" \
    --fleet "$work/fleet" --wait 30 approve "$id" --yes
run status 1 $vg "$bin/vigil" --fleet "$work/fleet" --wait 30 status
if ! grep -qi 'router/r1 .*killed' "$work/status.out"; then
	echo "valgrind: vigil status does not show router/r1 killed" >&2
	failed=1
fi
run verify 0 $vg "$bin/vigil" audit verify "$work/audit/router-r1.audit"
finish
