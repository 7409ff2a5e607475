/* sceau issue with a register, issue --batch, revoke and status: the
 * body's side of issue 6, run through the sceau binary. */
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

#include "testutil.h"

#define TIME     "2026-11-24T10:00:00Z"
#define BODY     "Intertek Maroc Test"
#define PASS_ENV "SCEAU_PASSPHRASE=pw"
#define PATTERN  "ITK-{TYPE}-{YYYY}-{N:6}"

static char *tmp;  /* root/, signer/, trust/ (once) */
static char *work; /* per test */

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* sceau with args in `work`, templates from the source tree. */
static void run(struct tu_proc *p, const char *extra_env, const char *const *args)
{
	const char *argv[64] = {SCEAU_BIN};
	const char *env[] = {"SCEAU_TEMPLATES=" SCEAU_TEMPLATES, "TZ=UTC", PASS_ENV, extra_env,
			     NULL};
	size_t n = 1;

	for (size_t i = 0; args[i]; i++) {
		ck_assert_uint_lt(n, 63);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	tu_run(p, work, env, argv);
}
#define SCEAU(p, ...)          run((p), NULL, (const char *const[]){__VA_ARGS__, NULL})
#define SCEAU_ENV(p, env, ...) run((p), (env), (const char *const[]){__VA_ARGS__, NULL})

static void ok(struct tu_proc *p)
{
	ck_assert_msg(p->status == 0, "exit %d: %s%s", p->status, p->out, p->err);
	tu_proc_free(p);
}

/* An example request without its number (the register gives one), with
 * `supersedes` when not NULL, written to work/name. Returns its path. */
static char *request(const char *example, const char *name, const char *number)
{
	char path[512];
	json_error_t e;
	json_t *j;
	char *out = tu_path(work, name);

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_EXAMPLES, example);
	j = json_load_file(path, JSON_PRESERVE_ORDER, &e);
	ck_assert_ptr_nonnull(j);
	if (number)
		json_object_set_new(j, "number", json_string(number));
	else
		json_object_del(j, "number");
	ck_assert_int_eq(json_dump_file(j, out, JSON_INDENT(2)), 0);
	json_decref(j);
	return out;
}

/* One batch line: the example with an id and no number. */
static char *batch_line(const char *example, const char *id)
{
	char path[512];
	json_t *j;
	char *s;

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_EXAMPLES, example);
	j = json_load_file(path, JSON_PRESERVE_ORDER, NULL);
	ck_assert_ptr_nonnull(j);
	json_object_del(j, "number");
	json_object_set_new(j, "id", json_string(id));
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	return s;
}

/* Is there an entry in dir whose name contains `part`? */
static int named_like(const char *dir, const char *part)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, part))
			found = 1;
	closedir(d);
	return found;
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static json_t *json_out(const struct tu_proc *p)
{
	json_t *j = json_loads(p->out, 0, NULL);
	ck_assert_msg(j != NULL, "not JSON: %s", p->out);
	return j;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	ck_assert_msg(s != NULL, "no '%s'", k);
	return s;
}

/* The register's view of a number. */
static struct sceau_register_entry entry(const char *db, const char *number)
{
	struct sceau_register *r = NULL;
	struct sceau_register_entry e;
	struct sceau_error err = {0};

	ck_assert_msg(sceau_register_open(db, 0, "test", &r, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_msg(sceau_register_get(r, number, &e, &err) == SCEAU_OK, "%s", err.msg);
	sceau_register_close(r);
	return e;
}

static void setup_once(void)
{
	time_t t0 = 1763971200; /* 2025-11-24 */
	char *root, *signer, *trust, *a, *b;

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
			char *data;
			a = tu_path(tmp, from[i]);
			b = tu_path(tmp, to[i]);
			data = tu_read(a, &len);
			ck_assert_ptr_nonnull(data);
			tu_write(b, data, len);
			free(data);
			free(a);
			free(b);
		}
	}
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
	work = tu_tmpdir();
	/* The signer and trust directories, seen from work. */
	{
		const char *names[] = {"signer", "trust"};
		for (size_t i = 0; i < 2; i++) {
			char *from = tu_path(tmp, names[i]), *to = tu_path(work, names[i]);
			ck_assert_int_eq(symlink(from, to), 0);
			free(from);
			free(to);
		}
	}
	/* Each test runs in its own process (Check forks): relative paths are
	 * inside work. */
	ck_assert_int_eq(chdir(work), 0);
}

