/* Injected faults (issue 7): the sceau binary runs with tests/faults/
 * faultinj.c preloaded, which fails the N-th allocation, write, fsync, open
 * or rename, or raises a signal at a chosen call. After every fault the
 * same invariants must hold: an exit status of the contract (0 done, 2
 * input, 3 internal; never a crash or a sanitizer report), a clear
 * "sceau: ..." message, no partial PDF and no temporary file, no register
 * row issued without its file and no PDF without its issued row, and the
 * key untouched. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "testutil.h"

#define TIME     "2026-11-24T10:00:00Z"
#define BODY     "Intertek Maroc Test"
#define PATTERN  "ITK-{TYPE}-{YYYY}-{N:6}"
#define SAN_EXIT 86 /* what a sanitizer report exits with here */

static char *tmp;  /* root/, signer/, trust/, bundle (once) */
static char *work; /* per test */
static unsigned char key_md[32];

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

static void sha256_file(const char *path, unsigned char md[32])
{
	size_t len;
	char *data = tu_read(path, &len);

	ck_assert_msg(data != NULL, "cannot read '%s'", path);
	ck_assert(EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL));
	free(data);
}

/* sceau with args in `work`, the shim preloaded with rule `fault` (NULL:
 * none, "" counts only), its report in work/fault.rep (removed first). */
static void run_fault(struct tu_proc *p, const char *fault, const char *const *extra,
		      const char *const *args)
{
	const char *argv[64] = {SCEAU_BIN};
	char fault_env[512];
	const char *env[16];
	size_t n = 1, e = 0;

	for (size_t i = 0; args[i]; i++) {
		ck_assert_uint_lt(n, 63);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	env[e++] = "SCEAU_TEMPLATES=" SCEAU_TEMPLATES;
	env[e++] = "TZ=UTC";
	env[e++] = "SCEAU_PASSPHRASE=pw";
	env[e++] = "SCEAU_ROOT_PASSPHRASE=pw";
	env[e++] = "ASAN_OPTIONS=verify_asan_link_order=0:exitcode=86:abort_on_error=0";
	env[e++] = "UBSAN_OPTIONS=exitcode=86:print_stacktrace=1";
	unlink("fault.rep");
	if (fault) {
		snprintf(fault_env, sizeof(fault_env), "SCEAU_FAULT=%s", fault);
		env[e++] = "LD_PRELOAD=" SCEAU_FAULTINJ;
		env[e++] = fault_env;
		env[e++] = "SCEAU_FAULT_REPORT=fault.rep";
		/* OpenSSL's own leaks when its allocations fail (lsan.supp) */
		if (!strncmp(fault, "malloc", 6))
			env[e++] = "LSAN_OPTIONS=suppressions=" SCEAU_FAULTS_DIR
				   "/lsan.supp:print_suppressions=0";
	}
	for (size_t i = 0; extra && extra[i]; i++) {
		ck_assert_uint_lt(e, 15);
		env[e++] = extra[i];
	}
	env[e] = NULL;
	tu_run(p, work, env, argv);
}
#define SCEAU(p, ...)        run_fault((p), NULL, NULL, (const char *const[]){__VA_ARGS__, NULL})
#define FAULT(p, fault, ...) run_fault((p), (fault), NULL, (const char *const[]){__VA_ARGS__, NULL})
#define FAULT_ENV(p, f, e, ...)                                                                    \
	run_fault((p), (f), (const char *const[]){e, NULL},                                        \
		  (const char *const[]){__VA_ARGS__, NULL})
#define FAULT_ENV2(p, f, e1, e2, ...)                                                              \
	run_fault((p), (f), (const char *const[]){e1, e2, NULL},                                   \
		  (const char *const[]){__VA_ARGS__, NULL})

static void ok(struct tu_proc *p)
{
	ck_assert_msg(p->status == 0, "exit %d: %s%s", p->status, p->out, p->err);
	tu_proc_free(p);
}

/* Did the last run's fault fire? */
static int fired(void)
{
	char *rep = tu_read("fault.rep", NULL);
	int yes = has(rep, "fired ");

	free(rep);
	return yes;
}

/* A number from the last run's report: "count malloc=N", "mark malloc=N". */
static unsigned long report_number(const char *key)
{
	char *rep = tu_read("fault.rep", NULL), *at;
	unsigned long n;

	ck_assert_msg(rep != NULL, "no fault report");
	at = strstr(rep, key);
	ck_assert_msg(at != NULL, "no '%s' in the report: %s", key, rep);
	n = strtoul(at + strlen(key), NULL, 10);
	free(rep);
	return n;
}

/* An example request without its number, written to work/name. */
static char *request(const char *example, const char *name)
{
	char path[512];
	json_t *j;
	char *out = tu_path(work, name);

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_EXAMPLES, example);
	j = json_load_file(path, JSON_PRESERVE_ORDER, NULL);
	ck_assert_ptr_nonnull(j);
	json_object_del(j, "number");
	ck_assert_int_eq(json_dump_file(j, out, JSON_INDENT(2)), 0);
	json_decref(j);
	return out;
}

