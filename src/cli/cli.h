/* sceau command line — shared declarations. */
#ifndef SCEAU_CLI_H
#define SCEAU_CLI_H

#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "sceau.h"

/* Exit codes are API (DESIGN.md, man page EXIT STATUS). */
enum {
	EXIT_VALID = 0,     /* valid / done */
	EXIT_NOT_VALID = 1, /* a document or certificate that is not valid */
	EXIT_USAGE = 2,     /* usage or input error; nothing written */
	EXIT_INTERNAL = 3   /* internal or system error */
};

/* ---- main.c: command tables --------------------------------------------- */

/* How the program was invoked (argv[0]), for commands a user can copy. */
extern const char *cli_progname;

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command's name */
	const char *summary;
};

/* ---- opts.c: one option table per command ------------------------------- */

#define CLI_MAX_OPTS 24

/* One option; the table ends with a zero entry. `arg` is the value's
 * placeholder ("DIR"), or NULL for a flag. --help is implicit. */
struct cli_opt {
	const char *name;
	const char *arg;
	const char *help;
};

struct cli_spec {
	const char *name;     /* full command, "pki init" */
	const char *synopsis; /* after the name: "--dir ROOT --name NAME [--days N]" */
	const char *summary;  /* one line */
	const struct cli_opt *opts;
	const char *details; /* paragraphs after the options, or NULL */
	int min_operands, max_operands;
};

/* Parsed values, indexed like spec->opts: NULL when not given, "" for a
 * flag that was given. */
struct cli_args {
	const char *val[CLI_MAX_OPTS];
	char **operands;
	int n_operands;
};

/* Parse argv (argv[0] = the command's last word). Returns -1 when the
 * command should run, else the exit code to return at once: 0 after
 * printing --help, EXIT_USAGE after printing a usage error. Unknown and
 * repeated options and a missing value are usage errors. */
int cli_parse(const struct cli_spec *spec, int argc, char **argv, struct cli_args *args);
void cli_help(const struct cli_spec *spec, FILE *f);
/* Print "sceau: <message>", the usage line and a pointer to --help, to
 * stderr; returns EXIT_USAGE. */
