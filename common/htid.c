/* htid: HathiTrust volume ids and pairtree clean/unclean. */
#include "htid.h"
#include "http.h"

#include <string.h>
#include <strings.h>

int
htid_split(const char *id, size_t *nslen, const char **local)
{
	const char *dot = strchr(id, '.');

	if (!dot || dot == id || dot[1] == '\0')
		return -1;
	*nslen = (size_t)(dot - id);
	*local = dot + 1;
	return 0;
}

static int
needs_escape(unsigned char c)
{
	return c < 0x21 || c > 0x7e || strchr("\"*+,<=>?\\^|", c) != NULL;
}

void
htid_clean(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (needs_escape(c)) {
			buf_addc(b, '^');
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
		} else if (c == '/') {
			buf_addc(b, '=');
		} else if (c == ':') {
			buf_addc(b, '+');
		} else if (c == '.') {
			buf_addc(b, ',');
		} else {
			buf_addc(b, (char)c);
		}
	}
}

int
htid_unclean(struct buf *b, const char *s, size_t len)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '=': buf_addc(b, '/'); break;
		case '+': buf_addc(b, ':'); break;
		case ',': buf_addc(b, '.'); break;
		case '^':
			if (i + 2 >= len)
				return -1;
			hi = http_hexdigit((unsigned char)s[i + 1]);
			lo = http_hexdigit((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			buf_addc(b, (char)(hi << 4 | lo));
			i += 2;
			break;
		default: buf_addc(b, s[i]); break;
		}
	}
	return 0;
}

int
htid_clean_id(struct buf *b, const char *id)
{
	size_t nslen;
	const char *local;

	if (htid_split(id, &nslen, &local) < 0)
		return -1;
	buf_add(b, id, nslen + 1);
	htid_clean(b, local, strlen(local));
	return 0;
}

static int
prefix(const char *s, size_t len, const char *p)
{
	size_t k = strlen(p);

	return len >= k && strncasecmp(s, p, k) == 0;
}

int
htid_from_url(struct buf *out, const char *s, size_t len)
{
	static const char *const handles[] = {
		"https://hdl.handle.net/2027/", "http://hdl.handle.net/2027/", NULL
	};
	static const char *const viewers[] = {
		"https://babel.hathitrust.org/cgi/pt?", "http://babel.hathitrust.org/cgi/pt?",
		"https://babel.hathitrust.org/cgi/pt/search?", NULL
	};
	size_t i, k, end;

	buf_reset(out);
	for (i = 0; handles[i]; i++) {
		k = strlen(handles[i]);
		if (len > k && prefix(s, len, handles[i])) {
			/* the id runs to a query or fragment, if any */
			for (end = k; end < len && s[end] != '?' && s[end] != '#'; end++)
				;
			buf_add(out, s + k, end - k);
			return 1;
		}
	}
	for (i = 0; viewers[i]; i++) {
		k = strlen(viewers[i]);
		if (len <= k || !prefix(s, len, viewers[i]))
			continue;
		/* parameters split on ; or &; take id= and percent-decode it */
		while (k < len) {
			for (end = k; end < len && !strchr(";&#", s[end]); end++)
				;
			if (end - k > 3 && strncmp(s + k, "id=", 3) == 0) {
				http_unescape(out, s + k + 3, end - k - 3);
				return 1;
			}
			if (end < len && s[end] == '#')
				break;
			k = end + 1;
		}
	}
	buf_add(out, s, len);
	return 0;
}

/* The bytes a local id is made of: HathiTrust's ids are barcodes, call
 * numbers and ARKs (mdp.39015018415946, uc1.$b759628,
 * miun.aql8896.0001.001, loc.ark:/13960/t5v69h717). */
static int
local_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("._-:/$", c) != NULL);
}

int
htid_valid(const char *s, size_t len)
{
	size_t i, dot;

	for (dot = 0; dot < len && s[dot] != '.'; dot++)
		if (!((s[dot] >= 'a' && s[dot] <= 'z') || (s[dot] >= 'A' && s[dot] <= 'Z') ||
		    (s[dot] >= '0' && s[dot] <= '9')))
			return 0;
	if (dot == 0 || dot + 1 >= len || len > HTID_MAX)
		return 0;
	for (i = dot + 1; i < len; i++)
		if (!local_byte(s[i]))
			return 0;
	return 1;
}
