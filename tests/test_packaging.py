"""The project's own files: layout, packaging, the two README commands, CI."""

import os
import re
import shutil
import site
import subprocess
import sys
import tomllib
import zipfile
from html import escape as html_escape
from pathlib import Path

import yaml
from packaging.requirements import Requirement

import commlib
from commlib.demo import DEMO_PROJECTS

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


def _ignored_in_a_build(folder: str, names: list[str]) -> set[str]:
    """What a wheel is not built from: environments, caches, builds, the store, the tests."""
    skipped = {".git", ".venv", "build", "dist", "data", "reports", "tests", "benchmarks"}
    at_root = Path(folder) == ROOT
    return {
        n
        for n in names
        if (at_root and n in skipped)
        or n in ("__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis")
        or n.endswith(".egg-info")
    }


def test_an_installed_wheel_writes_a_report(tmp_path):
    """The wheel holds what ``commlib report`` reads (notebooks, template, translations): built
    offline with this environment's setuptools, installed alone in a new virtualenv that sees
    the dependencies installed here (not the checkout), then run outside the repository."""
    source = tmp_path / "source"  # a copy: the build leaves nothing in the checkout
    shutil.copytree(ROOT, source, symlinks=True, ignore=_ignored_in_a_build)
    wheels = tmp_path / "wheels"
    quiet = ["--quiet", "--disable-pip-version-check", "--no-index", "--no-deps"]
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", *quiet, "--no-build-isolation", "-w", wheels,
         source],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert built.returncode == 0, f"setuptools>=77 (pip install -e '.[test]')?\n{built.stderr}"
    (wheel,) = wheels.glob("commlib-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    shipped = {f"commlib/notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert shipped and shipped <= names
    assert not any(n.startswith("notebooks/") for n in names)  # not beside the package

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python, commlib_script = venv / "bin" / "python", venv / "bin" / "commlib"
    site_packages = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    # the dependencies installed here, as plain folders: their .pth files (the editable
    # commlib's finder among them) are not read
    (site_packages / "dependencies.pth").write_text(
        "".join(f"{p}\n" for p in site.getsitepackages() if Path(p).is_dir())
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COMMLIB_NOTEBOOKS")}
    env.pop("COMMLIB_DB", None)
    # and their shared files (nbconvert's templates), which jupyter looks for under sys.prefix
    shared = [str(Path(sys.prefix) / "share" / "jupyter"), env.get("JUPYTER_PATH", "")]
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in shared if p)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", *quiet, wheel],
        check=True, env=env, cwd=tmp_path,
    )  # fmt: skip

    def run(*args: object) -> str:
        done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = run(
        python, "-c",
        "import commlib, commlib.report as r; print(commlib.__file__); print(r.notebooks_dir())",
    ).split()  # fmt: skip
    assert [Path(p).is_relative_to(site_packages) for p in where] == [True, True], where
    assert Path(where[1]) == site_packages / "commlib" / "notebooks"

    store = tmp_path / "store.db"
    run(commlib_script, "--db", store, "demo", "--lang", "en")
    project = DEMO_PROJECTS["en"]
    page = tmp_path / "out" / "status_review.html"
    run(commlib_script, "--db", store, "report", "status_review", "--project", project, "-o", page)
    html = page.read_text(encoding="utf-8")
    assert html_escape(project, quote=False) in html
    assert "report.title" not in html  # the translations were found
    assert "vegaEmbed" in html  # the template and the offline charts
