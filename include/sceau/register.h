/* sceau — the issuance register: a body's certificate numbers, their
 * states and an audit trail, in one SQLite file (WAL).
 *
 * A number is reserved in a transaction before anything is rendered; the
 * PDF is committed by sceau_register_commit (temporary file, fsync, its
 * SHA-256 recorded, rename, directory fsync, row issued). After a crash at
 * any point the next sceau_register_recover finds no duplicate number, no
 * issued row without its PDF, no PDF at its final name without an issued
 * row, and makes leftover reservations void. Two processes may issue from
 * one register at once (SQLite locking; numbers never repeat).
 *
 * States: reserved -> issued -> revoked | suspended | superseded;
 * suspended -> issued (lifted) | revoked; superseded -> revoked;
 * reserved -> void. Revoked and void are final. Every change is a row of
 * the audit trail (when, what, from, to, by which key, why).
 *
 * docs/register.md documents the schema, the numbering pattern and the
 * recovery rules. */
#ifndef SCEAU_REGISTER_H
#define SCEAU_REGISTER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"
#include "export.h"
#include "program.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The register file in a signer directory when --register is not given. */
#define SCEAU_REGISTER_DEFAULT_NAME "register.db"

/* Numbering pattern when none was set: tokens {TYPE} (COC, HAL), {YYYY},
 * {YY}, {N} (the counter) or {N:w} (zero-padded to w digits, 1..12). The
 * counter runs per series: the pattern's expansion without {N}, so
 * "ITK-COC-2026-" and "ITK-COC-2027-" each start at 1. Every pattern must
 * hold {N} once and expand to a valid certificate number. */
#define SCEAU_REGISTER_PATTERN_DEFAULT "{TYPE}-{YYYY}-{N:6}"

/* Register-only states (the others are enum sceau_doc_state). */
enum sceau_reg_state {
	SCEAU_REG_RESERVED = 100,
	SCEAU_REG_ISSUED = 0,     /* = SCEAU_DOC_GOOD */
	SCEAU_REG_REVOKED = 1,    /* = SCEAU_DOC_REVOKED */
	SCEAU_REG_SUSPENDED = 2,  /* = SCEAU_DOC_SUSPENDED */
	SCEAU_REG_SUPERSEDED = 3, /* = SCEAU_DOC_SUPERSEDED */
	SCEAU_REG_VOID = 101
};

/* "reserved", "issued", "revoked", "suspended", "superseded", "void". */
SCEAU_EXPORT const char *sceau_reg_state_name(enum sceau_reg_state s);

struct sceau_register;

/* Open (and with `create`, make: 0600, WAL, schema) the register at
 * `path`. A file that is not a sceau register, or a newer schema, is
 * SCEAU_ERR_FORMAT; a missing file without `create` SCEAU_ERR_NOT_FOUND.
 * `actor` names who acts (the signer certificate's "CN (serial)") in the
 * audit trail; it is copied. *out: caller closes with
 * sceau_register_close. */
SCEAU_EXPORT enum sceau_err sceau_register_open(const char *path, int create, const char *actor,
						struct sceau_register **out, /* OUT */
						struct sceau_error *err);
SCEAU_EXPORT void sceau_register_close(struct sceau_register *r);

/* What recovery did. */
struct sceau_register_recovery {
	unsigned voided;    /* reservations of dead processes made void */
	unsigned completed; /* renamed PDFs whose row is now issued */
	unsigned removed;   /* temporary files removed */
};

/* Settle the reservations of processes that are gone (pid not alive on
 * this host): a PDF at its final name whose SHA-256 is the one recorded
 * before the rename makes the row issued (audited "recover"); anything
 * else removes the temporary file and makes the row void. Reservations of
 * live processes are left alone. `rep` may be NULL. */
SCEAU_EXPORT enum sceau_err sceau_register_recover(struct sceau_register *r,
						   struct sceau_register_recovery *rep, /* OUT */
						   struct sceau_error *err);

/* The numbering pattern in use (borrowed until the next call), and
 * setting it (checked as above, audited). */
SCEAU_EXPORT const char *sceau_register_get0_pattern(struct sceau_register *r);
SCEAU_EXPORT enum sceau_err
sceau_register_set_pattern(struct sceau_register *r, const char *pattern, struct sceau_error *err);

/* What a reservation needs. */
struct sceau_register_request {
	enum sceau_program type;
	const char *number;     /* NULL: the next one of the pattern; else this
				 * one (SCEAU_ERR_EXISTS when the register has it) */
	const char *request_id; /* batch request id, or NULL; unique when given
				 * (SCEAU_ERR_EXISTS, naming its number) */
	const char *supersedes; /* number this one replaces, or NULL: it must be
				 * issued or suspended (SCEAU_ERR_NOT_FOUND /
				 * SCEAU_ERR_STATE otherwise) and not already
				 * being replaced */
	const char *path;       /* the PDF's final path, recorded (made absolute
				 * against the working directory) for recovery;
				 * its directory must exist by commit */
	time_t at;              /* issuing time: picks {YYYY} */
};

