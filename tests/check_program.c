/* sceau tests — programmes and their OIDs (part: program). */
#include <string.h>

#include "testutil.h"

#define COC   SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC)
#define HALAL SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL)

START_TEST(test_program_oids_follow_the_design)
{
	ck_assert_str_eq(sceau_program_oid(SCEAU_PROGRAM_COC),
			 "2.25.126753321991432516554478597059127966795.1.1");
	ck_assert_str_eq(sceau_program_oid(SCEAU_PROGRAM_HALAL),
			 "2.25.126753321991432516554478597059127966795.1.2");
	ck_assert_ptr_null(sceau_program_oid((enum sceau_program)99));
	ck_assert_str_eq(sceau_program_name(SCEAU_PROGRAM_COC), "coc");
	ck_assert_str_eq(sceau_program_name(SCEAU_PROGRAM_HALAL), "halal");
	ck_assert_ptr_null(sceau_program_name((enum sceau_program)0));
}
END_TEST

START_TEST(test_program_list_parses_names)
{
	struct sceau_error err = {0};
	unsigned mask = 0;

	ck_assert_int_eq(sceau_program_parse_list("coc,halal", &mask, &err), SCEAU_OK);
	ck_assert_uint_eq(mask, COC | HALAL);
	ck_assert_int_eq(sceau_program_parse_list("halal", &mask, &err), SCEAU_OK);
	ck_assert_uint_eq(mask, HALAL);
	ck_assert_int_eq(sceau_program_parse_list("halal,coc", &mask, &err), SCEAU_OK);
	ck_assert_uint_eq(mask, COC | HALAL);
}
END_TEST

START_TEST(test_program_list_rejects_unknown_empty_and_repeated)
{
	struct sceau_error err = {0};
	unsigned mask = 12345;

	ck_assert_int_eq(sceau_program_parse_list("coc,organic", &mask, &err), SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "unknown programme 'organic' (known: coc,halal)");
	ck_assert_uint_eq(mask, 12345); /* untouched on failure */
	ck_assert_int_eq(sceau_program_parse_list("", &mask, &err), SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_program_parse_list("coc,", &mask, &err), SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_program_parse_list(",coc", &mask, &err), SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_program_parse_list("COC", &mask, &err), SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_program_parse_list("coc,coc", &mask, &err), SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "programme 'coc' listed twice");
	ck_assert_int_eq(sceau_program_parse_list("co", &mask, &err), SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_program_parse_list("cocx", &mask, &err), SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_program_parse_list(NULL, &mask, &err), SCEAU_ERR_INVALID);
}
END_TEST

START_TEST(test_program_from_name)
{
	struct sceau_error err = {0};
	enum sceau_program p;

	ck_assert_int_eq(sceau_program_from_name("halal", &p, &err), SCEAU_OK);
	ck_assert_int_eq(p, SCEAU_PROGRAM_HALAL);
	ck_assert_int_eq(sceau_program_from_name("iso9001", &p, &err), SCEAU_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "'iso9001'"));
}
END_TEST

START_TEST(test_program_list_format_round_trips_and_truncates)
{
	char buf[32];

	ck_assert_uint_eq(sceau_program_list_format(COC | HALAL, buf, sizeof(buf)), 9);
	ck_assert_str_eq(buf, "coc,halal");
	ck_assert_uint_eq(sceau_program_list_format(HALAL, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "halal");
	ck_assert_uint_eq(sceau_program_list_format(0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(sceau_program_list_format(COC | HALAL, buf, 5), 9);
	ck_assert_str_eq(buf, "coc,");
}
END_TEST

TU_MAIN("program", NULL, NULL, test_program_oids_follow_the_design, test_program_list_parses_names,
	test_program_list_rejects_unknown_empty_and_repeated, test_program_from_name,
	test_program_list_format_round_trips_and_truncates)
