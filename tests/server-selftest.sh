#!/bin/sh
# Self-test of tests/server: start it on an ephemeral 127.0.0.1 port with a
# scripted config and a small fixture tree, exercise fault injection and the
# built-in IA/HT emulation with curl, and print TAP.  Exit status 1 if any
# check fails.
#
# Conditions are passed to check() as single-quoted shell code and run with
# eval, so variables are expanded late and some look unused to shellcheck.
# shellcheck disable=SC2016,SC2034
set -u
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
server="$here/server"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/server-selftest.XXXXXX") || exit 1
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
	n=$((n + 1)); fails=$((fails + 1))
	echo "not ok $n - $1"
	if [ $# -gt 1 ] && [ -n "$2" ]; then echo "#   $2"; fi
}
# check DESCRIPTION CONDITION: ok if the shell code CONDITION succeeds
check() {
	if eval "$2"; then ok "$1"; else notok "$1" "$(cat "$tmp/curlerr" 2>/dev/null)"; fi
}
# Never use a proxy or ~/.curlrc; only 127.0.0.1 is contacted.
c() { curl -q -sS --noproxy '*' --max-time 5 "$@"; }
# get PATH [curl options]: body -> $tmp/body, headers -> $tmp/hdr,
# status -> $code, curl's exit status -> $rc
get() {
	p=$1; shift
	code=$(c -o "$tmp/body" -D "$tmp/hdr.raw" -w '%{http_code}' "$@" \
		"$base$p" 2>"$tmp/curlerr")
	rc=$?
	tr -d '\r' <"$tmp/hdr.raw" >"$tmp/hdr" 2>/dev/null
}
hdr() { grep -i "^$1: " "$tmp/hdr" | tail -n 1 | sed 's/^[^:]*: //'; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $1" "$tmp/body"; }
# the body's pixel size, WxH, from its JPEG start-of-frame segment
jpeg_size() {
	python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read()
i = 2
while d[:2] == b"\xff\xd8" and i + 9 <= len(d) and d[i] == 0xFF:
    m = d[i + 1]
    if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC):
        h, w = struct.unpack(">HH", d[i + 5:i + 9])
        print("%dx%d" % (w, h))
        break
    i += 2 + struct.unpack(">H", d[i + 2:i + 4])[0]' "$tmp/body"
}

# --- fixture tree and config ----------------------------------------------
root=$tmp/root
mkdir -p "$root/ia/metadata" "$root/ia/download/known" "$root/ht/mets"
printf '{"dir":"/1/items/known","metadata":{"identifier":"known","title":"Known"},"files":[]}\n' \
	>"$root/ia/metadata/known.json"
printf 'hello\n' >"$root/ia/download/known/a.txt"
printf 'mdp.39015000000001\n' >"$root/ht/restricted.txt"
printf 'mdp.39015000000003\n' >"$root/ht/suppressed.txt"
cat >"$root/ht/mets/ark+=13960=t5v69h717.mets.xml" <<'EOF'
<?xml version="1.0"?>
<METS:mets xmlns:METS="http://www.loc.gov/METS/" OBJID="loc.ark:/13960/t5v69h717">
  <METS:structMap ID="SM1" TYPE="physical">
    <METS:div TYPE="volume">
      <METS:div ORDER="1" LABEL="RIGHT, COVER" TYPE="page" ORDERLABEL="1"/>
      <METS:div ORDER="2" LABEL="LEFT, IMAGE_ON_PAGE" TYPE="page"/>
    </METS:div>
  </METS:structMap>
</METS:mets>
EOF
# METS files are named {ns}.{clean} or by the cleaned local part alone
cp "$root/ht/mets/ark+=13960=t5v69h717.mets.xml" "$root/ht/mets/39015000000002.mets.xml"
mv "$root/ht/mets/ark+=13960=t5v69h717.mets.xml" "$root/ht/mets/loc.ark+=13960=t5v69h717.mets.xml"
# Real page images: two leaves of the Tesseract fixture item, and one as
# leaf 12 of a book in a sub-folder of a two-book item.
tess=$here/fixtures/tesseract
pl=platessample00test
mkdir -p "$root/ia/images/$pl" "$root/ia/images/twobooks/book1" "$root/ia/download/$pl" \
	"$root/ia/download/lending"
