#!/bin/sh
# router-kill.sh DIR: the kill hook of the example router, for "vigild
# agent --on-kill" (see vigild(8), AGENT).  vigild runs it only after two
# operators signed the kill and its audit log holds it: the signed
# document is on standard input, the command's fields in VIGIL_*.  It
# records the kill in DIR/hooks.log and halts the example router by
# making DIR/killed; a real hook would tell the router to stop.
dir=${1:?usage: router-kill.sh DIR}
read -r document || exit 1
case $document in
*'"action":"kill"'*) ;;
*) echo "router-kill.sh: the document on stdin is not a kill"; exit 2 ;;
esac
echo "kill $VIGIL_COMMAND_ID of $VIGIL_NODE by $VIGIL_PROPOSER and" \
    "$VIGIL_APPROVER: $VIGIL_REASON" >> "$dir/hooks.log" || exit 1
touch "$dir/killed" || exit 1
echo "router halted: child orders stopped, new parents refused"
