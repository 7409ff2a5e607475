/* sceau — one PDF signature on its own: does its byte range cover the
 * whole file but its own /Contents, and does its CMS sign those bytes?
 *
 * The rules are pyHanko's and the PDF-insecurity research's (USF, ISA,
 * SWA): /ByteRange is exactly [0 a c n] with n reaching the end of the
 * file, and [a, c) is exactly the `<hex>` string this dictionary's
 * /Contents was read from. With both, every byte of the file but the
 * signature itself is signed, so nothing can be added, moved or wrapped. */
#include <string.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "verify_int.h"

#define bad(r, code, ...) sceau_verdict_set(&(r)->verdict, code, __VA_ARGS__)

static int pdf_space(unsigned char c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Does buf[a..c) hold `<hex>` that decodes to exactly `want`? */
static int gap_is(const unsigned char *buf, size_t a, size_t c, const unsigned char *want,
		  size_t want_len)
{
	size_t n = c - a - 2;

	if (buf[a] != '<' || buf[c - 1] != '>' || n % 2 || n / 2 != want_len)
		return 0;
	for (size_t i = 0; i < want_len; i++) {
		int hi = hexval(buf[a + 1 + 2 * i]), lo = hexval(buf[a + 2 + 2 * i]);
		if (hi < 0 || lo < 0 || (unsigned)(hi << 4 | lo) != want[i])
			return 0;
	}
	return 1;
}

/* Is offset `a` inside the body of object `objid` ("N G obj" before it,
 * no "endobj" between)? A gap inside another object is another
 * signature's /Contents. */
static int inside_object(const unsigned char *buf, size_t a, int objid)
{
	size_t i = a, lim = a > ((size_t)1 << 20) ? a - ((size_t)1 << 20) : 0;
	long n = 0, mul = 1;

	while (i > lim + 3) {
		i--;
		if (buf[i] != 'o' || memcmp(buf + i, "obj", 3) != 0)
			continue;
		if (i >= 3 && memcmp(buf + i - 3, "end", 3) == 0)
			return 0;
		if (i == 0 || !pdf_space(buf[i - 1]))
			continue;
		/* "N G obj" */
		i--;
		while (i > 0 && pdf_space(buf[i - 1]))
			i--;
		while (i > 0 && buf[i - 1] >= '0' && buf[i - 1] <= '9')
			i--;
		while (i > 0 && pdf_space(buf[i - 1]))
			i--;
		for (; i > 0 && buf[i - 1] >= '0' && buf[i - 1] <= '9' && mul < 1000000000; i--) {
			n += (buf[i - 1] - '0') * mul;
			mul *= 10;
		}
		return mul > 1 && n == objid;
	}
	return 0;
}

/* Coverage. Returns 1 with *a, *c, *end set when the byte range is sound
 * (the end may fall short of the file: r->whole says), else 0 with the
 * verdict set. */
static int coverage(const unsigned char *buf, size_t len, const struct sceau_pdf_sig *sig,
		    struct sceau_pdf_sig_report *r, size_t *a, size_t *c, size_t *end)
{
	const long long *br = sig->byterange;
	size_t k;

	if (sig->contents_kind == SCEAU_PDF_ABSENT) {
		bad(r, SCEAU_VERDICT_INVALID, "the signature has no /Contents");
		return 0;
	}
	if (sig->contents_kind != SCEAU_PDF_OK || sig->contents_len == 0) {
		bad(r, SCEAU_VERDICT_INVALID, "the signature's /Contents is %s",
		    sig->contents_kind == SCEAU_PDF_OK ? "empty" : "not a string");
		return 0;
	}
	if (sig->byterange_kind == SCEAU_PDF_ABSENT) {
		bad(r, SCEAU_VERDICT_INVALID, "the signature has no /ByteRange");
		return 0;
	}
	if (sig->byterange_kind != SCEAU_PDF_OK || sig->n_byterange != 4 || !sig->byterange_ints) {
		bad(r, SCEAU_VERDICT_INVALID, "the signature's /ByteRange is not four integers");
		return 0;
	}
	if (br[0] != 0) {
		bad(r, SCEAU_VERDICT_INVALID,
		    "the signature's /ByteRange starts at byte %lld, not 0: the start of the file "
		    "is not signed",
		    br[0]);
		return 0;
	}
	if (br[1] < 0 || br[2] < 0 || br[3] < 0 || br[2] < br[1] + 2 ||
	    (unsigned long long)br[2] > len || (unsigned long long)br[3] > len - (size_t)br[2]) {
		bad(r, SCEAU_VERDICT_INVALID,
		    "the signature's /ByteRange [%lld %lld %lld %lld] does not fit the file (%zu "
		    "bytes)",
		    br[0], br[1], br[2], br[3], len);
		return 0;
	}
	*a = (size_t)br[1];
	*c = (size_t)br[2];
	*end = *c + (size_t)br[3];
	/* The gap is the hex string of this dictionary's /Contents: the same
	 * bytes, right after its key. */
	for (k = *a; k > 0 && pdf_space(buf[k - 1]); k--)
		;
	if (!gap_is(buf, *a, *c, sig->contents, sig->contents_len) || k < 9 ||
	    memcmp(buf + k - 9, "/Contents", 9) != 0 ||
	    (sig->objid > 0 && !inside_object(buf, *a, sig->objid))) {
		bad(r, SCEAU_VERDICT_INVALID,
		    "the unsigned gap of /ByteRange (bytes %zu to %zu) is not this signature's "
		    "/Contents",
		    *a, *c);
		return 0;
	}
	r->bytes_after = len - *end;
	r->whole = *end == len;
	return 1;
}

static void describe_key(X509 *x, struct sceau_pdf_sig_report *r)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	char group[64] = "";
	size_t glen = 0;

	if (!pk)
		return;
	if (EVP_PKEY_is_a(pk, "EC")) {
		EVP_PKEY_get_group_name(pk, group, sizeof(group), &glen);
		snprintf(r->key_type, sizeof(r->key_type), "ECDSA %.24s",
			 !strcmp(group, "prime256v1")  ? "P-256"
			 : !strcmp(group, "secp384r1") ? "P-384"
			 : !strcmp(group, "secp521r1") ? "P-521"
						       : group);
	} else if (EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_is_a(pk, "RSA-PSS")) {
		snprintf(r->key_type, sizeof(r->key_type), "RSA %d", EVP_PKEY_get_bits(pk));
	} else {
		snprintf(r->key_type, sizeof(r->key_type), "%s", EVP_PKEY_get0_type_name(pk));
	}
}

