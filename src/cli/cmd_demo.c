/* sceau demo — a demo PKI made in one go, and what it shows. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/x509.h>

#include "cli.h"

#define DEMO_PASS "demo"

enum { D_DIR };
static const struct cli_opt demo_opts[] = {
	[D_DIR] = {"dir", "DIR", "where to put the demo (default: demo)"},
	{0},
};
static const struct cli_spec demo_spec = {
	"demo",
	"[--dir DIR]",
	"Show what sceau does, end to end: DIR/root (a root CA), DIR/signer (a body\n"
	"authorised for coc and halal), DIR/trust (what 'verify --trust' takes),\n"
	"DIR/coc.json and DIR/halal.json (the documented examples, dated today),\n"
	"issued through the register DIR/signer/register.db as DIR/coc.pdf and\n"
	"DIR/halal.pdf with their QR text (DIR/coc.qr, DIR/halal.qr), a third one\n"
	"revoked (DIR/withdrawn.pdf), the body's status list (DIR/trust/demo-body.status)\n"
	"and a trust bundle (DIR/trust.bundle), each then verified.\n"
	"Demo keys are encrypted with the passphrase 'demo'. Running it again\n"
	"replaces the demo's own files in DIR and nothing else.",
	demo_opts,
	NULL,
	0,
	0};

static char *join(const char *a, const char *b)
{
	char *p = NULL;

	return asprintf(&p, "%s/%s", a, b) < 0 ? NULL : p;
}

/* Load what the demo made and check the signer for each programme. */
static int check_demo(const char *root_dir, const char *signer_dir)
{
	char *root_path = join(root_dir, SCEAU_ROOT_CERT_FILE);
	char *crl_path = join(root_dir, SCEAU_ROOT_CRL_FILE);
	char *signer_path = join(signer_dir, SCEAU_SIGNER_CERT_FILE);
	struct sceau_error err = {0};
	X509 *root = NULL, *signer = NULL;
	X509_CRL *crl = NULL;
	int ret = EXIT_INTERNAL;
	size_t n;
	const enum sceau_program *all = sceau_program_all(&n);

	if (!root_path || !crl_path || !signer_path) {
		cli_warn("out of memory");
		goto out;
	}
	if (sceau_cert_load(root_path, &root, &err) != SCEAU_OK ||
	    sceau_cert_load(signer_path, &signer, &err) != SCEAU_OK ||
	    sceau_crl_load(crl_path, &crl, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	ret = EXIT_VALID;
	for (size_t i = 0; i < n; i++) {
		struct sceau_verdict v;
		if (sceau_signer_check(signer, root, crl, all[i], 0, &v, &err) != SCEAU_OK) {
			ret = cli_report(&err, NULL);
			goto out;
		}
		printf("  %-6s %-9s %s\n", sceau_program_name(all[i]), sceau_verdict_name(v.code),
		       v.reason);
		if (v.code != SCEAU_VERDICT_VALID)
			ret = EXIT_NOT_VALID;
	}
out:
	X509_free(root);
	X509_free(signer);
	X509_CRL_free(crl);
	free(root_path);
	free(crl_path);
	free(signer_path);
	return ret;
}

/* The documented examples, compiled in (cmake/embed.cmake). */
extern const char cli_example_coc[];
extern const char cli_example_halal[];

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");
	int ok = f && fwrite(data, 1, len, f) == len;

	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok)
		cli_warn("cannot write '%s': %s", path, strerror(errno));
	return ok;
}

static int write_file_append_nl(const char *path)
{
	FILE *f = fopen(path, "a");
	int ok = f && fputc('\n', f) != EOF;

	if (f && fclose(f) != 0)
		ok = 0;
	return ok;
}

/* A small file, NUL-terminated; NULL when unreadable. Caller frees. */
static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	unsigned char *buf = f ? malloc(16385) : NULL;
	size_t n = 0;

	if (buf) {
		n = fread(buf, 1, 16384, f);
		if (ferror(f) || !feof(f)) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = 0;
		}
	}
	if (f)
		fclose(f);
	*len = n;
	return buf;
}

