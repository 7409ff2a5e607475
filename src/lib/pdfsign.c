/* sceau — PAdES certification signatures on PDFs (part `pdfsign`).
 *
 * The signature is an incremental update appended to the PDF as it is:
 *
 *   catalog (same number)   + /AcroForm << /Fields [... F] /SigFlags 3 >>
 *                           + /Perms << /DocMDP S >>, + /Extensions /ESIC
 *   page 1 (same number)    + /Annots [... F]
 *   F = old /Size           the signature field and its invisible widget
 *   S = old /Size + 1       the /Sig dictionary, /Contents last
 *   xref                    one subsection per run of numbers, 20-byte
 *                           entries ending in CR LF, as libharu writes them
 *   trailer                 /Size /Root /Info /ID /Prev, startxref, %%EOF
 *
 * libqpdf reads the structure (without recovery); the bytes are written
 * here, so the original revision is never rewritten. /ByteRange and
 * /Contents are reserved at a fixed width, filled once the layout is known:
 * /Contents holds exactly as many bytes as the CMS takes with the longest
 * signature the key can make, so only an ECDSA signature's few bytes of
 * variation are left as zero padding.
 *
 * OpenSSL 3.0 adds a signing-time attribute whenever it signs a
 * SignerInfo itself (CMS_SignerInfo_sign), which PAdES forbids; so the
 * SignerInfo is built partial, the DER of its signed attributes is signed
 * here, and the result is checked against what i2d_CMS_ContentInfo
 * writes. */
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <qpdf/qpdf-c.h>

#include "internal.h"
#include "sceau/pdfsign.h"

/* Where startxref is looked for: the last bytes of the file. */
#define TAIL_MAX 1024
/* Offsets and lengths are written with 10 digits (xref entries). */
#define OFFSET_MAX 9999999999ULL
/* The PDF's /Size, at most (ISO 32000 limits object numbers so). */
#define SIZE_MAX_OBJ 8388607LL
/* Field tree walked when looking for an existing signature field. */
#define FIELD_DEPTH_MAX 16
#define FIELD_NODES_MAX 4096
/* "[0 " and three 10-digit numbers with their separators and "]". */
#define BYTERANGE_WIDTH 36
#define ID_LEN          16

/* ---- the output --------------------------------------------------------- */

/* The signed PDF as it is written: the original bytes, then the update. */
struct out {
	unsigned char *p;
	size_t len, cap;
	int oom;
};

/* Room for n more bytes; 0 (and o->oom set) when there is none. */
static int room(struct out *o, size_t n)
{
	if (o->oom)
		return 0;
	if (n > o->cap - o->len) {
		size_t cap = o->cap + (o->cap >> 1) + n;
		unsigned char *p = realloc(o->p, cap);
		if (!p) {
			o->oom = 1;
			return 0;
		}
		o->p = p;
		o->cap = cap;
	}
	return 1;
}

static void put(struct out *o, const void *s, size_t n)
{
	if (!room(o, n))
		return;
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putf(struct out *o, const char *fmt, ...) SCEAU_PRINTF(2, 3);
static void putf(struct out *o, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		o->oom = 1; /* never with the formats below */
		return;
	}
	put(o, buf, (size_t)n);
}

/* `c` repeated n times (placeholders). */
static void put_fill(struct out *o, int c, size_t n)
{
	if (!room(o, n))
		return;
	memset(o->p + o->len, c, n);
	o->len += n;
}

/* Text from libqpdf without its last `drop` bytes, which must be `tail`
 * (the closing ">>" of a dictionary, "]" of an array). */
static int put_open(struct out *o, const char *text, const char *tail)
{
	size_t n = strlen(text), t = strlen(tail);

	if (n < t || memcmp(text + n - t, tail, t) != 0)
		return 0;
	put(o, text, n - t);
	return 1;
}

static void put_hex(unsigned char *at, const unsigned char *bin, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		at[2 * i] = (unsigned char)digits[bin[i] >> 4];
		at[2 * i + 1] = (unsigned char)digits[bin[i] & 15];
	}
}

