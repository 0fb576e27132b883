#!/bin/sh
# router-rollback.sh DIR: the rollback hook of the example router, for
# "vigild agent --on-rollback" (see router-kill.sh and vigild(8), AGENT).
# vigild runs it only after the plan allowed the switch and two operators
# signed it; VIGIL_ARG_TO names the build to make active.
dir=${1:?usage: router-rollback.sh DIR}
case $VIGIL_ARG_TO in
smars-2012.07.31|smars-2012.08.01) ;;
*) echo "router-rollback.sh: this router holds no build" \
    "\"$VIGIL_ARG_TO\""; exit 2 ;;
esac
echo "rollback $VIGIL_COMMAND_ID of $VIGIL_NODE to $VIGIL_ARG_TO by" \
    "$VIGIL_PROPOSER and $VIGIL_APPROVER: $VIGIL_REASON" \
    >> "$dir/hooks.log" || exit 1
echo "$VIGIL_ARG_TO" > "$dir/build.tmp" && mv "$dir/build.tmp" \
    "$dir/build" || exit 1
echo "router switched to build $VIGIL_ARG_TO"
