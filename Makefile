# Set-up and everyday commands. `make demo` and `make test` do all set-up on a fresh
# Debian machine with Python 3.11 (system packages, a virtualenv in .venv, Python deps).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := espeak-ng ffmpeg binutils
CDK_CLI_VERSION := 2.1148.0

.PHONY: demo sandbox test unit lint typecheck schema system-deps cdk-cli container-env bench clean

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.local-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[local]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	# The speaker encoder's source package, for its export check; its requirements come from [dev].
	$(BIN)/pip install -q --no-deps resemblyzer==0.1.4
	touch $@ $(VENV)/.local-installed

cdk-cli:
	@command -v npm >/dev/null || { \
		echo "installing Node.js for the CDK CLI: nodejs npm"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm; }
	@[ -x node_modules/.bin/cdk ] && node_modules/.bin/cdk --version | grep -q "^$(CDK_CLI_VERSION)" \
		|| npm install --no-save --no-audit --no-fund --silent aws-cdk@$(CDK_CLI_VERSION)

## container-env: the inference image's CPython 3.12 with exactly its pinned packages (infra/inference_image.py),
## built once into ~/.cache/clearscribe/sandbox: the container parity test and the sandbox serve the model artifact in it
container-env: $(VENV)/.dev-installed
	@$(BIN)/python -m sandbox.inference_container >/dev/null

## demo: a spoken sample video through the whole local pipeline, offline
demo: system-deps $(VENV)/.local-installed
	$(BIN)/python -m demo.make_video .demo/quarterly-review.mp4
	$(BIN)/clearscribe run .demo/quarterly-review.mp4 --model offline-tiny.en --home .demo/home --out .demo/results
	@echo; echo "clean transcript (.demo/results/*/transcript.txt):"; cat .demo/results/*/transcript.txt

## sandbox: the demo recording through the synthesized AWS workflow, on this machine (docs/operations.md)
sandbox: system-deps $(VENV)/.dev-installed cdk-cli container-env
	$(BIN)/python -m demo.make_video .demo/quarterly-review.mp4
	$(BIN)/python -m sandbox .demo/quarterly-review.mp4 --out .demo/sandbox

## test: the whole test suite (unit, integration with moto, infra with CDK, end-to-end speech)
# chromium: the HTML report's browser test drives it with Playwright, which never downloads a browser.
test: APT_PACKAGES += chromium
test: system-deps $(VENV)/.dev-installed cdk-cli container-env
	PATH="$(CURDIR)/node_modules/.bin:$$PATH" JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 \
		$(BIN)/python -m pytest

## unit: the unit tier alone (seconds; no programs, network, models or AWS)
unit: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -m unit -q

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## typecheck: mypy over the shipped packages and the sandbox (settings in pyproject.toml)
typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

## schema: write the enriched transcript's JSON Schema (postprocess/enriched-transcript.v1.json) from its models
schema: $(VENV)/.dev-installed
	$(BIN)/python -m postprocess.schema

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench.bench_pipeline

clean:
	rm -rf .demo cdk.out .pytest_cache .ruff_cache
