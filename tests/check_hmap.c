/*
 * check_hmap.c: the string map finds every key it was given, misses the
 * ones it was not, replaces a value put twice, and stays right through
 * growth and clearing.
 */
#include <check.h>
#include <stdio.h>

#include "hmap.h"
#include "tests.h"

START_TEST(keys_put_are_found_and_others_are_not)
{
	struct hmap	m;
	size_t		v;

	hmap_init(&m);
	ck_assert_int_eq(hmap_get(&m, "router/r1", &v), 0);
	hmap_put(&m, "router/r1", 7);
	hmap_put(&m, "station/capital", 3);
	ck_assert_int_eq(hmap_get(&m, "router/r1", &v), 1);
	ck_assert_uint_eq(v, 7);
	ck_assert_int_eq(hmap_get(&m, "station/capital", &v), 1);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(hmap_get(&m, "router/r2", &v), 0);
	ck_assert_int_eq(hmap_get(&m, "", &v), 0);
	hmap_put(&m, "router/r1", 9);
	ck_assert_uint_eq(m.n, 2);
	ck_assert_int_eq(hmap_get(&m, "router/r1", &v), 1);
	ck_assert_uint_eq(v, 9);
	hmap_free(&m);
}
END_TEST

START_TEST(many_keys_survive_growth_and_clear)
{
	struct hmap	m;
	char		key[32];
	size_t		i, v;

	hmap_init(&m);
	for (i = 0; i < 50000; i++) {
		snprintf(key, sizeof key, "router/r%zu", i);
		hmap_put(&m, key, i);
	}
	ck_assert_uint_eq(m.n, 50000);
	ck_assert_uint_ge(m.cap, 2 * m.n);
	for (i = 0; i < 50000; i++) {
		snprintf(key, sizeof key, "router/r%zu", i);
		ck_assert_int_eq(hmap_get(&m, key, &v), 1);
		ck_assert_uint_eq(v, i);
	}
	ck_assert_int_eq(hmap_get(&m, "router/r50000", &v), 0);
	hmap_clear(&m);
	ck_assert_uint_eq(m.n, 0);
	ck_assert_int_eq(hmap_get(&m, "router/r1", &v), 0);
	hmap_put(&m, "router/r1", 1);
	ck_assert_int_eq(hmap_get(&m, "router/r1", &v), 1);
	hmap_free(&m);
}
END_TEST

Suite *
hmap_suite(void)
{
	Suite	*s = suite_create("hmap");
	TCase	*tc = tcase_create("hmap");

	tcase_add_test(tc, keys_put_are_found_and_others_are_not);
	tcase_add_test(tc, many_keys_survive_growth_and_clear);
	suite_add_tcase(s, tc);
	return (s);
}
