"""``kg assets``: the pages' browser assets (YASGUI, Chart.js) from the npm registry.

The repository pins ``@zazuko/yasgui`` and ``chart.js`` exactly in package.json and
package-lock.json; nothing built is committed and nothing is loaded from a CDN. This runs
``npm ci`` (``npm install`` when there is no lock file) with ``--ignore-scripts`` and copies each
package's built files into its directory of ``server/static`` (git-ignored): YASGUI into
``yasgui/``, where the page at ``/`` finds it (without it the page is a plain form), and Chart.js
into ``chartjs/``, which draws the query page's chart view and the budget charts of the Linked
Data pages (without it those pages show the numbers as tables only).

Where npm runs: in the clone (the directory holding our package.json: the repository of this
code, else the current directory), so node_modules/ stays beside package.json; from an installed
wheel outside a clone, in a cache directory fed with the bundled package.json and lock file.
Where the files go: the static directory of the importable ``server`` package (what ``kg serve``
serves) and, when run from a clone, the clone's own server/static (what the tests serve).

Only the standard library is used, so CI can run ``python -m kg assets`` before installing
anything else.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from kg.common import paths
from kg.common.errors import KgError

PACKAGE_NAME = "bg-inclusion-kg-assets"  # the "name" in our package.json
YASGUI = "@zazuko/yasgui"
# what the page needs from node_modules/@zazuko/yasgui/build (the map only helps a debugger)
BUILT_FILES = ("yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map")
NPM_FLAGS = ("--no-audit", "--no-fund", "--ignore-scripts")
CHART_JS = "chart.js"
# what the charts need from node_modules/chart.js/dist: the UMD build (window.Chart), no map
CHART_FILES = ("chart.umd.min.js",)
CHART_DIRECTORY = "chartjs"  # server/static/chartjs


def _is_ours(directory: Path) -> bool:
    manifest = directory / "package.json"
    if not manifest.is_file():
        return False
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("name") == PACKAGE_NAME
    except (ValueError, OSError):
        return False


def clone_dir() -> Path | None:
    """The clone holding our package.json: this code's repository, else the current directory."""
    for candidate in (paths.REPO_DIR, Path.cwd()):
        if _is_ours(candidate):
            return candidate
    return None


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bg-inclusion-kg" / "assets"


def npm_dir() -> Path:
    """Where npm runs: the clone, else a cache directory with the bundled package.json."""
    clone = clone_dir()
    if clone is not None:
        return clone
    bundled = paths.bundle_dir()
    if not _is_ours(bundled):
        raise KgError(f"{bundled / 'package.json'}: not found; run `kg assets` in a clone of the "
                      "repository")
    work = cache_dir()
    work.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        if (bundled / name).is_file():
            shutil.copyfile(bundled / name, work / name)
        elif (work / name).exists():
            (work / name).unlink()
    return work


def served_static_dir() -> Path | None:
    """server/static of the ``server`` package Python imports (found without importing Flask)."""
    spec = importlib.util.find_spec("server")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / "query_page.py").is_file():
            return Path(location) / "static"
    return None


def target_dirs() -> list[Path]:
    """Every server/static/yasgui to fill: the imported package's and the clone's."""
    clone = clone_dir()
    candidates = [served_static_dir(), clone / "server" / "static" if clone else None]
    targets: list[Path] = []
    seen: set[Path] = set()
    for static in candidates:
        if static is not None and static.is_dir() and static.resolve() not in seen:
            seen.add(static.resolve())
            targets.append(static / "yasgui")
    return targets


def npm_command(workdir: Path, npm: str = "npm") -> list[str]:
    executable = shutil.which(npm)
    if executable is None:
        raise KgError(f"{npm}: not found. The query page's YASGUI comes from the npm registry: "
                      "install Node.js and npm (Debian: apt-get install npm), then run `kg assets` "
                      "again. Without the assets, / serves a plain query form.")
    verb = "ci" if (workdir / "package-lock.json").is_file() else "install"
    return [executable, verb, *NPM_FLAGS]


def _copy_build(build: Path, target: Path, version: str, files: tuple[str, ...] = BUILT_FILES,
                package: str = YASGUI) -> None:
    """Replace ``target`` with the built files, via a sibling staging directory."""
    staging = target.with_name(f".{target.name}.staging-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for name in files:
            shutil.copy2(build / name, staging / name)
        (staging / "VERSION").write_text(f"{package} {version}\n", encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def install_assets(npm: str = "npm", targets: list[Path] | None = None, quiet: bool = False) -> list[Path]:
    """Run npm and copy YASGUI's built files into each target (and Chart.js's beside it, in
    chartjs/); returns the filled yasgui directories."""
    workdir = npm_dir()
    command = npm_command(workdir, npm)
    if not quiet:
        print(f"{' '.join(command[1:])} in {workdir} …", file=sys.stderr, flush=True)
    result = subprocess.run(command, cwd=workdir, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE if quiet else sys.stderr,
                            stderr=subprocess.STDOUT if quiet else None, text=True, check=False)
    if result.returncode != 0:
        raise KgError(f"{workdir}: `npm {command[1]}` failed with exit code {result.returncode}"
                      + (f":\n{result.stdout[-2000:]}" if quiet and result.stdout else ""))
    # (package, its directory of built files, the files, the directory beside yasgui/ they go in)
    packages = ((YASGUI, "build", BUILT_FILES, None), (CHART_JS, "dist", CHART_FILES, CHART_DIRECTORY))
    versions: dict[str, str] = {}
    for name, built, files, _ in packages:
        package = workdir / "node_modules" / name
        missing = [file for file in files if not (package / built / file).is_file()]
        if missing:
            raise KgError(f"{package / built}: {', '.join(missing)} missing after npm {command[1]}")
        versions[name] = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    filled: list[Path] = []
    failures: list[str] = []
    for target in target_dirs() if targets is None else targets:
        try:
            for name, built, files, directory in packages:
                _copy_build(workdir / "node_modules" / name / built,
                            target.with_name(directory) if directory else target,
                            versions[name], files, name)
            filled.append(target)
        except OSError as error:
            failures.append(f"{target}: {error.strerror or error}")
    for failure in failures:
        print(f"warning: {failure}", file=sys.stderr)
    if not filled:
        raise KgError("YASGUI was installed but could not be copied anywhere"
                      + (": " + "; ".join(failures) if failures else " (no server/static found)"))
    if not quiet:
        for target in filled:
            print(f"{YASGUI} {versions[YASGUI]}, {CHART_JS} {versions[CHART_JS]} -> {target.parent}")
    return filled
