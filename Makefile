# Every target works on a fresh clone: Go fetches modules itself, and the
# Node interop test installs its npm packages from the committed lockfile.
GO       ?= go
NPM      ?= npm
ARGS     ?=
STUB_PKG := ./server/cmd/conversations-stub
BIN      := bin/conversations-stub
NODE_DIR := server/internal/interop/node

.PHONY: all generate check-generate build run test test-go lint tidy-check node-deps debian-tools image-builder postgres-server chromium screenshots

all: build

# GENERATED: every folder `make generate` writes: gen/ from the specs in
# api/, and the JSON encoder generator's own test package.
GENERATED := gen server/internal/jsongen/internal/kinds

## generate: regenerate gen/ from the specs in api/ (and jsongen's test encoders)
generate:
	$(GO) generate $(addprefix ./,$(addsuffix /...,$(GENERATED)))

## check-generate: regenerate, then fail if a generated file (or go.mod/go.sum) changed
# Only generated files are compared, so uncommitted hand-written work does
# not trip the check; new untracked files in those folders do.
check-generate: generate
	@if ! git rev-parse --git-dir >/dev/null 2>&1; then \
		echo "check-generate: not a git checkout, skipped"; exit 0; fi
	@dirty=$$(git status --porcelain -- $(GENERATED) go.mod go.sum); \
	if [ -n "$$dirty" ]; then \
		echo "generated code is stale: run 'make generate' and commit the result:"; \
		echo "$$dirty"; git --no-pager diff --stat -- $(GENERATED); exit 1; fi

## build: build the stub binary into bin/
build:
	$(GO) build -o $(BIN) $(STUB_PKG)

## run: serve the stub on the built-in demo world (pass flags with ARGS=...)
run:
	$(GO) run $(STUB_PKG) $(ARGS)

## lint: go vet, staticcheck (pinned in tools.go; generated code aside), and gofmt must have nothing to say
lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck $$($(GO) list ./... | grep -v '/gen/')
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './server/internal/interop/node/node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## tidy-check: go.mod and go.sum must be tidy
tidy-check:
	$(GO) mod tidy -diff

## test: lint, drift and tidy checks, then every test with the race detector
test: lint check-generate tidy-check test-go

# IMAGE_TEST=required: where an image builder works (image-builder installs
# one if it can), the image test must run, not skip. BROWSER_TEST=required:
# the dashboard's browser test must run too (chromium installs a browser or
# fails).
test-go: node-deps debian-tools image-builder postgres-server chromium
	NODE_INTEROP=1 IMAGE_TEST=$$(sh $(BUILDER_SH) >/dev/null 2>&1 && echo required || echo skip) \
		BROWSER_TEST=required $(GO) test -race -count=1 ./...

# DEBIAN_TOOLS are commands the tests run: the documentation's shell blocks
# use curl and jq. Missing ones are installed from Debian's packages when
# this runs as root with apt-get; otherwise the target fails, saying so.
DEBIAN_TOOLS := curl jq

## debian-tools: install the commands the tests need ($(DEBIAN_TOOLS)) when missing
debian-tools:
	@missing=""; for t in $(DEBIAN_TOOLS); do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing$$missing from Debian's packages"; \
		(apt-get install -y -qq $$missing >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null && apt-get install -y -qq $$missing >/dev/null)) || exit 1; \
	else echo "the tests need$$missing: install them (apt-get install$$missing)"; exit 1; fi

## image-builder: make sure the image test has a builder: installs buildah from Debian's packages if none works (root with apt-get)
image-builder:
	@if sh $(BUILDER_SH) >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing buildah from Debian's packages, for the image test"; \
		(apt-get install -y -qq buildah >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null && apt-get install -y -qq buildah >/dev/null)) || \
		{ echo "could not install buildah: the image test will be skipped"; exit 0; }; \
	else echo "no container image builder (docker with an engine, podman or buildah) and no way to install buildah here (root and apt-get): the image test will be skipped"; fi

# The PostgreSQL store's tests (server/store/postgres) run on the server
# STUB_TEST_POSTGRES names, or else start a throwaway cluster from the
# PostgreSQL installed under /usr/lib/postgresql: this installs Debian's
# postgresql when neither is there, as root with apt-get. Elsewhere those
# tests skip, saying so; under CI they fail instead. CI counts as set when
# it is one of the spellings Go's strconv.ParseBool reads as true (1, t, T,
# true, TRUE, True), the test the tests themselves make (pgtest's underCI).

