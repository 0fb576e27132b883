/*
 * check_station.c: the station node as the capital incident plays it:
 * heartbeats keep device countdowns full while certificates are valid,
 * stop when one expires, renewals come from the root holder, and a
 * validly signed but malformed message gets its sender blacklisted with
 * evidence in words, which later explains a refused renewal.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "node-station.h"
#include "tests.h"
#include "util.h"

#define DAY_2012_08_01	(1343779200LL * 1000)	/* 00:00:00 UTC */
#define HMS(h, m, s)	(DAY_2012_08_01 + \
			    (((h) * 3600LL + (m) * 60LL + (s)) * 1000))
#define MINUTE		(60 * 1000LL)
#define START		HMS(13, 59, 50)		/* the capital scenario */

static void	 station_up(struct node_station *s, const char *id,
		    size_t ndevices, int holds_root, struct node_station *root,
		    int64_t now_ms);
static uint64_t	 station_run(struct node_station *s, int64_t from_ms,
		    int64_t to_ms, int64_t step_ms);
static int64_t	 station_not_after(const struct node_station *s);

/* Start station id or fail the test with the station's sentence. */
static void
station_up(struct node_station *s, const char *id, size_t ndevices,
    int holds_root, struct node_station *root, int64_t now_ms)
{
	char	*cause = NULL;
	int	 rc;

	rc = node_station_init(s, id, "north", "station-3.1", ndevices,
	    NULL, holds_root, root, now_ms, &cause);
	ck_assert_msg(rc == 0, "%s: %s", id, cause);
}

/* Tick s from after from_ms to to_ms in steps; heartbeats sent. */
static uint64_t
station_run(struct node_station *s, int64_t from_ms, int64_t to_ms,
    int64_t step_ms)
{
	uint64_t	sent = 0;
	int64_t		t;

	for (t = from_ms + step_ms; t <= to_ms; t += step_ms)
		sent += node_station_tick(s, t);
	return (sent);
}

/* The notAfter of s's current certificate, from its cert report. */
static int64_t
station_not_after(const struct node_station *s)
{
	struct proto_cert	c;

	node_station_cert(s, &c);
	return (c.not_after_ms);
}

START_TEST(heartbeats_keep_countdowns_above_two_minutes)
{
	struct node_station	capital, s3;
	uint64_t		sent = 0;
	int64_t			t;

	station_up(&capital, "station/capital", 0, 1, NULL, START);
	station_up(&s3, "station/s3", 240, 0, &capital, START);
	for (t = START + 1000; t <= START + 10 * MINUTE; t += 1000) {
		sent += node_station_tick(&s3, t);
		ck_assert_uint_eq(s3.counters.devices_failed, 0);
		ck_assert_msg(s3.counters.device_countdown_ms > 2 * MINUTE,
		    "countdown %lld ms at +%llds",
		    (long long)s3.counters.device_countdown_ms,
		    (long long)((t - START) / 1000));
		/* Spread over the minute, some device is always due soon. */
		if (t >= START + MINUTE)
			ck_assert_int_lt(s3.counters.device_countdown_ms,
			    2 * MINUTE + 1000);
	}
	/* One heartbeat a minute to each device, ten minutes. */
	ck_assert_uint_eq(sent, 240 * 10);
	ck_assert_uint_eq(s3.counters.heartbeats_total, 240 * 10);
	ck_assert_uint_eq(s3.counters.devices, 240);
	ck_assert_int_eq(s3.counters.heartbeat_interval_ms, MINUTE);
	ck_assert_int_eq(s3.counters.device_timeout_ms, 3 * MINUTE);
	node_station_free(&s3);
	node_station_free(&capital);
}
END_TEST

START_TEST(a_long_jump_sends_one_heartbeat_per_device)
{
	struct node_station	capital;

	station_up(&capital, "station/capital", 500, 1, NULL, START);
	ck_assert_uint_eq(node_station_tick(&capital, START + 10 * MINUTE),
	    500);
	ck_assert_uint_eq(capital.counters.devices_failed, 0);
	ck_assert_uint_eq(node_station_tick(&capital, START + 10 * MINUTE),
	    0);
	node_station_free(&capital);
}
END_TEST

