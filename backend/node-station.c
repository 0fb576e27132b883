/*
 * node-station.c: a certificate-issuing station (see node-station.h).
 *
 * The station is plain state driven by its caller's clock: the simulator
 * (or a real deployment) hands in node clock ms, messages from peers and
 * renewal partners.  Keys and certificates are opaque keys/cert.h objects;
 * this file never sees OpenSSL.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "node-station.h"
#include "proto-plan.h"
#include "seal.h"
#include "util.h"

#define STATION_ROOT_CN		"Vigil root CA"
#define STATION_ROOT_VALID_MS	(10 * 365 * 24 * 3600 * 1000LL)
#define STATION_RENEW_SLOT_MS	20000	/* renewals spread over 20s */
#define STATION_PAYLOAD_MAX	96

/*
 * The length a capital's half-written header claimed in the incident;
 * a malformed message carries it, and it only ever reaches an operator
 * inside a sentence that says what it means.
 */
#define STATION_TORN_LENGTH	0x0000A218u
#define STATION_TORN_ARRIVED	37

static int64_t	 station_floor_div(int64_t a, int64_t b);
static int64_t	 station_renew_offset(const char *id, int64_t spread_ms);
static int	 station_cert_valid(struct node_station *s, int64_t now_ms);
static int	 station_tick_due(struct node_station *s, int64_t now_ms,
		    uint64_t *sent);
static uint64_t	 station_tick_all(struct node_station *s, int64_t now_ms);
static int64_t	 station_slot_before(const struct node_station *s,
		    int64_t now_ms);
static int	 station_cert_expiry(const struct node_station *s,
		    char *buf, size_t len, int64_t now_ms);
static void	 station_renew_fail(struct node_station *s, const char *fmt,
		    ...) __attribute__((format(printf, 2, 3)));
static int	 station_parse(const struct station_msg *m, const char *from,
		    uint64_t *seq, char *why, size_t whylen);
static int	 station_parse_number(const char *p, size_t n, uint64_t *v,
		    size_t *used);
static void	 station_certify(struct node_station *issuer,
		    struct node_station *s);
static void	 station_note_cert(struct node_station *s);
static void	 station_plan_renewal(struct node_station *s);
static const struct station_issued *station_issued_find(
		    const struct node_station *s, const char *id);
static void	 station_move_aad(char *buf, size_t len, const char *id,
		    const char *from, const char *to, const char *root,
		    int64_t sealed_ms);
static int	 station_prove(const struct node_station *s,
		    const struct node_station *issuer, int64_t now_ms,
		    char *why, size_t whylen);

/* Floor division, so slots before the epoch still land on a minute. */
static int64_t
station_floor_div(int64_t a, int64_t b)
{
	int64_t	q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return (q);
}

/*
 * A stable slot after the hour, 0..spread_ms, from an FNV-1a hash of the
 * id, so that a country's stations do not all ask the root at once.
 */
static int64_t
station_renew_offset(const char *id, int64_t spread_ms)
{
	return ((int64_t)(util_fnv1a(id) % (uint64_t)(spread_ms + 1)));
}

/* Spread the renewal slot over spread_ms after the hour; see the header. */
void
node_station_spread_renewal(struct node_station *s, int64_t spread_ms)
{
	if (spread_ms >= STATION_RENEW_EVERY_MS)
		spread_ms = STATION_RENEW_EVERY_MS - 1;
	if (spread_ms < STATION_RENEW_SLOT_MS)
		spread_ms = STATION_RENEW_SLOT_MS;
	s->renew_offset_ms = station_renew_offset(s->id, spread_ms);
	station_plan_renewal(s);
}

/* The latest renewal slot (an hour start plus the offset) at or before now. */
static int64_t
station_slot_before(const struct node_station *s, int64_t now_ms)
{
	int64_t	slot;

	slot = station_floor_div(now_ms - s->renew_offset_ms,
	    STATION_RENEW_EVERY_MS) * STATION_RENEW_EVERY_MS +
	    s->renew_offset_ms;
	return (slot);
}

/*
 * Write "the certificate of station/s3 expires at HH:MM:SS" (or "expired
 * at") into buf.  No "in 59s": the sentence is kept as the last renewal
 * error and shown for minutes, when a relative time would be stale.
 * Returns 0, or -1.
 */
static int
station_cert_expiry(const struct node_station *s, char *buf, size_t len,
    int64_t now_ms)
{
	struct cert_info	 info;
	char			*cause = NULL, at[16];

	if (s->cert == NULL || cert_get_info(s->cert, &info, &cause) != 0) {
		free(cause);
		util_format(buf, len, "%s has no readable certificate",
		    s->id);
		return (-1);
	}
	util_clock_text(info.not_after_ms, at, sizeof at);
	util_format(buf, len, "the certificate of %s %s at %s", s->id,
	    info.not_after_ms >= now_ms ? "expires" : "expired", at);
	return (0);
}

/* Record a refused renewal: the sentence, the outcome and the counter. */
static void
station_renew_fail(struct node_station *s, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(s->last_renewal_error, sizeof s->last_renewal_error, fmt,
	    ap);
	va_end(ap);
	s->last_renewal_ok = 0;
	s->counters.renewals_failed_total++;
	/* A real station retries with backoff, not only at the hour. */
	s->retry_ms = s->retry_ms == 0 ? STATION_RETRY_MIN_MS :
	    s->retry_ms * 2;
	if (s->retry_ms > STATION_RETRY_MAX_MS)
		s->retry_ms = STATION_RETRY_MAX_MS;
}

/*
 * Read a decimal number of at most n bytes at p (no sign, no leading
 * zeros, no overflow).  Returns 0 and sets *v and *used, or -1.
 */
