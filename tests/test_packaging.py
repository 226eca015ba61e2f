"""The project's own files: layout, packaging, the two README commands, CI."""

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

import commlib

ROOT = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _normalised(spec: str) -> tuple[str, str]:
    req = Requirement(spec)
    return req.name.lower().replace("_", "-"), str(req.specifier)


def test_layout():
    for name in ["notebooks", "commlib", "data", "tests", "benchmarks", ".ci"]:
        assert (ROOT / name).is_dir(), name
    for name in [
        "environment.yml",
        "pyproject.toml",
        "README.md",
        "Makefile",
        "CHANGELOG.md",
        ".ci/run",
    ]:
        assert (ROOT / name).is_file(), name


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {_normalised(d) for d in conda if _normalised(d)[0] not in ("python", "pip")}
    assert listed == {_normalised(d) for d in PYPROJECT["project"]["dependencies"]}
    assert "-e ." in pip  # the package itself
    python = next(d for d in conda if d.startswith("python"))
    assert python.replace(" ", "") == "python" + PYPROJECT["project"]["requires-python"]


def test_package_metadata():
    project = PYPROJECT["project"]
    assert project["scripts"]["commlib"] == "commlib.cli:main"
    assert "test" in project["optional-dependencies"]
    for needed in ["jupyterlab", "ipywidgets", "pandas", "altair", "nbconvert"]:
        assert any(_normalised(d)[0] == needed for d in project["dependencies"]), needed
    assert project["version"] == commlib.__version__
    assert "ruff" in PYPROJECT["tool"]


def test_readme_starts_with_exactly_the_two_commands():
    text = (ROOT / "README.md").read_text()
    first = text.split("\n## ")[1]  # the first section after the title
    blocks = re.findall(r"```(?:sh|bash)?\n(.*?)```", first, re.S)
    assert blocks[0].split("\n")[:-1] == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    for target in ["demo:", "test:", "lab:"]:
        assert re.search(rf"^{target}", makefile, re.M), target


def test_ci_runs_make_test():
    run = (ROOT / ".ci/run").read_text()
    assert "make test" in run and run.startswith("#!")
    assert (ROOT / ".ci/run").stat().st_mode & 0o111


def test_translations_ship_with_the_package():
    data = PYPROJECT["tool"]["setuptools"]["package-data"]["commlib"]
    assert "locale/*/LC_MESSAGES/*.po" in data
    assert len(list((ROOT / "commlib/locale").glob("*/LC_MESSAGES/commlib.po"))) == 2
    wheel_files = {p.name for p in (ROOT / "commlib/locale/en/LC_MESSAGES").iterdir()}
    assert wheel_files == {p.name for p in (ROOT / "commlib/locale/zh_CN/LC_MESSAGES").iterdir()}
