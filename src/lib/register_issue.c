/* sceau — the register's issuing protocol: reserve a number, commit the
 * PDF (temporary file, fsync, SHA-256 recorded, rename without replacing,
 * directory fsync, row issued), give a reservation up, and recover after a
 * crash. docs/register.md, "Commit protocol" and "Recovery". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "register_int.h"
#include "record_int.h"

/* ---- files ----------------------------------------------------------------- */

/* The temporary file of a number beside `path`: DIR/.sceau-NUMBER.tmp, with
 * '/' in the number written '_' (numbers never hold '_', so it is unique
 * per number). malloc'd. */
char *reg_tmp_name(const char *path, const char *number)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
	char *t = NULL;

	if (asprintf(&t, "%.*s.sceau-%s.tmp", (int)dlen, path, number) < 0)
		return NULL;
	for (char *p = t + dlen; *p; p++)
		if (*p == '/')
			*p = '_';
	return t;
}

int reg_fsync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	int fd, rc = -1, e;

	if (!dir)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		rc = fsync(fd);
		e = errno;
		close(fd);
		errno = e;
	}
	free(dir);
	return rc;
}

/* Create `tmp` (O_EXCL, O_NOFOLLOW, 0644), write, fsync, close. On failure
 * errno says why and the file is removed unless it existed before. */
static int write_tmp(const char *tmp, const unsigned char *data, size_t len)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644), e;

	if (fd < 0)
		return -1;
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		data += w;
		len -= (size_t)w;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return -1;
}

/* Move tmp to path; without `force` never replace a file there (EEXIST). */
static int move_into_place(const char *tmp, const char *path, int force)
{
	if (force)
		return rename(tmp, path);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -1;
	/* a file system without RENAME_NOREPLACE: link() refuses to replace */
	if (link(tmp, path) < 0)
		return -1;
	unlink(tmp);
	return 0;
}

/* ---- rows ------------------------------------------------------------------- */

/* Run a statement with its parameters bound; it must change exactly one row
 * when `one`, else any. */
static enum sceau_err step_done(struct sceau_register *r, sqlite3_stmt *st, int one,
				const char *what, struct sceau_error *err)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		return reg_fail_db(r, err, rc, "%s", what);
	if (one && sqlite3_changes(r->db) != 1)
		return sceau_fail(err, SCEAU_ERR_STATE,
				  "register '%s': %s: the row changed meanwhile", r->path, what);
	return SCEAU_OK;
}

/* Make reserved `number` void and remove its temporary file (inside the
 * caller's transaction). */
enum sceau_err reg_void_row(struct sceau_register *r, const char *number, const char *action,
			    const char *why, struct sceau_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;

	ret = reg_prepare(r,
			  "UPDATE certificate SET state = 101, since = ?, tmp = NULL, "
			  "owner_pid = NULL WHERE number = ? AND state = 100",
			  &st, err);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)reg_now());
	sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
	ret = step_done(r, st, 1, "cannot void", err);
	sqlite3_finalize(st);
	if (ret == SCEAU_OK)
		ret = reg_audit(r, number, action, "reserved", "void", why, err);
	return ret;
}

/* Give reservation `number` up in a transaction of its own, keeping the
 * caller's error: the register stays consistent either way (recovery
 * voids what this could not). */
static void void_now(struct sceau_register *r, const char *number, const char *why)
{
	if (reg_begin(r, NULL) == SCEAU_OK &&
	    reg_void_row(r, number, "void", why, NULL) == SCEAU_OK)
		reg_commit(r, NULL);
	reg_rollback(r);
}

/* Mark reserved `number` issued at the time it was reserved for, and the
 * certificate it replaces superseded (inside the caller's transaction). */
enum sceau_err reg_issue_row(struct sceau_register *r, const char *number, const char *action,
			     struct sceau_error *err)
{
	struct sceau_register_entry e, old;
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	char why[96];

