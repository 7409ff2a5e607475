/* sceau tests — the QR commands end to end: payload, verify, show; exit
 * codes, text and --json output, and bad input. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

#define SCEAU    SCEAU_BIN
#define PASS_ENV "SCEAU_PASSPHRASE=s3cret"

static char *tmp;

static void run(struct tu_proc *p, const char *env, const char *const *args)
{
	const char *argv[32] = {SCEAU};
	const char *envv[2] = {env, NULL};
	size_t n = 1;

	for (size_t i = 0; args[i]; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	tu_run(p, tmp, env ? envv : NULL, argv);
}

#define RUN(p, env, ...) run((p), (env), (const char *const[]){__VA_ARGS__, NULL})

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

static void ok(struct tu_proc *p)
{
	ck_assert_msg(p->status == 0, "exit %d: %s", p->status, p->err);
	tu_proc_free(p);
}

static void cp(const char *from, const char *to)
{
	char *a = tu_path(tmp, from), *b = tu_path(tmp, to), *data;
	size_t n;

	data = tu_read(a, &n);
	ck_assert_ptr_nonnull(data);
	tu_write(b, data, n);
	free(data);
	free(a);
	free(b);
}

/* A root, a coc+halal signer "s", a coc-only signer "c", and trust/. */
static void setup(void)
{
	struct tu_proc p;
	char *t;

	tmp = tu_tmpdir();
	RUN(&p, PASS_ENV, "pki", "init", "--dir", "r", "--name", "Test Root");
	ok(&p);
	RUN(&p, PASS_ENV, "pki", "signer", "--root", "r", "--dir", "s", "--name", "Test Body",
	    "--programs", "coc,halal");
	ok(&p);
	RUN(&p, PASS_ENV, "pki", "signer", "--root", "r", "--dir", "c", "--name", "Coc Body",
	    "--programs", "coc");
	ok(&p);
	t = tu_path(tmp, "trust");
	ck_assert_int_eq(mkdir(t, 0700), 0);
	free(t);
	cp("r/root.crt", "trust/root.crt");
	cp("r/crl.pem", "trust/root.crl");
	cp("s/signer.crt", "trust/s.crt");
	cp("c/signer.crt", "trust/c.crt");
}

static void teardown(void)
{
	tu_rmrf(tmp);
	free(tmp);
}

/* The QR text of an example signed by signer dir `s`; caller frees. */
static char *payload(const char *signer, const char *example)
{
	struct tu_proc p;
	char in[512], *text;

	snprintf(in, sizeof(in), "%s/%s.json", SCEAU_EXAMPLES, example);
	RUN(&p, PASS_ENV, "payload", "--signer", signer, "--in", in);
	ck_assert_msg(p.status == 0, "%s", p.err);
	ck_assert_int_eq(strncmp(p.out, "MA1:", 4), 0);
	ck_assert_ptr_nonnull(strchr(p.out, '\n'));
	*strchr(p.out, '\n') = 0;
	text = strdup(p.out);
	tu_proc_free(&p);
	return text;
}

START_TEST(test_cli_payload_then_verify_both_examples)
{
	const char *examples[] = {"coc", "halal"};

	for (int i = 0; i < 2; i++) {
		char *qr = payload("s", examples[i]);
		struct tu_proc p;
		json_t *j;

		RUN(&p, NULL, "verify", "--trust", "trust", "--qr", qr);
		ck_assert_msg(p.status == 0, "%s%s", p.out, p.err);
		ck_assert(has(p.out, "VALID: signed by 'Test Body', authorised for "));
		ck_assert(
			has(p.out,
			    i == 0 ? "importer   Atlas Électroménager SARL (ICE 001561191000066)"
				   : "holder     Biscuiterie Al Baraka SA (ICE 002345678000031)"));
		ck_assert_str_eq(p.err, "");
		tu_proc_free(&p);

		RUN(&p, NULL, "verify", "--trust", "trust", "--json", "--qr", qr);
		ck_assert_int_eq(p.status, 0);
		j = json_loads(p.out, 0, NULL);
		ck_assert_ptr_nonnull(j);
		ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "valid");
		ck_assert_str_eq(json_string_value(json_object_get(j, "type")), examples[i]);
		ck_assert_str_eq(json_string_value(json_object_get(j, "issuer")), "Test Body");
		ck_assert_ptr_nonnull(json_string_value(json_object_get(j, "number")));
		ck_assert(json_is_true(json_object_get(j, "verified")));
		ck_assert_int_eq(json_array_size(json_object_get(j, "products")) > 0, 1);
		json_decref(j);
		tu_proc_free(&p);
		free(qr);
	}
}
END_TEST