static int copy_file(const char *from, const char *to)
{
	char buf[16384];
	size_t n;
	FILE *in = fopen(from, "r");
	int ok = 0;

	if (in) {
		n = fread(buf, 1, sizeof(buf), in);
		ok = !ferror(in) && feof(in);
		fclose(in);
	}
	if (!ok) {
		cli_warn("cannot read '%s'", from);
		return 0;
	}
	return write_file(to, buf, n);
}

/* DIR/trust: the root, its CRL and the signer, as a verifier holds them. */
static int make_trust(const char *dir, const char *root_dir, const char *signer_dir)
{
	char from[4096], to[4096];
	char *trust = join(dir, "trust");
	int ok = trust && (mkdir(trust, 0700) == 0 || errno == EEXIST);

	if (ok) {
		snprintf(from, sizeof(from), "%s/%s", root_dir, SCEAU_ROOT_CERT_FILE);
		snprintf(to, sizeof(to), "%s/root.crt", trust);
		ok = copy_file(from, to);
	}
	if (ok) {
		snprintf(from, sizeof(from), "%s/%s", root_dir, SCEAU_ROOT_CRL_FILE);
		snprintf(to, sizeof(to), "%s/root.crl", trust);
		ok = copy_file(from, to);
	}
	if (ok) {
		snprintf(from, sizeof(from), "%s/%s", signer_dir, SCEAU_SIGNER_CERT_FILE);
		snprintf(to, sizeof(to), "%s/demo-body.crt", trust);
		ok = copy_file(from, to);
	}
	free(trust);
	return ok;
}

static void set_date(json_t *obj, const char *key, int32_t day)
{
	char d[11];

	sceau_date_format(day, d);
	json_object_set_new(obj, key, json_string(d));
}

/* An example request dated today, written to DIR/NAME.json; *out receives
 * its text. */
