# Set-up and go. `make demo` and `make test` work on a fresh machine (Python 3.11, Debian).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the tests use: Chromium (the coverage report's screenshot test), LibreOffice
# Writer (reading .doc/.wps attachments), a CJK font (Chinese labels in charts and screenshots).
SYSTEM_PACKAGES := chromium libreoffice-writer-nogui fonts-wqy-microhei

.PHONY: install system demo test bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt

# Installs what is missing when we may (root, apt); otherwise says what the tests will skip.
system:
	@if command -v chromium >/dev/null && command -v soffice >/dev/null && fc-list 2>/dev/null | grep -qi wenquanyi; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	else echo "note: install $(SYSTEM_PACKAGES) (Debian) for the DOC and browser tests; they are skipped without them"; fi

demo: install
	$(BIN)/python -m crawler demo

# the layer contracts (.importlinter), ruff, then the suite
test: install system
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# every figure of issues 8 and 16, the 50,000-report memory run included (~40 minutes on 2 cores)
bench: install
	$(BIN)/python bench/run.py --with-50k

clean:
	rm -rf $(VENV) data .pytest_cache
