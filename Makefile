# Vigil: a terminal control console for router and station fleets.
# Targets: all (default), check, asan, tsan, fuzz, valgrind, bench, demo,
# deps, install, uninstall, clean, lint-man, check-layering.  See README.md.

PREFIX ?= /usr/local
BINDIR_INSTALL = $(PREFIX)/bin
SBINDIR_INSTALL = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man
COMPLETIONDIR = $(PREFIX)/share/bash-completion/completions
COMPLETED = vigil vigild vigil-key
# The agent's example router (facts script, hooks) and systemd unit.
EXAMPLESDIR = $(PREFIX)/share/vigil/examples

# Where objects and programs go; the sanitizer builds use their own.
O ?= .
B = $(O)/obj

CC ?= cc
PKGS = libwebsockets jansson libssl libcrypto ncursesw
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) check 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
# vigild's loop is libev's (libwebsockets' evlib_ev plugin, epoll): Debian's
# libev-dev has no pkg-config file.  Its audit syncs run on a few threads.
DAEMON_LIBS = -lev -pthread

# The one place the version is written; each program prints it for
# --version.
VERSION := $(shell cat VERSION 2>/dev/null || echo unknown)

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
SAN ?=
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DVIGIL_VERSION='"$(VERSION)"' \
	$(WARN) $(CFLAGS) $(SAN) \
	-iquote backend -iquote console -iquote keys -iquote panels -iquote tests $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN)

DEBIAN_PACKAGES = build-essential pkg-config libwebsockets-dev \
	libwebsockets-evlib-ev libev-dev libjansson-dev libssl-dev libncurses-dev check tmux mandoc \
	clang libclang-rt-14-dev valgrind

