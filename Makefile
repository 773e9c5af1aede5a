# Hearth's build and test entry points. `make run` and `make test` install
# what is missing (scripts/setup.sh), then build only what changed, so a
# second run is quick. Run `make help` for the list.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO ?= go
# Every Go build and test links SQLite with FTS5; release builds add the
# Wails tags (desktop,production from `wails build`, webkit2_41 from wails.json).
GOTAGS := sqlite_fts5
DEV_TAGS := dev,webkit2_41,$(GOTAGS)
BINDING_TAGS := webkit2_41,$(GOTAGS)
export CGO_ENABLED := 1

# Where `go install` puts the pinned Wails CLI (scripts/setup.sh installs it).
GO_INSTALL_DIR := $(or $(shell $(GO) env GOBIN 2>/dev/null),$(shell $(GO) env GOPATH 2>/dev/null)/bin)
WAILS := $(GO_INSTALL_DIR)/wails
FUZZTIME ?= 3m
# The race detector needs cgo and one of these platforms.
RACE := $(if $(filter linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64,$(shell $(GO) env GOOS 2>/dev/null)/$(shell $(GO) env GOARCH 2>/dev/null)),-race)

# Where `wails build` puts the release binary on this OS.
UNAME := $(shell uname -s)
ifeq ($(UNAME),Darwin)
APP := build/bin/Hearth.app/Contents/MacOS/hearth
else ifneq ($(filter MINGW% MSYS% CYGWIN%,$(UNAME)),)
APP := build/bin/hearth.exe
else
APP := build/bin/hearth
endif
DEV_APP := build/bin/hearth-dev
BINDINGS := frontend/wailsjs/go/app/App.js
DIST := frontend/dist/index.html
FRONTEND_NPM := frontend/node_modules/.hearth-npm-ci
E2E_NPM := e2e/node_modules/.hearth-npm-ci

GO_SRC := $(shell find . \( -path ./frontend -o -path ./e2e -o -path ./.git -o -path ./build -o -path ./test-output \) -prune \
	-o -name '*.go' ! -name '*_test.go' -print) go.mod go.sum
FRONTEND_SRC := $(shell find frontend/src frontend/public -type f) frontend/index.html \
	frontend/vite.config.ts frontend/tsconfig.json frontend/tsconfig.node.json

.PHONY: help setup setup-run run build dev test go-test go-vet fuzz-smoke fuzz vitest e2e smoke package package-test clean bench

help:
	@echo "make run         install what is missing, build, and open Hearth"
	@echo "make test        install what is missing, then every test (what CI runs)"
	@echo "make build       release binary through wails build: $(APP)"
	@echo "make dev         wails dev: live-reloading window"
	@echo "make go-test     go vet and go test (-race for app, storage, cli, server); one suite: make go-test-engine"
	@echo "make fuzz-smoke  each Go fuzz target for $(FUZZ_SMOKE) inputs;  make fuzz: each for FUZZTIME=$(FUZZTIME)"
	@echo "make vitest      frontend unit tests"
	@echo "make e2e         browser end-to-end tests (Chromium + the real Go backend)"
	@echo "make smoke       desktop smoke test of the release binary under Xvfb"
	@echo "make package     Linux packages: build/package/hearth_VERSION_ARCH.deb and a .tar.gz"
	@echo "make package-test  build the .deb, unpack it, validate it, run the installed app under Xvfb"
	@echo "make clean       remove build outputs and test output"

setup:
	@scripts/setup.sh test

setup-run:
	@scripts/setup.sh run

run: setup-run
	@$(MAKE) --no-print-directory $(APP)
	./$(APP)

build: setup-run
	@$(MAKE) --no-print-directory $(APP)

dev: setup-run $(FRONTEND_NPM)
	$(WAILS) dev -m -nocolour

# --keep-going: one failing suite still lets the others run and report.
test: setup
	@$(MAKE) --no-print-directory --keep-going go-test fuzz-smoke vitest e2e smoke package-test
	@echo "make test: all passed"

# --- npm packages: npm ci whenever the lock file changes -------------------

$(FRONTEND_NPM): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