static int
station_parse_number(const char *p, size_t n, uint64_t *v, size_t *used)
{
	size_t		i;
	uint64_t	x = 0;

	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		if (x > (UINT64_MAX - 9) / 10)
			return (-1);
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	if (i == 0 || (i > 1 && p[0] == '0'))
		return (-1);
	*v = x;
	*used = i;
	return (0);
}

/*
 * Parse a message body strictly:
 *	v1 from=<id> seq=<n> len=<L> payload=<exactly L printable bytes>
 * Returns 0 if it is well formed.  Otherwise returns -1 and writes into
 * why what was wrong, in words; *seq is set whenever the sequence number
 * could be read (else left 0).
 */
static int
station_parse(const struct station_msg *m, const char *from, uint64_t *seq,
    char *why, size_t whylen)
{
	const char	*body = (const char *)m->body, *p, *end;
	size_t		 n, used, idlen, i, left;
	uint64_t	 claimed;

	*seq = 0;
	if (m->len > sizeof m->body) {
		util_format(why, whylen, "it claims %zu bytes, more than a "
		    "message can hold", m->len);
		return (-1);
	}
	p = body;
	end = body + m->len;
	if ((size_t)(end - p) < 3 || memcmp(p, "v1 ", 3) != 0) {
		util_copy(why, whylen, "it does not begin with the version "
		    "tag \"v1\"");
		return (-1);
	}
	p += 3;
	idlen = strlen(from);
	if ((size_t)(end - p) < 5 + idlen + 1 || memcmp(p, "from=", 5) != 0 ||
	    memcmp(p + 5, from, idlen) != 0 || p[5 + idlen] != ' ') {
		util_format(why, whylen, "its sender field does not name "
		    "%s, the station that signed it", from);
		return (-1);
	}
	p += 5 + idlen + 1;
	if ((size_t)(end - p) < 4 || memcmp(p, "seq=", 4) != 0 ||
	    station_parse_number(p + 4, (size_t)(end - p) - 4, seq,
	    &used) != 0 || (size_t)(end - p) < 4 + used + 1 ||
	    p[4 + used] != ' ') {
		*seq = 0;
		util_copy(why, whylen, "its sequence number is missing or "
		    "not a number");
		return (-1);
	}
	p += 4 + used + 1;
	if ((size_t)(end - p) < 4 || memcmp(p, "len=", 4) != 0 ||
	    station_parse_number(p + 4, (size_t)(end - p) - 4, &claimed,
	    &used) != 0 || (size_t)(end - p) < 4 + used + 1 ||
	    p[4 + used] != ' ') {
		util_copy(why, whylen, "its length field is missing or not "
		    "a number");
		return (-1);
	}
	p += 4 + used + 1;
	if ((size_t)(end - p) < 8 || memcmp(p, "payload=", 8) != 0) {
		util_copy(why, whylen, "its payload field is missing");
		return (-1);
	}
	p += 8;
	left = (size_t)(end - p);
	if (claimed != left) {
		if (claimed <= UINT32_MAX)
			util_format(why, whylen, "its length field says %"
			    PRIu64 " bytes (0x%08" PRIX64 ") and %zu arrived",
			    claimed, claimed, left);
		else
			util_format(why, whylen, "its length field says %"
			    PRIu64 " bytes and %zu arrived", claimed, left);
		return (-1);
	}
	for (i = 0, n = left; i < n; i++) {
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e) {
			util_format(why, whylen, "its payload holds the "
			    "unprintable byte 0x%02x at offset %zu",
			    (unsigned char)p[i], i);
			return (-1);
		}
	}
	return (0);
}

/*
 * Set up a station; -1 and *cause (nothing allocated) on failure.  Its
 * devices go in room when not NULL (ndevices of them, the caller's, for
 * a simulator that keeps them beside the station), else in an
 * allocation of their own.
 */
