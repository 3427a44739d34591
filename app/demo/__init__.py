"""Demo data: ``hunan_demo.yaml``, written by :mod:`app.demo.generate`."""
