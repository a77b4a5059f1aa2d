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

## Löschen und Rückgängig: die Einblendung.
deleting-one = „{ $name }“ wird gelöscht…
deleting-many = { $count } Einträge werden gelöscht…
deleting-progress = { $done } von { $total } gelöscht…
deleted-one = „{ $name }“ gelöscht
deleted-many = { $count ->
        [one] { $count } Eintrag gelöscht
       *[other] { $count } Einträge gelöscht
    }
restoring = Wird wiederhergestellt…
restoring-one = „{ $name }“ wird wiederhergestellt…
restoring-progress = { $done } von { $total } wiederhergestellt…
restored-one = „{ $name }“ wiederhergestellt.
restored-many = { $count ->
        [one] { $count } Eintrag wiederhergestellt
       *[other] { $count } Einträge wiederhergestellt
    }
not-done = „{ $name }“: { $problem }
not-done-more = „{ $name }“ (und { $more } weitere): { $problem }

## Gelöschte Dateien.
deleted-in-folder = Gelöschte Dateien in „{ $name }“
deleted-in-root = Gelöschte Dateien im App-Ordner
deleted-looking = Gelöschte Dateien werden gesucht…
deleted-count = { $count ->
        [one] { $count } gelöschter Eintrag, der neueste zuerst.
       *[other] { $count } gelöschte Einträge, die neuesten zuerst.
    }
deleted-none = Hier wurde nichts gelöscht, oder Dropbox bewahrt es nicht mehr auf.
deleted-folder-held = Ordner · { $count ->
        [one] { $count } Eintrag darin
       *[other] { $count } Einträge darin
    }
deleted-when = { $what } · gelöscht { $when }
restore = Wiederherstellen
restore-named = „{ $name }“ wiederherstellen

## Versionen.
versions-of = Versionen von „{ $name }“
versions-loading = Versionen werden geladen…
versions-only-one = Dropbox bewahrt keine frühere Version dieser Datei auf.
versions-count = { $count } Versionen, die neueste zuerst.
version-current = aktuell
version-by-you = von dir
version-by-another = von einer anderen Person, die den Ordner teilt
version-preview = Vorschau
version-save = Kopie speichern…
version-action = { $action }: die Version vom { $when }
version-start = Der Anfang der Version vom { $when }
version-restored = Die Version vom { $when } wurde wiederhergestellt. Die ersetzte Version ist hier ebenfalls noch vorhanden.
no-preview = Keine Vorschau für diese Art von Datei.

## Verschieben und Kopieren.
app-folder = App-Ordner
place-folder = „{ $name }“
place-root = den App-Ordner
in-folder = in „{ $name }“
in-root = im App-Ordner
moving-one = „{ $name }“ wird verschoben…
moving-many = { $count } Einträge werden verschoben…
copying-one = „{ $name }“ wird kopiert…
copying-many = { $count } Einträge werden kopiert…
moving-progress = { $done } von { $total } verschoben…
copying-progress = { $done } von { $total } kopiert…
moved-one = „{ $name }“ in { $where } verschoben
moved-many = { $count ->
        [one] { $count } Eintrag
       *[other] { $count } Einträge
    } in { $where } verschoben
copied-one = „{ $name }“ in { $where } kopiert
copied-many = { $count ->
        [one] { $count } Eintrag
       *[other] { $count } Einträge
    } in { $where } kopiert
clip-cut-one = „{ $name }“ ausgeschnitten: einen Ordner öffnen und einfügen (Strg+V)
clip-cut-many = { $count } Einträge ausgeschnitten: einen Ordner öffnen und einfügen (Strg+V)
clip-copied-one = „{ $name }“ kopiert: einen Ordner öffnen und einfügen (Strg+V)
clip-copied-many = { $count } Einträge kopiert: einen Ordner öffnen und einfügen (Strg+V)
picker-copy-title = Kopieren nach…
picker-copy-go = Hierher kopieren
picker-loading = Ordner werden geladen…
picker-already-one = „{ $name }“ liegt schon { $where }.
picker-already-many = { $count } Einträge liegen schon { $where }.
picker-move-one = „{ $name }“ in { $where } verschieben.
picker-move-many = { $count } Einträge in { $where } verschieben.
picker-copy-one = „{ $name }“ in { $where } kopieren.
picker-copy-many = { $count } Einträge in { $where } kopieren.
picker-open-below = Oder unten einen Ordner öffnen (Eingabe).
drag-one = „{ $name }“
drag-many = { $count } Einträge
drag-move-one = „{ $name }“ in „{ $target }“ verschieben
drag-move-many = { $count } Einträge in „{ $target }“ verschieben
drag-copy-one = „{ $name }“ in „{ $target }“ kopieren
drag-copy-many = { $count } Einträge in „{ $target }“ kopieren

