/* sceau — reading a received PDF with libqpdf's C API (part `pdfread`,
 * see pdfread_int.h).
 *
 * The C API catches libqpdf's C++ exceptions and records them: a call
 * that fails returns a fallback (false, 0, "", a null handle) and sets an
 * error that only qpdf_has_error shows. So every walk checks for it, and
 * for warnings (below), before each node and before it trusts what it has
 * read (trouble).
 * Handle 0 is never a valid object: passing it to a C API call is itself
 * an error, so a missing object is carried as 0 and tested before use.
 *
 * Warnings: without recovery libqpdf still reads on past damage, with a
 * warning (resolving an object it cannot parse gives null); every warning
 * is refused (refuse_warnings). libqpdf writes warnings and unsilenced
 * errors through its logger, to stderr by default: each read gets its own
 * logger that discards everything, on top of qpdf_silence_errors and
 * qpdf_set_suppress_warnings; the warnings stay queued for us.
 *
 * Bounds: the form field tree and the embedded-files name tree are walked
 * to SCEAU_PDF_DEPTH_MAX levels, each indirect node at most once (a cycle
 * or a shared node is refused), and at most NODES_MAX array items in all;
 * the embedded file is inflated with the bounded sceau_zlib_decompress.
 * libqpdf itself bounds object nesting while parsing (at 500: a warning,
 * so a refusal) and detects loops in xref /Prev chains and the page tree. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <qpdf/qpdf-c.h>

#include "pdfread_int.h"
#include "sceau/envelope.h"

/* Array items looked at in the field tree and the name tree together. */
#define NODES_MAX 10000
/* libqpdf's messages are cut to this many bytes in ours. */
#define QPDF_TEXT_MAX 300
/* The embedded file the record travels in (render.c). */
#define RECORD_NAME "certificate.json"

/* Object numbers of the indirect nodes of one tree walk. */
struct idset {
	int *v; /* open addressing, 0 = empty; cap a power of two */
	size_t cap, n;
};

struct rd {
	qpdf_data q;
	struct sceau_error *err;
	struct sceau_pdf_facts *f;
	size_t nodes;      /* array items looked at (NODES_MAX) */
	struct idset seen; /* indirect nodes of the tree being walked */
	int docmdp_id;     /* object number of /Perms /DocMDP; 0: none or direct */
	int docmdp_used;   /* a signature field's /V is that object */
	qpdf_oh record_fs; /* the file specification of RECORD_NAME, 0 when none */
	int encrypted;     /* the open failed: the document is encrypted */
};

/* ---- small helpers --------------------------------------------------------- */

/* 1 when id was added, 0 when it was there, -1 on no memory. */
static int idset_add(struct idset *s, int id)
{
	size_t i;

	if (s->n + 1 > s->cap / 2) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		int *v = calloc(cap, sizeof(*v));

		if (!v)
			return -1;
		for (size_t k = 0; k < s->cap; k++) {
			if (!s->v[k])
				continue;
			for (i = (size_t)s->v[k] & (cap - 1); v[i]; i = (i + 1) & (cap - 1))
				;
			v[i] = s->v[k];
		}
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	for (i = (size_t)id & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == id)
			return 0;
	s->v[i] = id;
	s->n++;
	return 1;
}

