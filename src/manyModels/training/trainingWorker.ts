/** The many-models training task of the worker pool (see PoolSeriesTrainer): trains one key per task. */
import { workerTask } from '../../runtime/workers/workerTask';
import { trainSeriesFile } from './SeriesTrainer';

export default workerTask(trainSeriesFile);
