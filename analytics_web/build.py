"""Build the browser bundle: Transcrypt turns analytics_web/browser into ES modules, esbuild
bundles them into dist/ (the core, minified, as a script and an ES module; each feature file
beside it in both forms; the single-file variant, minified and readable; source maps), and a
manifest records each file's size and Subresource Integrity hash.

A build whose inputs (browser sources, build settings, tool versions) are unchanged since the
last one is skipped: the stamp in dist/.build-stamp says what dist/ was built from.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from analytics_web import __version__, feature_urls
from analytics_web.paths import BROWSER_DIR, SOURCE_ROOT
from analytics_web.snippet import FEATURES as FEATURE_NAMES

log = logging.getLogger(__name__)

TRANSCRYPT_VERSION = "3.9.5"
ENTRIES = {
    "standalone": "standalone.py",
    "module": "module.py",
    "full": "full.py",
    "features": "feature_files.py",
}
# The features a page fetches on first use (analytics_web/browser/features.py), named once, in
# the snippet's public list: name -> the browser module bundled as its file.
FEATURE_MODULES = {"debug": "debug_console", "webvitals": "web_vitals"}
FEATURES = {name: FEATURE_MODULES.get(name, name) for name in FEATURE_NAMES}
SLIM_RUNTIME = BROWSER_DIR / "runtime.js"
RUNTIME_IMPORT = re.compile(
    r"^import \{([^}]*)\} from '\./org\.transcrypt\.__runtime__\.js';$", re.M
)
# A call through a name Transcrypt renames because Python dicts and strings have it (.get ->
# .py_get): the slim runtime has no such methods, so in the bundle it is always a TypeError.
RENAMED_METHOD_CALL = re.compile(
    r"\.py_(get|keys|values|items|update|pop|replace|split|sort|copy|clear|default|metatype)\s*\("
)
# What to blank out of generated code before looking for runtime names in it: string literals,
# property reads (`.len`), object keys and getter names (`len:`, `get len ()`).
# Transcrypt's prologue for a default argument also looks for keyword arguments, which the browser
# code never passes (kwargs are off): what remains is "undefined means the default".
DEFAULT_ARGUMENT = re.compile(
    r"if \(typeof (\w+) == 'undefined' \|\| \(\1 != null && \1\.hasOwnProperty \(\"__kwargtrans__\"\)\)\) \{;"
    r"\s*var \1 = ([^;\n]*);\s*\};"
)
# Transcrypt writes each method as a getter that hands the function to __get__, one line opening
# it and one closing it at the class body's indentation (a tab). The slim runtime takes plain
# functions, so the build writes each as one: 5 KB less of the minified bundle.
METHOD_OPEN = re.compile(
    r"^\tget ([\w$]+) \(\) \{return __get__ \(this, ((?:async )?function \()(.*)$", re.M
)
METHOD_CLOSE = re.compile(r"^\t\}\);\}(,?)[ \t]*$", re.M)
# The module's name, and each class's __module__ from it: Python's introspection, which the
# browser code never uses (the build stops if it ever does: see _plain_methods).
MODULE_NAME = re.compile(r"^var __name__ = '[\w.]+';\n", re.M)
CLASS_MODULE = re.compile(r"^\t__module__: __name__,\n", re.M)
CLASS_NAME = re.compile(r"__class__ \('[\w$]+', ")  # nor a class's own name
NOT_REFERENCES = re.compile(
    r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|\.\s*[\w$]+|\bget\s+[\w$]+|[\w$]+\s*:(?!:)"
)


class BuildError(RuntimeError):
    """The build cannot go on; the message says what to do."""


@dataclass(frozen=True)
class Output:
    file: str
    entry: str  # the Transcrypt entry whose folder holds the module
    format: str
    minify: bool
    module: str = ""  # the module bundled, when not the entry itself

    @property
    def source(self) -> str:
        return f"analytics_web.browser.{self.module}.js" if self.module else f"{self.entry}.js"


# Built in this order: the feature files first, so the core can carry their SRI hashes.
FEATURE_OUTPUTS = tuple(
    Output(f"analytics.{name}.{kind}.js", "features", fmt, minify=True, module=module)
    for name, module in FEATURES.items()
    for kind, fmt in (("min", "iife"), ("esm", "esm"))
)
CORE = Output("analytics.min.js", "standalone", "iife", minify=True)
OUTPUTS = (
    *FEATURE_OUTPUTS,
    CORE,
    Output("analytics.esm.js", "module", "esm", minify=True),
    Output("analytics.full.min.js", "full", "iife", minify=True),
    Output("analytics.js", "full", "iife", minify=False),
)


@dataclass(frozen=True)
class FileFacts:
    file: str
    bytes: int
    gzip_bytes: int
    integrity: str

    @classmethod
    def of(cls, path: Path) -> FileFacts:
        data = path.read_bytes()
        digest = base64.b64encode(hashlib.sha384(data).digest()).decode()
        return cls(path.name, len(data), len(gzip.compress(data, 9, mtime=0)), f"sha384-{digest}")


def build(root: Path = SOURCE_ROOT, *, force: bool = False) -> list[FileFacts]:
    """Build dist/ under ``root`` (a source checkout) and return the facts of each bundle."""
    dist = root / "dist"
    stamp = _input_stamp(root)
    stamp_file = dist / ".build-stamp"
    current = stamp_file.is_file() and stamp_file.read_text() == stamp
    if (
        not force
        and current
        and _complete(dist)
        and (transpiled_dir(root) / "runtime.js").is_file()
    ):
        log.info("dist/ is up to date; nothing to build")
        return _facts(dist)

    esbuild = _ensure_esbuild(root)
    work = root / ".build" / "transcrypt"
    shutil.rmtree(work, ignore_errors=True)
    for name, entry in ENTRIES.items():
        _transcrypt(root, BROWSER_DIR / entry, work / name)  # -b clears its folder: one each
        _use_slim_runtime(work / name)
        # ES modules to Node too, so the unit tier runs exactly what esbuild bundles.
        (work / name / "package.json").write_text('{"type": "module"}\n')

    dist.mkdir(exist_ok=True)
    # One terser name cache for every file: a feature file reads the core's objects by the same
    # short property names the core gave them.
    names = root / ".build" / "terser-names.json"
    names.unlink(missing_ok=True)
    # The core first, so that its own properties get the shortest names (every visitor downloads
    # it); it is built again below, once it can carry the feature files' hashes.
    unknown = dict.fromkeys(FEATURES, "")
    _esbuild(esbuild, work / CORE.entry / CORE.source, dist / CORE.file, CORE, unknown, names)
    integrity: dict[str, str] = {}
    for output in OUTPUTS:
        bundled = dist / output.file
        _esbuild(esbuild, work / output.entry / output.source, bundled, output, integrity, names)
        if output in FEATURE_OUTPUTS and output.format == "iife":
            integrity[output.file.split(".")[1]] = feature_urls.integrity(bundled.read_bytes())
    for output in OUTPUTS:
        _name_real_sources(dist / f"{output.file}.map")
    facts = _facts(dist)
    manifest = {
        "version": __version__,
        "features": integrity,
        "files": {
            fact.file: {k: v for k, v in vars(fact).items() if k != "file"} for fact in facts
        },
    }
    (dist / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    stamp_file.write_text(stamp)
    return facts


def transpiled_dir(root: Path = SOURCE_ROOT) -> Path:
    """The browser modules as Transcrypt made them (with the slim runtime), one .js each: what
    the bundle is made from, and what the unit tests import in Node."""
    return root / ".build" / "transcrypt" / "full"


def format_table(facts: list[FileFacts]) -> str:
    rows = [("file", "bytes", "gzip", "integrity")]
    rows += [(f.file, str(f.bytes), str(f.gzip_bytes), f.integrity) for f in facts]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i in (1, 2) else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    )


def _facts(dist: Path) -> list[FileFacts]:
    return [FileFacts.of(dist / output.file) for output in OUTPUTS]


def _complete(dist: Path) -> bool:
    return (dist / "manifest.json").is_file() and all((dist / o.file).is_file() for o in OUTPUTS)


def _input_stamp(root: Path) -> str:
    digest = hashlib.sha256()
    digest.update(f"{__version__}|{TRANSCRYPT_VERSION}|{OUTPUTS!r}".encode())
    inputs = [
        *sorted(BROWSER_DIR.glob("*.py")),
        SLIM_RUNTIME,
        Path(__file__),
        root / "package-lock.json",
        SOURCE_ROOT / "snippet" / "methods.json",
    ]
    for path in inputs:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _ensure_esbuild(root: Path) -> Path:
    esbuild = root / "node_modules" / ".bin" / "esbuild"
    if esbuild.exists():
        return esbuild
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError(
            "building the bundle needs Node.js and npm (for esbuild); install them first"
        )
    log.info("node_modules is missing: running npm ci")
    _run([npm, "ci", "--no-audit", "--no-fund"], cwd=root)
    if not esbuild.exists():
        raise BuildError(f"npm ci did not install esbuild at {esbuild}")
    return esbuild


def _transcrypt(root: Path, source: Path, work: Path) -> None:
    try:
        import transcrypt  # noqa: F401  (only to give a clear error when it is missing)
    except ImportError:
        raise BuildError(
            "building the bundle needs Transcrypt: pip install 'analytics-web[build]'"
        ) from None
    env = {**os.environ, "PYTHONPATH": str(root)}
    # -b: everything anew; -n: readable output (esbuild minifies); -m: source maps back to Python.
    command = [sys.executable, "-m", "transcrypt", "-b", "-n", "-m", "-od", str(work), str(source)]
    output = _run(command, cwd=root, env=env)
    if "Error while compiling" in output or not (work / f"{source.stem}.js").is_file():
        raise BuildError(f"Transcrypt could not compile {source.relative_to(root)}:\n{output}")


def _use_slim_runtime(folder: Path) -> None:
    """Point each generated module at runtime.js, importing only the runtime names it uses.

    Transcrypt's runtime patches prototypes at load time, so bundlers keep all of it; ours
    holds just what the browser code needs. A module that uses a name runtime.js does not
    provide stops the build here, rather than failing in a visitor's browser.
    """
    provided = set(re.findall(r"^export (?:var|function) ([\w$]+)", SLIM_RUNTIME.read_text(), re.M))
    for module in sorted(folder.glob("*.js")):
        text = module.read_text()
        found = RUNTIME_IMPORT.search(text)
        if found is None:
            continue
        body = DEFAULT_ARGUMENT.sub(r"if (\1 === undefined) \1 = \2;", text[found.end() :])
        body = _plain_methods(module.name, body)
        code = NOT_REFERENCES.sub(" ", body)
        local = _declared_names(code)
        used = [
            name
            for name in (name.strip() for name in found[1].split(","))
            if name not in local and re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", code)
        ]
        renamed = RENAMED_METHOD_CALL.search(text)
        if renamed:
            raise BuildError(
                f"{module.name} calls .{renamed[1]}() on a JavaScript object, and Transcrypt"
                f" renamed it .py_{renamed[1]}(): write obj['{renamed[1]}'](...) instead, or add"
                f" __pragma__('noalias', '{renamed[1]}') to the module"
            )
        missing = sorted(set(used) - provided)
        if missing:
            raise BuildError(
                f"{module.name} uses {', '.join(missing)} from Transcrypt's runtime, which"
                f" {SLIM_RUNTIME.name} does not provide: write it another way or add it there"
            )
        imports = f"import {{{', '.join(used)}}} from './runtime.js';" if used else ""
        module.write_text(text[: found.start()] + imports + body)
    shutil.copyfile(SLIM_RUNTIME, folder / "runtime.js")


def _plain_methods(module: str, code: str) -> str:
    """Each method getter (METHOD_OPEN ... METHOD_CLOSE) as the plain function it returns, and
    no module names. Lines change but none goes, so Transcrypt's source maps still hold. The
    method lines must pair up, open then close, or the build stops: a change in how Transcrypt
    writes classes must not slip through as broken JavaScript."""
    marks = sorted(
        [(m.start(), "open") for m in METHOD_OPEN.finditer(code)]
        + [(m.start(), "close") for m in METHOD_CLOSE.finditer(code)]
    )
    if [kind for _, kind in marks] != ["open", "close"] * (len(marks) // 2):
        raise BuildError(
            f"{module}: Transcrypt's method getters no longer pair up line by line as"
            " analytics_web/build.py expects (METHOD_OPEN, METHOD_CLOSE); update them"
        )
    code = METHOD_OPEN.sub(r"\t\1: \2\3", code)
    code = METHOD_CLOSE.sub(r"\t}\1", code)
    code = CLASS_MODULE.sub("\n", MODULE_NAME.sub("\n", code))  # lines kept: the maps hold
    code = CLASS_NAME.sub("__class__ (", code)
    if re.search(r"(?<![\w$])__name__(?![\w$])|__class__ \('", code):
        raise BuildError(
            f"{module}: a module or class name the build could not take out (it reads"
            " __name__, or Transcrypt writes __class__ differently): see _plain_methods"
        )
    return code


def _declared_names(code: str) -> set[str]:
    """Variables and parameters the module declares: a Python local named ``bytes`` or ``hex``
    shadows the runtime's, so it needs no import."""
    names = set(re.findall(r"\b(?:var|let|const)\s+([\w$]+)", code))
    for parameters in re.findall(r"\bfunction\s*[\w$]*\s*\(([^)]*)\)", code):
        names.update(re.findall(r"[\w$]+", parameters))
    return names


