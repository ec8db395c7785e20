#!/usr/bin/python3
"""The desktop's file manager as far as "Show in folder" needs one: owns
org.freedesktop.FileManager1 on the session bus and appends each ShowItems URI to a file."""
import sys

from gi.repository import Gio, GLib

IFACE = """<node><interface name="org.freedesktop.FileManager1">
<method name="ShowItems"><arg type="as" name="uris" direction="in"/><arg type="s" name="startup_id" direction="in"/></method>
<method name="ShowFolders"><arg type="as" name="uris" direction="in"/><arg type="s" name="startup_id" direction="in"/></method>
</interface></node>"""

log = sys.argv[1]
loop = GLib.MainLoop()


def on_call(_conn, _sender, _path, _iface, method, params, invocation):
    uris, _startup = params.unpack()
    with open(log, "a", encoding="utf-8") as out:
        for uri in uris:
            out.write(f"{method} {uri}\n")
    invocation.return_value(None)


def on_bus(conn, _name):
    info = Gio.DBusNodeInfo.new_for_xml(IFACE).interfaces[0]
    conn.register_object("/org/freedesktop/FileManager1", info, on_call, None, None)


def on_name(_conn, _name):
    print("ready", flush=True)  # the test waits for this line before it clicks


Gio.bus_own_name(Gio.BusType.SESSION, "org.freedesktop.FileManager1", Gio.BusNameOwnerFlags.NONE, on_bus, on_name, lambda *_: loop.quit())
loop.run()
