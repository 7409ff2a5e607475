/* sceau bench — document status lists at scale.
 *
 * A body that issued 1,000,000 certificates and took 10,000 of them out of
 * good standing (8,000 revoked, 1,500 suspended, 500 superseded) publishes
 * one list holding the 10,000. Measured, with the demo PKI (sceau demo):
 *   - the list's size (must stay under 1 MB);
 *   - building and signing it (sceau_status_build), median;
 *   - loading it: decode alone (sceau_status_decode), and decode + verify
 *     under the trust store (sceau_trust_add_status), medians; for
 *     comparison, the general COSE reader on the same bytes
 *     (sceau_cose_decode, which builds libcbor's tree of the payload);
 *   - a look-up (sceau_status_find) per query, for numbers listed (hits)
 *     and 100,000 of the 990,000 others (misses), and a whole document status check
 *     (sceau_trust_doc_status);
 *   - peak resident memory of this process.
 * Usage: sceau_bench_status SCEAU_BINARY [ISSUED [LISTED]]
 *        (cmake --build build --target bench) */
#include "bench_util.h"

/* Runs argv with its output to /dev/null; exit status. */
static int run(char *const argv[])
{
	return bench_run(argv, NULL);
}

static void number(char *buf, size_t len, long i)
{
	snprintf(buf, len, "DEMO-COC-%04ld-%06ld", 2026 + i / 1000000, i % 1000000);
}

