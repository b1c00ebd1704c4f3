import { ValidationError } from '../../errors';
import type { Partition, RowError, ScoredPartition } from '../../runtime/formats/ScoringBatch';
import type { ImageClassificationJob } from '../../runtime/inference/classifyImages';
import { planImageClassifier, type ImageClassifierPlan } from '../../runtime/inference/planImageClassifier';
import type { PinnedModel } from '../../runtime/models/LoadedModel';
import type { RuntimeServices } from '../../runtime/RuntimeServices';
import type { JobPlan, ModelPlan } from '../jobContracts';
import type { ModelPlanRequest, ModelStrategy } from '../ModelStrategy';
import {
  classificationColumns,
  formatClassificationRows,
  type ClassificationRow,
} from './formatClassificationRows';
import { readImageShard } from './readImageShard';

/** An image classifier pinned for a job, and how its images are fed and read. */
export interface ImageModelPlan extends ModelPlan {
  readonly kind: 'image';
  readonly pinned: PinnedModel;
  readonly classifier: Omit<ImageClassifierPlan, 'labels'>;
  readonly topK: number;
}

/**
 * Classifies a folder of images with one model version, pinned at planning: each partition (a shard
 * of the images) reads its images at their listed versions, decodes and classifies them in a worker,
 * and writes the top classes of each as rows (path, rank, label, index, score). An image that cannot
 * be read or decoded is an error row naming the blob; the others in its shard are still scored.
 */
export class ImageModelStrategy implements ModelStrategy {
  readonly kind = 'image';

  constructor(private readonly runtime: Pick<RuntimeServices, 'storage' | 'models' | 'runner'>) {}

  async plan(request: ModelPlanRequest): Promise<ImageModelPlan> {
    const { spec } = request;
    if (spec.model.kind !== 'image') throw new Error(`ImageModelStrategy got a ${spec.model.kind} model`);
    const model = await this.runtime.models.resolve(spec.model.ref);
    let classifier: ImageClassifierPlan;
    try {
      classifier = planImageClassifier(await this.runtime.runner.signatureOf(model), model.card);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // A drop's model came from the blob (metadata or folder): say what to change there.
      const hint =
        spec.input.etag === undefined
          ? ''
          : ' (a dropped image: set the blob\'s metadata "model" to an image model)';
      throw new ValidationError(
        `Model ${model.name}@${model.version} cannot classify images${hint}: ${error.message}`,
        { field: 'model' },
      );
    }
    const { labels, ...withoutLabels } = classifier;
    const notes =
      labels === undefined
        ? [`Model ${model.name}@${model.version} has no labels: each row's label is its class index`]
        : [];
    return {
      kind: 'image',
      pinned: { name: model.name, version: model.version, sha256: model.sha256, files: model.files },
      classifier: withoutLabels,
      topK: spec.output.topK ?? 5,
      schema: { featureColumns: [], passThroughColumns: [] },
      outputColumns: [...classificationColumns],
      outputs: [classifier.output],
      label: { name: model.name, version: model.version },
      notes,
    };
  }

  async scorePartition(plan: JobPlan, partition: Partition): Promise<ScoredPartition> {
    const { pinned, classifier, topK } = imagePlanOf(plan);
    const { storage, models, runner } = this.runtime;
    const model = await models.load(pinned);
    const container = storage.container(plan.input.container);
    const blobs = partition.blobs ?? [];
    const errors: RowError[] = [];
    const rowOf = (name: string) => partition.firstRow + blobs.findIndex((blob) => blob.name === name);
    const where = (name: string) => `${plan.input.container}/${name}`;
    const results = await runner.classifyImages(model, async (): Promise<ImageClassificationJob> => {
      const shard = await readImageShard(container, blobs);
      for (const { name, reason } of shard.unread)
        errors.push({ row: rowOf(name), file: where(name), reason });
      return { images: shard.images, tensor: classifier.tensor, output: classifier.output.name, topK };
    });
    const labels = model.card?.labels;
    const rows: ClassificationRow[] = [];
    for (const result of results) {
      if ('error' in result) {
        errors.push({ row: rowOf(result.name), file: where(result.name), reason: result.error });
        continue;
      }
      result.top.forEach(({ index, score }, rank) =>
        rows.push({
          path: result.name,
          rank: rank + 1,
          label: labels?.[index] ?? String(index),
          index,
          score,
        }),
      );
    }
    errors.sort((a, b) => a.row - b.row);
    const format = plan.output.format === 'jsonl' ? 'jsonl' : 'csv';
    const output = plan.output.summaryOnly
      ? Buffer.alloc(0)
      : formatClassificationRows(rows, format, partition.index === 0);
    return { output, totalRows: blobs.length, rowCount: blobs.length - errors.length, errors };
  }

  describe(plan: JobPlan) {
    const { pinned, classifier, topK } = imagePlanOf(plan);
    return {
      model: {
        name: pinned.name,
        version: pinned.version,
        sha256: pinned.sha256,
        image: { ...classifier.tensor, output: classifier.output.name, topK },
      },
    };
  }
}

function imagePlanOf(plan: JobPlan): ImageModelPlan {
  if (plan.model.kind !== 'image')
    throw new Error(`Job ${plan.jobId}: the plan is for ${plan.model.kind} models, not an image model`);
  return plan.model as ImageModelPlan;
}
