/*
 * sni.c - the host name in a server_name extension (see sni.h).
 */
#include "sni.h"

/* The only NameType RFC 6066 defines. */
#define HOST_NAME 0

int
sni_host_name(const unsigned char *ext, size_t len, char *name,
    size_t namesize, const char **errstr)
{
	size_t list, n, i;
	unsigned char ch;

	name[0] = '\0';
	if (len < 2 || (list = (size_t)ext[0] << 8 | ext[1]) != len - 2) {
		*errstr = "server_name list length is not the extension's";
		return -1;
	}
	if (list < 3 || ext[2] != HOST_NAME) {
		*errstr = "server_name list without a host_name first";
		return -1;
	}
	if ((n = (size_t)ext[3] << 8 | ext[4]) != list - 3) {
		*errstr = "server_name: not one host_name filling the list";
		return -1;
	}
	if (n == 0) {
		*errstr = "server_name: an empty host_name";
		return -1;
	}
	if (n > SNI_NAME_MAX || n >= namesize) {
		*errstr = "server_name: a host_name over 255 bytes, or over "
		    "the buffer given";
		return -1;
	}
	for (i = 0; i < n; i++) {
		ch = ext[5 + i];
		if (ch == '\0') {
			*errstr = "server_name: a NUL in the host_name";
			name[0] = '\0';
			return -1;
		}
		if (ch < 0x21 || ch > 0x7e) {
			name[0] = '\0';
			return 0;
		}
		name[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
	}
	name[n] = '\0';
	return 1;
}
