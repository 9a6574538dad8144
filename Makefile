# egov-search: `make run` serves the search site, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= .egov-index
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
BROWSER_PACKAGES := chromium fonts-noto-cjk
NPM_TOOLS := tools/npm
# the local OpenSearch cluster (opensearch/): two nodes on loopback, from Maven Central
OPENSEARCH_DIR ?= .opensearch
CLUSTER := $(PYTHON) opensearch/cluster.py --dir $(OPENSEARCH_DIR)
CLUSTER_CLASSES := opensearch/target/classpath.txt
MAVEN := mvn -B -q -f opensearch/pom.xml compile jar:jar dependency:build-classpath
# Compiled modules are kept between runs: without them every test run, and every process a test
# starts, compiles the sources (and pytest rewrites the tests' asserts) again.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast build lint bench clean opensearch opensearch-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# The browser tests need Debian's Chromium: installed here where we may, else the exact command.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing $(BROWSER_PACKAGES) for the browser tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(BROWSER_PACKAGES) >/dev/null; \
	else \
		echo "the browser tests need Chromium at $(CHROMIUM); install it with:"; \
		echo "    sudo apt-get install -y --no-install-recommends $(BROWSER_PACKAGES)"; \
		exit 1; \
	fi

# axe-core and Lighthouse for the page audits in tests/web, pinned by the lockfile.
$(NPM_TOOLS)/node_modules/.installed: $(NPM_TOOLS)/package.json $(NPM_TOOLS)/package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; } || \
		{ echo "the page audits need Node.js 20 and npm: sudo apt-get install -y nodejs npm"; exit 1; }
	npm ci --prefix $(NPM_TOOLS) --no-audit --no-fund --loglevel=error
	touch $@

# Built once; after that Maven is not run until the launcher changes, and then offline first.
$(CLUSTER_CLASSES): opensearch/pom.xml $(wildcard opensearch/src/main/java/egov/opensearch/*.java) \
		opensearch/src/main/resources/log4j2.properties
	@command -v mvn >/dev/null && command -v java >/dev/null || \
		{ echo "the OpenSearch cluster needs Java 17 and Maven: sudo apt-get install -y openjdk-17-jdk-headless maven"; exit 1; }
	$(MAVEN) -o 2>/dev/null || $(MAVEN)
	touch $@

opensearch: $(CLUSTER_CLASSES)
	@$(CLUSTER) start

opensearch-stop:
	$(CLUSTER) stop

run: $(VENV)/.installed
	test -e $(INDEX)/current || $(BIN)/egov-search build --index $(INDEX)
	$(BIN)/egov-search serve --index $(INDEX) --host $(HOST) --port $(PORT)

build: $(VENV)/.installed
	$(BIN)/egov-search build --index $(INDEX)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check indexer webui tests bench opensearch

# The suite runs against a fresh two-node cluster, stopped after it whatever the outcome.
test: lint $(CHROMIUM) $(NPM_TOOLS)/node_modules/.installed $(CLUSTER_CLASSES)
	$(CLUSTER) run -- $(BIN)/python -m pytest

# The quick loop while working: no browser, no cluster, no benchmark smoke, nothing of over 2 s
# alone; one pytest-xdist worker a core, each test file kept whole on one worker for its fixtures.
test-fast: $(VENV)/.installed-test
	$(BIN)/ruff check indexer webui tests bench opensearch
	$(BIN)/python -m pytest -q -m "not browser and not slow and not opensearch" -n auto --dist loadfile

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache .ruff_cache $(NPM_TOOLS)/node_modules $(OPENSEARCH_DIR) opensearch/target