/* UTF-8 `s` as a PDF text string: printable ASCII as a literal string,
 * anything else as UTF-16BE with a byte order mark, in hex. 0 (nothing
 * written) when `s` is not valid UTF-8 or holds a control character. */
static int put_text(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int ascii = 1;

	while (*p) {
		long cp = sceau_utf8_next(&p);
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return 0;
		if (cp >= 0x80)
			ascii = 0;
	}
	if (ascii) {
		put(o, "(", 1);
		for (p = (const unsigned char *)s; *p; p++) {
			if (*p == '(' || *p == ')' || *p == '\\')
				put(o, "\\", 1);
			put(o, p, 1);
		}
		put(o, ")", 1);
		return 1;
	}
	puts_(o, "<feff");
	for (p = (const unsigned char *)s; *p;) {
		long cp = sceau_utf8_next(&p);
		if (cp >= 0x10000) {
			long v = cp - 0x10000;
			putf(o, "%04lx%04lx", 0xd800 | (v >> 10), 0xdc00 | (v & 0x3ff));
		} else {
			putf(o, "%04lx", cp);
		}
	}
	puts_(o, ">");
	return 1;
}

/* ---- reading the original ----------------------------------------------- */

/* The offset that the last "startxref" in the file's tail gives into
 * *xref; 0 when there is none or it points outside the file. */
static int find_startxref(const unsigned char *pdf, size_t len, unsigned long long *xref)
{
	static const char key[] = "startxref";
	const size_t kl = sizeof(key) - 1;
	size_t i, at = len, digits = 0;
	unsigned long long v = 0;

	for (i = len > TAIL_MAX ? len - TAIL_MAX : 0; i + kl <= len; i++)
		if (memcmp(pdf + i, key, kl) == 0)
			at = i;
	if (at == len)
		return 0;
	for (i = at + kl; i < len && (pdf[i] == ' ' || pdf[i] == '\r' || pdf[i] == '\n'); i++)
		;
	for (; i < len && pdf[i] >= '0' && pdf[i] <= '9' && digits <= 10; i++, digits++)
		v = v * 10 + (unsigned)(pdf[i] - '0');
	if (!digits || digits > 10 || v >= len)
		return 0;
	*xref = v;
	return 1;
}

/* 1 when the field tree under `fields` holds a signature field, 0 when
 * not, -1 when it is too deep or too large to tell. */
static int has_sig_field(qpdf_data q, qpdf_oh fields, int depth, size_t *nodes)
{
	int n;

	if (!qpdf_oh_is_array(q, fields))
		return 0;
	if (depth > FIELD_DEPTH_MAX)
		return -1;
	n = qpdf_oh_get_array_n_items(q, fields);
	for (int i = 0; i < n; i++) {
		qpdf_oh f = qpdf_oh_get_array_item(q, fields, i);
		qpdf_oh ft;
		int r;

		if (++*nodes > FIELD_NODES_MAX)
			return -1;
		if (!qpdf_oh_is_dictionary(q, f))
			continue;
		ft = qpdf_oh_get_key(q, f, "/FT");
		if (qpdf_oh_is_name_and_equals(q, ft, "/Sig"))
			return 1;
		r = has_sig_field(q, qpdf_oh_get_key(q, f, "/Kids"), depth + 1, nodes);
		if (r)
			return r;
	}
	return 0;
}

/* What the update needs to know of the original. */
struct orig {
	unsigned long long prev; /* the last xref section's offset */
	long long size;          /* the trailer's /Size */
	int root, root_gen, page, page_gen;
	int pdf1; /* the header says 1.x: declare the ESIC extension */
};

/* A qpdf failure as SCEAU_ERR_FORMAT with qpdf's reason. */
static enum sceau_err qpdf_fail(qpdf_data q, struct sceau_error *err)
{
	if (qpdf_has_error(q)) {
		qpdf_error e = qpdf_get_error(q);
		return sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign the PDF: %s",
				  qpdf_get_error_message_detail(q, e));
	}
	if (qpdf_more_warnings(q)) {
		qpdf_error e = qpdf_next_warning(q);
		return sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign the PDF: damaged: %s",
				  qpdf_get_error_message_detail(q, e));
	}
	return SCEAU_OK;
}

