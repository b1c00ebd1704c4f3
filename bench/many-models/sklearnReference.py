"""The in-memory reference for the many-models benchmark: pandas + scikit-learn, one Ridge per series.

    python3 bench/many-models/sklearnReference.py TRAIN.csv HORIZON.csv

Reads the training file and the horizon file whole, computes the same kinds of features the project's
trainer uses (price, log price, advert, yearly sin/cos, trend in weeks, target lags 8 and 52) with
pandas, then for every Store × Brand series fits one Ridge (alpha 1, no cross-validation) on all but
its last 8 weeks, scores those 8 weeks (holdout R²) and forecasts its horizon rows. No registry, no
ONNX, no durability, nothing written: the lower bound the project's overhead is measured against.
Prints one JSON line: seconds to read, seconds of compute (of which features), peak RSS, counts and the median holdout R².
Needs numpy, pandas and scikit-learn (Debian: python3-pandas python3-sklearn).
"""

import json
import resource
import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge

KEYS = ["Store", "Brand"]
LAGS = [8, 52]
HOLDOUT = 8
FEATURES = ["Price", "log_price", "Advert", "year_sin", "year_cos", "trend"] + [f"lag_{lag}" for lag in LAGS]


def read(path):
    """The columns the features use, with the date as days since 1970-01-01 (dates repeat: parsed once each)."""
    frame = pd.read_csv(
        path,
        usecols=["WeekStarting", "Store", "Brand", "Quantity", "Advert", "Price"],
        dtype={"WeekStarting": "category", "Store": "int32", "Brand": "category", "Advert": "float64"},
    )
    dates = frame.pop("WeekStarting").cat
    day_of_date = pd.to_datetime(dates.categories).to_numpy().astype("datetime64[D]").astype(np.int64)
    frame["days"] = day_of_date[dates.codes.to_numpy()]
    return frame


def add_features(frame):
    days = frame["days"].to_numpy()
    angle = 2 * np.pi * (days % 365.25) / 365.25
    frame["log_price"] = np.log(frame["Price"])
    frame["year_sin"] = np.sin(angle)
    frame["year_cos"] = np.cos(angle)
    frame["trend"] = days // 7
    by_series = frame.groupby(KEYS, sort=False, observed=True)["Quantity"]
    for lag in LAGS:
        frame[f"lag_{lag}"] = by_series.shift(lag)


def main(train_path, horizon_path):
    started = time.perf_counter()
    train = read(train_path)
    horizon = read(horizon_path)
    read_seconds = time.perf_counter() - started

    started = time.perf_counter()
    train["horizon"] = False
    horizon["horizon"] = True
    frame = pd.concat([train, horizon], ignore_index=True)
    del train, horizon
    add_features(frame)
    x = np.column_stack([frame[name].to_numpy(dtype=np.float64) for name in FEATURES])
    y = frame["Quantity"].to_numpy(dtype=np.float64)
    is_horizon = frame["horizon"].to_numpy()
    has_lags = ~np.isnan(x[:, -len(LAGS):]).any(axis=1)
    forecast = np.full(len(frame), np.nan)
    features_seconds = time.perf_counter() - started
    r2 = []
    for rows in frame.groupby(KEYS, sort=False, observed=True).indices.values():
        known = rows[has_lags[rows] & ~is_horizon[rows]]
        fit_rows, holdout_rows = known[:-HOLDOUT], known[-HOLDOUT:]
        model = Ridge(alpha=1.0).fit(x[fit_rows], y[fit_rows])
        r2.append(model.score(x[holdout_rows], y[holdout_rows]))
        ahead = rows[is_horizon[rows]]
        forecast[ahead] = model.predict(x[ahead])
    compute_seconds = time.perf_counter() - started

    print(
        json.dumps(
            {
                "readSeconds": read_seconds,
                "computeSeconds": compute_seconds,
                "featuresSeconds": features_seconds,
                "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                "rows": int((~is_horizon).sum()),
                "series": len(r2),
                "horizonRows": int(is_horizon.sum()),
                "forecastRows": int((~np.isnan(forecast[is_horizon])).sum()),
                "medianHoldoutR2": float(np.median(r2)),
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
