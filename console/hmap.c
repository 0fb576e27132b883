/*
 * hmap.c: a small map from strings to indices.
 *
 * Open addressing with linear probing and FNV-1a hashing; the table
 * doubles when it is half full, so a probe stays short.  Keys are node
 * ids and alert keys: short strings a backend chose, which is why the
 * hash is over every byte and the table never shrinks under them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "util.h"

#define HMAP_MIN_CAP	16

static size_t	 hmap_slot(const struct hmap *map, const char *key);
static void	 hmap_grow(struct hmap *map);

/* The slot holding key, or the empty slot where it would go. */
static size_t
hmap_slot(const struct hmap *map, const char *key)
{
	size_t	mask = map->cap - 1, i;

	i = (size_t)util_fnv1a(key) & mask;
	while (map->v[i].key != NULL && strcmp(map->v[i].key, key) != 0)
		i = (i + 1) & mask;
	return (i);
}

/* Double the table (or make the first one) and put every key again. */
static void
hmap_grow(struct hmap *map)
{
	struct hmap_slot	*old = map->v;
	size_t			 oldcap = map->cap, i, j;

	map->cap = oldcap == 0 ? HMAP_MIN_CAP : oldcap * 2;
	map->v = xcalloc(map->cap, sizeof *map->v);
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		j = hmap_slot(map, old[i].key);
		map->v[j] = old[i];
	}
	free(old);
}

/* Start an empty map. */
void
hmap_init(struct hmap *map)
{
	memset(map, 0, sizeof *map);
}

/* Free every key and the slots; the map is empty afterwards. */
void
hmap_free(struct hmap *map)
{
	hmap_clear(map);
	free(map->v);
	memset(map, 0, sizeof *map);
}

/* Forget every key, keeping the slots. */
void
hmap_clear(struct hmap *map)
{
	size_t	i;

	for (i = 0; i < map->cap; i++) {
		free(map->v[i].key);
		map->v[i].key = NULL;
	}
	map->n = 0;
}

/* Look key up: 1 and *value, or 0. */
int
hmap_get(const struct hmap *map, const char *key, size_t *value)
{
	size_t	i;

	if (map->n == 0)
		return (0);
	i = hmap_slot(map, key);
	if (map->v[i].key == NULL)
		return (0);
	*value = map->v[i].value;
	return (1);
}

/* Map key to value, replacing any earlier value. */
void
hmap_put(struct hmap *map, const char *key, size_t value)
{
	size_t	i;

	if ((map->n + 1) * 2 > map->cap)
		hmap_grow(map);
	i = hmap_slot(map, key);
	if (map->v[i].key == NULL) {
		map->v[i].key = xstrdup(key);
		map->n++;
	}
	map->v[i].value = value;
}
