# Bash completion for vigil, vigild and vigil-key: their commands, their
# options, and the values some options take.  make install puts this file
# in share/bash-completion/completions under each program's name.
#
# The lists are written out here; the programs suite (tests/check_programs.c)
# fails when a program's --help names a command or option that is not
# completed, so the two cannot drift apart.

_vigil_words()
{
	COMPREPLY=($(compgen -W "$1" -- "$2"))
}

# The first word after the program that is not an option or its value.
_vigil_verb()
{
	local i w takes=" ${1//[$'\n\t']/ } "

	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-*)	[[ $takes == *" $w "* && $w != *=* ]] && ((i++)) ;;
		=)	;;
		*)	if [[ ${COMP_WORDS[i-1]} != = ]]; then
				echo "$w"
				return
			fi ;;
		esac
	done
}

# The scenarios vigild runs (vigild help scenarios: NAME SUMMARY a line),
# so that a new one is completed without editing this file.
_vigil_scenarios()
{
	local s

	s=$("${VIGIL_VIGILD:-vigild}" help scenarios 2>/dev/null |
	    cut -d' ' -f1)
	echo "${s:-calm knight capital}"
}

_vigil()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local takes="--fleet -f --connect -c --demo-time-scale --demo-start
	    --wait -w --for --reason --expires --expires-seconds --key
	    --operator --to --set --override --window --ca"
	local opts="--fleet --connect --demo --demo-time-scale --demo-start
	    --wait --for --every-line --json --no-color --ascii --reason
	    --expires --expires-seconds --key --operator --yes --to --set
	    --override --window --ca --insecure --help --version"
	local verb

	# --demo=SCENARIO: bash splits the word at "=".
	if [[ $prev == = && ${COMP_WORDS[COMP_CWORD-2]} == --demo ]]; then
		_vigil_words "$(_vigil_scenarios)" "$cur"
		return
	fi
	case $cur in
	--demo=*)
		COMPREPLY=($(compgen -P --demo= -W "$(_vigil_scenarios)" \
		    -- "${cur#--demo=}"))
		return ;;
	esac
	case $prev in
	--fleet|-f|--key|--ca)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--connect|-c)
		_vigil_words "ws://127.0.0.1:" "$cur"
		return ;;
	--demo-time-scale|--demo-start|--wait|-w|--for|--reason|--expires|\
	--expires-seconds|--operator|--to|--set|--override|--window)
		COMPREPLY=()
		return ;;
	esac
	if [[ $cur == -* ]]; then
		_vigil_words "$opts" "$cur"
		return
	fi
	verb=$(_vigil_verb "$takes")
	case $verb in
	"")
		_vigil_words "status watch alerts propose plan pending approve
		    cancel fire audit help" "$cur" ;;
	propose)
		[[ $prev == propose ]] && _vigil_words "kill resume rollback
		    flag arm-kill disarm move-root" "$cur" ;;
	plan)
		[[ $prev == plan ]] && _vigil_words "rollback flag" "$cur" ;;
	audit)
		if [[ $prev == audit ]]; then
			_vigil_words "verify" "$cur"
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	esac
}

_vigild()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local both="--time-scale --start --trust --audit-reserve --cert --key
	    --insecure --read --help --version"
	local node="--role --id --listen --group --build --flag --fleet-file
	    --audit $both"
	local fleet="--scenario --fleet-file --base-port --listen-address
	    --routers --stations --devices --audit-dir --gateways $both"
	local agent="--role --id --listen --fleet-file --facts-cmd --facts-file
	    --facts-url --on-kill --on-resume --on-rollback --on-flag
	    --on-move-root --hook-timeout --trust --audit --audit-reserve
	    --cert --key --insecure --read --help --version"

	if ((COMP_CWORD == 1)); then
		_vigil_words "node fleet agent help --help --version" "$cur"
		return
	fi
	case $prev in
	--role)
		_vigil_words "router station" "$cur"
		return ;;
	--read)
		_vigil_words "anyone key" "$cur"
		return ;;
	--scenario)
		_vigil_words "$(_vigil_scenarios)" "$cur"
		return ;;
	--fleet-file|--trust|--audit|--facts-file|--cert|--key)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--facts-cmd|--on-kill|--on-resume|--on-rollback|--on-flag|\
	--on-move-root)
		COMPREPLY=($(compgen -c -- "$cur"))
		return ;;
	--facts-url)
		_vigil_words "http://127.0.0.1:" "$cur"
		return ;;
	--audit-dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--id|--listen|--group|--build|--flag|--time-scale|--start|\
	--base-port|--listen-address|--routers|--stations|--devices|\
	--audit-reserve|--hook-timeout|--gateways)
		COMPREPLY=()
		return ;;
	esac
	case ${COMP_WORDS[1]} in
	node)	_vigil_words "$node" "$cur" ;;
	fleet)	_vigil_words "$fleet" "$cur" ;;
	agent)	_vigil_words "$agent" "$cur" ;;
	help)	((COMP_CWORD == 2)) && _vigil_words "scenarios" "$cur" ;;
	esac
}

_vigil_key()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local verb

	case $prev in
	--out|-o|--passphrase-file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--name|-n|--host|--node|--days)
		COMPREPLY=()
		return ;;
	--ca)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--passphrase-env)
		COMPREPLY=($(compgen -v -- "$cur"))
		return ;;
	esac
	if [[ $cur == -* ]]; then
		_vigil_words "--name --out --passphrase-file --passphrase-env
		    --ca --host --node --days --help --version" "$cur"
		return
	fi
	verb=$(_vigil_verb "--name -n --out -o --passphrase-file
	    --passphrase-env --ca --host --node --days")
	case $verb in
	"")	_vigil_words "gen pub ca cert help" "$cur" ;;
	pub)	COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
}

complete -F _vigil vigil
complete -F _vigild vigild
complete -F _vigil_key vigil-key
