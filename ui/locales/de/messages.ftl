# Das Fenster von Dropdesk auf Deutsch: was seine Skripte sagen (t() in ui/js/l10n.js).

## Die Statusanzeige in der Kopfzeile.
status-checking = Wird geprüft…
status-not-connected = Nicht verbunden
status-attention = Braucht Aufmerksamkeit
status-waiting = Warte auf deinen Browser
status-saving = Anmeldung wird gespeichert…
status-connected = Verbunden
status-offline = Offline

## Start und Ordner.
loading-connection = Verbindung wird geprüft…
opening-file = „{ $name }“ wird geöffnet…

## Die Zeile unter der Liste, und die Auswahl.
folder-summary = { $folders ->
        [one] { $folders } Ordner
       *[other] { $folders } Ordner
    } · { $files ->
        [one] { $files } Datei
       *[other] { $files } Dateien
    } · { $size }
selected-count = { $count } ausgewählt

## Überall suchen.
search-running = Suche läuft…
search-none = Keine Namen passen zu „{ $query }“.
search-first = Die ersten { $count } Treffer.
search-found = { $count ->
        [one] { $count } Treffer.
       *[other] { $count } Treffer.
    }

## Eine Zeile der Dateiliste, wie ein Bildschirmleser sie vorliest.
row-file = { $name }, { $kind }, { $size }, geändert { $modified }
row-folder = { $name }, Ordner
kind-folder = Ordner
kind-image = Bild
kind-document = Dokument
kind-archive = Archiv
kind-audio = Audio
kind-video = Video
kind-code = Quelltext
kind-other = Datei
