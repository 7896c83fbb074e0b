# kizuna - a Gemini capsule server.
#
#   make run      build, create a certificate if absent, serve capsule/ on 1965
#   make test     unit tests, fuzz corpus replay, article scores, integration tests
#                 (warnings are errors there; make WERROR=1 for any target)
#   make score    how well the article reader reads tests/corpus (a table)
#   make test SANITIZE=1   the same, built with ASan and UBSan
#   make fuzz     libFuzzer runs (clang), FUZZ_SECONDS each
#   make install  binary, man pages, systemd units, example config and capsule
#                 (PREFIX=/usr/local, DESTDIR for staging); make uninstall
#   make deb      the Debian package, in build/deb; make deb-check: lintian, and
#                 installed, run and purged in a fresh Debian root (as root)
#
# On Debian, missing build and test packages are installed with apt-get
# (as root, or through sudo without a password); otherwise the exact
# apt-get line is printed and the build stops.

CC ?= cc
PKGS = openssl libmagic inih md4c
SANITIZE ?=
FUZZ_SECONDS ?= 60

# Warnings are errors only where the project's own checks build (make test,
# .ci/run; make WERROR=1 by hand): a newer compiler's new warning must not
# break a user's make or make install.
WERROR ?=
WARN = -Wall -Wextra $(if $(WERROR),-Werror) -Wswitch-enum -Wshadow \
       -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes
BASE_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -O2 -g $(WARN) -MMD -MP -pthread
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer

# Objects are kept apart per compiler and flavour, so gcc, clang and the
# sanitizer builds never mix.
ifeq ($(SANITIZE),1)
BUILD = build/$(notdir $(CC))-san
EXTRA = $(SAN_FLAGS)
BIN = $(BUILD)/kizuna
else
BUILD = build/$(notdir $(CC))
EXTRA =
BIN = kizuna
endif

# Deferred (=): pkg-config runs after `deps` may have installed a package.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(BASE_CFLAGS) $(EXTRA) $(PKG_CFLAGS) $(CFLAGS)

SRCS = main.c config.c config_hosts.c config_locations.c config_restart.c config_value.c location.c server.c conn.c conn_proxy.c ev.c \
       tls.c hello.c cert.c cert_make.c sni.c preflight.c request.c url.c utf8.c rules.c \
       article_lines.c article_style.c article_number.c article_meta.c \
       article_hatena.c \
       article_decor.c article_title.c article_wrap.c article_heading.c \
       article_shape.c \
       article_blocks.c \
       capsule.c response.c mime.c log.c pages.c article.c gemtext.c sandbox.c \
       ratelimit.c admission.c siphash.c beneath.c proxy.c site.c systemd.c \
       pem.c watch.c live.c markdown.c markdown_build.c date.c feed.c export.c source.c listen.c \
       confine.c listing.c listing_read.c ticket.c ticket_keys.c filelog.c
OBJS = $(SRCS:%.c=$(BUILD)/%.o)
# The article reader: its passes, named once for every link that needs it.
ARTICLE_OBJS = $(addprefix $(BUILD)/,article.o article_lines.o article_style.o \
               article_number.o article_meta.o article_hatena.o article_decor.o \
               article_title.o article_wrap.o \
               article_heading.o article_shape.o article_blocks.o)
# And its Markdown reader, which reuses the front matter and language.
MARKDOWN_OBJS = $(BUILD)/markdown.o $(BUILD)/markdown_build.o $(ARTICLE_OBJS) $(BUILD)/utf8.o
# A host's credentials: read and checked, made, the key's PEM decoded.
CERT_OBJS = $(addprefix $(BUILD)/,cert.o cert_make.o pem.o)
MARKDOWN_SRCS = src/markdown.c src/markdown_build.c src/article.c src/article_lines.c \
                src/article_style.c src/article_number.c src/article_meta.c \
                src/article_hatena.c \
                src/article_decor.c src/article_title.c src/article_wrap.c \
                src/article_heading.c \
                src/article_shape.c \
                src/article_blocks.c src/utf8.c
# The configuration: the file and its keys, [host] and [location] sections,
# values; the matcher and the URL reader its redirect checks use.
CONFIG_OBJS = $(addprefix $(BUILD)/,config.o config_hosts.o config_locations.o config_restart.o \
              config_value.o location.o url.o)
CONFIG_SRCS = src/config.c src/config_hosts.c src/config_locations.c src/config_restart.c \
              src/config_value.c src/location.c src/url.c

