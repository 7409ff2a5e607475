/* sceau trust show — which trust store a verifier uses, what it holds, and
 * how fresh it is. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/asn1.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cli.h"

enum { S_JSON };
static const struct cli_opt show_opts[] = {
	[S_JSON] = {"json", NULL, "print one JSON object instead of text"},
	{0},
};
static const struct cli_spec show_spec = {
	"trust show",
	"[--json] [BUNDLE]",
	"Show the trust store 'sceau verify' uses without --trust (or BUNDLE): where\n"
	"it is, its root and the root's SHA-256 fingerprint, its sequence number,\n"
	"when it was issued and whether it is past its next update, and what it\n"
	"holds: signers and their programmes, revocation lists, status lists.",
	show_opts,
	"Exit status: 0 a good bundle (even a stale one: see 'freshness'), 1 a bundle\n"
	"older than one accepted on this machine, 2 none installed or a broken one.\n",
	0,
	1};

static char *iso_utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return NULL;
	return buf;
}

static time_t asn1_time(const ASN1_TIME *a)
{
	struct tm tm;

	if (!a || ASN1_TIME_to_tm(a, &tm) != 1)
		return 0;
	return timegm(&tm);
}

static long crl_number(X509_CRL *crl)
{
	ASN1_INTEGER *n = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
	long v = n ? ASN1_INTEGER_get(n) : -1;

	ASN1_INTEGER_free(n);
	return v;
}

/* The whole file, at most SCEAU_BUNDLE_MAX bytes. */
static int read_file(const char *path, unsigned char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		cli_warn("cannot read trust bundle '%s': %s", path,
			 errno == ENOENT ? "no such file" : strerror(errno));
		return EXIT_USAGE;
	}
	for (;;) {
		size_t r;
		if (n == cap) {
			unsigned char *q;
			cap = cap ? cap * 2 : 65536;
			if (cap > SCEAU_BUNDLE_MAX + 1)
				cap = SCEAU_BUNDLE_MAX + 1;
			if (n == cap || !(q = realloc(p, cap))) {
				fclose(f);
				free(p);
				if (n == cap) {
					cli_warn("trust bundle '%s' is larger than %zu bytes", path,
						 SCEAU_BUNDLE_MAX);
					return EXIT_USAGE;
				}
				cli_warn("out of memory");
				return EXIT_INTERNAL;
			}
			p = q;
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		cli_warn("cannot read trust bundle '%s': %s", path, strerror(errno));
		fclose(f);
		free(p);
		return EXIT_USAGE;
	}
	fclose(f);
	*buf = p;
	*len = n;
	return 0;
}

/* A signer's revocation on the bundle's newest CRL. */
static int revoked(const struct sceau_bundle *b, X509 *x)
{
	X509_CRL *best = NULL;
	X509_REVOKED *r = NULL;
	long n = -2;

	for (size_t i = 0; i < b->info.n_crls; i++)
		if (crl_number(b->crls[i]) > n) {
			best = b->crls[i];
			n = crl_number(best);
		}
	return best && X509_CRL_get0_by_cert(best, &r, x) == 1;
}

