/* sceau — the issuance register: opening (schema, WAL, checks that the file
 * is a register), the numbering pattern, look-ups, counts and the audit
 * trail. Reservations and commits are in register_issue.c, changes of
 * standing in register_state.c. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "register_int.h"
#include "record_int.h"

/* ---- small helpers ------------------------------------------------------ */

const char *sceau_reg_state_name(enum sceau_reg_state s)
{
	switch (s) {
	case SCEAU_REG_RESERVED:
		return "reserved";
	case SCEAU_REG_ISSUED:
		return "issued";
	case SCEAU_REG_REVOKED:
		return "revoked";
	case SCEAU_REG_SUSPENDED:
		return "suspended";
	case SCEAU_REG_SUPERSEDED:
		return "superseded";
	case SCEAU_REG_VOID:
		return "void";
	}
	return "unknown";
}

void reg_time_text(time_t t, char buf[21])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, 21, "@%lld", (long long)t);
}

time_t reg_now(void)
{
	time_t t = time(NULL);

	return t > 0 ? t : 1;
}

void reg_copy(char *dst, size_t len, const char *src)
{
	size_t n;

	if (!len)
		return;
	n = src ? strlen(src) : 0;
	if (n >= len) {
		n = len - 1;
		/* do not cut a UTF-8 sequence: back up over continuation bytes */
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

void reg_crash_point(const char *point)
{
	const char *want = getenv("SCEAU_REGISTER_CRASH");

	if (want && !strcmp(want, point))
		raise(SIGKILL);
}

/* ---- SQLite plumbing ---------------------------------------------------- */

static enum sceau_err code_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return SCEAU_ERR_FORMAT;
	case SQLITE_NOMEM:
		return SCEAU_ERR_NOMEM;
	case SQLITE_CONSTRAINT:
		return SCEAU_ERR_STATE;
	case SQLITE_PERM:
	case SQLITE_READONLY:
	case SQLITE_AUTH:
	case SQLITE_CANTOPEN:
		return SCEAU_ERR_ACCESS;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_PROTOCOL:
		return SCEAU_ERR_IO;
	default:
		return SCEAU_ERR_INTERNAL;
	}
}

enum sceau_err reg_fail_db(struct sceau_register *r, struct sceau_error *err, int rc,
			   const char *fmt, ...)
{
	char what[256];
	va_list ap;
	const char *msg = r->db ? sqlite3_errmsg(r->db) : sqlite3_errstr(rc);

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "register '%s' is damaged: %s: %s",
				  r->path, what, msg);
	return sceau_fail(err, code_of(rc), "register '%s': %s: %s", r->path, what, msg);
}

enum sceau_err reg_prepare(struct sceau_register *r, const char *sql, sqlite3_stmt **st,
			   struct sceau_error *err)
{
	int rc = sqlite3_prepare_v2(r->db, sql, -1, st, NULL);

	if (rc != SQLITE_OK) {
		*st = NULL;
		return reg_fail_db(r, err, rc, "cannot read");
	}
	return SCEAU_OK;
}

static enum sceau_err exec(struct sceau_register *r, const char *sql, const char *what,
			   struct sceau_error *err)
{
	int rc = sqlite3_exec(r->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return reg_fail_db(r, err, rc, "%s", what);
	return SCEAU_OK;
}

enum sceau_err reg_begin(struct sceau_register *r, struct sceau_error *err)
{
	return exec(r, "BEGIN IMMEDIATE", "cannot start a transaction", err);
}

enum sceau_err reg_commit(struct sceau_register *r, struct sceau_error *err)
{
	return exec(r, "COMMIT", "cannot commit", err);
}

void reg_rollback(struct sceau_register *r)
{
	if (r->db && !sqlite3_get_autocommit(r->db))
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

enum sceau_err reg_audit(struct sceau_register *r, const char *number, const char *action,
			 const char *from, const char *to, const char *why, struct sceau_error *err)
{
	enum sceau_err ret;
	sqlite3_stmt *st = NULL;
	int rc;

	ret = reg_prepare(r,
			  "INSERT INTO audit(at, number, action, from_state, to_state, actor, why) "
			  "VALUES(?, ?, ?, ?, ?, ?, ?)",
			  &st, err);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)reg_now());
	bind_text_or_null(st, 2, number);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, from ? from : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, to ? to : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, why ? why : "", -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		ret = reg_fail_db(r, err, rc, "cannot write the audit trail");
	sqlite3_finalize(st);
	return ret;
}

