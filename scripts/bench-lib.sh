# scripts/bench-lib.sh: what the benchmarks share (sourced by
# scripts/bench-*; not a benchmark itself, so it is not executable and
# scripts/bench passes it by).
#
# The sourcing script sets $prog (its name in messages) before it sources
# this file, and then $tmp (a scratch folder it removes), $DIR and $hash
# (where generated inputs are kept, and their key) and $TOOL (the binary
# measured); bench_time sets $TIME (GNU time, or empty for python3's
# getrusage) and $PY (the python3 interpreter).
#
# Method (after eBay/tsv-utils' benchmarks): wall time from bash's
# microsecond clock; CPU time (user + system) and peak RSS from GNU time
# (%U %S %M), or from getrusage(RUSAGE_CHILDREN) in python3 when GNU time
# is missing.  MB = 10^6 bytes.

# shellcheck shell=bash disable=SC2034,SC2154
# (SC2034, SC2154: variables set for, or by, the sourcing script)

prog=${prog:?set prog before sourcing scripts/bench-lib.sh}

die() {
	echo "$prog: $*" >&2
	exit 1
}
note() {
	echo "$prog: $*" >&2
}
posint() {
	case $1 in
	'' | *[!0-9]* | 0*) return 1 ;;
	esac
}
firstline() {
	"$@" 2>&1 | sed -n 1p || true
}
mb() { # bytes -> MB, 1 decimal
	awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'
}
secs() {
	awk -v u="$1" 'BEGIN { printf "%.3f", u / 1e6 }'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

# bench_time: GNU time (installed by the Debian package "time" if it is
# missing) in $TIME, else empty; the real python3 interpreter in $PY (not a
# pyenv shim).
bench_time() {
	scripts/deps time || note "scripts/deps failed; measuring peak RSS with python3"
	TIME=${BENCH_TIME-/usr/bin/time}
	if [ -n "$TIME" ] && ! "$TIME" -f %M -o /dev/null true 2>/dev/null; then
		TIME=
	fi
	PY=$(python3 -c 'import sys; print(sys.executable)')
	[ -x "$PY" ] || die "cannot find the python3 interpreter"
}

# bench_machine: the machine and the versions every benchmark prints.
bench_machine() {
	local model memtotal
	model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | sed -n 1p)
	memtotal=$(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\) kB$/\1/p' /proc/meminfo 2>/dev/null || true)
	echo "machine"
	echo "  nproc      $(nproc)"
	echo "  cpu        ${model:-unknown}"
	echo "  memory     $((${memtotal:-0} / 1024)) MiB"
	echo "  kernel     $(uname -srm)"
	echo "  load       $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
}
bench_timing() {
	local timever
	if [ -n "$TIME" ]; then
		timever=$(dpkg-query -W -f '${Version}' time 2>/dev/null || true)
		echo "  timing     wall: bash \$EPOCHREALTIME; CPU and peak RSS: $TIME -f '%U %S %M' (GNU time ${timever:-?})"
	else
		echo "  timing     wall: python3 time.perf_counter; CPU and peak RSS: resource.getrusage(RUSAGE_CHILDREN)"
	fi
}

now_us() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		echo "${EPOCHREALTIME/./}"
	else
		echo $(($(date +%s%N) / 1000))
	fi
}

# measure RESULTS CMD...: run CMD with stdout to /dev/null and append
# "wall_us cpu_us maxrss_kib" to RESULTS (cpu = user + system); on failure
# show its stderr and fail.
measure() {
	local res=$1 t0 t1 rc=0 line
	shift
	if [ -n "$TIME" ]; then
		t0=$(now_us)
		"$TIME" -f '%U %S %M' -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err" || rc=$?
		t1=$(now_us)
		line=$(tail -n 1 "$tmp/rss" | awk -v w="$((t1 - t0))" \
			'{ printf "%d %d %d\n", w, ($1 + $2) * 1e6, $3 }')
	else
		# preexec_fn makes subprocess fork rather than vfork: the child
		# then inherits a copy of python's memory, not all of it.
		line=$("$PY" -c '
import os, resource, subprocess, sys, time
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.perf_counter()
rc = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL,
                     stderr=open(sys.argv[1], "wb"), preexec_fn=os.getpid)
t1 = time.perf_counter()
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(int((t1 - t0) * 1e6),
      int((ru.ru_utime + ru.ru_stime - r0.ru_utime - r0.ru_stime) * 1e6),
      ru.ru_maxrss)
sys.exit(rc)' "$tmp/err" "$@") || rc=$?
	fi
	if [ "$rc" != 0 ]; then
		sed 's/^/    /' "$tmp/err" >&2
		die "failed (exit status $rc): $*"
	fi
	echo "$line" >>"$res"
}

# median COLUMN RESULTS: "median min" of one column
median() {
	awk -v c="$1" '{ print $c }' "$2" | sort -n | awk '
		{ w[NR] = $1 }
		END {
			m = NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2
			printf "%d %d\n", m, w[1]
		}'
}
# stats RESULTS: "median_wall_us min_wall_us median_cpu_us maxrss_kib n"
stats() {
	printf '%s %s ' "$(median 1 "$1")" "$(median 2 "$1" | cut -d' ' -f1)"
	awk 'BEGIN { r = 0 } $3 > r { r = $3 } END { printf "%d %d\n", r, NR }' "$1"
}

