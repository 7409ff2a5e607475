/* sceau command line — a PDF verification report, for people and as JSON. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!t || !gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%s", "");
}

/* "VALID", "NOT YET VALID" */
void cli_verdict_word(enum sceau_verdict_code c, char *buf, size_t len)
{
	const char *name = sceau_verdict_name(c);
	size_t i = 0;

	for (; name[i] && i + 1 < len; i++)
		buf[i] = name[i] == '_' ? ' '
					: (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32
										  : name[i]);
	buf[i] = 0;
}

static void sig_print(FILE *f, size_t i, const struct sceau_pdf_sig_report *s)
{
	char when[64] = "no signing time";

	if (s->signing_time)
		cli_format_time(s->signing_time, when, sizeof(when));
	fprintf(f, "  signature %zu%s%s%s: %s\n", i + 1, s->field[0] ? " '" : "", s->field,
		s->field[0] ? "'" : "", s->verdict.reason);
	if (s->signer[0])
		fprintf(f, "    signer   '%s' (serial %s), issued by '%s'\n", s->signer,
			s->signer_serial, s->signer_issuer);
	fprintf(f, "    signed   %s\n", when);
	fprintf(f, "    kind     %s%s%s%s%s\n", s->subfilter[0] ? s->subfilter : "no SubFilter",
		s->key_type[0] ? ", " : "", s->key_type, s->digest[0] ? " with " : "", s->digest);
	fprintf(f, "    form     %s\n", s->pades ? "PAdES baseline B-B" : s->pades_note);
	if (s->intact)
		fprintf(f, "    covers   %s\n",
			s->whole ? "the whole file"
				 : "an earlier revision: bytes were added since");
	if (s->docmdp_p)
		fprintf(f, "    changes  %s (DocMDP P=%d)\n",
			s->docmdp_p == 1   ? "none allowed after signing"
			: s->docmdp_p == 2 ? "form filling and signing allowed"
					   : "form filling, signing and annotations allowed",
			s->docmdp_p);
}

void cli_pdf_report_print(FILE *f, const char *file, const struct sceau_pdf_report *r)
{
	char word[32];

	cli_verdict_word(r->verdict.code, word, sizeof(word));
	fprintf(f, "%s: %s\n  %s\n", file, word, r->verdict.reason);
	if (r->verdict.warning[0])
		fprintf(f, "  warning: %s\n", r->verdict.warning);
	if (r->payload && r->payload->signature_verified)
		cli_payload_print(f, r->payload);
	for (size_t i = 0; i < r->nsigs; i++)
		sig_print(f, i, &r->sigs[i]);
}

static json_t *sig_json(const struct sceau_pdf_sig_report *s)
{
	char when[32];

	iso_time(s->signing_time, when, sizeof(when));
	return json_pack(
		"{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:b, s:s, s:b, s:b, "
		"s:I, s:i, s:s, s:s}",
		"field", s->field[0] ? s->field : NULL, "subfilter",
		s->subfilter[0] ? s->subfilter : NULL, "signer", s->signer[0] ? s->signer : NULL,
		"signer_serial", s->signer_serial[0] ? s->signer_serial : NULL, "signer_issuer",
		s->signer_issuer[0] ? s->signer_issuer : NULL, "digest",
		s->digest[0] ? s->digest : NULL, "key_type", s->key_type[0] ? s->key_type : NULL,
		"signing_time", when[0] ? when : NULL, "pades", s->pades, "pades_note",
		s->pades_note, "intact", s->intact, "whole", s->whole, "bytes_after",
		(json_int_t)s->bytes_after, "docmdp", s->docmdp_p, "verdict",
		sceau_verdict_name(s->verdict.code), "reason", s->verdict.reason);
}

json_t *cli_pdf_report_json(const char *file, const struct sceau_pdf_report *r)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "file", file, "verdict",
			      sceau_verdict_name(r->verdict.code), "reason", r->verdict.reason);
	json_t *fields = r->payload && r->payload->signature_verified
				 ? cli_payload_json(r->payload)
				 : json_pack("{s:n, s:n, s:n, s:b}", "type", "number", "issuer",
					     "verified", 0);
	json_t *sigs = json_array();

	for (size_t i = 0; sigs && i < r->nsigs; i++)
		if (json_array_append_new(sigs, sig_json(&r->sigs[i])) != 0) {
			json_decref(sigs);
			sigs = NULL;
		}
	if (!o || !fields || !sigs) {
		json_decref(sigs);
		goto fail;
	}
	if (r->verdict.warning[0] &&
	    json_object_set_new(o, "warning", json_string(r->verdict.warning)) != 0) {
		json_decref(sigs);
		goto fail;
	}
	if (json_object_update(o, fields) != 0) {
		json_decref(sigs);
		goto fail;
	}
	/* json_object_set_new takes sigs, even when it fails */
	if (json_object_set_new(o, "signatures", sigs) != 0)
		goto fail;
	json_decref(fields);
	return o;
fail:
	json_decref(o);
	json_decref(fields);
	return NULL;
}

void cli_pdf_report_line(FILE *f, const char *file, const struct sceau_pdf_report *r)
{
	const struct sceau_payload *p = r->payload;
	char word[32];

	cli_verdict_word(r->verdict.code, word, sizeof(word));
	if (r->verdict.code == SCEAU_VERDICT_VALID && p && p->signature_verified)
		fprintf(f, "%s: %s %s %s, '%s'", file, word, sceau_program_name(p->type), p->number,
			p->issuer);
	else
		fprintf(f, "%s: %s: %s", file, word, r->verdict.reason);
	if (r->verdict.warning[0])
		fprintf(f, " (warning: %s)", r->verdict.warning);
	fputc('\n', f);
}
