__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# localStorage and sessionStorage as every part of the library uses them. Any access may throw
# (storage disabled or full, a sandboxed frame), which reads as absent and writes as refused.
# The storage is named, not passed: in a sandboxed frame merely reading window.localStorage
# throws, so the lookup has to happen inside the try.


def read_text(storage, key):
    try:
        return window[storage].getItem(key)
    except:
        return None


def read_json(storage, key):
    """The value stored as JSON, or None (absent, unreadable, or not JSON)."""
    try:
        return JSON.parse(window[storage].getItem(key))
    except:
        return None


def write_text(storage, key, text):
    """True once stored; False when the storage refused it."""
    try:
        window[storage].setItem(key, text)
        return True
    except:
        return False


def write_json(storage, key, value):
    return write_text(storage, key, JSON.stringify(value))


def remove_key(storage, key):
    try:
        window[storage].removeItem(key)
    except:
        pass


def stored_keys(storage):
    """Every key in the storage, taken at once (so removing keys meanwhile skips none)."""
    found = []
    try:
        index = 0
        while index < window[storage].length:
            found.push(window[storage].key(index))
            index += 1
    except:
        pass
    return found