## Die Schaltfläche der Problemanzeige.
action-retry = Erneut versuchen
action-reconnect = Neu verbinden
action-dismiss = Schließen
action-allow-writing = Hochladen erlauben…
action-ok = OK

## Anmelden: was die Warteansicht sagt.
waiting-lead-code = In deinem Browser hat sich eine Dropbox-Seite geöffnet. Stimme Dropdesk dort zu und füge dann den Code ein, den Dropbox anzeigt.
waiting-no-browser = Dropdesk konnte deinen Browser nicht starten. Öffne die Seite selbst oder kopiere ihren Link und stimme Dropdesk dort zu.
waiting-no-browser-code = Dropdesk konnte deinen Browser nicht starten. Öffne die Seite unten auf einem beliebigen Gerät, stimme Dropdesk zu und füge dann den Code ein, den Dropbox anzeigt.

## Die Vorschau, und ein langer Ordner.
preview-start-only = Die ersten 64 KB der Datei.
preview-many = { $count } Einträge ausgewählt.
preview-folder = Ein Ordner: öffne ihn, um zu sehen, was darin ist.
preview-thumbnail = Vorschaubild von { $name }
program-title = „{ $name }“ öffnen?
ipc-failed = Etwas ist schiefgegangen
loading-more = Es wird mehr geladen… bisher { $count }

## Die Kontokarte und die Anmeldung.
switch-to = Zu { $name } { $email } wechseln
switching-account = Konto wird gewechselt…
link-copied = Link kopiert. Füge ihn in deinen Browser ein.
access-write = Dropdesk darf Dateien in diesen Ordner legen.
access-read = Dropdesk liest diesen Ordner nur, bis dein erstes Hochladen Dropbox fragt.
write-declined = Nichts wurde hochgeladen: Dropbox erlaubt Dropdesk weiterhin nur, diesen Ordner zu lesen. Beim Hochladen wird erneut gefragt.

## Namen, die es schon gibt.
conflict-upload = Ersetze sie bei Dropbox durch deine (nur wenn sie seitdem niemand geändert hat), behalte beide (deine bekommt eine Nummer) oder überspringe sie.
conflict-download = Ersetze sie durch die Kopien von Dropbox, behalte beide (die neue Kopie bekommt eine Nummer) oder überspringe sie.
act-zip = Als .zip herunterladen…

## Die Übertragungen.
transfer-cancel = Abbrechen
transfer-cancel-named = { $name } abbrechen
transfer-show = In Dropdesk zeigen
transfer-show-named = { $name } in Dropdesk zeigen
transfer-open = Öffnen
transfer-open-named = { $name } öffnen
transfer-folder = Im Ordner zeigen
transfer-folder-named = { $name } in seinem Ordner zeigen
transfer-allow-named = Hochladen erlauben, dann { $name } erneut versuchen
transfer-resume = Fortsetzen
transfer-resume-named = { $name } fortsetzen
transfer-retry-named = { $name } erneut versuchen
transfer-of = { $done } von { $total }
transfer-speed = { $size }/s
transfer-left = noch { $duration }
transfer-waiting = { $of } · wartet { $duration }, dann neuer Versuch
transfer-conflicted = Bei Dropbox inzwischen geändert: die dortige Fassung bleibt, deine liegt daneben als „{ $name }“
transfer-done = Fertig
transfer-done-size = Fertig · { $size }
transfer-cancelled = Abgebrochen
transfer-failed = Fehlgeschlagen
duration-seconds = { $seconds } s
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min

## Umbenennen an Ort und Stelle.
rename-label = Neuer Name für { $name }

## Namen, die es schon gibt, und wo ein Treffer liegt.
conflict-title-one = „{ $name }“ ist schon dort
conflict-title-many = { $count ->
        [one] { $count } Eintrag ist schon dort
       *[other] { $count } Einträge sind schon dort
    }
found-in = in { $folder }

## Wie viel der Dropbox belegt ist.
usage-of = { $used } von { $allocated } belegt
usage = { $used } belegt
upload-refused = { $name }: { $message }{ $more ->
        [0] {""}
        [one] {" "}(und { $more } weitere nicht hochgeladen)
       *[other] {" "}(und { $more } weitere nicht hochgeladen)
    }
