"""The hazard table: small programs in which hoisting an executor could change what the
program does, one or more per kind of hazard, each with what ``fix`` must do.

``outcomes`` has one entry per CVX001/CVX002 finding, in source order: ``"fixed"``, or the
part of the reason it is left alone with. ``bindings`` is how many new ``name = ...``
statements the fix writes (merging two sites across a hazard would write one too few).
``unsafe`` runs ``fix --unsafe-fixes``. Every program runs under real Covalent before and
after the fix (see test_hazards.py), so a wrong expectation cannot hide a changed program.
"""

from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass

HEAD = "import covalent as ct\nfrom covalent.executor import LocalExecutor\n\n\n"


@dataclass(frozen=True)
class Hazard:
    id: str
    kind: str
    body: str
    outcomes: tuple[str, ...]
    bindings: int
    unsafe: bool = False
    head: str = HEAD
    python: tuple[int, int] = (3, 9)  # the oldest Python whose syntax it uses

    @property
    def source(self) -> str:
        return self.head + textwrap.dedent(self.body).lstrip("\n")

    @property
    def runs_here(self) -> bool:
        return sys.version_info >= self.python


HAZARDS: list[Hazard] = []
KINDS = {
    "state": "state the arguments read changes between merged sites",
    "order": "earlier parts of the same statement run first",
    "identity": "the class a name stands for",
    "never": "constructions that may never run",
    "reuse": "reusing an existing instance",
    "names": "generated names",
    "pickling": "unsafe fixes and Covalent's pickling",
    "small": "smaller ones",
    "kept": "what the model still fixes",
}


def hazard(id: str, kind: str, body: str, *outcomes: str, bindings: int, **extra: object) -> None:
    assert kind in KINDS, kind
    HAZARDS.append(Hazard(id, kind, body, outcomes, bindings, **extra))  # type: ignore[arg-type]


FIXED = "fixed"

# -- 1. state read by the arguments changes between merged sites ----------------------------
hazard(
    "global_rebound_between",
    "state",
    """
    WORKDIR = "/tmp/cvx-a"

    @ct.electron(executor=LocalExecutor(workdir=WORKDIR))
    def first():
        return 1

    WORKDIR = "/tmp/cvx-b"

    @ct.electron(executor=LocalExecutor(workdir=WORKDIR))
    def second():
        return 2
    """,
    FIXED,
    FIXED,
    bindings=2,
)
hazard(
    "attribute_changed_between",
    "state",
    """
    import types

    cfg = types.SimpleNamespace(workdir="/tmp/cvx-a")

    @ct.electron(executor=LocalExecutor(workdir=cfg.workdir))
    def first():
        return 1

    cfg.workdir = "/tmp/cvx-b"

    @ct.electron(executor=LocalExecutor(workdir=cfg.workdir))
    def second():
        return 2
    """,
    FIXED,
    FIXED,
    bindings=2,
)
hazard(
    "subscript_appended_in_loop",
    "state",
    """
    RUNS = []
    tasks = []
    for index in range(2):
        RUNS.append("/tmp/cvx-run-" + str(index))
        tasks.append(ct.electron(abs, executor=LocalExecutor(workdir=RUNS[-1])))
    """,
    "RUNS, which its construction reads, is rebound or changed",
    bindings=0,
)
hazard(
    "global_rebound_by_a_function",
    "state",
    """
    WORKDIR = "/tmp/cvx-a"


    def switch():
        global WORKDIR
        WORKDIR = "/tmp/cvx-b"


    @ct.electron(executor=LocalExecutor(workdir=WORKDIR))
    def first():
        return 1

    switch()

    @ct.electron(executor=LocalExecutor(workdir=WORKDIR))
    def second():
        return 2
    """,
    FIXED,
    FIXED,
    bindings=2,
)
hazard(
    "set_config_between",
    "state",
    """
    @ct.electron(executor=LocalExecutor())
    def first():
        return 1

    ct.set_config("executors.local.workdir", "/tmp/cvx-config-b")

    @ct.electron(executor=LocalExecutor())
    def second():
        return 2
    """,
    FIXED,
    FIXED,
    bindings=2,
)
hazard(
    "set_config_in_the_loop",
    "state",
    """
    tasks = []
    for name in ["a", "b"]:
        ct.set_config("executors.local.workdir", f"/tmp/cvx-{name}")
        tasks.append(ct.electron(abs, executor=LocalExecutor()))
    """,
    "a call (ct.set_config()) runs between",
    bindings=0,
)
hazard(
    "helper_that_configures",
    "state",
    """
    def use_scratch():
        ct.set_config("executors.local.workdir", "/tmp/cvx-scratch")


    @ct.electron(executor=LocalExecutor())
    def first():
        return 1

    use_scratch()

    @ct.electron(executor=LocalExecutor())
    def second():
        return 2
    """,
    FIXED,
    FIXED,
    bindings=2,
)
hazard(
    "print_between",
    "state",
    """
    @ct.electron(executor=LocalExecutor())
    def first():
        return 1

    print("defined first")

    @ct.electron(executor=LocalExecutor())
    def second():
        return 2
    """,
    FIXED,
    FIXED,
    bindings=2,
)

