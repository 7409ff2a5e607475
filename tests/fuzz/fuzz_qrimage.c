/* A photo or scan of a QR code (`sceau verify --qr-image`): PNG or JPEG,
 * decoded with bounded sizes, then zbar; every text found is verified. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sceau_error err = {0};
	char path[64], **texts = NULL;
	size_t n = 0;
	int fd = memfd_create("qrimage", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (sceau_qr_image_decode(path, &texts, &n, &err) == SCEAU_OK) {
			for (size_t i = 0; i < n; i++) {
				struct sceau_verdict v;
				sceau_payload_verify(texts[i], strlen(texts[i]), fuzz_trust(),
						     FUZZ_AT, NULL, &v, &err);
			}
			sceau_qr_texts_free(texts, n);
		}
	}
	close(fd);
	return 0;
}