int
node_station_init(struct node_station *s, const char *id,
    const char *group, const char *build, size_t ndevices,
    struct station_device *room, int holds_root, struct node_station *root,
    int64_t now_ms, char **cause)
{
	unsigned char	 pub[SEAL_PUB_LEN];
	char		*why = NULL;
	size_t		 i;

	memset(s, 0, sizeof *s);
	if (util_copy(s->id, sizeof s->id, id) != 0 ||
	    util_copy(s->group, sizeof s->group, group) != 0 ||
	    util_copy(s->held.build, sizeof s->held.build, build) != 0) {
		*cause = xasprintf("station %s cannot start: its id, group or "
		    "build is longer than %d characters", id,
		    PROTO_ID_MAX - 1);
		memset(s, 0, sizeof *s);
		return (-1);
	}
	proto_plan_single(s->held.build, NULL, 0, &s->held.builds[0]);
	s->held.nbuilds = 1;
	if (ndevices > STATION_MAX_DEVICES) {
		*cause = xasprintf("station %s cannot start: %zu devices is "
		    "more than the %d a station serves; split them over more "
		    "stations", id, ndevices, STATION_MAX_DEVICES);
		memset(s, 0, sizeof *s);
		return (-1);
	}
	if (!holds_root && (root == NULL || root->root_cert == NULL ||
	    root->root_key == NULL)) {
		*cause = xasprintf("station %s cannot start: %s does not hold "
		    "the root certificate, so it cannot issue one; start the "
		    "root holder first", id,
		    root == NULL ? "no station" : root->id);
		memset(s, 0, sizeof *s);
		return (-1);
	}
	if ((s->key = cert_key_new(&why)) == NULL)
		goto fail;
	if ((s->transport = seal_key_new(&why)) == NULL)
		goto fail;
	seal_key_public(s->transport, pub);
	if (holds_root) {
		if ((s->root_key = cert_key_new(&why)) == NULL)
			goto fail;
		s->root_cert = cert_root_new(s->root_key, STATION_ROOT_CN,
		    now_ms, STATION_ROOT_VALID_MS, &why);
		if (s->root_cert == NULL)
			goto fail;
		s->trusted_root = s->root_cert;
		util_copy(s->root_holder, sizeof s->root_holder, s->id);
		s->cert = cert_issue_bound(s->root_cert, s->root_key, s->key,
		    pub, s->id, now_ms, STATION_CERT_VALID_MS, &why);
		root = s;
	} else {
		s->trusted_root = root->root_cert;
		util_copy(s->root_holder, sizeof s->root_holder, root->id);
		s->cert = cert_issue_bound(root->root_cert, root->root_key,
		    s->key, pub, s->id, now_ms, STATION_CERT_VALID_MS, &why);
	}
	if (s->cert == NULL)
		goto fail;
	station_note_cert(s);
	station_certify(root, s);

	s->renew_offset_ms = station_renew_offset(s->id,
	    STATION_RENEW_SLOT_MS);
	station_plan_renewal(s);
	s->ndevices = ndevices;
	s->devices_lent = room != NULL;
	s->devices = room != NULL ? room : xcalloc(ndevices == 0 ? 1 :
	    ndevices, sizeof *s->devices);
	for (i = 0; i < ndevices; i++) {
		s->devices[i].offset_ms = (int64_t)(i * STATION_HEARTBEAT_MS /
		    ndevices);
		s->devices[i].last_heartbeat_ms = now_ms;
		s->devices[i].next_slot_ms = station_floor_div(now_ms -
		    s->devices[i].offset_ms, STATION_HEARTBEAT_MS) *
		    STATION_HEARTBEAT_MS + s->devices[i].offset_ms +
		    STATION_HEARTBEAT_MS;
	}
	s->counters.devices = ndevices;
	s->counters.device_countdown_ms = ndevices == 0 ? -1 :
	    STATION_DEVICE_TIMEOUT_MS;
	s->counters.heartbeat_interval_ms = STATION_HEARTBEAT_MS;
	s->counters.device_timeout_ms = STATION_DEVICE_TIMEOUT_MS;
	s->last_tick_ms = now_ms;
	s->started_ms = util_mono_ms();
	return (0);
fail:
	*cause = xasprintf("station %s cannot start: %s", id, why);
	free(why);
	node_station_free(s);
	return (-1);
}

/* Free what a station owns and zero it; a zeroed station is fine too. */
void
node_station_free(struct node_station *s)
{
	cert_free(s->cert);
	cert_key_free(s->key);
	cert_free(s->root_cert);
	cert_key_free(s->root_key);
	seal_key_free(s->transport);
	free(s->issued);
	if (!s->devices_lent)
		free(s->devices);
	free(s->counters.blacklist);
	memset(s, 0, sizeof *s);
}

/* Start loading what a tick will touch; see node-station.h. */
void
node_station_prefetch(const struct node_station *s, int stage)
{
	if (stage == 0) {
		__builtin_prefetch(&s->cert, 1);
		__builtin_prefetch(&s->renew_due_ms, 1);
		__builtin_prefetch(&s->devices, 1);
		__builtin_prefetch(&s->counters, 1);
		__builtin_prefetch(&s->last_renewal_ms, 1);
		__builtin_prefetch(&s->last_tick_ms, 1);
		return;
	}
	/* Not the certificate: a tick reads it only until it is checked. */
	if (s->ndevices > 0)
		__builtin_prefetch(&s->devices[s->next_due], 1);
}

/*
 * Advance to now_ms.  Each device has one slot a minute; if its latest
 * slot fell in (last tick, now] it is sent one heartbeat, so a long jump
 * costs one heartbeat per device, not one per missed minute.  Heartbeats
 * are signed messages, so none go out without a valid certificate; the
 * certificate is checked once per tick, not once per device.  A steady
 * station visits only the devices whose slot came (a fleet's stations
 * tick 5 times a real second, each slot comes once a minute).
 */
uint64_t
node_station_tick(struct node_station *s, int64_t now_ms)
{
	uint64_t	sent;

	if (!s->steady || now_ms <= s->last_tick_ms ||
	    now_ms - s->last_tick_ms >= STATION_HEARTBEAT_MS ||
	    station_tick_due(s, now_ms, &sent) != 0)
		sent = station_tick_all(s, now_ms);
	s->counters.heartbeats_total += sent;
	s->counters.messages_signed_total += sent;
	s->counters.devices = s->ndevices;
	s->counters.heartbeat_interval_ms = STATION_HEARTBEAT_MS;
	s->counters.device_timeout_ms = STATION_DEVICE_TIMEOUT_MS;
	if (now_ms > s->last_tick_ms)
		s->last_tick_ms = now_ms;
	return (sent);
}

/*
 * Whether the station's certificate is valid at now_ms, as cert_verify()
 * against its trusted root answers.  A certificate and a root never
 * change once made, so once the root is known to have signed this
 * certificate only the validity window, read when the certificate came
 * (station_note_cert), is left to check: a tick then reads none of the
 * certificate's memory, which is cold by the next tick (3,000 stations
 * tick 5 times a second, each a miss on the certificate, its memo and
 * the root's).
 */
static int
station_cert_valid(struct node_station *s, int64_t now_ms)
{
	char	*cause = NULL;
	int	 valid;

	if (s->cert_root_ok != NULL && s->cert_root_ok == s->trusted_root)
		return (now_ms >= s->cert_not_before_ms &&
		    now_ms <= s->cert_not_after_ms);
	valid = cert_verify(s->cert, s->trusted_root, now_ms, &cause) == 0;
	free(cause);
	if (valid)
		s->cert_root_ok = s->trusted_root;
	return (valid);
}