# -- 2. earlier parts of the same statement --------------------------------------------------
hazard(
    "decorator_with_effect_above",
    "order",
    """
    def scratch(fn):
        return fn


    def configure():
        ct.set_config("executors.local.workdir", "/tmp/cvx-decorated")
        return scratch


    @configure()
    @ct.electron(executor=LocalExecutor())
    def task():
        return 1
    """,
    "a call (configure()) runs between",
    bindings=0,
)
hazard(
    "plain_decorator_above",
    "order",
    """
    def traced(fn):
        return fn


    @traced
    @ct.electron(executor=LocalExecutor())
    def task():
        return 1
    """,
    FIXED,
    bindings=1,
)
hazard(
    "earlier_argument_configures",
    "order",
    """
    def prepared():
        ct.set_config("executors.local.workdir", "/tmp/cvx-prepared")
        return abs


    task = ct.electron(prepared(), executor=LocalExecutor())
    """,
    "a call (prepared()) runs between",
    bindings=0,
)

# -- 3. class identity -------------------------------------------------------------------------
hazard(
    "two_spellings_of_local",
    "identity",
    """
    from covalent.executor.executor_plugins.local import LocalExecutor as PluginLocal


    @ct.electron(executor=LocalExecutor())
    def first():
        return 1


    @ct.electron(executor=PluginLocal())
    def second():
        return 2
    """,
    FIXED,
    FIXED,
    bindings=2,
)
hazard(
    "class_rebound_between",
    "identity",
    """
    @ct.electron(executor=LocalExecutor())
    def first():
        return 1


    class LocalExecutor(LocalExecutor):
        pass


    @ct.electron(executor=LocalExecutor())
    def second():
        return 2
    """,
    FIXED,
    FIXED,
    bindings=2,
)