ln -s "$tess/${pl}_1.jpg" "$root/ia/images/$pl/${pl}_1.jpg"
ln -s "$tess/${pl}_5.jpg" "$root/ia/images/$pl/${pl}_5.jpg"
ln -s "$tess/${pl}_1.jpg" "$root/ia/images/twobooks/book1/GPORFP_12.jpg"
printf '{"dir":"/1/items/%s","metadata":{"mediatype":"texts"},"files":[{"name":"%s_jp2.zip"}]}\n' \
	$pl $pl >"$root/ia/metadata/$pl.json"
# access page 0 is leaf 5, page 1 leaf 1
printf '{"pages":[{"leafNum":5},{"leafNum":1}]}' >"$root/ia/download/$pl/${pl}_page_numbers.json"
printf '{"dir":"/1/items/twobooks","metadata":{"mediatype":"texts"},"files":[{"name":"book1/GPORFP_jp2.zip"},{"name":"book2/GPORFP_jp2.zip"}]}\n' \
	>"$root/ia/metadata/twobooks.json"
printf '{"dir":"/1/items/%s","files":[{"name":"sub/stack_jp2.zip"}]}\n' placeholderbooks \
	>"$root/ia/metadata/placeholderbooks.json"
printf '{"dir":"/1/items/dark","files":[{"name":"dark_abbyy.gz"}],"is_dark":true}\n' \
	>"$root/ia/metadata/dark.json"
printf '{"dir":"/1/items/lending","files":[{"name":"lending_abbyy.gz","private":"true"},{"name":"lending_meta.xml"}]}\n' \
	>"$root/ia/metadata/lending.json"
printf '<metadata/>\n' >"$root/ia/download/lending/lending_meta.xml"
printf '{"dir":"/1/items/restricted","metadata":{"access-restricted-item":true},"files":[]}\n' \
	>"$root/ia/metadata/restricted.json"
printf 'from a file\n' >"$tmp/reply.txt"
cat >"$tmp/config.json" <<'EOF'
{"routes": [
  {"path": "/r429", "replies": [
     {"status": 429, "retry_after": 1, "body": "slow down"},
     {"status": 200, "body": "ok after 429"}]},
  {"path": "/rdate", "replies": [{"status": 503, "retry_after": "date+60"}]},
  {"path": "/reset", "replies": [{"body": "0123456789012345678901234567890123456789", "reset_after": 10}]},
  {"path": "/short", "replies": [{"body": "0123456789", "short_by": 5}]},
  {"path": "/loop", "replies": [{"redirect": "{BASE}/loop"}]},
  {"path": "/hop1", "replies": [{"redirect": "{BASE}/hop2", "status": 301}]},
  {"path": "/hop2", "replies": [{"body_file": "reply.txt"}]},
  {"path": "/silent", "replies": [{"no_response": true}]},
  {"path": "/drip", "replies": [{"body": "0123456789", "drip_ms": 40}]},
  {"path": "/slow", "replies": [{"body": "late", "delay_ms": 3000}]},
  {"path": "/gz", "replies": [{"body": "squeezed text", "gzip": true}]},
  {"path": "/chunk", "replies": [{"body": "in chunks", "chunked": true, "drip_ms": 5, "drip_bytes": 3}]},
  {"path": "/img", "replies": [{"image": {"width": 40, "height": 24, "label": "hello image"}}]},
  {"path": "/q", "query": "mode=b", "replies": [{"body": "query b"}]},
  {"path": "/q", "replies": [{"body": "query other"}]},
  {"path": "/prefix/*", "replies": [{"body_b64": "AAEC", "headers": {"X-Test": "yes"}}]}
]}
EOF

# --- start ----------------------------------------------------------------
python3 "$server" --root "$root" --config "$tmp/config.json" \
	--log "$tmp/req.log" --port-file "$tmp/port" --scrape-synthetic 250 \
	>"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do
	sleep 0.05 2>/dev/null || sleep 1
	i=$((i + 1))
done
port=$(cat "$tmp/port" 2>/dev/null)
if [ -z "$port" ]; then
	notok "server starts and writes its port file" "$(cat "$tmp/stderr")"
	echo "1..$n"
	exit 1