UNIT_TESTS = test_utf8 test_url test_request test_config test_article test_gemtext \
             test_ratelimit test_beneath test_sandbox test_proxy test_siphash \
             test_admission test_pem test_watch test_markdown test_date \
             test_feed test_cert test_sni test_tls test_mime test_listing \
             test_location test_response test_rules test_ticket_keys test_hello
FUZZ_TARGETS = request article path config proxy pem markdown sni listing hello \
               ticket_keys

.PHONY: all run test unit replay integration fuzz clean deps test-deps \
        fuzz-deps golden golden-check score score-check bench stress \
        lint-man check-units \
        install uninstall

all: $(BIN)

# --- dependencies -----------------------------------------------------------

# pkg-config module or command -> Debian package.
BUILD_DEPS = pkg-config:pkg-config openssl:libssl-dev libmagic:libmagic-dev \
             inih:libinih-dev md4c:libmd4c-dev
# haproxy (tests/integration/test_haproxy.py) is named by its path: /usr/sbin
# is often not in a user's PATH. py-M: a module of Debian's /usr/bin/python3
# (feedparser reads the Atom feed in tests/integration/test_feed.py).
# /bin/kill: kizuna.service's ExecReload, which systemd-analyze verify checks
# is there (procps is not in a minimal Debian root or a container image).
TEST_DEPS = cmocka:libcmocka-dev cmd-python3:python3 cmd-openssl:openssl \
            cmd-/usr/sbin/haproxy:haproxy cmd-mandoc:mandoc \
            cmd-systemd-analyze:systemd cmd-/bin/kill:procps \
            py-feedparser:python3-feedparser
FUZZ_DEPS = cmd-clang:clang

define install_missing
	@missing=""; \
	for pair in $(1); do \
		what=$${pair%%:*}; pkg=$${pair##*:}; \
		case $$what in \
		cmd-*) command -v $${what#cmd-} >/dev/null 2>&1 || missing="$$missing $$pkg" ;; \
		py-*) /usr/bin/python3 -c "import $${what#py-}" >/dev/null 2>&1 || missing="$$missing $$pkg" ;; \
		pkg-config) command -v pkg-config >/dev/null 2>&1 || missing="$$missing $$pkg" ;; \
		*) pkg-config --exists $$what 2>/dev/null || missing="$$missing $$pkg" ;; \
		esac; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else \
		echo "kizuna: missing packages:$$missing"; \
		echo "install them with: sudo apt-get install -y$$missing"; \
		exit 1; \
	fi; \
	echo "kizuna: installing$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	$$sudo apt-get install -y -q $$missing || \
	{ $$sudo apt-get update -q && $$sudo apt-get install -y -q $$missing; } || \
	{ echo "kizuna: could not install:$$missing"; exit 1; }
endef

deps:
	$(call install_missing,$(BUILD_DEPS))

test-deps: deps
	$(call install_missing,$(TEST_DEPS))

fuzz-deps: deps
	$(call install_missing,$(FUZZ_DEPS))

# --- the server -------------------------------------------------------------

$(BUILD)/%.o: src/%.c | deps
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BIN): $(OBJS)
	$(CC) $(BASE_CFLAGS) $(EXTRA) $(LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS)

run: $(BIN)
	./$(BIN) -c config.ini

# --- tests ------------------------------------------------------------------

$(BUILD)/tests/%.o: tests/unit/%.c | test-deps
	@mkdir -p $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Isrc $(shell pkg-config --cflags cmocka 2>/dev/null) -c $< -o $@

