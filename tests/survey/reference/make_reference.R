# Reference values for kesu.survey from R's survey package (Lumley).
#
# Run from this directory:  Rscript make_reference.R
# Writes the datasets (CSV), R's bootstrap replicate factors (CSV) and reference.json, which the
# Python tests compare against without needing R.  Needs: r-base-core, r-cran-survey, r-cran-jsonlite.
#
# Conventions reproduced here and in kesu.survey (see tests/survey/test_against_r.py):
# * confidence intervals use t quantiles with df = degf() of the (domain) design, the default of
#   svyciprop; for Wald intervals of means/totals/ratios this is confint(..., df = degf(sub)).
# * domains are svyby's subsets design[by == level, ]; CIs are computed on the same subsets.
# * Wilson intervals are not in survey: they are computed here from svymean's estimate and SE with
#   the effective sample size p(1-p)/SE^2 and z = qt(1 - alpha/2, degf).

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})
data(api)

# ------------------------------------------------------------------ datasets
export <- function(df, file) write.csv(df, file, row.names = FALSE, na = "")

api_columns <- function(df) {
  out <- data.frame(
    snum = df$snum, dnum = df$dnum, cnum = df$cnum, stype = as.character(df$stype),
    api00 = df$api00, api99 = df$api99, enroll = df$enroll, meals = df$meals, ell = df$ell,
    sch_wide = as.integer(df$sch.wide == "Yes"), comp_imp = as.integer(df$comp.imp == "Yes"),
    awards = as.integer(df$awards == "Yes"), yr_rnd = as.character(df$yr.rnd), pw = df$pw
  )
  for (name in c("fpc", "fpc1", "fpc2")) if (!is.null(df[[name]])) out[[name]] <- df[[name]]
  out
}
apistrat_ <- api_columns(apistrat)
apiclus1_ <- api_columns(apiclus1)
apiclus2_ <- api_columns(apiclus2)
export(apistrat_, "apistrat.csv")
export(apiclus1_, "apiclus1.csv")
export(apiclus2_, "apiclus2.csv")

# A stratified two-stage sample with lonely PSUs: strata S01-S10 have several PSUs, S11 and S12 one
# each, S13 one PSU that is the whole stratum (a census stratum); some PSUs have a single SSU.
set.seed(20240611)
lonely_rows <- list()
psu_count <- c(3, 4, 2, 5, 3, 2, 4, 3, 2, 3, 1, 1, 1)
for (h in seq_along(psu_count)) {
  for (j in seq_len(psu_count[h])) {
    n_ssu <- sample(1:3, 1)
    for (k in seq_len(n_ssu)) {
      m <- sample(2:5, 1)
      lonely_rows[[length(lonely_rows) + 1]] <- data.frame(
        stratum = sprintf("S%02d", h), psu = sprintf("P%02d_%d", h, j), ssu = sprintf("P%02d_%d_%d", h, j, k),
        region = sample(c("east", "west", "north"), m, replace = TRUE),
        group = sample(c("urban", "rural"), m, replace = TRUE),
        literate = rbinom(m, 1, 0.3 + 0.03 * h), score = round(rnorm(m, 50 + h, 10), 2),
        hours = round(runif(m, 1, 10), 2),
        w = round(runif(1, 50, 150) * runif(m, 0.8, 1.2), 3),
        psu_pop = if (h == 13) 1 else psu_count[h] + sample(2:6, 1) * (h %% 3 + 1),
        ssu_pop = n_ssu + sample(0:3, 1)
      )
    }
  }
}
lonely <- do.call(rbind, lonely_rows)
# fpc is constant within each stratum (stage 1) and within each PSU (stage 2)
lonely$psu_pop <- ave(lonely$psu_pop, lonely$stratum, FUN = function(v) v[1])
lonely$ssu_pop <- ave(lonely$ssu_pop, lonely$psu, FUN = function(v) v[1])
export(lonely, "lonely.csv")

datasets <- list(apistrat = apistrat_, apiclus1 = apiclus1_, apiclus2 = apiclus2_, lonely = lonely)

