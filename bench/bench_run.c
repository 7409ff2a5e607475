/* sceau bench — run a program and report its time and peak memory, for the
 * bench scripts (bench/bench_all.sh and the scripts it calls), without
 * depending on /usr/bin/time.
 *
 * Usage: sceau_bench_run [-n RUNS] [-o OUT] PROGRAM [ARGS...]
 * Runs PROGRAM RUNS times (default 1) with standard input from /dev/null
 * and its output to OUT (default /dev/null), and prints one line:
 *   MEDIAN_MS MIN_MS PEAK_RSS_KB EXIT_STATUS
 * the median and minimum wall time in ms, the largest peak resident memory
 * of any run (the program and the children it waited for) in KiB, and the
 * exit status of the last run. Exits 0 once the line is printed. */
#include "bench_util.h"

int main(int argc, char **argv)
{
	const char *out = NULL;
	int runs = 1, i = 1, st = 0;
	long peak = 0;
	double *t;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			runs = atoi(argv[i + 1]);
			i += 2;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[i + 1];
			i += 2;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			break;
		}
	}
	if (i >= argc || runs < 1) {
		fprintf(stderr, "usage: %s [-n RUNS] [-o OUT] PROGRAM [ARGS...]\n", argv[0]);
		return 2;
	}
	if (!(t = calloc((size_t)runs, sizeof(double))))
		bench_die("calloc", NULL);
	for (int r = 0; r < runs; r++) {
		long rss = 0;
		double t0 = bench_now_ms();
		st = bench_run_rss(argv + i, out, &rss);
		t[r] = bench_now_ms() - t0;
		if (rss > peak)
			peak = rss;
	}
	{
		double med = bench_median(t, runs);
		printf("%.3f %.3f %ld %d\n", med, t[0], peak, st);
	}
	free(t);
	return 0;
}
