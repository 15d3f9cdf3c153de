"""Demo: the fictional demo region that `make demo` loads and browser tests use. Each app adds its part
through a `demo.py` module with `load(region)`; this app only runs them in order."""