static void idset_release(struct idset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Text from libqpdf as one line of at most QPDF_TEXT_MAX bytes: control
 * characters become spaces. */
static void one_line(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	for (; src && *src && n + 1 < size && n < QPDF_TEXT_MAX; src++)
		dst[n++] = (unsigned char)*src < 0x20 || *src == 0x7f ? ' ' : *src;
	dst[n] = '\0';
}

/* The error libqpdf recorded, as ours (and cleared from libqpdf). */
static enum sceau_err qpdf_failed(struct rd *r)
{
	qpdf_error e = qpdf_get_error(r->q);
	char text[QPDF_TEXT_MAX + 1];

	if (e && qpdf_get_error_code(r->q, e) == qpdf_e_password) {
		r->encrypted = 1;
		return sceau_fail(r->err, SCEAU_ERR_FORMAT, "cannot read the PDF: it is encrypted");
	}
	one_line(text, sizeof(text), e ? qpdf_get_error_full_text(r->q, e) : NULL);
	/* libqpdf's C API catches std::bad_alloc and records it as an error:
	 * the machine's fault, not the file's. */
	if (strstr(text, "bad_alloc"))
		return sceau_fail(r->err, SCEAU_ERR_NOMEM, "out of memory reading the PDF");
	return sceau_fail(r->err, SCEAU_ERR_FORMAT, "cannot read the PDF: %s",
			  text[0] ? text : "unknown error");
}

/* libqpdf warns, and reads on, where the file is damaged: an object not
 * at its xref offset or not parsable is read as null, one nested too deep
 * too, an unknown token as a string, a page tree is repaired. A reader
 * of signed documents must not see something other readers do not: any
 * warning is a refusal, with the first one's text. */
static enum sceau_err refuse_warnings(struct rd *r)
{
	char text[QPDF_TEXT_MAX + 1];
	qpdf_error w;

	if (!qpdf_more_warnings(r->q) || !(w = qpdf_next_warning(r->q)))
		return SCEAU_OK;
	one_line(text, sizeof(text), qpdf_get_error_full_text(r->q, w));
	return sceau_fail(r->err, SCEAU_ERR_FORMAT, "cannot read the PDF: %s",
			  text[0] ? text : "damaged");
}

/* What libqpdf recorded since the last look: an error, else a warning
 * (damage it read past), as ours; SCEAU_OK when neither. Checked before
 * each node of a walk, so that a damaged document stops the walk. */
static enum sceau_err trouble(struct rd *r)
{
	if (qpdf_has_error(r->q))
		return qpdf_failed(r);
	return refuse_warnings(r);
}

static enum sceau_err nomem(struct rd *r)
{
	return sceau_fail(r->err, SCEAU_ERR_NOMEM, "out of memory reading the PDF");
}

/* One more array item looked at; SCEAU_ERR_FORMAT past the bound. */
static enum sceau_err count_node(struct rd *r, const char *what)
{
	if (++r->nodes > NODES_MAX)
		return sceau_fail(r->err, SCEAU_ERR_FORMAT,
				  "cannot read the PDF: more than %d objects in the %s", NODES_MAX,
				  what);
	return SCEAU_OK;
}

/* A node of a tree, entered once: SCEAU_ERR_FORMAT when it was seen. */
static enum sceau_err enter_node(struct rd *r, qpdf_oh node, const char *what)
{
	int id = qpdf_oh_get_object_id(r->q, node);
	int added;

	if (id <= 0)
		return SCEAU_OK; /* a direct object is part of its parent: no cycle */
	added = idset_add(&r->seen, id);
	if (added < 0)
		return nomem(r);
	if (!added)
		return sceau_fail(r->err, SCEAU_ERR_FORMAT,
				  "cannot read the PDF: object %d is reached twice in the %s", id,
				  what);
	return SCEAU_OK;
}

static int is_dict(struct rd *r, qpdf_oh oh)
{
	return oh && qpdf_oh_is_dictionary(r->q, oh);
}

static int is_array(struct rd *r, qpdf_oh oh)
{
	return oh && qpdf_oh_is_array(r->q, oh);
}

/* dict's value for key; 0 when dict is not a dictionary or the value is
 * null (absent). */
static qpdf_oh get(struct rd *r, qpdf_oh dict, const char *key)
{
	qpdf_oh v;

	if (!is_dict(r, dict))
		return 0;
	v = qpdf_oh_get_key(r->q, dict, key);
	if (!v || qpdf_oh_is_null(r->q, v))
		return 0;
	return v;
}

/* A malloc'd copy of a string object's bytes, NUL-terminated, or NULL
 * (no memory: *nomem set). */
static char *string_dup(struct rd *r, qpdf_oh s, size_t *len, int *oom)
{
	size_t n = 0;
	const char *v = qpdf_oh_get_binary_string_value(r->q, s, &n);
	char *c = malloc(n + 1);

	if (!c) {
		*oom = 1;
		return NULL;
	}
	if (n && v)
		memcpy(c, v, n);
	c[n] = '\0';
	*len = n;
	return c;
}

/* A text value (string without NUL) as a malloc'd copy; NULL when v is
 * not such a string. utf8: decode PDFDocEncoding or UTF-16 to UTF-8. */
static char *text_dup(struct rd *r, qpdf_oh v, int utf8, int *oom)
{
	const char *s;
	size_t n = 0;
	char *c;

	if (!v || !qpdf_oh_is_string(r->q, v))
		return NULL;
	s = utf8 ? qpdf_oh_get_binary_utf8_value(r->q, v, &n)
		 : qpdf_oh_get_binary_string_value(r->q, v, &n);
	if (!s || memchr(s, '\0', n))
		return NULL;
	if (!(c = strndup(s, n)))
		*oom = 1;
	return c;
}

/* A name without its slash, malloc'd; NULL when v is not a name. */
static char *name_dup(struct rd *r, qpdf_oh v, int *oom)
{
	const char *s;
	char *c;

	if (!v || !qpdf_oh_is_name(r->q, v))
		return NULL;
	s = qpdf_oh_get_name(r->q, v);
	if (!s)
		return NULL;
	if (!(c = strdup(s[0] == '/' ? s + 1 : s)))
		*oom = 1;
	return c;
}

static void sig_release(struct sceau_pdf_sig *s)
{
	free(s->field);
	free(s->filter);
	free(s->subfilter);
	free(s->m);
	free(s->contents);
	memset(s, 0, sizeof(*s));
}

void sceau_pdf_facts_free(struct sceau_pdf_facts *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nsigs; i++)
		sig_release(&f->sigs[i]);
	free(f->sigs);
	free(f->qr_text);
	free(f->record_json);
	free(f);
}

