/*
 * tests.h: the suites' constructors, for the one runner (check_main.c);
 * the helpers the end-to-end tests share are e2e.h.
 */
#ifndef VIGIL_TESTS_H
#define VIGIL_TESTS_H

#include <check.h>

/* -DSUITES='"my-suites.h"' builds a runner of just those suites. */
#ifndef SUITES
#define SUITES "suites.h"
#endif

#define X(name) Suite *name##_suite(void);
#include SUITES
#undef X

#endif
