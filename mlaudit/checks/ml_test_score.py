"""The 28 tests of the ML Test Score (Breck et al., IEEE BigData 2017), in the paper's order.

Checks name the tests they decide in their ``ml_test_score`` attribute; the scoring package reads this table.
"""

from __future__ import annotations

ML_TEST_SCORE_TESTS: dict[str, tuple[str, str]] = {
    "data-1": ("data", "Feature expectations are captured in a schema"),
    "data-2": ("data", "All features are beneficial"),
    "data-3": ("data", "No feature's cost is too much"),
    "data-4": ("data", "Features adhere to meta-level requirements"),
    "data-5": ("data", "The data pipeline has appropriate privacy controls"),
    "data-6": ("data", "New features can be added quickly"),
    "data-7": ("data", "All input feature code is tested"),
    "model-1": ("model", "Model specs are reviewed and submitted"),
    "model-2": ("model", "Offline and online metrics correlate"),
    "model-3": ("model", "All hyperparameters have been tuned"),
    "model-4": ("model", "The impact of model staleness is known"),
    "model-5": ("model", "A simpler model is not better"),
    "model-6": ("model", "Model quality is sufficient on important data slices"),
    "model-7": ("model", "The model is tested for considerations of inclusion"),
    "infra-1": ("infrastructure", "Training is reproducible"),
    "infra-2": ("infrastructure", "Model specs are unit tested"),
    "infra-3": ("infrastructure", "The full ML pipeline is integration tested"),
    "infra-4": ("infrastructure", "Model quality is validated before serving"),
    "infra-5": ("infrastructure", ("The model allows debugging by observing the step-by-step computation of training or "
                "inference on a single example")),
    "infra-6": ("infrastructure", "Models are canaried before serving"),
    "infra-7": ("infrastructure", "Serving models can be rolled back"),
    "mon-1": ("monitoring", "Dependency changes result in notification"),
    "mon-2": ("monitoring", "Data invariants hold in training and serving inputs"),
    "mon-3": ("monitoring", "Training and serving features compute the same values"),
    "mon-4": ("monitoring", "Models are not too stale"),
    "mon-5": ("monitoring", "The model is numerically stable"),
    "mon-6": ("monitoring", ("The model has not experienced regressions in training speed, serving latency, "
              "throughput, or RAM usage")),
    "mon-7": ("monitoring", "The model has not experienced a regression in prediction quality on served data"),
}
