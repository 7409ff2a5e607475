/* sceau tests — the command line: exit codes, messages, help, the PKI
 * commands end to end, checked with the openssl command-line tool. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define SCEAU    SCEAU_BIN
#define PASS_ENV "SCEAU_PASSPHRASE=s3cret"

static char *tmp;

static void setup(void)
{
	tmp = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmrf(tmp);
	free(tmp);
}

/* Run sceau in tmp with one optional environment entry. */
static void run(struct tu_proc *p, const char *env, const char *const *args)
{
	const char *argv[32] = {SCEAU};
	const char *envv[2] = {env, NULL};
	size_t n = 1;

	for (size_t i = 0; args[i]; i++) {
		ck_assert_uint_lt(n, 31);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	tu_run(p, tmp, env ? envv : NULL, argv);
}

#define RUN(p, env, ...) run((p), (env), (const char *const[]){__VA_ARGS__, NULL})

static void make_root_and_signer(void)
{
	struct tu_proc p;

	RUN(&p, PASS_ENV, "pki", "init", "--dir", "r", "--name", "DEMO Root");
	ck_assert_msg(p.status == 0, "%s", p.err);
	tu_proc_free(&p);
	RUN(&p, PASS_ENV, "pki", "signer", "--root", "r", "--dir", "s", "--name", "DEMO Body",
	    "--programs", "coc,halal");
	ck_assert_msg(p.status == 0, "%s", p.err);
	tu_proc_free(&p);
}

static void openssl(struct tu_proc *p, const char *const *args)
{
	const char *argv[32] = {"openssl"};
	size_t n = 1;

	for (size_t i = 0; args[i]; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	tu_run(p, tmp, NULL, argv);
}

#define OPENSSL(p, ...) openssl((p), (const char *const[]){__VA_ARGS__, NULL})

static int has(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

/* ---- the skeleton ------------------------------------------------------------ */

START_TEST(test_cli_help_and_version_go_to_stdout_with_exit_0)
{
	struct tu_proc p;

	RUN(&p, NULL, "--help");
	ck_assert_int_eq(p.status, 0);
	ck_assert(has(p.out, "usage: sceau <command>"));
	ck_assert(has(p.out, "pki") && has(p.out, "demo"));
	ck_assert(has(p.out, "exit status"));
	ck_assert_str_eq(p.err, "");
	tu_proc_free(&p);
	RUN(&p, NULL, "--version");
	ck_assert_int_eq(p.status, 0);
	ck_assert_int_eq(strncmp(p.out, "sceau " SCEAU_VERSION_STRING " (OpenSSL ", 15), 0);
	tu_proc_free(&p);
}
END_TEST

static const char *const commands[][3] = {
	{"pki", NULL},  {"pki", "init"},   {"pki", "signer"}, {"pki", "revoke"}, {"pki", "crl"},
	{"demo", NULL}, {"payload", NULL}, {"verify", NULL},  {"show", NULL},
};

START_TEST(test_cli_help_x_equals_x_help_for_every_command)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		struct tu_proc a, b;
		if (commands[i][1]) {
			RUN(&a, NULL, "help", commands[i][0], commands[i][1]);
			RUN(&b, NULL, commands[i][0], commands[i][1], "--help");
		} else {
			RUN(&a, NULL, "help", commands[i][0]);
			RUN(&b, NULL, commands[i][0], "--help");
		}
		ck_assert_int_eq(a.status, 0);
		ck_assert_int_eq(b.status, 0);
		ck_assert_str_eq(a.out, b.out);
		ck_assert(has(a.out, "usage: sceau "));
		ck_assert_str_eq(a.err, "");
		tu_proc_free(&a);
		tu_proc_free(&b);
	}
}
END_TEST

START_TEST(test_cli_usage_errors_exit_2_on_stderr)
{
	static const char *const cases[][5] = {
		{NULL},                                /* no command */
		{"frobnicate", NULL},                  /* unknown command */
		{"--frob", NULL},                      /* unknown global option */
		{"pki", NULL},                         /* group without command */
		{"pki", "mint", NULL},                 /* unknown subcommand */
		{"pki", "init", "--bogus", NULL},      /* unknown option */
		{"pki", "init", "-x", NULL},           /* unknown short option */
		{"pki", "init", "--name", NULL},       /* missing value */
		{"pki", "init", "stray", NULL},        /* unexpected operand */
		{"pki", "init", "--dir", "a", NULL},   /* missing --name */
		{"demo", "--dir", "a", "--dir", NULL}, /* repeated option */
		{"help", "frobnicate", NULL},          /* help on unknown command */
		{"pki", "init", "--na", "R", NULL},    /* abbreviated option */
		{"demo", "--di=x", NULL},              /* abbreviated, with = */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[8] = {SCEAU};
		struct tu_proc p;
		size_t n = 1;
		for (size_t j = 0; cases[i][j]; j++)
			argv[n++] = cases[i][j];
		argv[n] = NULL;
		tu_run(&p, tmp, NULL, argv);
		ck_assert_msg(p.status == 2, "case %zu: exit %d", i, p.status);
		ck_assert_msg(has(p.err, "sceau: "), "case %zu: %s", i, p.err);
		ck_assert_msg(has(p.err, "usage"), "case %zu: %s", i, p.err);
		ck_assert_msg(p.out[0] == '\0', "case %zu printed on stdout: %s", i, p.out);
		tu_proc_free(&p);
	}
	ck_assert_int_eq(tu_count_entries(tmp), 0);
}
END_TEST

START_TEST(test_cli_messages_name_the_problem_and_the_subject)
{
	struct tu_proc p;

	RUN(&p, NULL, "frobnicate");
	ck_assert(has(p.err, "sceau: unknown command 'frobnicate'"));
	tu_proc_free(&p);
	RUN(&p, NULL, "pki", "init", "--bogus");
	ck_assert(has(p.err, "sceau: unknown option '--bogus'"));
	tu_proc_free(&p);
	RUN(&p, NULL, "demo", "--dir", "a", "--dir", "b");
	ck_assert(has(p.err, "option '--dir' given more than once"));
	tu_proc_free(&p);
	RUN(&p, NULL, "pki", "init", "--na", "R");
	ck_assert(has(p.err, "sceau: unknown option '--na'"));
	tu_proc_free(&p);
	/* With no terminal, the message names the sources for the key asked for. */
	RUN(&p, NULL, "pki", "init", "--dir", "r", "--name", "R");
	ck_assert(has(p.err, "no passphrase for the new root key 'r/root.key': give --pass-file "
			     "FILE or set SCEAU_ROOT_PASSPHRASE"));
	tu_proc_free(&p);
}
END_TEST

/* ---- the PKI end to end ---------------------------------------------------------- */

START_TEST(test_cli_pki_output_reads_back_with_openssl)
{
	struct tu_proc p;
	char *key;

	make_root_and_signer();
	OPENSSL(&p, "verify", "-CAfile", "r/root.crt", "s/signer.crt");
	ck_assert_msg(p.status == 0, "%s%s", p.out, p.err);
	ck_assert_str_eq(p.out, "s/signer.crt: OK\n");
	tu_proc_free(&p);

	OPENSSL(&p, "x509", "-in", "s/signer.crt", "-noout", "-text");
	ck_assert_int_eq(p.status, 0);
	ck_assert(has(p.out, "2.25.126753321991432516554478597059127966795.1.1"));
	ck_assert(has(p.out, "2.25.126753321991432516554478597059127966795.1.2"));
	ck_assert(has(p.out, "CA:FALSE"));
	ck_assert(has(p.out, "Digital Signature, Non Repudiation"));
	ck_assert(has(p.out, "Subject: CN = DEMO Body"));
	tu_proc_free(&p);

	OPENSSL(&p, "x509", "-in", "r/root.crt", "-noout", "-text");
	ck_assert(has(p.out, "CA:TRUE, pathlen:0"));
	ck_assert(has(p.out, "Certificate Sign, CRL Sign"));
	tu_proc_free(&p);

	/* The keys are encrypted PKCS#8 that openssl reads with the passphrase. */
	for (int i = 0; i < 2; i++) {
		const char *path = i ? "s/signer.key" : "r/root.key";
		char *full = tu_path(tmp, path);
		key = tu_read(full, NULL);
		ck_assert_int_eq(strncmp(key, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38), 0);
		ck_assert_int_eq(tu_mode(full), 0600);
		free(key);
		free(full);
		OPENSSL(&p, "pkey", "-in", path, "-passin", "pass:s3cret", "-noout");
		ck_assert_msg(p.status == 0, "%s", p.err);
		tu_proc_free(&p);
		OPENSSL(&p, "pkey", "-in", path, "-passin", "pass:wrong", "-noout");
		ck_assert_int_ne(p.status, 0);
		tu_proc_free(&p);
	}
	{
		char *r = tu_path(tmp, "r"), *s = tu_path(tmp, "s");
		ck_assert_int_eq(tu_mode(r), 0700);
		ck_assert_int_eq(tu_mode(s), 0700);
		free(r);
		free(s);
	}
}
END_TEST

START_TEST(test_cli_revoke_shows_in_openssl_crl_and_fails_verification)
{
	struct tu_proc p;

	make_root_and_signer();
	OPENSSL(&p, "crl", "-in", "r/crl.pem", "-noout", "-text");
	ck_assert(has(p.out, "X509v3 CRL Number: \n                1\n"));
	ck_assert(has(p.out, "No Revoked Certificates."));
	tu_proc_free(&p);

	RUN(&p, PASS_ENV, "pki", "revoke", "--root", "r", "--cert", "s/signer.crt", "--reason",
	    "keyCompromise");
	ck_assert_msg(p.status == 0, "%s", p.err);
	ck_assert(has(p.out, "revoked 's/signer.crt'"));
	ck_assert(has(p.out, "revocation list #2, 1 entry"));
	tu_proc_free(&p);

	OPENSSL(&p, "crl", "-in", "r/crl.pem", "-noout", "-text");
	ck_assert(has(p.out, "X509v3 CRL Number: \n                2\n"));
	ck_assert(has(p.out, "Key Compromise"));
	tu_proc_free(&p);
	OPENSSL(&p, "crl", "-in", "r/crl.pem", "-noout", "-CAfile", "r/root.crt");
	ck_assert_msg(p.status == 0 && has(p.err, "verify OK"), "%s", p.err);
	tu_proc_free(&p);
	OPENSSL(&p, "verify", "-crl_check", "-CAfile", "r/root.crt", "-CRLfile", "r/crl.pem",
		"s/signer.crt");
	ck_assert_int_ne(p.status, 0);
	ck_assert(has(p.out, "certificate revoked") || has(p.err, "certificate revoked"));
	tu_proc_free(&p);

	/* Twice: exit 2, nothing changed. */
	RUN(&p, PASS_ENV, "pki", "revoke", "--root", "r", "--cert", "s/signer.crt");
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err, "is already revoked"));
	tu_proc_free(&p);

	RUN(&p, PASS_ENV, "pki", "crl", "--root", "r", "--crl-days", "60");
	ck_assert_msg(p.status == 0, "%s", p.err);
	ck_assert(has(p.out, "revocation list #3, 1 entry"));
	tu_proc_free(&p);
}
END_TEST

