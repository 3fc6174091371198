"""The tablet's runtime can be packaged as pinned, and what is tested is what it gets.

`flet build apk` installs only binary wheels from Flet's mobile index for the device, so
every package with compiled code in the tablet's set ([project].dependencies and all they
pull in, resolved from the installed distributions' metadata with the device's markers)
must be in packaging/flet_android_packages.tsv at a version listed there, and pinned
exactly in [project].dependencies so the device and these tests get the same version.
"""

from __future__ import annotations

import csv
import importlib.metadata as md
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
INDEX_TSV = ROOT / "packaging" / "flet_android_packages.tsv"

# The Pythons flet-cli 1.0.5 can bundle (Flet's docs, "Choosing a Python version").
FLET_PYTHONS = ("3.12.13", "3.13.14", "3.14.6")
BUNDLED_PYTHON = "3.12"
NATIVE_SUFFIXES = (".so", ".pyd", ".dylib")


@dataclass(frozen=True)
class Installed:
    name: str
    version: str
    requires: tuple[str, ...]
    compiled: bool


Lookup = Callable[[str], "Installed | None"]


def installed(name: str) -> Installed | None:
    """What this environment has installed under `name`, or None."""
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        return None
    wheel = dist.read_text("WHEEL") or ""
    platlib = re.search(r"^Root-Is-Purelib:\s*false\s*$", wheel, re.I | re.M) is not None
    native = any(str(f).endswith(NATIVE_SUFFIXES) for f in dist.files or ())
    return Installed(
        name=canonicalize_name(dist.metadata["Name"]),
        version=dist.version,
        requires=tuple(dist.requires or ()),
        compiled=platlib or native,
    )


def device_environment(python: str) -> dict[str, str]:
    """Marker values on the tablet: Android, CPython `python` (short version)."""
    full = next(v for v in FLET_PYTHONS if v.startswith(python + "."))
    return {
        "python_version": python,
        "python_full_version": full,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "implementation_version": full,
        "os_name": "posix",
        "sys_platform": "android",
        "platform_system": "Android",
        "platform_machine": "aarch64",
    }


def applies(req: Requirement, env: dict[str, str], extras: Iterable[str]) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate({**env, "extra": e}) for e in ("", *extras))


def resolve(
    requirements: Iterable[str], env: dict[str, str], lookup: Lookup = installed
) -> tuple[dict[str, Installed], list[str]]:
    """The installed distributions `requirements` pull in (transitively) on `env`, and
    the problems met: a requirement not installed, or installed at a version it excludes."""
    found: dict[str, Installed] = {}
    problems: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    queue = [(Requirement(r), "[project].dependencies") for r in requirements]
    while queue:
        req, via = queue.pop(0)
        if not applies(req, env, ()):
            continue
        name = canonicalize_name(req.name)
        dist = found.get(name) or lookup(name)
        if dist is None:
            problems.append(f"{name} (needed by {via}) is not installed: cannot check it")
            continue
        found[name] = dist
        if not req.specifier.contains(dist.version, prereleases=True):
            problems.append(f"{name} {dist.version} does not satisfy {req} (needed by {via})")
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        for line in dist.requires:
            sub = Requirement(line)
            if applies(sub, env, req.extras):
                sub.marker = None
                queue.append((sub, f"{name} {dist.version}"))
    return found, problems


