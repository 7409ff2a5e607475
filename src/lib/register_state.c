/* sceau — the register: a certificate's standing (revoke, suspend, lift a
 * suspension) and the entries of the body's status list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register_int.h"

/* Is the move from -> to allowed by set_state? */
static int allowed(enum sceau_reg_state from, enum sceau_reg_state to)
{
	switch (to) {
	case SCEAU_REG_REVOKED:
		return from == SCEAU_REG_ISSUED || from == SCEAU_REG_SUSPENDED ||
		       from == SCEAU_REG_SUPERSEDED;
	case SCEAU_REG_SUSPENDED:
		return from == SCEAU_REG_ISSUED;
	case SCEAU_REG_ISSUED:
		return from == SCEAU_REG_SUSPENDED;
	default:
		return 0;
	}
}

static enum sceau_err refuse(struct sceau_error *err, const struct sceau_register_entry *e,
			     enum sceau_reg_state to)
{
	const char *verb = to == SCEAU_REG_REVOKED     ? "revoke"
			   : to == SCEAU_REG_SUSPENDED ? "suspend"
						       : "lift the suspension of";
	char when[21], by[SCEAU_NUMBER_MAX + 8] = "";

	reg_time_text(e->since, when);
	if (e->state == to)
		return sceau_fail(err, SCEAU_ERR_STATE,
				  "certificate '%s' is already %s (since %s%s%s)", e->number,
				  sceau_reg_state_name(e->state), when,
				  e->state == SCEAU_REG_ISSUED ? "" : ": ",
				  e->state == SCEAU_REG_ISSUED ? "" : sceau_doc_reason_name(e->reason));
	if (e->state == SCEAU_REG_SUPERSEDED && e->superseded_by[0])
		snprintf(by, sizeof(by), " by '%s'", e->superseded_by);
	if (e->state == SCEAU_REG_RESERVED)
		return sceau_fail(err, SCEAU_ERR_STATE,
				  "cannot %s certificate '%s': it is reserved, not yet issued",
				  verb, e->number);
	return sceau_fail(err, SCEAU_ERR_STATE, "cannot %s certificate '%s': it is %s%s (since %s)",
			  verb, e->number, sceau_reg_state_name(e->state), by, when);
}

enum sceau_err sceau_register_set_state(struct sceau_register *r, const char *number,
					enum sceau_reg_state to, enum sceau_doc_reason reason,
					time_t at, struct sceau_error *err)
{
	static const char *const actions[] = {[SCEAU_REG_ISSUED] = "reinstate",
					      [SCEAU_REG_REVOKED] = "revoke",
					      [SCEAU_REG_SUSPENDED] = "suspend"};
	struct sceau_register_entry e;
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	int rc;

	if (!number)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no certificate number given");
	if (to != SCEAU_REG_REVOKED && to != SCEAU_REG_SUSPENDED && to != SCEAU_REG_ISSUED)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "cannot set certificate '%s' to %s: only revoked, suspended or "
				  "issued (lifting a suspension)",
				  number, sceau_reg_state_name(to));
	if ((unsigned)reason > SCEAU_DOCR_SUPERSEDED)
		return sceau_fail(err, SCEAU_ERR_INVALID, "unknown reason %d", (int)reason);
	if (reason == SCEAU_DOCR_SUPERSEDED)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "certificate '%s': a certificate is superseded by issuing its "
				  "replacement, not by a change of state",
				  number);
	if (to == SCEAU_REG_ISSUED)
		reason = SCEAU_DOCR_UNSPECIFIED;
	if (at <= 0)
		at = reg_now();

	if ((ret = reg_begin(r, err)))
		return ret;
	if ((ret = reg_get(r, number, &e, err)))
		goto out;
	if (!allowed(e.state, to)) {
		ret = refuse(err, &e, to);
		goto out;
	}
	ret = reg_prepare(r,
			  "UPDATE certificate SET state = ?, reason = ?, since = ? WHERE "
			  "number = ? AND state = ?",
			  &st, err);
	if (ret)
		goto out;
	sqlite3_bind_int(st, 1, (int)to);
	sqlite3_bind_int(st, 2, (int)reason);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)at);
	sqlite3_bind_text(st, 4, number, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, (int)e.state);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		ret = reg_fail_db(r, err, rc, "cannot change certificate '%s'", number);
		goto out;
	}
	if ((ret = reg_audit(r, number, actions[to], sceau_reg_state_name(e.state),
			     sceau_reg_state_name(to), sceau_doc_reason_name(reason), err)))
		goto out;
	ret = reg_commit(r, err);
out:
	sqlite3_finalize(st);
	reg_rollback(r);
	return ret;
}

/* Take the next status list sequence number (inside the transaction). */
static enum sceau_err next_sequence(struct sceau_register *r, uint64_t *out,
				    struct sceau_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	int rc;

	ret = reg_prepare(r,
			  "UPDATE meta SET value = value + 1 WHERE key = 'status_sequence' "
			  "AND typeof(value) = 'integer'",
			  &st, err);
	if (ret)
		return ret;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		return reg_fail_db(r, err, rc, "cannot take a status list sequence number");
	if (sqlite3_changes(r->db) != 1)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "register '%s' is damaged: no status list sequence", r->path);
	if ((ret = reg_prepare(r, "SELECT value FROM meta WHERE key = 'status_sequence'", &st,
			       err)))
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	else
		ret = reg_fail_db(r, err, rc, "cannot read the status list sequence");
	sqlite3_finalize(st);
	return ret;
}

enum sceau_err sceau_register_status_entries(struct sceau_register *r,
					     struct sceau_status_entry **out, size_t *n,
					     uint64_t *sequence, struct sceau_error *err)
{
	struct sceau_status_entry *list = NULL, *grown;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	int rc;

	*out = NULL;
	*n = 0;
	*sequence = 0;
	if ((ret = reg_begin(r, err)))
		return ret;
	/* BINARY collation: memcmp order, the order the list is sorted in */
	ret = reg_prepare(r,
			  "SELECT number, state, reason, since, ifnull(superseded_by, '') FROM "
			  "certificate WHERE state IN (1, 2, 3) ORDER BY number",
			  &st, err);
	if (ret)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sceau_status_entry *s;

		if (k == SCEAU_STATUS_ENTRIES_MAX) {
			ret = sceau_fail(err, SCEAU_ERR_STATE,
					 "register '%s' lists more than %d certificates: too many "
					 "for one status list",
					 r->path, SCEAU_STATUS_ENTRIES_MAX);
			goto out;
		}
		if (k == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown) {
				ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
				goto out;
			}
			list = grown;
		}
		s = &list[k++];
		memset(s, 0, sizeof(*s));
		reg_copy(s->number, sizeof(s->number), (const char *)sqlite3_column_text(st, 0));
		s->state = (enum sceau_doc_state)sqlite3_column_int(st, 1);
		s->reason = (enum sceau_doc_reason)sqlite3_column_int(st, 2);
		s->since = (time_t)sqlite3_column_int64(st, 3);
		if (s->state == SCEAU_DOC_SUPERSEDED)
			reg_copy(s->by, sizeof(s->by), (const char *)sqlite3_column_text(st, 4));
	}
	if (rc != SQLITE_DONE) {
		ret = reg_fail_db(r, err, rc, "cannot read the listed certificates");
		goto out;
	}
	if ((ret = next_sequence(r, sequence, err)) || (ret = reg_commit(r, err))) {
		*sequence = 0;
		goto out;
	}
	*out = list;
	*n = k;
	list = NULL;
out:
	sqlite3_finalize(st);
	reg_rollback(r);
	free(list);
	return ret;
}