START_TEST(test_cli_bad_input_exits_2_and_leaves_nothing)
{
	static const struct {
		const char *env;
		const char *args[16];
		const char *expect;
	} cases[] = {
		{PASS_ENV,
		 {"pki", "init", "--dir", "x", "--name", "R", "--days", "0"},
		 "invalid value '0' for '--days'"},
		{PASS_ENV,
		 {"pki", "init", "--dir", "x", "--name", "R", "--days", "12abc"},
		 "invalid value '12abc'"},
		{PASS_ENV, {"pki", "init", "--dir", "x", "--name", ""}, "the name is empty"},
		{NULL, {"pki", "init", "--dir", "x", "--name", "R"}, "no passphrase for"},
		{"SCEAU_PASSPHRASE=",
		 {"pki", "init", "--dir", "x", "--name", "R"},
		 "is set but empty"},
		{PASS_ENV,
		 {"pki", "init", "--dir", "x", "--name", "R", "--pass-file", "nope"},
		 "cannot read passphrase file 'nope': no such file"},
		{PASS_ENV,
		 {"pki", "signer", "--root", "r", "--dir", "x", "--name", "B", "--programs",
		  "coc,organic"},
		 "unknown programme 'organic'"},
		{PASS_ENV,
		 {"pki", "signer", "--root", "nowhere", "--dir", "x", "--name", "B", "--programs",
		  "coc"},
		 "root 'nowhere' not found"},
		{"SCEAU_PASSPHRASE=wrong",
		 {"pki", "signer", "--root", "r", "--dir", "x", "--name", "B", "--programs", "coc"},
		 "cannot decrypt key 'r/root.key': wrong passphrase"},
		{PASS_ENV,
		 {"pki", "signer", "--root", "r", "--dir", "s", "--name", "B", "--programs", "coc"},
		 "directory 's' already exists"},
		{PASS_ENV,
		 {"pki", "signer", "--root", "r", "--dir", "x", "--name", "B", "--programs",
		  "halal", "--days", "-3"},
		 "invalid value '-3'"},
		{PASS_ENV,
		 {"pki", "revoke", "--root", "r", "--cert", "r/root.key"},
		 "'r/root.key' holds a private key, not a certificate"},
		{PASS_ENV,
		 {"pki", "revoke", "--root", "r", "--cert", "missing.crt"},
		 "cannot read certificate 'missing.crt': no such file"},
		{PASS_ENV,
		 {"pki", "revoke", "--root", "r", "--cert", "s/signer.crt", "--reason", "bored"},
		 "unknown revocation reason 'bored'"},
		{PASS_ENV,
		 {"pki", "init", "--dir", "r", "--name", "R"},
		 "directory 'r' already exists"},
		{NULL,
		 {"pki", "signer", "--root", "r", "--dir", "x", "--name", "B", "--programs", "coc"},
		 "no passphrase for the root key 'r/root.key': give --root-pass-file FILE or set "
		 "SCEAU_ROOT_PASSPHRASE"},
		{PASS_ENV,
		 {"pki", "init", "--dir", "r/root.crt", "--name", "R", "--force"},
		 "'r/root.crt' exists and is not a directory"},
	};
	char *crl_before, *crl_after, *crl = NULL;

	make_root_and_signer();
	crl = tu_path(tmp, "r/crl.pem");
	crl_before = tu_read(crl, NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tu_proc p;
		run(&p, cases[i].env, cases[i].args);
		ck_assert_msg(p.status == 2, "case %zu: exit %d: %s", i, p.status, p.err);
		ck_assert_msg(has(p.err, cases[i].expect), "case %zu: %s", i, p.err);
		ck_assert_msg(p.out[0] == '\0', "case %zu: %s", i, p.out);
		tu_proc_free(&p);
		ck_assert_msg(tu_count_entries(tmp) == 2, "case %zu left something behind", i);
	}
	crl_after = tu_read(crl, NULL);
	ck_assert_str_eq(crl_before, crl_after);
	free(crl_before);
	free(crl_after);
	free(crl);
}
END_TEST

