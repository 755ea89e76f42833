"""Settings modules: ``dev`` (embedded default), ``production`` and ``test``."""
