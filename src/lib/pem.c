/* sceau — recognise what a PEM file holds, to say so when it is the wrong
 * kind ("'r/root.key' holds a private key, not a certificate"). */
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/buffer.h>

#include "internal.h"

void sceau_pem_label(const unsigned char *buf, size_t len, char *label, size_t labellen)
{
	static const char begin[] = "-----BEGIN ";
	const char *p = (const char *)buf, *end = p + len;

	label[0] = '\0';
	while (p < end) {
		const char *hit = memmem(p, (size_t)(end - p), begin, sizeof(begin) - 1);
		if (!hit)
			return;
		if (hit == (const char *)buf || hit[-1] == '\n' || hit[-1] == '\r') {
			const char *s = hit + sizeof(begin) - 1, *e = s;
			while (e < end && *e != '-' && *e != '\n' && (size_t)(e - s) + 1 < labellen)
				e++;
			if (e + 5 <= end && !memcmp(e, "-----", 5)) {
				memcpy(label, s, (size_t)(e - s));
				label[e - s] = '\0';
				return;
			}
		}
		p = hit + 1;
	}
}

const char *sceau_pem_label_words(const char *label)
{
	if (!*label)
		return "no PEM data";
	if (!strcmp(label, "CERTIFICATE") || !strcmp(label, "TRUSTED CERTIFICATE") ||
	    !strcmp(label, "X509 CERTIFICATE"))
		return "a certificate";
	if (strstr(label, "PRIVATE KEY"))
		return "a private key";
	if (strstr(label, "PUBLIC KEY"))
		return "a public key";
	if (!strcmp(label, "X509 CRL"))
		return "a revocation list (CRL)";
	if (strstr(label, "CERTIFICATE REQUEST"))
		return "a certificate request";
	if (!strcmp(label, "PKCS7") || !strcmp(label, "CMS"))
		return "a CMS/PKCS#7 structure";
	return "something else";
}

enum sceau_err sceau_bio_take(BIO *bio, unsigned char **out, size_t *out_len,
			      struct sceau_error *err)
{
	BUF_MEM *mem = NULL;

	BIO_get_mem_ptr(bio, &mem);
	if (!mem || !(*out = malloc(mem->length + 1)))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	memcpy(*out, mem->data, mem->length);
	(*out)[mem->length] = '\0';
	*out_len = mem->length;
	return SCEAU_OK;
}