/* Refuse the PDF: with libqpdf's reason when it has one, else `why`. */
static enum sceau_err refuse(qpdf_data q, struct sceau_error *err, const char *why)
{
	if (qpdf_has_error(q) || qpdf_more_warnings(q))
		return qpdf_fail(q, err);
	return sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign the PDF: %s", why);
}

/* Write the rewritten catalog and page 1 (numbers F and S for the field
 * and the signature dictionary), recording their offsets. */
static enum sceau_err put_catalog_page(qpdf_data q, const struct orig *o, long long f, long long s,
				       struct out *w, size_t *catalog_at, size_t *page_at,
				       struct sceau_error *err)
{
	qpdf_oh root = qpdf_get_root(q), page = qpdf_get_page_n(q, 0);
	qpdf_oh af = qpdf_oh_get_key(q, root, "/AcroForm");
	qpdf_oh perms = qpdf_oh_get_key(q, root, "/Perms");
	qpdf_oh ext = qpdf_oh_get_key(q, root, "/Extensions");
	qpdf_oh annots = qpdf_oh_get_key(q, page, "/Annots");
	const int af_dict = qpdf_oh_is_dictionary(q, af);
	qpdf_oh fields = af_dict ? qpdf_oh_get_key(q, af, "/Fields") : 0;
	int ok = 1;

	if ((!af_dict && !qpdf_oh_is_null(q, af)) ||
	    (af_dict && !qpdf_oh_is_null(q, fields) && !qpdf_oh_is_array(q, fields)))
		return sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign the PDF: bad /AcroForm");
	if (!qpdf_oh_is_null(q, perms) && !qpdf_oh_is_dictionary(q, perms))
		return sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign the PDF: bad /Perms");
	if (!qpdf_oh_is_null(q, ext) && !qpdf_oh_is_dictionary(q, ext))
		return sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign the PDF: bad /Extensions");
	if (!qpdf_oh_is_null(q, annots) && !qpdf_oh_is_array(q, annots))
		return sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign the PDF: bad page /Annots");

	/* The catalog, its other keys as they were. Dictionaries that gain a
	 * key (/AcroForm, /Perms, /Extensions) are written direct in it. */
	*catalog_at = w->len;
	putf(w, "%d %d obj\n", o->root, o->root_gen);
	qpdf_oh_remove_key(q, root, "/AcroForm");
	qpdf_oh_remove_key(q, root, "/Perms");
	if (o->pdf1)
		qpdf_oh_remove_key(q, root, "/Extensions");
	ok &= put_open(w, qpdf_oh_unparse_resolved(q, root), ">>");
	puts_(w, "/AcroForm ");
	if (af_dict) {
		qpdf_oh_remove_key(q, af, "/Fields");
		qpdf_oh_remove_key(q, af, "/SigFlags");
		ok &= put_open(w, qpdf_oh_unparse_resolved(q, af), ">>");
	} else {
		puts_(w, "<< ");
	}
	puts_(w, "/Fields ");
	if (af_dict && qpdf_oh_is_array(q, fields))
		ok &= put_open(w, qpdf_oh_unparse_resolved(q, fields), "]");
	else
		puts_(w, "[ ");
	putf(w, "%lld 0 R ] /SigFlags 3 >> /Perms ", f);
	if (qpdf_oh_is_dictionary(q, perms))
		ok &= put_open(w, qpdf_oh_unparse_resolved(q, perms), ">>");
	else
		puts_(w, "<< ");
	putf(w, "/DocMDP %lld 0 R >> ", s);
	if (o->pdf1) {
		/* PAdES structures in a PDF 1.7 file (ETSI EN 319 142-1). */
		puts_(w, "/Extensions ");
		if (qpdf_oh_is_dictionary(q, ext)) {
			qpdf_oh_remove_key(q, ext, "/ESIC");
			ok &= put_open(w, qpdf_oh_unparse_resolved(q, ext), ">>");
		} else {
			puts_(w, "<< ");
		}
		puts_(w, "/ESIC << /BaseVersion /1.7 /ExtensionLevel 1 >> >> ");
	}
	puts_(w, ">>\nendobj\n");

