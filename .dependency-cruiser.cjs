// The folder rules of the app, checked in CI (`npm run depcheck`). ARCHITECTURE.md explains the layers.
const features = 'scoring|models|training|manyModels|streaming|video|feedback|dashboard';
const foundation = '^src/(storage|http|identity|telemetry)/|^src/(errors|config)[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules must not import each other in a circle.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'foundation-stays-at-the-bottom',
      severity: 'error',
      comment: 'errors, config, storage and http are used by everything and import none of it.',
      from: { path: foundation },
      to: { path: '^src/', pathNot: foundation },
    },
    {
      name: 'kernel-imports-no-feature',
      severity: 'error',
      comment: 'The runtime kernel (src/runtime) is under every feature: it imports only the foundation.',
      from: { path: '^src/runtime/' },
      to: { path: '^(src/|functions/)', pathNot: `^src/runtime/|${foundation}` },
    },
    {
      name: 'features-meet-through-public-entries',
      severity: 'error',
      comment:
        'A feature imports a sibling feature only through its index.ts (its public surface), never its internals.',
      from: { path: `^src/(${features})/` },
      to: { path: `^src/(${features})/`, pathNot: ['^src/$1/', `^src/(${features})/index[.]ts$`] },
    },
    {
      name: 'features-depend-one-way',
      severity: 'error',
      comment:
        'Features depend one way: manyModels -> training -> models, and manyModels -> scoring. Scoring and models use no other feature (keyed scoring plugs into scoring as a strategy).',
      from: { path: '^src/(scoring|models)/' },
      to: { path: `^src/(${features})/`, pathNot: '^src/$1/' },
    },
    {
      name: 'training-uses-only-models',
      severity: 'error',
      comment: 'Training uses the model registry, never scoring or many models.',
      from: { path: '^src/training/' },
      to: { path: '^src/(scoring|manyModels)/' },
    },
    {
      name: 'streaming-uses-only-the-kernel',
      comment:
        'Streaming resolves and runs models through the kernel (ModelLoader, ModelRunner), as batch scoring does; it imports no other feature.',
      severity: 'error',
      from: { path: '^src/streaming/' },
      to: { path: `^src/(${features})/`, pathNot: '^src/streaming/' },
    },
    {
      name: 'no-feature-uses-streaming',
      comment:
        'Streaming sits on top of the kernel and no other feature builds on it (its public entry is for the composition root and functions/).',
      severity: 'error',
      from: { path: '^src/(scoring|models|training|manyModels)/' },
      to: { path: '^src/streaming/' },
    },
    {
      name: 'video-uses-only-models',
      comment:
        'Video loads its pinned style models from the registry (models) and hands work to dispatch; it uses no other feature.',
      severity: 'error',
      from: { path: '^src/video/' },
      to: { path: `^src/(${features})/`, pathNot: '^src/(video|models)/' },
    },
    {
      name: 'no-feature-uses-video',
      comment: 'Video sits on top; its public entry is for the composition root, functions/ and the worker.',
      severity: 'error',
      from: { path: '^src/(scoring|models|training|manyModels|streaming)/' },
      to: { path: '^src/video/' },
    },
    {
      name: 'feedback-uses-only-scoring',
      comment:
        'Feedback reads finished jobs through scoring (its jobs table) and models through the kernel; retraining reads its joined set through an interface wired at the composition root.',
      severity: 'error',
      from: { path: '^src/feedback/' },
      to: { path: `^src/(${features})/`, pathNot: '^src/(feedback|scoring)/' },
    },
    {
      name: 'no-feature-uses-feedback',
      comment: 'Feedback sits on top; its public entry is for the composition root and functions/.',
      severity: 'error',
      from: { path: '^src/(scoring|models|training|manyModels|streaming|video)/' },
      to: { path: '^src/feedback/' },
    },
    {
      name: 'dashboard-uses-no-feature',
      comment:
        'The dashboard reads every feature through the app HTTP API from the browser; it imports no feature, and no feature imports it.',
      severity: 'error',
      from: { path: '^src/dashboard/' },
      to: { path: `^src/(${features})/`, pathNot: '^src/dashboard/' },
    },
    {
      name: 'no-feature-uses-the-dashboard',
      comment: 'The dashboard sits on top; its public entry is for functions/ only.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/dashboard/' },
      to: { path: '^src/dashboard/' },
    },
    {
      name: 'dispatch-uses-only-the-foundation',
      severity: 'error',
      comment:
        'Container dispatch (src/dispatch) is generic: queues, cancel markers, dispatchers. It knows no feature.',
      from: { path: '^src/dispatch/' },
      to: { path: '^src/', pathNot: `^src/dispatch/|${foundation}` },
    },
    {
      name: 'dispatch-through-its-entry',
      severity: 'error',
      comment:
        'The app uses dispatch through src/dispatch/index.ts (orchestrators through workContracts.ts); only the worker, the other end of the protocol, uses its internals.',
      from: { path: '^src/', pathNot: '^src/(dispatch|worker)/' },
      to: { path: '^src/dispatch/', pathNot: '^src/dispatch/(index|workContracts)[.]ts$' },
    },
    {
      name: 'worker-is-a-program',
      severity: 'error',
      comment: 'src/worker is the worker program (started as a process or a container); nothing imports it.',
      from: { path: '^src/', pathNot: '^src/worker/' },
      to: { path: '^src/worker/' },
    },
    {
      name: 'features-do-not-compose',
      severity: 'error',
      comment:
        'Only the composition root (appServices) and functions/ wire features together; nothing imports them.',
      from: { path: '^src/', pathNot: '^src/(appServices|cli/)' },
      to: { path: '^(src/appServices[.]ts$|functions/)' },
    },
    {
      name: 'orchestrations-are-pure',
      severity: 'error',
      comment:
        'Orchestrators replay: they import types, activity names (the *Contracts modules) and the pure helpers listed here; all I/O is in activities.',
      from: { path: '^src/orchestrations/' },
      to: {
        path: '^src/',
        pathNot: [
          'Contracts[.]ts$',
          '^src/training/retrain/decidePromotion[.]ts$',
          '^src/manyModels/training/partitionsManifest[.]ts$',
          // A generator of Durable tasks shared by orchestrators: deterministic, no I/O.
          '^src/orchestrations/runWorkUnits[.]ts$',
        ],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'host-imports-no-app',
      severity: 'error',
      comment:
        'The embedded host is generic: it loads the app from package.json main and imports nothing of it.',
      from: { path: '^src/host/' },
      to: { path: '^(src/|functions/)', pathNot: '^src/(host|identity)/' },
    },
    {
      name: 'identity-is-shared',
      severity: 'error',
      comment:
        'src/identity (credentials of identity-based connections) is shared by the app and the embedded host, so it imports nothing of either.',
      from: { path: '^src/identity/' },
      to: { path: '^(src/|functions/)', pathNot: '^src/identity/' },
    },
    {
      name: 'app-knows-no-host',
      severity: 'error',
      comment:
        'Nothing in the app knows which host runs it (the CLI, which starts the host, is the exception).',
      from: { path: '^(src/|functions/)', pathNot: '^src/(host|cli)/' },
      to: { path: '^src/host/' },
    },
    {
      name: 'app-runs-on-production-dependencies',
      severity: 'error',
      comment:
        'The deployed package (npm run package) holds production dependencies only: the app imports no devDependency (the host and the CLI are development tools).',
      from: { path: '^(src/|functions/)', pathNot: '^src/(host|cli)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'functions-are-registrations',
      severity: 'error',
      comment: 'functions/ registers handlers that call src/; src/ never imports functions/.',
      from: { path: '^src/' },
      to: { path: '^functions/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|test|bench)/' },
  },
};