/*
 * The tick of a steady station, less than a minute after the last: each
 * device's next slot is its first after the last tick and the devices'
 * slots run in their order from next_due round, so the due ones are a
 * run from next_due, each beating at its slot, and the oldest heartbeat
 * (the shortest countdown) is that of the new next_due.  Returns 0, or
 * -1 with nothing changed when a device is due but the certificate is
 * not valid: the full walk then keeps what that costs.
 */
static int
station_tick_due(struct node_station *s, int64_t now_ms, uint64_t *sent)
{
	struct station_device	*d;
	size_t			 i = s->next_due, n;

	*sent = 0;
	if (s->devices[i].next_slot_ms <= now_ms &&
	    !station_cert_valid(s, now_ms))
		return (-1);
	for (n = 0; n < s->ndevices; n++) {
		d = &s->devices[i];
		if (d->next_slot_ms > now_ms)
			break;
		d->last_heartbeat_ms = d->next_slot_ms;
		d->next_slot_ms += STATION_HEARTBEAT_MS;
		(*sent)++;
		if (++i == s->ndevices)
			i = 0;
	}
	s->next_due = i;
	s->counters.devices_failed = 0;
	s->counters.device_countdown_ms = STATION_DEVICE_TIMEOUT_MS -
	    (now_ms - s->devices[i].last_heartbeat_ms);
	return (0);
}

/*
 * The tick walking every device, for any station and any jump; notes
 * whether the station is steady afterwards (every device alive, its last
 * heartbeat at its latest slot by the tick) and which device is due
 * first.  Returns the heartbeats sent.
 */
static uint64_t
station_tick_all(struct node_station *s, int64_t now_ms)
{
	struct station_device	*d;
	int64_t			 slot, left, shortest = -1, last;
	uint64_t		 sent = 0, failed = 0;
	int			 valid = -1;	/* not checked yet */
	int			 due;
	size_t			 i;

	last = now_ms > s->last_tick_ms ? now_ms : s->last_tick_ms;
	s->steady = s->ndevices > 0;
	s->next_due = 0;
	for (i = 0; i < s->ndevices; i++) {
		d = &s->devices[i];
		if (d->failed) {
			failed++;
			s->steady = 0;
			continue;
		}
		/*
		 * Its latest slot by now_ms, when that is after the last
		 * tick: ticks are much closer than a minute, so it is
		 * mostly the very next slot, found without a division.
		 */
		slot = d->next_slot_ms;
		due = slot <= now_ms;
		if (due && now_ms - slot >= STATION_HEARTBEAT_MS)
			slot += (now_ms - slot) / STATION_HEARTBEAT_MS *
			    STATION_HEARTBEAT_MS;
		if (due && now_ms > s->last_tick_ms)
			d->next_slot_ms = slot + STATION_HEARTBEAT_MS;
		if (due && slot > s->last_tick_ms &&
		    slot > d->last_heartbeat_ms) {
			if (valid == -1)
				valid = station_cert_valid(s, now_ms);
			if (valid) {
				d->last_heartbeat_ms = slot;
				sent++;
			}
		}
		if (now_ms - d->last_heartbeat_ms >=
		    STATION_DEVICE_TIMEOUT_MS) {
			d->failed = 1;
			failed++;
			s->steady = 0;
			continue;
		}
		if (d->last_heartbeat_ms + STATION_HEARTBEAT_MS !=
		    d->next_slot_ms || d->last_heartbeat_ms > last ||
		    d->next_slot_ms <= last)
			s->steady = 0;
		if (d->next_slot_ms < s->devices[s->next_due].next_slot_ms)
			s->next_due = i;
		left = STATION_DEVICE_TIMEOUT_MS -
		    (now_ms - d->last_heartbeat_ms);
		if (shortest == -1 || left < shortest)
			shortest = left;
	}
	s->counters.devices_failed = failed;
	s->counters.device_countdown_ms = shortest;
	return (sent);
}

/*
 * Due when this hour's slot has passed and neither the last attempt nor
 * the current certificate's issue came after it: a station started at
 * half past does not renew at once.
 */
int
node_station_renewal_due(const struct node_station *s, int64_t now_ms)
{
	return (now_ms >= s->renew_due_ms);
}

/*
 * When the renewal falls due: at the first slot after both the last
 * attempt and the current certificate's issue.  Asked at every node
 * second of every station, so worked out only when one of them changes.
 */
static void
station_plan_renewal(struct node_station *s)
{
	int64_t	after = INT64_MIN;

	if (s->last_renewal_ms != 0)
		after = s->last_renewal_ms;
	if (s->cert != NULL && s->cert_not_before_ms > after)
		after = s->cert_not_before_ms;
	if (after == INT64_MIN)
		s->renew_due_ms = INT64_MIN;
	else
		s->renew_due_ms = station_slot_before(s, after) +
		    STATION_RENEW_EVERY_MS;
}