START_TEST(expired_certificate_stops_heartbeats_and_devices_fail)
{
	struct node_station	 capital, s3;
	struct station_msg	 m;
	uint64_t		 before;
	char			*cause = NULL;

	station_up(&capital, "station/capital", 0, 1, NULL, START);
	station_up(&s3, "station/s3", 120, 0, &capital, START);
	ck_assert_int_eq(station_not_after(&s3), HMS(15, 0, 50));

	/* No renewal: the certificate runs out at 15:00:50. */
	station_run(&s3, START, HMS(15, 0, 50), 5000);
	ck_assert_uint_eq(s3.counters.devices_failed, 0);
	before = s3.counters.heartbeats_total;
	ck_assert_uint_eq(station_run(&s3, HMS(15, 0, 50), HMS(15, 2, 50),
	    5000), 0);
	ck_assert_uint_eq(s3.counters.heartbeats_total, before);
	/* Two minutes on, every device still counts down... */
	ck_assert_uint_eq(s3.counters.devices_failed, 0);
	ck_assert_int_gt(s3.counters.device_countdown_ms, 0);
	ck_assert_int_le(s3.counters.device_countdown_ms, MINUTE);
	/* ...and three minutes after its last heartbeat, each one fails. */
	station_run(&s3, HMS(15, 2, 50), HMS(15, 3, 50), 5000);
	ck_assert_uint_eq(s3.counters.devices_failed, 120);
	ck_assert_int_eq(s3.counters.device_countdown_ms, -1);

	/* Nor can it sign anything else, and it says why. */
	ck_assert_int_eq(node_station_send(&s3, &m, 0, HMS(15, 3, 50),
	    &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "station/s3 cannot sign"));
	ck_assert_ptr_nonnull(strstr(cause, "expired at 15:00:50, 3m00s ago"));
	free(cause);
	node_station_free(&s3);
	node_station_free(&capital);
}
END_TEST

START_TEST(renewal_from_the_root_extends_the_certificate)
{
	struct node_station	capital, s3, s7;
	struct proto_cert	before, after;

	station_up(&capital, "station/capital", 0, 1, NULL, START);
	station_up(&s3, "station/s3", 60, 0, &capital, START);
	ck_assert_int_ge(s3.renew_offset_ms, 0);
	ck_assert_int_le(s3.renew_offset_ms, 20000);

	ck_assert_int_eq(node_station_renewal_due(&s3, HMS(13, 59, 59)), 0);
	ck_assert_int_eq(node_station_renewal_due(&s3, HMS(14, 0, 21)), 1);
	node_station_cert(&s3, &before);
	ck_assert_int_eq(node_station_renew(&s3, &capital, HMS(14, 0, 21)), 0);
	node_station_cert(&s3, &after);
	ck_assert_int_eq(after.not_after_ms, HMS(15, 1, 21));
	ck_assert_int_gt(after.not_after_ms, before.not_after_ms);
	ck_assert_str_ne(after.serial, before.serial);
	ck_assert_int_eq(after.last_renewal_ok, 1);
	ck_assert_str_eq(after.last_renewal_error, "");
	ck_assert_int_eq(after.last_renewal_ms, HMS(14, 0, 21));
	ck_assert_uint_eq(s3.counters.renewals_ok_total, 1);

	/* Not again this hour; again at the next hour's slot. */
	ck_assert_int_eq(node_station_renewal_due(&s3, HMS(14, 30, 0)), 0);
	ck_assert_int_eq(node_station_renewal_due(&s3, HMS(15, 0, 21)), 1);

	/* Past the first certificate's end, the devices are still served. */
	station_run(&s3, HMS(14, 0, 21), HMS(15, 1, 10), 10000);
	ck_assert_uint_eq(s3.counters.devices_failed, 0);
	ck_assert_int_gt(s3.counters.device_countdown_ms, 2 * MINUTE);

	/* A station started at half past keeps its fresh certificate. */
	station_up(&s7, "station/s7", 0, 0, &capital, HMS(14, 30, 0));
	ck_assert_int_eq(node_station_renewal_due(&s7, HMS(14, 31, 0)), 0);
	ck_assert_int_eq(node_station_renewal_due(&s7, HMS(15, 0, 21)), 1);
	node_station_free(&s7);
	node_station_free(&s3);
	node_station_free(&capital);
}
END_TEST

