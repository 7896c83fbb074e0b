/*
 * test_location.c - table tests for location.c (links location.c only):
 * which location matches a path, and what the locations that match decide
 * together.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "location.h"

/* --- location_under ----------------------------------------------------- */

static const struct {
	const char *prefix, *path;
	int want;
} under_cases[] = {
	{ "/", "/", 1 },
	{ "/", "/a/b", 1 },
	{ "/docs", "/docs", 1 },
	{ "/docs", "/docs/", 1 },
	{ "/docs", "/docs/x", 1 },
	{ "/docs", "/docsx", 0 },
	{ "/docs", "/doc", 0 },
	{ "/docs", "/", 0 },
	{ "/docs/", "/docs/", 1 },
	{ "/docs/", "/docs/x/y", 1 },
	{ "/docs/", "/docs", 0 },
	{ "/docs/", "/docsx/", 0 },
	{ "/Docs", "/docs", 0 },            /* paths are case-sensitive */
	{ "/日記", "/日記/2026.gmi", 1 },
	{ "/日記", "/日記帳", 0 },
};

static void
test_under(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(under_cases) / sizeof(under_cases[0]); i++)
		if (location_under(under_cases[i].prefix,
		    under_cases[i].path) != under_cases[i].want)
			fail_msg("case %zu: \"%s\" under \"%s\" is not %d", i,
			    under_cases[i].path, under_cases[i].prefix,
			    under_cases[i].want);
}

/* --- a configuration's locations ---------------------------------------- */

static const unsigned char fp1[32] = { 0xAB, 0xCD, [31] = 0x01 };

/* listing and require_certificate -1 where unset, as config_load leaves
 * a key no line sets. */
static struct config cfg = {
	.nlocations = 12,
	.locations = {
		[0] = { .prefix = "/", .listing = -1,
		    .require_certificate = -1, .lang = "en", .ntypes = 1,
		    .types = { { ".txt", "text/x-root" } } },
		[1] = { .prefix = "/docs", .listing = 1,
		    .require_certificate = -1, .ntypes = 3,
		    .types = { { ".md", "text/markdown" },
		    { ".gz", "application/gzip" },
		    { ".tar.gz", "application/x-tar+gzip" } } },
		[2] = { .host = "a.example", .prefix = "/docs", .listing = 0,
		    .require_certificate = -1, .lang = "fr" },
		[3] = { .prefix = "/docs/ja/", .listing = -1,
		    .require_certificate = -1, .lang = "ja", .ntypes = 1,
		    .types = { { ".md", "text/x-ja" } } },
		[4] = { .prefix = "/private/", .listing = -1,
		    .require_certificate = 1, .nallow = 1,
		    .allow = { { 0xAB, 0xCD, [31] = 0x01 } } },
		[5] = { .prefix = "/private/shared/", .listing = -1,
		    .require_certificate = 1 },
		[6] = { .prefix = "/private/open/", .listing = -1,
		    .require_certificate = 0 },
		[7] = { .prefix = "/old/", .listing = -1,
		    .require_certificate = -1, .wildcard = 1,
		    .redirect_status = 31, .redirect = "/new/",
		    .redirect_wildcard = 1 },
		[8] = { .prefix = "/old/keep/", .listing = -1,
		    .require_certificate = -1, .lang = "de" },
		[9] = { .prefix = "/old/gone/", .listing = -1,
		    .require_certificate = -1, .block = 52 },
		[10] = { .host = "b.example", .prefix = "/", .listing = -1,
		    .require_certificate = -1, .lang = "ko" },
		[11] = { .prefix = "/old/gone/moved", .listing = -1,
		    .require_certificate = -1, .redirect_status = 30,
		    .redirect = "gemini://b.example/moved" },
	},
};

/* What location_resolve must say; designated, so that rules may grow. */
struct resolve_case {
	const char *host, *path;
	int index;                /* location_match's and location_resolve's */
	int matched;
	int listing;
	const char *lang;         /* NULL: none */
	int action;               /* index, or -1 */
	int redirect_status;
	const char *redirect, *redirect_prefix;
	int redirect_wildcard;
	int block;
	int certificate;          /* index, or -1 */
	int require_certificate;
	int nallow;
};

