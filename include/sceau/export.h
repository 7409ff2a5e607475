/* sceau — symbol visibility. The library is built with -fvisibility=hidden;
 * only what carries SCEAU_EXPORT is part of the ABI. */
#ifndef SCEAU_EXPORT_H
#define SCEAU_EXPORT_H

#if defined(SCEAU_BUILDING) && defined(__GNUC__)
#define SCEAU_EXPORT __attribute__((visibility("default")))
#else
#define SCEAU_EXPORT
#endif

#endif
