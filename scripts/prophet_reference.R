#!/usr/bin/env Rscript
# Reference forecasts from Prophet (Debian r-cran-prophet) with rtcrypto's default settings,
# for the agreement test and the benchmark. Run with TZ=UTC.
# Usage: TZ=UTC Rscript scripts/prophet_reference.R HORIZON_MIN DAILY WEEKLY YEARLY IN.csv OUT.csv [IN OUT ...]
#   IN.csv: ds,y (ds "YYYY-MM-DD HH:MM:SS" UTC, y = log price); OUT.csv: ds,yhat (log price).
#   DAILY/WEEKLY: Fourier orders (0 = off); YEARLY: order or 0.
# Prints "fit_seconds <path> <seconds>" per slice on stderr.
suppressPackageStartupMessages(library(prophet))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 6 || length(args) %% 2 != 0) stop("usage: HORIZON DAILY WEEKLY YEARLY IN OUT [IN OUT ...]")
horizon <- as.integer(args[1])
order_or_false <- function(x) { x <- as.integer(x); if (x > 0) x else FALSE }
daily <- order_or_false(args[2]); weekly <- order_or_false(args[3]); yearly <- order_or_false(args[4])
files <- args[-(1:4)]
for (i in seq(1, length(files), by = 2)) {
  df <- read.csv(files[i], stringsAsFactors = FALSE)
  df$ds <- as.POSIXct(df$ds, tz = "UTC", format = "%Y-%m-%d %H:%M:%S")
  t0 <- Sys.time()
  m <- prophet(df, growth = "linear", n.changepoints = 25, changepoint.range = 0.8,
               changepoint.prior.scale = 0.05, seasonality.prior.scale = 10,
               daily.seasonality = daily, weekly.seasonality = weekly, yearly.seasonality = yearly,
               uncertainty.samples = 0)
  secs <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
  cat(sprintf("fit_seconds %s %.3f\n", files[i], secs), file = stderr())
  future <- make_future_dataframe(m, periods = horizon, freq = 60, include_history = FALSE)
  fc <- predict(m, future)
  write.csv(data.frame(ds = format(fc$ds, "%Y-%m-%d %H:%M:%S", tz = "UTC"),
                       yhat = sprintf("%.12f", fc$yhat)),
            files[i + 1], row.names = FALSE, quote = FALSE)
}