## postgres-server: install PostgreSQL for the PostgreSQL store's tests, unless STUB_TEST_POSTGRES is set or one is installed
postgres-server:
	@if [ -n "$$STUB_TEST_POSTGRES" ] || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing postgresql from Debian's packages, for the PostgreSQL store's tests"; \
		export DEBIAN_FRONTEND=noninteractive; \
		(apt-get install -y -qq postgresql >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null)) || exit 1; \
	elif case "$$CI" in 1|t|T|true|TRUE|True) true ;; *) false ;; esac; then echo "!!! no PostgreSQL, and CI=$$CI: the PostgreSQL tests would fail (set STUB_TEST_POSTGRES, or run as root with apt-get)"; exit 1; \
	else echo "!!! no PostgreSQL: the PostgreSQL store's tests will skip (set STUB_TEST_POSTGRES, or apt-get install postgresql)"; fi

# The dashboard's browser test (server/internal/dashboard) drives a headless
# Chromium: CHROMIUM names one, or else the first of CHROMIUM_NAMES on PATH
# (the names the test looks for). This installs Debian's chromium when there
# is none, as root with apt-get; elsewhere it fails, saying so, since make
# test runs that test rather than skip it.
CHROMIUM_NAMES := chromium chromium-browser chromium-headless-shell headless_shell google-chrome

## chromium: install Debian's chromium for the dashboard's browser test, unless CHROMIUM is set or a Chromium is on PATH
chromium:
	@if [ -n "$$CHROMIUM" ]; then exit 0; fi; \
	for b in $(CHROMIUM_NAMES); do command -v $$b >/dev/null && exit 0; done; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium from Debian's packages, for the dashboard's browser test"; \
		export DEBIAN_FRONTEND=noninteractive; \
		(apt-get install -y -qq chromium >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null)) || exit 1; \
	else echo "the dashboard's browser test needs Chromium: apt-get install chromium, or set CHROMIUM to a Chrome or Chromium binary"; exit 1; fi

## screenshots: run the dashboard's browser test, saving its screenshots as docs/images/dashboard-*.png
screenshots: chromium
	@mkdir -p docs/images
	DASHBOARD_SCREENSHOTS=$(CURDIR)/docs/images BROWSER_TEST=required \
		$(GO) test -count=1 -run '^TestDashboardInABrowser$$' ./server/internal/dashboard/
	@ls -l docs/images/dashboard-*.png

## node-deps: install the Node interop test's npm packages from its lockfile
node-deps: $(NODE_DIR)/node_modules/.package-lock.json

# npm ci rewrites node_modules/.package-lock.json, so this reinstalls only
# when the committed lockfile is newer than the last install (or none ran).
$(NODE_DIR)/node_modules/.package-lock.json: $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && $(NPM) ci --no-audit --no-fund

# Releases: binaries and the container image, stamped with VERSION and
# COMMIT (conversations-stub --version prints them). Both are static
# (CGO_ENABLED=0) and built with -trimpath, so they hold no local paths.
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
RELEASE_BUILD = CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)'
DIST_DIR ?= bin/dist
DIST_TARGETS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
SHA256SUM ?= $(shell command -v sha256sum >/dev/null 2>&1 && echo sha256sum || echo 'shasum -a 256')

.PHONY: dist image