/* Keys sceau accepts: ECDSA on P-256/384/521, RSA of 2048 bits or more. */
static int key_ok(X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	char group[64] = "";
	size_t glen = 0;

	if (!pk)
		return 0;
	if (EVP_PKEY_is_a(pk, "EC"))
		return EVP_PKEY_get_group_name(pk, group, sizeof(group), &glen) == 1 &&
		       (!strcmp(group, "prime256v1") || !strcmp(group, "secp384r1") ||
			!strcmp(group, "secp521r1"));
	if (EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_is_a(pk, "RSA-PSS"))
		return EVP_PKEY_get_bits(pk) >= 2048;
	return 0;
}

/* SHA-1 is computed so that the report says whether the bytes are intact,
 * but never accepted (*weak). */
static const EVP_MD *digest_of(CMS_SignerInfo *si, struct sceau_pdf_sig_report *r, int *weak)
{
	X509_ALGOR *alg = NULL;
	const ASN1_OBJECT *obj = NULL;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, &alg, NULL);
	if (!alg)
		return NULL;
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	switch (OBJ_obj2nid(obj)) {
	case NID_sha256:
		snprintf(r->digest, sizeof(r->digest), "sha256");
		return EVP_sha256();
	case NID_sha384:
		snprintf(r->digest, sizeof(r->digest), "sha384");
		return EVP_sha384();
	case NID_sha512:
		snprintf(r->digest, sizeof(r->digest), "sha512");
		return EVP_sha512();
	case NID_sha1:
		snprintf(r->digest, sizeof(r->digest), "sha1");
		*weak = 1;
		return EVP_sha1();
	default:
		OBJ_obj2txt(r->digest, sizeof(r->digest), obj, 0);
		return NULL;
	}
}

/* The signing-certificate(-v2) attribute, when present, must name the
 * signer (ESS: a substituted certificate with the same key is refused).
 * Returns 1 when present, 0 absent, -1 when it names another certificate
 * or does not parse. */