/* A batch of n coc requests with ids b00, b01, ... in work/name. */
static void batch(const char *name, int n)
{
	char path[512], id[16];
	FILE *f = fopen(name, "w");
	json_t *j;

	ck_assert_ptr_nonnull(f);
	snprintf(path, sizeof(path), "%s/coc.json", SCEAU_EXAMPLES);
	j = json_load_file(path, JSON_PRESERVE_ORDER, NULL);
	ck_assert_ptr_nonnull(j);
	json_object_del(j, "number");
	for (int i = 0; i < n; i++) {
		char *s;
		snprintf(id, sizeof(id), "b%02d", i);
		json_object_set_new(j, "id", json_string(id));
		s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fprintf(f, "%s\n", s);
		free(s);
	}
	json_decref(j);
	ck_assert_int_eq(fclose(f), 0);
}

/* ---- the invariants ---------------------------------------------------------------- */

/* Exit status of the contract, no crash, no sanitizer report, and on
 * failure one clear message: every line "sceau: ..." (or a "hint: "), in
 * lower case, without a raw strerror text. */
static void check_status_and_message(const struct tu_proc *p, const char *what)
{
	static const char *const raw[] = {
		"Success",      "No such file",      "Cannot allocate",         "No space left",
		"Input/output", "Permission denied", "Operation not permitted", "File exists"};
	const char *line;

	/* Known, in libharu 2.3.0 (not ours to fix): HPDF_Page_TextOut copies
	 * into a buffer it failed to allocate. The process dies before any
	 * file is written; the other invariants are still checked. */
	if (has(p->err, "SEGV on unknown address 0x000000000000") &&
	    has(p->err, "in HPDF_MemCpy") && has(p->err, "HPDF_Page_ShowText"))
		return;
	/* Known, in libqpdf 11 (not ours either; only without ASan, which
	 * keeps operator new to itself): QPDF::~QPDF(), run by qpdf_cleanup(),
	 * allocates, and its std::bad_alloc ends the process (terminate). */
	if (p->status == 128 + SIGABRT && has(p->err, "throwing an instance of 'std::bad_alloc'"))
		return;
	ck_assert_msg(p->status != SAN_EXIT && !has(p->err, "Sanitizer") &&
			      !has(p->err, "runtime error"),
		      "%s: sanitizer report: %s", what, p->err);
	ck_assert_msg(p->status == 0 || p->status == 2 || p->status == 3,
		      "%s: exit %d (a crash?): %s", what, p->status, p->err);
	if (p->status == 0)
		return;
	ck_assert_msg(p->err[0] != '\0', "%s: exit %d without a message", what, p->status);
	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
		ck_assert_msg(!has(p->err, raw[i]), "%s: raw error text '%s': %s", what, raw[i],
			      p->err);
	for (line = p->err; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "") {
		if (*line == '\n')
			continue;
		ck_assert_msg(!strncmp(line, "sceau: ", 7) || !strncmp(line, "hint: ", 6) ||
				      !strncmp(line, "batch '", 7) || !strncmp(line, "refused", 7),
			      "%s: not a sceau message: %s", what, p->err);
		/* "Cannot ..." is not; "COSE payload: ..." is */
		if (!strncmp(line, "sceau: ", 7))
			ck_assert_msg(!(line[7] >= 'A' && line[7] <= 'Z' && line[8] >= 'a' &&
					line[8] <= 'z'),
				      "%s: message not in lower case: %s", what, p->err);
	}
}

/* No temporary file of a commit or of an atomic write in `dir`. */
static void check_no_temp(const char *dir, const char *what)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		ck_assert_msg(!strstr(e->d_name, ".tmp") && !strstr(e->d_name, ".sceau-"),
			      "%s: temporary file '%s' left in '%s'", what, e->d_name, dir);
	closedir(d);
}

/* The register matches the PDFs in `dir` one for one: every issued row has
 * its file, with the recorded digest, and every PDF an issued row. Rows
 * still reserved are allowed only when `reserved_ok` (the next run's
 * recovery settles them). Returns the number of issued rows. */
