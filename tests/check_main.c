/*
 * check_main.c: the one runner for every suite in suites.h.  CK_FORK stays
 * on, so a crash in one test is reported and the others still run.
 */
#include <check.h>
#include <stdlib.h>

#include "tests.h"

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(NULL);
#define X(name) srunner_add_suite(sr, name##_suite());
#include SUITES
#undef X
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
