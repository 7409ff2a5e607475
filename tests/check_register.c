/* Tests: the issuance register (register.c, register_issue.c,
 * register_state.c): numbering, states, audit trail, commit protocol,
 * crash recovery, concurrency, a full disk, files that are not registers. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <openssl/sha.h>
#include <sqlite3.h>

#include "testutil.h"

#define T2026 ((time_t)1795478400) /* 2026-11-24T00:00:00Z */
#define T2027 ((time_t)1800000000) /* 2027-01-15 */

static char *dir; /* the test's private directory */
static char *db;  /* dir/register.db */
static char *out; /* dir/out: where PDFs go */

static void setup(void)
{
	dir = tu_tmpdir();
	db = tu_path(dir, "register.db");
	out = tu_path(dir, "out");
	ck_assert_int_eq(mkdir(out, 0700), 0);
}

static void teardown(void)
{
	tu_rmrf(dir);
	free(dir);
	free(db);
	free(out);
}

static struct sceau_register *reg_open(void)
{
	struct sceau_error err = {0};
	struct sceau_register *r = NULL;

	ck_assert_msg(sceau_register_open(db, 1, "Test Body (01)", &r, &err) == SCEAU_OK, "%s",
		      err.msg);
	return r;
}

/* out/NAME.pdf for a number ('/' becomes '_'), malloc'd. */
static char *pdf_path(const char *name)
{
	char *p = NULL;

	ck_assert(asprintf(&p, "%s/%s.pdf", out, name) > 0);
	for (char *c = p + strlen(out) + 1; *c; c++)
		if (*c == '/')
			*c = '_';
	return p;
}

static void reserve_ok(struct sceau_register *r, enum sceau_program type, time_t at,
		       const char *number, const char *supersedes, const char *file,
		       char got[SCEAU_NUMBER_MAX])
{
	struct sceau_register_request req = {type, number, NULL, supersedes, file, at};
	struct sceau_error err = {0};

	ck_assert_msg(sceau_register_reserve(r, &req, got, &err) == SCEAU_OK, "%s", err.msg);
}

/* Reserve and commit a small PDF at out/<name>.pdf (name "" = the number). */
static void issue(struct sceau_register *r, enum sceau_program type, time_t at, const char *number,
		  const char *supersedes, char got[SCEAU_NUMBER_MAX])
{
	struct sceau_error err = {0};
	char text[128], *file;
	static int k;

	ck_assert(snprintf(text, sizeof(text), "issue-%d", ++k) > 0);
	file = pdf_path(number ? number : text);
	reserve_ok(r, type, at, number, supersedes, file, got);
	ck_assert(snprintf(text, sizeof(text), "%%PDF-1.7 certificate %s\n", got) > 0);
	ck_assert_msg(sceau_register_commit(r, got, (const unsigned char *)text, strlen(text), 0,
					    NULL, &err) == SCEAU_OK,
		      "%s", err.msg);
	free(file);
}

static enum sceau_reg_state state_of(struct sceau_register *r, const char *number)
{
	struct sceau_register_entry e;
	struct sceau_error err = {0};

	ck_assert_msg(sceau_register_get(r, number, &e, &err) == SCEAU_OK, "%s", err.msg);
	return e.state;
}

/* Files in `d` whose name starts with ".sceau-" (temporary files). */
static int count_tmp(const char *d)
{
	DIR *h = opendir(d);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(h);
	while ((de = readdir(h)))
		if (!strncmp(de->d_name, ".sceau-", 7))
			n++;
	closedir(h);
	return n;
}

/* ---- numbering ------------------------------------------------------------ */

START_TEST(test_register_numbers_run_per_type_and_year)
{
	struct sceau_register *r = reg_open();
	char n[SCEAU_NUMBER_MAX];

	ck_assert_str_eq(sceau_register_get0_pattern(r), SCEAU_REGISTER_PATTERN_DEFAULT);
	issue(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, n);
	ck_assert_str_eq(n, "COC-2026-000001");
	issue(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, n);
	ck_assert_str_eq(n, "COC-2026-000002");
	issue(r, SCEAU_PROGRAM_HALAL, T2026, NULL, NULL, n);
	ck_assert_str_eq(n, "HAL-2026-000001");
	issue(r, SCEAU_PROGRAM_COC, T2027, NULL, NULL, n);
	ck_assert_str_eq(n, "COC-2027-000001");
	issue(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, n);
	ck_assert_str_eq(n, "COC-2026-000003");
	sceau_register_close(r);

	/* the counters are in the file */
	r = reg_open();
	issue(r, SCEAU_PROGRAM_HALAL, T2026, NULL, NULL, n);
	ck_assert_str_eq(n, "HAL-2026-000002");
	sceau_register_close(r);
}
END_TEST

/* Keep the last "pattern" audit record. */
static int last_pattern(const struct sceau_register_audit *a, void *arg)
{
	if (!strcmp(a->action, "pattern"))
		*(struct sceau_register_audit *)arg = *a;
	return 0;
}