static unsigned long check_register(const char *db, const char *dir, int reserved_ok,
				    const char *what)
{
	struct sceau_register *r = NULL;
	struct sceau_error err = {0};
	unsigned long counts[6], issued = 0;
	DIR *d;
	struct dirent *de;

	if (!tu_exists(db))
		return 0;
	ck_assert_msg(sceau_register_open(db, 0, "test", &r, &err) == SCEAU_OK, "%s: %s", what,
		      err.msg);
	ck_assert_int_eq(sceau_register_counts(r, counts, &err), SCEAU_OK);
	if (!reserved_ok)
		ck_assert_msg(counts[0] == 0, "%s: %lu rows left reserved", what, counts[0]);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n > 4 && !strcmp(de->d_name + n - 4, ".pdf") && strcmp(de->d_name, "h.pdf")) {
			/* Every PDF here is one of the register's, issued. */
			char *path = tu_path(dir, de->d_name);
			int found = 0;
			for (long id = 1; id < 200 && !found; id++) {
				char num[64];
				struct sceau_register_entry e;
				snprintf(num, sizeof(num), "ITK-COC-2026-%06ld", id);
				if (sceau_register_get(r, num, &e, &err) != SCEAU_OK)
					continue;
				if (!strcmp(e.path, path) ||
				    (strstr(e.path, de->d_name) && e.state == SCEAU_REG_ISSUED))
					found = e.state == SCEAU_REG_ISSUED;
			}
			ck_assert_msg(found, "%s: '%s' has no issued row", what, path);
			free(path);
		}
	}
	closedir(d);
	/* Every issued row has its file, whole. */
	for (long id = 1; id < 200; id++) {
		char num[64];
		struct sceau_register_entry e;
		unsigned char md[32];
		snprintf(num, sizeof(num), "ITK-COC-2026-%06ld", id);
		if (sceau_register_get(r, num, &e, &err) != SCEAU_OK)
			continue;
		if (e.state != SCEAU_REG_ISSUED)
			continue;
		issued++;
		ck_assert_msg(tu_exists(e.path), "%s: %s issued without its file '%s'", what, num,
			      e.path);
		ck_assert(e.has_sha256);
		sha256_file(e.path, md);
		ck_assert_msg(!memcmp(md, e.sha256, 32), "%s: '%s' is not the file recorded", what,
			      e.path);
	}
	sceau_register_close(r);
	return issued;
}

static void check_key_untouched(void)
{
	unsigned char md[32];
	char *key = tu_path(tmp, "signer/signer.key");

	sha256_file(key, md);
	ck_assert_msg(!memcmp(md, key_md, 32), "the signer key changed");
	free(key);
}

/* Everything after one faulted 'sceau issue --out out.pdf --register
 * reg.db': `before` rows were issued already. */
static void check_issue_after(const struct tu_proc *p, unsigned long before, const char *what)
{
	unsigned long issued;

	check_status_and_message(p, what);
	check_no_temp(".", what);
	issued = check_register("reg.db", ".", 1, what);
	if (p->status == 0) {
		ck_assert_msg(tu_exists("out.pdf"), "%s: done, but no out.pdf", what);
		ck_assert_msg(issued == before + 1, "%s: %lu issued", what, issued);
	} else {
		ck_assert_msg(!tu_exists("out.pdf"), "%s: exit %d, but out.pdf is there: %s", what,
			      p->status, p->err);
		ck_assert_msg(issued == before, "%s: %lu issued", what, issued);
	}
	check_key_untouched();
}

/* ---- fixtures ------------------------------------------------------------------------ */

static void setup_once(void)
{
	time_t t0 = 1763971200; /* 2025-11-24 */
	char *root, *signer, *trust, *key;

	tmp = tu_tmpdir();
	root = tu_path(tmp, "root");
	signer = tu_path(tmp, "signer");
	trust = tu_path(tmp, "trust");
	tu_make_root(root, "Racine de test", 3650, t0);
	tu_make_signer(root, signer, BODY,
		       SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC) |
			       SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL),
		       1095, t0);
	ck_assert_int_eq(mkdir(trust, 0700), 0);
	{
		const char *from[] = {"root/root.crt", "root/crl.pem", "signer/signer.crt"};
		const char *to[] = {"trust/root.crt", "trust/root.crl", "trust/body.crt"};
		for (size_t i = 0; i < 3; i++) {
			size_t len;
			char *a = tu_path(tmp, from[i]), *b = tu_path(tmp, to[i]);
			char *data = tu_read(a, &len);
			ck_assert_ptr_nonnull(data);
			tu_write(b, data, len);
			free(data);
			free(a);
			free(b);
		}
	}
	key = tu_path(signer, "signer.key");
	sha256_file(key, key_md);
	free(key);
	free(root);
	free(signer);
	free(trust);
}

static void teardown_once(void)
{
	tu_rmrf(tmp);
	free(tmp);
}

static void setup(void)
{
	const char *names[] = {"signer", "trust", "root"};

	work = tu_tmpdir();
	for (size_t i = 0; i < 3; i++) {
		char *from = tu_path(tmp, names[i]), *to = tu_path(work, names[i]);
		ck_assert_int_eq(symlink(from, to), 0);
		free(from);
		free(to);
	}
	ck_assert_int_eq(chdir(work), 0);
}

static void teardown(void)
{
	tu_rmrf(work);
	free(work);
}

/* Copy file `from` to `to`. */
static void copy(const char *from, const char *to)
{
	size_t len;
	char *data = tu_read(from, &len);

	ck_assert_msg(data != NULL, "cannot read '%s'", from);
	tu_write(to, data, len);
	free(data);
}

/* A register with one certificate issued (ITK-COC-2026-000001, first.pdf),
 * its log folded in, kept as base.db; and the request coc.json for the
 * next. */