	if ((ret = reg_get(r, number, &e, err)))
		return ret;
	ret = reg_prepare(r,
			  "UPDATE certificate SET state = 0, issued = since, tmp = NULL, "
			  "owner_host = NULL, owner_boot = NULL, owner_pid = NULL, "
			  "owner_start = NULL WHERE number = ? AND state = 100",
			  &st, err);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	ret = step_done(r, st, 1, "cannot mark the certificate issued", err);
	sqlite3_finalize(st);
	st = NULL;
	if (ret)
		return ret;
	snprintf(why, sizeof(why), "%s%s", e.supersedes[0] ? "replaces " : "", e.supersedes);
	if ((ret = reg_audit(r, number, action, "reserved", "issued", why, err)))
		return ret;
	if (!e.supersedes[0])
		return SCEAU_OK;
	/* the replaced one: superseded, unless it was revoked meanwhile (then
	 * it stays revoked and only learns its successor) */
	if ((ret = reg_get(r, e.supersedes, &old, err)))
		return ret;
	ret = reg_prepare(r,
			  "UPDATE certificate SET superseded_by = ?1, "
			  "state = CASE WHEN state IN (0, 2) THEN 3 ELSE state END, "
			  "reason = CASE WHEN state IN (0, 2) THEN ?2 ELSE reason END, "
			  "since = CASE WHEN state IN (0, 2) THEN ?3 ELSE since END "
			  "WHERE number = ?4",
			  &st, err);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, SCEAU_DOCR_SUPERSEDED);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)e.since);
	sqlite3_bind_text(st, 4, e.supersedes, -1, SQLITE_STATIC);
	ret = step_done(r, st, 1, "cannot mark the replaced certificate superseded", err);
	sqlite3_finalize(st);
	if (ret)
		return ret;
	snprintf(why, sizeof(why), "superseded by %s", number);
	if (old.state == SCEAU_REG_ISSUED || old.state == SCEAU_REG_SUSPENDED)
		return reg_audit(r, e.supersedes, "supersede", sceau_reg_state_name(old.state),
				 "superseded", why, err);
	return reg_audit(r, e.supersedes, "supersede", sceau_reg_state_name(old.state),
			 sceau_reg_state_name(old.state), why, err);
}

/* ---- reserve ------------------------------------------------------------------ */

static enum sceau_err check_request(const struct sceau_register_request *req,
				    struct sceau_error *err)
{
	char q[176];

	if (req->type != SCEAU_PROGRAM_COC && req->type != SCEAU_PROGRAM_HALAL)
		return sceau_fail(err, SCEAU_ERR_INVALID, "unknown document type %d",
				  (int)req->type);
	if (!req->path || !*req->path)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "no path given for the certificate's PDF");
	if (req->path[strlen(req->path) - 1] == '/')
		return sceau_fail(err, SCEAU_ERR_INVALID, "PDF path '%s' names a directory",
				  req->path);
	if (req->number && !sceau_check_number(req->number)) {
		sceau_quote(req->number, q, sizeof(q));
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "'%s' is not a certificate number (3 to 40 of A-Z, 0-9 with "
				  "single '-', '/' or '.' between)",
				  q);
	}
	if (req->supersedes && !sceau_check_number(req->supersedes)) {
		sceau_quote(req->supersedes, q, sizeof(q));
		return sceau_fail(err, SCEAU_ERR_INVALID, "'%s' is not a certificate number", q);
	}
	if (req->request_id) {
		size_t n = strlen(req->request_id);
		if (n == 0 || n > REG_REQUEST_ID_MAX)
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "request id must be 1 to %d bytes", REG_REQUEST_ID_MAX);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)req->request_id[i] < 0x20 || req->request_id[i] == 0x7f)
				return sceau_fail(err, SCEAU_ERR_INVALID,
						  "request id holds a control character");
	}
	return SCEAU_OK;
}

/* The absolute form of path (relative to the working directory), malloc'd. */
static char *absolute(const char *path)
{
	char *cwd, *p = NULL;

	if (path[0] == '/')
		return strdup(path);
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	if (asprintf(&p, "%s/%s", strcmp(cwd, "/") ? cwd : "", path) < 0)
		p = NULL;
	free(cwd);
	return p;
}

/* Is `number` in the register? 1 yes, 0 no, -1 error (err filled). */
static int have_number(struct sceau_register *r, const char *number, struct sceau_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, found = -1;

	if (reg_prepare(r, "SELECT 1 FROM certificate WHERE number = ?", &st, err))
		return -1;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		found = 1;
	else if (rc == SQLITE_DONE)
		found = 0;
	else
		reg_fail_db(r, err, rc, "cannot read");
	sqlite3_finalize(st);
	return found;
}

/* The next number of the pattern's series for this request (inside the
 * transaction); the series' counter is advanced. */