START_TEST(test_register_custom_pattern_is_kept_and_audited)
{
	struct sceau_register *r = reg_open();
	struct sceau_error err = {0};
	struct sceau_register_audit last = {0};
	char n[SCEAU_NUMBER_MAX];

	ck_assert_msg(sceau_register_set_pattern(r, "ITK-{TYPE}-{YYYY}-{N:6}", &err) == SCEAU_OK,
		      "%s", err.msg);
	issue(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, n);
	ck_assert_str_eq(n, "ITK-COC-2026-000001");
	issue(r, SCEAU_PROGRAM_HALAL, T2026, NULL, NULL, n);
	ck_assert_str_eq(n, "ITK-HAL-2026-000001");
	ck_assert_int_eq(sceau_register_set_pattern(r, "B/{YY}/{N}.{TYPE}", &err), SCEAU_OK);
	sceau_register_close(r);

	r = reg_open();
	ck_assert_str_eq(sceau_register_get0_pattern(r), "B/{YY}/{N}.{TYPE}");
	issue(r, SCEAU_PROGRAM_COC, T2027, NULL, NULL, n);
	ck_assert_str_eq(n, "B/27/1.COC");
	issue(r, SCEAU_PROGRAM_COC, T2027, NULL, NULL, n);
	ck_assert_str_eq(n, "B/27/2.COC");

	/* the change of pattern is in the audit trail */
	ck_assert_int_eq(sceau_register_audit_each(r, NULL, last_pattern, &last, &err), SCEAU_OK);
	ck_assert_str_eq(last.action, "pattern");
	ck_assert_str_eq(last.why, "ITK-{TYPE}-{YYYY}-{N:6} -> B/{YY}/{N}.{TYPE}");
	ck_assert_str_eq(last.actor, "Test Body (01)");
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_rejects_bad_patterns)
{
	static const struct {
		const char *pattern, *says;
	} bad[] = {
		{"", "empty"},
		{"COC-{YYYY}", "no {N}"},
		{"{N}-{N}", "{N} twice"},
		{"coc-{N}", "character 1"},
		{"C C{N}", "character 2"},
		{"{N:0}", "1 to 12"},
		{"{N:13}", "1 to 12"},
		{"{N:}", "1 to 12"},
		{"{N:x}", "1 to 12"},
		{"{N:06}", "1 to 12"},
		{"{FOO}-{N}", "unknown token '{FOO}'"},
		{"{TYPE-{N}", "unknown token"},
		{"A-{N", "not closed"},
		{"A--{N}", "not a certificate number"},
		{"-{N}", "not a certificate number"},
		{"{N}/", "not a certificate number"},
		{"{N}", "not a certificate number"}, /* "1": shorter than 3 */
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZ-ABCDEFGHIJ-{N:6}", "not a certificate number"},
	};
	struct sceau_register *r = reg_open();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sceau_error err = {0};
		ck_assert_msg(sceau_register_set_pattern(r, bad[i].pattern, &err) ==
				      SCEAU_ERR_INVALID,
			      "'%s' should be refused", bad[i].pattern);
		ck_assert_msg(strstr(err.msg, bad[i].says), "'%s': %s", bad[i].pattern, err.msg);
	}
	ck_assert_str_eq(sceau_register_get0_pattern(r), SCEAU_REGISTER_PATTERN_DEFAULT);
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_explicit_number_accepted_duplicate_refused)
{
	struct sceau_register *r = reg_open();
	struct sceau_error err = {0};
	char n[SCEAU_NUMBER_MAX], *file = pdf_path("x");
	struct sceau_register_request req = {
		SCEAU_PROGRAM_COC, "ITK-COC-2026-000123", NULL, NULL, file, T2026};

	issue(r, SCEAU_PROGRAM_COC, T2026, "ITK-COC-2026-000123", NULL, n);
	ck_assert_str_eq(n, "ITK-COC-2026-000123");
	ck_assert_int_eq(sceau_register_reserve(r, &req, n, &err), SCEAU_ERR_EXISTS);
	ck_assert_ptr_nonnull(strstr(err.msg, "'ITK-COC-2026-000123' is already in register"));
	ck_assert_str_eq(n, "");

	const char *bad[] = {
		"itk-coc-1", "AB",  "A--B", "-AB",
		"AB/",       "A B", "A_B",  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDE"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		req.number = bad[i];
		ck_assert_msg(sceau_register_reserve(r, &req, n, &err) == SCEAU_ERR_INVALID,
			      "'%s' should be refused", bad[i]);
		ck_assert_ptr_nonnull(strstr(err.msg, "not a certificate number"));
	}

	/* the pattern steps over a number someone gave explicitly */
	issue(r, SCEAU_PROGRAM_COC, T2026, "COC-2026-000001", NULL, n);
	issue(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, n);
	ck_assert_str_eq(n, "COC-2026-000002");
	sceau_register_close(r);
	free(file);
}
END_TEST

START_TEST(test_register_request_id_is_unique_among_live_rows)
{
	struct sceau_register *r = reg_open();
	struct sceau_register_entry e;
	struct sceau_error err = {0};
	char n1[SCEAU_NUMBER_MAX], n2[SCEAU_NUMBER_MAX], n3[SCEAU_NUMBER_MAX];
	char *f = pdf_path("r");
	struct sceau_register_request req = {
		SCEAU_PROGRAM_COC, NULL, "batch-7/line-1", NULL, f, T2026};

	ck_assert_int_eq(sceau_register_reserve(r, &req, n1, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_register_reserve(r, &req, n2, &err), SCEAU_ERR_EXISTS);
	ck_assert_msg(strstr(err.msg, "request 'batch-7/line-1' already has number "
				      "'COC-2026-000001' (reserved)"),
		      "%s", err.msg);
	ck_assert_int_eq(sceau_register_get_request(r, "batch-7/line-1", &e, &err), SCEAU_OK);
	ck_assert_str_eq(e.number, n1);
	ck_assert_int_eq(sceau_register_get_request(r, "nope", &e, &err), SCEAU_ERR_NOT_FOUND);

	/* a request whose issuing failed may be tried again */
	ck_assert_int_eq(sceau_register_void(r, n1, "rendering failed", &err), SCEAU_OK);
	ck_assert_int_eq(sceau_register_reserve(r, &req, n3, &err), SCEAU_OK);
	ck_assert_str_eq(n3, "COC-2026-000002");
	ck_assert_int_eq(sceau_register_get_request(r, "batch-7/line-1", &e, &err), SCEAU_OK);
	ck_assert_str_eq(e.number, n3);
	ck_assert_str_eq(e.request_id, "batch-7/line-1");

	req.request_id = "bad\nid";
	ck_assert_int_eq(sceau_register_reserve(r, &req, n2, &err), SCEAU_ERR_INVALID);
	req.request_id = "";
	ck_assert_int_eq(sceau_register_reserve(r, &req, n2, &err), SCEAU_ERR_INVALID);
	sceau_register_close(r);
	free(f);
}
END_TEST

/* ---- commit ------------------------------------------------------------- */

struct audit_log {
	char lines[16][256];
	int n;
};

static int collect(const struct sceau_register_audit *a, void *arg)
{
	struct audit_log *l = arg;

	if (l->n < 16)
		snprintf(l->lines[l->n++], sizeof(l->lines[0]), "%s %s->%s %s", a->action, a->from,
			 a->to, a->why);
	return 0;
}

START_TEST(test_register_commit_writes_pdf_and_issues)
{
	static const unsigned char pdf[] = "%PDF-1.7\nbody\n%%EOF\n";
	struct sceau_register *r = reg_open();
	struct sceau_register_entry e;
	struct sceau_error err = {0};
	unsigned char md[32], want[32];
	char n[SCEAU_NUMBER_MAX], *file = pdf_path("cert"), *got;
	struct audit_log log = {0};
	size_t len;

	reserve_ok(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, file, n);
	ck_assert_int_eq(state_of(r, n), SCEAU_REG_RESERVED);
	ck_assert(!tu_exists(file));
	ck_assert_int_eq(sceau_register_commit(r, n, pdf, sizeof(pdf) - 1, 0, md, &err), SCEAU_OK);
	got = tu_read(file, &len);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(len, sizeof(pdf) - 1);
	ck_assert_mem_eq(got, pdf, len);
	SHA256(pdf, sizeof(pdf) - 1, want);
	ck_assert_mem_eq(md, want, 32);

	ck_assert_int_eq(sceau_register_get(r, n, &e, &err), SCEAU_OK);
	ck_assert_int_eq(e.state, SCEAU_REG_ISSUED);
	ck_assert_int_eq(e.type, SCEAU_PROGRAM_COC);
	ck_assert(e.has_sha256);
	ck_assert_mem_eq(e.sha256, want, 32);
	ck_assert_int_eq((long long)e.issued, (long long)T2026);
	ck_assert_int_eq((long long)e.since, (long long)T2026);
	ck_assert_str_eq(e.path, file);
	ck_assert_int_eq(count_tmp(out), 0);
	ck_assert_int_eq(tu_mode(db), 0600);

	ck_assert_int_eq(sceau_register_audit_each(r, n, collect, &log, &err), SCEAU_OK);
	ck_assert_int_eq(log.n, 2);
	ck_assert_str_eq(log.lines[0], "reserve ->reserved ");
	ck_assert_str_eq(log.lines[1], "issue reserved->issued ");

	/* committing again is refused */
	ck_assert_int_eq(sceau_register_commit(r, n, pdf, sizeof(pdf) - 1, 1, NULL, &err),
			 SCEAU_ERR_STATE);
	ck_assert_ptr_nonnull(strstr(err.msg, "it is issued"));
	ck_assert_int_eq(sceau_register_commit(r, "COC-1999-1", pdf, 3, 0, NULL, &err),
			 SCEAU_ERR_NOT_FOUND);
	free(got);
	free(file);
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_relative_path_is_recorded_absolute)
{
	struct sceau_register *r = reg_open();
	struct sceau_register_entry e;
	struct sceau_error err = {0};
	char n[SCEAU_NUMBER_MAX], *want = pdf_path("rel");

	ck_assert_int_eq(chdir(out), 0);
	reserve_ok(r, SCEAU_PROGRAM_HALAL, T2026, NULL, NULL, "rel.pdf", n);
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(
		sceau_register_commit(r, n, (const unsigned char *)"%PDF", 4, 0, NULL, &err),
		SCEAU_OK);
	ck_assert_int_eq(sceau_register_get(r, n, &e, &err), SCEAU_OK);
	ck_assert_str_eq(e.path, want);
	ck_assert(tu_exists(want));
	free(want);
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_commit_refuses_existing_file_without_force)
{
	struct sceau_register *r = reg_open();
	struct sceau_error err = {0};
	char n[SCEAU_NUMBER_MAX], n2[SCEAU_NUMBER_MAX], *file = pdf_path("taken"), *got;
	size_t len;

	tu_write(file, "someone else's", 14);
	reserve_ok(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, file, n);
	ck_assert_int_eq(
		sceau_register_commit(r, n, (const unsigned char *)"%PDF-new", 8, 0, NULL, &err),
		SCEAU_ERR_EXISTS);
	ck_assert_msg(strstr(err.msg, "already exists"), "%s", err.msg);
	got = tu_read(file, &len);
	ck_assert_str_eq(got, "someone else's");
	free(got);
	ck_assert_int_eq(state_of(r, n), SCEAU_REG_VOID);
	ck_assert_int_eq(count_tmp(out), 0);

	/* with force it replaces */
	reserve_ok(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, file, n2);
	ck_assert_str_eq(n2, "COC-2026-000002");
	ck_assert_int_eq(
		sceau_register_commit(r, n2, (const unsigned char *)"%PDF-new", 8, 1, NULL, &err),
		SCEAU_OK);
	got = tu_read(file, &len);
	ck_assert_str_eq(got, "%PDF-new");
	ck_assert_int_eq(state_of(r, n2), SCEAU_REG_ISSUED);
	free(got);
	free(file);
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_void_gives_reservation_up)
{
	struct sceau_register *r = reg_open();
	struct sceau_error err = {0};
	struct audit_log log = {0};
	char n[SCEAU_NUMBER_MAX], n2[SCEAU_NUMBER_MAX], *file = pdf_path("v");

	reserve_ok(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, file, n);
	ck_assert_int_eq(sceau_register_void(r, n, "template missing", &err), SCEAU_OK);
	ck_assert_int_eq(state_of(r, n), SCEAU_REG_VOID);
	ck_assert_int_eq(sceau_register_void(r, n, "again", &err), SCEAU_ERR_STATE);
	ck_assert_ptr_nonnull(strstr(err.msg, "it is void"));
	ck_assert_int_eq(
		sceau_register_commit(r, n, (const unsigned char *)"%PDF", 4, 0, NULL, &err),
		SCEAU_ERR_STATE);
	ck_assert(!tu_exists(file));
	ck_assert_int_eq(sceau_register_void(r, "NO-SUCH-1", "x", &err), SCEAU_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, "no certificate 'NO-SUCH-1' in register"));

	/* a void number is never handed out again */
	reserve_ok(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, file, n2);
	ck_assert_str_eq(n2, "COC-2026-000002");
	ck_assert_int_eq(sceau_register_audit_each(r, n, collect, &log, &err), SCEAU_OK);
	ck_assert_int_eq(log.n, 2);
	ck_assert_str_eq(log.lines[1], "void reserved->void template missing");
	free(file);
	sceau_register_close(r);
}
END_TEST

