"""The one case table: real-looking Covalent code, the findings it must give, the fix it gets.

Each case drives the findings, fix and parity tests (tests/test_lint.py, tests/test_fix.py).
``findings`` are ``"line:col CODE"`` strings as flake8 prints them (1-based column of the
constructing call), for a run with CVX003 enabled. ``options`` are command-line flags both
front ends take. ``left_alone`` are the sites ``fix`` leaves alone, each as a
``("line:col CODE", "a substring of the reason it gives")`` pair; ``unsafe_left_alone`` the
same under ``--unsafe-fixes`` when it differs (None: the same as ``left_alone``).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    id: str
    before: str
    findings: tuple[str, ...] = ()
    after: str | None = None
    options: tuple[str, ...] = ()
    notes: str = ""
    unsafe_after: str | None = None
    left_alone: tuple[tuple[str, str], ...] = ()
    unsafe_left_alone: tuple[tuple[str, str], ...] | None = None

    @property
    def source(self) -> str:
        return textwrap.dedent(self.before).lstrip("\n")

    @property
    def fixed(self) -> str:
        """What ``fix`` makes of it (the source itself when nothing changes)."""
        return textwrap.dedent(self.after).lstrip("\n") if self.after else self.source

    @property
    def fixed_unsafe(self) -> str:
        """What ``fix --unsafe-fixes`` makes of it."""
        if self.unsafe_after is None:
            return self.fixed
        return textwrap.dedent(self.unsafe_after).lstrip("\n")

    def left_alone_by(self, unsafe: bool) -> tuple[tuple[str, str], ...]:
        """The sites ``fix`` leaves alone (``fix --unsafe-fixes`` when ``unsafe``)."""
        if unsafe and self.unsafe_left_alone is not None:
            return self.unsafe_left_alone
        return self.left_alone


CASES: list[Case] = []


def case(
    id: str,
    before: str,
    *findings: str,
    options: tuple[str, ...] = (),
    after: str | None = None,
    notes: str = "",
    unsafe_after: str | None = None,
    left_alone: tuple[tuple[str, str], ...] = (),
    unsafe_left_alone: tuple[tuple[str, str], ...] | None = None,
) -> None:
    CASES.append(
        Case(
            id,
            before,
            tuple(findings),
            after,
            options,
            notes,
            unsafe_after,
            left_alone,
            unsafe_left_alone,
        )
    )


# --- the seed ------------------------------------------------------------------------------
case(
    "seed_not_recommended",
    """
    import covalent as ct
    import random
    from covalent.executor import LocalExecutor

    # Technique 1 (not so good):

    def dummy():
        pass

    @ct.electron(executor=LocalExecutor())
    def task_1():
        return random.sample(range(10, 30), 5)

    @ct.electron(executor=LocalExecutor())
    def task_2(x_list):

        squares = []
        for x in x_list:
            squares.append(x ** 2)

        return squares

    @ct.lattice
    def workflow_1():
        random_list = task_1()
        return task_2(random_list)
    """,
    "10:23 CVX001",
    "14:23 CVX001",
    after="""
    import covalent as ct
    import random
    from covalent.executor import LocalExecutor

    # Technique 1 (not so good):

    def dummy():
        pass

    _local_executor = LocalExecutor()

    @ct.electron(executor=_local_executor)
    def task_1():
        return random.sample(range(10, 30), 5)

    @ct.electron(executor=_local_executor)
    def task_2(x_list):

        squares = []
        for x in x_list:
            squares.append(x ** 2)

        return squares

    @ct.lattice
    def workflow_1():
        random_list = task_1()
        return task_2(random_list)
    """,
)

case(
    "seed_improved",
    """
    import covalent as ct
    import random
    from covalent.executor import DaskExecutor

    # Technique 2 (better):

    custom_executor = DaskExecutor()

    @ct.electron(executor=custom_executor)
    def task_1():
        return random.sample(range(10, 30), 5)


    @ct.electron(executor=custom_executor)
    def task_2(x_list):

        squares = []
        for x in x_list:
            squares.append(x ** 2)

        return squares

    @ct.lattice
    def workflow_2():
        random_list = task_1()
        return task_2(random_list)
    """,
)

case(
    "seed_two_log_files",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(executor=LocalExecutor(log_stdout="/tmp/task_1.txt"))
    def task_1():
        return [1, 2, 3]


    @ct.electron(executor=LocalExecutor(log_stdout="/tmp/task_2.txt"))
    def task_2(values):
        return [v * v for v in values]
    """,
    "5:23 CVX001",
    "10:23 CVX001",
    "10:23 CVX003",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor(log_stdout="/tmp/task_1.txt")


    @ct.electron(executor=_local_executor)
    def task_1():
        return [1, 2, 3]


    _local_executor_2 = LocalExecutor(log_stdout="/tmp/task_2.txt")


    @ct.electron(executor=_local_executor_2)
    def task_2(values):
        return [v * v for v in values]
    """,
)

# --- import styles -------------------------------------------------------------------------
case(
    "import_covalent_plain",
    """
    import covalent


    @covalent.electron(executor=covalent.executor.LocalExecutor())
    def add(a, b):
        return a + b
    """,
    "4:29 CVX001",
    after="""
    import covalent

    _local_executor = covalent.executor.LocalExecutor()


    @covalent.electron(executor=_local_executor)
    def add(a, b):
        return a + b
    """,
)

case(
    "import_covalent_as_cov",
    """
    import covalent as cov
    from covalent.executor import DaskExecutor


    @cov.lattice(executor=DaskExecutor(), workflow_executor=DaskExecutor())
    def pipeline(x):
        return x
    """,
    "5:23 CVX001",
    "5:57 CVX001",
    after="""
    import covalent as cov
    from covalent.executor import DaskExecutor

    _dask_executor = DaskExecutor()


    @cov.lattice(executor=_dask_executor, workflow_executor=_dask_executor)
    def pipeline(x):
        return x
    """,
)

case(
    "from_import_aliases",
    """
    from covalent import electron as el
    from covalent import executor as ex


    @el(executor=ex.LocalExecutor(workdir="/scratch"))
    def featurize(frame):
        return frame.dropna()
    """,
    "5:14 CVX001",
    after="""
    from covalent import electron as el
    from covalent import executor as ex

    _local_executor = ex.LocalExecutor(workdir="/scratch")


    @el(executor=_local_executor)
    def featurize(frame):
        return frame.dropna()
    """,
)

case(
    "ct_executor_attribute",
    """
    import covalent as ct


    @ct.electron(executor=ct.executor.LocalExecutor())
    def load(path):
        return open(path).read()
    """,
    "4:23 CVX001",
    after="""
    import covalent as ct

    _local_executor = ct.executor.LocalExecutor()


    @ct.electron(executor=_local_executor)
    def load(path):
        return open(path).read()
    """,
)

case(
    "executor_plugins_path",
    """
    import covalent as ct
    from covalent.executor.executor_plugins.dask import DaskExecutor


    @ct.electron(executor=DaskExecutor(scheduler_address="tcp://127.0.0.1:8786"))
    def train(model):
        return model.fit()
    """,
    "5:23 CVX001",
    after="""
    import covalent as ct
    from covalent.executor.executor_plugins.dask import DaskExecutor

    _dask_executor = DaskExecutor(scheduler_address="tcp://127.0.0.1:8786")


    @ct.electron(executor=_dask_executor)
    def train(model):
        return model.fit()
    """,
)

case(
    "import_in_try_except",
    """
    try:
        import covalent as ct
        from covalent.executor import LocalExecutor
    except ImportError:  # covalent is optional here
        ct = None


    @ct.electron(executor=LocalExecutor())
    def score(x):
        return x * 2
    """,
    "8:23 CVX001",
    after="""
    try:
        import covalent as ct
        from covalent.executor import LocalExecutor
    except ImportError:  # covalent is optional here
        ct = None


    _local_executor = LocalExecutor()


    @ct.electron(executor=_local_executor)
    def score(x):
        return x * 2
    """,
)

case(
    "star_import",
    """
    from covalent import *
    from covalent.executor import LocalExecutor


    @electron(executor=LocalExecutor())
    def step():
        return 1
    """,
    "5:20 CVX001",
    after="""
    from covalent import *
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor()


    @electron(executor=_local_executor)
    def step():
        return 1
    """,
)

case(
    "module_level_alias",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor

    task = ct.electron


    @task(executor=LocalExecutor())
    def step():
        return 1
    """,
    "7:16 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    task = ct.electron


    _local_executor = LocalExecutor()


    @task(executor=_local_executor)
    def step():
        return 1
    """,
)

# --- entry points and forms ----------------------------------------------------------------
case(
    "backend_keyword",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(backend=LocalExecutor())
    def legacy():
        return 0
    """,
    "5:22 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor()


    @ct.electron(backend=_local_executor)
    def legacy():
        return 0
    """,
)

case(
    "call_form_positional_function",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def square(x):
        return x * x


    square_task = ct.electron(square, executor=LocalExecutor())
    """,
    "9:44 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor


    def square(x):
        return x * x


    _local_executor = LocalExecutor()


    square_task = ct.electron(square, executor=_local_executor)
    """,
)

case(
    "call_form_curried",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def square(x):
        return x * x


    square_task = ct.electron(executor=LocalExecutor())(square)
    """,
    "9:36 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor


    def square(x):
        return x * x


    _local_executor = LocalExecutor()


    square_task = ct.electron(executor=_local_executor)(square)
    """,
)

case(
    "list_and_tuple_values",
    """
    import covalent as ct
    from covalent.executor import DaskExecutor, LocalExecutor


    @ct.electron(executor=[LocalExecutor(), "dask"])
    def a():
        return 1


    @ct.electron(executor=(DaskExecutor(), LocalExecutor()))
    def b():
        return 2
    """,
    "5:24 CVX001",
    "10:24 CVX001",
    "10:40 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import DaskExecutor, LocalExecutor

    _local_executor = LocalExecutor()


    @ct.electron(executor=[_local_executor, "dask"])
    def a():
        return 1


    _dask_executor = DaskExecutor()


    @ct.electron(executor=(_dask_executor, _local_executor))
    def b():
        return 2
    """,
)