/* Renew from issuer; -1 with the sentence in last_renewal_error. */
int
node_station_renew(struct node_station *s, struct node_station *issuer,
    int64_t now_ms)
{
	const struct proto_blacklist	*b = NULL;
	struct cert			*fresh;
	unsigned char			 pub[SEAL_PUB_LEN];
	char				*cause = NULL, expiry[160], at[16];
	char				 why[PROTO_TEXT_MAX];
	size_t				 i;

	s->last_renewal_ms = now_ms;
	station_plan_renewal(s);
	station_cert_expiry(s, expiry, sizeof expiry, now_ms);
	if (issuer == NULL) {
		station_renew_fail(s, "renewal from %s: no station holding "
		    "the root could be reached; %s; restore the link to %s or "
		    "move the root to a station that can be reached",
		    s->root_holder, expiry, s->root_holder);
		return (-1);
	}
	if (issuer->root_cert == NULL || issuer->root_key == NULL) {
		station_renew_fail(s, "renewal from %s refused: it does not "
		    "hold the root certificate (the root holder is %s); %s; "
		    "renew from the root holder", issuer->id, s->root_holder,
		    expiry);
		return (-1);
	}
	for (i = 0; i < s->counters.nblacklist; i++) {
		if (strcmp(s->counters.blacklist[i].peer, issuer->id) == 0) {
			b = &s->counters.blacklist[i];
			break;
		}
	}
	if (b != NULL) {
		station_renew_fail(s, "renewal refused: %s blacklisted %s at "
		    "%s on evidence from %s: %s; it will not accept a "
		    "certificate signed by it, and %s; move the root to a "
		    "station it trusts", s->id, issuer->id,
		    util_clock_text(b->since_ms, at, sizeof at),
		    b->reported_by, b->evidence, expiry);
		return (-1);
	}
	if (station_prove(s, issuer, now_ms, why, sizeof why) != 0) {
		station_renew_fail(s, "renewal from %s refused: %s; %s",
		    issuer->id, why, expiry);
		return (-1);
	}
	seal_key_public(s->transport, pub);
	fresh = cert_issue_bound(issuer->root_cert, issuer->root_key, s->key,
	    pub, s->id, now_ms, STATION_CERT_VALID_MS, &cause);
	if (fresh == NULL) {
		station_renew_fail(s, "renewal from %s failed: %s; %s; retry, "
		    "and check the root holder's key store", issuer->id,
		    cause, expiry);
		free(cause);
		return (-1);
	}
	if (s->trusted_root != NULL &&
	    cert_verify(fresh, s->trusted_root, now_ms, &cause) != 0) {
		station_renew_fail(s, "renewal from %s refused: the new %s; "
		    "%s holds a different root than %s trusts", issuer->id,
		    cause, issuer->id, s->id);
		free(cause);
		cert_free(fresh);
		return (-1);
	}
	cert_free(s->cert);
	s->cert = fresh;
	station_note_cert(s);
	if (s->trusted_root == NULL)
		s->trusted_root = issuer->root_cert;
	util_copy(s->root_holder, sizeof s->root_holder, issuer->id);
	station_certify(issuer, s);
	s->last_renewal_ok = 1;
	s->last_renewal_error[0] = '\0';
	s->retry_ms = 0;
	s->counters.renewals_ok_total++;
	return (0);
}

/* Due when a renewal failed and its backoff has passed. */
int
node_station_retry_due(const struct node_station *s, int64_t now_ms)
{
	if (s->last_renewal_ok || s->last_renewal_ms == 0)
		return (0);
	return (now_ms >= s->last_renewal_ms + s->retry_ms);
}

/* When a renewal or its retry falls due; see node-station.h. */
int64_t
node_station_due_ms(const struct node_station *s)
{
	int64_t	retry;

	if (s->last_renewal_ok || s->last_renewal_ms == 0)
		return (s->renew_due_ms);
	retry = s->last_renewal_ms + s->retry_ms;
	return (retry < s->renew_due_ms ? retry : s->renew_due_ms);
}

/*
 * How a station proves who it is when it asks for a renewal, even with
 * a lapsed certificate: it signs "vigil.v1 renew ID AT" with its key,
 * and the issuer checks that signature against the certificate the
 * station holds and that certificate against the root, whatever its
 * validity times (a certificate that ran out still names the key).
 * Returns 0, or -1 and why.
 */
static int
station_prove(const struct node_station *s, const struct node_station *issuer,
    int64_t now_ms, char *why, size_t whylen)
{
	struct cert_info	 info;
	unsigned char		 sig[CERT_SIG_MAX];
	char			 req[PROTO_ID_MAX + 48], *cause = NULL;
	size_t			 siglen;
	int			 rc;

	if (s->cert == NULL || cert_get_info(s->cert, &info, &cause) != 0 ||
	    strcmp(info.subject, s->id) != 0 ||
	    cert_verify_issued(s->cert, issuer->root_cert, &cause) != 0) {
		util_format(why, whylen, "%s could not prove who it is: %s",
		    s->id, cause != NULL ? cause : "its certificate names "
		    "another station");
		free(cause);
		return (-1);
	}
	/*
	 * A signature by the very key pair the certificate holds matches
	 * it: once that is known of the two (from the certificate's issue,
	 * or a first check), the proof's outcome is known, and a renewal
	 * neither signs nor checks it (an Ed25519 signature and check each,
	 * at every renewal of every station).  A station whose key is not
	 * its certificate's still signs, and is refused below.
	 */
	if (cert_holds_key(s->cert, s->key))
		return (0);
	util_format(req, sizeof req, "vigil.v1 renew %s %lld", s->id,
	    (long long)now_ms);
	if (cert_sign(s->key, req, strlen(req), sig, &siglen, &cause) != 0) {
		util_format(why, whylen, "%s could not prove who it is: %s",
		    s->id, cause);
		free(cause);
		return (-1);
	}
	rc = cert_check_signature(s->cert, req, strlen(req), sig, siglen,
	    &cause);
	if (rc != 1) {
		util_format(why, whylen, "%s could not prove who it is: its "
		    "request's signature does not match its certificate%s%s",
		    s->id, cause != NULL ? ": " : "", cause != NULL ? cause :
		    "");
		free(cause);
		return (-1);
	}
	return (0);
}

/*
 * Read once the validity of the station's new certificate, whose start
 * the renewal check asks for at every node second and whose end the
 * simulator's expiry watch does, and number it (cert_seq), so that the
 * report's reader need not read it to see that it is new.
 */
