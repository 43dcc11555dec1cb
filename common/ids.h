/* ids: identifiers read from files, one a line: the first TSV column,
 * unescaped and trimmed of ASCII blanks; blank lines and '#' comments are
 * skipped; a header line is reported as such; each id comes with its
 * file and line for messages. */
#ifndef PLATES_IDS_H
#define PLATES_IDS_H

#include <stddef.h>

#include "buf.h"
#include "io.h"

enum {
	IDS_END = 0,	/* no more files */
	IDS_ID = 1,	/* an id in x->id */
	IDS_HEADER = 2,	/* a header line (x->id and x->rest hold its fields) */
	IDS_ERROR = -1,	/* a read error at x->file:x->lineno (x->error); that
			 * file is closed and the next call goes on with the next */
	IDS_NOFILE = -2	/* a file could not be opened (io_open said why) */
};

struct ids {
	char **paths;		/* "-" is standard input */
	int npaths, next;
	int header;		/* the first line of every file is a header */
	const char *const *header_words; /* or its first field is one of these */
	struct io_in *in;
	struct buf line, field, msg;
	/* what the last ids_next found */
	const char *id;		/* NUL-terminated */
	size_t len;
	const char *rest;	/* the further columns, from their first TAB, as they are */
	size_t restlen;
	const char *file;
	unsigned long lineno;
	const char *error;
};

/* Read ids from paths (none: standard input). */
void ids_open(struct ids *x, char **paths, int npaths, int header,
    const char *const *header_words);
int ids_next(struct ids *x);
/* Will the next ids_next open a file (none is open now)? */
int ids_between_files(const struct ids *x);
void ids_close(struct ids *x);

/* An Internet Archive identifier: 1 to 100 ASCII letters, digits, '_',
 * '.' and '-'. */
int ia_id_valid(const char *s, size_t n);

#endif