	/* Page 1 with the widget added to its annotations. */
	*page_at = w->len;
	putf(w, "%d %d obj\n", o->page, o->page_gen);
	qpdf_oh_remove_key(q, page, "/Annots");
	ok &= put_open(w, qpdf_oh_unparse_resolved(q, page), ">>");
	puts_(w, "/Annots ");
	if (qpdf_oh_is_array(q, annots))
		ok &= put_open(w, qpdf_oh_unparse_resolved(q, annots), "]");
	else
		puts_(w, "[ ");
	putf(w, "%lld 0 R ] >>\nendobj\n", f);

	if (qpdf_has_error(q) || qpdf_more_warnings(q))
		return qpdf_fail(q, err);
	if (!ok)
		return sceau_fail(err, SCEAU_ERR_INTERNAL,
				  "cannot sign the PDF: unexpected text "
				  "from libqpdf");
	return SCEAU_OK;
}

/* ---- the CMS ------------------------------------------------------------ */

struct der {
	unsigned char *p;
	int len;
};

static int der_cmp(const void *a, const void *b)
{
	const struct der *x = a, *y = b;
	int c = memcmp(x->p, y->p, (size_t)(x->len < y->len ? x->len : y->len));

	return c ? c : x->len - y->len;
}

/* A SignedData for `cert` with the chain and the signed attributes
 * content-type, message-digest (zeros until sign_cms) and
 * signing-certificate-v2; its signature is a placeholder as long as the
 * longest the key makes, so that i2d gives the most /Contents needs. */
static enum sceau_err make_cms(X509 *cert, STACK_OF(X509) * chain, EVP_PKEY *key,
			       CMS_ContentInfo **out, CMS_SignerInfo **out_si,
			       struct sceau_error *err)
{
	const unsigned flags = CMS_PARTIAL | CMS_DETACHED | CMS_BINARY;
	unsigned char zeros[EVP_MAX_MD_SIZE] = {0};
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si = NULL;
	unsigned char *sig = NULL;
	int siglen = EVP_PKEY_get_size(key);
	enum sceau_err ret = SCEAU_ERR_CRYPTO;

	if (!(cms = CMS_sign(NULL, NULL, NULL, NULL, flags)) ||
	    !(si = CMS_add1_signer(cms, cert, key, EVP_sha256(),
				   flags | CMS_CADES | CMS_NOSMIMECAP))) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot make the PDF signature");
		goto out;
	}
	for (int i = 0; chain && i < sk_X509_num(chain); i++) {
		X509 *c = sk_X509_value(chain, i);
		int dup = X509_cmp(c, cert) == 0;

		/* OpenSSL 3.0 refuses a certificate the CMS already has. */
		for (int j = 0; j < i && !dup; j++)
			dup = X509_cmp(c, sk_X509_value(chain, j)) == 0;
		if (!dup && CMS_add1_cert(cms, c) != 1) {
			ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO,
					     "cannot add the chain to the PDF signature");
			goto out;
		}
	}
	if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
					OBJ_nid2obj(NID_pkcs7_data), -1) != 1 ||
	    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, zeros,
					32) != 1) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot make the PDF signature");
		goto out;
	}
	/* Exactly these three: CMS_CADES must have added signing-certificate-v2
	 * and nothing may have added a signing time. */
	if (CMS_signed_get_attr_count(si) != 3 ||
	    CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) < 0) {
		ERR_clear_error();
		ret = sceau_fail(err, SCEAU_ERR_INTERNAL,
				 "cannot make the PDF signature: unexpected signed attributes");
		goto out;
	}
	if (siglen <= 0 || !(sig = OPENSSL_zalloc((size_t)siglen))) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot size the PDF signature");
		goto out;
	}
	ASN1_STRING_set0(CMS_SignerInfo_get0_signature(si), sig, siglen);
	*out = cms;
	*out_si = si;
	cms = NULL;
	ret = SCEAU_OK;
out:
	CMS_ContentInfo_free(cms);
	return ret;
}

/* Put `digest` in the message-digest attribute, sign the DER of the
 * signed attributes with `key`, and write the CMS (at most `max` bytes)
 * into `at` as hex. */
