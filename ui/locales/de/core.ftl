# Dropdesk auf Deutsch: was sein Kern sagt (src-tauri/src/messages.rs), vor allem seine
# Probleme. Die Nachricht eines Problems sagt, was zu tun ist; .title ist die Überschrift.

## Zahlen in Sätzen: das Dezimalzeichen einer Größe („1,5 GB“).
decimal-point = ,

## Neue Versuche.
retries-by-itself = Dropdesk versucht es in { $seconds } s von selbst erneut.
offline-as-of = Offline – der Ordner wird mit Stand { $time } gezeigt. Dropdesk versucht es in { $seconds } s von selbst erneut.

## Anmelden.
authorize-failed = Dropbox meldete '{ $error }' { $description }. Wenn du einen eigenen App-Schlüssel verwendest, prüfe seine Weiterleitungs-URIs und Berechtigungen in der App Console.
    .title = Dropbox konnte Dropdesk nicht verbinden
code-refused = Dropbox hat den Code nicht angenommen: Er ist vielleicht vertippt, schon benutzt oder abgelaufen. Öffne die Seite erneut für einen neuen Code und füge ihn dann hier ein.
    .title = Dieser Code hat nicht funktioniert
listener-failed = Der Anmelde-Empfänger von Dropdesk antwortet nicht mehr; die Anmeldung ist beendet und sein Port wieder frei. Verbinde dich erneut.
    .title = Der Anmelde-Empfänger wurde beendet
not-connected = Verbinde zuerst Dropbox.
    .title = Nicht verbunden
not-waiting = Starte eine mit „Mit Dropbox verbinden“.
    .title = Keine Anmeldung im Gange
ports-busy = Dropdesk konnte seinen Anmelde-Empfänger nicht öffnen: Die Ports { $ports } auf 127.0.0.1 sind alle belegt. Beende das Programm, das sie nutzt, oder trage mit redirect_ports in config.toml andere registrierte Ports ein.
    .title = Anmelde-Empfänger nicht verfügbar
revoked = Der Zugriff von Dropdesk wurde entfernt (vielleicht auf dropbox.com). Verbinde dich erneut, um Dropdesk weiter zu nutzen.
    .title = Der Dropbox-Zugriff wurde widerrufen
sign-in-server-unreachable = Der Anmeldeserver war nicht erreichbar oder ist gescheitert. Prüfe deine Verbindung; deine Anmeldung bleibt erhalten.
    .title = Dropbox war nicht erreichbar
sign-in-refused-by-dropbox = Dropbox hat die Anmeldung abgelehnt ({ $error }): { $why ->
        [invalid-grant] Der Anmeldecode ist abgelaufen oder wurde schon benutzt
        [invalid-client] Dropbox kennt diesen App-Schlüssel nicht, oder die App darf keine PKCE-Anmeldung nutzen
        [invalid-scope] Die App hat nicht die Berechtigungen, die Dropdesk anfragt
       *[other] Die Anfrage wurde nicht angenommen
    }. Verbinde dich erneut, um von vorn zu beginnen.
    .title = Dropbox hat die Anmeldung abgelehnt
declined = Du hast die Anfrage in deinem Browser abgelehnt. Verbinde dich erneut, wann immer du möchtest.
timed-out = Die Anmeldung ist abgelaufen, bevor Dropbox geantwortet hat. Verbinde dich erneut, um es noch einmal zu versuchen.

## Der Schlüsselbund.
keychain-unavailable = Dropdesk bewahrt deine Dropbox-Anmeldung nur im Schlüsselbund des Systems auf, und keiner hat geantwortet ({ $detail }). Starte unter GNOME den GNOME-Schlüsselbund (gnome-keyring-daemon --start --components=secrets), aktiviere unter KDE den Secret Service von KWallet und versuche es dann erneut.
    .title = Kein Schlüsselbund verfügbar
keychain-locked = Dein Schlüsselbund ist gesperrt oder hat den Zugriff verweigert. Entsperre deinen Anmeldeschlüsselbund (zum Beispiel in „Passwörter und Verschlüsselung“) und versuche es dann erneut.
    .title = Schlüsselbund gesperrt