static void teardown(void)
{
	tu_rmrf(work);
	free(work);
}

/* ---- single issuance ------------------------------------------------------ */

START_TEST(test_issue_numbers_from_the_pattern)
{
	struct tu_proc p;
	char *coc = request("coc", "coc.json", NULL), *halal = request("halal", "halal.json", NULL);
	json_t *j;

	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--number-pattern",
	      PATTERN, "--in", coc, "--out", "a.pdf", "--time", TIME, "--json");
	ck_assert_msg(p.status == 0, "%s", p.err);
	j = json_out(&p);
	ck_assert_str_eq(jstr(j, "number"), "ITK-COC-2026-000001");
	json_decref(j);
	tu_proc_free(&p);
	/* The pattern is kept: the next run needs no --number-pattern. */
	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--in", coc, "--out",
	      "b.pdf", "--time", TIME);
	ck_assert(has(p.out, "issued ITK-COC-2026-000002: b.pdf"));
	ok(&p);
	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--in", halal, "--out",
	      "c.pdf", "--time", TIME);
	ck_assert(has(p.out, "issued ITK-HAL-2026-000001"));
	ok(&p);
	/* The register holds the PDF's digest; the verifier reads the number. */
	{
		char *db = tu_path(work, "reg.db");
		struct sceau_register_entry e = entry(db, "ITK-COC-2026-000002");
		ck_assert_int_eq(e.state, SCEAU_REG_ISSUED);
		ck_assert_int_eq(e.has_sha256, 1);
		ck_assert_int_eq(tu_mode(db), 0600);
		free(db);
	}
	SCEAU(&p, "verify", "--trust", "trust", "--json", "b.pdf");
	ck_assert_msg(p.status == 0, "%s%s", p.out, p.err);
	j = json_out(&p);
	ck_assert_str_eq(jstr(j, "number"), "ITK-COC-2026-000002");
	json_decref(j);
	tu_proc_free(&p);
	free(coc);
	free(halal);
}
END_TEST

START_TEST(test_issue_refuses_a_number_twice)
{
	struct tu_proc p;
	char *coc = request("coc", "coc.json", "ITK-COC-2026-000777");

	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--in", coc, "--out",
	      "a.pdf", "--time", TIME);
	ok(&p);
	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--in", coc, "--out",
	      "b.pdf", "--time", TIME);
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(has(p.err, "ITK-COC-2026-000777"), "%s", p.err);
	ck_assert(!tu_exists("b.pdf"));
	tu_proc_free(&p);
	/* Without a register, a request must carry its number. */
	free(coc);
	coc = request("coc", "nonum.json", NULL);
	SCEAU(&p, "issue", "--signer", "signer", "--no-register", "--in", coc, "--out", "c.pdf",
	      "--time", TIME);
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(has(p.err, "number: required field missing"), "%s", p.err);
	tu_proc_free(&p);
	free(coc);
}
END_TEST

