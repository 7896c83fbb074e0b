/*
 * rules.h - PURE: what a location's rules answer before any file is looked
 * at: a block, a redirect, or a client certificate that is missing, not
 * valid now, or not let in.
 *
 * The rules come from location_resolve (location.h); the client's
 * certificate from the TLS connection (tls_conn_peer). Listing, lang and
 * types are for routing (capsule.h), which comes after.
 */
#ifndef KIZUNA_RULES_H
#define KIZUNA_RULES_H

#include "location.h"
#include "request.h"
#include "response.h"

/* The client's certificate, as far as the rules care. */
struct rules_client {
	int has_certificate;          /* 0: it sent none */
	const unsigned char *sha256;  /* its SHA-256, 32 bytes (with one) */
	const char *fingerprint;      /* the same, as kizuna writes it */
	int valid_now;                /* 0: expired, or not valid yet */
};

/*
 * The request's answer under rules, in this order, the first that applies:
 *   block                                  -> 51 or 52
 *   a redirect for this path               -> 30 or 31 to its target:
 *       a gemini:// URL as written; a path, made absolute on hostname
 *       (IPv6 in brackets) and the port the request named; with a
 *       wildcard, the rest of the path after the location's prefix
 *       appended, percent-encoded, and the query kept
 *   a certificate required, none sent      -> 60, META saying what to do
 *   one sent but expired or not yet valid  -> 62
 *   one sent but not on a non-empty allow  -> 61 (META gives its
 *                                             fingerprint, for the owner)
 * Returns 1 and builds *resp when one applies, 0 when the request goes on
 * to routing (resp untouched). client may be NULL when no certificate can
 * have been asked for (rules->require_certificate is then 0 anyway).
 */
int rules_answer(const struct location_rules *rules,
    const struct request *req, const char *hostname,
    const struct rules_client *client, struct response *resp);

#endif
