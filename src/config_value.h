/*
 * config_value.h - how the values of config.ini are written: numbers,
 * switches, host names, language tags, folders. Pure: no I/O, no
 * allocation; config.c reports what these refuse, with FILE:LINE.
 */
#ifndef KIZUNA_CONFIG_VALUE_H
#define KIZUNA_CONFIG_VALUE_H

#include <stddef.h>

/* Copies src into dst (size bytes). Returns 0, or -1 when it does not
 * fit (dst then unchanged): never truncates. */
int config_value_copy(char *dst, size_t size, const char *src);

/*
 * path made absolute against cwd (an absolute directory; ignored when
 * path is absolute already), into dst (size bytes): leading "./" dropped,
 * otherwise as written, ".." and symlinks left for the kernel to follow
 * at each open. Returns 0, or -1 when it does not fit (never truncates).
 */
int config_value_absolute(const char *cwd, const char *path, char *dst,
    size_t size);

/* Removes leading and trailing blanks in place; returns the first
 * character kept, within s. */
char *config_value_trim(char *s);

/* A whole decimal number in [min, max] into *out. Returns 0 or -1. */
int config_value_int(const char *s, long min, long max, int *out);

/* Exactly "on" (1) or "off" (0) into *out. Returns 0 or -1. */
int config_value_switch(const char *s, int *out);

/* 1 when s is a numeric IPv4 or IPv6 address, else 0. */
int config_value_is_address(const char *s);

/*
 * [server] hostname: letters, digits, '-', '.' and ':', 1 to 253 of them.
 * Writes it lowercased to out (size bytes). Returns 0 or -1.
 */
int config_value_hostname(const char *s, char *out, size_t size);

/*
 * A name a [host] answers to: an IP address, or letters, digits, '-'
 * and '.' (1 to 253); with brackets allowed, also "[IPv6]". Writes it
 * lowercased, without brackets and without a final '.' to out (size
 * bytes). Returns 0 or -1.
 */
int config_value_name(const char *s, int brackets, char *out, size_t size);

/* 1 when two names stored by config_value_name name the same host (one
 * IPv6 address may be spelt several ways), else 0. */
int config_value_same_name(const char *a, const char *b);

/* 1 when s is BCP 47 tags (letters, digits, '-'), comma-separated. */
int config_value_is_lang(const char *s);

/* 1 when s is a relative folder with no ".." segment (it stays inside
 * the folder it is relative to), else 0. */
int config_value_is_inside(const char *s);

/*
 * A [location]'s prefix, without the '*' that may end it: '/' first; no
 * "." or ".." segment, no "//", no control character, no '?', '#' or
 * '*' (a request's path, decoded and tidied, has none of these, so such a
 * prefix could never match). Returns 0, or -1 with *errstr set to what is
 * wrong.
 */
int config_value_prefix(const char *s, const char **errstr);

/*
 * A file name extension: '.', then letters, digits, '-', '_', '+' or '.'
 * (".md", ".tar.gz"). Writes it lowercased to out (size bytes). Returns 0
 * or -1.
 */
int config_value_extension(const char *s, char *out, size_t size);

/*
 * A media type without parameters, type "/" subtype, each an RFC 6838
 * restricted-name (a letter or digit, then letters, digits and
 * !#$&-^_.+). Writes it lowercased to out (size bytes). Returns 0 or -1.
 */
int config_value_media_type(const char *s, char *out, size_t size);

/*
 * A SHA-256 fingerprint as kizuna logs one (32 pairs of hex digits
 * separated by ':'), in either case, or its 64 hex digits without ':',
 * either after an optional "SHA256:". Writes the 32 bytes to out.
 * Returns 0 or -1.
 */
int config_value_fingerprint(const char *s, unsigned char out[32]);

#endif