START_TEST(test_cli_verify_changed_character_exits_1)
{
	char *qr = payload("s", "coc");
	struct tu_proc p;
	json_t *j;

	qr[100] = qr[100] == 'A' ? 'B' : 'A';
	RUN(&p, NULL, "verify", "--trust", "trust", "--qr", qr);
	ck_assert_int_eq(p.status, 1);
	ck_assert_msg(has(p.out, "INVALID: ") || has(p.out, "UNTRUSTED: "), "%s", p.out);
	ck_assert(!has(p.out, "Atlas"));
	tu_proc_free(&p);
	RUN(&p, NULL, "verify", "--trust", "trust", "--json", "--qr", qr);
	ck_assert_int_eq(p.status, 1);
	j = json_loads(p.out, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_ne(json_string_value(json_object_get(j, "verdict")), "valid");
	ck_assert(json_is_null(json_object_get(j, "number")));
	ck_assert_ptr_nonnull(json_string_value(json_object_get(j, "reason")));
	json_decref(j);
	tu_proc_free(&p);
	free(qr);
}
END_TEST

START_TEST(test_cli_verify_verdicts_for_revoked_expired_and_programme)
{
	char *coc = payload("s", "coc");
	char in[512];
	struct tu_proc p;

	RUN(&p, NULL, "verify", "--trust", "trust", "--at", "2030-01-01", "--qr", coc);
	ck_assert_int_eq(p.status, 1);
	ck_assert(has(p.out, "EXPIRED: "));
	tu_proc_free(&p);

	/* The coc-only body signs a Halal request: payload refuses it. */
	snprintf(in, sizeof(in), "%s/halal.json", SCEAU_EXAMPLES);
	RUN(&p, PASS_ENV, "payload", "--signer", "c", "--in", in);
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err, "is not authorised for programme 'halal'"));
	ck_assert_str_eq(p.out, "");
	tu_proc_free(&p);

	RUN(&p, PASS_ENV, "pki", "revoke", "--root", "r", "--cert", "s/signer.crt", "--reason",
	    "keyCompromise");
	ok(&p);
	cp("r/crl.pem", "trust/root.crl");
	RUN(&p, NULL, "verify", "--trust", "trust", "--qr", coc);
	ck_assert_int_eq(p.status, 1);
	ck_assert(has(p.out, "REVOKED: signer certificate 'Test Body' was revoked"));
	/* The facts are shown: the signature did verify. */
	ck_assert(has(p.out, "ITK-COC-2026-000123"));
	tu_proc_free(&p);
	free(coc);
}
END_TEST

START_TEST(test_cli_payload_bad_request_exits_2_writes_nothing)
{
	char *req = tu_path(tmp, "bad.json");
	static const char bad[] = "{\"type\": \"coc\", \"number\": \"X-1\"}";
	struct tu_proc p;

	tu_write(req, bad, strlen(bad));
	/* No passphrase anywhere: the request is refused before one is asked. */
	RUN(&p, NULL, "payload", "--signer", "s", "--in", "bad.json");
	ck_assert_int_eq(p.status, 2);
	ck_assert_str_eq(p.out, "");
	ck_assert(has(p.err, "sceau: 'bad.json': route: required field missing"));
	tu_proc_free(&p);
	RUN(&p, NULL, "payload", "--signer", "s", "--in", "absent.json");
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err, "absent.json"));
	tu_proc_free(&p);
	/* A wrong passphrase. */
	char in[512];
	snprintf(in, sizeof(in), "%s/coc.json", SCEAU_EXAMPLES);
	RUN(&p, "SCEAU_PASSPHRASE=wrong", "payload", "--signer", "s", "--in", in);
	ck_assert_int_eq(p.status, 2);
	ck_assert_str_eq(p.out, "");
	ck_assert(has(p.err, "passphrase"));
	tu_proc_free(&p);
	RUN(&p, PASS_ENV, "payload", "--signer", "nowhere", "--in", in);
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err, "nowhere"));
	tu_proc_free(&p);
	RUN(&p, PASS_ENV, "payload", "--signer", "s", "--in", in, "--time", "soon");
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err, "invalid time 'soon'"));
	tu_proc_free(&p);
	free(req);
}
END_TEST