/* ---- opening ------------------------------------------------------------ */

static const char *const schema_sql =
	"CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE series(series TEXT PRIMARY KEY NOT NULL, last INTEGER NOT NULL)"
	" WITHOUT ROWID;"
	"CREATE TABLE certificate("
	" number TEXT PRIMARY KEY NOT NULL,"
	" type INTEGER NOT NULL,"
	" state INTEGER NOT NULL,"
	" reason INTEGER NOT NULL DEFAULT 0,"
	" series TEXT,"
	" counter INTEGER,"
	" request_id TEXT,"
	" supersedes TEXT,"
	" superseded_by TEXT,"
	" path TEXT NOT NULL,"
	" tmp TEXT,"
	" sha256 BLOB,"
	" reserved_at INTEGER NOT NULL,"
	" issued INTEGER,"
	" since INTEGER NOT NULL,"
	" owner_host TEXT,"
	" owner_boot TEXT,"
	" owner_pid INTEGER,"
	" owner_start INTEGER);"
	"CREATE INDEX certificate_state ON certificate(state);"
	"CREATE UNIQUE INDEX certificate_request ON certificate(request_id)"
	" WHERE request_id IS NOT NULL AND state <> 101;"
	"CREATE UNIQUE INDEX certificate_supersedes ON certificate(supersedes)"
	" WHERE supersedes IS NOT NULL AND state <> 101;"
	"CREATE TABLE audit("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" number TEXT,"
	" action TEXT NOT NULL,"
	" from_state TEXT NOT NULL,"
	" to_state TEXT NOT NULL,"
	" actor TEXT NOT NULL,"
	" why TEXT NOT NULL);"
	"CREATE INDEX audit_number ON audit(number);";

/* One integer from a query without parameters (a PRAGMA, a count). */
static int query_int(struct sceau_register *r, const char *sql, long long *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_ERROR;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* SQLite finds a damaged page only when it reads it: a revocation could
 * write into a file whose other pages are garbage. Check every page once
 * on opening (quick_check: the b-trees, not the indexes' contents; a few
 * milliseconds for ten thousand certificates). */
static enum sceau_err quick_check(struct sceau_register *r, struct sceau_error *err)
{
	sqlite3_stmt *st = NULL;
	char what[200] = "";
	int rc = sqlite3_prepare_v2(r->db, "PRAGMA quick_check(1)", -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		reg_copy(what, sizeof(what), (const char *)sqlite3_column_text(st, 0));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return reg_fail_db(r, err, rc, "cannot check");
	if (strcmp(what, "ok") != 0) {
		/* one line: "*** in database main ***\nPage 3: ..." */
		const char *from = what;
		if (!strncmp(from, "*** in database main ***", 24))
			from += 24;
		while (*from == '\n' || *from == ' ')
			from++;
		for (char *c = what; *c; c++)
			if (*c == '\n')
				*c = ' ';
		return sceau_fail(err, SCEAU_ERR_FORMAT, "register '%s' is damaged: %s", r->path,
				  from);
	}
	return SCEAU_OK;
}

static enum sceau_err create_schema(struct sceau_register *r, struct sceau_error *err)
{
	enum sceau_err ret;
	sqlite3_stmt *st = NULL;
	long long id = 0, tables = 0;
	char sql[64];
	int rc;

	if ((ret = reg_begin(r, err)))
		return ret;
	/* another process may have made it since we looked */
	rc = query_int(r, "PRAGMA application_id", &id);
	if (rc == SQLITE_OK)
		rc = query_int(r, "SELECT count(*) FROM sqlite_schema", &tables);
	if (rc != SQLITE_OK) {
		ret = reg_fail_db(r, err, rc, "cannot read");
		goto out;
	}
	if (id == REG_APPLICATION_ID) {
		ret = reg_commit(r, err);
		goto out;
	}
	if (id != 0 || tables != 0) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "'%s' is not a sceau register", r->path);
		goto out;
	}
	if ((ret = exec(r, schema_sql, "cannot create the schema", err)))
		goto out;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", REG_APPLICATION_ID);
	if ((ret = exec(r, sql, "cannot create the schema", err)))
		goto out;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", REG_SCHEMA_VERSION);
	if ((ret = exec(r, sql, "cannot create the schema", err)))
		goto out;
	if ((ret = reg_prepare(r,
			       "INSERT INTO meta(key, value) VALUES('pattern', ?), "
			       "('status_sequence', 0), ('created', ?)",
			       &st, err)))
		goto out;
	sqlite3_bind_text(st, 1, SCEAU_REGISTER_PATTERN_DEFAULT, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)reg_now());
	if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
		ret = reg_fail_db(r, err, rc, "cannot create the schema");
		goto out;
	}
	if ((ret = reg_audit(r, NULL, "create", NULL, NULL, "register created", err)))
		goto out;
	ret = reg_commit(r, err);