keychain-timeout = Der Schlüsselbund hat nicht rechtzeitig geantwortet. Wenn eine Entsperr-Abfrage offen ist, beantworte sie und versuche es dann erneut.
    .title = Schlüsselbund antwortet nicht
keychain-corrupt = Die in deinem Schlüsselbund gespeicherte Dropbox-Anmeldung ist nicht lesbar. Trenne die Verbindung und verbinde dich erneut.
    .title = Gespeicherte Anmeldung unlesbar
keychain-overtaken = Dropdesk bewahrt diese Anmeldung nicht mehr auf, weil sie inzwischen aufgegeben wurde. Verbinde dich erneut.
    .title = Anmeldung nicht behalten
keychain-error = Der Schlüsselbund ist gescheitert: { $detail }. Versuche es erneut oder starte den Schlüsselbund deiner Sitzung neu.
    .title = Fehler des Schlüsselbunds
signed-in = Angemeldet; aufbewahrt in { $store ->
        [gnome-keyring] deinem GNOME-Schlüsselbund (Secret Service)
        [kwallet] deiner KDE-Brieftasche (Secret Service)
        [keepassxc] KeePassXC (Secret Service)
        [mac-keychain] deinem macOS-Schlüsselbund
        [windows-credentials] der Windows-Anmeldeinformationsverwaltung
        [memory] nur im Speicher (ein Test-Build)
       *[secret-service] dem Schlüsselbund deines Systems (Secret Service)
    }.

## Antworten von Dropbox.
offline = Dropdesk erreicht Dropbox nicht. Prüfe deine Verbindung; deine Anmeldung bleibt erhalten.
    .title = Du bist offline
rate-limited = Dropbox hat Dropdesk gebeten, { $seconds } Sekunden zu warten.
    .title = Dropbox bittet um Geduld
server-error = Dropbox hat mit einem Serverfehler geantwortet ({ $status }). Deine Anmeldung bleibt erhalten; versuche es gleich noch einmal.
    .title = Dropbox hat Probleme
bad-request = Dropbox hat die Anfrage von Dropdesk an { $route } abgelehnt ({ $status }). Wenn du einen eigenen App-Schlüssel verwendest, prüfe seine Einstellungen in der App Console; sonst melde das bitte.
    .title = Dropbox hat eine Anfrage abgelehnt
bad-answer = Dropbox hat eine Antwort geschickt, die Dropdesk nicht versteht. Versuche es erneut; wenn es wieder passiert, melde es bitte.
    .title = Unerwartete Antwort von Dropbox
untrusted = Der antwortende Server hat nicht bewiesen, dass er Dropbox ist, also hat Dropdesk ihm nichts geschickt. Das kann ein Netz verursachen, das sichere Verbindungen abfängt (ein Firmen-Proxy, eine Anmeldeseite im Hotel oder am Flughafen), oder ein falsches Datum und eine falsche Uhrzeit auf diesem Computer. Melde dich im Netz an oder stelle die Uhr richtig und versuche es dann erneut.
    .title = Die Identität von Dropbox ließ sich nicht prüfen
missing-scope = Laut Dropbox erlaubt diese Anmeldung nicht, worum Dropdesk gebeten hat. Wenn du einen eigenen App-Schlüssel verwendest, kreuze in der App Console account_info.read, files.metadata.read und files.content.read an und verbinde dich dann erneut.
    .title = Dropdesk fehlt eine Berechtigung
account-suspended = Laut Dropbox ist dieses Konto gesperrt. Melde dich auf dropbox.com an, um den Grund zu sehen.
    .title = Dropbox-Konto gesperrt
sign-in-refused = Dropbox akzeptiert die Anmeldung von Dropdesk nicht mehr. Verbinde dich erneut, um Dropdesk weiter zu nutzen.
    .title = Dropbox hat die Anmeldung abgelehnt
folder-not-found = Diesen Ordner gibt es in deinem App-Ordner nicht mehr.
    .title = Ordner nicht gefunden
listing-reset = Dropbox hat Dropdesk gebeten, diesen Ordner neu aufzulisten. Versuche es erneut.
    .title = Der Ordner hat sich geändert