int cli_usage_error(const struct cli_spec *spec, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Parse a whole decimal number in [min, max] for option `opt`. */
int cli_parse_int(const struct cli_spec *spec, const char *opt, const char *val, int min, int max,
		  int *out);
/* For a table of subcommands: "sceau pki --help" and friends. */
int cli_dispatch(const char *group, const char *summary, const struct cli_command *cmds, int argc,
		 char **argv);

/* ---- out.c: messages ------------------------------------------------------ */

/* Print "sceau: <err->msg>" (and `hint` for SCEAU_ERR_EXISTS when given) to
 * stderr; returns the exit code for the error: 2 for input errors, 3 else. */
int cli_report(const struct sceau_error *err, const char *exists_hint);
/* errno as lower-case text for messages ("no such file"), not strerror's
 * capitalised one (STYLE.md 11). Valid until the next call. */
const char *cli_errno_text(int e);
/* Print "sceau: <message>" to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write a file atomically: a temporary file beside it, fsync, then
 * renamed (force) or linked (refusing an existing file), and the
 * directory synced. Returns EXIT_VALID or an exit code after saying why;
 * nothing is left at `path` on error. */
int cli_write_atomic(const char *path, const void *data, size_t len, int force, mode_t mode);
/* A date as shown to people: Africa/Casablanca local time. */
void cli_format_date(time_t t, char *buf, size_t len);
/* A date and time, the same way: "2026-11-24 11:02 +01 (Casablanca)". */
void cli_format_time(time_t t, char *buf, size_t len);
/* Read the QR text an option gave: the text itself, or "-" for one line
 * of standard input (a scanner types the code and Enter). At most
 * SCEAU_QR_TEXT_MAX + 1 characters are kept, so an absurd line is judged
 * too long without being held whole. *out: caller frees. */
int cli_qr_text(const char *opt, char **out, size_t *len);

/* ---- payload_out.c: a decoded QR payload for people and for --json -------- */

struct json_t;
/* The fields, one per line, indented. */
void cli_payload_print(FILE *f, const struct sceau_payload *p);
/* The fields as a JSON object (jansson), with "verified". */
struct json_t *cli_payload_json(const struct sceau_payload *p);

/* ---- verify_out.c: a PDF verification report --------------------------------- */
/* The verdict's name in capitals, "NOT YET VALID". */
void cli_verdict_word(enum sceau_verdict_code c, char *buf, size_t len);
/* The report, for people: "FILE: VERDICT", the reason, the certificate's
 * fields when a trusted signer vouches for them, and each signature. */
void cli_pdf_report_print(FILE *f, const char *file, const struct sceau_pdf_report *r);
/* The report in one line, for many files: "FILE: VALID coc N, 'BODY'" or
 * "FILE: VERDICT: reason", and the warning in brackets. */
void cli_pdf_report_line(FILE *f, const char *file, const struct sceau_pdf_report *r);
/* The report as one JSON object (file, verdict, reason, the payload's
 * fields, signatures[]); NULL when out of memory. */
struct json_t *cli_pdf_report_json(const char *file, const struct sceau_pdf_report *r);

/* ---- pass.c: passphrases ---------------------------------------------------- */

/* Held in OpenSSL's secure heap, wiped on release. */
struct cli_pass {
	char *buf;
	size_t len;
};

/* One place a passphrase may come from: a file (given on the command line,
 * NULL when not) or an environment variable. */
struct cli_pass_src {
	const char *file;
	const char *env;
};

/* Obtain a passphrase from the first of the `n` sources in `srcs` that has
 * one (a non-NULL file always counts; {NULL, NULL} is skipped), else by
 * asking on the terminal (twice when `confirm`). `what` names the key in
 * the prompt; `hint` tells how to give it when there is no terminal.
 * Returns 0, or an exit code after printing why. */
int cli_pass_get(struct cli_pass *p, const struct cli_pass_src *srcs, size_t n, const char *what,
		 const char *hint, int confirm);
void cli_pass_release(struct cli_pass *p);

/* ---- trust_load.c: the trust store of a verifying command ------------------- */

/* Open what --trust names (`trust_opt`: a trust directory or a bundle), or
 * with NULL the installed bundle (sceau_trust_open_default; warning on stderr
 * when a per-user bundle older than the machine accepted is passed over for
 * the system-wide one), warning on stderr when
 * the bundle is past its next update. Returns EXIT_VALID with *out (free
 * with sceau_trust_free), or an exit code after printing why (2 for a
 * missing, broken, forged or rolled-back trust store). */
int cli_trust_load(const char *trust_opt, struct sceau_trust **out);
/* A SHA-256 fingerprint as "AB:CD:...", into buf[96] (cmd_trust.c). */
void cli_fingerprint(const unsigned char *md, char *buf);
/* sceau trust show (trust_show.c). */
int cli_trust_show(int argc, char **argv);

/* ---- commands --------------------------------------------------------------- */

int cmd_pki(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_status(int argc, char **argv);
/* ---- signing.c: the signer steps of 'payload' and 'issue' ------------------- */

/* Open the signer directory `dir` and check it may sign `program` at `at`
 * (chains to its root, valid, authorised), before any passphrase. Returns
 * EXIT_VALID with *out (close with sceau_signer_close), or an exit code
 * after printing why. */
int cli_signer_open_for(const char *dir, enum sceau_program program, time_t at,
			struct sceau_signer **out);
/* Obtain the key's passphrase (--pass-file, SCEAU_PASSPHRASE, terminal) into
 * `pass` and unlock the key. Returns EXIT_VALID or an exit code after
 * printing why; the caller releases `pass`. */
int cli_signer_unlock(struct sceau_signer *s, const char *dir, const char *pass_file,
		      struct cli_pass *pass);

/* ---- issuing.c: one record becomes a signed PDF (issue, batch) ------------ */

/* The register file: `opt` (--register) or SIGNER/register.db. Caller
 * frees. */
char *cli_register_path(const char *signer_dir, const char *opt);
/* Open the register (creating it when `create`), with signer `s` as the
 * audit trail's actor, and settle interrupted issuances (saying so on
 * stderr). Returns EXIT_VALID with *out, or an exit code after printing
 * why. */
int cli_register_open(const char *signer_dir, const char *opt, int create,
		      const struct sceau_signer *s, struct sceau_register **out);

struct cli_issuer {
	struct sceau_signer *s; /* unlocked */
	struct sceau_renderer *r;
	struct sceau_register *reg; /* NULL: --no-register */
	time_t at;                  /* issuing time; 0: now, per document */
	int force;                  /* replace an existing PDF */
	unsigned checked;           /* programmes the signer was found fit for */
};

struct cli_issued {
	char number[SCEAU_NUMBER_MAX];
	unsigned pages;
	size_t bytes;
	size_t qr_chars;
	char *qr; /* the signed QR text; the caller frees it */
};

/* Sign `rec` into the PDF `out`: reserve a number in the register (the
 * request's own, or the next of the pattern), sign the QR payload, render
 * and sign the PDF, commit it. On error nothing is left at `out` and a
 * reserved number is made void; err says why. */
enum sceau_err cli_issue_record(struct cli_issuer *c, struct sceau_record *rec, const char *out,
				const char *request_id, struct cli_issued *res,
				struct sceau_error *err);

/* ---- batch_read.c: a batch's lines, and a line as a request -------------- */
/* A line holds a request (at most SCEAU_REQUEST_MAX) and its id. */
#define CLI_BATCH_LINE_MAX (SCEAU_REQUEST_MAX + 256)
#define CLI_BATCH_ID_MAX   64

/* Called with each non-blank line (trailing CR, spaces and tabs cut; NUL-
 * terminated); too_long: the line was past CLI_BATCH_LINE_MAX and only its
 * head is given. */
typedef void cli_batch_line_fn(void *ctx, unsigned long lineno, const char *line, size_t len,
			       int too_long);
/* Read f, calling fn for the lines numbered k (mod jobs) from 0, until EOF
 * or *stop (stop may be NULL). A long line is never held whole. Returns 0,
 * or -1 on a read error or out of memory. */
int cli_batch_read(FILE *f, unsigned k, unsigned jobs, volatile sig_atomic_t *stop,
		   cli_batch_line_fn *fn, void *ctx);

enum cli_line { CLI_LINE_OK, CLI_LINE_REFUSED, CLI_LINE_FAILED };
/* One line as a request: its "id" (checked: 1 to CLI_BATCH_ID_MAX of
 * A-Z a-z 0-9 . _ -, not starting with . or -) into id, the rest parsed as
 * a record into *rec (caller frees with sceau_record_free). REFUSED: the
 * line's fault, FAILED: the system's (memory); msg says why. */
enum cli_line cli_batch_request(const char *line, size_t len, int too_long,
				char id[CLI_BATCH_ID_MAX + 1], struct sceau_record **rec, char *msg,
				size_t msg_len);

/* ---- issue_batch.c ------------------------------------------------------- */

struct cli_batch_opts {
	const char *signer_dir, *batch, *out_dir, *register_opt, *pass_file, *templates, *logo,
		*pattern;
	time_t at;
	int jobs, force, json, no_register;
};
int cli_issue_batch(const struct cli_batch_opts *o);

int cmd_payload(int argc, char **argv);
int cmd_issue(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_scan(int argc, char **argv);

/* ---- cmd_scan.c: a QR verdict, shared with verify --qr and --qr-image ------- */

/* verdict, reason, warning (null when none), then the payload's fields
 * (cli_payload_json, with "status" when a status list was consulted) when
 * the signature verified, else type, number and issuer null and verified
 * false. `p` may be NULL. NULL when out of memory. */
struct json_t *cli_qr_json(const struct sceau_verdict *v, const struct sceau_payload *p);

#endif