START_TEST(test_issue_wrong_passphrase_reserves_nothing)
{
	struct tu_proc p;
	char *coc = request("coc", "coc.json", "ITK-COC-2026-000900");
	char *db = tu_path(work, "reg.db");
	struct sceau_register *r = NULL;
	struct sceau_register_entry e;
	struct sceau_error err = {0};

	SCEAU_ENV(&p, "SCEAU_PASSPHRASE=wrong", "issue", "--signer", "signer", "--register",
		  "reg.db", "--in", coc, "--out", "a.pdf", "--time", TIME);
	ck_assert_int_eq(p.status, 2);
	tu_proc_free(&p);
	ck_assert(!tu_exists("a.pdf"));
	ck_assert_int_eq(sceau_register_open(db, 0, "test", &r, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_register_get(r, "ITK-COC-2026-000900", &e, &err),
			 SCEAU_ERR_NOT_FOUND);
	sceau_register_close(r);
	free(db);
	free(coc);
}
END_TEST

START_TEST(test_issue_supersedes_marks_the_old_one)
{
	struct tu_proc p;
	char *coc = request("coc", "coc.json", NULL);
	char *db = tu_path(work, "reg.db");
	struct sceau_register_entry e;
	json_t *j;

	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--number-pattern",
	      PATTERN, "--in", coc, "--out", "a.pdf", "--time", TIME);
	ok(&p);
	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--in", coc, "--out",
	      "b.pdf", "--time", TIME, "--supersedes", "ITK-COC-2026-000001", "--json");
	ck_assert_msg(p.status == 0, "%s", p.err);
	j = json_out(&p);
	ck_assert_str_eq(jstr(j, "number"), "ITK-COC-2026-000002");
	ck_assert_str_eq(jstr(j, "supersedes"), "ITK-COC-2026-000001");
	json_decref(j);
	tu_proc_free(&p);
	e = entry(db, "ITK-COC-2026-000001");
	ck_assert_int_eq(e.state, SCEAU_REG_SUPERSEDED);
	ck_assert_str_eq(e.superseded_by, "ITK-COC-2026-000002");
	/* The revision names what it replaces, in its signed QR. */
	SCEAU(&p, "verify", "--trust", "trust", "--json", "b.pdf");
	j = json_out(&p);
	ck_assert_str_eq(jstr(j, "supersedes"), "ITK-COC-2026-000001");
	json_decref(j);
	tu_proc_free(&p);
	/* Replacing it again, or an unknown number, is refused: nothing written. */
	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--in", coc, "--out",
	      "c.pdf", "--time", TIME, "--supersedes", "ITK-COC-2026-000001");
	ck_assert_int_eq(p.status, 2);
	tu_proc_free(&p);
	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--in", coc, "--out",
	      "c.pdf", "--time", TIME, "--supersedes", "ITK-COC-2026-999999");
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(has(p.err, "ITK-COC-2026-999999"), "%s", p.err);
	tu_proc_free(&p);
	ck_assert(!tu_exists("c.pdf"));
	free(db);
	free(coc);
}
END_TEST

/* ---- revoke and status ------------------------------------------------------ */

