/* sceau — low-level PDF pieces on libharu (part: render): errors, the Info
 * dictionary, embedded files, saving. See pdfdoc_int.h; the QR code is in
 * pdfdoc_qr.c, the logo in pdfdoc_png.c.
 *
 * libharu 2.3.0 has no API for an embedded file from memory, for Info text
 * outside its current encoder, or for extra catalog entries; those are
 * built here from the object layer its installed headers export
 * (hpdf_objects.h: HPDF_Dict_Add, HPDF_Array_Add, HPDF_Binary_New…).
 * Direct objects are attached to their parent as soon as they exist, so
 * that a failure never leaves one outside the document's tree (libharu
 * frees an object a failed HPDF_Dict_Add or HPDF_Array_Add was given). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hpdf_catalog.h>
#include <hpdf_doc.h>
#include <hpdf_encrypt.h>
#include <hpdf_namedict.h>
#include <hpdf_objects.h>

#include "pdfdoc_int.h"

/* ---- errors ------------------------------------------------------------ */

void sceau_pdf_on_error(HPDF_STATUS code, HPDF_STATUS detail, void *data)
{
	struct sceau_pdf_err *rec = data;

	if (!rec)
		return;
	if (rec->count++ == 0) {
		rec->code = code;
		rec->detail = detail;
	}
}

enum sceau_err sceau_pdf_new(struct sceau_pdf_err *rec, HPDF_Doc *out, struct sceau_error *err)
{
	HPDF_Doc pdf;

	memset(rec, 0, sizeof(*rec));
	*out = NULL;
	pdf = HPDF_New(sceau_pdf_on_error, rec);
	if (!pdf)
		return sceau_fail(err, SCEAU_ERR_NOMEM,
				  "cannot create a PDF document: libharu error 0x%04X",
				  (unsigned)rec->code);
	if (HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL) != HPDF_OK) {
		enum sceau_err ret = sceau_pdf_check(pdf, "compress the PDF document", err);
		HPDF_Free(pdf);
		return ret ? ret : SCEAU_ERR_INTERNAL;
	}
	*out = pdf;
	return SCEAU_OK;
}

static const char *hpdf_error_text(HPDF_STATUS code)
{
	switch (code) {
	case HPDF_FAILD_TO_ALLOC_MEM:
		return " (out of memory)";
	case HPDF_INVALID_PNG_IMAGE:
		return " (invalid PNG image)";
	case HPDF_LIBPNG_ERROR:
		return " (libpng error)";
	case HPDF_INVALID_IMAGE:
		return " (invalid image)";
	case HPDF_INVALID_DOCUMENT:
		return " (invalid document)";
	case HPDF_PAGE_INVALID_GMODE:
		return " (wrong graphics mode)";
	case HPDF_STRING_OUT_OF_RANGE:
	case HPDF_BINARY_LENGTH_ERR:
		return " (string too long)";
	default:
		return "";
	}
}

/* sceau_pdf_check on libharu's error record itself: a page knows its
 * document's record (page->error), not the document. */
static enum sceau_err check_error(HPDF_Error e, const char *what, struct sceau_error *err)
{
	struct sceau_pdf_err *rec = NULL;
	HPDF_STATUS code = e->error_no, detail = e->detail_no;
	enum sceau_err ret;

	if (e->error_fn == sceau_pdf_on_error)
		rec = e->user_data;
	if (rec && rec->count) {
		code = rec->code;
		detail = rec->detail;
	}
	if (rec)
		memset(rec, 0, sizeof(*rec));
	HPDF_Error_Reset(e);
	if (code == HPDF_OK)
		return SCEAU_OK;
	switch (code) {
	case HPDF_FAILD_TO_ALLOC_MEM:
		ret = SCEAU_ERR_NOMEM;
		break;
	case HPDF_INVALID_PNG_IMAGE:
	case HPDF_LIBPNG_ERROR:
	case HPDF_INVALID_IMAGE:
		ret = SCEAU_ERR_FORMAT;
		break;
	default:
		ret = SCEAU_ERR_INTERNAL;
	}
	return sceau_fail(err, ret, "cannot %s: libharu error 0x%04X%s, detail %u", what,
			  (unsigned)code, hpdf_error_text(code), (unsigned)detail);
}

