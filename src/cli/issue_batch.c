/* sceau issue --batch: thousands of requests, one JSON object per line.
 *
 * The passphrase is asked once; with --jobs N the key is unlocked, then N
 * worker processes each take every N-th line and send one fixed-size
 * result per request up a pipe (writes of at most PIPE_BUF bytes do not
 * interleave). The parent draws the progress bar, prints refusals as they
 * come and the summary. Each worker holds one request at a time, so memory
 * stays flat however long the batch. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

#define ID_MAX CLI_BATCH_ID_MAX

enum outcome { R_ISSUED, R_SKIPPED, R_REFUSED, R_FAILED };

struct result {
	unsigned long line;
	enum outcome what;
	unsigned pages;
	char id[ID_MAX + 1];
	char number[SCEAU_NUMBER_MAX];
	char msg[1000];
};
_Static_assert(sizeof(struct result) <= PIPE_BUF, "one result per atomic pipe write");

static volatile sig_atomic_t stop;
/* The parent's workers, to pass a signal on to: a SIGTERM sent to the
 * parent alone must stop the batch too. */
static pid_t workers[64];
static volatile sig_atomic_t n_workers;

static void on_signal(int sig)
{
	int e = errno;

	stop = 1;
	for (sig_atomic_t i = 0; i < n_workers; i++)
		kill(workers[i], sig);
	errno = e;
}

struct batch {
	const struct cli_batch_opts *o;
	struct cli_issuer c;
	unsigned prepared; /* programmes whose templates are loaded */
	int out_fd;        /* worker: the result pipe; -1 in-process */
	/* parent's tally */
	unsigned long total, done, issued, skipped, refused, failed;
	unsigned long refused_lines[8];
	size_t n_refused_lines;
	struct timeval t0, last_draw;
	int bar; /* stderr is a terminal */
	int bar_drawn;
};

static double since(const struct timeval *t0)
{
	struct timeval t;
	gettimeofday(&t, NULL);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_usec - t0->tv_usec) / 1e6;
}

/* ---- the parent: progress, messages, JSON -------------------------------- */

static void bar_clear(struct batch *b)
{
	if (b->bar_drawn) {
		fputs("\r\033[K", stderr);
		b->bar_drawn = 0;
	}
}

static void bar_draw(struct batch *b, int force)
{
	char bar[41];
	double el, rate, eta;
	size_t fill;

	if (!b->bar || (!force && since(&b->last_draw) < 0.1))
		return;
	gettimeofday(&b->last_draw, NULL);
	fill = b->total ? (size_t)(40.0 * (double)b->done / (double)b->total) : 0;
	if (fill > 40)
		fill = 40;
	memset(bar, '#', fill);
	memset(bar + fill, '.', 40 - fill);
	bar[40] = 0;
	el = since(&b->t0);
	rate = el > 0 ? (double)b->done / el : 0;
	eta = rate > 0 && b->total > b->done ? (double)(b->total - b->done) / rate : 0;
	fprintf(stderr, "\r[%s] %lu/%lu  %.0f/s  %lu refused  ETA %um%02us\033[K", bar, b->done,
		b->total, rate, b->refused + b->failed, (unsigned)eta / 60, (unsigned)eta % 60);
	fflush(stderr);
	b->bar_drawn = 1;
}

static const char *outcome_name(enum outcome w)
{
	switch (w) {
	case R_ISSUED:
		return "issued";
	case R_SKIPPED:
		return "already_issued";
	case R_REFUSED:
		return "refused";
	case R_FAILED:
		break;
	}
	return "failed";
}