# ------------------------------------------------------------------ designs
formula_of <- function(names) if (length(names) == 0) ~1 else as.formula(paste("~", paste(names, collapse = "+")))

make_design <- function(spec) {
  data <- datasets[[spec$dataset]]
  args <- list(ids = formula_of(spec$psu), weights = as.formula(paste("~", spec$weight)), data = data,
               nest = isTRUE(spec$nest))
  if (length(spec$strata)) args$strata <- formula_of(spec$strata)
  if (length(spec$fpc)) args$fpc <- formula_of(spec$fpc)
  do.call(svydesign, args)
}

population_frame <- function(levels, totals, name) {
  out <- data.frame(levels, Freq = unlist(totals), stringsAsFactors = FALSE)
  names(out)[1] <- name
  out
}

apply_calibration <- function(design, cal) {
  if (is.null(cal)) return(design)
  if (cal$type == "poststratify") {
    population <- data.frame(do.call(rbind, lapply(cal$cells, function(cell) cell$key)), stringsAsFactors = FALSE)
    cal_by <- unlist(cal$by)
    names(population) <- cal_by
    for (j in seq_along(cal_by)) {
      population[[j]] <- unlist(population[[j]])
      if (is.numeric(design$variables[[cal_by[j]]])) population[[j]] <- as.numeric(population[[j]])
    }
    population$Freq <- sapply(cal$cells, function(cell) cell$total)
    return(postStratify(design, formula_of(cal_by), population))
  }
  if (cal$type == "rake") {
    sample_margins <- lapply(names(cal$margins), function(v) as.formula(paste("~", v)))
    population_margins <- lapply(names(cal$margins), function(v) {
      m <- cal$margins[[v]]
      population_frame(if (is.numeric(design$variables[[v]])) as.numeric(names(m)) else names(m), m, v)
    })
    return(rake(design, sample_margins, population_margins, control = list(maxit = 200, epsilon = 1e-14)))
  }
  if (cal$type == "calibrate") {
    # population totals for R's treatment-contrast model matrix: intercept, non-reference levels, numerics
    totals <- c()
    first_factor <- TRUE
    for (v in unlist(cal$columns)) {
      t <- cal$totals[[v]]
      if (is.list(t)) {
        levels <- sort(names(t))
        if (first_factor) totals <- c(totals, `(Intercept)` = sum(unlist(t)))
        first_factor <- FALSE
        for (l in levels[-1]) totals[paste0(v, l)] <- t[[l]]
      } else {
        totals[v] <- t
      }
    }
    bounds <- if (is.null(cal$bounds)) c(-Inf, Inf) else unlist(cal$bounds)
    return(calibrate(design, formula_of(unlist(cal$columns)), totals, calfun = cal$calfun, bounds = bounds,
                     maxit = 200, epsilon = 1e-14))
  }
  stop("unknown calibration")
}

apply_replicate <- function(design, rep) {
  if (is.null(rep)) return(design)
  if (rep$type == "bootstrap") {
    set.seed(rep$seed)
    r <- as.svrepdesign(design, type = "bootstrap", replicates = rep$replicates)
    factors <- as.matrix(r$repweights$weights)[r$repweights$index, ]
    colnames(factors) <- paste0("rep", seq_len(ncol(factors)))
    export(as.data.frame(factors), rep$factors_file)
    return(r)
  }
  as.svrepdesign(design, type = rep$type)
}

# ------------------------------------------------------------------ one estimate
num <- function(x) as.numeric(unname(x))

wilson <- function(p, se, df, level) {
  n_eff <- p * (1 - p) / se^2
  z <- qt(1 - (1 - level) / 2, df)
  centre <- (p + z^2 / (2 * n_eff)) / (1 + z^2 / n_eff)
  half <- z / (1 + z^2 / n_eff) * sqrt(p * (1 - p) / n_eff + z^2 / (4 * n_eff^2))
  c(centre - half, centre + half)
}

