/*
 * test_rules.c - rules.c: a location's block, redirect and client
 * certificate answers, as the client gets them (status and META).
 *
 * Table-driven: each row is a set of rules, a request and a certificate,
 * and the header the response would start with ("" when the request goes
 * on to routing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rules.h"

static const unsigned char alice[32] = { 0xa1, 0xa2, 0xa3 };
static const unsigned char bob[32] = { 0xb1, 0xb2, 0xb3 };
static const unsigned char allow_alice[1][32] = { { 0xa1, 0xa2, 0xa3 } };

enum who { NOBODY, ALICE, BOB, ALICE_EXPIRED, UNASKED };

struct rules_case {
	const char *name;
	struct location_rules rules;
	const char *path;
	int port;                /* -1: the request named none */
	const char *query;       /* NULL: none */
	const char *hostname;
	enum who who;
	const char *header;      /* "" : routing goes on */
};

#define REDIRECT(st, to, pre, wild) .redirect_status = (st), \
	.redirect = (to), .redirect_prefix = (pre), .redirect_wildcard = (wild)

static const struct rules_case cases[] = {
	{ "nothing applies", { .matched = 0 }, "/a", -1, NULL, "h", NOBODY, "" },
	{ "block 51", { .block = 51 }, "/a", -1, NULL, "h", NOBODY,
	  "51 Not found\r\n" },
	{ "block 52", { .block = 52 }, "/a", -1, NULL, "h", NOBODY,
	  "52 Gone\r\n" },
	{ "redirect to a path", { REDIRECT(31, "/new/", "/old", 0) }, "/old",
	  -1, NULL, "h.example", NOBODY, "31 gemini://h.example/new/\r\n" },
	{ "redirect keeps the port named", { REDIRECT(31, "/new/", "/old", 0) },
	  "/old", 1966, NULL, "h.example", NOBODY,
	  "31 gemini://h.example:1966/new/\r\n" },
	{ "redirect on an IPv6 host", { REDIRECT(30, "/n", "/o", 0) }, "/o",
	  -1, NULL, "::1", NOBODY, "30 gemini://[::1]/n\r\n" },
	{ "redirect elsewhere", { REDIRECT(30, "gemini://o.example/p/", "/o/",
	  0) }, "/o/", -1, NULL, "h", NOBODY, "30 gemini://o.example/p/\r\n" },
	{ "wildcard appends the rest", { REDIRECT(31, "/new/", "/old/", 1) },
	  "/old/a/b c.gmi", -1, NULL, "h", NOBODY,
	  "31 gemini://h/new/a/b%20c.gmi\r\n" },
	{ "wildcard, no double slash", { REDIRECT(31, "/new/", "/old", 1) },
	  "/old/x", -1, NULL, "h", NOBODY, "31 gemini://h/new/x\r\n" },
	{ "wildcard keeps the query", { REDIRECT(31,
	  "gemini://o.example/n/", "/old/", 1) }, "/old/s", -1, "q=1%202",
	  "h", NOBODY, "31 gemini://o.example/n/s?q=1%202\r\n" },
	{ "wildcard at the prefix itself", { REDIRECT(31, "/new/", "/old/",
	  1) }, "/old/", -1, NULL, "h", NOBODY, "31 gemini://h/new/\r\n" },
	{ "a block wins over a redirect", { .block = 51, REDIRECT(31, "/n",
	  "/o", 0) }, "/o", -1, NULL, "h", NOBODY, "51 Not found\r\n" },
	{ "certificate required, none", { .require_certificate = 1 }, "/p",
	  -1, NULL, "h", NOBODY, "60 " },
	{ "certificate required, host never asked",
	  { .require_certificate = 1 }, "/p", -1, NULL, "h", UNASKED, "60 " },
	{ "any valid certificate", { .require_certificate = 1 }, "/p", -1,
	  NULL, "h", BOB, "" },
	{ "expired", { .require_certificate = 1 }, "/p", -1, NULL, "h",
	  ALICE_EXPIRED, "62 " },
	{ "on the list", { .require_certificate = 1,
	  .allow = allow_alice, .nallow = 1 }, "/p", -1, NULL, "h", ALICE, "" },
	{ "not on the list", { .require_certificate = 1,
	  .allow = allow_alice, .nallow = 1 }, "/p", -1, NULL, "h", BOB, "61 " },
	{ "expired and on the list", { .require_certificate = 1,
	  .allow = allow_alice, .nallow = 1 }, "/p", -1, NULL, "h",
	  ALICE_EXPIRED, "62 " },
	{ "a certificate where none is needed", { .matched = 1 }, "/p", -1,
	  NULL, "h", BOB, "" },
};

static void
test_answers(void **state)
{
	char header[RESPONSE_HEADER_MAX];
	struct rules_client client;
	struct response resp;
	struct request req;
	size_t i;
	int answered;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rules_case *t = &cases[i];

		memset(&req, 0, sizeof(req));
		snprintf(req.path, sizeof(req.path), "%s", t->path);
		req.port = t->port;
		if (t->query != NULL) {
			req.has_query = 1;
			snprintf(req.query, sizeof(req.query), "%s", t->query);
		}
		memset(&client, 0, sizeof(client));
		client.has_certificate = t->who != NOBODY && t->who != UNASKED;
		client.sha256 = t->who == BOB ? bob : alice;
		client.fingerprint = t->who == BOB ? "B1:B2:B3" : "A1:A2:A3";
		client.valid_now = t->who != ALICE_EXPIRED;
		response_init(&resp);
		answered = rules_answer(&t->rules, &req, t->hostname,
		    t->who == UNASKED ? NULL : &client, &resp);
		if (t->header[0] == '\0') {
			if (answered)
				fail_msg("%s: answered %d %s", t->name,
				    resp.status, resp.meta);
			continue;
		}
		if (!answered)
			fail_msg("%s: not answered", t->name);
		response_begin(&resp, header, sizeof(header));
		if (strncmp(header, t->header, strlen(t->header)) != 0)
			fail_msg("%s: header %s, want %s", t->name, header,
			    t->header);
		/* Whatever the status, no body goes with it. */
		assert_int_equal(response_body_length(&resp), 0);
		response_release(&resp);
	}
}

/* 61 names the certificate, so its owner can be told what to allow. */
static void
test_61_gives_the_fingerprint(void **state)
{
	const struct location_rules rules = { .require_certificate = 1,
	    .allow = allow_alice, .nallow = 1 };
	const struct rules_client bobs = { .has_certificate = 1,
	    .sha256 = bob, .fingerprint = "B1:B2:B3", .valid_now = 1 };
	struct response resp;
	struct request req = { .path = "/p", .port = -1 };

	(void)state;
	response_init(&resp);
	assert_int_equal(rules_answer(&rules, &req, "h", &bobs, &resp), 1);
	assert_int_equal(resp.status, 61);
	assert_non_null(strstr(resp.meta, "B1:B2:B3"));
	response_init(&resp);
	assert_int_equal(rules_answer(&(struct location_rules){
	    .require_certificate = 1 }, &req, "h", NULL, &resp), 1);
	assert_non_null(strstr(resp.meta, "certificate"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_61_gives_the_fingerprint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