static const struct resolve_case resolve_cases[] = {
	{ .host = "a.example", .path = "/x", .index = 0, .matched = 1,
	  .lang = "en", .action = -1, .certificate = -1 },
	{ .host = NULL, .path = "/x", .index = 0, .matched = 1, .lang = "en",
	  .action = -1, .certificate = -1 },
	/* At equal length, the host's location wins. */
	{ .host = "a.example", .path = "/docs", .index = 2, .matched = 3,
	  .listing = 0, .lang = "fr", .action = -1, .certificate = -1 },
	{ .host = "a.example", .path = "/docs/ja/x", .index = 3,
	  .matched = 4, .listing = 0, .lang = "ja", .action = -1,
	  .certificate = -1 },
	{ .host = "c.example", .path = "/docs", .index = 1, .matched = 2,
	  .listing = 1, .lang = "en", .action = -1, .certificate = -1 },
	{ .host = "c.example", .path = "/docs/x/y", .index = 1, .matched = 2,
	  .listing = 1, .lang = "en", .action = -1, .certificate = -1 },
	{ .host = "c.example", .path = "/docsx", .index = 0, .matched = 1,
	  .lang = "en", .action = -1, .certificate = -1 },
	/* What the longest leaves unset, a shorter one decides. */
	{ .host = "c.example", .path = "/docs/ja/", .index = 3, .matched = 3,
	  .listing = 1, .lang = "ja", .action = -1, .certificate = -1 },
	{ .host = "c.example", .path = "/docs/ja", .index = 1, .matched = 2,
	  .listing = 1, .lang = "en", .action = -1, .certificate = -1 },
	{ .host = "b.example", .path = "/x", .index = 10, .matched = 2,
	  .lang = "ko", .action = -1, .certificate = -1 },
	{ .host = "b.example", .path = "/docs", .index = 1, .matched = 3,
	  .listing = 1, .lang = "ko", .action = -1, .certificate = -1 },
	{ .host = "B.example", .path = "/x", .index = 0, .matched = 1,
	  .lang = "en", .action = -1, .certificate = -1 },
	/* require_certificate and allow: one rule. */
	{ .host = "c.example", .path = "/private/a", .index = 4, .matched = 2,
	  .lang = "en", .action = -1, .certificate = 4,
	  .require_certificate = 1, .nallow = 1 },
	{ .host = "c.example", .path = "/private/shared/a", .index = 5,
	  .matched = 3, .lang = "en", .action = -1, .certificate = 5,
	  .require_certificate = 1, .nallow = 0 },
	{ .host = "c.example", .path = "/private/open/", .index = 6,
	  .matched = 3, .lang = "en", .action = -1, .certificate = 6,
	  .require_certificate = 0, .nallow = 0 },
	{ .host = "c.example", .path = "/private", .index = 0, .matched = 1,
	  .lang = "en", .action = -1, .certificate = -1 },
	/* redirect and block: one rule. */
	{ .host = "c.example", .path = "/old/", .index = 7, .matched = 2,
	  .lang = "en", .action = 7, .redirect_status = 31,
	  .redirect = "/new/", .redirect_prefix = "/old/",
	  .redirect_wildcard = 1, .certificate = -1 },
	{ .host = "c.example", .path = "/old/keep/a", .index = 8,
	  .matched = 3, .lang = "de", .action = 7, .redirect_status = 31,
	  .redirect = "/new/", .redirect_prefix = "/old/",
	  .redirect_wildcard = 1, .certificate = -1 },
	{ .host = "c.example", .path = "/old/gone/a", .index = 9,
	  .matched = 3, .lang = "en", .action = 9, .block = 52,
	  .certificate = -1 },
	/* A redirect without a wildcard is its prefix's alone: below it,
	 * a shorter location decides. */
	{ .host = "c.example", .path = "/old/gone/moved", .index = 11,
	  .matched = 4, .lang = "en", .action = 11, .redirect_status = 30,
	  .redirect = "gemini://b.example/moved",
	  .redirect_prefix = "/old/gone/moved", .certificate = -1 },
	{ .host = "c.example", .path = "/old/gone/moved/x", .index = 11,
	  .matched = 4, .lang = "en", .action = 9, .block = 52,
	  .certificate = -1 },
	{ .host = "c.example", .path = "/old/gone/movedx", .index = 9,
	  .matched = 3, .lang = "en", .action = 9, .block = 52,
	  .certificate = -1 },
};

/* The index of loc in cfg, or -1 for NULL. */
static int
index_of(const struct config_location *loc)
{
	return loc == NULL ? -1 : (int)(loc - cfg.locations);
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

#define EXPECT(i, field, got, want) do { \
	if ((got) != (want)) \
		fail_msg("case %zu: %s is %d, want %d", (i), (field), \
		    (int)(got), (int)(want)); \
} while (0)

#define EXPECT_STR(i, field, got, want) do { \
	if (!same_str((got), (want))) \
		fail_msg("case %zu: %s is \"%s\", want \"%s\"", (i), (field), \
		    (got) != NULL ? (got) : "(null)", \
		    (want) != NULL ? (want) : "(null)"); \
} while (0)