START_TEST(test_revoke_suspend_reinstate)
{
	struct tu_proc p;
	char *coc = request("coc", "coc.json", "ITK-COC-2026-000100");
	char *db = tu_path(work, "reg.db");

	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--in", coc, "--out",
	      "a.pdf", "--time", TIME);
	ok(&p);
	SCEAU(&p, "revoke", "--signer", "signer", "--register", "reg.db", "ITK-COC-2026-000999");
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(has(p.err, "ITK-COC-2026-000999"), "%s", p.err);
	tu_proc_free(&p);
	SCEAU(&p, "revoke", "--signer", "signer", "--register", "reg.db", "--reason", "nonsense",
	      "ITK-COC-2026-000100");
	ck_assert_int_eq(p.status, 2);
	tu_proc_free(&p);
	SCEAU(&p, "revoke", "--signer", "signer", "--register", "reg.db", "--suspend",
	      "ITK-COC-2026-000100");
	ck_assert(has(p.out, "suspended ITK-COC-2026-000100 (investigation)"));
	ok(&p);
	ck_assert_int_eq(entry(db, "ITK-COC-2026-000100").state, SCEAU_REG_SUSPENDED);
	SCEAU(&p, "revoke", "--signer", "signer", "--register", "reg.db", "--reinstate",
	      "ITK-COC-2026-000100");
	ok(&p);
	ck_assert_int_eq(entry(db, "ITK-COC-2026-000100").state, SCEAU_REG_ISSUED);
	SCEAU(&p, "revoke", "--signer", "signer", "--register", "reg.db", "--reason", "fraud",
	      "--json", "ITK-COC-2026-000100");
	ck_assert(has(p.out, "\"state\":\"revoked\""));
	ck_assert(has(p.out, "\"reason\":\"fraud\""));
	ok(&p);
	SCEAU(&p, "revoke", "--signer", "signer", "--register", "reg.db", "ITK-COC-2026-000100");
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(has(p.err, "already revoked"), "%s", p.err);
	tu_proc_free(&p);
	/* A missing register is not made by revoke. */
	SCEAU(&p, "revoke", "--signer", "signer", "--register", "none.db", "ITK-COC-2026-000100");
	ck_assert_int_eq(p.status, 2);
	ck_assert(!tu_exists("none.db"));
	tu_proc_free(&p);
	free(db);
	free(coc);
}
END_TEST

START_TEST(test_status_list_reaches_the_verifier)
{
	struct tu_proc p;
	const char *nums[] = {"ITK-COC-2026-000201", "ITK-COC-2026-000202", "ITK-COC-2026-000203"};
	const char *pdfs[] = {"a.pdf", "b.pdf", "c.pdf"};
	json_t *j;

	for (size_t i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof(name), "r%zu.json", i);
		char *in = request("coc", name, nums[i]);
		SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--in", in,
		      "--out", pdfs[i], "--time", TIME);
		ok(&p);
		free(in);
	}
	SCEAU(&p, "revoke", "--signer", "signer", "--register", "reg.db", "--reason", "fraud",
	      "--time", "2026-11-25T09:00:00Z", nums[0]);
	ok(&p);
	SCEAU(&p, "revoke", "--signer", "signer", "--register", "reg.db", "--suspend", nums[1]);
	ok(&p);
	SCEAU(&p, "status", "--signer", "signer", "--register", "reg.db", "--out", "body.status",
	      "--time", TIME, "--json");
	ck_assert_msg(p.status == 0, "%s", p.err);
	j = json_out(&p);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "revoked")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "suspended")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "sequence")), 1);
	json_decref(j);
	tu_proc_free(&p);
	/* Refuses to overwrite; the next list has the next sequence number. */
	SCEAU(&p, "status", "--signer", "signer", "--register", "reg.db", "--out", "body.status");
	ck_assert_int_eq(p.status, 2);
	tu_proc_free(&p);
	/* --force replaces files, never a device or a pipe. */
	ck_assert_int_eq(mkfifo("pipe", 0600), 0);
	SCEAU(&p, "status", "--signer", "signer", "--register", "reg.db", "--out", "pipe",
	      "--force");
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(strstr(p.err, "not a regular file"), "%s", p.err);
	{
		struct stat st;
		ck_assert_int_eq(lstat("pipe", &st), 0);
		ck_assert(S_ISFIFO(st.st_mode));
	}
	tu_proc_free(&p);

	/* A trust directory with the list. */
	ck_assert_int_eq(mkdir("t2", 0700), 0);
	{
		const char *files[] = {"root.crt", "root.crl", "body.crt"};
		for (size_t i = 0; i < 3; i++) {
			char from[256], to[256];
			size_t len;
			char *data;
			snprintf(from, sizeof(from), "trust/%s", files[i]);
			snprintf(to, sizeof(to), "t2/%s", files[i]);
			ck_assert_ptr_nonnull(data = tu_read(from, &len));
			tu_write(to, data, len);
			free(data);
		}
		size_t len;
		char *data = tu_read("body.status", &len);
		ck_assert_ptr_nonnull(data);
		tu_write("t2/body.status", data, len);
		free(data);
	}
	SCEAU(&p, "verify", "--trust", "t2", "--at", "2026-11-26T00:00:00Z", "a.pdf", "b.pdf",
	      "c.pdf");
	ck_assert_int_eq(p.status, 1);
	ck_assert_msg(has(p.out, "a.pdf: REVOKED"), "%s", p.out);
	ck_assert_msg(has(p.out, "fraud"), "%s", p.out);
	ck_assert_msg(has(p.out, "b.pdf: SUSPENDED"), "%s", p.out);
	ck_assert_msg(has(p.out, "c.pdf: VALID coc ITK-COC-2026-000203"), "%s", p.out);
	/* One line per file, then the count. */
	ck_assert_msg(has(p.out, "\n3 files: 1 valid, 1 revoked, 1 suspended\n"), "%s", p.out);
	ck_assert_int_eq(count_lines(p.out), 4);
	tu_proc_free(&p);
}
END_TEST