static void tally(struct batch *b, const struct result *r)
{
	b->done++;
	switch (r->what) {
	case R_ISSUED:
		b->issued++;
		break;
	case R_SKIPPED:
		b->skipped++;
		break;
	case R_REFUSED:
		b->refused++;
		if (b->n_refused_lines < 8)
			b->refused_lines[b->n_refused_lines++] = r->line;
		break;
	case R_FAILED:
		b->failed++;
		break;
	}
	if (b->o->json) {
		json_t *o = json_pack("{s:I, s:s, s:s}", "line", (json_int_t)r->line, "id", r->id,
				      "status", outcome_name(r->what));
		char *s;
		if (o && r->number[0])
			json_object_set_new(o, "number", json_string(r->number));
		if (o && (r->what == R_ISSUED || r->what == R_SKIPPED)) {
			char file[PATH_MAX];
			snprintf(file, sizeof(file), "%s/%s.pdf", b->o->out_dir, r->id);
			json_object_set_new(o, "file", json_string(file));
		}
		if (o && (r->what == R_REFUSED || r->what == R_FAILED))
			json_object_set_new(o, "error", json_string(r->msg));
		s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (s) {
			bar_clear(b);
			printf("%s\n", s);
			fflush(stdout);
		}
		free(s);
		json_decref(o);
	}
	if (r->what == R_REFUSED || r->what == R_FAILED) {
		bar_clear(b);
		cli_warn("%s: line %lu%s%s%s: %s", b->o->batch, r->line, r->id[0] ? " ('" : "",
			 r->id, r->id[0] ? "')" : "", r->msg);
	}
	bar_draw(b, 0);
}

/* ---- a worker: one line at a time ----------------------------------------- */

static void report(struct batch *b, struct result *r)
{
	if (b->out_fd < 0) {
		tally(b, r);
		return;
	}
	/* One write per result: atomic on a pipe. A parent gone is the end. */
	if (write(b->out_fd, r, sizeof(*r)) != (ssize_t)sizeof(*r))
		_exit(EXIT_INTERNAL);
}

static void one_line(struct batch *b, unsigned long lineno, const char *line, size_t len,
		     int too_long)
{
	struct result r;
	struct sceau_error err = {0};
	struct sceau_record *rec = NULL;
	char path[PATH_MAX];
	struct cli_issued res;

	memset(&r, 0, sizeof(r));
	r.line = lineno;
	switch (cli_batch_request(line, len, too_long, r.id, &rec, r.msg, sizeof(r.msg))) {
	case CLI_LINE_OK:
		break;
	case CLI_LINE_REFUSED:
		r.what = R_REFUSED;
		goto out;
	case CLI_LINE_FAILED:
		r.what = R_FAILED;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s.pdf", b->o->out_dir, r.id);

	/* Already done by an earlier run? */
	if (b->c.reg) {
		struct sceau_register_entry e;
		enum sceau_err ge = sceau_register_get_request(b->c.reg, r.id, &e, &err);
		if (ge == SCEAU_OK && e.state != SCEAU_REG_VOID) {
			struct stat st;
			snprintf(r.number, sizeof(r.number), "%s", e.number);
			if (e.state == SCEAU_REG_RESERVED) {
				r.what = R_FAILED;
				snprintf(r.msg, sizeof(r.msg),
					 "%s is being issued by another process", e.number);
			} else if (stat(e.path, &st) == 0) {
				r.what = R_SKIPPED;
			} else {
				r.what = R_FAILED;
				snprintf(r.msg, sizeof(r.msg),
					 "was issued as %s, but its file '%.400s' is missing",
					 e.number, e.path);
			}
			goto out;
		}
		if (ge != SCEAU_OK && ge != SCEAU_ERR_NOT_FOUND) {
			r.what = R_FAILED;
			snprintf(r.msg, sizeof(r.msg), "%s", err.msg);
			goto out;
		}
	} else {
		struct stat st;
		if (lstat(path, &st) == 0 && !b->o->force) {
			r.what = R_SKIPPED;
			snprintf(r.number, sizeof(r.number), "%s",
				 sceau_record_get(rec, "number") ? sceau_record_get(rec, "number")
								 : "");
			goto out;
		}
	}
	if (!(b->prepared & (1u << sceau_record_type(rec)))) {
		if (sceau_renderer_prepare(b->c.r, sceau_record_type(rec), &err) != SCEAU_OK) {
			r.what = R_FAILED;
			snprintf(r.msg, sizeof(r.msg), "%s", err.msg);
			goto out;
		}
		b->prepared |= 1u << sceau_record_type(rec);
	}
	if (cli_issue_record(&b->c, rec, path, r.id, &res, &err) != SCEAU_OK) {
		/* The request's fault or the system's: exit 2 or 3 at the end. */
		switch (err.code) {
		case SCEAU_ERR_IO:
		case SCEAU_ERR_NOMEM:
		case SCEAU_ERR_CRYPTO:
		case SCEAU_ERR_INTERNAL:
		case SCEAU_ERR_ACCESS:
			r.what = R_FAILED;
			break;
		default:
			r.what = R_REFUSED;
		}
		snprintf(r.msg, sizeof(r.msg), "%s", err.msg);
		goto out;
	}
	free(res.qr);
	r.what = R_ISSUED;
	r.pages = res.pages;
	snprintf(r.number, sizeof(r.number), "%s", res.number);
out:
	report(b, &r);
	sceau_record_free(rec);
}

/* Read the batch, handling the lines numbered k (mod jobs) from 0. A line
 * past CLI_BATCH_LINE_MAX is not held: its tail is skipped and it is refused.
 * Returns 0, or -1 when the file cannot be read. */
static void line_cb(void *ctx, unsigned long lineno, const char *line, size_t len, int too_long)
{
	one_line(ctx, lineno, line, len, too_long);
}

static int run_lines(struct batch *b, unsigned k, unsigned jobs)
{
	FILE *f = fopen(b->o->batch, "r");
	int ret;

	if (!f)
		return -1;
	ret = cli_batch_read(f, k, jobs, &stop, line_cb, b);
	fclose(f);
	return ret;
}

/* Requests in the file: non-blank lines. */
static unsigned long count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned long n = 0;
	int c, blank = 1;

	if (!f)
		return 0;
	while ((c = getc_unlocked(f)) != EOF) {
		if (c == '\n') {
			n += !blank;
			blank = 1;
		} else if (c != ' ' && c != '\r' && c != '\t') {
			blank = 0;
		}
	}
	n += !blank;
	fclose(f);
	return n;
}

