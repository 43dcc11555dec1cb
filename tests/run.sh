#!/bin/sh
# tests/run.sh: run the unit tests and the golden CLI cases.
#
#   tests/run.sh [-p] [PATTERN...]
#
# -p        regenerate the expected files of the selected cases (review the
#           diff with git before committing it)
# PATTERN   run only cases whose path (tool/NNN-slug) contains a pattern
#
# A case is a folder tests/cases/<tool>/<NNN-slug>/ with
#   cmd          shell code run by sh in a fresh temporary folder (also $TMP);
#                it sees $TOP (the project), $BIN, $UNITDIR, $CASEDIR, $FIXTURES, $TMP and, with a
#                server, $BASE (http://127.0.0.1:PORT) and $SERVER_LOG (its
#                request log; $SERVER_LOG.headers has the headers as JSON)
#   stdin        optional standard input (default: /dev/null)
#   expout experr exit   expected stdout, stderr and exit status (default 0)
#   server.json  optional: start tests/server with this config
#   server.args  optional: more arguments for tests/server (@TOP@ reads as
#                the project folder, e.g. --root @TOP@/tests/replica)
#   requests     optional: the expected request log ("GET /path?query" lines)
# A cmd that exits 77 (when 77 is not its expected status) is skipped: its
# stderr says why, and the skip is reported, never counted as a pass.
# One line is printed per group of tests as it ends (unit, fuzz, server, man,
# faults, then each tool's cases): "GROUP: N passed, N failed, N skipped
# (S s)", the failed and skipped parts only when there are any; FAIL and
# SKIP lines come as they happen.
# In outputs, the server's base URL reads @BASE@ and the temporary folder @TMP@.
#
# Environment: BIN (built tools), UNITDIR (unit test binaries), VALGRIND=1.
set -u

LC_ALL=C TZ=UTC
export LC_ALL TZ
unset NO_COLOR http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
	PLATES_IA_BASE PLATES_IIIF_BASE PLATES_HT_BASE PLATES_USER_AGENT XDG_CACHE_HOME
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$top/bin}
UNITDIR=${UNITDIR:-$top/build/tests/unit}
FIXTURES=$top/tests/fixtures
TOP=$top
export FIXTURES UNITDIR TOP
CASE_TIMEOUT=${CASE_TIMEOUT:-120}

regen=0
if [ "${1:-}" = -p ]; then
	regen=1
	shift
fi

passed=0
failed=0
skipped=0
failures=

work=$(mktemp -d "${TMPDIR:-/tmp}/plates-tests.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pass() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	failures="$failures
  $1"
	printf 'FAIL %s\n' "$1"
}

# group NAME: start counting a group of tests; group_end prints its line
group_name=
group() {
	group_name=$1
	group_passed=$passed group_failed=$failed group_skipped=$skipped
	group_start=$(date +%s)
}
group_end() {
	[ -n "$group_name" ] || return 0
	gp=$((passed - group_passed)) gf=$((failed - group_failed))
	gs=$((skipped - group_skipped))
	if [ $((gp + gf + gs)) -gt 0 ]; then
		line="$group_name: $gp passed"
		[ "$gf" -gt 0 ] && line="$line, $gf failed"
		[ "$gs" -gt 0 ] && line="$line, $gs skipped"
		printf '%s (%d s)\n' "$line" $(($(date +%s) - group_start))
	fi
	group_name=
}

selected() {
	[ $# -eq 1 ] && return 0
	c=$1
	shift
	for p in "$@"; do
		case "$c" in *"$p"*) return 0 ;; esac
	done
	return 1
}

# Under VALGRIND=1 every tool runs through valgrind; errors make exit 99.
if [ "${VALGRIND:-}" = 1 ]; then
	vbin=$work/valgrind-bin
	mkdir -p "$vbin"
	for t in "$BIN"/*; do
		[ -x "$t" ] || continue
		cat >"$vbin/${t##*/}" <<EOS
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite "$t" "\$@"
EOS
		chmod +x "$vbin/${t##*/}"
	done
	BIN=$vbin
fi
export BIN

