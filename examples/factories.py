"""Executors built where code runs repeatedly: in a lattice body, a factory and a loop."""

import covalent as ct
from covalent.executor import LocalExecutor


def add(a, b):
    return a + b


@ct.lattice
def workflow(a, b):
    # A new executor every time the lattice is built.
    return ct.electron(add, executor=LocalExecutor())(a, b)


def make_task(fn):
    # A new executor for every task this factory makes.
    return ct.electron(fn, executor=LocalExecutor())


adders = [ct.electron(add, executor=LocalExecutor()) for _ in range(3)]
