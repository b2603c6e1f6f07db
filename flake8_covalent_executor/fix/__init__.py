"""``fix``: hoist executors built inline into shared instances, verified before writing.

The modules are the steps, in order: ``plan`` (which sites share which name, and where it is
bound; on the ast alone), ``splice`` (edit the file's bytes at the ast's positions),
``verify`` (the rewrite parses, lost exactly the fixed findings, and is the old module apart
from the hoisting), ``write`` (atomically). ``fixer`` runs them on one module, ``notebook``
on a notebook's code cells, ``runner`` over many files.
"""