enum sceau_err sceau_pdf_check(HPDF_Doc pdf, const char *what, struct sceau_error *err)
{
	if (!HPDF_Doc_Validate(pdf))
		return sceau_fail(err, SCEAU_ERR_INTERNAL, "cannot %s: not a PDF document", what);
	return check_error(&pdf->error, what, err);
}

enum sceau_err sceau_pdf_failed(HPDF_Error e, HPDF_STATUS st, const char *what,
				struct sceau_error *err)
{
	enum sceau_err ret = check_error(e, what, err);

	if (ret != SCEAU_OK)
		return ret;
	return sceau_fail(err, st == HPDF_FAILD_TO_ALLOC_MEM ? SCEAU_ERR_NOMEM : SCEAU_ERR_INTERNAL,
			  "cannot %s: libharu error 0x%04X%s", what, (unsigned)st,
			  hpdf_error_text(st));
}

/* ---- text and dates ---------------------------------------------------- */

/* Whether UTF-8 `s` can be written as a PDF text string: valid, short
 * enough, no control characters. *ascii set when it is printable ASCII. */
static enum sceau_err text_check(const char *s, const char *what, int *ascii,
				 struct sceau_error *err)
{
	const size_t len = strlen(s);
	const unsigned char *p = (const unsigned char *)s;

	*ascii = 1;
	if (len > SCEAU_PDF_TEXT_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID, "%s too long: %zu bytes, at most %d",
				  what, len, SCEAU_PDF_TEXT_MAX);
	while (*p) {
		long cp = sceau_utf8_next(&p);
		if (cp < 0)
			return sceau_fail(err, SCEAU_ERR_INVALID, "%s is not valid UTF-8", what);
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "%s contains a control character (U+%04lX)", what, cp);
		if (cp >= 0x80)
			*ascii = 0;
	}
	return SCEAU_OK;
}

/* A PDF text string holding UTF-8 `s`, attached to `dict` under `key`.
 * Printable ASCII goes in a literal string (the same bytes in
 * PDFDocEncoding); anything else in UTF-16BE with a byte order mark, as a
 * hex string: libharu's HPDF_String writes its bytes through the current
 * encoder, or raw (as PDFDocEncoding, so UTF-8 "é" would read "Ã©") when
 * there is none, and stops at the first zero byte, so it cannot carry
 * UTF-16. `what` names the value in messages. */
static enum sceau_err dict_add_text(HPDF_Dict dict, const char *key, const char *s,
				    const char *what, struct sceau_error *err)
{
	const size_t len = strlen(s);
	const unsigned char *p;
	unsigned char *u16 = NULL;
	size_t n = 0;
	int ascii;
	HPDF_STATUS st;
	enum sceau_err ret;

	ret = text_check(s, what, &ascii, err);
	if (ret != SCEAU_OK)
		return ret;
	if (ascii) {
		st = HPDF_Dict_Add(dict, key, HPDF_String_New(dict->mmgr, s, NULL));
		goto added;
	}
	/* Each UTF-8 byte gives at most two bytes of UTF-16, plus the BOM. */
	u16 = malloc(2 + 2 * len);
	if (!u16)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "cannot write %s: out of memory", what);
	u16[n++] = 0xfe;
	u16[n++] = 0xff;
	for (p = (const unsigned char *)s; *p;) {
		long cp = sceau_utf8_next(&p);
		if (cp >= 0x10000) {
			long v = cp - 0x10000;
			long hi = 0xd800 | (v >> 10), lo = 0xdc00 | (v & 0x3ff);
			u16[n++] = (unsigned char)(hi >> 8);
			u16[n++] = (unsigned char)hi;
			u16[n++] = (unsigned char)(lo >> 8);
			u16[n++] = (unsigned char)lo;
		} else {
			u16[n++] = (unsigned char)(cp >> 8);
			u16[n++] = (unsigned char)cp;
		}
	}
	st = HPDF_Dict_Add(dict, key, HPDF_Binary_New(dict->mmgr, u16, (HPDF_UINT)n));
added:
	if (st != HPDF_OK) {
		char what2[256];
		snprintf(what2, sizeof(what2), "write %s", what);
		ret = sceau_pdf_failed(dict->error, st, what2, err);
		goto out;
	}
	ret = SCEAU_OK;
