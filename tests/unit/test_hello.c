/*
 * test_hello.c - the ClientHello scan (links hello.c only): what each
 * stream of client bytes gives, fed whole and one byte at a time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "hello.h"

#define MAX 16384

/* A record: type, version 3.1, 16-bit length, then the body. */
static size_t
record(unsigned char *out, unsigned type, const unsigned char *body,
    size_t len)
{
	out[0] = (unsigned char)type;
	out[1] = 3;
	out[2] = 1;
	out[3] = (unsigned char)(len >> 8);
	out[4] = (unsigned char)len;
	memcpy(out + 5, body, len);
	return 5 + len;
}

/* A handshake message's header: type, 24-bit length. */
static void
msg_head(unsigned char *out, unsigned type, unsigned long len)
{
	out[0] = (unsigned char)type;
	out[1] = (unsigned char)(len >> 16);
	out[2] = (unsigned char)(len >> 8);
	out[3] = (unsigned char)len;
}

struct stream {
	unsigned char bytes[4096];
	size_t len;
};

/* Appends a handshake record holding one message's header and n bytes
 * of its body (the rest of it never sent). */
static void
add_hello(struct stream *s, unsigned type, unsigned long announced,
    size_t n)
{
	unsigned char body[600] = { 0 };

	msg_head(body, type, announced);
	s->len += record(s->bytes + s->len, 22, body, 4 + n);
}

static void
add_record(struct stream *s, unsigned type, const char *body)
{
	s->len += record(s->bytes + s->len, type, (const unsigned char *)body,
	    strlen(body));
}

/* The verdict for the stream fed whole, checked the same fed bytewise. */
static enum hello_verdict
scan(const struct stream *st, int tls12)
{
	struct hello_scan whole = { .sealed = 0 }, bytewise = { .sealed = 0 };
	enum hello_verdict v, w = HELLO_FINE;
	size_t i;

	v = hello_scan_feed(&whole, st->bytes, st->len, MAX, tls12);
	for (i = 0; i < st->len && w == HELLO_FINE; i++)
		w = hello_scan_feed(&bytewise, st->bytes + i, 1, MAX, tls12);
	assert_int_equal(v, w);
	return v;
}

static void
test_first_hello(void **state)
{
	static const struct {
		unsigned long announced;
		enum hello_verdict want;
	} cases[] = {
		{ 512, HELLO_FINE },
		{ MAX, HELLO_FINE },
		{ MAX + 1, HELLO_TOO_BIG },
		{ 131000, HELLO_TOO_BIG },
		{ 0xffffff, HELLO_TOO_BIG },
	};
	struct stream st;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		st.len = 0;
		add_hello(&st, 1, cases[i].announced, 500);
		assert_int_equal(scan(&st, 0), cases[i].want);
	}
}

/* After a HelloRetryRequest: a dummy change_cipher_spec (RFC 8446 D.4),
 * then the second ClientHello, checked as the first. */
static void
test_second_hello_after_retry(void **state)
{
	struct stream st = { .len = 0 };
	unsigned char body[200] = { 0 };

	(void)state;
	msg_head(body, 1, 196);
	st.len += record(st.bytes, 22, body, sizeof(body));
	add_record(&st, 20, "\x01");
	add_hello(&st, 1, 131000, 100);
	assert_int_equal(scan(&st, 0), HELLO_TOO_BIG);
	st.len -= 5 + 4 + 100;
	add_hello(&st, 1, 300, 296);
	assert_int_equal(scan(&st, 0), HELLO_FINE);
}

/* Other handshake messages may be large (a client's certificates), and
 * a message may cross records: its body is skipped, not read as headers. */
static void
test_other_messages_and_bodies(void **state)
{
	struct stream st = { .len = 0 };
	unsigned char body[300];

	(void)state;
	memset(body, 1, sizeof(body));  /* would read as a huge ClientHello */
	msg_head(body, 11, 100000);
	st.len += record(st.bytes, 22, body, sizeof(body));
	st.len += record(st.bytes + st.len, 22, body + 4, 200);
	assert_int_equal(scan(&st, 1), HELLO_FINE);
	/* Two messages in one record: the second's header is read. */
	st.len = 0;
	msg_head(body, 16, 10);
	msg_head(body + 14, 1, 200000);
	st.len += record(st.bytes, 22, body, 18);
	assert_int_equal(scan(&st, 1), HELLO_TOO_BIG);
}

/* A ClientHello's header across records is refused (it hid the length);
 * another message's is read across them. */
static void
test_split_header(void **state)
{
	struct stream st = { .len = 0 };
	unsigned char head[4];

	(void)state;
	msg_head(head, 1, 300);
	st.len += record(st.bytes, 22, head, 2);
	st.len += record(st.bytes + st.len, 22, head + 2, 2);
	assert_int_equal(scan(&st, 0), HELLO_SPLIT);
	st.len = 0;
	msg_head(head, 16, 100000);
	st.len += record(st.bytes, 22, head, 1);
	st.len += record(st.bytes + st.len, 22, head + 1, 3);
	assert_int_equal(scan(&st, 1), HELLO_FINE);
}

/* Encrypted bytes are never read as headers: after application_data, a
 * TLS 1.2 change_cipher_spec, or a record type that is not TLS's. */
static void
test_stops_where_encryption_starts(void **state)
{
	struct stream st = { .len = 0 };
	unsigned char junk[8];

	(void)state;
	msg_head(junk, 1, 0xffffff);
	memcpy(junk + 4, "\x01\xff\xff\xff", 4);
	add_hello(&st, 1, 200, 200);
	add_record(&st, 20, "\x01");
	st.len += record(st.bytes + st.len, 22, junk, sizeof(junk));
	assert_int_equal(scan(&st, 1), HELLO_FINE);
	st.len = 0;
	add_record(&st, 23, "sealed");
	st.len += record(st.bytes + st.len, 22, junk, sizeof(junk));
	assert_int_equal(scan(&st, 0), HELLO_FINE);
	/* An SSLv2-style hello: OpenSSL judges it. */
	memcpy(st.bytes, "\x80\x2e\x01\x03\x01", 5);
	st.len = 5;
	st.len += record(st.bytes + st.len, 22, junk, sizeof(junk));
	assert_int_equal(scan(&st, 0), HELLO_FINE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_hello),
		cmocka_unit_test(test_second_hello_after_retry),
		cmocka_unit_test(test_other_messages_and_bodies),
		cmocka_unit_test(test_split_header),
		cmocka_unit_test(test_stops_where_encryption_starts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
