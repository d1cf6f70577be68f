"""French→English translation and alignment workbench.

Pipeline stages, one module each: :mod:`align.segment`, :mod:`align.translate`,
:mod:`align.embed`, :mod:`align.aligner`, :mod:`align.evaluate`, :mod:`align.formats`,
with :mod:`align.pipeline` tying them together and :mod:`align.cli` as a thin click layer.
"""

__version__ = "0.1.0"
