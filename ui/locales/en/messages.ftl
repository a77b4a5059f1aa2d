# Dropdesk's window in English: what its scripts say (t() in ui/js/l10n.js).

## The status pill in the header.
status-checking = Checking…
status-not-connected = Not connected
status-attention = Needs attention
status-waiting = Waiting for your browser
status-saving = Saving your sign-in…
status-connected = Connected
status-offline = Offline

## Start-up and folders.
loading-connection = Checking your connection…
opening-file = Opening “{ $name }”…

## The line under the list, and the selection.
folder-summary = { $folders ->
        [one] { $folders } folder
       *[other] { $folders } folders
    } · { $files ->
        [one] { $files } file
       *[other] { $files } files
    } · { $size }
selected-count = { $count } selected

## Search everywhere.
search-running = Searching…
search-none = No names match “{ $query }”.
search-first = The first { $count } matches.
search-found = { $count ->
        [one] { $count } match.
       *[other] { $count } matches.
    }

## A row of the file list, as a screen reader says it.
row-file = { $name }, { $kind }, { $size }, modified { $modified }
row-folder = { $name }, folder
kind-folder = Folder
kind-image = Image
kind-document = Document
kind-archive = Archive
kind-audio = Audio
kind-video = Video
kind-code = Code
kind-other = File

## Delete and Undo: the toast.
deleting-one = Deleting “{ $name }”…
deleting-many = Deleting { $count } items…
deleting-progress = Deleting { $done } of { $total }…
deleted-one = Deleted “{ $name }”
deleted-many = Deleted { $count ->
        [one] { $count } item
       *[other] { $count } items
    }
restoring = Restoring…
restoring-one = Restoring “{ $name }”…
restoring-progress = Restoring { $done } of { $total }…
restored-one = Restored “{ $name }”.
restored-many = Restored { $count ->
        [one] { $count } item
       *[other] { $count } items
    }
not-done = “{ $name }”: { $problem }
not-done-more = “{ $name }” (and { $more } more): { $problem }

## Deleted files.
deleted-in-folder = Deleted files in “{ $name }”
deleted-in-root = Deleted files in the app folder
deleted-looking = Looking for deleted files…
deleted-count = { $count ->
        [one] { $count } deleted item, newest first.
       *[other] { $count } deleted items, newest first.
    }
deleted-none = Nothing was deleted here, or Dropbox no longer keeps it.
deleted-folder-held = Folder · { $count ->
        [one] { $count } item in it
       *[other] { $count } items in it
    }
deleted-when = { $what } · deleted { $when }
restore = Restore
restore-named = Restore “{ $name }”

## Versions.
versions-of = Versions of “{ $name }”
versions-loading = Loading versions…
versions-only-one = Dropbox keeps no earlier version of this file.
versions-count = { $count } versions, newest first.
version-current = current
version-by-you = by you
version-by-another = by another person sharing the folder
version-preview = Preview
version-save = Save a copy…
version-action = { $action }: the version of { $when }
version-start = The start of the version of { $when }
version-restored = Restored the version of { $when }. The version it replaced is kept here too.
no-preview = No preview for this kind of file.

## Moving and copying.
app-folder = App folder
place-folder = “{ $name }”
place-root = the app folder
in-folder = in “{ $name }”
in-root = in the app folder
moving-one = Moving “{ $name }”…
moving-many = Moving { $count } items…
copying-one = Copying “{ $name }”…
copying-many = Copying { $count } items…
moving-progress = Moving { $done } of { $total }…
copying-progress = Copying { $done } of { $total }…
moved-one = Moved “{ $name }” to { $where }
moved-many = Moved { $count ->
        [one] { $count } item
       *[other] { $count } items
    } to { $where }
copied-one = Copied “{ $name }” to { $where }
copied-many = Copied { $count ->
        [one] { $count } item
       *[other] { $count } items
    } to { $where }