out:
	free(u16);
	return ret;
}

/* PDF date "D:YYYYMMDDHHmmSSZ" of t in UTC into buf (at least 18 bytes). */
static enum sceau_err pdf_date(time_t t, char *buf, size_t size, struct sceau_error *err)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "invalid PDF date: %lld is outside years 0000 to 9999",
				  (long long)t);
	snprintf(buf, size, "D:%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return SCEAU_OK;
}

static enum sceau_err dict_add_ascii(HPDF_Dict dict, const char *key, const char *value,
				     const char *what, struct sceau_error *err)
{
	HPDF_STATUS st = HPDF_Dict_Add(dict, key, HPDF_String_New(dict->mmgr, value, NULL));

	if (st != HPDF_OK) {
		char what2[96];
		snprintf(what2, sizeof(what2), "write %s", what);
		return sceau_pdf_failed(dict->error, st, what2, err);
	}
	return SCEAU_OK;
}

/* ---- the Info dictionary ------------------------------------------------- */

/* The document's Info dictionary, made as libharu's own GetInfo does. */
static enum sceau_err info_dict(HPDF_Doc pdf, HPDF_Dict *out, struct sceau_error *err)
{
	HPDF_Dict info;
	HPDF_STATUS st;

	if (!HPDF_HasDoc(pdf)) {
		enum sceau_err ret = sceau_pdf_check(pdf, "write the PDF information", err);
		return ret != SCEAU_OK ? ret : SCEAU_ERR_INTERNAL;
	}
	if (!pdf->info) {
		info = HPDF_Dict_New(pdf->mmgr);
		if (!info)
			return sceau_pdf_failed(&pdf->error, HPDF_FAILD_TO_ALLOC_MEM,
						"write the PDF information", err);
		st = HPDF_Xref_Add(pdf->xref, info); /* frees info when it fails */
		if (st != HPDF_OK)
			return sceau_pdf_failed(&pdf->error, st, "write the PDF information", err);
		pdf->info = info;
	}
	*out = pdf->info;
	return SCEAU_OK;
}

enum sceau_err sceau_pdf_info(HPDF_Doc pdf, const char *title, const char *author,
			      const char *subject, const char *keywords, time_t created,
			      struct sceau_error *err)
{
	const struct {
		const char *key, *value, *what;
	} texts[] = {
		{"Title", title, "PDF title"},
		{"Author", author, "PDF author"},
		{"Subject", subject, "PDF subject"},
		{"Keywords", keywords, "PDF keywords"},
	};
	char tool[64], date[32];
	HPDF_Dict info;
	enum sceau_err ret;

	int ascii;

	/* Everything checked before the document changes. */
	ret = pdf_date(created, date, sizeof(date), err);
	for (size_t i = 0; ret == SCEAU_OK && i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].value)
			ret = text_check(texts[i].value, texts[i].what, &ascii, err);
	if (ret == SCEAU_OK)
		ret = info_dict(pdf, &info, err);
	for (size_t i = 0; ret == SCEAU_OK && i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].value)
			ret = dict_add_text(info, texts[i].key, texts[i].value, texts[i].what, err);
	snprintf(tool, sizeof(tool), "sceau %s", sceau_version());
	if (ret == SCEAU_OK)
		ret = dict_add_ascii(info, "Creator", tool, "PDF creator", err);
	if (ret == SCEAU_OK)
		ret = dict_add_ascii(info, "Producer", tool, "PDF producer", err);
	if (ret == SCEAU_OK)
		ret = dict_add_ascii(info, "CreationDate", date, "PDF creation date", err);
	if (ret == SCEAU_OK)
		ret = dict_add_ascii(info, "ModDate", date, "PDF modification date", err);
	return ret;
}

enum sceau_err sceau_pdf_info_custom(HPDF_Doc pdf, const char *key, const char *value,
				     struct sceau_error *err)
{
	static const char *const standard[] = {"Title",    "Author",       "Subject",
					       "Keywords", "Creator",      "Producer",
					       "Trapped",  "CreationDate", "ModDate"};
	size_t n = key ? strlen(key) : 0;
	char what[96];
	HPDF_Dict info;
	enum sceau_err ret;
	int ascii;