START_TEST(test_cli_verify_reads_stdin_and_refuses_huge_lines)
{
	char *qr = payload("s", "halal");
	char *file = tu_path(tmp, "scan.txt"), cmd[1024];
	size_t big = (size_t)10 << 20;
	char *line = malloc(big + 2);
	struct tu_proc p;
	const char *argv[] = {"/bin/sh", "-c", cmd, NULL};

	/* A scanner types the code and Enter (and some add a CR). */
	snprintf(line, big, "%s\r\n", qr);
	tu_write(file, line, strlen(line));
	snprintf(cmd, sizeof(cmd), "'%s' verify --trust trust --qr - < scan.txt", SCEAU);
	tu_run(&p, tmp, NULL, argv);
	ck_assert_msg(p.status == 0, "%s%s", p.out, p.err);
	ck_assert(has(p.out, "VALID: "));
	tu_proc_free(&p);

	memset(line, 'A', big);
	line[big] = '\n';
	line[big + 1] = 0;
	tu_write(file, line, big + 1);
	tu_run(&p, tmp, NULL, argv);
	ck_assert_int_eq(p.status, 1);
	ck_assert(has(p.out, "INVALID: "));
	ck_assert(has(p.out, "more than a QR code holds"));
	tu_proc_free(&p);

	RUN(&p, NULL, "verify", "--trust", "absent", "--qr", qr);
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err, "absent"));
	tu_proc_free(&p);
	/* without --trust, the installed store: here one that is not there */
	RUN(&p, "SCEAU_TRUST=absent-store", "verify", "--qr", qr);
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err, "no trust store at 'absent-store'"));
	tu_proc_free(&p);
	RUN(&p, NULL, "verify", "--trust", "trust", "--qr", qr, "--at", "tomorrow");
	ck_assert_int_eq(p.status, 2);
	tu_proc_free(&p);
	free(line);
	free(file);
	free(qr);
}
END_TEST

START_TEST(test_cli_show_is_labelled_not_verified)
{
	char *qr = payload("s", "coc");
	struct tu_proc p;
	json_t *j;

	RUN(&p, NULL, "show", "--qr", qr);
	ck_assert_int_eq(p.status, 0);
	ck_assert_int_eq(strncmp(p.out, "NOT VERIFIED", 12), 0);
	ck_assert(has(p.out, "ITK-COC-2026-000123"));
	tu_proc_free(&p);
	RUN(&p, NULL, "show", "--json", "--qr", qr);
	ck_assert_int_eq(p.status, 0);
	j = json_loads(p.out, 0, NULL);
	ck_assert(json_is_false(json_object_get(j, "verified")));
	ck_assert_str_eq(json_string_value(json_object_get(j, "number")), "ITK-COC-2026-000123");
	json_decref(j);
	tu_proc_free(&p);
	RUN(&p, NULL, "show", "--qr", "MA1:garbage");
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err, "sceau: "));
	ck_assert_str_eq(p.out, "");
	tu_proc_free(&p);
	free(qr);
}
END_TEST

TU_MAIN("cli_payload", setup, teardown, test_cli_payload_then_verify_both_examples,
	test_cli_verify_changed_character_exits_1,
	test_cli_verify_verdicts_for_revoked_expired_and_programme,
	test_cli_payload_bad_request_exits_2_writes_nothing,
	test_cli_verify_reads_stdin_and_refuses_huge_lines, test_cli_show_is_labelled_not_verified)
