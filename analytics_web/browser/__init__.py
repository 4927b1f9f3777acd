"""Browser code: Python that Transcrypt turns into the JavaScript bundle. It never runs on CPython.

Conventions the generated JavaScript needs:
- every module starts with the same pragmas: ``jsiter`` so ``{}`` literals are plain JS
  objects and ``for key in obj`` walks an object's keys, and ``noalias`` for the names whose
  JavaScript meaning we want (``name``, ``isNaN``, ``split``, ``replace``, ``pop``, ``keys``);
- arrays are therefore walked with ``forEach``, ``map``, ``filter`` or ``while``, never
  ``for item in array`` (under ``jsiter`` that walks the indices);
- ``(a or b)[key]`` compiles to ``a || b[key]`` (Transcrypt drops the parentheses before a
  subscript): name the ``a or b`` first;
- a bare ``except:`` is the only handler that catches JavaScript errors; when the error itself
  is needed, take it from a promise's ``catch``;
- the bundle carries a slim runtime (``runtime.js``) instead of Transcrypt's: classes,
  ``len``, ``tuple`` and ``bool``, no Python methods on JS strings and arrays (write
  ``[a, b].join('-')``, not ``'-'.join([a, b])``). The build names any other runtime name a
  module uses, and stops;
- other attributes that are Python dict/str methods (``get``, ``update``, ``items``, ``values``
  ...) are still renamed by Transcrypt: read them from JS objects with subscripts.
"""
