/*
 * fuzz.h: what the libFuzzer harnesses in tests/fuzz share.
 *
 * Each harness (fuzz-NAME.c) hands one input to one real parser of Vigil
 * and checks what the parser promises; make fuzz builds them with
 * -fsanitize=fuzzer,address,undefined and runs each on a copy of its
 * seed corpus, tests/fuzz/NAME/.
 */
#ifndef VIGIL_FUZZ_H
#define VIGIL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A path whose file holds exactly the size bytes of data, for parsers
 * that read a path: a memory file, rewritten on every call, so fuzzing
 * never touches the disk.  Dies if it cannot be made.
 */
const char *fuzz_file(const uint8_t *data, size_t size);

/* data as an allocated NUL-terminated string (it may hold NULs). */
char	*fuzz_text(const uint8_t *data, size_t size);

#endif