fi
ok "server starts and writes its port file"
base=http://127.0.0.1:$port
check "port printed on stdout" '[ "$(cat "$tmp/stdout")" = "$port" ]'

# --- scripted faults ------------------------------------------------------
get /r429
check "429 first, with Retry-After: 1" \
	'[ "$code" = 429 ] && [ "$(hdr Retry-After)" = 1 ]'
get /r429
check "then 200" '[ "$code" = 200 ] && [ "$(cat "$tmp/body")" = "ok after 429" ]'
get /r429
check "last reply repeats" '[ "$code" = 200 ]'

get /rdate
check "Retry-After as an HTTP-date" \
	'hdr Retry-After | grep -Eq "^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT\$"'

get /reset
check "reset_after: connection reset (curl 56)" '[ "$rc" = 56 ]'

get /short
check "short_by: body shorter than Content-Length (curl 18)" \
	'[ "$rc" = 18 ] && [ "$(hdr Content-Length)" = 15 ]'

get /loop -L --max-redirs 5
check "redirect loop (curl 47)" '[ "$rc" = 47 ]'
get /loop
check "redirect Location uses {BASE}" \
	'[ "$code" = 302 ] && [ "$(hdr Location)" = "$base/loop" ]'

get /hop1 -L
check "301 then body_file" \
	'[ "$code" = 200 ] && [ "$(cat "$tmp/body")" = "from a file" ]'

get /silent
check "no_response: empty reply (curl 52)" '[ "$rc" = 52 ]'

t=$(c -o "$tmp/body" -w '%{time_total}' "$base/drip")
check "drip_ms: body intact, sent slowly" \
	'[ "$(cat "$tmp/body")" = 0123456789 ] && awk -v t="$t" "BEGIN { exit !(t >= 0.3) }"'

get /slow --max-time 1
check "delay_ms beyond the client timeout (curl 28)" '[ "$rc" = 28 ]'

get /gz --compressed
check "gzip when asked" \
	'[ "$(hdr Content-Encoding)" = gzip ] && [ "$(cat "$tmp/body")" = "squeezed text" ]'
get /gz
check "no gzip when not asked" \
	'[ -z "$(hdr Content-Encoding)" ] && [ "$(cat "$tmp/body")" = "squeezed text" ]'

get /chunk
check "chunked transfer" \
	'[ "$(hdr Transfer-Encoding)" = chunked ] && [ "$(cat "$tmp/body")" = "in chunks" ]'

get /img
check "generated image: JPEG SOI/EOI and X-Image-Label" \
	'[ "$(hdr Content-Type)" = image/jpeg ] &&
	 [ "$(hdr X-Image-Label)" = "hello image" ] &&
	 [ "$(od -An -tx1 -N3 "$tmp/body" | tr -d " ")" = ffd8ff ] &&
	 [ "$(tail -c 2 "$tmp/body" | od -An -tx1 | tr -d " ")" = ffd9 ]'

get "/q?mode=b"
b1=$(cat "$tmp/body")
get "/q?mode=a"
check "route query substring" \
	'[ "$b1" = "query b" ] && [ "$(cat "$tmp/body")" = "query other" ]'

get /prefix/any/thing
check "prefix route, body_b64, extra header" \
	'[ "$(od -An -tx1 "$tmp/body" | tr -d " ")" = 000102 ] && [ "$(hdr X-Test)" = yes ]'

# --- built-in IA emulation --------------------------------------------------
get /metadata/known
check "server still serves after faults; metadata from fixture" \
	'[ "$code" = 200 ] && json "sys.exit(d[\"dir\"] != \"/1/items/known\")"'
get /metadata/no-such-item
check "unknown metadata id: 200 {}" \
	'[ "$code" = 200 ] && [ "$(cat "$tmp/body")" = "{}" ] &&
	 [ "$(hdr Content-Type)" = application/json ]'

get "/download/known/a.txt?cnt=0"
check "download: 302 to datanode, query kept" \
	'[ "$code" = 302 ] && [ "$(hdr Location)" = "$base/_datanode/known/a.txt?cnt=0" ]'
