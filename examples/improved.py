"""The improved technique from Covalent's guide: one executor, created once, shared."""

import random

import covalent as ct
from covalent.executor import DaskExecutor

custom_executor = DaskExecutor()


@ct.electron(executor=custom_executor)
def task_1():
    return random.sample(range(10, 30), 5)


@ct.electron(executor=custom_executor)
def task_2(x_list):
    squares = []
    for x in x_list:
        squares.append(x**2)
    return squares


@ct.lattice
def workflow_2():
    random_list = task_1()
    return task_2(random_list)