static int signing_cert(CMS_SignerInfo *si, X509 *signer)
{
	ASN1_STRING *v1 = CMS_signed_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_id_smime_aa_signingCertificate), -3, V_ASN1_SEQUENCE);
	ASN1_STRING *v2 = CMS_signed_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE);
	ESS_SIGNING_CERT *ss = NULL;
	ESS_SIGNING_CERT_V2 *ssv2 = NULL;
	STACK_OF(X509) *chain = NULL;
	const unsigned char *p;
	int ret = -1;

	ERR_clear_error();
	if (!v1 && !v2)
		return CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificate, -1) < 0 &&
				       CMS_signed_get_attr_by_NID(
					       si, NID_id_smime_aa_signingCertificateV2, -1) < 0
			       ? 0
			       : -1;
	if (v1 && !(p = ASN1_STRING_get0_data(v1),
		    ss = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(v1))))
		goto out;
	if (v2 && !(p = ASN1_STRING_get0_data(v2),
		    ssv2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(v2))))
		goto out;
	if (!(chain = sk_X509_new_null()) || !sk_X509_push(chain, signer))
		goto out;
	ret = OSSL_ESS_check_signing_certs(ss, ssv2, chain, 1) > 0 ? 1 : -1;
out:
	sk_X509_free(chain);
	ESS_SIGNING_CERT_free(ss);
	ESS_SIGNING_CERT_V2_free(ssv2);
	ERR_clear_error();
	return ret;
}

static void pades(const char *subfilter, int has_ct, int has_sc, int has_st,
		  struct sceau_pdf_sig_report *r)
{
	const char *why = NULL;

	if (!subfilter || strcmp(subfilter, "ETSI.CAdES.detached") != 0)
		why = "not ETSI.CAdES.detached";
	else if (has_st)
		why = "a signing-time attribute (PAdES puts the time in /M)";
	else if (!has_sc)
		why = "no signing-certificate attribute";
	else if (!has_ct)
		why = "no content-type attribute";
	r->pades = !why;
	r->pades_note[0] = 0;
	if (why && strcmp(why, "not ETSI.CAdES.detached") == 0)
		snprintf(r->pades_note, sizeof(r->pades_note), "not PAdES: SubFilter %s%s",
			 subfilter ? subfilter : "missing",
			 has_st ? ", with a signing-time attribute" : "");
	else if (why)
		snprintf(r->pades_note, sizeof(r->pades_note), "not PAdES: %s", why);
}

/* The CMS: returns SCEAU_OK with the verdict set; *signer as for
 * sceau_sig_check. */