get "/download/known/a.txt?cnt=0" -L
check "download: file served" '[ "$code" = 200 ] && [ "$(cat "$tmp/body")" = hello ]'
get "/download/known/../../../etc/passwd" --path-as-is
check "download: '..' rejected (400)" '[ "$code" = 400 ]'
get "/_datanode/known/%2e%2e/%2e%2e/x" --path-as-is
check "datanode: encoded '..' rejected (400)" '[ "$code" = 400 ]'
get "/download/known/missing.txt" -L
check "download: missing file 404" '[ "$code" = 404 ]'

cursor=
pages=0
full_pages=yes
: >"$tmp/ids"
while :; do
	if [ -n "$cursor" ]; then set -- --data-urlencode "cursor=$cursor"; else set --; fi
	get /services/search/v1/scrape -G --data-urlencode "q=collection:x" \
		--data-urlencode fields=identifier,title --data-urlencode count=100 "$@"
	pages=$((pages + 1))
	[ "$code" = 200 ] || break
	json 'print("\n".join(i["identifier"] for i in d["items"]))' >>"$tmp/ids"
	cursor=$(json 'print(d.get("cursor", ""))')
	if [ -z "$cursor" ] || [ $pages -ge 10 ]; then break; fi
	[ "$(json 'print(d["count"])')" = 100 ] || full_pages=no
done
check "scrape: 3 pages of count=100, cursor absent only on the last" \
	'[ "$pages" = 3 ] && [ -z "$cursor" ] && [ "$full_pages" = yes ]'
check "scrape: 250 identifiers, none duplicated" \
	'[ "$(wc -l <"$tmp/ids" | tr -d " ")" = 250 ] &&
	 [ "$(sort -u "$tmp/ids" | wc -l | tr -d " ")" = 250 ] &&
	 [ "$(head -n 1 "$tmp/ids")" = item-0000000 ] &&
	 [ "$(tail -n 1 "$tmp/ids")" = item-0000249 ]'
py='sys.exit(not (d["total"] == 50 and d["count"] == 50 and d["items"][0]["title"] == "Title 200"))'
check "scrape: last page total counts from the cursor" 'json "$py"'

get "/services/search/v1/scrape?q=a%20b&fields=identifier&count=50"
check "scrape: count < 100 is a 400 with an error key" \
	'[ "$code" = 400 ] && json "sys.exit(\"error\" not in d)"'
get "/services/search/v1/scrape?q=x&count=100&cursor=bm9wZQ%3D%3D"
py='sys.exit(d != {"error": "invalid cursor"})'
check "scrape: garbled cursor is a 400" '[ "$code" = 400 ] && json "$py"'
get "/services/search/v1/scrape?q=a%20b&fields=identifier&count=100"
py='sys.exit(d["total"] != 250 or d["count"] != 100 or list(d["items"][0]) != ["identifier"])'
check "scrape: first page total, only requested fields" '[ "$code" = 200 ] && json "$py"'

get "/advancedsearch.php?q=x&rows=0&output=json"
py='sys.exit(d["response"]["numFound"] != 250 or d["response"]["docs"] != [])'
check "advancedsearch rows=0: numFound" '[ "$code" = 200 ] && json "$py"'

get '/iiif/known%2412/0,0,120,80/full/0/default.jpg'
check "IIIF region: JPEG labelled with id and leaf" \
	'[ "$code" = 200 ] && [ "$(hdr X-Image-Label)" = "known leaf 12" ] &&
	 [ "$(od -An -tx1 -N2 "$tmp/body" | tr -d " ")" = ffd8 ]'
get '/iiif/bad%20id$1/full/full/0/default.jpg'
check "IIIF bad identifier: 400" '[ "$code" = 400 ]'
# info.json: a 302 to the image server, as internetarchive/iiif's
# iiify/app.py:266-285 (identifier made as iiify/resolver.py:1359-1430)
get '/iiif/nosuchitem%2412/info.json'
check "IIIF info.json of an item without metadata: 500, as the resolver's error" \
	'[ "$code" = 500 ]'
get '/iiif/known%2412/info.json'
check "IIIF info.json of an item without a mediatype: 500 (KeyError there)" \
	'[ "$code" = 500 ]'
