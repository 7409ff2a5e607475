/* sceau command line — showing a decoded QR payload, as text and JSON. */
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_qr_text(const char *opt, char **out, size_t *len)
{
	size_t cap = SCEAU_QR_TEXT_MAX + 2, n = 0;
	char *buf;
	int c;

	if (strcmp(opt, "-") != 0) {
		if (!(*out = strdup(opt)))
			return EXIT_INTERNAL;
		*len = strlen(opt);
		return 0;
	}
	if (!(buf = malloc(cap + 1)))
		return EXIT_INTERNAL;
	/* One line; anything past the cap is counted but not kept. */
	while ((c = getchar()) != EOF && c != '\n') {
		if (n < cap)
			buf[n] = (char)c;
		n++;
	}
	if (n > 0 && n <= cap && buf[n - 1] == '\r')
		n--;
	if (n == 0 && c == EOF && ferror(stdin)) {
		free(buf);
		cli_warn("cannot read the QR text from standard input");
		return EXIT_USAGE;
	}
	buf[n < cap ? n : cap] = 0;
	*out = buf;
	*len = n < cap ? n : cap;
	return 0;
}

static const char *type_words(enum sceau_program t)
{
	return t == SCEAU_PROGRAM_COC ? "coc (certificate of conformity)"
				      : "halal (Halal certificate)";
}

static void hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* "revoked on 2026-11-20: fraud (status list 12 of 2026-11-24, next update
 * 2026-12-01)", or "not checked". */
static void status_print(FILE *f, const struct sceau_doc_status *st)
{
	char since[64], issued[64], next[64];

	if (!st->checked) {
		fprintf(f, "  %-10s not checked\n", "status");
		return;
	}
	fprintf(f, "  %-10s %s", "status", sceau_doc_state_name(st->state));
	if (st->state == SCEAU_DOC_SUPERSEDED)
		fprintf(f, " by '%s'", st->by);
	if (st->state != SCEAU_DOC_GOOD) {
		cli_format_date(st->since, since, sizeof(since));
		fprintf(f, " on %s", since);
		if (st->reason != SCEAU_DOCR_UNSPECIFIED && st->reason != SCEAU_DOCR_SUPERSEDED)
			fprintf(f, ": %s", sceau_doc_reason_name(st->reason));
	}
	cli_format_date(st->list_issued, issued, sizeof(issued));
	cli_format_time(st->list_next_update, next, sizeof(next));
	fprintf(f, " (status list %" PRIu64 " of %s, next update %s%s)\n", st->list_sequence,
		issued, next, st->stale ? ", stale" : "");
}

