/* sceau bench — signing and verifying PDFs and QR codes, against poppler's
 * pdfsig.
 *
 * Makes a demo (sceau demo: PKI, signed CoC and Halal) in a temporary
 * directory, then on the same signed CoC measures:
 *   - its sizes: the PDF in KB, the QR text in characters and its QR
 *     version;
 *   - the cost of signing (sceau_pdf_sign on the rendered CoC), median;
 *   - verification in-process (sceau_pdf_verify, trust loaded once): median
 *     and PDFs per second on one core;
 *   - QR verification in-process (sceau_payload_verify on the CoC's QR
 *     text, trust loaded once): median and codes per second on one core;
 *   - verification as a whole process: `sceau verify --trust D/trust
 *     coc.pdf` against `pdfsig -nssdir sql:DB coc.pdf` with the demo root
 *     trusted in an NSS database; medians of repeated runs, and the ratio;
 *   - peak resident memory of this process.
 * Usage: sceau_bench_verify SCEAU_BINARY [N]   (cmake --build build --target bench) */
#include <qrencode.h>
#include <sys/stat.h>

#include <openssl/x509.h>

#include "bench_util.h"

/* The QR version libqrencode picks for `text` at ECC M as one
 * alphanumeric segment, as the renderer draws it (src/lib/pdfdoc_qr.c). */
static int qr_version(const char *text)
{
	QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
	QRcode *qr = NULL;
	int v = 0;

	if (in &&
	    QRinput_append(in, QR_MODE_AN, (int)strlen(text), (const unsigned char *)text) == 0)
		qr = QRcode_encodeInput(in);
	if (qr)
		v = qr->version;
	QRcode_free(qr);
	QRinput_free(in);
	return v;
}

