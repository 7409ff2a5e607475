/* sceau tests — PDFs signed by other tools, made at test time: poppler's
 * pdfsig (22.12) and MuPDF's mutool sign (1.21), with a PKI of their own
 * made by the openssl command. Every function fails the running test,
 * with the tool's stderr, when a tool does not do what is asked. */
#ifndef SCEAU_TESTS_FOREIGN_H
#define SCEAU_TESTS_FOREIGN_H

#define FOREIGN_ROOT_CN "Foreign Test Root"
#define FOREIGN_EC_CN   "Foreign EC Signer"
#define FOREIGN_RSA_CN  "Foreign RSA Signer"
#define FOREIGN_P12_PW  "foreign-pw"
/* The empty signature field of foreign_unsigned_pdf: its /T and its
 * object number (mutool sign names fields by object number). */
#define FOREIGN_FIELD     "Signature1"
#define FOREIGN_FIELD_OBJ "4"
/* The field pdfsig -add-signature adds (FOREIGN_NEW_FIELD). */
#define FOREIGN_NEW_FIELD_NAME "PopplerSig"
/* The page's text, in a content stream inside every signed range. */
#define FOREIGN_TEXT "Foreign test document"

/* A leaf signing certificate (digitalSignature, nonRepudiation) under the
 * foreign root. */
struct foreign_leaf {
	const char *cn;       /* FOREIGN_EC_CN or FOREIGN_RSA_CN */
	const char *key_type; /* as sceau names it: "ECDSA P-256", "RSA 2048" */
	const char *nick;     /* its NSS nickname (the PKCS#12 friendlyName) */
	char *crt;            /* PEM */
	char *p12;            /* key, certificate and root, password FOREIGN_P12_PW */
	char serial[80];      /* upper-case hex, as `openssl x509 -serial` prints it */
};

/* Everything foreign_pki_make writes into its directory. */
struct foreign_pki {
	char *dir;
	char *root_crt; /* self-signed CA, EC P-256, CN FOREIGN_ROOT_CN (PEM) */
	char *root_crl; /* an empty CRL of the root, `openssl ca -gencrl` (PEM) */
	struct foreign_leaf ec, rsa;
	char *nssdb; /* "sql:DIR": both leaves with keys, the root trusted "CT,C,C" */
};

/* Run argv (NULL-terminated, with no controlling terminal); fail the test
 * with its stderr unless it exits 0. Returns its stdout (caller frees). */
char *foreign_run(const char *cwd, const char *const *argv);

/* dir/unsigned.pdf: one page with FOREIGN_TEXT and one empty signature
 * field FOREIGN_FIELD (object FOREIGN_FIELD_OBJ) in an indirect
 * /AcroForm, with a classic xref table. Returns its path (caller frees). */
char *foreign_unsigned_pdf(const char *dir);

/* Make the PKI and the NSS database in dir (which must exist). Release
 * with foreign_pki_release. */
void foreign_pki_make(struct foreign_pki *pki, const char *dir);
void foreign_pki_release(struct foreign_pki *pki);

enum {
	FOREIGN_ETSI = 1 << 0, /* pdfsig -etsi */
	/* pdfsig -add-signature in a new field FOREIGN_NEW_FIELD_NAME, not
	 * -sign FOREIGN_FIELD */
	FOREIGN_NEW_FIELD = 1 << 1
};

/* `pdfsig -sign` (or -add-signature) `in` into `out` with leaf's key, then
 * check with pdfsig that it finds leaf's signature valid, by a trusted
 * certificate, over the whole file (`in` may carry other signatures). ECDSA signatures vary in length and pdfsig 22.12 reserves
 * the length of a first trial signature: when the real one is longer it
 * fails ("unable update signature"), and is run again. Returns out's path
 * (caller frees). */
char *foreign_pdfsig(const struct foreign_pki *pki, const struct foreign_leaf *leaf, const char *in,
		     const char *out, unsigned flags);

/* `mutool sign` the field FOREIGN_FIELD_OBJ of `in` into `out` with leaf's
 * PKCS#12, then check that `mutool sign -v` finds the document unchanged
 * since signing. mutool 1.21 signs with SHA-1, and with an EC key loses
 * the same lottery as pdfsig ("signer provided no signature digest"): it
 * then exits 0 with /Contents all zeros, and is run again. Returns out's
 * path (caller frees). */
char *foreign_mutool(const struct foreign_leaf *leaf, const char *in, const char *out);

#endif
