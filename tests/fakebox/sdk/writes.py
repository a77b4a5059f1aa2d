"""The official Dropbox Python SDK, unchanged, through fakebox's write routes.

Usage: python writes.py <fakebox base URL> <token with write scope> <token without>
The SDK builds https:// URLs for the hosts named in DROPBOX_API_HOST and
DROPBOX_API_CONTENT_HOST; a transport adapter sends them to fakebox's plain-HTTP loopback
address instead (the SDK's own code, its JSON and its error parsing are untouched).
Prints one JSON object: what each step saw, for tests/fakebox/tests/python_sdk.rs.
"""

import json
import os
import sys

os.environ["DROPBOX_API_HOST"] = "fakebox.api"
os.environ["DROPBOX_API_CONTENT_HOST"] = "fakebox.content"
os.environ["DROPBOX_API_NOTIFY_HOST"] = "fakebox.notify"

import dropbox  # noqa: E402  (reads the hosts above when imported)
import requests  # noqa: E402
from dropbox import files  # noqa: E402
from requests.adapters import HTTPAdapter  # noqa: E402


class ToFakebox(HTTPAdapter):
    """Sends https://fakebox.<host>/… to fakebox's http://127.0.0.1:<port>/…."""

    def __init__(self, base):
        super().__init__()
        self.base = base

    def send(self, request, **kwargs):
        for host in ("api", "content", "notify"):
            request.url = request.url.replace("https://fakebox." + host, self.base, 1)
        return super().send(request, **kwargs)


def client(base, token):
    session = requests.Session()
    session.mount("https://fakebox.", ToFakebox(base))
    return dropbox.Dropbox(token, session=session, max_retries_on_rate_limit=0)