static int dated_request(const char *dir, const char *name, const char *example, char **out)
{
	int32_t today = sceau_date_of(time(NULL));
	json_t *j = json_loads(example, JSON_PRESERVE_ORDER, NULL);
	char path[4096], *text = NULL;
	int ok = 0;

	if (!j)
		goto out;
	set_date(j, "issue_date", today);
	json_object_del(j, "expiry_date");
	if (json_object_get(j, "inspection")) {
		set_date(json_object_get(j, "inspection"), "date", today - 2);
		set_date(json_object_get(j, "invoice"), "date", today - 20);
	} else {
		set_date(j, "audit_date", today - 10);
	}
	if (!(text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
		goto out;
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	ok = write_file(path, text, strlen(text));
out:
	json_decref(j);
	if (ok)
		*out = text;
	else
		free(text);
	if (!ok && !j)
		cli_warn("cannot read the built-in %s example", name);
	return ok;
}

/* Issue a request through the register (its own number, or the next of
 * the pattern when `numbered` is 0): DIR/NAME.qr and the signed
 * DIR/NAME.pdf. `number` receives the number. */
static int issue_one(const char *dir, const char *name, const char *request, int numbered,
		     struct cli_issuer *c, char number[SCEAU_NUMBER_MAX])
{
	struct sceau_error err = {0};
	struct sceau_record *rec = NULL;
	struct cli_issued res = {0};
	char path[4096], pdf[4096];
	int ret;

	snprintf(pdf, sizeof(pdf), "%s/%s.pdf", dir, name);
	unlink(pdf);
	if (sceau_record_parse(request, strlen(request), &rec, &err) != SCEAU_OK ||
	    (!numbered && sceau_record_set_number(rec, NULL, &err) != SCEAU_OK) ||
	    sceau_renderer_prepare(c->r, sceau_record_type(rec), &err) != SCEAU_OK ||
	    cli_issue_record(c, rec, pdf, NULL, &res, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	snprintf(number, SCEAU_NUMBER_MAX, "%s", res.number);
	snprintf(path, sizeof(path), "%s/%s.qr", dir, name);
	if (!write_file(path, res.qr, strlen(res.qr)) || !write_file_append_nl(path)) {
		ret = EXIT_INTERNAL;
		goto out;
	}
	printf("issued       %s: %s (%u page%s, signed), QR text in %s\n", res.number, pdf,
	       res.pages, res.pages == 1 ? "" : "s", path);
	ret = EXIT_VALID;
out:
	free(res.qr);
	sceau_record_free(rec);
	return ret;
}

/* Verify DIR/NAME.pdf and DIR/NAME.qr under `trust` (`what` names it);
 * returns 1 when both give `want`. */
static int check_one(const char *dir, const char *name, const struct sceau_trust *trust,
		     const char *what, enum sceau_verdict_code want)
{
	struct sceau_error err = {0};
	struct sceau_pdf_report *rep = NULL;
	struct sceau_payload *p = NULL;
	struct sceau_verdict v = {0};
	char path[4096], *text = NULL;
	size_t len = 0;
	int ok = 0;

	snprintf(path, sizeof(path), "%s/%s.qr", dir, name);
	text = (char *)read_all(path, &len);
	while (text && len && (text[len - 1] == '\n'))
		text[--len] = 0;
	snprintf(path, sizeof(path), "%s/%s.pdf", dir, name);
	if (!text || sceau_payload_verify(text, len, trust, 0, &p, &v, &err) != SCEAU_OK ||
	    sceau_pdf_verify_file(path, trust, 0, &rep, &err) != SCEAU_OK) {
		cli_report(&err, NULL);
		goto out;
	}
	printf("  %-9s with %-18s PDF %s, QR %s: %s\n", name, what,
	       sceau_verdict_name(rep->verdict.code), sceau_verdict_name(v.code), v.reason);
	ok = rep->verdict.code == want && v.code == want;
out:
	sceau_pdf_report_free(rep);
	sceau_payload_free(p);
	free(text);
	return ok;
}

int cmd_demo(int argc, char **argv)
{
	struct sceau_pki_init_params ip = {0};
	struct sceau_pki_signer_params sp = {0};
	struct sceau_error err = {0};
	struct sceau_pki_made made;
	struct sceau_signer *signer = NULL;
	struct sceau_trust *trust = NULL, *btrust = NULL;
	struct sceau_renderer *renderer = NULL;
	struct sceau_register *reg = NULL;
	struct sceau_status *list = NULL;
	char *bundle_path = NULL, coc_number[SCEAU_NUMBER_MAX] = "";
	struct cli_args a;
	char *root_dir = NULL, *signer_dir = NULL, *trust_dir = NULL, to[32];
	char *coc = NULL, *halal = NULL;
	const char *dir;
	int ret;

	if ((ret = cli_parse(&demo_spec, argc, argv, &a)) >= 0)
		return ret;
	dir = a.val[D_DIR] ? a.val[D_DIR] : "demo";
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		cli_warn("cannot create directory '%s': %s", dir, strerror(errno));
		return errno == EACCES || errno == ENOENT ? EXIT_USAGE : EXIT_INTERNAL;
	}
	root_dir = join(dir, "root");
	signer_dir = join(dir, "signer");
	trust_dir = join(dir, "trust");
	bundle_path = join(dir, "trust.bundle");
	if (!root_dir || !signer_dir || !trust_dir || !bundle_path) {
		cli_warn("out of memory");
		ret = EXIT_INTERNAL;
		goto out;
	}

	ip.dir = root_dir;
	ip.name = "sceau DEMO Root CA (not for production)";
	ip.days = SCEAU_ROOT_DAYS_DEFAULT;
	ip.crl_days = SCEAU_CRL_DAYS_DEFAULT;
	ip.force = 1;
	ip.pass = DEMO_PASS;
	ip.pass_len = strlen(DEMO_PASS);
	if (sceau_pki_init(&ip, &made, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	cli_format_date(made.not_after, to, sizeof(to));
	printf("sceau demo in '%s' (every key's passphrase is '%s')\n\n", dir, DEMO_PASS);
	printf("root CA      %s/   '%s', valid to %s\n", root_dir, ip.name, to);

	sp.root_dir = root_dir;
	sp.root_pass = DEMO_PASS;
	sp.root_pass_len = strlen(DEMO_PASS);
	sp.dir = signer_dir;
	sp.name = "DEMO Inspection Body";
	sp.programs = SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC) | SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL);
	sp.days = SCEAU_SIGNER_DAYS_DEFAULT;
	sp.force = 1;
	sp.pass = DEMO_PASS;
	sp.pass_len = strlen(DEMO_PASS);
	if (sceau_pki_signer(&sp, &made, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	cli_format_date(made.not_after, to, sizeof(to));
	printf("signer       %s/ '%s', authorised for coc and halal, valid to %s\n", signer_dir,
	       sp.name, to);
	printf("             (%s, %s, %s)\n", SCEAU_SIGNER_CERT_FILE, SCEAU_SIGNER_KEY_FILE,
	       SCEAU_SIGNER_CHAIN_FILE);
	printf("\nchecking the signer against the root and its revocation list:\n");
	if ((ret = check_demo(root_dir, signer_dir)) != EXIT_VALID)
		goto out;

	ret = EXIT_INTERNAL;
	if (!make_trust(dir, root_dir, signer_dir))
		goto out;
	printf("\ntrust store  %s/    root.crt, root.crl, demo-body.crt\n\n", trust_dir);
	if (!dated_request(dir, "coc", cli_example_coc, &coc) ||
	    !dated_request(dir, "halal", cli_example_halal, &halal))
		goto out;
	if (sceau_signer_open(signer_dir, &signer, &err) != SCEAU_OK ||
	    sceau_signer_unlock(signer, DEMO_PASS, strlen(DEMO_PASS), &err) != SCEAU_OK ||
	    sceau_renderer_new(NULL, &renderer, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	/* A fresh register beside the fresh signer key. */
	{
		static const char *const parts[] = {"", "-wal", "-shm", "-journal"};
		for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s%s", signer_dir, SCEAU_REGISTER_DEFAULT_NAME,
				 parts[i]);
			unlink(p);
		}
	}
	if ((ret = cli_register_open(signer_dir, NULL, 1, signer, &reg)) != EXIT_VALID)
		goto out;
	if (sceau_register_set_pattern(reg, "DEMO-{TYPE}-{YYYY}-{N:6}", &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	printf("register     %s/%s (numbering DEMO-{TYPE}-{YYYY}-{N:6})\n\n", signer_dir,
	       SCEAU_REGISTER_DEFAULT_NAME);
	{
		struct cli_issuer c = {signer, renderer, reg, 0, 1, 0};
		char n_halal[SCEAU_NUMBER_MAX], n_bad[SCEAU_NUMBER_MAX];
		if ((ret = issue_one(dir, "coc", coc, 1, &c, coc_number)) != EXIT_VALID ||
		    (ret = issue_one(dir, "halal", halal, 1, &c, n_halal)) != EXIT_VALID ||
		    (ret = issue_one(dir, "withdrawn", coc, 0, &c, n_bad)) != EXIT_VALID)
			goto out;
		if (sceau_register_set_state(reg, n_bad, SCEAU_REG_REVOKED,
					     SCEAU_DOCR_NON_CONFORMITY, time(NULL),
					     &err) != SCEAU_OK) {
			ret = cli_report(&err, NULL);
			goto out;
		}
		printf("revoked      %s (non_conformity)\n", n_bad);
	}
	/* The body's status list, into the trust directory and the bundle. */
	{
		struct sceau_status_entry *entries = NULL;
		size_t n = 0;
		uint64_t seq = 0;
		time_t now = time(NULL);
		char list_path[4096];
		if (sceau_register_status_entries(reg, &entries, &n, &seq, &err) != SCEAU_OK ||
		    sceau_status_build(entries, n, seq, now, now + 7 * 86400, signer->cert,
				       signer->key, &list, &err) != SCEAU_OK) {
			free(entries);
			ret = cli_report(&err, NULL);
			goto out;
		}
		free(entries);
		snprintf(list_path, sizeof(list_path), "%s/demo-body.status", trust_dir);
		if ((ret = cli_write_atomic(list_path, list->raw, list->raw_len, 1, 0644)) !=
		    EXIT_VALID)
			goto out;
		printf("status list  %s (%zu not in good standing, next update in 7 days)\n",
		       list_path, n);
		{
			const char *items[] = {signer_dir, list_path};
			struct sceau_bundle_make_params bp = {0};
			struct sceau_bundle_info bi;
			bp.root_dir = root_dir;
			bp.root_pass = DEMO_PASS;
			bp.root_pass_len = strlen(DEMO_PASS);
			bp.items = items;
			bp.n_items = 2;
			bp.out = bundle_path;
			bp.force = 1;
			if (sceau_bundle_make(&bp, &bi, &err) != SCEAU_OK) {
				ret = cli_report(&err, NULL);
				goto out;
			}
			printf("trust bundle %s (sequence %llu, signed by the root: roots, "
			       "signers, "
			       "CRL, status lists)\n\n",
			       bundle_path, (unsigned long long)bi.sequence);
		}
	}
	if (sceau_trust_load_dir(trust_dir, &trust, &err) != SCEAU_OK ||
	    sceau_trust_open(bundle_path, &btrust, NULL, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	printf("verifying:\n");
	if (!check_one(dir, "coc", trust, "the directory", SCEAU_VERDICT_VALID) ||
	    !check_one(dir, "halal", trust, "the directory", SCEAU_VERDICT_VALID) ||
	    !check_one(dir, "withdrawn", trust, "the directory", SCEAU_VERDICT_REVOKED) ||
	    !check_one(dir, "coc", btrust, "the bundle", SCEAU_VERDICT_VALID) ||
	    !check_one(dir, "withdrawn", btrust, "the bundle", SCEAU_VERDICT_REVOKED)) {
		cli_warn("the demo did not verify as expected");
		ret = EXIT_NOT_VALID;
		goto out;
	}
	printf("\ntry:\n"
	       "  %s verify --trust %s/trust.bundle %s/*.pdf\n"
	       "  %s trust show %s/trust.bundle\n"
	       "  %s trust install %s/trust.bundle && %s scan < %s/coc.qr\n"
	       "  SCEAU_PASSPHRASE=demo %s revoke --signer %s --reason fraud %s   (then "
	       "'sceau status')\n"
	       "  %s verify --trust %s %s/coc.pdf %s/halal.pdf\n"
	       "  %s verify --trust %s --qr \"$(cat %s/coc.qr)\"\n"
	       "  %s verify --trust %s --json --qr - < %s/halal.qr\n"
	       "  %s show --qr \"$(cat %s/coc.qr)\"\n"
	       "  SCEAU_PASSPHRASE=demo %s issue --signer %s --in %s/coc.json --out coc.pdf "
	       "--no-register\n"
	       "  SCEAU_PASSPHRASE=demo %s payload --signer %s --in %s/coc.json\n"
	       "  SCEAU_PASSPHRASE=demo %s pki revoke --root %s --cert %s/signer.crt --reason "
	       "keyCompromise\n"
	       "  cp %s/crl.pem %s/root.crl; rm %s/demo-body.status   (its list is signed by "
	       "the revoked key; then verify again: revoked)\n"
	       "  %s demo --dir %s      (again, to start afresh)\n",
	       cli_progname, dir, dir, cli_progname, dir, cli_progname, dir, cli_progname, dir,
	       cli_progname, signer_dir, coc_number, cli_progname, trust_dir, dir, dir,
	       cli_progname, trust_dir, dir, cli_progname, trust_dir, dir, cli_progname, dir,
	       cli_progname, signer_dir, dir, cli_progname, signer_dir, dir, cli_progname, root_dir,
	       signer_dir, root_dir, trust_dir, trust_dir, cli_progname, dir);
out:
	sceau_status_free(list);
	sceau_register_close(reg);
	sceau_trust_free(btrust);
	free(bundle_path);
	sceau_renderer_free(renderer);
	sceau_trust_free(trust);
	sceau_signer_close(signer);
	free(coc);
	free(halal);
	free(root_dir);
	free(signer_dir);
	free(trust_dir);
	return ret;
}