START_TEST(test_cli_pass_files_and_root_passphrase_apart)
{
	char *rp = tu_path(tmp, "root.pass"), *sp = tu_path(tmp, "signer.pass");
	struct tu_proc p;

	tu_write(rp, "root secret\n", 12);
	tu_write(sp, "signer secret\r\n", 15);
	RUN(&p, NULL, "pki", "init", "--dir", "r", "--name", "R", "--pass-file", "root.pass");
	ck_assert_msg(p.status == 0, "%s", p.err);
	tu_proc_free(&p);
	RUN(&p, NULL, "pki", "signer", "--root", "r", "--dir", "s", "--name", "B", "--programs",
	    "coc", "--pass-file", "signer.pass", "--root-pass-file", "root.pass");
	ck_assert_msg(p.status == 0, "%s", p.err);
	tu_proc_free(&p);
	OPENSSL(&p, "pkey", "-in", "s/signer.key", "-passin", "pass:signer secret", "-noout");
	ck_assert_msg(p.status == 0, "%s", p.err);
	tu_proc_free(&p);
	OPENSSL(&p, "pkey", "-in", "r/root.key", "-passin", "pass:root secret", "-noout");
	ck_assert_msg(p.status == 0, "%s", p.err);
	tu_proc_free(&p);
	/* SCEAU_ROOT_PASSPHRASE for the root, SCEAU_PASSPHRASE for the new key;
	 * pki init takes SCEAU_ROOT_PASSPHRASE too, so both commands agree. */
	{
		const char *env[] = {"SCEAU_ROOT_PASSPHRASE=rootpw", "SCEAU_PASSPHRASE=other",
				     NULL};
		const char *argv[] = {SCEAU, "pki", "init", "--dir", "r2", "--name", "R2", NULL};
		tu_run(&p, tmp, env, argv);
		ck_assert_msg(p.status == 0, "%s", p.err);
		tu_proc_free(&p);
		OPENSSL(&p, "pkey", "-in", "r2/root.key", "-passin", "pass:rootpw", "-noout");
		ck_assert_msg(p.status == 0, "%s", p.err);
		tu_proc_free(&p);
	}
	{
		const char *env[] = {"SCEAU_ROOT_PASSPHRASE=root secret", "SCEAU_PASSPHRASE=two",
				     NULL};
		const char *argv[] = {SCEAU, "pki",    "signer", "--root",     "r",     "--dir",
				      "t",   "--name", "T",      "--programs", "halal", NULL};
		tu_run(&p, tmp, env, argv);
		ck_assert_msg(p.status == 0, "%s", p.err);
		tu_proc_free(&p);
	}
	OPENSSL(&p, "pkey", "-in", "t/signer.key", "-passin", "pass:two", "-noout");
	ck_assert_msg(p.status == 0, "%s", p.err);
	tu_proc_free(&p);
	free(rp);
	free(sp);
}
END_TEST

