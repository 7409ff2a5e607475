/* sceau — run-time version. */
#include "internal.h"

const char *sceau_version(void)
{
	return SCEAU_VERSION_STRING;
}

unsigned sceau_version_num(void)
{
	return SCEAU_VERSION_NUM;
}
