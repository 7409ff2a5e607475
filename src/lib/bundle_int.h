/* sceau — trust bundles: what bundle.c shares with bundle_state.c and
 * bundle_make.c. Internal. */
#ifndef SCEAU_BUNDLE_INT_H
#define SCEAU_BUNDLE_INT_H

#include "internal.h"

/* sceau_bundle_load, with failures naming the bundle: "trust bundle 'NAME'
 * refused: WHY" (name NULL: "trust bundle: WHY"). */
enum sceau_err sceau_bundle_load_named(const unsigned char *buf, size_t len,
				       const unsigned char *pin, const char *name,
				       struct sceau_trust **out, struct sceau_bundle_info *info,
				       struct sceau_error *err);

/* md[0..n) as "AB:CD:..." into buf (at least 3 * n bytes, 1 when n is 0). */
void sceau_hex_colons(const unsigned char *md, size_t n, char *buf);

#endif