# Each unit test links only the modules it tests.
$(BUILD)/tests/test_utf8: $(BUILD)/tests/test_utf8.o $(BUILD)/utf8.o
$(BUILD)/tests/test_url: $(BUILD)/tests/test_url.o $(BUILD)/url.o
$(BUILD)/tests/test_request: $(BUILD)/tests/test_request.o $(BUILD)/request.o $(BUILD)/url.o $(BUILD)/utf8.o
$(BUILD)/tests/test_config: $(BUILD)/tests/test_config.o $(CONFIG_OBJS)
$(BUILD)/tests/test_location: $(BUILD)/tests/test_location.o $(BUILD)/location.o
$(BUILD)/tests/test_ratelimit: $(BUILD)/tests/test_ratelimit.o $(BUILD)/ratelimit.o
$(BUILD)/tests/test_siphash: $(BUILD)/tests/test_siphash.o $(BUILD)/siphash.o
$(BUILD)/tests/test_hello: $(BUILD)/tests/test_hello.o $(BUILD)/hello.o
$(BUILD)/tests/test_admission: $(BUILD)/tests/test_admission.o $(BUILD)/admission.o $(BUILD)/siphash.o $(BUILD)/ratelimit.o
$(BUILD)/tests/test_beneath: $(BUILD)/tests/test_beneath.o $(BUILD)/beneath.o
$(BUILD)/tests/test_sandbox: $(BUILD)/tests/test_sandbox.o $(BUILD)/sandbox.o
$(BUILD)/tests/test_proxy: $(BUILD)/tests/test_proxy.o $(BUILD)/proxy.o
$(BUILD)/tests/test_pem: $(BUILD)/tests/test_pem.o $(BUILD)/pem.o
$(BUILD)/tests/test_sni: $(BUILD)/tests/test_sni.o $(BUILD)/sni.o
$(BUILD)/tests/test_tls: $(BUILD)/tests/test_tls.o $(BUILD)/tls.o $(BUILD)/hello.o $(BUILD)/sni.o $(BUILD)/ticket.o \
    $(BUILD)/ticket_keys.o $(BUILD)/log.o $(BUILD)/utf8.o $(CERT_OBJS)
$(BUILD)/tests/test_cert: $(BUILD)/tests/test_cert.o $(CERT_OBJS)
$(BUILD)/tests/test_rules: $(BUILD)/tests/test_rules.o $(BUILD)/rules.o $(BUILD)/response.o $(BUILD)/url.o $(BUILD)/utf8.o
$(BUILD)/tests/test_watch: $(BUILD)/tests/test_watch.o $(BUILD)/watch.o $(BUILD)/log.o $(BUILD)/utf8.o
$(BUILD)/tests/test_date: $(BUILD)/tests/test_date.o $(BUILD)/date.o
$(BUILD)/tests/test_mime: $(BUILD)/tests/test_mime.o $(BUILD)/mime.o
$(BUILD)/tests/test_listing: $(BUILD)/tests/test_listing.o $(BUILD)/listing.o $(BUILD)/listing_read.o $(BUILD)/utf8.o
$(BUILD)/tests/test_feed: $(BUILD)/tests/test_feed.o $(BUILD)/feed.o $(BUILD)/gemtext.o $(ARTICLE_OBJS) $(BUILD)/utf8.o
$(BUILD)/tests/test_article: $(BUILD)/tests/test_article.o $(ARTICLE_OBJS) $(BUILD)/utf8.o
$(BUILD)/tests/test_gemtext: $(BUILD)/tests/test_gemtext.o $(BUILD)/gemtext.o $(ARTICLE_OBJS) $(BUILD)/utf8.o
$(BUILD)/tests/test_markdown: $(BUILD)/tests/test_markdown.o $(BUILD)/gemtext.o $(MARKDOWN_OBJS)
$(BUILD)/tests/test_response: $(BUILD)/tests/test_response.o $(BUILD)/response.o
$(BUILD)/tests/test_ticket_keys: $(BUILD)/tests/test_ticket_keys.o $(BUILD)/ticket_keys.o
$(UNIT_TESTS:%=$(BUILD)/tests/%):
	$(CC) $(BASE_CFLAGS) $(EXTRA) -o $@ $^ $(PKG_LIBS) -lcmocka

# Every fuzz target also builds as a replay binary, run over its corpus.
$(BUILD)/fuzz/%.o: tests/fuzz/%.c | deps
	@mkdir -p $(BUILD)/fuzz
	$(CC) $(ALL_CFLAGS) -Isrc -c $< -o $@

