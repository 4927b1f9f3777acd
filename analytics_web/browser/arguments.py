__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Analytics.js's positional overloads, resolved to one shape per call:
# {'fields': {...}, 'options': {...}, 'callback': fn or None, 'problem': None or 'what is wrong'}.
# A call with a problem is reported to the caller and never sent.

from analytics_web.browser.util import describe, is_function, is_object, is_string, make_uuid


def first_function(values):
    return values.find(is_function) or None


def object_or_empty(value):
    return value if is_object(value) else {}


def options_problem(options):
    if (
        options is not None
        and options is not js_undefined
        and not is_object(options)
        and not is_function(options)
    ):
        return "options must be an object, got " + typeof(options)
    if (
        is_object(options)
        and options["timestamp"] is not js_undefined
        and options["timestamp"] is not None
        and isNaN(__new__(Date(options["timestamp"])).getTime())
    ):
        return "options.timestamp is not a valid date: " + String(options["timestamp"])
    return None


def resolved(fields, options, callback, problem):
    return {
        "fields": fields,
        "options": object_or_empty(options),
        "callback": callback,
        "problem": problem or options_problem(options),
    }


def resolve_track(event, properties, options, callback):
    """track(event, [properties], [options], [callback])"""
    callback = first_function([properties, options, callback])
    problem = None
    if not is_string(event) or event == "":
        problem = "needs an event name (a non-empty string), got " + describe(event)
    elif (
        properties is not None
        and properties is not js_undefined
        and not is_object(properties)
        and not is_function(properties)
    ):
        problem = "properties must be an object, got " + describe(properties)
    problem = problem or options_problem(options)
    return resolved(
        {"event": event, "properties": object_or_empty(properties)},
        options if is_object(options) else None,
        callback,
        problem,
    )


def resolve_page(category, name, properties, options, callback):
    """page([category], [name], [properties], [options], [callback]): one string is the name,
    two strings are category then name; the first object is properties, the second options."""
    args = [category, name, properties, options, callback]
    strings = args.filter(is_string)
    page_category = None
    page_name = None
    if len(strings) >= 2:
        page_category = strings[0]
        page_name = strings[1]
    elif len(strings) == 1:
        page_name = strings[0]
    objects = args.filter(is_object)
    fields = {"properties": Object.assign({}, objects[0] or {})}
    if page_name is not None:
        fields["name"] = page_name
    if page_category is not None:
        fields["category"] = page_category
        fields["properties"]["category"] = page_category
    return resolved(fields, objects[1], first_function(args))


def resolve_identity(entity, args):
    """identify([userId], [traits], [options], [callback]) and group(groupId, ...): an id may be
    left out (the stored one is used), then traits, options and a callback follow in order."""
    found = {}
    order = ["callback", "options", "traits", "id"]
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        current = order.pop()
        if current == "id":
            if is_string(arg) or typeof(arg) == "number":
                found["id"] = String(arg)
                continue
            if arg is None or arg is js_undefined:
                continue
            current = order.pop()
        if is_function(arg):
            found["callback"] = arg
            break
        if (current == "traits" or current == "options") and is_object(arg):
            found[current] = arg
    entity_id = found["id"] if found["id"] is not js_undefined else entity.id()
    return {
        "id": entity_id,
        "traits": found["traits"] or {},
        "options": found["options"] or {},
        "callback": found["callback"] or None,
        "problem": options_problem(found["options"]),
    }


def is_id(value):
    return (is_string(value) and value != "") or (typeof(value) == "number" and not isNaN(value))


def resolve_alias(user_id, previous_id, options, callback, user):
    """alias([userId], [previousId], [options], [callback]): userId defaults to the current user
    id, as in Analytics.js; previousId to the current user id, then the anonymous id (with no
    new id given: the anonymous id, which the alias joins to the user)."""
    args = [user_id, previous_id, options, callback]
    if is_object(previous_id) or is_function(previous_id):
        options = previous_id
        previous_id = None
    if is_object(user_id) or is_function(user_id):  # alias({...}) or alias(callback)
        options = user_id if is_object(user_id) else options
        user_id = None
    current = user.id()
    problem = None
    if (user_id is None or user_id is js_undefined) and current is not None:
        user_id = current
        previous_id = previous_id if is_id(previous_id) else user.anonymousId()
    elif not is_id(user_id):
        problem = "needs the new user id (a string or number), got " + describe(user_id)
        if user_id is None or user_id is js_undefined:
            problem = "needs the new user id: none was given and no user is identified"
    if not is_id(previous_id):
        previous_id = current or user.anonymousId()
    fields = {"userId": String(user_id), "previousId": String(previous_id)}
    return resolved(fields, options if is_object(options) else None, first_function(args), problem)


def resolve_call(method, args, users, groups):
    """{fields, options, callback, ids, commit, problem} of one call: the ids its event carries
    (``users``' as of now), and for identify() and group() commit(), which stores what the call
    changes once it is accepted."""
    ids = {"userId": users.id(), "anonymousId": users.anonymousId()}
    if method == "track":
        call = resolve_track(args[0], args[1], args[2], args[3])
    elif method == "page" or method == "screen":
        call = resolve_page(args[0], args[1], args[2], args[3], args[4])
    elif method == "alias":
        call = resolve_alias(args[0], args[1], args[2], args[3], users)
    else:
        return resolve_entity(users if method == "identify" else groups, method, args, ids)
    call["ids"] = ids
    return call


def resolve_entity(entity, method, args, ids):
    """identify() and group(): the event carries the id and traits as they will be once the
    call is accepted; commit() stores them, only then."""
    found = resolve_identity(entity, args)
    if (
        method == "group"
        and not found["problem"]
        and (found["id"] is None or found["id"] is js_undefined)
    ):
        found["problem"] = "needs a group id (a string or number)"
    if found["problem"]:
        return found
    current = entity.id()
    new_id = None if found["id"] is None else String(found["id"])
    switching = current is not None and new_id is not None and current != new_id
    traits = found["traits"] if switching else Object.assign({}, entity.traits(), found["traits"])
    found["fields"] = {"traits": traits}
    if method == "group":
        found["fields"]["groupId"] = new_id
        found["commit"] = lambda: entity.store(new_id, traits)
    else:
        if switching:  # another person on this browser: a new anonymous id, as in analytics-next
            ids["anonymousId"] = make_uuid()
        ids["userId"] = new_id
        found["commit"] = lambda: entity.store(new_id, traits, ids["anonymousId"])
    found["ids"] = ids
    return found
