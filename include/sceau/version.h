/* sceau — version a caller can check at compile time and at run time. */
#ifndef SCEAU_VERSION_H
#define SCEAU_VERSION_H

#include "export.h"

/* CMakeLists.txt reads the version from the next line: keep its shape. */
#define SCEAU_VERSION_STRING "0.1.0"
#define SCEAU_VERSION_MAJOR  0
#define SCEAU_VERSION_MINOR  1
#define SCEAU_VERSION_PATCH  0
/* 0xMMmmpp, comparable with <, like curl's LIBCURL_VERSION_NUM. */
#define SCEAU_VERSION_NUM 0x000100

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the library actually linked, e.g. "0.1.0". Static string. */
SCEAU_EXPORT const char *sceau_version(void);
/* The same as a number shaped like SCEAU_VERSION_NUM. */
SCEAU_EXPORT unsigned sceau_version_num(void);

#ifdef __cplusplus
}
#endif
#endif
