/* Reading a batch of requests: the file split into lines, and one line
 * made into an id and a record. Apart from issuing so that the fuzzer
 * (tests/fuzz/fuzz_batch.c) reads lines exactly as `sceau issue --batch`
 * does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

int cli_batch_read(FILE *f, unsigned k, unsigned jobs, volatile sig_atomic_t *stop,
		   cli_batch_line_fn *fn, void *ctx)
{
	char *buf = malloc(CLI_BATCH_LINE_MAX + 1);
	unsigned long lineno = 0;
	int c;

	if (!buf)
		return -1;
	while (!(stop && *stop)) {
		size_t n = 0;
		int too_long = 0, mine;
		c = getc_unlocked(f);
		if (c == EOF)
			break;
		lineno++;
		mine = (lineno - 1) % jobs == k;
		while (c != EOF && c != '\n') {
			if (mine && n < CLI_BATCH_LINE_MAX)
				buf[n++] = (char)c;
			else if (mine)
				too_long = 1;
			c = getc_unlocked(f);
		}
		if (!mine)
			continue;
		while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
			n--;
		buf[n] = 0;
		/* Blank lines are not requests. */
		if (n == 0 && !too_long)
			continue;
		fn(ctx, lineno, buf, n, too_long);
	}
	free(buf);
	return ferror(f) ? -1 : 0;
}

static int id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > CLI_BATCH_ID_MAX || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

#define REFUSE(...)                                                                                \
	do {                                                                                       \
		ret = CLI_LINE_REFUSED;                                                            \
		snprintf(msg, msg_len, __VA_ARGS__);                                               \
		goto out;                                                                          \
	} while (0)

enum cli_line cli_batch_request(const char *line, size_t len, int too_long,
				char id[CLI_BATCH_ID_MAX + 1], struct sceau_record **rec, char *msg,
				size_t msg_len)
{
	enum cli_line ret = CLI_LINE_REFUSED;
	struct sceau_error err = {0};
	json_t *j = NULL, *jid;
	json_error_t je;
	char *text = NULL;

	*rec = NULL;
	id[0] = 0;
	if (too_long)
		REFUSE("longer than %zu bytes (a request is at most %zu)",
		       (size_t)CLI_BATCH_LINE_MAX, (size_t)SCEAU_REQUEST_MAX);
	errno = 0; /* jansson reports a failed allocation as a syntax error */
	if (!(j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je)) && errno == ENOMEM) {
		ret = CLI_LINE_FAILED;
		snprintf(msg, msg_len, "out of memory");
		goto out;
	}
	if (!j)
		REFUSE("not valid JSON: %s (column %d)", je.text, je.column);
	if (!json_is_object(j))
		REFUSE("expected a JSON object (a request with an \"id\")");
	jid = json_object_get(j, "id");
	if (!jid)
		REFUSE("\"id\": required (it names the request, and its PDF)");
	if (!json_is_string(jid) || !id_ok(json_string_value(jid)))
		REFUSE("\"id\": expected 1 to %d of A-Z a-z 0-9 . _ - (not starting with . or -)",
		       CLI_BATCH_ID_MAX);
	snprintf(id, CLI_BATCH_ID_MAX + 1, "%s", json_string_value(jid));
	json_object_del(j, "id");
	if (!(text = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT))) {
		ret = CLI_LINE_FAILED; /* the system's fault, not the line's */
		snprintf(msg, msg_len, "out of memory");
		goto out;
	}
	if (sceau_record_parse(text, strlen(text), rec, &err) != SCEAU_OK) {
		ret = err.code == SCEAU_ERR_NOMEM ? CLI_LINE_FAILED : CLI_LINE_REFUSED;
		snprintf(msg, msg_len, "%s", err.msg);
		goto out;
	}
	ret = CLI_LINE_OK;
out:
	free(text);
	json_decref(j);
	return ret;
}
