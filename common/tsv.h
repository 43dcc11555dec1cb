/* tsv: the one escaping rule (\t \n \r \\), splitting, checked output.
 * Pass-through fields are copied raw, never decoded and re-encoded. */
#ifndef PLATES_TSV_H
#define PLATES_TSV_H

#include <stddef.h>

#include "buf.h"

struct tsv_field {
	const char *s;
	size_t len;
};

/* Decode \t \n \r \\ in place (other backslashes stay); returns new length. */
size_t tsv_unescape(char *s, size_t len);
/* Append s, escaped, to b. */
void tsv_escape(struct buf *b, const char *s, size_t len);
/* Split at TABs; fills at most max fields, returns the number of fields. */
size_t tsv_split(const char *line, size_t len, struct tsv_field *f, size_t max);
/* Index of the field named name (compared raw), or -1. */
int tsv_find(const struct tsv_field *f, size_t n, const char *name);
/* Split a comma-separated list ("a,b,c") into a NULL-terminated array of
 * copies; returns the count.  Free with tsv_list_free. */
size_t tsv_list(const char *spec, char ***out);
void tsv_list_free(char **list);

/* Output to stdout; a write error ends the program (diag_write_failed). */
void tsv_set_line_buffered(int on);
void tsv_put(const char *s, size_t len);	/* escaped */
void tsv_puts(const char *s);			/* escaped */
void tsv_put_raw(const char *s, size_t len);	/* as is (pass-through) */
void tsv_tab(void);
void tsv_end(void);				/* end of row */
void tsv_flush(void);

#endif
