"""Named tolerances, passed by keyword: ``assert_allclose(got, want, **POPULATION)``."""

EXACT = {"rtol": 0.0, "atol": 1e-12}  # algebra
NUMERIC = {"rtol": 0.0, "atol": 1e-9}  # two routes to the same converged solution
POPULATION = {"rtol": 0.0, "atol": 1e-6}  # population-exact recovery
