/*
 * node-station.h: a certificate-issuing station.
 *
 * A station signs every message it sends with the key of its current
 * certificate, which is valid 61 minutes of node clock and is renewed
 * every hour from the station holding the root CA.  It sends each of its
 * devices a heartbeat once a minute; a device fails when 3 minutes pass
 * without one.  A station without a valid certificate cannot sign, so it
 * sends no heartbeats.  A station that receives a validly signed but
 * malformed message from a peer blacklists that peer and forwards the
 * evidence; it refuses renewals from a blacklisted root holder.
 *
 * It knows nothing of sockets or simulation: the simulator supplies the
 * clock (node clock ms, see cert.h), messages between stations and the
 * devices.
 */
#ifndef VIGIL_NODE_STATION_H
#define VIGIL_NODE_STATION_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"
#include "proto-plan.h"

#define STATION_CERT_VALID_MS	(61 * 60 * 1000LL)
#define STATION_RENEW_EVERY_MS	(60 * 60 * 1000LL)
#define STATION_HEARTBEAT_MS	(60 * 1000LL)
#define STATION_DEVICE_TIMEOUT_MS (3 * 60 * 1000LL)
#define STATION_MAX_DEVICES	100000

#define STATION_RETRY_MIN_MS	(5 * 1000LL)	/* first retry after */
#define STATION_RETRY_MAX_MS	(60 * 1000LL)	/* backoff stops here */
#define STATION_HOLDER_PREFIX	"vigil.v1 holder "

struct cert_key;
struct cert;
struct seal_key;

/* A transport key the root holder certified, by station. */
struct station_issued {
	char		id[PROTO_ID_MAX];
	unsigned char	transport[32];
};

struct station_device {
	int64_t	last_heartbeat_ms;	/* node clock */
	int64_t	offset_ms;		/* its slot within each minute */
	int64_t	next_slot_ms;		/* its first slot after the
					   station's last tick */
	int	failed;
};

struct node_station {
	char			 id[PROTO_ID_MAX];	/* "station/s3" */
	char			 group[PROTO_NAME_MAX];
	struct proto_holding	 held;		/* builds */

	struct cert_key		*key;		/* this station's key */
	struct cert		*cert;		/* its current certificate */
	int64_t			 cert_not_before_ms; /* cert's, read once;
						   INT64_MIN if unreadable */
	int64_t			 cert_not_after_ms; /* cert's, read once;
						   0 if unreadable */
	uint64_t		 cert_seq;	/* bumped with each cert it
						   takes, so a reader of its
						   report can tell a new one
						   without reading it */
	const struct cert	*cert_root_ok;	/* a root cert was found
						   to have signed, by
						   station_cert_valid();
						   NULL none yet */
	int64_t			 renew_offset_ms; /* slot after the hour */
	int64_t			 renew_due_ms;	/* next renewal, node clock */

	/* Set only on the station holding the root. */
	struct cert_key		*root_key;
	struct cert		*root_cert;
	/* Every station knows the root certificate, to check others. */
	const struct cert	*trusted_root;	/* not owned */
	char			 root_holder[PROTO_ID_MAX];

	/* Its X25519 transport key, bound into each certificate it gets. */
	struct seal_key		*transport;
	/* The root holder's record of the transport keys it certified. */
	struct station_issued	*issued;
	size_t			 nissued;
	size_t			 issued_at;	/* its entry in its issuer's
						   issued, if still there */
	int64_t			 retry_ms;	/* wait before the next retry
						   of a failed renewal */

	struct station_device	*devices;
	size_t			 ndevices;
	int			 devices_lent;	/* devices are the caller's
						   (node_station_init) */
	/*
	 * Steady: every device is alive and beat at its latest slot, so a
	 * tick need visit only the devices whose slot came, from next_due
	 * (the device whose slot comes first) on; see node_station_tick().
	 */
	int			 steady;
	size_t			 next_due;

	struct proto_station_stats counters;	/* what stats reports */
	int64_t			 last_renewal_ms;
	int			 last_renewal_ok;
	char			 last_renewal_error[PROTO_TEXT_MAX];
	int64_t			 last_tick_ms;
	int64_t			 started_ms;	/* monotonic, for uptime */
	uint64_t		 seq;
};

/* A message one station sends another, signed by the sender. */
struct station_msg {
	char		from[PROTO_ID_MAX];
	unsigned char	body[256];
	size_t		len;
	unsigned char	sig[64];
	size_t		siglen;
};

/*
 * Set up a station with ndevices devices at node clock now_ms.  If
 * holds_root, it makes the root CA and its own certificate; otherwise
 * its certificate is issued by root (which must hold the root) and it
 * trusts root's root certificate.  Returns 0, or -1 and an allocated
 * sentence in *cause; nothing is left allocated on failure.
 */
int	 node_station_init(struct node_station *s, const char *id,
	    const char *group, const char *build, size_t ndevices,
	    struct station_device *room, int holds_root,
	    struct node_station *root, int64_t now_ms, char **cause);
void	 node_station_free(struct node_station *s);

/*
 * Have the processor start loading what the next node_station_tick()
 * touches: at stage 0 the station's own fields, at stage 1 (a few
 * stations later) its next device and its certificate.  It changes
 * nothing; see node_router_prefetch().
 */