def _esbuild(
    esbuild: Path,
    entry: Path,
    target: Path,
    output: Output,
    integrity: dict[str, str],
    names: Path,
) -> None:
    """Bundle with esbuild; minified outputs are then minified by terser (see _terser).
    ``integrity``: the SRI hash of each feature file built so far, which the core carries."""
    bundled = target.with_suffix(".bundle.js") if output.minify else target
    command = [
        str(esbuild),
        str(entry),
        "--bundle",
        f"--format={output.format}",
        "--target=es2019",
        "--sourcemap",
        "--legal-comments=none",
        f"--define:ANALYTICS_WEB_VERSION={json.dumps(__version__)}",
        f"--define:SNIPPET_EVENT_METHODS={json.dumps(_event_methods())}",
        f"--define:FEATURE_INTEGRITY={json.dumps(integrity)}",
        "--external:./analytics.*.esm.js",  # the ES module's features: files of their own
        f"--outfile={bundled}",
        "--log-level=warning",
    ]
    _run(command, cwd=entry.parent)
    if output.minify:
        _terser(esbuild.parent / "terser", bundled, target, names, module=output.format == "esm")
        bundled.unlink()
        bundled.with_suffix(".js.map").unlink()


# Attributes of the Python browser code are snake_case; the public API (track, anonymousId,
# failedDelivery ...), the wire format, plugins and options are camelCase or one word. So
# snake_case properties are internal and can take short names: 10% of the gzipped bundle. The
# wire's own snake_case keys are not: Amplitude's session_id (sessions.py).
INTERNAL_PROPERTY = r"/^(?!session_id$)[a-z][a-z0-9]*(_[a-z0-9]+)+$/"