# verdict OK|MISS|SKIP|FAIL TEXT: one line of the verdict; MISS counts in
# $missed.
missed=0
verdict() {
	[ "$1" = MISS ] && missed=$((missed + 1))
	printf '  %-5s %s\n' "$1" "$2"
}
cond() { # cond AWK-CONDITION -> OK or MISS
	if awk "BEGIN { exit !($1) }"; then echo OK; else echo MISS; fi
}
# flat A_KIB B_KIB: OK when two peak RSS figures are within 5% or 256 KiB of
# each other, whichever is larger; else MISS.
flat() {
	cond "($1 - $2) <= ($2 * 0.05 > 256 ? $2 * 0.05 : 256) && ($2 - $1) <= ($2 * 0.05 > 256 ? $2 * 0.05 : 256)"
}

# bench_gen NAME EXT MB GENERATOR...: build (or reuse) the input
# $DIR/NAME-MBMB-$hash.EXT with "GENERATOR... MB FILE", whose report
# ("key=N ..." on stderr) is kept beside it; sets $file and $meta.
bench_gen() {
	local name=$1 ext=$2 size=$3
	shift 3
	file=$DIR/$name-${size}MB-$hash.$ext
	meta=$file.meta
	if [ -s "$file" ] && [ -s "$meta" ]; then
		note "reusing $file"
		return
	fi
	rm -f "$DIR/$name-${size}MB-"*".$ext"*
	note "generating $file"
	"$@" "$size" "$file" 2>"$tmp/gen" || {
		cat "$tmp/gen" >&2
		die "$* $size $file failed"
	}
	cp "$tmp/gen" "$meta.tmp"
	mv "$meta.tmp" "$meta"
}
# field NAME: a value from the generator's report in $meta
field() {
	awk -v k="$1=" '{ for (i = 1; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' "$meta"
}

# row NAME BYTES MED MIN CPU RSS N [ZCAT_MED|-]: a line of the results
# (ZCAT_MED: default $z_med; -: no ratio)
row() {
	awk -v name="$1" -v bytes="$2" -v med="$3" -v min="$4" -v cpu="$5" \
		-v rss="$6" -v n="$7" -v z="${8:-$z_med}" 'BEGIN {
		printf "%-24s %4d %8.3f %8.3f %8.3f %8.1f %8.1f %8s\n", name, n,
			med / 1e6, min / 1e6, cpu / 1e6, bytes / med, rss * 1024 / 1e6,
			z == "-" ? "-" : sprintf("%.2f", med / z)
	}'
}

# bench_check FILE WANT: $TOOL --no-filter --blocks FILE must print WANT
# rows; prints the correctness section and sets $check (pass, fail or
# skip) and $check_msg.
bench_check() {
	local rows
	check=skip
	if "$TOOL" --help 2>&1 | grep -q -- --no-filter &&
		"$TOOL" --help 2>&1 | grep -q -- --blocks; then
		"$TOOL" --no-filter --blocks "$1" >"$tmp/blocks" 2>"$tmp/err" || {
			sed 's/^/    /' "$tmp/err" >&2
			die "failed: $TOOL --no-filter --blocks $1"
		}
		rows=$(wc -l <"$tmp/blocks")
		rows=$((rows + 0))
		if [ "$rows" = "$2" ]; then check=pass; else check=fail; fi
		check_msg="$rows rows, generator counted $2"
	else
		check_msg="skipped: $TOOL --help lists no --no-filter and --blocks"
	fi
	echo "correctness"
	echo "  $TOOL --no-filter --blocks $1 | wc -l"
	echo "  $check_msg"
	echo
}

# bench_variants: what else the gzip benchmarks run beside $TOOL: igzip
# (Debian's isal, ISA-L's own gunzip: the floor for inflate) and the
# tool's zlib build ($TOOL_ZLIB: BENCH_TOOL_ZLIB, default
# bin-zlib/abbyy-pictures, which make bench builds with ISAL=0); valgrind
# for the scan's instruction count.  Sets $IGZIP and $TOOL_ZLIB (empty
# when missing, with a note) and $LIB, the library that inflates in $TOOL.
bench_variants() {
	scripts/deps isal valgrind || note "scripts/deps failed; igzip or valgrind may be missing"
	IGZIP=$(command -v igzip || true)
	[ -n "$IGZIP" ] || note "igzip is missing (Debian package isal): not measured"
	TOOL_ZLIB=${BENCH_TOOL_ZLIB:-bin-zlib/abbyy-pictures}
	if [ ! -x "$TOOL_ZLIB" ]; then
		note "$TOOL_ZLIB is missing (make ISAL=0 tools): the zlib build is not measured"
		TOOL_ZLIB=
	fi
	LIB=$(ldd "$TOOL" 2>/dev/null | grep -q libisal && echo ISA-L || echo zlib)
}

# thread_times FILE: the two threads' time in one run of $TOOL on FILE
# (PLATES_THREAD_TIMES: the reading and inflating thread, the scanning one)
thread_times() {
	PLATES_THREAD_TIMES=1 "$TOOL" "$1" 2>&1 >/dev/null | sed -n 's/^[^:]*: [^:]*: //p' | tail -n 1
}

# scan_ipb FILE BYTES: instructions of the scan alone (callgrind, counting
# inside ocr_scan_feed and ocr_scan_end, whatever they call: pre-filter,
# libxml2, the filters; not the thread that reads and inflates) per
# unpacked byte of FILE; "-" without valgrind.
scan_ipb() {
	local ir
	if ! command -v valgrind >/dev/null 2>&1 ||
		! valgrind --tool=callgrind --toggle-collect=ocr_scan_feed --toggle-collect=ocr_scan_end \
			--callgrind-out-file="$tmp/callgrind" "$TOOL" "$1" >/dev/null 2>"$tmp/cgerr"; then
		echo -
		return
	fi
	ir=$(sed -n 's/^summary: //p' "$tmp/callgrind")
	awk -v i="${ir:-0}" -v b="$2" 'BEGIN { printf "%.1f", i / b }'
}