/* ---- signature dictionaries ----------------------------------------------- */

/* /P of the first DocMDP transform in /Reference, 0 when none. */
static int docmdp_p(struct rd *r, qpdf_oh sig)
{
	qpdf_oh refs = get(r, sig, "/Reference"), params, p;
	int n = is_array(r, refs) ? qpdf_oh_get_array_n_items(r->q, refs) : 0;
	long long v;

	/* At most a few transforms exist (DocMDP, UR3, FieldMDP). */
	for (int i = 0; i < n && i < 16; i++) {
		qpdf_oh ref = qpdf_oh_get_array_item(r->q, refs, i);
		if (!qpdf_oh_is_name_and_equals(r->q, get(r, ref, "/TransformMethod"), "/DocMDP"))
			continue;
		params = get(r, ref, "/TransformParams");
		p = get(r, params, "/P");
		if (!p || !qpdf_oh_is_integer(r->q, p))
			return 0;
		v = qpdf_oh_get_int_value(r->q, p);
		return v >= INT_MIN && v <= INT_MAX ? (int)v : 0;
	}
	return 0;
}

static void read_byterange(struct rd *r, qpdf_oh sig, struct sceau_pdf_sig *s)
{
	qpdf_oh br = get(r, sig, "/ByteRange");
	int n, ints = 1;

	if (!br)
		return;
	if (!qpdf_oh_is_array(r->q, br)) {
		s->byterange_kind = SCEAU_PDF_WRONG;
		return;
	}
	s->byterange_kind = SCEAU_PDF_OK;
	n = qpdf_oh_get_array_n_items(r->q, br);
	s->n_byterange = n > 0 ? (size_t)n : 0;
	if (n != 4)
		return;
	for (int i = 0; i < 4; i++) {
		qpdf_oh it = qpdf_oh_get_array_item(r->q, br, i);
		if (!qpdf_oh_is_integer(r->q, it)) {
			ints = 0;
			break;
		}
		s->byterange[i] = qpdf_oh_get_int_value(r->q, it);
	}
	if (!ints)
		memset(s->byterange, 0, sizeof(s->byterange));
	s->byterange_ints = ints;
}

/* Fill s from the signature dictionary sig, of field `field` (0: none). */
static enum sceau_err read_sig(struct rd *r, qpdf_oh sig, qpdf_oh field, struct sceau_pdf_sig *s)
{
	qpdf_oh c;
	size_t n = 0;
	int oom = 0;

