"""Named tolerances, passed by keyword: ``assert_allclose(got, want, **POPULATION)``."""

EXACT = {"rtol": 0.0, "atol": 1e-12}  # algebra
NUMERIC = {"rtol": 0.0, "atol": 1e-9}  # two routes to the same converged solution
POPULATION = {"rtol": 0.0, "atol": 1e-6}  # population-exact recovery
# Missing-data recovery at n = 20,000 with 20-40% of some indicators missing: the EM
# estimates' sampling error is about 0.005 for loadings and paths (observed 0.001-0.005)
# and 0.1 index points; the biases the tests demonstrate are 0.03-0.13 and 1.4-9 points.
MISSING_RECOVERY = {"rtol": 0.0, "atol": 0.015}  # loadings and path coefficients
INDEX_RECOVERY = {"rtol": 0.0, "atol": 0.25}  # 0-100 index points
ROUNDED_4DP = {"rtol": 0.0, "atol": 5e-5}  # values published to four decimals
RESAMPLE = {"rtol": 0.0, "atol": 1e-10}  # same resample via moment sums vs via refitting the rows
