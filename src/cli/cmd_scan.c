/* sceau scan — the customs desk: a handheld scanner types each QR code and
 * Enter; every line is answered at once with a verdict no one can misread
 * and the facts to compare with the goods. Offline, and it never stops on a
 * bad scan. */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum { S_TRUST, S_JSON, S_AT };
static const struct cli_opt scan_opts[] = {
	[S_TRUST] = {"trust", "TRUST",
		     "a trust directory or bundle (default: the installed bundle, see 'sceau "
		     "trust')"},
	[S_JSON] = {"json", NULL, "print one JSON object per scan, on one line, instead of text"},
	[S_AT] = {"at", "TIME", "judge at this time instead of now, e.g. 2027-01-15T10:00:00Z"},
	{0},
};
static const struct cli_spec scan_spec = {
	"scan",
	"[--trust TRUST] [--json] [--at TIME]",
	"Verify QR codes as a handheld scanner types them: one code per line of\n"
	"standard input, each answered at once with VALID or NOT VALID and what the\n"
	"certificate says.",
	scan_opts,
	"Each line is one scan: a carriage return and spaces or tabs around the code\n"
	"are ignored, an empty line is skipped, and a line that is not a valid code\n"
	"(garbage, a misread, longer than a QR code holds) is answered NOT VALID and\n"
	"the next line read. The answer is a banner with the verdict (green or red on\n"
	"a terminal, unless NO_COLOR is set), its reason, and the certificate's facts\n"
	"when a trusted signer vouches for them: number, issuing body, importer or\n"
	"holder and ICE, route and origin or standard, dates, products, status and\n"
	"signer. With --json each scan is one object on one line: the keys of\n"
	"'sceau verify --qr --json' after \"scan\", the scan's number.\n"
	"At the end of input (or on Ctrl-C) a last line counts the scans and their\n"
	"verdicts: on standard output, or on standard error with --json.\n"
	"Exit status: 0 every scan valid (or none), 1 any scan not valid, 2 a usage\n"
	"error or a trust store that cannot be loaded, 3 an internal error.\n",
	0,
	0};

/* ---- shared with verify --qr and --qr-image --------------------------------- */

json_t *cli_qr_json(const struct sceau_verdict *v, const struct sceau_payload *p)
{
	json_t *o = json_pack("{s:s, s:s, s:s?}", "verdict", sceau_verdict_name(v->code), "reason",
			      v->reason, "warning", v->warning[0] ? v->warning : NULL);
	json_t *fields = NULL;

	if (!o)
		return NULL;
	/* The fields are the signer's word only when the signature verified;
	 * otherwise they are whatever the bearer wrote. */
	if (p && p->signature_verified) {
		fields = cli_payload_json(p);
	} else {
		fields = json_pack("{s:n, s:n, s:n, s:b}", "type", "number", "issuer", "verified",
				   0);
	}
	if (!fields || json_object_update(o, fields))
		goto fail;
	json_decref(fields);
	return o;
fail:
	json_decref(fields);
	json_decref(o);
	return NULL;
}

/* ---- reading scans ---------------------------------------------------------- */

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* Standard input, a line at a time, without ever holding more than a QR
 * code's worth of one line. */
struct reader {
	char in[1 << 16];
	size_t pos, end;
	int eof, error;
	sigset_t wait_mask; /* signals let in while waiting for input */
};

/* The next line, stripped of CR and surrounding spaces and tabs, into
 * line[0..cap-1]; *total is its length without the stripping. Neither a
 * QR code's first character (the prefix) nor its last (Base45 never ends
 * in a space) can be a space, so stripping never changes a code.
 * Returns 1 for a line (the last may lack its newline), 0 at the end of
 * input, on a read error, or on a signal. */