/*
 * A renewal takes the station's proof as given only when its
 * certificate is known to hold its key pair (from its issue, or a first
 * check): a station that signs with another key is still asked to sign,
 * and refused in words, however often it renewed before.
 */
START_TEST(renewal_with_another_key_is_refused_after_good_ones)
{
	struct node_station	 capital, s3;
	struct cert_key		*own, *other;
	char			*cause = NULL;

	station_up(&capital, "station/capital", 0, 1, NULL, START);
	station_up(&s3, "station/s3", 60, 0, &capital, START);
	ck_assert_int_eq(node_station_renew(&s3, &capital, HMS(14, 0, 21)), 0);
	ck_assert_int_eq(node_station_renew(&s3, &capital, HMS(15, 0, 21)), 0);
	other = cert_key_new(&cause);
	ck_assert_ptr_nonnull(other);
	own = s3.key;
	s3.key = other;
	ck_assert_int_eq(node_station_renew(&s3, &capital, HMS(16, 0, 21)),
	    -1);
	ck_assert_msg(strstr(s3.last_renewal_error, "station/s3 could not "
	    "prove who it is: its request's signature does not match its "
	    "certificate") != NULL, "%s", s3.last_renewal_error);
	ck_assert_uint_eq(s3.counters.renewals_ok_total, 2);
	ck_assert_uint_eq(s3.counters.renewals_failed_total, 1);
	s3.key = own;
	cert_key_free(other);
	ck_assert_int_eq(node_station_renew(&s3, &capital, HMS(16, 0, 26)), 0);
	node_station_free(&s3);
	node_station_free(&capital);
}
END_TEST

START_TEST(renewal_without_the_root_says_why)
{
	struct node_station	capital, s3, s12;

	station_up(&capital, "station/capital", 0, 1, NULL, START);
	station_up(&s3, "station/s3", 0, 0, &capital, START);
	station_up(&s12, "station/s12", 0, 0, &capital, START);

	ck_assert_int_eq(node_station_renew(&s3, NULL, HMS(14, 0, 21)), -1);
	ck_assert_ptr_nonnull(strstr(s3.last_renewal_error, "renewal from "
	    "station/capital: no station holding the root could be reached"));
	ck_assert_ptr_nonnull(strstr(s3.last_renewal_error,
	    "expires at 15:00:50"));
	ck_assert_uint_eq(s3.counters.renewals_failed_total, 1);
	ck_assert_int_eq(s3.last_renewal_ok, 0);
	ck_assert_int_eq(station_not_after(&s3), HMS(15, 0, 50));
	/* One attempt an hour: the caller is not told to retry at once. */
	ck_assert_int_eq(node_station_renewal_due(&s3, HMS(14, 30, 0)), 0);
	ck_assert_int_eq(node_station_renewal_due(&s3, HMS(15, 0, 21)), 1);

	ck_assert_int_eq(node_station_renew(&s3, &s12, HMS(14, 0, 22)), -1);
	ck_assert_ptr_nonnull(strstr(s3.last_renewal_error,
	    "station/s12 refused: it does not hold the root"));
	ck_assert_uint_eq(s3.counters.renewals_failed_total, 2);
	node_station_free(&s12);
	node_station_free(&s3);
	node_station_free(&capital);
}
END_TEST