case(
    "conditional_value",
    """
    import os

    import covalent as ct
    from covalent.executor import LocalExecutor
    from covalent_slurm_plugin import SlurmExecutor

    ON_CLUSTER = "SLURM_JOB_ID" in os.environ


    @ct.electron(executor=SlurmExecutor(partition="gpu") if ON_CLUSTER else LocalExecutor())
    def simulate(n):
        return n
    """,
    "10:23 CVX001",
    "10:73 CVX001",
    notes="both branches are executors: the conditional value moves as a whole",
    after="""
    import os

    import covalent as ct
    from covalent.executor import LocalExecutor
    from covalent_slurm_plugin import SlurmExecutor

    ON_CLUSTER = "SLURM_JOB_ID" in os.environ


    _executor = SlurmExecutor(partition="gpu") if ON_CLUSTER else LocalExecutor()


    @ct.electron(executor=_executor)
    def simulate(n):
        return n
    """,
)

case(
    "conditional_value_one_branch",
    """
    import os

    import covalent as ct
    from covalent_slurm_plugin import SlurmExecutor

    ON_CLUSTER = "SLURM_JOB_ID" in os.environ


    @ct.electron(executor=SlurmExecutor(partition="gpu") if ON_CLUSTER else None)
    def simulate(n):
        return n
    """,
    "9:23 CVX001",
    notes="one branch is no executor: hoisting the construction would build it every time",
    left_alone=(("9:23 CVX001", "built only when its branch of the conditional is chosen"),),
)

