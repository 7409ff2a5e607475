/* sceau — the register's numbering pattern: tokens, checks, expansion
 * (docs/register.md, "Numbering"). */
#include <stdio.h>
#include <string.h>

#include "register_int.h"
#include "record_int.h"

/* ---- the numbering pattern ------------------------------------------------ */

/* Append s[0..n) to buf at *at; -1 when it does not fit. */
static int put(char *buf, size_t len, size_t *at, const char *s, size_t n)
{
	if (*at + n >= len)
		return -1;
	memcpy(buf + *at, s, n);
	*at += n;
	buf[*at] = '\0';
	return 0;
}

static int is_literal(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '.';
}

enum sceau_err reg_pattern_expand(const char *pattern, enum sceau_program type, int year, char *pre,
				  size_t prelen, char *post, size_t postlen, int *width,
				  struct sceau_error *err)
{
	size_t npre = 0, npost = 0, i = 0, plen;
	int seen_n = 0;
	char q[176];

	sceau_quote(pattern ? pattern : "", q, sizeof(q));
	if (!pattern || !*pattern)
		return sceau_fail(err, SCEAU_ERR_INVALID, "numbering pattern is empty");
	plen = strlen(pattern);
	if (plen > REG_PATTERN_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "numbering pattern '%s' is longer than %d characters", q,
				  REG_PATTERN_MAX);
	pre[0] = post[0] = '\0';
	*width = 0;
	while (i < plen) {
		char *buf = seen_n ? post : pre;
		size_t blen = seen_n ? postlen : prelen, *at = seen_n ? &npost : &npre;
		const char *tok = pattern + i, *end;
		char text[8];
		size_t tlen;

		if (*tok != '{') {
			if (!is_literal(*tok))
				return sceau_fail(
					err, SCEAU_ERR_INVALID,
					"numbering pattern '%s': character %zu is not one "
					"of A-Z, 0-9, '-', '/', '.' or a {TOKEN}",
					q, i + 1);
			if (put(buf, blen, at, tok, 1) < 0)
				goto too_long;
			i++;
			continue;
		}
		end = strchr(tok, '}');
		if (!end)
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "numbering pattern '%s': '{' at %zu is not closed", q,
					  i + 1);
		tlen = (size_t)(end - tok) + 1;
		if (tlen == 6 && !memcmp(tok, "{TYPE}", 6)) {
			const char *t = type == SCEAU_PROGRAM_COC     ? "COC"
					: type == SCEAU_PROGRAM_HALAL ? "HAL"
								      : NULL;
			if (!t)
				return sceau_fail(err, SCEAU_ERR_INVALID,
						  "no document type for {TYPE}");
			if (put(buf, blen, at, t, 3) < 0)
				goto too_long;
		} else if ((tlen == 6 && !memcmp(tok, "{YYYY}", 6)) ||
			   (tlen == 4 && !memcmp(tok, "{YY}", 4))) {
			if (year < 0 || year > 9999)
				return sceau_fail(err, SCEAU_ERR_INVALID,
						  "year %d out of range for the numbering pattern",
						  year);
			if (tlen == 6)
				snprintf(text, sizeof(text), "%04d", year);
			else
				snprintf(text, sizeof(text), "%02d", year % 100);
			if (put(buf, blen, at, text, strlen(text)) < 0)
				goto too_long;
		} else if ((tlen == 3 && !memcmp(tok, "{N}", 3)) ||
			   (tlen >= 4 && !memcmp(tok, "{N:", 3))) {
			int w = 0;

			if (seen_n)
				return sceau_fail(err, SCEAU_ERR_INVALID,
						  "numbering pattern '%s' holds {N} twice", q);
			if (tlen > 3) {
				const char *d = tok + 3;
				if (tlen == 4 || tlen > 6 || *d == '0')
					w = -1;
				for (; w >= 0 && d < end; d++) {
					if (*d < '0' || *d > '9')
						w = -1;
					else
						w = w * 10 + (*d - '0');
				}
				if (w < 1 || w > 12)
					return sceau_fail(err, SCEAU_ERR_INVALID,
							  "numbering pattern '%s': the width in "
							  "{N:w} must be 1 to 12",
							  q);
			}
			*width = w;
			seen_n = 1;
		} else {
			char tq[24];
			char t[24];

			reg_copy(t, tlen < sizeof(t) ? tlen + 1 : sizeof(t), tok);
			sceau_quote(t, tq, sizeof(tq));
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "numbering pattern '%s': unknown token '%s' (known: "
					  "{TYPE}, {YYYY}, {YY}, {N}, {N:w})",
					  q, tq);
		}
		i += tlen;
	}
	if (!seen_n)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "numbering pattern '%s' has no {N} (the counter)", q);
	return SCEAU_OK;