one_estimate <- function(design, case) {
  f <- as.formula(paste("~", case$variable))
  na_rm <- isTRUE(case$na_rm)
  level <- if (is.null(case$level)) 0.95 else case$level
  df <- degf(design)
  if (case$statistic %in% c("mean", "prop")) {
    est <- svymean(f, design, na.rm = na_rm, deff = TRUE)
  } else if (case$statistic == "total") {
    est <- svytotal(f, design, na.rm = na_rm, deff = TRUE)
  } else {
    # survey 4.1's svyratio.svyrep.design fails when asked for deff, so replicate ratios have none
    est <- svyratio(f, as.formula(paste("~", case$denominator)), design, na.rm = na_rm,
                    deff = !inherits(design, "svyrep.design"))
  }
  p <- num(coef(est))
  se <- num(SE(est))
  ci <- switch(case$ci,
    wald = num(confint(est, df = df, level = level)),
    logit = num(attr(svyciprop(f, design, method = "logit", level = level), "ci")),
    `korn-graubard` = num(attr(svyciprop(f, design, method = "beta", level = level), "ci")),
    wilson = wilson(p, se, df, level)
  )
  d <- if (is.null(attr(est, "deff"))) NA else num(deff(est, quietly = TRUE))
  list(estimate = p, se = se, ci_low = ci[1], ci_high = ci[2], deff = d, df = df)
}

run_case <- function(case) {
  options(survey.lonely.psu = case$design$lonely_psu)
  design <- make_design(case$design)
  design <- apply_calibration(design, case$calibration)
  design <- apply_replicate(design, case$replicate)
  rows <- list()
  by <- unlist(case$by)
  if (length(by) == 0) {
    rows[[1]] <- c(list(domain = setNames(list(), character(0))), one_estimate(design, case))
    # svyby is the route for domains; check it against the direct subset loop for one statistic
  } else {
    variables <- if (inherits(design, "svyrep.design")) design$variables else design$variables
    key <- interaction(variables[by], drop = TRUE)
    for (level in sort(unique(as.character(key)))) {
      sub <- design[key == level, ]
      domain <- lapply(by, function(b) variables[[b]][key == level][1])
      names(domain) <- by
      rows[[length(rows) + 1]] <- c(list(domain = domain), one_estimate(sub, case))
    }
    # the same domains through svyby must give the same estimates and SEs
    fun <- switch(case$statistic, mean = svymean, prop = svymean, total = svytotal, ratio = svyratio)
    by_formula <- formula_of(by)
    if (case$statistic == "ratio") {
      by_result <- svyby(as.formula(paste("~", case$variable)), by_formula, design, fun,
                         denominator = as.formula(paste("~", case$denominator)), na.rm = isTRUE(case$na_rm))
    } else {
      by_result <- svyby(as.formula(paste("~", case$variable)), by_formula, design, fun, na.rm = isTRUE(case$na_rm))
    }
    by_est <- sort(num(coef(by_result)))
    loop_est <- sort(sapply(rows, function(r) r$estimate))
    stopifnot(isTRUE(all.equal(by_est, loop_est, tolerance = 1e-12)))
    by_se <- sort(num(SE(by_result)))
    loop_se <- sort(sapply(rows, function(r) r$se))
    stopifnot(isTRUE(all.equal(by_se, loop_se, tolerance = 1e-12)))
  }
  out <- case
  out$rows <- rows
  if (inherits(design, "svyrep.design")) {
    out$replicate_scale <- design$scale
    out$replicate_rscales <- num(design$rscales)
  }
  if (!is.null(case$calibration) && is.null(case$replicate)) out$weights <- num(weights(design))
  out
}

# ------------------------------------------------------------------ the cases
cases <- list()
add <- function(...) cases[[length(cases) + 1]] <<- list(...)
design_spec <- function(dataset, weight, psu = character(0), strata = character(0), fpc = character(0),
                        lonely_psu = "fail", nest = FALSE) {
  list(dataset = dataset, weight = weight, psu = psu, strata = strata, fpc = fpc, lonely_psu = lonely_psu, nest = nest)
}