out:
	sqlite3_finalize(st);
	reg_rollback(r);
	return ret;
}

/* Is the open file a register of a schema this code knows? Creates the
 * schema in an empty database when `create`. */
static enum sceau_err check_file(struct sceau_register *r, int create, struct sceau_error *err)
{
	long long id = 0, version = 0, tables = 0;
	char mode[16] = "";
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	int rc;

	rc = query_int(r, "PRAGMA application_id", &id);
	if ((rc & 0xff) == SQLITE_NOTADB)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "'%s' is not a sceau register: not an SQLite database", r->path);
	if (rc != SQLITE_OK)
		return reg_fail_db(r, err, rc, "cannot read");
	if (id != 0 && id != REG_APPLICATION_ID)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "'%s' is not a sceau register: an SQLite database of another "
				  "application (id 0x%08llx)",
				  r->path, (unsigned long long)(unsigned)id);
	if (id == 0) {
		rc = query_int(r, "SELECT count(*) FROM sqlite_schema", &tables);
		if (rc != SQLITE_OK)
			return reg_fail_db(r, err, rc, "cannot read");
		if (tables != 0 || !create)
			return sceau_fail(err, SCEAU_ERR_FORMAT, "'%s' is not a sceau register: %s",
					  r->path,
					  tables ? "an SQLite database of another application"
						 : "an empty file");
	}

	/* WAL: readers do not block the writer, and a commit is one append */
	ret = reg_prepare(r, "PRAGMA journal_mode = WAL", &st, err);
	if (ret)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		reg_copy(mode, sizeof(mode), (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return reg_fail_db(r, err, rc, "cannot use a write-ahead log");
	if (strcmp(mode, "wal") != 0)
		return sceau_fail(err, SCEAU_ERR_IO,
				  "register '%s': cannot use a write-ahead log (journal mode "
				  "stays '%s')",
				  r->path, mode);
	/* an issued row must survive a power cut once its PDF exists */
	if ((ret = exec(r, "PRAGMA synchronous = FULL", "cannot set synchronous", err)))
		return ret;

	if (id == 0 && (ret = create_schema(r, err)))
		return ret;

	rc = query_int(r, "PRAGMA user_version", &version);
	if (rc == SQLITE_OK)
		rc = query_int(r,
			       "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
			       "name IN ('meta', 'series', 'certificate', 'audit')",
			       &tables);
	if (rc != SQLITE_OK)
		return reg_fail_db(r, err, rc, "cannot read");
	if (version > REG_SCHEMA_VERSION)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "register '%s' has schema version %lld: this sceau reads version "
				  "%d; use a newer sceau",
				  r->path, version, REG_SCHEMA_VERSION);
	if (version < 1 || tables != 4)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "register '%s' is damaged: schema version %lld, %lld of 4 tables",
				  r->path, version, tables);
	return quick_check(r, err);
}

