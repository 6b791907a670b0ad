# Expected polychoric / polyserial correlations, WLSMV / ULSMV estimates, standard errors, fit measures and Gamma for acsi's ordinal tests.
# Run from the repository root:  Rscript tests/reference_ordinal/lavaan_ordinal.R ../shared/reference/data/mobi.csv
# Data: mobi (semPLS 1.0-10; shared/reference/data/mobi.csv), 10-point items cut to 5 levels
# with ceiling(x / 2) (1-2 -> 1, 3-4 -> 2, 5-6 -> 3, 7-8 -> 4, 9-10 -> 5); CUSCO stays continuous.
library(lavaan)
args <- commandArgs(trailingOnly = TRUE)
mobi <- read.csv(args[1])
items <- c("CUEX1", "CUEX2", "CUEX3", "CUSA1", "CUSA2", "CUSA3", "CUSL1", "CUSL2", "CUSL3")
d <- mobi[, c(items, "CUSCO")]
d[items] <- lapply(d[items], function(x) ceiling(x / 2))
out <- "tests/reference_ordinal"

# 1. Two-step polychoric (item-item) and polyserial (item-CUSCO) correlations.
R <- lavCor(d, ordered = items)
write.csv(round(unclass(R), 6), file.path(out, "lavcor.csv"))

# The model: three common factors, two paths.
model <- "
  CUEX =~ CUEX1 + CUEX2 + CUEX3
  CUSA =~ CUSA1 + CUSA2 + CUSA3
  CUSL =~ CUSL1 + CUSL2 + CUSL3
  CUSA ~ CUEX
  CUSL ~ CUSA
"
# 2. Three common factors, two paths, all nine items ordered (delta parametrisation):
#    WLSMV (lavaan's default for ordered data) and ULSMV (unweighted least squares on the same
#    polychoric correlations, what acsi's cbsem with objective = "ULS" computes).
for (estimator in c("WLSMV", "ULSMV")) {
  fit <- sem(model, data = d[items], ordered = items, estimator = estimator)
  pe <- standardizedSolution(fit)
  pe <- pe[pe$op %in% c("=~", "~"), c("lhs", "op", "rhs", "est.std")]
  write.csv(transform(pe, est.std = round(est.std, 6)),
            file.path(out, paste0(tolower(estimator), "_standardized.csv")), row.names = FALSE)
  # unstandardised free loadings and paths with their robust (sandwich) standard errors
  pe <- parameterEstimates(fit)
  pe <- pe[pe$op %in% c("=~", "~") & pe$se > 0, c("lhs", "op", "rhs", "est", "se")]
  write.csv(transform(pe, est = round(est, 6), se = round(se, 6)),
            file.path(out, paste0(tolower(estimator), "_estimates.csv")), row.names = FALSE)
}

# 3. Fit measures of WLSMV and ULSMV (unscaled and scaled-shifted statistics and the indices on
#    them) for the model above ("three") and a one-factor model of the nine items ("one").
one <- "F =~ CUEX1 + CUEX2 + CUEX3 + CUSA1 + CUSA2 + CUSA3 + CUSL1 + CUSL2 + CUSL3"
keys <- c("chisq", "df", "pvalue", "chisq.scaled", "pvalue.scaled", "baseline.chisq", "baseline.df",
          "baseline.chisq.scaled", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "cfi.scaled",
          "tli.scaled", "rmsea.scaled", "rmsea.ci.lower.scaled", "rmsea.ci.upper.scaled", "srmr")
measures <- NULL
for (name in c("three", "one")) for (estimator in c("WLSMV", "ULSMV")) {
  fit <- sem(if (name == "three") model else one, data = d[items], ordered = items, estimator = estimator)
  fm <- fitMeasures(fit, keys)
  measures <- rbind(measures, data.frame(model = name, estimator = estimator, measure = names(fm), value = round(unclass(fm), 6)))
}
write.csv(measures, file.path(out, "fit_measures.csv"), row.names = FALSE)

# 4. WLSMV's weights: the diagonal of lavaan's Gamma (n times the asymptotic covariance of the
#    sample statistics) for the 36 polychoric correlations (after the 35 thresholds).
fit <- sem(model, data = d[items], ordered = items, estimator = "WLSMV")
g <- diag(lavInspect(fit, "gamma"))
g <- g[grepl("~~", names(g))]
write.csv(data.frame(pair = names(g), gamma = round(unname(g), 6)), file.path(out, "wlsmv_gamma_correlations.csv"), row.names = FALSE)
cat(R.version.string, "\nlavaan", as.character(packageVersion("lavaan")), "\n", format(Sys.time(), tz = "UTC", usetz = TRUE), "\n")