/* ---- states ------------------------------------------------------------- */

/* A certificate in state `s`, made the regular way. */
static void make_in_state(struct sceau_register *r, enum sceau_reg_state s,
			  char n[SCEAU_NUMBER_MAX])
{
	struct sceau_error err = {0};
	char n2[SCEAU_NUMBER_MAX], *file;

	switch (s) {
	case SCEAU_REG_RESERVED:
	case SCEAU_REG_VOID:
		file = pdf_path("unused");
		reserve_ok(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, file, n);
		free(file);
		if (s == SCEAU_REG_VOID)
			ck_assert_int_eq(sceau_register_void(r, n, "test", &err), SCEAU_OK);
		return;
	default:
		issue(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, n);
		break;
	}
	if (s == SCEAU_REG_REVOKED || s == SCEAU_REG_SUSPENDED)
		ck_assert_int_eq(
			sceau_register_set_state(r, n, s, SCEAU_DOCR_FRAUD, T2026 + 60, &err),
			SCEAU_OK);
	if (s == SCEAU_REG_SUPERSEDED)
		issue(r, SCEAU_PROGRAM_COC, T2026 + 120, NULL, n, n2);
	ck_assert_int_eq(state_of(r, n), s);
}

START_TEST(test_register_state_transitions_allowed_and_refused)
{
	static const enum sceau_reg_state from[] = {SCEAU_REG_RESERVED,   SCEAU_REG_ISSUED,
						    SCEAU_REG_REVOKED,    SCEAU_REG_SUSPENDED,
						    SCEAU_REG_SUPERSEDED, SCEAU_REG_VOID};
	static const enum sceau_reg_state to[] = {SCEAU_REG_REVOKED, SCEAU_REG_SUSPENDED,
						  SCEAU_REG_ISSUED};
	/* allowed[from][to] */
	static const int allowed[6][3] = {
		{0, 0, 0}, /* reserved */
		{1, 1, 0}, /* issued: revoke, suspend */
		{0, 0, 0}, /* revoked: final */
		{1, 0, 1}, /* suspended: revoke, lift */
		{1, 0, 0}, /* superseded: revoke */
		{0, 0, 0}, /* void: final */
	};
	struct sceau_register *r = reg_open();

	for (int i = 0; i < 6; i++) {
		for (int j = 0; j < 3; j++) {
			struct sceau_error err = {0};
			struct sceau_register_entry e;
			char n[SCEAU_NUMBER_MAX];
			enum sceau_err got;

			make_in_state(r, from[i], n);
			got = sceau_register_set_state(r, n, to[j], SCEAU_DOCR_NON_CONFORMITY,
						       T2027, &err);
			ck_assert_int_eq(sceau_register_get(r, n, &e, NULL), SCEAU_OK);
			if (allowed[i][j]) {
				ck_assert_msg(got == SCEAU_OK, "%s -> %s: %s",
					      sceau_reg_state_name(from[i]),
					      sceau_reg_state_name(to[j]), err.msg);
				ck_assert_int_eq(e.state, to[j]);
				ck_assert_int_eq((long long)e.since, (long long)T2027);
				ck_assert_int_eq(e.reason, to[j] == SCEAU_REG_ISSUED
								   ? SCEAU_DOCR_UNSPECIFIED
								   : SCEAU_DOCR_NON_CONFORMITY);
			} else {
				ck_assert_msg(got == SCEAU_ERR_STATE, "%s -> %s should be refused",
					      sceau_reg_state_name(from[i]),
					      sceau_reg_state_name(to[j]));
				ck_assert_int_eq(e.state, from[i]);
				ck_assert_msg(strstr(err.msg, sceau_reg_state_name(from[i])), "%s",
					      err.msg);
			}
		}
	}
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_revoke_twice_says_since_when)
{
	struct sceau_register *r = reg_open();
	struct sceau_error err = {0};
	struct audit_log log = {0};
	char n[SCEAU_NUMBER_MAX];

	issue(r, SCEAU_PROGRAM_HALAL, T2026, NULL, NULL, n);
	ck_assert_int_eq(sceau_register_set_state(r, n, SCEAU_REG_REVOKED, SCEAU_DOCR_FRAUD,
						  T2026 + 3600, &err),
			 SCEAU_OK);
	ck_assert_int_eq(sceau_register_set_state(r, n, SCEAU_REG_REVOKED, SCEAU_DOCR_WITHDRAWN,
						  T2027, &err),
			 SCEAU_ERR_STATE);
	ck_assert_str_eq(err.msg, "certificate 'HAL-2026-000001' is already revoked (since "
				  "2026-11-24T01:00:00Z: fraud)");
	ck_assert_int_eq(sceau_register_audit_each(r, n, collect, &log, &err), SCEAU_OK);
	ck_assert_int_eq(log.n, 3);
	ck_assert_str_eq(log.lines[2], "revoke issued->revoked fraud");
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_set_state_refuses_unknown_number_and_bad_arguments)
{
	struct sceau_register *r = reg_open();
	struct sceau_error err = {0};
	char n[SCEAU_NUMBER_MAX];

	ck_assert_int_eq(sceau_register_set_state(r, "COC-2026-999999", SCEAU_REG_REVOKED,
						  SCEAU_DOCR_FRAUD, T2026, &err),
			 SCEAU_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, "no certificate 'COC-2026-999999' in register"));
	issue(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, n);
	ck_assert_int_eq(sceau_register_set_state(r, n, SCEAU_REG_SUPERSEDED,
						  SCEAU_DOCR_UNSPECIFIED, T2026, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_int_eq(
		sceau_register_set_state(r, n, SCEAU_REG_VOID, SCEAU_DOCR_UNSPECIFIED, T2026, &err),
		SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_register_set_state(r, n, SCEAU_REG_REVOKED, SCEAU_DOCR_SUPERSEDED,
						  T2026, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_register_set_state(r, n, SCEAU_REG_REVOKED,
						  (enum sceau_doc_reason)99, T2026, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_int_eq(state_of(r, n), SCEAU_REG_ISSUED);
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_supersede_replaces_in_one_step)
{
	struct sceau_register *r = reg_open();
	struct sceau_register_entry e;
	struct sceau_error err = {0};
	struct audit_log log = {0};
	char old[SCEAU_NUMBER_MAX], nw[SCEAU_NUMBER_MAX], x[SCEAU_NUMBER_MAX];
	char *f = pdf_path("s");
	struct sceau_register_request req = {SCEAU_PROGRAM_COC, NULL, NULL, NULL, f, T2027};

	issue(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, old);
	issue(r, SCEAU_PROGRAM_COC, T2026 + 86400, NULL, old, nw);
	ck_assert_int_eq(sceau_register_get(r, old, &e, &err), SCEAU_OK);
	ck_assert_int_eq(e.state, SCEAU_REG_SUPERSEDED);
	ck_assert_int_eq(e.reason, SCEAU_DOCR_SUPERSEDED);
	ck_assert_str_eq(e.superseded_by, nw);
	ck_assert_int_eq((long long)e.since, (long long)(T2026 + 86400));
	ck_assert_int_eq(sceau_register_get(r, nw, &e, &err), SCEAU_OK);
	ck_assert_int_eq(e.state, SCEAU_REG_ISSUED);
	ck_assert_str_eq(e.supersedes, old);
	ck_assert_int_eq(sceau_register_audit_each(r, old, collect, &log, &err), SCEAU_OK);
	ck_assert_int_eq(log.n, 3);
	ck_assert_str_eq(log.lines[2],
			 "supersede issued->superseded superseded by COC-2026-000002");

	/* a superseded, revoked or unknown number cannot be superseded */
	req.supersedes = old;
	ck_assert_int_eq(sceau_register_reserve(r, &req, x, &err), SCEAU_ERR_STATE);
	ck_assert_ptr_nonnull(strstr(err.msg, "it is superseded"));
	ck_assert_int_eq(
		sceau_register_set_state(r, nw, SCEAU_REG_REVOKED, SCEAU_DOCR_FRAUD, T2027, &err),
		SCEAU_OK);
	req.supersedes = nw;
	ck_assert_int_eq(sceau_register_reserve(r, &req, x, &err), SCEAU_ERR_STATE);
	ck_assert_ptr_nonnull(strstr(err.msg, "it is revoked"));
	req.supersedes = "COC-2026-777777";
	ck_assert_int_eq(sceau_register_reserve(r, &req, x, &err), SCEAU_ERR_NOT_FOUND);

	/* a suspended one can; one being replaced cannot be twice; types match */
	make_in_state(r, SCEAU_REG_SUSPENDED, old);
	req.supersedes = old;
	req.type = SCEAU_PROGRAM_HALAL;
	ck_assert_int_eq(sceau_register_reserve(r, &req, x, &err), SCEAU_ERR_MISMATCH);
	req.type = SCEAU_PROGRAM_COC;
	ck_assert_int_eq(sceau_register_reserve(r, &req, x, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_register_reserve(r, &req, nw, &err), SCEAU_ERR_STATE);
	ck_assert_msg(strstr(err.msg, "already replaces it"), "%s", err.msg);
	ck_assert_int_eq(
		sceau_register_commit(r, x, (const unsigned char *)"%PDF", 4, 0, NULL, &err),
		SCEAU_OK);
	ck_assert_int_eq(state_of(r, old), SCEAU_REG_SUPERSEDED);
	free(f);
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_status_entries_sorted_and_sequence_grows)
{
	struct sceau_register *r = reg_open();
	struct sceau_error err = {0};
	struct sceau_status_entry *list = NULL;
	char n[8][SCEAU_NUMBER_MAX], nw[SCEAU_NUMBER_MAX];
	unsigned long counts[6];
	uint64_t seq = 0;
	size_t count = 0;

	/* nothing listed yet: no entries, but a sequence all the same */
	ck_assert_int_eq(sceau_register_status_entries(r, &list, &count, &seq, &err), SCEAU_OK);
	ck_assert_uint_eq(count, 0);
	ck_assert_uint_eq(seq, 1);
	free(list);

	/* explicit numbers out of order, and ones that sort by bytes */
	const char *numbers[] = {"Z-100", "A-200", "B/1", "B.1", "B-1", "A-100", "M-1", "M-2"};
	for (int i = 0; i < 8; i++)
		issue(r, SCEAU_PROGRAM_COC, T2026, numbers[i], NULL, n[i]);
	ck_assert_int_eq(sceau_register_set_state(r, "Z-100", SCEAU_REG_REVOKED, SCEAU_DOCR_FRAUD,
						  T2027, &err),
			 SCEAU_OK);
	ck_assert_int_eq(sceau_register_set_state(r, "B/1", SCEAU_REG_SUSPENDED,
						  SCEAU_DOCR_INVESTIGATION, T2027, &err),
			 SCEAU_OK);
	ck_assert_int_eq(sceau_register_set_state(r, "B.1", SCEAU_REG_REVOKED, SCEAU_DOCR_WITHDRAWN,
						  T2027, &err),
			 SCEAU_OK);
	ck_assert_int_eq(sceau_register_set_state(r, "B-1", SCEAU_REG_REVOKED, SCEAU_DOCR_WITHDRAWN,
						  T2027, &err),
			 SCEAU_OK);
	issue(r, SCEAU_PROGRAM_COC, T2027, NULL, "A-200", nw);
	make_in_state(r, SCEAU_REG_RESERVED, n[0]);
	make_in_state(r, SCEAU_REG_VOID, n[0]);

	ck_assert_int_eq(sceau_register_status_entries(r, &list, &count, &seq, &err), SCEAU_OK);
	ck_assert_uint_eq(seq, 2);
	ck_assert_uint_eq(count, 5);
	const char *want[] = {"A-200", "B-1", "B.1", "B/1", "Z-100"};
	for (size_t i = 0; i < count; i++) {
		ck_assert_str_eq(list[i].number, want[i]);
		if (i)
			ck_assert_int_lt(strcmp(list[i - 1].number, list[i].number), 0);
	}
	ck_assert_int_eq(list[0].state, SCEAU_DOC_SUPERSEDED);
	ck_assert_int_eq(list[0].reason, SCEAU_DOCR_SUPERSEDED);
	ck_assert_str_eq(list[0].by, nw);
	ck_assert_int_eq(list[3].state, SCEAU_DOC_SUSPENDED);
	ck_assert_int_eq(list[3].reason, SCEAU_DOCR_INVESTIGATION);
	ck_assert_int_eq((long long)list[3].since, (long long)T2027);
	ck_assert_str_eq(list[3].by, "");
	ck_assert_int_eq(list[4].state, SCEAU_DOC_REVOKED);
	ck_assert_int_eq(list[4].reason, SCEAU_DOCR_FRAUD);
	free(list);

	ck_assert_int_eq(sceau_register_status_entries(r, &list, &count, &seq, &err), SCEAU_OK);
	ck_assert_uint_eq(seq, 3);
	free(list);
	sceau_register_close(r);
	r = reg_open();
	ck_assert_int_eq(sceau_register_status_entries(r, &list, &count, &seq, &err), SCEAU_OK);
	ck_assert_uint_eq(seq, 4);
	free(list);

	ck_assert_int_eq(sceau_register_counts(r, counts, &err), SCEAU_OK);
	ck_assert_uint_eq(counts[0], 1); /* reserved */
	ck_assert_uint_eq(counts[1], 4); /* issued: A-100, M-1, M-2 and the new one */
	ck_assert_uint_eq(counts[2], 3);
	ck_assert_uint_eq(counts[3], 1);
	ck_assert_uint_eq(counts[4], 1);
	ck_assert_uint_eq(counts[5], 1);
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_status_entries_of_a_million_rows)
{
	struct sceau_register *r = reg_open();
	struct sceau_error err = {0};
	struct sceau_status_entry *list = NULL;
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	uint64_t seq = 0;
	size_t count = 0;
	int uses_index = 0;

	/* a million issued rows, one in a hundred revoked, written in the
	 * reverse of the numbers' order */
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	/* a test connection: no need to survive a power cut, and room to sort */
	ck_assert_int_eq(sqlite3_exec(h, "PRAGMA synchronous = OFF; PRAGMA cache_size = -65536",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(
		sqlite3_exec(h,
			     "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c "
			     "WHERE i < 999999) INSERT INTO certificate(number, type, state, "
			     "reason, path, reserved_at, since, issued) SELECT "
			     "printf('COC-2026-%07d', 999999 - i), 1, "
			     "CASE WHEN i % 100 = 7 THEN 1 ELSE 0 END, 0, '/nowhere', 1, 1, 1 "
			     "FROM c",
			     NULL, NULL, NULL),
		SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h,
					    "EXPLAIN QUERY PLAN SELECT number FROM certificate "
					    "WHERE state IN (1, 2, 3) ORDER BY number",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (strstr((const char *)sqlite3_column_text(st, 3), "certificate_state"))
			uses_index = 1;
	sqlite3_finalize(st);
	sqlite3_close(h);
	ck_assert_msg(uses_index, "the status query should use the index on state");

	ck_assert_int_eq(sceau_register_status_entries(r, &list, &count, &seq, &err), SCEAU_OK);
	ck_assert_uint_eq(count, 10000);
	for (size_t i = 1; i < count; i++)
		ck_assert_int_lt(strcmp(list[i - 1].number, list[i].number), 0);
	free(list);
	sceau_register_close(r);
}
END_TEST

/* ---- files that are not registers ------------------------------------------- */

START_TEST(test_register_refuses_files_that_are_not_registers)
{
	struct sceau_register *r = NULL;
	struct sceau_error err = {0};
	char *other = tu_path(dir, "other.db"), *junk = tu_path(dir, "junk.db");
	char *empty = tu_path(dir, "empty.db"), *none = tu_path(dir, "none.db");
	sqlite3 *h = NULL;

	ck_assert_int_eq(sqlite3_open(other, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	ck_assert_int_eq(sceau_register_open(other, 1, "a", &r, &err), SCEAU_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "is not a sceau register"), "%s", err.msg);
	ck_assert_ptr_null(r);

	ck_assert_int_eq(sqlite3_open(other, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "PRAGMA application_id = 1234", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h);
	ck_assert_int_eq(sceau_register_open(other, 1, "a", &r, &err), SCEAU_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "'other.db' is not a sceau register") ||
			      strstr(err.msg, "is not a sceau register: an SQLite database of "
					      "another application"),
		      "%s", err.msg);

	tu_write(junk, "this is not a database at all, just some text\n", 47);
	ck_assert_int_eq(sceau_register_open(junk, 1, "a", &r, &err), SCEAU_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "not an SQLite database"), "%s", err.msg);
	{
		char big[8192];
		memset(big, 'x', sizeof(big));
		tu_write(junk, big, sizeof(big));
	}
	ck_assert_int_eq(sceau_register_open(junk, 0, "a", &r, &err), SCEAU_ERR_FORMAT);

	tu_write(empty, "", 0);
	ck_assert_int_eq(sceau_register_open(empty, 0, "a", &r, &err), SCEAU_ERR_FORMAT);
	ck_assert_int_eq(sceau_register_open(none, 0, "a", &r, &err), SCEAU_ERR_NOT_FOUND);
	ck_assert_msg(strstr(err.msg, "no register"), "%s", err.msg);
	ck_assert(!tu_exists(none));
	ck_assert_int_eq(sceau_register_open(dir, 1, "a", &r, &err), SCEAU_ERR_FORMAT);
	ck_assert_int_eq(sceau_register_open(db, 1, NULL, &r, &err), SCEAU_OK);
	sceau_register_close(r);
	free(other);
	free(junk);
	free(empty);
	free(none);
}
END_TEST

START_TEST(test_register_refuses_newer_schema_and_damage)
{
	struct sceau_register *r = reg_open();
	struct sceau_error err = {0};
	char n[SCEAU_NUMBER_MAX];
	sqlite3 *h = NULL;

	for (int i = 0; i < 3; i++)
		issue(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, n);
	sceau_register_close(r);
	r = NULL;

	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "PRAGMA user_version = 2", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h);
	ck_assert_int_eq(sceau_register_open(db, 0, "a", &r, &err), SCEAU_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "schema version 2"), "%s", err.msg);

	/* wreck page 2 onwards (page 1 keeps the header, the schema survives) */
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	{
		size_t len;
		char *buf = tu_read(db, &len);
		ck_assert_uint_gt(len, 8192);
		memset(buf + 4096, 0x5a, len - 4096);
		tu_write(db, buf, len);
		free(buf);
	}
	if (sceau_register_open(db, 0, "a", &r, &err) == SCEAU_OK) {
		ck_assert_int_eq(sceau_register_get(r, n, &(struct sceau_register_entry){0}, &err),
				 SCEAU_ERR_FORMAT);
		sceau_register_close(r);
	} else {
		ck_assert_int_eq(err.code, SCEAU_ERR_FORMAT);
	}
	ck_assert_msg(strstr(err.msg, "is damaged"), "%s", err.msg);
}
END_TEST

/* ---- crashes ------------------------------------------------------------- */

/* In a child: open, reserve and commit with SCEAU_REGISTER_CRASH=point. The
 * child must die of SIGKILL. */
static void crash_child(const char *point, const char *file)
{
	pid_t pid = fork();
	int status = 0;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sceau_register *r = NULL;
		char n[SCEAU_NUMBER_MAX];
		struct sceau_register_request req = {
			SCEAU_PROGRAM_COC, NULL, NULL, NULL, file, T2026};
		static const unsigned char pdf[] = "%PDF-1.7 crash test\n";

		if (sceau_register_open(db, 1, "child", &r, NULL))
			_exit(10);
		setenv("SCEAU_REGISTER_CRASH", point, 1);
		if (sceau_register_reserve(r, &req, n, NULL))
			_exit(11);
		if (sceau_register_commit(r, n, pdf, sizeof(pdf) - 1, 0, NULL, NULL))
			_exit(12);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		      "crash point '%s': child status %d", point, status);
}

/* Every row: issued (or later) <=> its PDF exists with the recorded digest;
 * no reservations, no temporary files. */
static void assert_consistent(struct sceau_register *r)
{
	unsigned long counts[6];
	struct sceau_error err = {0};
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;

	ck_assert_int_eq(sceau_register_counts(r, counts, &err), SCEAU_OK);
	ck_assert_uint_eq(counts[0], 0);
	ck_assert_int_eq(count_tmp(out), 0);
	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h,
					    "SELECT number, state, path, sha256 FROM certificate",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *num = (const char *)sqlite3_column_text(st, 0);
		const char *path = (const char *)sqlite3_column_text(st, 2);
		int state = sqlite3_column_int(st, 1);
		size_t len;
		char *buf = tu_read(path, &len);

		if (state == SCEAU_REG_VOID) {
			ck_assert_msg(buf == NULL, "'%s' is void but '%s' exists", num, path);
		} else {
			unsigned char md[32];
			ck_assert_msg(buf != NULL, "'%s' is %s but '%s' is missing", num,
				      sceau_reg_state_name(state), path);
			SHA256((unsigned char *)buf, len, md);
			ck_assert_int_eq(sqlite3_column_bytes(st, 3), 32);
			ck_assert_mem_eq(sqlite3_column_blob(st, 3), md, 32);
		}
		free(buf);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
}

START_TEST(test_register_recovers_from_a_crash_at_each_point)
{
	static const struct {
		const char *point;
		enum sceau_reg_state then;
		unsigned voided, completed, removed;
	} cases[] = {
		{"reserved", SCEAU_REG_VOID, 1, 0, 0}, {"written", SCEAU_REG_VOID, 1, 0, 1},
		{"recorded", SCEAU_REG_VOID, 1, 0, 1}, {"renamed", SCEAU_REG_ISSUED, 0, 1, 0},
		{"issued", SCEAU_REG_ISSUED, 0, 0, 0},
	};
	struct sceau_register *r = reg_open();
	char n[SCEAU_NUMBER_MAX];

	/* some certificates issued before */
	issue(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, n);
	sceau_register_close(r);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sceau_register_recovery rep;
		struct sceau_register_entry e;
		struct sceau_error err = {0};
		char want[SCEAU_NUMBER_MAX], *file = pdf_path(cases[i].point);

		snprintf(want, sizeof(want), "COC-2026-%06zu", i + 2);
		crash_child(cases[i].point, file);
		ck_assert_int_eq(tu_exists(file), cases[i].then == SCEAU_REG_ISSUED);

		r = reg_open();
		ck_assert_int_eq(sceau_register_get(r, want, &e, &err), SCEAU_OK);
		ck_assert_int_eq(e.state,
				 cases[i].point[0] == 'i' ? SCEAU_REG_ISSUED : SCEAU_REG_RESERVED);
		ck_assert_int_eq(sceau_register_recover(r, &rep, &err), SCEAU_OK);
		ck_assert_msg(rep.voided == cases[i].voided &&
				      rep.completed == cases[i].completed &&
				      rep.removed == cases[i].removed,
			      "%s: voided %u completed %u removed %u", cases[i].point, rep.voided,
			      rep.completed, rep.removed);
		ck_assert_int_eq(state_of(r, want), cases[i].then);
		assert_consistent(r);

		/* a second recovery finds nothing to do */
		ck_assert_int_eq(sceau_register_recover(r, &rep, &err), SCEAU_OK);
		ck_assert_uint_eq(rep.voided + rep.completed + rep.removed, 0);
		sceau_register_close(r);
		free(file);
	}

	/* the next number follows the crashed ones: none is handed out twice */
	r = reg_open();
	issue(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, n);
	ck_assert_str_eq(n, "COC-2026-000007");
	{
		struct audit_log log = {0};
		struct sceau_error err = {0};
		ck_assert_int_eq(
			sceau_register_audit_each(r, "COC-2026-000005", collect, &log, &err),
			SCEAU_OK);
		ck_assert_int_eq(log.n, 2);
		ck_assert_str_eq(log.lines[1], "recover reserved->issued ");
	}
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_recovery_completes_a_superseding_commit)
{
	struct sceau_register *r = reg_open();
	struct sceau_register_recovery rep;
	struct sceau_error err = {0};
	char old[SCEAU_NUMBER_MAX];
	pid_t pid;
	int status;

	issue(r, SCEAU_PROGRAM_HALAL, T2026, NULL, NULL, old);
	sceau_register_close(r);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char n[SCEAU_NUMBER_MAX], *file = pdf_path("rev");
		struct sceau_register_request req = {
			SCEAU_PROGRAM_HALAL, NULL, NULL, old, file, T2027};
		if (sceau_register_open(db, 0, "child", &r, NULL) ||
		    sceau_register_reserve(r, &req, n, NULL))
			_exit(10);
		setenv("SCEAU_REGISTER_CRASH", "renamed", 1);
		sceau_register_commit(r, n, (const unsigned char *)"%PDF-rev", 8, 0, NULL, NULL);
		_exit(11);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	r = reg_open();
	ck_assert_int_eq(state_of(r, old), SCEAU_REG_ISSUED);
	ck_assert_int_eq(sceau_register_recover(r, &rep, &err), SCEAU_OK);
	ck_assert_uint_eq(rep.completed, 1);
	ck_assert_int_eq(state_of(r, old), SCEAU_REG_SUPERSEDED);
	ck_assert_int_eq(state_of(r, "HAL-2027-000001"), SCEAU_REG_ISSUED);
	assert_consistent(r);
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_recovery_leaves_live_reservations_alone)
{
	struct sceau_register *r = reg_open();
	struct sceau_register_recovery rep;
	struct sceau_error err = {0};
	char n[SCEAU_NUMBER_MAX], *file = pdf_path("live");
	int to_child[2], from_child[2];
	pid_t pid;
	char c = 0;

	/* this process's own reservation */
	reserve_ok(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, file, n);
	ck_assert_int_eq(sceau_register_recover(r, &rep, &err), SCEAU_OK);
	ck_assert_uint_eq(rep.voided, 0);
	ck_assert_int_eq(state_of(r, n), SCEAU_REG_RESERVED);
	sceau_register_close(r);

	/* another process's, alive and waiting */
	ck_assert_int_eq(pipe(to_child), 0);
	ck_assert_int_eq(pipe(from_child), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sceau_register_request req = {
			SCEAU_PROGRAM_COC, NULL, NULL, NULL, file, T2026};
		char m[SCEAU_NUMBER_MAX];
		if (sceau_register_open(db, 0, "child", &r, NULL) ||
		    sceau_register_reserve(r, &req, m, NULL))
			_exit(10);
		if (write(from_child[1], "r", 1) != 1 || read(to_child[0], &c, 1) != 1)
			_exit(11);
		/* commit after the parent's recovery: the row must still be ours */
		if (sceau_register_commit(r, m, (const unsigned char *)"%PDF", 4, 0, NULL, NULL))
			_exit(12);
		sceau_register_close(r);
		_exit(0);
	}
	ck_assert_int_eq(read(from_child[0], &c, 1), 1);
	r = reg_open();
	ck_assert_int_eq(sceau_register_recover(r, &rep, &err), SCEAU_OK);
	ck_assert_uint_eq(rep.voided, 0);
	ck_assert_int_eq(state_of(r, "COC-2026-000002"), SCEAU_REG_RESERVED);
	ck_assert_int_eq(write(to_child[1], "g", 1), 1);
	{
		int status;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d", status);
	}
	ck_assert_int_eq(state_of(r, "COC-2026-000002"), SCEAU_REG_ISSUED);
	close(to_child[0]);
	close(to_child[1]);
	close(from_child[0]);
	close(from_child[1]);
	free(file);
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_recovery_judges_owners_by_host_boot_and_start_time)
{
	struct sceau_register *r = reg_open();
	struct sceau_register_recovery rep;
	struct sceau_error err = {0};
	char n[5][SCEAU_NUMBER_MAX], *file = pdf_path("owners"), *sql = NULL;
	sqlite3 *h = NULL;
	pid_t zombie;
	int status;

	for (int i = 0; i < 4; i++)
		reserve_ok(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, file, n[i]);
	/* a child that reserves and dies, not yet reaped: a zombie */
	zombie = fork();
	ck_assert_int_ge(zombie, 0);
	if (zombie == 0) {
		struct sceau_register *c = NULL;
		struct sceau_register_request req = {
			SCEAU_PROGRAM_COC, NULL, NULL, NULL, file, T2026};
		setenv("SCEAU_REGISTER_CRASH", "reserved", 1);
		if (sceau_register_open(db, 0, "child", &c, NULL) == SCEAU_OK)
			sceau_register_reserve(c, &req, n[4], NULL);
		_exit(10);
	}
	/* wait until it is dead, without reaping it */
	{
		siginfo_t si = {0};
		ck_assert_int_eq(waitid(P_PID, (id_t)zombie, &si, WEXITED | WNOWAIT), 0);
		ck_assert_int_eq(si.si_code, CLD_KILLED);
	}

	/* n0: our pid, another start time (the pid was reused); n1: another
	 * host; n2: another boot; n3: this very process */
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert(asprintf(&sql,
			   "UPDATE certificate SET owner_start = owner_start + 1 WHERE number = "
			   "'%s'; UPDATE certificate SET owner_host = 'elsewhere' WHERE number = "
			   "'%s'; UPDATE certificate SET owner_boot = 'another-boot' WHERE "
			   "number = '%s'",
			   n[0], n[1], n[2]) > 0);
	ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	free(sql);

	ck_assert_int_eq(sceau_register_recover(r, &rep, &err), SCEAU_OK);
	ck_assert_uint_eq(rep.voided, 3);
	ck_assert_int_eq(state_of(r, n[0]), SCEAU_REG_VOID);
	ck_assert_int_eq(state_of(r, n[1]), SCEAU_REG_RESERVED);
	ck_assert_int_eq(state_of(r, n[2]), SCEAU_REG_VOID);
	ck_assert_int_eq(state_of(r, n[3]), SCEAU_REG_RESERVED);
	ck_assert_int_eq(state_of(r, "COC-2026-000005"), SCEAU_REG_VOID);
	ck_assert_int_eq(waitpid(zombie, &status, 0), zombie);
	ck_assert(WIFSIGNALED(status));
	free(file);
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_commit_leaves_a_commit_in_progress_alone)
{
	struct sceau_register *r = reg_open();
	struct sceau_error err = {0};
	char n[SCEAU_NUMBER_MAX], *file = pdf_path("busy"), *tmp = NULL;

	reserve_ok(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, file, n);
	ck_assert(asprintf(&tmp, "%s/.sceau-%s.tmp", out, n) > 0);
	tu_write(tmp, "half", 4);
	ck_assert_int_eq(
		sceau_register_commit(r, n, (const unsigned char *)"%PDF", 4, 0, NULL, &err),
		SCEAU_ERR_STATE);
	ck_assert_msg(strstr(err.msg, "a commit in progress"), "%s", err.msg);
	ck_assert(tu_exists(tmp));
	ck_assert(!tu_exists(file));
	ck_assert_int_eq(state_of(r, n), SCEAU_REG_RESERVED);
	/* giving it up removes the temporary file */
	ck_assert_int_eq(sceau_register_void(r, n, "abandoned", &err), SCEAU_OK);
	ck_assert(!tu_exists(tmp));
	free(tmp);
	free(file);
	sceau_register_close(r);
}
END_TEST

/* ---- two processes at once ---------------------------------------------- */

#define WORKERS    3
#define PER_WORKER 60

START_TEST(test_register_concurrent_processes_never_share_a_number)
{
	struct sceau_register *r = reg_open();
	struct sceau_error err = {0};
	unsigned long counts[6];
	pid_t pids[WORKERS];

	sceau_register_close(r);
	for (int w = 0; w < WORKERS; w++) {
		pids[w] = fork();
		ck_assert_int_ge(pids[w], 0);
		if (pids[w] == 0) {
			struct sceau_register *c = NULL;
			if (sceau_register_open(db, 0, "worker", &c, NULL))
				_exit(10);
			for (int i = 0; i < PER_WORKER; i++) {
				char n[SCEAU_NUMBER_MAX], path[512], text[64];
				enum sceau_program type =
					i % 3 == 2 ? SCEAU_PROGRAM_HALAL : SCEAU_PROGRAM_COC;
				struct sceau_register_request req = {type, NULL, NULL,
								     NULL, path, T2026};
				snprintf(path, sizeof(path), "%s/w%d-%d.pdf", out, w, i);
				if (sceau_register_reserve(c, &req, n, NULL))
					_exit(11);
				snprintf(text, sizeof(text), "%%PDF %s", n);
				if (sceau_register_commit(c, n, (const unsigned char *)text,
							  strlen(text), 0, NULL, NULL))
					_exit(12);
			}
			sceau_register_close(c);
			_exit(0);
		}
	}
	for (int w = 0; w < WORKERS; w++) {
		int status;
		ck_assert_int_eq(waitpid(pids[w], &status, 0), pids[w]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "worker %d: %d", w,
			      status);
	}

	r = reg_open();
	ck_assert_int_eq(sceau_register_counts(r, counts, &err), SCEAU_OK);
	ck_assert_uint_eq(counts[1], WORKERS * PER_WORKER);
	/* every number of both series, contiguous, each with its own PDF */
	for (int t = 0; t < 2; t++) {
		int total = t ? WORKERS * PER_WORKER / 3 : WORKERS * PER_WORKER * 2 / 3;
		for (int i = 1; i <= total; i++) {
			struct sceau_register_entry e;
			char n[SCEAU_NUMBER_MAX], text[64];
			size_t len;
			snprintf(n, sizeof(n), "%s-2026-%06d", t ? "HAL" : "COC", i);
			ck_assert_msg(sceau_register_get(r, n, &e, &err) == SCEAU_OK, "%s",
				      err.msg);
			ck_assert_int_eq(e.state, SCEAU_REG_ISSUED);
			char *buf = tu_read(e.path, &len);
			snprintf(text, sizeof(text), "%%PDF %s", n);
			ck_assert_str_eq(buf, text);
			free(buf);
		}
	}
	ck_assert_int_eq(count_tmp(out), 0);
	sceau_register_close(r);
}
END_TEST

/* ---- a full disk ----------------------------------------------------------- */

START_TEST(test_register_full_disk_leaves_nothing_and_voids)
{
	struct sceau_register *r = reg_open();
	char n[SCEAU_NUMBER_MAX], *file = pdf_path("big"), msg[SCEAU_ERROR_MSG_MAX + 8] = "";
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	reserve_ok(r, SCEAU_PROGRAM_COC, T2026, NULL, NULL, file, n);
	sceau_register_close(r);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit lim = {1 << 20, 1 << 20};
		struct sceau_error err = {0};
		size_t len = 3u << 20;
		unsigned char *pdf = malloc(len);
		enum sceau_err rc;

		close(fds[0]);
		if (!pdf || sceau_register_open(db, 0, "child", &r, NULL))
			_exit(10);
		memset(pdf, '%', len);
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &lim) < 0)
			_exit(11);
		rc = sceau_register_commit(r, n, pdf, len, 0, NULL, &err);
		dprintf(fds[1], "%d %s", (int)rc, err.msg);
		sceau_register_close(r);
		free(pdf);
		_exit(0);
	}
	close(fds[1]);
	got = read(fds[0], msg, sizeof(msg) - 1);
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d", status);
	ck_assert_int_gt(got, 0);
	msg[got] = '\0';
	ck_assert_msg(!strncmp(msg, "9 cannot write ", 15) && strstr(msg, "file too large"), "%s",
		      msg);

	ck_assert(!tu_exists(file));
	ck_assert_int_eq(count_tmp(out), 0);
	r = reg_open();
	ck_assert_int_eq(state_of(r, n), SCEAU_REG_VOID);
	assert_consistent(r);
	free(file);
	sceau_register_close(r);
}
END_TEST

START_TEST(test_register_reserve_checks_its_request)
{
	struct sceau_register *r = reg_open();
	struct sceau_error err = {0};
	char n[SCEAU_NUMBER_MAX], longpath[600];
	struct sceau_register_request req = {SCEAU_PROGRAM_ANY, NULL, NULL, NULL, "x.pdf", T2026};

	ck_assert_int_eq(sceau_register_reserve(r, &req, n, &err), SCEAU_ERR_INVALID);
	req.type = SCEAU_PROGRAM_COC;
	req.path = NULL;
	ck_assert_int_eq(sceau_register_reserve(r, &req, n, &err), SCEAU_ERR_INVALID);
	req.path = "dir/";
	ck_assert_int_eq(sceau_register_reserve(r, &req, n, &err), SCEAU_ERR_INVALID);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	req.path = longpath;
	ck_assert_int_eq(sceau_register_reserve(r, &req, n, &err), SCEAU_ERR_INVALID);
	req.path = "x.pdf";
	req.supersedes = "lower";
	ck_assert_int_eq(sceau_register_reserve(r, &req, n, &err), SCEAU_ERR_INVALID);
	sceau_register_close(r);
	memset(longpath, 'a', 200);
	longpath[200] = '\0';
	ck_assert_int_eq(sceau_register_open(db, 1, longpath, &r, &err), SCEAU_ERR_INVALID);
	ck_assert_ptr_null(r);
}
END_TEST

TU_MAIN("register", setup, teardown, test_register_numbers_run_per_type_and_year,
	test_register_custom_pattern_is_kept_and_audited, test_register_rejects_bad_patterns,
	test_register_explicit_number_accepted_duplicate_refused,
	test_register_request_id_is_unique_among_live_rows,
	test_register_commit_writes_pdf_and_issues,
	test_register_relative_path_is_recorded_absolute,
	test_register_commit_refuses_existing_file_without_force,
	test_register_void_gives_reservation_up,
	test_register_state_transitions_allowed_and_refused,
	test_register_revoke_twice_says_since_when,
	test_register_set_state_refuses_unknown_number_and_bad_arguments,
	test_register_supersede_replaces_in_one_step,
	test_register_status_entries_sorted_and_sequence_grows,
	test_register_status_entries_of_a_million_rows,
	test_register_refuses_files_that_are_not_registers,
	test_register_refuses_newer_schema_and_damage,
	test_register_recovers_from_a_crash_at_each_point,
	test_register_recovery_completes_a_superseding_commit,
	test_register_recovery_leaves_live_reservations_alone,
	test_register_recovery_judges_owners_by_host_boot_and_start_time,
	test_register_commit_leaves_a_commit_in_progress_alone,
	test_register_concurrent_processes_never_share_a_number,
	test_register_full_disk_leaves_nothing_and_voids, test_register_reserve_checks_its_request)
