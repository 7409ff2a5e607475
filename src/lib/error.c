/* sceau — error codes and messages. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>

#include "internal.h"

static const char *const texts[] = {
	[SCEAU_OK] = "success",
	[SCEAU_ERR_INVALID] = "invalid value",
	[SCEAU_ERR_NOT_FOUND] = "not found",
	[SCEAU_ERR_EXISTS] = "already exists",
	[SCEAU_ERR_FORMAT] = "malformed or unexpected input",
	[SCEAU_ERR_PASSPHRASE] = "wrong passphrase",
	[SCEAU_ERR_MISMATCH] = "inputs do not belong together",
	[SCEAU_ERR_STATE] = "conflicts with the current state",
	[SCEAU_ERR_ACCESS] = "permission denied",
	[SCEAU_ERR_IO] = "input/output error",
	[SCEAU_ERR_NOMEM] = "out of memory",
	[SCEAU_ERR_CRYPTO] = "cryptographic library failure",
	[SCEAU_ERR_INTERNAL] = "internal error",
};

const char *sceau_strerror(enum sceau_err code)
{
	if ((unsigned)code < sizeof(texts) / sizeof(texts[0]) && texts[code])
		return texts[code];
	return "unknown error";
}

void sceau_error_clear(struct sceau_error *err)
{
	if (!err)
		return;
	err->code = SCEAU_OK;
	err->msg[0] = '\0';
}

int sceau_err_is_input(enum sceau_err code)
{
	switch (code) {
	case SCEAU_ERR_INVALID:
	case SCEAU_ERR_NOT_FOUND:
	case SCEAU_ERR_EXISTS:
	case SCEAU_ERR_FORMAT:
	case SCEAU_ERR_PASSPHRASE:
	case SCEAU_ERR_MISMATCH:
	case SCEAU_ERR_STATE:
	case SCEAU_ERR_ACCESS:
		return 1;
	default:
		return 0;
	}
}

static void vset(struct sceau_error *err, enum sceau_err code, const char *fmt, va_list ap)
{
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

enum sceau_err sceau_fail(struct sceau_error *err, enum sceau_err code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vset(err, code, fmt, ap);
		va_end(ap);
	}
	return code;
}

int sceau_ssl_oom(void)
{
	unsigned long e;
	int oom = errno == ENOMEM; /* OpenSSL 3.0 does not always say */

	while ((e = ERR_get_error()) != 0)
		if (ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE)
			oom = 1;
	return oom;
}

enum sceau_err sceau_fail_ssl(struct sceau_error *err, enum sceau_err code, const char *fmt, ...)
{
	unsigned long e = ERR_peek_last_error(), f;
	const char *why;
	va_list ap;
	/* An allocation that failed inside OpenSSL is no bad input. OpenSSL
	 * 3.0 does not always say so: a failure with nothing in the queue
	 * and malloc's ENOMEM in errno is one too. */
	int oom = e == 0 && errno == ENOMEM;

	while ((f = ERR_get_error()) != 0)
		if (ERR_GET_REASON(f) == ERR_R_MALLOC_FAILURE)
			oom = 1;
	if (oom)
		code = SCEAU_ERR_NOMEM;
	if (err) {
		va_start(ap, fmt);
		vset(err, code, fmt, ap);
		va_end(ap);
		why = oom ? "out of memory" : e ? ERR_reason_error_string(e) : NULL;
		size_t n = strlen(err->msg);
		if (why && n < sizeof(err->msg))
			snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", why);
	}
	ERR_clear_error();
	return code;
}

enum sceau_err sceau_err_from_errno(int errnum)
{
	switch (errnum) {
	case ENOENT:
	case ENOTDIR:
		return SCEAU_ERR_NOT_FOUND;
	case EACCES:
	case EPERM:
	case EISDIR:
	case ELOOP:
		return SCEAU_ERR_ACCESS;
	case ENOMEM:
		return SCEAU_ERR_NOMEM;
	default:
		return SCEAU_ERR_IO;
	}
}

const char *sceau_errno_text(int errnum)
{
	switch (errnum) {
	case ENOENT:
		return "no such file";
	case ENOTDIR:
		return "a parent is not a directory";
	case EACCES:
	case EPERM:
		return "permission denied";
	case EISDIR:
		return "is a directory";
	case ELOOP:
		return "is a symbolic link";
	case EEXIST:
		return "already exists";
	case ENOSPC:
		return "no space left on device";
	case EFBIG:
		return "file too large";
	case EROFS:
		return "read-only file system";
	case ENOMEM:
		return "out of memory";
	case ENOTEMPTY:
		return "directory not empty";
	case EDQUOT:
		return "disk quota exceeded";
	default:
		return "input/output error";
	}
}

/* ---- shared by the PDF writers (pdfdoc.c, pdfsign.c) ---- */

long sceau_utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	long cp;
	int n;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		cp = s[0] & 0x1f;
		n = 1;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		cp = s[0] & 0x0f;
		n = 2;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		cp = s[0] & 0x07;
		n = 3;
	} else {
		return -1;
	}
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*p = s + n + 1;
	return cp;
}
