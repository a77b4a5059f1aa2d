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
