# Boligskolen: `make run` sets everything up and serves the site; `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app housingschool
HOST   ?= 127.0.0.1
PORT   ?= 5000
TRANSLATIONS := housingschool/translations

.PHONY: run serve-prod install translations db demo test lint extract-messages update-messages clean lighthouse

$(BIN)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	@touch $@

install: $(BIN)/.installed

translations: install
	$(BIN)/pybabel compile --use-fuzzy -d $(TRANSLATIONS) -D messages --statistics 2>&1 | tail -n 7

db: install
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load

run: translations demo
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production: gunicorn with 4 workers (gunicorn.conf.py), production settings, JSON request logs.
# Needs SECRET_KEY; set DATABASE_URL and RATELIMIT_STORAGE_URI=redis://... as docs/DEPLOY.md says.
serve-prod: translations db
	HOUSINGSCHOOL_CONFIG=production $(BIN)/gunicorn -c gunicorn.conf.py 'housingschool:create_app()'

lint: install
	$(BIN)/ruff check .

test: translations lint
	$(FLASK) courses check
	@if [ -n "$$DATABASE_URL" ]; then echo "Database for this run: $$DATABASE_URL"; \
	else echo "Database for this run: SQLite (PostgreSQL is tested when DATABASE_URL is set, as .ci/run does)"; fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Translators: after changing UI strings, run `make update-messages`, translate the .po files,
# and `make translations` compiles them.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot --no-location --sort-output -w 100 .

update-messages: extract-messages
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -D messages --no-fuzzy-matching --ignore-obsolete -w 100

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts

# Lighthouse (mobile) on home, a lesson and the sign-in page of the demo site, served on a free
# port from a throwaway database; prints the scores. Not part of `make test` (about 2 minutes).
LIGHTHOUSE := tools/lighthouse/node_modules/.bin/lighthouse

$(LIGHTHOUSE): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	cd tools/lighthouse && npm ci --no-audit --no-fund
	@touch $@

lighthouse: translations $(LIGHTHOUSE)
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python tools/lighthouse/run.py $(LIGHTHOUSE_ARGS)
