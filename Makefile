# 智慧信访 assistant — the two commands are `make run` and `make test`.
# Both create what they need (virtual environments, web assets, gazetteer,
# trained model) idempotently: a step is redone only when its inputs change.

SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
RASA_VENV := .venv/rasa
SVC_VENV := .venv/svc
RASA := $(RASA_VENV)/bin/rasa
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
PIP_QUIET := --quiet --disable-pip-version-check --no-warn-script-location

GAZETTEER := var/gazetteer/zhengzhou.json
MODEL := var/models/xinfang.tar.gz
TEST_MODEL := var/models-test/xinfang-test.tar.gz
TEST_EPOCHS ?= 40
NLU_SOURCES := config.yml domain.yml $(wildcard nlu_data/*.yml) \
	$(wildcard bot/*.py bot/components/*.py bot/category/*.py bot/category/data/*)
# nlu_data/ is hand-written; var/nlu_generated/ comes from the gazetteer and the
# template generator. tests/nlu_heldout/ is the held-out set: never trained on.
TRAIN_DATA := nlu_data var/nlu_generated
GENERATED_NLU := var/nlu_generated/generated_nlu.yml

.PHONY: setup run test test-e2e lint train gazetteer browser clean import-cases supervise-overdue \
	bench-casestore bench-nlu bench-latency test-stories bench-takeover

setup: $(RASA_VENV)/.installed $(SVC_VENV)/.installed web/node_modules/.installed console/node_modules/.installed $(GAZETTEER)

$(RASA_VENV)/.installed: requirements/rasa.lock
	$(PY) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install $(PIP_QUIET) --no-deps --ignore-requires-python -r requirements/rasa.lock 2> >(grep -v "^WARNING: Location" >&2)
	touch $@

$(SVC_VENV)/.installed: requirements/services.lock
	$(PY) -m venv $(SVC_VENV)
	$(SVC_VENV)/bin/pip install $(PIP_QUIET) -r requirements/services.lock 2> >(grep -v "^WARNING: Location" >&2)
	touch $@

web/node_modules/.installed: web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	touch $@

# Chart.js for the staff console (served by the case store at /console/vendor/)
console/node_modules/.installed: console/package.json console/package-lock.json
	npm ci --prefix console --no-audit --no-fund --loglevel=error
	touch $@

# playwright-core for the browser tests (drives Debian's chromium; downloads no browser)
tests/web/node_modules/.installed: tests/web/package.json tests/web/package-lock.json
	npm ci --prefix tests/web --no-audit --no-fund --loglevel=error
	touch $@

# The place gazetteer from the national division codes (jionlp) + supplement,
# and what the NLU makes of it: lookup tables, synonyms, jieba dictionary.
$(GAZETTEER): $(SVC_VENV)/.installed $(wildcard gazetteer/*.py gazetteer/supplements/* zhtext/*.py)
	$(SVC_VENV)/bin/python -m gazetteer.build --out $@
	$(SVC_VENV)/bin/python -m gazetteer.export_nlu --gazetteer $@ --out-dir var/nlu_generated --jieba-dir var/jieba_dict
gazetteer: $(GAZETTEER)

# Template-generated training examples (real places from the gazetteer).
$(GENERATED_NLU): $(RASA_VENV)/.installed $(GAZETTEER) $(wildcard nlu_data/generate/*.py) \
		bot/category/data/seed.yml $(wildcard tests/nlu_heldout/*.yml)
	$(RASA_VENV)/bin/python -m nlu_data.generate.generate --gazetteer $(GAZETTEER) --out $@

$(MODEL): $(RASA_VENV)/.installed $(GAZETTEER) $(GENERATED_NLU) $(NLU_SOURCES)
	$(RASA) train --config config.yml --domain domain.yml --data $(TRAIN_DATA) \
		--out var/models --fixed-model-name xinfang
	touch $@
train: $(MODEL)

var/config.test.yml: config.yml scripts/test_config.py $(RASA_VENV)/.installed
	@mkdir -p var
	$(RASA_VENV)/bin/python scripts/test_config.py config.yml $@ $(TEST_EPOCHS)

$(TEST_MODEL): $(RASA_VENV)/.installed $(GAZETTEER) $(GENERATED_NLU) $(NLU_SOURCES) var/config.test.yml
	$(RASA) train --config var/config.test.yml --domain domain.yml --data $(TRAIN_DATA) \
		--out var/models-test --fixed-model-name xinfang-test
	touch $@

ENDPOINTS ?= endpoints.yml
run: setup $(MODEL)
	$(SVC_VENV)/bin/python -m launcher --model $(MODEL) --endpoints $(ENDPOINTS)

# Debian's Chromium for the browser tests (no browser download at run time).
# A CJK font too, or Chinese renders as empty boxes in screenshots.
browser:
	@{ command -v chromium >/dev/null && dpkg -s fonts-wqy-microhei >/dev/null 2>&1; } || \
		{ apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

test: setup $(TEST_MODEL) browser tests/web/node_modules/.installed
	$(RASA_VENV)/bin/python -m pytest -q tests/bot tests/actions tests/zhtext
	$(MAKE) --no-print-directory test-stories
	XF_TEST_MODEL=$(TEST_MODEL) $(SVC_VENV)/bin/python -m pytest -q \
		tests/zhtext tests/gazetteer tests/casestore tests/voice_gateway tests/hostile tests/integration

test-e2e: setup $(TEST_MODEL) browser tests/web/node_modules/.installed
	XF_TEST_MODEL=$(TEST_MODEL) $(SVC_VENV)/bin/python -m pytest -q -m browser tests/integration

lint: $(SVC_VENV)/.installed
	$(SVC_VENV)/bin/ruff check .
	$(SVC_VENV)/bin/ruff format --check .
	$(SVC_VENV)/bin/mypy

# Historical cases from JSONL/CSV, e.g. make import-cases FILE=../shared/data/messages_with_replies.jsonl
import-cases: $(SVC_VENV)/.installed $(GAZETTEER)
	@test -n "$(FILE)" || { echo "usage: make import-cases FILE=cases.jsonl"; exit 2; }
	$(SVC_VENV)/bin/python -m casestore.cli import-cases "$(FILE)"

# 热点问题: the top hot issues as JSON lines on DATABASE_URL (mines first when needed),
# e.g. make import-cases FILE=../shared/data/messages_hot_issues.jsonl && make hot-issues LIMIT=10
.PHONY: hot-issues bench-hot-issues
LIMIT ?= 10
hot-issues: $(SVC_VENV)/.installed $(GAZETTEER)
	$(SVC_VENV)/bin/python -m casestore.cli hot-issues --limit "$(LIMIT)"

# mining time for the shared real messages, incremental time per new case, top 10
bench-hot-issues: $(SVC_VENV)/.installed $(GAZETTEER)
	$(SVC_VENV)/bin/python bench/hot_issues_bench.py

# 督办: flag overdue cases to the next level up (also runs inside the case store)
supervise-overdue: $(SVC_VENV)/.installed $(GAZETTEER)
	$(SVC_VENV)/bin/python -m casestore.cli supervise-overdue

bench-casestore: $(SVC_VENV)/.installed $(GAZETTEER)
	$(SVC_VENV)/bin/python bench/casestore_bench.py

# Hostile input: schemathesis on the case store (SQLite + PostgreSQL), forged webhooks;
# last line: requests tried, 5xx seen, data lost (targets 0)
.PHONY: bench-hostile
bench-hostile: $(SVC_VENV)/.installed
	$(SVC_VENV)/bin/python bench/hostile_input.py

# NLU: category macro-F1 vs baseline, held-out intents/entities, parse latency
bench-nlu: $(MODEL)
	$(RASA_VENV)/bin/python bench/nlu_eval.py --model $(MODEL)

# Dialogue tests: the policies' predictions for every flow (tests/stories),
# after `rasa data validate` on the training data and the test stories.
test-stories: $(TEST_MODEL)
	$(RASA) data validate --fail-on-warnings --domain domain.yml \
		--data $(TRAIN_DATA) tests/stories
	$(RASA) test core --stories tests/stories --model $(TEST_MODEL) \
		--fail-on-prediction-errors --out var/results/stories

# one bot turn, 20 conversations (starts its own stack with the test model)
bench-latency: setup $(TEST_MODEL)
	$(SVC_VENV)/bin/python bench/turn_latency.py --model $(TEST_MODEL)

# Live takeover: staff message → citizen chat and back, in real browsers (ROUNDS=30)
ROUNDS ?= 30
bench-takeover: setup $(TEST_MODEL) browser tests/web/node_modules/.installed
	$(SVC_VENV)/bin/python bench/takeover_latency.py --model $(TEST_MODEL) --rounds $(ROUNDS)

# Production shape on one machine (README "Production shape"): nginx in front of
# PROD_RASA Rasa servers and PROD_ACTIONS action servers, PostgreSQL tracker and
# case store, Redis lock store and socket.io rooms, RabbitMQ event broker.
.PHONY: nginx run-prod test-prod bench-load bench-faults
PROD_RASA ?= 2
PROD_ACTIONS ?= 2
PROD_MODEL ?= $(MODEL)
# Debian's nginx (the load balancer); RUNLEVEL=1: do not start the system service
nginx:
	@{ test -x /usr/sbin/nginx || command -v nginx >/dev/null; } || \
		{ apt-get update -qq && RUNLEVEL=1 apt-get install -y -qq nginx >/dev/null; }

run-prod: setup $(PROD_MODEL) nginx
	$(SVC_VENV)/bin/python -m launcher --prod --model $(PROD_MODEL) \
		--rasa-instances $(PROD_RASA) --action-instances $(PROD_ACTIONS)

# Two Rasa servers sharing conversations and socket.io rooms (~3 min; not in `make test`)
test-prod: setup $(TEST_MODEL) nginx
	XF_PROD_TESTS=1 XF_TEST_MODEL=$(TEST_MODEL) $(SVC_VENV)/bin/python -m pytest -q \
		tests/integration/test_two_instances.py

# N citizens at once against whatever is running (make run / run-prod); last line JSON.
# CLOSED_LOOP=1: no pauses (peak throughput); DURATION=120: keep going for 120 s.
USERS ?= 10
DURATION ?= 0
bench-load: $(SVC_VENV)/.installed
	$(SVC_VENV)/bin/python bench/load.py --users $(USERS) --duration $(DURATION) \
		$(if $(CLOSED_LOOP),--closed-loop)

# Fault drills: own 2 Rasa + 2 action servers on free ports, a load run, SIGKILL/restart of a
# Rasa server, the action servers, the case store, Redis (a private one); last line JSON.
# DRILL=rasa|actions|actions-all|casestore|redis|all (comma-separated list works)
DRILL ?= all
FAULT_USERS = $(if $(filter command line environment,$(origin USERS)),$(USERS),30)
bench-faults: setup $(TEST_MODEL) nginx
	$(SVC_VENV)/bin/python bench/fault_drills.py --drill $(DRILL) --users $(FAULT_USERS) \
		--model $(TEST_MODEL)

clean:
	rm -rf var .venv web/node_modules tests/web/node_modules