# -- 4. constructions that may never run ---------------------------------------------------
hazard(
    "entry_point_in_a_conditional_expression",
    "never",
    """
    ON_CLUSTER = False


    def job():
        return 1


    task = ct.electron(job, executor=LocalExecutor()) if ON_CLUSTER else ct.electron(job)
    """,
    "one branch of a conditional expression",
    bindings=0,
)
hazard(
    "entry_point_behind_and",
    "never",
    """
    FLAG = False


    def job():
        return 1


    task = FLAG and ct.electron(job, executor=LocalExecutor())
    """,
    "`and`/`or`",
    bindings=0,
)
hazard(
    "comprehension_over_a_name",
    "never",
    """
    JOBS = []
    tasks = [ct.electron(job, executor=LocalExecutor()) for job in JOBS]
    """,
    "comprehension, which may have none",
    bindings=0,
)
hazard(
    "loop_over_a_name",
    "never",
    """
    JOBS = []
    tasks = []
    for job in JOBS:
        tasks.append(ct.electron(job, executor=LocalExecutor()))
    """,
    "loop, which may run no times",
    bindings=0,
)
hazard(
    "while_loop",
    "never",
    """
    tasks = []
    while len(tasks) < 2:
        tasks.append(ct.electron(abs, executor=LocalExecutor()))
    """,
    "`while` loop",
    bindings=0,
)
hazard(
    "case_guard",
    "never",
    """
    MODE = "local"
    match MODE:
        case "cluster" if ct.electron(abs, executor=LocalExecutor()):
            chosen = 1
        case _:
            chosen = 2
    """,
    "`case` pattern matches",
    bindings=0,
    python=(3, 10),
)
hazard(
    "assert_message",
    "never",
    """
    READY = True
    assert READY, ct.electron(abs, executor=LocalExecutor())
    """,
    "assertion fails",
    bindings=0,
)
hazard(
    "annotation_never_evaluated",
    "never",
    """
    task: ct.electron(executor=LocalExecutor()) = None
    """,
    "annotation",
    bindings=0,
    head="from __future__ import annotations\n\n" + HEAD,
)
hazard(
    "import_that_may_fail",
    "never",
    """
    try:
        from covalent_slurm_plugin import SlurmExecutor
    except ImportError:
        SlurmExecutor = None


    def job():
        return 1


    task = ct.electron(job, executor=SlurmExecutor()) if SlurmExecutor else ct.electron(job)
    """,
    "one branch of a conditional expression",
    bindings=0,
)
hazard(
    "loop_else",
    "never",
    """
    tasks = []
    for name in ["a"]:
        if name == "a":
            break
    else:
        tasks.append(ct.electron(abs, executor=LocalExecutor()))
    """,
    FIXED,
    bindings=1,
)

# -- 5. reusing an existing instance -------------------------------------------------------
hazard(
    "reuse_a_clean_instance",
    "reuse",
    """
    shared = LocalExecutor()


    @ct.electron(executor=LocalExecutor())
    def task():
        return 1
    """,
    FIXED,
    bindings=0,
)
hazard(
    "reuse_unbound_by_except",
    "reuse",
    """
    shared = LocalExecutor()
    try:
        raise ValueError("no")
    except ValueError as shared:
        pass


    @ct.electron(executor=LocalExecutor())
    def task():
        return 1
    """,
    FIXED,
    bindings=1,
)
hazard(
    "reuse_rebound_by_a_match_capture",
    "reuse",
    """
    shared = LocalExecutor()
    match 1:
        case shared:
            pass


    @ct.electron(executor=LocalExecutor())
    def task():
        return 1
    """,
    FIXED,
    bindings=1,
    python=(3, 10),
)
hazard(
    "reuse_shadowed_by_a_parameter",
    "reuse",
    """
    shared = LocalExecutor()


    def make(shared):
        return ct.electron(abs, executor=LocalExecutor())


    task = make(None)
    """,
    FIXED,
    bindings=1,
    unsafe=True,
)
hazard(
    "reuse_changed_by_attribute",
    "reuse",
    """
    shared = LocalExecutor()
    shared.workdir = "/tmp/cvx-changed"


    @ct.electron(executor=LocalExecutor())
    def task():
        return 1
    """,
    FIXED,
    bindings=1,
)
hazard(
    "reuse_changed_by_setattr",
    "reuse",
    """
    shared = LocalExecutor()
    setattr(shared, "workdir", "/tmp/cvx-changed")


    @ct.electron(executor=LocalExecutor())
    def task():
        return 1
    """,
    FIXED,
    bindings=1,
)
hazard(
    "reuse_changed_through_vars",
    "reuse",
    """
    shared = LocalExecutor()
    vars(shared)["workdir"] = "/tmp/cvx-changed"


    @ct.electron(executor=LocalExecutor())
    def task():
        return 1
    """,
    FIXED,
    bindings=1,
)
hazard(
    "reuse_passed_to_a_call",
    "reuse",
    """
    def tune(executor):
        executor.workdir = "/tmp/cvx-tuned"


    shared = LocalExecutor()
    tune(shared)


    @ct.electron(executor=LocalExecutor())
    def task():
        return 1
    """,
    FIXED,
    bindings=1,
)
hazard(
    "reuse_after_config_changed",
    "reuse",
    """
    shared = LocalExecutor()
    ct.set_config("executors.local.workdir", "/tmp/cvx-later")


    @ct.electron(executor=LocalExecutor())
    def task():
        return 1
    """,
    FIXED,
    bindings=1,
)

