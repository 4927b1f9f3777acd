__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Event listeners that can all be taken off again: whatever a part of the library adds to the
# page (pagehide, storage, popstate ...) it removes in its unload(), so a deregistered plugin or
# a replaced instance leaves nothing behind.


class Listeners:
    def __init__(self):
        self.added = []

    def listen(self, target, kind, handler):
        target.addEventListener(kind, handler)
        self.added.push([target, kind, handler])

    def unload(self):
        self.added.forEach(lambda entry: entry[0].removeEventListener(entry[1], entry[2]))
        self.added = []