case(
    "plugin_package",
    """
    import covalent as ct
    import covalent_ssh_plugin as ssh


    @ct.electron(executor=ssh.SSHExecutor(username="me", hostname="node1"))
    def remote():
        return "ok"
    """,
    "5:23 CVX001",
    after="""
    import covalent as ct
    import covalent_ssh_plugin as ssh

    _ssh_executor = ssh.SSHExecutor(username="me", hostname="node1")


    @ct.electron(executor=_ssh_executor)
    def remote():
        return "ok"
    """,
)

case(
    "covalent_cloud_service",
    """
    import covalent_cloud as cc


    @cc.service(executor=cc.CloudExecutor(num_cpus=2, memory="8GB"))
    def llm_server(model_name):
        return {"model": model_name}
    """,
    "4:22 CVX001",
    after="""
    import covalent_cloud as cc

    _cloud_executor = cc.CloudExecutor(num_cpus=2, memory="8GB")


    @cc.service(executor=_cloud_executor)
    def llm_server(model_name):
        return {"model": model_name}
    """,
)

case(
    "lepton",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor

    task = ct.Lepton(
        language="python",
        library_name="numpy",
        function_name="sum",
        executor=LocalExecutor(),
    )
    """,
    "8:14 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor()

    task = ct.Lepton(
        language="python",
        library_name="numpy",
        function_name="sum",
        executor=_local_executor,
    )
    """,
)

case(
    "leptons_bash",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.leptons.bash(display_name="list", executor=LocalExecutor())
    def list_files():
        return "ls -la"
    """,
    "5:48 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor()


    @ct.leptons.bash(display_name="list", executor=_local_executor)
    def list_files():
        return "ls -la"
    """,
)

case(
    "local_subclass",
    '''
    import covalent as ct
    from covalent.executor import LocalExecutor


    class Scratch(LocalExecutor):
        """Runs in the scratch directory."""


    @ct.electron(executor=Scratch())
    def clean():
        return None
    ''',
    "9:23 CVX001",
    after='''
    import covalent as ct
    from covalent.executor import LocalExecutor


    class Scratch(LocalExecutor):
        """Runs in the scratch directory."""


    _scratch_executor = Scratch()


    @ct.electron(executor=_scratch_executor)
    def clean():
        return None
    ''',
)

case(
    "capwords_executor_name",
    """
    import covalent as ct
    from myorg.compute import ClusterExecutor


    @ct.electron(executor=ClusterExecutor(queue="short"))
    def crunch():
        return 42
    """,
    "5:23 CVX001",
    after="""
    import covalent as ct
    from myorg.compute import ClusterExecutor

    _cluster_executor = ClusterExecutor(queue="short")


    @ct.electron(executor=_cluster_executor)
    def crunch():
        return 42
    """,
)

# --- where it runs: once (CVX001) or repeatedly (CVX002) ------------------------------------
case(
    "class_body",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def fit(x):
        return x


    class Steps:
        fit = ct.electron(fit, executor=LocalExecutor())
    """,
    "10:37 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor


    def fit(x):
        return x


    _local_executor = LocalExecutor()


    class Steps:
        fit = ct.electron(fit, executor=_local_executor)
    """,
)

case(
    "module_level_if_with_try",
    """
    import contextlib
    import sys

    import covalent as ct
    from covalent.executor import LocalExecutor

    if sys.platform == "linux":
        @ct.electron(executor=LocalExecutor())
        def a():
            return 1

    with contextlib.suppress(Exception):
        b = ct.electron(lambda: 2, executor=LocalExecutor())

    try:
        c = ct.electron(lambda: 3, executor=LocalExecutor())
    finally:
        pass
    """,
    "8:27 CVX001",
    "13:41 CVX001",
    "16:41 CVX001",
    after="""
    import contextlib
    import sys

    import covalent as ct
    from covalent.executor import LocalExecutor

    if sys.platform == "linux":
        _local_executor = LocalExecutor()

        @ct.electron(executor=_local_executor)
        def a():
            return 1

    with contextlib.suppress(Exception):
        _local_executor_2 = LocalExecutor()
        b = ct.electron(lambda: 2, executor=_local_executor_2)

    try:
        _local_executor_3 = LocalExecutor()
        c = ct.electron(lambda: 3, executor=_local_executor_3)
    finally:
        pass
    """,
)

case(
    "inside_lattice",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def add(a, b):
        return a + b


    @ct.lattice
    def workflow(a, b):
        return ct.electron(add, executor=LocalExecutor())(a, b)
    """,
    "11:38 CVX002",
    left_alone=(("11:38 CVX002", "inside a function Covalent decorates, which Covalent pickles"),),
)

case(
    "factory_function",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def make_task(fn, log_path):
        return ct.electron(fn, executor=LocalExecutor(log_stdout=log_path))
    """,
    "6:37 CVX002",
    left_alone=(("6:37 CVX002", "its arguments use log_path, which is not a module-level name"),),
)

case(
    "method",
    """
    import covalent as ct
    from covalent.executor import DaskExecutor


    class Pipeline:
        def task(self, fn):
            return ct.electron(fn, executor=DaskExecutor())
    """,
    "7:41 CVX002",
    left_alone=(("7:41 CVX002", "unsafe fix (it moves construction to import time)"),),
    unsafe_left_alone=(),
    unsafe_after="""
    import covalent as ct
    from covalent.executor import DaskExecutor

    _dask_executor = DaskExecutor()


    class Pipeline:
        def task(self, fn):
            return ct.electron(fn, executor=_dask_executor)
    """,
)

