/* sceau command line — messages and how times are shown. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_report(const struct sceau_error *err, const char *exists_hint)
{
	fprintf(stderr, "sceau: %s\n", err->msg[0] ? err->msg : sceau_strerror(err->code));
	if (err->code == SCEAU_ERR_EXISTS && exists_hint)
		fprintf(stderr, "hint: %s\n", exists_hint);
	return sceau_err_is_input(err->code) ? EXIT_USAGE : EXIT_INTERNAL;
}

const char *cli_errno_text(int e)
{
	static char buf[128];
	const char *s;

	switch (e) {
	case ENOENT:
		return "no such file";
	case ENOSPC:
		return "no space left on device";
	case EIO:
		return "input/output error";
	case ENOMEM:
		return "out of memory";
	case EACCES:
	case EPERM:
		return "permission denied";
	}
	s = strerror_r(e, buf, sizeof(buf)); /* GNU: may return a static string */
	if (s != buf)
		snprintf(buf, sizeof(buf), "%s", s);
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("sceau: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* DESIGN.md: times are stored in UTC and shown in Africa/Casablanca time.
 * Without the zone data (package tzdata), show the UTC date. */
static void format(time_t t, char *buf, size_t len, const char *fmt, const char *utc_fmt)
{
	static int have_zone = -1;
	struct tm tm;

	if (have_zone < 0) {
		have_zone = access("/usr/share/zoneinfo/Africa/Casablanca", R_OK) == 0;
		if (have_zone) {
			setenv("TZ", "Africa/Casablanca", 1);
			tzset();
		}
	}
	if (have_zone ? !localtime_r(&t, &tm) : !gmtime_r(&t, &tm))
		snprintf(buf, len, "(unrepresentable date)");
	else
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		/* The two formats are the literals of the callers below. */
		strftime(buf, len, have_zone ? fmt : utc_fmt, &tm);
#pragma GCC diagnostic pop
}

void cli_format_date(time_t t, char *buf, size_t len)
{
	format(t, buf, len, "%Y-%m-%d", "%Y-%m-%d");
}

void cli_format_time(time_t t, char *buf, size_t len)
{
	format(t, buf, len, "%Y-%m-%d %H:%M %Z (Casablanca)", "%Y-%m-%d %H:%M UTC");
}

int cli_write_atomic(const char *path, const void *data, size_t len, int force, mode_t mode)
{
	const char *slash = strrchr(path, '/');
	char tmp[PATH_MAX], dir[PATH_MAX];
	int fd, ok;
	size_t off = 0;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash == path ? 1 : slash - path) : 1,
		 slash ? path : ".");
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		cli_warn("cannot write '%s': name too long", path);
		return EXIT_USAGE;
	}
	if (!force && access(path, F_OK) == 0) {
		cli_warn("'%s' exists (use --force to replace it)", path);
		return EXIT_USAGE;
	}
	/* --force replaces a file, never a device, directory or pipe: a rename
	 * over /dev/null would put a file in its place. */
	{
		struct stat st;
		if (force && lstat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
		    !S_ISLNK(st.st_mode)) {
			cli_warn("cannot write '%s': not a regular file (--force replaces files "
				 "only)",
				 path);
			return EXIT_USAGE;
		}
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		int e = errno;
		cli_warn("cannot write '%s': %s", path, cli_errno_text(e));
		return e == ENOENT || e == EACCES || e == ENOTDIR ? EXIT_USAGE : EXIT_INTERNAL;
	}
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = ENOSPC; /* a write that makes no progress: the disk is full */
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	ok = off == len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	/* Without force, link() refuses an existing name: no race with a file
	 * made meanwhile. */
	if (ok)
		ok = force ? rename(tmp, path) == 0 : link(tmp, path) == 0;
	if (!ok) {
		int e = errno;
		unlink(tmp);
		cli_warn("cannot write '%s': %s", path, cli_errno_text(e));
		return e == EEXIST ? EXIT_USAGE : EXIT_INTERNAL;
	}
	if (!force)
		unlink(tmp);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	return EXIT_VALID;
}
