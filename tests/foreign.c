/* sceau tests — PDFs signed by other tools (see foreign.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "foreign.h"
#include "testutil.h"

#define RUN(cwd, ...) foreign_run((cwd), (const char *const[]){__VA_ARGS__, NULL})

/* How many times pdfsig or mutool may lose the ECDSA length lottery in a
 * row (each time with odds of a third to a half). */
#define SIGN_TRIES 24

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

static int count(const char *hay, const char *needle)
{
	size_t l = strlen(needle);
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += l)
		n++;
	return n;
}

/* argv as one line, for messages (caller frees). */
static char *command_line(const char *const *argv)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	ck_assert_ptr_nonnull(s);
	len = 0;
	for (size_t i = 0; argv[i]; i++) {
		size_t l = strlen(argv[i]);
		if (i)
			s[len++] = ' ';
		memcpy(s + len, argv[i], l);
		len += l;
	}
	return s;
}

char *foreign_run(const char *cwd, const char *const *argv)
{
	struct tu_proc p;
	char *out;

	tu_run(&p, cwd, NULL, argv);
	if (p.status != 0) {
		char *cmd = command_line(argv);
		ck_abort_msg("'%s' exited %d: %s%s", cmd, p.status, p.err, p.out);
	}
	out = p.out;
	p.out = NULL;
	tu_proc_free(&p);
	return out;
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char *path = tu_path(dir, name);

	tu_write(path, text, strlen(text));
	free(path);
}

/* ---- the unsigned input ---------------------------------------------------- */

