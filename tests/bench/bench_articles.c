/*
 * bench_articles.c - start-up cost of the articles: read, parse and render
 * a generated corpus through pages_load_dir, as the server does at start.
 *
 *   bench_articles [COUNT [KIB]]     default: 1000 articles of 10 KiB
 *
 * The corpus is made of the shipped articles' own lines (so every rule of
 * the reader is exercised), cycled and numbered so that no two articles are
 * the same. Prints the best and median of RUNS loads. Not a test: it never
 * fails on a figure.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pages.h"

#define RUNS 5

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		perror(path);
		exit(1);
	}
	rewind(f);
	if ((buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Lines of the shipped articles, without their front matter. */
static char **
seed_lines(size_t *count)
{
	static const char *seeds[] = {
		"tests/golden/input/articles/kokoro-no-tsunagari.txt",
		"tests/golden/input/articles/arafo-fuufu-kokoro-no-kyori.txt",
	};
	char **lines = NULL, *text, *line;
	size_t i, n = 0, len;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		text = slurp(seeds[i], &len);
		/* strsep keeps empty lines: they separate sections. */
		while ((line = strsep(&text, "\n")) != NULL) {
			if (strncmp(line, "title:", 6) == 0)
				continue;
			lines = realloc(lines, (n + 1) * sizeof(*lines));
			lines[n++] = line;
		}
	}
	*count = n;
	return lines;
}

static void
write_corpus(const char *dir, size_t count, size_t bytes)
{
	size_t nlines, i, at = 0, len;
	char **lines = seed_lines(&nlines);
	char path[4096];
	FILE *f;

	for (i = 0; i < count; i++) {
		snprintf(path, sizeof(path), "%s/articles/a%05zu.txt", dir, i);
		if ((f = fopen(path, "w")) == NULL) {
			perror(path);
			exit(1);
		}
		fprintf(f, "title: 記事 %zu\n", i);
		for (len = 0; len < bytes; at = (at + 1) % nlines)
			len += (size_t)fprintf(f, "%s\n", lines[at]);
		fprintf(f, "第%zu記事の終わり。\n", i);
		fclose(f);
	}
	free(lines);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	size_t count = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
	size_t kib = argc > 2 ? strtoul(argv[2], NULL, 10) : 10;
	char dir[] = "/tmp/kizuna-bench-XXXXXX", sub[64], cmd[128];
	double ms[RUNS], t;
	struct pages *p = NULL;
	size_t pages = 0, articles = 0;
	int r;
	const struct pages_options opt = { .lang = "ja",
	    .url = "gemini://localhost/", .host = "localhost" };

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(sub, sizeof(sub), "%s/articles", dir);
	mkdir(sub, 0755);
	write_corpus(dir, count, kib * 1024);
	log_init(LOG_LEVEL_WARN, "off", (uid_t)-1, (gid_t)-1);
	for (r = 0; r < RUNS; r++) {
		t = now_ms();
		p = pages_load_dir(dir, "articles", &opt);
		ms[r] = now_ms() - t;
		if (p == NULL)
			return 1;
		pages = pages_count(p);
		articles = pages_articles(p);
		pages_free(p);
	}
	qsort(ms, RUNS, sizeof(ms[0]), compare_double);
	printf("| articles: read + parse + render (start-up) | %zu articles of %zu KiB, %zu pages | best %.1f ms, median %.1f ms | %.1f µs per article |\n",
	    articles, kib, pages, ms[0], ms[RUNS / 2],
	    ms[RUNS / 2] * 1000.0 / (double)(articles ? articles : 1));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