int main(int argc, char **argv)
{
	struct sceau_error err = {0};
	struct sceau_signer *s = NULL;
	struct sceau_status *list = NULL;
	struct sceau_status_entry *e;
	char dir[] = "/tmp/sceau-bench-status-XXXXXX", demo_dir[64], signer_dir[96], trust_dir[96];
	long issued = argc > 2 ? atol(argv[2]) : 1000000, listed = argc > 3 ? atol(argv[3]) : 10000;
	long step, queries;
	int reps = 21;
	double t[21], t0, build_ms, decode_ms, load_ms, cose_ms, hit_ns, miss_ns, doc_ns;
	long load_rss, start_rss;
	time_t now = time(NULL);
	volatile size_t found = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s SCEAU_BINARY [ISSUED [LISTED]]\n", argv[0]);
		return 2;
	}
	if (issued < 1 || listed < 1 || listed > issued || listed > SCEAU_STATUS_ENTRIES_MAX)
		bench_die("ISSUED and LISTED: 1 <= LISTED <= ISSUED", NULL);
	if (!mkdtemp(dir))
		bench_die("mkdtemp", NULL);
	snprintf(demo_dir, sizeof(demo_dir), "%s/demo", dir);
	snprintf(signer_dir, sizeof(signer_dir), "%s/signer", demo_dir);
	snprintf(trust_dir, sizeof(trust_dir), "%s/trust", demo_dir);
	{
		char *demo[] = {argv[1], "demo", "--dir", demo_dir, NULL};
		char demo_list[160];
		if (run(demo) != 0)
			bench_die("sceau demo failed", NULL);
		/* The demo publishes a small list of its own: measure ours alone. */
		snprintf(demo_list, sizeof(demo_list), "%s/demo-body.status", trust_dir);
		unlink(demo_list);
	}
	if (sceau_signer_open(signer_dir, &s, &err) || sceau_signer_unlock(s, "demo", 4, &err))
		bench_die("signer", &err);

	start_rss = bench_rss_kib();

	/* Every step-th certificate is listed, in reverse order (the builder
	 * sorts): 80% revoked, 15% suspended, 5% superseded by the next
	 * number. */
	step = issued / listed;
	if (!(e = calloc((size_t)listed, sizeof(*e))))
		bench_die("calloc", NULL);
	for (long i = 0; i < listed; i++) {
		long k = (listed - 1 - i) * step, m = i % 20;
		number(e[i].number, sizeof(e[i].number), k);
		e[i].since = now - (time_t)(i % 365) * 86400;
		if (m < 16) {
			e[i].state = SCEAU_DOC_REVOKED;
			e[i].reason = (enum sceau_doc_reason)(1 + i % 5);
		} else if (m < 19) {
			e[i].state = SCEAU_DOC_SUSPENDED;
			e[i].reason = SCEAU_DOCR_INVESTIGATION;
		} else {
			e[i].state = SCEAU_DOC_SUPERSEDED;
			e[i].reason = SCEAU_DOCR_SUPERSEDED;
			number(e[i].by, sizeof(e[i].by), k + 1);
		}
	}

	/* ---- building ---- */
	for (int r = 0; r < reps; r++) {
		sceau_status_free(list);
		list = NULL;
		t0 = bench_now_ns();
		if (sceau_status_build(e, (size_t)listed, 1, now, now + 7 * 86400, s->cert, s->key,
				       &list, &err))
			bench_die("build", &err);
		t[r] = bench_now_ns() - t0;
	}
	build_ms = bench_median(t, reps) / 1e6;

	/* ---- loading ---- */
	for (int r = 0; r < reps; r++) {
		struct sceau_status *d = NULL;
		t0 = bench_now_ns();
		if (sceau_status_decode(list->raw, list->raw_len, &d, &err))
			bench_die("decode", &err);
		t[r] = bench_now_ns() - t0;
		sceau_status_free(d);
	}
	decode_ms = bench_median(t, reps) / 1e6;
	struct sceau_trust *trust = NULL;
	for (int r = 0; r < reps; r++) {
		sceau_trust_free(trust);
		trust = NULL;
		if (sceau_trust_load_dir(trust_dir, &trust, &err))
			bench_die("trust", &err);
		t0 = bench_now_ns();
		if (sceau_trust_add_status(trust, list->raw, list->raw_len, &err))
			bench_die("add status", &err);
		t[r] = bench_now_ns() - t0;
	}
	load_ms = bench_median(t, reps) / 1e6;

	load_rss = bench_rss_kib();

	/* ---- look-ups: the listed numbers (hits), and up to 100,000 others
	 * (misses), formatted beforehand, each batch timed whole ---- */
	const struct sceau_status *held = sceau_trust_status_for(trust, s->name);
	if (!held)
		bench_die("the store holds no list of the demo body", NULL);
	long nmiss = issued - listed < 100000 ? issued - listed : 100000, m = 0;
	char(*hit)[SCEAU_NUMBER_MAX] = calloc((size_t)listed, SCEAU_NUMBER_MAX);
	char(*miss)[SCEAU_NUMBER_MAX] = calloc((size_t)(nmiss ? nmiss : 1), SCEAU_NUMBER_MAX);
	if (!hit || !miss)
		bench_die("calloc", NULL);
	for (long i = 0; i < listed; i++)
		memcpy(hit[i], e[i].number, SCEAU_NUMBER_MAX);
	for (long k = 0; m < nmiss && k < issued; k++)
		if (k % step != 0 || k / step >= listed)
			number(miss[m++], SCEAU_NUMBER_MAX, k);
	for (int r = 0; r < reps; r++) {
		t0 = bench_now_ns();
		for (long i = 0; i < listed; i++)
			found += sceau_status_find(held, hit[i]) != NULL;
		t[r] = (bench_now_ns() - t0) / (double)listed;
	}
	hit_ns = bench_median(t, reps);
	if (found != (size_t)listed * (size_t)reps)
		bench_die("look-ups missed listed numbers", NULL);
	for (int r = 0; r < reps; r++) {
		t0 = bench_now_ns();
		for (long i = 0; i < nmiss; i++)
			found += sceau_status_find(held, miss[i]) != NULL;
		t[r] = (bench_now_ns() - t0) / (double)(nmiss ? nmiss : 1);
	}
	miss_ns = bench_median(t, reps);
	if (found != (size_t)listed * (size_t)reps)
		bench_die("look-ups found numbers that are not listed", NULL);
	queries = listed + nmiss;
	t0 = bench_now_ns();
	for (long i = 0; i < queries; i++) {
		struct sceau_verdict v = {SCEAU_VERDICT_VALID, "", ""};
		struct sceau_doc_status st;
		sceau_trust_doc_status(trust, s->name, i < listed ? hit[i] : miss[i - listed], now,
				       &st, &v);
		found += st.state != SCEAU_DOC_GOOD;
	}
	doc_ns = (bench_now_ns() - t0) / (double)queries;
	free(hit);
	free(miss);

	/* last: libcbor's tree would weigh on the peak */
	for (int r = 0; r < reps; r++) {
		struct sceau_cose *c = NULL;
		t0 = bench_now_ns();
		if (sceau_cose_decode(list->raw, list->raw_len, &c, &err))
			bench_die("cose decode", &err);
		t[r] = bench_now_ns() - t0;
		sceau_cose_free(c);
	}
	cose_ms = bench_median(t, reps) / 1e6;
	printf("sceau document status list (%s; %ld issued, %ld listed; medians of %d runs)\n",
	       SCEAU_VERSION_STRING, issued, listed, reps);
	printf("  list file             %zu bytes (%.1f bytes per entry; %s 1 MB)\n", list->raw_len,
	       (double)list->raw_len / (double)listed,
	       list->raw_len < 1000000 ? "under" : "NOT under");
	printf("  build + sign          %.2f ms\n", build_ms);
	printf("  decode                %.2f ms (the general COSE reader, libcbor's tree: "
	       "%.2f ms)\n",
	       decode_ms, cose_ms);
	printf("  load (decode+verify)  %.2f ms (sceau_trust_add_status)\n", load_ms);
	printf("  look-up, hit          %.0f ns per query (%ld numbers)\n", hit_ns, listed);
	printf("  look-up, miss         %.0f ns per query (%ld numbers)\n", miss_ns, nmiss);
	printf("  document status       %.0f ns per query (sceau_trust_doc_status, verdict "
	       "text included)\n",
	       doc_ns);
	printf("  memory                RSS %ld KiB with the signer open, %ld KiB with the list "
	       "built and loaded into a trust store (+%ld KiB); peak %ld KiB (the key's scrypt)\n",
	       start_rss, load_rss, load_rss - start_rss, bench_peak_rss_kib());
	{
		char what[96];
		snprintf(what, sizeof(what), "status list of %ld: size / load / status check",
			 listed);
		bench_summary(what, NULL, "< 1 MB", list->raw_len < 1000000 ? "yes" : "no",
			      "%.0f KB / %.2f ms / %.0f ns", list->raw_len / 1024.0, load_ms,
			      doc_ns);
	}

	sceau_trust_free(trust);
	sceau_status_free(list);
	sceau_signer_close(s);
	free(e);
	{
		char *rm[] = {"rm", "-rf", dir, NULL};
		run(rm);
	}
	return 0;
}
