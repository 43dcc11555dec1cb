/* store: folders and files on disk, written so that "the file exists"
 * means "the file is complete": each file is written under a temporary
 * name in its folder, flushed, renamed, and the folder flushed.  Nothing
 * inside the top folder is followed if it is a symbolic link.
 *
 * The store never prints: a failure is -1 with errno (and, where several
 * steps can fail, the step), and the caller words the message. */
#ifndef PLATES_STORE_H
#define PLATES_STORE_H

#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

/* mkdir -p: make the folders above path (and path itself if whole) with
 * mode; folders that exist are fine.  0, or -1 with errno. */
int store_mkdirs(const char *path, mode_t mode, int whole);

/* Can the file path be created and opened for reading and writing?  Makes
 * its folders (mode 0700) on the way; 0 with errno if not. */
int store_usable_file(const char *path);

/* A file system errno as a one-word reason ("disk-full", "symlink",
 * "permission", ...); never NULL. */
const char *store_reason(int e);
/* Is e an error after which no other file can be written either (a full
 * disk, a file size limit, a read-only or failing file system)? */
int store_fatal(int e);

/* Is name in the folder dfd a regular file?  1 yes (st filled), 0 it
 * does not exist, -1 with errno: ELOOP for a symbolic link, EISDIR for
 * anything else but a file. */
int store_file_at(int dfd, const char *name, struct stat *st);
/* write(2) all of p[0..n), again after EINTR: 0, or -1 with errno. */
int store_write_all(int fd, const void *p, size_t n);
/* Append line[0..n) to the file name in dfd (made if missing) in one
 * write under an exclusive lock, so that the lines of processes sharing
 * it never mix; head first when the file is empty.  A write that fails
 * leaves no part of the line, and a torn last line found there (a
 * process killed mid-write) is cut off first.  0, or -1 with errno. */
int store_append(int dfd, const char *name, const char *head, const char *line, size_t n);

/* The top folder, and the folders top/<lib>/<folder> open now, most
 * recently used first, so that the files of one folder do not walk the
 * path again each time (one thread only). */
#define STORE_FOLDERS 8
struct store {
	int top;		/* -1: it does not exist */
	struct {
		char *key;	/* lib/folder */
		int fd;		/* -1: it did not exist at when */
		double when;
	} cache[STORE_FOLDERS];
};

/* Open the top folder dir; with make, make it (mkdir -p) first.  Without
 * make, a dir that does not exist is fine (top is -1).  0, or -1 with
 * errno. */
int store_open(struct store *s, const char *dir, int make);
void store_close(struct store *s);
/* top/lib/folder, from the cache or opened (made, with create) and cached:
 * a descriptor the caller must not close, or -1 with errno.  That a folder
 * is missing is remembered for a second. */
int store_folder(struct store *s, const char *lib, const char *folder, int create);
/* Forget a folder (it went away: it is opened again next time). */
void store_forget(struct store *s, const char *lib, const char *folder);

/* Temporary files, removed by store_remove_temps (and so by the signal
 * handler of store_catch_signals).  Their names are the store's one piece
 * of process-wide state, where the handler finds them: STORE_SLOTS at
 * once (more are written, but not removed on a signal). */
#define STORE_SLOTS 256
struct store_temp {
	int dfd;			/* the folder (the temp's own descriptor) */
	int fd;				/* the file being written */
	int slot;
	char name[NAME_MAX + 1];	/* .<name>.part.XXXXXX */
};

void store_temp_init(struct store_temp *t);
/* Create a temporary file for name in top/lib/folder (made if missing).
 * 0, or -1 with errno and *what, the step that failed ("folder of",
 * "temporary file for"). */
int store_temp_open(struct store *s, struct store_temp *t, const char *lib, const char *folder,
    const char *name, const char **what);
/* Write a then b (either may be empty): 0, or -1 with errno. */
int store_temp_write(struct store_temp *t, const void *a, size_t na, const void *b, size_t nb);
/* Make the complete temporary file name: fsync it (with sync), close it,
 * rename it, fsync the folder (with sync; a failure there leaves a
 * complete file and is not one).  0 (t->dfd stays open), or -1 with errno
 * and *what ("fsync of", "closing", "renaming to").  Touches only t: may
 * run in any thread. */
int store_temp_commit(struct store_temp *t, const char *name, int sync, const char **what);
/* Close and remove the temporary file, if any (the folder stays open). */
void store_temp_drop(struct store_temp *t);
/* store_temp_drop, then close the folder. */
void store_temp_end(struct store_temp *t);

/* A file written whole and then renamed into place (path.tmp.PID first),
 * removed by store_remove_temps while it is written.  One at a time. */
struct store_file {
	char *path, *tmp;
	FILE *fp;
};

/* 0, or -1 with errno (the temporary name, f->tmp, failed). */
int store_file_open(struct store_file *f, const char *path);
/* Flush, close and rename it: 0, or -1 with errno and *what, the name
 * that failed (the temporary file is removed). */
int store_file_commit(struct store_file *f, const char **what);
/* Free the names (a file not committed is no longer removed on a
 * signal; its stream is the caller's to close). */
void store_file_free(struct store_file *f);

/* Remove every temporary file being written: async-signal-safe. */
void store_remove_temps(void);
/* On SIGINT, SIGTERM, SIGHUP and SIGQUIT (unless ignored on entry), remove
 * the temporary files and die of the signal; ignore SIGXFSZ (a file size
 * limit makes write() fail with EFBIG instead). */
void store_catch_signals(void);

#endif
