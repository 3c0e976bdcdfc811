# ruleport: the two commands a newcomer needs are `make demo` and `make test`.
GO      ?= go
NPM     ?= npm
BIN     := bin/ruleport
NODEDIR := tools/node
SEED    := fixtures/seed/SuspiciousAWSEC2ComputeResourceDeployments.yaml

.PHONY: all build demo test deps vet fmt-check bench fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/ruleport

# Node packages the tests use as second opinions (Kusto.Language, a Trino
# grammar), installed from package-lock.json into tools/node only.
deps: $(NODEDIR)/node_modules/.installed
$(NODEDIR)/node_modules/.installed: $(NODEDIR)/package.json $(NODEDIR)/package-lock.json
	cd $(NODEDIR) && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

# demo converts the built-in seed rule into out/ and runs every engine on the
# built-in fixture cases.
demo: build
	rm -rf out
	./$(BIN) convert --out out $(SEED)
	@find out -type f | sort
	./$(BIN) test

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test: deps fmt-check vet
	$(GO) test -count=1 -timeout 40m ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin out $(NODEDIR)/node_modules