dstrat <- design_spec("apistrat", "pw", strata = "stype", fpc = "fpc")
dstrat_nofpc <- design_spec("apistrat", "pw", strata = "stype")
dclus1 <- design_spec("apiclus1", "pw", psu = "dnum", fpc = "fpc")
dclus1_nofpc <- design_spec("apiclus1", "pw", psu = "dnum")
dclus2 <- design_spec("apiclus2", "pw", psu = c("dnum", "snum"), fpc = c("fpc1", "fpc2"))
dclus2_nofpc <- design_spec("apiclus2", "pw", psu = c("dnum", "snum"))

for (d in list(dstrat, dstrat_nofpc, dclus1, dclus1_nofpc, dclus2, dclus2_nofpc)) {
  add(design = d, statistic = "mean", variable = "api00", by = list(), ci = "wald")
  add(design = d, statistic = "total", variable = "enroll", by = list(), ci = "wald", na_rm = TRUE)
  add(design = d, statistic = "ratio", variable = "api00", denominator = "api99", by = list(), ci = "wald")
  for (ci in c("wald", "logit", "korn-graubard", "wilson")) {
    add(design = d, statistic = "prop", variable = "sch_wide", by = list(), ci = ci)
  }
  add(design = d, statistic = "prop", variable = "awards", by = list("stype"), ci = "logit")
  add(design = d, statistic = "prop", variable = "comp_imp", by = list("stype", "yr_rnd"), ci = "korn-graubard")
  add(design = d, statistic = "mean", variable = "api00", by = list("stype", "awards"), ci = "wald")
  add(design = d, statistic = "total", variable = "api00", by = list("yr_rnd"), ci = "wald")
  add(design = d, statistic = "ratio", variable = "api00", denominator = "api99", by = list("stype"), ci = "wald")
  add(design = d, statistic = "prop", variable = "sch_wide", by = list("stype"), ci = "wilson", level = 0.9)
}
add(design = dclus2, statistic = "mean", variable = "enroll", by = list("stype"), ci = "wald", na_rm = TRUE)
add(design = design_spec("apistrat", "pw", psu = "dnum", strata = "stype", nest = TRUE),
    statistic = "mean", variable = "api00", by = list("awards"), ci = "wald")

# lonely PSUs under every option, one and two stages, with and without fpc, and in domains
for (option in c("remove", "adjust", "average", "certainty")) {
  for (d in list(design_spec("lonely", "w", psu = "psu", strata = "stratum", lonely_psu = option),
                 design_spec("lonely", "w", psu = "psu", strata = "stratum", fpc = "psu_pop", lonely_psu = option),
                 design_spec("lonely", "w", psu = c("psu", "ssu"), strata = "stratum", fpc = c("psu_pop", "ssu_pop"),
                             lonely_psu = option))) {
    add(design = d, statistic = "prop", variable = "literate", by = list(), ci = "logit")
    add(design = d, statistic = "mean", variable = "score", by = list("region"), ci = "wald")
    add(design = d, statistic = "total", variable = "hours", by = list("region", "group"), ci = "wald")
    add(design = d, statistic = "ratio", variable = "score", denominator = "hours", by = list(), ci = "wald")
  }
}

# calibration
pop_stype <- list(E = 4421, H = 755, M = 1018)
pop_schwide <- list(`0` = 1072, `1` = 5122)
for (d in list(dclus1, dstrat)) {
  ps <- list(type = "poststratify", by = list("stype"),
             cells = lapply(names(pop_stype), function(l) list(key = list(l), total = pop_stype[[l]])))
  ps2 <- list(type = "poststratify", by = list("stype", "sch_wide"),
              cells = list(list(key = list("E", 0), total = 600), list(key = list("E", 1), total = 3821),
                           list(key = list("H", 0), total = 255), list(key = list("H", 1), total = 500),
                           list(key = list("M", 0), total = 217), list(key = list("M", 1), total = 801)))
  rk <- list(type = "rake", margins = list(stype = pop_stype, sch_wide = pop_schwide))
  rk1 <- list(type = "rake", margins = list(stype = pop_stype))
  lin <- list(type = "calibrate", columns = list("stype", "api99"),
              totals = list(stype = pop_stype, api99 = 3914069), calfun = "linear")
  rak <- modifyList(lin, list(calfun = "raking"))
  lgt <- modifyList(lin, list(calfun = "logit", bounds = list(0.7, 1.7)))
  blin <- modifyList(lin, list(calfun = "linear", bounds = list(0.7, 1.7)))
  for (cal in list(ps, ps2, rk, rk1, lin, rak, lgt, blin)) {
    add(design = d, calibration = cal, statistic = "mean", variable = "api00", by = list(), ci = "wald")
    add(design = d, calibration = cal, statistic = "prop", variable = "awards", by = list("stype"), ci = "korn-graubard")
    add(design = d, calibration = cal, statistic = "total", variable = "enroll", by = list("yr_rnd"), ci = "wald")
    add(design = d, calibration = cal, statistic = "ratio", variable = "api00", denominator = "api99",
        by = list(), ci = "wald")
  }
}
# calibration of a two-stage design and a chain of post-stratification then raking
add(design = dclus2, calibration = list(type = "calibrate", columns = list("stype", "api99"),
    totals = list(stype = pop_stype, api99 = 3914069), calfun = "linear"),
    statistic = "mean", variable = "api00", by = list("stype"), ci = "wald")

