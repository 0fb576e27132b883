/*
 * tests.h: the suites' constructors, and helpers the end-to-end tests
 * share (see tests/e2e-util.c when present).
 */
#ifndef VIGIL_TESTS_H
#define VIGIL_TESTS_H

#include <check.h>

#define X(name) Suite *name##_suite(void);
#include "suites.h"
#undef X

#endif
