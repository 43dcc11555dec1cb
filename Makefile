# plates: a flat Makefile (one pattern rule per kind of output).
VERSION     = 0.1.0
PROJECT_URL = https://github.com/plates-toolkit/plates
PREFIX     ?= /usr/local
MANPREFIX  ?= $(PREFIX)/share/man
DESTDIR    ?=

CMDS   = $(sort $(basename $(notdir $(wildcard cmd/*.c))))
# common/ is the infrastructure, common/readers/ the format readers; both
# go into libcommon.a.
COMMON = $(patsubst %.c,%.o,$(wildcard common/*.c common/readers/*.c))
HEADERS = $(wildcard common/*.h common/readers/*.h)
UNITS  = $(basename $(wildcard tests/unit/test-*.c))
TESTBINS = tests/unit/http-get $(addprefix tests/fuzz/,$(FUZZERS))
FUZZERS  = $(basename $(notdir $(wildcard tests/fuzz/fuzz-*.c)))

PKGS    = libcurl yajl zlib libxml-2.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
# gzip is inflated by ISA-L (Debian's libisal-dev) when pkg-config or its
# header finds it, by zlib otherwise; `make ISAL=0` builds with zlib alone
# (into build-zlib/ and bin-zlib/).
ISAL_FOUND := $(shell pkg-config --exists libisal 2>/dev/null && echo 1 || \
    { printf '\043include <isa-l.h>\n' | $(CC) -E -x c - >/dev/null 2>&1 && echo 1; } || echo 0)
ifneq ($(ISAL),0)
ifeq ($(ISAL_FOUND),1)
PKG_CFLAGS += -DPLATES_ISAL $(shell pkg-config --cflags libisal 2>/dev/null)
PKG_LIBS   += $(or $(shell pkg-config --libs libisal 2>/dev/null),-lisal)
endif
endif

CC      ?= cc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN     = -std=c11 -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes
DEFS     = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
           -DPLATES_VERSION='"$(VERSION)"' -DPLATES_URL='"$(PROJECT_URL)"'
ifeq ($(SANITIZE),1)
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ALL_CFLAGS = $(WARN) $(DEFS) $(CFLAGS) $(SAN) -Icommon -Icommon/readers $(PKG_CFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)

# Sanitized objects live apart, so switching SANITIZE never mixes builds.
B = build$(if $(SAN),-san)$(if $(filter 0,$(ISAL)),-zlib)
BIN = bin$(if $(SAN),-san)$(if $(filter 0,$(ISAL)),-zlib)

.PHONY: all tools tests check unit lint bench demo fuzz fuzz-deps clean install uninstall help deps
.PHONY: replica soak
all: tools tests
tools: $(addprefix $(BIN)/,$(CMDS))
tests: $(addprefix $(B)/,$(UNITS) $(TESTBINS)) $(B)/tests/unit/failsys.so

$(B)/common/%.o: common/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(B)/libcommon.a: $(addprefix $(B)/,$(COMMON))
	rm -f $@ && ar rcs $@ $^
$(BIN)/%: cmd/%.c $(B)/libcommon.a $(HEADERS) | $(BIN)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libcommon.a $(ALL_LDFLAGS) $(PKG_LIBS)
$(B)/tests/unit/%: tests/unit/%.c tests/unit/*.h $(B)/libcommon.a $(HEADERS) | $(B)/tests/unit
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(B)/libcommon.a $(ALL_LDFLAGS) $(PKG_LIBS)
# A harness links libcommon.a only: it calls a reader's API.
$(B)/tests/fuzz/%: tests/fuzz/%.c tests/fuzz/driver.c tests/fuzz/*.h $(B)/libcommon.a $(HEADERS) | $(B)/tests/fuzz
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/driver.c $(B)/libcommon.a $(ALL_LDFLAGS) $(PKG_LIBS)
# Loaded with LD_PRELOAD by the cases that make file system calls fail;
# never sanitized (it must not come before the sanitizer's runtime).
$(B)/tests/unit/failsys.so: tests/crash/failsys.c | $(B)/tests/unit
	$(CC) $(WARN) $(CFLAGS) -fPIC -shared -o $@ $< -ldl
$(B)/tests/unit $(B)/tests/fuzz $(BIN):
	mkdir -p $@

deps:
	@scripts/deps

# The README's test command: install what is missing, build, run every test.
check: deps
	@$(MAKE) --no-print-directory all
	@BIN="$(CURDIR)/$(BIN)" UNITDIR="$(CURDIR)/$(B)/tests/unit" VALGRIND="$(VALGRIND)" \
	    tests/run.sh

lint: deps
	mandoc -Tlint -W warning man/*.[0-9]
	scripts/check-man $(BIN) man
	shellcheck -x scripts/deps scripts/demo scripts/fuzz scripts/check-man scripts/bench scripts/bench-* scripts/pictures scripts/replica tests/faults/run tests/run.sh .ci/run
	shellcheck scripts/slurm-pictures && shellcheck -x -s sh tests/engines/slurm.sh tests/engines/ssh.sh

# libFuzzer (clang): each harness for FUZZ_SECONDS, corpora seeded from the
# fixtures; crashes land in build-fuzz/crashes/ (copy them to
# tests/fuzz/regress/<harness>/ so make check replays them).
FUZZ_SECONDS ?= 60
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  = $(WARN) $(DEFS) -g -O1 $(FUZZ_SAN) -Icommon -Icommon/readers $(PKG_CFLAGS)
build-fuzz/common/%.o: common/%.c $(HEADERS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
build-fuzz/libcommon.a: $(addprefix build-fuzz/,$(COMMON))
	rm -f $@ && ar rcs $@ $^
build-fuzz/%: tests/fuzz/%.c tests/fuzz/*.h build-fuzz/libcommon.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build-fuzz/libcommon.a $(PKG_LIBS)
fuzz: fuzz-deps
	@$(MAKE) --no-print-directory $(addprefix build-fuzz/,$(FUZZERS))
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz $(FUZZERS)
fuzz-deps:
	@scripts/deps clang libclang-rt-14-dev

bench: deps all
	@$(MAKE) --no-print-directory ISAL=0 tools
	@scripts/bench

demo: deps
	@$(MAKE) --no-print-directory tools
	@scripts/demo

# Crash safety at length (not in make check): the kill test with 50 kills
# per target on bigger sets, then the soak run (100,000 page rows and
# 10,000 IA items against a server with 1% faults), each with its figures.
soak: deps
	@$(MAKE) --no-print-directory all
	@BIN="$(CURDIR)/$(BIN)" tests/crash/killtest --kills 50 --items 60 --all-pages -v
	@BIN="$(CURDIR)/$(BIN)" tests/crash/soak

# The local library replica in the foreground, for trying the tools by hand:
# prints the export lines that point them at it; Ctrl-C stops it.
replica: deps
	@$(MAKE) --no-print-directory tools
	@scripts/replica

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man7
	install -m 755 $(addprefix $(BIN)/,$(CMDS)) $(DESTDIR)$(PREFIX)/bin/
	install -m 755 scripts/pictures $(DESTDIR)$(PREFIX)/bin/ia-pictures
	install -m 755 scripts/pictures $(DESTDIR)$(PREFIX)/bin/ht-pictures
	install -m 755 scripts/contact-sheet $(DESTDIR)$(PREFIX)/bin/contact-sheet
	install -m 755 scripts/slurm-pictures $(DESTDIR)$(PREFIX)/bin/slurm-pictures
	install -m 644 man/*.1 $(DESTDIR)$(MANPREFIX)/man1/
	ln -sf ia-pictures.1 $(DESTDIR)$(MANPREFIX)/man1/ht-pictures.1
	install -m 644 man/*.7 $(DESTDIR)$(MANPREFIX)/man7/

uninstall:
	cd $(DESTDIR)$(PREFIX)/bin && rm -f $(CMDS) ia-pictures ht-pictures contact-sheet
	cd $(DESTDIR)$(PREFIX)/bin && rm -f slurm-pictures
	cd $(DESTDIR)$(MANPREFIX)/man1 && rm -f $(addsuffix .1,$(CMDS)) \
	    ia-pictures.1 ht-pictures.1 contact-sheet.1
	rm -f $(DESTDIR)$(MANPREFIX)/man1/slurm-pictures.1
	rm -f $(DESTDIR)$(MANPREFIX)/man7/plates.7

clean:
	rm -rf build build-san build-fuzz bin bin-san

help:
	@echo 'make [all]          build bin/ (SANITIZE=1: ASan+UBSan into bin-san/)'
	@echo 'make check          install missing deps, build, run all tests (VALGRIND=1, SANITIZE=1)'
	@echo 'make demo           run the pipelines against the bundled library replica'
	@echo 'make replica        start the library replica and print the exports for it'
	@echo 'make bench          benchmarks'
	@echo 'make soak           the kill test at full count and a long run with faults'
	@echo 'make lint           mandoc -Tlint and shellcheck'
	@echo 'make install        PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)'