static int worker(struct batch *b, unsigned k, unsigned jobs, int fd)
{
	int ret;

	b->out_fd = fd;
	if (!b->o->no_register && (ret = cli_register_open(b->o->signer_dir, b->o->register_opt, 0,
							   b->c.s, &b->c.reg)) != EXIT_VALID)
		return ret;
	ret = run_lines(b, k, jobs) == 0 ? EXIT_VALID : EXIT_INTERNAL;
	if (ret != EXIT_VALID)
		cli_warn("cannot read '%s': %s", b->o->batch, cli_errno_text(errno));
	sceau_register_close(b->c.reg);
	b->c.reg = NULL;
	return ret;
}

static int run_parallel(struct batch *b, unsigned jobs)
{
	unsigned started = 0;
	int fds[2], ret = EXIT_VALID;
	struct result r;
	ssize_t got;

	if (pipe(fds) != 0) {
		cli_warn("cannot make a pipe: %s", cli_errno_text(errno));
		return EXIT_INTERNAL;
	}
	fflush(NULL);
	for (unsigned k = 0; k < jobs; k++) {
		pid_t pid = fork();
		if (pid < 0) {
			cli_warn("cannot start worker %u: %s", k + 1, cli_errno_text(errno));
			stop = 1;
			ret = EXIT_INTERNAL;
			break;
		}
		if (pid == 0) {
			n_workers = 0;
			close(fds[0]);
			_exit(worker(b, k, jobs, fds[1]));
		}
		workers[started++] = pid;
		n_workers = (sig_atomic_t)started;
	}
	close(fds[1]);
	for (;;) {
		size_t have = 0;
		while (have < sizeof(r)) {
			got = read(fds[0], (char *)&r + have, sizeof(r) - have);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				break;
			have += (size_t)got;
		}
		if (have < sizeof(r))
			break;
		tally(b, &r);
	}
	close(fds[0]);
	for (unsigned i = 0; i < started; i++) {
		int st = 0;
		while (waitpid(workers[i], &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || (WEXITSTATUS(st) != EXIT_VALID)) {
			if (!WIFEXITED(st))
				cli_warn("worker %u died (signal %d)", i + 1, WTERMSIG(st));
			if (ret == EXIT_VALID)
				ret = WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_INTERNAL;
		}
	}
	n_workers = 0; /* reaped: their pids are no longer theirs */
	return ret;
}

static int by_line(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return x < y ? -1 : x > y;
}

int cli_issue_batch(const struct cli_batch_opts *o)
{
	struct sceau_error err = {0};
	struct batch b;
	struct cli_pass pass = {0};
	struct sigaction sa;
	struct rusage ru;
	struct stat st;
	double el;
	int ret;

	memset(&b, 0, sizeof(b));
	b.o = o;
	b.out_fd = -1;
	b.c.at = o->at;
	b.c.force = o->force;
	if (stat(o->batch, &st) != 0) {
		cli_warn("cannot read batch '%s': %s", o->batch, cli_errno_text(errno));
		return EXIT_USAGE;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_warn("cannot read batch '%s': not a regular file", o->batch);
		return EXIT_USAGE;
	}
	if (mkdir(o->out_dir, 0755) != 0 && errno != EEXIST) {
		cli_warn("cannot make '%s': %s", o->out_dir, cli_errno_text(errno));
		return EXIT_USAGE;
	}
	if (stat(o->out_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cli_warn("'%s' is not a directory", o->out_dir);
		return EXIT_USAGE;
	}
	if (sceau_renderer_new(o->templates, &b.c.r, &err) != SCEAU_OK ||
	    (o->logo && sceau_renderer_set_logo(b.c.r, o->logo, 0, &err) != SCEAU_OK)) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	if ((ret = cli_signer_open_for(o->signer_dir, SCEAU_PROGRAM_ANY, o->at ? o->at : time(NULL),
				       &b.c.s)) != EXIT_VALID)
		goto out;
	/* Make the register (and settle a killed run) before the workers. */
	if (!o->no_register) {
		struct sceau_register *reg = NULL;
		if ((ret = cli_register_open(o->signer_dir, o->register_opt, 1, b.c.s, &reg)) !=
		    EXIT_VALID)
			goto out;
		if (o->pattern && sceau_register_set_pattern(reg, o->pattern, &err) != SCEAU_OK) {
			ret = cli_report(&err, NULL);
			sceau_register_close(reg);
			goto out;
		}
		sceau_register_close(reg);
	}
	if ((ret = cli_signer_unlock(b.c.s, o->signer_dir, o->pass_file, &pass)) != EXIT_VALID)
		goto out;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	b.total = count_lines(o->batch);
	b.bar = isatty(STDERR_FILENO);
	gettimeofday(&b.t0, NULL);
	if (o->jobs <= 1)
		ret = worker(&b, 0, 1, -1);
	else
		ret = run_parallel(&b, (unsigned)o->jobs);
	bar_draw(&b, 1);
	bar_clear(&b);

	el = since(&b.t0);
	getrusage(RUSAGE_SELF, &ru);
	{
		struct rusage rc;
		getrusage(RUSAGE_CHILDREN, &rc);
		if (rc.ru_maxrss > ru.ru_maxrss)
			ru.ru_maxrss = rc.ru_maxrss;
	}
	fprintf(o->json ? stderr : stdout,
		"batch '%s': %lu issued, %lu already issued, %lu refused, %lu failed, of %lu "
		"request%s in %.1f s (%.0f/s, %d job%s, peak memory %ld MB)\n",
		o->batch, b.issued, b.skipped, b.refused, b.failed, b.total,
		b.total == 1 ? "" : "s", el, el > 0 ? (double)b.issued / el : 0.0, o->jobs,
		o->jobs == 1 ? "" : "s", ru.ru_maxrss / 1024);
	if (b.n_refused_lines) {
		qsort(b.refused_lines, b.n_refused_lines, sizeof(b.refused_lines[0]), by_line);
		fprintf(o->json ? stderr : stdout, "refused lines:");
		for (size_t i = 0; i < b.n_refused_lines; i++)
			fprintf(o->json ? stderr : stdout, " %lu", b.refused_lines[i]);
		fprintf(o->json ? stderr : stdout, "%s\n", b.refused > 8 ? " ..." : "");
	}
	/* Stopped short: by a signal to this process, or to the workers
	 * alone (which then leave as if done). A signal after the last line
	 * interrupts nothing. */
	if (b.done < b.total && (stop || ret == EXIT_VALID)) {
		fprintf(stderr,
			"sceau: interrupted: run the same command again to issue the rest\n");
		ret = EXIT_INTERNAL;
	}
	if (ret == EXIT_VALID) {
		if (b.failed)
			ret = EXIT_INTERNAL;
		else if (b.refused)
			ret = EXIT_USAGE;
	}
	if (fflush(stdout) != 0)
		ret = EXIT_INTERNAL;
out:
	cli_pass_release(&pass);
	sceau_signer_close(b.c.s);
	sceau_renderer_free(b.c.r);
	return ret;
}
