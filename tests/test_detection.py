"""What the detector sees beyond the case table: the text prefilter against what the parser
reads (NFKC identifiers, declared encodings, CVX003's wider filter), aliases at their edges,
and what ``check`` says about a file it cannot parse. Real flake8 and the real ``check``
wherever a file goes through a front end (#11)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ALL_RULES, case_options, check, flake8, messages, output

from flake8_covalent_executor.api import check_source, fix_source
from flake8_covalent_executor.detector import identifier_views, may_have_findings
from flake8_covalent_executor.settings import Settings

HEADER = "import covalent as ct\nfrom covalent.executor import LocalExecutor\n\n\n"
FULLWIDTH_E = "\uff45"  # "e" as a fullwidth letter: NFKC makes it "e"


def sites(source: bytes, *flags: str) -> list[str]:
    """``line:col CODE`` of each finding ``check`` gives (in process)."""
    result = check_source(source, "module.py", case_options((*ALL_RULES, *flags)))
    assert result.error is None, result.error
    return [f"{f.line}:{f.col + 1} {f.code}" for f in result.findings]


def printed_sites(text: str) -> list[str]:
    """``line:col CODE`` of each line flake8 or ``check`` printed."""
    return [
        ":".join(line.split(":")[1:3]) + " " + line.split(": ")[1][:6]
        for line in text.splitlines()
    ]


# -- identifiers Python normalises ------------------------------------------------------------
def test_an_ascii_file_is_read_as_it_is() -> None:
    data = (HEADER + "@ct.electron(executor=LocalExecutor())\ndef a():\n    return 1\n").encode()
    views = identifier_views(data)
    assert len(views) == 1 and views[0] is data  # no decoding, no copy


NORMALISED = {
    # the keyword, spelt with a fullwidth letter: the parser reads "executor"
    "keyword": (
        HEADER + f"@ct.electron({FULLWIDTH_E}xecutor=LocalExecutor())\ndef a():\n    return 1\n"
    ).encode("utf-8"),
    # the only "covalent" of the file, spelt with a fullwidth letter
    "module_name": (
        "import \uff43ovalent as ct\nfrom \uff43ovalent.executor import LocalExecutor\n\n\n"
        "@\uff43\uff54.lattice(workflow_executor=LocalExecutor())\ndef a():\n    return 1\n"
    ).encode("utf-8"),
    # a latin-1 file: the feminine ordinal (byte 0xAA) is "a" in an identifier
    "declared_latin1": (
        b"# -*- coding: latin-1 -*-\n"
        + HEADER.encode()
        + b"@ct.electron(b\xaackend=LocalExecutor())\ndef a():\n    return 1\n"
    ),
    # a fullwidth quote and comma inside a string stay what they are: the value is no
    # plain string, so normalising them would hide the keyword
    "quote_in_a_string": (
        HEADER + f'@ct.electron({FULLWIDTH_E}xecutor="a\uff02," and LocalExecutor())\n'
        "def a():\n    return 1\n"
    ).encode("utf-8"),
}
EXPECTED_LINE = {"keyword": 5, "module_name": 5, "declared_latin1": 6, "quote_in_a_string": 5}


@pytest.mark.parametrize("name", list(NORMALISED))
def test_the_prefilter_reads_identifiers_as_the_parser_does(name: str) -> None:
    data = NORMALISED[name]
    ast.parse(data)  # valid Python, as the parser reads it
    assert may_have_findings(data, Settings())
    assert [site.split(":")[0] for site in sites(data)] == [str(EXPECTED_LINE[name])]


def test_flake8_and_check_find_normalised_identifiers(tmp_path: Path) -> None:
    paths = []
    for name, data in NORMALISED.items():
        path = tmp_path / f"{name}.py"
        path.write_bytes(data)
        paths.append(str(path))
    ran = {"flake8": flake8(*ALL_RULES, *paths), "check": check(*ALL_RULES, *paths)}
    for result in ran.values():
        assert result.returncode == 1 and messages(result) == [], output(result)
    found = {tool: sorted(printed_sites(result.stdout)) for tool, result in ran.items()}
    assert found["flake8"] == found["check"]
    assert len(found["check"]) == len(NORMALISED), found


def test_fix_keeps_the_spelling_it_found() -> None:
    result = fix_source(NORMALISED["keyword"], "module.py", case_options(()))
    assert result.error is None and result.fixed == 1
    assert result.new is not None
    assert f"@ct.electron({FULLWIDTH_E}xecutor=_local_executor)".encode() in result.new


# -- CVX003 on: its wider filter never hides what the default filter lets through --------------
WITHOUT_XECUTOR = {
    # a configured lowercase factory, passed as the deprecated ``backend``
    "extra_executor": (
        "import covalent as ct\nfrom mylib import make_runner\n\n\n"
        "@ct.electron(backend=make_runner(nodes=1))\ndef a():\n    return 1\n"
    ),
    # a Covalent plugin's class whose name does not end in Executor, built twice
    "plugin_class": (
        "import covalent as ct\nfrom covalent_slurm_plugin import SlurmRunner\n\n"
        'first = SlurmRunner(partition="gpu")\nsecond = SlurmRunner(partition="cpu")\n'
        "ct.electron\n"
    ),
}


def test_cvx003_filter_lets_through_executors_without_the_word(tmp_path: Path) -> None:
    flags = ("--covalent-extra-executors=mylib.make_runner",)
    paths = []
    for name, text in WITHOUT_XECUTOR.items():
        (tmp_path / f"{name}.py").write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / f"{name}.py"))
    for tool in (flake8, check):
        result = tool(*ALL_RULES, *flags, *paths)
        assert result.returncode == 1, output(result)
        assert sorted(printed_sites(result.stdout)) == ["5:10 CVX003", "5:22 CVX001"]


# -- aliases at their edges (the table has the common forms) -----------------------------------
ALIASES = {
    "alias_of_an_alias": ("task = ct.electron\njob = task\n", "job", True),
    "from_covalent_star": ("from covalent import *\njob = electron\n", "job", True),
    "partial_of_a_partial": (
        "import functools\njob = functools.partial(functools.partial(ct.electron))\n",
        "job",
        True,
    ),
    "star_import_of_unknown_names": ("job = ct.electron\nfrom mylib import *\n", "job", False),
    "deleted": ("job = ct.electron\ndel job\njob = ct.electron\n", "job", False),
    "bound_in_a_with": ("job = ct.electron\nwith open('f') as job:\n    pass\n", "job", False),
    "imported_over": ("job = ct.electron\nfrom mylib import job\n", "job", False),
    "partial_of_print": ("import functools\njob = functools.partial(print)\n", "job", False),
    "partial_rebound": (
        "import functools\npartial = functools.partial\npartial = print\n"
        "job = partial(ct.electron)\n",
        "job",
        False,
    ),
    "class_alias_seen_from_a_method": (
        "class W:\n    job = ct.electron\n\n    def m(self):\n"
        "        @job(executor=LocalExecutor())\n        def a():\n            return 1\n",
        None,
        False,
    ),
}


@pytest.mark.parametrize("name", list(ALIASES))
def test_alias_edges(name: str) -> None:
    """Each module uses ``job`` as an entry point; it is reported only when ``job`` surely
    is one."""
    body, alias, reported = ALIASES[name]
    use = f"\n\n@{alias}(executor=LocalExecutor())\ndef b():\n    return 2\n" if alias else ""
    data = (HEADER + body + use).encode()
    assert bool(sites(data)) is reported, sites(data)


# -- syntax errors: reported when the file passes the filter, never parsed otherwise ----------
BROKEN_WITH_KEYWORD = HEADER + "@ct.electron(executor=LocalExecutor()\ndef a():\n    pass\n"
BROKEN_WITHOUT_KEYWORD = "import covalent as ct\n\n\ndef a(:\n    pass\n"


@pytest.mark.parametrize("fullwidth", [False, True], ids=["ascii", "fullwidth"])
def test_a_syntax_error_past_the_filter_is_named_and_exits_2(
    tmp_path: Path, fullwidth: bool
) -> None:
    text = BROKEN_WITH_KEYWORD.replace("executor=", f"{FULLWIDTH_E}xecutor=", 1)
    path = tmp_path / "broken.py"
    path.write_text(text if fullwidth else BROKEN_WITH_KEYWORD, encoding="utf-8")
    for command in ("check", "fix"):
        result = check(str(path)) if command == "check" else _fix(str(path))
        assert result.returncode == 2, output(result)
        assert f"{path}: syntax error (line 5): '(' was never closed\n" in result.stderr


def test_a_syntax_error_the_filter_rules_out_is_not_parsed(tmp_path: Path) -> None:
    """As docs/ruff.md says: no executor keyword, so never parsed, so not reported; flake8
    itself reports it (E999)."""
    path = tmp_path / "broken.py"
    path.write_text(BROKEN_WITHOUT_KEYWORD, encoding="utf-8")
    for result in (check(*ALL_RULES, str(path)), _fix(str(path))):
        assert result.returncode == 0, output(result)
        assert "broken.py" not in result.stdout + result.stderr, output(result)
    linted = flake8("--select=E999", str(path))
    assert linted.returncode == 1 and " E999 " in linted.stdout, output(linted)


def _fix(*args: str):  # type: ignore[no-untyped-def]
    from conftest import run

    return run(["flake8_covalent_executor", "fix", "--isolated", *args])


# -- how a finding names the entry point -------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "entry"),
    [
        ("task = ct.electron\n\n\n@task(executor=LocalExecutor())\n", "task()"),
        (
            "import functools\n\n\n@functools.partial(ct.electron, executor=LocalExecutor())\n",
            "ct.electron()",
        ),
        (
            "from functools import partial as p\n\n\n@p(ct.lattice, executor=LocalExecutor())\n",
            "ct.lattice()",
        ),
    ],
    ids=["alias", "partial", "partial-renamed"],
)
def test_the_entry_point_is_named_as_written(body: str, entry: str) -> None:
    """An alias by its own name; a partial by the entry point it wraps."""
    data = (HEADER + body + "def a():\n    return 1\n").encode()
    result = check_source(data, "module.py", case_options(()))
    assert [f.message.split("; ")[0] for f in result.findings] == [
        f"CVX001 LocalExecutor() is built inline in {entry}"
    ]


def test_checking_a_file_leaves_no_reference_cycle_holding_its_tree() -> None:
    """Each module's AST is freed when its check ends, by reference counting: a cycle (once,
    a resolver holding a bound method of the object holding it) keeps every tree until the
    cyclic collector runs, and that made check 15% slower on a 2,000-file tree."""
    import gc

    source = (
        b"import functools\nimport covalent as ct\nfrom covalent.executor import LocalExecutor\n"
        b"task = functools.partial(ct.electron, executor=LocalExecutor())\n"
        b"@task\ndef a():\n    return 1\n"
        b"def f():\n    @ct.electron(executor=LocalExecutor())\n    def b():\n        return 2\n"
    )
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        result = check_source(source, "cycles.py", case_options(ALL_RULES))
        assert result.findings
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        held = [o for o in gc.garbage if isinstance(o, ast.Module)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert not held
