/*
 * export.h - `kizuna convert`'s output: the page table written as files,
 * all or nothing.
 */
#ifndef KIZUNA_EXPORT_H
#define KIZUNA_EXPORT_H

#include <stddef.h>

#include "pages.h"

/*
 * Writes every page of p (aliases aside) under dir, as the server serves
 * them: "/articles/x/" becomes dir/articles/x/index.gmi, "/articles/"
 * dir/articles/index.gmi, and so on (dir is created if missing).
 *
 * All or nothing: the pages are first written into a temporary folder in
 * dir (same file system), then renamed into place: the whole folder when
 * dir PREFIX does not exist yet; else each file over its old version, so
 * the author's other files there (images, say) stay. Should anything fail
 * before that, nothing is left behind.
 *
 * Refused (-1, logged with what to do instead), before anything is
 * written:
 *   - when dir PREFIX is the folder one of sources (articles read; files
 *     or folders) is, or holds: the list would replace the author's intro
 *     (index.gmi) there, and the pages would sit among the sources;
 *   - with only_some (files were given, not their folder), when an
 *     existing dir PREFIX index.gmi links an article p does not hold: the
 *     new list would drop it.
 * Returns 0, or -1 with the failing file logged.
 */
int export_pages(const struct pages *p, const char *dir,
    char *const *sources, size_t nsources, int only_some);

#endif
