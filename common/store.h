/* store: folders and files on disk. */
#ifndef PLATES_STORE_H
#define PLATES_STORE_H

#include <sys/types.h>

/* mkdir -p: make the folders above path (and path itself if whole) with
 * mode; folders that exist are fine.  0, or -1 with errno. */
int store_mkdirs(const char *path, mode_t mode, int whole);

#endif