void	 node_station_prefetch(const struct node_station *s, int stage);

/*
 * Advance to node clock now_ms: send the heartbeats that fell due (only
 * while the certificate is valid), fail devices whose countdown ran out.
 * Returns the number of heartbeats sent.
 */
uint64_t node_station_tick(struct node_station *s, int64_t now_ms);

/*
 * Place this station's renewal slot anywhere in the first spread_ms of
 * each hour (at most the hour), stably from its id, instead of the
 * first 20 s: a large fleet whose stations all renew within seconds of
 * the hour spends those seconds signing.
 */
void	 node_station_spread_renewal(struct node_station *s,
	    int64_t spread_ms);

/* Is a renewal due (the hour plus this station's slot has passed)? */
int	 node_station_renewal_due(const struct node_station *s,
	    int64_t now_ms);

/*
 * Renew the certificate from issuer (the station holding the root, or
 * NULL if it cannot be reached).  Refused, with the reason recorded as
 * last_renewal_error and counted, when issuer is NULL, does not hold the
 * root, or is blacklisted by s.  Returns 0, or -1 (the sentence is in
 * s->last_renewal_error).
 */
int	 node_station_renew(struct node_station *s,
	    struct node_station *issuer, int64_t now_ms);

/*
 * Sign a message from s.  If malformed, the body is a half-written
 * buffer (the memory-ordering bug), yet the signature over it is valid.
 * Returns 0, or -1 and *cause (no valid certificate to sign with).
 */
int	 node_station_send(struct node_station *s, struct station_msg *m,
	    int malformed, int64_t now_ms, char **cause);

/*
 * Receive a message from peer sender.  A bad signature is rejected and
 * counted.  A valid signature over a malformed body blacklists the sender
 * and writes the evidence, in words, into evidence (size evlen).
 * Returns 0 if accepted, 1 if it blacklisted the sender, -1 if rejected.
 */
int	 node_station_receive(struct node_station *s,
	    const struct node_station *sender, const struct station_msg *m,
	    int64_t now_ms, char *evidence, size_t evlen);

/*
 * Blacklist peer on evidence found by reported_by (forwarded by a
 * neighbour).  Returns 1 if newly blacklisted, 0 if it already was.
 */
int	 node_station_blacklist(struct node_station *s, const char *peer,
	    const char *reported_by, const char *evidence, int64_t now_ms);

/* Does s blacklist peer? */
int	 node_station_blacklists(const struct node_station *s,
	    const char *peer);

/* Has s, as root holder, certified a transport key for station id? */
int	 node_station_knows(const struct node_station *s, const char *id);

/* Is a retry of a failed renewal due (its backoff has passed)? */
int	 node_station_retry_due(const struct node_station *s, int64_t now_ms);

/*
 * The node clock from which node_station_renewal_due() or
 * node_station_retry_due() may say 1, until s renews or its renewal
 * fails.
 */
int64_t	 node_station_due_ms(const struct node_station *s);

/*
 * move-root, on the holder s: seal the root key for station to, whose
 * transport key s must have certified, binding id, s, to, the root
 * certificate's fingerprint (written into root, PROTO_FPR_MAX) and
 * sealed_ms.  Returns the allocated blob (*len bytes), or NULL and an
 * allocated sentence in *cause; s is unchanged either way.
 */
unsigned char *node_station_root_seal(struct node_station *s,
	    const char *id, const char *to, int64_t sealed_ms, char *root,
	    size_t *len, char **cause);

/*
 * move-root, on the destination s: open blob sealed by from under id,
 * check that the key it holds is the root certificate's (whose
 * fingerprint must be root) and become the holder.  Returns 0, or -1
 * and *cause; s is unchanged on failure.
 */
int	 node_station_root_open(struct node_station *s, const char *id,
	    const char *from, int64_t sealed_ms, const char *root,
	    const unsigned char *blob, size_t len, char **cause);

/*
 * Sign "vigil.v1 holder HOLDER ID FROM" with the root key s holds into
 * sig (CERT_SIG_MAX bytes).  Returns 0, or -1 and *cause.
 */
int	 node_station_holder_sign(struct node_station *s, const char *id,
	    const char *from, unsigned char *sig, size_t *siglen,
	    char **cause);

/*
 * Hear that holder now holds the root (command id, moved from from),
 * signed with the root key.  The signature is checked against the root
 * certificate s trusts.  s then renews from holder, at once if its
 * renewal was failing; if s is from it destroys its copy of the root
 * key and sets *destroyed.  Returns 0, or -1 and *cause (the signature
 * does not verify), changing nothing.
 */
int	 node_station_holder_accept(struct node_station *s,
	    const char *holder, const char *id, const char *from,
	    const unsigned char *sig, size_t siglen, int *destroyed,
	    char **cause);

/* Fill hello; its builds are allocated (proto_hello_clear() frees them). */
void	 node_station_hello(const struct node_station *s,
	    struct proto_hello *hello);
void	 node_station_stats(struct node_station *s, struct proto_stats *st);
void	 node_station_cert(const struct node_station *s,
	    struct proto_cert *cert);

#endif