START_TEST(malformed_signed_message_blacklists_sender_with_evidence)
{
	struct node_station	 capital, s3, s12;
	struct station_msg	 m;
	struct proto_stats	 st;
	char			 evidence[PROTO_TEXT_MAX], want[64];
	char			*cause = NULL, *code;

	station_up(&capital, "station/capital", 0, 1, NULL, START);
	station_up(&s3, "station/s3", 0, 0, &capital, START);
	station_up(&s12, "station/s12", 0, 0, &capital, START);

	/* A well-formed message is accepted. */
	ck_assert_int_eq(node_station_send(&capital, &m, 0, HMS(14, 0, 5),
	    &cause), 0);
	ck_assert_int_eq(node_station_receive(&s3, &capital, &m,
	    HMS(14, 0, 5), evidence, sizeof evidence), 0);
	ck_assert_int_eq(node_station_blacklists(&s3, "station/capital"), 0);

	/* The half-written one, validly signed, is not. */
	ck_assert_int_eq(node_station_send(&capital, &m, 1, HMS(14, 0, 6),
	    &cause), 0);
	ck_assert_int_eq(node_station_receive(&s12, &capital, &m,
	    HMS(14, 0, 6), evidence, sizeof evidence), 1);
	ck_assert_int_eq(node_station_blacklists(&s12, "station/capital"), 1);
	snprintf(want, sizeof want, "message #%llu from station/capital",
	    (unsigned long long)capital.counters.messages_signed_total);
	ck_assert_msg(strncmp(evidence, want, strlen(want)) == 0,
	    "evidence: %s", evidence);
	ck_assert_ptr_nonnull(strstr(evidence, "carried a valid signature but "
	    "was malformed: its length field says 41496 bytes (0x0000A218) "
	    "and 37 arrived"));
	/* The code appears only inside words that say what it means. */
	code = strstr(evidence, "0x0000A218");
	ck_assert_ptr_nonnull(code);
	ck_assert_int_eq(code[-1], '(');

	node_station_stats(&s12, &st);
	ck_assert_uint_eq(st.station.nblacklist, 1);
	ck_assert_str_eq(st.station.blacklist[0].peer, "station/capital");
	ck_assert_str_eq(st.station.blacklist[0].reported_by, "station/s12");
	ck_assert_str_eq(st.station.blacklist[0].evidence, evidence);
	ck_assert_int_eq(st.station.blacklist[0].since_ms, HMS(14, 0, 6));
	node_station_free(&s12);
	node_station_free(&s3);
	node_station_free(&capital);
}
END_TEST

START_TEST(renewal_refused_from_blacklisted_root_names_the_evidence)
{
	struct node_station	 capital, s3, s12;
	struct station_msg	 m;
	char			 evidence[PROTO_TEXT_MAX];
	char			*cause = NULL;

	station_up(&capital, "station/capital", 0, 1, NULL, START);
	station_up(&s3, "station/s3", 30, 0, &capital, START);
	station_up(&s12, "station/s12", 0, 0, &capital, START);

	ck_assert_int_eq(node_station_send(&capital, &m, 1, HMS(14, 0, 6),
	    &cause), 0);
	ck_assert_int_eq(node_station_receive(&s12, &capital, &m,
	    HMS(14, 0, 6), evidence, sizeof evidence), 1);
	/* s12 forwards its evidence to s3. */
	ck_assert_int_eq(node_station_blacklist(&s3, "station/capital",
	    "station/s12", evidence, HMS(14, 0, 7)), 1);

	ck_assert_int_eq(node_station_renew(&s3, &capital, HMS(14, 0, 21)),
	    -1);
	ck_assert_ptr_nonnull(strstr(s3.last_renewal_error, "renewal refused: "
	    "station/s3 blacklisted station/capital at 14:00:07 on evidence "
	    "from station/s12: message #"));
	ck_assert_ptr_nonnull(strstr(s3.last_renewal_error,
	    "41496 bytes (0x0000A218) and 37 arrived"));
	ck_assert_ptr_nonnull(strstr(s3.last_renewal_error,
	    "it will not accept a certificate signed by it"));
	ck_assert_uint_eq(s3.counters.renewals_failed_total, 1);
	ck_assert_int_eq(station_not_after(&s3), HMS(15, 0, 50));

	/* The incident's end: the hour passes and the devices fail. */
	station_run(&s3, START, HMS(15, 4, 0), 10000);
	ck_assert_uint_eq(s3.counters.devices_failed, 30);
	node_station_free(&s12);
	node_station_free(&s3);
	node_station_free(&capital);
}
END_TEST