def read_index(path: Path = INDEX_TSV) -> dict[str, dict[str, str]]:
    """Flet's Android index: canonical name -> versions built, each row as in the TSV."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return {canonicalize_name(r["package"]): r for r in rows}


NOTE = re.compile(
    r"^(?P<new>\S+) when the bundled Python is (?P<python>\d+\.\d+) or newer, else (?P<old>\S+)$"
)


def index_versions(row: dict[str, str], python: str) -> set[str]:
    """The versions the index builds for the bundled `python`: a row with more than one
    version says in its note which goes with which Python."""
    versions = [v.strip() for v in row["versions_built"].split(",") if v.strip()]
    if len(versions) == 1:
        return set(versions)
    m = NOTE.match((row.get("note") or "").strip())
    if m is None:
        raise ValueError(f"{row['package']}: several versions and no rule for them: {row}")
    newer = Version(python) >= Version(m["python"])
    return {m["new"] if newer else m["old"]}


def exact_pin(requirement: str) -> str | None:
    """The version `requirement` pins with a single `==` (no wildcard), else None."""
    req = Requirement(requirement)
    specs = list(req.specifier)
    if req.url or len(specs) != 1 or specs[0].operator != "==" or "*" in specs[0].version:
        return None
    return specs[0].version


def pin_problems(requirements: Iterable[str]) -> list[str]:
    return [f"not an exact pin (==): {r}" for r in requirements if exact_pin(r) is None]


def index_problems(
    requirements: list[str],
    python: str,
    index: dict[str, dict[str, str]],
    lookup: Lookup = installed,
) -> tuple[list[str], set[str]]:
    """Every compiled package of the tablet's set must be in Flet's index at a version it
    builds for `python`, and pinned exactly in `requirements`. Also returns the compiled
    packages found (so a caller can see the check had something to check)."""
    found, problems = resolve(requirements, device_environment(python), lookup)
    pins = {canonicalize_name(Requirement(r).name): exact_pin(r) for r in requirements}
    compiled = {name for name, dist in found.items() if dist.compiled}
    for name in sorted(compiled):
        dist = found[name]
        row = index.get(name)
        if row is None:
            problems.append(f"{name} {dist.version} has compiled code and is not in Flet's index")
            continue
        built = index_versions(row, python)
        if dist.version not in built:
            problems.append(
                f"{name} {dist.version} is not a version Flet's index builds for Python "
                f"{python} ({', '.join(sorted(built))})"
            )
        if pins.get(name) != dist.version:
            problems.append(
                f"{name} has compiled code: pin it in [project].dependencies as "
                f"{name}=={dist.version} so the tablet gets the version tested here"
            )
    return problems, compiled


# --- the project as it is -------------------------------------------------------------

TABLET_REQUIREMENTS: list[str] = PYPROJECT["project"]["dependencies"]


def bundled_python() -> str:
    """What flet-cli 1.0.5 bundles: the highest of its Pythons that requires-python admits
    (flet_cli.utils.python_versions.resolve_python_version)."""
    spec = SpecifierSet(PYPROJECT["project"]["requires-python"])
    admitted = [Version(v) for v in FLET_PYTHONS if Version(v) in spec]
    assert admitted, f"requires-python {spec} admits none of Flet's Pythons {FLET_PYTHONS}"
    top = max(admitted)
    return f"{top.major}.{top.minor}"


def test_every_tablet_pin_is_exact() -> None:
    assert not pin_problems(TABLET_REQUIREMENTS), pin_problems(TABLET_REQUIREMENTS)


def test_flet_bundles_the_python_chosen_for_the_tablet() -> None:
    assert bundled_python() == BUNDLED_PYTHON


def test_tablet_runtime_is_in_flets_android_index() -> None:
    problems, compiled = index_problems(TABLET_REQUIREMENTS, BUNDLED_PYTHON, read_index())
    assert not problems, "\n".join(problems)
    # the checker saw the compiled packages it is there for
    assert {"cryptography", "cffi", "msgpack"} <= compiled, compiled


def test_android_manifest_settings() -> None:
    android = PYPROJECT["tool"]["flet"]["android"]
    assert android["manifest_application"]["allowBackup"] == "false"  # a string: android:K="V"
    assert {k for k, v in android["permission"].items() if v} == {
        "android.permission.INTERNET",
        "android.permission.CAMERA",
    }
    assert "armeabi-v7a" in android["target_arch"]


def test_every_multi_version_row_says_which_python_it_is_for() -> None:
    for row in read_index().values():
        for python in ("3.12", "3.13", "3.14"):
            assert len(index_versions(row, python)) == 1, row


# --- the checker itself, on planted environments ----------------------------------------


def fake(*dists: Installed) -> Lookup:
    by_name = {d.name: d for d in dists}
    return by_name.get


INDEX = {
    "cryptography": {
        "package": "cryptography",
        "versions_built": "48.0.0,43.0.1",
        "note": "48.0.0 when the bundled Python is 3.14 or newer, else 43.0.1",
    },
    "cffi": {"package": "cffi", "versions_built": "2.0.0", "note": ""},
}
CRYPTO = Installed(
    "cryptography", "43.0.1", ("cffi>=1.12; platform_python_implementation != 'PyPy'",), True
)
CFFI = Installed("cffi", "2.0.0", ("pycparser",), True)
PYCPARSER = Installed("pycparser", "2.22", (), False)


def test_checker_passes_a_good_set() -> None:
    problems, compiled = index_problems(
        ["cryptography==43.0.1", "cffi==2.0.0"], "3.12", INDEX, fake(CRYPTO, CFFI, PYCPARSER)
    )
    assert problems == [] and compiled == {"cryptography", "cffi"}


def test_checker_fails_a_compiled_version_the_index_does_not_build() -> None:
    cffi = Installed("cffi", "2.1.1", ("pycparser",), True)
    problems, _ = index_problems(
        ["cryptography==43.0.1", "cffi==2.1.1"], "3.12", INDEX, fake(CRYPTO, cffi, PYCPARSER)
    )
    assert problems == ["cffi 2.1.1 is not a version Flet's index builds for Python 3.12 (2.0.0)"]


def test_checker_fails_a_version_built_only_for_another_python() -> None:
    crypto = Installed("cryptography", "48.0.0", CRYPTO.requires, True)
    problems, _ = index_problems(
        ["cryptography==48.0.0", "cffi==2.0.0"], "3.12", INDEX, fake(crypto, CFFI, PYCPARSER)
    )
    assert len(problems) == 1 and "cryptography 48.0.0 is not a version" in problems[0]
    problems, _ = index_problems(
        ["cryptography==48.0.0", "cffi==2.0.0"], "3.14", INDEX, fake(crypto, CFFI, PYCPARSER)
    )
    assert problems == []


def test_checker_fails_a_compiled_package_missing_from_the_index() -> None:
    app = Installed("app", "1.0", ("pillow>=10",), False)
    pillow = Installed("pillow", "13.0.0", (), True)
    problems, _ = index_problems(["app==1.0"], "3.12", INDEX, fake(app, pillow))
    assert problems[0] == "pillow 13.0.0 has compiled code and is not in Flet's index"


def test_checker_fails_a_transitive_compiled_package_left_unpinned() -> None:
    problems, _ = index_problems(
        ["cryptography==43.0.1"], "3.12", INDEX, fake(CRYPTO, CFFI, PYCPARSER)
    )
    assert len(problems) == 1 and "cffi has compiled code: pin it" in problems[0]


def test_checker_follows_extras_and_device_markers() -> None:
    app = Installed(
        "app",
        "1.0",
        (
            'cffi==2.0.0; extra == "native"',
            'winlib; sys_platform == "win32"',  # never on the tablet: not looked up
            'cryptography; platform_system != "Android"',
        ),
        False,
    )
    lookup = fake(app, CFFI, PYCPARSER)
    problems, compiled = index_problems(["app==1.0"], "3.12", INDEX, lookup)
    assert problems == [] and compiled == set()
    problems, compiled = index_problems(["app[native]==1.0"], "3.12", INDEX, lookup)
    assert compiled == {"cffi"} and problems == [
        "cffi has compiled code: pin it in [project].dependencies as cffi==2.0.0 so the "
        "tablet gets the version tested here"
    ]


def test_checker_fails_what_is_not_installed_or_does_not_satisfy() -> None:
    crypto = Installed("cryptography", "43.0.1", ("cffi>=2.1",), True)
    _, problems = resolve(["cryptography==43.0.1", "gone==1"], {}, fake(crypto, CFFI))
    assert "gone (needed by [project].dependencies) is not installed: cannot check it" in problems
    assert "cffi 2.0.0 does not satisfy cffi>=2.1 (needed by cryptography 43.0.1)" in problems


def test_exact_pins() -> None:
    assert pin_problems(["a==1.0", "b[x]==2; python_version < '4'"]) == []
    assert pin_problems(["a>=1", "b==1.*", "c", "d==1,<2", "e @ https://x/e.whl"]) == [
        "not an exact pin (==): a>=1",
        "not an exact pin (==): b==1.*",
        "not an exact pin (==): c",
        "not an exact pin (==): d==1,<2",
        "not an exact pin (==): e @ https://x/e.whl",
    ]


# --- no Pillow on the tablet ----------------------------------------------------------

PIL_BLOCKED_QR = """
import importlib.abc, sys

class NoPillow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "PIL":
            raise ImportError("Pillow imported by the tablet's QR code")
        return None

sys.meta_path.insert(0, NoPillow())
from field_app.card_image import qr_png
sys.stdout.buffer.write(qr_png(sys.argv[1], box_size=3))
"""


def test_card_qr_is_drawn_without_pillow() -> None:
    import subprocess
    import sys

    import png  # pypng, on the tablet
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    text = "https://kartu.example/v/" + "A" * 190
    done = subprocess.run(
        [sys.executable, "-c", PIL_BLOCKED_QR, text], cwd=ROOT, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    width, height, rows, _ = png.Reader(bytes=done.stdout).read()
    pixels = [list(r) for r in rows]
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    modules = qr.get_matrix()  # with the quiet zone; True is a dark module
    assert width == height == 3 * len(modules)
    assert all(
        pixels[3 * y + 1][3 * x + 1] == (0 if dark else 1)
        for y, row in enumerate(modules)
        for x, dark in enumerate(row)
    )