static enum sceau_err next_number(struct sceau_register *r,
				  const struct sceau_register_request *req, time_t at,
				  char number[SCEAU_NUMBER_MAX], char series[SCEAU_NUMBER_MAX * 2],
				  long long *counter, struct sceau_error *err)
{
	char pattern[REG_PATTERN_MAX + 1], pre[SCEAU_NUMBER_MAX], post[SCEAU_NUMBER_MAX];
	char num[3 * SCEAU_NUMBER_MAX];
	sqlite3_stmt *st = NULL;
	long long last = 0;
	enum sceau_err ret;
	struct tm tm;
	int width, rc;

	if (!gmtime_r(&at, &tm))
		return sceau_fail(err, SCEAU_ERR_INVALID, "issuing time out of range");
	if ((ret = reg_pattern_load(r, pattern, sizeof(pattern), err)) ||
	    (ret = reg_pattern_expand(pattern, req->type, tm.tm_year + 1900, pre, sizeof(pre), post,
				      sizeof(post), &width, err)))
		return ret;
	snprintf(series, SCEAU_NUMBER_MAX * 2, "%s%s", pre, post);

	if ((ret = reg_prepare(r, "SELECT last FROM series WHERE series = ?", &st, err)))
		return ret;
	sqlite3_bind_text(st, 1, series, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		last = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return reg_fail_db(r, err, rc, "cannot read the counter of '%s'", series);

	/* skip numbers someone gave explicitly */
	for (;;) {
		int have;

		if (last >= 999999999999LL)
			return sceau_fail(err, SCEAU_ERR_STATE, "series '%s' is exhausted", series);
		last++;
		snprintf(num, sizeof(num), "%s%0*lld%s", pre, width, last, post);
		if (!sceau_check_number(num))
			return sceau_fail(err, SCEAU_ERR_STATE,
					  "numbering pattern '%s' makes '%s', not a certificate "
					  "number",
					  pattern, num);
		if ((have = have_number(r, num, err)) < 0)
			return SCEAU_ERR_IO;
		if (!have)
			break;
	}
	if ((ret = reg_prepare(r,
			       "INSERT INTO series(series, last) VALUES(?1, ?2) "
			       "ON CONFLICT(series) DO UPDATE SET last = ?2",
			       &st, err)))
		return ret;
	sqlite3_bind_text(st, 1, series, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, last);
	ret = step_done(r, st, 0, "cannot advance the counter", err);
	sqlite3_finalize(st);
	if (ret)
		return ret;
	reg_copy(number, SCEAU_NUMBER_MAX, num);
	*counter = last;
	return SCEAU_OK;
}

/* May req->supersedes be replaced? (inside the transaction) */
static enum sceau_err check_supersedes(struct sceau_register *r,
				       const struct sceau_register_request *req,
				       struct sceau_error *err)
{
	struct sceau_register_entry old;
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	char when[21];
	int rc;

	if ((ret = reg_get(r, req->supersedes, &old, err)))
		return ret;
	reg_time_text(old.since, when);
	if (old.state != SCEAU_REG_ISSUED && old.state != SCEAU_REG_SUSPENDED)
		return sceau_fail(err, SCEAU_ERR_STATE,
				  "cannot supersede certificate '%s': it is %s (since %s)",
				  old.number, sceau_reg_state_name(old.state), when);
	if (old.type != req->type)
		return sceau_fail(
			err, SCEAU_ERR_MISMATCH,
			"cannot supersede certificate '%s' of type %s with one of type %s",
			old.number, sceau_program_name(old.type), sceau_program_name(req->type));
	ret = reg_prepare(r, "SELECT number FROM certificate WHERE supersedes = ? AND state <> 101",
			  &st, err);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, req->supersedes, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ret = sceau_fail(err, SCEAU_ERR_STATE,
				 "cannot supersede certificate '%s': '%s' already replaces it",
				 old.number, (const char *)sqlite3_column_text(st, 0));
	else if (rc != SQLITE_DONE)
		ret = reg_fail_db(r, err, rc, "cannot read");
	sqlite3_finalize(st);
	return ret;
}

static enum sceau_err check_request_id(struct sceau_register *r, const char *request_id,
				       struct sceau_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	char q[176];
	int rc;

	ret = reg_prepare(r,
			  "SELECT number, state FROM certificate WHERE request_id = ? AND "
			  "state <> 101",
			  &st, err);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, request_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sceau_quote(request_id, q, sizeof(q));
		ret = sceau_fail(err, SCEAU_ERR_EXISTS, "request '%s' already has number '%s' (%s)",
				 q, (const char *)sqlite3_column_text(st, 0),
				 sceau_reg_state_name(sqlite3_column_int(st, 1)));
	} else if (rc != SQLITE_DONE) {
		ret = reg_fail_db(r, err, rc, "cannot read");
	}
	sqlite3_finalize(st);
	return ret;
}