static void
station_note_cert(struct node_station *s)
{
	struct cert_info	 info;
	char			*cause = NULL;

	s->cert_seq++;
	s->cert_root_ok = NULL;
	s->cert_not_before_ms = INT64_MIN;
	s->cert_not_after_ms = 0;
	if (s->cert != NULL && cert_get_info(s->cert, &info, &cause) == 0) {
		s->cert_not_before_ms = info.not_before_ms;
		s->cert_not_after_ms = info.not_after_ms;
	}
	free(cause);
	station_plan_renewal(s);
}

/*
 * Record in issuer's registry the transport key it certified for s, as
 * the certificate it just issued s binds it: read back from that
 * certificate, so the registry holds only what the root signed.
 */
static void
station_certify(struct node_station *issuer, struct node_station *s)
{
	struct station_issued	*e = NULL;
	unsigned char		 pub[SEAL_PUB_LEN];
	char			*cause = NULL;
	size_t			 i;

	if (s->cert == NULL || cert_transport_key(s->cert, pub, &cause) != 0) {
		free(cause);
		return;
	}

	/* The entry of its last renewal, mostly, without a search. */
	i = s->issued_at;
	if (i < issuer->nissued && strcmp(issuer->issued[i].id, s->id) == 0)
		e = &issuer->issued[i];
	for (i = 0; e == NULL && i < issuer->nissued; i++) {
		if (strcmp(issuer->issued[i].id, s->id) == 0)
			e = &issuer->issued[i];
	}
	if (e == NULL) {
		issuer->issued = xreallocarray(issuer->issued,
		    issuer->nissued + 1, sizeof *issuer->issued);
		e = &issuer->issued[issuer->nissued++];
		memset(e, 0, sizeof *e);
		util_copy(e->id, sizeof e->id, s->id);
	}
	s->issued_at = (size_t)(e - issuer->issued);
	memcpy(e->transport, pub, sizeof e->transport);
}

/* Has s certified a transport key for id? */
int
node_station_knows(const struct node_station *s, const char *id)
{
	return (station_issued_find(s, id) != NULL);
}

/* The transport key s certified for id, or NULL. */
static const struct station_issued *
station_issued_find(const struct node_station *s, const char *id)
{
	size_t	i;

	for (i = 0; i < s->nissued; i++) {
		if (strcmp(s->issued[i].id, id) == 0)
			return (&s->issued[i]);
	}
	return (NULL);
}

/* The associated data a sealed root key is bound to. */
static void
station_move_aad(char *buf, size_t len, const char *id, const char *from,
    const char *to, const char *root, int64_t sealed_ms)
{
	util_format(buf, len, "vigil.v1 move-root id=%s from=%s to=%s "
	    "root=%s sealed=%lld", id, from, to, root, (long long)sealed_ms);
}

/* Seal the root key for to; the blob, or NULL and *cause. */
unsigned char *
node_station_root_seal(struct node_station *s, const char *id,
    const char *to, int64_t sealed_ms, char *root, size_t *len,
    char **cause)
{
	const struct station_issued	*e;
	unsigned char			 raw[CERT_KEY_RAW], *blob;
	char				 aad[512], *why = NULL;

	if (s->root_key == NULL || s->root_cert == NULL) {
		*cause = xasprintf("%s does not hold the root key (the holder "
		    "is %s); propose move-root for the holder", s->id,
		    s->root_holder);
		return (NULL);
	}
	if ((e = station_issued_find(s, to)) == NULL) {
		*cause = xasprintf("%s has certified no transport key for %s, "
		    "so it cannot seal the root key for it; wait until %s "
		    "has renewed from %s, then propose again", s->id, to, to,
		    s->id);
		return (NULL);
	}
	cert_fingerprint(s->root_cert, root);
	station_move_aad(aad, sizeof aad, id, s->id, to, root, sealed_ms);
	if (cert_key_raw(s->root_key, raw, &why) != 0) {
		*cause = xasprintf("%s cannot read its root key: %s", s->id,
		    why);
		free(why);
		return (NULL);
	}
	blob = seal_seal(e->transport, raw, sizeof raw, aad, strlen(aad),
	    len, &why);
	seal_wipe(raw, sizeof raw);
	if (blob == NULL) {
		*cause = xasprintf("%s cannot seal the root key for %s: %s",
		    s->id, to, why);
		free(why);
	}
	return (blob);
}

/* Open a sealed root key and become the holder; -1 and *cause. */
int
node_station_root_open(struct node_station *s, const char *id,
    const char *from, int64_t sealed_ms, const char *root,
    const unsigned char *blob, size_t len, char **cause)
{
	struct cert_key	*key;
	unsigned char	*raw;
	char		 aad[512], mine[PROTO_FPR_MAX], *why = NULL;
	size_t		 n;

	if (s->root_key != NULL) {
		*cause = xasprintf("%s already holds the root key", s->id);
		return (-1);
	}
	if (s->trusted_root == NULL) {
		*cause = xasprintf("%s knows no root certificate to check the "
		    "key against", s->id);
		return (-1);
	}
	cert_fingerprint(s->trusted_root, mine);
	if (strcmp(mine, root) != 0) {
		*cause = xasprintf("the key was sealed for root certificate "
		    "%.16s..., and %s trusts %.16s...: it is not this "
		    "fleet's root", root, s->id, mine);
		return (-1);
	}
	station_move_aad(aad, sizeof aad, id, from, s->id, root, sealed_ms);
	raw = seal_open(s->transport, blob, len, aad, strlen(aad), &n, &why);
	if (raw == NULL) {
		*cause = xasprintf("%s refused the sealed root key: %s",
		    s->id, why);
		free(why);
		return (-1);
	}
	key = n == CERT_KEY_RAW ? cert_key_from_raw(raw, &why) : NULL;
	seal_wipe(raw, n);
	free(raw);
	if (key == NULL || !cert_key_matches(s->trusted_root, key)) {
		*cause = xasprintf("%s refused the sealed root key: %s",
		    s->id, key == NULL && why != NULL ? why : "the key it "
		    "holds does not match the root certificate's public key");
		free(why);
		cert_key_free(key);
		return (-1);
	}
	s->root_key = key;
	if (s->root_cert == NULL)
		s->root_cert = cert_dup(s->trusted_root);
	util_copy(s->root_holder, sizeof s->root_holder, s->id);
	station_certify(s, s);
	return (0);
}

