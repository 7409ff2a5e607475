/* sceau — calendar arithmetic (days from civil, after H. Hinnant's
 * public-domain algorithms) and ISO 8601 parsing, without the C library's
 * locale- and TZ-dependent time functions. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int y, unsigned m)
{
	static const unsigned char n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* Exactly n digits at s into *out. */
static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "YYYY-MM-DD" at s (at least 10 chars checked one by one). */
static int parse_ymd(const char *s, int64_t *days)
{
	int y, m, d;

	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	if (y < SCEAU_YEAR_MIN || y > SCEAU_YEAR_MAX || m < 1 || m > 12 || d < 1 ||
	    (unsigned)d > month_days(y, (unsigned)m))
		return -1;
	*days = days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int sceau_date_parse(const char *s, int32_t *days)
{
	int64_t v;

	if (!s || strlen(s) != 10 || parse_ymd(s, &v))
		return -1;
	*days = (int32_t)v;
	return 0;
}

void sceau_date_format(int32_t days, char buf[11])
{
	int y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	/* the compiler cannot see y in 0..9999 and m, d under 100 */
	if (y < 0 || y > 9999 || m > 12 || d > 31) {
		memcpy(buf, "0000-00-00", 11);
		return;
	}
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, m % 100u, d % 100u);
}

int32_t sceau_date_add_months(int32_t days, int months)
{
	int y;
	unsigned m, d;
	int64_t total;

	civil_from_days(days, &y, &m, &d);
	total = (int64_t)y * 12 + (m - 1) + months;
	y = (int)(total >= 0 ? total / 12 : (total - 11) / 12);
	m = (unsigned)(total - (int64_t)y * 12) + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	return (int32_t)days_from_civil(y, m, d);
}

int32_t sceau_date_of(time_t t)
{
	int64_t s = (int64_t)t;
	return (int32_t)(s >= 0 ? s / 86400 : (s - 86399) / 86400);
}

static enum sceau_err bad_time(struct sceau_error *err, const char *s)
{
	return sceau_fail(
		err, SCEAU_ERR_INVALID,
		"invalid time '%.64s': expected YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM] "
		"or @SECONDS",
		s);
}

enum sceau_err sceau_time_parse(const char *s, time_t *out, struct sceau_error *err)
{
	int64_t days, secs = 0;
	int hh, mm, ss = 0, oh, om;
	const char *p;

	if (!s || !out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no time given");
	if (s[0] == '@') {
		long long v = 0;
		p = s + 1;
		if (!*p || strlen(p) > 12)
			return bad_time(err, s);
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return bad_time(err, s);
			v = v * 10 + (*p - '0');
		}
		*out = (time_t)v;
		return SCEAU_OK;
	}
	if (strnlen(s, 11) < 10 || parse_ymd(s, &days))
		return bad_time(err, s);
	p = s + 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (digits(p + 1, 2, &hh) || p[3] != ':' || digits(p + 4, 2, &mm))
			return bad_time(err, s);
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &ss))
				return bad_time(err, s);
			p += 3;
			if (*p == '.' || *p == ',') {
				p++;
				if (*p < '0' || *p > '9')
					return bad_time(err, s);
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (hh > 23 || mm > 59 || ss > 60)
			return bad_time(err, s);
		secs = hh * 3600 + mm * 60 + ss;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p == '+' ? 1 : -1;
			if (digits(p + 1, 2, &oh))
				return bad_time(err, s);
			if (p[3] == ':') {
				if (digits(p + 4, 2, &om))
					return bad_time(err, s);
				p += 6;
			} else {
				if (digits(p + 3, 2, &om))
					return bad_time(err, s);
				p += 5;
			}
			if (oh > 23 || om > 59)
				return bad_time(err, s);
			secs -= sign * (oh * 3600 + om * 60);
		}
	}
	if (*p)
		return bad_time(err, s);
	*out = (time_t)(days * 86400 + secs);
	return SCEAU_OK;
}

time_t sceau_pdf_date_parse(const char *s)
{
	/* D:YYYYMMDDHHmmSSOHH'mm' (PDF 32000-1, 7.9.4): everything after the
	 * year optional; O is Z, + or -, absent meaning unknown (taken as
	 * UTC). */
	int f[6] = {0, 1, 1, 0, 0, 0};
	static const int width[6] = {4, 2, 2, 2, 2, 2};
	static const int lo[6] = {SCEAU_YEAR_MIN, 1, 1, 0, 0, 0},
			 hi[6] = {SCEAU_YEAR_MAX, 12, 31, 23, 59, 59};
	int64_t t;
	int n = 0;

	if (!s)
		return 0;
	if (s[0] == 'D' && s[1] == ':')
		s += 2;
	for (; n < 6 && s[0] >= '0' && s[0] <= '9'; n++) {
		if (digits(s, width[n], &f[n]) || f[n] < lo[n] || f[n] > hi[n])
			return 0;
		s += width[n];
	}
	if (n == 0 || (unsigned)f[2] > month_days(f[0], (unsigned)f[1]))
		return 0;
	t = days_from_civil(f[0], (unsigned)f[1], (unsigned)f[2]) * 86400 + f[3] * 3600 +
	    f[4] * 60 + f[5];
	if (*s == '+' || *s == '-') {
		int hh = 0, mm = 0, sign = *s == '+' ? 1 : -1;
		if (digits(s + 1, 2, &hh) || hh > 23)
			return 0;
		s += 3;
		if (*s == '\'')
			s++;
		if (*s >= '0' && *s <= '9') {
			if (digits(s, 2, &mm) || mm > 59)
				return 0;
			s += 2;
			if (*s == '\'')
				s++;
		}
		t -= sign * (hh * 3600 + mm * 60);
	} else if (*s == 'Z') {
		s++;
		/* some writers put Z00'00' */
		while (*s == '0' || *s == '\'')
			s++;
	}
	if (*s != '\0' || t <= 0)
		return 0;
	return (time_t)t;
}
