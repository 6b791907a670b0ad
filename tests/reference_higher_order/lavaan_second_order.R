# Expected estimates of the second-order factor model of models/acsi_servqual.yaml on datasets/servqual_demo.csv
# (perceived quality a second-order factor of the five SERVQUAL dimensions inside the ACSI model).
# Run from the repository root:  Rscript tests/reference_higher_order/lavaan_second_order.R
library(lavaan)
out <- "tests/reference_higher_order"
d <- read.csv("datasets/servqual_demo.csv")
model <- "
  customer_expectations =~ exp_overall + exp_customization + exp_reliability
  tangibles =~ tang1_p + tang2_p + tang3_p + tang4_p
  reliability =~ rel1_p + rel2_p + rel3_p + rel4_p + rel5_p
  responsiveness =~ resp1_p + resp2_p + resp3_p + resp4_p
  assurance =~ assu1_p + assu2_p + assu3_p + assu4_p
  empathy =~ emp1_p + emp2_p + emp3_p + emp4_p + emp5_p
  perceived_value =~ value_price_given_quality + value_quality_given_price
  customer_satisfaction =~ sat_overall + sat_confirmation + sat_ideal
  customer_complaints =~ complaint
  customer_loyalty =~ loy_repurchase + loy_price_tolerance
  perceived_quality =~ tangibles + reliability + responsiveness + assurance + empathy
  perceived_quality ~ customer_expectations
  perceived_value ~ customer_expectations + perceived_quality
  customer_satisfaction ~ customer_expectations + perceived_quality + perceived_value
  customer_complaints ~ customer_satisfaction
  customer_loyalty ~ customer_satisfaction + customer_complaints
  complaint ~~ 0*complaint
"
# ML (lavaan's default), marker identification (each factor's first loading 1, the second-order
# factor's first component loading 1), single indicator without measurement error.
fit <- sem(model, data = d, estimator = "ML")
pe <- parameterEstimates(fit)
pe <- pe[pe$op %in% c("=~", "~", "~~"), c("lhs", "op", "rhs", "est", "se")]
std <- standardizedSolution(fit)
pe$est.std <- std$est.std[match(paste(pe$lhs, pe$op, pe$rhs), paste(std$lhs, std$op, std$rhs))]
pe <- transform(pe, est = round(est, 6), se = round(se, 6), est.std = round(est.std, 6))
write.csv(pe, file.path(out, "lavaan_estimates.csv"), row.names = FALSE)
keys <- c("chisq", "df", "cfi", "tli", "rmsea", "srmr")
fm <- fitMeasures(fit, keys)
write.csv(data.frame(measure = names(fm), value = round(unclass(fm), 6)), file.path(out, "lavaan_fit_measures.csv"), row.names = FALSE)
cat(R.version.string, "\nlavaan", as.character(packageVersion("lavaan")), "\n", format(Sys.time(), tz = "UTC", usetz = TRUE), "\n")
