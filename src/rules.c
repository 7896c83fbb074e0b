/*
 * rules.c - PURE: a location's block, redirect and client-certificate
 * answers.
 */
#include "rules.h"

#include <stdio.h>
#include <string.h>

#include "url.h"

/* The rest of path after prefix, for a wildcard redirect ("" when none). */
static const char *
rest_of(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 ? path + n : "";
}

/*
 * The redirect's URL into url (size bytes). Returns 0, or -1 when it does
 * not fit in a META.
 */
static int
redirect_url(const struct location_rules *rules, const struct request *req,
    const char *hostname, char *url, size_t size)
{
	char rest[URL_MAX * 3 + 1] = "", port[16] = "";
	const char *target = rules->redirect;
	const char *lb = "", *rb = "", *r;
	size_t tlen = strlen(target);
	int n;

	if (rules->redirect_wildcard) {
		r = rest_of(req->path, rules->redirect_prefix);
		/* "/new/" and "/a": one slash between them, not two. */
		if (tlen > 0 && target[tlen - 1] == '/' && r[0] == '/')
			r++;
		if (url_encode_path(r, rest, sizeof(rest)) == -1)
			return -1;
	}
	if (target[0] == '/') {
		if (req->port != -1)
			snprintf(port, sizeof(port), ":%d", req->port);
		if (strchr(hostname, ':') != NULL) {
			lb = "[";
			rb = "]";
		}
		n = snprintf(url, size, "gemini://%s%s%s%s%s%s%s%s", lb,
		    hostname, rb, port, target, rest,
		    rules->redirect_wildcard && req->has_query ? "?" : "",
		    rules->redirect_wildcard && req->has_query ?
		    req->query : "");
	} else
		n = snprintf(url, size, "%s%s%s%s", target, rest,
		    rules->redirect_wildcard && req->has_query ? "?" : "",
		    rules->redirect_wildcard && req->has_query ?
		    req->query : "");
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Whether the certificate is on the allow list. */
static int
allowed(const struct location_rules *rules, const unsigned char *sha256)
{
	int i;

	for (i = 0; i < rules->nallow; i++)
		if (memcmp(rules->allow[i], sha256, 32) == 0)
			return 1;
	return 0;
}

int
rules_answer(const struct location_rules *rules, const struct request *req,
    const char *hostname, const struct rules_client *client,
    struct response *resp)
{
	char url[RESPONSE_META_MAX + 1], meta[RESPONSE_META_MAX + 1];

	if (rules->block == 52) {
		response_status(resp, 52, "Gone");
		return 1;
	}
	if (rules->block == 51) {
		response_status(resp, 51, "Not found");
		return 1;
	}
	if (rules->redirect_status != 0 && rules->redirect != NULL) {
		if (redirect_url(rules, req, hostname, url, sizeof(url)) == -1 ||
		    response_redirect(resp, rules->redirect_status, url) == -1)
			response_status(resp, 59, "URL too long");
		return 1;
	}
	if (!rules->require_certificate)
		return 0;
	if (client == NULL || !client->has_certificate) {
		response_status(resp, 60, "This page needs a client "
		    "certificate: choose or create an identity in your "
		    "client, then ask again");
		return 1;
	}
	if (!client->valid_now) {
		response_status(resp, 62, "Certificate not valid: it has "
		    "expired or is not valid yet; use another identity");
		return 1;
	}
	if (rules->nallow > 0 && !allowed(rules, client->sha256)) {
		snprintf(meta, sizeof(meta), "Certificate not authorised "
		    "here: ask the capsule's owner to allow %s",
		    client->fingerprint != NULL ? client->fingerprint :
		    "its fingerprint");
		response_status(resp, 61, meta);
		return 1;
	}
	return 0;
}
