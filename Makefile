# cpsim: two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# Needs a Python >= 3.12 (python3.13, python3.12 or pyenv's 3.12/3.13) and, for the
# browser tests, Debian's chromium (installed here with apt-get when missing and root).
# Installing compiles the day kernels (cpsim/kernels/compiled.pyx) with a C compiler (gcc, installed
# here with apt-get when missing and root) and Python's headers; without them cpsim installs and
# runs the same equations in numpy, slower (README, cpsim/kernels/path.py).

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
OUT ?= out

PYTHON_FOR_VENV := $(shell \
  for c in python3.13 python3.12; do \
    if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; then echo $$c; exit; fi; \
  done; \
  for v in 3.13 3.12; do \
    for d in $$HOME/.pyenv/versions/$$v*/bin; do \
      if [ -x $$d/python3 ]; then echo $$d/python3; exit; fi; \
    done; \
  done)

.PHONY: demo test test-fast lint bench venv install install-dev chromium compiler clean

$(VENV)/.made:
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then echo "cpsim needs Python >= 3.12 (python3.12/python3.13 or pyenv)"; exit 2; fi
	$(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	touch $@

# A changed kernel source reinstalls, which recompiles it.
$(VENV)/.installed: $(VENV)/.made pyproject.toml setup.py $(wildcard cpsim/kernels/*.pyx cpsim/kernels/*.pxi cpsim/kernels/*.pxd) | compiler
	$(PY) -m pip install -q -e '.[dask,app,calibrate]'
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[dask,app,calibrate,dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

compiler:
	@if ! command -v cc >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc >/dev/null; \
	  else echo "no C compiler: cpsim will run its day kernels as numpy (slower); install gcc for the compiled ones"; fi; \
	fi

# Browser tests drive Debian's chromium; never a downloaded browser.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will skip"; \
	  else echo "no chromium and no root: browser tests will skip"; fi; \
	fi

# Baseline, a 20% budget cut, the liaison program, and both: 10 replicates of a year with
# common random numbers (40 runs of 10,000 residents; docs/compare.md states the time it
# took, on which machine and when). Writes the CSV tables, PNG figures, provenance.json and
# report.html to $(OUT)/demo (docs/compare.md).
demo: install
	$(VENV)/bin/cpsim compare scenarios/baseline.toml scenarios/budget_cut.toml scenarios/liaison.toml \
	  scenarios/budget_cut_liaison.toml --replicates 10 --days 365 --out $(OUT)/demo

# numpy computes exp, log and powers with AVX-512 (SVML) code on machines that have it, to within
# 4 ulp of its AVX2 code: the stored-run hashes and the classroom's stored runs are exact, so
# the tests run numpy's AVX2 code everywhere (the same bits on any x86-64 machine of the last
# decade). Runs outside the tests use whatever the machine has.
PORTABLE_NUMPY := X86_V4 AVX512_ICL AVX512_SPR

test: install-dev chromium
	NPY_DISABLE_CPU_FEATURES="$(PORTABLE_NUMPY)" $(PY) -m pytest -q

# The inner loop: the suite without the tests marked slow (kills and resumes, a real browser,
# the validation suite, property tests over many documents). CI and `make test` run them all.
test-fast: install-dev
	NPY_DISABLE_CPU_FEATURES="$(PORTABLE_NUMPY)" $(PY) -m pytest -q -m "not slow"

lint: install-dev
	$(VENV)/bin/ruff check cpsim tests benchmarks
	$(VENV)/bin/ruff format --check cpsim tests benchmarks

bench: install
	$(PY) benchmarks/bench_scale.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache build cpsim/kernels/*.c cpsim/kernels/*.so
