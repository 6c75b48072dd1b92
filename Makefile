# Every target works on a fresh clone: Go fetches modules itself, and the
# Node interop test installs its npm packages from the committed lockfile.
GO       ?= go
NPM      ?= npm
ARGS     ?=
STUB_PKG := ./server/cmd/conversations-stub
BIN      := bin/conversations-stub
NODE_DIR := server/internal/interop/node

.PHONY: all generate check-generate build run test test-go lint tidy-check node-deps debian-tools postgres-server

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

test-go: node-deps debian-tools postgres-server
	NODE_INTEROP=1 $(GO) test -race -count=1 ./...

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

# The PostgreSQL store's tests (server/store/postgres) run on the server
# STUB_TEST_POSTGRES names, or else start a throwaway cluster from the
# PostgreSQL installed under /usr/lib/postgresql: this installs Debian's
# postgresql when neither is there, as root with apt-get. Elsewhere those
# tests skip, saying so.

## postgres-server: install PostgreSQL for the PostgreSQL store's tests, unless STUB_TEST_POSTGRES is set or one is installed
postgres-server:
	@if [ -n "$$STUB_TEST_POSTGRES" ] || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing postgresql from Debian's packages, for the PostgreSQL store's tests"; \
		export DEBIAN_FRONTEND=noninteractive; \
		(apt-get install -y -qq postgresql >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null)) || exit 1; \
	else echo "!!! no PostgreSQL: the PostgreSQL store's tests will skip (set STUB_TEST_POSTGRES, or apt-get install postgresql)"; fi

## node-deps: install the Node interop test's npm packages from its lockfile
node-deps: $(NODE_DIR)/node_modules/.package-lock.json

# npm ci rewrites node_modules/.package-lock.json, so this reinstalls only
# when the committed lockfile is newer than the last install (or none ran).
$(NODE_DIR)/node_modules/.package-lock.json: $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && $(NPM) ci --no-audit --no-fund

# Benchmarks: server/internal/bench/ holds the tools and scripts; both targets print
# a table, listen on 127.0.0.1 only and stop every process they start.
PRISM_DIR := server/internal/bench/prism

.PHONY: bench bench-compare

## bench: build the stub and measure it under load: req/s, p50/p99, memory, start-up, vs a bare echo ceiling
bench:
	GO=$(GO) bash server/internal/bench/run.sh

## bench-compare: the same fetch and list load against Stoplight Prism mocking api/openapi.yaml (npm ci from the lockfile)
bench-compare: $(PRISM_DIR)/node_modules/.package-lock.json
	GO=$(GO) bash server/internal/bench/compare.sh

$(PRISM_DIR)/node_modules/.package-lock.json: $(PRISM_DIR)/package-lock.json
	cd $(PRISM_DIR) && $(NPM) ci --no-audit --no-fund

FUZZTIME ?= 30s
.PHONY: fuzz
## fuzz: run each fuzz target for $(FUZZTIME); failures land in server/testdata/fuzz/ (make test replays the seeds)
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzUpdateBody$$' -fuzztime=$(FUZZTIME) ./server/
	$(GO) test -run='^$$' -fuzz='^FuzzListQuery$$' -fuzztime=$(FUZZTIME) ./server/
	$(GO) test -run='^$$' -fuzz='^FuzzPathParams$$' -fuzztime=$(FUZZTIME) ./server/

.PHONY: help
## help: list the targets
help:
	@grep -h '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /'
