"""A property of the sound fix: modules that interleave executor sites with statements that
rebind or change what the sites read record the same executors, and print the same, before
and after ``fix``, under real Covalent (imported by name, and run as ``__main__``).

The modules are generated from a seed (printed in a failure, with the module), so a failure
can be reproduced exactly; one Covalent process per side runs them all, each side in a fresh
config directory at the same path.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from test_hazards import probe_directory

from flake8_covalent_executor.api import fix_source

MODULES = 40
HEAD = """import types

import covalent as ct
from covalent.executor import LocalExecutor

W = "/tmp/cvx-w0"
cfg = types.SimpleNamespace(workdir="/tmp/cvx-c0")
RUN = ["/tmp/cvx-r0"]
tasks = []
FLAG = False


def bump():
    global W
    W = W + "x"


def plain(value):
    return value


"""
# What a site builds: each reads something a statement below may change.
CONSTRUCTIONS = (
    "LocalExecutor()",
    "LocalExecutor(workdir=W)",
    "LocalExecutor(workdir=cfg.workdir)",
    "LocalExecutor(workdir=RUN[-1])",
    'LocalExecutor(log_stdout="/tmp/cvx.log")',
)
# Statements that change (or may change) what a construction reads, and inert ones.
STATEMENTS = (
    'W = "/tmp/cvx-w{k}"',
    'cfg.workdir = "/tmp/cvx-c{k}"',
    'RUN.append("/tmp/cvx-r{k}")',
    'ct.set_config("executors.local.workdir", "/tmp/cvx-s{k}")',
    "bump()",
    'print("step {k}")',
    "LIMIT_{k} = {k}",
    'W = plain("/tmp/cvx-p{k}")',
    "pass",
)


def _site(rng: random.Random, index: int) -> str:
    build = rng.choice(CONSTRUCTIONS)
    form = rng.randrange(4)
    if form == 0:
        return f"@ct.electron(executor={build})\ndef t{index}():\n    return {index}\n"
    if form == 1:
        return f"t{index} = ct.electron(abs, executor={build})\n"
    if form == 2:
        loop = rng.choice(('["a", "b"]', "range(2)", "RUN[:0]"))
        return f"for _ in {loop}:\n    tasks.append(ct.electron(abs, executor={build}))\n"
    return f"t{index} = ct.electron(abs, executor={build}) if FLAG else None\n"


def generated(seed: int) -> str:
    rng = random.Random(seed)
    parts = [HEAD]
    for index in range(rng.randrange(3, 9)):
        if rng.random() < 0.5:
            parts.append(_site(rng, index))
        else:
            parts.append(rng.choice(STATEMENTS).format(k=index) + "\n")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    before, after = tmp_path_factory.mktemp("gen_before"), tmp_path_factory.mktemp("gen_after")
    fixed = 0
    for seed in range(MODULES):
        source = generated(seed).encode()
        result = fix_source(source, f"m{seed:02}.py")
        assert result.error is None, (seed, result.error)
        fixed += result.fixed
        (before / f"m{seed:02}.py").write_bytes(source)
        (after / f"m{seed:02}.py").write_bytes(result.new or source)
    assert fixed >= MODULES // 2, "too few sites fixed for the property to say much"
    return {
        mode: probe_directory(before, after, mode) for mode in ("--directory", "--main-directory")
    }


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["--directory", "--main-directory"], ids=["imported", "main"])
@pytest.mark.parametrize("seed", range(MODULES))
def test_generated_module_records_the_same(seed: int, mode: str, sides: dict[str, Any]) -> None:
    before, after = (side[f"m{seed:02}"] for side in sides[mode])
    assert before["importable"], (before, generated(seed))
    same = {**after, "constructed": before["constructed"]}
    assert same == before, (generated(seed), before, after)
    assert after["constructed"] <= before["constructed"]
