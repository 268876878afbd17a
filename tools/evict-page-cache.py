#!/usr/bin/env python3
"""Drops the files of a folder (not recursive) from the page cache, so the next run reads them
from disk: for timing a cold start without root's `echo 1 > /proc/sys/vm/drop_caches`.

    python3 tools/evict-page-cache.py ~/.cache/neardup-bench/corpus-100k/docs

Uses posix_fadvise(POSIX_FADV_DONTNEED), which drops clean cached pages of the files'
contents only: the folder's listing and the files' metadata stay cached, so a run after it
is cold for the contents, not for the directory walk.
"""

import os
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: evict-page-cache.py DIR")
    folder = sys.argv[1]
    count = 0
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
        count += 1
    print(f"{count} files of {folder} dropped from the page cache")


if __name__ == "__main__":
    main()