static int read_line(struct reader *r, char *line, size_t cap, size_t *len, size_t *total)
{
	size_t n = 0, kept_end = 0;
	int started = 0, got = 0;

	*total = 0;
	for (;;) {
		if (r->pos == r->end) {
			struct pollfd pfd = {0, POLLIN, 0};
			ssize_t k;

			if (stop_signal)
				return 0; /* a line cut short by Ctrl-C is no scan */
			if (r->eof || r->error)
				break;
			/* Signals are blocked but here: Ctrl-C while waiting for
			 * the next scan ends the loop, without a race. */
			if (ppoll(&pfd, 1, NULL, &r->wait_mask) < 0) {
				if (errno != EINTR)
					r->error = errno;
				continue;
			}
			k = read(0, r->in, sizeof(r->in));
			if (k < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (k < 0)
				r->error = errno;
			else if (k == 0)
				r->eof = 1;
			r->pos = 0;
			r->end = k > 0 ? (size_t)k : 0;
			continue;
		}
		char c = r->in[r->pos++];
		got = 1;
		if (c == '\n')
			break;
		(*total)++;
		if (!started && (c == ' ' || c == '\t' || c == '\r'))
			continue;
		started = 1;
		if (n < cap) {
			line[n++] = c;
			if (c != ' ' && c != '\t' && c != '\r')
				kept_end = n;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			kept_end = cap + 1; /* more past the cap: too long, not kept */
		}
	}
	if (!got)
		return 0;
	*len = kept_end;
	return 1;
}

/* ---- answering ---------------------------------------------------------------- */

struct tally {
	size_t scans, valid, errors;
	size_t by[16]; /* by verdict code */
};

#define RULE "========================================================================"

static void banner(const struct sceau_verdict *v, size_t scan, int colour)
{
	const char *on = colour ? (v->code == SCEAU_VERDICT_VALID ? "\033[1;32m" : "\033[1;31m")
				: "",
		   *off = colour ? "\033[0m" : "";
	char word[32], top[48];
	int label;

	cli_verdict_word(v->code, word, sizeof(word));
	label = snprintf(top, sizeof(top), "== scan %zu ", scan);
	printf("%s%s%.*s%s\n", on, top, label > 0 && label < 72 ? 72 - label : 0, RULE, off);
	if (v->code == SCEAU_VERDICT_VALID)
		printf("%s  VALID%s\n", on, off);
	else
		printf("%s  NOT VALID \u2014 %s%s\n", on, word, off);
	printf("%s%.72s%s\n", on, RULE, off);
}

static void answer_text(const struct sceau_verdict *v, const struct sceau_payload *p, size_t scan,
			int colour)
{
	banner(v, scan, colour);
	printf("  %s\n", v->reason);
	if (v->warning[0])
		printf("  warning: %s\n", v->warning);
	if (p && p->signature_verified) {
		cli_payload_print(stdout, p);
	} else if (p) {
		printf("  (the code's contents are not shown: nothing vouches for them)\n");
	}
	putchar('\n');
}

static int answer_json(const struct sceau_verdict *v, const struct sceau_payload *p, size_t scan)
{
	json_t *o = json_pack("{s:I}", "scan", (json_int_t)scan), *rest = cli_qr_json(v, p);
	char *s = NULL;
	int ok = o && rest && !json_object_update(o, rest) &&
		 (s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) && printf("%s\n", s) >= 0;

	free(s);
	json_decref(rest);
	json_decref(o);
	return ok;
}

/* One scan: verify, answer, count. Returns 0, or EXIT_INTERNAL when the
 * answer could not be given (memory, output). */
static int one_scan(const char *line, size_t len, size_t total, const struct sceau_trust *trust,
		    time_t at, int json, int colour, struct tally *t)
{
	struct sceau_error err = {0};
	struct sceau_verdict v = {0};
	struct sceau_payload *p = NULL;
	int ret = 0;

	t->scans++;
	if (len > SCEAU_QR_TEXT_MAX) {
		/* Judged without being held: a stuck key or a pasted file. */
		v.code = SCEAU_VERDICT_INVALID;
		snprintf(v.reason, sizeof(v.reason),
			 "line of %zu characters is too long: a QR code holds at most %d", total,
			 SCEAU_QR_TEXT_MAX);
	} else if (sceau_payload_verify(line, len, trust, at, &p, &v, &err) != SCEAU_OK) {
		const char *msg = err.msg[0] ? err.msg : sceau_strerror(err.code);
		json_t *o = NULL;
		char *s = NULL;

		/* Not a verdict: said on stderr, and as a line a program can
		 * match to its scan, as verify does for a PDF it cannot read. */
		cli_warn("scan %zu: %s", t->scans, msg);
		t->errors++;
		if (json &&
		    (o = json_pack("{s:I, s:n, s:s, s:b}", "scan", (json_int_t)t->scans, "verdict",
				   "reason", msg, "error", 1)) &&
		    (s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)))
			printf("%s\n", s);
		free(s);
		json_decref(o);
		fflush(stdout);
		return EXIT_INTERNAL;
	}
	t->by[(size_t)v.code < 16 ? (size_t)v.code : 1]++;
	if (v.code == SCEAU_VERDICT_VALID)
		t->valid++;
	if (json) {
		if (!answer_json(&v, p, t->scans))
			ret = EXIT_INTERNAL;
	} else {
		answer_text(&v, p, t->scans, colour);
	}
	if (fflush(stdout) != 0)
		ret = EXIT_INTERNAL;
	sceau_payload_free(p);
	return ret;
}

