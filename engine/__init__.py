"""opiflow's engine: the only package that imports SpiffWorkflow.

The rest of the application calls the verbs of :class:`engine.runtime.Engine`.
"""