static void register_with_one(void)
{
	struct tu_proc p;
	struct sceau_register *r = NULL;
	struct sceau_error err = {0};
	char *req = request("coc", "coc.json");

	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--number-pattern",
	      PATTERN, "--in", "coc.json", "--out", "first.pdf", "--time", TIME);
	ok(&p);
	free(req);
	ck_assert_int_eq(sceau_register_open("reg.db", 0, "test", &r, &err), SCEAU_OK);
	sceau_register_close(r);
	ck_assert(!tu_exists("reg.db-wal"));
	copy("reg.db", "base.db");
}

#define ISSUE(p, fault)                                                                            \
	FAULT((p), (fault), "issue", "--signer", "signer", "--register", "reg.db", "--in",         \
	      "coc.json", "--out", "out.pdf", "--time", TIME)

/* After a failed run: the next one, with nothing failing, recovers what
 * was left and issues. */
static void rerun_recovers(const char *what)
{
	struct tu_proc p;

	ISSUE(&p, NULL);
	ck_assert_msg(p.status == 0, "%s, the run after: exit %d: %s", what, p.status, p.err);
	check_issue_after(&p, 1, what);
	check_register("reg.db", ".", 0, what);
	tu_proc_free(&p);
}

/* Put the work directory back as register_with_one left it. */
static void reset_issue(void)
{
	unlink("out.pdf");
	unlink("reg.db-wal");
	unlink("reg.db-shm");
	copy("base.db", "reg.db");
}

/* ---- allocation failures ----------------------------------------------------------------- */

/* Every k-th allocation of 'sceau issue' fails in turn, densely near the
 * commit: whatever fails, the invariants hold, and an allocation failure
 * is never taken for a bad request (exit 2). */
START_TEST(test_issue_survives_allocation_failure)
{
	struct tu_proc p;
	unsigned long total, commit, n;
	char rule[64], what[96];
	int failed = 0;

	register_with_one();
	/* A run that counts: how many allocations, and where the commit starts. */
	FAULT_ENV(&p, "", "SCEAU_FAULT_MARK=.sceau-", "issue", "--signer", "signer", "--register",
		  "reg.db", "--in", "coc.json", "--out", "out.pdf", "--time", TIME);
	check_issue_after(&p, 1, "counting run");
	ck_assert_int_eq(p.status, 0);
	tu_proc_free(&p);
	total = report_number("count malloc=");
	commit = report_number("mark malloc=");
	ck_assert_uint_gt(total, 1000);
	ck_assert_uint_lt(commit, total);
	reset_issue();
	/* Allocations before main()'s own (libc, OpenSSL's secure heap, whose
	 * set-up asserts on failure in OpenSSL 3.0) are not ours to test. */
	for (unsigned i = 0; i < 36; i++) {
		unsigned long before = 1;
		if (i < 24)
			n = 40 + i * (commit - 40) / 24 + i * 7; /* spread over the run */
		else
			n = commit - 400 + (i - 24) * (total - commit + 400) / 12;
		snprintf(rule, sizeof(rule), "malloc:%lu", n);
		snprintf(what, sizeof(what), "allocation %lu of %lu", n, total);
		ISSUE(&p, rule);
		check_issue_after(&p, before, what);
		if (p.status != 0 && fired()) {
			failed++;
			ck_assert_msg(p.status == 3 || !has(p.err, "out of memory"),
				      "%s: exit %d for: %s", what, p.status, p.err);
			if (failed % 4 == 1)
				rerun_recovers(what);
		}
		tu_proc_free(&p);
		reset_issue();
	}
	ck_assert_int_gt(failed, 10);
}
END_TEST

/* Allocation failure from some point on (no memory left at all). */
START_TEST(test_issue_survives_running_out_of_memory)
{
	struct tu_proc p;
	unsigned long total;
	char rule[64], what[96];

	register_with_one();
	ISSUE(&p, "");
	ok(&p);
	total = report_number("count malloc=");
	reset_issue();
	for (unsigned i = 1; i <= 6; i++) {
		unsigned long before = 1;
		unsigned long n = total - i * (total / 7);
		snprintf(rule, sizeof(rule), "malloc:%lu+", n);
		snprintf(what, sizeof(what), "allocations from %lu of %lu", n, total);
		ISSUE(&p, rule);
		check_issue_after(&p, before, what);
		tu_proc_free(&p);
		reset_issue();
	}
}
END_TEST

/* sceau verify under allocation failure: an error (exit 3) or the right
 * verdict, never a wrong one. */
