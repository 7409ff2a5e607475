#!/bin/sh
# The manual and --help agree: every command 'sceau --help' lists (and
# every subcommand 'sceau CMD --help' lists) has a section of sceau(1)
# named after it, every long option its --help prints is an item of that
# section, and every option item of the section is in its --help. The
# page renders without warnings (groff -ww; mandoc -T lint when present).
#
# usage: man_options.sh SCEAU_BIN MANPAGE
set -u
LC_ALL=C
export LC_ALL

bin=${1:?usage: man_options.sh SCEAU_BIN MANPAGE}
man=${2:?usage: man_options.sh SCEAU_BIN MANPAGE}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
failures=0
checked=0

fail() {
	echo "man_options: $*" >&2
	failures=$((failures + 1))
}

# The names listed under "commands:" in a help text, one per line.
commands_of() {
	awk '/^commands:$/ { on = 1; next } on && /^$/ { on = 0 }
	     on && /^  [a-z]/ { print $1 }' "$1"
}

# The long options of a help text's "options:" block, without --help.
help_options_of() {
	awk '/^options:$/ { on = 1; next } on && /^$/ { on = 0 }
	     on && /^  --[a-z0-9]/ { sub(/^  --/, ""); sub(/[ =].*/, ""); print }' "$1" |
		grep -vx help | sort -u
}

# The man page's section for a command: from .SS "sceau CMD" to the next
# .SS or .SH, with the escaped hyphens unescaped.
man_section() {
	sed 's/\\-/-/g' "$man" | awk -v want="sceau $1" '
		/^\.S[SH] / {
			title = $0; sub(/^\.S[SH] +/, "", title); gsub(/"/, "", title)
			on = ($1 == ".SS" && title == want); next
		}
		on { print }'
}

# The options a man section lists as items: the tag line after .TP.
man_options_of() {
	awk '/^\.TP/ { tag = 1; next }
	     tag { tag = 0; if ($1 ~ /^\.B[IR]?$/ && $2 ~ /^--[a-z0-9]/) {
		     o = $2; sub(/^--/, "", o); gsub(/"/, "", o); print o } }' "$1" |
		sort -u
}

check_command() {
	cmd=$1
	file=$tmp/help.$(echo "$cmd" | tr ' ' _)
	# shellcheck disable=SC2086 # a command's words, split on purpose
	if ! "$bin" $cmd --help >"$file" 2>"$tmp/err"; then
		fail "'sceau $cmd --help' failed: $(head -n 1 "$tmp/err")"
		return
	fi
	subs=$(commands_of "$file")
	if [ -n "$subs" ]; then
		for sub in $subs; do
			check_command "$1 $sub"
		done
		return
	fi
	checked=$((checked + 1))
	man_section "$cmd" >"$tmp/section"
	if [ ! -s "$tmp/section" ]; then
		fail "no section .SS \"sceau $cmd\" in $man"
		return
	fi
	grep -qx "\.B sceau $cmd" "$tmp/synopsis" ||
		fail "'sceau $cmd' is not in the SYNOPSIS of $man"
	help_options_of "$file" >"$tmp/help_opts"
	man_options_of "$tmp/section" >"$tmp/man_opts"
	for o in $(comm -23 "$tmp/help_opts" "$tmp/man_opts"); do
		fail "'sceau $cmd --help' lists --$o, its section of the manual does not"
	done
	for o in $(comm -13 "$tmp/help_opts" "$tmp/man_opts"); do
		fail "the manual lists --$o for 'sceau $cmd', its --help does not"
	done
}

if ! "$bin" --help >"$tmp/top" 2>"$tmp/err"; then
	echo "man_options: 'sceau --help' failed: $(cat "$tmp/err")" >&2
	exit 1
fi
sed 's/\\-/-/g' "$man" | awk '/^\.SH / { on = ($2 == "SYNOPSIS"); next } on' >"$tmp/synopsis"
top=$(commands_of "$tmp/top")
[ -n "$top" ] || fail "'sceau --help' lists no commands"
for cmd in $top; do
	check_command "$cmd"
done
# The program's own options (--help, --version) have their section too.
for o in $(help_options_of "$tmp/top") help; do
	sed 's/\\-/-/g' "$man" | grep -q "^\.SS .*sceau --$o" ||
		fail "'sceau --$o' has no section in $man"
done

# The page renders cleanly: groff at all warning levels, and mandoc's
# linter when it is installed (it is not required to build).
warn=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$man" 2>&1)
[ -z "$warn" ] || fail "groff warns about $man: $warn"
if command -v mandoc >/dev/null 2>&1; then
	lint=$(mandoc -T lint -W warning "$man" 2>&1)
	[ -z "$lint" ] || fail "mandoc -T lint warns about $man:
$lint"
fi

if [ "$failures" -ne 0 ]; then
	echo "man_options: $failures disagreement(s) between --help and $man" >&2
	exit 1
fi
echo "man_options: $checked commands, --help and $man agree"
