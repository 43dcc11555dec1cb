/* htid: HathiTrust volume ids and pairtree clean/unclean. */
#include "htid.h"

#include <string.h>

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

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
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
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
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

const char *
htid_from_url(const char *s, size_t len, size_t *outlen)
{
	static const char *const prefixes[] = {
		"https://hdl.handle.net/2027/", "http://hdl.handle.net/2027/",
		"https://babel.hathitrust.org/cgi/pt?id=",
		"http://babel.hathitrust.org/cgi/pt?id=", NULL
	};
	size_t i, k;

	for (i = 0; prefixes[i]; i++) {
		k = strlen(prefixes[i]);
		if (len > k && strncmp(s, prefixes[i], k) == 0) {
			s += k;
			len -= k;
			if (i >= 2) {	/* a viewer link: the id ends at ; & or # */
				for (k = 0; k < len && !strchr(";&#", s[k]); k++)
					;
				len = k;
			}
			break;
		}
	}
	*outlen = len;
	return s;
}