static enum sceau_err sign_cms(CMS_ContentInfo *cms, CMS_SignerInfo *si, EVP_PKEY *key,
			       const unsigned char *digest, unsigned char *at, size_t max,
			       struct sceau_error *err)
{
	struct der attrs[3] = {{0}};
	unsigned char *set = NULL, *sig = NULL, *der = NULL, *p;
	size_t set_len = 0, body = 0, siglen = 0;
	int n = CMS_signed_get_attr_count(si), der_len = 0, hl;
	EVP_MD_CTX *md = NULL;
	X509_ATTRIBUTE *a;
	ASN1_TYPE *t;
	enum sceau_err ret = SCEAU_ERR_CRYPTO;

	errno = 0; /* an allocation OpenSSL fails silently shows as ENOMEM */
	a = CMS_signed_get_attr(si, CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, -1));
	t = a ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;
	if (n != 3 || !t || t->type != V_ASN1_OCTET_STRING ||
	    ASN1_OCTET_STRING_set(t->value.octet_string, digest, 32) != 1) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO,
				     "cannot set the PDF signature's digest");
		goto out;
	}
	/* DER of SET OF Attribute (X.690 11.6): encodings in ascending order. */
	for (int i = 0; i < n; i++) {
		attrs[i].p = NULL;
		attrs[i].len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &attrs[i].p);
		if (attrs[i].len <= 0) {
			ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO,
					     "cannot encode the PDF signature's attributes");
			goto out;
		}
		body += (size_t)attrs[i].len;
	}
	qsort(attrs, (size_t)n, sizeof(attrs[0]), der_cmp);
	hl = body < 0x80 ? 2 : body < 0x100 ? 3 : body < 0x10000 ? 4 : 0;
	if (!hl || !(set = malloc(body + (size_t)hl))) {
		ret = sceau_fail(err, hl ? SCEAU_ERR_NOMEM : SCEAU_ERR_INTERNAL,
				 "cannot encode the PDF signature's attributes");
		goto out;
	}
	set[0] = 0x31;
	if (hl == 2) {
		set[1] = (unsigned char)body;
	} else {
		set[1] = (unsigned char)(0x80 | (hl - 2));
		for (int i = hl - 1; i >= 2; i--)
			set[i] = (unsigned char)(body >> (8 * (hl - 1 - i)));
	}
	set_len = (size_t)hl;
	for (int i = 0; i < n; i++) {
		memcpy(set + set_len, attrs[i].p, (size_t)attrs[i].len);
		set_len += (size_t)attrs[i].len;
	}

	if (!(md = EVP_MD_CTX_new()) ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, set, set_len) != 1 ||
	    !(sig = OPENSSL_malloc(siglen)) ||
	    EVP_DigestSign(md, sig, &siglen, set, set_len) != 1 || siglen > INT32_MAX) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot sign the PDF");
		goto out;
	}
	ASN1_STRING_set0(CMS_SignerInfo_get0_signature(si), sig, (int)siglen);
	sig = NULL;
	if ((der_len = i2d_CMS_ContentInfo(cms, &der)) <= 0) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot encode the PDF signature");
		goto out;
	}
	/* The SignerInfo must carry the attributes as signed: [0] IMPLICIT
	 * instead of SET, the same bytes after the tag. */
	p = memmem(der, (size_t)der_len, set + 1, set_len - 1);
	if ((size_t)der_len > max || !p || p == der || p[-1] != 0xA0) {
		if (errno == ENOMEM) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM,
					 "cannot sign the PDF: out of memory");
			goto out;
		}
		ret = sceau_fail(
			err, SCEAU_ERR_INTERNAL,
			(size_t)der_len > max
				? "cannot sign the PDF: the signature outgrew its room"
				: "cannot sign the PDF: attributes written in another order");
		goto out;
	}
	put_hex(at, der, (size_t)der_len);
	ret = SCEAU_OK;
out:
	for (int i = 0; i < 3; i++)
		OPENSSL_free(attrs[i].p);
	free(set);
	OPENSSL_free(sig);
	OPENSSL_free(der);
	EVP_MD_CTX_free(md);
	return ret;
}

