/* sceau command line — the trust store of a verifying command: what
 * --trust names (a directory or a bundle), else the installed bundle. */
#include <stdlib.h>
#include <time.h>

#include "cli.h"

int cli_trust_load(const char *trust_opt, struct sceau_trust **out)
{
	struct sceau_error err = {0};
	struct sceau_bundle_info info;
	char *path = NULL, when[48], passed_over[SCEAU_ERROR_MSG_MAX];
	int ret;

	*out = NULL;
	if (!trust_opt) {
		if (sceau_trust_open_default(out, &info, &path, passed_over, &err) != SCEAU_OK) {
			ret = cli_report(&err, NULL);
			if (err.code == SCEAU_ERR_NOT_FOUND && !getenv("SCEAU_TRUST"))
				fprintf(stderr, "hint: install the programme's trust bundle with "
						"'sceau trust install BUNDLE', or pass --trust\n");
			return ret;
		}
		if (passed_over[0])
			cli_warn("%s; using the system-wide bundle '%s'", passed_over, path);
		trust_opt = path;
	} else if (sceau_trust_open(trust_opt, out, &info, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	if (info.sequence && info.next_update < time(NULL)) {
		cli_format_time(info.next_update, when, sizeof(when));
		cli_warn("trust bundle '%s' (sequence %llu) is stale since %s: install a newer one",
			 trust_opt, (unsigned long long)info.sequence, when);
	}
	ret = EXIT_VALID;
out:
	free(path);
	return ret;
}