START_TEST(test_cli_force_and_default_signer_directory)
{
	struct tu_proc p;
	char *d;

	make_root_and_signer();
	RUN(&p, PASS_ENV, "pki", "init", "--dir", "r", "--name", "R2", "--force");
	ck_assert_msg(p.status == 0, "%s", p.err);
	ck_assert(has(p.out, "replaced with new root CA 'R2'"));
	tu_proc_free(&p);
	/* The old signer no longer chains to the replaced root. */
	OPENSSL(&p, "verify", "-CAfile", "r/root.crt", "s/signer.crt");
	ck_assert_int_ne(p.status, 0);
	tu_proc_free(&p);
	/* No --dir: keys/<name as a slug>. */
	RUN(&p, PASS_ENV, "pki", "signer", "--root", "r", "--name", "Bureau Veritas (Maroc)",
	    "--programs", "coc");
	ck_assert_msg(p.status == 0, "%s", p.err);
	tu_proc_free(&p);
	d = tu_path(tmp, "keys/bureau-veritas-maroc/signer.crt");
	ck_assert(tu_exists(d));
	free(d);
	RUN(&p, PASS_ENV, "pki", "signer", "--root", "r", "--name", "T\xc3\x9cV Rheinland",
	    "--programs", "coc");
	ck_assert_msg(p.status == 0, "%s", p.err);
	tu_proc_free(&p);
	d = tu_path(tmp, "keys/tuv-rheinland/signer.crt");
	ck_assert(tu_exists(d));
	free(d);
	/* Re-issuing keeps the old certificate and says how to revoke it. */
	RUN(&p, PASS_ENV, "pki", "signer", "--root", "r", "--dir", "keys/tuv-rheinland", "--name",
	    "TUV", "--programs", "halal", "--force");
	ck_assert_msg(p.status == 0, "%s", p.err);
	ck_assert(has(p.out, "re-issued signer 'TUV'"));
	ck_assert(has(p.out, "sceau pki revoke --root r --cert keys/tuv-rheinland/signer-"));
	tu_proc_free(&p);
}
END_TEST

