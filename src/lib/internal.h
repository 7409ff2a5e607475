/* sceau — helpers shared inside the library. Not installed, not exported. */
#ifndef SCEAU_INTERNAL_H
#define SCEAU_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <openssl/types.h>

#include "sceau.h"

#define SCEAU_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* ---- error.c --------------------------------------------------------- */

/* Fill err (may be NULL) and return code. */
enum sceau_err sceau_fail(struct sceau_error *err, enum sceau_err code, const char *fmt, ...)
	SCEAU_PRINTF(3, 4);
/* The same, appending ": <reason>" from OpenSSL's error queue (when it has
 * one), and clearing the queue. An allocation failure in the queue makes
 * the error SCEAU_ERR_NOMEM ("...: out of memory") whatever `code` says. */
enum sceau_err sceau_fail_ssl(struct sceau_error *err, enum sceau_err code, const char *fmt, ...)
	SCEAU_PRINTF(3, 4);
/* Did an allocation fail inside OpenSSL? Its error queue says so, or (as
 * OpenSSL 3.0 does not always) errno is ENOMEM: set errno to 0 before the
 * call. Empties the queue. Call it where a failure would otherwise be
 * taken for bad input. */
int sceau_ssl_oom(void);
/* Map an errno value read while opening or reading an input. */
enum sceau_err sceau_err_from_errno(int errnum);
/* Lowercase text for errno, "no such file" style. */
const char *sceau_errno_text(int errnum);

/* ---- verdict.c ------------------------------------------------------- */

void sceau_verdict_set(struct sceau_verdict *v, enum sceau_verdict_code code, const char *fmt, ...)
	SCEAU_PRINTF(3, 4);

/* ---- fs.c ------------------------------------------------------------ */

#define SCEAU_READ_MAX ((size_t)16 << 20)

/* Read a whole file of at most `max` bytes. `what` names the file's role in
 * messages ("certificate"). *buf is NUL-terminated; caller frees with free. */
enum sceau_err sceau_fs_read(const char *path, size_t max, const char *what, unsigned char **buf,
			     size_t *len, struct sceau_error *err);

/* Replace `path` atomically: temporary file beside it (O_EXCL), write,
 * fsync, rename over, fsync the directory. */
enum sceau_err sceau_fs_replace(const char *path, const void *data, size_t len, int mode,
				struct sceau_error *err);

/* An output directory built in a private staging directory and moved into
 * place by sceau_outdir_commit, or removed by sceau_outdir_abort. */
#define SCEAU_OUTDIR_FILES 8
struct sceau_outdir {
	char *final; /* the directory the caller asked for */
	char *stage; /* where files are written until commit */
	int existed; /* final existed (force): files are moved one by one */
	char *files[SCEAU_OUTDIR_FILES];
	size_t nfiles;
	char *made[16]; /* parent directories created, to remove on abort */
	size_t nmade;
};

enum sceau_err sceau_outdir_begin(struct sceau_outdir *od, const char *dir, int force,
				  struct sceau_error *err);
/* Create `name` in the staging directory with O_CREAT|O_EXCL|O_NOFOLLOW. */
enum sceau_err sceau_outdir_write(struct sceau_outdir *od, const char *name, const void *data,
				  size_t len, int mode, struct sceau_error *err);
enum sceau_err sceau_outdir_commit(struct sceau_outdir *od, struct sceau_error *err);
/* Undo everything begin and write did (after a failed commit too); releases
 * memory. Safe after commit (then it only releases memory). */
void sceau_outdir_release(struct sceau_outdir *od);

/* dir + "/" + name, malloc'd, NULL on overflow of memory. */
char *sceau_path_join(const char *dir, const char *name);

/* ---- pem.c ----------------------------------------------------------- */

/* The label of the first PEM block ("CERTIFICATE") into label, or "" when
 * the data holds no PEM block. */
void sceau_pem_label(const unsigned char *buf, size_t len, char *label, size_t labellen);
/* Human words for what a PEM label holds ("a private key"). */
const char *sceau_pem_label_words(const char *label);
/* Copy a memory BIO's contents into a malloc'd, NUL-terminated buffer. */
enum sceau_err sceau_bio_take(BIO *bio, unsigned char **out, size_t *out_len,
			      struct sceau_error *err);

/* ---- key.c ----------------------------------------------------------- */

enum sceau_err sceau_key_generate(EVP_PKEY **out, struct sceau_error *err);
/* Encrypted PKCS#8 PEM of the key; *pem freed by the caller with free. */
enum sceau_err sceau_key_to_pem(EVP_PKEY *key, const char *pass, size_t pass_len,
				unsigned char **pem, size_t *pem_len, struct sceau_error *err);

/* ---- cert.c ---------------------------------------------------------- */

enum sceau_err sceau_cert_make_root(EVP_PKEY *key, const char *name, time_t now, int days,
				    X509 **out, struct sceau_error *err);
/* *clamped set when notAfter was cut to the root's. */
enum sceau_err sceau_cert_make_signer(EVP_PKEY *key, const char *name, unsigned programs,
				      X509 *root, EVP_PKEY *root_key, time_t now, int days,
				      X509 **out, int *clamped, struct sceau_error *err);
/* Certificate files are read whole, at most this large. */
#define SCEAU_CERT_READ_MAX ((size_t)1 << 20)
/* Parse one certificate (PEM or DER) from buf; `path` names it in messages.
 * *out: caller frees with X509_free. */
enum sceau_err sceau_cert_parse(const unsigned char *buf, size_t len, const char *path, X509 **out,
				struct sceau_error *err);
