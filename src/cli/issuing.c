/* Issuing one record, with or without a register: what 'sceau issue' does
 * for a single request and for every line of a batch. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

char *cli_register_path(const char *signer_dir, const char *opt)
{
	size_t n;
	char *p;

	if (opt)
		return strdup(opt);
	n = strlen(signer_dir) + 1 + sizeof(SCEAU_REGISTER_DEFAULT_NAME);
	if (!(p = malloc(n)))
		return NULL;
	snprintf(p, n, "%s/%s", signer_dir, SCEAU_REGISTER_DEFAULT_NAME);
	return p;
}

int cli_register_open(const char *signer_dir, const char *opt, int create,
		      const struct sceau_signer *s, struct sceau_register **out)
{
	struct sceau_error err = {0};
	struct sceau_register_recovery rec = {0};
	char actor[256], serial[80] = "?";
	char *path = cli_register_path(signer_dir, opt);
	int ret;

	if (!path)
		return EXIT_INTERNAL;
	/* The audit trail's "by which key". */
	sceau_cert_serial_hex(s->cert, serial, sizeof(serial));
	snprintf(actor, sizeof(actor), "%s (serial %s)", s->name, serial);
	if (sceau_register_open(path, create, actor, out, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		free(path);
		return ret;
	}
	/* Settle what a killed run left behind before doing anything else. */
	if (sceau_register_recover(*out, &rec, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		sceau_register_close(*out);
		*out = NULL;
		free(path);
		return ret;
	}
	if (rec.voided || rec.completed)
		cli_warn("register '%s': settled %u interrupted issuance%s (%u completed, %u "
			 "made void)",
			 path, rec.voided + rec.completed,
			 rec.voided + rec.completed == 1 ? "" : "s", rec.completed, rec.voided);
	free(path);
	return EXIT_VALID;
}

static enum sceau_err fail(struct sceau_error *err, enum sceau_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum sceau_err fail(struct sceau_error *err, enum sceau_err code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

/* The signer may sign this programme now: checked once per programme. */
static enum sceau_err may_sign(struct cli_issuer *c, enum sceau_program type, time_t at,
			       struct sceau_error *err)
{
	struct sceau_verdict v;
	enum sceau_err ret;
	unsigned bit = 1u << type;

	if (c->checked & bit)
		return SCEAU_OK;
	if ((ret = sceau_signer_check(c->s->cert, c->s->root, NULL, type, at, &v, err)) != SCEAU_OK)
		return ret;
	if (v.code != SCEAU_VERDICT_VALID)
		return fail(err, SCEAU_ERR_INVALID, "cannot sign a %s with '%s': %s",
			    sceau_program_name(type), c->s->name, v.reason);
	c->checked |= bit;
	return SCEAU_OK;
}

enum sceau_err cli_issue_record(struct cli_issuer *c, struct sceau_record *rec, const char *out,
				const char *request_id, struct cli_issued *res,
				struct sceau_error *err)
{
	enum sceau_program type = sceau_record_type(rec);
	time_t at = c->at ? c->at : time(NULL);
	char number[SCEAU_NUMBER_MAX] = "";
	char *text = NULL;
	unsigned char *pdf = NULL;
	size_t len = 0;
	unsigned pages = 0;
	int reserved = 0;
	enum sceau_err ret;

	memset(res, 0, sizeof(*res));
	if ((ret = may_sign(c, type, at, err)) != SCEAU_OK)
		return ret;
	if (!c->reg && !sceau_record_get(rec, "number"))
		return fail(err, SCEAU_ERR_INVALID,
			    "number: required field missing (without a register the "
			    "request must give one)");
	if (c->reg) {
		struct sceau_register_request req = {
			type,       sceau_record_get(rec, "number"),
			request_id, sceau_record_get(rec, "supersedes"),
			out,        at,
		};
		if ((ret = sceau_register_reserve(c->reg, &req, number, err)) != SCEAU_OK)
			return ret;
		reserved = 1;
		if ((ret = sceau_record_set_number(rec, number, err)) != SCEAU_OK)
			goto out;
	}
	if ((ret = sceau_payload_encode(rec, c->s->cert, c->s->key, at, NULL, 0, &text, err)) !=
	    SCEAU_OK)
		goto out;
	{
		struct sceau_render_info info = {c->s->name, text, at, c->s};
		if (!c->reg) {
			ret = sceau_render_to_file(c->r, rec, &info, out, c->force, &pages, err);
			if (ret != SCEAU_OK)
				goto out;
			struct stat st;
			len = stat(out, &st) == 0 ? (size_t)st.st_size : 0;
		} else {
			if ((ret = sceau_render(c->r, rec, &info, &pdf, &len, &pages, err)) !=
			    SCEAU_OK)
				goto out;
			reserved = 0; /* commit voids the row itself on failure */
			if ((ret = sceau_register_commit(c->reg, number, pdf, len, c->force, NULL,
							 err)) != SCEAU_OK)
				goto out;
		}
	}
	snprintf(res->number, sizeof(res->number), "%s", sceau_record_get(rec, "number"));
	res->pages = pages;
	res->bytes = len;
	res->qr_chars = strlen(text);
	res->qr = text;
	text = NULL;
	ret = SCEAU_OK;
out:
	if (ret != SCEAU_OK && reserved) {
		struct sceau_error e2 = {0};
		if (sceau_register_void(c->reg, number, err->msg, &e2) != SCEAU_OK)
			cli_warn("%s", e2.msg);
	}
	free(pdf);
	free(text);
	return ret;
}