char *foreign_unsigned_pdf(const char *dir)
{
	static const char content[] = "BT /F1 24 Tf 72 720 Td (" FOREIGN_TEXT ") Tj ET";
	/* Object i + 1; the content stream (5) is written apart. */
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R /AcroForm 7 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R "
		"/Resources << /Font << /F1 6 0 R >> >> /Annots [4 0 R] >>",
		"<< /Type /Annot /Subtype /Widget /FT /Sig /T (" FOREIGN_FIELD ") "
		"/Rect [0 0 0 0] /F 132 /P 3 0 R >>",
		NULL,
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		/* Indirect: pdfsig 22.12 -add-signature leaves its new field out
		 * of a direct /AcroForm's /Fields (reachable only from /Annots). */
		"<< /Fields [4 0 R] /SigFlags 3 >>",
	};
	const size_t n = sizeof(objs) / sizeof(objs[0]);
	char *path = tu_path(dir, "unsigned.pdf");
	FILE *f = fopen(path, "wb");
	long off[sizeof(objs) / sizeof(objs[0])], xref;

	ck_assert_ptr_nonnull(f);
	fputs("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", f);
	for (size_t i = 0; i < n; i++) {
		off[i] = ftell(f);
		fprintf(f, "%zu 0 obj\n", i + 1);
		if (objs[i])
			fputs(objs[i], f);
		else
			fprintf(f, "<< /Length %zu >>\nstream\n%s\nendstream", strlen(content),
				content);
		fputs("\nendobj\n", f);
	}
	xref = ftell(f);
	/* Each entry is 20 bytes: 10 + 1 + 5 + 1 + 1 + " \n". */
	fprintf(f, "xref\n0 %zu\n0000000000 65535 f \n", n + 1);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%010ld 00000 n \n", off[i]);
	fprintf(f, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", n + 1, xref);
	ck_assert_int_eq(ferror(f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* ---- the PKI ------------------------------------------------------------------- */

static void make_leaf(const char *dir, struct foreign_leaf *leaf, const char *name,
		      const char *const *newkey)
{
	const char *argv[24] = {"openssl", "req", "-new"};
	char *subj = NULL, *key = NULL, *csr = NULL, *out;
	size_t n = 3;

	ck_assert(asprintf(&subj, "/O=Foreign Tools Test/CN=%s", leaf->cn) > 0);
	ck_assert(asprintf(&key, "%s.key", name) > 0);
	ck_assert(asprintf(&csr, "%s.csr", name) > 0);
	for (size_t i = 0; newkey[i]; i++)
		argv[n++] = newkey[i];
	argv[n++] = "-noenc";
	argv[n++] = "-keyout";
	argv[n++] = key;
	argv[n++] = "-subj";
	argv[n++] = subj;
	argv[n++] = "-out";
	argv[n++] = csr;
	argv[n] = NULL;
	free(foreign_run(dir, argv));

	ck_assert(asprintf(&leaf->crt, "%s/%s.crt", dir, name) > 0);
	ck_assert(asprintf(&leaf->p12, "%s/%s.p12", dir, name) > 0);
	/* Without -CAserial, OpenSSL 3 gives a random serial. */
	free(RUN(dir, "openssl", "x509", "-req", "-in", csr, "-CA", "root.crt", "-CAkey",
		 "root.key", "-days", "3650", "-extfile", "leaf.ext", "-out", leaf->crt));
	free(RUN(dir, "openssl", "pkcs12", "-export", "-inkey", key, "-in", leaf->crt, "-certfile",
		 "root.crt", "-name", leaf->nick, "-passout", "pass:" FOREIGN_P12_PW, "-out",
		 leaf->p12));
	out = RUN(dir, "openssl", "x509", "-in", leaf->crt, "-noout", "-serial");
	ck_assert_msg(strncmp(out, "serial=", 7) == 0, "%s", out);
	out[strcspn(out, "\r\n")] = '\0';
	ck_assert_uint_lt(strlen(out + 7), sizeof(leaf->serial));
	snprintf(leaf->serial, sizeof(leaf->serial), "%s", out + 7);
	free(out);
	free(subj);
	free(key);
	free(csr);
}

void foreign_pki_make(struct foreign_pki *pki, const char *dir)
{
	static const char *const ec[] = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
					 NULL};
	static const char *const rsa[] = {"-newkey", "rsa:2048", NULL};
	char *nss;

	memset(pki, 0, sizeof(*pki));
	pki->dir = strdup(dir);
	ck_assert_ptr_nonnull(pki->dir);
	pki->root_crt = tu_path(dir, "root.crt");
	pki->root_crl = tu_path(dir, "root.crl");
	pki->ec = (struct foreign_leaf){
		.cn = FOREIGN_EC_CN, .key_type = "ECDSA P-256", .nick = "foreign-ec"};
	pki->rsa = (struct foreign_leaf){
		.cn = FOREIGN_RSA_CN, .key_type = "RSA 2048", .nick = "foreign-rsa"};

	free(RUN(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
		 "ec_paramgen_curve:P-256", "-noenc", "-keyout", "root.key", "-out", "root.crt",
		 "-subj", "/O=Foreign Tools Test/CN=" FOREIGN_ROOT_CN, "-days", "3650", "-addext",
		 "basicConstraints=critical,CA:TRUE", "-addext",
		 "keyUsage=critical,keyCertSign,cRLSign"));
	write_text(dir, "leaf.ext",
		   "basicConstraints=critical,CA:FALSE\n"
		   "keyUsage=critical,digitalSignature,nonRepudiation\n"
		   "subjectKeyIdentifier=hash\n"
		   "authorityKeyIdentifier=keyid\n");
	make_leaf(dir, &pki->ec, "ec", ec);
	make_leaf(dir, &pki->rsa, "rsa", rsa);

	/* An empty CRL, numbered 1, for 30 days. */
	write_text(dir, "ca.cnf",
		   "[ca]\ndefault_ca = CA_default\n"
		   "[CA_default]\ndatabase = index.txt\ncrlnumber = crlnumber\n"
		   "default_md = sha256\ndefault_crl_days = 30\n");
	write_text(dir, "index.txt", "");
	write_text(dir, "crlnumber", "01\n");
	free(RUN(dir, "openssl", "ca", "-gencrl", "-config", "ca.cnf", "-keyfile", "root.key",
		 "-cert", "root.crt", "-out", "root.crl"));

	nss = tu_path(dir, "nss");
	ck_assert_int_eq(mkdir(nss, 0700), 0);
	ck_assert(asprintf(&pki->nssdb, "sql:%s", nss) > 0);
	free(nss);
	free(RUN(dir, "certutil", "-N", "-d", pki->nssdb, "--empty-password"));
	free(RUN(dir, "pk12util", "-i", pki->ec.p12, "-d", pki->nssdb, "-W", FOREIGN_P12_PW));
	free(RUN(dir, "pk12util", "-i", pki->rsa.p12, "-d", pki->nssdb, "-W", FOREIGN_P12_PW));
	free(RUN(dir, "certutil", "-A", "-d", pki->nssdb, "-n", "foreign-root", "-t", "CT,C,C",
		 "-i", pki->root_crt));
}

static void leaf_release(struct foreign_leaf *leaf)
{
	free(leaf->crt);
	free(leaf->p12);
	leaf->crt = leaf->p12 = NULL;
}

void foreign_pki_release(struct foreign_pki *pki)
{
	free(pki->dir);
	free(pki->root_crt);
	free(pki->root_crl);
	free(pki->nssdb);
	leaf_release(&pki->ec);
	leaf_release(&pki->rsa);
	memset(pki, 0, sizeof(*pki));
}

/* ---- the signers ----------------------------------------------------------------- */

char *foreign_pdfsig(const struct foreign_pki *pki, const struct foreign_leaf *leaf, const char *in,
		     const char *out, unsigned flags)
{
	const char *argv[20] = {"pdfsig", "-nssdir", pki->nssdb};
	size_t n = 3;
	struct tu_proc p;
	char *report, *cn_line = NULL, *block, *next, *ret;

	if (flags & FOREIGN_NEW_FIELD) {
		argv[n++] = "-add-signature";
		argv[n++] = "-new-signature-field-name";
		argv[n++] = FOREIGN_NEW_FIELD_NAME;
	} else {
		argv[n++] = "-sign";
		argv[n++] = FOREIGN_FIELD;
	}
	argv[n++] = "-nick";
	argv[n++] = leaf->nick;
	argv[n++] = "-digest";
	argv[n++] = "SHA256";
	if (flags & FOREIGN_ETSI)
		argv[n++] = "-etsi";
	argv[n++] = in;
	argv[n++] = out;
	argv[n] = NULL;
	for (int tries = 1;; tries++) {
		unlink(out);
		tu_run(&p, NULL, NULL, argv);
		if (p.status == 0)
			break;
		if (!has(p.err, "unable update signature") || tries == SIGN_TRIES) {
			char *cmd = command_line(argv);
			ck_abort_msg("'%s' exited %d (try %d): %s%s", cmd, p.status, tries, p.err,
				     p.out);
		}
		tu_proc_free(&p);
	}
	tu_proc_free(&p);

	/* pdfsig's exit status does not say whether a signature is valid:
	 * its report of leaf's signature (up to the next "Signature #") does. */
	report = RUN(NULL, "pdfsig", "-nssdir", pki->nssdb, out);
	ck_assert(asprintf(&cn_line, "Signer Certificate Common Name: %s\n", leaf->cn) > 0);
	ck_assert_msg(count(report, cn_line) == 1, "pdfsig finds no one signature by '%s': %s",
		      leaf->cn, report);
	block = strstr(report, cn_line);
	if ((next = strstr(block, "Signature #")))
		*next = '\0';
	ck_assert_msg(has(block, "Signature Validation: Signature is Valid.") &&
			      has(block, "Certificate Validation: Certificate is Trusted.") &&
			      has(block, "Total document signed"),
		      "pdfsig does not find what it signed valid: %s", block);
	free(cn_line);
	free(report);
	tu_fuzz_save_file("pdfsig", out);
	ret = strdup(out);
	ck_assert_ptr_nonnull(ret);
	return ret;
}

char *foreign_mutool(const struct foreign_leaf *leaf, const char *in, const char *out)
{
	const char *const argv[] = {"mutool", "sign", "-s", leaf->p12,         "-P", FOREIGN_P12_PW,
				    "-o",     out,    in,   FOREIGN_FIELD_OBJ, NULL};
	char *report = NULL, *ret;
	struct tu_proc p;

	for (int tries = 1;; tries++) {
		unlink(out);
		/* mutool exits 0 even when its signer fails: it prints "error: ..."
		 * and writes /Contents all zeros. */
		tu_run(&p, NULL, NULL, argv);
		if (p.status != 0 || !has(p.err, "signer provided no signature digest") ||
		    tries == SIGN_TRIES)
			break;
		tu_proc_free(&p);
	}
	if (p.status != 0 || has(p.err, "error")) {
		char *cmd = command_line(argv);
		ck_abort_msg("'%s' exited %d: %s%s", cmd, p.status, p.err, p.out);
	}
	tu_proc_free(&p);
	report = RUN(NULL, "mutool", "sign", "-v", out);
	ck_assert_msg(has(report, "The document is unchanged since signing."),
		      "mutool does not find what it signed unchanged: %s", report);
	free(report);
	tu_fuzz_save_file("mutool", out);
	ret = strdup(out);
	ck_assert_ptr_nonnull(ret);
	return ret;
}
