"""Introspection as ironic drives it: started, aborted, timed out.

Ironic's ``inspector`` inspect interface (ironic up to 32.x) starts an
introspection of one of its nodes, polls its status and aborts it;
:mod:`.lifecycle` does that with the node read from ironic.
:mod:`.periodic` ends introspections that took too long and forgets the
nodes ironic deleted. The processing of the ramdisk's document is
:mod:`ironic_inspector.processing`'s.
"""