	memset(s, 0, sizeof(*s));
	s->objid = qpdf_oh_get_object_id(r->q, sig);
	if (field)
		s->field = text_dup(r, get(r, field, "/T"), 1, &oom);
	s->filter = name_dup(r, get(r, sig, "/Filter"), &oom);
	s->subfilter = name_dup(r, get(r, sig, "/SubFilter"), &oom);
	s->m = text_dup(r, get(r, sig, "/M"), 0, &oom);
	read_byterange(r, sig, s);
	if ((c = get(r, sig, "/Contents"))) {
		s->contents_kind = SCEAU_PDF_WRONG;
		if (qpdf_oh_is_string(r->q, c)) {
			qpdf_oh_get_binary_string_value(r->q, c, &n);
			if (n > SCEAU_PDF_CONTENTS_MAX) {
				s->contents_len = n;
			} else {
				s->contents = (unsigned char *)string_dup(r, c, &n, &oom);
				s->contents_len = s->contents ? n : 0;
				s->contents_kind = SCEAU_PDF_OK;
			}
		}
	}
	s->docmdp = s->objid > 0 && s->objid == r->docmdp_id;
	s->docmdp_p = docmdp_p(r, sig);
	if (oom)
		return nomem(r);
	return trouble(r);
}

static enum sceau_err add_sig(struct rd *r, qpdf_oh sig, qpdf_oh field)
{
	struct sceau_pdf_facts *f = r->f;
	enum sceau_err ret;

	if (f->nsigs >= SCEAU_PDF_SIGS_MAX)
		return SCEAU_OK;
	if (!f->sigs && !(f->sigs = calloc(SCEAU_PDF_SIGS_MAX, sizeof(*f->sigs))))
		return nomem(r);
	ret = read_sig(r, sig, field, &f->sigs[f->nsigs]);
	/* counted even on failure, so that its strings are freed */
	f->nsigs++;
	return ret;
}

/* ---- the form field tree ----------------------------------------------------- */

#define FIELDS "form field tree"

/* Whether node has a kid that is a field (a dictionary with /T); kids
 * without /T are the field's widget annotations. */
static enum sceau_err has_field_kids(struct rd *r, qpdf_oh kids, int *yes)
{
	int n = qpdf_oh_get_array_n_items(r->q, kids);
	enum sceau_err ret;

	*yes = 0;
	for (int i = 0; i < n && !*yes; i++) {
		if ((ret = count_node(r, FIELDS)) != SCEAU_OK)
			return ret;
		*yes = get(r, qpdf_oh_get_array_item(r->q, kids, i), "/T") != 0;
	}
	return SCEAU_OK;
}

/* Visit field `node` at `depth` (1: in /Fields) with the /FT and /V its
 * parents pass down (sig: /FT is /Sig; v: 0 when none). */
static enum sceau_err visit_field(struct rd *r, qpdf_oh node, int depth, int sig, qpdf_oh v)
{
	qpdf_oh ft, own_v, kids;
	enum sceau_err ret;
	int fields = 0, n;

	if ((ret = trouble(r)) != SCEAU_OK)
		return ret;
	if (!is_dict(r, node))
		return SCEAU_OK;
	if (depth > SCEAU_PDF_DEPTH_MAX)
		return sceau_fail(r->err, SCEAU_ERR_FORMAT,
				  "cannot read the PDF: form fields nested deeper than %d",
				  SCEAU_PDF_DEPTH_MAX);
	if ((ret = enter_node(r, node, FIELDS)) != SCEAU_OK)
		return ret;
	if ((ft = get(r, node, "/FT")))
		sig = qpdf_oh_is_name_and_equals(r->q, ft, "/Sig");
	if ((own_v = get(r, node, "/V")))
		v = own_v;
	kids = get(r, node, "/Kids");
	if (is_array(r, kids) && (ret = has_field_kids(r, kids, &fields)) != SCEAU_OK)
		return ret;
	if (!fields) { /* a terminal field */
		if (!sig)
			return SCEAU_OK;
		r->f->nsig_fields++;
		if (!is_dict(r, v))
			return SCEAU_OK;
		if (r->docmdp_id > 0 && qpdf_oh_get_object_id(r->q, v) == r->docmdp_id)
			r->docmdp_used = 1;
		return add_sig(r, v, node);
	}
	n = qpdf_oh_get_array_n_items(r->q, kids);
	for (int i = 0; i < n; i++) {
		qpdf_oh kid = qpdf_oh_get_array_item(r->q, kids, i);
		if ((ret = count_node(r, FIELDS)) != SCEAU_OK)
			return ret;
		if (get(r, kid, "/T") && (ret = visit_field(r, kid, depth + 1, sig, v)) != SCEAU_OK)
			return ret;
	}
	return SCEAU_OK;
}

