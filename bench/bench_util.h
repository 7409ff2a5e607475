/* sceau bench — helpers shared by the benchmark programs: clocks, medians,
 * running a program (its time, exit status and peak memory), and the
 * summary lines bench/bench_all.sh gathers into one table.
 *
 * A summary line is printed as
 *   @summary|WHAT|SCEAU|PEER|GOAL|MET
 * (MET: "yes", "no" or "-"); bench_all.sh turns them into a markdown
 * table at the end of the run. Header only: every program includes it
 * once. */
#ifndef SCEAU_BENCH_UTIL_H
#define SCEAU_BENCH_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sceau.h"

static inline double bench_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static inline double bench_now_ms(void)
{
	return bench_now_ns() / 1e6;
}

static inline int bench_cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Sorts v in place; the middle value. */
static inline double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_d);
	return v[n / 2];
}

static inline void bench_die(const char *what, const struct sceau_error *err)
{
	fprintf(stderr, "bench: %s: %s\n", what, err ? err->msg : strerror(errno));
	exit(3);
}

/* Run argv with standard input from /dev/null, standard output and error
 * to `out` (NULL: /dev/null). Returns the exit status (128 + signal when
 * killed, 127 when it could not run); *maxrss_kb (may be NULL) gets the
 * peak resident memory of the program and the children it waited for. */
static inline int bench_run_rss(char *const argv[], const char *out, long *maxrss_kb)
{
	struct rusage ru;
	pid_t pid = fork();
	int st = 0;

	if (pid < 0)
		bench_die("fork", NULL);
	if (pid == 0) {
		int fd = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int null = open("/dev/null", O_RDWR);
		if (fd < 0 || null < 0)
			_exit(127);
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	memset(&ru, 0, sizeof(ru));
	if (wait4(pid, &st, 0, &ru) < 0)
		bench_die("wait4", NULL);
	if (maxrss_kb)
		*maxrss_kb = ru.ru_maxrss;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static inline int bench_run(char *const argv[], const char *out)
{
	return bench_run_rss(argv, out, NULL);
}

/* Median wall time of `reps` runs of argv, in ms. */
static inline double bench_time_process(char *const argv[], int reps)
{
	double *t = calloc((size_t)reps, sizeof(double)), m;

	if (!t)
		bench_die("calloc", NULL);
	for (int i = 0; i < reps; i++) {
		double t0 = bench_now_ms();
		bench_run(argv, NULL);
		t[i] = bench_now_ms() - t0;
	}
	m = bench_median(t, reps);
	free(t);
	return m;
}

/* Whether the text file `path` has a line containing `what`. */
static inline int bench_file_contains(const char *path, const char *what)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int found = 0;

	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, what) != NULL;
	if (f)
		fclose(f);
	return found;
}

/* Resident memory now, in KiB (Linux /proc/self/statm). */
static inline long bench_rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, res = 0;

	if (f) {
		if (fscanf(f, "%ld %ld", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static inline long bench_peak_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Read a whole file (at most `max` bytes); caller frees. */
static inline unsigned char *bench_slurp(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = malloc(max);

	if (!f || !buf)
		bench_die(path, NULL);
	*len = fread(buf, 1, max, f);
	fclose(f);
	return buf;
}

/* One line of the final table (see the top of this file). `sceau` is
 * formatted; peer, goal and met are plain strings. */
static inline void bench_summary(const char *what, const char *peer, const char *goal,
				 const char *met, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static inline void bench_summary(const char *what, const char *peer, const char *goal,
				 const char *met, const char *fmt, ...)
{
	va_list ap;
	printf("@summary|%s|", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("|%s|%s|%s\n", peer ? peer : "", goal ? goal : "", met ? met : "-");
	fflush(stdout);
}

#endif
