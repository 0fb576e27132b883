#!/bin/sh
# router-flag.sh DIR: the flag hook of the example router, for "vigild
# agent --on-flag" (see router-kill.sh and vigild(8), AGENT).  vigild runs
# it only after the plan allowed the change and two operators signed it;
# VIGIL_ARG_FLAG names the flag and VIGIL_ARG_SET says "on" or "off".
dir=${1:?usage: router-flag.sh DIR}
if [ "$VIGIL_ARG_FLAG" != rlp ]; then
	echo "router-flag.sh: this router has no flag \"$VIGIL_ARG_FLAG\""
	exit 2
fi
case $VIGIL_ARG_SET in
on|off) ;;
*) echo "router-flag.sh: set \"$VIGIL_ARG_SET\" is neither on nor off"
   exit 2 ;;
esac
echo "flag $VIGIL_COMMAND_ID of $VIGIL_NODE: $VIGIL_ARG_FLAG" \
    "$VIGIL_ARG_SET by $VIGIL_PROPOSER and $VIGIL_APPROVER:" \
    "$VIGIL_REASON" >> "$dir/hooks.log" || exit 1
echo "$VIGIL_ARG_SET" > "$dir/rlp.tmp" && mv "$dir/rlp.tmp" "$dir/rlp" ||
    exit 1
echo "router set flag $VIGIL_ARG_FLAG $VIGIL_ARG_SET"
