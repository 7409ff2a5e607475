/* sceau command line — messages and how times are shown. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_report(const struct sceau_error *err, const char *exists_hint)
{
	fprintf(stderr, "sceau: %s\n", err->msg[0] ? err->msg : sceau_strerror(err->code));
	if (err->code == SCEAU_ERR_EXISTS && exists_hint)
		fprintf(stderr, "hint: %s\n", exists_hint);
	return sceau_err_is_input(err->code) ? EXIT_USAGE : EXIT_INTERNAL;
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