/* Sign the holder statement with the root key; -1 and *cause. */
int
node_station_holder_sign(struct node_station *s, const char *id,
    const char *from, unsigned char *sig, size_t *siglen, char **cause)
{
	char	text[3 * PROTO_ID_MAX + 32];

	if (s->root_key == NULL) {
		*cause = xasprintf("%s does not hold the root key", s->id);
		return (-1);
	}
	util_format(text, sizeof text, STATION_HOLDER_PREFIX "%s %s %s",
	    s->id, id, from);
	return (cert_sign(s->root_key, text, strlen(text), sig, siglen,
	    cause));
}

/* Hear of a new holder; -1 and *cause if its signature fails. */
int
node_station_holder_accept(struct node_station *s, const char *holder,
    const char *id, const char *from, const unsigned char *sig,
    size_t siglen, int *destroyed, char **cause)
{
	char	text[3 * PROTO_ID_MAX + 32], *why = NULL;
	int	rc;

	*destroyed = 0;
	if (s->trusted_root == NULL) {
		*cause = xasprintf("%s knows no root certificate", s->id);
		return (-1);
	}
	util_format(text, sizeof text, STATION_HOLDER_PREFIX "%s %s %s",
	    holder, id, from);
	rc = cert_check_signature(s->trusted_root, text, strlen(text), sig,
	    siglen, &why);
	if (rc != 1) {
		*cause = xasprintf("%s refused word that %s holds the root: "
		    "%s", s->id, holder, rc == 0 ? "it is not signed with the "
		    "root key" : why);
		free(why);
		return (-1);
	}
	if (strcmp(s->id, holder) != 0 && s->root_key != NULL &&
	    strcmp(s->id, from) == 0) {
		/*
		 * EVP_PKEY_free cleanses the private key.  The root
		 * certificate is public and every station in this process
		 * trusts this copy of it, so it stays.
		 */
		cert_key_free(s->root_key);
		s->root_key = NULL;
		free(s->issued);
		s->issued = NULL;
		s->nissued = 0;
		s->counters.root_keys_destroyed++;
		*destroyed = 1;
	}
	if (strcmp(s->root_holder, holder) != 0) {
		util_copy(s->root_holder, sizeof s->root_holder, holder);
		if (!s->last_renewal_ok)
			s->retry_ms = 0;	/* ask the new holder now */
	}
	return (0);
}

/*
 * Sign a message.  A malformed one is what the capital sent: the header
 * was written with a torn length and only part of the payload followed,
 * but the signature was computed over those bytes, so it checks out.
 */
int
node_station_send(struct node_station *s, struct station_msg *m,
    int malformed, int64_t now_ms, char **cause)
{
	char		 payload[STATION_PAYLOAD_MAX], *why = NULL;
	uint64_t	 seq;
	size_t		 plen, hlen;
	int		 n;

	memset(m, 0, sizeof *m);
	if (cert_verify(s->cert, s->trusted_root, now_ms, &why) != 0) {
		*cause = xasprintf("%s cannot sign a message: %s; renew its "
		    "certificate from %s", s->id, why, s->root_holder);
		free(why);
		return (-1);
	}
	seq = s->counters.messages_signed_total + 1;
	util_format(payload, sizeof payload, "status devices=%" PRIu64
	    " failed=%" PRIu64 " heartbeats=%" PRIu64, s->counters.devices,
	    s->counters.devices_failed, s->counters.heartbeats_total);
	plen = strlen(payload);
	if (malformed) {
		/* Torn: length from a stale word, part of the payload. */
		n = snprintf((char *)m->body, sizeof m->body, "v1 from=%s "
		    "seq=%" PRIu64 " len=%u payload=", s->id, seq,
		    STATION_TORN_LENGTH);
		hlen = (size_t)n;
		plen = STATION_TORN_ARRIVED;
		if (hlen + plen > sizeof m->body)
			plen = sizeof m->body - hlen;
		memset(m->body + hlen, 0, plen);
		memcpy(m->body + hlen, payload, plen / 2);
	} else {
		n = snprintf((char *)m->body, sizeof m->body, "v1 from=%s "
		    "seq=%" PRIu64 " len=%zu payload=%s", s->id, seq, plen,
		    payload);
		hlen = (size_t)n - plen;
	}
	if (n < 0 || hlen + plen > sizeof m->body)
		fatal("station message from %s does not fit its buffer",
		    s->id);
	m->len = hlen + plen;
	util_copy(m->from, sizeof m->from, s->id);
	if (cert_sign(s->key, m->body, m->len, m->sig, &m->siglen,
	    &why) != 0) {
		*cause = xasprintf("%s cannot sign a message: %s", s->id, why);
		free(why);
		memset(m, 0, sizeof *m);
		return (-1);
	}
	s->counters.messages_signed_total++;
	return (0);
}

/*
 * Receive a peer's message: sender's certificate against our root, the
 * signature, then the body.  On -1 the reason is written into evidence
 * too, so a caller can log why the message was dropped.
 */