$(E2E_NPM): e2e/package.json e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund
	touch $@

# --- build ------------------------------------------------------------------

# The TypeScript bindings follow the Go methods bound in app/. The generator
# builds and runs the app with the `bindings` tag, so it needs no display.
$(BINDINGS): $(GO_SRC) wails.json
	$(WAILS) generate module -tags $(BINDING_TAGS)
	touch $@

$(DIST): $(FRONTEND_NPM) $(FRONTEND_SRC) $(BINDINGS)
	cd frontend && npm run build

# -m: never `go mod tidy` behind the developers' backs; -s/-skipbindings:
# the two rules above already made the frontend and the bindings.
$(APP): $(DIST) $(GO_SRC) wails.json
	$(WAILS) build -m -s -skipbindings -nocolour

$(DEV_APP): $(DIST) $(GO_SRC)
	$(GO) build -tags $(DEV_TAGS) -o $@ .

# --- tests ------------------------------------------------------------------

go-vet:
	$(GO) vet -tags $(GOTAGS) ./...
	# the GPU backends' Go side as macOS and Windows see it (cgo files excluded)
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) vet ./engine/backend/...
	GOOS=windows CGO_ENABLED=0 $(GO) vet ./engine/backend/...

# One target per suite, run with --keep-going: a failure in one package
# still lets every other suite run and report, and go-test still fails.
# engine/ runs without -race: its numeric kernels are too slow under it.
GO_TEST_SUITES := go-test-app go-test-storage go-test-cli go-test-server go-test-engine
.PHONY: $(GO_TEST_SUITES)
go-test:
	@$(MAKE) --no-print-directory --keep-going go-vet $(GO_TEST_SUITES)

go-test-app:
	$(GO) test -tags $(GOTAGS) $(RACE) ./app/...

go-test-storage:
	$(GO) test -tags $(GOTAGS) $(RACE) ./storage/...

go-test-cli:
	$(GO) test -tags $(GOTAGS) $(RACE) ./cli/...

go-test-server:
	$(GO) test -tags $(GOTAGS) $(RACE) ./server/...

go-test-engine:
	$(GO) test -tags $(GOTAGS) ./engine/...

# A count, not a duration: Go 1.26's fuzz coordinator can fail a target
# with "context deadline exceeded" when a -fuzztime duration ends while a
# starved worker is mid-input (go.dev/issue/75804, fixed in Go 1.27), and a
# count does the same work on any machine.
FUZZ_SMOKE ?= 2000x
fuzz-smoke:
	scripts/fuzz.sh $(FUZZ_SMOKE) -tags $(GOTAGS)

fuzz:
	scripts/fuzz.sh $(FUZZTIME) -tags $(GOTAGS)

vitest: $(FRONTEND_NPM)
	cd frontend && npx vitest run

e2e: $(DEV_APP) $(DIST) $(E2E_NPM)
	mkdir -p test-output/e2e
	scripts/with-display.sh npm --prefix e2e test

smoke: $(APP)
	scripts/smoke.sh $(APP)

# Linux packages (issue #16). macOS (.app in a .dmg) and Windows (NSIS) are
# built on those systems with `wails build -platform darwin/universal` and
# `wails build -nsis` from the files in build/; see the README.
package: setup-run
	@$(MAKE) --no-print-directory $(APP)
	scripts/package.sh $(APP) build/package

package-test: $(APP)
	scripts/package-test.sh $(APP)

clean:
	rm -rf build/bin build/package test-output
	find frontend/dist -mindepth 1 ! -name .gitkeep -delete

# --- benchmarks ---------------------------------------------------------------

# The five synthetic models (written once into the user cache, or
# HEARTH_BENCH_DIR) at 2 threads, beside llama.cpp's figures; the Markdown
# table goes to stdout and test-output/bench.md. BENCH_FLAGS adds flags.
BENCH_FLAGS ?= -t 2 -r 3
bench:
	$(GO) build -tags $(GOTAGS) -o build/bin/hearth-bench .
	./build/bin/hearth-bench bench --standard --markdown test-output/bench.md $(BENCH_FLAGS)