/* ---- batches ------------------------------------------------------------------ */

static void write_batch(const char *name, const char *const *lines, size_t n)
{
	FILE *f = fopen(name, "w");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", lines[i]);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_batch_reports_bad_lines_and_resumes)
{
	struct tu_proc p;
	char *l1 = batch_line("coc", "r1"), *l2 = batch_line("halal", "r2"),
	     *l4 = batch_line("coc", "r4"), *l6 = batch_line("coc", "r6"),
	     *bad_field = batch_line("coc", "r7"), *noid = batch_line("coc", "x");
	json_t *j = json_loads(bad_field, 0, NULL);

	/* r7: an invalid ICE; line 5: no id. */
	json_object_set_new(json_object_get(j, "importer"), "ice", json_string("001561191000065"));
	free(bad_field);
	bad_field = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	j = json_loads(noid, 0, NULL);
	json_object_del(j, "id");
	free(noid);
	noid = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	{
		const char *lines[] = {l1, l2,       "{\"id\": \"r3\", broken", l4, noid, "",
				       l6, bad_field};
		write_batch("req.jsonl", lines, 8);
	}
	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--number-pattern",
	      PATTERN, "--batch", "req.jsonl", "--out-dir", "out", "--time", TIME);
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(has(p.err, "line 3"), "%s", p.err);
	ck_assert_msg(has(p.err, "line 5"), "%s", p.err);
	ck_assert_msg(has(p.err, "line 8 ('r7')"), "%s", p.err);
	ck_assert_msg(has(p.err, "ICE"), "%s", p.err);
	ck_assert_msg(has(p.out, "4 issued, 0 already issued, 3 refused"), "%s", p.out);
	/* Quiet when piped: no progress bar on a non-terminal. */
	ck_assert(!has(p.err, "ETA"));
	tu_proc_free(&p);
	ck_assert_int_eq(tu_count_entries("out"), 4);
	ck_assert(tu_exists("out/r1.pdf") && tu_exists("out/r2.pdf") && tu_exists("out/r6.pdf"));
	/* A rerun issues only what is missing. */
	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--batch", "req.jsonl",
	      "--out-dir", "out", "--time", TIME, "--json");
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(has(p.err, "0 issued, 4 already issued, 3 refused"), "%s", p.err);
	ck_assert(has(p.out, "\"id\":\"r1\",\"status\":\"already_issued\""));
	tu_proc_free(&p);
	ck_assert_int_eq(tu_count_entries("out"), 4);
	/* Fixed lines go through on the next run. */
	{
		char *l3 = batch_line("coc", "r3");
		const char *lines[] = {l1, l2, l3, l4, l6};
		write_batch("req.jsonl", lines, 5);
		free(l3);
	}
	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--batch", "req.jsonl",
	      "--out-dir", "out", "--time", TIME);
	ck_assert_msg(has(p.out, "1 issued, 4 already issued, 0 refused"), "%s", p.out);
	ok(&p);
	SCEAU(&p, "verify", "--trust", "trust", "out/r3.pdf");
	ck_assert_msg(has(p.out, "ITK-COC-2026-000004"), "%s", p.out);
	ok(&p);
	free(l1);
	free(l2);
	free(l4);
	free(l6);
	free(bad_field);
	free(noid);
}
END_TEST