enum sceau_err sceau_register_reserve(struct sceau_register *r,
				      const struct sceau_register_request *req,
				      char number_out[SCEAU_NUMBER_MAX], struct sceau_error *err)
{
	char number[SCEAU_NUMBER_MAX], series[SCEAU_NUMBER_MAX * 2];
	char *path = NULL, *tmp = NULL;
	time_t at = req->at > 0 ? req->at : reg_now();
	sqlite3_stmt *st = NULL;
	long long counter = 0;
	struct reg_owner me;
	enum sceau_err ret;
	int have;

	number_out[0] = '\0';
	if ((ret = check_request(req, err)))
		return ret;
	path = absolute(req->path);
	if (!path) {
		ret = sceau_fail(err, SCEAU_ERR_IO, "cannot resolve '%s': %s", req->path,
				 sceau_errno_text(errno));
		goto out;
	}
	if (strlen(path) > REG_PATH_MAX) {
		ret = sceau_fail(err, SCEAU_ERR_INVALID, "PDF path '%s' is longer than %d bytes",
				 req->path, REG_PATH_MAX);
		goto out;
	}
	reg_owner_self(&me);

	if ((ret = reg_begin(r, err)))
		goto out;
	if (req->request_id && (ret = check_request_id(r, req->request_id, err)))
		goto out;
	if (req->supersedes && (ret = check_supersedes(r, req, err)))
		goto out;
	if (req->number) {
		if ((have = have_number(r, req->number, err)) < 0) {
			ret = SCEAU_ERR_IO;
			goto out;
		}
		if (have) {
			ret = sceau_fail(err, SCEAU_ERR_EXISTS,
					 "certificate '%s' is already in register '%s'",
					 req->number, r->path);
			goto out;
		}
		reg_copy(number, sizeof(number), req->number);
	} else if ((ret = next_number(r, req, at, number, series, &counter, err))) {
		goto out;
	}
	if (!(tmp = reg_tmp_name(path, number))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}

	ret = reg_prepare(r,
			  "INSERT INTO certificate(number, type, state, series, counter, "
			  "request_id, supersedes, path, tmp, reserved_at, since, owner_host, "
			  "owner_boot, owner_pid, owner_start) "
			  "VALUES(?, ?, 100, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  &st, err);
	if (ret)
		goto out;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)req->type);
	if (req->number) {
		sqlite3_bind_null(st, 3);
		sqlite3_bind_null(st, 4);
	} else {
		sqlite3_bind_text(st, 3, series, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, counter);
	}
	if (req->request_id)
		sqlite3_bind_text(st, 5, req->request_id, -1, SQLITE_STATIC);
	if (req->supersedes)
		sqlite3_bind_text(st, 6, req->supersedes, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, tmp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)reg_now());
	sqlite3_bind_int64(st, 10, (sqlite3_int64)at);
	sqlite3_bind_text(st, 11, me.host, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, me.boot, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, me.pid);
	sqlite3_bind_int64(st, 14, me.start);
	if ((ret = step_done(r, st, 1, "cannot reserve a number", err)))
		goto out;
	if ((ret = reg_audit(r, number, "reserve", NULL, "reserved",
			     req->request_id ? req->request_id : NULL, err)))
		goto out;
	if ((ret = reg_commit(r, err)))
		goto out;
	reg_copy(number_out, SCEAU_NUMBER_MAX, number);
	reg_crash_point("reserved");
out:
	sqlite3_finalize(st);
	reg_rollback(r);
	free(path);
	free(tmp);
	return ret;
}

/* ---- commit -------------------------------------------------------------------- */

/* Record the PDF's digest on the reservation (its own transaction). */
static enum sceau_err record_sha(struct sceau_register *r, const char *number,
				 const unsigned char md[32], const char *tmp,
				 struct sceau_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;

	if ((ret = reg_begin(r, err)))
		return ret;
	ret = reg_prepare(r,
			  "UPDATE certificate SET sha256 = ?, tmp = ? WHERE number = ? AND "
			  "state = 100",
			  &st, err);
	if (ret)
		goto out;
	sqlite3_bind_blob(st, 1, md, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, tmp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, number, -1, SQLITE_STATIC);
	if ((ret = step_done(r, st, 1, "cannot record the PDF's digest", err)))
		goto out;
	ret = reg_commit(r, err);
out:
	sqlite3_finalize(st);
	reg_rollback(r);
	return ret;
}

