/**
 * The model registry's public surface, for the features built on it (retraining, many models): the
 * registry itself and the bundled models folder. Everything else in this folder is the registry's own.
 */
export { listBundledModels, loadBundledModel } from './loadBundledModel';
export { ModelRegistry, type RegisteredVersion, type RegistrationRequest } from './registry/ModelRegistry';