void cli_payload_print(FILE *f, const struct sceau_payload *p)
{
	int coc = p->type == SCEAU_PROGRAM_COC;
	char when[64], digest[65], kid[2 * SCEAU_KID_LEN + 1];

	fprintf(f, "  %-10s %s\n", "type", type_words(p->type));
	fprintf(f, "  %-10s %s\n", "number", p->number);
	fprintf(f, "  %-10s %s\n", "issuer", p->issuer);
	fprintf(f, "  %-10s %s (ICE %s)\n", coc ? "importer" : "holder", p->party_name,
		p->party_ice);
	if (coc) {
		if (p->route_ref)
			fprintf(f, "  %-10s %s (%s %s)\n", "route", p->route,
				!strcmp(p->route, "B") ? "registration" : "licence", p->route_ref);
		else
			fprintf(f, "  %-10s %s\n", "route", p->route);
		fprintf(f, "  %-10s %s\n", "origin", p->origin);
	} else {
		fprintf(f, "  %-10s %s\n", "standard", p->standard);
	}
	fprintf(f, "  %-10s %s\n", "issued", p->issue_date);
	fprintf(f, "  %-10s %s\n", "expires", p->expiry_date);
	if (p->supersedes)
		fprintf(f, "  %-10s %s\n", "replaces", p->supersedes);
	if (p->n_lines < p->line_count)
		fprintf(f, "  %-10s %u in all, the first %zu:\n", "products", p->line_count,
			p->n_lines);
	else
		fprintf(f, "  %-10s %u:\n", "products", p->line_count);
	for (size_t i = 0; i < p->n_lines; i++) {
		const struct sceau_payload_line *l = &p->lines[i];
		if (coc)
			fprintf(f, "  %-10s %s  %s, %s %s\n", "", l->code, l->text, l->quantity,
				l->unit);
		else
			fprintf(f, "  %-10s %s (%s)\n", "", l->text, l->code);
	}
	cli_format_time((time_t)p->iat, when, sizeof(when));
	fprintf(f, "  %-10s %s\n", "signed", when);
	if (p->signature_verified) {
		fprintf(f, "  %-10s %s (serial %s)\n", "signer", p->signer_name, p->signer_serial);
		status_print(f, &p->status);
	}
	hex(p->kid, SCEAU_KID_LEN, kid);
	fprintf(f, "  %-10s %s\n", "kid", kid);
	hex(p->digest, 32, digest);
	fprintf(f, "  %-10s sha256 %s\n", "record", digest);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static char *iso_utc(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		return NULL;
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* The document's standing, as the status list consulted says. */
static json_t *status_json(const struct sceau_doc_status *st)
{
	int listed = st->state != SCEAU_DOC_GOOD;
	char since[32], issued[32], next[32];

	return json_pack(
		"{s:s, s:o, s:o, s:o, s:I, s:o, s:o, s:b}", "state",
		sceau_doc_state_name(st->state), "reason",
		listed ? json_string(sceau_doc_reason_name(st->reason)) : json_null(), "since",
		str_or_null(listed ? iso_utc(st->since, since, sizeof(since)) : NULL),
		"superseded_by", str_or_null(st->by[0] ? st->by : NULL), "list_sequence",
		(json_int_t)st->list_sequence, "list_issued",
		str_or_null(iso_utc(st->list_issued, issued, sizeof(issued))), "list_next_update",
		str_or_null(iso_utc(st->list_next_update, next, sizeof(next))), "stale", st->stale);
}

json_t *cli_payload_json(const struct sceau_payload *p)
{
	int coc = p->type == SCEAU_PROGRAM_COC;
	json_t *o = json_object(), *party = json_object(), *lines = json_array();
	char digest[65], kid[2 * SCEAU_KID_LEN + 1], t1[32], t2[32];

	if (!o || !party || !lines) {
		json_decref(o);
		json_decref(party);
		json_decref(lines);
		return NULL;
	}
	hex(p->digest, 32, digest);
	hex(p->kid, SCEAU_KID_LEN, kid);
	json_object_set_new(o, "type", json_string(sceau_program_name(p->type)));
	json_object_set_new(o, "number", json_string(p->number));
	json_object_set_new(o, "issuer", json_string(p->issuer));
	json_object_set_new(party, "name", json_string(p->party_name));
	json_object_set_new(party, "ice", json_string(p->party_ice));
	json_object_set_new(o, coc ? "importer" : "holder", party);
	if (coc) {
		json_object_set_new(o, "route", json_string(p->route));
		json_object_set_new(o, "route_reference", str_or_null(p->route_ref));
		json_object_set_new(o, "country_of_origin", json_string(p->origin));
	} else {
		json_object_set_new(o, "standard", json_string(p->standard));
	}
	json_object_set_new(o, "issue_date", json_string(p->issue_date));
	json_object_set_new(o, "expiry_date", json_string(p->expiry_date));
	if (p->supersedes)
		json_object_set_new(o, "supersedes", json_string(p->supersedes));
	json_object_set_new(o, "product_count", json_integer(p->line_count));
	for (size_t i = 0; i < p->n_lines; i++) {
		const struct sceau_payload_line *l = &p->lines[i];
		json_t *e = coc ? json_pack("{s:s, s:s, s:s, s:s}", "tariff_code", l->code,
					    "description", l->text, "quantity", l->quantity, "unit",
					    l->unit)
				: json_pack("{s:s, s:s}", "name", l->text, "brand", l->code);
		json_array_append_new(lines, e);
	}
	json_object_set_new(o, "products", lines);
	json_object_set_new(o, "signed_at", str_or_null(iso_utc(p->iat, t1, sizeof(t1))));
	json_object_set_new(o, "expires_at", str_or_null(iso_utc(p->exp, t2, sizeof(t2))));
	json_object_set_new(o, "kid", json_string(kid));
	json_object_set_new(o, "record_sha256", json_string(digest));
	json_object_set_new(o, "verified", json_boolean(p->signature_verified));
	if (p->signature_verified) {
		json_object_set_new(o, "signer", json_string(p->signer_name));
		json_object_set_new(o, "signer_serial", json_string(p->signer_serial));
	}
	if (p->status.checked)
		json_object_set_new(o, "status", status_json(&p->status));
	return o;
}