get '/image/iiif/2/placeholderbooks%2fsub%2fstack_jp2.zip%2fstack_jp2%2fstack_0003.jp2/full/full/0/default.jpg'
check "direct IIIF form, no real images: placeholder for the book's leaf" \
	'[ "$code" = 200 ] && [ "$(hdr X-Image-Label)" = "placeholderbooks sub/stack leaf 3" ]'
get '/download/known/page/n3.jpg' -L
check "BookReader page/nK without page numbers: placeholder for page nK" \
	'[ "$code" = 200 ] && [ "$(hdr X-Image-Label)" = "known page n3" ]'

# real page images (Pillow); skipped when the server has no Pillow
real() {
	if [ "$pil" = no ]; then
		n=$((n + 1))
		echo "ok $n - $1 # SKIP the server has no Pillow (Debian package python3-pil)"
	else
		check "$@"
	fi
}
get "/iiif/$pl%241/full/full/0/default.jpg"
pil=yes
if [ "$code" = 501 ]; then pil=no; fi
real "real image: full/full is the leaf's own JPEG" \
	'[ "$code" = 200 ] && [ "$(hdr Content-Type)" = image/jpeg ] && cmp -s "$tmp/body" "$tess/${pl}_1.jpg"'
get "/iiif/$pl%241/56,46,360,496/full/0/default.jpg"
real "real image: region x,y,w,h gives a JPEG of that size" \
	'[ "$code" = 200 ] && [ "$(jpeg_size)" = 360x496 ]'
get "/iiif/2/$pl%241/56,46,360,496/200,/0/default.jpg"
real "real image: /iiif/2/ form, size w," '[ "$code" = 200 ] && [ "$(jpeg_size)" = 200x276 ]'
get "/iiif/$pl%241/pct:0,0,50,50/full/0/gray.jpg"
real "real image: pct: region" '[ "$code" = 200 ] && [ "$(jpeg_size)" = 246x320 ]'
get "/iiif/$pl%241/full/!100,100/0/default.jpg"
real "real image: size !w,h keeps the aspect ratio" '[ "$code" = 200 ] && [ "$(jpeg_size)" = 77x100 ]'
get "/iiif/$pl%241/0,0,100,50/full/90/default.jpg"
real "real image: rotation 90" '[ "$code" = 200 ] && [ "$(jpeg_size)" = 50x100 ]'
get "/iiif/$pl%241/400,600,200,200/full/0/default.jpg"
real "real image: a region over the edge is cut at the edge" \
	'[ "$code" = 200 ] && [ "$(jpeg_size)" = 92x40 ]'
get "/iiif/$pl%241/492,0,10,10/full/0/default.jpg"
real "real image: a region outside the image is a 400" '[ "$code" = 400 ]'
get "/iiif/$pl%241/0,0,0,10/full/0/default.jpg"
real "real image: an empty region is a 400" '[ "$code" = 400 ]'
get "/iiif/$pl%249/full/full/0/default.jpg"
real "real image: a leaf without an image file is a 404" '[ "$code" = 404 ]'
get "/iiif/$pl%249/info.json" -L
real "real image: info.json of a leaf without an image file is a 404" '[ "$code" = 404 ]'
stackleaf5="$pl%2f${pl}_jp2.zip%2f${pl}_jp2%2f${pl}_0005.jp2"
for form in "" 2/ 3/; do
	get "/iiif/$form$pl%245/info.json"
	v=${form%/}
	check "IIIF /iiif/${form}ID\$N/info.json: 302 to the image server's /${v:-2}/ form" \
		'[ "$code" = 302 ] && [ "$(hdr Location | tr -d "\r")" = "$base/image/iiif/${v:-2}/$stackleaf5/info.json" ]'
done
get "/iiif/2/$pl%245/info.json" -L
py='s = d["sizes"]; sys.exit(not ((d["width"], d["height"]) == (577, 777) and
    (s[-1]["width"], s[-1]["height"]) == (577, 777) and s[0]["width"] < 577 and
    d["@id"].endswith("/image/iiif/2/'$stackleaf5'")))'
real "real image: info.json, after the redirect, has the real width, height and sizes" \
	'[ "$code" = 200 ] && json "$py"'