route-error = Dropbox sagte: { $summary }. Versuche es erneut oder öffne einen anderen Ordner.
    .title = Dropbox konnte diesen Ordner nicht auflisten

## Hochladen, und Namen bei Dropbox.
file-in-the-way = Eine Datei trägt den Namen eines Ordners, in den dieses Hochladen geht. Benenne diese Datei um oder verschiebe sie und versuche es dann erneut.
    .title = Eine Datei ist im Weg
name-taken-meanwhile = In diesem Ordner gibt es schon etwas mit diesem Namen (oder es hat sich bei Dropbox inzwischen geändert), daher hat Dropdesk nichts ersetzt. Nichts ging verloren.
    .title = Der Name ist vergeben
name-taken = „{ $name }“ ist schon in diesem Ordner (Dropbox unterscheidet bei Namen nicht zwischen Groß- und Kleinschreibung). Wähle einen anderen Namen.
    .title = Der Name ist vergeben
insufficient-space = Dropbox hat keinen Platz für diese Datei. Schaffe Platz in deiner Dropbox (oder hol dir mehr) und versuche es dann erneut.
    .title = Deine Dropbox ist voll
no-room = Dropbox braucht für dieses Hochladen { $needed } mehr Platz ({ $free } sind frei). Schaffe Platz in deiner Dropbox (oder hol dir mehr) und versuche es dann erneut.
    .title = Deine Dropbox ist voll
name-not-taken = Dropbox lehnt den Namen dieser Datei ab. Benenne die Datei auf diesem Computer um und lade sie dann erneut hoch.
    .title = Dropbox nimmt diesen Namen nicht an
name-refused = { $why ->
        [empty] Gib einen Namen ein.
        [dots] „.“ und „..“ bedeuten diesen Ordner und den darüber, daher nimmt Dropbox sie nicht als Namen an.
        [slash] Ein Name darf kein „/“ enthalten: Dropbox liest es als Ordner im Pfad.
        [space-at-end] Dropbox nimmt keinen Namen an, der mit einem Leerzeichen endet. Entferne es.
        [too-long] Dropbox nimmt Namen mit bis zu { $bytes } Bytes an; dieser ist länger. Kürze ihn.
       *[reserved] Dropbox hält diesen Namen aus jedem Ordner fern (er gehört dem System). Wähle einen anderen.
    }
    .title = Dropbox nimmt diesen Namen nicht an
file-too-large = Dropbox nimmt Dateien mit bis zu 2 TiB (2.199.019.061.248 Bytes) an.
    .title = Die Datei ist zu groß für Dropbox
upload-failed = Dropbox sagte: { $summary }. Versuche es erneut.
    .title = Dropbox hat die Datei nicht angenommen
upload-damaged = Was Dropbox gespeichert hat, stimmt nicht mit der Datei auf diesem Computer überein. Versuche es erneut.
    .title = Das Hochladen wurde beschädigt
file-unreadable = Dropdesk konnte { $file } nicht hochladen: { $why ->
        [denied] Du darfst die Datei nicht lesen
        [gone] Die Datei ist nicht mehr da
       *[other] Das Lesen ist gescheitert
    }. Behebe das und versuche es dann erneut.
    .title = Die Datei konnte nicht gelesen werden
file-changed-here = { $file } hat sich während des Hochladens auf diesem Computer geändert, daher hat Dropdesk nichts davon übernommen. Versuche es erneut, wenn die Datei gespeichert ist.
    .title = Die Datei hat sich beim Hochladen geändert
not-a-file = Dropdesk folgt keinen Verknüpfungen, die aus dem hinausführen, was du zum Hochladen gewählt hast.
    .title = Einer Verknüpfung wurde nicht gefolgt
not-all-uploaded = { $refused ->
        [one] { $refused } Datei des Ordners wurde nicht hochgeladen
       *[other] { $refused } Dateien des Ordners wurden nicht hochgeladen
    }; die erste ist { $first }: { $why } Der Rest ist in deiner Dropbox. „Erneut versuchen“ lädt den Ordner noch einmal hoch; Dateien, die schon dort sind, bleiben, wie sie sind.
    .title = Einige Dateien wurden nicht hochgeladen