case(
    "module_level_loop",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def make(i):
        return lambda: i


    tasks = []
    for i in range(4):
        tasks.append(ct.electron(make(i), executor=LocalExecutor()))
    """,
    "11:48 CVX002",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor


    def make(i):
        return lambda: i


    tasks = []
    _local_executor = LocalExecutor()
    for i in range(4):
        tasks.append(ct.electron(make(i), executor=_local_executor))
    """,
)

case(
    "loop_variable_in_arguments",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def make(i):
        return lambda: i


    tasks = []
    for i in range(4):
        tasks.append(ct.electron(make(i), executor=LocalExecutor(log_stdout=f"{i}.log")))
    """,
    "11:48 CVX002",
    left_alone=(("11:48 CVX002", "its arguments use i, which is not a module-level name"),),
)

case(
    "comprehension",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def work(x):
        return x


    tasks = [ct.electron(work, executor=LocalExecutor()) for _ in range(3)]
    """,
    "9:37 CVX002",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor


    def work(x):
        return x


    _local_executor = LocalExecutor()


    tasks = [ct.electron(work, executor=_local_executor) for _ in range(3)]
    """,
)

case(
    "nested_decorated_function",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.lattice
    def workflow(n):
        @ct.electron(executor=LocalExecutor())
        def inner(x):
            return x + 1

        return inner(n)
    """,
    "7:27 CVX002",
    left_alone=(("7:27 CVX002", "inside a function Covalent decorates, which Covalent pickles"),),
)

case(
    "function_local_import",
    """
    def build():
        import covalent as ct
        from covalent.executor import LocalExecutor

        return ct.electron(print, executor=LocalExecutor())
    """,
    "5:40 CVX002",
    left_alone=(("5:40 CVX002", "LocalExecutor, which is not a module-level name"),),
)

# --- noqa ----------------------------------------------------------------------------------
case(
    "noqa_on_constructing_line",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(executor=LocalExecutor())  # noqa: CVX001
    def a():
        return 1


    @ct.electron(
        executor=LocalExecutor(),  # noqa: CVX001
    )
    def b():
        return 2


    @ct.electron(  # noqa: CVX001  (this line is not the one reported)
        executor=LocalExecutor(),
    )
    def c():
        return 3
    """,
    "18:14 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(executor=LocalExecutor())  # noqa: CVX001
    def a():
        return 1


    @ct.electron(
        executor=LocalExecutor(),  # noqa: CVX001
    )
    def b():
        return 2


    _local_executor = LocalExecutor()


    @ct.electron(  # noqa: CVX001  (this line is not the one reported)
        executor=_local_executor,
    )
    def c():
        return 3
    """,
)

# --- options -------------------------------------------------------------------------------
case(
    "extra_entry_point",
    """
    from covalent.executor import LocalExecutor
    from labtools.workflows import job


    @job(executor=LocalExecutor())
    def run():
        return 1
    """,
    "5:15 CVX001",
    options=("--covalent-extra-entry-points", "labtools.workflows.job"),
    after="""
    from covalent.executor import LocalExecutor
    from labtools.workflows import job

    _local_executor = LocalExecutor()


    @job(executor=_local_executor)
    def run():
        return 1
    """,
)

case(
    "extra_executor",
    """
    import covalent as ct
    from labtools.compute import gpu_node


    @ct.electron(executor=gpu_node(gpus=1))
    def train():
        return 1
    """,
    "5:23 CVX001",
    options=("--covalent-extra-executors", "labtools.compute.gpu_node"),
    after="""
    import covalent as ct
    from labtools.compute import gpu_node

    _gpu_node_executor = gpu_node(gpus=1)


    @ct.electron(executor=_gpu_node_executor)
    def train():
        return 1
    """,
)

# --- no findings ---------------------------------------------------------------------------
case(
    "not_string_name_attribute",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor

    local = LocalExecutor()
    settings = type("Settings", (), {"executor": local})


    @ct.electron(executor="local")
    def a():
        return 1


    @ct.electron(executor=local)
    def b():
        return 2


    @ct.electron(executor=settings.executor)
    def c():
        return 3


    @ct.electron(executor=LocalExecutor)
    def d():
        return 4
    """,
)

case(
    "lowercase_factory",
    """
    import covalent as ct


    def get_executor():
        return "local"


    @ct.electron(executor=get_executor())
    def a():
        return 1
    """,
)

case(
    "parameter_named_ct",
    """
    from covalent.executor import LocalExecutor


    def register(ct, fn):
        @ct.electron(executor=LocalExecutor())
        def wrapped():
            return fn()

        return wrapped
    """,
)

case(
    "local_named_electron",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def build(make_decorator):
        electron = make_decorator()

        @electron(executor=LocalExecutor())
        def wrapped():
            return 1

        return wrapped
    """,
)

case(
    "other_library_electron",
    """
    from covalent.executor import LocalExecutor
    from qchem.decorators import electron


    @electron(executor=LocalExecutor())
    def orbital():
        return 1
    """,
)