static enum sceau_err read_fields(struct rd *r, qpdf_oh root)
{
	qpdf_oh fields = get(r, get(r, root, "/AcroForm"), "/Fields");
	enum sceau_err ret = SCEAU_OK;
	int n = is_array(r, fields) ? qpdf_oh_get_array_n_items(r->q, fields) : 0;

	for (int i = 0; i < n && ret == SCEAU_OK; i++) {
		ret = count_node(r, FIELDS);
		if (ret == SCEAU_OK)
			ret = visit_field(r, qpdf_oh_get_array_item(r->q, fields, i), 1, 0, 0);
	}
	if (ret == SCEAU_OK)
		ret = trouble(r);
	return ret;
}

/* Signature widgets on the pages that /Fields does not list (poppler's
 * pdfsig -add-signature on a document with a direct /AcroForm adds its
 * field to the page only): viewers show them, so they are checked too.
 * A signature dictionary already read is not read again. */
#define WIDGET_PAGES_MAX 1000
static int sig_known(struct rd *r, int objid)
{
	for (size_t i = 0; i < r->f->nsigs; i++)
		if (objid > 0 && r->f->sigs[i].objid == objid)
			return 1;
	return 0;
}

static enum sceau_err read_widgets(struct rd *r)
{
	int pages = (int)(r->f->pages < WIDGET_PAGES_MAX ? r->f->pages : WIDGET_PAGES_MAX);
	enum sceau_err ret;

	for (int p = 0; p < pages; p++) {
		qpdf_oh annots = get(r, qpdf_get_page_n(r->q, (size_t)p), "/Annots");
		int n = is_array(r, annots) ? qpdf_oh_get_array_n_items(r->q, annots) : 0;
		for (int i = 0; i < n; i++) {
			qpdf_oh w = qpdf_oh_get_array_item(r->q, annots, i), parent, ft, v;
			if ((ret = count_node(r, "page annotations")) != SCEAU_OK)
				return ret;
			if (!is_dict(r, w) ||
			    !qpdf_oh_is_name_and_equals(r->q, get(r, w, "/Subtype"), "/Widget"))
				continue;
			parent = get(r, w, "/Parent");
			if (!(ft = get(r, w, "/FT")) && is_dict(r, parent))
				ft = get(r, parent, "/FT");
			if (!ft || !qpdf_oh_is_name_and_equals(r->q, ft, "/Sig"))
				continue;
			if (!(v = get(r, w, "/V")) && is_dict(r, parent))
				v = get(r, parent, "/V");
			if (!is_dict(r, v) || sig_known(r, qpdf_oh_get_object_id(r->q, v)))
				continue;
			r->f->nsig_fields++;
			if (r->docmdp_id > 0 && qpdf_oh_get_object_id(r->q, v) == r->docmdp_id)
				r->docmdp_used = 1;
			if ((ret = add_sig(r, v, get(r, w, "/T") ? w : parent)) != SCEAU_OK)
				return ret;
		}
	}
	return trouble(r);
}

/* /Perms /DocMDP: noted before the walk, added after it when no field
 * has it as /V. */
static enum sceau_err read_perms(struct rd *r, qpdf_oh root, qpdf_oh *docmdp)
{
	qpdf_oh d = get(r, get(r, root, "/Perms"), "/DocMDP");

	*docmdp = 0;
	if (d) {
		r->f->has_perms_docmdp = 1;
		if (is_dict(r, d)) {
			*docmdp = d;
			r->docmdp_id = qpdf_oh_get_object_id(r->q, d);
		}
	}
	return trouble(r);
}

/* ---- the embedded record ------------------------------------------------------ */

#define NAMES "embedded file name tree"

/* Look for RECORD_NAME in name tree node `node` at `depth` (1: the root). */
static enum sceau_err visit_names(struct rd *r, qpdf_oh node, int depth)
{
	const size_t want = sizeof(RECORD_NAME) - 1;
	qpdf_oh names, kids;
	enum sceau_err ret;
	int n;