def _terser(terser: Path, source: Path, target: Path, names: Path, *, module: bool) -> None:
    """Minify with terser, which compresses this code about 10% smaller than esbuild does,
    mostly by shortening internal property names; the source map follows through. Every
    Python function becomes a `function` expression; unsafe_arrows writes those that read
    neither `this` nor `arguments` as arrows (-4.7 KB raw, -220 B gzip). Nothing calls them
    with `new` except AnalyticsBrowser, which reads its arguments to stay a function."""
    command = [
        str(terser),
        str(source),
        "--compress",
        "passes=2,unsafe_arrows=true",
        "--mangle",
        "--mangle-props",
        f"regex={INTERNAL_PROPERTY}",
        "--name-cache",
        str(names),
        "--ecma",
        "2019",
        "--source-map",
        f"content='{source.name}.map',url='{target.name}.map',includeSources",
        "--output",
        str(target),
    ]
    if module:
        command.append("--module")
    _run(command, cwd=source.parent)


def _name_real_sources(source_map: Path) -> None:
    """Point a map at the files a developer edits (analytics_web/browser/delivery.py), not at
    the build's copies (.build/transcrypt/standalone/analytics_web.browser.delivery.py): the
    copies are the same text, so the mappings hold. Paths are from dist/ to the checkout."""
    document = json.loads(source_map.read_text())
    document["sources"] = [_real_source(source) for source in document["sources"]]
    source_map.write_text(json.dumps(document, separators=(",", ":")))


def _real_source(source: str) -> str:
    if source.startswith("<"):  # a value the build defined (<define:...>), not a file
        return source
    name = Path(source).name.removeprefix("analytics_web.browser.")
    return f"../analytics_web/browser/{name}"


def _event_methods() -> list[str]:
    """The calls that make events, from snippet/methods.json: the stub records the page with
    them, and the bundle's plugins have a method for each."""
    return list(json.loads((SOURCE_ROOT / "snippet" / "methods.json").read_text())["events"])


def _run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise BuildError(f"{Path(command[0]).name} failed ({result.returncode}):\n{output}")
    return output
