import { joinFeedback, type ScoredJob } from '../../../src/feedback/joinFeedback';
import { addToSums, emptySums, metricOf } from '../../../src/feedback/liveMetrics';
import { parseFeedbackCsv, parseFeedbackJson } from '../../../src/feedback/parseFeedback';
import { readCsvRecords } from '../../../src/feedback/readCsvRecords';
import { liveMetricPoints } from '../../../src/feedback/readLiveMetrics';
import { r2Score, rootMeanSquaredError } from '../../../src/training/metrics';

function job(jobId: string, version: number, completedTime: string, csv: string): ScoredJob {
  return {
    jobId,
    version,
    completedTime,
    predictionColumn: 'variable',
    records: () => readCsvRecords([csv]),
  };
}

async function records(chunks: string[]): Promise<string[][]> {
  const all: string[][] = [];
  for await (const record of readCsvRecords(chunks.map((chunk) => Buffer.from(chunk)))) all.push(record);
  return all;
}

describe('readCsvRecords', () => {
  it('reads quoted fields, doubled quotes and line breaks across any chunk boundary', async () => {
    const text = 'id,note,v\r\n"a,1","say ""hi""",1.5\n\nb,"two\nlines",2\n"",x,3';
    const expected = [
      ['id', 'note', 'v'],
      ['a,1', 'say "hi"', '1.5'],
      ['b', 'two\nlines', '2'],
      ['', 'x', '3'],
    ];
    for (let cut = 0; cut <= text.length; cut++)
      expect(await records([text.slice(0, cut), text.slice(cut)])).toEqual(expected);
  });

  it('keeps a character whose UTF-8 bytes are split between chunks', async () => {
    const bytes = Buffer.from('id\nnaïve\n');
    const all: string[][] = [];
    for await (const record of readCsvRecords([bytes.subarray(0, 6), bytes.subarray(6)])) all.push(record);
    expect(all).toEqual([['id'], ['naïve']]);
  });
});

describe('parseFeedback', () => {
  const numeric = { numericLabels: true };

  it('takes the id column from the header and the labels by id', async () => {
    const parsed = await parseFeedbackCsv(Buffer.from('patient,label\np1,151\np2,75\n'), 'f.csv', numeric);
    expect(parsed.idColumn).toBe('patient');
    expect([...parsed.labels.values()]).toEqual([
      { id: 'p1', label: '151', row: 1 },
      { id: 'p2', label: '75', row: 2 },
    ]);
  });

  it.each([
    ['id,value\np1,1\n', 'f.csv: the header must be "<id column>,label"'],
    ['id,label\np1,1,2\n', 'f.csv row 1: 3 values for 2 columns'],
    ['id,label\np1,1\n,2\n', 'f.csv row 2: the id is empty.'],
    ['id,label\np1,\n', 'f.csv row 1: the label is empty.'],
    ['id,label\np1,1\np2,high\n', 'f.csv row 2: the label "high" is not a number'],
    ['id,label\np1,1\np2,2\np1,3\n', 'f.csv row 3: id "p1" is given again (row 1).'],
    ['', 'f.csv is empty'],
    ['id,label\n', 'f.csv has a header but no rows.'],
  ])('refuses %j naming the row', async (text, message) => {
    await expect(parseFeedbackCsv(Buffer.from(text), 'f.csv', numeric)).rejects.toThrow(message);
  });

  it('reads JSON rows and names the bad field', () => {
    const parsed = parseFeedbackJson({ rows: [{ id: 7, label: 1.5 }] }, 'body', numeric);
    expect(parsed).toEqual({ idColumn: 'id', labels: new Map([['7', { id: '7', label: '1.5', row: 1 }]]) });
    expect(() => parseFeedbackJson({ rows: [{ id: 'a' }] }, 'body', numeric)).toThrow(
      'body field "rows.0.label"',
    );
  });
});

describe('joinFeedback', () => {
  const older = job('job-a', 1, '2026-12-01T00:00:00Z', 'id,age,variable\np1,50,140\np2,60,90\np3,70,200\n');
  const newer = job('job-b', 2, '2026-12-02T00:00:00Z', 'id,age,variable\np3,70,180\np4,40,100\n');

  it('joins each id with the latest job that scored it and counts the rest as unjoined', async () => {
    const labels = await parseFeedbackCsv(Buffer.from('id,label\np1,150\np3,190\nzz,1\np4,110\n'), 'f.csv', {
      numericLabels: true,
    });
    const result = await joinFeedback(labels, [older, newer]);
    expect(result.joined.map((row) => [row.feedback.id, row.jobId, row.version, row.prediction])).toEqual([
      ['p1', 'job-a', 1, '140'],
      ['p3', 'job-b', 2, '180'],
      ['p4', 'job-b', 2, '100'],
    ]);
    expect(result.unjoined.map((label) => [label.id, label.row])).toEqual([['zz', 3]]);
  });

  it('reads no job once every id has joined', async () => {
    const labels = await parseFeedbackCsv(Buffer.from('id,label\np4,1\n'), 'f.csv', { numericLabels: true });
    expect((await joinFeedback(labels, [older, newer])).jobsRead).toBe(1);
  });
});

describe('live metrics', () => {
  // Deterministic pseudo-random labels and predictions.
  const labels = Array.from({ length: 57 }, (_, i) => 100 + ((i * 37) % 91) + i / 7);
  const predictions = labels.map((y, i) => y + ((i * 13) % 11) - 5);

  it('R² and RMSE from the additive sums equal the direct computation, in any split into batches', () => {
    const whole = emptySums();
    const first = emptySums();
    const second = emptySums();
    labels.forEach((y, i) => {
      addToSums(whole, String(y), String(predictions[i]), 'regression');
      addToSums(i < 20 ? first : second, String(y), String(predictions[i]), 'regression');
    });
    expect(metricOf(whole, 'r2')).toBeCloseTo(r2Score(labels, predictions), 10);
    expect(metricOf(whole, 'rmse')).toBeCloseTo(rootMeanSquaredError(labels, predictions), 10);
    const row = (version: number, bucket: string, sums: typeof first) => ({
      model: 'm',
      version,
      bucket,
      batch: `b${version}${bucket}`,
      ...sums,
    });
    const points = liveMetricPoints(
      [row(1, '2026-12-01T10:00:00.000Z', first), row(1, '2026-12-01T15:00:00.000Z', second)],
      'r2',
      'day',
    );
    expect(points).toEqual([
      { version: 1, bucket: '2026-12-01T00:00:00.000Z', n: 57, value: expect.any(Number) as number },
    ]);
    expect(points[0]!.value).toBeCloseTo(r2Score(labels, predictions), 10);
  });

  it('accuracy counts the rows whose predicted class is the label', () => {
    const sums = emptySums();
    for (const [label, predicted] of [
      ['1', '1'],
      ['0', '1'],
      ['1', '1.0'],
      ['cat', 'cat'],
    ])
      addToSums(sums, label!, predicted!, 'classification');
    expect(metricOf(sums, 'accuracy')).toBe(0.75);
  });
});