START_TEST(test_verify_survives_allocation_failure)
{
	struct tu_proc p;
	unsigned long total;
	char rule[64], what[96];

	register_with_one();
	FAULT(&p, "", "verify", "--trust", "trust", "--at", TIME, "first.pdf");
	ck_assert_msg(p.status == 0, "%s%s", p.out, p.err);
	tu_proc_free(&p);
	total = report_number("count malloc=");
	for (unsigned i = 0; i < 16; i++) {
		unsigned long n = 40 + i * (total - 40) / 16 + i * 3;
		snprintf(rule, sizeof(rule), "malloc:%lu", n);
		snprintf(what, sizeof(what), "verify, allocation %lu of %lu", n, total);
		FAULT(&p, rule, "verify", "--trust", "trust", "--at", TIME, "first.pdf");
		ck_assert_msg(p.status != SAN_EXIT && p.status < 128, "%s: exit %d: %s", what,
			      p.status, p.err);
		ck_assert_msg(p.status == 0 || p.status == 3 || !fired(),
			      "%s: exit %d (a verdict from a failed allocation?): %s%s", what,
			      p.status, p.out, p.err);
		if (p.status == 3)
			ck_assert_msg(p.err[0] != '\0', "%s: no message", what);
		tu_proc_free(&p);
	}
}
END_TEST

/* sceau trust install under allocation failure: installed, or exit 3 and
 * nothing installed (no half-written bundle, state unchanged). */
START_TEST(test_trust_install_survives_allocation_failure)
{
	struct tu_proc p;
	unsigned long total;
	char rule[64], what[96], *bundle_env, *state_env;

	SCEAU(&p, "trust", "build", "--root", "root", "--out", "t.bundle", "signer");
	ok(&p);
	ck_assert(asprintf(&bundle_env, "SCEAU_TRUST=%s/installed.bundle", work) > 0);
	ck_assert(asprintf(&state_env, "SCEAU_STATE_DIR=%s/state", work) > 0);
	FAULT_ENV2(&p, "", bundle_env, state_env, "trust", "install", "t.bundle");
	ck_assert_msg(p.status == 0, "%s%s", p.out, p.err);
	tu_proc_free(&p);
	total = report_number("count malloc=");
	for (unsigned i = 0; i < 12; i++) {
		unsigned long n = 40 + i * (total - 40) / 12 + i * 5;
		unlink("installed.bundle");
		tu_rmrf("state");
		snprintf(rule, sizeof(rule), "malloc:%lu", n);
		snprintf(what, sizeof(what), "trust install, allocation %lu of %lu", n, total);
		FAULT_ENV2(&p, rule, bundle_env, state_env, "trust", "install", "t.bundle");
		check_status_and_message(&p, what);
		check_no_temp(".", what);
		if (p.status == 0) {
			size_t a, b;
			char *x = tu_read("installed.bundle", &a), *y = tu_read("t.bundle", &b);
			ck_assert_msg(x && y && a == b && !memcmp(x, y, a), "%s: bundle differs",
				      what);
			free(x);
			free(y);
		} else {
			ck_assert_msg(!tu_exists("installed.bundle"), "%s: exit %d, but installed",
				      what, p.status);
		}
		tu_proc_free(&p);
	}
	free(bundle_env);
	free(state_env);
}
END_TEST

/* ---- writes, fsync, rename: a full disk, a failing disk --------------------------------- */

/* Short writes are no failure: the PDF comes out whole and verifies. */
START_TEST(test_short_writes_still_make_a_whole_pdf)
{
	struct tu_proc p;

	register_with_one();
	ISSUE(&p, "write:1+:short");
	ck_assert(fired());
	check_issue_after(&p, 1, "short writes");
	ck_assert_msg(p.status == 0, "%s", p.err);
	tu_proc_free(&p);
	SCEAU(&p, "verify", "--trust", "trust", "--at", TIME, "out.pdf");
	ck_assert_msg(p.status == 0, "%s%s", p.out, p.err);
	tu_proc_free(&p);
}
END_TEST

/* The disk fills up, or fails, while writing the PDF: exit 3, the cause
 * in the message, nothing at out.pdf, the number void. */
START_TEST(test_full_disk_on_the_pdf)
{
	static const struct {
		const char *rule, *says;
	} cases[] = {
		{"write@.sceau-:1:enospc", "no space left on device"},
		{"write@.sceau-:1+:eio", "input/output error"},
		{"fsync@.sceau-:1:eio", "input/output error"},
		{"open@.sceau-:1:enospc", "no space left on device"},
		{"rename@out.pdf:1:enospc", "no space left on device"},
	};
	struct tu_proc p;

	register_with_one();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ISSUE(&p, cases[i].rule);
		ck_assert_msg(fired(), "%s did not fire", cases[i].rule);
		check_issue_after(&p, 1, cases[i].rule);
		ck_assert_msg(p.status == 3, "%s: exit %d: %s", cases[i].rule, p.status, p.err);
		ck_assert_msg(has(p.err, cases[i].says), "%s: %s", cases[i].rule, p.err);
		ck_assert_msg(has(p.err, "out.pdf") || has(p.err, ".sceau-ITK-COC"), "%s: %s",
			      cases[i].rule, p.err);
		check_register("reg.db", ".", 0, cases[i].rule);
		tu_proc_free(&p);
	}
}
END_TEST