/* Reserve a number (one IMMEDIATE transaction, audited). number_out
 * receives it. */
SCEAU_EXPORT enum sceau_err sceau_register_reserve(struct sceau_register *r,
						   const struct sceau_register_request *req,
						   char number_out[SCEAU_NUMBER_MAX], /* OUT */
						   struct sceau_error *err);

/* Commit the PDF of reserved `number`: write it to a temporary file beside
 * `path` (O_EXCL, 0644), fsync, record its SHA-256 and the temporary name,
 * rename it to `path` (refusing to replace an existing file unless
 * `force`), fsync the directory, mark the row issued with the SHA-256 (and
 * the replaced one superseded, in the same transaction). Once the file
 * is being written, any error leaves nothing of ours at `path` (a file
 * that was there stays: SCEAU_ERR_EXISTS) and makes the row void; a number
 * that is not reserved (SCEAU_ERR_NOT_FOUND / SCEAU_ERR_STATE), or whose
 * commit another process has under way, is left as it is. sha256_out may
 * be NULL. SCEAU_REGISTER_CRASH (docs/register.md) kills the process at a
 * chosen step, for tests. */
SCEAU_EXPORT enum sceau_err sceau_register_commit(struct sceau_register *r, const char *number,
						  const unsigned char *pdf, size_t len, int force,
						  unsigned char sha256_out[32], /* OUT */
						  struct sceau_error *err);

/* Give a reservation up (rendering failed): void, audited with `why`. */
SCEAU_EXPORT enum sceau_err sceau_register_void(struct sceau_register *r, const char *number,
						const char *why, struct sceau_error *err);

/* One row. Caller-owned; strings copied. */
struct sceau_register_entry {
	char number[SCEAU_NUMBER_MAX];
	enum sceau_program type;
	enum sceau_reg_state state;
	enum sceau_doc_reason reason; /* for revoked, suspended, superseded */
	time_t issued;                /* 0 unless it was issued */
	time_t since;                 /* when it took its state */
	char request_id[80];
	char path[512];
	unsigned char sha256[32];
	int has_sha256;
	char supersedes[SCEAU_NUMBER_MAX];
	char superseded_by[SCEAU_NUMBER_MAX];
};

/* Look a number up (SCEAU_ERR_NOT_FOUND "no certificate 'N' in register
 * 'PATH'"), or a batch request id. */
SCEAU_EXPORT enum sceau_err sceau_register_get(struct sceau_register *r, const char *number,
					       struct sceau_register_entry *out, /* OUT */
					       struct sceau_error *err);
SCEAU_EXPORT enum sceau_err sceau_register_get_request(struct sceau_register *r,
						       const char *request_id,
						       struct sceau_register_entry *out, /* OUT */
						       struct sceau_error *err);

/* Change a certificate's standing: to revoked or suspended (from issued or
 * suspended, superseded for revoked), or back to issued (lifting a
 * suspension). Revoking twice, suspending a revoked certificate and the
 * like are SCEAU_ERR_STATE saying the current state; an unknown number
 * SCEAU_ERR_NOT_FOUND. Audited with `reason`. */
SCEAU_EXPORT enum sceau_err sceau_register_set_state(struct sceau_register *r, const char *number,
						     enum sceau_reg_state to,
						     enum sceau_doc_reason reason, time_t at,
						     struct sceau_error *err);

/* The entries a status list needs: every revoked, suspended and
 * superseded certificate, sorted by number. *out: caller frees with free.
 * Also takes the next status list sequence number (stored, so it only
 * grows). */
SCEAU_EXPORT enum sceau_err sceau_register_status_entries(struct sceau_register *r,
							  struct sceau_status_entry **out, /* OUT */
							  size_t *n,                       /* OUT */
							  uint64_t *sequence,              /* OUT */
							  struct sceau_error *err);

/* Counts by state (indexed by position in the order reserved, issued,
 * revoked, suspended, superseded, void), for summaries. */
SCEAU_EXPORT enum sceau_err sceau_register_counts(struct sceau_register *r,
						  unsigned long counts[6], /* OUT */
						  struct sceau_error *err);

/* One audit record. */
struct sceau_register_audit {
	int64_t id;
	time_t at;
	char number[SCEAU_NUMBER_MAX];
	char action[24]; /* "create", "reserve", "issue", "void", "revoke",
			    * "suspend", "reinstate", "supersede", "recover",
			    * "pattern" */
	char from[16], to[16];
	char actor[160];
	char why[160];
};

/* Call `fn` for each audit record about `number` (NULL: all), oldest
 * first; a non-zero return stops. */
SCEAU_EXPORT enum sceau_err
sceau_register_audit_each(struct sceau_register *r, const char *number,
			  int (*fn)(const struct sceau_register_audit *a, void *arg), void *arg,
			  struct sceau_error *err);

#ifdef __cplusplus
}
#endif
#endif
