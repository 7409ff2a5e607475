/* sceau — parsing a JSON request into a record, driven by the schema in
 * record_schema.c: unknown fields, missing fields, wrong types, bounds and
 * value checks, each reported with its JSON path. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_int.h"

#define PATH_MAX_LEN 160

int sceau_cp_forbidden(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF;
}

int sceau_cp_space(unsigned cp)
{
	return cp == ' ' || cp == '\n' || cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Decode the code point at *p (valid UTF-8) and advance. */
static unsigned next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned cp;
	int n;

	if (s[0] < 0x80) {
		cp = s[0];
		n = 1;
	} else if (s[0] < 0xE0) {
		cp = (s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu);
		n = 2;
	} else if (s[0] < 0xF0) {
		cp = (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu);
		n = 3;
	} else {
		cp = (s[0] & 0x07u) << 18 | (s[1] & 0x3Fu) << 12 | (s[2] & 0x3Fu) << 6 |
		     (s[3] & 0x3Fu);
		n = 4;
	}
	*p = s + n;
	return cp;
}

size_t sceau_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

void sceau_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0, chars = 0;

	for (; *s && o + 8 < len; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c & 0xC0) != 0x80 && ++chars > 40) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7F || c == '\'' || c == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = 0;
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "text";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

static const char *want_kind(const struct rfield *f)
{
	switch (f->kind) {
	case R_OBJECT:
		return "an object";
	case R_ARRAY:
		return "an array";
	case R_TEXT:
		break;
	}
	return f->check && f->check->ok != NULL && strstr(f->check->what, "decimal")
		       ? "a decimal string (numbers are written as text)"
		       : "text";
}

/* The walk: `path` is the JSON path so far, `out` receives the normalized
 * value (NULL when nothing to keep). */
static enum sceau_err walk(const struct rfield *f, json_t *in, char *path, json_t **out,
			   struct sceau_error *err);

static enum sceau_err walk_text(const struct rfield *f, json_t *in, const char *path, json_t **out,
				struct sceau_error *err)
{
	const char *s = json_string_value(in);
	size_t n = json_string_length(in), chars;
	char q[200];

	if (strlen(s) != n)
		return sceau_fail(err, SCEAU_ERR_INVALID, "%s: text must not contain NUL", path);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && !(*p == '\n' && (f->flags & R_MULTILINE))) || *p == 0x7F)
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "%s: control character 0x%02x at byte %zu%s", path, *p,
					  (size_t)(p - (const unsigned char *)s),
					  *p == '\n' ? " (line breaks are not allowed here)" : "");
	}
	/* A coded value says what it should look like, whatever its length. */
	if (f->check && !f->check->ok(s)) {
		sceau_quote(s, q, sizeof(q));
		return sceau_fail(err, SCEAU_ERR_INVALID, "%s: expected %s, got '%s'", path,
				  f->check->what, q);
	}
	chars = sceau_utf8_len(s);
	if (chars < f->min)
		return sceau_fail(err, SCEAU_ERR_INVALID, "%s: must not be empty", path);
	if (chars > f->max)
		return sceau_fail(err, SCEAU_ERR_INVALID, "%s: at most %u characters, got %zu",
				  path, f->max, chars);
	{
		const unsigned char *p = (const unsigned char *)s;
		unsigned cp = 0, first = 0;
		for (size_t i = 0; *p; i++) {
			cp = next_cp(&p);
			if (i == 0)
				first = cp;
			if (sceau_cp_forbidden(cp))
				return sceau_fail(err, SCEAU_ERR_INVALID,
						  "%s: character U+%04X is not allowed (control or "
						  "direction override)",
						  path, cp);
		}
		if (sceau_cp_space(first) || sceau_cp_space(cp))
			return sceau_fail(err, SCEAU_ERR_INVALID, "%s: leading or trailing space",
					  path);
	}
	if (f->flags & R_BYTES) {
		/* Hex is kept in lower case so the JSON form is canonical too. */
		char low[65];
		for (size_t i = 0; i < n && i < 64; i++)
			low[i] = (char)((s[i] >= 'A' && s[i] <= 'F') ? s[i] + 32 : s[i]);
		low[n < 64 ? n : 64] = 0;
		*out = json_string(low);
	} else {
		*out = json_incref(in);
	}
	return *out ? SCEAU_OK : sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
}

static enum sceau_err walk_object(const struct rfield *fields, json_t *in, char *path, json_t **out,
				  struct sceau_error *err)
{
	size_t plen = strlen(path);
	enum sceau_err ret;
	const char *key;
	json_t *val, *obj;