enum sceau_err sceau_register_open(const char *path, int create, const char *actor,
				   struct sceau_register **out, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_NOMEM;
	struct sceau_register *r = NULL;
	int made = 0, rc;
	struct stat st;

	*out = NULL;
	if (!path || !*path)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no register file given");
	if (!actor)
		actor = "";
	if (strlen(actor) > REG_ACTOR_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID, "actor is longer than %d bytes",
				  REG_ACTOR_MAX);

	if (lstat(path, &st) < 0) {
		int fd;

		if (errno != ENOENT)
			return sceau_fail(err, sceau_err_from_errno(errno),
					  "cannot open register '%s': %s", path,
					  sceau_errno_text(errno));
		if (!create)
			return sceau_fail(err, SCEAU_ERR_NOT_FOUND, "no register '%s'", path);
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			made = 1;
			close(fd);
		} else if (errno != EEXIST) {
			return sceau_fail(err, sceau_err_from_errno(errno),
					  "cannot create register '%s': %s", path,
					  sceau_errno_text(errno));
		}
	} else if (S_ISLNK(st.st_mode)) {
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "register '%s' is a symbolic link: give the file itself", path);
	} else if (!S_ISREG(st.st_mode)) {
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "'%s' is not a sceau register: not a regular file", path);
	}

	r = calloc(1, sizeof(*r));
	if (!r || !(r->path = strdup(path)) || !(r->actor = strdup(actor))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "cannot open register '%s': out of memory",
				 path);
		goto out;
	}
	rc = sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		ret = reg_fail_db(r, err, rc, "cannot open");
		goto out;
	}
	sqlite3_extended_result_codes(r->db, 1);
	sqlite3_busy_timeout(r->db, REG_BUSY_TIMEOUT_MS);
	if ((ret = check_file(r, create, err)))
		goto out;
	*out = r;
	r = NULL;
	ret = SCEAU_OK;
out:
	if (r && made) {
		/* nothing of ours may stay behind when creating failed */
		sqlite3_close(r->db);
		r->db = NULL;
		unlink(path);
	}
	sceau_register_close(r);
	return ret;
}

void sceau_register_close(struct sceau_register *r)
{
	if (!r)
		return;
	reg_rollback(r);
	sqlite3_close(r->db);
	free(r->path);
	free(r->actor);
	free(r);
}

/* ---- look-ups ----------------------------------------------------------- */

static void column_copy(sqlite3_stmt *st, int i, char *dst, size_t len)
{
	reg_copy(dst, len, (const char *)sqlite3_column_text(st, i));
}

void reg_row_entry(sqlite3_stmt *st, struct sceau_register_entry *e)
{
	memset(e, 0, sizeof(*e));
	column_copy(st, 0, e->number, sizeof(e->number));
	e->type = (enum sceau_program)sqlite3_column_int(st, 1);
	e->state = (enum sceau_reg_state)sqlite3_column_int(st, 2);
	e->reason = (enum sceau_doc_reason)sqlite3_column_int(st, 3);
	e->issued = (time_t)sqlite3_column_int64(st, 4);
	e->since = (time_t)sqlite3_column_int64(st, 5);
	column_copy(st, 6, e->request_id, sizeof(e->request_id));
	column_copy(st, 7, e->path, sizeof(e->path));
	if (sqlite3_column_type(st, 8) == SQLITE_BLOB && sqlite3_column_bytes(st, 8) == 32) {
		memcpy(e->sha256, sqlite3_column_blob(st, 8), 32);
		e->has_sha256 = 1;
	}
	column_copy(st, 9, e->supersedes, sizeof(e->supersedes));
	column_copy(st, 10, e->superseded_by, sizeof(e->superseded_by));
}