static void summary(FILE *f, const struct tally *t)
{
	const char *sep = " (";

	fprintf(f, "%zu scan%s: %zu valid, %zu not valid", t->scans, t->scans == 1 ? "" : "s",
		t->valid, t->scans - t->valid - t->errors);
	for (size_t c = 1; c < 16; c++) {
		if (!t->by[c])
			continue;
		fprintf(f, "%s%zu %s", sep, t->by[c],
			sceau_verdict_name((enum sceau_verdict_code)c));
		sep = ", ";
	}
	if (sep[0] == ',')
		fputc(')', f);
	if (t->errors)
		fprintf(f, ", %zu not judged (error)", t->errors);
	fputc('\n', f);
	fflush(f);
}

int cmd_scan(int argc, char **argv)
{
	struct sceau_error err = {0};
	struct sceau_trust *trust = NULL;
	struct reader *r = NULL;
	struct tally t = {0};
	struct sigaction sa, old_int, old_term;
	sigset_t block, orig;
	struct cli_args a;
	char *line = NULL;
	size_t len = 0, total = 0;
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	time_t at = 0;
	int ret, json, colour, signals = 0;

	if ((ret = cli_parse(&scan_spec, argc, argv, &a)) >= 0)
		return ret;
	if (a.val[S_AT] && sceau_time_parse(a.val[S_AT], &at, &err) != SCEAU_OK)
		return cli_usage_error(&scan_spec, "%s", err.msg);
	json = a.val[S_JSON] != NULL;
	/* https://no-color.org: set and not empty means no colour. */
	colour = !json && isatty(1) && !(nc && nc[0]) && !(term && !strcmp(term, "dumb"));
	if ((ret = cli_trust_load(a.val[S_TRUST], &trust)) != EXIT_VALID)
		goto out;
	if (!(r = calloc(1, sizeof(*r))) || !(line = malloc(SCEAU_QR_TEXT_MAX + 1))) {
		cli_warn("out of memory");
		ret = EXIT_INTERNAL;
		goto out;
	}
	/* Ctrl-C (or a TERM) ends the session with its count: blocked while a
	 * scan is answered, let in only while waiting for the next line. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, &orig) == 0) {
		signals = 1;
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		r->wait_mask = orig;
		sigdelset(&r->wait_mask, SIGINT);
		sigdelset(&r->wait_mask, SIGTERM);
	}
	ret = EXIT_VALID;
	while (!stop_signal && read_line(r, line, SCEAU_QR_TEXT_MAX + 1, &len, &total)) {
		if (len == 0)
			continue; /* an empty line: Enter pressed twice */
		if (one_scan(line, len, total, trust, at, json, colour, &t) != 0)
			ret = EXIT_INTERNAL;
		if (ferror(stdout))
			break; /* nobody is reading the answers */
	}
	if (r->error) {
		cli_warn("cannot read standard input: %s", strerror(r->error));
		if (ret == EXIT_VALID)
			ret = EXIT_USAGE;
	}
	summary(json ? stderr : stdout, &t);
	if (ret == EXIT_VALID && t.valid < t.scans)
		ret = EXIT_NOT_VALID;
	if (fflush(stdout) != 0)
		ret = EXIT_INTERNAL;
	if (signals) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigprocmask(SIG_SETMASK, &orig, NULL);
	}
out:
	free(line);
	free(r);
	sceau_trust_free(trust);
	return ret;
}