START_TEST(bad_signature_is_rejected_not_blacklisted)
{
	struct node_station	 capital, s3;
	struct station_msg	 m, copy;
	char			 evidence[PROTO_TEXT_MAX];
	char			*cause = NULL;

	station_up(&capital, "station/capital", 0, 1, NULL, START);
	station_up(&s3, "station/s3", 0, 0, &capital, START);

	ck_assert_int_eq(node_station_send(&capital, &m, 0, HMS(14, 0, 5),
	    &cause), 0);
	copy = m;
	copy.body[copy.len - 1] ^= 0x01;
	ck_assert_int_eq(node_station_receive(&s3, &capital, &copy,
	    HMS(14, 0, 5), evidence, sizeof evidence), -1);
	ck_assert_ptr_nonnull(strstr(evidence, "signature does not match"));
	copy = m;
	copy.sig[5] ^= 0x10;
	ck_assert_int_eq(node_station_receive(&s3, &capital, &copy,
	    HMS(14, 0, 5), evidence, sizeof evidence), -1);
	/* Signed by capital but presented as s3's own: the key differs. */
	copy = m;
	util_copy(copy.from, sizeof copy.from, "station/s3");
	ck_assert_int_eq(node_station_receive(&capital, &s3, &copy,
	    HMS(14, 0, 5), evidence, sizeof evidence), -1);

	ck_assert_int_eq(node_station_blacklists(&s3, "station/capital"), 0);
	ck_assert_uint_eq(s3.counters.nblacklist, 0);
	ck_assert_uint_eq(s3.counters.messages_rejected_total, 2);
	ck_assert_uint_eq(capital.counters.nblacklist, 0);
	ck_assert_uint_eq(capital.counters.messages_rejected_total, 1);
	/* The untouched message is still fine. */
	ck_assert_int_eq(node_station_receive(&s3, &capital, &m,
	    HMS(14, 0, 5), evidence, sizeof evidence), 0);
	node_station_free(&s3);
	node_station_free(&capital);
}
END_TEST

START_TEST(blacklist_forwarding_is_idempotent)
{
	struct node_station	 capital, s3;
	struct station_msg	 m;
	char			 evidence[PROTO_TEXT_MAX];
	char			*cause = NULL;

	station_up(&capital, "station/capital", 0, 1, NULL, START);
	station_up(&s3, "station/s3", 0, 0, &capital, START);

	ck_assert_int_eq(node_station_blacklist(&s3, "station/capital",
	    "station/s12", "first evidence", HMS(14, 0, 7)), 1);
	ck_assert_int_eq(node_station_blacklist(&s3, "station/capital",
	    "station/s9", "second evidence", HMS(14, 0, 8)), 0);
	ck_assert_int_eq(node_station_blacklist(&s3, "station/capital",
	    "station/s12", "first evidence", HMS(14, 0, 9)), 0);
	ck_assert_uint_eq(s3.counters.nblacklist, 1);
	ck_assert_str_eq(s3.counters.blacklist[0].reported_by, "station/s12");
	ck_assert_str_eq(s3.counters.blacklist[0].evidence, "first evidence");
	ck_assert_int_eq(s3.counters.blacklist[0].since_ms, HMS(14, 0, 7));

	/* A blacklisted peer's messages are dropped, not blacklisted anew. */
	ck_assert_int_eq(node_station_send(&capital, &m, 1, HMS(14, 0, 10),
	    &cause), 0);
	ck_assert_int_eq(node_station_receive(&s3, &capital, &m,
	    HMS(14, 0, 10), evidence, sizeof evidence), -1);
	ck_assert_uint_eq(s3.counters.nblacklist, 1);
	node_station_free(&s3);
	node_station_free(&capital);
}
END_TEST