get "/iiif/2/twobooks%2412/info.json"
check "IIIF info.json of a book without ID_jp2.zip: the first stack it lists" \
	'[ "$code" = 302 ] && hdr Location | grep -q "/image/iiif/2/twobooks%2fbook1/GPORFP_jp2.zip%2fbook1/GPORFP_jp2%2fbook1/GPORFP_0012.jp2/info.json"'
get "/iiif/2/$pl/info.json"
check "IIIF info.json of a book without a leaf: resolved to None, as the resolver does" \
	'[ "$code" = 302 ] && hdr Location | grep -q "/image/iiif/2/None/info.json" &&
	 get "/iiif/2/$pl/info.json" -L && [ "$code" = 404 ]'
get "/download/$pl/page/n0.jpg" -L
real "BookReader page/n0: the leaf of access page 0 (page numbers)" \
	'[ "$code" = 200 ] && cmp -s "$tmp/body" "$tess/${pl}_5.jpg"'
get "/download/$pl/page/n1_w100.jpg" -L
real "BookReader page/n1_w100: leaf 1, 100 pixels wide" '[ "$code" = 200 ] && [ "$(jpeg_size)" = 100x130 ]'
get "/download/$pl/page/n2.jpg" -L
real "BookReader page beyond the page numbers: 404" '[ "$code" = 404 ]'
direct=/image/iiif/2/twobooks%2fbook1%2fGPORFP_jp2.zip%2fGPORFP_jp2%2fGPORFP_0012.jp2
get "$direct/0,0,50,60/full/0/default.jpg"
real "direct IIIF form: a book in a sub-folder, real image" '[ "$code" = 200 ] && [ "$(jpeg_size)" = 50x60 ]'
get "$direct/info.json"
real "direct IIIF form: info.json" '[ "$code" = 200 ] && json "sys.exit(d[\"width\"] != 492)"'
get "/image/iiif/2/twobooks%2fbook2%2fGPORFP_jp2.zip%2fGPORFP_jp2%2fGPORFP_0012.jp2/full/full/0/default.jpg"
real "direct IIIF form: a leaf the book has no image for is a 404" '[ "$code" = 404 ]'
get "/image/iiif/2/twobooks%2fbook3%2fGPORFP_jp2.zip%2fGPORFP_jp2%2fGPORFP_0012.jp2/full/full/0/default.jpg"
check "direct IIIF form: a stack the item does not list is a 404" '[ "$code" = 404 ]'
get "/image/iiif/2/twobooks%2f..%2fGPORFP_jp2.zip%2fGPORFP_jp2%2fGPORFP_0012.jp2/full/full/0/default.jpg"
check "direct IIIF form: '..' rejected (400)" '[ "$code" = 400 ]'

get /download/dark/dark_abbyy.gz
check "download from a dark item: 403" '[ "$code" = 403 ]'
get /download/lending/lending_abbyy.gz
check "download of a private file: 403" '[ "$code" = 403 ]'
get /download/lending/lending_meta.xml -L
check "download of the same item's public file: 200" '[ "$code" = 200 ]'
get /download/restricted/restricted_hocr.html
check "download from an access-restricted item (boolean true): 403" '[ "$code" = 403 ]'

# --- built-in HT emulation --------------------------------------------------
get "/cgi/imgsrv/meta?id=loc.ark%3A%2F13960%2Ft5v69h717"
py='i = d["items"]; sys.exit(not (d["total_items"] == 2 and
    i[0]["features"] == ["RIGHT", "COVER", "FUDGED"] and i[0]["page_num"] == 1 and
    i[1]["page_num"] is None and i[1]["seq"] == 2 and i[1]["id"] == "loc.ark:/13960/t5v69h717"))'
check "HT meta built from METS (page_num null without an ORDERLABEL)" \
	'[ "$code" = 200 ] && json "$py" &&
	 [ "$(hdr Content-Type)" = "application/javascript; charset=utf-8" ]'
check "HT meta: X-Choke headers (Max, no Debt of 0)" \
	'[ "$(hdr X-Choke-Max)" = 1000 ] && [ "$(hdr X-Choke-Allowed)" = 1 ] &&
	 [ "$(hdr X-Choke)" = requests ] && ! grep -qi "^X-Choke-Delta: 0" "$tmp/hdr"'
