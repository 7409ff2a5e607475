/* sceau bench — signing and verifying PDFs, against poppler's pdfsig.
 *
 * Makes a demo (sceau demo: PKI, signed CoC and Halal) in a temporary
 * directory, then on the same signed CoC measures:
 *   - the cost of signing (sceau_pdf_sign on the rendered CoC), median;
 *   - verification in-process (sceau_pdf_verify, trust loaded once): median
 *     and PDFs per second on one core;
 *   - verification as a whole process: `sceau verify --trust D/trust
 *     coc.pdf` against `pdfsig -nssdir sql:DB coc.pdf` with the demo root
 *     trusted in an NSS database; medians of repeated runs, and the ratio;
 *   - peak resident memory of this process.
 * Usage: sceau_bench_verify SCEAU_BINARY [N]   (cmake --build build --target bench) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "sceau.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return v[n / 2];
}

static void die(const char *what, const struct sceau_error *err)
{
	fprintf(stderr, "bench: %s: %s\n", what, err ? err->msg : strerror(errno));
	exit(3);
}

/* Run argv with stdout and stderr to /dev/null (or to `out`); exit status. */
static int run(char *const argv[], const char *out)
{
	pid_t pid = fork();
	int st = 0;

	if (pid < 0)
		die("fork", NULL);
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
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid", NULL);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static double time_process(char *const argv[], int reps)
{
	double *t = calloc((size_t)reps, sizeof(double)), m;

	for (int i = 0; i < reps; i++) {
		double t0 = now_ms();
		run(argv, NULL);
		t[i] = now_ms() - t0;
	}
	m = median(t, reps);
	free(t);
	return m;
}

static int contains(const char *path, const char *what)
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

int main(int argc, char **argv)
{
	struct sceau_error err = {0};
	struct sceau_trust *trust = NULL;
	struct sceau_signer *s = NULL;
	struct sceau_renderer *r = NULL;
	struct sceau_record *rec = NULL;
	struct sceau_pdf_report *rep = NULL;
	struct rusage ru;
	char dir[] = "/tmp/sceau-bench-XXXXXX", path[4200], pdf_path[4200], trust_dir[4200],
	     nss[4200], sqlnss[4300], root_crt[4200], signer_dir[4200];
	unsigned char *pdf = NULL, *plain = NULL, *signed_pdf = NULL;
	size_t len = 0, plain_len = 0, signed_len = 0;
	int n = argc > 2 ? atoi(argv[2]) : 2000, reps = 30;
	double *t, t0, sign_ms, verify_ms, wall;
	char *qr = NULL;

	if (argc < 2) {
		fprintf(stderr, "usage: %s SCEAU_BINARY [N]\n", argv[0]);
		return 2;
	}
	if (n < 10)
		n = 10;
	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	char demo_dir[64];
	snprintf(demo_dir, sizeof(demo_dir), "%s/demo", dir);
	{
		char *demo[] = {argv[1], "demo", "--dir", demo_dir, NULL};
		if (run(demo, NULL) != 0)
			die("sceau demo failed", NULL);
	}
	snprintf(pdf_path, sizeof(pdf_path), "%s/coc.pdf", demo_dir);
	snprintf(trust_dir, sizeof(trust_dir), "%s/trust", demo_dir);
	snprintf(root_crt, sizeof(root_crt), "%s/root/root.crt", demo_dir);
	snprintf(signer_dir, sizeof(signer_dir), "%s/signer", demo_dir);

	/* ---- signing ---- */
	if (sceau_signer_open(signer_dir, &s, &err) || sceau_signer_unlock(s, "demo", 4, &err) ||
	    sceau_renderer_new(NULL, &r, &err))
		die("signer", &err);
	snprintf(path, sizeof(path), "%s/demo/coc.json", dir);
	if (sceau_record_load(path, &rec, &err) ||
	    sceau_payload_encode(rec, s->cert, s->key, 0, NULL, 0, &qr, &err))
		die("record", &err);
	{
		struct sceau_render_info info = {s->name, qr, time(NULL), NULL};
		if (sceau_render(r, rec, &info, &plain, &plain_len, NULL, &err))
			die("render", &err);
	}
	t = calloc((size_t)n, sizeof(double));
	for (int i = 0; i < n / 4; i++) {
		STACK_OF(X509) *chain = sk_X509_new_null();
		sk_X509_push(chain, s->root);
		t0 = now_ms();
		if (sceau_pdf_sign(plain, plain_len, s->cert, chain, s->key, 0, &signed_pdf,
				   &signed_len, &err))
			die("sign", &err);
		t[i] = now_ms() - t0;
		sk_X509_free(chain);
		free(signed_pdf);
	}
	sign_ms = median(t, n / 4);

	/* ---- verification in-process ---- */
	if (sceau_trust_load_dir(trust_dir, &trust, &err))
		die("trust", &err);
	{
		FILE *f = fopen(pdf_path, "rb");
		if (!f)
			die(pdf_path, NULL);
		pdf = malloc(1 << 20);
		len = fread(pdf, 1, 1 << 20, f);
		fclose(f);
	}
	wall = now_ms();
	for (int i = 0; i < n; i++) {
		t0 = now_ms();
		if (sceau_pdf_verify(pdf, len, trust, 0, &rep, &err))
			die("verify", &err);
		t[i] = now_ms() - t0;
		if (rep->verdict.code != SCEAU_VERDICT_VALID) {
			fprintf(stderr, "bench: the demo CoC is %s: %s\n",
				sceau_verdict_name(rep->verdict.code), rep->verdict.reason);
			return 3;
		}
		sceau_pdf_report_free(rep);
	}
	wall = now_ms() - wall;
	verify_ms = median(t, n);

	printf("sceau PDF signing and verification (%s; %d runs)\n", SCEAU_VERSION_STRING, n);
	printf("  signed CoC            %zu bytes (unsigned render %zu bytes, +%zu)\n", len,
	       plain_len, len - plain_len);
	printf("  signing               %.3f ms median per document (PAdES incremental update + "
	       "CMS)\n",
	       sign_ms);
	printf("  verify in-process     %.3f ms median, %.0f PDFs/s on one core (goal >= 2000)\n",
	       verify_ms, n / (wall / 1e3));

	/* ---- whole process, against pdfsig ---- */
	snprintf(nss, sizeof(nss), "%s/nss", dir);
	snprintf(sqlnss, sizeof(sqlnss), "sql:%s", nss);
	mkdir(nss, 0700);
	{
		char *mk[] = {"certutil", "-N", "-d", sqlnss, "--empty-password", NULL};
		char *add[] = {"certutil", "-A",     "-d", sqlnss,   "-n", "sceau-demo-root",
			       "-t",       "CT,C,C", "-i", root_crt, NULL};
		char *check[] = {"pdfsig", "-nssdir", sqlnss, pdf_path, NULL};
		char *sv[] = {argv[1], "verify", "--trust", trust_dir, pdf_path, NULL};
		double ms_sceau, ms_pdfsig;
		snprintf(path, sizeof(path), "%s/pdfsig.txt", dir);
		if (run(mk, NULL) != 0 || run(add, NULL) != 0) {
			printf("  pdfsig                skipped: certutil (libnss3-tools) "
			       "failed\n");
		} else {
			run(check, path);
			if (!contains(path, "Signature is Valid"))
				printf("  note: pdfsig did not say 'Signature is Valid' (see %s)\n",
				       path);
			if (run(sv, NULL) != 0)
				printf("  note: sceau verify did not exit 0\n");
			ms_sceau = time_process(sv, reps);
			ms_pdfsig = time_process(check, reps);
			printf("  sceau verify process  %.2f ms median of %d\n", ms_sceau, reps);
			printf("  pdfsig process        %.2f ms median of %d\n", ms_pdfsig, reps);
			printf("  ratio                 sceau verify is %.1fx faster than pdfsig "
			       "(goal >= 5x)\n",
			       ms_pdfsig / ms_sceau);
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("  peak RSS              %.1f MB (this process)\n", ru.ru_maxrss / 1024.0);

	{
		char *rm[] = {"rm", "-rf", dir, NULL};
		run(rm, NULL);
	}
	free(t);
	free(pdf);
	free(plain);
	free(qr);
	sceau_record_free(rec);
	sceau_renderer_free(r);
	sceau_signer_close(s);
	sceau_trust_free(trust);
	return 0;
}