	/* Unknown fields first: a typo is the likeliest cause of a "missing" one. */
	json_object_foreach(in, key, val)
	{
		const struct rfield *f;
		for (f = fields; f->name && strcmp(f->name, key); f++)
			;
		if (!f->name) {
			char q[200], known[400] = "";
			size_t o = 0;
			sceau_quote(key, q, sizeof(q));
			for (f = fields; f->name && o < sizeof(known); f++)
				o += (size_t)snprintf(known + o, sizeof(known) - o, "%s%s",
						      f == fields ? "" : ", ", f->name);
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "%s%s%s: unknown field (known: %s)", path,
					  plen ? "." : "", q, known);
		}
	}
	if (!(obj = json_object()))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	for (const struct rfield *f = fields; f->name; f++) {
		json_t *sub = NULL;
		val = json_object_get(in, f->name);
		snprintf(path + plen, PATH_MAX_LEN - plen, "%s%s", plen ? "." : "", f->name);
		if (!val) {
			if (f->flags & R_REQUIRED) {
				ret = sceau_fail(err, SCEAU_ERR_INVALID,
						 "%s: required field missing", path);
				goto fail;
			}
			continue;
		}
		if ((ret = walk(f, val, path, &sub, err)) != SCEAU_OK)
			goto fail;
		if (json_object_set_new(obj, f->name, sub)) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
			goto fail;
		}
	}
	path[plen] = 0;
	*out = obj;
	return SCEAU_OK;
fail:
	json_decref(obj);
	return ret;
}

static enum sceau_err walk_array(const struct rfield *f, json_t *in, char *path, json_t **out,
				 struct sceau_error *err)
{
	size_t plen = strlen(path), n = json_array_size(in), i;
	enum sceau_err ret;
	json_t *arr, *val;

	if (n < f->min)
		return sceau_fail(err, SCEAU_ERR_INVALID, "%s: at least %u %s, got %zu", path,
				  f->min, f->min == 1 ? "item" : "items", n);
	if (n > f->max)
		return sceau_fail(err, SCEAU_ERR_INVALID, "%s: at most %u items, got %zu", path,
				  f->max, n);
	if (!(arr = json_array()))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	json_array_foreach(in, i, val)
	{
		json_t *sub = NULL;
		snprintf(path + plen, PATH_MAX_LEN - plen, "[%zu]", i);
		if ((ret = walk(f->sub, val, path, &sub, err)) != SCEAU_OK)
			goto fail;
		if (json_array_append_new(arr, sub)) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
			goto fail;
		}
	}
	path[plen] = 0;
	*out = arr;
	return SCEAU_OK;
fail:
	json_decref(arr);
	return ret;
}

static enum sceau_err walk(const struct rfield *f, json_t *in, char *path, json_t **out,
			   struct sceau_error *err)
{
	static const json_type want[] = {
		[R_TEXT] = JSON_STRING, [R_OBJECT] = JSON_OBJECT, [R_ARRAY] = JSON_ARRAY};

	if (json_typeof(in) != want[f->kind])
		return sceau_fail(err, SCEAU_ERR_INVALID, "%s: expected %s, got %s",
				  path[0] ? path : "request", want_kind(f), json_kind(in));
	switch (f->kind) {
	case R_TEXT:
		return walk_text(f, in, path, out, err);
	case R_OBJECT:
		return walk_object(f->sub, in, path, out, err);
	case R_ARRAY:
		return walk_array(f, in, path, out, err);
	}
	return sceau_fail(err, SCEAU_ERR_INTERNAL, "bad schema");
}

enum sceau_err sceau_record_parse(const char *text, size_t len, struct sceau_record **out,
				  struct sceau_error *err)
{
	struct sceau_record *rec = NULL;
	enum sceau_err ret;
	json_error_t jerr;
	json_t *in = NULL, *type;
	char path[PATH_MAX_LEN] = "";
	char q[200];

	if (!text || !out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no request given");
	*out = NULL;
	if (len > SCEAU_REQUEST_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID, "request: larger than %zu bytes",
				  SCEAU_REQUEST_MAX);
	/* jansson refuses invalid UTF-8 and NUL escapes; duplicate keys too.
	 * It reports a failed allocation as a syntax error: malloc's errno
	 * tells them apart (parsing does no I/O). */
	errno = 0;
	in = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!in && errno == ENOMEM)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	if (!in)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "request: not valid JSON: %s (line %d, column %d)", jerr.text,
				  jerr.line, jerr.column);
	if (!json_is_object(in)) {
		ret = sceau_fail(err, SCEAU_ERR_INVALID, "request: expected an object, got %s",
				 json_kind(in));
		goto out;
	}
	type = json_object_get(in, "type");
	if (!type) {
		ret = sceau_fail(err, SCEAU_ERR_INVALID,
				 "type: required field missing (\"coc\" or \"halal\")");
		goto out;
	}
	if (!json_is_string(type) || !sceau_schema_type(json_string_value(type))) {
		sceau_quote(json_is_string(type) ? json_string_value(type) : json_kind(type), q,
			    sizeof(q));
		ret = sceau_fail(err, SCEAU_ERR_INVALID,
				 "type: expected \"coc\" or \"halal\", got '%s'", q);
		goto out;
	}
	if (!(rec = calloc(1, sizeof(*rec)))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	rec->type = sceau_schema_type(json_string_value(type));
	rec->schema = sceau_schema_for(rec->type);
	if ((ret = walk_object(rec->schema, in, path, &rec->doc, err)) != SCEAU_OK)
		goto out;
	if ((ret = sceau_record_check(rec, err)) != SCEAU_OK)
		goto out;
	*out = rec;
	rec = NULL;
	ret = SCEAU_OK;
out:
	sceau_record_free(rec);
	json_decref(in);
	return ret;
}