get "/cgi/imgsrv/meta?id=mdp.39015000000002"
check "HT meta from a METS named by the local part" \
	'[ "$code" = 200 ] && json "sys.exit(d[\"total_items\"] != 2)"'
get "/cgi/imgsrv/meta?id=mdp.0000;start=0"
check "HT meta unknown id: 500, HTML, no X-Choke" \
	'[ "$code" = 500 ] && [ "$(hdr Content-Type)" = text/html ] && [ -z "$(hdr X-Choke-Max)" ]'
get "/cgi/imgsrv/meta?id=mdp.39015000000003"
check "HT meta suppressed id: 404 with a JPEG" \
	'[ "$code" = 404 ] && [ "$(hdr Content-Type)" = image/jpeg ]'
get "/cgi/imgsrv/image?id=loc.ark%3A%2F13960%2Ft5v69h717&seq=99&width=340"
check "HT image seq above the last: the last page, 200" \
	'[ "$code" = 200 ] && [ "$(hdr X-Image-Label)" = "loc.ark:/13960/t5v69h717 seq 2" ] &&
	 [ "$(hdr Content-Disposition)" = "inline; filename=loc.ark__13960_t5v69h717-seq_2.jpg" ] &&
	 [ "$(hdr X-Choke)" = image ]'
get "/cgi/imgsrv/image?id=mdp.39015000000002&seq=0"
check "HT image seq 0: the first page" '[ "$code" = 200 ] &&
	 [ "$(hdr Content-Disposition)" = "inline; filename=mdp.39015000000002-seq_1.jpg" ]'
get "/cgi/imgsrv/image?id=mdp.39015000000002&seq=x"
check "HT image seq not a number: page 1 (no TITLE, no contents)" '[ "$code" = 200 ] &&
	 [ "$(hdr Content-Disposition)" = "inline; filename=mdp.39015000000002-seq_1.jpg" ]'
get "/cgi/imgsrv/image?id=loc.ark%3A%2F13960%2Ft5v69h717;seq=2;format=image/jpeg"
check "HT image: JPEG, access allow" \
	'[ "$code" = 200 ] && [ "$(hdr Content-Type)" = image/jpeg ] &&
	 [ "$(hdr X-HathiTrust-Access)" = allow ] &&
	 [ "$(hdr X-Image-Label)" = "loc.ark:/13960/t5v69h717 seq 2" ]'
get "/cgi/imgsrv/image?id=mdp.39015000000001&seq=1&format=image/jpeg"
check "HT image restricted: 200 SVG, access deny" \
	'[ "$code" = 200 ] && [ "$(hdr Content-Type)" = image/svg+xml ] &&
	 [ "$(hdr X-HathiTrust-Access)" = deny ]'
get "/cgi/imgsrv/image?id=mdp.0000&seq=1"
check "HT image unknown id: 500" '[ "$code" = 500 ]'
get /nothing/here
check "anything else: 404" '[ "$code" = 404 ]'

# --- logs -----------------------------------------------------------------
c -o /dev/null -A "selftest-client/1.0" "$base/metadata/ua-check"
check "request log has raw request lines" \
	'grep -qxF "GET /services/search/v1/scrape?q=a%20b&fields=identifier&count=100" "$tmp/req.log"'
check "request log: one line per request, faults included" \
	'[ "$(grep -c "^GET /r429\$" "$tmp/req.log")" = 3 ] &&
	 grep -qxF "GET /silent" "$tmp/req.log" && grep -qxF "GET /reset" "$tmp/req.log"'
py='import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["path"] == "/metadata/ua-check" and r["headers"].get("User-Agent") == "selftest-client/1.0":
        sys.exit(0)
sys.exit(1)'
check "header log records the User-Agent" 'python3 -c "$py" "$tmp/req.log.headers"'

# --- shutdown ---------------------------------------------------------------
check "nothing on the server's stderr" '[ ! -s "$tmp/stderr" ]'
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
check "SIGTERM: clean exit 0" '[ "$st" = 0 ]'

echo "1..$n"
[ "$fails" = 0 ]
