/* sceau — the canonical claim set of a record: deterministic CBOR with the
 * schema's integer keys, and its SHA-256, the record digest. */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "cbor_int.h"
#include "record_int.h"

cbor_item_t *sceau_cbor_int(int64_t v)
{
	cbor_item_t *it;
	uint64_t u = v >= 0 ? (uint64_t)v : (uint64_t)(-(v + 1));

	if (u <= 0xFF)
		it = v >= 0 ? cbor_build_uint8((uint8_t)u) : cbor_build_negint8((uint8_t)u);
	else if (u <= 0xFFFF)
		it = v >= 0 ? cbor_build_uint16((uint16_t)u) : cbor_build_negint16((uint16_t)u);
	else if (u <= 0xFFFFFFFF)
		it = v >= 0 ? cbor_build_uint32((uint32_t)u) : cbor_build_negint32((uint32_t)u);
	else
		it = v >= 0 ? cbor_build_uint64(u) : cbor_build_negint64(u);
	return it;
}

cbor_item_t *sceau_cbor_textn(const char *s, size_t n)
{
	return cbor_build_stringn(s, n);
}

cbor_item_t *sceau_cbor_text(const char *s)
{
	return cbor_build_stringn(s, strlen(s));
}

cbor_item_t *sceau_cbor_bytes(const unsigned char *b, size_t n)
{
	return cbor_build_bytestring(b, n);
}

int sceau_cbor_put(cbor_item_t *map, int64_t key, cbor_item_t *value)
{
	cbor_item_t *k = value ? sceau_cbor_int(key) : NULL;
	int ok = k && cbor_map_add(map, (struct cbor_pair){.key = k, .value = value});

	if (k)
		cbor_decref(&k);
	if (value)
		cbor_decref(&value);
	return ok;
}

int sceau_cbor_push(cbor_item_t *arr, cbor_item_t *value)
{
	int ok = value && cbor_array_push(arr, value);

	if (value)
		cbor_decref(&value);
	return ok;
}

enum sceau_err sceau_cbor_encode(const cbor_item_t *item, unsigned char **out, size_t *out_len,
				 struct sceau_error *err)
{
	unsigned char *buf = NULL;
	size_t cap = 0, n;

	n = cbor_serialize_alloc(item, &buf, &cap);
	if (!n) {
		free(buf);
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory encoding CBOR");
	}
	*out = buf;
	*out_len = n;
	return SCEAU_OK;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static cbor_item_t *value_item(const struct rfield *f, json_t *v);

static cbor_item_t *object_item(const struct rfield *fields, json_t *obj)
{
	size_t n = 0;
	cbor_item_t *map;

	for (const struct rfield *f = fields; f->name; f++)
		n += json_object_get(obj, f->name) != NULL;
	if (!(map = cbor_new_definite_map(n)))
		return NULL;
	/* The tables list keys in ascending order: the deterministic order. */
	for (const struct rfield *f = fields; f->name; f++) {
		json_t *v = json_object_get(obj, f->name);
		if (v && !sceau_cbor_put(map, f->key, value_item(f, v))) {
			cbor_decref(&map);
			return NULL;
		}
	}
	return map;
}

static cbor_item_t *value_item(const struct rfield *f, json_t *v)
{
	const char *s;
	cbor_item_t *arr;
	size_t i;
	json_t *e;

	switch (f->kind) {
	case R_OBJECT:
		return object_item(f->sub, v);
	case R_ARRAY:
		if (!(arr = cbor_new_definite_array(json_array_size(v))))
			return NULL;
		json_array_foreach(v, i, e)
		{
			if (!sceau_cbor_push(arr, value_item(f->sub, e))) {
				cbor_decref(&arr);
				return NULL;
			}
		}
		return arr;
	case R_TEXT:
		break;
	}
	s = json_string_value(v);
	if (f->flags & R_UINT)
		return sceau_cbor_int(sceau_schema_type(s));
	if (f->flags & R_BYTES) {
		unsigned char b[32];
		size_t n = strlen(s) / 2;
		if (n > sizeof(b))
			return NULL;
		for (i = 0; i < n; i++)
			b[i] = (unsigned char)(hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]));
		return sceau_cbor_bytes(b, n);
	}
	return sceau_cbor_text(s);
}

enum sceau_err sceau_record_claims(const struct sceau_record *rec, unsigned char **out,
				   size_t *out_len, struct sceau_error *err)
{
	cbor_item_t *map;
	enum sceau_err ret;

	if (!rec || !out || !out_len)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no record given");
	/* A request may leave the number to the register; a record without
	 * one cannot be signed. */
	if (!sceau_record_get(rec, "number"))
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "number: required field missing (give one, or issue with a "
				  "register, which assigns it)");
	if (!(map = object_item(rec->schema, rec->doc)))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory building claims");
	ret = sceau_cbor_encode(map, out, out_len, err);
	cbor_decref(&map);
	return ret;
}

enum sceau_err sceau_record_digest(const struct sceau_record *rec, unsigned char digest[32],
				   struct sceau_error *err)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	enum sceau_err ret = sceau_record_claims(rec, &buf, &len, err);

	if (ret != SCEAU_OK)
		return ret;
	if (!EVP_Digest(buf, len, digest, NULL, EVP_sha256(), NULL))
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot hash the record");
	free(buf);
	return ret;
}