$(BUILD)/fuzz/replay_request: $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/fuzz_request.o $(BUILD)/request.o $(BUILD)/url.o $(BUILD)/utf8.o
$(BUILD)/fuzz/replay_article: $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/fuzz_article.o $(ARTICLE_OBJS) $(BUILD)/gemtext.o $(BUILD)/feed.o $(BUILD)/utf8.o
$(BUILD)/fuzz/replay_path: $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/fuzz_path.o $(BUILD)/url.o $(BUILD)/utf8.o
$(BUILD)/fuzz/replay_config: $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/fuzz_config.o $(CONFIG_OBJS)
$(BUILD)/fuzz/replay_proxy: $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/fuzz_proxy.o $(BUILD)/proxy.o
$(BUILD)/fuzz/replay_pem: $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/fuzz_pem.o $(BUILD)/pem.o
$(BUILD)/fuzz/replay_sni: $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/fuzz_sni.o $(BUILD)/sni.o
$(BUILD)/fuzz/replay_hello: $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/fuzz_hello.o $(BUILD)/hello.o
$(BUILD)/fuzz/replay_markdown: $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/fuzz_markdown.o $(MARKDOWN_OBJS) $(BUILD)/gemtext.o
$(BUILD)/fuzz/replay_listing: $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/fuzz_listing.o $(BUILD)/listing.o $(BUILD)/utf8.o
$(BUILD)/fuzz/replay_ticket_keys: $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/fuzz_ticket_keys.o $(BUILD)/ticket_keys.o
$(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%):
	$(CC) $(BASE_CFLAGS) $(EXTRA) -o $@ $^ $(PKG_LIBS)

unit: $(UNIT_TESTS:%=$(BUILD)/tests/%)
	@for t in $^; do echo "== $$t"; ./$$t || exit 1; done

replay: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
	@for t in $(FUZZ_TARGETS); do \
		echo "== replay $$t"; ./$(BUILD)/fuzz/replay_$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# A helper that stands in for an older kernel (see the file).
$(BUILD)/tests/without_syscalls: tests/helpers/without_syscalls.c
	@mkdir -p $(BUILD)/tests
	$(CC) $(BASE_CFLAGS) $(EXTRA) -o $@ $<

integration: $(BIN) $(BUILD)/tests/without_syscalls | test-deps
	KIZUNA_BIN=$(CURDIR)/$(BIN) \
	KIZUNA_WITHOUT_SYSCALLS=$(CURDIR)/$(BUILD)/tests/without_syscalls \
	python3 -m unittest discover -s tests/integration -v

# The fault tests at full size (thousands of clients, minutes): loopback only,
# bounded, and not part of make test, which runs them small.
stress: $(BIN) | test-deps
	KIZUNA_STRESS=1 KIZUNA_BIN=$(CURDIR)/$(BIN) python3 -m unittest discover -s tests/integration -p 'test_faults.py' -v

