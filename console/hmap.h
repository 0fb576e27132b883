/*
 * hmap.h: a small map from strings to indices, for finding a node by id
 * or an alert by key in constant time however large the fleet grows.
 *
 * Open addressing with linear probing; the map owns copies of its keys.
 * There is no removal: a caller whose indices shift clears the map and
 * puts every key again.
 */
#ifndef VIGIL_HMAP_H
#define VIGIL_HMAP_H

#include <stddef.h>

struct hmap_slot {
	char	*key;		/* NULL: empty */
	size_t	 value;
};

struct hmap {
	struct hmap_slot	*v;
	size_t			 n;	/* keys held */
	size_t			 cap;	/* slots, a power of two or 0 */
};

void	 hmap_init(struct hmap *map);

/* Free every key and the slots; the map is empty afterwards. */
void	 hmap_free(struct hmap *map);

/* Forget every key, keeping the slots for reuse. */
void	 hmap_clear(struct hmap *map);

/* Look key up.  Returns 1 and sets *value, or 0 when it is not held. */
int	 hmap_get(const struct hmap *map, const char *key, size_t *value);

/* Map key to value, replacing what it mapped to before. */
void	 hmap_put(struct hmap *map, const char *key, size_t value);

#endif
