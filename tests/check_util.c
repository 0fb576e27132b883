/*
 * check_util.c: the shared helpers an operator sees through: durations,
 * clock times and backend URLs.
 */
#include <check.h>
#include <string.h>

#include "tests.h"
#include "util.h"

START_TEST(duration_reads_at_a_glance)
{
	char	buf[32];

	ck_assert_str_eq(util_duration_text(0, buf, sizeof buf), "0s");
	ck_assert_str_eq(util_duration_text(12999, buf, sizeof buf), "12s");
	ck_assert_str_eq(util_duration_text(247000, buf, sizeof buf), "4m07s");
	ck_assert_str_eq(util_duration_text(7500000, buf, sizeof buf), "2h05m");
	ck_assert_str_eq(util_duration_text(-3000, buf, sizeof buf), "-3s");
	ck_assert_str_eq(util_duration_text(90000000, buf, sizeof buf),
	    "1d01h");
}
END_TEST

START_TEST(clock_text_and_parse_agree)
{
	char	buf[16], cause[256];
	int	s;

	ck_assert_int_eq(util_parse_clock("09:29:50", &s, cause, sizeof cause),
	    0);
	ck_assert_int_eq(s, 9 * 3600 + 29 * 60 + 50);
	ck_assert_str_eq(util_clock_text((int64_t)s * 1000, buf, sizeof buf),
	    "09:29:50");
	ck_assert_int_eq(util_parse_clock("13:59", &s, cause, sizeof cause), 0);
	ck_assert_int_eq(s, 13 * 3600 + 59 * 60);
	ck_assert_int_eq(util_parse_clock("25:00:00", &s, cause, sizeof cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "HH:MM:SS"));
	ck_assert_int_eq(util_parse_clock("9.30", &s, cause, sizeof cause), -1);
}
END_TEST

START_TEST(url_parse_accepts_names_and_addresses)
{
	char	host[64], path[64], cause[256];
	int	port, tls;

	ck_assert_int_eq(util_parse_url("ws://127.0.0.1:9001", host,
	    sizeof host, &port, path, sizeof path, &tls, cause, sizeof cause),
	    0);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_int_eq(port, 9001);
	ck_assert_str_eq(path, "/");
	ck_assert_int_eq(tls, 0);
	ck_assert_int_eq(util_parse_url("wss://localhost:443/fleet", host,
	    sizeof host, &port, path, sizeof path, &tls, cause, sizeof cause),
	    0);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_str_eq(path, "/fleet");
	ck_assert_int_eq(tls, 1);
	ck_assert_int_eq(util_parse_url("http://x:1", host, sizeof host,
	    &port, path, sizeof path, &tls, cause, sizeof cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not a websocket URL"));
	ck_assert_int_eq(util_parse_url("ws://10.0.0.1", host, sizeof host,
	    &port, path, sizeof path, &tls, cause, sizeof cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "no port"));
	ck_assert_int_eq(util_parse_url("ws://router.example:80", host,
	    sizeof host, &port, path, sizeof path, &tls, cause, sizeof cause),
	    0);
	ck_assert_str_eq(host, "router.example");
	ck_assert_int_eq(util_parse_url("ws://a b:80", host, sizeof host,
	    &port, path, sizeof path, &tls, cause, sizeof cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "neither a host name"));
	ck_assert_int_eq(util_parse_url("ws://127.0.0.1:70000", host,
	    sizeof host, &port, path, sizeof path, &tls, cause, sizeof cause),
	    -1);
}
END_TEST

/* A bracketed IPv6 literal is a host; each way to get it wrong is named. */
START_TEST(url_parse_accepts_bracketed_ipv6)
{
	static const struct {
		const char	*url;
		const char	*cause;
	} bad[] = {
		{ "ws://[::1]/", "no port after the IPv6 address" },
		{ "ws://[::1:9001/", "does not close it" },
		{ "ws://[fleet]:9001/", "not a numeric IPv6 address" },
		{ "ws://[]:9001/", "empty or overlong host" },
		{ "ws://[::1]:0/", "bad port" },
	};
	char	host[64], path[64], cause[256];
	int	port, tls;
	size_t	i;

	ck_assert_int_eq(util_parse_url("ws://[::1]:9001/fleet", host,
	    sizeof host, &port, path, sizeof path, &tls, cause, sizeof cause),
	    0);
	ck_assert_str_eq(host, "::1");
	ck_assert_int_eq(port, 9001);
	ck_assert_str_eq(path, "/fleet");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(util_parse_url(bad[i].url, host, sizeof host,
		    &port, path, sizeof path, &tls, cause, sizeof cause), -1);
		ck_assert_msg(strstr(cause, bad[i].cause) != NULL, "%s: %s",
		    bad[i].url, cause);
	}
}
END_TEST

Suite *
util_suite(void)
{
	Suite	*s = suite_create("util");
	TCase	*tc = tcase_create("util");

	tcase_add_test(tc, duration_reads_at_a_glance);
	tcase_add_test(tc, clock_text_and_parse_agree);
	tcase_add_test(tc, url_parse_accepts_names_and_addresses);
	tcase_add_test(tc, url_parse_accepts_bracketed_ipv6);
	suite_add_tcase(s, tc);
	return (s);
}