START_TEST(test_cli_demo_makes_a_pki_and_can_run_again)
{
	static const char *const files[] = {"demo/root/root.crt",
					    "demo/root/root.key",
					    "demo/root/crl.pem",
					    "demo/signer/signer.crt",
					    "demo/signer/signer.key",
					    "demo/signer/chain.pem",
					    "demo/trust/root.crt",
					    "demo/trust/root.crl",
					    "demo/trust/demo-body.crt",
					    "demo/coc.json",
					    "demo/halal.json",
					    "demo/coc.qr",
					    "demo/halal.qr",
					    "demo/coc.pdf",
					    "demo/withdrawn.pdf",
					    "demo/signer/register.db",
					    "demo/trust/demo-body.status",
					    "demo/trust.bundle"};
	struct tu_proc p;

	for (int round = 0; round < 2; round++) {
		RUN(&p, NULL, "demo", "--dir", "demo");
		ck_assert_msg(p.status == 0, "%s", p.err);
		ck_assert(has(p.out, "coc    valid"));
		ck_assert(has(p.out, "halal  valid"));
		ck_assert(has(p.out, "QR text in demo/coc.qr"));
		ck_assert(has(p.out,
			      "coc       with the directory      PDF valid, QR valid: signed "
			      "by 'DEMO Inspection Body', authorised for coc"));
		ck_assert(has(p.out, "halal     with the directory      PDF valid, QR valid"));
		/* The register, a revocation, the status list and the bundle. */
		ck_assert(has(p.out, "revoked      DEMO-COC-"));
		ck_assert(has(p.out, "withdrawn with the bundle         PDF revoked, QR revoked"));
		ck_assert(has(p.out, round ? "(sequence 2," : "(sequence 1,"));
		tu_proc_free(&p);
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			char *f = tu_path(tmp, files[i]);
			ck_assert_msg(tu_exists(f), "missing %s", files[i]);
			free(f);
		}
	}
	OPENSSL(&p, "verify", "-CAfile", "demo/root/root.crt", "demo/signer/signer.crt");
	ck_assert_int_eq(p.status, 0);
	tu_proc_free(&p);
	OPENSSL(&p, "pkey", "-in", "demo/signer/signer.key", "-passin", "pass:demo", "-noout");
	ck_assert_int_eq(p.status, 0);
	tu_proc_free(&p);
}
END_TEST