static enum sceau_err cms_check(const unsigned char *buf, size_t a, size_t c, size_t end,
				const struct sceau_pdf_sig *sig, struct sceau_pdf_sig_report *r,
				X509 **signer, int *weak, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_NOMEM;
	const unsigned char *p = sig->contents;
	CMS_ContentInfo *cms = NULL;
	STACK_OF(CMS_SignerInfo) * sis;
	STACK_OF(X509) *certs = NULL;
	CMS_SignerInfo *si;
	EVP_MD_CTX *md = NULL;
	const EVP_MD *dig;
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned hash_len = 0;
	ASN1_OCTET_STRING *want;
	ASN1_OBJECT *ctype;
	X509 *x = NULL;
	int has_st, sc;

	if (!(cms = d2i_CMS_ContentInfo(NULL, &p, (long)sig->contents_len))) {
		bad(r, SCEAU_VERDICT_INVALID, "the signature's /Contents is not a CMS structure");
		goto verdict;
	}
	/* /Contents is reserved larger than the CMS; the rest must be zeros. */
	for (const unsigned char *q = p; q < sig->contents + sig->contents_len; q++)
		if (*q) {
			bad(r, SCEAU_VERDICT_INVALID,
			    "the signature's /Contents has data after its CMS structure");
			goto verdict;
		}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
	    OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
		bad(r, SCEAU_VERDICT_INVALID, "the signature's CMS is not SignedData over data");
		goto verdict;
	}
	if (CMS_is_detached(cms) != 1) {
		bad(r, SCEAU_VERDICT_INVALID, "the signature's CMS is not detached");
		goto verdict;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		bad(r, SCEAU_VERDICT_INVALID, "the signature's CMS has %d signers, not one",
		    sk_CMS_SignerInfo_num(sis));
		goto verdict;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	certs = CMS_get1_certs(cms);
	for (int i = 0; certs && i < sk_X509_num(certs); i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0) {
			x = sk_X509_value(certs, i);
			break;
		}
	if (!x) {
		bad(r, SCEAU_VERDICT_INVALID,
		    "the signature does not carry its signer's certificate");
		goto verdict;
	}
	if (!X509_up_ref(x))
		goto out;
	*signer = x;
	if (sceau_cert_cn(x, r->signer, sizeof(r->signer)) < 0)
		snprintf(r->signer, sizeof(r->signer), "(no common name)");
	sceau_cert_serial_hex(x, r->signer_serial, sizeof(r->signer_serial));
	X509_NAME_get_text_by_NID(X509_get_issuer_name(x), NID_commonName, r->signer_issuer,
				  sizeof(r->signer_issuer));
	describe_key(x, r);
	if (!(dig = digest_of(si, r, weak))) {
		bad(r, SCEAU_VERDICT_INVALID,
		    "the signature's digest '%s' is not accepted (SHA-256, SHA-384, SHA-512)",
		    r->digest);
		goto verdict;
	}
	if (!key_ok(x)) {
		bad(r, SCEAU_VERDICT_INVALID,
		    "the signer's key (%s) is not accepted (ECDSA P-256/384/521, RSA 2048+)",
		    r->key_type);
		goto verdict;
	}
	/* The two ranges, digested where they lie. */
	if (!(md = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(md, dig, NULL) ||
	    !EVP_DigestUpdate(md, buf, a) || !EVP_DigestUpdate(md, buf + c, end - c) ||
	    !EVP_DigestFinal_ex(md, hash, &hash_len)) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot digest the signed bytes");
		goto out;
	}
	if (CMS_signed_get_attr_count(si) <= 0) {
		bad(r, SCEAU_VERDICT_INVALID, "the signature has no signed attributes");
		goto verdict;
	}
	ctype = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_contentType), -3,
					    V_ASN1_OBJECT);
	if (!ctype || OBJ_obj2nid(ctype) != NID_pkcs7_data) {
		bad(r, SCEAU_VERDICT_INVALID,
		    "the signature's content-type attribute is missing, repeated or not data");
		goto verdict;
	}
	want = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3,
					   V_ASN1_OCTET_STRING);
	if (!want) {
		bad(r, SCEAU_VERDICT_INVALID,
		    "the signature's message-digest attribute is missing or repeated");
		goto verdict;
	}
	if ((unsigned)ASN1_STRING_length(want) != hash_len ||
	    memcmp(ASN1_STRING_get0_data(want), hash, hash_len) != 0) {
		bad(r, SCEAU_VERDICT_MODIFIED,
		    "the signed bytes were changed after signing: their digest does not match "
		    "the signature's");
		goto verdict;
	}
	CMS_SignerInfo_set1_signer_cert(si, x);
	if (CMS_SignerInfo_verify(si) != 1) {
		bad(r, SCEAU_VERDICT_INVALID,
		    "the signature does not verify under certificate '%s': forged or damaged",
		    r->signer);
		goto verdict;
	}
	if ((sc = signing_cert(si, x)) < 0) {
		bad(r, SCEAU_VERDICT_INVALID,
		    "the signature's signing-certificate attribute names another certificate "
		    "than '%s'",
		    r->signer);
		goto verdict;
	}
	r->intact = 1;
	has_st = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0;
	r->has_signing_time_attr = has_st;
	pades(sig->subfilter, 1, sc > 0, has_st, r);
	if (!r->signing_time && has_st) {
		ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(
			CMS_signed_get_attr(
				si, CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1)),
			0);
		if (t && (t->type == V_ASN1_UTCTIME || t->type == V_ASN1_GENERALIZEDTIME))
			r->signing_time = sceau_asn1_time_to_time((ASN1_TIME *)t->value.ptr);
	}
	if (!r->whole) {
		bad(r, SCEAU_VERDICT_MODIFIED,
		    "%zu byte%s added after the signed revision (the signature covers bytes 0 to "
		    "%zu of %zu)",
		    r->bytes_after, r->bytes_after == 1 ? " was" : "s were", end,
		    end + r->bytes_after);
		goto verdict;
	}
	bad(r, SCEAU_VERDICT_VALID, "the signature covers the whole file and verifies");
verdict:
	ret = SCEAU_OK;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	return ret;
}

enum sceau_err sceau_sig_check(const unsigned char *buf, size_t len,
			       const struct sceau_pdf_sig *sig, struct sceau_pdf_sig_report *r,
			       X509 **signer, int *weak, struct sceau_error *err)
{
	size_t a = 0, c = 0, end = 0;

	*signer = NULL;
	*weak = 0;
	snprintf(r->pades_note, sizeof(r->pades_note), "not judged: the signature did not verify");
	if (sig->field)
		snprintf(r->field, sizeof(r->field), "%s", sig->field);
	if (sig->subfilter)
		snprintf(r->subfilter, sizeof(r->subfilter), "%s", sig->subfilter);
	r->signing_time = sceau_pdf_date_parse(sig->m);
	r->docmdp_p = sig->docmdp ? sig->docmdp_p : 0;
	if (!coverage(buf, len, sig, r, &a, &c, &end))
		return SCEAU_OK;
	return cms_check(buf, a, c, end, sig, r, signer, weak, err);
}