too_long:
	return sceau_fail(err, SCEAU_ERR_INVALID, "numbering pattern '%s' expands too long", q);
}

/* Would every expansion of the pattern be a valid certificate number? */
static enum sceau_err pattern_check(const char *pattern, struct sceau_error *err)
{
	static const enum sceau_program types[] = {SCEAU_PROGRAM_COC, SCEAU_PROGRAM_HALAL};
	char pre[SCEAU_NUMBER_MAX], post[SCEAU_NUMBER_MAX], num[3 * SCEAU_NUMBER_MAX], q[176];
	enum sceau_err ret;
	int width;

	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		ret = reg_pattern_expand(pattern, types[t], 2026, pre, sizeof(pre), post,
					 sizeof(post), &width, err);
		if (ret)
			return ret;
		/* the first number and the widest of its width (or of 6 digits) */
		for (int k = 0; k < 2; k++) {
			int digits = k == 0 ? (width ? width : 1) : (width ? width : 6);
			snprintf(num, sizeof(num), "%s%0*d%s", pre, digits, k == 0 ? 1 : 9, post);
			if (!sceau_check_number(num)) {
				sceau_quote(pattern, q, sizeof(q));
				return sceau_fail(err, SCEAU_ERR_INVALID,
						  "numbering pattern '%s' makes '%s', not a "
						  "certificate number (3 to 40 of A-Z, 0-9 with "
						  "single '-', '/' or '.' between)",
						  q, num);
			}
		}
	}
	return SCEAU_OK;
}

enum sceau_err reg_pattern_load(struct sceau_register *r, char *buf, size_t len,
				struct sceau_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	int rc;

	ret = reg_prepare(r, "SELECT value FROM meta WHERE key = 'pattern'", &st, err);
	if (ret)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT) {
		reg_copy(buf, len, (const char *)sqlite3_column_text(st, 0));
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "register '%s' is damaged: no pattern",
				 r->path);
	} else {
		ret = reg_fail_db(r, err, rc, "cannot read the numbering pattern");
	}
	sqlite3_finalize(st);
	return ret;
}

const char *sceau_register_get0_pattern(struct sceau_register *r)
{
	char buf[REG_PATTERN_MAX + 1];

	if (reg_pattern_load(r, buf, sizeof(buf), NULL) == SCEAU_OK)
		reg_copy(r->pattern, sizeof(r->pattern), buf);
	else if (!r->pattern[0])
		reg_copy(r->pattern, sizeof(r->pattern), SCEAU_REGISTER_PATTERN_DEFAULT);
	return r->pattern;
}

enum sceau_err sceau_register_set_pattern(struct sceau_register *r, const char *pattern,
					  struct sceau_error *err)
{
	char old[REG_PATTERN_MAX + 1], why[2 * REG_PATTERN_MAX + 16];
	sqlite3_stmt *st = NULL;
	enum sceau_err ret;
	int rc;

	if ((ret = pattern_check(pattern, err)))
		return ret;
	if ((ret = reg_begin(r, err)))
		return ret;
	if ((ret = reg_pattern_load(r, old, sizeof(old), err)))
		goto out;
	if (!strcmp(old, pattern)) {
		ret = reg_commit(r, err);
		goto out;
	}
	if ((ret = reg_prepare(r, "UPDATE meta SET value = ? WHERE key = 'pattern'", &st, err)))
		goto out;
	sqlite3_bind_text(st, 1, pattern, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
		ret = reg_fail_db(r, err, rc, "cannot set the numbering pattern");
		goto out;
	}
	snprintf(why, sizeof(why), "%s -> %s", old, pattern);
	if ((ret = reg_audit(r, NULL, "pattern", NULL, NULL, why, err)))
		goto out;
	ret = reg_commit(r, err);
out:
	sqlite3_finalize(st);
	reg_rollback(r);
	return ret;
}