	if ((ret = trouble(r)) != SCEAU_OK)
		return ret;
	if (!is_dict(r, node))
		return SCEAU_OK;
	if (depth > SCEAU_PDF_DEPTH_MAX)
		return sceau_fail(r->err, SCEAU_ERR_FORMAT,
				  "cannot read the PDF: embedded file names nested deeper than %d",
				  SCEAU_PDF_DEPTH_MAX);
	if ((ret = enter_node(r, node, NAMES)) != SCEAU_OK)
		return ret;
	names = get(r, node, "/Names");
	n = is_array(r, names) ? qpdf_oh_get_array_n_items(r->q, names) : 0;
	for (int i = 0; i + 1 < n; i += 2) {
		qpdf_oh key = qpdf_oh_get_array_item(r->q, names, i);
		const char *k;
		size_t klen = 0;

		if ((ret = count_node(r, NAMES)) != SCEAU_OK)
			return ret;
		if (!qpdf_oh_is_string(r->q, key))
			continue;
		k = qpdf_oh_get_binary_string_value(r->q, key, &klen);
		if (klen != want || !k || memcmp(k, RECORD_NAME, want) != 0)
			continue;
		if (r->record_fs)
			return sceau_fail(r->err, SCEAU_ERR_FORMAT,
					  "cannot read the PDF: two embedded files named '%s'",
					  RECORD_NAME);
		r->record_fs = qpdf_oh_get_array_item(r->q, names, i + 1);
	}
	kids = get(r, node, "/Kids");
	n = is_array(r, kids) ? qpdf_oh_get_array_n_items(r->q, kids) : 0;
	for (int i = 0; i < n; i++) {
		if ((ret = count_node(r, NAMES)) != SCEAU_OK)
			return ret;
		ret = visit_names(r, qpdf_oh_get_array_item(r->q, kids, i), depth + 1);
		if (ret != SCEAU_OK)
			return ret;
	}
	return SCEAU_OK;
}

/* 1: no filter, 2: FlateDecode, 0: anything else. */
static int record_filter(struct rd *r, qpdf_oh dict)
{
	qpdf_oh filter = get(r, dict, "/Filter"), parms = get(r, dict, "/DecodeParms");
	int n;

	/* Predictors and other parameters are not decoded here. */
	if (parms && !(is_dict(r, parms) && !get(r, parms, "/Predictor")) &&
	    !(is_array(r, parms) && qpdf_oh_get_array_n_items(r->q, parms) == 0))
		return 0;
	if (!filter)
		return 1;
	if (qpdf_oh_is_array(r->q, filter)) {
		n = qpdf_oh_get_array_n_items(r->q, filter);
		if (n == 0)
			return 1;
		if (n != 1)
			return 0;
		filter = qpdf_oh_get_array_item(r->q, filter, 0);
	}
	return qpdf_oh_is_name_and_equals(r->q, filter, "/FlateDecode") ? 2 : 0;
}

static enum sceau_err read_record(struct rd *r)
{
	struct sceau_error zerr = {0};
	unsigned char *raw = NULL, *data = NULL, *grown;
	size_t raw_len = 0, len = 0;
	qpdf_oh ef, st;
	enum sceau_err ret = SCEAU_ERR_FORMAT;
	int filter;

	ef = get(r, r->record_fs, "/EF");
	st = get(r, ef, "/F");
	if (!st)
		st = get(r, ef, "/UF");
	if (!st || !qpdf_oh_is_stream(r->q, st)) {
		if ((ret = trouble(r)) != SCEAU_OK)
			return ret;
		return sceau_fail(r->err, SCEAU_ERR_FORMAT,
				  "cannot read the PDF: embedded file '%s' has no stream",
				  RECORD_NAME);
	}
	filter = record_filter(r, qpdf_oh_get_dict(r->q, st));
	if ((ret = trouble(r)) != SCEAU_OK)
		return ret;
	if (!filter)
		return sceau_fail(r->err, SCEAU_ERR_FORMAT,
				  "cannot read the PDF: embedded file '%s' has a filter other than "
				  "FlateDecode",
				  RECORD_NAME);
	if ((qpdf_oh_get_stream_data(r->q, st, qpdf_dl_none, NULL, &raw, &raw_len) & QPDF_ERRORS) ||
	    qpdf_has_error(r->q)) {
		ret = qpdf_failed(r);
		goto out;
	}
	if (filter == 2) {
		ret = sceau_zlib_decompress(raw, raw_len, SCEAU_PDF_EMBED_MAX, &data, &len, &zerr);
		if (ret != SCEAU_OK) {
			ret = sceau_fail(r->err, ret, "cannot read the PDF: embedded file '%s': %s",
					 RECORD_NAME, zerr.msg);
			goto out;
		}
	} else {
		if (raw_len > SCEAU_PDF_EMBED_MAX) {
			ret = sceau_fail(r->err, SCEAU_ERR_FORMAT,
					 "cannot read the PDF: embedded file '%s' larger than %zu "
					 "bytes",
					 RECORD_NAME, SCEAU_PDF_EMBED_MAX);
			goto out;
		}
		data = raw;
		len = raw_len;
		raw = NULL;
	}
	if (!(grown = realloc(data, len + 1))) {
		ret = nomem(r);
		goto out;
	}
	data = grown;
	data[len] = '\0';
	r->f->record_json = data;
	r->f->record_len = len;
	data = NULL;
	ret = SCEAU_OK;
out:
	free(raw);
	free(data);
	return ret;
}

