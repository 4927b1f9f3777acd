"""The npm-style package: `npm pack` gives a tarball an SPA can install and type-check against."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from analytics_web import __version__
from analytics_web.paths import SOURCE_ROOT
from analytics_web.snippet import FEATURES
from tests.support.once import made_once

TYPESCRIPT = Path(__file__).parent / "typescript"
TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "es2020",
        "module": "esnext",
        "moduleResolution": "bundler",
        "lib": ["es2020", "dom"],
        "skipLibCheck": False,
    }
}


def pack_and_install(work: Path) -> None:
    """The packed analytics-web installed from its tarball, offline, in a fresh project."""
    packed = subprocess.run(
        ["npm", "pack", "--json", "--pack-destination", str(work)],
        cwd=SOURCE_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    tarball = work / json.loads(packed.stdout)[0]["filename"]
    (work / "package.json").write_text(json.dumps({"name": "consumer", "private": True}))
    subprocess.run(
        ["npm", "install", "--offline", "--no-audit", "--no-fund", str(tarball)],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.fixture(scope="session")
def consumer(tmp_path_factory: pytest.TempPathFactory, worker_id: str, dist: Path) -> Path:
    """A project with the npm package installed, made once per run."""
    return made_once(tmp_path_factory, worker_id, "consumer", pack_and_install)


def tsc(project: Path, source: str) -> subprocess.CompletedProcess[str]:
    """Type-check ``source`` in the shared project, with a tsconfig of its own: workers
    checking other sources at the same time must not swap it under this one."""
    shutil.copy(TYPESCRIPT / source, project / source)
    config = project / f"tsconfig.{source}.json"
    config.write_text(json.dumps({**TSCONFIG, "files": [source]}))
    return subprocess.run(
        [str(SOURCE_ROOT / "node_modules" / ".bin" / "tsc"), "-p", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_package_json_describes_the_module():
    package = json.loads((SOURCE_ROOT / "package.json").read_text())
    assert package["version"] == __version__
    assert package["exports"]["."] == {
        "types": "./types/index.d.ts",
        "import": "./dist/analytics.esm.js",
    }


def test_the_tarball_holds_the_module_and_its_types(consumer: Path):
    installed = consumer / "node_modules" / "analytics-web"
    assert (installed / "dist" / "analytics.esm.js").is_file()
    # The features it imports on first use, and the script bundles' files with the single file.
    for name in FEATURES:
        assert (installed / "dist" / f"analytics.{name}.esm.js").is_file()
        assert (installed / "dist" / f"analytics.{name}.min.js").is_file()
    assert (installed / "dist" / "analytics.full.min.js").is_file()
    assert (installed / "types" / "index.d.ts").is_file()
    assert not (installed / "analytics_web").exists()  # Python sources stay out of the npm package


def test_typescript_code_using_the_api_compiles(consumer: Path):
    result = tsc(consumer, "usage.ts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_written_as_analytics_nexts_readme_writes_it_compiles(consumer: Path):
    result = tsc(consumer, "as_analytics_next_readme.ts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_typescript_catches_a_misused_call(consumer: Path):
    result = tsc(consumer, "misuse.ts")
    assert result.returncode != 0
    assert "misuse.ts" in result.stdout + result.stderr


# An app's analytics module as server-side rendering (Next.js, Nuxt) runs it in Node: loaded at
# module level, with calls made while rendering, some never awaited.
SERVER_RENDER = """
import { AnalyticsBrowser } from 'analytics-web';
export const analytics = AnalyticsBrowser.load({ writeKey: 'KEY' });
const settled = (promise) => promise.then(() => 'resolved', (error) => error.message);
analytics.track('Rendered');
analytics.identify('u-1');
analytics.user();
const outcome = {
  chained: analytics.debug(true).on('track', () => {}) === analytics,
  track: await settled(analytics.track('Rendered')),
  load: await settled(analytics),
  standalone: await settled(AnalyticsBrowser.standalone('KEY')),
};
console.log(JSON.stringify(outcome));  // Node still ends with an error on any rejection left
"""


def test_an_app_rendered_on_a_server_loads_the_package_without_breaking(consumer: Path):
    """No page there: load() and the calls settle with an error that says so, and nothing is
    thrown or left as an unhandled rejection (which ends a Node process)."""
    (consumer / "server_render.mjs").write_text(SERVER_RENDER)
    result = subprocess.run(
        ["node", "server_render.mjs"], cwd=consumer, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no warning either (Node guessing the module's type, say)
    outcome = json.loads(result.stdout)
    assert outcome.pop("chained") is True
    assert set(outcome.values()) == {
        "analytics-web: no page here (server-side rendering?): make calls in the browser"
    }