static void
test_resolve(void **state)
{
	struct location_rules r;
	size_t i;
	int j;

	(void)state;
	for (i = 0; i < sizeof(resolve_cases) / sizeof(resolve_cases[0]);
	    i++) {
		const struct resolve_case *c = &resolve_cases[i];

		EXPECT(i, "match", location_match(&cfg, c->host, c->path),
		    c->index);
		EXPECT(i, "resolve", location_resolve(&cfg, c->host, c->path,
		    &r), c->index);
		EXPECT(i, "matched", r.matched, c->matched);
		EXPECT(i, "chain[0]", index_of(r.chain[0]), c->index);
		for (j = 1; j < r.matched; j++)
			if (strlen(r.chain[j]->prefix) >
			    strlen(r.chain[j - 1]->prefix))
				fail_msg("case %zu: chain not longest first",
				    i);
		EXPECT(i, "listing", r.listing, c->listing);
		EXPECT_STR(i, "lang", r.lang, c->lang);
		EXPECT(i, "action", index_of(r.action), c->action);
		EXPECT(i, "redirect_status", r.redirect_status,
		    c->redirect_status);
		EXPECT_STR(i, "redirect", r.redirect, c->redirect);
		EXPECT_STR(i, "redirect_prefix", r.redirect_prefix,
		    c->redirect_prefix);
		EXPECT(i, "redirect_wildcard", r.redirect_wildcard,
		    c->redirect_wildcard);
		EXPECT(i, "block", r.block, c->block);
		EXPECT(i, "certificate", index_of(r.certificate),
		    c->certificate);
		EXPECT(i, "require_certificate", r.require_certificate,
		    c->require_certificate);
		EXPECT(i, "nallow", r.nallow, c->nallow);
		if (r.nallow > 0 && memcmp(r.allow[0], fp1, 32) != 0)
			fail_msg("case %zu: allow[0] is not fp1", i);
	}
}

/* No location at all: nothing decided, the host's lang. */
static void
test_resolve_without_locations(void **state)
{
	static struct config none;
	struct location_rules r;

	(void)state;
	assert_int_equal(location_match(&none, "a.example", "/"), -1);
	assert_int_equal(location_resolve(&none, "a.example", "/x", &r), -1);
	assert_int_equal(r.matched, 0);
	assert_int_equal(r.listing, 0);
	assert_null(r.action);
	assert_int_equal(r.redirect_status, 0);
	assert_null(r.redirect);
	assert_int_equal(r.block, 0);
	assert_null(r.lang);
	assert_null(r.certificate);
	assert_int_equal(r.require_certificate, 0);
	assert_int_equal(r.nallow, 0);
}

/* --- location_type ------------------------------------------------------ */

static const struct {
	const char *host, *path, *name;
	const char *want;         /* NULL: no type from the locations */
} type_cases[] = {
	{ "c.example", "/docs/a.md", "a.md", "text/markdown" },
	{ "c.example", "/docs/a.MD", "/docs/a.MD", "text/markdown" },
	{ "c.example", "/docs/x.tar.gz", "x.tar.gz", "application/x-tar+gzip" },
	{ "c.example", "/docs/x.gz", "x.gz", "application/gzip" },
	/* The longest location with a type for the name decides... */
	{ "c.example", "/docs/ja/a.md", "a.md", "text/x-ja" },
	/* ...and a shorter one when it has none. */
	{ "c.example", "/docs/ja/a.txt", "a.txt", "text/x-root" },
	{ "c.example", "/docs/ja/x.gz", "x.gz", "application/gzip" },
	{ "a.example", "/docs/a.md", "a.md", "text/markdown" },
	{ "c.example", "/docs/.md", ".md", NULL },
	{ "c.example", "/docs/.md", "/docs/.md", NULL },
	{ "c.example", "/docs/md", "md", NULL },
	{ "c.example", "/docs/a.html", "a.html", NULL },
	{ "c.example", "/a.md", "a.md", NULL },
	{ "c.example", "/a.md.txt", "a.md.txt", "text/x-root" },
};

static void
test_type(void **state)
{
	struct location_rules r;
	const char *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(type_cases) / sizeof(type_cases[0]); i++) {
		location_resolve(&cfg, type_cases[i].host, type_cases[i].path,
		    &r);
		got = location_type(&r, type_cases[i].name);
		EXPECT_STR(i, "type", got, type_cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_under),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_resolve_without_locations),
		cmocka_unit_test(test_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