START_TEST(test_batch_jobs_hand_out_each_number_once)
{
	struct tu_proc p;
	const char *lines[12];
	char id[16];
	int seen[13] = {0};
	char *line, *save = NULL;

	for (size_t i = 0; i < 12; i++) {
		snprintf(id, sizeof(id), "req-%02zu", i);
		lines[i] = batch_line("coc", id);
	}
	write_batch("req.jsonl", lines, 12);
	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--number-pattern",
	      PATTERN, "--batch", "req.jsonl", "--out-dir", "out", "--time", TIME, "--jobs", "2",
	      "--json");
	ck_assert_msg(p.status == 0, "%s", p.err);
	ck_assert_msg(has(p.err, "12 issued"), "%s", p.err);
	for (line = strtok_r(p.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *j = json_loads(line, 0, NULL);
		int n = 0;
		ck_assert_ptr_nonnull(j);
		ck_assert_str_eq(jstr(j, "status"), "issued");
		ck_assert_int_eq(sscanf(jstr(j, "number"), "ITK-COC-2026-%d", &n), 1);
		ck_assert_int_ge(n, 1);
		ck_assert_int_le(n, 12);
		ck_assert_msg(!seen[n], "number %d twice", n);
		seen[n] = 1;
		json_decref(j);
	}
	for (int n = 1; n <= 12; n++)
		ck_assert_msg(seen[n], "number %d missing", n);
	tu_proc_free(&p);
	for (size_t i = 0; i < 12; i++)
		free((char *)lines[i]);
}
END_TEST

START_TEST(test_batch_refuses_a_50_mb_line)
{
	struct tu_proc p;
	char *l1 = batch_line("coc", "a"), *l3 = batch_line("halal", "c");
	FILE *f = fopen("req.jsonl", "w");
	static char chunk[1 << 16];

	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n{\"id\": \"b\", \"remarks\": \"", l1);
	memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < 800; i++) /* 50 MB */
		ck_assert_uint_eq(fwrite(chunk, 1, sizeof(chunk), f), sizeof(chunk));
	fprintf(f, "\"}\n%s\n", l3);
	ck_assert_int_eq(fclose(f), 0);
	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--batch", "req.jsonl",
	      "--out-dir", "out", "--time", TIME);
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(has(p.err, "line 2: longer than"), "%s", p.err);
	ck_assert_msg(has(p.out, "2 issued"), "%s", p.out);
	tu_proc_free(&p);
	free(l1);
	free(l3);
}
END_TEST

/* kill -9 in the middle of a batch; the rerun finishes it and the register
 * matches the files one for one. */
