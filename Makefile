# gplay — see README.md. Longer logic lives in scripts under testdata/.
GO      ?= go
N       ?= 3
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BUILD   := CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)'

.PHONY: all gplay test test-unit deps testbed-up testbed-down bench dist fmt lint fuzz demo clean

all: gplay

gplay:
	$(BUILD) -o gplay .

# The main job on a fresh machine: a dry run of the example playbook on localhost.
demo: gplay
	./gplay -i localhost, -c local playbooks/demo.yml --check --diff

# Everything: prerequisites, formatting, vet, unit, integration (real sshd on
# loopback) and end-to-end tests on real Debian hosts (testdata/testbed).
test: deps lint
	$(GO) test -race -count=1 -timeout 30m ./...

# Fast tests that need neither root nor test hosts.
test-unit:
	$(GO) test -short -count=1 ./...

deps:
	@testdata/deps.sh

testbed-up:
	testdata/testbed/testbed.sh up $(N)
	@testdata/testbed/testbed.sh inv $(N)

testbed-down:
	testdata/testbed/testbed.sh down

# bench.yml on 3 test hosts: gplay vs ansible-playbook vs the floor (one round
# trip per task item on a kept SSH channel); prints times and ratios.
bench: deps
	$(GO) run ./internal/benchrun -hosts $(N)

dist:
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/gplay-linux-amd64 .
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/gplay-linux-arm64 .

fmt:
	gofmt -w $$(git ls-files '*.go')

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

fuzz:
	testdata/fuzz.sh $(or $(FUZZTIME),60s)

clean:
	rm -rf gplay dist
