/* Tests: calendar dates and instants (date.c). */
#include "testutil.h"

static int32_t day(const char *s)
{
	int32_t d = -1;
	ck_assert_msg(sceau_date_parse(s, &d) == 0, "'%s' should parse", s);
	return d;
}

START_TEST(test_date_parse_and_format_round_trip)
{
	const char *dates[] = {"1970-01-01", "2000-02-29", "2026-11-24", "2027-02-28",
			       "9999-12-31"};
	char buf[11];

	ck_assert_int_eq(day("1970-01-01"), 0);
	ck_assert_int_eq(day("2026-11-24"), 20781);
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		sceau_date_format(day(dates[i]), buf);
		ck_assert_str_eq(buf, dates[i]);
	}
}
END_TEST

START_TEST(test_date_rejects_impossible_or_loose_dates)
{
	const char *bad[] = {"2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
			     "2026-1-01",  "26-11-24",   "2026/11/24", "2026-11-24T00:00:00Z",
			     "1969-12-31", "2026-11-2x", "",           " 2026-11-24"};
	int32_t d;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(sceau_date_parse(bad[i], &d) != 0, "'%s' should be refused", bad[i]);
}
END_TEST

START_TEST(test_date_add_months_clamps_to_month_end)
{
	char buf[11];

	sceau_date_format(sceau_date_add_months(day("2026-11-30"), 3), buf);
	ck_assert_str_eq(buf, "2027-02-28");
	sceau_date_format(sceau_date_add_months(day("2026-11-20"), 3), buf);
	ck_assert_str_eq(buf, "2027-02-20");
	sceau_date_format(sceau_date_add_months(day("2028-02-29"), 36), buf);
	ck_assert_str_eq(buf, "2031-02-28");
	sceau_date_format(sceau_date_add_months(day("2026-01-31"), -2), buf);
	ck_assert_str_eq(buf, "2025-11-30");
}
END_TEST

START_TEST(test_time_parse_accepts_iso_forms)
{
	static const struct {
		const char *text;
		time_t want;
	} cases[] = {
		{"2026-11-24", 1795478400},
		{"2026-11-24T10:00:00Z", 1795514400},
		{"2026-11-24T10:00Z", 1795514400},
		{"2026-11-24T11:00:00+01:00", 1795514400},
		{"2026-11-24T11:00:00+0100", 1795514400},
		{"2026-11-24T08:30:00-01:30", 1795514400},
		{"2026-11-24T10:00:00.123456789Z", 1795514400},
		{"2026-11-24T10:00:00", 1795514400},
		{"@1795514400", 1795514400},
	};
	struct sceau_error err = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		time_t t = 0;
		ck_assert_msg(sceau_time_parse(cases[i].text, &t, &err) == SCEAU_OK, "%s: %s",
			      cases[i].text, err.msg);
		ck_assert_msg(t == cases[i].want, "%s gave %lld", cases[i].text, (long long)t);
	}
}
END_TEST

START_TEST(test_time_parse_rejects_garbage)
{
	const char *bad[] = {
		"yesterday", "2026-11-24T25:00Z", "2026-11-24T10:00:00+1", "@",
		"@12a",      "2026-11-24T10",     "2026-11-24T10:00:00ZZ", "2026-11-24 junk"};
	struct sceau_error err = {0};
	time_t t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(sceau_time_parse(bad[i], &t, &err) == SCEAU_ERR_INVALID,
			      "'%s' should be refused", bad[i]);
		ck_assert_ptr_nonnull(strstr(err.msg, "expected"));
	}
}
END_TEST

TU_MAIN("date", NULL, NULL, test_date_parse_and_format_round_trip,
	test_date_rejects_impossible_or_loose_dates, test_date_add_months_clamps_to_month_end,
	test_time_parse_accepts_iso_forms, test_time_parse_rejects_garbage)
