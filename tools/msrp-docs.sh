#!/bin/sh
# Writes the MSRP sentence pairs as documents for `neardup eval --pairwise`: each sentence
# as OUT/docs/ID.txt (one sentence, one line) and the pairs as OUT/pairs.tsv (source =
# id1, suspect = id2, label = equivalent | not_equivalent).
#
#   tools/msrp-docs.sh ../shared/data/msrp/pairs.tsv /tmp/msrp
#   neardup eval /tmp/msrp/docs /tmp/msrp/pairs.tsv --pairwise --positive equivalent
#
# The corpus may not be redistributed: write OUT outside the repository.
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 MSRP_PAIRS_TSV OUT_DIR" >&2
    exit 2
fi
pairs=$1
out=$2
if [ ! -f "$pairs" ]; then
    echo "$0: $pairs: no such file" >&2
    exit 2
fi
mkdir -p "$out/docs"
awk -F '\t' -v out="$out" '
    NR == 1 {
        if ($1 != "label" || $2 != "id1" || $3 != "id2" || $4 != "sentence1" || $5 != "sentence2") {
            print "unexpected header: " $0 > "/dev/stderr"; exit 2
        }
        print "source\tsuspect\tlabel" > (out "/pairs.tsv")
        next
    }
    NF < 5 { print "line " NR ": fewer than 5 columns" > "/dev/stderr"; exit 2 }
    {
        print $4 > (out "/docs/" $2 ".txt"); close(out "/docs/" $2 ".txt")
        print $5 > (out "/docs/" $3 ".txt"); close(out "/docs/" $3 ".txt")
        print $2 "\t" $3 "\t" $1 > (out "/pairs.tsv")
        n++
    }
    END { if (n) print n " pairs written to " out > "/dev/stderr" }
' "$pairs"