static json_t *show_json(const char *path, const char *where, const struct sceau_bundle *b,
			 const char *refused, time_t now)
{
	const struct sceau_bundle_info *in = &b->info;
	json_t *o, *signers = json_array(), *crls = json_array(), *lists = json_array();
	char fp[96], t1[32], t2[32];

	cli_fingerprint(in->root_fingerprint, fp);
	o = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:I, s:s?, s:s?, s:b, s:s?}", "path", path,
		      "location", where, "kind", "bundle", "root", "name", in->root_name,
		      "fingerprint", fp, "sequence", (json_int_t)in->sequence, "issued",
		      iso_utc(in->issued, t1, sizeof(t1)), "next_update",
		      iso_utc(in->next_update, t2, sizeof(t2)), "stale", in->next_update < now,
		      "refused", refused);
	if (!o || !signers || !crls || !lists)
		goto fail;
	for (size_t i = 0; i < in->n_signers; i++) {
		X509 *x = b->signers[i];
		char cn[128] = "", t[32];
		json_t *pa = json_array();
		size_t np = 0;
		const enum sceau_program *all = sceau_program_all(&np);
		unsigned mask = sceau_cert_programs(x);
		X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
		for (size_t k = 0; pa && k < np; k++)
			if (mask & SCEAU_PROGRAM_BIT(all[k]))
				json_array_append_new(pa, json_string(sceau_program_name(all[k])));
		if (!pa || json_array_append_new(signers,
						 json_pack("{s:s, s:o, s:s?, s:b}", "name", cn,
							   "programs", pa, "not_after",
							   iso_utc(asn1_time(X509_get0_notAfter(x)),
								   t, sizeof(t)),
							   "revoked", revoked(b, x))))
			goto fail;
	}
	for (size_t i = 0; i < in->n_crls; i++) {
		X509_CRL *c = b->crls[i];
		char t[32];
		STACK_OF(X509_REVOKED) *rv = X509_CRL_get_REVOKED(c);
		if (json_array_append_new(crls,
					  json_pack("{s:I, s:i, s:s?}", "number",
						    (json_int_t)crl_number(c), "entries",
						    rv ? sk_X509_REVOKED_num(rv) : 0, "next_update",
						    iso_utc(asn1_time(X509_CRL_get0_nextUpdate(c)),
							    t, sizeof(t)))))
			goto fail;
	}
	for (size_t i = 0; i < in->n_status; i++) {
		struct sceau_status *s = NULL;
		char a[32], n[32];
		if (sceau_status_decode(b->status[i], b->status_len[i], &s, NULL) != SCEAU_OK)
			continue; /* cannot happen: the bundle loaded */
		if (json_array_append_new(lists,
					  json_pack("{s:s, s:I, s:I, s:s?, s:s?, s:b}", "issuer",
						    s->issuer, "sequence", (json_int_t)s->sequence,
						    "entries", (json_int_t)s->n_entries, "issued",
						    iso_utc(s->issued, a, sizeof(a)), "next_update",
						    iso_utc(s->next_update, n, sizeof(n)), "stale",
						    s->next_update < now))) {
			sceau_status_free(s);
			goto fail;
		}
		sceau_status_free(s);
	}
	json_object_set_new(o, "signers", signers);
	json_object_set_new(o, "crls", crls);
	json_object_set_new(o, "status_lists", lists);
	return o;
fail:
	json_decref(o);
	json_decref(signers);
	json_decref(crls);
	json_decref(lists);
	return NULL;
}

static void show_text(const char *path, const char *where, const struct sceau_bundle *b,
		      const char *refused, time_t now)
{
	const struct sceau_bundle_info *in = &b->info;
	char fp[96], t[48], progs[96];

	cli_fingerprint(in->root_fingerprint, fp);
	printf("trust bundle '%s' (%s)\n", path, where);
	printf("  %-13s %s\n", "root", in->root_name);
	printf("  %-13s %s\n", "root SHA-256", fp);
	printf("  %-13s %llu\n", "sequence", (unsigned long long)in->sequence);
	cli_format_time(in->issued, t, sizeof(t));
	printf("  %-13s %s\n", "issued", t);
	cli_format_time(in->next_update, t, sizeof(t));
	printf("  %-13s %s\n", "next update", t);
	if (in->next_update < now)
		printf("  %-13s STALE since %s: install a newer bundle\n", "freshness", t);
	else
		printf("  %-13s fresh for %lld more day%s\n", "freshness",
		       (long long)((in->next_update - now) / 86400),
		       (in->next_update - now) / 86400 == 1 ? "" : "s");
	if (refused)
		printf("  %-13s REFUSED: %s\n", "anti-rollback", refused);
	printf("  %-13s %zu\n", "roots", in->n_roots);
	printf("  %-13s %zu\n", "signers", in->n_signers);
	for (size_t i = 0; i < in->n_signers; i++) {
		X509 *x = b->signers[i];
		char cn[128] = "";
		X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
		sceau_program_list_format(sceau_cert_programs(x), progs, sizeof(progs));
		cli_format_date(asn1_time(X509_get0_notAfter(x)), t, sizeof(t));
		printf("    %s: %s, until %s%s\n", cn, progs[0] ? progs : "no programme", t,
		       revoked(b, x) ? ", REVOKED" : "");
	}
	printf("  %-13s %zu\n", "CRLs", in->n_crls);
	for (size_t i = 0; i < in->n_crls; i++) {
		STACK_OF(X509_REVOKED) *rv = X509_CRL_get_REVOKED(b->crls[i]);
		int n = rv ? sk_X509_REVOKED_num(rv) : 0;
		cli_format_date(asn1_time(X509_CRL_get0_nextUpdate(b->crls[i])), t, sizeof(t));
		printf("    #%ld: %d revoked, next update %s\n", crl_number(b->crls[i]), n, t);
	}
	printf("  %-13s %zu\n", "status lists", in->n_status);
	for (size_t i = 0; i < in->n_status; i++) {
		struct sceau_status *s = NULL;
		if (sceau_status_decode(b->status[i], b->status_len[i], &s, NULL) != SCEAU_OK)
			continue;
		cli_format_date(s->next_update, t, sizeof(t));
		printf("    %s: #%llu, %zu entr%s, next update %s%s\n", s->issuer,
		       (unsigned long long)s->sequence, s->n_entries,
		       s->n_entries == 1 ? "y" : "ies", t, s->next_update < now ? " (STALE)" : "");
		sceau_status_free(s);
	}
}