enum sceau_err reg_get(struct sceau_register *r, const char *number, struct sceau_register_entry *e,
		       struct sceau_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	char q[176];
	int rc;

	ret = reg_prepare(r, "SELECT " REG_ENTRY_COLUMNS " FROM certificate WHERE number = ?", &st,
			  err);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		reg_row_entry(st, e);
	} else if (rc == SQLITE_DONE) {
		sceau_quote(number, q, sizeof(q));
		ret = sceau_fail(err, SCEAU_ERR_NOT_FOUND, "no certificate '%s' in register '%s'",
				 q, r->path);
	} else {
		ret = reg_fail_db(r, err, rc, "cannot read");
	}
	sqlite3_finalize(st);
	return ret;
}

enum sceau_err sceau_register_get(struct sceau_register *r, const char *number,
				  struct sceau_register_entry *out, struct sceau_error *err)
{
	if (!number)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no certificate number given");
	return reg_get(r, number, out, err);
}

enum sceau_err sceau_register_get_request(struct sceau_register *r, const char *request_id,
					  struct sceau_register_entry *out, struct sceau_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	char q[176];
	int rc;

	if (!request_id)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no request id given");
	/* the live row first; else the latest void one */
	ret = reg_prepare(r,
			  "SELECT " REG_ENTRY_COLUMNS " FROM certificate WHERE request_id = ? "
			  "ORDER BY state = 101, rowid DESC LIMIT 1",
			  &st, err);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, request_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		reg_row_entry(st, out);
	} else if (rc == SQLITE_DONE) {
		sceau_quote(request_id, q, sizeof(q));
		ret = sceau_fail(err, SCEAU_ERR_NOT_FOUND, "no request '%s' in register '%s'", q,
				 r->path);
	} else {
		ret = reg_fail_db(r, err, rc, "cannot read");
	}
	sqlite3_finalize(st);
	return ret;
}

enum sceau_err sceau_register_counts(struct sceau_register *r, unsigned long counts[6],
				     struct sceau_error *err)
{
	static const int order[6] = {SCEAU_REG_RESERVED,  SCEAU_REG_ISSUED,     SCEAU_REG_REVOKED,
				     SCEAU_REG_SUSPENDED, SCEAU_REG_SUPERSEDED, SCEAU_REG_VOID};
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	int rc;

	memset(counts, 0, 6 * sizeof(counts[0]));
	ret = reg_prepare(r, "SELECT state, count(*) FROM certificate GROUP BY state", &st, err);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int s = sqlite3_column_int(st, 0);
		for (int i = 0; i < 6; i++)
			if (order[i] == s)
				counts[i] = (unsigned long)sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE)
		ret = reg_fail_db(r, err, rc, "cannot count");
	sqlite3_finalize(st);
	return ret;
}

enum sceau_err sceau_register_audit_each(struct sceau_register *r, const char *number,
					 int (*fn)(const struct sceau_register_audit *a, void *arg),
					 void *arg, struct sceau_error *err)
{
	struct sceau_register_audit a;
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	int rc;

	ret = reg_prepare(r,
			  number ? "SELECT id, at, number, action, from_state, to_state, actor, "
				   "why FROM audit WHERE number = ? ORDER BY id"
				 : "SELECT id, at, number, action, from_state, to_state, actor, "
				   "why FROM audit ORDER BY id",
			  &st, err);
	if (ret)
		return ret;
	if (number)
		sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		a.id = sqlite3_column_int64(st, 0);
		a.at = (time_t)sqlite3_column_int64(st, 1);
		column_copy(st, 2, a.number, sizeof(a.number));
		column_copy(st, 3, a.action, sizeof(a.action));
		column_copy(st, 4, a.from, sizeof(a.from));
		column_copy(st, 5, a.to, sizeof(a.to));
		column_copy(st, 6, a.actor, sizeof(a.actor));
		column_copy(st, 7, a.why, sizeof(a.why));
		if (fn(&a, arg))
			break;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = reg_fail_db(r, err, rc, "cannot read the audit trail");
	sqlite3_finalize(st);
	return ret;
}
