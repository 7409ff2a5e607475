/* A batch file (`sceau issue --batch`): split into lines as the batch
 * reader does, each line made into an id and a request. */
#include <stdio.h>

#include "cli.h"
#include "fuzz.h"

static void one(void *ctx, unsigned long lineno, const char *line, size_t len, int too_long)
{
	struct sceau_record *rec = NULL;
	char id[CLI_BATCH_ID_MAX + 1], msg[1000];

	(void)ctx;
	(void)lineno;
	if (cli_batch_request(line, len, too_long, id, &rec, msg, sizeof(msg)) == CLI_LINE_OK &&
	    (!rec || !id[0]))
		__builtin_trap(); /* a request accepted without its id or record */
	sceau_record_free(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f;

	if (size == 0)
		return 0; /* fmemopen refuses an empty buffer */
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	cli_batch_read(f, 0, 1, NULL, one, NULL);
	fclose(f);
	return 0;
}
