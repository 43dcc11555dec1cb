/* io: input operands (files, "-" for stdin), gzip detected by its magic
 * bytes, line reading with line numbers, and a push-mode gunzip for
 * bodies that arrive from the network. */
#ifndef PLATES_IO_H
#define PLATES_IO_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

/* Longest line io_getline accepts; longer lines are an error. */
#define IO_MAX_LINE (64UL * 1024 * 1024)

struct io_in;

/* Open PATH ("-" is stdin, named "<stdin>"); NULL with a message on error. */
struct io_in *io_open(const char *path);
/* Decoded bytes: >0 count, 0 at end, -1 on error (see io_error). */
ssize_t io_read(struct io_in *in, void *p, size_t n);
/* One line without its LF (a CR before the LF is dropped):
 * 1 a line, 0 end of input, -1 error (see io_error). */
int io_getline(struct io_in *in, struct buf *line);
/* Look at the decoded bytes buffered now (at most n, at least one unless
 * at end) without consuming them; returns the count, -1 on error. */
ssize_t io_peek(struct io_in *in, const char **p, size_t n);
const char *io_name(const struct io_in *in);
unsigned long io_lineno(const struct io_in *in);
/* Decoded bytes consumed so far. */
unsigned long long io_offset(const struct io_in *in);
int io_is_gzip(const struct io_in *in);
const char *io_error(const struct io_in *in);
void io_close(struct io_in *in);

/* Push-mode decoder: plain or gzip (several members), by magic bytes. */
struct io_dec;
typedef int (*io_sink)(void *arg, const char *p, size_t n); /* non-zero stops */
struct io_dec *io_dec_new(void);
/* 0 ok, -1 data error (io_dec_error), 1 stopped by the sink. */
int io_dec_push(struct io_dec *d, const void *p, size_t n, io_sink sink, void *arg);
/* At end of input: 0 ok, -1 if a gzip member was cut short, 1 stopped. */
int io_dec_end(struct io_dec *d, io_sink sink, void *arg);
void io_dec_reset(struct io_dec *d);
const char *io_dec_error(const struct io_dec *d);
void io_dec_free(struct io_dec *d);

#endif
