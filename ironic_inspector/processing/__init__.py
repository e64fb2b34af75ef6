"""Processing of the ramdisk's data: the pipeline and its hooks.

:mod:`.pipeline` finds the node a document belongs to, stores the
document, runs the configured :mod:`.hooks` on it and stores the result.
"""