# ---- unit tests (TAP) ----
group unit
for u in "$UNITDIR"/test-*; do
	[ -x "$u" ] || continue
	name=unit/${u##*/}
	selected "$name" "$@" || continue
	out=$work/unit.out
	(cd "$top" && "$u") >"$out" 2>&1
	rc=$?
	n_ok=$(grep -c '^ok ' "$out")
	n_bad=$(grep -c '^not ok ' "$out")
	passed=$((passed + n_ok))
	if [ "$n_bad" -gt 0 ] || [ "$rc" -ne 0 ]; then
		[ "$n_bad" -gt 0 ] || n_bad=1
		failed=$((failed + n_bad))
		failures="$failures
  $name"
		printf 'FAIL %s\n' "$name"
		grep -A3 '^not ok' "$out" | sed 's/^/    /'
		# a sanitizer's report, or the end of what a crash printed
		if grep -q '^SUMMARY: ' "$out"; then
			{
				grep -m1 '==ERROR: ' "$out"
				grep -m4 '^    #[0-3] ' "$out"
				grep -m1 '^SUMMARY: ' "$out"
			} | sed 's/^/    /'
		elif [ "$rc" -gt 1 ] || ! grep -q '^not ok' "$out"; then
			tail -5 "$out" | sed 's/^/    /'
		fi
	fi
done

group_end

# ---- fuzz harnesses replayed on their seeds and on every crash ever found ----
group fuzz
for f in "$UNITDIR"/../fuzz/fuzz-*; do
	[ -x "$f" ] || continue
	h=${f##*/}
	name=fuzz/$h
	selected "$name" "$@" || continue
	inputs=$(find "$top/tests/fuzz/seeds/$h" "$top/tests/fuzz/regress/$h" -type f 2>/dev/null | sort)
	[ -n "$inputs" ] || continue
	# shellcheck disable=SC2086
	if out=$("$f" $inputs 2>&1); then
		pass
	else
		fail "$name"
		printf '%s\n' "$out" | tail -8 | sed 's/^/    /'
	fi
done

group_end

# ---- the test server checks itself ----
group server
if selected server/selftest "$@"; then
	if out=$(sh "$top/tests/server-selftest.sh" 2>&1); then
		pass
	else
		fail server/selftest
		printf '%s\n' "$out" | grep -v '^ok' | tail -8 | sed 's/^/    /'
	fi
fi

group_end

# ---- every option a tool's --help prints is in its man page; mandoc lint ----
group man
if selected man/check-man "$@"; then
	if out=$("$top/scripts/check-man" "$BIN" "$top/man" 2>&1); then
		pass
	else
		fail man/check-man
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
fi
# skip NAME REASON: a test that cannot run here, reported, never passed
skip() {
	skipped=$((skipped + 1))
	printf 'SKIP %s: %s\n' "$1" "$2"
}
if selected man/mandoc-lint "$@"; then
	if ! command -v mandoc >/dev/null 2>&1; then
		skip man/mandoc-lint "mandoc is not installed (scripts/deps installs it)"
	elif out=$(mandoc -Tlint -W warning "$top"/man/*.[0-9] 2>&1) && [ -z "$out" ]; then
		pass
	else
		fail man/mandoc-lint
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
fi
# each page as man(1) shows it through groff (-mandoc: groff 1.23 no longer
# reads mdoc under -man): no warning at all (-ww), for print and terminal,
# which catches macros groff's mdoc package reads differently from mandoc
for page in "$top"/man/*.[0-9]; do
	name=man/groff/${page##*/}
	selected "$name" "$@" || continue
	if ! command -v groff >/dev/null 2>&1; then
		skip "$name" "groff is not installed (scripts/deps installs groff-base)"
	elif out=$(groff -mandoc -ww -z "$page" 2>&1; groff -mandoc -Tutf8 -ww -z "$page" 2>&1) && [ -z "$out" ]; then
		pass
	else
		fail "$name"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
done

group_end

# ---- fault matrix: one test per row of tests/faults/matrix.tsv ----
group faults
sh "$top/tests/faults/run" "$@" >"$work/faults.out" 2>&1
frc=$?
passed=$((passed + $(grep -c '^ok ' "$work/faults.out")))
sed -n 's/^not ok \([^ :]*\).*/\1/p' "$work/faults.out" >"$work/faults.failed"
while read -r f; do fail "$f"; done <"$work/faults.failed"
[ "$frc" -gt 1 ] && fail faults/run
[ "$frc" -ne 0 ] && grep -v -e '^ok ' -e '^[0-9]* passed, [0-9]* failed$' "$work/faults.out"
group_end

# ---- server ----
server_pid=
start_server() {
	pf=$1/port
	rm -f "$pf"
	# shellcheck disable=SC2086
	python3 "$top/tests/server" --root "$FIXTURES" --port-file "$pf" \
		--log "$1/requests.log" $2 >/dev/null 2>"$1/server.err" &
	server_pid=$!
	i=0
	while [ ! -s "$pf" ]; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$server_pid" 2>/dev/null; then
			cat "$1/server.err" >&2
			return 1
		fi
		sleep 0.05
	done
	BASE=http://127.0.0.1:$(cat "$pf")
	SERVER_LOG=$1/requests.log
	export BASE SERVER_LOG
}
stop_server() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
		server_pid=
	fi
}

# Replace the variable parts of an output with placeholders.
normalize() {
	if [ -n "${BASE:-}" ]; then
		sed -e "s|$BASE|@BASE@|g" -e "s|$2|@TMP@|g" "$1"
	else
		sed -e "s|$2|@TMP@|g" "$1"
	fi
}

compare() {	# label expected actual
	if [ $regen = 1 ]; then
		if [ -s "$3" ] || [ -e "$2" ]; then cp "$3" "$2"; fi
		return 0
	fi
	if [ -e "$2" ]; then
		exp=$2
	else
		exp=/dev/null
	fi
	if ! cmp -s "$exp" "$3"; then
		{
			printf '  %s differs:\n' "$1"
			diff -u "$exp" "$3" | sed -n '3,40p' | sed 's/^/    /'
		} >>"$tmp/why"
		return 1
	fi
	return 0
}

for casedir in "$top"/tests/cases/*/*/; do
	casedir=${casedir%/}
	[ -f "$casedir/cmd" ] || continue
	name=${casedir#"$top"/tests/cases/}
	selected "$name" "$@" || continue
	if [ "${name%%/*}" != "$group_name" ]; then
		group_end
		group "${name%%/*}"
	fi
	tmp=$work/case
	rm -rf "$tmp"
	mkdir -p "$tmp/run"
	: >"$tmp/why"
	BASE=
	if [ -f "$casedir/server.json" ] || [ -f "$casedir/server.args" ]; then
		sargs=
		[ -f "$casedir/server.json" ] && sargs="--config $casedir/server.json"
		[ -f "$casedir/server.args" ] && sargs="$sargs $(sed "s|@TOP@|$top|g" "$casedir/server.args")"
		if ! start_server "$tmp" "$sargs"; then
			fail "$name (server did not start)"
			continue
		fi
	fi
	input=/dev/null
	[ -f "$casedir/stdin" ] && input=$casedir/stdin
	(
		cd "$tmp/run" || exit 1
		CASEDIR=$casedir TMP=$tmp/run
		export CASEDIR TMP BASE
		exec timeout -k 5 "$CASE_TIMEOUT" sh -c "$(cat "$casedir/cmd")" \
			<"$input" >"$tmp/out" 2>"$tmp/err"
	)
	rc=$?
	stop_server
	want=0
	[ -f "$casedir/exit" ] && want=$(cat "$casedir/exit")
	if [ "$rc" = 77 ] && [ "$want" != 77 ] && [ $regen = 0 ]; then
		skipped=$((skipped + 1))
		printf 'SKIP %s: %s\n' "$name" "$(tail -1 "$tmp/err")"
		continue
	fi
	normalize "$tmp/out" "$tmp/run" >"$tmp/out.n"
	normalize "$tmp/err" "$tmp/run" >"$tmp/err.n"
	ok=1
	compare stdout "$casedir/expout" "$tmp/out.n" || ok=0
	compare stderr "$casedir/experr" "$tmp/err.n" || ok=0
	if [ $regen = 1 ]; then
		if [ "$rc" != 0 ]; then echo "$rc" >"$casedir/exit"; else rm -f "$casedir/exit"; fi
	elif [ "$rc" != "$want" ]; then
		printf '  exit status %s, expected %s\n' "$rc" "$want" >>"$tmp/why"
		ok=0
	fi
	if [ -f "$casedir/requests" ]; then
		normalize "$tmp/requests.log" "$tmp/run" >"$tmp/req.n" 2>/dev/null || : >"$tmp/req.n"
		compare requests "$casedir/requests" "$tmp/req.n" || ok=0
	fi
	if [ $ok = 1 ]; then
		pass
	else
		fail "$name"
		cat "$tmp/why"
	fi
done

group_end

[ -n "$failures" ] && printf '\nfailed:%s\n' "$failures"
[ "$skipped" -gt 0 ] && printf '%d skipped (see SKIP lines above)\n' "$skipped"
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
