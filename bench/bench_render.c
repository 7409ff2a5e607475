/* sceau bench — rendering throughput, size and memory.
 *
 * Renders the example CoC (docs/examples/coc.json) and a 200-line CoC
 * in-process with one renderer, as `sceau issue` does, and prints the
 * median time per document, documents per second on one core, the PDF
 * size and the peak resident memory. Run: cmake --build build --target bench */
#include <jansson.h>

#include "bench_util.h"

static struct sceau_record *load(const char *json)
{
	struct sceau_error err = {0};
	struct sceau_record *rec = NULL;
	if (sceau_record_parse(json, strlen(json), &rec, &err) != SCEAU_OK) {
		fprintf(stderr, "bench: %s\n", err.msg);
		exit(3);
	}
	return rec;
}

/* The example with `lines` products (cycling through the example's). */
static char *with_lines(const char *path, int lines)
{
	json_t *doc = json_load_file(path, 0, NULL), *prods, *many;
	char *s;

	if (!doc) {
		fprintf(stderr, "bench: cannot read '%s'\n", path);
		exit(3);
	}
	if (lines <= 0) { /* the example as it is */
		s = json_dumps(doc, 0);
		json_decref(doc);
		return s;
	}
	prods = json_object_get(doc, "products");
	many = json_array();
	for (int i = 0; i < lines; i++) {
		json_t *p =
			json_deep_copy(json_array_get(prods, (size_t)i % json_array_size(prods)));
		char model[32];
		snprintf(model, sizeof(model), "M-%04d", i + 1);
		json_object_set_new(p, "model", json_string(model));
		json_array_append_new(many, p);
	}
	json_object_set_new(doc, "products", many);
	s = json_dumps(doc, 0);
	json_decref(doc);
	return s;
}

/* Median time per document in ms. */
static double run(struct sceau_renderer *r, const char *name, const struct sceau_record *rec,
		  const char *qr, int n)
{
	struct sceau_render_info info = {"Intertek Maroc", qr, 1795000000, NULL};
	struct sceau_error err = {0};
	double *t = calloc((size_t)n, sizeof(double)), total = 0;
	size_t len = 0;
	unsigned pages = 0;

	for (int i = 0; i < n; i++) {
		unsigned char *pdf = NULL;
		double a = bench_now_ms();
		if (sceau_render(r, rec, &info, &pdf, &len, &pages, &err) != SCEAU_OK) {
			fprintf(stderr, "bench: %s\n", err.msg);
			exit(3);
		}
		t[i] = bench_now_ms() - a;
		total += t[i];
		free(pdf);
	}
	qsort(t, (size_t)n, sizeof(double), bench_cmp_d);
	printf("%-22s %5d docs  median %7.2f ms  min %7.2f ms  %7.1f docs/s/core  %3u page%s  "
	       "%6.1f KB\n",
	       name, n, t[n / 2], t[0], 1000.0 * n / total, pages, pages == 1 ? " " : "s",
	       (double)len / 1024);
	total = t[n / 2];
	free(t);
	return total;
}

int main(int argc, char **argv)
{
	const char *examples = argc > 1 ? argv[1] : "docs/examples";
	const char *templates = argc > 2 ? argv[2] : "templates";
	int n = argc > 3 ? atoi(argv[3]) : 200;
	char path[4096], qr[600];
	struct sceau_renderer *r = NULL;
	struct sceau_error err = {0};
	struct sceau_record *coc, *halal, *big;
	char *json;
	double a, coc_ms;

	/* a QR text of the example's real length (478 characters) */
	memcpy(qr, "MA1:", 4);
	for (int i = 4; i < 478; i++)
		qr[i] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"[(i * 7) % 45];
	qr[478] = '\0';

	snprintf(path, sizeof(path), "%s/coc.json", examples);
	json = with_lines(path, 0);
	coc = load(json);
	free(json);
	json = with_lines(path, 200);
	big = load(json);
	free(json);
	snprintf(path, sizeof(path), "%s/halal.json", examples);
	json = with_lines(path, 0);
	halal = load(json);
	free(json);
	a = bench_now_ms();
	if (sceau_renderer_new(templates, &r, &err) != SCEAU_OK ||
	    sceau_renderer_prepare(r, SCEAU_PROGRAM_COC, &err) != SCEAU_OK ||
	    sceau_renderer_prepare(r, SCEAU_PROGRAM_HALAL, &err) != SCEAU_OK) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 3;
	}
	printf("sceau %s render bench (templates '%s')\n", sceau_version(), templates);
	printf("%-22s %.2f ms (templates parsed, 4 fonts opened)\n", "renderer setup",
	       bench_now_ms() - a);
	coc_ms = run(r, "CoC example (5 lines)", coc, qr, n);
	run(r, "Halal example", halal, qr, n);
	run(r, "CoC 200 lines", big, qr, n / 10 > 0 ? n / 10 : 1);
	printf("%-22s %ld KB\n", "peak RSS", bench_peak_rss_kib());
	bench_summary("render one CoC (unsigned), in-process", NULL, "<= 10 ms",
		      coc_ms <= 10 ? "yes" : "no", "%.2f ms (%.0f/s per core)", coc_ms,
		      1e3 / coc_ms);
	sceau_renderer_free(r);
	sceau_record_free(coc);
	sceau_record_free(halal);
	sceau_record_free(big);
	return 0;
}