int
node_station_receive(struct node_station *s,
    const struct node_station *sender, const struct station_msg *m,
    int64_t now_ms, char *evidence, size_t evlen)
{
	char		*why = NULL, problem[PROTO_TEXT_MAX];
	uint64_t	 seq;
	int		 rc;

	if (evlen > 0)
		evidence[0] = '\0';
	if (strcmp(m->from, sender->id) != 0) {
		util_format(evidence, evlen, "a message claiming to come from "
		    "%s arrived from %s and was dropped", m->from, sender->id);
		goto reject;
	}
	if (node_station_blacklists(s, sender->id)) {
		util_format(evidence, evlen, "a message from %s was dropped: "
		    "%s blacklists it", sender->id, s->id);
		goto reject;
	}
	if (sender->cert == NULL || s->trusted_root == NULL ||
	    cert_verify(sender->cert, s->trusted_root, now_ms, &why) != 0) {
		util_format(evidence, evlen, "a message from %s was dropped: "
		    "%s", sender->id, why != NULL ? why :
		    "it has no certificate to check it with");
		free(why);
		goto reject;
	}
	rc = cert_check_signature(sender->cert, m->body,
	    m->len > sizeof m->body ? sizeof m->body : m->len, m->sig,
	    m->siglen, &why);
	if (rc != 1) {
		if (rc == 0)
			util_format(evidence, evlen, "a message from %s was "
			    "dropped: its signature does not match its "
			    "certificate, so it was altered or forged",
			    sender->id);
		else
			util_format(evidence, evlen, "a message from %s was "
			    "dropped: its signature could not be checked: %s",
			    sender->id, why);
		free(why);
		goto reject;
	}
	if (station_parse(m, sender->id, &seq, problem, sizeof problem) == 0)
		return (0);
	if (seq != 0)
		util_format(evidence, evlen, "message #%" PRIu64 " from %s "
		    "carried a valid signature but was malformed: %s", seq,
		    sender->id, problem);
	else
		util_format(evidence, evlen, "a message from %s carried a "
		    "valid signature but was malformed: %s", sender->id,
		    problem);
	node_station_blacklist(s, sender->id, s->id, evidence, now_ms);
	return (1);
reject:
	s->counters.messages_rejected_total++;
	return (-1);
}

/*
 * Blacklist peer; 1 if new, 0 if already there.  The list holds at most
 * PROTO_MAX_BLACKLIST peers: past that a new peer cannot be recorded, and
 * 0 is returned as for a peer already known, so forwarding stops.
 */
int
node_station_blacklist(struct node_station *s, const char *peer,
    const char *reported_by, const char *evidence, int64_t now_ms)
{
	struct proto_blacklist	*b;

	if (node_station_blacklists(s, peer))
		return (0);
	if (s->counters.nblacklist >= PROTO_MAX_BLACKLIST)
		return (0);
	s->counters.blacklist = xreallocarray(s->counters.blacklist,
	    s->counters.nblacklist + 1, sizeof *s->counters.blacklist);
	b = &s->counters.blacklist[s->counters.nblacklist++];
	memset(b, 0, sizeof *b);
	util_copy(b->peer, sizeof b->peer, peer);
	util_copy(b->reported_by, sizeof b->reported_by, reported_by);
	util_copy(b->evidence, sizeof b->evidence, evidence);
	b->since_ms = now_ms;
	return (1);
}

/* Does s blacklist peer? */
int
node_station_blacklists(const struct node_station *s, const char *peer)
{
	size_t	i;

	for (i = 0; i < s->counters.nblacklist; i++) {
		if (strcmp(s->counters.blacklist[i].peer, peer) == 0)
			return (1);
	}
	return (0);
}

/* Fill a hello for s: a station, no flags; the caller adds scenario. */
void
node_station_hello(const struct node_station *s, struct proto_hello *hello)
{
	unsigned char	pub[SEAL_PUB_LEN];
	size_t		i;

	proto_hello_init(hello, s->id, ROLE_STATION, s->group, s->held.build);
	hello->clock_ms = s->last_tick_ms;
	hello->time_scale = 1.0;
	hello->link_nodes = 1;
	hello->nflags = 0;
	proto_plan_hello(&s->held, hello);
	if (s->transport != NULL) {
		seal_key_public(s->transport, pub);
		for (i = 0; i < sizeof pub; i++)
			snprintf(hello->transport_key + 2 * i, 3, "%02x",
			    pub[i]);
	}
}

/* Fill a stats message for s; each call takes the next seq. */
void
node_station_stats(struct node_station *s, struct proto_stats *st)
{
	memset(st, 0, sizeof *st);
	util_copy(st->node, sizeof st->node, s->id);
	st->role = ROLE_STATION;
	st->clock_ms = s->last_tick_ms;
	st->uptime_ms = util_mono_ms() - s->started_ms;
	st->seq = ++s->seq;
	st->station = s->counters;
}

/* Fill a cert message for s; fields stay empty if it cannot be read. */
void
node_station_cert(const struct node_station *s, struct proto_cert *cert)
{
	struct cert_info	 info;
	char			*cause = NULL;

	memset(cert, 0, sizeof *cert);
	util_copy(cert->node, sizeof cert->node, s->id);
	cert->clock_ms = s->last_tick_ms;
	if (s->cert != NULL && cert_get_info(s->cert, &info, &cause) == 0) {
		util_copy(cert->subject, sizeof cert->subject, info.subject);
		util_copy(cert->serial, sizeof cert->serial, info.serial);
		util_copy(cert->issuer, sizeof cert->issuer, info.issuer);
		cert->not_before_ms = info.not_before_ms;
		cert->not_after_ms = info.not_after_ms;
	}
	free(cause);
	util_copy(cert->root_holder, sizeof cert->root_holder,
	    s->root_holder);
	cert->holds_root = s->root_key != NULL;
	cert->last_renewal_ms = s->last_renewal_ms;
	cert->last_renewal_ok = s->last_renewal_ok;
	util_copy(cert->last_renewal_error, sizeof cert->last_renewal_error,
	    s->last_renewal_error);
	cert->renew_every_ms = STATION_RENEW_EVERY_MS;
}
