/*
 * test_files.h - reading the repository's files from a cmocka test.
 * Include after <cmocka.h> (it reports failures with fail_msg).
 */
#ifndef KIZUNA_TEST_FILES_H
#define KIZUNA_TEST_FILES_H

#include <stdio.h>
#include <stdlib.h>

/* Reads a whole file (relative to the repository root). Free it. */
static char *
read_all(const char *path, size_t *len)
{
	FILE *fp;
	char *buf;
	long size = 0;

	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("%s: cannot open (run from the repository root)", path);
	if (fseek(fp, 0, SEEK_END) == -1 || (size = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1)
		fail_msg("%s: cannot seek", path);
	if ((buf = malloc((size_t)size + 1)) == NULL)
		fail_msg("out of memory");
	*len = fread(buf, 1, (size_t)size, fp);
	if (*len != (size_t)size || ferror(fp))
		fail_msg("%s: read error", path);
	fclose(fp);
	buf[*len] = '\0';
	return buf;
}

#endif