# -- 6. generated names ------------------------------------------------------------------------
hazard(
    "star_import_between",
    "names",
    """
    @ct.electron(executor=LocalExecutor())
    def first():
        return 1


    from os.path import *  # noqa: E402,F403


    @ct.electron(executor=LocalExecutor())
    def second():
        return 2
    """,
    FIXED,
    FIXED,
    bindings=2,
)

# -- 7. --unsafe-fixes and Covalent's pickling --------------------------------------------
hazard(
    "factory_a_lattice_calls",
    "pickling",
    """
    def add(x):
        return x + 1


    def make_task(fn):
        return ct.electron(fn, executor=LocalExecutor())


    @ct.lattice
    def flow(x):
        return make_task(add)(x)
    """,
    "an electron or lattice reaches",
    bindings=0,
    unsafe=True,
)
hazard(
    "lattice_made_by_a_plain_call",
    "pickling",
    """
    def add(x):
        return x + 1


    def workflow(x):
        return ct.electron(add, executor=LocalExecutor())(x)


    flow = ct.lattice(workflow)
    """,
    "an electron or lattice reaches",
    bindings=0,
    unsafe=True,
)
hazard(
    "factory_nothing_pickles",
    "pickling",
    """
    def add(x):
        return x + 1


    def make_task(fn):
        return ct.electron(fn, executor=LocalExecutor())


    task = make_task(add)
    """,
    FIXED,
    bindings=1,
    unsafe=True,
)

# -- 8. smaller ones -----------------------------------------------------------------------
hazard(
    "non_ascii_executor_class",
    "small",
    """
    class ÉcoleExecutor(LocalExecutor):
        pass


    @ct.electron(executor=ÉcoleExecutor())
    def task():
        return 1
    """,
    FIXED,
    bindings=1,
)
hazard(
    "site_in_an_elif_test",
    "small",
    """
    MODE = "b"
    if MODE == "a":
        chosen = None
    elif ct.electron(abs, executor=LocalExecutor()):
        chosen = 1


    @ct.electron(executor=LocalExecutor())
    def task():
        return 1
    """,
    "`elif` condition",
    FIXED,
    bindings=1,
)

