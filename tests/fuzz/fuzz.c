/*
 * fuzz.c: what the libFuzzer harnesses share.
 */
#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "util.h"

static int	 fuzz_fd = -1;
static char	 fuzz_path[64];

/* A memory file holding data, by path; see fuzz.h. */
const char *
fuzz_file(const uint8_t *data, size_t size)
{
	if (fuzz_fd == -1) {
		if ((fuzz_fd = memfd_create("vigil-fuzz", MFD_CLOEXEC)) == -1)
			fatal("%s: memfd_create failed", __func__);
		snprintf(fuzz_path, sizeof fuzz_path, "/proc/self/fd/%d",
		    fuzz_fd);
	}
	if (ftruncate(fuzz_fd, 0) == -1 ||
	    pwrite(fuzz_fd, data, size, 0) != (ssize_t)size)
		fatal("%s: cannot write the memory file", __func__);
	return (fuzz_path);
}

/* data as a NUL-terminated string; see fuzz.h. */
char *
fuzz_text(const uint8_t *data, size_t size)
{
	char	*text;

	text = xmalloc(size + 1);
	if (size != 0)
		memcpy(text, data, size);
	text[size] = '\0';
	return (text);
}
