/* sceau — reading QR codes from photos and scans (PNG, JPEG) with zbar. */
#ifndef SCEAU_QRIMAGE_H
#define SCEAU_QRIMAGE_H

#include <stddef.h>

#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest image file read, and largest picture decoded (pixels). */
#define SCEAU_QRIMAGE_FILE_MAX   ((size_t)64 << 20)
#define SCEAU_QRIMAGE_PIXELS_MAX ((size_t)100 << 20)

/* Decode every QR code in the PNG or JPEG image file `path` (told apart by
 * their signatures, not the name). A file that is neither, is damaged or
 * is too large is SCEAU_ERR_FORMAT; one with no QR code SCEAU_ERR_NOT_FOUND
 * ("no QR code found in 'photo.jpg'"). texts[i] are NUL-terminated (binary
 * content is refused); *texts and each text: caller frees with
 * sceau_qr_texts_free. */
SCEAU_EXPORT enum sceau_err sceau_qr_image_decode(const char *path, char ***texts, /* OUT */
						  size_t *n,                       /* OUT */
						  struct sceau_error *err);
SCEAU_EXPORT void sceau_qr_texts_free(char **texts, size_t n);

#ifdef __cplusplus
}
#endif
#endif