# -- what the model still fixes ------------------------------------------------------------
hazard(
    "merge_across_inert_code",
    "kept",
    """
    RETRIES = 2


    def helper():
        return RETRIES


    @ct.electron(executor=LocalExecutor())
    def first():
        return helper()


    LABELS = {"first": 1}


    @ct.electron(executor=LocalExecutor())
    def second():
        return 2
    """,
    FIXED,
    FIXED,
    bindings=1,
)
hazard(
    "module_level_loop_over_a_literal",
    "kept",
    """
    tasks = []
    for name in ["a", "b", "c"]:
        tasks.append(ct.electron(abs, executor=LocalExecutor()))
    """,
    FIXED,
    bindings=1,
)
hazard(
    "comprehension_over_range",
    "kept",
    """
    tasks = [ct.electron(abs, executor=LocalExecutor()) for _ in range(3)]
    """,
    FIXED,
    bindings=1,
)
hazard(
    "loop_in_a_function_over_a_literal",
    "kept",
    """
    def build():
        tasks = []
        for name in ["a", "b"]:
            tasks.append(ct.electron(abs, executor=LocalExecutor()))
        return tasks


    built = build()
    """,
    FIXED,
    bindings=1,
)
hazard(
    "loop_in_a_function_over_a_parameter",
    "never",
    """
    def build(names):
        tasks = []
        for name in names:
            tasks.append(ct.electron(abs, executor=LocalExecutor()))
        return tasks


    built = build([])
    """,
    "use --unsafe-fixes",
    bindings=0,
)
hazard(
    "loop_in_a_function_that_configures",
    "state",
    """
    def build():
        tasks = []
        for name in ["a", "b"]:
            ct.set_config("executors.local.workdir", "/tmp/cvx-" + name)
            tasks.append(ct.electron(abs, executor=LocalExecutor()))
        return tasks


    built = build()
    """,
    "a call (ct.set_config()) runs between",
    bindings=0,
)
hazard(
    "conditional_value_as_a_whole",
    "kept",
    """
    from covalent.executor import DaskExecutor

    ON_CLUSTER = False


    @ct.electron(executor=DaskExecutor() if ON_CLUSTER else LocalExecutor())
    def first():
        return 1


    @ct.electron(executor=DaskExecutor() if ON_CLUSTER else LocalExecutor())
    def second():
        return 2
    """,
    FIXED,
    FIXED,
    FIXED,
    FIXED,
    bindings=1,
)
hazard(
    "conditional_value_whose_test_changes",
    "state",
    """
    from covalent.executor import DaskExecutor

    ON_CLUSTER = False


    @ct.electron(executor=DaskExecutor() if ON_CLUSTER else LocalExecutor())
    def first():
        return 1


    ON_CLUSTER = True


    @ct.electron(executor=DaskExecutor() if ON_CLUSTER else LocalExecutor())
    def second():
        return 2
    """,
    FIXED,
    FIXED,
    FIXED,
    FIXED,
    bindings=2,
)
hazard(
    "conditional_value_whose_test_calls",
    "never",
    """
    from covalent.executor import DaskExecutor


    def on_cluster():
        return False


    @ct.electron(executor=DaskExecutor() if on_cluster() else LocalExecutor())
    def task():
        return 1
    """,
    "built only when its branch of the conditional is chosen",
    "built only when its branch of the conditional is chosen",
    bindings=0,
)

# -- an unsafe fix reusing a binding that stands after its function (#12) --------------------
# The function may read the shared name only if nothing between its def and the binding can
# call it: operators, f-strings and displays run the program's methods, a class body runs
# ``__set_name__``, a default value is evaluated when the def runs.
_LATE_HOOK = textwrap.dedent("""
    class Hook:
        def __add__(self, other):
            make_task()
            return other

        def __format__(self, spec):
            make_task()
            return "hook"

        def __set_name__(self, owner, name):
            make_task()

    hook = Hook()

    def make_task():
        return ct.electron(print, executor=LocalExecutor())

    """)
for _id, _between in (
    ("late_reuse_after_an_operator", "value = hook + 1"),
    ("late_reuse_after_an_f_string", 'label = f"{hook}"'),
    ("late_reuse_after_a_class_body", "class Tasks:\n    on_create = hook"),
    ("late_reuse_after_a_default", "def later(x=hook + 1):\n    return x"),
):
    hazard(
        _id,
        "reuse",
        _LATE_HOOK + _between + "\n\nlocal = LocalExecutor()\n",
        FIXED,
        bindings=1,
        unsafe=True,
    )
    hazard(
        _id + "_of_a_safe_fix",
        "reuse",
        _LATE_HOOK
        + _between
        + "\n\n@ct.electron(executor=LocalExecutor())\ndef step():\n    return 1\n",
        FIXED,
        FIXED,
        bindings=2,
        unsafe=True,
    )