/* The register's own writes and syncs fail, at each in turn, once and for
 * good: the register never says issued without the file. */
START_TEST(test_failing_register_writes)
{
	static const char *const kinds[] = {"write@reg.db:%u:enospc", "write@reg.db:%u+:eio",
					    "fsync@reg.db:%u:eio", "fsync@reg.db:%u+:eio"};
	struct tu_proc p;
	char rule[64];

	register_with_one();
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (unsigned n = 1; n <= 10; n++) {
			unsigned long before = 1;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			snprintf(rule, sizeof(rule), kinds[k], n);
#pragma GCC diagnostic pop
			ISSUE(&p, rule);
			if (!fired()) {
				tu_proc_free(&p);
				reset_issue();
				break;
			}
			check_issue_after(&p, before, rule);
			if (p.status != 0) {
				ck_assert_msg(has(p.err, "reg.db") || has(p.err, "out.pdf"),
					      "%s: %s", rule, p.err);
				if (n % 3 == 1)
					rerun_recovers(rule);
			}
			tu_proc_free(&p);
			reset_issue();
		}
	}
}
END_TEST

/* sceau status writes its list atomically: a full disk leaves nothing, and
 * says so in lower case. */
START_TEST(test_full_disk_on_the_status_list)
{
	struct tu_proc p;

	register_with_one();
	FAULT(&p, "write@list.status:1:enospc", "status", "--signer", "signer", "--register",
	      "reg.db", "--out", "list.status", "--time", TIME);
	ck_assert(fired());
	check_status_and_message(&p, "status, full disk");
	ck_assert_int_eq(p.status, 3);
	ck_assert_msg(has(p.err, "cannot write 'list.status': no space left on device"), "%s",
		      p.err);
	ck_assert(!tu_exists("list.status"));
	check_no_temp(".", "status");
	tu_proc_free(&p);
	/* A missing directory: an input error, said in lower case. */
	SCEAU(&p, "status", "--signer", "signer", "--register", "reg.db", "--out",
	      "nowhere/list.status", "--time", TIME);
	check_status_and_message(&p, "status, no directory");
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(has(p.err, "'nowhere/list.status': no such file"), "%s", p.err);
	tu_proc_free(&p);
}
END_TEST

/* ---- the key ---------------------------------------------------------------------------- */

/* An unreadable key (EACCES: the tests run as root, so chmod cannot make
 * one), a truncated one, a garbled one: exit 2 naming the file, nothing
 * reserved or written. */
START_TEST(test_bad_key_leaves_nothing)
{
	struct tu_proc p;
	char *req = request("coc", "coc.json");
	size_t len;
	char *key = tu_read("signer/signer.key", &len);

	ck_assert_ptr_nonnull(key);
	FAULT(&p, "open@signer.key:1+:eacces", "issue", "--signer", "signer", "--register",
	      "reg.db", "--in", "coc.json", "--out", "out.pdf", "--time", TIME);
	ck_assert(fired());
	check_issue_after(&p, 0, "unreadable key");
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(has(p.err, "signer.key': permission denied"), "%s", p.err);
	tu_proc_free(&p);
	/* A copy of the signer with its key truncated, then garbled. */
	ck_assert_int_eq(mkdir("s2", 0700), 0);
	{
		const char *names[] = {"signer.crt", "chain.pem"};
		for (size_t i = 0; i < 2; i++) {
			char from[64], to[64], *d;
			size_t l;
			snprintf(from, sizeof(from), "signer/%s", names[i]);
			snprintf(to, sizeof(to), "s2/%s", names[i]);
			d = tu_read(from, &l);
			tu_write(to, d, l);
			free(d);
		}
	}
	for (int garbled = 0; garbled < 2; garbled++) {
		if (garbled) {
			key[len / 2] ^= 0x55;
			key[len / 2 + 1] ^= 0x55;
			tu_write("s2/signer.key", key, len);
		} else {
			tu_write("s2/signer.key", key, len / 2);
		}
		FAULT(&p, NULL, "issue", "--signer", "s2", "--register", "reg.db", "--in",
		      "coc.json", "--out", "out.pdf", "--time", TIME);
		check_issue_after(&p, 0, garbled ? "garbled key" : "truncated key");
		ck_assert_msg(p.status == 2, "exit %d: %s", p.status, p.err);
		ck_assert_msg(has(p.err, "s2/signer.key"), "%s", p.err);
		tu_proc_free(&p);
	}
	free(key);
	free(req);
}
END_TEST

/* ---- a corrupt register ---------------------------------------------------------------- */

enum damage { D_HEADER, D_MIDDLE, D_TRUNCATED, D_WAL };

