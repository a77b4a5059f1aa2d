"""A desktop's file manager, as far as a drag goes: a small GTK window that offers the
files named on its command line as `text/uri-list` when dragged from, so a test can make
a real drop (XDND, driven by xdotool's pointer) on another window under Xvfb.

Prints `ready` once shown, `sent` when the drop target took the URIs, and `ended` when the
drag is over. Run with the system Python (python3-gi).
"""

import pathlib
import sys

import gi

gi.require_version("Gdk", "3.0")
gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402

uris = [pathlib.Path(p).resolve().as_uri() for p in sys.argv[1:]]

window = Gtk.Window(title="Drag source")
area = Gtk.EventBox()
area.add(Gtk.Label(label="drag these files"))
area.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
area.drag_source_add_uri_targets()


def give(_widget, _context, data, _info, _time):
    data.set_uris(uris)
    print("sent", flush=True)


area.connect("drag-data-get", give)
area.connect("drag-end", lambda *_: print("ended", flush=True))
window.add(area)
window.set_default_size(160, 120)
window.connect("map-event", lambda *_: print("ready", flush=True))
window.connect("destroy", Gtk.main_quit)
window.show_all()
Gtk.main()