START_TEST(reports_name_the_station_its_certificate_and_root)
{
	struct node_station	capital, s3;
	struct proto_hello	h;
	struct proto_stats	st;
	struct proto_cert	c;

	station_up(&capital, "station/capital", 0, 1, NULL, START);
	station_up(&s3, "station/s3", 10, 0, &capital, START);

	node_station_hello(&s3, &h);
	ck_assert_str_eq(h.node, "station/s3");
	ck_assert_int_eq(h.role, ROLE_STATION);
	ck_assert_str_eq(h.group, "north");
	ck_assert_str_eq(h.build, "station-3.1");
	ck_assert_int_eq(h.version, PROTO_VERSION);
	ck_assert_uint_eq(h.nflags, 0);
	proto_hello_clear(&h);

	node_station_stats(&s3, &st);
	ck_assert_int_eq(st.role, ROLE_STATION);
	ck_assert_str_eq(st.node, "station/s3");
	ck_assert_uint_eq(st.seq, 1);
	ck_assert_uint_eq(st.station.devices, 10);
	ck_assert_int_eq(st.station.device_countdown_ms, 3 * MINUTE);
	ck_assert_int_ge(st.uptime_ms, 0);
	node_station_stats(&s3, &st);
	ck_assert_uint_eq(st.seq, 2);

	node_station_cert(&s3, &c);
	ck_assert_str_eq(c.subject, "station/s3");
	ck_assert_str_eq(c.issuer, "Vigil root CA");
	ck_assert_str_eq(c.root_holder, "station/capital");
	ck_assert_int_eq(c.holds_root, 0);
	ck_assert_int_eq(c.not_before_ms, START);
	ck_assert_int_eq(c.not_after_ms - c.not_before_ms,
	    STATION_CERT_VALID_MS);
	ck_assert_int_eq(c.last_renewal_ms, 0);
	ck_assert_uint_gt(strlen(c.serial), 0);
	node_station_cert(&capital, &c);
	ck_assert_int_eq(c.holds_root, 1);
	ck_assert_str_eq(c.root_holder, "station/capital");
	ck_assert_str_eq(c.subject, "station/capital");
	node_station_free(&s3);
	node_station_free(&capital);
}
END_TEST