enum sceau_err sceau_cert_to_pem(X509 *cert, unsigned char **pem, size_t *pem_len,
				 struct sceau_error *err);
/* The subject's common name into buf ("" and -1 when it has none). */
int sceau_cert_cn(X509 *cert, char *buf, size_t len);
/* ASN1_TIME → time_t; 0 on failure. */
time_t sceau_asn1_time_to_time(const ASN1_TIME *t);
/* Validate a subject name: 1..64 characters, valid UTF-8, no control chars. */
enum sceau_err sceau_check_name(const char *name, struct sceau_error *err);

/* ---- crl.c ----------------------------------------------------------- */

/* A new CRL signed by the root: the entries of `prev` (may be NULL), plus
 * `revoke` (may be NULL) with `reason`, numbered prev's number + 1. */
enum sceau_err sceau_crl_make(X509 *root, EVP_PKEY *root_key, X509_CRL *prev, X509 *revoke,
			      enum sceau_crl_reason reason, time_t now, int days, X509_CRL **out,
			      struct sceau_error *err);
enum sceau_err sceau_crl_to_pem(X509_CRL *crl, unsigned char **pem, size_t *pem_len,
				struct sceau_error *err);
/* The CRL number, or -1 when it has none. */
/* A CRL from PEM or DER bytes (path names it in messages). *out: caller
 * frees with X509_CRL_free. */
enum sceau_err sceau_crl_parse(const unsigned char *buf, size_t len, const char *path,
			       X509_CRL **out, struct sceau_error *err);
long sceau_crl_number(X509_CRL *crl);

/* ---- envelope: base45.c, cbor_wf.c, cose.c ------------------------------ */

#include <stdint.h>

/* sceau_base45_decode, with positions in messages counted from `base`
 * (qr_unwrap reports them as offsets into the whole QR text). */
enum sceau_err sceau_base45_decode_at(const char *in, size_t len, size_t base, unsigned char **out,
				      size_t *out_len, struct sceau_error *err);

/* Check that buf[0..len) is exactly one well-formed CBOR item (RFC 8949)
 * that libcbor may safely be given: nesting at most SCEAU_CBOR_DEPTH_MAX
 * (arrays, maps and tags count), every declared length and item count
 * within the bytes left, no reserved additional information (28..30), no
 * simple value but false, true, null and undefined, no indefinite-length
 * item (sceau never writes them and no DCC vector uses them), and nothing
 * after the item.
 * `what` names the input in messages ("COSE message: ..."). Returns
 * SCEAU_OK or SCEAU_ERR_FORMAT. */
enum sceau_err sceau_cbor_wf(const unsigned char *buf, size_t len, const char *what,
			     struct sceau_error *err);

/* libcbor 0.8 refuses tags 6..20 written in the head's own byte
 * (0xc6..0xd4), COSE_Sign1's 0xd2 among them, but decodes the same tags
 * written with a one-byte argument (0xd8 0x06..0x14). For input that
 * sceau_cbor_wf accepted: *out is NULL when nothing needs rewriting, else
 * a copy (caller frees with free) with those tags so widened; string
 * contents are never changed. */
enum sceau_err sceau_cbor_widen_tags(const unsigned char *buf, size_t len, unsigned char **out,
				     size_t *out_len, struct sceau_error *err);

/* Write the shortest head for major type `mt` (0..7) and argument `arg`
 * into out (at least 9 bytes); returns its length. */
size_t sceau_cbor_head(unsigned char *out, unsigned mt, uint64_t arg);

/* The COSE Sig_structure for COSE_Sign1 (RFC 9052, 4.4), canonical CBOR:
 * ["Signature1", protected, h'', payload]. *out: caller frees with free. */
enum sceau_err sceau_cose_sig_structure(const unsigned char *prot, size_t prot_len,
					const unsigned char *payload, size_t payload_len,
					unsigned char **out, size_t *out_len,
					struct sceau_error *err);

/* ---- check.c: sceau_signer_check in two halves -------------------------- */
/* The time-independent half, worth remembering: `signer` chains to `root`
 * (X509_verify_cert, times not checked), is not a CA and allows digital
 * signatures. Verdict valid or untrusted. */
enum sceau_err sceau_signer_path(X509 *signer, X509 *root, struct sceau_verdict *v,
				 struct sceau_error *err);
/* Is `crl` issued and signed by `root`? */
int sceau_crl_by_root(X509_CRL *crl, X509 *root);
/* The other half, for a signer whose path is valid: revocation on `crl`
 * (whose signature is checked unless `crl_checked`), validity at `at`,
 * authorisation for `program`. */
void sceau_signer_policy(X509 *signer, X509 *root, X509_CRL *crl, int crl_checked,
			 enum sceau_program program, time_t at, struct sceau_verdict *v);

/* ---- date.c ---------------------------------------------------------- */
/* A PDF date ("D:20261124100000Z", "D:20261124110000+01'00'", "D:2026")
 * → time_t; 0 when it does not parse. */
time_t sceau_pdf_date_parse(const char *s);

/* ---- error.c: UTF-8 ----------------------------------------------------- */
/* The code point at *p (UTF-8, shortest form, no surrogates), advancing *p;
 * -1 when the bytes there are not valid UTF-8. */
long sceau_utf8_next(const unsigned char **p);

/* ---- misc ------------------------------------------------------------ */

/* Validate a days count against 1..SCEAU_DAYS_MAX; `what` names the field. */
enum sceau_err sceau_check_days(int days, const char *what, struct sceau_error *err);

#endif
