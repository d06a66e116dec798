"""Copy ontology/, shapes/, data/, queries/ and package(-lock).json into the wheel as kg/_bundle.

A non-editable ``pip install .`` then carries everything ``kg build`` and ``kg serve`` need,
so they work from any directory (kg.common.paths finds the bundle); ``kg assets`` outside a clone
installs YASGUI from the bundled package.json and lock file.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("ontology", "shapes", "data", "queries")
BUNDLED_FILES = ("package.json", "package-lock.json")


class BuildPyWithBundle(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "kg" / "_bundle"
        for name in BUNDLED:
            source = Path(__file__).parent / name
            if source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True)
        target.mkdir(parents=True, exist_ok=True)
        for name in BUNDLED_FILES:
            source = Path(__file__).parent / name
            if source.is_file():
                shutil.copyfile(source, target / name)


setup(cmdclass={"build_py": BuildPyWithBundle})
