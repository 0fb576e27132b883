#!/bin/sh
# router-resume.sh DIR: the resume hook of the example router, for
# "vigild agent --on-resume" (see router-kill.sh and vigild(8), AGENT).
dir=${1:?usage: router-resume.sh DIR}
echo "resume $VIGIL_COMMAND_ID of $VIGIL_NODE by $VIGIL_PROPOSER and" \
    "$VIGIL_APPROVER: $VIGIL_REASON" >> "$dir/hooks.log" || exit 1
rm -f "$dir/killed" || exit 1
echo "router resumed: taking parent orders again"
