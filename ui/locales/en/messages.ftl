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