START_TEST(test_batch_survives_kill_9)
{
	const char *lines[24];
	char id[16], *db;
	pid_t pid;
	int st;
	struct tu_proc p;

	for (size_t i = 0; i < 24; i++) {
		snprintf(id, sizeof(id), "k%02zu", i);
		lines[i] = batch_line("coc", id);
	}
	write_batch("req.jsonl", lines, 24);
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
	/* Wait for a few PDFs, then kill the whole process group. */
	for (int i = 0; i < 3000 && tu_count_entries("out") < 4; i++)
		usleep(10000);
	ck_assert_int_eq(kill(-pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	/* Workers die with their parent's pipe; give them a moment. */
	usleep(300000);
	SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--batch", "req.jsonl",
	      "--out-dir", "out", "--time", TIME);
	ck_assert_msg(p.status == 0, "%s%s", p.out, p.err);
	tu_proc_free(&p);
	ck_assert_int_eq(tu_count_entries("out"), 24);
	db = tu_path(work, "reg.db");
	{
		struct sceau_register *r = NULL;
		struct sceau_error err = {0};
		unsigned long counts[6];
		ck_assert_int_eq(sceau_register_open(db, 0, "test", &r, &err), SCEAU_OK);
		ck_assert_int_eq(sceau_register_counts(r, counts, &err), SCEAU_OK);
		ck_assert_uint_eq(counts[0], 0);  /* reserved */
		ck_assert_uint_eq(counts[1], 24); /* issued */
		for (size_t i = 0; i < 24; i++) {
			struct sceau_register_entry e;
			snprintf(id, sizeof(id), "k%02zu", i);
			ck_assert_int_eq(sceau_register_get_request(r, id, &e, &err), SCEAU_OK);
			ck_assert_int_eq(e.state, SCEAU_REG_ISSUED);
			ck_assert(tu_exists(e.path));
		}
		sceau_register_close(r);
	}
	free(db);
	for (size_t i = 0; i < 24; i++)
		free((char *)lines[i]);
}
END_TEST

/* A full disk while writing the PDF (a file size limit stands in for it):
 * a clear message, nothing at the output, the number void. */
START_TEST(test_issue_full_disk_leaves_nothing)
{
	struct tu_proc p;
	char *coc = request("coc", "coc.json", "ITK-COC-2026-000300");
	char *db = tu_path(work, "reg.db");
	char cmd[2048];
	const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	const char *env[] = {"SCEAU_TEMPLATES=" SCEAU_TEMPLATES, PASS_ENV, NULL};

	/* Make the register first, with room. */
	{
		char *other = request("halal", "h.json", "ITK-HAL-2026-000001");
		SCEAU(&p, "issue", "--signer", "signer", "--register", "reg.db", "--in", other,
		      "--out", "h.pdf", "--time", TIME);
		ok(&p);
		free(other);
	}
	snprintf(cmd, sizeof(cmd),
		 "trap '' XFSZ; ulimit -f 76; exec '%s' issue --signer signer --register reg.db "
		 "--in '%s' --out a.pdf --time " TIME,
		 SCEAU_BIN, coc);
	tu_run(&p, work, env, argv);
	ck_assert_int_eq(p.status, 3);
	ck_assert_msg(has(p.err, "file too large"), "%s", p.err);
	tu_proc_free(&p);
	ck_assert(!tu_exists("a.pdf"));
	ck_assert_msg(!named_like(".", "a.pdf"), "a temporary file was left");
	/* The number is void: at once, or (when the disk was too full even
	 * for that) by the next run's recovery. */
	{
		struct sceau_register *r = NULL;
		struct sceau_error err = {0};
		ck_assert_int_eq(sceau_register_open(db, 0, "test", &r, &err), SCEAU_OK);
		ck_assert_int_eq(sceau_register_recover(r, NULL, &err), SCEAU_OK);
		sceau_register_close(r);
	}
	ck_assert_int_eq(entry(db, "ITK-COC-2026-000300").state, SCEAU_REG_VOID);
	free(db);
	free(coc);
}
END_TEST

TU_MAIN_ONCE("issue", setup_once, teardown_once, setup, teardown,
	     test_issue_numbers_from_the_pattern, test_issue_refuses_a_number_twice,
	     test_issue_wrong_passphrase_reserves_nothing, test_issue_supersedes_marks_the_old_one,
	     test_revoke_suspend_reinstate, test_status_list_reaches_the_verifier,
	     test_batch_reports_bad_lines_and_resumes, test_batch_jobs_hand_out_each_number_once,
	     test_batch_refuses_a_50_mb_line, test_batch_survives_kill_9,
	     test_issue_full_disk_leaves_nothing)
