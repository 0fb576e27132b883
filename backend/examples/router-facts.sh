#!/bin/sh
# router-facts.sh DIR: a stand-in for a real order router's facts, for
# "vigild agent --facts-cmd" (see vigild(8), AGENT).  It prints one JSON
# object a line, twice a second, counting parent and child orders; the
# router is "killed" while DIR/killed exists (router-kill.sh makes it,
# router-resume.sh removes it).  A real router's script would read its
# counters from the router instead.
dir=${1:?usage: router-facts.sh DIR}
build=${VIGIL_EXAMPLE_BUILD:-smars-2012.07.31}
mkdir -p "$dir" || exit 1
parents=0
children=0
while :; do
	if [ -e "$dir/killed" ]; then
		state=killed
	else
		state=running
		parents=$((parents + 1))
		children=$((children + 4))
	fi
	printf '{"build":"%s","group":"nyse",' "$build"
	printf '"flags":[{"name":"rlp","on":true,"path":"retail_liquidity"}],'
	printf '"router":{"parents_total":%d,"parent_shares_total":%d,' \
	    "$parents" $((parents * 400))
	printf '"child_orders_total":%d,"child_shares_total":%d,' \
	    "$children" $((children * 100))
	printf '"parents_refused_total":0,"open_parents":0,"worst_ratio":1,'
	printf '"worst_parent":"","state":"%s","open_children":0,' "$state"
	printf '"children_cancelled_total":0}}\n'
	sleep 0.5
done
