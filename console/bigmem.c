/*
 * bigmem.c: large arrays in huge pages; see bigmem.h.
 *
 * An array of 10,000 nodes is some 48 MB: in 4 KB pages, a tick that
 * meets each node once misses the TLB on each, and on a virtual machine
 * each miss walks two levels of page tables.  In 2 MB pages the whole
 * array takes two dozen TLB entries.  The kernel gives huge pages to
 * memory only when asked (transparent_hugepage "madvise") and only to
 * 2 MB of a mapping aligned on 2 MB, which malloc's do not promise, so
 * the console maps such arrays itself.  Where madvise fails (no huge
 * pages in that kernel, or "never") the array works the same in small
 * pages.
 */
#include <sys/mman.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bigmem.h"
#include "util.h"

/* AddressSanitizer sees overflows only in the arrays malloc gives. */
#if defined(__SANITIZE_ADDRESS__)
#define BIGMEM_MALLOC	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BIGMEM_MALLOC	1
#endif
#endif

#define BIGMEM_ALIGN	((size_t)2 << 20)	/* a huge page */
/*
 * Huge pages from an array this large: below, its untouched tail would
 * be much of the last huge page's memory, and its pages are few enough
 * for the TLB's misses not to matter.
 */
#define BIGMEM_HUGE_MIN	(4 * BIGMEM_ALIGN)

static size_t	 bigmem_len(size_t n, size_t size);
static void	*bigmem_map(size_t len);

/* The bytes mapped for n elements of size: whole huge pages. */
static size_t
bigmem_len(size_t n, size_t size)
{
	size_t	len;

	if (size != 0 && n > (SIZE_MAX - BIGMEM_ALIGN) / size)
		fatal("allocation of %zu x %zu bytes overflows", n, size);
	len = n * size;
	if (len == 0)
		len = 1;
	return ((len + BIGMEM_ALIGN - 1) & ~(BIGMEM_ALIGN - 1));
}

/*
 * A new zeroed mapping of len bytes (whole huge pages) on a huge page's
 * boundary, advised to huge pages when it is large enough.
 */
static void *
bigmem_map(size_t len)
{
	uintptr_t	 start, at;
	void		*p;

	p = mmap(NULL, len + BIGMEM_ALIGN, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		fatal("out of memory mapping %zu bytes", len);
	/* Keep the aligned len bytes; give back both ends. */
	start = (uintptr_t)p;
	at = (start + BIGMEM_ALIGN - 1) & ~(uintptr_t)(BIGMEM_ALIGN - 1);
	if (at > start)
		munmap(p, at - start);
	if (at + len < start + len + BIGMEM_ALIGN)
		munmap((void *)(at + len), start + BIGMEM_ALIGN - at);
	/* Quietly in small pages where the kernel has no huge ones. */
	if (len >= BIGMEM_HUGE_MIN)
		(void)madvise((void *)at, len, MADV_HUGEPAGE);
	return ((void *)at);
}

/* Grow array p; see bigmem.h. */
void *
bigmem_grow(void *p, size_t oldn, size_t newn, size_t size)
{
#ifdef BIGMEM_MALLOC
	(void)oldn;
	return (xreallocarray(p, newn, size));
#else
	size_t	 oldlen, len;
	void	*q;

	len = bigmem_len(newn, size);
	if (p == NULL)
		return (bigmem_map(len));
	oldlen = bigmem_len(oldn, size);
	if (len <= oldlen)
		return (p);
	q = bigmem_map(len);
	/*
	 * Move the pages, not their bytes: both ends are aligned, so huge
	 * pages move whole.  An array small enough to be in small pages
	 * is copied, so that it then lies in huge pages too.
	 */
	if (oldlen < BIGMEM_HUGE_MIN || mremap(p, oldlen, oldlen,
	    MREMAP_MAYMOVE | MREMAP_FIXED, q) == MAP_FAILED) {
		memcpy(q, p, oldn * size);
		munmap(p, oldlen);
	}
	return (q);
#endif
}

/* Free array p; see bigmem.h. */
void
bigmem_free(void *p, size_t n, size_t size)
{
#ifdef BIGMEM_MALLOC
	(void)n;
	(void)size;
	free(p);
#else
	if (p != NULL)
		munmap(p, bigmem_len(n, size));
#endif
}