enum sceau_err sceau_record_load(const char *path, struct sceau_record **out,
				 struct sceau_error *err)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	enum sceau_err ret;
	struct sceau_error sub = {0};

	if (!out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no request given");
	*out = NULL;
	ret = sceau_fs_read(path, SCEAU_REQUEST_MAX, "request", &buf, &len, err);
	if (ret != SCEAU_OK)
		return ret;
	ret = sceau_record_parse((const char *)buf, len, out, &sub);
	if (ret != SCEAU_OK)
		sceau_fail(err, ret, "'%s': %s", path, sub.msg);
	free(buf);
	return ret;
}

void sceau_record_free(struct sceau_record *rec)
{
	if (!rec)
		return;
	json_decref(rec->doc);
	free(rec);
}

/* Set (value) or remove (NULL) a top-level text field, keeping the
 * schema's order, so certificate.json reads as a request would. */
static enum sceau_err set_top(struct sceau_record *rec, const char *name, const char *value,
			      const char *other, struct sceau_error *err)
{
	char q[64];
	const char *o;
	json_t *doc, *v = NULL;
	int bad;

	if (!rec)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no record given");
	if (value) {
		if (strlen(value) > 40 || !sceau_check_number(value)) {
			sceau_quote(value, q, sizeof(q));
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "%s: expected a certificate number, got '%s'", name, q);
		}
		o = sceau_record_get(rec, other);
		if (o && !strcmp(o, value))
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "supersedes: a certificate cannot replace itself ('%s')",
					  value);
		if (!(v = json_string(value)))
			return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	}
	doc = json_object();
	bad = !doc;
	for (const struct rfield *f = rec->schema; !bad && f->name; f++) {
		json_t *x = strcmp(f->name, name) ? json_object_get(rec->doc, f->name) : v;
		if (x && json_object_set(doc, f->name, x) != 0)
			bad = 1;
	}
	json_decref(v);
	if (bad) {
		json_decref(doc);
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	}
	json_decref(rec->doc);
	rec->doc = doc;
	return SCEAU_OK;
}

enum sceau_err sceau_record_set_number(struct sceau_record *rec, const char *number,
				       struct sceau_error *err)
{
	return set_top(rec, "number", number, "supersedes", err);
}

enum sceau_err sceau_record_set_supersedes(struct sceau_record *rec, const char *number,
					   struct sceau_error *err)
{
	return set_top(rec, "supersedes", number, "number", err);
}

enum sceau_program sceau_record_type(const struct sceau_record *rec)
{
	return rec ? rec->type : 0;
}

/* Follow "a.b[2].c" from the document root. */
static json_t *lookup(const struct sceau_record *rec, const char *path)
{
	json_t *cur = rec ? rec->doc : NULL;
	char name[64];

	if (!path)
		return NULL;
	while (cur && *path) {
		if (*path == '[') {
			char *end;
			unsigned long i;
			if (path[1] < '0' || path[1] > '9')
				return NULL;
			i = strtoul(path + 1, &end, 10);
			if (*end != ']')
				return NULL;
			cur = json_array_get(cur, i);
			path = end + 1;
		} else {
			size_t n = strcspn(path, ".[");
			if (n == 0 || n >= sizeof(name))
				return NULL;
			memcpy(name, path, n);
			name[n] = 0;
			cur = json_object_get(cur, name);
			path += n;
		}
		if (*path == '.')
			path++;
	}
	return cur;
}

const char *sceau_record_get(const struct sceau_record *rec, const char *path)
{
	return json_string_value(lookup(rec, path));
}

size_t sceau_record_count(const struct sceau_record *rec, const char *path)
{
	return json_array_size(lookup(rec, path));
}

enum sceau_err sceau_record_to_json(const struct sceau_record *rec, char **out,
				    struct sceau_error *err)
{
	char *s, *t;
	size_t n;

	if (!rec || !out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no record given");
	s = json_dumps(rec->doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!s)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	n = strlen(s);
	if (!(t = realloc(s, n + 2))) {
		free(s);
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	}
	t[n] = '\n';
	t[n + 1] = 0;
	*out = t;
	return SCEAU_OK;
}
