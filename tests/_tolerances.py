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
REPRODUCED = {"rtol": 1e-12, "atol": 1e-12}  # the same computation on another CPU/BLAS: last bits differ


def assert_nested_close(actual: object, expected: object, *, rtol: float, atol: float, where: str = "$") -> None:
    """Compare JSON-like records: equal keys, lists and strings; floats within ``atol + rtol * |expected|``.

    Computed floats are never compared exactly: another CPU or BLAS thread count changes the last bit.
    """
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, found {type(actual).__name__}"
        assert actual.keys() == expected.keys(), f"{where}: keys {sorted(actual)} != {sorted(expected)}"
        for key in expected:
            assert_nested_close(actual[key], expected[key], rtol=rtol, atol=atol, where=f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{where}: list lengths differ"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_nested_close(a, e, rtol=rtol, atol=atol, where=f"{where}[{i}]")
    elif isinstance(expected, float) and not isinstance(expected, bool):
        assert isinstance(actual, int | float), f"{where}: expected a number, found {actual!r}"
        assert abs(actual - expected) <= atol + rtol * abs(expected), f"{where}: {actual!r} != {expected!r}"
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"
