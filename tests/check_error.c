/* sceau tests — errors, verdicts and the version (part: error). */
#include <string.h>

#include "testutil.h"

START_TEST(test_strerror_names_every_code_distinctly)
{
	for (int a = SCEAU_OK; a <= SCEAU_ERR_INTERNAL; a++) {
		const char *ta = sceau_strerror((enum sceau_err)a);
		ck_assert_ptr_nonnull(ta);
		ck_assert_str_ne(ta, "unknown error");
		for (int b = a + 1; b <= SCEAU_ERR_INTERNAL; b++)
			ck_assert_str_ne(ta, sceau_strerror((enum sceau_err)b));
	}
	ck_assert_str_eq(sceau_strerror((enum sceau_err)999), "unknown error");
	ck_assert_str_eq(sceau_strerror((enum sceau_err) - 1), "unknown error");
}
END_TEST

START_TEST(test_error_codes_keep_their_values)
{
	/* Values are API: a renumbering breaks every caller. */
	ck_assert_int_eq(SCEAU_OK, 0);
	ck_assert_int_eq(SCEAU_ERR_INVALID, 1);
	ck_assert_int_eq(SCEAU_ERR_PASSPHRASE, 5);
	ck_assert_int_eq(SCEAU_ERR_INTERNAL, 12);
	ck_assert_int_eq(SCEAU_VERDICT_VALID, 0);
	ck_assert_int_eq(SCEAU_VERDICT_NOT_YET_VALID, 6);
}
END_TEST

START_TEST(test_input_errors_are_told_apart_from_system_errors)
{
	ck_assert(sceau_err_is_input(SCEAU_ERR_INVALID));
	ck_assert(sceau_err_is_input(SCEAU_ERR_NOT_FOUND));
	ck_assert(sceau_err_is_input(SCEAU_ERR_EXISTS));
	ck_assert(sceau_err_is_input(SCEAU_ERR_FORMAT));
	ck_assert(sceau_err_is_input(SCEAU_ERR_PASSPHRASE));
	ck_assert(sceau_err_is_input(SCEAU_ERR_MISMATCH));
	ck_assert(sceau_err_is_input(SCEAU_ERR_STATE));
	ck_assert(sceau_err_is_input(SCEAU_ERR_ACCESS));
	ck_assert(!sceau_err_is_input(SCEAU_OK));
	ck_assert(!sceau_err_is_input(SCEAU_ERR_IO));
	ck_assert(!sceau_err_is_input(SCEAU_ERR_NOMEM));
	ck_assert(!sceau_err_is_input(SCEAU_ERR_CRYPTO));
	ck_assert(!sceau_err_is_input(SCEAU_ERR_INTERNAL));
}
END_TEST

START_TEST(test_error_clear_resets_and_accepts_null)
{
	struct sceau_error err = {SCEAU_ERR_IO, "something"};

	sceau_error_clear(&err);
	ck_assert_int_eq(err.code, SCEAU_OK);
	ck_assert_str_eq(err.msg, "");
	sceau_error_clear(NULL);
}
END_TEST

START_TEST(test_verdict_names_are_the_json_values)
{
	ck_assert_str_eq(sceau_verdict_name(SCEAU_VERDICT_VALID), "valid");
	ck_assert_str_eq(sceau_verdict_name(SCEAU_VERDICT_INVALID), "invalid");
	ck_assert_str_eq(sceau_verdict_name(SCEAU_VERDICT_MODIFIED), "modified");
	ck_assert_str_eq(sceau_verdict_name(SCEAU_VERDICT_UNTRUSTED), "untrusted");
	ck_assert_str_eq(sceau_verdict_name(SCEAU_VERDICT_REVOKED), "revoked");
	ck_assert_str_eq(sceau_verdict_name(SCEAU_VERDICT_EXPIRED), "expired");
	ck_assert_str_eq(sceau_verdict_name(SCEAU_VERDICT_NOT_YET_VALID), "not_yet_valid");
	/* An unknown value never reads as "valid". */
	ck_assert_str_eq(sceau_verdict_name((enum sceau_verdict_code)77), "invalid");
}
END_TEST

START_TEST(test_version_matches_the_build)
{
	ck_assert_str_eq(sceau_version(), SCEAU_VERSION_STRING);
	ck_assert_str_eq(sceau_version(), SCEAU_PROJECT_VERSION);
	ck_assert_uint_eq(sceau_version_num(), (unsigned)SCEAU_VERSION_NUM);
	ck_assert_uint_eq(SCEAU_VERSION_NUM, (SCEAU_VERSION_MAJOR << 16) |
						     (SCEAU_VERSION_MINOR << 8) |
						     SCEAU_VERSION_PATCH);
}
END_TEST

TU_MAIN("error", NULL, NULL, test_strerror_names_every_code_distinctly,
	test_error_codes_keep_their_values, test_input_errors_are_told_apart_from_system_errors,
	test_error_clear_resets_and_accepts_null, test_verdict_names_are_the_json_values,
	test_version_matches_the_build)