# replicate weights
for (spec in list(list(d = dclus1, rep = list(type = "JK1")), list(d = dclus1_nofpc, rep = list(type = "JK1")),
                  list(d = dstrat, rep = list(type = "JKn")), list(d = dstrat_nofpc, rep = list(type = "JKn")),
                  list(d = dclus1, rep = list(type = "bootstrap", replicates = 50, seed = 42,
                                              factors_file = "bootstrap_apiclus1.csv")),
                  list(d = dstrat, rep = list(type = "bootstrap", replicates = 60, seed = 7,
                                              factors_file = "bootstrap_apistrat.csv")))) {
  add(design = spec$d, replicate = spec$rep, statistic = "mean", variable = "api00", by = list(), ci = "wald")
  add(design = spec$d, replicate = spec$rep, statistic = "total", variable = "enroll", by = list(), ci = "wald")
  add(design = spec$d, replicate = spec$rep, statistic = "ratio", variable = "api00", denominator = "api99",
      by = list(), ci = "wald")
  add(design = spec$d, replicate = spec$rep, statistic = "prop", variable = "sch_wide", by = list("stype"),
      ci = "korn-graubard")
  add(design = spec$d, replicate = spec$rep, statistic = "mean", variable = "api00", by = list("awards"), ci = "wald")
}
for (option in c("remove", "adjust", "average", "certainty")) {
  d <- design_spec("lonely", "w", psu = "psu", strata = "stratum", lonely_psu = option)
  add(design = d, replicate = list(type = "JKn"), statistic = "mean", variable = "score", by = list(), ci = "wald")
  add(design = d, replicate = list(type = "JKn"), statistic = "prop", variable = "literate", by = list("region"),
      ci = "wald")
}

results <- lapply(cases, run_case)

# lonely PSUs under "fail" must stop, naming the stratum
options(survey.lonely.psu = "fail")
fail_message <- tryCatch({
  svymean(~score, make_design(design_spec("lonely", "w", psu = "psu", strata = "stratum")))
  "no error"
}, error = function(e) conditionMessage(e))

# a domain mean is also the coefficient of a regression on domain indicators (svyglm)
regressions <- list()
for (name in c("dstrat", "dclus1", "dclus2")) {
  d <- make_design(get(name))
  fit <- svyglm(api00 ~ 0 + stype, d)
  fit2 <- svyglm(api00 ~ api99 + meals, d)
  regressions[[name]] <- list(
    domain_means = list(names = names(coef(fit)), estimate = num(coef(fit)), se = num(SE(fit))),
    slopes = list(names = names(coef(fit2)), estimate = num(coef(fit2)), se = num(SE(fit2)))
  )
}

write_json(list(survey_version = as.character(packageVersion("survey")), r_version = R.version.string,
                cases = results, lonely_fail_message = fail_message, regressions = regressions),
           "reference.json", auto_unbox = TRUE, digits = NA, pretty = FALSE, null = "null", na = "null")
cat("wrote", length(results), "cases\n")
