/* sceau — verdict names and helpers. */
#include <stdio.h>

#include "internal.h"

static const char *const names[] = {
	[SCEAU_VERDICT_VALID] = "valid",
	[SCEAU_VERDICT_INVALID] = "invalid",
	[SCEAU_VERDICT_MODIFIED] = "modified",
	[SCEAU_VERDICT_UNTRUSTED] = "untrusted",
	[SCEAU_VERDICT_REVOKED] = "revoked",
	[SCEAU_VERDICT_EXPIRED] = "expired",
	[SCEAU_VERDICT_NOT_YET_VALID] = "not_yet_valid",
	[SCEAU_VERDICT_SUSPENDED] = "suspended",
	[SCEAU_VERDICT_SUPERSEDED] = "superseded",
};

const char *sceau_verdict_name(enum sceau_verdict_code code)
{
	if ((unsigned)code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	return "invalid";
}

void sceau_verdict_set(struct sceau_verdict *v, enum sceau_verdict_code code, const char *fmt, ...)
{
	va_list ap;

	v->code = code;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
}