	if (n == 0 || n > 63 ||
	    strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			"0123456789") != n)
		return sceau_fail(
			err, SCEAU_ERR_INVALID,
			"invalid PDF information key '%.64s': use 1 to 63 letters and digits",
			key ? key : "");
	for (size_t i = 0; i < sizeof(standard) / sizeof(standard[0]); i++)
		if (strcmp(key, standard[i]) == 0)
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "invalid PDF information key '%s': a standard key", key);
	if (!value)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no value for PDF information key '%s'",
				  key);
	snprintf(what, sizeof(what), "PDF information '%s'", key);
	ret = text_check(value, what, &ascii, err);
	if (ret == SCEAU_OK)
		ret = info_dict(pdf, &info, err);
	if (ret == SCEAU_OK)
		ret = dict_add_text(info, key, value, what, err);
	return ret;
}

/* ---- embedded files ------------------------------------------------------ */

static enum sceau_err check_attach_args(const char *name, const char *mime, const void *data,
					size_t len, struct sceau_error *err)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > 127)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "invalid attachment name '%.127s': use 1 to 127 characters",
				  name ? name : "");
	for (const char *c = name; *c; c++)
		if (*c < 0x20 || *c > 0x7e || *c == '/' || *c == '\\')
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "invalid attachment name '%s': printable ASCII only, "
					  "no '/' or '\\'",
					  name);
	if (mime) {
		/* RFC 6838 type/subtype; written as a PDF name (at most 127). */
		const char *tok = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
				  "!#$&^_.+-";
		size_t t = strspn(mime, tok), m = strlen(mime);
		if (t == 0 || t >= m || mime[t] != '/' || strspn(mime + t + 1, tok) != m - t - 1 ||
		    m > 127)
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "invalid media type '%.127s' for attachment '%s'", mime,
					  name);
	}
	if (len > SCEAU_PDF_ATTACH_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "attachment '%s' too large: %zu bytes, at most %zu", name, len,
				  SCEAU_PDF_ATTACH_MAX);
	if (!data && len)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no data for attachment '%s'", name);
	return SCEAU_OK;
}

/* The /EmbeddedFiles name tree's /Names array, made when missing. */
static HPDF_Array embedded_names(HPDF_Doc pdf)
{
	HPDF_NameDict names = HPDF_Catalog_GetNames(pdf->catalog);
	HPDF_NameTree tree;

	if (!names) {
		names = HPDF_NameDict_New(pdf->mmgr, pdf->xref);
		if (!names || HPDF_Catalog_SetNames(pdf->catalog, names) != HPDF_OK)
			return NULL;
	}
	tree = HPDF_NameDict_GetNameTree(names, HPDF_NAME_EMBEDDED_FILES);
	if (!tree) {
		tree = HPDF_NameTree_New(pdf->mmgr, pdf->xref);
		if (!tree ||
		    HPDF_NameDict_SetNameTree(names, HPDF_NAME_EMBEDDED_FILES, tree) != HPDF_OK)
			return NULL;
	}
	return HPDF_Dict_GetItem(tree, "Names", HPDF_OCLASS_ARRAY);
}

/* Byte order of PDF string keys ("lexical order", ISO 32000-1 7.9.6). */
static int key_cmp(HPDF_String s, const char *name)
{
	size_t n = strlen(name), m = s->len < n ? s->len : n;
	int c = memcmp(s->value, name, m);

	if (c)
		return c;
	return s->len < n ? -1 : s->len > n;
}

/* Where `name` goes among the keys of `items` ([key1 value1 key2 …]):
 * the index of the first key after it (the array's length when none);
 * *dup set when it is there already. */
static HPDF_UINT key_slot(HPDF_Array items, const char *name, int *dup)
{
	HPDF_UINT count = HPDF_Array_Items(items), i;

	*dup = 0;
	for (i = 0; i + 1 < count; i += 2) {
		HPDF_String key = HPDF_Array_GetItem(items, i, HPDF_OCLASS_STRING);
		int c = key ? key_cmp(key, name) : 1;

		if (c == 0)
			*dup = 1;
		if (c >= 0)
			return i;
	}
	return count;
}

/* Add (key, fs) to the name tree's /Names array at index `at`. libharu
 * 2.3.0's HPDF_Array_Insert cannot insert an indirect object (it reads the
 * target through the class of the object inserted, not of the array's
 * item, and fails with HPDF_ITEM_NOT_FOUND): the pair is appended, then
 * moved into place within the array's list of pointers. */