static int show_dir(const char *path, const char *where, int json)
{
	struct sceau_error err = {0};
	struct sceau_trust *t = NULL;
	size_t r, s, c;

	if (sceau_trust_load_dir(path, &t, &err) != SCEAU_OK)
		return cli_report(&err, NULL);
	sceau_trust_counts(t, &r, &s, &c);
	sceau_trust_free(t);
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "path", path, "location",
				      where, "kind", "directory", "roots", (json_int_t)r, "signers",
				      (json_int_t)s, "crls", (json_int_t)c);
		char *txt = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		if (!txt)
			return EXIT_INTERNAL;
		printf("%s\n", txt);
		free(txt);
	} else {
		printf("trust directory '%s' (%s), not a bundle: no sequence number or next "
		       "update\n  %zu root%s, %zu signer%s, %zu CRL%s\n",
		       path, where, r, r == 1 ? "" : "s", s, s == 1 ? "" : "s", c,
		       c == 1 ? "" : "s");
	}
	return EXIT_VALID;
}

int cli_trust_show(int argc, char **argv)
{
	struct sceau_error err = {0};
	struct sceau_bundle_info info;
	struct sceau_bundle *b = NULL;
	struct cli_args a;
	unsigned char *buf = NULL;
	char *path = NULL, *states[2] = {NULL, NULL}, refused[SCEAU_ERROR_MSG_MAX] = "";
	const char *where;
	size_t len = 0;
	struct stat st;
	time_t now = time(NULL);
	int ret, json, system = 0;

	if ((ret = cli_parse(&show_spec, argc, argv, &a)) >= 0)
		return ret;
	json = a.val[S_JSON] != NULL;
	if (a.n_operands) {
		path = strdup(a.operands[0]);
		where = "given";
	} else if (sceau_bundle_default(&path, &system, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		if (err.code == SCEAU_ERR_NOT_FOUND && !getenv("SCEAU_TRUST"))
			fprintf(stderr, "hint: install one with 'sceau trust install BUNDLE'\n");
		return ret;
	} else {
		const char *e = getenv("SCEAU_TRUST");
		where = e && *e ? "SCEAU_TRUST" : system ? "system" : "user";
	}
	if (!path) {
		cli_warn("out of memory");
		return EXIT_INTERNAL;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		ret = show_dir(path, where, json);
		goto out;
	}
	if ((ret = read_file(path, &buf, &len)) != 0)
		goto out;
	if (sceau_bundle_load(buf, len, NULL, NULL, &info, &err) != SCEAU_OK ||
	    sceau_bundle_decode(buf, len, &b, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	states[0] = sceau_bundle_state_dir(0);
	states[1] = sceau_bundle_state_dir(1);
	for (int i = 0; i < 2 && !refused[0]; i++) {
		if (!states[i] || (i == 1 && states[0] && !strcmp(states[0], states[1])))
			continue;
		if (sceau_bundle_accept(&info, states[i], 1, &err) != SCEAU_OK)
			snprintf(refused, sizeof(refused), "%s", err.msg);
	}
	if (json) {
		json_t *o = show_json(path, where, b, refused[0] ? refused : NULL, now);
		char *txt = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		if (!txt) {
			cli_warn("out of memory");
			ret = EXIT_INTERNAL;
			goto out;
		}
		printf("%s\n", txt);
		free(txt);
	} else {
		show_text(path, where, b, refused[0] ? refused : NULL, now);
	}
	ret = refused[0] ? EXIT_NOT_VALID : EXIT_VALID;
out:
	sceau_bundle_free(b);
	free(buf);
	free(path);
	free(states[0]);
	free(states[1]);
	return ret;
}
