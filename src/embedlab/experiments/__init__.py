"""Experiments: the comparison grid, its report and plots, and the demo.

- `embedlab.experiments.compare`: `compare`, models x modes x vectors by
  k-fold cross-validation, resumable;
- `embedlab.experiments.report`: its rows, table and ``report.md``;
- `embedlab.experiments.plots`: its PNG plots;
- `embedlab.experiments.demo`: `embedlab demo` on the bundled reviews.

Importing this package imports neither Keras nor matplotlib.
"""

from embedlab.experiments.compare import compare
from embedlab.experiments.demo import demo_data_path, run_demo
from embedlab.experiments.report import format_table, summarize

__all__ = ["compare", "demo_data_path", "format_table", "run_demo", "summarize"]
