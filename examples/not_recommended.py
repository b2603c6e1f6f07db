"""The "not recommended" technique from Covalent's guide: an executor built for every task."""

import random

import covalent as ct
from covalent.executor import LocalExecutor


@ct.electron(executor=LocalExecutor())
def task_1():
    return random.sample(range(10, 30), 5)


@ct.electron(executor=LocalExecutor())
def task_2(x_list):
    squares = []
    for x in x_list:
        squares.append(x**2)
    return squares


@ct.lattice
def workflow_1():
    random_list = task_1()
    return task_2(random_list)
