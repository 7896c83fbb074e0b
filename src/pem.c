/*
 * pem.c - the DER inside a private key's PEM text (see pem.h).
 */
#define _GNU_SOURCE   /* memmem, explicit_bzero */
#include "pem.h"

#include <limits.h>
#include <string.h>

static const char begin_mark[] = "-----BEGIN ";
static const char end_mark[] = "-----END ";
static const char dashes[] = "-----";
/* RFC 1421 section 4.6.1.1: the first header of an encrypted message. */
static const char proc_type[] = "Proc-Type:";
static const char encrypted[] = "the private key is encrypted: kizuna needs "
    "an unencrypted key (openssl pkey -in KEY -out NEW writes one, asking "
    "for the passphrase)";

#define LEN(s) (sizeof(s) - 1)

/*
 * Whether line[0..n) (without its LF) is mark LABEL "-----", blanks or a
 * CR allowed after it; if so, *label and *labellen say where LABEL is.
 */
static int
armour_line(const char *line, size_t n, const char *mark, size_t marklen,
    const char **label, size_t *labellen)
{
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
	    line[n - 1] == '\r'))
		n--;
	if (n < marklen + LEN(dashes) || memcmp(line, mark, marklen) != 0 ||
	    memcmp(line + n - LEN(dashes), dashes, LEN(dashes)) != 0)
		return 0;
	*label = line + marklen;
	*labellen = n - marklen - LEN(dashes);
	return 1;
}

static int
is_key_label(const char *label, size_t n)
{
	static const char key[] = "PRIVATE KEY";

	return n >= LEN(key) && memcmp(label + n - LEN(key), key,
	    LEN(key)) == 0;
}

/*
 * Whether the line at p is the header an old-style encrypted key (OpenSSL's
 * "traditional" format) puts right after BEGIN: "Proc-Type: 4,ENCRYPTED".
 */
static int
is_encrypted_header(const char *p, const char *stop)
{
	const char *eol = memchr(p, '\n', (size_t)(stop - p));
	size_t n = (size_t)((eol != NULL ? eol : stop) - p);

	return n >= LEN(proc_type) &&
	    memcmp(p, proc_type, LEN(proc_type)) == 0 &&
	    memmem(p, n, "ENCRYPTED", 9) != NULL;
}

/* The value of a base64 digit (RFC 4648, table 1), or -1. */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * The base64 from p up to the END line, into der. Returns the DER's
 * length, or -1 with *errstr set.
 */
static long
decode_body(const char *p, const char *stop, const char *label,
    size_t labellen, unsigned char *der, size_t dersize, const char **errstr)
{
	unsigned char group[4];   /* a group's values: wiped on the way out */
	size_t ngroup = 0, npad = 0, out = 0, nbytes, rest;
	long rc = -1;
	int v;

	for (; p < stop && *p != '-'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			continue;
		if (*p == '=') {
			/* Pads only the third and fourth of a group:
			 * "xx==" (one byte) or "xxx=" (two). */
			if (ngroup < 2) {
				*errstr = "misplaced base64 padding";
				goto out;
			}
			npad++;
			v = 0;
		} else if (npad > 0) {
			*errstr = "base64 after the padding";
			goto out;
		} else if ((v = b64_value((unsigned char)*p)) == -1) {
			*errstr = "not base64 between BEGIN and END";
			goto out;
		}
		group[ngroup++] = (unsigned char)v;
		if (ngroup < 4)
			continue;
		nbytes = 3 - npad;
		if (dersize - out < nbytes) {
			*errstr = "private key larger than its buffer";
			goto out;
		}
		der[out++] = (unsigned char)(group[0] << 2 | group[1] >> 4);
		if (nbytes > 1)
			der[out++] = (unsigned char)(group[1] << 4 | group[2] >> 2);
		if (nbytes > 2)
			der[out++] = (unsigned char)(group[2] << 6 | group[3]);
		ngroup = 0;
	}
	if (p >= stop) {
		*errstr = "no END line";
		goto out;
	}
	if (ngroup != 0) {
		*errstr = "base64 cut short (not a whole group of four)";
		goto out;
	}
	if (out == 0) {
		*errstr = "nothing between BEGIN and END";
		goto out;
	}
	/* RFC 7468: the END line's label is the BEGIN line's. */
	rest = (size_t)(stop - p);
	if (rest < LEN(end_mark) + labellen + LEN(dashes) ||
	    memcmp(p, end_mark, LEN(end_mark)) != 0 ||
	    memcmp(p + LEN(end_mark), label, labellen) != 0 ||
	    memcmp(p + LEN(end_mark) + labellen, dashes, LEN(dashes)) != 0) {
		*errstr = "no END line matching the BEGIN line";
		goto out;
	}
	rc = (long)out;
out:
	explicit_bzero(group, sizeof(group));
	return rc;
}

long
pem_key_to_der(const char *pem, size_t len, unsigned char *der,
    size_t dersize, const char **errstr)
{
	const char *p = pem, *stop = pem + len, *eol, *label;
	size_t labellen;

	if (len > LONG_MAX) {
		*errstr = "PEM text too large";
		return -1;
	}
	while (p < stop) {
		if ((eol = memchr(p, '\n', (size_t)(stop - p))) == NULL)
			eol = stop;
		if (armour_line(p, (size_t)(eol - p), begin_mark,
		    LEN(begin_mark), &label, &labellen) &&
		    is_key_label(label, labellen)) {
			if (memmem(label, labellen, "ENCRYPTED", 9) != NULL) {
				*errstr = encrypted;
				return -1;
			}
			if (eol == stop) {
				*errstr = "no END line";
				return -1;
			}
			if (is_encrypted_header(eol + 1, stop)) {
				*errstr = encrypted;
				return -1;
			}
			return decode_body(eol + 1, stop, label, labellen,
			    der, dersize, errstr);
		}
		if (eol == stop)
			break;
		p = eol + 1;
	}
	*errstr = "no BEGIN line of a private key";
	return -1;
}
