/* sceau — the issuance register, shared by register.c (opening, schema,
 * numbering pattern, look-ups), register_issue.c (reserve, commit, void,
 * recover) and register_state.c (revoke, suspend, status entries).
 * Internal. docs/register.md describes the schema and the protocol. */
#ifndef SCEAU_REGISTER_INT_H
#define SCEAU_REGISTER_INT_H

#include <sqlite3.h>

#include "internal.h"

/* PRAGMA application_id of every register: "SCEA". */
#define REG_APPLICATION_ID 0x53434541
/* PRAGMA user_version: the schema this code writes and reads. */
#define REG_SCHEMA_VERSION 1
/* Writers wait this long for each other before giving up. */
#define REG_BUSY_TIMEOUT_MS 30000
/* Longest numbering pattern. */
#define REG_PATTERN_MAX 64
/* Longest actor and request id (the entry and audit structs hold these). */
#define REG_ACTOR_MAX      159
#define REG_REQUEST_ID_MAX 79
#define REG_PATH_MAX       511

struct sceau_register {
	sqlite3 *db;
	char *path;  /* as given to open, for messages */
	char *actor; /* audit trail: who acts */
	char pattern[REG_PATTERN_MAX + 1];
};

/* Fill err from SQLite's last error on r->db: "register 'P': <what>:
 * <sqlite message>". SQLITE_CORRUPT and SQLITE_NOTADB are
 * SCEAU_ERR_FORMAT, SQLITE_BUSY, SQLITE_FULL and I/O errors
 * SCEAU_ERR_IO, SQLITE_CONSTRAINT SCEAU_ERR_STATE. */
enum sceau_err reg_fail_db(struct sceau_register *r, struct sceau_error *err, int rc,
			   const char *fmt, ...) SCEAU_PRINTF(4, 5);

/* Prepare one statement (SQL text constant; values are bound). */
enum sceau_err reg_prepare(struct sceau_register *r, const char *sql, sqlite3_stmt **st,
			   struct sceau_error *err);
/* BEGIN IMMEDIATE, COMMIT; reg_rollback undoes an open transaction, if any. */
enum sceau_err reg_begin(struct sceau_register *r, struct sceau_error *err);
enum sceau_err reg_commit(struct sceau_register *r, struct sceau_error *err);
void reg_rollback(struct sceau_register *r);

/* Append an audit record (inside the caller's transaction). `number`,
 * `from`, `to` may be NULL; `why` may be NULL (""). */
enum sceau_err reg_audit(struct sceau_register *r, const char *number, const char *action,
			 const char *from, const char *to, const char *why,
			 struct sceau_error *err);

/* The columns reg_row_entry reads, in its order. */
#define REG_ENTRY_COLUMNS                                                                          \
	"number, type, state, reason, issued, since, request_id, path, sha256, supersedes, "       \
	"superseded_by"
void reg_row_entry(sqlite3_stmt *st, struct sceau_register_entry *e);

/* Look number up (inside or outside a transaction): SCEAU_ERR_NOT_FOUND
 * "no certificate 'N' in register 'P'" when it is not there. */
enum sceau_err reg_get(struct sceau_register *r, const char *number, struct sceau_register_entry *e,
		       struct sceau_error *err);

/* Expand a numbering pattern for `type` and `year`: the text before and
 * after {N}, and {N}'s width (0: no padding). SCEAU_ERR_INVALID saying
 * what is wrong with a bad pattern. */
enum sceau_err reg_pattern_expand(const char *pattern, enum sceau_program type, int year, char *pre,
				  size_t prelen, char *post, size_t postlen, int *width,
				  struct sceau_error *err);
/* The pattern stored in the register (inside a transaction or not). */
enum sceau_err reg_pattern_load(struct sceau_register *r, char *buf, size_t len,
				struct sceau_error *err);

/* "2026-11-24T10:00:00Z" into buf[21]. */
void reg_time_text(time_t t, char buf[21]);
/* The current time (never 0). */
time_t reg_now(void);
/* Copy src into dst[len], cut at a UTF-8 character boundary. */
void reg_copy(char *dst, size_t len, const char *src);

/* The fault-injection hook (docs/register.md): when SCEAU_REGISTER_CRASH
 * equals `point`, the process kills itself with SIGKILL. */
void reg_crash_point(const char *point);

/* ---- register_issue.c ---- */

/* The temporary file of a number beside `path` (malloc'd). */
char *reg_tmp_name(const char *path, const char *number);
/* fsync the directory holding path; -1 with errno on failure. */
int reg_fsync_dir_of(const char *path);
/* Inside the caller's transaction: reserved `number` becomes void
 * (audited with `action` and `why`), or issued (and the certificate it
 * replaces superseded, audited with `action`). */
enum sceau_err reg_void_row(struct sceau_register *r, const char *number, const char *action,
			    const char *why, struct sceau_error *err);
enum sceau_err reg_issue_row(struct sceau_register *r, const char *number, const char *action,
			     struct sceau_error *err);

/* ---- register_recover.c ---- */

/* Who owns a reservation. */
struct reg_owner {
	char host[256];
	char boot[40]; /* /proc/sys/kernel/random/boot_id: tells reboots apart */
	long long pid;
	long long start; /* /proc/PID/stat field 22: tells reused PIDs apart */
};
void reg_owner_self(struct reg_owner *o);

#endif
