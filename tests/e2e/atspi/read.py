#!/usr/bin/python3
"""What a screen reader gets from Dropdesk's window, over AT-SPI (the accessibility bus of
the desktop session this runs in).

  read.py tree            the window's page: one JSON object per line, each node with
                          its depth, role, name, states and (where it has one) its value
  read.py events SECONDS  the selection, focus and active-descendant events of those
                          seconds, one JSON object per line (ready first, once listening)
"""

import json
import sys

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402


def app():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        a = desktop.get_child_at_index(i)
        if a is not None and a.get_name() == "dropdesk":
            return a
    return None


def states(node):
    s = node.get_state_set()
    return sorted(
        Atspi.StateType(t).value_nick
        for t in range(Atspi.StateType.LAST_DEFINED)
        if s.contains(Atspi.StateType(t))
    )


def describe(node, depth):
    out = {"depth": depth, "role": node.get_role_name(), "name": node.get_name() or ""}
    out["states"] = states(node)
    value = node.get_value_iface() if hasattr(node, "get_value_iface") else None
    if value is not None:
        out["value"] = [value.get_current_value(), value.get_maximum_value()]
    return out


def walk(node, depth, seen):
    if node is None or depth > 60 or len(seen) > 20000:
        return
    seen.append(describe(node, depth))
    for i in range(node.get_child_count()):
        walk(node.get_child_at_index(i), depth + 1, seen)


def tree():
    a = app()
    if a is None:
        print(json.dumps({"error": "no dropdesk on the accessibility bus"}))
        return
    seen = []
    walk(a, 0, seen)
    for n in seen:
        print(json.dumps(n))


def events(seconds):
    def heard(event):
        source = event.source
        # The descendant made active: what a screen reader reads out.
        child = event.any_data if isinstance(event.any_data, Atspi.Accessible) else None
        print(
            json.dumps(
                {
                    "type": event.type,
                    "detail": event.detail1,
                    "role": source.get_role_name() if source else "",
                    "name": (source.get_name() or "") if source else "",
                    "child": (child.get_name() or "") if child else "",
                }
            ),
            flush=True,
        )

    listener = Atspi.EventListener.new(heard)
    for kind in (
        "object:state-changed:selected",
        "object:state-changed:focused",
        "object:active-descendant-changed",
    ):
        listener.register(kind)
    GLib.timeout_add(int(seconds * 1000), lambda: Atspi.event_quit() or False)
    print(json.dumps({"ready": True}), flush=True)
    Atspi.event_main()


if __name__ == "__main__":
    if sys.argv[1:2] == ["tree"]:
        tree()
    elif sys.argv[1:2] == ["events"]:
        events(float(sys.argv[2]))
    else:
        sys.exit(__doc__)