## dist: cross-compile release binaries for $(DIST_TARGETS) into $(DIST_DIR), with SHA256SUMS
dist:
	@rm -rf $(DIST_DIR) && mkdir -p $(DIST_DIR)
	@for target in $(DIST_TARGETS); do \
		os=$${target%/*}; arch=$${target#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
		out=conversations-stub_$(VERSION)_$${os}_$${arch}$$ext; \
		echo "$(DIST_DIR)/$$out"; \
		GOOS=$$os GOARCH=$$arch $(RELEASE_BUILD) -o $(DIST_DIR)/$$out $(STUB_PKG) || exit 1; \
	done
	cd $(DIST_DIR) && $(SHA256SUM) conversations-stub_* > SHA256SUMS

# The image: IMAGE_ARCH's static binary in bin/image/, then the Containerfile
# with that folder as the context. IMAGE_BUILDER picks docker, podman or
# buildah (default: the first that works); BUILDAH_FLAGS are buildah's global
# flags (vfs storage works anywhere, without fuse or overlay support).
IMAGE         ?= conversations-stub:$(VERSION)
IMAGE_ARCH    ?= $(shell $(GO) env GOARCH)
IMAGE_SOURCE  ?= https://github.com/twilio-stubs/userconversations
# No license is declared for the project yet: SPDX's word for that.
IMAGE_LICENSES ?= NOASSERTION
BUILDAH_FLAGS ?= --storage-driver vfs
CONTAINERFILE := server/cmd/conversations-stub/Containerfile
BUILDER_SH    := server/internal/release/builder.sh
IMAGE_ARGS = --platform linux/$(IMAGE_ARCH) --build-arg VERSION=$(VERSION) --build-arg REVISION=$(COMMIT) \
	--build-arg SOURCE=$(IMAGE_SOURCE) --build-arg LICENSES=$(IMAGE_LICENSES) -t $(IMAGE) -f $(CONTAINERFILE) bin/image

## image: build the container image $(IMAGE) (FROM scratch, non-root, port 8080) with docker, podman or buildah
image:
	@builder=$$(sh $(BUILDER_SH)) || exit 1; \
	rm -rf bin/image && mkdir -p bin/image && \
	GOOS=linux GOARCH=$(IMAGE_ARCH) $(RELEASE_BUILD) -o bin/image/conversations-stub $(STUB_PKG) && \
	echo "building $(IMAGE) with $$builder" && \
	case $$builder in \
	docker) docker build $(IMAGE_ARGS) ;; \
	podman) podman build --format docker $(IMAGE_ARGS) ;; \
	buildah) buildah $(BUILDAH_FLAGS) bud --isolation chroot --format docker $(IMAGE_ARGS) ;; \
	*) echo "IMAGE_BUILDER=$$builder: want docker, podman or buildah"; exit 1 ;; \
	esac

# Benchmarks: server/internal/bench/ holds the tools and scripts; both targets print
# a table, listen on 127.0.0.1 only and stop every process they start.
PRISM_DIR := server/internal/bench/prism

.PHONY: bench bench-compare

# Only the stores' run (BENCH_STORES=1 or only) needs PostgreSQL, so the
# server is installed for it alone and a plain make bench installs nothing.
## bench: the stub vs a bare echo ceiling in interleaved rounds (CPU per request, req/s, medians and spread), allocations, memory, start-up up to 1,000,000 user conversations; BENCH_STORES=1 adds each store (memory, SQLite, PostgreSQL) at 1,000,000
bench: $(if $(filter-out 0,$(BENCH_STORES)),postgres-server)
	GO=$(GO) bash server/internal/bench/run.sh

## bench-compare: the same fetch and list load against Stoplight Prism mocking api/openapi.yaml (npm ci from the lockfile)
bench-compare: $(PRISM_DIR)/node_modules/.package-lock.json
	GO=$(GO) bash server/internal/bench/compare.sh

$(PRISM_DIR)/node_modules/.package-lock.json: $(PRISM_DIR)/package-lock.json
	cd $(PRISM_DIR) && $(NPM) ci --no-audit --no-fund

FUZZTIME ?= 30s
# The model-based test's long run: sequences of steps, from a new seed each
# time (printed; MODEL_SEED=N reruns one). make test runs 12 x 25 from seed 1.
MODEL_SEQUENCES ?= 300
MODEL_STEPS ?= 60
.PHONY: fuzz
## fuzz: run each fuzz target for $(FUZZTIME), and the model-based test long; fuzz failures land in server/testdata/fuzz/ (make test replays the seeds)
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzUpdateBody$$' -fuzztime=$(FUZZTIME) ./server/
	$(GO) test -run='^$$' -fuzz='^FuzzListQuery$$' -fuzztime=$(FUZZTIME) ./server/
	$(GO) test -run='^$$' -fuzz='^FuzzPathParams$$' -fuzztime=$(FUZZTIME) ./server/
	$(GO) test -run='^$$' -fuzz='^FuzzCompiledChecks$$' -fuzztime=$(FUZZTIME) ./server/internal/validation/
	$(GO) test -run='^$$' -fuzz='^FuzzAppendString$$' -fuzztime=$(FUZZTIME) ./server/internal/jsongen/
	MODEL_SEQUENCES=$(MODEL_SEQUENCES) MODEL_STEPS=$(MODEL_STEPS) MODEL_SEED=$$(date +%s) $(GO) test -count=1 -run='^TestModel$$' -v ./server/ | tail -n 3

.PHONY: help
## help: list the targets
help:
	@grep -h '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /'

# Start-up: process start to first answer, CPU, peak and resident memory,
# live heap, in interleaved runs (server/internal/bench/startup). Compare
# another build with STARTUP_ARGS='-bin before=/tmp/old-stub -bin after=bin/conversations-stub'.
STARTUP_ARGS ?=
.PHONY: bench-startup
## bench-startup: start-up time, CPU and memory on the demo world, 100,000 and 1,000,000 user conversations (STARTUP_ARGS=...)
bench-startup:
	$(GO) run ./server/internal/bench/startup -go $(GO) $(STARTUP_ARGS)
