# shellcheck shell=sh
# Shared by the page-fetch cases: each cmd sources this file.

# page-fetch with no shared throttle file and short backoffs
pf() { "$BIN/page-fetch" --no-throttle-file --retry-delay 10 "$@"; }

# the case's rows, with the test server's address
rows() { sed "s|@BASE@|$BASE|g" "$CASEDIR/rows"; }

# Result rows with the bytes column checked against the file it names:
# "=size" when they agree (the test server's images may change size).
sized() {
	python3 -c '
import os, sys
for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    if len(f) >= 3 and f[-1].isdigit() and int(f[-1]) > 0:
        try:
            n = os.path.getsize(f[-2])
        except OSError:
            n = -1
        f[-1] = "=size" if n == int(f[-1]) else "%s (file has %d)" % (f[-1], n)
    print("\t".join(f))
'
}