/* Damage work/reg.db (a register with one certificate issued). */
static void damage(enum damage how)
{
	int fd;
	struct stat st;
	char junk[4096];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 131 + 7);
	if (how == D_WAL) {
		fd = open("reg.db-wal", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
		close(fd);
		return;
	}
	fd = open("reg.db", O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_ge(st.st_size, 3 * 4096);
	switch (how) {
	case D_HEADER:
		ck_assert_int_eq(pwrite(fd, junk, 100, 0), 100);
		break;
	case D_MIDDLE:
		ck_assert_int_eq(pwrite(fd, junk, 4096, 4096), 4096);
		ck_assert_int_eq(pwrite(fd, junk, 4096, 2 * 4096), 4096);
		break;
	case D_TRUNCATED:
		ck_assert_int_eq(ftruncate(fd, 4096 + 1000), 0);
		break;
	case D_WAL:
		break;
	}
	close(fd);
}

/* issue, revoke and status on a damaged register: a clear message naming
 * it, exit 2 or 3, and nothing written: no PDF, no status list, the
 * register file unchanged. A garbage write-ahead log is no log (SQLite
 * checks its checksums): then the command may work, and must be whole. */
START_TEST(test_corrupt_register)
{
	static const char *const names[] = {"garbage header", "garbage pages", "truncated",
					    "garbage write-ahead log"};
	struct tu_proc p;

	register_with_one();
	/* Fold the log into the file, so damage to the file is damage. */
	{
		struct sceau_register *r = NULL;
		struct sceau_error err = {0};
		ck_assert_int_eq(sceau_register_open("reg.db", 0, "test", &r, &err), SCEAU_OK);
		sceau_register_close(r);
	}
	ck_assert(!tu_exists("reg.db-wal"));
	{
		size_t len;
		char *db = tu_read("reg.db", &len);
		tu_write("good.db", db, len);
		free(db);
	}
	for (int how = D_HEADER; how <= D_WAL; how++) {
		const char *what = names[how];
		for (int cmd = 0; cmd < 3; cmd++) {
			unsigned char md_before[32], md_after[32];
			size_t len;
			char *db = tu_read("good.db", &len);
			tu_write("reg.db", db, len);
			free(db);
			unlink("reg.db-wal");
			unlink("reg.db-shm");
			damage((enum damage)how);
			sha256_file("reg.db", md_before);
			if (cmd == 0)
				SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db",
				      "--in", "coc.json", "--out", "out.pdf", "--time", TIME);
			else if (cmd == 1)
				SCEAU(&p, "revoke", "--signer", "signer", "--register", "reg.db",
				      "ITK-COC-2026-000001", "--time", TIME);
			else
				SCEAU(&p, "status", "--signer", "signer", "--register", "reg.db",
				      "--out", "list.status", "--time", TIME);
			check_status_and_message(&p, what);
			check_no_temp(".", what);
			if (how == D_WAL) {
				if (p.status == 0 && cmd == 0)
					check_register("reg.db", ".", 0, what);
			} else {
				ck_assert_msg(p.status == 2 || p.status == 3,
					      "%s, command %d: exit %d: %s%s", what, cmd, p.status,
					      p.out, p.err);
				ck_assert_msg(has(p.err, "reg.db"), "%s: %s", what, p.err);
				ck_assert_msg(!tu_exists("out.pdf") && !tu_exists("list.status"),
					      "%s: a file was written", what);
				sha256_file("reg.db", md_after);
				ck_assert_msg(!memcmp(md_before, md_after, 32),
					      "%s, command %d: the register was written", what,
					      cmd);
			}
			unlink("out.pdf");
			unlink("list.status");
			tu_proc_free(&p);
		}
	}
	check_key_untouched();
}
END_TEST

/* ---- signals in a batch ----------------------------------------------------------------- */

/* The batch in work/req.jsonl is whole: `n` PDFs, each with its issued
 * row, nothing reserved. */