case(
    "thread_pool_elsewhere",
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import covalent as ct


    @ct.electron
    def blocking(x):
        return x


    async def main():
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(ThreadPoolExecutor(max_workers=2), blocking, 1)
    """,
)

case(
    "file_level_noqa",
    """
    # flake8: noqa
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(executor=LocalExecutor())
    def a():
        return 1
    """,
)

case(
    "no_covalent",
    """
    from concurrent.futures import ProcessPoolExecutor


    def run(jobs):
        with ProcessPoolExecutor() as pool:
            return list(pool.map(len, jobs))
    """,
)

case(
    "keyword_spread_over_lines",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(
        executor  # the one cluster we have
        =
        LocalExecutor(),
    )
    def a():
        return 1


    b = ct.electron(print, backend \\
        = LocalExecutor())
    """,
    "8:5 CVX001",
    "15:7 CVX001",
    notes="the text prefilter must not lose a keyword split by a comment or a backslash",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor()


    @ct.electron(
        executor  # the one cluster we have
        =
        _local_executor,
    )
    def a():
        return 1


    b = ct.electron(print, backend \\
        = _local_executor)
    """,
)

# --- the fixer's harder cases --------------------------------------------------------------
case(
    "name_collisions",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor

    local_executor = "reserved by the user"


    def report(local_executor_2):
        return local_executor_2


    @ct.electron(executor=LocalExecutor())
    def a():
        return local_executor
    """,
    "11:23 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    local_executor = "reserved by the user"


    def report(local_executor_2):
        return local_executor_2


    _local_executor = LocalExecutor()


    @ct.electron(executor=_local_executor)
    def a():
        return local_executor
    """,
)

case(
    "constant_defined_before_use",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor

    SCRATCH = "/scratch/runs"


    @ct.electron(executor=LocalExecutor(workdir=SCRATCH))
    def a():
        return 1
    """,
    "7:23 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    SCRATCH = "/scratch/runs"


    _local_executor = LocalExecutor(workdir=SCRATCH)


    @ct.electron(executor=_local_executor)
    def a():
        return 1
    """,
)

case(
    "late_definition_blocks_unsafe_fix",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def make(fn):
        return ct.electron(fn, executor=LocalExecutor(workdir=SCRATCH))


    SCRATCH = "/scratch/runs"
    """,
    "6:37 CVX002",
    left_alone=(("6:37 CVX002", "unsafe fix (it moves construction to import time)"),),
    unsafe_left_alone=(
        ("6:37 CVX002", "its arguments need SCRATCH, which is not bound before line 5"),
    ),
)

case(
    "shebang_encoding_docstring_future",
    '''
    #!/usr/bin/env python
    # -*- coding: utf-8 -*-
    """Nightly workflow."""
    from __future__ import annotations

    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(executor=LocalExecutor())
    def a():
        return 1
    ''',
    "10:23 CVX001",
    after='''
    #!/usr/bin/env python
    # -*- coding: utf-8 -*-
    """Nightly workflow."""
    from __future__ import annotations

    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor()


    @ct.electron(executor=_local_executor)
    def a():
        return 1
    ''',
)

case(
    "comments_inside_calls",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(
        executor=LocalExecutor(  # the login node
            log_stdout="out.log",  # rotated nightly
        ),
    )
    def a():
        return 1


    @ct.electron(executor=LocalExecutor(log_stdout="out.log"))
    def b():
        return 2


    @ct.electron(executor=LocalExecutor(
        log_stdout="out.log",  # same configuration, its own comment
    ))
    def c():
        return 3
    """,
    "6:14 CVX001",
    "14:23 CVX001",
    "19:23 CVX001",
    notes=(
        "a call with a comment moves whole, comments included; an equal call without one "
        "shares it, and a second one with its own comment gets its own instance"
    ),
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor(  # the login node
        log_stdout="out.log",  # rotated nightly
    )


    @ct.electron(
        executor=_local_executor,
    )
    def a():
        return 1


    @ct.electron(executor=_local_executor)
    def b():
        return 2


    _local_executor_2 = LocalExecutor(
        log_stdout="out.log",  # same configuration, its own comment
    )


    @ct.electron(executor=_local_executor_2)
    def c():
        return 3
    """,
)

case(
    "reuse_existing_instance",
    """
    import covalent as ct
    from covalent.executor import DaskExecutor, LocalExecutor

    shared = LocalExecutor(log_stdout="run.log")
    tweaked = DaskExecutor()
    tweaked.scheduler_address = "tcp://10.0.0.1:8786"


    @ct.electron(executor=LocalExecutor(log_stdout='run.log'))
    def a():
        return 1


    @ct.electron(executor=DaskExecutor())
    def b():
        return 2
    """,
    "9:23 CVX001",
    "14:23 CVX001",
    notes="shared is reused (quote style does not matter); tweaked is mutated, so not reused",
    after="""
    import covalent as ct
    from covalent.executor import DaskExecutor, LocalExecutor

    shared = LocalExecutor(log_stdout="run.log")
    tweaked = DaskExecutor()
    tweaked.scheduler_address = "tcp://10.0.0.1:8786"


    @ct.electron(executor=shared)
    def a():
        return 1


    _dask_executor = DaskExecutor()


    @ct.electron(executor=_dask_executor)
    def b():
        return 2
    """,
)

case(
    "side_effects_stay_separate",
    """
    import itertools

    import covalent as ct
    from covalent.executor import LocalExecutor

    _runs = itertools.count()


    def next_dir():
        return f"/scratch/run{next(_runs)}"


    @ct.electron(executor=LocalExecutor(workdir=next_dir()))
    def a():
        return 1


    @ct.electron(executor=LocalExecutor(workdir=next_dir()))
    def b():
        return 2
    """,
    "13:23 CVX001",
    "18:23 CVX001",
    after="""
    import itertools

    import covalent as ct
    from covalent.executor import LocalExecutor

    _runs = itertools.count()


    def next_dir():
        return f"/scratch/run{next(_runs)}"


    _local_executor = LocalExecutor(workdir=next_dir())


    @ct.electron(executor=_local_executor)
    def a():
        return 1


    _local_executor_2 = LocalExecutor(workdir=next_dir())


    @ct.electron(executor=_local_executor_2)
    def b():
        return 2
    """,
)

case(
    "spellings_of_one_class_share",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(executor=ct.executor.LocalExecutor(log_stdout="a.log", workdir="/w"))
    def a():
        return 1


    @ct.electron(executor=LocalExecutor(workdir="/w", log_stdout='a.log'))
    def b():
        return 2
    """,
    "5:23 CVX001",
    "10:23 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = ct.executor.LocalExecutor(log_stdout="a.log", workdir="/w")


    @ct.electron(executor=_local_executor)
    def a():
        return 1


    @ct.electron(executor=_local_executor)
    def b():
        return 2
    """,
)