int main(int argc, char **argv)
{
	struct sceau_error err = {0};
	struct sceau_trust *trust = NULL;
	struct sceau_signer *s = NULL;
	struct sceau_renderer *r = NULL;
	struct sceau_record *rec = NULL;
	struct sceau_pdf_report *rep = NULL;
	char dir[] = "/tmp/sceau-bench-XXXXXX", demo_dir[64], path[4200], pdf_path[4200],
	     trust_dir[4200], nss[4200], sqlnss[4300], root_crt[4200], signer_dir[4200];
	unsigned char *pdf = NULL, *plain = NULL, *signed_pdf = NULL, *qr_file = NULL;
	size_t len = 0, plain_len = 0, signed_len = 0, qr_len = 0;
	int n = argc > 2 ? atoi(argv[2]) : 2000, reps = argc > 3 ? atoi(argv[3]) : 30, nq;
	double *t, t0, sign_ms, verify_ms, wall, pdf_rate, qr_ms, qr_rate;
	char *qr = NULL;

	if (argc < 2) {
		fprintf(stderr, "usage: %s SCEAU_BINARY [N [PROCESS_RUNS]]\n", argv[0]);
		return 2;
	}
	if (n < 10)
		n = 10;
	if (reps < 3)
		reps = 3;
	nq = 5 * n;
	if (!mkdtemp(dir))
		bench_die("mkdtemp", NULL);
	snprintf(demo_dir, sizeof(demo_dir), "%s/demo", dir);
	{
		char *demo[] = {argv[1], "demo", "--dir", demo_dir, NULL};
		if (bench_run(demo, NULL) != 0)
			bench_die("sceau demo failed", NULL);
	}
	snprintf(pdf_path, sizeof(pdf_path), "%s/coc.pdf", demo_dir);
	snprintf(trust_dir, sizeof(trust_dir), "%s/trust", demo_dir);
	snprintf(root_crt, sizeof(root_crt), "%s/root/root.crt", demo_dir);
	snprintf(signer_dir, sizeof(signer_dir), "%s/signer", demo_dir);

	/* ---- signing ---- */
	if (sceau_signer_open(signer_dir, &s, &err) || sceau_signer_unlock(s, "demo", 4, &err) ||
	    sceau_renderer_new(NULL, &r, &err))
		bench_die("signer", &err);
	snprintf(path, sizeof(path), "%s/coc.json", demo_dir);
	if (sceau_record_load(path, &rec, &err) ||
	    sceau_payload_encode(rec, s->cert, s->key, 0, NULL, 0, &qr, &err))
		bench_die("record", &err);
	{
		struct sceau_render_info info = {s->name, qr, time(NULL), NULL};
		if (sceau_render(r, rec, &info, &plain, &plain_len, NULL, &err))
			bench_die("render", &err);
	}
	if (!(t = calloc((size_t)nq, sizeof(double))))
		bench_die("calloc", NULL);
	for (int i = 0; i < n / 4; i++) {
		STACK_OF(X509) *chain = sk_X509_new_null();
		sk_X509_push(chain, s->root);
		t0 = bench_now_ms();
		if (sceau_pdf_sign(plain, plain_len, s->cert, chain, s->key, 0, &signed_pdf,
				   &signed_len, &err))
			bench_die("sign", &err);
		t[i] = bench_now_ms() - t0;
		sk_X509_free(chain);
		free(signed_pdf);
	}
	sign_ms = bench_median(t, n / 4);

	/* ---- verification in-process ---- */
	if (sceau_trust_load_dir(trust_dir, &trust, &err))
		bench_die("trust", &err);
	pdf = bench_slurp(pdf_path, 1 << 20, &len);
	wall = bench_now_ms();
	for (int i = 0; i < n; i++) {
		t0 = bench_now_ms();
		if (sceau_pdf_verify(pdf, len, trust, 0, &rep, &err))
			bench_die("verify", &err);
		t[i] = bench_now_ms() - t0;
		if (rep->verdict.code != SCEAU_VERDICT_VALID) {
			fprintf(stderr, "bench: the demo CoC is %s: %s\n",
				sceau_verdict_name(rep->verdict.code), rep->verdict.reason);
			return 3;
		}
		sceau_pdf_report_free(rep);
	}
	wall = bench_now_ms() - wall;
	verify_ms = bench_median(t, n);
	pdf_rate = 1e3 / verify_ms;

	/* ---- QR verification in-process: the demo's coc.qr, as scanned ---- */
	snprintf(path, sizeof(path), "%s/coc.qr", demo_dir);
	qr_file = bench_slurp(path, 4096, &qr_len);
	while (qr_len > 0 && (qr_file[qr_len - 1] == '\n' || qr_file[qr_len - 1] == '\r'))
		qr_len--;
	for (int i = 0; i < nq; i++) {
		struct sceau_payload *p = NULL;
		struct sceau_verdict v;
		t0 = bench_now_ns();
		if (sceau_payload_verify((const char *)qr_file, qr_len, trust, 0, &p, &v, &err))
			bench_die("payload verify", &err);
		t[i] = bench_now_ns() - t0;
		if (v.code != SCEAU_VERDICT_VALID) {
			fprintf(stderr, "bench: the demo CoC's QR is %s: %s\n",
				sceau_verdict_name(v.code), v.reason);
			return 3;
		}
		sceau_payload_free(p);
	}
	qr_ms = bench_median(t, nq) / 1e6;
	qr_rate = 1e3 / qr_ms;

	qr_file[qr_len] = '\0';
	{
		int version = qr_version((const char *)qr_file);
		printf("sceau PDF and QR signing and verification (%s; %d runs)\n",
		       SCEAU_VERSION_STRING, n);
		printf("  signed CoC            %zu bytes (unsigned render %zu bytes, +%zu)\n", len,
		       plain_len, len - plain_len);
		printf("  QR text               %zu characters, QR version %d at ECC M\n", qr_len,
		       version);
		bench_summary("CoC PDF size", NULL, "<= 150 KB", len <= 150 * 1024 ? "yes" : "no",
			      "%.1f KB", len / 1024.0);
		bench_summary("QR text, QR version", NULL, NULL, NULL,
			      "%zu characters, version %d (ECC M)", qr_len, version);
	}
	printf("  signing               %.3f ms median per document (PAdES incremental update + "
	       "CMS)\n",
	       sign_ms);
	printf("  verify in-process     %.3f ms median, %.0f PDFs/s on one core (%.0f/s "
	       "wall; goal >= 2000)\n",
	       verify_ms, pdf_rate, n / (wall / 1e3));
	printf("  QR verify in-process  %.1f us median, %.0f QR/s on one core (goal >= 10000)\n",
	       qr_ms * 1e3, qr_rate);
	bench_summary("PAdES signing, in-process", NULL, "<= 2 ms", sign_ms <= 2 ? "yes" : "no",
		      "%.2f ms", sign_ms);
	bench_summary("PDF verification, in-process, per core", NULL, ">= 2,000/s",
		      pdf_rate >= 2000 ? "yes" : "no", "%.0f/s (%.2f ms)", pdf_rate, verify_ms);
	bench_summary("QR verification, in-process, per core", NULL, ">= 10,000/s",
		      qr_rate >= 10000 ? "yes" : "no", "%.0f/s (%.0f us)", qr_rate, qr_ms * 1e3);

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
		if (bench_run(mk, NULL) != 0 || bench_run(add, NULL) != 0) {
			printf("  pdfsig                skipped: certutil (libnss3-tools) "
			       "failed or is missing\n");
			ms_sceau = bench_time_process(sv, reps);
			bench_summary("`sceau verify` one CoC, whole process", "skipped",
				      ">= 5x faster", "-", "%.2f ms", ms_sceau);
		} else {
			bench_run(check, path);
			if (!bench_file_contains(path, "Signature is Valid"))
				printf("  note: pdfsig did not say 'Signature is Valid' (see %s)\n",
				       path);
			if (bench_run(sv, NULL) != 0)
				printf("  note: sceau verify did not exit 0\n");
			ms_sceau = bench_time_process(sv, reps);
			ms_pdfsig = bench_time_process(check, reps);
			printf("  sceau verify process  %.2f ms median of %d\n", ms_sceau, reps);
			printf("  pdfsig process        %.2f ms median of %d\n", ms_pdfsig, reps);
			printf("  ratio                 sceau verify is %.1fx faster than pdfsig "
			       "(goal >= 5x)\n",
			       ms_pdfsig / ms_sceau);
			{
				char peer[64];
				snprintf(peer, sizeof(peer), "%.2f ms (pdfsig)", ms_pdfsig);
				bench_summary(
					"`sceau verify` one CoC, whole process", peer,
					">= 5x faster", ms_pdfsig / ms_sceau >= 5 ? "yes" : "no",
					"%.2f ms, %.1fx faster", ms_sceau, ms_pdfsig / ms_sceau);
			}
		}
	}
	printf("  peak RSS              %.1f MB (this process)\n", bench_peak_rss_kib() / 1024.0);

	{
		char *rm[] = {"rm", "-rf", dir, NULL};
		bench_run(rm, NULL);
	}
	free(t);
	free(pdf);
	free(plain);
	free(qr);
	free(qr_file);
	sceau_record_free(rec);
	sceau_renderer_free(r);
	sceau_signer_close(s);
	sceau_trust_free(trust);
	return 0;
}
