/*
 * check_urls.c: the fleet file vigil reads: comments, blank lines and
 * several URLs a line are fine, a URL named twice is kept once, and a
 * bad URL, an empty fleet or a missing file is refused with a sentence
 * naming the file (and line).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "tests.h"
#include "urls.h"

static char	*fleet_file(const char *);

/* A file in the test's directory holding text; allocated path. */
static char *
fleet_file(const char *text)
{
	FILE	*f;
	char	*path = e2e_path("fleet");

	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return (path);
}

START_TEST(fleet_file_lists_each_backend_once)
{
	struct urls	 urls = { NULL, NULL, 0, NULL };
	char		*path, *cause = NULL;

	path = fleet_file("# written by hand\n\n"
	    "ws://127.0.0.1:7701 ws://127.0.0.1:7702/vigil # two\n"
	    "\twss://10.0.0.3:443\r\nws://127.0.0.1:7701\n");
	ck_assert_int_eq(urls_read(path, &urls, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_uint_eq(urls.n, 3);
	ck_assert_str_eq(urls.v[0], "ws://127.0.0.1:7701");
	ck_assert_str_eq(urls.v[1], "ws://127.0.0.1:7702/vigil");
	ck_assert_str_eq(urls.v[2], "wss://10.0.0.3:443");
	urls_free(&urls);
	ck_assert_uint_eq(urls.n, 0);
	free(path);
}
END_TEST

START_TEST(fleet_file_mistakes_are_sentences)
{
	struct urls	 urls = { NULL, NULL, 0, NULL };
	char		*path, *cause = NULL;

	path = fleet_file("ws://127.0.0.1:7701\n# next\nhttp://x\n");
	ck_assert_int_eq(urls_read(path, &urls, &cause), -1);
	ck_assert_msg(strstr(cause, path) != NULL &&
	    strstr(cause, " line 3: ") != NULL, "%s", cause);
	free(cause);
	urls_free(&urls);
	free(path);

	path = fleet_file("# nothing here\n\n");
	ck_assert_int_eq(urls_read(path, &urls, &cause), -1);
	ck_assert_msg(strstr(cause, "lists no backends; add one "
	    "wss://HOST:PORT line") != NULL, "%s", cause);
	free(cause);
	free(path);

	path = e2e_path("missing");
	ck_assert_int_eq(urls_read(path, &urls, &cause), -1);
	ck_assert_msg(strstr(cause, "cannot read fleet file") != NULL &&
	    strstr(cause, "No such file") != NULL, "%s", cause);
	free(cause);
	free(path);
}
END_TEST

Suite *
urls_suite(void)
{
	Suite	*s = suite_create("urls");
	TCase	*tc = tcase_create("urls");

	tcase_add_checked_fixture(tc, e2e_setup, e2e_cleanup);
	tcase_add_test(tc, fleet_file_lists_each_backend_once);
	tcase_add_test(tc, fleet_file_mistakes_are_sentences);
	suite_add_tcase(s, tc);
	return (s);
}