case(
    "percent_cell_markers",
    """
    # %%
    import covalent as ct
    from covalent.executor import LocalExecutor

    # %%
    @ct.electron(executor=LocalExecutor())
    def a():
        return 1
    """,
    "6:23 CVX001",
    after="""
    # %%
    import covalent as ct
    from covalent.executor import LocalExecutor

    # %%
    _local_executor = LocalExecutor()


    @ct.electron(executor=_local_executor)
    def a():
        return 1
    """,
)

case(
    "semicolon_joined_statements",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def f():
        return 1


    x = 1; task = ct.electron(f, executor=LocalExecutor())
    """,
    "9:39 CVX001",
    left_alone=(("9:39 CVX001", "its statement shares a line with another (after a semicolon)"),),
    notes="left alone: a binding before the line would run before ``x = 1``",
)

case(
    "bracketed_decorator_and_parenthesised_values",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    @(
        # a decorator in brackets (Python 3.9+)
        ct.electron(executor=(LocalExecutor()))
    )
    def task():
        return 1


    if True:
        # %% a cell of its own
        # about the lattice
        @ct.lattice(executor=LocalExecutor(), workflow_executor=(
            LocalExecutor()  # the same, with a comment after it
        ))
        def flow():
            return task()
    """,
    "7:27 CVX001",
    "16:26 CVX001",
    "17:9 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor()


    @(
        # a decorator in brackets (Python 3.9+)
        ct.electron(executor=(_local_executor))
    )
    def task():
        return 1


    if True:
        # %% a cell of its own
        _local_executor_2 = LocalExecutor()

        # about the lattice
        @ct.lattice(executor=_local_executor_2, workflow_executor=(
            _local_executor_2  # the same, with a comment after it
        ))
        def flow():
            return task()
    """,
)

# A form feed before the ``@``: Python's columns restart after it, the binding must not.
case(
    "form_feed_before_a_decorator_in_a_block",
    "import covalent as ct\n"
    "from covalent.executor import LocalExecutor\n\n"
    "a, b = False, True\n\n\n"
    "def dec(f):\n    return f\n\n\n"
    "if a:\n    @dec\n    def x():\n        pass\n"
    "if b:\n\f    @ct.electron(executor=LocalExecutor())\n    def y():\n        pass\n",
    "16:28 CVX001",
    after="import covalent as ct\n"
    "from covalent.executor import LocalExecutor\n\n"
    "a, b = False, True\n\n\n"
    "def dec(f):\n    return f\n\n\n"
    "if a:\n    @dec\n    def x():\n        pass\n"
    "if b:\n    _local_executor = LocalExecutor()\n\n"
    "\f    @ct.electron(executor=_local_executor)\n    def y():\n        pass\n",
)

case(
    "each_branch_of_match_and_try_gets_its_own",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor

    cmd = 2


    def g():
        return 1


    def risky():
        raise ValueError


    match cmd:
        case 1:
            a = ct.electron(g, executor=LocalExecutor())
        case 2:
            b = ct.electron(g, executor=LocalExecutor())
    try:
        risky()
        c = ct.electron(g, executor=LocalExecutor(log_stdout="c.txt"))
    except ValueError:
        d = ct.electron(g, executor=LocalExecutor(log_stdout="c.txt"))
    """,
    "17:37 CVX001",
    "19:37 CVX001",
    "22:33 CVX001",
    "22:33 CVX003",
    "24:33 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    cmd = 2


    def g():
        return 1


    def risky():
        raise ValueError


    match cmd:
        case 1:
            _local_executor = LocalExecutor()
            a = ct.electron(g, executor=_local_executor)
        case 2:
            _local_executor_2 = LocalExecutor()
            b = ct.electron(g, executor=_local_executor_2)
    try:
        risky()
        _local_executor_3 = LocalExecutor(log_stdout="c.txt")
        c = ct.electron(g, executor=_local_executor_3)
    except ValueError:
        _local_executor_4 = LocalExecutor(log_stdout="c.txt")
        d = ct.electron(g, executor=_local_executor_4)
    """,
)

case(
    "a_comment_closing_the_block_above_stays_there",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def g():
        x = 1
        # return x + 1  (disabled)

    # the task
    y = ct.electron(g, executor=LocalExecutor())
    """,
    "10:29 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor


    def g():
        x = 1
        # return x + 1  (disabled)

    _local_executor = LocalExecutor()

    # the task
    y = ct.electron(g, executor=_local_executor)
    """,
)

case(
    "inside_an_f_string",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def g():
        return 1


    label = f"{ct.electron(g, executor=LocalExecutor())=}"
    t = ct.electron(g, executor=LocalExecutor())
    """,
    "9:36 CVX001",
    "10:29 CVX001",
    left_alone=(("9:36 CVX001", "it is inside an f-string"),),
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor


    def g():
        return 1


    label = f"{ct.electron(g, executor=LocalExecutor())=}"
    _local_executor = LocalExecutor()
    t = ct.electron(g, executor=_local_executor)
    """,
    notes="left alone: f'{x=}' also holds the call's source text, which the fix would change",
)

# A call over several lines moves left with its binding, unless a string in it spans lines
# (its text must not change) or a line of it is indented less than the shift.
case(
    "multi_line_calls_move_left_unless_a_string_spans_lines",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor

    if True:
        @ct.electron(
            executor=LocalExecutor(
                log_stdout="a.log",
                log_stderr="a.err",
            ),
        )
        def a():
            return 1

        @ct.electron(
            executor=LocalExecutor(
                log_stdout=\"\"\"b
                .log\"\"\",
            ),
        )
        def b():
            return 2
    """,
    "6:18 CVX001",
    "15:18 CVX001",
    "15:18 CVX003",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    if True:
        _local_executor = LocalExecutor(
            log_stdout="a.log",
            log_stderr="a.err",
        )

        @ct.electron(
            executor=_local_executor,
        )
        def a():
            return 1

        _local_executor_2 = LocalExecutor(
                log_stdout=\"\"\"b
                .log\"\"\",
            )

        @ct.electron(
            executor=_local_executor_2,
        )
        def b():
            return 2
    """,
)

# A callee broken over lines inside the entry point's brackets: its binding gets brackets of
# its own. Tabs, and strings joined over lines, move left with the rest of the call.
case(
    "callee_over_lines_and_tab_indented_call",
    (
        "import covalent as ct\nfrom covalent import executor\n\n\n"
        "@ct.electron(executor=executor\n"
        '             .LocalExecutor(log_stdout="a.log"))\n'
        "def a():\n    return 1\n\n\n"
        "if True:\n\t@ct.electron(\n\t\texecutor=executor.LocalExecutor(\n"
        '\t\t\tlog_stdout="b.log",\n\t\t\tlog_stderr="b.err"\n\t\t\t           "r",\n'
        "\t\t),\n\t)\n\tdef b():\n\t\treturn 2\n"
    ),
    "5:23 CVX001",
    "13:12 CVX001",
    "13:12 CVX003",
    after=(
        "import covalent as ct\nfrom covalent import executor\n\n"
        "_local_executor = (executor\n"
        '             .LocalExecutor(log_stdout="a.log"))\n\n\n'
        "@ct.electron(executor=_local_executor)\n"
        "def a():\n    return 1\n\n\n"
        "if True:\n\t_local_executor_2 = executor.LocalExecutor(\n"
        '\t\tlog_stdout="b.log",\n\t\tlog_stderr="b.err"\n\t\t           "r",\n'
        "\t)\n\n\t@ct.electron(\n\t\texecutor=_local_executor_2,\n\t)\n\tdef b():\n\t\treturn 2\n"
    ),
)


# --- aliases of entry points, and identifiers Python normalises (#11) -------------------------
# An alias counts only when its scope binds it once and nothing rebinds it (global, nonlocal,
# := anywhere, another assignment, a loop target, del): else nothing is reported.
case(
    "alias_annotated",
    """
    from typing import Any

    import covalent as ct
    from covalent.executor import LocalExecutor

    task: Any = ct.electron


    @task(executor=LocalExecutor())
    def step():
        return 1
    """,
    "9:16 CVX001",
    after="""
    from typing import Any

    import covalent as ct
    from covalent.executor import LocalExecutor

    task: Any = ct.electron


    _local_executor = LocalExecutor()


    @task(executor=_local_executor)
    def step():
        return 1
    """,
)

case(
    "alias_tuple_unpacking",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor

    el, lat = ct.electron, ct.lattice


    @el(executor=LocalExecutor())
    def step(x):
        return x + 1


    @lat(executor=LocalExecutor(), workflow_executor=LocalExecutor())
    def flow(x=1):
        return step(x)
    """,
    "7:14 CVX001",
    "12:15 CVX001",
    "12:50 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    el, lat = ct.electron, ct.lattice


    _local_executor = LocalExecutor()


    @el(executor=_local_executor)
    def step(x):
        return x + 1


    @lat(executor=_local_executor, workflow_executor=_local_executor)
    def flow(x=1):
        return step(x)
    """,
)

case(
    "alias_chained_assignment",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor

    task = job = ct.electron


    @job(executor=LocalExecutor(log_stdout="job.log"))
    def step():
        return 1
    """,
    "7:15 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    task = job = ct.electron


    _local_executor = LocalExecutor(log_stdout="job.log")


    @job(executor=_local_executor)
    def step():
        return 1
    """,
)

case(
    "alias_function_local",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def make_step():
        electron = ct.electron

        @electron(executor=LocalExecutor())
        def step():
            return 1

        return step


    step = make_step()
    """,
    "8:24 CVX002",
    left_alone=(("8:24 CVX002", "unsafe fix (it moves construction to import time)"),),
    unsafe_left_alone=(),
    unsafe_after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor()


    def make_step():
        electron = ct.electron

        @electron(executor=_local_executor)
        def step():
            return 1

        return step


    step = make_step()
    """,
)

# The fixer judges what runs between two sites with the module's names only: a call of the
# class-body alias is a call it cannot see into, so the second site keeps its own executor.
case(
    "alias_class_body",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    class Steps:
        task = ct.electron

        @task(executor=LocalExecutor())
        def load():
            return 1

        @task(executor=LocalExecutor())
        def count():
            return 2
    """,
    "8:20 CVX001",
    "12:20 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor()


    class Steps:
        task = ct.electron

        @task(executor=_local_executor)
        def load():
            return 1

        @task(executor=LocalExecutor())
        def count():
            return 2
    """,
    left_alone=(("12:20 CVX001", "a call (task()) runs between"),),
)

# functools.partial of an entry point: the executor built in the partial is built inline in
# that entry point (shown as written inside the partial), and fix shares it like any other.
case(
    "alias_partial_inline",
    """
    import functools

    import covalent as ct
    from covalent.executor import LocalExecutor

    local_task = functools.partial(ct.electron, executor=LocalExecutor())


    @local_task
    def a():
        return 1


    @ct.electron(executor=LocalExecutor())
    def b():
        return 2
    """,
    "6:54 CVX001",
    "14:23 CVX001",
    after="""
    import functools

    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor()

    local_task = functools.partial(ct.electron, executor=_local_executor)


    @local_task
    def a():
        return 1


    @ct.electron(executor=_local_executor)
    def b():
        return 2
    """,
)

case(
    "alias_partial_from_import_decorator",
    """
    from functools import partial

    import covalent as ct
    from covalent.executor import LocalExecutor


    @partial(ct.electron, executor=LocalExecutor(log_stdout="a.log"))
    def a():
        return 1
    """,
    "7:32 CVX001",
    after="""
    from functools import partial

    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor(log_stdout="a.log")


    @partial(ct.electron, executor=_local_executor)
    def a():
        return 1
    """,
)

# A name bound once to a partial of an entry point is an entry point too: calling it with an
# executor overrides the partial's.
case(
    "alias_partial_called",
    """
    import functools

    import covalent as ct
    from covalent.executor import LocalExecutor

    shared = LocalExecutor()
    task = functools.partial(ct.electron, executor=shared)


    @task(executor=LocalExecutor(log_stdout="heavy.log"))
    def heavy():
        return 1


    @task
    def light():
        return 2
    """,
    "10:16 CVX001",
    "10:16 CVX003",
    after="""
    import functools

    import covalent as ct
    from covalent.executor import LocalExecutor

    shared = LocalExecutor()
    task = functools.partial(ct.electron, executor=shared)


    _local_executor = LocalExecutor(log_stdout="heavy.log")


    @task(executor=_local_executor)
    def heavy():
        return 1


    @task
    def light():
        return 2
    """,
)

case(
    "alias_partial_in_function",
    """
    import functools

    import covalent as ct
    from covalent.executor import LocalExecutor


    def make_task():
        return functools.partial(ct.electron, executor=LocalExecutor())


    task = make_task()


    @task
    def a():
        return 1
    """,
    "8:52 CVX002",
    left_alone=(("8:52 CVX002", "unsafe fix (it moves construction to import time)"),),
    unsafe_left_alone=(),
    unsafe_after="""
    import functools

    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor()


    def make_task():
        return functools.partial(ct.electron, executor=_local_executor)


    task = make_task()


    @task
    def a():
        return 1
    """,
)

case(
    "alias_partial_of_something_else",
    """
    import functools

    import covalent as ct
    from covalent.executor import LocalExecutor

    log = functools.partial(print, executor=LocalExecutor())
    run = ct.electron
    """,
    notes="a partial of print is no entry point",
)

case(
    "alias_rebound",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor

    task = ct.electron
    task = ct.lattice
    job = ct.electron
    job = None if False else job
    el, *rest = ct.electron, ct.lattice


    @task(executor=LocalExecutor())
    def a():
        return 1


    @job(executor=LocalExecutor())
    def b():
        return 2


    @el(executor=LocalExecutor())
    def c():
        return 3
    """,
    notes="bound twice, or by starred unpacking: not known to be the entry point",
)

