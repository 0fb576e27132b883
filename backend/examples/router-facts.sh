#!/bin/sh
# router-facts.sh DIR: a stand-in for a real order router's facts, for
# "vigild agent --facts-cmd" (see vigild(8), AGENT).  It prints one JSON
# object a line, twice a second, counting parent and child orders; the
# router is "killed" while DIR/killed exists (router-kill.sh makes it,
# router-resume.sh removes it), runs the build named in DIR/build
# (router-rollback.sh writes it) and has flag rlp as DIR/rlp says
# (router-flag.sh writes it).  It holds two builds, each listed with the
# code path its flag enables, so that vigild can judge a rollback's plan.
# A real router's script would read all this from the router instead.
dir=${1:?usage: router-facts.sh DIR}
mkdir -p "$dir" || exit 1
parents=0
children=0
while :; do
	build=${VIGIL_EXAMPLE_BUILD:-smars-2012.07.31}
	[ -s "$dir/build" ] && read -r build < "$dir/build"
	rlp=true
	[ -s "$dir/rlp" ] && [ "$(cat "$dir/rlp")" = off ] && rlp=false
	if [ -e "$dir/killed" ]; then
		state=killed
	else
		state=running
		parents=$((parents + 1))
		children=$((children + 4))
	fi
	printf '{"build":"%s","group":"nyse",' "$build"
	printf '"flags":[{"name":"rlp","on":%s,"path":"retail_liquidity"}],' \
	    "$rlp"
	printf '"builds":['
	sep=
	for b in smars-2012.07.31 smars-2012.08.01; do
		[ "$b" = "$build" ] && active=true || active=false
		printf '%s{"id":"%s","active":%s,' "$sep" "$b" "$active"
		printf '"manifest":[{"name":"rlp","path":"retail_liquidity"}],'
		printf '"retired":[{"path":"power_peg"}]}'
		sep=,
	done
	printf '],'
	printf '"router":{"parents_total":%d,"parent_shares_total":%d,' \
	    "$parents" $((parents * 400))
	printf '"child_orders_total":%d,"child_shares_total":%d,' \
	    "$children" $((children * 100))
	printf '"parents_refused_total":0,"open_parents":0,"worst_ratio":1,'
	printf '"worst_parent":"","state":"%s","open_children":0,' "$state"
	printf '"children_cancelled_total":0}}\n'
	sleep 0.5
done