static HPDF_STATUS names_insert(HPDF_Array items, HPDF_UINT at, HPDF_String key, HPDF_Dict fs)
{
	HPDF_STATUS st;
	HPDF_List list = items->list;
	void *k, *v;

	if ((st = HPDF_Array_Add(items, key)) != HPDF_OK)
		return st;
	if ((st = HPDF_Array_Add(items, fs)) != HPDF_OK)
		return st;
	if (at + 2 > list->count)
		return HPDF_INVALID_OBJECT;
	k = list->obj[list->count - 2];
	v = list->obj[list->count - 1];
	memmove(list->obj + at + 2, list->obj + at, (list->count - 2 - at) * sizeof(void *));
	list->obj[at] = k;
	list->obj[at + 1] = v;
	return HPDF_OK;
}

/* The /EmbeddedFile stream: the bytes, Flate-compressed, and /Params. */
static HPDF_STATUS embedded_stream(HPDF_Doc pdf, HPDF_Dict fs, const char *mime, const void *data,
				   size_t len, const char *date, HPDF_BYTE md5[16])
{
	HPDF_Dict ef, stream, params;
	HPDF_STATUS st;

	stream = HPDF_DictStream_New(pdf->mmgr, pdf->xref); /* indirect: owned by xref */
	if (!stream)
		return HPDF_FAILD_TO_ALLOC_MEM;
	stream->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	ef = HPDF_Dict_New(pdf->mmgr);
	if ((st = HPDF_Dict_Add(fs, "EF", ef)) != HPDF_OK)
		return st;
	if ((st = HPDF_Dict_Add(ef, "F", stream)) != HPDF_OK)
		return st;
	if ((st = HPDF_Dict_AddName(stream, "Type", "EmbeddedFile")) != HPDF_OK)
		return st;
	if (mime && (st = HPDF_Dict_AddName(stream, "Subtype", mime)) != HPDF_OK)
		return st;
	params = HPDF_Dict_New(pdf->mmgr);
	if ((st = HPDF_Dict_Add(stream, "Params", params)) != HPDF_OK)
		return st;
	if ((st = HPDF_Dict_AddNumber(params, "Size", (HPDF_INT32)len)) != HPDF_OK)
		return st;
	if ((st = HPDF_Dict_Add(params, "ModDate", HPDF_String_New(pdf->mmgr, date, NULL))) !=
	    HPDF_OK)
		return st;
	if ((st = HPDF_Dict_Add(params, "CheckSum", HPDF_Binary_New(pdf->mmgr, md5, 16))) !=
	    HPDF_OK)
		return st;
	if (len)
		return HPDF_Stream_Write(stream->stream, data, (HPDF_UINT)len);
	return HPDF_OK;
}

enum sceau_err sceau_pdf_attach(HPDF_Doc pdf, const char *name, const char *mime, const void *data,
				size_t len, const char *description, time_t when,
				struct sceau_error *err)
{
	HPDF_MD5_CTX md5ctx;
	HPDF_BYTE md5[16];
	char date[32], what[192], dwhat[192];
	HPDF_Array items, af;
	HPDF_UINT at;
	HPDF_Dict fs;
	HPDF_STATUS st;
	enum sceau_err ret;
	int dup, ascii;

	ret = check_attach_args(name, mime, data, len, err);
	if (ret != SCEAU_OK)
		return ret;
	snprintf(dwhat, sizeof(dwhat), "description of attachment '%s'", name);
	if (description && (ret = text_check(description, dwhat, &ascii, err)) != SCEAU_OK)
		return ret;
	snprintf(what, sizeof(what), "attach '%s'", name);
	ret = pdf_date(when, date, sizeof(date), err);
	if (ret != SCEAU_OK)
		return ret;
	if (!HPDF_HasDoc(pdf)) {
		ret = sceau_pdf_check(pdf, what, err);
		return ret != SCEAU_OK ? ret : SCEAU_ERR_INTERNAL;
	}
	/* libharu's MD5 (it hashes its encryption keys with it): OpenSSL's
	 * may be unavailable under a FIPS configuration. */
	HPDF_MD5Init(&md5ctx);
	HPDF_MD5Update(&md5ctx, data, (HPDF_UINT32)len);
	HPDF_MD5Final(md5, &md5ctx);
	items = embedded_names(pdf);
	if (!items)
		return sceau_pdf_failed(&pdf->error, HPDF_INVALID_OBJECT, what, err);
	at = key_slot(items, name, &dup);
	if (dup)
		return sceau_fail(err, SCEAU_ERR_EXISTS,
				  "cannot %s: the PDF has a file of that name", what);

