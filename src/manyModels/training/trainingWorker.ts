/** Entry point of a training worker thread (started by PoolSeriesTrainer): trains one key per task. */
import { serveTasks } from '../../runtime/workers/serveTasks';
import { trainSeriesFile } from './SeriesTrainer';

serveTasks(trainSeriesFile);
