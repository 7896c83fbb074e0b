/*
 * utf8.h - PURE: UTF-8 validation, shared by the request and article readers
 * and the log.
 */
#ifndef KIZUNA_UTF8_H
#define KIZUNA_UTF8_H

#include <stddef.h>

/* Returns 1 when s[0..len) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF; NUL is a character), else 0. */
int utf8_is_valid(const char *s, size_t len);

/* The length (1 to 4) of the well-formed character that starts s[0..len),
 * or 0 when the bytes there are not one (or len is 0). */
size_t utf8_char_length(const char *s, size_t len);

/* Whether the character s[0..n) (as utf8_char_length measured it) is a
 * control character: C0 (NUL to U+001F), DEL or C1 (U+0080 to U+009F),
 * the ones terminals act on. */
int utf8_is_control(const char *s, size_t n);

#endif