enum sceau_err sceau_register_commit(struct sceau_register *r, const char *number,
				     const unsigned char *pdf, size_t len, int force,
				     unsigned char sha256_out[32], struct sceau_error *err)
{
	struct sceau_register_entry e;
	unsigned char md[32];
	char *tmp = NULL, why[SCEAU_ERROR_MSG_MAX];
	int placed = 0, wrote = 0;
	enum sceau_err ret;
	char when[21];

	if (!number)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no certificate number given");
	if (!pdf || !len)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no PDF to commit for '%s'", number);
	if ((ret = reg_get(r, number, &e, err)))
		return ret;
	if (e.state != SCEAU_REG_RESERVED) {
		reg_time_text(e.since, when);
		return sceau_fail(err, SCEAU_ERR_STATE,
				  "cannot commit certificate '%s': it is %s (since %s), not "
				  "reserved",
				  number, sceau_reg_state_name(e.state), when);
	}
	if (e.has_sha256)
		return sceau_fail(err, SCEAU_ERR_STATE,
				  "cannot commit certificate '%s': a commit of it already started",
				  number);
	if (!(tmp = reg_tmp_name(e.path, number))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto fail;
	}
	if (!EVP_Digest(pdf, len, md, NULL, EVP_sha256(), NULL)) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot hash the PDF of '%s'", number);
		goto fail;
	}

	/* 1. the temporary file, durable */
	if (write_tmp(tmp, pdf, len) < 0) {
		if (errno == EEXIST) {
			/* another process commits this number: leave it alone */
			ret = sceau_fail(err, SCEAU_ERR_STATE,
					 "cannot commit certificate '%s': '%s' exists (a commit "
					 "in progress, or a crash: run recovery)",
					 number, tmp);
			goto out;
		}
		/* name the file the user asked for, not our temporary one */
		ret = sceau_fail(err,
				 sceau_err_from_errno(errno) == SCEAU_ERR_NOMEM ? SCEAU_ERR_NOMEM
										: SCEAU_ERR_IO,
				 "cannot write '%s': %s", e.path, sceau_errno_text(errno));
		goto fail;
	}
	wrote = 1;
	reg_crash_point("written");

	/* 2. its digest in the row: from here recovery can recognise it */
	if ((ret = record_sha(r, number, md, tmp, err)))
		goto fail;
	reg_crash_point("recorded");

	/* 3. the final name, never replacing a file unless forced */
	if (move_into_place(tmp, e.path, force) < 0) {
		if (errno == EEXIST)
			ret = sceau_fail(err, SCEAU_ERR_EXISTS,
					 "'%s' already exists (use force to replace it)", e.path);
		else
			ret = sceau_fail(err, SCEAU_ERR_IO, "cannot rename '%s' to '%s': %s", tmp,
					 e.path, sceau_errno_text(errno));
		goto fail;
	}
	placed = 1;
	wrote = 0;
	reg_crash_point("renamed");
	if (reg_fsync_dir_of(e.path) < 0) {
		ret = sceau_fail(err, SCEAU_ERR_IO, "cannot sync the directory of '%s': %s", e.path,
				 sceau_errno_text(errno));
		goto fail;
	}

	/* 4. issued (and the replaced one superseded), one transaction */
	if ((ret = reg_begin(r, err)) || (ret = reg_issue_row(r, number, "issue", err)) ||
	    (ret = reg_commit(r, err)))
		goto fail;
	reg_crash_point("issued");
	if (sha256_out)
		memcpy(sha256_out, md, 32);
	ret = SCEAU_OK;
	goto out;
fail:
	reg_rollback(r);
	if (placed)
		unlink(e.path);
	if (wrote)
		unlink(tmp);
	reg_copy(why, sizeof(why), err ? err->msg : "commit failed");
	void_now(r, number, why);
out:
	free(tmp);
	return ret;
}

enum sceau_err sceau_register_void(struct sceau_register *r, const char *number, const char *why,
				   struct sceau_error *err)
{
	struct sceau_register_entry e;
	enum sceau_err ret;
	char when[21];
	char *tmp = NULL;

	if (!number)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no certificate number given");
	if ((ret = reg_begin(r, err)))
		return ret;
	if ((ret = reg_get(r, number, &e, err)))
		goto out;
	if (e.state != SCEAU_REG_RESERVED) {
		reg_time_text(e.since, when);
		ret = sceau_fail(err, SCEAU_ERR_STATE,
				 "cannot void certificate '%s': it is %s (since %s), not reserved",
				 number, sceau_reg_state_name(e.state), when);
		goto out;
	}
	if ((ret = reg_void_row(r, number, "void", why, err)) || (ret = reg_commit(r, err)))
		goto out;
	/* a commit that failed before recording left nothing; be sure */
	if ((tmp = reg_tmp_name(e.path, number)))
		unlink(tmp);
out:
	reg_rollback(r);
	free(tmp);
	return ret;
}