case(
    "alias_rebound_where_the_scope_walk_does_not_look",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor

    task = ct.electron
    job = ct.electron


    def use_print():
        global task
        task = print


    if (job := ct.electron):
        pass


    @task(executor=LocalExecutor())
    def a():
        return 1


    @job(executor=LocalExecutor())
    def b():
        return 2


    def make():
        electron = ct.electron
        for electron in (ct.lattice,):
            pass

        @electron(executor=LocalExecutor())
        def c():
            return 3

        return c
    """,
    notes="rebound by global, by :=, by a loop target: not flagged",
)

case(
    "alias_of_a_parameter",
    """
    from covalent.executor import LocalExecutor


    def register(ct, fn):
        electron = ct.electron

        @electron(executor=LocalExecutor())
        def wrapped():
            return fn()

        return wrapped
    """,
    notes="ct is a parameter here, so its electron is not Covalent's",
)

# Python reads identifiers in NFKC form: "executor" spelt with a fullwidth "e" (U+FF45) is the
# keyword "executor", and a fullwidth "ct" is the name ct.
case(
    "fullwidth_keyword",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(\uff45xecutor=LocalExecutor())
    def step():
        return 1
    """,
    "5:25 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor()


    @ct.electron(\uff45xecutor=_local_executor)
    def step():
        return 1
    """,
)

case(
    "fullwidth_module_and_names",
    """
    import \uff43ovalent as ct
    from \uff43ovalent.executor import LocalExecutor


    @\uff43\uff54.electron(executor=LocalExecutor())
    def step():
        return 1
    """,
    "5:27 CVX001",
    after="""
    import \uff43ovalent as ct
    from \uff43ovalent.executor import LocalExecutor

    _local_executor = LocalExecutor()


    @\uff43\uff54.electron(executor=_local_executor)
    def step():
        return 1
    """,
)


# --- fix, then fix --unsafe-fixes (#12) ---------------------------------------------------------
case(
    "unsafe_site_reuses_the_binding_after_its_function",
    """
    import covalent as ct
    from covalent.executor import LocalExecutor


    def make(fn):
        return ct.electron(fn, executor=LocalExecutor())


    @ct.electron(executor=LocalExecutor())
    def a():
        return 1


    b = make(len)
    """,
    "6:37 CVX002",
    "9:23 CVX001",
    after="""
    import covalent as ct
    from covalent.executor import LocalExecutor


    def make(fn):
        return ct.electron(fn, executor=LocalExecutor())


    _local_executor = LocalExecutor()


    @ct.electron(executor=_local_executor)
    def a():
        return 1


    b = make(len)
    """,
    unsafe_after="""
    import covalent as ct
    from covalent.executor import LocalExecutor


    def make(fn):
        return ct.electron(fn, executor=_local_executor)


    _local_executor = LocalExecutor()


    @ct.electron(executor=_local_executor)
    def a():
        return 1


    b = make(len)
    """,
    left_alone=(("6:37 CVX002", "unsafe fix"),),
    unsafe_left_alone=(),
    notes="The unsafe site reuses the binding the safe fix makes after its function, as a "
    "second run would: nothing between the def and the binding can call make().",
)