static enum sceau_err read_embedded(struct rd *r, qpdf_oh root)
{
	qpdf_oh tree = get(r, get(r, root, "/Names"), "/EmbeddedFiles");
	enum sceau_err ret;

	idset_release(&r->seen);
	if ((ret = visit_names(r, tree, 1)) != SCEAU_OK)
		return ret;
	if ((ret = trouble(r)) != SCEAU_OK)
		return ret;
	if (!r->record_fs)
		return SCEAU_OK;
	return read_record(r);
}

/* ---- document information, pages, warnings -------------------------------- */

static enum sceau_err read_qr(struct rd *r, qpdf_oh trailer)
{
	qpdf_oh v = get(r, get(r, trailer, "/Info"), "/SceauQR");
	const char *s;
	size_t n = 0;
	enum sceau_err ret;

	if ((ret = trouble(r)) != SCEAU_OK)
		return ret;
	if (!v)
		return SCEAU_OK;
	if (!qpdf_oh_is_string(r->q, v))
		return sceau_fail(r->err, SCEAU_ERR_FORMAT,
				  "cannot read the PDF: document information 'SceauQR' is not a "
				  "string");
	s = qpdf_oh_get_binary_string_value(r->q, v, &n);
	/* The QR text is a prefix and Base45: printable ASCII. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return sceau_fail(r->err, SCEAU_ERR_FORMAT,
					  "cannot read the PDF: document information 'SceauQR' "
					  "has a byte 0x%02x at %zu, not printable ASCII",
					  (unsigned char)s[i], i);
	if (!(r->f->qr_text = strndup(s ? s : "", n)))
		return nomem(r);
	return SCEAU_OK;
}

static enum sceau_err read_pages(struct rd *r)
{
	int n = qpdf_get_num_pages(r->q);

	if (n < 0 || qpdf_has_error(r->q))
		return qpdf_failed(r);
	r->f->pages = (unsigned)n;
	return SCEAU_OK;
}

/* ---- reading ------------------------------------------------------------------ */

/* A logger that writes nothing anywhere, for this qpdf_data only. */
static void quiet(qpdf_data q)
{
	qpdflogger_handle l = qpdflogger_create();

	qpdflogger_set_info(l, qpdf_log_dest_discard, NULL, NULL);
	qpdflogger_set_warn(l, qpdf_log_dest_discard, NULL, NULL);
	qpdflogger_set_error(l, qpdf_log_dest_discard, NULL, NULL);
	qpdf_set_logger(q, l);
	qpdflogger_cleanup(&l);
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
}

/* libqpdf is given this password, which no document has: an encrypted
 * document fails to open (qpdf_e_password) rather than being decrypted,
 * even with an empty user password, before libqpdf looks inside it. */
#define NO_PASSWORD "sceau: no password \x01\x02"

/* A qpdf_data for buf. xref_streams 0: libqpdf ignores cross-reference
 * streams, and so decodes no stream at all (object streams are only found
 * through them); the read fails when the document needs them. */
static enum sceau_err open_pdf(struct rd *r, const unsigned char *buf, size_t len, int xref_streams)
{
	if (!(r->q = qpdf_init()))
		return nomem(r);
	quiet(r->q);
	/* A broken xref is refused, never reconstructed. */
	qpdf_set_attempt_recovery(r->q, QPDF_FALSE);
	qpdf_set_ignore_xref_streams(r->q, xref_streams ? QPDF_FALSE : QPDF_TRUE);
	if ((qpdf_read_memory(r->q, "PDF", (const char *)buf, len, NO_PASSWORD) & QPDF_ERRORS) ||
	    qpdf_has_error(r->q))
		return qpdf_failed(r);
	if (qpdf_is_encrypted(r->q)) {
		r->encrypted = 1;
		return sceau_fail(r->err, SCEAU_ERR_FORMAT, "cannot read the PDF: it is encrypted");
	}
	return SCEAU_OK;
}

static void close_pdf(struct rd *r)
{
	if (r->q) {
		qpdf_oh_release_all(r->q);
		qpdf_cleanup(&r->q);
	}
}

/* Open buf without cross-reference streams when it has none (every sceau
 * document), else scan it (sceau_pdf_scan_flate) and open it with them. */
static enum sceau_err open_bounded(struct rd *r, const unsigned char *buf, size_t len)
{
	enum sceau_err ret = open_pdf(r, buf, len, 0);
	int hybrid;