START_TEST(a_station_serves_a_hundred_thousand_devices)
{
	struct node_station	 big;
	char			*cause = NULL;

	station_up(&big, "station/big", STATION_MAX_DEVICES, 1, NULL, START);
	ck_assert_uint_eq(station_run(&big, START, START + 3 * MINUTE, 1000),
	    3 * STATION_MAX_DEVICES);
	ck_assert_uint_eq(big.counters.devices_failed, 0);
	ck_assert_int_gt(big.counters.device_countdown_ms, 2 * MINUTE);
	node_station_free(&big);

	ck_assert_int_eq(node_station_init(&big, "station/huge", "north",
	    "station-3.1", STATION_MAX_DEVICES + 1, NULL, 1, NULL, START,
	    &cause),
	    -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "more than the 100000"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(node_station_init(&big, "station/s5", "north",
	    "station-3.1", 10, NULL, 0, NULL, START, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "does not hold the root"));
	free(cause);
}
END_TEST

/* The station suite: heartbeats, renewals and blacklists. */

#define MOVE_ID		"00112233445566778899aabbccddeeff"

START_TEST(root_key_moves_sealed_and_the_source_destroys_its_copy)
{
	struct node_station	 cap, s1, s2;
	unsigned char		*blob, sig[CERT_SIG_MAX];
	char			 root[PROTO_FPR_MAX], *cause = NULL;
	size_t			 len, siglen;
	int			 destroyed;

	station_up(&cap, "station/capital", 1, 1, NULL, START);
	station_up(&s1, "station/s1", 1, 0, &cap, START);
	station_up(&s2, "station/s2", 1, 0, &cap, START);
	blob = node_station_root_seal(&cap, MOVE_ID, "station/s2", 1000,
	    root, &len, &cause);
	ck_assert_msg(blob != NULL, "%s", cause);
	/* Opened by another station, or bound to another id: refused. */
	ck_assert_int_eq(node_station_root_open(&s1, MOVE_ID,
	    "station/capital", 1000, root, blob, len, &cause), -1);
	ck_assert_msg(strstr(cause, "does not open") != NULL, "%s", cause);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(node_station_root_open(&s2,
	    "ff112233445566778899aabbccddeeff", "station/capital", 1000, root,
	    blob, len, &cause), -1);
	free(cause);
	cause = NULL;
	blob[len - 1] ^= 1;
	ck_assert_int_eq(node_station_root_open(&s2, MOVE_ID,
	    "station/capital", 1000, root, blob, len, &cause), -1);
	ck_assert_msg(strstr(cause, "altered") != NULL, "%s", cause);
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(s2.root_key);
	blob[len - 1] ^= 1;
	ck_assert_int_eq(node_station_root_open(&s2, MOVE_ID,
	    "station/capital", 1000, root, blob, len, &cause), 0);
	ck_assert_ptr_nonnull(s2.root_key);
	ck_assert_str_eq(s2.root_holder, "station/s2");
	free(blob);

	ck_assert_int_eq(node_station_holder_sign(&s2, MOVE_ID,
	    "station/capital", sig, &siglen, &cause), 0);
	ck_assert_int_eq(node_station_holder_accept(&s1, "station/s2",
	    MOVE_ID, "station/capital", sig, siglen, &destroyed, &cause), 0);
	ck_assert_int_eq(destroyed, 0);
	ck_assert_str_eq(s1.root_holder, "station/s2");
	/* A forged word (another holder named) changes nothing. */
	ck_assert_int_eq(node_station_holder_accept(&cap, "station/s1",
	    MOVE_ID, "station/capital", sig, siglen, &destroyed, &cause), -1);
	ck_assert_msg(strstr(cause, "not signed with the root key") != NULL,
	    "%s", cause);
	free(cause);
	cause = NULL;
	ck_assert_ptr_nonnull(cap.root_key);
	ck_assert_int_eq(node_station_holder_accept(&cap, "station/s2",
	    MOVE_ID, "station/capital", sig, siglen, &destroyed, &cause), 0);
	ck_assert_int_eq(destroyed, 1);
	ck_assert_ptr_null(cap.root_key);
	ck_assert_uint_eq(cap.counters.root_keys_destroyed, 1);

	/* s1 renews from the new holder, and so would a lapsed station. */
	ck_assert_int_eq(node_station_renew(&s1, &s2, START + 70 * MINUTE),
	    0);
	ck_assert_int_eq(node_station_renew(&cap, &s2, START + 2 * MINUTE),
	    0);
	node_station_free(&s2);
	node_station_free(&s1);
	node_station_free(&cap);
}
END_TEST

START_TEST(failed_renewals_retry_with_backoff)
{
	struct node_station	 cap, s1;

	station_up(&cap, "station/capital", 1, 1, NULL, START);
	station_up(&s1, "station/s1", 1, 0, &cap, START);
	ck_assert_int_eq(node_station_renew(&s1, NULL, START), -1);
	ck_assert_int_eq(node_station_retry_due(&s1, START + 4000), 0);
	ck_assert_int_eq(node_station_retry_due(&s1, START + 5000), 1);
	ck_assert_int_eq(node_station_renew(&s1, NULL, START + 5000), -1);
	ck_assert_int_eq(node_station_retry_due(&s1, START + 14000), 0);
	ck_assert_int_eq(node_station_retry_due(&s1, START + 15000), 1);
	ck_assert_int_eq(node_station_renew(&s1, &cap, START + 15000), 0);
	ck_assert_int_eq(node_station_retry_due(&s1, START + 99000), 0);
	node_station_free(&s1);
	node_station_free(&cap);
}
END_TEST

/*
 * A steady station's tick visits only the devices due; ticked that way
 * it must tell the same as the walk over every device, through renewal,
 * expiry, failures, long jumps and repeated ticks, ties of slots beyond
 * 60,000 devices included.
 */
START_TEST(due_tick_agrees_with_the_full_walk)
{
	static const size_t	 sizes[] = { 1, 7, 250, 60007 };
	struct node_station	 cap, fast, slow;
	uint64_t		 x = 88172645463325252ULL, a, b;
	int64_t			 t, dt;
	size_t			 k, i;
	int			 renewed, steady = 0;

	station_up(&cap, "station/capital", 0, 1, NULL, START);
	for (k = 0; k < nitems(sizes); k++) {
		station_up(&fast, "station/s1", sizes[k], 0, &cap, START);
		station_up(&slow, "station/s2", sizes[k], 0, &cap, START);
		renewed = 0;
		for (t = START; t < START + 130 * MINUTE; t += dt) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			dt = x % 97 == 0 ? 90 * 1000 : x % 53 == 0 ? 0 :
			    (int64_t)(x % 20000);
			if (!renewed && t >= START + 50 * MINUTE) {
				ck_assert_int_eq(node_station_renew(&fast,
				    &cap, t), 0);
				ck_assert_int_eq(node_station_renew(&slow,
				    &cap, t), 0);
				renewed = 1;
			}
			slow.steady = 0;
			a = node_station_tick(&fast, t);
			b = node_station_tick(&slow, t);
			steady |= fast.steady;
			ck_assert_uint_eq(a, b);
			ck_assert_uint_eq(fast.counters.devices_failed,
			    slow.counters.devices_failed);
			ck_assert_int_eq(fast.counters.device_countdown_ms,
			    slow.counters.device_countdown_ms);
			ck_assert_uint_eq(fast.counters.heartbeats_total,
			    slow.counters.heartbeats_total);
			/* One check a tick: each is a write to check's pipe. */
			for (i = 0; i < sizes[k]; i++) {
				if (fast.devices[i].last_heartbeat_ms !=
				    slow.devices[i].last_heartbeat_ms ||
				    fast.devices[i].failed !=
				    slow.devices[i].failed)
					break;
			}
			ck_assert_msg(i == sizes[k], "device %zu of %zu "
			    "differs at +%llds", i, sizes[k],
			    (long long)((t - START) / 1000));
		}
		/* The certificate ran out at 111 minutes: all failed. */
		ck_assert_uint_eq(fast.counters.devices_failed, sizes[k]);
		node_station_free(&fast);
		node_station_free(&slow);
	}
	ck_assert_msg(steady, "no tick took the steady path");
	node_station_free(&cap);
}
END_TEST