# The rendered pages of the shipped articles, checked in and compared byte
# for byte: the folder converted as a whole (list, feed, the capsule's
# title from its index.gmi). The input is a copy kept in tests/golden/input,
# never capsule/, which is the user's to write in: a new article there must
# not fail make test. After a deliberate change: make golden, then read
# the diff.
# A second set: Markdown articles with every construct (tests/golden-markdown).
GOLDEN_MD_INPUTS = $(sort $(wildcard tests/golden-markdown/input/*.md))

golden-check: $(BIN)
	@rm -rf $(BUILD)/golden $(BUILD)/golden-markdown
	@mkdir -p $(BUILD)/golden $(BUILD)/golden-markdown
	./$(BIN) convert -o $(BUILD)/golden tests/golden/input/articles
	./$(BIN) convert -o $(BUILD)/golden-markdown $(GOLDEN_MD_INPUTS)
	diff -r tests/golden/pages $(BUILD)/golden && \
	diff -r tests/golden-markdown/pages $(BUILD)/golden-markdown && \
	echo "golden pages: identical"

golden: $(BIN)
	rm -rf tests/golden/pages tests/golden-markdown/pages
	mkdir -p tests/golden/pages tests/golden-markdown/pages
	./$(BIN) convert -o tests/golden/pages tests/golden/input/articles
	./$(BIN) convert -o tests/golden-markdown/pages $(GOLDEN_MD_INPUTS)

# The article reader against the development corpus: tests/corpus and
# tests/corpus-more hold articles with their structure as a careful reader
# sees it. make score
# prints the scorer's table; score-check fails on any figure below
# each folder's floor.json (a floor that only rises: raise it as the reader
# improves).
score: $(BIN) | test-deps
	python3 tests/tools/article-score --kizuna ./$(BIN) -q tests/corpus
	python3 tests/tools/article-score --kizuna ./$(BIN) -q tests/corpus-more

score-check: $(BIN) | test-deps
	python3 tests/tools/score-floor --kizuna ./$(BIN) tests/corpus
	python3 tests/tools/score-floor --kizuna ./$(BIN) tests/corpus-more

# Warnings and errors only: mandoc's STYLE notes include "referenced manual
# not found" for pages (sd_notify(3)) a build machine need not have.
lint-man: | test-deps
	mandoc -Tlint -Wwarning man/kizuna.8 man/kizuna.ini.5
	@echo "man pages: no mandoc warnings"

# The units as installed, but running the binary built here. verify would run
# man(1) on each Documentation= page (and fail where man-db is absent, as in a
# Debian container image): --man=no, and the pages named are looked for here,
# in man/, which is what a unit's reader will be given.
# The exposure score (0 = locked down, 10 = none) must stay under 2.0.
CHECK_UNITS = $(BUILD)/check-units
check-units: $(BIN) | test-deps
	@rm -rf $(CHECK_UNITS) && mkdir -p $(CHECK_UNITS)
	sed -e 's|@BINDIR@|$(abspath $(dir $(BIN)))|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    dist/kizuna.service.in > $(CHECK_UNITS)/kizuna.service
	cp dist/kizuna.socket $(CHECK_UNITS)/
	systemd-analyze verify --man=no \
	    $(CHECK_UNITS)/kizuna.socket $(CHECK_UNITS)/kizuna.service
	@pages=$$(sed -n 's/^Documentation=//p' $(CHECK_UNITS)/kizuna.socket \
	    $(CHECK_UNITS)/kizuna.service | tr ' ' '\n' | \
	    sed -n 's/^man:\([^()]*\)(\([0-9]\))$$/\1.\2/p'); \
	[ -n "$$pages" ] || { echo "units: no man: page in Documentation="; exit 1; }; \
	for p in $$pages; do \
		[ -f man/$$p ] || { echo "units: Documentation= names $$p, not in man/"; exit 1; }; \
	done; echo "units: Documentation= pages in man/:" $$pages
	@systemd-analyze security --offline=true --threshold=20 \
	    $(CHECK_UNITS)/kizuna.service > $(CHECK_UNITS)/security.txt; \
	rc=$$?; tail -1 $(CHECK_UNITS)/security.txt; exit $$rc
	@echo "systemd units: verified"

# With WERROR=1: warnings fail the checks' build. Objects already built
# without it are not rebuilt (make clean first, as .ci/run does).
test: test-deps
	$(MAKE) WERROR=1 unit replay
	$(MAKE) WERROR=1 golden-check score-check
	$(MAKE) WERROR=1 lint-man check-units
	$(MAKE) WERROR=1 integration

# --- install ------------------------------------------------------------------
#
#   make install [PREFIX=/usr/local] [DESTDIR=/staging] [SYSTEMDUNITDIR=...]
#                [SEED_STATE=no: for packages, see debian/]
#   make uninstall (with the same variables)
#
# The binary goes to bin, not sbin: `kizuna convert` is a tool capsule authors
# run as themselves (Debian gives ordinary users no sbin in PATH), and the
# server needs no root either (1965 is above 1023; kizuna.socket can hand it
# any port).
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# Not under PREFIX: the unit reads $(SYSCONFDIR)/kizuna/config.ini, and
# StateDirectory=kizuna is /var/lib/kizuna whatever the prefix.
SYSCONFDIR ?= /etc
STATEDIR = /var/lib/kizuna
# A package sets SEED_STATE=no: the sample capsule then goes, as one of the
# program's files, to $(DATADIR)/capsule, and the package's postinst seeds
# $(STATEDIR) from it on the first install only (a package's own files are
# replaced on every upgrade, and the capsule is the admin's once installed).
DATADIR ?= $(PREFIX)/share/kizuna
SEED_STATE ?= yes

# config.ini with its paths moved to the installed layout. Each pattern must
# match (the install test checks the result), so a renamed key is noticed.
INSTALLED_CONFIG_SED = -e '1i ; As installed: cert, key and root point into $(STATEDIR).' \
                       -e '1i ; Set hostname to your capsule'"'"'s domain name.' \
                       -e 's|^cert = certs/|cert = $(STATEDIR)/certs/|' \
                       -e 's|^key = certs/|key = $(STATEDIR)/certs/|' \
                       -e 's|^root = capsule$$|root = $(STATEDIR)/capsule|'

# What the admin owns once installed, the configuration and the capsule, is
# installed only where absent: a second install never overwrites an edit.
install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/kizuna
	install -m 0644 man/kizuna.8 $(DESTDIR)$(MANDIR)/man8/kizuna.8
	install -m 0644 man/kizuna.ini.5 $(DESTDIR)$(MANDIR)/man5/kizuna.ini.5
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    dist/kizuna.service.in > $(DESTDIR)$(SYSTEMDUNITDIR)/kizuna.service.tmp
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/kizuna.service.tmp
	mv -f $(DESTDIR)$(SYSTEMDUNITDIR)/kizuna.service.tmp \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/kizuna.service
	install -m 0644 dist/kizuna.socket $(DESTDIR)$(SYSTEMDUNITDIR)/kizuna.socket
	@conf=$(DESTDIR)$(SYSCONFDIR)/kizuna/config.ini; \
	if [ -e $$conf ]; then \
		echo "kizuna: kept the existing $$conf (kizuna.ini(5) lists every key)"; \
	else \
		install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/kizuna && \
		sed $(INSTALLED_CONFIG_SED) config.ini > $$conf.tmp && \
		chmod 0644 $$conf.tmp && mv $$conf.tmp $$conf && \
		echo "kizuna: installed $$conf: set [server] hostname to your domain"; \
	fi
	@dir=$(DESTDIR)$(STATEDIR)/capsule; \
	if [ "$(SEED_STATE)" = no ]; then \
		dir=$(DESTDIR)$(DATADIR)/capsule; \
		install -d -m 0755 $(DESTDIR)$(DATADIR) && rm -rf $$dir && \
		cp -R capsule $$dir && chmod -R u=rwX,go=rX $$dir && \
		echo "kizuna: installed the sample capsule in $$dir"; \
	elif [ -e $$dir ]; then \
		echo "kizuna: kept the existing $$dir"; \
	else \
		install -d -m 0755 $(DESTDIR)$(STATEDIR) && \
		cp -R capsule $$dir.tmp && chmod -R u=rwX,go=rX $$dir.tmp && \
		mv $$dir.tmp $$dir && \
		echo "kizuna: installed the sample capsule in $$dir"; \
	fi

# Removes what install always installs. The configuration and the capsule
# stay, even if untouched since: telling an edit from the shipped text is
# guesswork, and a wrong guess loses a capsule or a key.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kizuna $(DESTDIR)$(MANDIR)/man8/kizuna.8 \
	    $(DESTDIR)$(MANDIR)/man5/kizuna.ini.5 \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/kizuna.service \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/kizuna.socket
	@for d in $(DESTDIR)$(SYSCONFDIR)/kizuna $(DESTDIR)$(STATEDIR); do \
		[ -e $$d ] && echo "kizuna: left $$d in place: remove it" \
		    "yourself once its configuration, capsule or key is no longer needed"; \
	done; true

# --- the Debian package ---------------------------------------------------------
#
#   make deb        build/deb/kizuna_VERSION_ARCH.deb (dpkg-buildpackage -b;
#                   the packaging is in debian/)
#   make deb-check  that package through lintian, then installed into a fresh
#                   minimal Debian root, run, and purged (tests/deb/check.sh)
#
# The package is built from a copy of the tracked files (edits not yet
# committed included) in build/deb: dpkg-buildpackage writes its results
# into the parent of the tree it builds, which would be outside the project,
# and the build never sees a local build/, certs/ or untracked articles.
DEB_DEPS = cmd-dpkg-buildpackage:dpkg-dev cmd-dh:debhelper \
           cmd-fakeroot:fakeroot cmd-lintian:lintian cmocka:libcmocka-dev
DEB_CHECK_DEPS = cmd-debootstrap:debootstrap cmd-systemd-analyze:systemd
DEB_VERSION = $(shell dpkg-parsechangelog -S Version)
DEB_ARCH = $(shell dpkg-architecture -qDEB_HOST_ARCH)
DEB_FILE = build/deb/kizuna_$(DEB_VERSION)_$(DEB_ARCH).deb

.PHONY: deb deb-deps deb-check deb-check-deps

deb-deps: deps
	$(call install_missing,$(DEB_DEPS))

deb-check-deps: deb-deps
	$(call install_missing,$(DEB_CHECK_DEPS))

deb: deb-deps
	rm -rf build/deb && mkdir -p build/deb/kizuna-$(DEB_VERSION)
	tree=$$(git -c user.name=kizuna -c user.email=kizuna@localhost stash create) && \
	git archive --format=tar $${tree:-HEAD} | tar -x -C build/deb/kizuna-$(DEB_VERSION)
	cd build/deb/kizuna-$(DEB_VERSION) && dpkg-buildpackage -us -uc -b --jobs-try=auto
	@test -f $(DEB_FILE) && echo "kizuna: built $(DEB_FILE)"

# No error and no warning, pedantic notes included; each override in
# debian/kizuna.lintian-overrides says why.
deb-check: deb deb-check-deps
	lintian --pedantic --fail-on error,warning,pedantic --display-info $(DEB_FILE)
	tests/deb/check.sh $(DEB_FILE)

# --- benchmarks (figures, never a pass/fail) ----------------------------------

$(BUILD)/bench/%.o: tests/bench/%.c | deps
	@mkdir -p $(BUILD)/bench
	$(CC) $(ALL_CFLAGS) -Isrc -c $< -o $@

$(BUILD)/bench/bench_articles: $(BUILD)/bench/bench_articles.o $(BUILD)/pages.o $(BUILD)/source.o $(BUILD)/filelog.o \
    $(MARKDOWN_OBJS) $(BUILD)/gemtext.o $(BUILD)/feed.o $(BUILD)/date.o \
    $(BUILD)/url.o $(BUILD)/log.o $(BUILD)/beneath.o
	$(CC) $(BASE_CFLAGS) $(EXTRA) -o $@ $^ $(PKG_LIBS)

$(BUILD)/bench/loadgen: $(BUILD)/bench/loadgen.o
	$(CC) $(BASE_CFLAGS) $(EXTRA) -o $@ $^ $(PKG_LIBS)

bench: $(BIN) $(BUILD)/bench/bench_articles $(BUILD)/bench/loadgen
	@tests/bench/run.sh $(BIN) $(BUILD)/bench/loadgen
	@echo
	@echo "| scenario | input | time | per item |"
	@echo "|---|---|---|---|"
	@./$(BUILD)/bench/bench_articles 1000 10
	@if [ -n "$(AGATE)" ]; then echo; tests/bench/vs_agate.sh $(BIN) $(BUILD)/bench/loadgen "$(AGATE)"; fi

# --- fuzzing (clang + libFuzzer) ---------------------------------------------

FUZZ_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -g -O1 -Isrc \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

build/fuzz/fuzz_request: tests/fuzz/fuzz_request.c src/request.c src/url.c src/utf8.c
build/fuzz/fuzz_article: tests/fuzz/fuzz_article.c src/article.c src/article_lines.c src/article_style.c src/article_number.c src/article_meta.c src/article_hatena.c src/article_decor.c src/article_title.c src/article_wrap.c src/article_heading.c src/article_shape.c src/article_blocks.c src/gemtext.c src/feed.c src/utf8.c
build/fuzz/fuzz_path: tests/fuzz/fuzz_path.c src/url.c src/utf8.c
build/fuzz/fuzz_config: tests/fuzz/fuzz_config.c $(CONFIG_SRCS)
build/fuzz/fuzz_proxy: tests/fuzz/fuzz_proxy.c src/proxy.c
build/fuzz/fuzz_pem: tests/fuzz/fuzz_pem.c src/pem.c
build/fuzz/fuzz_sni: tests/fuzz/fuzz_sni.c src/sni.c
build/fuzz/fuzz_hello: tests/fuzz/fuzz_hello.c src/hello.c
build/fuzz/fuzz_markdown: tests/fuzz/fuzz_markdown.c $(MARKDOWN_SRCS) src/gemtext.c
build/fuzz/fuzz_listing: tests/fuzz/fuzz_listing.c src/listing.c src/utf8.c
build/fuzz/fuzz_ticket_keys: tests/fuzz/fuzz_ticket_keys.c src/ticket_keys.c
$(FUZZ_TARGETS:%=build/fuzz/fuzz_%): | fuzz-deps
	@mkdir -p build/fuzz
	clang $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(PKG_LIBS)

fuzz: $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus-$$t; \
		echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
		./build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=build/fuzz/ \
		    build/fuzz/corpus-$$t tests/fuzz/corpus/$$t \
		    > build/fuzz/fuzz_$$t.log 2>&1 || { tail -60 build/fuzz/fuzz_$$t.log; exit 1; }; \
		grep -E '^Done|stat::number_of_executed_units' build/fuzz/fuzz_$$t.log | tail -1; \
	done

clean:
	rm -rf build kizuna

-include $(OBJS:.o=.d) $(wildcard $(BUILD)/tests/*.d $(BUILD)/fuzz/*.d)