/* ---- the terminal prompt ---------------------------------------------------------- */

/* Read from the pty until `want` appears (or EOF/timeout); returns 1 if seen.
 * Everything read is appended to log. */
static int expect(int fd, const char *want, char *log, size_t cap)
{
	size_t len = strlen(log);

	for (int waited = 0; waited < 600; waited++) { /* up to 60 s */
		struct pollfd pfd = {fd, POLLIN, 0};
		if (strstr(log, want))
			return 1;
		if (poll(&pfd, 1, 100) > 0) {
			ssize_t r = read(fd, log + len, cap - len - 1);
			if (r <= 0)
				return strstr(log, want) != NULL;
			len += (size_t)r;
			log[len] = '\0';
		}
	}
	return 0;
}

/* Run `sceau pki init` on a pseudo-terminal and answer its prompts. */
static int prompt_init(const char *first, const char *second, char *log, size_t cap)
{
	int fd, status;
	pid_t pid = forkpty(&fd, NULL, NULL, NULL);

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (chdir(tmp) < 0)
			_exit(127);
		unsetenv("SCEAU_PASSPHRASE");
		execl(SCEAU, SCEAU, "pki", "init", "--dir", "r", "--name", "R", (char *)NULL);
		_exit(127);
	}
	log[0] = '\0';
	ck_assert_msg(expect(fd, "new passphrase for the new root key 'r/root.key': ", log, cap),
		      "%s", log);
	ck_assert(write(fd, first, strlen(first)) > 0);
	if (second) {
		ck_assert_msg(expect(fd, "repeat the passphrase", log, cap), "%s", log);
		ck_assert(write(fd, second, strlen(second)) > 0);
	}
	expect(fd, "\x04never", log, cap); /* read to EOF */
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

