export type Frequency = 'daily' | 'weekly';

/** Which columns hold what, and the series' time step and target lags. */
export interface ForecastFeatureSpec {
  /** ISO date column (`2015-01-05`); one row per period within a series. */
  readonly time: string;
  readonly target: string;
  /** Price column: gives `price` and `log_price`. */
  readonly price?: string;
  /** Advert / promotion flag column: gives `promotion`. */
  readonly promotion?: string;
  readonly frequency: Frequency;
  /** Target lags in periods; each must be at least the forecast horizon (see trainSeries). */
  readonly lags: readonly number[];
}

/** Known target values of a series by period index: the history lags are looked up in. */
export interface TargetHistory {
  readonly periods: readonly number[];
  readonly values: readonly number[];
}
