/* sceau — calendar dates and instants as the documents use them.
 *
 * Dates in records are ISO 8601 calendar dates ("2026-11-24"), counted here
 * as days since 1970-01-01 (proleptic Gregorian, UTC). Instants are
 * time_t seconds. */
#ifndef SCEAU_DATE_H
#define SCEAU_DATE_H

#include <stdint.h>
#include <time.h>

#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Years outside this range are refused everywhere. */
#define SCEAU_YEAR_MIN 1970
#define SCEAU_YEAR_MAX 9999

/* Parse exactly "YYYY-MM-DD" (a real calendar day) into days since the
 * epoch. Returns 0 on success, -1 otherwise. */
SCEAU_EXPORT int sceau_date_parse(const char *s, int32_t *days /* OUT */);

/* Format days since the epoch as "YYYY-MM-DD" into buf[11]. */
SCEAU_EXPORT void sceau_date_format(int32_t days, char buf[11]);

/* The same day `months` later (may be negative), clamped to the month's
 * last day: 2026-11-30 + 3 months = 2027-02-28. */
SCEAU_EXPORT int32_t sceau_date_add_months(int32_t days, int months);

/* Today's date in UTC for instant t. */
SCEAU_EXPORT int32_t sceau_date_of(time_t t);

/* Parse an instant: "@SECONDS", "YYYY-MM-DD" (midnight UTC) or
 * "YYYY-MM-DDTHH:MM[:SS[.fraction]]" followed by "Z", "+HH:MM", "-HH:MM",
 * "+HHMM" or nothing (UTC). Fractions are dropped. SCEAU_ERR_INVALID with
 * the expected forms on anything else. */
SCEAU_EXPORT enum sceau_err sceau_time_parse(const char *s, time_t *out, /* OUT */
					     struct sceau_error *err);

#ifdef __cplusplus
}
#endif
#endif