/* ---- the update ---------------------------------------------------------- */

struct xent {
	long long num;
	int gen;
	size_t at;
};

static int xent_cmp(const void *a, const void *b)
{
	const struct xent *x = a, *y = b;

	return (x->num > y->num) - (x->num < y->num);
}

/* /M: "D:YYYYMMDDHHmmSSZ". */
static int pdf_date(time_t when, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&when, &tm) || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
		return 0;
	return strftime(buf, len, "D:%Y%m%d%H%M%SZ", &tm) > 0;
}

enum sceau_err sceau_pdf_sign(const unsigned char *pdf, size_t len, X509 *cert,
			      STACK_OF(X509) * chain, EVP_PKEY *key, time_t when,
			      unsigned char **out, size_t *out_len, struct sceau_error *err)
{
	struct orig o = {0};
	struct out w = {0};
	struct xent x[4];
	qpdf_data q = NULL;
	qpdf_oh trailer, info, id, root, page;
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si = NULL;
	EVP_MD_CTX *h = NULL, *h2 = NULL;
	unsigned char digest[EVP_MAX_MD_SIZE], idbin[EVP_MAX_MD_SIZE];
	char date[32], cn[256], *info_text = NULL, *id0 = NULL;
	size_t reserve, br_at, gap_a, gap_b, id_at, xref_at, field_at, sig_at;
	size_t catalog_at = 0, page_at = 0;
	long long f, s;
	int cms_len, nl;
	enum sceau_err ret = SCEAU_ERR_FORMAT;

	if (!out || !out_len || !pdf || !cert || !key)
		return sceau_fail(err, SCEAU_ERR_INVALID, "nothing to sign");
	*out = NULL;
	*out_len = 0;
	errno = 0;
	if (X509_check_private_key(cert, key) != 1) {
		if (sceau_ssl_oom())
			return sceau_fail(err, SCEAU_ERR_NOMEM,
					  "cannot sign the PDF: out of memory");
		return sceau_fail(err, SCEAU_ERR_MISMATCH,
				  "the signing key does not belong to the signer certificate");
	}
	if (!when)
		when = time(NULL);
	if (!pdf_date(when, date, sizeof(date)))
		return sceau_fail(err, SCEAU_ERR_INVALID, "cannot sign the PDF: bad signing time");
	if (len < 8 || memcmp(pdf, "%PDF-", 5) != 0)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign: not a PDF");
	if (len > OFFSET_MAX / 2)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign the PDF: too large");
	o.pdf1 = pdf[5] == '1';
	if (!find_startxref(pdf, len, &o.prev))
		return sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign the PDF: no startxref");
	if (len - o.prev < 4 || memcmp(pdf + o.prev, "xref", 4) != 0)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign the PDF: %s",
				  pdf[o.prev] >= '1' && pdf[o.prev] <= '9'
					  ? "it has an xref stream, not a table"
					  : "startxref does not point to an xref table");

	/* The structure, with libqpdf: no recovery, nothing printed. */
	if (!(q = qpdf_init()))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	qpdf_set_attempt_recovery(q, QPDF_FALSE);
	if (qpdf_read_memory(q, "PDF", (const char *)pdf, len, NULL) != QPDF_SUCCESS) {
		ret = qpdf_fail(q, err);
		goto out;
	}
	if (qpdf_is_encrypted(q)) {
		ret = refuse(q, err, "it is encrypted");
		goto out;
	}
	trailer = qpdf_get_trailer(q);
	if (qpdf_oh_has_key(q, trailer, "/XRefStm")) {
		ret = refuse(q, err, "it has an xref stream, not a table");
		goto out;
	}
	if (!qpdf_oh_get_value_as_longlong(q, qpdf_oh_get_key(q, trailer, "/Size"), &o.size) ||
	    o.size < 1 || o.size > SIZE_MAX_OBJ - 2) {
		ret = refuse(q, err, "bad trailer /Size");
		goto out;
	}
	root = qpdf_get_root(q);
	o.root = qpdf_oh_get_object_id(q, root);
	o.root_gen = qpdf_oh_get_generation(q, root);
	if (!qpdf_oh_is_dictionary(q, root) || o.root <= 0) {
		ret = refuse(q, err, "bad catalog");
		goto out;
	}
	if (qpdf_get_num_pages(q) <= 0) {
		ret = refuse(q, err, "it has no page");
		goto out;
	}
	page = qpdf_get_page_n(q, 0);
	o.page = qpdf_oh_get_object_id(q, page);
	o.page_gen = qpdf_oh_get_generation(q, page);
	if (o.page <= 0 || o.page == o.root) {
		ret = refuse(q, err, "bad first page");
		goto out;
	}
	{
		qpdf_oh af = qpdf_oh_get_key(q, root, "/AcroForm");
		qpdf_oh perms = qpdf_oh_get_key(q, root, "/Perms");
		size_t nodes = 0;
		int r = 0;

		if (qpdf_oh_is_dictionary(q, af))
			r = has_sig_field(q, qpdf_oh_get_key(q, af, "/Fields"), 0, &nodes);
		if (r == 0 && qpdf_oh_is_dictionary(q, perms) &&
		    qpdf_oh_has_key(q, perms, "/DocMDP"))
			r = 1;
		if (r) {
			ret = sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign the PDF: %s",
					 r > 0 ? "it is already signed"
					       : "its form fields are nested too deep");
			goto out;
		}
	}
	info = qpdf_oh_get_key(q, trailer, "/Info");
	if (!qpdf_oh_is_null(q, info) && !(info_text = strdup(qpdf_oh_unparse(q, info)))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* An /ID keeps its first string (ISO 32000-1, 14.4). */
	id = qpdf_oh_get_key(q, trailer, "/ID");
	if (qpdf_oh_is_array(q, id) && qpdf_oh_get_array_n_items(q, id) == 2 &&
	    qpdf_oh_is_string(q, qpdf_oh_get_array_item(q, id, 0)) &&
	    !(id0 = strdup(qpdf_oh_unparse_binary(q, qpdf_oh_get_array_item(q, id, 0))))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (qpdf_has_error(q)) {
		ret = qpdf_fail(q, err);
		goto out;
	}

	if ((ret = make_cms(cert, chain, key, &cms, &si, err)) != SCEAU_OK)
		goto out;
	if ((cms_len = i2d_CMS_ContentInfo(cms, NULL)) <= 0) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot size the PDF signature");
		goto out;
	}
	reserve = (size_t)cms_len;

	/* The original, then the update. */
	nl = pdf[len - 1] != '\n' && pdf[len - 1] != '\r';
	w.cap = len + 2 * reserve + 8192;
	if (!(w.p = malloc(w.cap))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	put(&w, pdf, len);
	if (nl)
		put(&w, "\n", 1);
	f = o.size;
	s = o.size + 1;
	if ((ret = put_catalog_page(q, &o, f, s, &w, &catalog_at, &page_at, err)) != SCEAU_OK)
		goto out;

	field_at = w.len;
	putf(&w,
	     "%lld 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V %lld 0 R "
	     "/F 132 /Rect [ 0 0 0 0 ] /P %d %d R >>\nendobj\n",
	     f, s, o.page, o.page_gen);

	sig_at = w.len;
	putf(&w,
	     "%lld 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached ",
	     s);
	/* The signer's name, for readers that show it without parsing the CMS
	 * (optional: left out when the CN cannot be a PDF text string). */
	if (sceau_cert_cn(cert, cn, sizeof(cn)) == 0 && cn[0] && strlen(cn) < sizeof(cn) - 1) {
		size_t at = w.len;
		puts_(&w, "/Name ");
		if (put_text(&w, cn))
			puts_(&w, " ");
		else
			w.len = at;
	}
	putf(&w, "/M (%s) ", date);
	puts_(&w, "/Reference [ << /Type /SigRef /TransformMethod /DocMDP /TransformParams "
		  "<< /Type /TransformParams /P 1 /V /1.2 >> >> ] /ByteRange ");
	br_at = w.len;
	put_fill(&w, ' ', BYTERANGE_WIDTH);
	puts_(&w, " /Contents ");
	gap_a = w.len;
	puts_(&w, "<");
	put_fill(&w, '0', 2 * reserve);
	puts_(&w, ">");
	gap_b = w.len;
	puts_(&w, " >>\nendobj\n");

	/* One xref subsection per run of consecutive numbers. */
	xref_at = w.len;
	x[0] = (struct xent){o.root, o.root_gen, catalog_at};
	x[1] = (struct xent){o.page, o.page_gen, page_at};
	x[2] = (struct xent){f, 0, field_at};
	x[3] = (struct xent){s, 0, sig_at};
	qsort(x, 4, sizeof(x[0]), xent_cmp);
	puts_(&w, "xref\n");
	for (int i = 0, j; i < 4; i = j) {
		for (j = i + 1; j < 4 && x[j].num == x[j - 1].num + 1; j++)
			;
		putf(&w, "%lld %d\n", x[i].num, j - i);
		for (int k = i; k < j; k++)
			putf(&w, "%010zu %05d n\r\n", x[k].at, x[k].gen);
	}
	putf(&w, "trailer\n<< /Size %lld /Root %d %d R ", s + 1, o.root, o.root_gen);
	if (info_text)
		putf(&w, "/Info %s ", info_text);
	puts_(&w, "/ID [ ");
	if (id0) {
		puts_(&w, id0);
		puts_(&w, " <");
		id_at = w.len;
	} else {
		puts_(&w, "<");
		id_at = w.len;
		put_fill(&w, '0', 2 * ID_LEN);
		puts_(&w, "> <");
	}
	put_fill(&w, '0', 2 * ID_LEN);
	putf(&w, "> ] /Prev %llu >>\nstartxref\n%zu\n%%%%EOF\n", o.prev, xref_at);
	if (w.oom) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (w.len > OFFSET_MAX) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "cannot sign the PDF: too large");
		goto out;
	}
	{
		char br[BYTERANGE_WIDTH + 1];
		int n = snprintf(br, sizeof(br), "[0 %zu %zu %zu]", gap_a, gap_b, w.len - gap_b);
		if (n < 0 || n > BYTERANGE_WIDTH) {
			ret = sceau_fail(err, SCEAU_ERR_INTERNAL,
					 "cannot sign the PDF: /ByteRange");
			goto out;
		}
		memcpy(w.p + br_at, br, (size_t)n);
	}

	/* The digest over both ranges, read in place; the /ID (SHA-256 of the
	 * original bytes, first 16 bytes) is a by-product of the first. */
	if (!(h = EVP_MD_CTX_new()) || !(h2 = EVP_MD_CTX_new()) ||
	    EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1 || EVP_DigestUpdate(h, w.p, len) != 1 ||
	    EVP_MD_CTX_copy_ex(h2, h) != 1 || EVP_DigestFinal_ex(h2, idbin, NULL) != 1) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot hash the PDF");
		goto out;
	}
	put_hex(w.p + id_at, idbin, ID_LEN);
	if (!id0)
		put_hex(w.p + id_at + 2 * ID_LEN + 3, idbin, ID_LEN);
	if (EVP_DigestUpdate(h, w.p + len, gap_a - len) != 1 ||
	    EVP_DigestUpdate(h, w.p + gap_b, w.len - gap_b) != 1 ||
	    EVP_DigestFinal_ex(h, digest, NULL) != 1) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot hash the PDF");
		goto out;
	}
	if ((ret = sign_cms(cms, si, key, digest, w.p + gap_a + 1, reserve, err)) != SCEAU_OK)
		goto out;

	*out = w.p;
	*out_len = w.len;
	w.p = NULL;
	ret = SCEAU_OK;
out:
	if (q) {
		/* qpdf_cleanup prints an error nobody fetched. */
		if (qpdf_has_error(q))
			qpdf_get_error(q);
		qpdf_cleanup(&q);
	}
	CMS_ContentInfo_free(cms);
	EVP_MD_CTX_free(h);
	EVP_MD_CTX_free(h2);
	free(w.p);
	free(info_text);
	free(id0);
	ERR_clear_error();
	return ret;
}