START_TEST(test_cli_prompts_twice_with_echo_off)
{
	char log[8192];
	struct tu_proc p;

	ck_assert_int_eq(prompt_init("typed-secret\n", "typed-secret\n", log, sizeof(log)), 0);
	ck_assert_msg(!has(log, "typed-secret"), "passphrase echoed: %s", log);
	ck_assert(has(log, "created root CA 'R'"));
	OPENSSL(&p, "pkey", "-in", "r/root.key", "-passin", "pass:typed-secret", "-noout");
	ck_assert_msg(p.status == 0, "%s", p.err);
	tu_proc_free(&p);
}
END_TEST

START_TEST(test_cli_prompt_mismatch_exits_2_and_writes_nothing)
{
	char log[8192];

	ck_assert_int_eq(prompt_init("one\n", "two\n", log, sizeof(log)), 2);
	ck_assert(has(log, "the passphrases do not match"));
	ck_assert_int_eq(tu_count_entries(tmp), 0);
	/* Enter alone: no key with an empty passphrase. */
	ck_assert_int_eq(prompt_init("\n", NULL, log, sizeof(log)), 2);
	ck_assert(has(log, "empty passphrase for the new root key"));
	ck_assert_int_eq(tu_count_entries(tmp), 0);
}
END_TEST

START_TEST(test_cli_failures_after_staging_leave_no_trace)
{
	char path[512] = "";
	struct tu_proc p;
	char *key, *empty = tu_path(tmp, "empty.pass");

	/* Seventeen missing parents: more than sceau creates; the sixteen it
	 * made are removed again. */
	for (int i = 1; i <= 17; i++) {
		char part[8];
		snprintf(part, sizeof(part), "d%d/", i);
		strncat(path, part, sizeof(path) - strlen(path) - 1);
	}
	strncat(path, "root", sizeof(path) - strlen(path) - 1);
	RUN(&p, PASS_ENV, "pki", "init", "--dir", path, "--name", "R");
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err, "too many missing parent directories"));
	tu_proc_free(&p);
	ck_assert_int_eq(tu_count_entries(tmp), 0);

	/* An empty passphrase file is refused, naming it. */
	tu_write(empty, "\n", 1);
	RUN(&p, NULL, "pki", "init", "--dir", "r", "--name", "R", "--pass-file", "empty.pass");
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err,
		      "passphrase file 'empty.pass' for the new root key 'r/root.key' is empty"));
	tu_proc_free(&p);
	unlink(empty);
	free(empty);

	/* --force into a root whose root.key is a directory: the rename fails
	 * (a system error, exit 3) and the staging directory goes away. */
	make_root_and_signer();
	key = tu_path(tmp, "r/root.key");
	ck_assert_int_eq(unlink(key), 0);
	ck_assert_int_eq(mkdir(key, 0700), 0);
	{
		char *inside = tu_path(key, "x");
		tu_write(inside, "x", 1);
		free(inside);
	}
	RUN(&p, PASS_ENV, "pki", "init", "--dir", "r", "--name", "R", "--force");
	ck_assert_msg(p.status == 3, "exit %d: %s", p.status, p.err);
	ck_assert(has(p.err, "cannot replace 'r/root.key'"));
	tu_proc_free(&p);
	{
		char *r = tu_path(tmp, "r");
		DIR *d = opendir(r);
		struct dirent *e;
		while ((e = readdir(d)))
			ck_assert_msg(strncmp(e->d_name, ".sceau-new-", 11) != 0, "left %s",
				      e->d_name);
		closedir(d);
		free(r);
	}
	free(key);
}
END_TEST

TU_MAIN("cli", setup, teardown, test_cli_help_and_version_go_to_stdout_with_exit_0,
	test_cli_help_x_equals_x_help_for_every_command, test_cli_usage_errors_exit_2_on_stderr,
	test_cli_messages_name_the_problem_and_the_subject,
	test_cli_pki_output_reads_back_with_openssl,
	test_cli_revoke_shows_in_openssl_crl_and_fails_verification,
	test_cli_bad_input_exits_2_and_leaves_nothing,
	test_cli_pass_files_and_root_passphrase_apart, test_cli_force_and_default_signer_directory,
	test_cli_demo_makes_a_pki_and_can_run_again, test_cli_prompts_twice_with_echo_off,
	test_cli_prompt_mismatch_exits_2_and_writes_nothing,
	test_cli_failures_after_staging_leave_no_trace)