def main():
    base, token, read_only = sys.argv[1], sys.argv[2], sys.argv[3]
    dbx = client(base, token)
    seen = {}

    # too_many_write_operations: the test injects it for the first upload.
    try:
        dbx.files_upload(b"early", "/SDK/early.txt")
        seen["rate_limit"] = "no error"
    except dropbox.exceptions.RateLimitError as e:
        seen["rate_limit"] = {"write_operations": e.error.reason.is_too_many_write_operations(),
                              "backoff": e.backoff}

    # files/upload, and a conflict with autorename off and on.
    first = dbx.files_upload(b"hello, sdk", "/SDK/hello.txt")
    seen["upload"] = {"name": first.name, "rev": first.rev, "size": first.size,
                      "content_hash": first.content_hash}
    try:
        dbx.files_upload(b"something else", "/SDK/hello.txt")
        seen["conflict"] = "no error"
    except dropbox.exceptions.ApiError as e:
        err = e.error
        seen["conflict"] = {
            "is_path": err.is_path(),
            "conflict_file": err.get_path().reason.is_conflict()
            and err.get_path().reason.get_conflict().is_file(),
            "session_id": err.get_path().upload_session_id,
        }
    renamed = dbx.files_upload(b"something else", "/SDK/hello.txt", autorename=True)
    seen["autorename"] = renamed.name
    updated = dbx.files_upload(b"hello again", "/SDK/hello.txt",
                               mode=files.WriteMode.update(first.rev))
    seen["update"] = {"size": updated.size, "new_rev": updated.rev != first.rev}

    # An upload session: start, a wrong offset, append_v2, finish.
    start = dbx.files_upload_session_start(b"0123")
    sid = start.session_id
    try:
        dbx.files_upload_session_append_v2(b"4567", files.UploadSessionCursor(sid, 0))
        seen["incorrect_offset"] = "no error"
    except dropbox.exceptions.ApiError as e:
        seen["incorrect_offset"] = e.error.get_incorrect_offset().correct_offset
    dbx.files_upload_session_append_v2(b"4567", files.UploadSessionCursor(sid, 4))
    done = dbx.files_upload_session_finish(
        b"89", files.UploadSessionCursor(sid, 8), files.CommitInfo("/SDK/digits.txt"))
    seen["session"] = {"name": done.name, "size": done.size}
    try:
        dbx.files_upload_session_finish(
            b"", files.UploadSessionCursor(sid, 10), files.CommitInfo("/SDK/again.txt"))
        seen["finished_session"] = "no error"
    except dropbox.exceptions.ApiError as e:
        seen["finished_session"] = e.error.get_lookup_failed().is_not_found()

    # finish_batch_v2: two closed sessions and one left open.
    entries = []
    for name, close in (("a.txt", True), ("b.txt", True), ("open.txt", False)):
        s = dbx.files_upload_session_start(name.encode(), close=close)
        entries.append(files.UploadSessionFinishArg(
            files.UploadSessionCursor(s.session_id, len(name)),
            files.CommitInfo("/SDK/batch/" + name)))
    batch = dbx.files_upload_session_finish_batch_v2(entries)
    seen["batch"] = [
        e.get_success().name if e.is_success()
        else ("not_closed" if e.get_failure().is_lookup_failed()
              and e.get_failure().get_lookup_failed().is_not_closed() else "other failure")
        for e in batch.entries
    ]

    # create_folder_v2: a folder, then the same name again.
    made = dbx.files_create_folder_v2("/SDK/Empty")
    seen["folder"] = made.metadata.path_display
    try:
        dbx.files_create_folder_v2("/SDK/empty")
        seen["folder_conflict"] = "no error"
    except dropbox.exceptions.ApiError as e:
        seen["folder_conflict"] = e.error.get_path().get_conflict().is_folder()

    # move_v2, copy_v2, delete_v2 and a relocation error.
    moved = dbx.files_move_v2("/SDK/Empty", "/SDK/Moved")
    seen["moved"] = moved.metadata.path_display
    copied = dbx.files_copy_v2("/SDK/digits.txt", "/SDK/Moved/digits copy.txt")
    seen["copied"] = copied.metadata.name
    deleted = dbx.files_delete_v2("/SDK/Moved")
    seen["deleted"] = isinstance(deleted.metadata, files.FolderMetadata)
    try:
        dbx.files_move_v2("/SDK/nothing.txt", "/SDK/else.txt")
        seen["from_lookup"] = "no error"
    except dropbox.exceptions.ApiError as e:
        seen["from_lookup"] = e.error.get_from_lookup().is_not_found()

    # delete_batch polled with its check, list_revisions, restore.
    import time
    job = dbx.files_delete_batch([files.DeleteArg("/SDK/hello (1).txt"),
                                  files.DeleteArg("/SDK/hello.txt"),
                                  files.DeleteArg("/SDK/nothing.txt")])
    checks = []
    while True:
        status = dbx.files_delete_batch_check(job.get_async_job_id())
        checks.append("in_progress" if status.is_in_progress() else
                      "complete" if status.is_complete() else "failed")
        if not status.is_in_progress() or len(checks) > 5:
            break
        time.sleep(0.05)
    seen["delete_batch"] = {
        "checks": checks,
        "entries": ["success" if e.is_success()
                    else ("not_found" if e.get_failure().get_path_lookup().is_not_found()
                          else "other failure")
                    for e in status.get_complete().entries],
    }
    moving = dbx.files_move_batch_v2([files.RelocationPath("/SDK/digits.txt", "/SDK/Moved digits.txt"),
                                      files.RelocationPath("/SDK/nothing.txt", "/SDK/else.txt")])
    while True:
        moved_status = dbx.files_move_batch_check_v2(moving.get_async_job_id())
        if not moved_status.is_in_progress():
            break
        time.sleep(0.05)
    seen["move_batch"] = [
        e.get_success().path_display if e.is_success()
        else ("from_lookup" if e.get_failure().get_relocation_error().is_from_lookup()
              else "other failure")
        for e in moved_status.get_complete().entries
    ]
    revisions = dbx.files_list_revisions("/SDK/hello.txt")
    seen["revisions"] = {"is_deleted": revisions.is_deleted,
                         "revs": [r.rev for r in revisions.entries] == [updated.rev, first.rev]}
    restored = dbx.files_restore("/SDK/hello.txt", first.rev)
    _, response = dbx.files_download("/SDK/hello.txt")
    seen["restore"] = {"size": restored.size, "bytes": response.content.decode()}
    try:
        dbx.files_restore("/SDK/hello.txt", "0123456789abc")
        seen["invalid_revision"] = "no error"
    except dropbox.exceptions.ApiError as e:
        seen["invalid_revision"] = e.error.is_invalid_revision()

    # A token without files.content.write.
    try:
        client(base, read_only).files_upload(b"x", "/SDK/nope.txt")
        seen["missing_scope"] = "no error"
    except dropbox.exceptions.AuthError as e:
        seen["missing_scope"] = e.error.get_missing_scope().required_scope

    # The listing sees every write.
    listing = dbx.files_list_folder("/SDK", recursive=True)
    seen["listed"] = sorted(e.path_display for e in listing.entries
                            if isinstance(e, files.FileMetadata))

    print(json.dumps(seen))


main()
