#!/usr/bin/env Rscript
# Reference forecasts from Prophet (Debian r-cran-prophet) with rtcrypto's default settings,
# for the agreement test and the benchmark. Run with TZ=UTC.
# Usage: TZ=UTC Rscript scripts/prophet_reference.R HORIZON_MIN DAILY WEEKLY YEARLY IN.csv OUT.csv [IN OUT ...]
#   IN.csv: ds,y (ds "YYYY-MM-DD HH:MM:SS" UTC, y = log price); OUT.csv: ds,yhat (log price).
#   DAILY/WEEKLY/YEARLY: Fourier order, 0 = off, or auto (Prophet's default: on with order
#   4/3/10 when the history spans 2 days/2 weeks/2 years).
# Environment: RTC_PROPHET_ALGORITHM = LBFGS (Prophet's default) or Newton. Prophet passes it
#   to rstan::optimizing; Newton runs Prophet's own Stan model to its optimum, where Prophet's
#   default L-BFGS stops early on minute data (see docs/forecast-eval.md).
# Writes OUT.params.json beside each OUT (Prophet's fitted k, m, delta, beta, sigma_obs, its
#   changepoints, scaling and seasonal feature columns, and the Stan objective at the optimum).
# Prints "fit_seconds <path> <wall seconds>", "fit_cpu_seconds <path> <seconds>" and
#   "objective <path> <value> <return code>" on stderr.
suppressPackageStartupMessages({library(prophet); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 6 || length(args) %% 2 != 0) stop("usage: HORIZON DAILY WEEKLY YEARLY IN OUT [IN OUT ...]")
horizon <- as.integer(args[1])
order_or_false <- function(x) { if (x == "auto") return("auto"); x <- as.integer(x); if (x > 0) x else FALSE }
daily <- order_or_false(args[2]); weekly <- order_or_false(args[3]); yearly <- order_or_false(args[4])
algorithm <- Sys.getenv("RTC_PROPHET_ALGORITHM", "LBFGS")
if (!(algorithm %in% c("LBFGS", "Newton"))) stop("RTC_PROPHET_ALGORITHM must be LBFGS or Newton")
files <- args[-(1:4)]
for (i in seq(1, length(files), by = 2)) {
  df <- read.csv(files[i], stringsAsFactors = FALSE)
  df$ds <- as.POSIXct(df$ds, tz = "UTC", format = "%Y-%m-%d %H:%M:%S")
  t0 <- Sys.time()
  cpu0 <- proc.time()
  # Extra arguments of prophet() reach rstan::optimizing; the default is Prophet's own call.
  m <- prophet(df, growth = "linear", n.changepoints = 25, changepoint.range = 0.8,
               changepoint.prior.scale = 0.05, seasonality.prior.scale = 10,
               daily.seasonality = daily, weekly.seasonality = weekly, yearly.seasonality = yearly,
               uncertainty.samples = 0, algorithm = algorithm)
  secs <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
  cpu <- sum((proc.time() - cpu0)[c("user.self", "sys.self")])
  cat(sprintf("fit_seconds %s %.3f\n", files[i], secs), file = stderr())
  cat(sprintf("fit_cpu_seconds %s %.3f\n", files[i], cpu), file = stderr())
  cat(sprintf("objective %s %.6f %d\n", files[i], m$stan.fit$value, m$stan.fit$return_code),
      file = stderr())
  features <- prophet:::make_all_seasonality_features(m, m$history)
  p <- m$params
  params <- list(algorithm = algorithm, objective = m$stan.fit$value,
                 return_code = m$stan.fit$return_code, fit_seconds = secs, fit_cpu_seconds = cpu,
                 k = p$k, m = p$m, delta = c(p$delta), beta = c(p$beta), sigma_obs = p$sigma_obs,
                 changepoints = format(m$changepoints, "%Y-%m-%d %H:%M:%S", tz = "UTC"),
                 changepoints_t = m$changepoints.t, y_scale = m$y.scale,
                 start = format(m$start, "%Y-%m-%d %H:%M:%S", tz = "UTC"), t_scale = m$t.scale,
                 feature_columns = colnames(features$seasonal.features),
                 prior_scales = features$prior.scales,
                 seasonalities = lapply(m$seasonalities, function(s)
                   list(period = s$period, fourier_order = s$fourier.order)))
  writeLines(toJSON(params, auto_unbox = TRUE, digits = NA, pretty = TRUE),
             paste0(files[i + 1], ".params.json"))
  future <- make_future_dataframe(m, periods = horizon, freq = 60, include_history = FALSE)
  fc <- predict(m, future)
  write.csv(data.frame(ds = format(fc$ds, "%Y-%m-%d %H:%M:%S", tz = "UTC"),
                       yhat = sprintf("%.12f", fc$yhat)),
            files[i + 1], row.names = FALSE, quote = FALSE)
}
