/*
 * utf8.h - PURE: UTF-8 validation, shared by the request and article readers.
 */
#ifndef KIZUNA_UTF8_H
#define KIZUNA_UTF8_H

#include <stddef.h>

/* Returns 1 when s[0..len) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF; NUL is a character), else 0. */
int utf8_is_valid(const char *s, size_t len);

#endif
