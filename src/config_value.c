/*
 * config_value.c - the syntax of config.ini's values.
 */
#include "config_value.h"
#include "hex.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
config_value_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

int
config_value_absolute(const char *cwd, const char *path, char *dst,
    size_t size)
{
	int n;

	if (path[0] == '/')
		return config_value_copy(dst, size, path);
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	n = snprintf(dst, size, "%s%s%s", cwd,
	    cwd[0] != '\0' && cwd[strlen(cwd) - 1] == '/' ? "" : "/", path);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

char *
config_value_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int
config_value_int(const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int
config_value_switch(const char *s, int *out)
{
	if (strcmp(s, "on") == 0)
		*out = 1;
	else if (strcmp(s, "off") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

int
config_value_is_address(const char *s)
{
	unsigned char bin[16];

	return inet_pton(AF_INET, s, bin) == 1 ||
	    inet_pton(AF_INET6, s, bin) == 1;
}

static void
lowercase(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

int
config_value_hostname(const char *s, char *out, size_t size)
{
	const char *p;

	if (*s == '\0' || strlen(s) > 253)
		return -1;
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (!isalnum(c) && c != '-' && c != '.' && c != ':')
			return -1;
	}
	if (config_value_copy(out, size, s) == -1)
		return -1;
	lowercase(out);
	return 0;
}

/*
 * Grammar:
 *   name     = IPv6address / dns-name / "[" IPv6address "]"
 *   dns-name = 1*253( ALPHA / DIGIT / "-" / "." )   ; IPv4 is one too
 * IPv6address as inet_pton reads it (RFC 4291's text forms); the
 * bracketed form, as in a URL (RFC 3986), only where brackets are
 * allowed. One final "." (a DNS name's absolute form) is dropped: a
 * request's host is compared without it (request.c).
 */
int
config_value_name(const char *s, int brackets, char *out, size_t size)
{
	unsigned char bin[16];
	size_t n = strlen(s);
	const char *p;

	if (brackets && n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		if (n - 2 >= size)
			return -1;
		memcpy(out, s + 1, n - 2);
		out[n - 2] = '\0';
		if (inet_pton(AF_INET6, out, bin) != 1)
			return -1;
	} else if (inet_pton(AF_INET6, s, bin) == 1) {
		if (config_value_copy(out, size, s) == -1)
			return -1;
	} else {
		if (n > 1 && s[n - 1] == '.')
			n--;
		if (n == 0 || n > 253 || n >= size)
			return -1;
		for (p = s; *p != '\0'; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' &&
			    *p != '.')
				return -1;
		memcpy(out, s, n);
		out[n] = '\0';
	}
	lowercase(out);
	return 0;
}

/*
 * Equal, or one IPv6 address written two ways ("::1", "0::1"), which a
 * request matches alike (request.c). An IPv4 address has one spelling:
 * inet_pton refuses "01".
 */
int
config_value_same_name(const char *a, const char *b)
{
	unsigned char x[16], y[16];

	if (strcmp(a, b) == 0)
		return 1;
	if (inet_pton(AF_INET6, a, x) == 1)
		return inet_pton(AF_INET6, b, y) == 1 && memcmp(x, y, 16) == 0;
	return 0;
}

int
config_value_is_lang(const char *s)
{
	const char *p;

	if (*s == '\0')
		return 0;
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (!isalnum(c) && c != '-' && c != ',')
			return 0;
	}
	return 1;
}

int
config_value_is_inside(const char *s)
{
	const char *seg = s;

	if (*s == '\0' || *s == '/')
		return 0;
	for (;;) {
		size_t n = strcspn(seg, "/");

		if (n == 2 && seg[0] == '.' && seg[1] == '.')
			return 0;
		if (seg[n] == '\0')
			return 1;
		seg += n + 1;
	}
}

/*
 * Grammar (what a request's path, decoded and tidied by request.c, can
 * start with):
 *   prefix  = 1*( "/" segment )
 *   segment = *( any byte but "/", control, "?", "#", "*" ), not "." or ".."
 * and no empty segment but the last ("/docs/" ends in one; "//" is none).
 */
int
config_value_prefix(const char *s, const char **errstr)
{
	const char *seg, *p;
	size_t n;

	if (*s != '/') {
		*errstr = "it must start with '/'";
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f) {
			*errstr = "it has a control character";
			return -1;
		}
		if (c == '?' || c == '#') {
			*errstr = "it has '?' or '#', which a request's path "
			    "never has";
			return -1;
		}
		if (c == '*') {
			*errstr = "'*' may only end it";
			return -1;
		}
	}
	for (seg = s + 1;; seg += n + 1) {
		n = strcspn(seg, "/");
		if ((n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.')) {
			*errstr = "it has a \".\" or \"..\" segment";
			return -1;
		}
		if (seg[n] == '\0')
			return 0;
		if (n == 0) {
			*errstr = "it has \"//\"";
			return -1;
		}
	}
}

/* Grammar: ext = "." 1*( ALPHA / DIGIT / "-" / "_" / "+" / "." ) */
int
config_value_extension(const char *s, char *out, size_t size)
{
	const char *p;

	if (s[0] != '.' || s[1] == '\0')
		return -1;
	for (p = s + 1; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-_+.", *p) == NULL)
			return -1;
	if (config_value_copy(out, size, s) == -1)
		return -1;
	lowercase(out);
	return 0;
}

/* RFC 6838 §4.2: restricted-name, 1 to 127 characters, ending at end. */
static int
restricted_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 127 || !isalnum((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    strchr("!#$&-^_.+", s[i]) == NULL)
			return 0;
	return 1;
}

/* Grammar: media-type = restricted-name "/" restricted-name */
int
config_value_media_type(const char *s, char *out, size_t size)
{
	const char *slash = strchr(s, '/');

	if (slash == NULL || !restricted_name(s, (size_t)(slash - s)) ||
	    !restricted_name(slash + 1, strlen(slash + 1)))
		return -1;
	if (config_value_copy(out, size, s) == -1)
		return -1;
	lowercase(out);
	return 0;
}

/*
 * Grammar:
 *   fingerprint = [ "SHA256:" ] ( 31( 2HEXDIG ":" ) 2HEXDIG / 64HEXDIG )
 * case-insensitive: what kizuna logs of its own certificate, and what
 * "openssl x509 -fingerprint -sha256" and ssh-style tools print.
 */
int
config_value_fingerprint(const char *s, unsigned char out[32])
{
	unsigned char bin[32];
	int colons, hi, lo, i;

	if (strncasecmp(s, "SHA256:", 7) == 0)
		s += 7;
	colons = strlen(s) == 32 * 3 - 1;
	if (!colons && strlen(s) != 64)
		return -1;
	for (i = 0; i < 32; i++) {
		if ((hi = hex_value((unsigned char)s[0])) == -1 ||
		    (lo = hex_value((unsigned char)s[1])) == -1)
			return -1;
		bin[i] = (unsigned char)(hi << 4 | lo);
		s += 2;
		if (colons && i < 31 && *s++ != ':')
			return -1;
	}
	memcpy(out, bin, sizeof(bin));
	return 0;
}
