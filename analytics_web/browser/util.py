__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# The calls that make events (snippet/methods.json, compiled in by the build): the snippet's stub
# records the page with each, and a plugin has a method for each.
CALL_TYPES = SNIPPET_EVENT_METHODS


def make_uuid():
    """A random (version 4) UUID: the browser's own in a secure context (https, localhost),
    where it is fastest; elsewhere made from getRandomValues."""
    if crypto.randomUUID:
        return crypto.randomUUID()
    bytes = __new__(Uint8Array(16))
    crypto.getRandomValues(bytes)
    bytes[6] = (bytes[6] & 0x0F) | 0x40
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    hex = Array["from"](bytes, lambda byte: (byte + 0x100).toString(16).slice(1)).join("")
    return [
        hex.slice(0, 8),
        hex.slice(8, 12),
        hex.slice(12, 16),
        hex.slice(16, 20),
        hex.slice(20),
    ].join("-")


def now_iso():
    return __new__(Date()).toISOString()


def is_function(value):
    return typeof(value) == "function"


def is_string(value):
    return typeof(value) == "string"


def is_thenable(value):
    return (
        value is not None
        and (typeof(value) == "object" or typeof(value) == "function")
        and is_function(value.then)
    )


def outcome(method, target, argument):
    """{'value': what method.call(target, argument) returned} or {'failed': true, 'error': what
    it threw}: the thrown value itself, which a bare except cannot give."""
    __pragma__(
        "js",
        "{}",
        "try { return {value: method.call(target, argument)}; } catch (error) { return {failed: true, error: error}; }",
    )


def describe(value):
    """A value's kind, for error messages: 'null', 'an array', 'number' ..."""
    if value is None:
        return "null"
    if Array.isArray(value):
        return "an array"
    return typeof(value)


def is_object(value):
    """A plain options/properties object: not null, not an array, not a function."""
    return value is not None and typeof(value) == "object" and not Array.isArray(value)


def handled(promise):
    """The promise, its rejection marked handled: a caller that ignores it never sees an
    unhandled rejection in the page; a caller that awaits it still gets the rejection."""
    promise.catch(lambda error: None)
    return promise


def rejected(error):
    return handled(Promise.reject(error))


def make_error(message, kind):
    """A real JavaScript Error (or the error class named ``kind``: "TypeError"), so rejections
    carry a message and a stack in every console."""
    return __new__(window[kind or "Error"]("analytics-web: " + message))


# Deeper than this, an object is taken as it is: it holds a cycle (or is no event the API
# would take), and serialized() then refuses the call with a clear error, where copying on
# would overflow the stack inside the call.
MAX_MERGE_DEPTH = 32


def merge(target, source, depth):
    """Deep-merge plain objects from source into target (arrays and other values replace)."""
    if not is_object(source):
        return target
    depth = depth or 0
    for key in source:
        value = source[key]
        if not is_object(value) or depth > MAX_MERGE_DEPTH:
            if value is not js_undefined:
                target[key] = value
        elif is_object(target[key]):
            merge(target[key], value, depth + 1)
        else:
            target[key] = merge({}, value, depth + 1)
    return target


# What names an event in the console, per type: a page view without a name is just "page".
NAMED_BY = {"track": "event", "page": "name", "screen": "name", "group": "groupId"}


def label(event):
    name = event[NAMED_BY[event["type"]] or "userId"]  # identify and alias: the user id
    return event["type"] + (" " + JSON.stringify(name) if name else "")