	if (ret == SCEAU_OK) {
		/* a hybrid file: its classic table hides what its
		 * cross-reference stream (/XRefStm) adds */
		hybrid = qpdf_oh_has_key(r->q, qpdf_get_trailer(r->q), "/XRefStm") ||
			 memmem(buf, len, "XRefStm", 7) != NULL;
		if ((ret = trouble(r)) != SCEAU_OK)
			return ret;
		if (!hybrid)
			return SCEAU_OK;
	} else if (ret == SCEAU_ERR_NOMEM || r->encrypted) {
		return ret;
	}
	close_pdf(r);
	sceau_error_clear(r->err); /* the first attempt's reason is not the answer */
	if ((ret = sceau_pdf_scan_flate(buf, len, r->err)) != SCEAU_OK)
		return ret;
	return open_pdf(r, buf, len, 1);
}

enum sceau_err sceau_pdf_read(const unsigned char *buf, size_t len, struct sceau_pdf_facts **out,
			      struct sceau_error *err)
{
	struct rd r = {0};
	qpdf_oh root, trailer, docmdp = 0;
	enum sceau_err ret = SCEAU_ERR_FORMAT;

	if (!out || (!buf && len))
		return sceau_fail(err, SCEAU_ERR_INVALID, "read PDF: no input or output");
	*out = NULL;
	r.err = err;
	/* At offset 0, where the signed byte range starts: no polyglot prefix. */
	if (len < 5 || memcmp(buf, "%PDF-", 5) != 0)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "not a PDF: no %%PDF header");
	if (!(r.f = calloc(1, sizeof(*r.f)))) {
		ret = nomem(&r);
		goto out;
	}
	if ((ret = open_bounded(&r, buf, len)) != SCEAU_OK)
		goto out;
	root = qpdf_get_root(r.q);
	trailer = qpdf_get_trailer(r.q);
	if (qpdf_has_error(r.q)) {
		ret = qpdf_failed(&r);
		goto out;
	}
	if (!is_dict(&r, root)) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "cannot read the PDF: no document catalog");
		goto out;
	}
	if ((ret = read_perms(&r, root, &docmdp)) != SCEAU_OK ||
	    (ret = read_fields(&r, root)) != SCEAU_OK || (ret = read_pages(&r)) != SCEAU_OK ||
	    (ret = read_widgets(&r)) != SCEAU_OK)
		goto out;
	if (docmdp && !r.docmdp_used && r.f->nsigs < SCEAU_PDF_SIGS_MAX) {
		if ((ret = add_sig(&r, docmdp, 0)) != SCEAU_OK)
			goto out;
		r.f->sigs[r.f->nsigs - 1].docmdp = 1; /* a direct one has no number */
	}
	if ((ret = read_qr(&r, trailer)) != SCEAU_OK ||
	    (ret = read_embedded(&r, root)) != SCEAU_OK || (ret = refuse_warnings(&r)) != SCEAU_OK)
		goto out;
	*out = r.f;
	r.f = NULL;
	ret = SCEAU_OK;
out:
	close_pdf(&r);
	idset_release(&r.seen);
	sceau_pdf_facts_free(r.f);
	return ret;
}