Suite *
station_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("station");
	tc = tcase_create("station");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, heartbeats_keep_countdowns_above_two_minutes);
	tcase_add_test(tc, a_long_jump_sends_one_heartbeat_per_device);
	tcase_add_test(tc,
	    expired_certificate_stops_heartbeats_and_devices_fail);
	tcase_add_test(tc, renewal_from_the_root_extends_the_certificate);
	tcase_add_test(tc,
	    renewal_with_another_key_is_refused_after_good_ones);
	tcase_add_test(tc, renewal_without_the_root_says_why);
	tcase_add_test(tc,
	    malformed_signed_message_blacklists_sender_with_evidence);
	tcase_add_test(tc,
	    renewal_refused_from_blacklisted_root_names_the_evidence);
	tcase_add_test(tc, bad_signature_is_rejected_not_blacklisted);
	tcase_add_test(tc, blacklist_forwarding_is_idempotent);
	tcase_add_test(tc, reports_name_the_station_its_certificate_and_root);
	tcase_add_test(tc, a_station_serves_a_hundred_thousand_devices);
	tcase_add_test(tc,
	    root_key_moves_sealed_and_the_source_destroys_its_copy);
	tcase_add_test(tc, failed_renewals_retry_with_backoff);
	tcase_add_test(tc, due_tick_agrees_with_the_full_walk);
	suite_add_tcase(s, tc);
	return (s);
}
