/* sceau — small libcbor helpers for building deterministic CBOR (RFC 8949
 * 4.2.1: shortest integer forms, definite lengths, map keys in ascending
 * order — the callers add keys in order). Internal. */
#ifndef SCEAU_CBOR_INT_H
#define SCEAU_CBOR_INT_H

#include <cbor.h>

#include "internal.h"

/* Each returns a new item (reference count 1) or NULL when out of memory. */
cbor_item_t *sceau_cbor_int(int64_t v);
cbor_item_t *sceau_cbor_text(const char *s);
cbor_item_t *sceau_cbor_textn(const char *s, size_t n);
cbor_item_t *sceau_cbor_bytes(const unsigned char *b, size_t n);

/* Add key → value to a definite map, taking the value's reference (it is
 * released on failure too). Returns 1, or 0 when out of memory. */
int sceau_cbor_put(cbor_item_t *map, int64_t key, cbor_item_t *value);
/* Append to a definite array, taking the value's reference. */
int sceau_cbor_push(cbor_item_t *arr, cbor_item_t *value);

/* cbor_wf.c: buf holds exactly one well-formed, bounded CBOR item. */
enum sceau_err sceau_cbor_wf(const unsigned char *buf, size_t len, const char *what,
			     struct sceau_error *err);

/* Serialize into a malloc'd buffer. */
enum sceau_err sceau_cbor_encode(const cbor_item_t *item, unsigned char **out, size_t *out_len,
				 struct sceau_error *err);

#endif