into-itself = Der gewählte Ordner ist der, der verschoben oder kopiert wird, oder ein Ordner darin. Wähle einen anderen Ordner.
    .title = Ein Ordner kann nicht in sich selbst
write-not-allowed = Laut Dropbox darf Dropdesk mit dieser Anmeldung nur lesen. Erlaube das Hochladen in deinem Browser, dann beginnt dieses Hochladen von neuem.
    .title = Dropdesk darf keine Dateien hinzufügen
upload-interrupted = Die Verbindung zu Dropbox ist abgebrochen. Was Dropbox erhalten hat, bleibt dort: „Fortsetzen“ macht dort weiter.
    .title = Hochladen unterbrochen

## Herunterladen und Dateien öffnen.
file-not-written = Dropdesk konnte die Datei nicht in { $folder } speichern: { $why ->
        [full] Der Datenträger ist voll
        [denied] Dropdesk darf dort nicht schreiben
       *[other] In den Ordner ließ sich nicht schreiben
    }. Schaffe Platz oder repariere den Ordner und versuche es dann erneut.
    .title = Die Datei konnte nicht gespeichert werden
file-corrupt = Was angekommen ist, stimmt nicht mit der Datei bei Dropbox überein, daher hat Dropdesk nichts behalten. Versuche es erneut.
    .title = Das Herunterladen wurde beschädigt
file-name-not-allowed = Benenne die Datei bei Dropbox um und öffne sie dann erneut.
    .title = Der Name dieser Datei ist hier nicht möglich
file-gone = Sie wurde bei Dropbox inzwischen geändert oder entfernt. Der Ordner zeigt, was jetzt dort ist.
    .title = Die Datei ist nicht mehr da
file-changed = Jemand hat diese Datei während des Herunterladens geändert, daher hat Dropdesk nichts behalten. Der Ordner zeigt jetzt die neue Fassung; öffne oder speichere sie erneut.
    .title = Die Datei wurde bei Dropbox geändert
transfer-cancelled = Das Herunterladen wurde abgebrochen, und nichts davon wurde behalten.
    .title = Abgebrochen
is-program = Wer sie öffnet, führt sie vielleicht auf diesem Computer aus, mit allem, was du darfst. Öffne sie nur, wenn du ihrer Herkunft vertraust.
    .title = Diese Datei ist ein Programm
no-opener = Dropdesk hat die Datei heruntergeladen, aber kein Programm ist zum Öffnen von Dateien dieser Art eingestellt. Lege in den Einstellungen deines Desktops ein Standardprogramm dafür fest.
    .title = Kein Programm hat die Datei geöffnet
download-interrupted = Die Verbindung zu Dropbox ist abgebrochen. Was angekommen ist, bleibt erhalten: „Fortsetzen“ macht dort weiter.
    .title = Herunterladen unterbrochen
names-refused = Diese Namen sind für Dateien auf diesem Computer nicht möglich: { $names }. Benenne sie bei Dropbox um und speichere sie dann erneut; alles andere wurde gespeichert.
    .title = { $count ->
        [one] Eine Datei wurde nicht gespeichert
       *[other] Einige Dateien wurden nicht gespeichert
    }
quoted-name = „{ $name }“
folder-vanished = „{ $name }“ gibt es nicht mehr; gezeigt wird der nächste Ordner, den es gibt.

## Trennen.
disconnect-not-connected = Dropdesk war nicht verbunden.
disconnect-confirmed = Getrennt. Dropbox hat bestätigt, dass der Zugriff von Dropdesk widerrufen ist, und die Anmeldung wurde von diesem Computer entfernt.
disconnect-unconfirmed = Auf diesem Computer getrennt, aber Dropbox konnte den Widerruf nicht bestätigen. Um sicherzugehen, entferne Dropdesk auf dropbox.com unter Einstellungen → Verbundene Apps.

## Einstellungen und Start.
key-source = Dropbox-App-Schlüssel: { $source ->
        [built-in] in dieses Paket eingebaut
        [environment] aus DROPBOX_APP_KEY
       *[file] aus { $file }
    }
