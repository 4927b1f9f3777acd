// The part of Transcrypt's runtime that the browser code uses, in place of the whole of it.
//
// Transcrypt's own runtime patches String and Array prototypes, defines Python's exception
// classes and a terminal at load time; none of that can be tree-shaken, and it was over 40% of
// the bundle. The build (analytics_web/build.py) points every generated module here instead,
// importing only the names a module really uses, and stops with an error naming any name this
// file does not provide. Behaviour follows the rest of the generated code: JavaScript truthiness
// (no tconv), arrays for lists and tuples.

// Classes. Transcrypt compiles `class C(Base)` to `__class__('C', [Base], {...})`, each method a
// getter that returns `__get__(this, function (self, ...) {...})`, which the build rewrites to
// `__class__([Base], {...})` with the plain `function (self, ...) {...}` (analytics_web/build.py,
// _plain_methods): nothing reads a class's name, and Python's __get__ is done here. A class is a
// function whose own properties are its attributes (copied from its bases first); an instance is
// an object whose prototype holds the same attributes. That prototype is a plain object, not the
// class: an instance inheriting from a function would be a Function to the page (String(ctx)
// throws a TypeError, ctx.length is 0). Calling a class (with or without `new`) makes one, and
// the class's `prototype` is that plain object, so `ctx instanceof Context` holds as in JavaScript.
export var object = {
  __init__: function () {},
};

export function __class__(bases, attributes) {
  var prototype = {};
  var cls = function () {
    var instance = Object.create(prototype);
    cls.__init__.apply(null, [instance].concat([].slice.call(arguments)));
    return instance;
  };
  cls.prototype = prototype;
  var defined = {};
  // The class body first, then its bases in order: the first definition of a name wins.
  [attributes].concat(bases).forEach(function (source, index) {
    for (var key in source) {
      if (defined[key]) continue;
      var descriptor = Object.getOwnPropertyDescriptor(source, key);
      if (!descriptor) continue; // inherited by the base itself: found on that base's base
      if (index == 0 && typeof descriptor.value == 'function') {
        descriptor = method(key, descriptor.value);
      }
      Object.defineProperty(cls, key, descriptor);
      Object.defineProperty(prototype, key, descriptor);
      defined[key] = true;
    }
  });
  return cls;
}

// A method read from the class (a function) is the plain function, self passed explicitly, as
// in Python. Read from an instance it is bound to it once and then kept on the instance, so
// passing `self.method` as a callback works as in Python and later reads cost a property lookup.
function method(key, plain) {
  return {
    enumerable: true,
    configurable: true,
    get: function () {
      if (typeof this == 'function') return plain;
      var bound = plain.bind(null, this);
      Object.defineProperty(this, key, { value: bound, writable: true, configurable: true });
      return bound;
    },
  };
}

// Builtins.
export function len(items) {
  return items == null ? 0 : items.length;
}

export function tuple(items) {
  return Array.from(items);
}

export function bool(value) {
  return !!value;
}
