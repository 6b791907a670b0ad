# Expected estimates of a latent interaction (product indicators, double-mean-centred) for acsi's CB-SEM tests.
# Run from the repository root:  Rscript tests/reference_interaction/lavaan_interaction.R
# Data: interaction_data.csv (this folder; written by make_interaction_data.py from acsi.simulate.InteractionPopulation).
# Approach: the unconstrained approach (Marsh, Wen & Hau 2004) with all nine products of the
# centred indicators of A and B, centred again (double-mean-centring, Lin, Wen, Marsh & Lin 2010),
# so no mean structure is needed; the residuals of two products that share an indicator covary.
library(lavaan)
out <- "tests/reference_interaction"
d <- read.csv(file.path(out, "interaction_data.csv"))
a <- c("a1", "a2", "a3")
b <- c("b1", "b2", "b3")
centred <- scale(d[c(a, b)], center = TRUE, scale = FALSE)
products <- NULL
for (i in a) for (j in b) {
  p <- centred[, i] * centred[, j]
  products <- cbind(products, p - mean(p))       # double-mean-centring: the product centred again
  colnames(products)[ncol(products)] <- paste0(i, ".", j)
}
d <- cbind(d, products)
names_p <- colnames(products)
# residual covariances of every two products sharing an indicator (a_i with b_j, a_i with b_k; a_i with b_j, a_k with b_j)
shared <- NULL
for (s in seq_along(names_p)) for (t in seq_along(names_p)) if (s < t) {
  left <- strsplit(names_p[c(s, t)], ".", fixed = TRUE)
  if (left[[1]][1] == left[[2]][1] || left[[1]][2] == left[[2]][2]) shared <- c(shared, paste(names_p[s], "~~", names_p[t]))
}
model <- paste(c(
  "A =~ a1 + a2 + a3",
  "B =~ b1 + b2 + b3",
  "C =~ c1 + c2 + c3",
  paste("AB =~", paste(names_p, collapse = " + ")),
  "C ~ A + B + AB",
  shared
), collapse = "\n")
# ML (lavaan's default), marker identification (first loading 1), expected information,
# latent exogenous covariances free (A, B, AB: the unconstrained approach).
fit <- sem(model, data = d, estimator = "ML")
acsi_name <- function(x) sub("^AB$", "A:B", gsub(".", ":", x, fixed = TRUE))
pe <- parameterEstimates(fit)
pe <- pe[pe$op %in% c("=~", "~", "~~"), c("lhs", "op", "rhs", "est", "se")]
std <- standardizedSolution(fit)
pe$est.std <- std$est.std[match(paste(pe$lhs, pe$op, pe$rhs), paste(std$lhs, std$op, std$rhs))]
pe <- transform(pe, lhs = acsi_name(lhs), rhs = acsi_name(rhs), est = round(est, 6), se = round(se, 6), est.std = round(est.std, 6))
write.csv(pe, file.path(out, "lavaan_estimates.csv"), row.names = FALSE)
keys <- c("chisq", "df", "cfi", "tli", "rmsea", "srmr", "aic", "bic")
fm <- fitMeasures(fit, keys)
write.csv(data.frame(measure = names(fm), value = round(unclass(fm), 6)), file.path(out, "lavaan_fit_measures.csv"), row.names = FALSE)
cat(R.version.string, "\nlavaan", as.character(packageVersion("lavaan")), "\n", format(Sys.time(), tz = "UTC", usetz = TRUE), "\n")