clip-cut-one = Cut “{ $name }”: open a folder and paste (Ctrl+V)
clip-cut-many = Cut { $count } items: open a folder and paste (Ctrl+V)
clip-copied-one = Copied “{ $name }”: open a folder and paste (Ctrl+V)
clip-copied-many = Copied { $count } items: open a folder and paste (Ctrl+V)
picker-copy-title = Copy to…
picker-copy-go = Copy here
picker-loading = Loading folders…
picker-already-one = “{ $name }” is already { $where }.
picker-already-many = { $count } items are already { $where }.
picker-move-one = Move “{ $name }” into { $where }.
picker-move-many = Move { $count } items into { $where }.
picker-copy-one = Copy “{ $name }” into { $where }.
picker-copy-many = Copy { $count } items into { $where }.
picker-open-below = Or open a folder below (Enter).
drag-one = “{ $name }”
drag-many = { $count } items
drag-move-one = Move “{ $name }” to “{ $target }”
drag-move-many = Move { $count } items to “{ $target }”
drag-copy-one = Copy “{ $name }” to “{ $target }”
drag-copy-many = Copy { $count } items to “{ $target }”

## The problem banner's button.
action-retry = Retry
action-reconnect = Reconnect
action-dismiss = Dismiss
action-allow-writing = Allow uploads…
action-ok = OK

## Signing in: what the waiting view says.
waiting-lead-code = A Dropbox page opened in your browser. Approve Dropdesk there, then paste the code Dropbox shows.
waiting-no-browser = Dropdesk could not start your browser. Open the page yourself or copy its link, then approve Dropdesk there.
waiting-no-browser-code = Dropdesk could not start your browser. Open the page below on any device, approve Dropdesk, then paste the code Dropbox shows.

## The preview, and a long folder.
preview-start-only = The first 64 KB of the file.
preview-many = { $count } items selected.
preview-folder = A folder: open it to see what is inside.
preview-thumbnail = Thumbnail of { $name }
program-title = Open “{ $name }”?
ipc-failed = Something went wrong
loading-more = Loading more… { $count } so far

## The account card and signing in.
switch-to = Switch to { $name } { $email }
switching-account = Switching account…
link-copied = Link copied. Paste it into your browser.
access-write = Dropdesk may add files to this folder.
access-read = Dropdesk only reads this folder until your first upload asks Dropbox.
write-declined = Nothing was uploaded: Dropbox still lets Dropdesk only read this folder. Upload asks again.

## Names already there.
conflict-upload = Replace them at Dropbox with yours (only if nobody changed them since), keep both (yours gets a number), or skip them.
conflict-download = Replace them with the copies from Dropbox, keep both (the new copy gets a number), or skip them.
act-zip = Download as .zip…

## The transfers panel.
transfer-cancel = Cancel
transfer-cancel-named = Cancel { $name }
transfer-show = Show in Dropdesk
transfer-show-named = Show { $name } in Dropdesk
transfer-open = Open
transfer-open-named = Open { $name }
transfer-folder = Show in folder
transfer-folder-named = Show { $name } in its folder
transfer-allow-named = Allow uploads, then retry { $name }
transfer-resume = Resume
transfer-resume-named = Resume { $name }
transfer-retry-named = Retry { $name }
transfer-of = { $done } of { $total }
transfer-speed = { $size }/s
transfer-left = { $duration } left
transfer-waiting = { $of } · waiting { $duration } before trying again
transfer-conflicted = Changed at Dropbox meanwhile: theirs is kept, yours is beside it as “{ $name }”
transfer-done = Done
transfer-done-size = Done · { $size }
transfer-cancelled = Cancelled
transfer-failed = Failed
duration-seconds = { $seconds } s
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min

## Renaming in place.
rename-label = New name for { $name }

## Names already there, and where a match is.
conflict-title-one = “{ $name }” is already there
conflict-title-many = { $count ->
        [one] { $count } item is already there
       *[other] { $count } items are already there
    }
found-in = in { $folder }

## How much of the Dropbox is used.
usage-of = { $used } of { $allocated } used
usage = { $used } used
upload-refused = { $name }: { $message }{ $more ->
        [0] {""}
        [one] {" "}(and { $more } more not uploaded)
       *[other] {" "}(and { $more } more not uploaded)
    }
