#!/usr/bin/python3
"""A window that takes dropped files, as a file manager or a chat window does: each drop's
text/uri-list is appended to a file. Prints "ready" once mapped at the given place."""
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402

log, x, y = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
win = Gtk.Window(title="drop target")
win.set_default_size(300, 300)
win.move(x, y)
win.add(Gtk.Label(label="drop here"))
win.drag_dest_set(Gtk.DestDefaults.ALL, [Gtk.TargetEntry.new("text/uri-list", 0, 0)], Gdk.DragAction.COPY)


def on_received(_w, ctx, _x, _y, data, _info, time):
    with open(log, "a", encoding="utf-8") as out:
        for uri in data.get_uris():
            out.write(uri + "\n")
    Gtk.drag_finish(ctx, True, False, time)


win.connect("drag-data-received", on_received)
win.connect("map-event", lambda *_: print("ready", flush=True))
win.connect("destroy", Gtk.main_quit)
win.show_all()
Gtk.main()