# Modules.  Each program's main lives in the file named after it.
# backend/ holds two groups: the protocol library (backend/proto*.c) that
# every program links, and the daemon (the rest) that only vigild and the
# tests link; check-layering proves vigil holds none of the daemon.
PROTO_SRCS = $(wildcard backend/proto*.c)
DAEMON_SRCS = $(filter-out backend/vigild.c $(PROTO_SRCS), \
	$(wildcard backend/*.c))
KEYS_SRCS = $(filter-out keys/vigil-key.c,$(wildcard keys/*.c))
CONSOLE_SRCS = $(filter-out console/vigil.c,$(wildcard console/*.c))
PANELS_SRCS = $(wildcard panels/*.c)
TEST_SRCS = $(wildcard tests/*.c)

LIB_OBJS = $(patsubst %.c,$(B)/%.o,$(PROTO_SRCS) $(KEYS_SRCS))
DAEMON_OBJS = $(patsubst %.c,$(B)/%.o,$(DAEMON_SRCS))
CONSOLE_OBJS = $(patsubst %.c,$(B)/%.o,$(CONSOLE_SRCS) $(PANELS_SRCS))
TEST_OBJS = $(patsubst %.c,$(B)/%.o,$(TEST_SRCS))

PROGRAMS = $(O)/vigil $(O)/vigild $(if $(wildcard keys/vigil-key.c),$(O)/vigil-key)
MANS = $(wildcard man/*.[0-9])

all: $(PROGRAMS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# What prints the version is rebuilt when it changes.
$(B)/console/vigil.o $(B)/backend/vigild.o $(B)/keys/vigil-key.o \
$(B)/tests/check_programs.o: VERSION

# The programs suite finds the bash completion in the source tree, and
# the agent suite runs make install from there.
$(B)/tests/check_programs.o $(B)/tests/check_agent.o: \
	ALL_CFLAGS += -DVIGIL_SRCDIR='"$(abspath .)"'

$(O)/vigil: $(B)/console/vigil.o $(CONSOLE_OBJS) $(LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(O)/vigild: $(B)/backend/vigild.o $(DAEMON_OBJS) $(LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(DAEMON_LIBS) -lm

$(O)/vigil-key: $(B)/keys/vigil-key.o $(LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(O)/check_vigil: $(TEST_OBJS) $(CONSOLE_OBJS) $(DAEMON_OBJS) $(LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(DAEMON_LIBS) $(CHECK_LIBS) \
	    -lm

# The unit suites and the end-to-end tests (real vigild and vigil on
# 127.0.0.1, ports chosen by the kernel) in one Check runner, each suite
# its own process, CHECK_JOBS at a time, longest first: most end-to-end
# tests wait on real time with the CPU idle (tests/run-suites.sh; each
# suite's output in $(O)/check-logs/).  CK_RUN_SUITE=name runs one suite.
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check: $(PROGRAMS) $(O)/check_vigil lint-man check-layering
	VIGIL_BIN=$(abspath $(O)) tests/run-suites.sh $(O)/check_vigil \
	    $(CHECK_JOBS) $(O)/check-logs

# vigil links the protocol library, keys and the console, never the
# daemon: fail when any function or object the daemon's files define is
# also defined in vigil.
check-layering: $(O)/vigil $(DAEMON_OBJS)
	@nm -g --defined-only $(DAEMON_OBJS) | awk 'NF == 3 { print $$3 }' | \
	    sort -u > $(O)/.daemon-symbols
	@nm -g --defined-only $(O)/vigil | awk 'NF == 3 { print $$3 }' | \
	    sort -u | comm -12 - $(O)/.daemon-symbols > $(O)/.vigil-daemon
	@if [ -s $(O)/.vigil-daemon ]; then \
		echo "check-layering: vigil holds the daemon's code:"; \
		sed 's/^/    /' $(O)/.vigil-daemon; \
		echo "check-layering: link it into vigild, or move what" \
		    "the console needs into backend/proto*.c"; \
		rm -f $(O)/.daemon-symbols $(O)/.vigil-daemon; exit 1; \
	fi
	@rm -f $(O)/.daemon-symbols $(O)/.vigil-daemon
	@echo "check-layering: vigil holds none of the daemon's symbols"

# The same tests with AddressSanitizer and UndefinedBehaviorSanitizer.  A
# sanitizer's report exits 86 or 87, never an exit status vigil gives.
# Instrumented, the heavier unit tests (every byte of an audit log
# flipped, the stats writer against jansson) run several times slower:
# 2-4 s alone on a virtual machine of this project's CI, beyond Check's
# 4 s with two parts at once.  The multiplier stretches every timeout.
asan:
	ASAN_OPTIONS=exitcode=86:detect_leaks=1 \
	UBSAN_OPTIONS=exitcode=87:print_stacktrace=1 \
	CK_TIMEOUT_MULTIPLIER=4 \
	$(MAKE) O=build-asan CFLAGS="-O1 -g" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    check

# The threads under ThreadSanitizer, vigild built with it too: the
# killswitch suite, whose first test kills a router from another thread
# while its order path runs, and the parts that drive vigild's group
# commit (audit syncs on its pool's threads): the command suite and a
# kill of 300 routers whose approver leaves (killgone; the kill of 1,000
# is too slow under ThreadSanitizer: vigild answers no ping for 14 s
# while 1,000 proposals arrive), and the syncpool suite, the pool's runs
# of syncs the loop does not wait for.  One part at a time: two
# instrumented fleets starting at once miss their tests' deadlines.  A
# report exits 88.
TSAN_PARTS = killswitch command commands:killgone syncpool
tsan:
	TSAN_OPTIONS=exitcode=88:halt_on_error=1 VIGIL_PARTS="$(TSAN_PARTS)" \
	CK_TIMEOUT_MULTIPLIER=4 \
	$(MAKE) O=build-tsan CFLAGS="-O1 -g" SAN="-fsanitize=thread" \
	    CHECK_JOBS=1 check

# The parsers that read what others write, under libFuzzer with
# AddressSanitizer and UndefinedBehaviorSanitizer: one harness each in
# tests/fuzz/fuzz-NAME.c, its seeds in tests/fuzz/NAME/.  make fuzz builds
# them with clang into build-fuzz/ and runs each for FUZZ_SECONDS on a
# copy of its seeds (tests/fuzz/run.sh); a crash fails it and names the
# input that crashed.
FUZZERS = frame command audit fleet keys trust
FUZZ_SECONDS ?= 60
FUZZ_SAN = -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer

$(B)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -MMD -MP -c -o $@ $<

$(O)/fuzz-%: $(B)/tests/fuzz/fuzz-%.o $(B)/tests/fuzz/fuzz.o \
    $(CONSOLE_OBJS) $(DAEMON_OBJS) $(LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) \
	    $(DAEMON_LIBS) -lm

.PRECIOUS: $(B)/tests/fuzz/%.o

fuzz-run: $(patsubst %,$(O)/fuzz-%,$(FUZZERS))
	tests/fuzz/run.sh $(O) $(FUZZ_SECONDS) $(FUZZERS)

fuzz:
	$(MAKE) O=build-fuzz CC=clang CFLAGS="-O1 -g" SAN="$(FUZZ_SAN)" \
	    fuzz-run

# A two-person kill end to end (vigild with --trust and --audit, keys
# made by vigil-key, vigil propose, approve and status), every process
# under valgrind: any error or definite leak fails it (exit 89).
valgrind: $(PROGRAMS)
	tests/valgrind-kill.sh $(abspath $(O))

# Speed and memory figures beside references measured in the same run
# (not pass/fail: see tests/bench/vigil-bench.c and BENCH.md).
$(O)/vigil-bench: $(B)/tests/bench/vigil-bench.o \
	    $(B)/tests/bench/bench-ws.o $(B)/tests/bench/bench-gw.o \
	    $(B)/tests/bench/bench-run.o \
	    $(CONSOLE_OBJS) $(DAEMON_OBJS) \
	    $(LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(DAEMON_LIBS) -lm

bench: $(PROGRAMS) $(O)/vigil-bench
	$(O)/vigil-bench $(abspath $(O))

lint-man:
	@if [ -n "$(MANS)" ]; then mandoc -Tlint -W warning $(MANS); fi

demo: $(PROGRAMS)
	$(O)/vigil --demo=knight

# Installs the Debian packages: directly as root, through sudo otherwise,
# and says what to run when neither is possible.
deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		grep -q 'ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then \
		echo "make deps: every Debian package Vigil needs is installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive \
		    apt-get install -y $$missing; \
	elif command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive \
		    apt-get install -y $$missing; \
	else \
		echo "make deps: installing packages needs root; run as root:"; \
		echo "  apt-get update && apt-get install -y $$missing"; \
		exit 1; \
	fi

install: all
	install -d $(DESTDIR)$(BINDIR_INSTALL) $(DESTDIR)$(SBINDIR_INSTALL)
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
	    $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(O)/vigil $(DESTDIR)$(BINDIR_INSTALL)/vigil
	install -m 755 $(O)/vigild $(DESTDIR)$(SBINDIR_INSTALL)/vigild
	if [ -f $(O)/vigil-key ]; then install -m 755 $(O)/vigil-key \
	    $(DESTDIR)$(BINDIR_INSTALL)/vigil-key; fi
	for m in $(MANS); do s=$${m##*.}; \
	    install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	install -d $(DESTDIR)$(COMPLETIONDIR)
	for c in $(COMPLETED); do install -m 644 completion/vigil.bash \
	    $(DESTDIR)$(COMPLETIONDIR)/$$c; done
	install -d $(DESTDIR)$(EXAMPLESDIR)
	install -m 755 backend/examples/*.sh $(DESTDIR)$(EXAMPLESDIR)/
	sed 's|/usr/local|$(PREFIX)|g' backend/examples/vigild-agent@.service \
	    > $(DESTDIR)$(EXAMPLESDIR)/vigild-agent@.service
	chmod 644 $(DESTDIR)$(EXAMPLESDIR)/vigild-agent@.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR_INSTALL)/vigil $(DESTDIR)$(BINDIR_INSTALL)/vigil-key
	rm -f $(DESTDIR)$(SBINDIR_INSTALL)/vigild
	for m in $(MANS); do s=$${m##*.}; \
	    rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done
	for c in $(COMPLETED); do rm -f $(DESTDIR)$(COMPLETIONDIR)/$$c; done
	rm -rf $(DESTDIR)$(EXAMPLESDIR)

clean:
	rm -rf obj build-asan build-tsan build-fuzz vigil vigild vigil-key \
	    check_vigil check-logs vigil-bench

.PHONY: all check check-layering asan tsan fuzz fuzz-run valgrind bench \
	lint-man demo deps install uninstall clean

-include $(shell find $(B) -name '*.d' 2>/dev/null)
