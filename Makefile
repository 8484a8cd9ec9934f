# Two commands on a fresh clone: `make html` builds the site, `make test` runs every test.
PY ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
PELICAN := $(PYTHON) -m pelican
INPUTDIR := content
OUTPUTDIR := output
CONFFILE := pelicanconf.py
PUBLISHCONF := publishconf.py
PORT ?= 8000
PELICANOPTS ?=

.PHONY: help html regenerate serve devserver clean publish test lint bench install install-test chromium java email send-email widget

help:
	@echo "make html        install what is needed (.venv, npm packages) and build the site into $(OUTPUTDIR)/"
	@echo "make serve       serve $(OUTPUTDIR)/ at http://localhost:$(PORT)/"
	@echo "make devserver   rebuild on every change and serve at http://localhost:$(PORT)/"
	@echo "make publish     build for the web with $(PUBLISHCONF)"
	@echo "make test        install the test tools (and Debian's chromium) and run the whole suite"
	@echo "make bench       run the benchmarks in bench/"
	@echo "make email       build the published site and each issue as an email in $(OUTPUTDIR)/email/ (ISSUE=<slug>: one)"
	@echo "make send-email  ISSUE=<slug>: dry run of sending it to the subscriber list; CONFIRM=yes sends"
	@echo "make clean       remove $(OUTPUTDIR)/"
	@echo "make widget NAME=x  write a starter widget (widgets/x.py) and its training demo"

# The virtualenv is rebuilt when the pinned requirements change. The plugins are
# installed from this checkout in editable mode, as Pelican namespace plugins.
$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	$(PYTHON) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PYTHON) -m pip install --quiet -r requirements-test.txt
	touch $@

# npm packages (Pyodide runtime, CO2.js), exactly as locked.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed
install-test: install $(VENV)/.installed-test chromium java

html: install
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS)

# Pelican's autoreload, also watching demos/, widgets/ and the demos' data files.
regenerate: install
	$(PYTHON) -m plugin_core.autoreload -r $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS)

serve: install
	$(PELICAN) -l $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -p $(PORT) $(PELICANOPTS)

devserver: install
	$(PYTHON) -m plugin_core.autoreload -lr $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -p $(PORT) $(PELICANOPTS)

publish: install
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF) $(PELICANOPTS)

clean:
	rm -rf $(OUTPUTDIR)

widget: install
	@test -n "$(NAME)" || { echo "usage: make widget NAME=<name>"; exit 2; }
	$(PYTHON) -m pelican.plugins.pyodide_widgets.starter "$(NAME)"

# Browser tests need Debian's chromium; as root we install it, otherwise we say how.
chromium:
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "The browser tests need Debian's chromium at /usr/bin/chromium:"; \
		echo "  sudo apt-get install chromium"; \
		exit 1; \
	fi

# The Nu HTML Checker (npm vnu-jar) runs on Java; as root we install it, otherwise we say how.
java:
	@if command -v java >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's default-jre-headless for the HTML validity test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; \
	else \
		echo "The HTML validity test needs Java (for npm vnu-jar):"; \
		echo "  sudo apt-get install default-jre-headless"; \
		exit 1; \
	fi

lint: $(VENV)/.installed-test
	$(PYTHON) -m ruff check .

test: install-test
	$(PYTHON) -m ruff check .
	$(PYTHON) -m pytest

# Every benchmark; the CodeCarbon cross-check runs in its own .venv-bench (README, "Benchmarks").
bench: install-test
	@for script in bench/[!_]*.py; do \
		if [ "$$script" = bench/energy_crosscheck.py ]; then \
			if [ -x .venv-bench/bin/python ]; then echo "== $$script"; .venv-bench/bin/python $$script || exit 1; \
			else echo "== $$script: skipped (needs .venv-bench; see README, Benchmarks)"; fi; \
			continue; \
		fi; \
		echo "== $$script"; $(PYTHON) $$script || exit 1; \
	done

# Email edition (README, "Email"): build the published site and each issue's .eml under
# $(OUTPUTDIR)/email/ (ISSUE=<slug> writes that one only); send one issue to the list.
ISSUE ?=
CONFIRM ?=
email: install
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF) -e 'EMAIL_ISSUE="$(ISSUE)"' $(PELICANOPTS)

send-email: install
	$(PYTHON) -m pelican.plugins.email_edition send --settings $(PUBLISHCONF) --output $(OUTPUTDIR) \
		--issue "$(ISSUE)" $(if $(filter yes,$(CONFIRM)),--confirm)