static void check_batch_whole(int n)
{
	struct sceau_register *r = NULL;
	struct sceau_error err = {0};
	unsigned long counts[6];

	ck_assert_int_eq(tu_count_entries("out"), n);
	check_no_temp("out", "batch");
	ck_assert_int_eq(sceau_register_open("reg.db", 0, "test", &r, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_register_counts(r, counts, &err), SCEAU_OK);
	ck_assert_uint_eq(counts[0], 0);
	ck_assert_uint_eq(counts[1], (unsigned long)n);
	for (int i = 0; i < n; i++) {
		struct sceau_register_entry e;
		unsigned char md[32];
		char id[16];
		snprintf(id, sizeof(id), "b%02d", i);
		ck_assert_int_eq(sceau_register_get_request(r, id, &e, &err), SCEAU_OK);
		ck_assert_int_eq(e.state, SCEAU_REG_ISSUED);
		sha256_file(e.path, md);
		ck_assert(!memcmp(md, e.sha256, 32));
	}
	sceau_register_close(r);
}

#define BATCH(p, fault, jobs)                                                                      \
	FAULT((p), (fault), "issue", "--signer", "signer", "--register", "reg.db",                 \
	      "--number-pattern", PATTERN, "--batch", "req.jsonl", "--out-dir", "out", "--time",   \
	      TIME, "--jobs", (jobs))

/* SIGTERM or SIGINT while the third PDF is put in place: that one is
 * finished, the batch stops there and says so (exit 3); the rerun issues
 * the rest. SIGKILL at the same point: the rerun settles the third and
 * issues the rest. */
START_TEST(test_signal_mid_batch)
{
	static const char *const rules[] = {"rename@/out/:3:sigterm", "rename@/out/:3:sigint",
					    "rename@/out/:3:sigkill"};
	struct tu_proc p;

	batch("req.jsonl", 8);
	for (size_t i = 0; i < 3; i++) {
		unlink("reg.db");
		unlink("reg.db-wal");
		unlink("reg.db-shm");
		tu_rmrf("out");
		BATCH(&p, rules[i], "1");
		ck_assert(fired());
		if (i < 2) {
			check_status_and_message(&p, rules[i]);
			ck_assert_msg(p.status == 3, "%s: exit %d: %s", rules[i], p.status, p.err);
			ck_assert_msg(has(p.err, "interrupted"), "%s", p.err);
			ck_assert_int_eq(tu_count_entries("out"), 3);
			check_register("reg.db", "out", 0, rules[i]);
		} else {
			ck_assert_int_eq(p.status, 128 + SIGKILL);
			check_register("reg.db", "out", 1, rules[i]);
		}
		tu_proc_free(&p);
		BATCH(&p, NULL, "1");
		ck_assert_msg(p.status == 0, "%s: rerun: exit %d: %s%s", rules[i], p.status, p.out,
			      p.err);
		ck_assert_msg(has(p.out, "already issued"), "%s: %s", rules[i], p.out);
		tu_proc_free(&p);
		check_batch_whole(8);
	}
}
END_TEST

/* With --jobs 2, a signal that reaches the workers and not the parent
 * (kill by pid, the OOM killer) still makes the batch say that it stopped
 * short (exit 3), not that it is done. */
START_TEST(test_signal_to_the_workers)
{
	struct tu_proc p;

	batch("req.jsonl", 8);
	/* Each worker counts its own renames: its second PDF. */
	BATCH(&p, "rename@/out/:2:sigterm", "2");
	ck_assert(fired());
	check_status_and_message(&p, "worker signalled");
	ck_assert_msg(p.status == 3, "exit %d: %s%s", p.status, p.out, p.err);
	ck_assert_msg(has(p.err, "interrupted"), "%s", p.err);
	ck_assert_int_lt(tu_count_entries("out"), 8);
	check_register("reg.db", "out", 0, "worker signalled");
	tu_proc_free(&p);
	BATCH(&p, NULL, "2");
	ck_assert_msg(p.status == 0, "rerun: exit %d: %s%s", p.status, p.out, p.err);
	tu_proc_free(&p);
	check_batch_whole(8);
}
END_TEST

/* SIGTERM to the parent of a --jobs 2 batch: the workers stop too, the
 * batch says it was interrupted, the rerun finishes it. The signal is
 * sent once two PDFs exist; should the batch be done by then, it must
 * simply be whole. */
START_TEST(test_sigterm_to_the_parent)
{
	struct tu_proc p;
	pid_t pid;
	int st;

	batch("req.jsonl", 24);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		setpgid(0, 0);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		setenv("SCEAU_TEMPLATES", SCEAU_TEMPLATES, 1);
		setenv("SCEAU_PASSPHRASE", "pw", 1);
		execl(SCEAU_BIN, SCEAU_BIN, "issue", "--signer", "signer", "--register", "reg.db",
		      "--number-pattern", PATTERN, "--batch", "req.jsonl", "--out-dir", "out",
		      "--time", TIME, "--jobs", "2", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 6000 && (!tu_exists("out") || tu_count_entries("out") < 2); i++)
		usleep(10000);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	/* Stopped short (the workers heard it too), or done before the signal. */
	if (WEXITSTATUS(st) == 3)
		ck_assert_int_lt(tu_count_entries("out"), 24);
	else
		ck_assert_int_eq(WEXITSTATUS(st), 0);
	/* No worker is left running: the register is not busy. */
	check_register("reg.db", "out", 0, "sigterm to the parent");
	BATCH(&p, NULL, "2");
	ck_assert_msg(p.status == 0, "rerun: exit %d: %s%s", p.status, p.out, p.err);
	tu_proc_free(&p);
	check_batch_whole(24);
}
END_TEST

TU_MAIN_ONCE("faults", setup_once, teardown_once, setup, teardown,
	     test_issue_survives_allocation_failure, test_issue_survives_running_out_of_memory,
	     test_verify_survives_allocation_failure,
	     test_trust_install_survives_allocation_failure,
	     test_short_writes_still_make_a_whole_pdf, test_full_disk_on_the_pdf,
	     test_failing_register_writes, test_full_disk_on_the_status_list,
	     test_bad_key_leaves_nothing, test_corrupt_register, test_signal_mid_batch,
	     test_signal_to_the_workers, test_sigterm_to_the_parent)
