/*
 * replay.c - runs a libFuzzer target over saved inputs, without libFuzzer.
 *
 * Linked with any fuzz_*.c instead of -fsanitize=fuzzer, so that `make
 * test` builds every harness with the ordinary compiler and replays its
 * corpus: a harness that stops compiling, or a fixed crash that comes back,
 * fails the test run. Usage: replay FILE|DIR...  A directory's regular files
 * are run (not its subdirectories), in the order readdir gives them.
 * Exits 0 when at least one input ran, 1 on any unreadable file or when
 * nothing was run (an empty corpus is a mistake, not a pass).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a harness, as with libFuzzer. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/*
 * Runs one file. The input sits in a buffer of exactly its size, so that
 * ASan catches a harness that reads one byte too far.
 */
static int
run_file(const char *path, long *count)
{
	FILE *fp;
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0, n;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		uint8_t chunk[4096];

		n = fread(chunk, 1, sizeof(chunk), fp);
		if (n == 0)
			break;
		if (len + n > cap) {
			uint8_t *nb;

			cap = (len + n) * 2;
			if ((nb = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "replay: %s: out of memory\n",
				    path);
				free(buf);
				fclose(fp);
				return -1;
			}
			buf = nb;
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	if (ferror(fp)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);

	/* Copy into an exact-size buffer (malloc(0) may return NULL). */
	{
		uint8_t *exact = malloc(len > 0 ? len : 1);

		if (exact == NULL) {
			fprintf(stderr, "replay: %s: out of memory\n", path);
			free(buf);
			return -1;
		}
		if (len > 0)
			memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	(*count)++;
	return 0;
}

static int
run_dir(const char *dir, long *count)
{
	DIR *d;
	struct dirent *de;
	int rv = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		int n;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			fprintf(stderr, "replay: %s/%s: path too long\n", dir,
			    de->d_name);
			rv = -1;
			continue;
		}
		if (stat(path, &st) == -1) {
			fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
			rv = -1;
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (run_file(path, count) == -1)
			rv = -1;
	}
	closedir(d);
	return rv;
}

int
main(int argc, char **argv)
{
	long count = 0;
	int i, rv = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			rv = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i], &count) == -1)
				rv = 1;
		} else if (run_file(argv[i], &count) == -1)
			rv = 1;
	}
	printf("replay: ran %ld inputs\n", count);
	if (count == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		rv = 1;
	}
	return rv;
}
