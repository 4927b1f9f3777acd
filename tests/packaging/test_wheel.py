"""The wheel as a user gets it: `pip install analytics-web` into a fresh venv, then the CLI works
from there, with the bundle, the snippet's sources and the demo site taken from the wheel."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
import venv
from pathlib import Path

import pytest

from analytics_web.paths import SOURCE_ROOT
from analytics_web.snippet import render
from tests.support.once import made_once


def run(*command: str | Path, cwd: Path, timeout: float = 300) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def build_and_install(folder: Path) -> None:
    """The wheel built from this checkout, installed in a fresh venv at ``folder/venv``."""
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        folder / "wheels",
        SOURCE_ROOT,
        cwd=folder,
    )
    [wheel] = (folder / "wheels").glob("analytics_web-*.whl")
    venv.create(folder / "venv", with_pip=True)
    python = folder / "venv" / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", f"{wheel}[collector]", cwd=folder)


@pytest.fixture(scope="session")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The venv with the wheel installed, made once per run; yields its bin folder."""
    return made_once(tmp_path_factory, worker_id, "wheel", build_and_install) / "venv" / "bin"


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Path, tmp_path: Path):
    where = run(
        installed / "python",
        "-c",
        "import analytics_web; print(analytics_web.__file__)",
        cwd=tmp_path,
    )
    assert str(installed.parent) in where and str(SOURCE_ROOT) not in where


def test_type_checkers_read_the_installed_packages_types(installed: Path, tmp_path: Path):
    """The wheel ships py.typed: a site's mypy sees render() and server_identity() as they
    are typed, instead of as Any."""
    site = tmp_path / "site_code.py"
    site.write_text(
        "from analytics_web.cookies import server_identity\n"
        "from analytics_web.snippet import render\n"
        "html: int = render('KEY')\n"
        "cookies: str = server_identity({}).cookies\n"
    )
    checked = subprocess.run(
        [
            *(sys.executable, "-m", "mypy", "--no-incremental", "--strict"),
            *("--python-executable", str(installed / "python"), str(site)),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert '(expression has type "Markup", variable has type "int")' in checked.stdout, checked
    assert 'variable has type "str"' in checked.stdout, checked.stdout


def test_the_snippet_command_works_from_the_wheel(installed: Path, tmp_path: Path):
    printed = run(
        installed / "analytics-web", "snippet", "--write-key", "KEY", "--integrity", cwd=tmp_path
    )
    assert printed.strip() == render(
        "KEY",
        integrity=json.loads((SOURCE_ROOT / "dist" / "manifest.json").read_text())["files"][
            "analytics.min.js"
        ]["integrity"],
    )


def test_the_demo_serves_its_site_bundle_and_debugger_from_the_wheel(
    installed: Path, tmp_path: Path
):
    process = subprocess.Popen(
        [
            str(installed / "analytics-web"),
            "demo",
            "--port",
            "0",
            "--db",
            str(tmp_path / "demo.sqlite3"),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        url = process.stdout.readline().split()[-1]
        pages = {
            path: fetch(url + path)
            for path in [
                "",
                "pricing.html",
                "app/settings",
                "debugger",
                "dist/analytics.min.js",
                "style.css",
            ]
        }
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert all(status == 200 for status, _ in pages.values()), {p: s for p, (s, _) in pages.items()}
    assert "a.load(" in pages[""][1]  # the snippet, rendered from the wheel's template
    assert (
        pages["dist/analytics.min.js"][1] == (SOURCE_ROOT / "dist" / "analytics.min.js").read_text()
    )


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()
