"""Page through a folder with the official Dropbox Python SDK, for benchmarks.

The SDK reads its hosts from DROPBOX_API_HOST and friends (always https) and trusts
REQUESTS_CA_BUNDLE; the caller points both at a TLS front for fakebox. Prints one JSON
line: {"path": ..., "entries": n, "ms": [per run]}.
"""

import json
import os
import sys
import time

import dropbox


def main():
    token, path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    dbx = dropbox.Dropbox(oauth2_access_token=token, timeout=120)
    times = []
    count = 0
    for _ in range(runs):
        start = time.perf_counter()
        result = dbx.files_list_folder(path, limit=2000)
        count = len(result.entries)
        while result.has_more:
            result = dbx.files_list_folder_continue(result.cursor)
            count += len(result.entries)
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"path": path, "entries": count, "ms": times}))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