settings = Dropdesk kann { $origin ->
        [environment] seine Einstellungen aus der Umgebung
        [built-in] den in dieses Paket eingebauten App-Schlüssel
       *[file] seine Einstellungen in { $file }
    } nicht verwenden: { $key }: { $what }. Behebe das und starte Dropdesk dann neu.
    .title = Die Einstellungen brauchen Aufmerksamkeit
settings-whole-file = (die Datei)
the-settings-file = die Einstellungsdatei
settings-file-at = (die Datei, bei Byte { $byte })
settings-unreadable = die Datei ist nicht lesbar ({ $detail })
settings-invalid = das ist hier nicht gültig ({ $detail })
settings-unknown-key = unbekanntes Feld; prüfe seine Schreibweise anhand der README
settings-app-key = ein App-Schlüssel besteht aus den Buchstaben und Ziffern, die in der Dropbox App Console als „App key“ stehen
settings-no-ports = gib mindestens einen Port an
settings-not-port-list = '{ $text }' ist keine durch Kommas getrennte Liste von Portnummern
settings-port = { $port } ist kein Port zwischen 1024 und 65535
settings-timeout = { $seconds } liegt nicht zwischen 10 und 3600 Sekunden
settings-not-url = '{ $text }' muss eine http(s)-URL mit einem Host sein
settings-insecure = '{ $text }' nutzt unverschlüsseltes http zu einem anderen Rechner; nutze https (http nur für 127.0.0.1)
no-app-key = Dropdesk braucht zum Anmelden einen Dropbox-App-Schlüssel, und dieser Build enthält keinen. Trage app_key = "dein Schlüssel" in { $file } ein oder setze DROPBOX_APP_KEY und starte Dropdesk dann erneut. Ein mit DROPDESK_APP_KEY gebautes Paket bringt seinen eigenen mit (README, "For packagers").
    .title = Dieser Build hat keinen Dropbox-App-Schlüssel
demo-failed = Die Demo konnte ihre nachgebildete Dropbox nicht starten ({ $detail }). Starte Dropdesk neu.
    .title = Die Demo konnte nicht starten

## Die Titel der Dateidialoge.
dialog-save-copy = Eine Kopie speichern
dialog-upload = Zu Dropbox hochladen
dialog-upload-folders = Ordner zu Dropbox hochladen
dialog-download-to = In Ordner herunterladen

## Die Seiten, die der Browser am Ende einer Anmeldung zeigt.
page-approved = Dropdesk hat deine Zustimmung. Du kannst diesen Tab schließen und zu Dropdesk zurückkehren.
    .title = Du bist verbunden
page-declined = Du hast abgelehnt, Dropdesk zu verbinden. Du kannst diesen Tab schließen und zu Dropdesk zurückkehren; verbinden kannst du dich jederzeit.
    .title = Anfrage abgelehnt
page-failed = Dropbox sagte: { $error } { $description }. Schließe diesen Tab und kehre zu Dropdesk zurück, um es noch einmal zu versuchen.
    .title = Dropbox konnte Dropdesk nicht verbinden
page-stale-link = Er gehört nicht zu der Anmeldung, auf die Dropdesk wartet. Kehre zu Dropdesk zurück und wähle erneut „Mit Dropbox verbinden“.
    .title = Dieser Anmeldelink ist abgelaufen
page-not-for-us = Diese Adresse nutzt Dropdesk nur, während du dich anmeldest.
    .title = Hier ist nichts
page-other-browser = Dropdesk nimmt die Antwort nur in dem Browser an, in dem die Anmeldung begann. Kehre zu Dropdesk zurück und wähle erneut „Mit Dropbox verbinden“.
    .title = Diese Anmeldung hat nicht hier begonnen
page-start-used = Jeder Anmeldelink von Dropdesk öffnet Dropbox nur einmal. Kehre zu Dropdesk zurück und wähle „Seite erneut öffnen“ für einen neuen.
    .title = Dieser Anmeldelink wurde schon benutzt
page-redirecting = Du wirst zu Dropbox gebracht, um Dropdesk zuzustimmen.
    .title = Weiter zu Dropbox…
