#!/usr/bin/env bash
# Install cpsim where no C compiler works, and check that it runs the numpy path to the stored hashes.
#
# A fresh venv; the committed tree (git archive: no compiled module left from an in-place build,
# which an editable install of this checkout would load); CC and CXX set to /bin/false, so the
# optional extension's build fails as it does without a compiler; then the one stderr line at
# import, and every scenario's hashes against tests/data/run_hashes.json. Needs PyPI (the build
# and runtime dependencies are downloaded). Usage, from the repository:
#
#     benchmarks/install_without_compiler.sh [python3.13] [work dir, default /tmp/cpsim-nocc]
#
# (CPSIM_REV=<commit> installs another commit; default HEAD.)
set -euo pipefail
PYTHON=${1:-python3}
WORK=${2:-/tmp/cpsim-nocc}
REPO=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$WORK" && mkdir -p "$WORK/src"
git -C "$REPO" archive "${CPSIM_REV:-HEAD}" | tar -x -C "$WORK/src"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --upgrade pip
echo "== pip install -e (CC=/bin/false CXX=/bin/false)"
CC=/bin/false CXX=/bin/false "$WORK/venv/bin/python" -m pip install -v -e "$WORK/src" >"$WORK/install.log" 2>&1 \
  || { tail -30 "$WORK/install.log"; echo "install FAILED"; exit 1; }
grep -E "building extension .* failed|Successfully installed" "$WORK/install.log" | cut -c1-160
ls "$WORK/src/cpsim/kernels/"compiled.*.so 2>/dev/null && { echo "a compiled module was built: the check is void"; exit 1; }
echo "== import cpsim (stderr)"
cd "$WORK" && "$WORK/venv/bin/python" -c "import cpsim.kernels.path as p; print('numpy path:', not p.COMPILED)"
echo "== every scenario's hashes against the stored ones"
NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" "$WORK/venv/bin/python" "$WORK/src/benchmarks/run_hashes.py" \
  --compare "$WORK/src/tests/data/run_hashes.json" 2>"$WORK/hashes.err"
sort -u "$WORK/hashes.err"  # (each worker process prints the line once)