	/* The file specification, indirect (owned by the cross-reference
	 * table from here on), then the name tree and /AF entries. */
	fs = HPDF_Dict_New(pdf->mmgr);
	if (!fs)
		return sceau_pdf_failed(&pdf->error, HPDF_FAILD_TO_ALLOC_MEM, what, err);
	if ((st = HPDF_Xref_Add(pdf->xref, fs)) != HPDF_OK)
		goto fail;
	if ((st = HPDF_Dict_AddName(fs, "Type", "Filespec")) != HPDF_OK)
		goto fail;
	if ((st = HPDF_Dict_Add(fs, "F", HPDF_String_New(pdf->mmgr, name, NULL))) != HPDF_OK)
		goto fail;
	if ((st = HPDF_Dict_Add(fs, "UF", HPDF_String_New(pdf->mmgr, name, NULL))) != HPDF_OK)
		goto fail;
	if (description && (ret = dict_add_text(fs, "Desc", description, dwhat, err)) != SCEAU_OK)
		return ret;
	if ((st = HPDF_Dict_AddName(fs, "AFRelationship", "Data")) != HPDF_OK)
		goto fail;
	if ((st = embedded_stream(pdf, fs, mime, data, len, date, md5)) != HPDF_OK)
		goto fail;

	st = names_insert(items, at, HPDF_String_New(pdf->mmgr, name, NULL), fs);
	if (st != HPDF_OK)
		goto fail;

	af = HPDF_Dict_GetItem(pdf->catalog, "AF", HPDF_OCLASS_ARRAY);
	if (!af) {
		af = HPDF_Array_New(pdf->mmgr);
		if ((st = HPDF_Dict_Add(pdf->catalog, "AF", af)) != HPDF_OK)
			goto fail;
	}
	if ((st = HPDF_Array_Add(af, fs)) != HPDF_OK)
		goto fail;
	/* /UF and /AF: PDF 1.7 (with ISO 19005-3's extension). */
	if (pdf->pdf_version < HPDF_VER_17)
		pdf->pdf_version = HPDF_VER_17;
	return SCEAU_OK;
fail:
	return sceau_pdf_failed(&pdf->error, st, what, err);
}

/* ---- saving -------------------------------------------------------------- */

enum sceau_err sceau_pdf_save(HPDF_Doc pdf, unsigned char **out, size_t *len,
			      struct sceau_error *err)
{
	unsigned char *buf = NULL;
	HPDF_UINT32 size, got;
	HPDF_STATUS st;
	enum sceau_err ret = SCEAU_ERR_INTERNAL;

	*out = NULL;
	*len = 0;
	if (HPDF_SaveToStream(pdf) != HPDF_OK) {
		ret = sceau_pdf_check(pdf, "write the PDF", err);
		if (ret == SCEAU_OK)
			ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "cannot write the PDF");
		goto out;
	}
	size = HPDF_GetStreamSize(pdf);
	if (size == 0) {
		ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "cannot write the PDF: nothing written");
		goto out;
	}
	buf = malloc(size);
	if (!buf) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "cannot write the PDF: out of memory");
		goto out;
	}
	/* Exactly what was written: asking for more, libharu would raise
	 * HPDF_STREAM_EOF through the error handler. */
	got = size;
	st = HPDF_ReadFromStream(pdf, buf, &got);
	if (st != HPDF_OK || got != size) {
		ret = sceau_pdf_check(pdf, "write the PDF", err);
		if (ret == SCEAU_OK)
			ret = sceau_fail(err, SCEAU_ERR_INTERNAL,
					 "cannot write the PDF: read %u of %u bytes", (unsigned)got,
					 (unsigned)size);
		goto out;
	}
	*out = buf;
	*len = size;
	buf = NULL;
	ret = SCEAU_OK;
out:
	free(buf);
	return ret;
}
